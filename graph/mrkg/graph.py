"""KnowledgeGraph: the ontology, shapes and data loaded once, with SPARQL, entity look-up and validation."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from . import loader, resources
from .errors import UsageError
from .namespace import ID, MRKG
from .paths import PathEngine
from .project import Projection, project
from .sources import SourceInfo, sources_by_node
from .store import QueryResult, Store, compact, local_name, term_text
from .validate import ValidationReport, validate


class KnowledgeGraph:
    """The loaded graph. Build it with :meth:`load`; every other part of mrkg works from one of these."""

    def __init__(self, ontology: loader.Part, shapes: loader.Part, data: loader.Part) -> None:
        self.ontology = ontology
        self.shapes = shapes
        self.data = data

    @classmethod
    def load(cls, data: Iterable[Path] | None = None, *, extra: Iterable[Path] = (),
             bundled: bool = True) -> KnowledgeGraph:
        """Load ontology, shapes and data.

        ``data``: data files or folders instead of the bundled data/. ``extra``: files added on top; a file that
        has the same path as a bundled one replaces it (validating an edited data file). ``bundled=False``
        drops the bundled data.
        """
        extra_files = loader.expand_paths(extra)
        data_files = loader.expand_paths(data) if data is not None else resources.data_files() if bundled else []
        replaced = {p.resolve() for p in extra_files}
        files = [p for p in data_files if p.resolve() not in replaced] + extra_files
        return cls(
            ontology=loader.read_part(resources.ontology_files()),
            shapes=loader.read_part(resources.shape_files()),
            data=loader.read_part(files),
        )

    @classmethod
    def remote(cls, endpoint: str) -> KnowledgeGraph:
        """A graph whose queries, entity look-ups and pathway input run against a remote SPARQL store."""
        from .remote import RemoteStore

        kg = cls(ontology=loader.read_part(resources.ontology_files()), shapes=loader.Part(), data=loader.Part())
        kg.__dict__["store"] = RemoteStore(endpoint)
        return kg

    # -- views -----------------------------------------------------------------------------------------
    @cached_property
    def store(self) -> Store:
        return Store(self.ontology.triples, self.data.triples)

    @cached_property
    def rdflib_data(self) -> Graph:
        return self.data.rdflib_graph()

    @cached_property
    def rdflib_ontology(self) -> Graph:
        return self.ontology.rdflib_graph()

    @cached_property
    def rdflib_shapes(self) -> Graph:
        return self.shapes.rdflib_graph()

    @cached_property
    def projection(self) -> Projection:
        """The NetworkX projection used by the pathway engine (built once)."""
        return project(self)

    @cached_property
    def engine(self) -> PathEngine:
        return PathEngine(self.projection)

    def merged(self) -> Graph:
        """Ontology, vocabularies and data in one rdflib graph (for downloads)."""
        graph = self.rdflib_ontology + self.rdflib_data
        for prefix, ns in (("mrkg", str(MRKG._NS)), ("id", str(ID))):
            graph.bind(prefix, ns)
        return graph

    @staticmethod
    def display_path(path: Path) -> str:
        """A path as people should see it: relative to the working folder or the bundle when possible."""
        resolved = Path(path).resolve()
        for base in (Path.cwd(), resources.root()):
            if resolved.is_relative_to(base):
                return str(resolved.relative_to(base))
        return str(path)

    # -- questions -------------------------------------------------------------------------------------
    def query(self, sparql: str) -> QueryResult:
        """Run a read-only SPARQL query over ontology and data (updates are refused)."""
        return self.store.run(sparql)

    def validate(self, focus_files: Sequence[Path] | None = None) -> ValidationReport:
        return validate(self, focus_files)

    def resolve(self, ident: str, kind: str | None = None) -> str:
        """The instance IRI for an identifier: a full IRI, 'kind/slug', or a slug, code or short name.

        With ``kind`` (e.g. 'programme'), a bare slug is first tried as '{kind}/{slug}'."""
        ident = ident.strip()
        if kind and "/" not in ident and not ident.startswith(("http://", "https://")):
            iri = str(ID[f"{kind}/{ident}"])
            if self._exists(iri):
                return iri
        if ident.startswith(("http://", "https://")):
            candidates = [ident] if self._exists(ident) else []
        elif "/" in ident:
            iri = str(ID[ident])
            candidates = [iri] if self._exists(iri) else []
        else:
            candidates = self._by_name(ident)
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise UsageError(f"'{ident}' is ambiguous; use one of: " + ", ".join(sorted(map(compact, candidates))))
        raise UsageError(f"no entity '{ident}'" + self._suggest(ident))

    def _exists(self, iri: str) -> bool:
        return bool(self.store.run(f"ASK {{ GRAPH <urn:mrkg:data> {{ <{iri}> ?p ?o }} }}", union=False).boolean)

    @cached_property
    def _names(self) -> dict[str, set[str]]:
        """Lower-cased names (slug, short name, ISO codes, labels) -> instance IRIs."""
        rows = self.store.select("""
            SELECT DISTINCT ?s ?name WHERE { GRAPH <urn:mrkg:data> { ?s a ?t .
              OPTIONAL { ?s mrkg:shortName|mrkg:isoAlpha2|mrkg:isoAlpha3|mrkg:code|rdfs:label ?name } } }""",
                                 union=False)
        names: dict[str, set[str]] = {}
        for row in rows:
            iri = row["s"].value  # type: ignore[attr-defined]
            names.setdefault(local_name(iri).lower(), set()).add(iri)
            if "name" in row:
                names.setdefault(term_text(row["name"]).lower(), set()).add(iri)
        return names

    def _by_name(self, ident: str) -> list[str]:
        return sorted(self._names.get(ident.lower(), set()))

    def _suggest(self, ident: str) -> str:
        close = difflib.get_close_matches(ident.lower(), list(self._names), n=5, cutoff=0.6)
        if not close:
            return ""
        return "; did you mean: " + ", ".join(close) + "?"

    def entity(self, ident: str) -> Entity:
        """One entity with its facts, the events of an agreement, what links to it, and its sources."""
        iri = self.resolve(ident)
        facts = [
            Fact(predicate=compact(r["p"].value), value=_label_or_text(r),  # type: ignore[attr-defined]
                 target=_iri_or_none(r.get("o")))
            for r in self.store.select(f"""
                SELECT ?p ?o ?ol WHERE {{ GRAPH <urn:mrkg:data> {{ <{iri}> ?p ?o }}
                  OPTIONAL {{ ?o rdfs:label|skos:prefLabel ?ol }} }} ORDER BY ?p ?o""")
            if r["p"].value != "http://purl.org/dc/terms/source"  # type: ignore[attr-defined]
        ]
        label = next((f.value for f in facts if f.predicate == "rdfs:label"), compact(iri))
        sources = sources_by_node(self.store, iri).get(iri, [])
        events = [
            Event(date=term_text(r["date"]), stage=term_text(r["stage"]),
                  precision=term_text(r.get("prec")) or "day", note=term_text(r.get("note")))
            for r in self.store.select(f"""
                SELECT ?date ?stage ?prec (GROUP_CONCAT(?comment; separator=" | ") AS ?note) WHERE {{
                  <{iri}> mrkg:hasEvent ?e . ?e mrkg:date ?date ; mrkg:stage/skos:notation ?stage .
                  OPTIONAL {{ ?e mrkg:datePrecision/skos:notation ?prec }}
                  OPTIONAL {{ ?e rdfs:comment ?comment }} }} GROUP BY ?e ?date ?stage ?prec ORDER BY ?date""")
        ]
        incoming = [
            Fact(predicate=compact(r["p"].value), value=_label_or_text(r),  # type: ignore[attr-defined]
                 target=r["o"].value)  # type: ignore[attr-defined]
            for r in self.store.select(f"""
                SELECT ?p ?o ?ol WHERE {{ GRAPH <urn:mrkg:data> {{ ?o ?p <{iri}> }}
                  FILTER (?p NOT IN (mrkg:hasEvent))
                  OPTIONAL {{ ?o rdfs:label ?ol }} }} ORDER BY ?p ?o LIMIT 200""")
        ]
        return Entity(iri=iri, label=label, facts=facts, events=events, incoming=incoming, sources=sources)


def _iri_or_none(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def _label_or_text(row: dict[str, object]) -> str:
    label = row.get("ol")
    return term_text(label) if label is not None else term_text(row.get("o"))


@dataclass
class Fact:
    predicate: str
    value: str
    target: str | None = None


@dataclass
class Event:
    date: str
    stage: str
    precision: str = "day"
    note: str = ""


@dataclass
class Entity:
    iri: str
    label: str
    facts: list[Fact] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    incoming: list[Fact] = field(default_factory=list)
    sources: list[SourceInfo] = field(default_factory=list)

    def to_text(self) -> str:
        lines = [f"{self.label}  <{self.iri}>"]
        lines += [f"  {f.predicate}: {f.value}" + (f"  ({compact(f.target)})" if f.target else "")
                  for f in self.facts if f.predicate != "rdfs:label" and f.predicate != "mrkg:hasEvent"]
        if self.events:
            lines.append("  events:")
            lines += [f"    {e.date}{'' if e.precision == 'day' else f' ({e.precision})'}  {e.stage}"
                      + (f"  {e.note}" if e.note else "") for e in self.events]
        if self.incoming:
            lines.append("  referred to by:")
            lines += [f"    {f.value} ({compact(f.target or '')}) {f.predicate}" for f in self.incoming]
        lines.append("  sources:")
        lines += [f"    [{i}] {s.cite()}" for i, s in enumerate(self.sources, 1)] or ["    (none)"]
        return "\n".join(lines)
