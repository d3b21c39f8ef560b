"""Overview: what the graph holds, coverage by region, what changed recently, dataset version and freshness."""

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import altair as alt
import explorer as ex
import pandas as pd
import streamlit as st

ex.setup("mrkg explorer: carbon-credit recognition")
st.markdown(
    "Which carbon credits can be recognised where, through which agreement, under which conditions, and on "
    "whose authority. Start with **[Where can this credit go?](./Where_can_this_credit_go)**, or browse the "
    "[recognition matrix](./Recognition_matrix), [agreements](./Agreements) and "
    "[methodologies](./Methodologies)."
)

ov = ex.overview()
cols = st.columns(4)
cols[0].metric("Dataset version", ov.version)
cols[1].metric("Newest source (published)", ov.newest_source_date or "unknown")
cols[2].metric("Sources cited", ov.sources)
cols[3].metric("Triples (with ontology)", ov.triples)

st.subheader("What the graph holds")
cols = st.columns(6)
HELD = [("Agreement", "Agreements"), ("ImplementationAgreement", "Implementation agreements"),
        ("Article6MOU", "Article 6 MOUs"), ("JCMPartnership", "JCM partnerships"),
        ("MutualRecognitionAgreement", "Mutual recognition agreements"), ("CreditingProgramme", "Crediting programmes")]
for col, (cls, name) in zip(cols, HELD, strict=True):
    col.metric(name, ov.count(cls))
cols = st.columns(6)
for col, (cls, name) in zip(cols, [("ComplianceScheme", "Compliance schemes"), ("EligibilityRule", "Eligibility rules"),
                                   ("Methodology", "Methodologies"), ("Country", "Countries"),
                                   ("RegionalBloc", "Regional blocs"), ("AgreementEvent", "Dated events")],
                     strict=True):
    col.metric(name, ov.count(cls))
with st.expander("Counts for every class"):
    st.dataframe(pd.DataFrame(ov.counts), hide_index=True, width="stretch")

st.subheader("How sure the facts are")
report = ex.stats()
LEVELS = ["confirmed", "confirmed-partial", "secondary", "contested", "unverified"]
levels = sorted(report.confidence, key=lambda c: LEVELS.index(str(c["confidence"])))
left, right = st.columns([2, 1])
left.altair_chart(alt.Chart(pd.DataFrame(levels)).mark_bar().encode(
    x=alt.X("share:Q", title="share of fact-bearing nodes", axis=alt.Axis(format="%")),
    y=alt.Y("confidence:N", title=None, sort=LEVELS, axis=alt.Axis(labelOverlap=False, labelLimit=200)),
    tooltip=["confidence", "count", alt.Tooltip("share:Q", format=".1%")]).properties(height=220), width="stretch")
right.markdown("\n".join(f"- **{c['confidence']}**: {c['count']} ({float(c['share']):.1%})" for c in levels))
right.caption("confirmed: read in the source; confirmed-partial: part inferred (often the day); secondary: read "
              "only in trade press or a mirror; contested: sources disagree (both versions in the comment); "
              "unverified: reported, not confirmed. Dates known only by a bound show as 'on or before'.")

st.subheader("Coverage by region")
left, right = st.columns([2, 1])
regions = left.radio("Group countries by", ["blocs", "continents"], horizontal=True, key="regions",
                     format_func={"blocs": "regional blocs in the graph (ASEAN, EU)",
                                  "continents": "continents (bundled world-countries list)"}.get)
as_of = right.date_input("As of", value=dt.date.today(), key="coverage_as_of")
cov = pd.DataFrame(ex.coverage(regions, as_of)).rename(columns={
    "region": "Region", "countries": "Countries", "with_agreement": "With any agreement",
    "with_implementation_agreement": "With an implementation agreement", "with_mou": "With an Article 6 MOU",
    "with_jcm": "With a JCM partnership", "agreements": "Agreements", "active_agreements": "Active agreements"})
st.dataframe(cov, hide_index=True, width="stretch", key="coverage_table")

st.subheader("What changed recently")
left, right = st.columns([1, 2])
since = left.date_input("Changes since", value=dt.date(2025, 6, 1), key="since")
what = right.multiselect("Show", ["agreement", "rule", "label"], default=["agreement", "rule", "label"], key="what",
                         format_func={"agreement": "agreement stages", "rule": "rule changes",
                                      "label": "quality-label decisions"}.get)
events = [e for e in ex.timeline(since) if e["what"] in what and e["date"] <= dt.date.today().isoformat()]
st.write(f"**{len(events)} dated changes** since {since} (up to today).")
if events:
    frame = pd.DataFrame(events)
    chart = alt.Chart(frame).mark_point(filled=True, size=80).encode(
        x=alt.X("date:T", title="date"),
        y=alt.Y("kind:N", title=None),
        shape=alt.Shape("change:N", title="change"),
        color=alt.Color("change:N", title="change"),
        tooltip=["date", "change", "label", "source"],
    ).properties(height=260)
    st.altair_chart(chart, width="stretch")
    lines = []
    for e in events[:60]:
        src = f" — source: [{e['source'].split(', ')[0]}]({e['source_url']})" if e["source_url"] else ""
        prec = "" if e["precision"] == "day" else f" ({e['precision']})"
        lines.append(f"- **{e['date']}**{prec} · {e['change']} · {ex.link(e['subject'], e['label'])}{src}")
    st.markdown("\n".join(lines))
    if len(events) > 60:
        st.caption(f"showing the 60 newest of {len(events)}")
ex.footer()
