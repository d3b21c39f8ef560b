"""Researcher benchmark: saved queries embedded vs rdflib, scale to 10^6 registry triples, SHACL scaling.

    python bench/bench_store.py [--sizes 100000,1000000] [--shacl-sizes 10000,100000]
Targets (issue: researchers): embedded store >= 20x faster than plain rdflib on the saved queries; at 10^6
triples of registry data load < 10 s and every saved query < 1 s; SHACL validation time printed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mrkg import queries
from mrkg.graph import KnowledgeGraph
from mrkg.store import PROLOGUE
from registry import write as write_registry
from timing import median_seconds

REGISTRY_QUERIES = {
    "issued per programme": """SELECT ?programme (SUM(?q) AS ?issued) WHERE {
        ?i a mrkg:Issuance ; mrkg:issuedFor/mrkg:registeredUnder/mrkg:shortName ?programme ; mrkg:quantity ?q }
        GROUP BY ?programme ORDER BY DESC(?issued)""",
    "retired for CORSIA by host": """SELECT ?host (SUM(?q) AS ?retired) WHERE {
        ?r mrkg:retiredFor <https://w3id.org/mrkg/id/scheme/corsia> ; mrkg:quantity ?q ;
           mrkg:retires/mrkg:issuedFor/mrkg:host ?h .
        ?h mrkg:isoAlpha2 ?host } GROUP BY ?host ORDER BY DESC(?retired) LIMIT 10""",
    "projects of a programme in a country": """SELECT ?p WHERE {
        ?p mrkg:registeredUnder <https://w3id.org/mrkg/id/programme/verra> ;
        mrkg:host <https://w3id.org/mrkg/id/jurisdiction/ID> }""",
}


timed = median_seconds


def embedded_vs_rdflib(kg: KnowledgeGraph) -> None:
    merged = Graph()
    for t in kg.rdflib_ontology + kg.rdflib_data:
        merged.add(t)
    ours_total = theirs_total = 0.0
    for name, saved in sorted(queries.saved_queries().items()):
        text = saved.bind({})
        ours = timed(lambda text=text: kg.query(text), repeat=5)
        # rdflib sees the union of ontology and data, but no materialised class membership: it gets the same
        # text with the union graph; results may differ where a query relies on inferred types.
        theirs = timed(lambda text=text: list(merged.query(PROLOGUE + text.replace("GRAPH <urn:mrkg:data>", ""))),
                       repeat=3)
        ours_total += ours
        theirs_total += theirs
        print(f"  {name:32s} embedded {ours * 1000:8.2f} ms   rdflib {theirs * 1000:9.1f} ms   "
              f"x{theirs / ours:6.0f}")
    print(f"saved queries total: embedded {ours_total * 1000:.1f} ms, rdflib {theirs_total * 1000:.0f} ms, "
          f"ratio {theirs_total / ours_total:.0f}x  [target >= 20x]")


def scale(kg: KnowledgeGraph, size: int, tmp: Path) -> None:
    path = write_registry(kg, size, tmp / f"registry-{size}.nt")
    start = time.perf_counter()
    big = KnowledgeGraph.load(extra=[path])
    store = big.store
    load = time.perf_counter() - start
    print(f"{size:>9} registry triples: load {load:.2f} s ({len(store)} quads in the store)  [target < 10 s at 10^6]")
    slowest = 0.0
    for name, saved in sorted(queries.saved_queries().items()):
        t = timed(lambda saved=saved: big.query(saved.bind({})))
        slowest = max(slowest, t)
        print(f"  saved {name:32s} {t * 1000:8.1f} ms")
    for name, text in REGISTRY_QUERIES.items():
        t = timed(lambda text=text: big.query(text))
        slowest = max(slowest, t)
        print(f"  registry: {name:29s} {t * 1000:8.1f} ms")
    print(f"  slowest query {slowest * 1000:.1f} ms  [target < 1000 ms]")


def shacl(kg: KnowledgeGraph, size: int, tmp: Path) -> None:
    path = write_registry(kg, size, tmp / f"shacl-{size}.nt")
    big = KnowledgeGraph.load(extra=[path])
    start = time.perf_counter()
    report = big.validate(focus_files=[path])
    took = time.perf_counter() - start
    print(f"SHACL on {size:>8} registry triples (their {report.nodes_checked} nodes against the full graph): "
          f"{took:.1f} s, {took / size * 1e6:.0f} us per triple, {len(report.violations)} violations")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--shacl-sizes", default="10000,100000")
    args = parser.parse_args()
    kg = KnowledgeGraph.load()
    embedded_vs_rdflib(kg)
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",") if s):
            scale(kg, size, Path(tmp))
        for size in (int(s) for s in args.shacl_sizes.split(",") if s):
            shacl(kg, size, Path(tmp))


if __name__ == "__main__":
    main()
