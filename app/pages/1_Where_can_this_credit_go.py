"""Where can this credit go? A credit profile in, ranked targets with verdicts, hops, conditions and sources out."""

import csv
import datetime as dt
import io
import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import explorer as ex
import streamlit as st

from mrkg.errors import MrkgError
from mrkg.paths import NOT_RECOGNISED, make_profile

ex.setup("Where can this credit go?")
kg = ex.graph()
p = kg.projection

programmes = {ex.slug(i): p.label(i) for i in p.programmes()}
hosts = {ex.slug(i): p.label(i) for i in p.countries()}
host_order = sorted(hosts, key=lambda c: hosts[c])
sectors = {i.rsplit("#", 1)[-1]: p.label(i) for i in sorted({*p.sector_groups, *p.sector_groups.values()})}
UNKNOWN = "unknown"

# First values come from a shared link (query parameters), else defaults.
ex.init_state("programme", ex.param("programme", "gold-standard") if ex.param("programme", "gold-standard")
              in programmes else "gold-standard")
ex.init_state("host", ex.param("host", "ID").upper() if ex.param("host", "ID").upper() in hosts else "ID")
ex.init_state("sector", ex.param("sector") if ex.param("sector") in sectors else UNKNOWN)
ex.init_state("vintage", ex.param("vintage") if ex.param("vintage").isdigit() else UNKNOWN)
ex.init_state("authorised", ex.param("authorised", UNKNOWN) if ex.param("authorised") in ("yes", "no") else UNKNOWN)
ex.init_state("adjusted", ex.param("adjusted", UNKNOWN) if ex.param("adjusted") in ("yes", "no") else UNKNOWN)
ex.init_state("as_of", ex.date_param("as_of", dt.date.today()))
ex.init_state("show_refused", ex.param("refused", "yes") != "no")

st.markdown("Describe the credit. Anything left *unknown* stays an open condition, never a silent pass.")
c1, c2, c3 = st.columns(3)
programme = c1.selectbox("Crediting programme", list(programmes), key="programme", format_func=programmes.get)
host = c2.selectbox("Host country (where the activity is)", host_order, key="host",
                    format_func=lambda c: f"{hosts[c]} ({c})")
as_of = c3.date_input("As of date", key="as_of", help="Read agreements and rules as they stood on this date.")

prog_iri = next(i for i in p.programmes() if ex.slug(i) == programme)
codes = sorted(m.code for m in p.methodologies.values() if m.programme == prog_iri)
wanted_meth = ex.param("methodology")
if "methodology" not in st.session_state or st.session_state["methodology"] not in [UNKNOWN, *codes]:
    st.session_state["methodology"] = wanted_meth if wanted_meth in codes else UNKNOWN
c1, c2, c3, c4, c5 = st.columns(5)
methodology = c1.selectbox("Methodology", [UNKNOWN, *codes], key="methodology",
                           help="Only the methodologies of the chosen programme recorded in mrkg.")
sector = c2.selectbox("Sector", [UNKNOWN, *sectors], key="sector",
                      format_func=lambda s: sectors.get(s, s))
years = [UNKNOWN, *[str(y) for y in range(dt.date.today().year + 1, 1999, -1)]]
vintage = c3.selectbox("Vintage (year of the reductions)", years, key="vintage")
authorised = c4.radio("Authorised by the host (Article 6)?", [UNKNOWN, "yes", "no"], key="authorised",
                      horizontal=True)
adjusted = c5.radio("Corresponding adjustment applied?", [UNKNOWN, "yes", "no"], key="adjusted", horizontal=True)
show_refused = st.checkbox("Also list targets the credit cannot reach, with the reason", key="show_refused")

# Keep the address bar in step, so the page can be shared as it is.
link_params = {"programme": programme, "host": host, "as_of": as_of.isoformat()}
for name, value in (("methodology", methodology), ("sector", sector), ("vintage", vintage),
                    ("authorised", authorised), ("adjusted", adjusted)):
    if value != UNKNOWN:
        link_params[name] = value
if not show_refused:
    link_params["refused"] = "no"
st.query_params.from_dict(link_params)

flag = {UNKNOWN: None, "yes": True, "no": False}


@st.cache_data(show_spinner=False)
def answer(programme: str, host: str, methodology: str, sector: str, vintage: str, authorised: str, adjusted: str,
           as_of: dt.date) -> tuple[dict[str, object], list[dict[str, object]]]:
    profile = make_profile(ex.graph().projection, programme, host,
                           methodology=None if methodology == UNKNOWN else methodology,
                           sector=None if sector == UNKNOWN else sector,
                           vintage=None if vintage == UNKNOWN else int(vintage),
                           authorised=flag[authorised], adjusted=flag[adjusted], as_of=as_of)
    found = ex.graph().engine.find(profile)
    prof = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(profile).items()}
    return prof, [path.to_dict() for path in found]


