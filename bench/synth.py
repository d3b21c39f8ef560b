"""Synthetic scaling of the bundled graph for benchmarks: the same facts, k times denser.

Every agreement, event, eligibility rule and methodology is cloned k-1 times with an IRI suffix; countries,
blocs, programmes, schemes and sources stay shared, so the answers keep their shape while the graph the
engine walks (rules per scheme, agreements per country pair) grows k-fold.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, Graph, URIRef

ID = "https://w3id.org/mrkg/id/"
CLONED_KINDS = ("agreement/", "event/", "rule/", "methodology/")


def scaled_graph(data: Graph, k: int) -> Graph:
    """The data graph with every cloned-kind node repeated k times in all."""
    out = Graph()
    for t in data:
        out.add(t)

    def clone(term, i):
        if isinstance(term, URIRef) and str(term).startswith(ID) and str(term)[len(ID):].startswith(CLONED_KINDS):
            return URIRef(f"{term}-x{i}")
        return term

    for i in range(1, k):
        for s, p, o in data:
            if isinstance(s, URIRef) and str(s)[len(ID):].startswith(CLONED_KINDS):
                out.add((clone(s, i), p, clone(o, i)))
            elif p != RDF.type and clone(o, i) is not o:
                out.add((s, p, clone(o, i)))  # e.g. a scheme pointing at a cloned rule
    return out


def write_scaled(data: Graph, k: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"scaled-x{k}.nt"
    scaled_graph(data, k).serialize(destination=path, format="nt", encoding="utf-8")
    return path
