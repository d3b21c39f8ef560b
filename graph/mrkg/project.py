"""The one projection of the RDF graph into NetworkX, for the recognition-pathway engine.

Nodes: crediting programmes, compliance schemes and jurisdictions. Edges (a MultiDiGraph, ``kind`` attribute):
- ``mra``: programme -> programme it is recognised as, carrying the mutual recognition agreement;
- ``rule``: programme -> scheme, carrying an eligibility rule that names the programme;
- ``agreement``: jurisdiction <-> jurisdiction, carrying an Article 6 agreement or authorisation.
Rules that name no programme (a framework, "no credits") sit on their scheme node as ``open_rules``.
Everything an edge needs to be checked during the walk (dates, stages, conditions, sources) is on the edge.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

from .namespace import MRKG
from .sources import SourceInfo, sources_by_node
from .store import local_name, parse_date, term_text

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

M = str(MRKG._NS)
ACTIVE_STAGES = ("signed", "in-force", "operational", "first-transfer")
ENDED_STAGES = ("terminated", "superseded", "suspended")
# Agreement strength for ranking: in force > signed > MOU > announced.
STRENGTH = {"first-transfer": 4, "operational": 4, "in-force": 4, "signed": 3, "negotiations-concluded": 1,
            "negotiating": 1, "announced": 1}


@dataclass(frozen=True)
class AgreementInfo:
    iri: str
    label: str
    kind: str  # local name of the most specific agreement class
    parties: frozenset[str]
    jurisdictions: frozenset[str]
    events: tuple[tuple[dt.date, str], ...]  # (date, stage notation), by date
    sources: tuple[SourceInfo, ...]
    confidence: str
    recognised_programme: str | None = None
    recognised_as: str | None = None
    scope_programmes: frozenset[str] = frozenset()
    # Events known only to have happened on or before their date (mrkg:precisionOnOrBefore).
    bounded_events: frozenset[tuple[dt.date, str]] = frozenset()

    def latest_event(self, as_of: dt.date) -> tuple[dt.date, str] | None:
        """The latest (date, stage) on or before ``as_of``; None if nothing had happened yet."""
        reached = None
        for event in self.events:
            if event[0] <= as_of:
                reached = event
        return reached

    def stage_as_of(self, as_of: dt.date) -> str | None:
        """The stage of the latest event on or before ``as_of``; None if nothing had happened yet."""
        latest = self.latest_event(as_of)
        return latest[1] if latest else None

    def active(self, as_of: dt.date) -> bool:
        """Signed (or further) and not ended, suspended or superseded on ``as_of``."""
        return self.stage_as_of(as_of) in ACTIVE_STAGES

    def strength(self, as_of: dt.date) -> int:
        stage = self.stage_as_of(as_of)
        base = STRENGTH.get(stage or "", 0)
        return min(base, 2) if self.kind == "Article6MOU" else base

    def signed_on(self) -> dt.date | None:
        return next((d for d, s in self.events if s == "signed"), None)

    def status_text(self, as_of: dt.date) -> str:
        """The stage on ``as_of`` with the day it was reached, and the signing day when that is earlier:
        'operational 2025-10-24 (signed 2025-04-01)', 'first-transfer by 2016-09-30 (signed 2013-01-08)'."""
        latest = self.latest_event(as_of)
        if latest is None:
            return "not yet signed"
        when, what = latest
        text = f"{what} {'by ' if (when, what) in self.bounded_events else ''}{when.isoformat()}"
        signed = self.signed_on()
        if what != "signed" and signed is not None and signed <= as_of:
            text += f" (signed {signed.isoformat()})"
        return text


@dataclass(frozen=True)
class RuleInfo:
    iri: str
    label: str
    scheme: str
    accepts_programmes: frozenset[str] = frozenset()
    excludes_programmes: frozenset[str] = frozenset()
    accepts_methodologies: frozenset[str] = frozenset()
    excludes_methodologies: frozenset[str] = frozenset()
    accepts_sectors: frozenset[str] = frozenset()
    excludes_sectors: frozenset[str] = frozenset()
    host_constraint: str | None = None  # hostAny | hostDomestic | hostAgreementPartner | hostListed
    accepts_hosts: frozenset[str] = frozenset()
    agreement_kinds: frozenset[str] = frozenset()
    vintage_from: int | None = None
    vintage_to: int | None = None
    crediting_start_from: dt.date | None = None
    methodology_published_before: dt.date | None = None
    max_share: float | None = None
    share_basis: str | None = None
    requires_authorisation: bool = False
    requires_corresponding_adjustment: bool = False
    accepts_no_credits: bool = False
    requires_host_list: bool = False
    further_conditions: frozenset[str] = frozenset()  # conditions in words the graph cannot check
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    comment: str = ""
    sources: tuple[SourceInfo, ...] = ()

    def valid(self, as_of: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= as_of) and \
            (self.valid_to is None or as_of <= self.valid_to)


@dataclass(frozen=True)
class MethodologyInfo:
    iri: str
    code: str
    label: str
    programme: str
    sectors: frozenset[str]
    published: dt.date | None
    published_by: dt.date | None = None  # an upper bound when the day of first publication is not known


@dataclass
class Projection:
    """The NetworkX graph plus look-up tables the engine needs."""

    graph: nx.MultiDiGraph
    labels: dict[str, str]
    methodologies: dict[str, MethodologyInfo]
    agreements_between: dict[frozenset[str], list[AgreementInfo]] = field(default_factory=dict)
    sector_groups: dict[str, str] = field(default_factory=dict)
    members: dict[str, frozenset[str]] = field(default_factory=dict)  # bloc -> member countries (current)
    within: dict[str, str] = field(default_factory=dict)  # subdivision -> its country

    def country_of(self, jurisdiction: str) -> str:
        """The country that signs agreements for a jurisdiction: a subdivision's country, else itself."""
        return self.within.get(jurisdiction, jurisdiction)

    def label(self, iri: str | None) -> str:
        found = self.labels.get(iri or "")
        return found if found is not None else local_name(iri or "")

    def programmes(self) -> list[str]:
        return sorted(n for n, d in self.graph.nodes(data=True) if d.get("kind") == "programme")

    def schemes(self) -> list[str]:
        return sorted(n for n, d in self.graph.nodes(data=True) if d.get("kind") == "scheme")

    def countries(self) -> list[str]:
        return sorted(n for n, d in self.graph.nodes(data=True) if d.get("kind") == "jurisdiction"
                      and d.get("country"))


