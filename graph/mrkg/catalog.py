"""What the explorer shows, as plain functions over a loaded graph: overview counts, a timeline, agreements as of
a date, methodology search and lineage, neighbourhoods for a graph view, validation in plain words, and
SPARQL with a time limit.

Everything is computed with SPARQL in the embedded store (``kg.store.select``); the results are dataclasses or
lists of dicts of plain strings, so a user interface only lays them out. Nothing here knows about Streamlit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import select
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, MrkgError, UsageError
from .namespace import ID as ID_NS
from .namespace import MRKG
from .sources import SourceInfo, sources_by_node
from .store import compact, local_name

if TYPE_CHECKING:
    from .graph import KnowledgeGraph
    from .validate import ValidationReport

M = str(MRKG._NS)
ID = str(ID_NS)
DEFAULT_QUERY_SECONDS = 10.0
WORKER_START_SECONDS = 60.0

# Agreement kinds people filter by, in the order they are offered (local names of mrkg classes).
AGREEMENT_KINDS = {
    "MutualRecognitionAgreement": "mutual recognition agreement (MRA)",
    "Article6MOU": "Article 6 MOU",
    "ImplementationAgreement": "implementation agreement",
    "JCMPartnership": "JCM partnership",
    "Article6Agreement": "Article 6 agreement",
    "Authorisation": "authorisation",
    "LetterOfIntent": "letter of intent",
    "MarketCooperationAgreement": "market cooperation agreement",
    "RegionalInitiative": "regional initiative",
}
ENDED = ("terminated", "superseded", "suspended")
LINEAGE = {
    f"{M}derivedFrom": "derived from",
    f"{M}replaces": "replaces",
    f"{M}consolidates": "consolidates",
    "http://www.w3.org/2004/02/skos/core#exactMatch": "exact match",
    "http://www.w3.org/2004/02/skos/core#closeMatch": "close match",
}


def _v(row: Mapping[str, object], key: str) -> str:
    """An IRI's value or a literal's text; '' when unbound."""
    term = row.get(key)
    return getattr(term, "value", "") if term is not None else ""


def _span(row: Mapping[str, object]) -> str:
    """A row's ?from .. ?to validity as text, with an ellipsis for an open end."""
    return f"{_v(row, 'from') or '…'} – {_v(row, 'to') or '…'}"


# -- overview ------------------------------------------------------------------------------------------------
@dataclass
class Overview:
    """What the graph holds: version, sizes, counts per class, and how fresh its sources are."""

    version: str
    triples: int
    data_triples: int
    counts: list[dict[str, object]]  # {"class", "label", "count"}, largest first
    sources: int
    newest_source_date: str  # newest dcterms:issued of a source ("" if none)
    oldest_source_date: str
    newest_access_date: str  # newest mrkg:accessedOn
    newest_event_date: str  # newest dated event (agreements) or rule date

    def count(self, cls: str) -> int:
        """The number of instances of a class (local name, e.g. 'ImplementationAgreement'); 0 if none."""
        return next((int(c["count"]) for c in self.counts if c["class"] == cls), 0)  # type: ignore[call-overload]


def version(kg: KnowledgeGraph) -> str:
    rows = kg.store.select("SELECT ?v WHERE { ?o a owl:Ontology ; owl:versionInfo ?v } LIMIT 1")
    return _v(rows[0], "v") if rows else "unknown"


def overview(kg: KnowledgeGraph) -> Overview:
    counts = [
        {"class": local_name(_v(r, "c")), "label": _v(r, "l") or local_name(_v(r, "c")), "count": int(_v(r, "n"))}
        for r in kg.store.select("""
            SELECT ?c (SAMPLE(?l0) AS ?l) (COUNT(DISTINCT ?s) AS ?n) WHERE {
              { GRAPH <urn:mrkg:data> { ?s a ?c } } UNION { GRAPH <urn:mrkg:inferred> { ?s a ?c } }
              FILTER (STRSTARTS(STR(?c), STR(mrkg:)))
              OPTIONAL { ?c rdfs:label ?l0 } } GROUP BY ?c ORDER BY DESC(?n) ?c""")
    ]
    dates = kg.store.select("""SELECT (MAX(?d) AS ?newest) (MIN(?d) AS ?oldest)
        WHERE { GRAPH <urn:mrkg:data> { ?s a mrkg:Source ; dcterms:issued ?d } }""")[0]
    n_sources = kg.store.select("""SELECT (COUNT(DISTINCT ?s) AS ?n)
        WHERE { GRAPH <urn:mrkg:data> { ?s a mrkg:Source } }""")[0]
    accessed = kg.store.select("SELECT (MAX(?d) AS ?newest) WHERE { ?s mrkg:accessedOn ?d }")[0]
    events = [e["date"] for e in timeline(kg)]
    data_triples = len(kg.data.triples)
    return Overview(
        version=version(kg), triples=len(kg.store), data_triples=data_triples, counts=counts,
        sources=int(_v(n_sources, "n") or 0), newest_source_date=_v(dates, "newest"),
        oldest_source_date=_v(dates, "oldest"), newest_access_date=_v(accessed, "newest"),
        newest_event_date=max(events) if events else "",
    )


def region_of_countries(kg: KnowledgeGraph) -> dict[str, str]:
    """ISO alpha-2 -> the regional bloc the country belongs to today (ASEAN, EU ...), else 'elsewhere'."""
    today = dt.date.today().isoformat()
    out = {_v(r, "a2"): "elsewhere" for r in kg.store.select(
        "SELECT ?a2 WHERE { ?c a mrkg:Country ; mrkg:isoAlpha2 ?a2 }")}
    for r in kg.store.select(f"""SELECT ?a2 ?bl WHERE {{ ?x a mrkg:Membership ; mrkg:bloc ?b ; mrkg:member ?c .
            ?c mrkg:isoAlpha2 ?a2 . OPTIONAL {{ ?b mrkg:shortName ?bs }} OPTIONAL {{ ?b rdfs:label ?bn }}
            BIND (COALESCE(?bs, ?bn, STR(?b)) AS ?bl)
            OPTIONAL {{ ?x mrkg:validFrom ?from }} OPTIONAL {{ ?x mrkg:validTo ?to }}
            FILTER ((!BOUND(?from) || STR(?from) <= "{today}") && (!BOUND(?to) || STR(?to) >= "{today}")) }}
            ORDER BY ?bl"""):
        out[_v(r, "a2")] = _v(r, "bl")
    return out


