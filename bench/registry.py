"""Synthetic project-level registry records (projects, issuances, retirements) linked to the real programmes,
methodologies, countries and schemes of the bundled graph. Deterministic for a given size and seed.

    python bench/registry.py 1000000 /tmp/registry-1e6.nt
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from rdflib import RDF

from mrkg.graph import KnowledgeGraph
from mrkg.namespace import MRKG

ID = "https://w3id.org/mrkg/id/"
M = "https://w3id.org/mrkg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"



def generate(kg: KnowledgeGraph, triples: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    data = kg.rdflib_data
    programmes = sorted(str(p) for p in data.subjects(MRKG.shortName, None) if "/programme/" in str(p))
    countries = sorted(str(c) for c in data.subjects(RDF.type, MRKG.Country))
    schemes = sorted(str(s) for s in data.subjects(MRKG.shortName, None) if "/scheme/" in str(s))
    methods: dict[str, list[str]] = {}
    for m, p in data.subject_objects(MRKG.programme):
        methods.setdefault(str(p), []).append(str(m))
    lines: list[str] = []
    n = 0
    while len(lines) < triples:
        n += 1
        prog = rng.choice(programmes)
        project = f"<{ID}project/synthetic-{n}>"
        lines += [f"{project} <{RDF.type}> <{M}Project> .",
                  f"{project} <{M}registeredUnder> <{prog}> .",
                  f"{project} <{M}host> <{rng.choice(countries)}> .",
                  f'{project} <{M}registryId> "SYN-{n}" .']
        if methods.get(prog):
            lines.append(f"{project} <{M}usesMethodology> <{rng.choice(sorted(methods[prog]))}> .")
        for k in range(rng.randint(1, 7)):
            issuance = f"<{ID}issuance/synthetic-{n}-{k}>"
            vintage = rng.randint(2010, 2025)
            quantity = rng.randint(100, 500_000)
            lines += [f"{issuance} <{RDF.type}> <{M}Issuance> .",
                      f"{issuance} <{M}issuedFor> {project} .",
                      f'{issuance} <{M}vintage> "{vintage}"^^<{XSD}integer> .',
                      f'{issuance} <{M}quantity> "{quantity}"^^<{XSD}integer> .',
                      f'{issuance} <{M}issuedOn> "{vintage + 1}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"'
                      f"^^<{XSD}date> ."]
            for j in range(rng.randint(0, 3)):
                retirement = f"<{ID}retirement/synthetic-{n}-{k}-{j}>"
                lines += [f"{retirement} <{RDF.type}> <{M}Retirement> .",
                          f"{retirement} <{M}retires> {issuance} .",
                          f'{retirement} <{M}quantity> "{rng.randint(1, quantity)}"^^<{XSD}integer> .',
                          f'{retirement} <{M}retiredOn> "{vintage + 2}-0{rng.randint(1, 9)}-0{rng.randint(1, 9)}"'
                          f"^^<{XSD}date> ."]
                if rng.random() < 0.2:
                    lines.append(f"{retirement} <{M}retiredFor> <{rng.choice(schemes)}> .")
    return lines  # whole projects only: the count may pass ``triples`` by one project's records


def write(kg: KnowledgeGraph, triples: int, path: Path, seed: int = 7) -> Path:
    path.write_text("\n".join(generate(kg, triples, seed)) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    size, out = int(sys.argv[1]), Path(sys.argv[2])
    lines = generate(KnowledgeGraph.load(), size)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(lines)} triples)")
