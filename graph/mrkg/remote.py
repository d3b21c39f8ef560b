"""A remote SPARQL 1.1 store (Oxigraph server, Apache Jena Fuseki, GraphDB, QLever ...) behind the same
interface as the embedded one, and the upload of the graph into such a store (Graph Store Protocol).

The remote store must hold the build's named graphs (urn:mrkg:ontology, urn:mrkg:data, urn:mrkg:inferred:
upload ``mrkg.nq``) and answer queries over their union by default (Oxigraph: ``--union-default-graph``;
Fuseki: ``tdb2:unionDefaultGraph true``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from .errors import InputError, MrkgError, UsageError
from .store import PROLOGUE, QueryResult, _is_update

TIMEOUT_S = 60


def _term(binding: dict[str, str]) -> object:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)


class RemoteStore:
    """Read-only SPARQL over HTTP (SPARQL 1.1 Protocol, POST with application/sparql-query)."""

    def __init__(self, endpoint: str) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise UsageError(f"--endpoint must be an http(s) URL, not '{endpoint}'")
        self.endpoint = endpoint

    def _post(self, sparql: str, accept: str) -> bytes:
        request = urllib.request.Request(
            self.endpoint, data=(PROLOGUE + sparql).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/sparql-query", "Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            body = err.read().decode("utf-8", "replace")[:500]
            if err.code == 400:
                raise InputError(f"SPARQL syntax error (from {self.endpoint}): {body}") from None
            raise MrkgError(f"the SPARQL endpoint {self.endpoint} answered {err.code}: {body}") from None
        except (urllib.error.URLError, OSError) as err:
            raise MrkgError(f"cannot reach the SPARQL endpoint {self.endpoint}: {err}") from None

    def run(self, sparql: str, *, union: bool = True) -> QueryResult:
        """Run a read-only query remotely. ``union`` is the server's default-graph setting (see module doc)."""
        if _is_update(sparql):
            raise UsageError("updates are refused: the graph is read-only (use SELECT, ASK, CONSTRUCT or DESCRIBE)")
        head = sparql.lstrip().upper()
        if any(k in head.split("{", 1)[0] for k in ("CONSTRUCT", "DESCRIBE")):
            data = self._post(sparql, "application/n-triples")
            return QueryResult("graph", triples=list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))
        payload = json.loads(self._post(sparql, "application/sparql-results+json"))
        if "boolean" in payload:
            return QueryResult("ask", boolean=bool(payload["boolean"]))
        variables = payload["head"]["vars"]
        rows = [[_term(b[v]) if v in b else None for v in variables] for b in payload["results"]["bindings"]]
        return QueryResult("select", variables=variables, rows=rows)

    def select(self, sparql: str, *, union: bool = True) -> list[dict[str, object]]:
        res = self.run(sparql, union=union)
        return [{v: t for v, t in zip(res.variables, row, strict=True) if t is not None} for row in res.rows]


def upload(nquads: bytes, store_url: str) -> None:
    """Load a dataset (N-Quads) into a store through the SPARQL 1.1 Graph Store Protocol (POST)."""
    request = urllib.request.Request(store_url, data=nquads, method="POST",
                                     headers={"Content-Type": "application/n-quads"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S * 5) as response:
            response.read()
    except urllib.error.HTTPError as err:
        raise MrkgError(f"upload to {store_url} failed: {err.code} {err.read().decode('utf-8', 'replace')[:300]}") \
            from None
    except (urllib.error.URLError, OSError) as err:
        raise MrkgError(f"cannot reach {store_url}: {err}") from None


def store_url_for(endpoint: str) -> str:
    """The Graph Store Protocol address beside a query endpoint (Oxigraph: /query -> /store)."""
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rsplit("/", 1)[0] + "/store" if parts.path.endswith("/query") else parts.path + "/store"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