def coverage_by_region(kg: KnowledgeGraph, region_of: Mapping[str, str] | None = None,
                       as_of: dt.date | None = None) -> list[dict[str, object]]:
    """Per region: countries, how many have an agreement of each kind (active or not), and how many agreements.

    ``region_of`` maps ISO alpha-2 codes to region names; by default the regional blocs in the graph."""
    regions = dict(region_of) if region_of is not None else region_of_countries(kg)
    rows = agreements(kg, as_of=as_of)
    by_country: dict[str, set[str]] = defaultdict(set)
    agreements_in: dict[str, set[str]] = defaultdict(set)
    active_in: dict[str, set[str]] = defaultdict(set)
    for a in rows:
        for code in a["countries"]:  # type: ignore[attr-defined]
            by_country[code].add(str(a["kind"]))
            agreements_in[regions.get(code, "elsewhere")].add(str(a["iri"]))
            if a["active"]:
                active_in[regions.get(code, "elsewhere")].add(str(a["iri"]))
    out: dict[str, dict[str, object]] = {}
    for code in sorted(set(regions) | set(by_country)):
        region = regions.get(code, "elsewhere")
        entry = out.setdefault(region, {"region": region, "countries": 0, "with_agreement": 0,
                                        "with_implementation_agreement": 0, "with_mou": 0, "with_jcm": 0,
                                        "agreements": 0, "active_agreements": 0})
        entry["countries"] = int(entry["countries"]) + 1  # type: ignore[call-overload]
        kinds = by_country.get(code, set())
        for key, kind in (("with_agreement", None), ("with_implementation_agreement", "ImplementationAgreement"),
                          ("with_mou", "Article6MOU"), ("with_jcm", "JCMPartnership")):
            if (kind is None and kinds) or kind in kinds:
                entry[key] = int(entry[key]) + 1  # type: ignore[call-overload]
    for region, entry in out.items():
        entry["agreements"] = len(agreements_in.get(region, ()))
        entry["active_agreements"] = len(active_in.get(region, ()))
    return sorted(out.values(), key=lambda e: (-int(e["with_agreement"]), str(e["region"])))  # type: ignore[call-overload]


# -- timeline --------------------------------------------------------------------------------------------------
def timeline(kg: KnowledgeGraph, since: dt.date | None = None, until: dt.date | None = None) -> list[dict[str, str]]:
    """Dated events of agreements and the start and end of eligibility rules, newest first, with sources."""
    out: list[dict[str, str]] = []
    event_sources = _first_sources(kg, "?x mrkg:hasEvent ?n .")
    for r in kg.store.select("""SELECT ?a ?al ?kind ?e ?d ?st ?prec ?note WHERE {
            ?a mrkg:hasEvent ?e ; a ?kind ; rdfs:label ?al . ?kind rdfs:subClassOf* mrkg:Agreement .
            FILTER NOT EXISTS { ?a a ?sub . ?sub rdfs:subClassOf ?kind . FILTER (?sub != ?kind) }
            ?e mrkg:date ?d ; mrkg:stage/skos:notation ?st .
            OPTIONAL { ?e mrkg:datePrecision/skos:notation ?prec } OPTIONAL { ?e rdfs:comment ?note } }"""):
        src = event_sources.get(_v(r, "e")) or []
        out.append({"date": _v(r, "d"), "precision": _v(r, "prec") or "day", "what": "agreement",
                    "change": _v(r, "st"), "subject": _v(r, "a"), "label": _v(r, "al"),
                    "kind": AGREEMENT_KINDS.get(local_name(_v(r, "kind")), local_name(_v(r, "kind"))),
                    "note": _v(r, "note"), "source": src[0].cite() if src else "",
                    "source_url": src[0].url if src else ""})
    rule_sources = _first_sources(kg, "?n a mrkg:EligibilityRule .")
    for r in kg.store.select("""SELECT ?r ?rl ?s ?sl ?from ?to WHERE { ?r a mrkg:EligibilityRule ;
            rdfs:label ?rl ; mrkg:ruleOf ?s . ?s rdfs:label ?sl .
            OPTIONAL { ?r mrkg:validFrom ?from } OPTIONAL { ?r mrkg:validTo ?to } }"""):
        src = rule_sources.get(_v(r, "r")) or []
        for key, change in (("from", "rule takes effect"), ("to", "rule ends")):
            if _v(r, key):
                out.append({"date": _v(r, key), "precision": "day", "what": "rule", "change": change,
                            "subject": _v(r, "r"), "label": f"{_v(r, 'sl')}: {_v(r, 'rl')}",
                            "kind": "eligibility rule", "note": "", "source": src[0].cite() if src else "",
                            "source_url": src[0].url if src else ""})
    for d in quality_labels(kg):
        out.append({"date": d["date"], "precision": d["precision"], "what": "label",
                    "change": f"{d['scheme']} {d['outcome']}", "subject": d["decision"], "label": d["label"],
                    "kind": "quality label decision", "note": "", "source": d["source"],
                    "source_url": d["source_url"]})
    lo, hi = (since.isoformat() if since else ""), (until.isoformat() if until else "9999")
    out = [e for e in out if lo <= e["date"] <= hi]
    return sorted(out, key=lambda e: (e["date"], e["label"]), reverse=True)


