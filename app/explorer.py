"""What every page of the explorer shares: the graph loaded once, cached library calls, links and sources.

No RDF logic here: everything comes from the mrkg library (mrkg.catalog, mrkg.paths, KnowledgeGraph).
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from functools import cache
from pathlib import Path

import streamlit as st

from mrkg import catalog
from mrkg.graph import KnowledgeGraph
from mrkg.sources import SourceInfo
from mrkg.store import compact, local_name

APP = Path(__file__).resolve().parent
ID = "https://w3id.org/mrkg/id/"
# Page URL paths (Streamlit derives them from the file names in pages/).
PATHWAYS = "Where_can_this_credit_go"
MATRIX = "Recognition_matrix"
AGREEMENTS = "Agreements"
METHODOLOGIES = "Methodologies"
NETWORK = "Network"
ENTITY = "Entity"
VERDICT_SYMBOL = {"eligible": "✓ eligible", "conditional": "? conditional", "not recognised": "✗ not recognised"}
VERDICT_SHORT = {"eligible": "✓", "conditional": "?", "not recognised": "✗"}
VERDICT_COLOUR = {"eligible": "#1a9850", "conditional": "#fdae61", "not recognised": "#d9d9d9"}


def setup(title: str) -> None:
    st.set_page_config(page_title=f"{title} · mrkg explorer", page_icon="🌏", layout="wide")
    st.title(title)


@st.cache_resource(show_spinner="Loading the knowledge graph ...")
def graph() -> KnowledgeGraph:
    """The bundled graph, loaded once per server process (projection and engine built too)."""
    kg = KnowledgeGraph.load()
    _ = kg.engine
    return kg


@st.cache_resource(show_spinner=False)
def query_runner() -> catalog.QueryRunner:
    runner = catalog.QueryRunner()
    return runner


# -- cached library calls -------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False)
def overview() -> catalog.Overview:
    return catalog.overview(graph())


@st.cache_data(show_spinner=False)
def stats() -> catalog.Stats:
    return catalog.stats(graph())


@st.cache_data(show_spinner=False)
def timeline(since: dt.date | None = None) -> list[dict[str, str]]:
    return catalog.timeline(graph(), since=since)


@st.cache_data(show_spinner=False)
def quality_labels(subjects: list[str], as_of: dt.date) -> list[dict[str, str]]:
    return catalog.quality_labels(graph(), [s for s in subjects if s], as_of)


@st.cache_data(show_spinner=False)
def agreements(as_of: dt.date, country: str | None = None, kinds: tuple[str, ...] | None = None,
               stages: tuple[str, ...] | None = None, since: dt.date | None = None) -> list[dict[str, object]]:
    return catalog.agreements(graph(), as_of, country=country, kinds=kinds, stages=stages, since=since)


@st.cache_data(show_spinner=False)
def coverage(regions: str, as_of: dt.date) -> list[dict[str, object]]:
    region_of = None if regions == "blocs" else {k: v["region"] for k, v in countries_geo().items()}
    return catalog.coverage_by_region(graph(), region_of, as_of=as_of)


@st.cache_data(show_spinner=False)
def matrix_rows(as_of: dt.date, host_codes: tuple[str, ...]) -> list[dict[str, str]]:
    hosts = [f"{ID}jurisdiction/{c}" for c in host_codes]
    known = set(graph().projection.countries())
    return catalog.matrix_rows(graph(), as_of, hosts=[h for h in hosts if h in known] or None)


@st.cache_data(show_spinner=False)
def entities() -> list[dict[str, str]]:
    return catalog.entities(graph())


@st.cache_data(show_spinner=False)
def stages() -> list[str]:
    return catalog.stages(graph())


@st.cache_data(show_spinner=False)
def bundled_validation() -> tuple[bool, list[dict[str, str]], str]:
    kg = graph()
    report = kg.validate()
    summary = (f"checked {report.nodes_checked} nodes and {report.triples} triples in {report.seconds:.1f} s "
               f"({', '.join(report.checks_run)})")
    return report.conforms, catalog.readable_violations(kg, report), summary


# -- bundled offline geometry ---------------------------------------------------------------------------------
@cache
def world_topojson() -> dict[str, object]:
    """Natural Earth 1:110m countries as TopoJSON (world-atlas 2.0.2), bundled: the map needs no internet."""
    return json.loads((APP / "geo" / "countries-110m.json").read_text(encoding="utf-8"))


@cache
def countries_geo() -> dict[str, dict[str, object]]:
    """ISO alpha-2 -> region, subregion, a representative point and ISO numeric code (world-countries 5.1.0)."""
    return json.loads((APP / "geo" / "countries.json").read_text(encoding="utf-8"))


# -- names, links, sources ------------------------------------------------------------------------------------
def slug(iri: str) -> str:
    return local_name(iri)


def short_id(iri: str) -> str:
    """'agreement/sg-th-ia-2025' for an instance IRI."""
    return compact(iri)


def page_for(iri: str) -> str:
    if iri.startswith(f"{ID}agreement/"):
        return AGREEMENTS
    if iri.startswith(f"{ID}methodology/"):
        return METHODOLOGIES
    return ENTITY


def entity_url(iri: str) -> str:
    return f"./{page_for(iri)}?" + urllib.parse.urlencode({"id": short_id(iri)})


def link(iri: str | None, label: str | None = None) -> str:
    """A markdown link to an entity's page."""
    if not iri:
        return label or ""
    text = (label or short_id(iri)).replace("[", "(").replace("]", ")")
    return f"[{text}]({entity_url(iri)})"


def pathway_url(programme: str, host: str, **extra: object) -> str:
    params = {"programme": slug(programme), "host": slug(host)}
    params.update({k: str(v) for k, v in extra.items() if v not in (None, "")})
    return f"./{PATHWAYS}?" + urllib.parse.urlencode(params)


def cite(source: SourceInfo) -> str:
    """A source as markdown: publisher, title (linked), date."""
    when = source.date or (f"accessed {source.accessed}" if source.accessed else "undated")
    title = source.title.replace("[", "(").replace("]", ")") or "untitled"
    linked = f"[{title}]({source.url})" if source.url else title
    return f"{source.publisher}, “{linked}”, {when}"


def show_sources(sources: list[SourceInfo], heading: str = "Sources") -> None:
    if not sources:
        st.caption(f"{heading}: none recorded")
        return
    st.markdown(f"**{heading}**\n" + "\n".join(f"{i}. {cite(s)}" for i, s in enumerate(sources, 1)))


def param(name: str, default: str = "") -> str:
    value = st.query_params.get(name)
    return value if isinstance(value, str) and value else default


def date_param(name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(param(name))
    except ValueError:
        return default


def init_state(key: str, value: object) -> None:
    """Set a widget's first value (from a deep link or a default) once per session."""
    if key not in st.session_state:
        st.session_state[key] = value


def show_error(err: Exception) -> None:
    """A problem of the user's input, shown as a message (never a traceback)."""
    st.error(str(err), icon="⚠️")


def footer() -> None:
    ov = overview()
    st.caption(f"mrkg dataset {ov.version} · newest source {ov.newest_source_date or 'unknown'} · "
               "data CC BY 4.0 · map: Natural Earth via world-atlas (ISC), regions: world-countries (ODbL)")
