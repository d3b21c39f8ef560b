"""The one module that reads and writes files.

Every RDF file is parsed with Oxigraph's parsers (precise line and column in syntax errors, any format by
extension); the triples feed both the embedded SPARQL store and an rdflib graph for the tools that need rdflib
(pySHACL, owlrl, serialisers). Each subject remembers the files it was read from, so messages can name them.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from . import resources
from .errors import InputError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, from its extension."""
    suffix = path.suffix.lower().lstrip(".")
    alias = {"owl": "rdf", "xml": "rdf", "json": "jsonld"}.get(suffix, suffix)
    fmt = ox.RdfFormat.from_extension(alias) if alias else None
    if fmt is None:
        raise InputError(
            f"unknown RDF format '.{suffix}' (use .ttl, .nt, .nq, .trig, .jsonld or .rdf)", path=path
        )
    return fmt


def to_rdflib(term: object) -> Node:
    """Convert an Oxigraph term to the equal rdflib term (xsd:string literals become plain literals)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported RDF term {term!r}")


def parse_file(path: Path) -> list[ox.Triple]:
    """Parse one RDF file. Raises InputError naming the file and line on any problem."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", path=path)
    fmt = rdf_format(path)
    try:
        quads = list(ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as err:
        line = err.lineno if isinstance(err.lineno, int) else None
        raise InputError(f"{fmt.name} syntax error: {err.msg}", path=path, line=line) from None
    except (OSError, ValueError) as err:
        raise InputError(f"cannot read {fmt.name}: {err}", path=path) from None
    return [q.triple for q in quads]


@dataclass
class Part:
    """The triples of one area (ontology, shapes or data) and where each subject came from."""

    triples: list[ox.Triple] = field(default_factory=list)
    origins: dict[Node, set[Path]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def add_file(self, path: Path) -> list[ox.Triple]:
        triples = parse_file(path)
        self.files.append(path)
        self.triples.extend(triples)
        for t in triples:
            self.origins.setdefault(to_rdflib(t.subject), set()).add(path)
        return triples

    def rdflib_graph(self) -> Graph:
        graph = Graph()
        for t in self.triples:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return graph


def read_part(paths: Iterable[Path]) -> Part:
    part = Part()
    for path in paths:
        part.add_file(Path(path))
    return part


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders as the RDF files below them."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = resources.rdf_files(p)
            if not found:
                raise InputError("folder holds no RDF files", path=p)
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise InputError("no such file or folder", path=p)
    return out


_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,]*|:[^\s;,]*)(?=\s)")


def subject_lines(path: Path) -> dict[str, int]:
    """The line on which each IRI is first written as a subject at the start of a line, in a Turtle, TriG or
    N-Triples file: so a message about a node can say where to look. Subjects written otherwise are not found."""
    if rdf_format(path) not in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return {}
    prefixes: dict[str, str] = {}
    found: dict[str, int] = {}
    in_long_string = False  # inside a triple-quoted literal, a line is text, never a subject
    for number, line in enumerate(read_text(path).splitlines(), 1):
        starts_inside = in_long_string
        if (line.count('"""') + line.count("'''")) % 2:
            in_long_string = not in_long_string
        if starts_inside:
            continue
        declared = _PREFIX.match(line)
        if declared:
            prefixes[declared[1]] = declared[2]
            continue
        subject = _SUBJECT.match(line)
        if not subject:
            continue
        token = subject[1]
        if token.startswith("<"):
            iri = token[1:-1]
        else:
            prefix, _, local = token.partition(":")
            if prefix not in prefixes:
                continue
            iri = prefixes[prefix] + local.replace("\\", "")
        found.setdefault(iri, number)
    return found


def read_text(path: Path) -> str:
    """Read a text file (a SPARQL query, a check), with a clear error when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read: {err}", path=Path(path)) from None


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """Write files into a temporary folder beside ``out``; move them into ``out`` only if all succeed.

    A failure leaves ``out`` as it was: no partial files.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield tmp
        out.mkdir(parents=True, exist_ok=True)
        for item in sorted(tmp.iterdir()):
            target = out / item.name
            if target.is_dir():
                shutil.rmtree(target)
            item.replace(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_text(path: Path, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")


def write_bytes(path: Path, data: bytes) -> None:
    Path(path).write_bytes(data)
