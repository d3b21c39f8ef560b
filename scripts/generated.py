"""Shared by the generator scripts: write generated files, or check that the committed ones are current."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_or_check(targets: dict[Path, str], argv: list[str], script: str) -> int:
    """With --check: exit code 1 and a message per stale file; otherwise write every file."""
    if "--check" in argv:
        stale = [p for p, text in targets.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for p in stale:
            print(f"{p.relative_to(ROOT)} is out of date: run python scripts/{script}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0
