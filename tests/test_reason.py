"""OWL reasoning: owlrl materialisation and the optional HermiT consistency check."""

from __future__ import annotations

import shutil

import pytest
from rdflib import RDF, URIRef

from mrkg import reason
from mrkg.graph import KnowledgeGraph
from mrkg.namespace import MRKG

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")


def test_materialise_adds_superclass_membership(kg: KnowledgeGraph) -> None:
    ia = URIRef("https://w3id.org/mrkg/id/agreement/sg-th-ia-2025")
    closed = reason.materialise(kg.rdflib_ontology + kg.rdflib_data)
    assert (ia, RDF.type, MRKG.Article6Agreement) in closed
    assert (ia, RDF.type, MRKG.Agreement) in closed
    assert (ia, RDF.type, MRKG.Agreement) not in kg.rdflib_data


def test_store_answers_superclass_queries(kg: KnowledgeGraph) -> None:
    rows = kg.query("ASK { id:agreement\\/sg-th-ia-2025 a mrkg:Agreement }")
    assert rows.boolean is True


@needs_java
def test_hermit_finds_bundled_graph_consistent(kg: KnowledgeGraph) -> None:
    result = reason.hermit_consistency(kg.merged())
    assert result.status == "consistent", result.message


@needs_java
def test_hermit_finds_disjointness_violation(kg: KnowledgeGraph) -> None:
    bad = kg.rdflib_ontology + kg.rdflib_data
    bad.add((URIRef("https://w3id.org/mrkg/id/jurisdiction/SG"), RDF.type, MRKG.RegionalBloc))
    result = reason.hermit_consistency(bad)
    assert result.status == "inconsistent", result.message


def test_hermit_skips_clearly_without_java(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reason.shutil, "which", lambda name: None)
    result = reason.hermit_consistency(kg.merged())
    assert result.status == "skipped"
    assert "no Java runtime" in result.message
