from __future__ import annotations

from pathlib import Path

import pytest

from mrkg.graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The bundled graph, loaded once per test session."""
    return KnowledgeGraph.load()
