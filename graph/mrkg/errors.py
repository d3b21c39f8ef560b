"""Errors that mrkg reports to people: each says where (file, line) and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class MrkgError(Exception):
    """Base error. ``exit_code`` follows the CLI contract: 1 check failed, 2 bad usage or input."""

    message: str
    exit_code: int = 2

    def __str__(self) -> str:
        return self.message


@dataclass
class InputError(MrkgError):
    """Unreadable input: a missing file, a syntax error, an unknown format."""

    path: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class UsageError(MrkgError):
    """A request that cannot be answered as asked (an update sent to query, an unknown identifier)."""
