"""Pathway benchmark: one `paths` query, the full matrix, scaling x10/x100, and the naive method.

    python bench/bench_paths.py [--scales 1,10,100]
Targets (issue: pathways): one query median < 5 ms after load; full matrix < 2 s; at least 20x faster than
enumerating nx.all_simple_paths up to the same depth and filtering afterwards.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mrkg.graph import KnowledgeGraph
from mrkg.paths import MAX_RECOGNITION_HOPS, CreditProfile, PathEngine, matrix
from synth import write_scaled
from timing import median_seconds

ID = "https://w3id.org/mrkg/id/"
DEPTH = MAX_RECOGNITION_HOPS + 2  # recognition hops, then an agreement and a rule


def median_ms(fn, n: int = 200) -> float:
    return median_seconds(fn, n) * 1000


def naive_find(engine: PathEngine, undirected: nx.Graph, profile: CreditProfile) -> dict[str, str]:
    """The naive method: every simple path from the credit's programme to each scheme up to DEPTH, then keep
    the paths whose hops pass the same condition checks (the last programme on the path is checked)."""
    out: dict[str, str] = {}
    for scheme in engine.p.schemes():
        for path in nx.all_simple_paths(undirected, profile.programme, scheme, cutoff=DEPTH):
            progs = [n for n in path if engine.g.nodes[n].get("kind") == "programme"]
            outcome = engine._scheme_outcome(scheme, progs[-1], profile, [], 5)
            if outcome is not None:
                out[scheme] = min(out.get(scheme, "z"), outcome.verdict)
    return out


def naive_graph(engine: PathEngine) -> nx.Graph:
    g = nx.Graph(engine.g.to_undirected())
    for node, data in engine.g.nodes(data=True):  # scheme and programme home jurisdictions join the graph
        if data.get("jurisdiction"):
            g.add_edge(node, data["jurisdiction"])
    return g


def run_scale(kg: KnowledgeGraph, k: int, tmp: Path) -> None:
    if k == 1:
        scaled = kg
    else:
        path = write_scaled(kg.rdflib_data, k, tmp)
        scaled = KnowledgeGraph.load(data=[path])
    start = time.perf_counter()
    engine = scaled.engine
    build = time.perf_counter() - start
    g = engine.g
    profile = CreditProfile(f"{ID}programme/verra", f"{ID}jurisdiction/BT")
    one = median_ms(lambda: engine.find(profile), n=50 if k > 10 else 200)
    start = time.perf_counter()
    cells = matrix(engine)
    full = time.perf_counter() - start
    print(f"x{k:<4} triples {len(scaled.data.triples):>8}  nodes {g.number_of_nodes():>5} edges "
          f"{g.number_of_edges():>6}  projection {build:6.2f} s  paths median {one:7.2f} ms  "
          f"matrix {full:6.2f} s ({len(cells)} cells)")


def compare_naive(kg: KnowledgeGraph, sample: int) -> None:
    engine = kg.engine
    undirected = naive_graph(engine)
    programmes, countries = engine.p.programmes(), engine.p.countries()
    profiles = [CreditProfile(p, c) for p in programmes for c in countries]
    step = max(1, len(profiles) // sample)
    chosen = profiles[::step][:sample]
    start = time.perf_counter()
    for prof in chosen:
        engine.find(prof)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    for prof in chosen:
        naive_find(engine, undirected, prof)
    naive = time.perf_counter() - start
    per_ours, per_naive = ours / len(chosen), naive / len(chosen)
    print(f"naive all_simple_paths (depth {DEPTH}) vs engine on {len(chosen)} of {len(profiles)} matrix profiles: "
          f"engine {per_ours * 1000:.2f} ms/profile, naive {per_naive * 1000:.1f} ms/profile, "
          f"ratio {per_naive / per_ours:.0f}x  [target >= 20x]; naive full matrix would take "
          f"~{per_naive * len(profiles):.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--naive-sample", type=int, default=200)
    args = parser.parse_args()
    kg = KnowledgeGraph.load()
    print("targets: paths median < 5 ms, matrix < 2 s, engine >= 20x faster than naive")
    with tempfile.TemporaryDirectory() as tmp:
        for k in (int(x) for x in args.scales.split(",")):
            run_scale(kg, k, Path(tmp))
    compare_naive(kg, args.naive_sample)


if __name__ == "__main__":
    main()
