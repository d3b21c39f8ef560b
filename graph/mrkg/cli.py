"""The mrkg command line. Exit codes: 0 ok, 1 check failed, 2 bad usage or input."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__, loader
from .errors import MrkgError

app = typer.Typer(
    name="mrkg", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    help="The mutual-recognition knowledge graph for carbon markets: which credits count where, "
         "through what, on whose authority. Exit codes: 0 ok, 1 check failed, 2 bad usage or input.",
)


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mrkg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """mrkg command line."""


def _load(extra: list[Path] | None = None, bundled: bool = True):
    from .graph import KnowledgeGraph  # deferred: keeps --help and --version fast

    return KnowledgeGraph.load(extra=extra or [], bundled=bundled)


@app.command("validate")
def validate_cmd(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Data files or folders to check. Each replaces the bundled file of the same path and only its "
             "nodes are checked, against the full graph. Without paths, all bundled data is checked.")] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
    no_bundled: Annotated[bool, typer.Option(
        "--no-bundled", help="Check the given files without the bundled data.")] = False,
    reasoner: Annotated[bool, typer.Option(
        "--reasoner", help="Also check OWL consistency with HermiT (needs Java).")] = False,
) -> None:
    """Validate data against the SHACL shapes and hygiene checks."""
    kg = _load(paths, bundled=not no_bundled)
    report = kg.validate(focus_files=loader.expand_paths(paths) if paths else None)
    typer.echo(report.to_json() if fmt is TextOrJson.json else report.to_text())
    failed = not report.conforms
    if reasoner:
        from .reason import hermit_consistency

        result = hermit_consistency(kg.merged())
        typer.echo(result.message, err=fmt is TextOrJson.json)
        if result.status == "error":
            raise typer.Exit(2)
        failed = failed or result.status == "inconsistent"
    raise typer.Exit(1 if failed else 0)


@app.command("query")
def query_cmd(
    query: Annotated[str, typer.Argument(help="A SPARQL query, or the path of a .rq file.")],
    fmt: Annotated[TableFormat, typer.Option("--format", help="Output format.")] = TableFormat.table,
) -> None:
    """Run a read-only SPARQL query over the ontology and data (common prefixes are predeclared)."""
    text = loader.read_text(Path(query)) if query.endswith((".rq", ".sparql")) else query
    result = _load().query(text)
    out = {TableFormat.table: result.to_table, TableFormat.csv: result.to_csv,
           TableFormat.json: result.to_json}[fmt]()
    typer.echo(out.rstrip("\n"))


@app.command("show")
def show_cmd(
    ident: Annotated[str, typer.Argument(help="An entity: full IRI, kind/slug (agreement/sg-th-ia-2025), "
                                              "or a slug, code or name (SG, verra, ACM0002).")],
    fmt: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
) -> None:
    """Show one entity with its facts, events and sources."""
    from dataclasses import asdict

    entity = _load().entity(ident)
    typer.echo(json.dumps(asdict(entity), indent=1) if fmt is TextOrJson.json else entity.to_text())


@app.command("build")
def build_cmd(
    out: Annotated[Path, typer.Argument(help="Output folder for the merged graph and downloads.")],
) -> None:
    """Validate, then write the merged graph (Turtle, N-Triples, JSON-LD). Nothing is written if it fails."""
    from .build import build

    for line in build(_load(), out):
        typer.echo(line)


def _as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise MrkgError(f"--as-of must be a date YYYY-MM-DD, not '{text}'") from None


@app.command("paths")
def paths_cmd(
    programme: Annotated[str, typer.Option("--programme", "-p", help="Programme slug or name (verra, gold-standard).")],
    host: Annotated[str, typer.Option("--host", help="Host country: ISO 3166-1 alpha-2 code (ID, BT ...).")],
    methodology: Annotated[str | None, typer.Option(
        "--methodology", "-m", help="The programme's methodology code.")] = None,
    sector: Annotated[str | None, typer.Option("--sector", help="CDM sectoral scope number or name.")] = None,
    vintage: Annotated[int | None, typer.Option("--vintage", help="Year of the reductions.")] = None,
    authorised: Annotated[bool | None, typer.Option(
        "--authorised/--not-authorised", help="Whether the host authorised the credit (Article 6).")] = None,
    adjusted: Annotated[bool | None, typer.Option(
        "--adjusted/--not-adjusted", help="Whether a corresponding adjustment is applied.")] = None,
    to: Annotated[list[str] | None, typer.Option("--to", help="Only these targets (scheme or programme slug).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Read the graph as of this date (YYYY-MM-DD).")] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
) -> None:
    """Where can this credit be recognised, through what, on which conditions, and if not, why not."""
    from .paths import make_profile, render_paths, resolve_targets

    kg = _load()
    profile = make_profile(kg.projection, programme, host, methodology=methodology, sector=sector,
                           vintage=vintage, authorised=authorised, adjusted=adjusted, as_of=_as_of(as_of))
    targets = resolve_targets(kg.projection, to) if to else None
    found = kg.engine.find(profile, targets)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps({"schema_version": 1, "profile": _profile_dict(profile),
                               "pathways": [p.to_dict() for p in found]}, indent=1, default=str))
    else:
        typer.echo(render_paths(kg.projection, profile, found))


def _profile_dict(profile) -> dict[str, object]:
    from dataclasses import asdict

    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(profile).items()}


class MatrixFormat(StrEnum):
    csv = "csv"
    json = "json"


@app.command("matrix")
def matrix_cmd(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Read the graph as of this date (YYYY-MM-DD).")] = None,
    fmt: Annotated[MatrixFormat, typer.Option("--format", help="Output format.")] = MatrixFormat.csv,
    reachable: Annotated[bool, typer.Option("--reachable-only", help="Leave out 'not recognised' cells.")] = False,
) -> None:
    """Every programme x every host country -> every target, with verdicts (the same engine as paths)."""
    import csv
    from dataclasses import asdict

    from .paths import NOT_RECOGNISED, matrix
    from .store import compact

    kg = _load()
    cells = [c for c in matrix(kg.engine, _as_of(as_of)) if not reachable or c.verdict != NOT_RECOGNISED]
    if fmt is MatrixFormat.json:
        typer.echo(json.dumps({"schema_version": 1, "cells": [asdict(c) for c in cells]}, indent=0))
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["programme", "host", "target", "verdict", "note"])
    for c in cells:
        writer.writerow([compact(c.programme), compact(c.host), compact(c.target), c.verdict, c.note])


def main() -> None:
    """Console entry point: typer handles usage errors (exit 2); mrkg errors become a message and their code."""
    try:
        app()
    except MrkgError as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
