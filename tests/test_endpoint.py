"""SPARQL over HTTP against real Oxigraph servers on 127.0.0.1: `mrkg serve`, and the same questions run
against a remote store that `mrkg upload` loaded (`--endpoint`)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from servers import free_port, start, stop, wait_for

pytestmark = pytest.mark.skipif(shutil.which("oxigraph") is None, reason="the oxigraph server is installed by pip")
M = "https://w3id.org/mrkg/ontology#"
ASK_AGREEMENT = f"ASK {{ <https://w3id.org/mrkg/id/agreement/sg-th-ia-2025> a <{M}Agreement> }}"


def http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read().decode()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`mrkg serve` itself, as users start it."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    proc = start([sys.executable, "-m", "mrkg", "serve", "--port", str(port), "--timeout", "2", "--max-rows", "50"],
                 log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", proc, log)
        yield base
    finally:
        stop(proc)


def test_serve_get_and_post_with_content_negotiation(served: str) -> None:
    q = urllib.parse.quote(f"SELECT ?code WHERE {{ ?c <{M}isoAlpha2> ?code }} ORDER BY ?code LIMIT 2")
    status, ctype, body = http(f"{served}/query?query={q}", headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and "json" in ctype
    assert [b["code"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["AD", "AE"]
    for accept, marker in (("text/csv", "code\r\nAD"), ("text/tab-separated-values", "?code"),
                           ("application/sparql-results+xml", "<sparql")):
        status, ctype, body = http(f"{served}/query?query={q}", headers={"Accept": accept})
        assert status == 200 and marker in body, (accept, body[:200])
    status, _, body = http(f"{served}/query", data=ASK_AGREEMENT.encode(),
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": "application/sparql-results+json"})
    assert status == 200 and json.loads(body)["boolean"] is True  # class membership is materialised
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
    status, ctype, body = http(f"{served}/query", data=construct.encode(),
                               headers={"Content-Type": "application/sparql-query", "Accept": "text/turtle"})
    assert status == 200 and "turtle" in ctype


def test_serve_refuses_updates_and_reports_syntax_errors(served: str) -> None:
    status, _, _ = http(f"{served}/update", data=b"INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
                        headers={"Content-Type": "application/sparql-update"})
    assert 400 <= status < 500
    status, _, body = http(f"{served}/query?query=" + urllib.parse.quote("SELECT ?x WHERE {"))
    assert status == 400 and body
    status, _, _ = http(f"{served}/query?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"),
                        headers={"Accept": "application/sparql-results+json"})
    assert status == 200  # an error for one client leaves the server serving others


def test_serve_caps_result_size(served: str) -> None:
    q = urllib.parse.quote(f"SELECT ?c WHERE {{ ?c a <{M}Country> }}")
    request = urllib.request.Request(f"{served}/query?query={q}", headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=30) as r:
        rows = r.read().decode().strip().splitlines()
        assert r.headers["X-Mrkg-Truncated"] == "50"
    assert len(rows) == 1 + 50  # header and the first 50 of 249 countries
    small = urllib.parse.quote(f"SELECT ?c WHERE {{ ?c <{M}isoAlpha2> \"SG\" }}")
    with urllib.request.urlopen(f"{served}/query?query={small}", timeout=30) as r:
        assert r.headers.get("X-Mrkg-Truncated") is None


def test_serve_stops_a_query_past_its_time_limit(served: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    start = time.monotonic()
    status, _, body = http(f"{served}/query", data=slow.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status >= 400 and body
    assert time.monotonic() - start < 15  # limit 2 s; Oxigraph alone took ~40 s on this query
    status, _, _ = http(f"{served}/query?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
    assert status == 200  # the server goes on serving


def test_stopping_serve_stops_its_oxigraph_even_mid_query(tmp_path: Path) -> None:
    """SIGTERM to `mrkg serve` while Oxigraph is still busy past the limit must not leave Oxigraph running."""
    port = free_port()
    log = tmp_path / "serve.log"
    proc = start([sys.executable, "-m", "mrkg", "serve", "--port", str(port), "--timeout", "1"], log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", proc, log)
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) == 1, children  # the inner Oxigraph server
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        status, _, _ = http(f"{base}/query", data=slow.encode(), headers={"Content-Type": "application/sparql-query"})
        assert status >= 400
    finally:
        stop(proc)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{children[0]}").exists():
        time.sleep(0.2)
    assert not Path(f"/proc/{children[0]}").exists(), "Oxigraph outlived mrkg serve"


@pytest.fixture(scope="module")
def remote_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A separate, writable Oxigraph server that `mrkg upload` loads."""
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-db")
    log = location.parent / "oxigraph.log"
    proc = start(["oxigraph", "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                  "--union-default-graph"], log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", proc, log)
        out = subprocess.run([sys.executable, "-m", "mrkg", "upload", "--endpoint", f"{base}/query"],
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        assert "loaded" in out.stdout
        yield f"{base}/query"
    finally:
        stop(proc)


def mrkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mrkg", *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("args", [
    ["query", "mras-by-programme", "--param", "programme=gold-standard", "--format", "csv"],
    ["query", "SELECT (COUNT(?a) AS ?n) WHERE { ?a a mrkg:Agreement }", "--format", "json"],
    ["query", "SELECT ?m WHERE { ?m mrkg:programme programme:pacm } ORDER BY ?m", "--format", "csv"],
    ["show", "agreement/sg-th-ia-2025"],
    ["paths", "-p", "verra", "--host", "BT", "--format", "json"],
    ["paths", "-p", "gold-standard", "--host", "ID", "--as-of", "2025-06-01"],
])
def test_remote_store_answers_like_the_embedded_one(remote_store: str, args: list[str]) -> None:
    local = mrkg(*args)
    remote = mrkg(*args, "--endpoint", remote_store)
    assert local.returncode == 0 and remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout


def test_remote_errors_are_clear(remote_store: str) -> None:
    out = mrkg("query", "SELECT ?x WHERE {", "--endpoint", remote_store)
    assert out.returncode == 2 and "syntax error" in out.stderr
    out = mrkg("query", "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "--endpoint", remote_store)
    assert out.returncode == 2 and "read-only" in out.stderr
    out = mrkg("query", "ASK {}", "--endpoint", "http://127.0.0.1:9/query")
    assert out.returncode == 2 and "cannot reach" in out.stderr


def test_build_writes_nquads_for_stores(tmp_path: Path) -> None:
    out = mrkg("build", str(tmp_path / "out"))
    assert out.returncode == 0, out.stderr
    nq = (tmp_path / "out" / "mrkg.nq").read_text()
    assert "<urn:mrkg:data>" in nq and "<urn:mrkg:ontology>" in nq and "<urn:mrkg:inferred>" in nq
