"""The ontology: labels and definitions, version, namespace module, schema/data separation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

import mrkg
from mrkg import loader, resources
from mrkg.graph import KnowledgeGraph
from mrkg.namespace import MRKG

ROOT = Path(__file__).resolve().parent.parent
TERMS = "https://w3id.org/mrkg/ontology#"


def ontology() -> Graph:
    return loader.read_part(resources.ontology_files()).rdflib_graph()


def test_every_class_and_property_is_labelled_and_defined() -> None:
    graph = ontology()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept)
    terms = {s for k in kinds for s in graph.subjects(RDF.type, k) if str(s).startswith(TERMS)}
    terms |= {s for s in graph.subjects(RDF.type, None) if str(s).startswith(TERMS)
              and (s, RDF.type, SKOS.ConceptScheme) not in graph}
    assert len(terms) > 100
    missing = [str(t) for t in terms
               if not any(isinstance(o, Literal) for o in graph.objects(t, RDFS.label))
               or not any(isinstance(o, Literal) for o in graph.objects(t, SKOS.definition))]
    assert not missing, f"terms without rdfs:label or skos:definition: {missing}"


def test_object_property_ranges_are_defined_classes() -> None:
    graph = ontology()
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        for rng in graph.objects(prop, RDFS.range):
            if str(rng).startswith(TERMS):
                assert (rng, RDF.type, OWL.Class) in graph, f"{prop} has undefined range {rng}"


def test_version_is_one_source() -> None:
    graph = ontology()
    onto = URIRef("https://w3id.org/mrkg/ontology")
    info = str(graph.value(onto, OWL.versionInfo))
    assert str(graph.value(onto, OWL.versionIRI)) == f"https://w3id.org/mrkg/ontology/{info}"
    assert mrkg.__version__ == info


def test_namespace_module_matches_ontology() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_namespace.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_strict_namespace_rejects_typos() -> None:
    assert str(MRKG.ImplementationAgreement) == TERMS + "ImplementationAgreement"
    try:
        MRKG.ImplementationAgreemnt  # noqa: B018 - the typo is the point
    except AttributeError:
        return
    raise AssertionError("a misspelt term did not fail")


def test_generated_country_files_are_current() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_countries.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_ontology_declares_no_instances() -> None:
    """Only the ontology header, classes, properties, disjointness axioms and SKOS vocabularies."""
    graph = ontology()
    allowed = {OWL.Ontology, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.FunctionalProperty,
               OWL.AllDisjointClasses, SKOS.ConceptScheme}
    concept_classes = set(graph.subjects(RDFS.subClassOf, SKOS.Concept))
    bad = [(s, t) for s, t in graph.subject_objects(RDF.type) if t not in allowed and t not in concept_classes]
    assert not bad, f"instances in ontology/: {bad[:5]}"


def test_data_declares_no_classes(kg: KnowledgeGraph) -> None:
    data = kg.rdflib_data
    schema_types = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property}
    assert not [s for s, t in data.subject_objects(RDF.type) if t in schema_types]
    assert not list(data.triples((None, RDFS.subClassOf, None)))
    assert not [s for s in data.subjects() if str(s).startswith(TERMS)]


def test_every_country_exists() -> None:
    import pycountry

    kg = KnowledgeGraph.load()
    countries = {str(s) for s in kg.rdflib_data.subjects(RDF.type, MRKG.Country)}
    assert len(countries) == len(pycountry.countries)
    assert "https://w3id.org/mrkg/id/jurisdiction/SG" in countries
