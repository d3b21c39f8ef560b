"""Competency questions: numbered SPARQL files whose expected answers (# expect: lines) come from sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from mrkg.graph import KnowledgeGraph
from mrkg.loader import read_text

QUESTIONS = sorted((Path(__file__).resolve().parent / "competency").glob("cq*.rq"))


def expected(text: str) -> list[str]:
    return sorted(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("# expect:"))


@pytest.mark.parametrize("path", QUESTIONS, ids=lambda p: p.stem)
def test_competency_question(kg: KnowledgeGraph, path: Path) -> None:
    text = read_text(path)
    want = expected(text)
    assert want, f"{path.name} states no expected answer"
    result = kg.query(text)
    got = sorted(row[0] for row in result.text_rows())
    assert got == want


def test_questions_are_numbered_and_present() -> None:
    assert len(QUESTIONS) >= 8
    assert [p.name[:4] for p in QUESTIONS] == [f"cq{i:02d}" for i in range(1, len(QUESTIONS) + 1)]
