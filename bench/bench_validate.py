"""Validation benchmark: whole bundled data, and one changed file's nodes against the full graph.

    python bench/bench_validate.py
Targets (issue: foundation): whole data under 5 s on one core; one file under 0.5 s.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mrkg import resources
from mrkg.graph import KnowledgeGraph
from timing import median_seconds

timed = median_seconds


def main() -> None:
    start = time.perf_counter()
    kg = KnowledgeGraph.load()
    load = time.perf_counter() - start
    print(f"data: {len(resources.data_files())} files, {len(kg.data.triples)} triples, "
          f"{len(kg.ontology.triples)} ontology triples, {len(kg.shapes.triples)} shape triples")
    print(f"load (parse + index): {load:.2f} s")
    whole = timed(lambda: KnowledgeGraph.load().validate())
    print(f"mrkg validate (whole data, fresh load each time): median {whole:.2f} s  [target < 5 s]")
    for name in ("agreements/singapore.ttl", "schemes/rules.ttl", "programmes.ttl"):
        path = resources.data_dir() / name
        one = timed(lambda path=path: KnowledgeGraph.load(extra=[path]).validate(focus_files=[path]))
        only = timed(lambda path=path: kg.validate(focus_files=[path]))
        print(f"mrkg validate {name}: median {one:.2f} s with load, {only:.3f} s validation only  [target < 0.5 s]")


if __name__ == "__main__":
    main()