def project(kg: KnowledgeGraph) -> Projection:
    """Build the projection from the embedded store (a handful of SPARQL queries)."""
    sources = sources_by_node(kg.store)
    labels = {r["n"].value: term_text(r["l"]) for r in kg.store.select(  # type: ignore[attr-defined]
        "SELECT ?n (SAMPLE(?l0) AS ?l) WHERE { ?n rdfs:label|skos:prefLabel ?l0 } GROUP BY ?n")}
    g = nx.MultiDiGraph()

    for r in kg.store.select("""SELECT ?c WHERE { ?c a mrkg:Country }"""):
        g.add_node(r["c"].value, kind="jurisdiction", country=True)  # type: ignore[attr-defined]
    members: dict[str, set[str]] = defaultdict(set)
    today = dt.date.today()
    for r in kg.store.select("""SELECT ?b ?m ?from ?to WHERE { ?x a mrkg:Membership ; mrkg:bloc ?b ;
            mrkg:member ?m . OPTIONAL { ?x mrkg:validFrom ?from } OPTIONAL { ?x mrkg:validTo ?to } }"""):
        until = parse_date(term_text(r.get("to")))
        if until is None or until >= today:
            members[r["b"].value].add(r["m"].value)  # type: ignore[attr-defined]
    for bloc in members:
        g.add_node(bloc, kind="jurisdiction", country=False)
    within = {r["s"].value: r["c"].value for r in kg.store.select(  # type: ignore[attr-defined]
        "SELECT ?s ?c WHERE { ?s a mrkg:Subdivision ; mrkg:subdivisionOf ?c }")}
    for sub in within:
        g.add_node(sub, kind="jurisdiction", country=False)

    for r in kg.store.select("""SELECT ?p ?kind ?j WHERE { ?p a mrkg:CreditingProgramme ; a ?kind .
            ?kind rdfs:subClassOf mrkg:CreditingProgramme . OPTIONAL { ?p mrkg:jurisdiction ?j } }"""):
        g.add_node(r["p"].value, kind="programme", programme_kind=local_name(r["kind"].value),  # type: ignore[attr-defined]
                   jurisdiction=r["j"].value if "j" in r else None)  # type: ignore[attr-defined]
    for r in kg.store.select("""SELECT ?s ?j WHERE { ?s a mrkg:ComplianceScheme .
            OPTIONAL { ?s mrkg:jurisdiction ?j } }"""):
        g.add_node(r["s"].value, kind="scheme", jurisdiction=r["j"].value if "j" in r else None,  # type: ignore[attr-defined]
                   open_rules=[])

    # Agreements: events, parties, kinds.
    events: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    bounded: dict[str, set[tuple[dt.date, str]]] = defaultdict(set)
    for r in kg.store.select("""SELECT ?a ?d ?st ?bounded WHERE { ?a mrkg:hasEvent ?e . ?e mrkg:date ?d ;
            mrkg:stage/skos:notation ?st .
            BIND (EXISTS { ?e mrkg:datePrecision mrkg:precisionOnOrBefore } AS ?bounded) }"""):
        when = parse_date(term_text(r["d"]))
        if when:
            event = (when, term_text(r["st"]))
            events[r["a"].value].append(event)  # type: ignore[attr-defined]
            if term_text(r["bounded"]) == "true":
                bounded[r["a"].value].add(event)  # type: ignore[attr-defined]
    parties: dict[str, set[str]] = defaultdict(set)
    for r in kg.store.select("SELECT ?a ?p WHERE { ?a a mrkg:Agreement ; mrkg:party ?p }"):
        parties[r["a"].value].add(r["p"].value)  # type: ignore[attr-defined]
    scopes: dict[str, set[str]] = defaultdict(set)
    for r in kg.store.select("SELECT ?a ?p WHERE { ?a a mrkg:Agreement ; mrkg:scopeProgramme ?p }"):
        scopes[r["a"].value].add(r["p"].value)  # type: ignore[attr-defined]
    agreements_between: dict[frozenset[str], list[AgreementInfo]] = defaultdict(list)
    for r in kg.store.select("""SELECT ?a ?kind ?conf ?rp ?ra WHERE { ?a a ?kind .
            ?kind rdfs:subClassOf* mrkg:Agreement .
            FILTER NOT EXISTS { ?a a ?sub . ?sub rdfs:subClassOf ?kind . FILTER (?sub != ?kind) }
            OPTIONAL { ?a mrkg:confidence/skos:notation ?conf }
            OPTIONAL { ?a mrkg:recognisedProgramme ?rp } OPTIONAL { ?a mrkg:recognisedAs ?ra } }"""):
        iri = r["a"].value  # type: ignore[attr-defined]
        ps = frozenset(parties[iri])
        info = AgreementInfo(
            iri=iri, label=labels.get(iri, iri), kind=local_name(r["kind"].value),  # type: ignore[attr-defined]
            parties=ps, jurisdictions=frozenset(p for p in ps if p in g and g.nodes[p]["kind"] == "jurisdiction"),
            events=tuple(sorted(events[iri])), sources=tuple(sources.get(iri, ())),
            confidence=term_text(r.get("conf")),
            recognised_programme=r["rp"].value if "rp" in r else None,  # type: ignore[attr-defined]
            recognised_as=r["ra"].value if "ra" in r else None,  # type: ignore[attr-defined]
            scope_programmes=frozenset(scopes[iri]), bounded_events=frozenset(bounded[iri]),
        )
        if info.recognised_programme and info.recognised_as:
            g.add_edge(info.recognised_programme, info.recognised_as, key=iri, kind="mra", agreement=info)
        juris = sorted(info.jurisdictions)
        if len(juris) == 2:
            agreements_between[frozenset(juris)].append(info)
            g.add_edge(juris[0], juris[1], key=iri, kind="agreement", agreement=info)
            g.add_edge(juris[1], juris[0], key=iri, kind="agreement", agreement=info)

    methodologies = _methodologies(kg)
    for rule in _rules(kg, sources):
        if rule.scheme not in g:
            continue
        if rule.accepts_programmes:
            for prog in rule.accepts_programmes:
                if prog in g:
                    g.add_edge(prog, rule.scheme, key=rule.iri, kind="rule", rule=rule)
        else:
            g.nodes[rule.scheme]["open_rules"].append(rule)

    groups = {r["s"].value: r["g"].value for r in kg.store.select(  # type: ignore[attr-defined]
        "SELECT ?s ?g WHERE { ?s a mrkg:Sector ; skos:broadMatch ?g }")}
    return Projection(graph=g, labels=labels, methodologies=methodologies,
                      agreements_between=dict(agreements_between), sector_groups=groups,
                      members={b: frozenset(m) for b, m in members.items()}, within=within)


