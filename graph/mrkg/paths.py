"""Recognition pathways: where can a credit be recognised, through what, on which conditions, and if not, why not.

The engine walks the NetworkX projection (``project.py``) from the credit's programme: mutual recognition
edges are followed only when they hold for the credit's host on the as-of date, and each scheme's rules are
checked against the credit profile as they are reached (never by listing all paths and filtering after).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from .namespace import ID as ID_NS
from .namespace import MRKG
from .project import AgreementInfo, Projection, RuleInfo
from .sources import SourceInfo
from .store import local_name

ELIGIBLE, CONDITIONAL, NOT_RECOGNISED = "eligible", "conditional", "not recognised"
VERDICT_RANK = {ELIGIBLE: 0, CONDITIONAL: 1, NOT_RECOGNISED: 2}
SCHEMA_VERSION = 1
MAX_RECOGNITION_HOPS = 3


def percent(share: float) -> str:
    """A share as the percentage the source states: 0.05 -> '5%', 0.033 -> '3.3%' (never rounded away)."""
    return f"{share * 100:.4g}%"


@dataclass(frozen=True)
class CreditProfile:
    """What is known of a credit. ``None`` means unknown: conditions on it stay open (conditional)."""

    programme: str
    host: str
    methodology: str | None = None
    sector: str | None = None
    vintage: int | None = None
    authorised: bool | None = None
    adjusted: bool | None = None
    as_of: dt.date = field(default_factory=dt.date.today)


@dataclass
class Hop:
    """One step of a pathway: an edge of the graph, with what it requires and who says so."""

    kind: str  # issued | mra | agreement | rule
    source: str
    target: str
    via: str | None
    label: str
    conditions: list[str] = field(default_factory=list)
    sources: list[SourceInfo] = field(default_factory=list)


@dataclass
class Pathway:
    """The answer for one target: verdict, hops in order, unmet conditions, blocking reasons, sources."""

    target: str
    target_label: str
    target_kind: str  # scheme | programme
    verdict: str
    hops: list[Hop]
    unmet: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    strength: int = 0
    limit: str | None = None

    @property
    def sources(self) -> list[SourceInfo]:
        seen: dict[str, SourceInfo] = {}
        for hop in self.hops:
            for s in hop.sources:
                seen.setdefault(s.iri, s)
        return list(seen.values())

    def rank_key(self) -> tuple[int, int, int]:
        return (VERDICT_RANK[self.verdict], -self.strength, len(self.hops))

    def to_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["sources"] = [asdict(s) for s in self.sources]
        return out


@dataclass
class Outcome:
    verdict: str
    hops: list[Hop]
    unmet: list[str]
    reasons: list[str]
    strength: int
    limit: str | None = None


class PathEngine:
    """Answers credit profiles against one projection. Build once, query many times."""

    def __init__(self, projection: Projection) -> None:
        self.p = projection
        self.g = projection.graph
        # Indexes built once, so a query touches only the rules and agreements that concern it.
        self._rules_for: dict[tuple[str, str], list[RuleInfo]] = defaultdict(list)
        self._listed: dict[str, list[RuleInfo]] = defaultdict(list)
        for prog, scheme, data in self.g.edges(data=True):
            if data.get("kind") == "rule":
                rule = data["rule"]
                self._rules_for[(prog, scheme)].append(rule)
                if rule.host_constraint == "hostListed":
                    self._listed[scheme].append(rule)
        self._schemes = projection.schemes()  # every find() walks them all
        for scheme in self._schemes:
            self._listed[scheme] += [r for r in self.g.nodes[scheme]["open_rules"]
                                     if r.host_constraint == "hostListed"]
        self._agreement_cache: dict[tuple[str, str, frozenset[str], dt.date], tuple[Hop | None, str]] = {}

    # -- public API ------------------------------------------------------------------------------------
    def find(self, profile: CreditProfile, targets: Iterable[str] | None = None) -> list[Pathway]:
        """One pathway per target (the best), ranked: verdict, agreement strength, length."""
        wanted = set(targets) if targets is not None else None
        best: dict[str, Pathway] = {}
        origin_problem = self._origin_problem(profile)
        issued = Hop("issued", profile.programme, profile.programme, None,
                     f"issued under {self.p.label(profile.programme)} for an activity in "
                     f"{self.p.label(profile.host)}")
        home = self.g.nodes.get(profile.programme, {}).get("jurisdiction")
        partnership = self._partnership(profile, home) if home and home != profile.host else None
        if partnership is not None:
            issued.via = partnership.iri
            issued.conditions.append(f"under {partnership.label} ({self._kind_text(partnership.kind)} "
                                     f"{partnership.status_text(profile.as_of)})")
            issued.sources.extend(partnership.sources)
        for prog, hops, strength in self._recognitions(profile, issued):
            if prog != profile.programme:
                self._offer(best, wanted, Pathway(prog, self.p.label(prog), "programme", ELIGIBLE, hops,
                                                  strength=strength))
            for scheme in self._schemes:
                if wanted is not None and scheme not in wanted:
                    continue
                outcome = self._scheme_outcome(scheme, prog, profile, hops, strength)
                if outcome is None:
                    continue
                self._offer(best, wanted, Pathway(
                    scheme, self.p.label(scheme), "scheme", outcome.verdict, outcome.hops, outcome.unmet,
                    outcome.reasons, outcome.strength, outcome.limit))
        if origin_problem:
            for path in best.values():
                path.verdict, path.reasons = NOT_RECOGNISED, [origin_problem, *path.reasons]
        return sorted(best.values(), key=lambda p: (p.rank_key(), p.target_label))

    # -- the walk --------------------------------------------------------------------------------------
    def _recognitions(self, profile: CreditProfile, first: Hop):
        """The credit's programme, then every programme it is recognised as through MRAs that hold for its
        host on the as-of date (conditions checked on each edge as it is walked)."""
        start_strength = 5
        stack = [(profile.programme, [first], start_strength)]
        seen = {profile.programme}
        while stack:
            prog, hops, strength = stack.pop()
            yield prog, hops, strength
            if len(hops) > MAX_RECOGNITION_HOPS:
                continue
            for _, nxt, data in self.g.out_edges(prog, data=True):
                if data.get("kind") != "mra" or nxt in seen:
                    continue
                agreement: AgreementInfo = data["agreement"]
                if not agreement.active(profile.as_of):
                    continue
                if agreement.jurisdictions and not self._host_in(profile.host, agreement.jurisdictions):
                    continue
                seen.add(nxt)
                hop = Hop("mra", prog, nxt, agreement.iri,
                          f"recognised as {self.p.label(nxt)} through {agreement.label}",
                          [f"{self._kind_text(agreement.kind)} {agreement.status_text(profile.as_of)}"],
                          list(agreement.sources))
                stack.append((nxt, [*hops, hop], min(strength, agreement.strength(profile.as_of))))

    def _kind_text(self, kind: str) -> str:
        """'implementation agreement', 'market cooperation agreement', 'Article 6 MOU' ..."""
        if kind in _KIND_SHORT:
            return _KIND_SHORT[kind]
        label = self.p.label(f"{MRKG}{kind}")
        return label[:1].lower() + label[1:]

    def _offer(self, best: dict[str, Pathway], wanted: set[str] | None, path: Pathway) -> None:
        if wanted is not None and path.target not in wanted:
            return
        current = best.get(path.target)
        if current is None or path.rank_key() < current.rank_key():
            best[path.target] = path

    # -- rules -----------------------------------------------------------------------------------------
    def _scheme_outcome(self, scheme: str, prog: str, profile: CreditProfile, hops: list[Hop],
                        strength: int) -> Outcome | None:
        node = self.g.nodes[scheme]
        rules: list[RuleInfo] = list(self._rules_for.get((prog, scheme), ()))
        rules += [r for r in node["open_rules"] if not r.requires_host_list or r.accepts_programmes]
        frameworks = [r for r in node["open_rules"] if r.requires_host_list]
        rules = [r for r in rules if r.valid(profile.as_of)]
        frameworks = [r for r in frameworks if r.valid(profile.as_of)]
        if frameworks:  # host lists refine a framework; they are not routes of their own
            rules = [r for r in rules if r.host_constraint != "hostListed"]
        if not rules and not frameworks:
            return None if prog != profile.programme else Outcome(
                NOT_RECOGNISED, hops, [], [f"{self.p.label(scheme)} has no rule accepting "
                                           f"{self.p.label(prog)} credits on {profile.as_of}"], 0)
        outcomes = []
        host_list: dict[str, Outcome | str | None] = {}  # the host-list part, evaluated once per scheme
        for fw in frameworks:
            outcomes.append(self._framework(fw, scheme, prog, profile, hops, strength, host_list))
        for rule in rules:
            outcomes.append(self._evaluate(rule, prog, profile, hops, strength))
        best = min(outcomes, key=lambda o: (VERDICT_RANK[o.verdict], -o.strength, len(o.hops)))
        if best.verdict == NOT_RECOGNISED:
            reasons = _dedupe(r for o in outcomes for r in o.reasons)
            return Outcome(NOT_RECOGNISED, best.hops, [], reasons, best.strength)
        return best

    def _framework(self, fw: RuleInfo, scheme: str, prog: str, profile: CreditProfile, hops: list[Hop],
                   strength: int, host_list: dict[str, Outcome | str | None]) -> Outcome:
        """A framework rule that needs the host's own eligibility list: framework AND one list rule."""
        base = self._evaluate(fw, prog, profile, hops, strength)
        if base.verdict == NOT_RECOGNISED:
            return base
        if "part" not in host_list:
            host_list["part"] = self._host_list_part(scheme, prog, profile, strength)
        best = host_list["part"]
        if best is None:
            return Outcome(CONDITIONAL, base.hops, [*base.unmet,
                           f"a place on the eligibility list agreed with {self.p.label(profile.host)} "
                           "(that list is not recorded in mrkg)"], [], base.strength, base.limit)
        if isinstance(best, str):
            return Outcome(NOT_RECOGNISED, base.hops, [], [best], base.strength)
        verdict = max(base.verdict, best.verdict, key=VERDICT_RANK.__getitem__)
        return Outcome(verdict, [*base.hops[:-1], *best.hops[:-1], _merge_rule_hops(base.hops[-1], best.hops[-1])],
                       _dedupe([*base.unmet, *best.unmet]), best.reasons, min(base.strength, best.strength),
                       base.limit or best.limit)

    def _host_list_part(self, scheme: str, prog: str, profile: CreditProfile, strength: int) -> Outcome | str | None:
        """The best list rule for this host and programme; a reason if the host's list leaves the programme
        out; None if no list is recorded for the host."""
        lists = [r for r in self._listed.get(scheme, ())
                 if r.valid(profile.as_of) and self._host_in(profile.host, r.accepts_hosts)]
        if not lists:
            return None
        mine = [r for r in lists if prog in r.accepts_programmes]
        if not mine:
            listed = sorted({self.p.label(x) for r in lists for x in r.accepts_programmes})
            return (f"{self.p.label(prog)} is not on {self.p.label(profile.host)}'s eligibility list for "
                    f"{self.p.label(scheme)} (listed: {', '.join(listed)})")
        return min((self._evaluate(r, prog, profile, [], strength) for r in mine),
                   key=lambda o: VERDICT_RANK[o.verdict])

    def _evaluate(self, rule: RuleInfo, prog: str, profile: CreditProfile, hops: list[Hop],
                  strength: int) -> Outcome:
        reasons: list[str] = []
        unmet: list[str] = []
        info: list[str] = []
        extra_hops: list[Hop] = []
        scheme_label = self.p.label(rule.scheme)
        host_label = self.p.label(profile.host)
        if rule.accepts_no_credits:
            since = f" since {rule.valid_from}" if rule.valid_from else ""
            reasons.append(f"{scheme_label} accepts no offset credits{since}")
        if not rule.accepts_programmes and not rule.accepts_no_credits and not rule.requires_host_list:
            unmet.append(f"the further conditions of this rule, which names no programmes ({rule.label})")
        if rule.accepts_programmes and prog not in rule.accepts_programmes:
            names = ", ".join(sorted(self.p.label(x) for x in rule.accepts_programmes))
            reasons.append(f"{self.p.label(prog)} is not among the programmes accepted ({names})")
        if prog in rule.excludes_programmes:
            reasons.append(f"{self.p.label(prog)} credits are excluded")
        # Host.
        scheme_j = self.g.nodes[rule.scheme].get("jurisdiction")
        # A subdivision's scheme (California's) takes credits from hosts of its country, which signs agreements.
        scheme_country = self.p.country_of(scheme_j) if scheme_j else None
        if rule.host_constraint == "hostDomestic" and scheme_j and not self._host_in(profile.host, {scheme_country}):
            reasons.append(f"only credits from activities in {self.p.label(scheme_j)} are accepted")
        elif rule.host_constraint == "hostDomestic" and scheme_j != scheme_country:
            unmet.append(f"an activity in {self.p.label(scheme_j)}, not only in {host_label}")
        elif rule.host_constraint == "hostListed" and not self._host_in(profile.host, rule.accepts_hosts):
            reasons.append(f"{host_label} is not among the listed hosts")
        elif rule.host_constraint == "hostAgreementPartner" and scheme_country:
            hop, why = self._agreement_hop(profile, scheme_country, rule.agreement_kinds)
            if hop is None:
                reasons.append(why)
            else:
                extra_hops.append(hop)
                strength = min(strength, hop_strength(hop))
        # Methodology and sector.
        self._check_methodology(rule, profile, reasons, unmet)
        # Vintage.
        if rule.vintage_from is not None or rule.vintage_to is not None:
            window = f"{rule.vintage_from or '…'}–{rule.vintage_to or '…'}"
            if profile.vintage is None:
                unmet.append(f"a vintage (year of the reductions) within {window}")
            elif (rule.vintage_from and profile.vintage < rule.vintage_from) or \
                    (rule.vintage_to and profile.vintage > rule.vintage_to):
                reasons.append(f"vintage {profile.vintage} is outside {window}")
        if rule.crediting_start_from:
            unmet.append(f"a first crediting period starting on or after {rule.crediting_start_from}")
        unmet.extend(sorted(rule.further_conditions))
        # Authorisation and corresponding adjustment.
        for required, have, need in (
            (rule.requires_authorisation, profile.authorised,
             f"a letter of authorisation (Article 6) from {host_label}"),
            (rule.requires_corresponding_adjustment, profile.adjusted,
             f"a corresponding adjustment by {host_label}"),
        ):
            if required and have is False:
                reasons.append(f"requires {need}")
            elif required and have is None:
                unmet.append(need)
        limit = None
        if rule.max_share is not None:
            limit = f"up to {percent(rule.max_share)}" + (f" of {rule.share_basis}" if rule.share_basis else "")
            info.append(limit)
        if rule.valid_from or rule.valid_to:
            info.append(f"rule valid {_date_text(rule.valid_from)} to {_date_text(rule.valid_to) or 'open'}")
        title = rule.label if scheme_label.lower() in rule.label.lower() else f"{scheme_label}: {rule.label}"
        rule_hop = Hop("rule", prog, rule.scheme, rule.iri, title,
                       info + [f"unmet: {u}" for u in unmet], list(rule.sources))
        verdict = NOT_RECOGNISED if reasons else CONDITIONAL if unmet else ELIGIBLE
        return Outcome(verdict, [*hops, *extra_hops, rule_hop], unmet, reasons, strength, limit)

    def _check_methodology(self, rule: RuleInfo, profile: CreditProfile, reasons: list[str],
                           unmet: list[str]) -> None:
        meth = self.p.methodologies.get(profile.methodology or "")
        sectors = set(meth.sectors) if meth else set()
        if profile.sector:
            sectors.add(profile.sector)
        sectors |= {self.p.sector_groups[s] for s in list(sectors) if s in self.p.sector_groups}
        constrained = rule.excludes_methodologies or rule.excludes_sectors or rule.accepts_sectors or \
            rule.methodology_published_before or (rule.accepts_methodologies and not rule.accepts_programmes)
        if meth is None and not sectors:
            if constrained:
                unmet.append("a methodology and sector on the rule's list: " + self._rule_scope(rule))
            return
        excepted = meth is not None and meth.iri in rule.accepts_methodologies
        if meth is not None and meth.iri in rule.excludes_methodologies:
            reasons.append(f"methodology {meth.code} is excluded")
            return
        if not excepted:
            hit = sorted(sectors & rule.excludes_sectors)
            if hit:
                reasons.append(f"sector excluded: {', '.join(self.p.label(s) for s in hit)}")
            if rule.accepts_sectors and not sectors & rule.accepts_sectors:
                reasons.append("sector not accepted (accepted: "
                               + ", ".join(sorted(self.p.label(s) for s in rule.accepts_sectors)) + ")")
            if rule.accepts_methodologies and not rule.accepts_programmes and meth is not None:
                reasons.append(f"methodology {meth.code} is not on the accepted list")
        if rule.methodology_published_before:
            if meth is None:
                unmet.append(f"a methodology published before {rule.methodology_published_before}")
            elif meth.published and meth.published >= rule.methodology_published_before:
                reasons.append(f"methodology {meth.code} ({meth.published}) was published after the cut-off "
                               f"{rule.methodology_published_before}")
            elif meth.published is None and meth.published_by is not None:
                if meth.published_by >= rule.methodology_published_before:
                    unmet.append(f"a methodology published before {rule.methodology_published_before} "
                                 f"({meth.code} is known only to have been published by {meth.published_by})")
            elif meth.published is None:
                unmet.append(f"a methodology published before {rule.methodology_published_before} "
                             "(its publication date is not recorded)")

    def _rule_scope(self, rule: RuleInfo) -> str:
        parts = []
        if rule.excludes_sectors:
            parts.append("not in " + ", ".join(sorted(self.p.label(s) for s in rule.excludes_sectors)))
        if rule.accepts_methodologies:
            parts.append("unless " + ", ".join(sorted(self._code(m) for m in rule.accepts_methodologies)))
        if rule.excludes_methodologies:
            parts.append("excluding " + ", ".join(sorted(self._code(m) for m in rule.excludes_methodologies)))
        if rule.accepts_sectors:
            parts.append("in " + ", ".join(sorted(self.p.label(s) for s in rule.accepts_sectors)))
        if rule.methodology_published_before:
            parts.append(f"published before {rule.methodology_published_before}")
        return "; ".join(parts) or "see the rule"

    def _code(self, iri: str) -> str:
        meth = self.p.methodologies.get(iri)
        return meth.code if meth else local_name(iri)

    def _agreement_hop(self, profile: CreditProfile, buyer: str, kinds: frozenset[str]) -> tuple[Hop | None, str]:
        """The strongest active agreement of a required kind between host and buyer, or why there is none."""
        key = (profile.host, buyer, kinds, profile.as_of)
        if key not in self._agreement_cache:
            self._agreement_cache[key] = self._find_agreement(profile, buyer, kinds)
        return self._agreement_cache[key]

    def _find_agreement(self, profile: CreditProfile, buyer: str, kinds: frozenset[str]) -> tuple[Hop | None, str]:
        kinds = kinds or frozenset({"ImplementationAgreement"})
        found = [a for a in self.p.agreements_between.get(frozenset({profile.host, buyer}), [])
                 if a.kind in kinds or (a.kind == "Article6Agreement" and "Article6Agreement" in kinds)]
        active = sorted((a for a in found if a.active(profile.as_of)), key=lambda a: -a.strength(profile.as_of))
        wanted = " or ".join(sorted(self._kind_text(k) for k in kinds))
        host_label, buyer_label = self.p.label(profile.host), self.p.label(buyer)
        if active:
            a = active[0]
            return Hop("agreement", profile.host, buyer, a.iri,
                       f"transfer under {a.label}",
                       [f"{self._kind_text(a.kind)} {a.status_text(profile.as_of)}"],
                       list(a.sources)), ""
        others = [a for a in self.p.agreements_between.get(frozenset({profile.host, buyer}), [])
                  if a.stage_as_of(profile.as_of)]
        if found:
            a = found[0]
            return None, (f"the {self._kind_text(a.kind)} between {host_label} and {buyer_label} is "
                          f"{a.stage_as_of(profile.as_of) or 'not yet signed'} on {profile.as_of}")
        if others:
            names = "; ".join(f"{self._kind_text(a.kind)} ({a.status_text(profile.as_of)})" for a in others)
            return None, f"{host_label} has no {wanted} with {buyer_label}, only: {names}"
        return None, f"{host_label} has no {wanted} with {buyer_label}"

    def _origin_problem(self, profile: CreditProfile) -> str | None:
        """Why no credit of this programme can exist for this host, if that is so.

        A governmental programme credits activities at home only; a bilateral mechanism (JCM) only in
        countries with an active partnership document with the mechanism's home country."""
        node = self.g.nodes.get(profile.programme, {})
        home = node.get("jurisdiction")
        kind = node.get("programme_kind")
        if not home or self._host_in(profile.host, {self.p.country_of(home)}):
            return None
        if kind == "GovernmentalProgramme":
            return (f"{self.p.label(profile.programme)} issues credits only for activities in "
                    f"{self.p.label(home)}")
        if kind == "BilateralMechanism" and not self._partnership(profile, home):
            return (f"{self.p.label(profile.host)} has no partnership under {self.p.label(profile.programme)} "
                    f"with {self.p.label(home)} on {profile.as_of}")
        return None

    def _partnership(self, profile: CreditProfile, home: str) -> AgreementInfo | None:
        """The active bilateral document that lets a bilateral mechanism credit activities in the host."""
        found = [a for a in self.p.agreements_between.get(frozenset({profile.host, home}), [])
                 if profile.programme in a.scope_programmes and a.active(profile.as_of)]
        return max(found, key=lambda a: a.strength(profile.as_of)) if found else None

    def _host_in(self, host: str, jurisdictions: Iterable[str]) -> bool:
        return any(host == j or host in self.p.members.get(j, ()) for j in jurisdictions)


