"""Where the bundled ontology, shapes and data live (a source checkout or an installed wheel)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

RDF_SUFFIXES = (".ttl", ".nt", ".n3", ".trig", ".nq", ".jsonld", ".json", ".rdf", ".owl", ".xml")


@cache
def root() -> Path:
    """The folder holding ontology/, shapes/ and data/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_bundled", here.parent.parent):
        if (candidate / "ontology" / "mrkg.ttl").is_file():
            return candidate
    raise FileNotFoundError(f"mrkg's bundled ontology was not found near {here}")


def rdf_files(folder: Path) -> list[Path]:
    """RDF files below ``folder``, sorted, so loading order is stable."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in RDF_SUFFIXES)


def ontology_files() -> list[Path]:
    return rdf_files(root() / "ontology")


def shape_files() -> list[Path]:
    return rdf_files(root() / "shapes")


def check_files() -> list[Path]:
    """Hygiene checks: SPARQL SELECT queries in shapes/*.rq."""
    return sorted((root() / "shapes").glob("*.rq"))


def data_dir() -> Path:
    return root() / "data"


def data_files() -> list[Path]:
    return rdf_files(data_dir())
