"""Methodology coverage: the OffsetsDB-generated files are current, sound, and the crosswalk links resolve."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import rdflib

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "gen_methodologies.py"
MAPPING = ROOT.parent / "shared" / "research" / "offsetsdb" / "all-protocol-mapping.json"
METH_DIR = ROOT / "data" / "methodologies"
MRKG = rdflib.Namespace("https://w3id.org/mrkg/ontology#")
ID = "https://w3id.org/mrkg/id/"
LINKS = (MRKG.replaces, MRKG.derivedFrom, MRKG.consolidates)

needs_mapping = pytest.mark.skipif(not MAPPING.exists(), reason=f"OffsetsDB mapping not found at {MAPPING}")


def load(paths: list[Path]) -> rdflib.Graph:
    g = rdflib.Graph()
    for path in paths:
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def meth_graph() -> rdflib.Graph:
    return load(sorted(METH_DIR.rglob("*.ttl")))


@pytest.fixture(scope="module")
def generated() -> rdflib.Graph:
    return load(sorted((METH_DIR / "offsetsdb").glob("*.ttl")))


@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("gen_methodologies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def methodology(g: rdflib.Graph, programme: str, code: str) -> rdflib.URIRef:
    return rdflib.URIRef(f"{ID}methodology/{programme}/{code}")


@needs_mapping
def test_generated_files_are_current() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), str(MAPPING), "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@needs_mapping
@pytest.mark.parametrize(("protocol_id", "programme", "code", "words"), [
    ("acm0002", "cdm", "ACM0002", ["renewable", "grid-connected"]),
    ("acm0001", "cdm", "ACM0001", ["landfill", "flaring"]),
    ("ams-i-d", "cdm", "AMS-I.D", ["renewable", "electricity"]),
    ("ams-i-e", "cdm", "AMS-I.E", ["non-renewable biomass", "thermal"]),
    ("ar-acm0003", "cdm", "AR-ACM0003", ["afforestation", "wetlands"]),
    ("ams-iii-au", "cdm", "AMS-III.AU", ["rice cultivation"]),
])
def test_selected_codes(meth_graph: rdflib.Graph, protocol_id: str, programme: str, code: str,
                        words: list[str]) -> None:
    entry = json.loads(MAPPING.read_text(encoding="utf-8"))[protocol_id]
    known = " ".join(entry["known-strings"]).lower()
    node = methodology(meth_graph, programme, code)
    assert (node, rdflib.RDF.type, MRKG.Methodology) in meth_graph
    assert meth_graph.value(node, MRKG.programme) == rdflib.URIRef(f"{ID}programme/{programme}")
    assert str(meth_graph.value(node, MRKG.code)) == code
    label = str(meth_graph.value(node, rdflib.RDFS.label)).lower()
    for word in words:
        assert word in known, f"test word {word!r} is not in OffsetsDB's known-strings for {protocol_id}"
        assert word in label, f"{code} label {label!r} lacks {word!r}"
    assert "version" not in label and "cdm" not in label


def test_no_duplicate_programme_code(meth_graph: rdflib.Graph) -> None:
    keys = Counter((str(meth_graph.value(m, MRKG.programme)), str(meth_graph.value(m, MRKG.code)))
                   for m in meth_graph.subjects(rdflib.RDF.type, MRKG.Methodology)
                   if meth_graph.value(m, MRKG.code) is not None)  # title-only methodologies have no code
    assert sum(keys.values()) > 60
    assert [k for k, n in keys.items() if n > 1] == []


def test_generated_nodes_are_secondary_and_sourced(generated: rdflib.Graph) -> None:
    shared = rdflib.URIRef(f"{ID}source/offsetsdb-protocol-mapping")
    nodes = list(generated.subjects(rdflib.RDF.type, MRKG.Methodology))
    assert nodes
    for node in nodes:
        assert generated.value(node, MRKG.confidence) == MRKG.confidenceSecondary, node
        assert (node, rdflib.namespace.DCTERMS.source, shared) in generated, node
        assert generated.value(node, MRKG.evidence) is not None, node
        assert generated.value(node, MRKG.version) is None, node
        code = str(generated.value(node, MRKG.code))
        assert str(node).endswith("/" + code), node


def test_hand_curated_codes_not_generated(generated: rdflib.Graph) -> None:
    hand = load(sorted(METH_DIR.glob("*.ttl")))
    for node in hand.subjects(rdflib.RDF.type, MRKG.Methodology):
        assert (node, rdflib.RDF.type, MRKG.Methodology) not in generated, f"{node} is also generated"


def test_crosswalk_links_resolve(meth_graph: rdflib.Graph) -> None:
    crosswalk = load([METH_DIR / "crosswalk.ttl"])
    links = [(s, p, o) for p in LINKS for s, o in crosswalk.subject_objects(p)]
    assert len(links) >= 5
    for s, p, o in links:
        for end in (s, o):
            assert (end, rdflib.RDF.type, MRKG.Methodology) in meth_graph, f"{p.fragment}: {end} is not defined"
            # a methodology its programme names only by title has no code, but always a label
            assert meth_graph.value(end, MRKG.code) or meth_graph.value(end, rdflib.RDFS.label), end
        assert s != o


def test_crosswalk_expected_links(meth_graph: rdflib.Graph) -> None:
    verra, cdm = "verra", "cdm"
    expected = [
        (methodology(meth_graph, verra, "VM0047"), MRKG.replaces, methodology(meth_graph, cdm, "AR-ACM0003")),
        (methodology(meth_graph, verra, "VM0050"), MRKG.consolidates, methodology(meth_graph, cdm, "AMS-I.E")),
        (methodology(meth_graph, verra, "VMR0006"), MRKG.derivedFrom, methodology(meth_graph, cdm, "AMS-II.G")),
        (methodology(meth_graph, verra, "VMR0017"), MRKG.derivedFrom, methodology(meth_graph, cdm, "ACM0002")),
    ]
    for triple in expected:
        assert triple in meth_graph, triple


def test_title_parsing(gen) -> None:
    regex = gen.code_regex("ACM0002")
    assert gen.title_from("ACM0002: “Grid-connected electricity generation from renewable sources” (Version 21.0)",
                          regex) == "Grid-connected electricity generation from renewable sources"
    assert gen.title_from("ACM0002 Version 21.0", regex) is None
    assert gen.title_from("ACM0002; ACM0006", regex) is None
    assert gen.title_from("ACM0002: A / ACM0006: B", regex) is None
    assert gen.code_from_id("cdm", "ams-iii-bg") == "AMS-III.BG"
    assert gen.code_from_id("acr", "acr-ifm-nonfed") is None
    assert not gen.code_confirmed("AMS-III.IV", ["AMS-III.AV. Low greenhouse gas-emitting systems"])