def _methodologies(kg: KnowledgeGraph) -> dict[str, MethodologyInfo]:
    rows = kg.store.select("""SELECT ?m ?code ?label ?p ?sector ?from ?by WHERE { ?m a mrkg:Methodology ;
          mrkg:programme ?p . OPTIONAL { ?m mrkg:code ?code } OPTIONAL { ?m rdfs:label ?label }
          OPTIONAL { ?m mrkg:sector ?sector } OPTIONAL { ?m mrkg:validFrom ?from }
          OPTIONAL { ?m mrkg:publishedOnOrBefore ?by } }""")
    sectors: dict[str, set[str]] = defaultdict(set)
    first: dict[str, dict[str, object]] = {}
    for r in rows:
        iri = r["m"].value  # type: ignore[attr-defined]
        first.setdefault(iri, r)
        if "sector" in r:
            sectors[iri].add(r["sector"].value)  # type: ignore[attr-defined]
    # a methodology the programme names only by title is known by its IRI slug (never shown as the programme's code)
    return {iri: MethodologyInfo(iri=iri, code=term_text(r.get("code")) or local_name(iri),
                                 label=term_text(r.get("label")),
                                 programme=r["p"].value, sectors=frozenset(sectors[iri]),  # type: ignore[attr-defined]
                                 published=parse_date(term_text(r.get("from"))),
                                 published_by=parse_date(term_text(r.get("by"))))
            for iri, r in first.items()}


