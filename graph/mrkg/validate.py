"""Validation: SHACL shapes (pySHACL on rdflib) plus hygiene checks (SPARQL in the embedded store).

Both kinds of finding land in one structured report. Cross-entity checks (unique codes, undefined terms) run
as single SPARQL queries in Oxigraph, not as per-node SHACL-SPARQL in rdflib, which is 20-25x slower.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, BNode, Graph, Namespace, URIRef
from rdflib.term import Node

from . import loader, resources
from .errors import MrkgError
from .namespace import SHAPES
from .store import compact, term_text

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_NS = str(SHAPES)


@dataclass
class Violation:
    """One finding: which node, what is wrong, which shape or check found it, and in which file(s)."""

    focus: str
    message: str
    shape: str
    path: str | None = None
    value: str | None = None
    severity: str = "Violation"
    files: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # file (as in ``files``) -> line where the node starts

    def where(self) -> str:
        """The files, each with the line where the node starts when it was found: 'data/x.ttl:12'."""
        return ", ".join(f"{f}:{self.lines[f]}" if f in self.lines else f for f in self.files)

    def to_text(self) -> str:
        where = self.where() or "(no file)"
        path = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{where}: {compact(self.focus)}{path}: {self.message}{value} [{self.shape}]"


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation]
    nodes_checked: int
    triples: int
    seconds: float
    checks_run: list[str]

    def to_text(self) -> str:
        lines = [v.to_text() for v in self.violations]
        verdict = "valid" if self.conforms else f"{len(self.violations)} violation(s)"
        lines.append(f"{verdict}: checked {self.nodes_checked} nodes, {self.triples} triples "
                     f"in {self.seconds:.2f} s")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)


def _shape_name(node: Node | None) -> str:
    text = str(node) if node is not None else ""
    return text[len(SHAPES_NS):] if text.startswith(SHAPES_NS) else text


def _files_of(kg: KnowledgeGraph, node: Node) -> list[str]:
    return sorted(kg.display_path(p) for p in kg.data.origins.get(node, ()))


def _add_lines(kg: KnowledgeGraph, violations: list[Violation]) -> None:
    """Where each finding's node starts in its files (each file read once, only when something was found)."""
    lines_in: dict[Path, dict[str, int]] = {}
    for v in violations:
        for path in kg.data.origins.get(URIRef(v.focus), ()):
            if path not in lines_in:
                lines_in[path] = loader.subject_lines(path)
            line = lines_in[path].get(v.focus)
            if line is not None:
                v.lines[kg.display_path(path)] = line


def focus_subgraph(part: loader.Part, focus: Collection[Node]) -> Graph:
    """The focus nodes' own triples (with their blank-node closures) plus the types of what they refer to.

    pySHACL's own ``focus_nodes`` option also filters the nodes of nested shapes (sh:node, sh:or), which
    silently passes bad values; validating this small graph instead keeps every constraint in force. Built
    from the parsed triples, so checking one file does not convert the whole data set to rdflib.
    """
    # index by the subject's (kind, value) so only the triples kept are converted to rdflib terms
    by_subject: dict[tuple[bool, str], list] = {}
    for t in part.triples:
        s = t.subject
        by_subject.setdefault((isinstance(s, ox.BlankNode), s.value), []).append(t)
    rdf_type = ox.NamedNode(str(RDF.type))
    sub = Graph()
    todo = [(isinstance(n, BNode), str(n)) for n in focus]
    seen: set[tuple[bool, str]] = set()
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        for t in by_subject.get(key, ()):
            sub.add((loader.to_rdflib(t.subject), loader.to_rdflib(t.predicate), loader.to_rdflib(t.object)))
            obj = t.object
            if isinstance(obj, ox.BlankNode):
                todo.append((True, obj.value))
            elif isinstance(obj, ox.NamedNode):
                for t2 in by_subject.get((False, obj.value), ()):
                    if t2.predicate == rdf_type:
                        sub.add((loader.to_rdflib(t2.subject), RDF.type, loader.to_rdflib(t2.object)))
    return sub


