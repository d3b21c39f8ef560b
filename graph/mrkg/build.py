"""mrkg build: validate, then write the merged graph as downloads, atomically."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from . import loader
from .errors import MrkgError

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

FORMATS = (("mrkg.ttl", "longturtle"), ("mrkg.nt", "nt"), ("mrkg.jsonld", "json-ld"))


def build(kg: KnowledgeGraph, out: Path) -> Iterator[str]:
    """Write the downloads into ``out``; yields progress lines. Raises (exit 1) if validation fails."""
    yield "validating ..."
    report = kg.validate()
    if not report.conforms:
        raise MrkgError("build refused: the data does not validate\n" + report.to_text(), exit_code=1)
    merged = kg.merged()
    with loader.atomic_folder(out) as tmp:
        for name, fmt in FORMATS:
            text = merged.serialize(format=fmt, encoding="utf-8")
            if fmt == "nt":  # sorted lines: a stable, diff-friendly dump
                text = b"\n".join(sorted(line for line in text.splitlines() if line.strip())) + b"\n"
            loader.write_bytes(tmp / name, text)
            yield f"wrote {out / name} ({len(merged)} triples)"
