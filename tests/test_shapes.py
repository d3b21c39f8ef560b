"""Shape tests as data: every file in fixtures/shapes/valid passes; every file in invalid/ fails with the
shape (or hygiene check) its name gives: <Shape>-<constraint>-NNN.ttl or <check>-NNN.ttl."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Namespace

from mrkg import loader, resources
from mrkg.graph import KnowledgeGraph

SH = Namespace("http://www.w3.org/ns/shacl#")
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))


def expected_shape(path: Path) -> str:
    return re.sub(r"-\d{3}$", "", path.stem)


def findings(path: Path):
    kg = KnowledgeGraph.load(extra=[path])
    return kg.validate(focus_files=[path])


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(path: Path) -> None:
    report = findings(path)
    assert report.conforms, report.to_text()
    assert report.nodes_checked > 0


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_with_named_shape(path: Path) -> None:
    report = findings(path)
    assert not report.conforms
    shapes = {v.shape for v in report.violations}
    assert expected_shape(path) in shapes, report.to_text()
    fired = next(v for v in report.violations if v.shape == expected_shape(path))
    assert fired.message and "constraint not met" not in fired.message
    assert any(path.name in f for f in fired.files), fired


def test_fixture_sets_are_not_empty() -> None:
    assert len(VALID) >= 3
    assert len(INVALID) >= 20


def shapes_graph() -> Graph:
    return loader.read_part(resources.shape_files()).rdflib_graph()


def test_shapes_conform_to_shacl_for_shacl() -> None:
    graph = shapes_graph()
    conforms, _, text = shacl_validate(Graph(), shacl_graph=graph, meta_shacl=True, advanced=True)
    assert conforms, text


def test_every_constraint_has_a_message() -> None:
    graph = shapes_graph()
    constraint_params = [SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH["in"], SH.pattern, SH["or"],
                         SH.xone, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.lessThanOrEquals,
                         SH.node, SH.minLength]
    missing = []
    for shape in set(graph.subjects(RDF.type, SH.PropertyShape)) | set(graph.subjects(RDF.type, SH.NodeShape)) \
            | set(graph.subjects(RDF.type, SH.SPARQLConstraint)):
        has_constraint = any((shape, p, None) in graph for p in constraint_params) or \
            (shape, SH.select, None) in graph
        if has_constraint and (shape, SH.message, None) not in graph:
            missing.append(str(shape))
    assert not missing, f"shapes without sh:message: {missing}"


def test_every_node_shape_property_is_declared() -> None:
    graph = shapes_graph()
    for node_shape in graph.subjects(RDF.type, SH.NodeShape):
        for prop in graph.objects(node_shape, SH.property):
            assert (prop, SH.path, None) in graph, f"{node_shape} refers to undefined property shape {prop}"