def quality_labels(kg: KnowledgeGraph, subjects: Iterable[str] | None = None,
                   as_of: dt.date | None = None) -> list[dict[str, str]]:
    """Quality-label decisions (ICVCM CCP ...), newest first; with ``subjects``, only those about these programmes or
    methodologies; with ``as_of``, only those taken by then (a decision known only by an upper bound counts from
    it). ``when`` reads 'by 2026-11-21' for such a decision."""
    wanted = set(subjects) if subjects is not None else None
    until = as_of.isoformat() if as_of else "9999"
    sources = _first_sources(kg, "?n a mrkg:LabelDecision .")
    out = []
    for r in kg.store.select("""SELECT ?d ?dl ?subj ?sl ?cat ?q ?o ?date ?prec ?conf WHERE {
            ?d a mrkg:LabelDecision ; rdfs:label ?dl ; mrkg:decidedOn ?date ;
               mrkg:qualityLabel ?ql ; mrkg:labelOutcome/skos:prefLabel ?o .
            OPTIONAL { ?ql skos:notation ?qn } OPTIONAL { ?ql skos:prefLabel ?qp } BIND (COALESCE(?qn, ?qp) AS ?q)
            OPTIONAL { ?d mrkg:labelSubject ?subj . OPTIONAL { ?subj rdfs:label ?sl } }
            OPTIONAL { ?d mrkg:methodologyCategory ?cat }
            OPTIONAL { ?d mrkg:datePrecision/skos:notation ?prec } OPTIONAL { ?d mrkg:confidence/skos:notation ?conf } }
            ORDER BY DESC(?date) ?dl"""):
        if (wanted is not None and _v(r, "subj") not in wanted) or _v(r, "date") > until:
            continue
        src = sources.get(_v(r, "d")) or []
        prec = _v(r, "prec") or "day"
        out.append({"decision": _v(r, "d"), "label": _v(r, "dl"), "subject": _v(r, "subj"),
                    "subject_label": _v(r, "sl"), "category": _v(r, "cat"), "scheme": _v(r, "q"),
                    "outcome": _v(r, "o"), "date": _v(r, "date"), "precision": prec,
                    "when": {"on or before": f"by {_v(r, 'date')}", "month": _v(r, "date")[:7],
                             "year": _v(r, "date")[:4]}.get(prec, _v(r, "date")),
                    "confidence": _v(r, "conf"), "source": src[0].cite() if src else "",
                    "source_url": src[0].url if src else ""})
    return out


def _first_sources(kg: KnowledgeGraph, pattern: str) -> dict[str, list[SourceInfo]]:
    """Sources of the nodes ?n matching a pattern, oldest first."""
    rows = kg.store.select(f"""SELECT DISTINCT ?n ?s ?title ?pub ?url ?issued ?acc WHERE {{ {pattern}
          ?n dcterms:source ?s . OPTIONAL {{ ?s dcterms:title ?title }} OPTIONAL {{ ?s dcterms:publisher ?pub }}
          OPTIONAL {{ ?s schema:url ?url }} OPTIONAL {{ ?s dcterms:issued ?issued }}
          OPTIONAL {{ ?s mrkg:accessedOn ?acc }} }} ORDER BY ?n ?issued ?s""")
    out: dict[str, list[SourceInfo]] = defaultdict(list)
    for r in rows:
        out[_v(r, "n")].append(SourceInfo(iri=_v(r, "s"), title=_v(r, "title"), publisher=_v(r, "pub"),
                                          url=_v(r, "url"), date=_v(r, "issued"), accessed=_v(r, "acc")))
    return out


# -- agreements ------------------------------------------------------------------------------------------------
def agreements(kg: KnowledgeGraph, as_of: dt.date | None = None, *, country: str | None = None,
               kinds: Iterable[str] | None = None, stages: Iterable[str] | None = None,
               since: dt.date | None = None) -> list[dict[str, object]]:
    """Every agreement with its kind, parties, and stage on ``as_of`` (today by default), newest first.

    Filters: ``country`` (ISO alpha-2 or IRI of a party), ``kinds`` (local class names), ``stages`` (stage
    notations such as 'signed', 'in-force'; 'not yet' for agreements with no event by the date), ``since``
    (only agreements with an event on or after that date)."""
    day = (as_of or dt.date.today()).isoformat()
    events: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in kg.store.select("""SELECT ?a ?d ?st WHERE { ?a mrkg:hasEvent ?e . ?e mrkg:date ?d ;
            mrkg:stage/skos:notation ?st } ORDER BY ?a ?d"""):
        events[_v(r, "a")].append((_v(r, "d"), _v(r, "st")))
    parties: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for r in kg.store.select("""SELECT ?a ?p ?pl ?a2 WHERE { ?a a mrkg:Agreement ; mrkg:party ?p .
            OPTIONAL { ?p rdfs:label ?pl } OPTIONAL { ?p mrkg:isoAlpha2 ?a2 } } ORDER BY ?a ?pl"""):
        parties[_v(r, "a")].append((_v(r, "p"), _v(r, "pl") or local_name(_v(r, "p")), _v(r, "a2")))
    wanted_kinds = set(kinds) if kinds is not None else None
    wanted_stages = set(stages) if stages is not None else None
    country_iri = None
    if country:
        country_iri = country if country.startswith("http") else f"{ID}jurisdiction/{country.upper()}"
    out = []
    for r in kg.store.select("""SELECT ?a ?l ?kind ?conf (COUNT(DISTINCT ?s) AS ?nsrc) WHERE {
            ?a a ?kind ; rdfs:label ?l . ?kind rdfs:subClassOf* mrkg:Agreement .
            FILTER NOT EXISTS { ?a a ?sub . ?sub rdfs:subClassOf ?kind . FILTER (?sub != ?kind) }
            OPTIONAL { ?a mrkg:confidence/skos:notation ?conf }
            OPTIONAL { { ?a dcterms:source ?s } UNION { ?a mrkg:hasEvent/dcterms:source ?s } } }
            GROUP BY ?a ?l ?kind ?conf"""):
        iri, kind = _v(r, "a"), local_name(_v(r, "kind"))
        evs = events.get(iri, [])
        past = [(d, s) for d, s in evs if d <= day]
        stage = past[-1][1] if past else "not yet"
        ps = parties.get(iri, [])
        row: dict[str, object] = {
            "iri": iri, "id": compact(iri), "label": _v(r, "l"), "kind": kind,
            "kind_label": AGREEMENT_KINDS.get(kind, kind), "parties": [p for p, _, _ in ps],
            "party_labels": [pl for _, pl, _ in ps], "countries": [a2 for _, _, a2 in ps if a2],
            "stage": stage, "active": stage not in ENDED and stage not in ("not yet", "announced", "negotiating",
                                                                             "negotiations-concluded"),
            "signed": next((d for d, s in evs if s == "signed"), ""),
            "first_date": evs[0][0] if evs else "", "last_date": evs[-1][0] if evs else "",
            "confidence": _v(r, "conf"), "sources": int(_v(r, "nsrc") or 0),
        }
        if wanted_kinds is not None and kind not in wanted_kinds:
            continue
        if wanted_stages is not None and stage not in wanted_stages:
            continue
        if country_iri and country_iri not in row["parties"]:  # type: ignore[operator]
            continue
        if since and not any(d >= since.isoformat() for d, _ in evs):
            continue
        out.append(row)
    return sorted(out, key=lambda a: (str(a["first_date"]), str(a["label"])), reverse=True)