def shacl_findings(kg: KnowledgeGraph, focus: Collection[Node] | None) -> list[Violation]:
    data = kg.rdflib_data if focus is None else focus_subgraph(kg.data, focus)
    data_graph = data + kg.rdflib_ontology  # the ontology carries rdfs:subClassOf for targets
    _, results, _ = shacl_validate(
        data_graph, shacl_graph=kg.rdflib_shapes, inference="none", abort_on_first=False,
        allow_warnings=True, advanced=True,
    )
    if not isinstance(results, Graph):  # pySHACL reports a broken shape as a ValidationFailure
        raise MrkgError(f"the shapes could not be applied: {results}", exit_code=2)
    found: list[Violation] = []
    for res in results.objects(None, SH.result):  # top-level results only, not nested sh:detail
        node = results.value(res, SH.focusNode)
        if focus is not None and node not in focus:
            continue  # a referenced node seen only through its type: not under review here
        path = results.value(res, SH.resultPath)
        value = results.value(res, SH.value)
        severity = results.value(res, SH.resultSeverity)
        found.append(Violation(
            focus=str(node),
            message=str(results.value(res, SH.resultMessage) or "constraint not met"),
            shape=_shape_name(_named_constraint(results, res) or results.value(res, SH.sourceShape)),
            path=compact(str(path)) if isinstance(path, URIRef) else None,
            value=_value_text(value),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            files=_files_of(kg, node) if node is not None else [],
        ))
    return found


def _named_constraint(results: Graph, res: Node) -> Node | None:
    """A SHACL-SPARQL constraint with an IRI names the finding better than its node shape."""
    constraint = results.value(res, SH.sourceConstraint)
    return constraint if isinstance(constraint, URIRef) else None


def _value_text(value: Node | None) -> str | None:
    if value is None:
        return None
    return compact(str(value)) if isinstance(value, URIRef) else str(value)


@dataclass
class Check:
    name: str
    message: str
    sparql: str


def load_checks() -> list[Check]:
    """Hygiene checks from shapes/*.rq: a SELECT of ?focus (and ?value), with '# check:' and '# message:'."""
    checks = []
    for path in resources.check_files():
        text = loader.read_text(path)
        meta = {k.strip(): v.strip() for k, _, v in
                (ln[1:].partition(":") for ln in text.splitlines() if ln.startswith("#") and ":" in ln)}
        checks.append(Check(meta.get("check", path.stem), meta.get("message", "hygiene check failed"), text))
    return checks


def check_findings(kg: KnowledgeGraph, focus: Collection[Node] | None) -> tuple[list[Violation], list[str]]:
    focus_iris = None if focus is None else {str(n) for n in focus}
    found: list[Violation] = []
    checks = load_checks()
    for check in checks:
        for row in kg.store.select(check.sparql, union=False):
            node = row.get("focus")
            iri = getattr(node, "value", str(node))
            if focus_iris is not None and iri not in focus_iris:
                continue
            value = row.get("value")
            found.append(Violation(
                focus=iri, message=check.message, shape=check.name,
                value=term_text(value) if value is not None else None,
                files=_files_of(kg, URIRef(iri)),
            ))
    return found, [c.name for c in checks]


def validate(kg: KnowledgeGraph, focus_files: Collection[Path] | None = None) -> ValidationReport:
    """Validate the whole data, or only the nodes described in ``focus_files`` (against the full graph)."""
    start = time.perf_counter()
    focus: set[Node] | None = None
    if focus_files is not None:
        wanted = {Path(p).resolve() for p in focus_files}
        resolved = {f: f.resolve() for files in kg.data.origins.values() for f in files}
        focus = {n for n, files in kg.data.origins.items() if any(resolved[f] in wanted for f in files)}
    violations = shacl_findings(kg, focus) if focus is None or focus else []
    hygiene, names = check_findings(kg, focus)
    violations.extend(hygiene)
    violations.sort(key=lambda v: (v.files, v.focus, v.shape, v.message))
    _add_lines(kg, violations)
    nodes = len(focus) if focus is not None else len(kg.data.origins)
    return ValidationReport(
        conforms=not any(v.severity == "Violation" for v in violations),
        violations=violations, nodes_checked=nodes, triples=len(kg.data.triples),
        seconds=time.perf_counter() - start, checks_run=["shacl", *names],
    )
