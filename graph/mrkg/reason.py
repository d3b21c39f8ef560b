"""OWL reasoning: owlrl materialisation for inferred downloads, and an optional HermiT consistency check."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import owlrl
from rdflib import RDFS, XSD, Graph, Literal, URIRef

# Datatypes outside the OWL 2 datatype map (HermiT refuses them); their values carry no OWL semantics here.
NON_OWL2_DATATYPES = {XSD.date, XSD.gYear, XSD.gYearMonth, XSD.time, XSD.duration}


def owl2_view(graph: Graph) -> Graph:
    """The graph without literals and ranges of datatypes that OWL 2 reasoners do not support."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in NON_OWL2_DATATYPES:
            continue
        if p == RDFS.range and isinstance(o, URIRef) and o in NON_OWL2_DATATYPES:
            continue
        out.add((s, p, o))
    return out


def materialise(graph: Graph) -> Graph:
    """The graph plus what the RDFS rules entail (class and property hierarchy), without axiomatic noise."""
    closed = Graph()
    for triple in graph:
        closed.add(triple)
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(closed)
    return closed


@dataclass
class ReasonerResult:
    status: str  # "consistent" | "inconsistent" | "skipped" | "error"
    message: str


def hermit_consistency(graph: Graph) -> ReasonerResult:
    """Check OWL consistency with HermiT (owlready2, Java). Skips with a clear message when Java is absent."""
    if shutil.which("java") is None:
        return ReasonerResult("skipped", "HermiT consistency check skipped: no Java runtime on PATH "
                                         "(install a JRE, e.g. apt-get install default-jre-headless)")
    import owlready2  # imported here: it is slow to import and only needed for this check

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "merged.nt"
        owl2_view(graph).serialize(destination=path, format="nt", encoding="utf-8")
        world = owlready2.World()  # a fresh world per check, never the global default
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as err:
            return ReasonerResult("inconsistent", f"the ontology and data are inconsistent: {err}")
        except owlready2.OwlReadyJavaError as err:
            first = next((ln for ln in str(err).splitlines() if "Exception" in ln), str(err)[:300])
            return ReasonerResult("error", f"HermiT could not run: {first}")
        finally:
            world.close()
    return ReasonerResult("consistent", "HermiT found the ontology and data consistent")
