"""`mrkg serve`: the Oxigraph server (read-only, time limit) behind a thin Starlette layer that adds what the
server has no option for: refusing updates on every route and capping the size of a result.

The layer forwards each query to Oxigraph on an internal 127.0.0.1 port, asks it for SPARQL JSON (or
N-Triples for CONSTRUCT/DESCRIBE), keeps at most ``max_rows`` rows or triples (saying so in the
``X-Mrkg-Truncated`` header), and answers in the format the client asked for. Everything else (the query page
at ``/`` and its assets) is passed through.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from .store import _is_update

RESULTS_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
DEFAULT_RESULTS = "application/sparql-results+json"


def _results_format(accept: str) -> tuple[ox.QueryResultsFormat, str]:
    for part in (p.split(";")[0].strip() for p in accept.split(",")):
        fmt = ox.QueryResultsFormat.from_media_type(part) if part and part != "*/*" else None
        if fmt is not None:
            return fmt, fmt.media_type
    return ox.QueryResultsFormat.JSON, DEFAULT_RESULTS


def _graph_format(accept: str) -> tuple[ox.RdfFormat, str]:
    for part in (p.split(";")[0].strip() for p in accept.split(",")):
        fmt = ox.RdfFormat.from_media_type(part) if part and part != "*/*" else None
        if fmt is not None:
            return fmt, fmt.media_type
    return ox.RdfFormat.TURTLE, "text/turtle"


def make_app(upstream: str, max_rows: int, time_limit: float = 300) -> Starlette:
    """The public application in front of an Oxigraph server at ``upstream`` (e.g. http://127.0.0.1:7879).

    ``time_limit`` (seconds) is enforced here as well as by Oxigraph, whose own limit is not checked promptly
    inside some joins: a query still running a second after the limit gets a 504."""

    def forward(query: str) -> tuple[int, str, bytes]:
        request = urllib.request.Request(f"{upstream}/query", data=query.encode("utf-8"), method="POST",
                                         headers={"Content-Type": "application/sparql-query",
                                                  "Accept": RESULTS_ACCEPT})
        try:
            with urllib.request.urlopen(request, timeout=time_limit + 1) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("Content-Type", "text/plain"), err.read()
        except (TimeoutError, urllib.error.URLError) as err:
            if isinstance(err, urllib.error.URLError) and not isinstance(err.reason, TimeoutError):
                raise
            return 504, "text/plain", f"query stopped: it ran past the time limit of {time_limit:g} s".encode()

    async def query(request: Request) -> Response:
        if request.method == "GET":
            text = request.query_params.get("query")
        elif request.headers.get("content-type", "").startswith("application/sparql-query"):
            text = (await request.body()).decode("utf-8", "replace")
        else:
            text = (await request.form()).get("query")  # type: ignore[assignment]
        if not text:
            return PlainTextResponse("no query: send ?query=... or POST application/sparql-query", 400)
        if _is_update(str(text)):
            return PlainTextResponse("updates are refused: this endpoint is read-only", 403)
        status, ctype, body = await run_in_threadpool(forward, str(text))
        if status != 200:
            return Response(body, status, media_type=ctype)
        accept = request.headers.get("accept", DEFAULT_RESULTS)
        headers = {}
        if ctype.startswith("application/n-triples"):
            triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            if len(triples) > max_rows:
                triples, headers = triples[:max_rows], {"X-Mrkg-Truncated": str(max_rows)}
            fmt, media = _graph_format(accept)
            return Response(ox.serialize(triples, format=fmt), 200, headers, media_type=media)
        payload = json.loads(body)
        bindings = payload.get("results", {}).get("bindings")
        if bindings is not None and len(bindings) > max_rows:
            payload["results"]["bindings"] = bindings[:max_rows]
            headers = {"X-Mrkg-Truncated": str(max_rows)}
        fmt, media = _results_format(accept)
        parsed = ox.parse_query_results(json.dumps(payload).encode(), format=ox.QueryResultsFormat.JSON)
        return Response(parsed.serialize(format=fmt), 200, headers, media_type=media)

    async def refuse(request: Request) -> Response:
        return PlainTextResponse("updates are refused: this endpoint is read-only", 403)

    async def passthrough(request: Request) -> Response:
        url = f"{upstream}{request.url.path}" + (f"?{request.url.query}" if request.url.query else "")

        def fetch() -> tuple[int, str, bytes]:
            try:
                with urllib.request.urlopen(url, timeout=60) as r:
                    return r.status, r.headers.get("Content-Type", ""), r.read()
            except urllib.error.HTTPError as err:
                return err.code, err.headers.get("Content-Type", "text/plain"), err.read()

        status, ctype, body = await run_in_threadpool(fetch)
        return Response(body, status, media_type=ctype)

    return Starlette(routes=[
        Route("/query", query, methods=["GET", "POST"]),
        Route("/update", refuse, methods=["GET", "POST"]),
        Route("/store", refuse, methods=["POST", "PUT", "DELETE", "PATCH"]),
        Route("/{path:path}", passthrough, methods=["GET"]),
    ])
