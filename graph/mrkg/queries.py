"""Saved SPARQL queries for researchers (queries/*.rq): a comment header, named parameters, one way to run.

Header lines: ``# title:``, ``# question:``, ``# param: NAME KIND DEFAULT`` (KIND: jurisdiction, programme,
scheme, methodology, date, string, iri), ``# example:`` and ``# example output:``. Parameters are bound with a
``VALUES`` block at the top of the WHERE clause, so the same text runs on the embedded store and on any SPARQL
1.1 endpoint.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import loader, resources
from .errors import UsageError
from .namespace import ID as ID_NS

ID = str(ID_NS)
KIND_PREFIX = {"jurisdiction": "jurisdiction/", "programme": "programme/", "scheme": "scheme/",
               "methodology": "methodology/", "agreement": "agreement/"}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: str | None


@dataclass
class SavedQuery:
    name: str
    title: str
    question: str
    params: list[Param] = field(default_factory=list)
    text: str = ""
    path: Path | None = None

    def bind(self, values: dict[str, str]) -> str:
        """The query with parameters bound (defaults for those not given)."""
        unknown = sorted(set(values) - {p.name for p in self.params})
        if unknown:
            names = ", ".join(p.name for p in self.params) or "none"
            raise UsageError(f"query '{self.name}' has no parameter {', '.join(unknown)} (parameters: {names})")
        terms = []
        for p in self.params:
            raw = values.get(p.name, p.default)
            if raw is None:
                raise UsageError(f"query '{self.name}' needs --param {p.name}=... ({p.kind})")
            terms.append((p.name, sparql_term(p.kind, raw)))
        if not terms:
            return self.text
        block = "VALUES (" + " ".join(f"?{n}" for n, _ in terms) + ") { (" + " ".join(t for _, t in terms) + ") }"
        match = re.search(r"\bWHERE\s*\{", self.text, flags=re.IGNORECASE)
        if match is None:
            raise UsageError(f"query '{self.name}' has parameters but no WHERE clause to bind them in")
        return self.text[: match.end()] + "\n  " + block + self.text[match.end():]


def sparql_term(kind: str, raw: str) -> str:
    raw = raw.strip()
    if kind in KIND_PREFIX:
        if not re.fullmatch(r"[A-Za-z0-9._/-]+", raw):
            raise UsageError(f"'{raw}' is not a valid {kind} identifier")
        return f"<{ID}{KIND_PREFIX[kind]}{raw}>"
    if kind == "date":
        try:
            dt.date.fromisoformat(raw)
        except ValueError:
            raise UsageError(f"'{raw}' is not a date (YYYY-MM-DD)") from None
        return f'"{raw}"^^<http://www.w3.org/2001/XMLSchema#date>'
    if kind == "iri":
        if not re.fullmatch(r"https?://[^\s<>\"]+", raw):
            raise UsageError(f"'{raw}' is not an http(s) IRI")
        return f"<{raw}>"
    if kind == "string":
        return '"' + raw.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise UsageError(f"unknown parameter kind '{kind}'")


def parse(path: Path) -> SavedQuery:
    text = loader.read_text(path)
    meta: dict[str, str] = {}
    params = []
    for line in text.splitlines():
        if not line.startswith("#"):
            continue
        key, _, value = line[1:].partition(":")
        key = key.strip()
        if key == "param":
            parts = value.split()
            if len(parts) not in (2, 3):
                raise UsageError(f"{path}: '# param:' needs NAME KIND [DEFAULT]")
            params.append(Param(parts[0], parts[1], parts[2] if len(parts) == 3 else None))
        elif key in ("title", "question"):
            meta[key] = value.strip()
    return SavedQuery(path.stem, meta.get("title", path.stem), meta.get("question", ""), params, text, path)


def saved_queries() -> dict[str, SavedQuery]:
    folder = resources.root() / "queries"
    return {p.stem: parse(p) for p in sorted(folder.glob("*.rq"))}


def get(name: str) -> SavedQuery:
    import difflib

    queries = saved_queries()
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    raise UsageError(f"no saved query '{name}'" + (f"; did you mean: {', '.join(close)}?" if close else ""))


def parse_params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--param takes NAME=VALUE, not '{pair}'")
        out[key.strip()] = value
    return out