RULE_SETS = {
    "acceptsProgramme": "accepts_programmes", "excludesProgramme": "excludes_programmes",
    "acceptsMethodology": "accepts_methodologies", "excludesMethodology": "excludes_methodologies",
    "acceptsSector": "accepts_sectors", "excludesSector": "excludes_sectors", "acceptsHost": "accepts_hosts",
    "requiresAgreementKind": "agreement_kinds", "furtherCondition": "further_conditions",
}
RULE_SCALARS = {
    "ruleOf": "scheme", "hostConstraint": "host_constraint", "vintageFrom": "vintage_from",
    "vintageTo": "vintage_to", "creditingStartFrom": "crediting_start_from",
    "methodologyPublishedBefore": "methodology_published_before", "maxShare": "max_share",
    "shareBasis": "share_basis", "requiresAuthorisation": "requires_authorisation",
    "requiresCorrespondingAdjustment": "requires_corresponding_adjustment",
    "acceptsNoCredits": "accepts_no_credits", "requiresHostList": "requires_host_list",
    "validFrom": "valid_from", "validTo": "valid_to",
}


def _rules(kg: KnowledgeGraph, sources: dict[str, list[SourceInfo]]) -> list[RuleInfo]:
    rows = kg.store.select("""SELECT ?r ?p ?o WHERE { ?r a mrkg:EligibilityRule ; ?p ?o }""")
    fields: dict[str, dict[str, object]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        iri, pred, obj = row["r"].value, row["p"].value, row["o"]  # type: ignore[attr-defined]
        f = fields[iri]
        name = pred[len(M):] if pred.startswith(M) else pred
        if name in RULE_SETS:
            value = obj.value  # type: ignore[attr-defined]
            f[RULE_SETS[name]].add(local_name(value) if name == "requiresAgreementKind" else value)  # type: ignore[union-attr]
        elif name in RULE_SCALARS:
            f[RULE_SCALARS[name]] = obj
        elif pred.endswith("#label"):
            f["label"] = term_text(obj)
        elif pred.endswith("#comment"):
            f["comment"] = term_text(obj)
    out = []
    for iri, f in fields.items():
        kwargs: dict[str, object] = {"iri": iri, "label": f.get("label", iri), "comment": f.get("comment", ""),
                                     "sources": tuple(sources.get(iri, ()))}
        for attr in RULE_SETS.values():
            kwargs[attr] = frozenset(f.get(attr, set()))  # type: ignore[arg-type]
        for attr in RULE_SCALARS.values():
            if attr not in f:
                continue
            term = f[attr]
            text = term_text(term)
            if attr in ("scheme",):
                kwargs[attr] = term.value  # type: ignore[attr-defined]
            elif attr == "host_constraint":
                kwargs[attr] = local_name(term.value)  # type: ignore[attr-defined]
            elif attr in ("vintage_from", "vintage_to"):
                kwargs[attr] = int(text)
            elif attr == "max_share":
                kwargs[attr] = float(text)
            elif attr in ("requires_authorisation", "requires_corresponding_adjustment", "accepts_no_credits",
                          "requires_host_list"):
                kwargs[attr] = text in ("true", "1")
            elif attr == "share_basis":
                kwargs[attr] = text
            else:
                kwargs[attr] = parse_date(term_text(term))
        if "scheme" in kwargs:
            out.append(RuleInfo(**kwargs))  # type: ignore[arg-type]
    return sorted(out, key=lambda r: r.iri)
