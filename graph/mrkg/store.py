"""The embedded SPARQL store (Oxigraph): ontology and data in named graphs, read-only queries for users."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.plugins.sparql.parser import parseUpdate

from .errors import InputError, UsageError
from .namespace import ID, MRKG

ONTOLOGY_GRAPH = ox.NamedNode("urn:mrkg:ontology")
DATA_GRAPH = ox.NamedNode("urn:mrkg:data")
INFERRED_GRAPH = ox.NamedNode("urn:mrkg:inferred")
# Class membership entailed by rdfs:subClassOf, so that "?x a mrkg:Agreement" finds every kind of agreement.
MATERIALISE_TYPES = """
INSERT { GRAPH <urn:mrkg:inferred> { ?s a ?super } }
WHERE { GRAPH <urn:mrkg:data> { ?s a ?class }
        GRAPH <urn:mrkg:ontology> { ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?super }
        FILTER (isIRI(?super)) }
"""

PREFIXES = {
    "mrkg": str(MRKG._NS),
    "id": str(ID),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
}
# The instance kinds (https://w3id.org/mrkg/id/{kind}/{slug}), as the data files declare them: queries may write
# programme:verra or agreement:sg-th-ia-2025 without a PREFIX line. Kept out of PREFIXES so that compact() still
# prints instances as 'agreement/sg-th-ia-2025'.
ID_KINDS = ("acceptance", "agreement", "event", "jurisdiction", "label", "membership", "methodology", "organisation",
            "programme", "rule", "scheme", "source", "unit")
QUERY_PREFIXES = {**PREFIXES, **{kind: f"{PREFIXES['id']}{kind}/" for kind in ID_KINDS}}
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in QUERY_PREFIXES.items())


def compact(iri: str) -> str:
    """A prefixed name for an IRI when a known prefix fits, else the IRI."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and prefix != "id":
            return f"{prefix}:{iri[len(ns):]}"
    if iri.startswith(PREFIXES["id"]):
        return iri[len(PREFIXES["id"]) :]
    return iri


def local_name(iri: str) -> str:
    """The last segment of an IRI: an ontology term's name (after '#') or an instance's slug (after the last '/')."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def parse_date(text: str) -> dt.date | None:
    """The date at the start of a literal's text (xsd:date or xsd:dateTime); None when empty or not a date."""
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def term_text(term: object | None) -> str:
    """How a term reads in a table: compact IRIs, plain literal values, empty for unbound."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


@dataclass
class QueryResult:
    """A materialised query answer: SELECT rows, an ASK boolean, or CONSTRUCT/DESCRIBE triples."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[object | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def text_rows(self) -> list[list[str]]:
        if self.kind == "graph":
            return [[term_text(t.subject), term_text(t.predicate), term_text(t.object)] for t in self.triples]
        if self.kind == "ask":
            return [[str(self.boolean).lower()]]
        return [[term_text(v) for v in row] for row in self.rows]

    def headers(self) -> list[str]:
        return {"graph": ["subject", "predicate", "object"], "ask": ["answer"]}.get(self.kind, self.variables)

    def to_table(self) -> str:
        headers, rows = self.headers(), self.text_rows()
        widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
        line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
        out = [line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows]
        out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
        return "\n".join(out)

    def to_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(self.headers())
        for row in self.rows if self.kind == "select" else []:
            writer.writerow(["" if v is None else getattr(v, "value", str(v)) for v in row])
        if self.kind != "select":
            writer.writerows(self.text_rows())
        return buf.getvalue()

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON for SELECT/ASK; a list of triples for graph results."""
        if self.kind == "ask":
            return json.dumps({"head": {}, "boolean": self.boolean})
        if self.kind == "graph":
            return json.dumps([[_json_term(t.subject), _json_term(t.predicate), _json_term(t.object)]
                               for t in self.triples], indent=1)
        bindings = [{v: _json_term(t) for v, t in zip(self.variables, row, strict=True) if t is not None}
                    for row in self.rows]
        return json.dumps({"head": {"vars": self.variables}, "results": {"bindings": bindings}}, indent=1)


def _json_term(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


class Store:
    """Oxigraph in memory: ontology (with vocabularies), data, and inferred class membership in named graphs.

    Queries see the union of the three as their default graph; hygiene checks name the graph they read.
    """

    def __init__(self, ontology: Iterable[ox.Triple], data: Iterable[ox.Triple]) -> None:
        self._store = ox.Store()
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object, ONTOLOGY_GRAPH) for t in ontology)
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object, DATA_GRAPH) for t in data)
        self._store.update(MATERIALISE_TYPES)

    def __len__(self) -> int:
        return len(self._store)

    def dump_nquads(self) -> bytes:
        """Every quad, in the named graphs queries expect (for loading into another SPARQL store)."""
        return self._store.dump(format=ox.RdfFormat.N_QUADS)

    def run(self, sparql: str, *, union: bool = True) -> QueryResult:
        """Run a read-only query. ``union``: the default graph is the union of ontology and data."""
        try:
            result = self._store.query(sparql, use_default_graph_as_union=union, prefixes=QUERY_PREFIXES)
        except SyntaxError as err:
            if _is_update(sparql):
                raise UsageError("updates are refused: the graph is read-only (use SELECT, ASK, "
                                 "CONSTRUCT or DESCRIBE)") from None
            raise InputError(f"SPARQL syntax error: {err}") from None
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = [[sol[v] for v in variables] for sol in result]
            return QueryResult("select", variables=variables, rows=rows)
        return QueryResult("graph", triples=list(result))

    def select(self, sparql: str, *, union: bool = True) -> list[dict[str, object]]:
        """Internal SELECT helper: rows as dicts of Oxigraph terms (unbound variables omitted)."""
        res = self.run(sparql, union=union)
        return [{v: t for v, t in zip(res.variables, row, strict=True) if t is not None} for row in res.rows]


def _is_update(sparql: str) -> bool:
    try:
        parseUpdate(sparql)
    except Exception:
        return False
    return True
