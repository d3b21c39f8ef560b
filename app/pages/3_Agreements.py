"""Agreements: who has what with whom (table, timeline, offline map), and each agreement's page."""

import datetime as dt
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import altair as alt
import explorer as ex
import pandas as pd
import streamlit as st

from mrkg import catalog
from mrkg.errors import MrkgError
from mrkg.store import local_name

ex.setup("Agreements")
kg = ex.graph()


def agreement_page(ident: str) -> None:
    try:
        entity = kg.entity(ident)
    except MrkgError as err:
        ex.show_error(err)
        return
    row = next((a for a in ex.agreements(dt.date.today()) if a["iri"] == entity.iri), None)
    st.header(entity.label)
    if row:
        st.markdown(f"**Kind:** {row['kind_label']} · **stage today:** {row['stage']} · "
                    f"**confidence:** {row['confidence'] or 'not stated'}")
        st.markdown("**Parties:** " + ", ".join(ex.link(p, lbl) for p, lbl in
                                                zip(row["parties"], row["party_labels"], strict=True)))
    st.markdown("**Stages**")
    if entity.events:
        st.dataframe(pd.DataFrame([{"date": e.date, "precision": e.precision, "stage": e.stage, "note": e.note}
                                   for e in entity.events]), hide_index=True, width="stretch", key="stages_table")
    else:
        st.caption("no dated stage recorded")
    facts = [f for f in entity.facts if f.predicate not in ("rdfs:label", "mrkg:hasEvent", "mrkg:party", "rdf:type")]
    st.markdown("**Facts**\n" + "\n".join(
        f"- *{f.predicate}*: {ex.link(f.target, f.value) if f.target else f.value}" for f in facts))
    if entity.incoming:
        st.markdown("**Referred to by**\n" + "\n".join(
            f"- {ex.link(f.target, f.value)} ({f.predicate})" for f in entity.incoming))
    ex.show_sources(entity.sources)
    st.markdown(f"[Show its neighbourhood in the network view](./{ex.NETWORK}?id={ex.short_id(entity.iri)})")


if ex.param("id"):
    st.markdown(f"[← all agreements](./{ex.AGREEMENTS})")
    agreement_page(ex.param("id"))
    ex.footer()
    st.stop()

countries = {local_name(e["id"]): e["label"] for e in ex.entities() if e["kind"] == "Country"}
ex.init_state("ag_country", ex.param("country", "any").upper() if ex.param("country").upper() in countries else "any")
c1, c2, c3, c4 = st.columns(4)
country = c1.selectbox("Country (party)", ["any", *sorted(countries, key=countries.get)], key="ag_country",
                       format_func=lambda c: "any country" if c == "any" else f"{countries[c]} ({c})")
kinds = c2.multiselect("Kind", list(catalog.AGREEMENT_KINDS), key="ag_kinds",
                       default=["MutualRecognitionAgreement", "Article6MOU", "ImplementationAgreement",
                                "JCMPartnership"], format_func=catalog.AGREEMENT_KINDS.get)
stage_options = [*ex.stages(), "not yet"]
stages = c3.multiselect("Stage on the date", stage_options, key="ag_stages", default=[],
                        help="Empty: every stage.")
as_of = c4.date_input("As of date", value=dt.date.today(), key="ag_as_of")
since = st.date_input("Only agreements with a dated stage since", value=dt.date(2000, 1, 1), key="ag_since")
rows = ex.agreements(as_of, None if country == "any" else country, tuple(kinds) if kinds else None,
                     tuple(stages) if stages else None, since)
by_kind = Counter(str(a["kind_label"]) for a in rows)
st.write(f"**{len(rows)} agreements**" + (": " + ", ".join(f"{n} {k}" for k, n in by_kind.most_common())
                                          if rows else ""))