def agreement_pairs(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """Country pairs of agreements (for a map): one row per agreement and pair of country parties."""
    out = []
    for a in rows:
        codes = sorted(set(a["countries"]))  # type: ignore[call-overload]
        for i, x in enumerate(codes):
            for y in codes[i + 1:]:
                out.append({"a": x, "b": y, "iri": a["iri"], "label": a["label"], "kind": a["kind"],
                            "kind_label": a["kind_label"], "stage": a["stage"]})
    return out


def stages(kg: KnowledgeGraph) -> list[str]:
    """Stage notations used by agreement events, in the order of the agreement life cycle where known."""
    order = ["announced", "negotiating", "negotiations-concluded", "signed", "in-force", "operational",
             "first-transfer", "suspended", "superseded", "terminated"]
    used = {_v(r, "st") for r in kg.store.select("SELECT DISTINCT ?st WHERE { ?e mrkg:stage/skos:notation ?st }")}
    return [s for s in order if s in used] + sorted(used - set(order))


# -- methodologies ---------------------------------------------------------------------------------------------
def methodologies(kg: KnowledgeGraph, text: str = "", programme: str | None = None) -> list[dict[str, object]]:
    """Methodologies across programmes whose code, title, programme or sector contains ``text``."""
    rows = kg.store.select("""SELECT ?m ?code ?l ?p ?pl ?status ?from ?by
            (GROUP_CONCAT(DISTINCT ?sl; separator="; ") AS ?sectors) WHERE {
            ?m a mrkg:Methodology ; mrkg:programme ?p . OPTIONAL { ?m mrkg:code ?code } OPTIONAL { ?m rdfs:label ?l }
            OPTIONAL { ?p rdfs:label ?pl } OPTIONAL { ?m mrkg:sector/skos:prefLabel ?sl }
            OPTIONAL { ?m mrkg:methodologyStatus/skos:notation ?status } OPTIONAL { ?m mrkg:validFrom ?from }
            OPTIONAL { ?m mrkg:publishedOnOrBefore ?by } }
            GROUP BY ?m ?code ?l ?p ?pl ?status ?from ?by ORDER BY ?pl ?code""")
    needle = text.strip().lower()
    out = []
    for r in rows:
        row = {"iri": _v(r, "m"), "id": compact(_v(r, "m")), "code": _v(r, "code"), "title": _v(r, "l"),
               "programme": _v(r, "p"), "programme_label": _v(r, "pl"), "sectors": _v(r, "sectors"),
               "status": _v(r, "status"),
               "published": _v(r, "from") or (f"by {_v(r, 'by')}" if _v(r, "by") else "")}
        if programme and programme not in (row["programme"], local_name(row["programme"])):
            continue
        hay = " ".join((row["code"], row["title"], row["programme_label"], local_name(row["programme"]),
                        row["sectors"])).lower()
        if needle and needle not in hay:
            continue
        out.append(row)
    return out


@dataclass
class MethodologyDetail:
    iri: str
    code: str
    title: str
    programme: str
    programme_label: str
    sectors: list[str]
    lineage: list[dict[str, str]]  # {"source", "source_label", "relation", "target", "target_label"}
    accepted_by: list[dict[str, str]]  # {"scheme", "scheme_label", "rule", "rule_label", "how", "valid"}
    usable_under: list[dict[str, str]] = field(default_factory=list)  # acceptances() rows that cover it
    labels: list[dict[str, str]] = field(default_factory=list)  # quality_labels() about it or its programme
    sources: list[SourceInfo] = field(default_factory=list)


def methodology(kg: KnowledgeGraph, ident: str) -> MethodologyDetail:
    """One methodology: lineage and equivalents (both directions, two steps), and the rules that name it."""
    iri = kg.resolve(ident)
    info = kg.store.select(f"""SELECT ?code ?l ?p ?pl WHERE {{ <{iri}> a mrkg:Methodology ; mrkg:programme ?p .
        OPTIONAL {{ <{iri}> mrkg:code ?code }} OPTIONAL {{ <{iri}> rdfs:label ?l }}
        OPTIONAL {{ ?p rdfs:label ?pl }} }}""")
    if not info:
        raise UsageError(f"'{ident}' is not a methodology")
    sectors = [_v(r, "sl") for r in kg.store.select(
        f"SELECT ?sl WHERE {{ <{iri}> mrkg:sector/skos:prefLabel ?sl }} ORDER BY ?sl")]
    preds = " ".join(f"<{p}>" for p in LINEAGE)
    edges: dict[tuple[str, str, str], dict[str, str]] = {}
    frontier, seen = {iri}, {iri}
    for _ in range(2):
        if not frontier:
            break
        values = " ".join(f"<{n}>" for n in sorted(frontier))
        rows = kg.store.select(f"""SELECT ?s ?p ?o ?sl ?ol ?sc ?oc WHERE {{ VALUES ?n {{ {values} }}
            VALUES ?p {{ {preds} }} {{ ?n ?p ?o . BIND (?n AS ?s) }} UNION {{ ?s ?p ?n . BIND (?n AS ?o) }}
            OPTIONAL {{ ?s rdfs:label ?sl }} OPTIONAL {{ ?o rdfs:label ?ol }}
            OPTIONAL {{ ?s mrkg:code ?sc }} OPTIONAL {{ ?o mrkg:code ?oc }} }}""")
        frontier = set()
        for r in rows:
            s, p, o = _v(r, "s"), _v(r, "p"), _v(r, "o")
            edges[(s, p, o)] = {"source": s, "source_label": _v(r, "sc") or _v(r, "sl") or compact(s),
                                "relation": LINEAGE[p], "target": o,
                                "target_label": _v(r, "oc") or _v(r, "ol") or compact(o)}
            frontier |= {s, o} - seen
        seen |= frontier
    accepted = []
    for r in kg.store.select(f"""SELECT ?rule ?rl ?s ?sl ?how ?from ?to WHERE {{
            {{ ?rule mrkg:acceptsMethodology <{iri}> . BIND ("names this methodology as accepted" AS ?how) }}
            UNION {{ ?rule mrkg:excludesMethodology <{iri}> . BIND ("excludes this methodology" AS ?how) }}
            UNION {{ ?rule mrkg:acceptsProgramme ?p . <{iri}> mrkg:programme ?p .
                     FILTER NOT EXISTS {{ ?rule mrkg:excludesMethodology <{iri}> }}
                     FILTER NOT EXISTS {{ ?rule mrkg:acceptsMethodology <{iri}> }}
                     OPTIONAL {{ ?rule mrkg:excludesSector ?xs . <{iri}> mrkg:sector ?xs }}
                     BIND (IF(BOUND(?xs), "accepts its programme but excludes its sector",
                              "accepts its programme") AS ?how) }}
            ?rule a mrkg:EligibilityRule ; rdfs:label ?rl ; mrkg:ruleOf ?s . ?s rdfs:label ?sl .
            OPTIONAL {{ ?rule mrkg:validFrom ?from }} OPTIONAL {{ ?rule mrkg:validTo ?to }} }}
            ORDER BY ?sl ?rule"""):
        accepted.append({"scheme": _v(r, "s"), "scheme_label": _v(r, "sl"), "rule": _v(r, "rule"),
                         "rule_label": _v(r, "rl"), "how": _v(r, "how"),
                         "valid": _span(r)})
    row = info[0]
    usable = [a for a in acceptances(kg, accepted=_v(row, "p"))
              if not a["only"] or iri in a["only"].split(" ")]
    return MethodologyDetail(iri=iri, code=_v(row, "code"), title=_v(row, "l"), programme=_v(row, "p"),
                             programme_label=_v(row, "pl"), sectors=sectors, lineage=list(edges.values()),
                             accepted_by=accepted, usable_under=usable,
                             labels=quality_labels(kg, [iri, _v(row, "p")]),
                             sources=sources_by_node(kg.store, iri).get(iri, []))


def acceptances(kg: KnowledgeGraph, accepting: str | None = None, accepted: str | None = None) -> list[dict[str, str]]:
    """Programme-to-programme methodology acceptances: which programme lets its projects apply whose methodologies.

    ``accepting`` / ``accepted`` filter by programme (slug, prefixed name or IRI). ``only`` holds the IRIs of the
    named methodologies (space-separated) when the acceptance is limited to some; empty when it is not."""
    values = ""
    for var, ident in (("a", accepting), ("o", accepted)):
        if ident:
            values += f"VALUES ?{var} {{ <{kg.resolve(ident, kind='programme')}> }} "
    rows = kg.store.select(f"""SELECT ?acc ?l ?a ?al ?o ?ol ?from ?to ?conf
            (GROUP_CONCAT(DISTINCT STR(?m); separator=" ") AS ?only) WHERE {{ {values}
            ?acc a mrkg:MethodologyAcceptance ; mrkg:acceptingProgramme ?a ; mrkg:methodologiesOf ?o .
            OPTIONAL {{ ?acc rdfs:label ?l }} OPTIONAL {{ ?a rdfs:label ?al }} OPTIONAL {{ ?o rdfs:label ?ol }}
            OPTIONAL {{ ?acc mrkg:acceptedMethodology ?m }} OPTIONAL {{ ?acc mrkg:validFrom ?from }}
            OPTIONAL {{ ?acc mrkg:validTo ?to }} OPTIONAL {{ ?acc mrkg:confidence/skos:notation ?conf }} }}
            GROUP BY ?acc ?l ?a ?al ?o ?ol ?from ?to ?conf ORDER BY ?al ?ol ?acc""")
    return [{"acceptance": _v(r, "acc"), "label": _v(r, "l"), "accepting": _v(r, "a"),
             "accepting_label": _v(r, "al"), "accepted": _v(r, "o"), "accepted_label": _v(r, "ol"),
             "only": _v(r, "only"), "valid": _span(r),
             "confidence": _v(r, "conf")} for r in rows]


# -- neighbourhood for the network view ----------------------------------------------------------------------
SKIP_PREDICATES = {f"{M}confidence", "http://purl.org/dc/terms/source", f"{M}hasEvent", f"{M}unitType",
                   f"{M}datePrecision", f"{M}stage", f"{M}hostConstraint", f"{M}methodologyStatus"}


@dataclass
class Subgraph:
    center: str
    nodes: list[dict[str, str]]  # {"id", "label", "kind"}
    edges: list[dict[str, str]]  # {"id", "source", "target", "label"}
    truncated: bool = False

    def elements(self) -> dict[str, list[dict[str, dict[str, str]]]]:
        """Cytoscape.js elements, as st-link-analysis takes them."""
        return {"nodes": [{"data": {"id": n["id"], "label": n["kind"], "name": n["label"]}} for n in self.nodes],
                "edges": [{"data": {"id": e["id"], "label": e["label"], "source": e["source"],
                                    "target": e["target"]}} for e in self.edges]}


def neighbourhood(kg: KnowledgeGraph, ident: str, depth: int = 1, limit: int = 150) -> Subgraph:
    """The entities linked to one entity (both directions, ``depth`` steps), without sources and events.

    Regional blocs are not expanded (their members would swamp the view). At most ``limit`` nodes."""
    center = kg.resolve(ident)
    skip = " ".join(f"<{p}>" for p in sorted(SKIP_PREDICATES))
    nodes: dict[str, None] = {center: None}
    edges: dict[tuple[str, str, str], None] = {}
    frontier, truncated = [center], False
    for _ in range(max(1, depth)):
        values = " ".join(f"<{n}>" for n in frontier)
        rows = kg.store.select(f"""SELECT ?s ?p ?o WHERE {{ VALUES ?n {{ {values} }} GRAPH <urn:mrkg:data> {{
            {{ ?n ?p ?o . BIND (?n AS ?s) FILTER (isIRI(?o)) }} UNION {{ ?s ?p ?n . BIND (?n AS ?o) }} }}
            FILTER (?p NOT IN ({skip.replace(' ', ', ')}, rdf:type)) FILTER (STRSTARTS(STR(?s), STR(id:)))
            FILTER (STRSTARTS(STR(?o), STR(id:))) }} ORDER BY ?s ?p ?o""")
        new: list[str] = []
        for r in rows:
            s, p, o = _v(r, "s"), _v(r, "p"), _v(r, "o")
            for n in (s, o):
                if n not in nodes:
                    if len(nodes) >= limit:
                        truncated = True
                        continue
                    nodes[n] = None
                    new.append(n)
            if s in nodes and o in nodes:
                edges[(s, p, o)] = None
        frontier = [n for n in new if "/membership/" not in n]
        if not frontier:
            break
    # Membership nodes read better as a direct "member of" edge.
    kinds = _kinds(kg, list(nodes))
    labels = _labels(kg, list(nodes))
    out_edges = []
    for s, p, o in edges:
        out_edges.append({"id": f"{s}|{p}|{o}", "source": s, "target": o, "label": local_name(p)})
    return Subgraph(center=center, nodes=[{"id": n, "label": labels.get(n, compact(n)), "kind": kinds.get(n, "Thing")}
                                          for n in nodes], edges=out_edges, truncated=truncated)


def _kinds(kg: KnowledgeGraph, iris: Sequence[str]) -> dict[str, str]:
    if not iris:
        return {}
    values = " ".join(f"<{n}>" for n in iris)
    out = {}
    for r in kg.store.select(f"""SELECT ?n ?c WHERE {{ VALUES ?n {{ {values} }} GRAPH <urn:mrkg:data> {{ ?n a ?c }}
            FILTER NOT EXISTS {{ GRAPH <urn:mrkg:data> {{ ?n a ?sub }} ?sub rdfs:subClassOf ?c FILTER (?sub != ?c) }}
            }}"""):
        out[_v(r, "n")] = local_name(_v(r, "c"))
    return out


def _labels(kg: KnowledgeGraph, iris: Sequence[str]) -> dict[str, str]:
    if not iris:
        return {}
    values = " ".join(f"<{n}>" for n in iris)
    return {_v(r, "n"): _v(r, "l") for r in kg.store.select(f"""SELECT ?n (SAMPLE(?l0) AS ?l) WHERE {{
            VALUES ?n {{ {values} }} {{ ?n mrkg:code ?l0 }} UNION {{ ?n rdfs:label ?l0 }} }} GROUP BY ?n""")}


def label(kg: KnowledgeGraph, iri: str) -> str:
    return _labels(kg, [iri]).get(iri, compact(iri))


def kind_of(kg: KnowledgeGraph, iri: str) -> str:
    """The most specific class of an entity (local name), '' if it has none in the data."""
    return _kinds(kg, [iri]).get(iri, "")


def entities(kg: KnowledgeGraph, kinds: Iterable[str] = ("Country", "Subdivision", "RegionalBloc",
                                                           "CreditingProgramme", "ComplianceScheme", "Agreement",
                                                           "Methodology", "Organisation")) -> list[dict[str, str]]:
    """Entities people pick from: {"iri", "id", "label", "kind"} for the given classes (with subclasses)."""
    values = " ".join(f"mrkg:{k}" for k in kinds)
    rows = kg.store.select(f"""SELECT DISTINCT ?n ?l ?k WHERE {{ VALUES ?k {{ {values} }} ?n a ?k ;
        rdfs:label ?l }} ORDER BY ?k ?l""")
    return [{"iri": _v(r, "n"), "id": compact(_v(r, "n")), "label": _v(r, "l"), "kind": local_name(_v(r, "k"))}
            for r in rows]


# -- validation in plain words -------------------------------------------------------------------------------
def readable_violations(kg: KnowledgeGraph, report: ValidationReport) -> list[dict[str, str]]:
    """Each finding as a sentence-like row: what, which entity (by name), which property, which value, where."""
    labels = _labels(kg, [v.focus for v in report.violations if v.focus.startswith("http")])
    rows = []
    for v in report.violations:
        rows.append({
            "severity": v.severity.lower(), "entity": labels.get(v.focus, compact(v.focus)), "id": compact(v.focus),
            "problem": v.message, "property": v.path or "", "value": v.value or "",
            "file": v.where(), "check": v.shape,
        })
    return rows


def validate_upload(data: bytes, filename: str) -> tuple[KnowledgeGraph, ValidationReport]:
    """Validate an uploaded RDF file against the bundled graph, in a fresh graph (the bundled one is untouched).

    Raises InputError when the file is not RDF (with line and column where the parser says)."""
    from .graph import KnowledgeGraph

    suffix = Path(filename).suffix.lower() or ".ttl"
    with tempfile.TemporaryDirectory(prefix="mrkg-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            kg = KnowledgeGraph.load(extra=[path])
        except InputError as err:
            raise InputError(f"{filename}: {str(err).split(': ', 1)[-1]}") from None
        report = kg.validate(focus_files=[path])
        for v in report.violations:
            v.files = [filename if f.endswith(path.name) else f for f in v.files]
            v.lines = {filename if f.endswith(path.name) else f: n for f, n in v.lines.items()}
    return kg, report


# -- SPARQL with a time limit --------------------------------------------------------------------------------
@dataclass
class QueryAnswer:
    """A query result as text, ready for a table and downloads."""

    kind: str
    headers: list[str]
    rows: list[list[str]]
    csv: str
    json: str
    seconds: float


class QueryTimeout(MrkgError):
    """A query that ran past its time limit and was stopped."""


class QueryRunner:
    """Runs read-only SPARQL in a worker process holding its own copy of the graph.

    pyoxigraph has no per-query timeout, so a query that runs too long is stopped by ending the worker; the next
    query starts a new one. The worker loads the same files as the graph it was made from."""

    def __init__(self, data_files: Sequence[Path] | None = None, timeout: float = DEFAULT_QUERY_SECONDS) -> None:
        self.data_files = [str(p) for p in data_files] if data_files is not None else None
        self.timeout = timeout
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the worker now (it takes about a second to load), so the first query is fast."""
        with self._lock:
            self._ensure()

    def _ensure(self) -> subprocess.Popen[str]:
        if self._proc is None or self._proc.poll() is not None:
            self._close()
            args = [sys.executable, "-c", "from mrkg.catalog import _worker; _worker()",
                    json.dumps(self.data_files)]
            proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True, bufsize=1,
                                    env={**os.environ, "PYTHONWARNINGS": "ignore"})
            self._proc = proc
            assert proc.stdout is not None
            ready, _, _ = select.select([proc.stdout], [], [], WORKER_START_SECONDS)
            if not ready or not proc.stdout.readline().startswith('{"ready"'):
                self._close()
                raise MrkgError("the query worker could not load the graph; try again")
        return self._proc

    def run(self, sparql: str, timeout: float | None = None) -> QueryAnswer:
        limit = self.timeout if timeout is None else timeout
        with self._lock:
            proc = self._ensure()
            assert proc.stdin is not None and proc.stdout is not None
            try:
                proc.stdin.write(json.dumps({"query": sparql}) + "\n")
                proc.stdin.flush()
            except (BrokenPipeError, OSError):
                self._close()
                raise MrkgError("the query worker stopped unexpectedly; try again") from None
            ready, _, _ = select.select([proc.stdout], [], [], limit)
            line = proc.stdout.readline() if ready else ""
            if not line:
                self._close()
                raise QueryTimeout(f"the query ran for more than {limit:g} s and was stopped; make it narrower "
                                   "(add a LIMIT, or more specific patterns)", exit_code=1)
        answer = json.loads(line)
        if "error" in answer:
            cls = UsageError if answer["error"] == "usage" else InputError
            raise cls(answer["message"])
        return QueryAnswer(kind=answer["kind"], headers=answer["headers"], rows=answer["rows"], csv=answer["csv"],
                           json=answer["json"], seconds=answer["seconds"])

    def _close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()

    def close(self) -> None:
        with self._lock:
            self._close()


def _worker() -> None:
    """The query worker's loop: one JSON request a line in, one JSON answer a line out."""
    import time

    from .graph import KnowledgeGraph

    files = json.loads(sys.argv[1]) if len(sys.argv) > 1 else None
    kg = KnowledgeGraph.load(data=[Path(f) for f in files]) if files is not None else KnowledgeGraph.load()
    _ = kg.store
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        start = time.perf_counter()
        try:
            res = kg.query(json.loads(line)["query"])
            out = {"kind": res.kind, "headers": res.headers(), "rows": res.text_rows(), "csv": res.to_csv(),
                   "json": res.to_json(), "seconds": time.perf_counter() - start}
        except UsageError as err:
            out = {"error": "usage", "message": str(err)}
        except MrkgError as err:
            out = {"error": "input", "message": str(err)}
        except Exception as err:  # anything else the store raises is a problem of the query, not of the worker
            out = {"error": "input", "message": f"the query could not be run: {err}"}
        print(json.dumps(out), flush=True)


# -- the recognition matrix as rows ---------------------------------------------------------------------------
def matrix_rows(kg: KnowledgeGraph, as_of: dt.date | None = None, programmes: Iterable[str] | None = None,
                hosts: Iterable[str] | None = None) -> list[dict[str, str]]:
    """The pathway engine's matrix (programme x host -> target) with names and ISO codes for tables and charts."""
    from .paths import matrix

    p = kg.projection
    codes = {_v(r, "c"): _v(r, "a2") for r in kg.store.select("SELECT ?c ?a2 WHERE { ?c mrkg:isoAlpha2 ?a2 }")}
    return [{"programme": c.programme, "programme_label": p.label(c.programme), "host": c.host,
             "host_code": codes.get(c.host, local_name(c.host)), "host_label": p.label(c.host), "target": c.target,
             "target_label": p.label(c.target), "verdict": c.verdict, "note": c.note}
            for c in matrix(kg.engine, as_of, programmes, hosts)]


# -- coverage report (mrkg stats) ----------------------------------------------------------------------------
FACT_CLASSES = ("Jurisdiction", "Membership", "Organisation", "CreditingProgramme", "UnitType", "Methodology",
                "MethodologyAcceptance", "ComplianceScheme", "EligibilityRule", "Agreement", "AgreementEvent",
                "LabelDecision")
DATE_PROPERTIES = ("mrkg:date", "mrkg:validFrom", "mrkg:validTo", "mrkg:decidedOn", "mrkg:hasEvent/mrkg:date")


@dataclass
class Stats:
    """Coverage of the data: counts per class, per programme and per country, confidence, dates."""

    overview: Overview
    per_programme: list[dict[str, object]]  # programme, methodologies, rules naming it, MRAs, label decisions,
    #                                          programmes whose methodologies it accepts
    per_country: list[dict[str, object]]  # country, agreements by kind, total
    confidence: list[dict[str, object]]  # confidence, count, share
    undated: list[dict[str, object]]  # class, facts with no date of their own, of how many
    date_precision: list[dict[str, object]] = field(default_factory=list)  # precision, events with it

    def to_dict(self) -> dict[str, object]:
        from dataclasses import asdict

        return asdict(self)

    def to_text(self) -> str:
        o = self.overview
        lines = [f"mrkg {o.version}: {o.data_triples} data triples ({o.triples} with ontology and inferred types), "
                 f"{o.sources} sources, published {o.oldest_source_date} .. {o.newest_source_date}",
                 "", "instances per class:"]
        lines += [f"  {c['label']:<36} {c['count']:>6}" for c in o.counts]
        lines += ["", "per programme (methodologies / rules naming it / MRAs recognising it / label decisions / "
                  "programmes whose methodologies it accepts):"]
        lines += [f"  {p['programme']:<16} {p['methodologies']:>5} {p['rules']:>5} {p['mras']:>5} {p['labels']:>5}"
                  f" {p['accepts_methodologies_of']:>5}" for p in self.per_programme]
        lines += ["", "per country (agreements by kind), top 25:"]
        for c in self.per_country[:25]:
            kinds = ", ".join(f"{k} {n}" for k, n in c["kinds"].items())  # type: ignore[union-attr]
            lines.append(f"  {c['country']:<4} {c['total']:>3}  {kinds}")
        lines += ["", "fact-bearing nodes per confidence:"]
        lines += [f"  {c['confidence']:<18} {c['count']:>6}  {float(c['share']):6.1%}" for c in self.confidence]  # type: ignore[arg-type]
        lines += ["", "facts with no date of their own (class: undated / all):"]
        lines += [f"  {u['class']:<20} {u['undated']:>5} / {u['total']}" for u in self.undated]
        lines += ["", "agreement events per date precision ('on or before': only an upper bound is known):"]
        lines += [f"  {d['precision']:<20} {d['events']:>5}" for d in self.date_precision]
        return "\n".join(lines)


def stats(kg: KnowledgeGraph) -> Stats:
    programmes = []
    for r in kg.store.select("""SELECT ?slug
        (COUNT(DISTINCT ?m) AS ?meths) (COUNT(DISTINCT ?r) AS ?rules) (COUNT(DISTINCT ?a) AS ?mras)
        (COUNT(DISTINCT ?l) AS ?labels) (COUNT(DISTINCT ?other) AS ?accepts) WHERE {
          ?p a mrkg:CreditingProgramme ; mrkg:shortName ?slug .
          OPTIONAL { ?m mrkg:programme ?p } OPTIONAL { ?r mrkg:acceptsProgramme ?p }
          OPTIONAL { ?a mrkg:recognisedProgramme ?p } OPTIONAL { ?l mrkg:labelSubject ?p }
          OPTIONAL { ?acc mrkg:acceptingProgramme ?p ; mrkg:methodologiesOf ?other }
        } GROUP BY ?slug ORDER BY DESC(?meths) ?slug"""):
        programmes.append({"programme": _v(r, "slug"), "methodologies": int(_v(r, "meths")),
                           "rules": int(_v(r, "rules")), "mras": int(_v(r, "mras")), "labels": int(_v(r, "labels")),
                           "accepts_methodologies_of": int(_v(r, "accepts"))})
    kinds: dict[str, dict[str, int]] = defaultdict(dict)
    for r in kg.store.select("""SELECT ?code ?kind (COUNT(DISTINCT ?a) AS ?n) WHERE {
          ?a mrkg:party ?c ; a ?k . ?c a mrkg:Country ; mrkg:isoAlpha2 ?code .
          ?k rdfs:subClassOf+ mrkg:Agreement .
          FILTER NOT EXISTS { ?a a ?sub . ?sub rdfs:subClassOf ?k . FILTER (?sub != ?k) }
          BIND (STRAFTER(STR(?k), "#") AS ?kind) } GROUP BY ?code ?kind"""):
        kinds[_v(r, "code")][_v(r, "kind")] = int(_v(r, "n"))
    countries = sorted(({"country": c, "total": sum(k.values()), "kinds": dict(sorted(k.items()))}
                        for c, k in kinds.items()), key=lambda d: (-int(d["total"]), str(d["country"])))  # type: ignore[call-overload]
    conf_rows = kg.store.select("""SELECT ?conf (COUNT(DISTINCT ?n) AS ?count) WHERE {
          GRAPH <urn:mrkg:data> { ?n mrkg:confidence ?c } ?c skos:notation ?conf } GROUP BY ?conf ORDER BY ?conf""")
    total = sum(int(_v(r, "count")) for r in conf_rows) or 1
    confidence = [{"confidence": _v(r, "conf"), "count": int(_v(r, "count")), "share": int(_v(r, "count")) / total}
                  for r in conf_rows]
    dated = " UNION ".join(f"{{ ?n {p} ?d }}" for p in DATE_PROPERTIES)
    undated = []
    for cls in FACT_CLASSES:
        every = kg.store.select(f"SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE {{ ?n a mrkg:{cls} }}")[0]
        missing = kg.store.select(f"""SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE {{ ?n a mrkg:{cls} .
              FILTER NOT EXISTS {{ {dated} }} }}""")[0]
        if int(_v(every, "c")):
            undated.append({"class": cls, "undated": int(_v(missing, "c")), "total": int(_v(every, "c"))})
    precision = [{"precision": _v(r, "prec"), "events": int(_v(r, "n"))} for r in kg.store.select("""
        SELECT ?prec (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a mrkg:AgreementEvent .
          OPTIONAL { ?e mrkg:datePrecision/skos:notation ?p } BIND (COALESCE(?p, "day") AS ?prec) }
        GROUP BY ?prec ORDER BY DESC(?n)""")]
    return Stats(overview(kg), programmes, countries, confidence, undated, precision)
