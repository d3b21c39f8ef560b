"""Recognition matrix: programme x host (or host x target) verdicts, by region and as-of date; a click opens the
pathway."""

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import altair as alt
import explorer as ex
import pandas as pd
import streamlit as st

from mrkg import catalog
from mrkg.paths import VERDICT_RANK

ex.setup("Recognition matrix")
kg = ex.graph()
st.markdown("Each cell is the pathway engine's verdict for a credit profile with nothing else known (so most "
            "reachable cells are *conditional*: a vintage, an authorisation ... is still to be shown). "
            "Symbols: **✓ eligible**, **? conditional**, **✗ not recognised**. Click a cell to open its pathway.")


@st.cache_data(show_spinner=False)
def regions() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, bloc in catalog.region_of_countries(ex.graph()).items():
        if bloc != "elsewhere":
            out.setdefault(bloc, []).append(code)
    for code, geo in ex.countries_geo().items():
        if geo["region"] and geo["region"] != "Antarctic":
            out.setdefault(str(geo["region"]), []).append(code)
    out["all countries"] = sorted(catalog.region_of_countries(ex.graph()))
    return out


ex.init_state("mode", ex.param("mode", "programme-host") if ex.param("mode") in ("programme-host", "host-target")
              else "programme-host")
ex.init_state("region", ex.param("region", "ASEAN") if ex.param("region", "ASEAN") in regions() else "ASEAN")
ex.init_state("matrix_as_of", ex.date_param("as_of", dt.date.today()))
c1, c2, c3 = st.columns(3)
mode = c1.radio("Rows × columns", ["programme-host", "host-target"], key="mode",
                format_func={"programme-host": "programme × host country", "host-target": "host country × target"}.get)
region = c2.selectbox("Host countries in", list(regions()), key="region")
as_of = c3.date_input("As of date", key="matrix_as_of")

codes = set(regions()[region])
rows = ex.matrix_rows(as_of, tuple(sorted(codes)))
frame = pd.DataFrame([r for r in rows if r["host_code"] in codes])
if frame.empty:
    st.info("No matrix cells for these countries.")
    st.stop()
frame["rank"] = frame["verdict"].map(VERDICT_RANK)

if mode == "programme-host":
    targets = sorted(set(frame["target_label"]))
    ex.init_state("target", "any target")
    target = st.selectbox("Target", ["any target", *targets], key="target",
                          help="'any target': the best verdict over all targets, with the number reachable.")
    sub = frame if target == "any target" else frame[frame["target_label"] == target]
    best = sub.sort_values("rank").groupby(["programme", "host_code"], as_index=False).first()
    reach = sub[sub["verdict"] != "not recognised"].groupby(["programme", "host_code"]).size()
    best["reachable"] = [int(reach.get((p, h), 0)) for p, h in zip(best["programme"], best["host_code"], strict=True)]
    best["row"], best["col"] = best["programme_label"], best["host_label"] + " (" + best["host_code"] + ")"
else:
    programmes = {ex.slug(p): kg.projection.label(p) for p in kg.projection.programmes()}
    ex.init_state("matrix_programme", "gold-standard")
    prog = st.selectbox("Programme", list(programmes), key="matrix_programme", format_func=programmes.get)
    best = frame[frame["programme"].str.endswith("/" + prog)].copy()
    best["reachable"] = (best["verdict"] != "not recognised").astype(int)
    best["row"], best["col"] = best["host_label"] + " (" + best["host_code"] + ")", best["target_label"]
if best.empty:
    st.info("No matrix cells for this choice.")
    st.stop()
best["symbol"] = best["verdict"].map(ex.VERDICT_SHORT)
best["verdict_text"] = best["verdict"].map(ex.VERDICT_SYMBOL)

cell = alt.selection_point(name="cell", fields=["programme", "host_code"], on="click")
base = alt.Chart(best).encode(
    x=alt.X("col:N", title=None, axis=alt.Axis(labelAngle=-45, labelLimit=220, labelOverlap=False)),
    y=alt.Y("row:N", title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
    tooltip=[alt.Tooltip("programme_label:N", title="programme"), alt.Tooltip("host_label:N", title="host"),
             alt.Tooltip("verdict_text:N", title="verdict"), alt.Tooltip("reachable:Q", title="targets reachable"),
             alt.Tooltip("note:N", title="note")],
)
heat = base.mark_rect(stroke="white").encode(
    color=alt.Color("verdict:N", title="verdict", scale=alt.Scale(domain=list(ex.VERDICT_COLOUR),
                                                                  range=list(ex.VERDICT_COLOUR.values()))),
    opacity=alt.condition(cell, alt.value(1.0), alt.value(0.5)),
).add_params(cell)
text = base.mark_text(fontSize=13).encode(text="symbol:N")
chart = (heat + text).properties(height=max(200, 22 * best["row"].nunique()))
event = st.altair_chart(chart, width="stretch", on_select="rerun", key="matrix_chart", selection_mode="cell")

picked = (event or {}).get("selection", {}).get("cell", []) if isinstance(event, dict) else \
    getattr(getattr(event, "selection", None), "cell", []) or []
if picked:
    choice = picked[0]
    st.markdown(f"**Opened:** [pathway for {choice.get('programme', '')} from {choice.get('host_code', '')} →]"
                f"({ex.pathway_url(choice['programme'], choice['host_code'], as_of=as_of.isoformat())})")

st.subheader("The same cells as a table")
table = best[["row", "col", "verdict_text", "reachable", "note"]].copy()
table["pathway"] = [ex.pathway_url(p, h, as_of=as_of.isoformat())
                    for p, h in zip(best["programme"], best["host_code"], strict=True)]
st.dataframe(table.rename(columns={"row": "row", "col": "column", "verdict_text": "verdict"}), hide_index=True,
             width="stretch", key="matrix_table",
             column_config={"pathway": st.column_config.LinkColumn("pathway", display_text="open pathway")})
counts = best["verdict"].value_counts()
st.caption(" · ".join(f"{ex.VERDICT_SYMBOL[v]}: {int(counts.get(v, 0))}" for v in ex.VERDICT_SYMBOL))
ex.footer()
