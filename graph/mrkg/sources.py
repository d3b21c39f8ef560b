"""Sources as the library reports them: one query, one record type, used by entity look-up and pathways."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .store import Store, term_text


@dataclass(frozen=True)
class SourceInfo:
    iri: str
    title: str
    publisher: str
    url: str
    date: str  # published (dcterms:issued), or "" when only the access date is known
    accessed: str = ""

    def cite(self) -> str:
        when = self.date or (f"accessed {self.accessed}" if self.accessed else "undated")
        return f"{self.publisher}, \"{self.title}\", {when}" + (f", {self.url}" if self.url else "")


def sources_by_node(store: Store, node: str | None = None) -> dict[str, list[SourceInfo]]:
    """The sources each node cites (an agreement also through its events), oldest first."""
    bind = f"VALUES ?n {{ <{node}> }}" if node else ""
    rows = store.select(f"""
        SELECT DISTINCT ?n ?s ?title ?pub ?url ?issued ?acc WHERE {{ {bind}
          {{ ?n dcterms:source ?s }} UNION {{ ?n mrkg:hasEvent/dcterms:source ?s }}
          OPTIONAL {{ ?s dcterms:title ?title }} OPTIONAL {{ ?s dcterms:publisher ?pub }}
          OPTIONAL {{ ?s schema:url ?url }} OPTIONAL {{ ?s dcterms:issued ?issued }}
          OPTIONAL {{ ?s mrkg:accessedOn ?acc }} }} ORDER BY ?n ?issued ?s""")
    out: dict[str, list[SourceInfo]] = defaultdict(list)
    for r in rows:
        out[r["n"].value].append(SourceInfo(  # type: ignore[attr-defined]
            iri=r["s"].value, title=term_text(r.get("title")), publisher=term_text(r.get("pub")),  # type: ignore[attr-defined]
            url=term_text(r.get("url")), date=term_text(r.get("issued")), accessed=term_text(r.get("acc"))))
    return out