def hop_strength(hop: Hop) -> int:
    text = " ".join(hop.conditions)
    for stage, value in (("in-force", 4), ("operational", 4), ("first-transfer", 4), ("signed", 3)):
        if stage in text:
            return value if "MOU" not in text else 2
    return 1


def _merge_rule_hops(framework: Hop, listed: Hop) -> Hop:
    return Hop("rule", framework.source, framework.target, listed.via,
               f"{framework.label}; host list: {listed.label.split(': ', 1)[-1]}",
               _dedupe([*framework.conditions, *listed.conditions]),
               [*framework.sources, *[s for s in listed.sources if s not in framework.sources]])


# Short names for the agreement kinds paths mention most; the others take their ontology label.
_KIND_SHORT = {"Article6MOU": "Article 6 MOU", "Article6Agreement": "Article 6 agreement",
               "JCMPartnership": "JCM partnership"}


def _date_text(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _dedupe(items: Iterable[str]) -> list[str]:
    """Distinct items, in order, without those another item says more fully: 'x: a' goes when 'x: a; b' is there
    (a framework and a host's list can both ask for the methodology cut-off)."""
    unique = list(dict.fromkeys(items))
    split = {item: item.partition(": ") for item in unique}

    def subsumed(item: str) -> bool:
        head, sep, tail = split[item]
        mine = set(tail.split("; "))
        return bool(sep) and any(other[0] == head and other[1] and mine < set(other[2].split("; "))
                                 for other in split.values())

    return [item for item in unique if not subsumed(item)]


# -- building profiles from names people type ---------------------------------------------------------------
ID = str(ID_NS)


def _pick(kind: str, wanted: str, options: dict[str, str]) -> str:
    """Match a name against {lower-case name: IRI}; a clear error with the closest names when it fails."""
    import difflib

    from .errors import UsageError

    key = wanted.strip().lower()
    if key in options:
        return options[key]
    close = difflib.get_close_matches(key, list(options), n=5, cutoff=0.5)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise UsageError(f"unknown {kind} '{wanted}'{hint}")


def make_profile(p: Projection, programme: str, host: str, *, methodology: str | None = None,
                 sector: str | None = None, vintage: int | None = None, authorised: bool | None = None,
                 adjusted: bool | None = None, as_of: dt.date | None = None) -> CreditProfile:
    """A credit profile from slugs and codes (verra, ID, VM0042, scope14 ...), checked for consistency."""
    from .errors import UsageError

    progs = {}
    for iri in p.programmes():
        progs[local_name(iri).lower()] = iri
        progs.setdefault(p.label(iri).lower(), iri)
    prog_iri = _pick("programme", programme, progs)
    hosts = {}
    for iri in p.countries():
        hosts[local_name(iri).lower()] = iri
        hosts.setdefault(p.label(iri).lower(), iri)
    host_iri = _pick("host country (ISO 3166-1 alpha-2 code)", host, hosts)
    meth_iri = None
    if methodology:
        mine = {m.code.lower(): m.iri for m in p.methodologies.values() if m.programme == prog_iri}
        others = {m.code.lower(): m for m in p.methodologies.values() if m.programme != prog_iri}
        if methodology.strip().lower() not in mine and methodology.strip().lower() in others:
            other = others[methodology.strip().lower()]
            raise UsageError(f"the profile contradicts itself: methodology {other.code} belongs to "
                             f"{p.label(other.programme)}, not {p.label(prog_iri)}")
        meth_iri = _pick(f"{p.label(prog_iri)} methodology", methodology, mine)
    sector_iri = None
    if sector:
        sectors = {}
        for iri in {*p.sector_groups, *p.sector_groups.values()}:
            local = local_name(iri)
            sectors[local.lower()] = iri
            sectors[p.label(iri).lower()] = iri
            if local.startswith("scope"):
                sectors[str(int(local[5:]))] = iri
        sector_iri = _pick("sector (CDM sectoral scope number or name)", sector, sectors)
        if meth_iri and p.methodologies[meth_iri].sectors and sector_iri not in p.methodologies[meth_iri].sectors \
                and p.sector_groups.get(next(iter(p.methodologies[meth_iri].sectors)), "") != sector_iri:
            raise UsageError(f"the profile contradicts itself: methodology {p.methodologies[meth_iri].code} is "
                             f"in {', '.join(p.label(s) for s in p.methodologies[meth_iri].sectors)}, "
                             f"not {p.label(sector_iri)}")
    if vintage is not None and not 1990 <= vintage <= 2100:
        raise UsageError(f"vintage {vintage} is not a plausible year")
    return CreditProfile(prog_iri, host_iri, meth_iri, sector_iri, vintage, authorised, adjusted,
                         as_of or dt.date.today())


@dataclass
class MatrixCell:
    programme: str
    host: str
    target: str
    verdict: str
    note: str


def matrix(engine: PathEngine, as_of: dt.date | None = None, programmes: Iterable[str] | None = None,
           hosts: Iterable[str] | None = None) -> list[MatrixCell]:
    """Programme x host -> every target: the same engine over every profile."""
    day = as_of or dt.date.today()
    cells = []
    for prog in programmes or engine.p.programmes():
        for host in hosts or engine.p.countries():
            for path in engine.find(CreditProfile(prog, host, as_of=day)):
                note = "; ".join(path.reasons[:1] or path.unmet[:3])
                cells.append(MatrixCell(prog, host, path.target, path.verdict, note))
    return cells


def resolve_targets(p: Projection, names: Iterable[str]) -> list[str]:
    options = {}
    for iri in [*p.schemes(), *p.programmes()]:
        options[local_name(iri).lower()] = iri
        options.setdefault(p.label(iri).lower(), iri)
    return [_pick("target (scheme or programme)", n, options) for n in names]


def render_paths(p: Projection, profile: CreditProfile, found: list[Pathway]) -> str:
    """Text for people: one block per target, one line per hop, sources numbered at the end."""
    known = [f"methodology {p.methodologies[profile.methodology].code}" if profile.methodology else "",
             f"sector {p.label(profile.sector)}" if profile.sector else "",
             f"vintage {profile.vintage}" if profile.vintage else "",
             {True: "authorised", False: "not authorised", None: ""}[profile.authorised],
             {True: "adjusted", False: "not adjusted", None: ""}[profile.adjusted]]
    lines = [f"{p.label(profile.programme)} credit from {p.label(profile.host)}"
             + (f" ({', '.join(k for k in known if k)})" if any(known) else "") + f", as of {profile.as_of}"]
    numbers: dict[str, int] = {}
    for i, path in enumerate(found, 1):
        lines.append(f"\n{i}. {path.target_label}: {path.verdict.upper()}"
                     + (f" ({path.limit})" if path.limit and path.verdict != NOT_RECOGNISED else ""))
        for j, hop in enumerate(path.hops, 1):
            refs = []
            for s in hop.sources:
                numbers.setdefault(s.iri, len(numbers) + 1)
                refs.append(f"[{numbers[s.iri]}]")
            cond = f" — {'; '.join(c for c in hop.conditions if not c.startswith('unmet: '))}" \
                if any(not c.startswith("unmet: ") for c in hop.conditions) else ""
            verb = "" if hop.kind != "rule" else \
                "refused under " if path.verdict == NOT_RECOGNISED else "accepted under "
            lines.append(f"   {j}) {verb}{hop.label}{cond} {' '.join(refs)}".rstrip())
        lines += [f"   needs: {u}" for u in path.unmet]
        lines += [f"   not recognised: {r}" for r in path.reasons]
    if not found:
        lines.append("\nno target: no scheme or programme has a rule or agreement that reaches this credit")
    if numbers:
        lines.append("\nsources:")
        by_number = {n: iri for iri, n in numbers.items()}
        all_sources = {s.iri: s for path in found for s in path.sources}
        lines += [f"  [{n}] {all_sources[by_number[n]].cite()}" for n in sorted(by_number)]
    return "\n".join(lines)
