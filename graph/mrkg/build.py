"""mrkg build: validate, then write the merged graph, per-class CSV tables and a DCAT/VoID description, atomically."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, loader
from .errors import MrkgError
from .namespace import MRKG
from .store import compact, term_text

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

FORMATS = (("mrkg.ttl", "longturtle", "text/turtle"), ("mrkg.nt", "nt", "application/n-triples"),
           ("mrkg.jsonld", "json-ld", "application/ld+json"))
TABLE_CLASSES = ("Country", "RegionalBloc", "Membership", "Organisation", "UnitType", "CreditingProgramme",
                 "Methodology", "ComplianceScheme", "EligibilityRule", "Agreement", "AgreementEvent", "Source")
M = str(MRKG._NS)
DESCRIPTION = ("Crediting programmes, methodologies, jurisdictions, compliance schemes, eligibility rules and "
               "agreements for carbon-credit recognition, every fact with its sources and dates.")


def build(kg: KnowledgeGraph, out: Path) -> Iterator[str]:
    """Write the downloads into ``out``; yields progress lines. Raises (exit 1) if validation fails."""
    yield "validating ..."
    report = kg.validate()
    if not report.conforms:
        raise MrkgError("build refused: the data does not validate\n" + report.to_text(), exit_code=1)
    merged = kg.merged()
    with loader.atomic_folder(out) as tmp:
        for name, fmt, _ in FORMATS:
            text = merged.serialize(format=fmt, encoding="utf-8")
            if fmt == "nt":  # sorted lines: a stable, diff-friendly dump
                text = b"\n".join(sorted(line for line in text.splitlines() if line.strip())) + b"\n"
            loader.write_bytes(tmp / name, text)
            yield f"wrote {out / name} ({len(merged)} triples)"
        loader.write_bytes(tmp / "mrkg.nq", kg.store.dump_nquads())
        yield f"wrote {out / 'mrkg.nq'} ({len(kg.store)} quads in the named graphs a SPARQL store should hold)"
        (tmp / "csv").mkdir()
        counts = {}
        for cls in TABLE_CLASSES:
            text, n = class_table(kg, cls)
            counts[cls] = n
            loader.write_text(tmp / "csv" / f"{cls}.csv", text)
        yield f"wrote {out / 'csv'}/ ({len(TABLE_CLASSES)} tables, one row per instance)"
        loader.write_text(tmp / "void.ttl", describe(kg, counts, len(merged)))
        yield f"wrote {out / 'void.ttl'} (DCAT and VoID description, version {__version__})"
        for line in ontology_docs(kg, tmp):
            yield line.replace(str(tmp), str(out))


def class_table(kg: KnowledgeGraph, cls: str) -> tuple[str, int]:
    """One row per instance of a class (subclasses included); a column per property, values joined by ' | '."""
    rows = kg.store.select(f"""SELECT ?s ?p ?o WHERE {{ ?s a mrkg:{cls} .
        GRAPH <urn:mrkg:data> {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o""")
    table: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    columns: list[str] = []
    for r in rows:
        col = compact(r["p"].value)  # type: ignore[attr-defined]
        if col not in columns:
            columns.append(col)
        table[r["s"].value][col].append(term_text(r["o"]))  # type: ignore[attr-defined]
    columns.sort(key=lambda c: (c != "rdf:type", c != "rdfs:label", c))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["iri", *columns])
    for iri in sorted(table):
        writer.writerow([iri, *(" | ".join(table[iri].get(c, [])) for c in columns)])
    return buf.getvalue(), len(table)


def describe(kg: KnowledgeGraph, counts: dict[str, int], triples: int) -> str:
    """DCAT dataset and VoID statistics: version, licence, triple and entity counts, newest source date."""
    from .catalog import overview

    newest = overview(kg).newest_source_date
    partitions = "\n".join(
        f"    void:classPartition [ void:class mrkg:{cls} ; void:entities {n} ] ;" for cls, n in counts.items())
    dists = "\n".join(
        f"""    dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <{name}> ; dcat:mediaType "{mt}" ] ;"""
        for name, _, mt in (*FORMATS, ("mrkg.nq", "nquads", "application/n-quads")))
    return f"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix mrkg: <{M}> .

<https://w3id.org/mrkg/dataset/{__version__}> a dcat:Dataset , void:Dataset ;
    dcterms:title "mrkg: the mutual-recognition knowledge graph for carbon markets" ;
    dcterms:description "{DESCRIPTION}" ;
    dcat:version "{__version__}" ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    dcterms:conformsTo <https://w3id.org/mrkg/ontology/{__version__}> ;
    void:vocabulary <{M}> ;
    void:triples {triples} ;
    void:entities {sum(counts.values())} ;
    void:sparqlEndpoint <http://127.0.0.1:7878/query> ;
    dcterms:temporal [ dcterms:description "date of the newest source" ;
        dcat:endDate "{newest}"^^xsd:date ] ;
{partitions}
{dists}
    dcat:landingPage <https://w3id.org/mrkg> .
"""


def ontology_docs(kg: KnowledgeGraph, folder: Path) -> Iterator[str]:
    """HTML documentation of the ontology with pyLODE, when it is installed (``pip install 'mrkg[docs]'``)."""
    try:
        from pylode import OntPub  # type: ignore[import-not-found]
    except Exception:  # any import failure means: skip with a message
        yield "skipped ontology.html: pyLODE is not installed (pip install 'mrkg[docs]')"
        return
    import logging

    from . import resources

    ontology = resources.root() / "ontology" / "mrkg.ttl"
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # pyLODE logs its progress on the root logger
    try:
        html = OntPub(ontology=str(ontology)).make_html()
    finally:
        root.setLevel(level)
    loader.write_text(folder / "ontology.html", html)
    yield f"wrote {folder / 'ontology.html'} (pyLODE)"