table_tab, timeline_tab, map_tab = st.tabs(["Table", "Timeline", "Map"])
with table_tab:
    if rows:
        frame = pd.DataFrame([{"agreement": a["label"], "kind": a["kind_label"],
                               "parties": ", ".join(a["party_labels"]), "stage": a["stage"],  # type: ignore[arg-type]
                               "signed": a["signed"], "sources": a["sources"],
                               "page": ex.entity_url(str(a["iri"]))} for a in rows])
        st.dataframe(frame, hide_index=True, width="stretch", key="agreements_table",
                     column_config={"page": st.column_config.LinkColumn("page", display_text="open")})
        picked = st.selectbox("Open an agreement", ["—", *[str(a["id"]) for a in rows]], key="ag_open",
                              format_func=lambda i: i if i == "—" else next(str(a["label"]) for a in rows
                                                                             if a["id"] == i))
        if picked != "—":
            agreement_page(picked)
    else:
        st.info("No agreement matches these filters.")

with timeline_tab:
    events = [e for e in ex.timeline() if e["what"] == "agreement" and e["subject"] in {a["iri"] for a in rows}]
    if events:
        tframe = pd.DataFrame(events)
        chart = alt.Chart(tframe).mark_point(filled=True, size=70).encode(
            x=alt.X("date:T", title="date"), y=alt.Y("label:N", title=None, sort="-x",
                                                     axis=alt.Axis(labelLimit=380)),
            color=alt.Color("change:N", title="stage"), shape=alt.Shape("change:N", title="stage"),
            tooltip=["date", "change", "label", "kind", "source"],
        ).properties(height=max(200, 18 * tframe["label"].nunique()))
        st.altair_chart(chart, width="stretch")
    else:
        st.info("No dated stage for these agreements.")

with map_tab:
    geo = ex.countries_geo()
    pairs = pd.DataFrame(catalog.agreement_pairs(rows))
    per_country = Counter(c for a in rows for c in set(a["countries"]))  # type: ignore[call-overload]
    shade = pd.DataFrame([{"id": str(geo[c]["numeric"]), "name": countries.get(c, c), "agreements": n}
                          for c, n in per_country.items() if c in geo and geo[c]["numeric"]])
    # A plain Vega-Lite spec: the bundled TopoJSON goes in as is (Altair would walk the whole geometry each run).
    topo = {"values": ex.world_topojson(), "format": {"type": "topojson", "feature": "countries"}}
    layers: list[dict[str, object]] = [{"data": topo, "mark": {"type": "geoshape", "fill": "#eeeeee",
                                                               "stroke": "white", "strokeWidth": 0.4}}]
    if not shade.empty:
        layers.append({
            "data": topo, "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.4},
            "transform": [{"lookup": "id", "from": {"data": {"values": shade.to_dict("records")}, "key": "id",
                                                    "fields": ["name", "agreements"]}},
                          {"filter": "datum.agreements > 0"}],
            "encoding": {"color": {"field": "agreements", "type": "quantitative", "title": "agreements",
                                   "scale": {"scheme": "blues"}},
                         "tooltip": [{"field": "name", "type": "nominal", "title": "country"},
                                     {"field": "agreements", "type": "quantitative"}]}})
    if not pairs.empty:
        pairs = pairs[pairs["a"].isin(geo) & pairs["b"].isin(geo)]
        lines = [{"lon": geo[r["a"]]["lon"], "lat": geo[r["a"]]["lat"], "lon2": geo[r["b"]]["lon"],
                  "lat2": geo[r["b"]]["lat"], "label": r["label"], "kind": r["kind_label"], "stage": r["stage"]}
                 for r in pairs.to_dict("records")]
        layers.append({
            "data": {"values": lines}, "mark": {"type": "rule", "opacity": 0.7},
            "encoding": {"longitude": {"field": "lon", "type": "quantitative"},
                         "latitude": {"field": "lat", "type": "quantitative"},
                         "longitude2": {"field": "lon2"}, "latitude2": {"field": "lat2"},
                         "color": {"field": "kind", "type": "nominal", "title": "kind"},
                         "strokeDash": {"field": "kind", "type": "nominal", "title": "kind"},
                         "tooltip": [{"field": "label"}, {"field": "kind"}, {"field": "stage"}]}})
    st.vega_lite_chart({"projection": {"type": "equalEarth"}, "height": 460, "layer": layers,
                        "resolve": {"scale": {"color": "independent"}}},
                       width="stretch", key="agreements_map")
    st.caption("Countries shaded by the number of agreements listed; lines join the parties, styled by kind. "
               "The map is drawn from bundled geometry (Natural Earth 1:110m), with no internet access.")
ex.footer()