try:
    profile, pathways = answer(programme, host, methodology, sector, vintage, authorised, adjusted, as_of)
except MrkgError as err:
    ex.show_error(err)
    st.stop()

shown = [x for x in pathways if show_refused or x["verdict"] != NOT_RECOGNISED]
counts = {v: sum(1 for x in pathways if x["verdict"] == v) for v in ex.VERDICT_SYMBOL}
st.subheader(f"{programmes[programme]} credit from {hosts[host]}, as of {as_of}")
st.markdown(" · ".join(f"**{n}** {ex.VERDICT_SYMBOL[v]}" for v, n in counts.items()))
share = ex.pathway_url(programme, host, **{k: v for k, v in link_params.items() if k not in ("programme", "host")})
st.caption(f"Share this answer: [link]({share})")
labels = ex.quality_labels([str(profile["programme"]), str(profile["methodology"] or "")], as_of)
if labels:
    st.markdown("**Quality labels on this date:** " + " · ".join(
        f"{lab['scheme']} {lab['outcome']} ({'programme' if lab['subject'] == profile['programme'] else 'methodology'}"
        f", {lab['when']}, {ex.link(lab['decision'], 'decision')})" for lab in labels))
else:
    st.caption("No quality-label decision (e.g. ICVCM CCP) is recorded for this programme or methodology on this date.")

rows = []
for rank, path in enumerate(shown, 1):
    with st.container(border=True):
        limit = f" — limit: {path['limit']}" if path["limit"] and path["verdict"] != NOT_RECOGNISED else ""
        st.markdown(f"### {rank}. {ex.link(str(path['target']), str(path['target_label']))}: "
                    f"{ex.VERDICT_SYMBOL[str(path['verdict'])].upper()}{limit}")
        numbers = {s["iri"]: i for i, s in enumerate(path["sources"], 1)}  # type: ignore[union-attr]
        hop_lines = []
        for j, hop in enumerate(path["hops"], 1):  # type: ignore[arg-type]
            refs = " ".join(f"[[{numbers[s['iri']]}]]({s['url']})" if s["url"] else f"[{numbers[s['iri']]}]"
                            for s in hop["sources"])
            via = f" (via {ex.link(hop['via'], ex.short_id(hop['via']))})" if hop["via"] else ""
            conds = "".join(f"\n    - condition: {c}" for c in hop["conditions"] if not c.startswith("unmet: "))
            hop_lines.append(f"{j}. **{hop['kind']}** — {hop['label']}{via} {refs}{conds}")
        st.markdown("**Pathway, hop by hop**\n\n" + "\n".join(hop_lines))
        if path["unmet"]:
            st.markdown("**Still to be shown (open conditions)**\n" + "\n".join(f"- {u}" for u in path["unmet"]))
        if path["reasons"]:
            st.markdown("**Why it is not recognised**\n" + "\n".join(f"- {r}" for r in path["reasons"]))
        ex.show_sources([ex.SourceInfo(**s) for s in path["sources"]])  # type: ignore[arg-type]
    rows.append(path)

if not pathways:
    st.info("No target: no scheme or programme has a rule or agreement that reaches this credit.")
elif not shown:
    st.info("No target is reachable; tick the box above to see why each target is not.")

buf = io.StringIO()
writer = csv.writer(buf, lineterminator="\n")
writer.writerow(["rank", "target", "target_label", "target_kind", "verdict", "limit", "hops", "unmet", "reasons",
                 "sources"])
for rank, path in enumerate(pathways, 1):
    writer.writerow([rank, path["target"], path["target_label"], path["target_kind"], path["verdict"],
                     path["limit"] or "", " -> ".join(h["label"] for h in path["hops"]),  # type: ignore[union-attr]
                     "; ".join(path["unmet"]), "; ".join(path["reasons"]),  # type: ignore[arg-type]
                     " ".join(s["url"] or s["title"] for s in path["sources"])])  # type: ignore[union-attr]
c1, c2 = st.columns(2)
c1.download_button("Download CSV", buf.getvalue(), file_name=f"pathways-{programme}-{host}.csv", mime="text/csv",
                   key="download_csv")
c2.download_button("Download JSON", json.dumps({"schema_version": 1, "profile": profile, "pathways": pathways},
                                               indent=1, default=str),
                   file_name=f"pathways-{programme}-{host}.json", mime="application/json", key="download_json")
ex.footer()
