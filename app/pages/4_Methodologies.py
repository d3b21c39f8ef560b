"""Methodologies: search across programmes; a methodology's lineage and equivalents, and which schemes accept it."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import explorer as ex
import pandas as pd
import streamlit as st

from mrkg import catalog
from mrkg.errors import MrkgError

ex.setup("Methodologies")
kg = ex.graph()


@st.cache_data(show_spinner=False)
def search(text: str, programme: str) -> list[dict[str, object]]:
    return catalog.methodologies(ex.graph(), text, None if programme == "any" else programme)


@st.cache_data(show_spinner=False)
def detail(ident: str) -> catalog.MethodologyDetail:
    return catalog.methodology(ex.graph(), ident)


def dot(d: catalog.MethodologyDetail) -> str:
    """The lineage as a small Graphviz graph (rendered in the browser, no internet needed)."""
    def q(text: str) -> str:
        return '"' + text.replace('"', "'") + '"'
    lines = ["digraph lineage {", "rankdir=LR; node [shape=box, style=rounded, fontname=Helvetica];",
             f"{q(d.iri)} [label={q(d.code or d.title)}, style=\"rounded,bold\"];"]
    for e in d.lineage:
        for iri, lbl in ((e["source"], e["source_label"]), (e["target"], e["target_label"])):
            lines.append(f"{q(iri)} [label={q(lbl)}];")
        style = ", style=dashed" if "match" in e["relation"] else ""
        lines.append(f"{q(e['source'])} -> {q(e['target'])} [label={q(e['relation'])}{style}];")
    return "\n".join([*lines, "}"])


def methodology_page(ident: str) -> None:
    try:
        d = detail(ident)
    except MrkgError as err:
        ex.show_error(err)
        return
    st.header(f"{d.code}: {d.title}" if d.code else d.title)
    st.markdown(f"**Programme:** {ex.link(d.programme, d.programme_label)} · **Sectors:** "
                f"{', '.join(d.sectors) or 'not recorded'}")
    st.subheader("Lineage and equivalents")
    if d.lineage:
        st.graphviz_chart(dot(d))
        st.markdown("\n".join(f"- {ex.link(e['source'], e['source_label'])} *{e['relation']}* "
                              f"{ex.link(e['target'], e['target_label'])}" for e in d.lineage))
    else:
        st.caption("No lineage (derived from, replaces, consolidates) or cross-programme match is recorded.")
    st.subheader("Other programmes that let projects use it")
    if d.usable_under:
        st.markdown("\n".join(f"- {ex.link(a['accepting'], a['accepting_label'])}: {a['label']} "
                              f"({'named' if a['only'] else 'all of its programme'}; valid {a['valid']}; "
                              f"{a['confidence']}) · {ex.link(a['acceptance'], 'sources')}" for a in d.usable_under))
    else:
        st.caption("No other programme is recorded as accepting this methodology.")
    st.subheader("Quality labels")
    if d.labels:
        st.markdown("\n".join(
            f"- **{lab['scheme']} {lab['outcome']}** ({lab['when']}) for "
            f"{'its programme, ' if lab['subject'] == d.programme else ''}{ex.link(lab['decision'], lab['label'])}"
            f" · {lab['confidence']}" for lab in d.labels))
        st.caption("A programme's eligibility and a methodology's approval are separate decisions; a credit carries "
                   "the label only when both hold. 'by <date>': only an upper bound on the decision's date is known.")
    else:
        st.caption("No quality-label decision names this methodology or its programme (decisions about a whole "
                   "category may still apply: see the label pages).")
    st.subheader("Which schemes accept it")
    if d.accepted_by:
        st.dataframe(pd.DataFrame([{"scheme": a["scheme_label"], "rule": a["rule_label"], "how": a["how"],
                                    "valid": a["valid"], "page": ex.entity_url(a["rule"])} for a in d.accepted_by]),
                     hide_index=True, width="stretch", key="accepted_table",
                     column_config={"page": st.column_config.LinkColumn("rule", display_text="open rule")})
    else:
        st.caption("No eligibility rule names this methodology or its programme.")
    ex.show_sources(d.sources)


if ex.param("id"):
    st.markdown(f"[← all methodologies](./{ex.METHODOLOGIES})")
    methodology_page(ex.param("id"))
    ex.footer()
    st.stop()

programmes = sorted({str(m["programme_label"]): ex.slug(str(m["programme"])) for m in search("", "any")}.items())
c1, c2 = st.columns([2, 1])
text = c1.text_input("Search by code, title or sector", key="meth_search", placeholder="e.g. VM0050, cookstove, energy")
programme = c2.selectbox("Programme", ["any", *[slug for _, slug in programmes]], key="meth_programme",
                         format_func=lambda s: "any programme" if s == "any" else
                         next(lbl for lbl, x in programmes if x == s))
found = search(text, programme)
st.write(f"**{len(found)} methodologies**")
if found:
    st.dataframe(pd.DataFrame([{"code": m["code"], "title": m["title"], "programme": m["programme_label"],
                                "sectors": m["sectors"], "status": m["status"], "page": ex.entity_url(str(m["iri"]))}
                               for m in found]), hide_index=True, width="stretch", key="meth_table",
                 column_config={"page": st.column_config.LinkColumn("page", display_text="open")})
    picked = st.selectbox("Open a methodology", ["—", *[str(m["id"]) for m in found]], key="meth_open",
                          format_func=lambda i: i if i == "—" else next(
                              f"{m['code'] or m['title']} ({m['programme_label']})" for m in found if m["id"] == i))
    if picked != "—":
        methodology_page(picked)
else:
    st.info("No methodology matches; try a shorter search.")


@st.cache_data(show_spinner=False)
def acceptance_rows() -> list[dict[str, str]]:
    return catalog.acceptances(ex.graph())


with st.expander("Programmes that accept other programmes' methodologies"):
    rows = acceptance_rows()
    if rows:
        st.dataframe(pd.DataFrame([{"programme": a["accepting_label"], "accepts methodologies of": a["accepted_label"],
                                    "scope": "named methodologies" if a["only"] else "the programme's methodologies",
                                    "valid": a["valid"], "confidence": a["confidence"],
                                    "page": ex.entity_url(a["acceptance"])} for a in rows]),
                     hide_index=True, width="stretch", key="acceptance_table",
                     column_config={"page": st.column_config.LinkColumn("page", display_text="open")})
    else:
        st.caption("No programme-to-programme acceptance is recorded.")
ex.footer()
