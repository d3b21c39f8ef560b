"""The mrkg command line. Exit codes: 0 ok, 1 check failed, 2 bad usage or input."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import __version__, loader
from .errors import MrkgError

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

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


def _load(extra: list[Path] | None = None, bundled: bool = True, endpoint: str | None = None) -> KnowledgeGraph:
    from .graph import KnowledgeGraph  # deferred: keeps --help and --version fast

    if endpoint:
        return KnowledgeGraph.remote(endpoint)
    return KnowledgeGraph.load(extra=extra or [], bundled=bundled)


EndpointOption = Annotated[str | None, typer.Option(
    "--endpoint", help="Query a remote SPARQL 1.1 endpoint holding the build (mrkg.nq) instead of the bundle.")]


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
    query: Annotated[str | None, typer.Argument(
        help="A SPARQL query, the path of a .rq file, or the name of a saved query (see --list).")] = None,
    params: Annotated[list[str] | None, typer.Option(
        "--param", help="A saved query's parameter as NAME=VALUE (repeatable).")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="Output format.")] = TableFormat.table,
    list_saved: Annotated[bool, typer.Option("--list", help="List the saved queries and their parameters.")] = False,
    endpoint: EndpointOption = None,
) -> None:
    """Run a read-only SPARQL query over the ontology and data (common prefixes are predeclared)."""
    from . import queries

    if list_saved:
        for saved in queries.saved_queries().values():
            args = " ".join(f"[--param {p.name}={p.default or '...'}]" for p in saved.params)
            typer.echo(f"{saved.name} {args}\n    {saved.question}")
        return
    if query is None:
        raise MrkgError("give a query, a .rq file or a saved query name (mrkg query --list)")
    if query.endswith((".rq", ".sparql")) and Path(query).exists():
        text = queries.parse(Path(query)).bind(queries.parse_params(params or []))
    elif re.fullmatch(r"[a-z0-9-]+", query):
        text = queries.get(query).bind(queries.parse_params(params or []))
    else:
        if params:
            raise MrkgError("--param applies to saved queries and .rq files, not to inline SPARQL")
        text = query
    result = _load(endpoint=endpoint).query(text)
    out = {TableFormat.table: result.to_table, TableFormat.csv: result.to_csv,
           TableFormat.json: result.to_json}[fmt]()
    typer.echo(out.rstrip("\n"))


@app.command("show")
def show_cmd(
    ident: Annotated[str, typer.Argument(help="An entity: full IRI, kind/slug (agreement/sg-th-ia-2025), "
                                              "or a slug, code or name (SG, verra, ACM0002).")],
    fmt: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
    endpoint: EndpointOption = None,
) -> None:
    """Show one entity with its facts, events and sources."""
    from dataclasses import asdict

    entity = _load(endpoint=endpoint).entity(ident)
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
    endpoint: EndpointOption = None,
) -> None:
    """Where can this credit be recognised, through what, on which conditions, and if not, why not."""
    from .paths import make_profile, render_paths, resolve_targets

    kg = _load(endpoint=endpoint)
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
    endpoint: EndpointOption = None,
) -> None:
    """Every programme x every host country -> every target, with verdicts (the same engine as paths)."""
    import csv
    from dataclasses import asdict

    from .paths import NOT_RECOGNISED, matrix
    from .store import compact

    kg = _load(endpoint=endpoint)
    cells = [c for c in matrix(kg.engine, _as_of(as_of)) if not reachable or c.verdict != NOT_RECOGNISED]
    if fmt is MatrixFormat.json:
        typer.echo(json.dumps({"schema_version": 1, "cells": [asdict(c) for c in cells]}, indent=0))
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["programme", "host", "target", "verdict", "note"])
    for c in cells:
        writer.writerow([compact(c.programme), compact(c.host), compact(c.target), c.verdict, c.note])


@app.command("stats")
def stats_cmd(
    fmt: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
) -> None:
    """Coverage of the data: counts per class, programme and country; confidence; undated facts; source dates."""
    from .catalog import stats

    report = stats(_load())
    typer.echo(json.dumps(report.to_dict(), indent=1) if fmt is TextOrJson.json else report.to_text())


@app.command("upload")
def upload_cmd(
    endpoint: Annotated[str, typer.Option("--endpoint", help="The store's SPARQL query endpoint (…/query).")],
    store: Annotated[str | None, typer.Option(
        "--store", help="Its Graph Store Protocol address; default: /store beside the query endpoint.")] = None,
) -> None:
    """Load the validated graph (named graphs as in mrkg.nq) into a running SPARQL store."""
    from .remote import store_url_for, upload

    kg = _load()
    report = kg.validate()
    if not report.conforms:
        raise MrkgError("upload refused: the data does not validate\n" + report.to_text(), exit_code=1)
    target = store or store_url_for(endpoint)
    upload(kg.store.dump_nquads(), target)
    typer.echo(f"loaded {len(kg.store)} quads into {target}")


@app.command("serve")
def serve_cmd(
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 7878,
    timeout: Annotated[int, typer.Option("--timeout", help="Per-query time limit in seconds.")] = 10,
    max_rows: Annotated[int, typer.Option("--max-rows", help="Largest result returned (rows or triples).")] = 10000,
    location: Annotated[Path | None, typer.Option(
        "--location", help="Keep the server's database in this folder (default: a temporary one).")] = None,
) -> None:
    """Serve the graph read-only over the SPARQL 1.1 Protocol on 127.0.0.1.

    /query (GET, POST; JSON, XML, CSV, TSV results; Turtle, N-Triples ... for CONSTRUCT/DESCRIBE), a query page
    at /. Updates get 403, syntax errors 400 with the parser's message; a query past the time limit is
    stopped; results beyond --max-rows are cut (header X-Mrkg-Truncated).
    """
    import shutil
    import signal
    import socket
    import subprocess
    import tempfile
    import time
    import urllib.request

    import uvicorn

    from .serve import make_app

    binary = shutil.which("oxigraph")
    if binary is None:
        raise MrkgError("the Oxigraph server is missing: pip install oxigraph")
    kg = _load()

    def stop_on_term(signum: int, frame: object) -> None:
        # uvicorn shuts down on SIGTERM and then re-raises it: exit normally so Oxigraph is stopped below
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop_on_term)
    with tempfile.TemporaryDirectory() as tmp, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        inner = probe.getsockname()[1]
        probe.close()
        db = location or Path(tmp) / "db"
        dump = Path(tmp) / "mrkg.nq"
        loader.write_bytes(dump, kg.store.dump_nquads())
        subprocess.run([binary, "load", "--location", str(db), "--file", str(dump)], check=True,
                       capture_output=True)
        oxigraph = subprocess.Popen([binary, "serve-read-only", "--location", str(db), "--bind",
                                     f"127.0.0.1:{inner}", "--union-default-graph", "--timeout-s", str(timeout)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{inner}/", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            typer.echo(f"serving {len(kg.store)} quads read-only at http://127.0.0.1:{port}/query (query page: "
                       f"http://127.0.0.1:{port}/; time limit {timeout} s, at most {max_rows} rows); Ctrl-C stops",
                       err=True)
            uvicorn.run(make_app(f"http://127.0.0.1:{inner}", max_rows, timeout), host="127.0.0.1", port=port,
                        log_level="warning")
        finally:
            oxigraph.terminate()  # Oxigraph may not stop while a query runs past its limit: then it is killed
            try:
                oxigraph.wait(timeout=3)
            except subprocess.TimeoutExpired:
                oxigraph.kill()
                oxigraph.wait()


@app.command("explore")
def explore_cmd(
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8501,
    headless: Annotated[bool, typer.Option("--headless/--browser", help="Do not open a browser.")] = True,
) -> None:
    """Start the explorer (Streamlit) on 127.0.0.1."""
    from . import resources

    app_file = resources.root() / "app" / "Home.py"
    if not app_file.is_file():
        raise MrkgError(f"the explorer is not installed here ({app_file} is missing)")
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_file), "--server.address", "127.0.0.1",
           "--server.port", str(port), "--server.headless", str(headless).lower(),
           "--browser.gatherUsageStats", "false"]
    # Become the Streamlit process (no child): a SIGTERM to `mrkg explore` then stops the server itself instead of
    # leaving an orphaned Streamlit answering on the port.
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, cmd)


def main() -> None:
    """Console entry point: typer handles usage errors (exit 2); mrkg errors become a message and their code."""
    try:
        app()
    except MrkgError as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
