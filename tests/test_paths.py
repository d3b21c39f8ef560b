"""Recognition pathways: competency cases whose expected verdicts come from the cited sources, not from the
engine's output; as-of behaviour; bad input; and properties of adding or ending agreements."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mrkg.errors import UsageError
from mrkg.graph import KnowledgeGraph
from mrkg.paths import CONDITIONAL, ELIGIBLE, NOT_RECOGNISED, VERDICT_RANK, CreditProfile, PathEngine, make_profile
from mrkg.project import AgreementInfo, Projection

ID = "https://w3id.org/mrkg/id/"
TODAY = dt.date(2026, 11, 21)


def prog(slug: str) -> str:
    return f"{ID}programme/{slug}"


def country(code: str) -> str:
    return f"{ID}jurisdiction/{code}"


def scheme(slug: str) -> str:
    return f"{ID}scheme/{slug}"


def verdicts(engine: PathEngine, profile: CreditProfile) -> dict[str, str]:
    return {p.target: p.verdict for p in engine.find(profile)}


def path_to(engine: PathEngine, profile: CreditProfile, target: str):
    found = [p for p in engine.find(profile, [target]) if p.target == target]
    return found[0] if found else None


@pytest.fixture(scope="module")
def engine(kg: KnowledgeGraph) -> PathEngine:
    return kg.engine


# -- Indonesia's mutual recognition agreements -------------------------------------------------------------
# Kompas, 8 May 2025: Indonesia (KLH) and the Gold Standard Foundation signed an MRA; GS credits count as SPE.
def test_gold_standard_credit_from_indonesia_is_recognised_through_the_2025_mra(engine: PathEngine) -> None:
    path = path_to(engine, CreditProfile(prog("gold-standard"), country("ID"), as_of=TODAY), prog("spe-grk"))
    assert path is not None and path.verdict == ELIGIBLE
    assert [h.kind for h in path.hops] == ["issued", "mra"]
    assert path.hops[1].via == f"{ID}agreement/id-gold-standard-mra-2025"
    assert any("kompas" in s.url for s in path.sources)


def test_as_of_before_the_signing_there_is_no_recognition(engine: PathEngine) -> None:
    before = CreditProfile(prog("gold-standard"), country("ID"), as_of=dt.date(2025, 5, 7))
    after = dataclasses.replace(before, as_of=dt.date(2025, 5, 8))
    assert path_to(engine, before, prog("spe-grk")) is None
    assert path_to(engine, after, prog("spe-grk")).verdict == ELIGIBLE


# Ecobiz, 16 Sep 2025: MRAs with Global Carbon Council and Plan Vivo signed online.
@pytest.mark.parametrize("programme", ["gcc", "plan-vivo"])
def test_gcc_and_plan_vivo_recognised_from_16_september_2025(engine: PathEngine, programme: str) -> None:
    day_before = CreditProfile(prog(programme), country("ID"), as_of=dt.date(2025, 9, 15))
    on_the_day = dataclasses.replace(day_before, as_of=dt.date(2025, 9, 16))
    assert path_to(engine, day_before, prog("spe-grk")) is None
    assert path_to(engine, on_the_day, prog("spe-grk")).verdict == ELIGIBLE


def test_mra_does_not_apply_to_credits_from_other_hosts(engine: PathEngine) -> None:
    """The Indonesian MRA recognises GS credits of Indonesian activities, not of Kenyan ones."""
    assert path_to(engine, CreditProfile(prog("gold-standard"), country("KE"), as_of=TODAY), prog("spe-grk")) is None


# -- Singapore's carbon tax: implementation agreements and host eligibility lists -----------------------
# MSE/NEA: ICCs must be authorised and correspondingly adjusted, from hosts with an implementation agreement
# (Bhutan's signed 28 Feb 2025) and on the host's eligibility list (Bhutan's lists Verra VCS).
def test_verra_from_bhutan_counts_in_singapore_only_if_authorised_and_adjusted(engine: PathEngine) -> None:
    base = CreditProfile(prog("verra"), country("BT"), as_of=TODAY)
    open_path = path_to(engine, base, scheme("sg-carbon-tax"))
    assert open_path.verdict == CONDITIONAL
    needs = " ".join(open_path.unmet)
    assert "letter of authorisation" in needs and "corresponding adjustment" in needs
    assert any(h.kind == "agreement" and "sg-bt-ia-2025" in (h.via or "") for h in open_path.hops)
    refused = path_to(engine, dataclasses.replace(base, authorised=False), scheme("sg-carbon-tax"))
    assert refused.verdict == NOT_RECOGNISED
    assert any("letter of authorisation" in r for r in refused.reasons)


def test_verra_afforestation_from_bhutan_is_excluded_unless_listed(engine: PathEngine, kg: KnowledgeGraph) -> None:
    """Bhutan's list excludes VCS sectoral scope 14 except listed methodologies such as VM0042."""
    p = kg.projection
    listed = make_profile(p, "verra", "BT", methodology="VM0042", vintage=2025, authorised=True, adjusted=True,
                          as_of=TODAY)
    assert path_to(engine, listed, scheme("sg-carbon-tax")).verdict in (ELIGIBLE, CONDITIONAL)
    scope14 = make_profile(p, "verra", "BT", sector="14", vintage=2025, authorised=True, adjusted=True,
                           as_of=TODAY)
    refused = path_to(engine, scope14, scheme("sg-carbon-tax"))
    assert refused.verdict == NOT_RECOGNISED
    assert any("sector excluded" in r for r in refused.reasons)


# Argus, 19 Dec 2023: Singapore's lists take methodologies "published before 31 March this year"; a methodology's
# mrkg:validFrom is its first publication (ontology definition). One first published after the cut-off is refused;
# one whose first publication the graph does not hold is conditional on the cut-off, never refused.
def test_singapore_methodology_cut_off(engine: PathEngine, kg: KnowledgeGraph) -> None:
    p = kg.projection
    cut_off = dt.date(2023, 3, 31)
    # VCS scope 14 is excluded by Ghana's list whatever the date, so it cannot show the cut-off
    verra = [m for m in p.methodologies.values()
             if m.programme == prog("verra") and not any(s.endswith("#scope14") for s in m.sectors)]
    late = [m for m in verra if m.published and m.published > cut_off]
    undated = [m for m in verra if m.published is None and (m.published_by is None or m.published_by >= cut_off)]
    # known only to have been published by a day before the cut-off (e.g. VM0022: approval announced 30 Apr 2013)
    bounded = [m for m in verra if m.published is None and m.published_by and m.published_by < cut_off]
    assert late and undated and bounded

    def to_singapore(code: str):
        profile = make_profile(p, "verra", "GH", methodology=code, vintage=2024, authorised=True, adjusted=True,
                               as_of=TODAY)
        return path_to(engine, profile, scheme("sg-carbon-tax"))

    for meth in late:
        path = to_singapore(meth.code)
        assert path.verdict == NOT_RECOGNISED, meth.code
        assert any("cut-off" in r for r in path.reasons), (meth.code, path.reasons)
    for meth in undated:
        path = to_singapore(meth.code)
        assert path.verdict == CONDITIONAL, (meth.code, path.reasons)
        assert any("published before 2023-03-31" in u for u in path.unmet), (meth.code, path.unmet)
    for meth in bounded:
        path = to_singapore(meth.code)
        assert not any("published before" in u for u in path.unmet), (meth.code, path.unmet)
        assert not any("cut-off" in r for r in path.reasons), (meth.code, path.reasons)


def test_an_upper_bound_after_the_cut_off_leaves_the_cut_off_open(kg: KnowledgeGraph) -> None:
    p = kg.projection
    code = "VM0022"  # on Ghana's list; first publication known only as 'approved by 30 Apr 2013'
    iri = next(i for i, m in p.methodologies.items() if m.code == code and m.programme == prog("verra"))
    assert p.methodologies[iri].published is None and p.methodologies[iri].published_by
    later = copy.copy(p)
    later.methodologies = {**p.methodologies,
                           iri: dataclasses.replace(p.methodologies[iri], published_by=dt.date(2024, 1, 1))}
    profile = make_profile(later, "verra", "GH", methodology=code, vintage=2024, authorised=True, adjusted=True,
                           as_of=TODAY)
    path = path_to(PathEngine(later), profile, scheme("sg-carbon-tax"))
    assert path.verdict == CONDITIONAL
    assert any("known only to have been published by 2024-01-01" in u for u in path.unmet), path.unmet


def test_vintage_outside_2021_2030_is_refused_by_singapore(engine: PathEngine) -> None:
    old = CreditProfile(prog("verra"), country("BT"), vintage=2019, authorised=True, adjusted=True, as_of=TODAY)
    path = path_to(engine, old, scheme("sg-carbon-tax"))
    assert path.verdict == NOT_RECOGNISED
    assert any("2019" in r for r in path.reasons)


# Business Times, 18 May 2023: Singapore and Kenya signed an MOU; no implementation agreement followed.
def test_a_host_with_only_an_mou_cannot_reach_singapore(engine: PathEngine) -> None:
    path = path_to(engine, CreditProfile(prog("verra"), country("KE"), authorised=True, adjusted=True, as_of=TODAY),
                   scheme("sg-carbon-tax"))
    assert path.verdict == NOT_RECOGNISED
    assert any("MOU" in r for r in path.reasons)


# VietnamPlus, 19 Aug 2025: Singapore and Thailand signed an implementation agreement.
def test_singapore_thailand_before_and_after_the_signing(engine: PathEngine) -> None:
    before = CreditProfile(prog("verra"), country("TH"), authorised=True, adjusted=True,
                           as_of=dt.date(2025, 8, 18))
    after = dataclasses.replace(before, as_of=dt.date(2025, 8, 20))
    assert path_to(engine, before, scheme("sg-carbon-tax")).verdict == NOT_RECOGNISED
    assert path_to(engine, after, scheme("sg-carbon-tax")).verdict != NOT_RECOGNISED


# Straits Times, 1 Apr 2025: Singapore and Peru signed their implementation agreement; the joint release of
# 24 Oct 2025 opened the first call for projects under it. A hop states the stage reached and when it was
# reached, not the stage with the signing day; an event known only by an upper bound reads "by".
def test_an_agreement_hop_dates_the_stage_it_reached(engine: PathEngine) -> None:
    path = path_to(engine, CreditProfile(prog("verra"), country("PE"), authorised=True, adjusted=True, as_of=TODAY),
                   scheme("sg-carbon-tax"))
    hop = next(h for h in path.hops if h.kind == "agreement")
    assert hop.conditions == ["implementation agreement operational 2025-10-24 (signed 2025-04-01)"]
    signed_only = CreditProfile(prog("verra"), country("PE"), authorised=True, adjusted=True, as_of=dt.date(2025, 5, 1))
    hop = next(h for h in path_to(engine, signed_only, scheme("sg-carbon-tax")).hops if h.kind == "agreement")
    assert hop.conditions == ["implementation agreement signed 2025-04-01"]


# The Singapore framework and Ghana's list (NEA, 30 Sep 2024) both ask for the methodology cut-off of 31 Mar 2023;
# the list adds the excluded sectors. A credit is told each condition once, in its fullest form.
def test_a_condition_repeated_by_a_host_list_is_stated_once(engine: PathEngine) -> None:
    path = path_to(engine, CreditProfile(prog("gold-standard"), country("GH"), as_of=TODAY), scheme("sg-carbon-tax"))
    cut_off = [u for u in path.unmet if "2023-03-31" in u]
    assert len(cut_off) == 1 and "not in" in cut_off[0], path.unmet


def test_status_text_marks_events_known_only_by_an_upper_bound() -> None:
    signed, transfer = (dt.date(2013, 1, 8), "signed"), (dt.date(2016, 9, 30), "first-transfer")
    info = AgreementInfo(iri=f"{ID}agreement/x", label="x", kind="JCMPartnership", parties=frozenset(),
                         jurisdictions=frozenset(), events=(signed, transfer), sources=(), confidence="confirmed",
                         bounded_events=frozenset({transfer}))
    assert info.status_text(dt.date(2020, 1, 1)) == "first-transfer by 2016-09-30 (signed 2013-01-08)"
    assert info.status_text(dt.date(2014, 1, 1)) == "signed 2013-01-08"
    assert info.status_text(dt.date(2012, 1, 1)) == "not yet signed"


# -- Schemes that accept nothing, or only their own units --------------------------------------------------
@pytest.mark.parametrize("programme", ["verra", "gold-standard", "cdm", "accu", "jcm"])
@pytest.mark.parametrize("host", ["NZ", "ID", "BT"])
def test_nothing_reaches_the_new_zealand_ets(engine: PathEngine, programme: str, host: str) -> None:
    path = path_to(engine, CreditProfile(prog(programme), country(host), vintage=2025, authorised=True, adjusted=True,
                                         as_of=TODAY),
                   scheme("nz-ets"))
    assert path is None or path.verdict == NOT_RECOGNISED


def test_eu_ets_accepts_no_international_credits_since_2021(engine: PathEngine) -> None:
    now = path_to(engine, CreditProfile(prog("cdm"), country("IN"), as_of=TODAY), scheme("eu-ets"))
    assert now is None or now.verdict == NOT_RECOGNISED


def test_safeguard_mechanism_accepts_accus_not_foreign_credits(engine: PathEngine) -> None:
    accu = path_to(engine, CreditProfile(prog("accu"), country("AU"), as_of=TODAY), scheme("au-safeguard"))
    assert accu is not None and accu.verdict in (ELIGIBLE, CONDITIONAL)
    verra = path_to(engine, CreditProfile(prog("verra"), country("AU"), as_of=TODAY), scheme("au-safeguard"))
    assert verra is None or verra.verdict == NOT_RECOGNISED


def test_a_governmental_programme_issues_only_at_home(engine: PathEngine) -> None:
    found = engine.find(CreditProfile(prog("ccer"), country("TH"), as_of=TODAY))
    assert all(p.verdict == NOT_RECOGNISED for p in found)


# METI (July 2025): from FY2026 GX-ETS accepts J-Credits and JCM credits (10%); Thailand is a JCM partner.
def test_jcm_credit_from_thailand_counts_in_japans_gx_ets(engine: PathEngine) -> None:
    path = path_to(engine, CreditProfile(prog("jcm"), country("TH"), as_of=TODAY), scheme("jp-gx-ets"))
    assert path is not None and path.verdict in (ELIGIBLE, CONDITIONAL), path


# CARB: California and Québec accept each other's compliance offsets since January 2014, and only those;
# 17 CCR 95854: 6% limit from data year 2026. RGGI: offset allowances up to 3.3% of the obligation.
def test_north_american_systems_take_only_their_compliance_offsets(engine: PathEngine) -> None:
    verra = verdicts(engine, CreditProfile(prog("verra"), country("US"), as_of=TODAY))
    for slug in ("us-ca-cap-and-trade", "ca-qc-cap-and-trade", "us-rggi", "us-wa-cap-and-invest"):
        assert verra.get(scheme(slug), NOT_RECOGNISED) == NOT_RECOGNISED, slug
    quebec = verdicts(engine, CreditProfile(prog("ca-qc-offsets"), country("CA"), as_of=TODAY))
    assert quebec[scheme("us-ca-cap-and-trade")] == ELIGIBLE and quebec[scheme("ca-qc-cap-and-trade")] == ELIGIBLE
    rggi = path_to(engine, CreditProfile(prog("us-rggi-offsets"), country("US"), as_of=TODAY), scheme("us-rggi"))
    assert rggi is not None and any(c.startswith("up to 3.3%") for c in rggi.hops[-1].conditions)


# ISO 3166-2: California's and Quebec's schemes belong to subdivisions of the US and Canada, which sign agreements.
def test_subdivision_schemes_belong_to_their_country(kg: KnowledgeGraph) -> None:
    p = kg.projection
    ca_scheme = p.graph.nodes[scheme("us-ca-cap-and-trade")]["jurisdiction"]
    assert ca_scheme == country("US-CA") and p.label(ca_scheme) == "California"
    assert p.country_of(ca_scheme) == country("US")
    assert p.country_of(p.graph.nodes[scheme("ca-qc-cap-and-trade")]["jurisdiction"]) == country("CA")
    assert p.country_of(country("SG")) == country("SG")


def test_a_domestic_only_rule_of_a_subdivision_asks_for_an_activity_there(kg: KnowledgeGraph) -> None:
    """No rule in the data is domestic-only under a subdivision yet: make California's one so, and check both sides."""
    q = copy.copy(kg.projection)
    q.graph = kg.projection.graph.copy()
    for _, target, data in q.graph.edges(data=True):
        if data.get("kind") == "rule" and target == scheme("us-ca-cap-and-trade"):
            data["rule"] = dataclasses.replace(data["rule"], host_constraint="hostDomestic")
    engine = PathEngine(q)
    home = path_to(engine, CreditProfile(prog("us-ca-offsets"), country("US"), as_of=TODAY),
                   scheme("us-ca-cap-and-trade"))
    assert home is not None and home.verdict == CONDITIONAL, home
    assert any("an activity in California" in u for u in home.unmet), home.unmet
    quebec = path_to(engine, CreditProfile(prog("ca-qc-offsets"), country("CA"), as_of=TODAY),
                     scheme("us-ca-cap-and-trade"))
    assert quebec is not None and quebec.verdict == NOT_RECOGNISED
    assert any("only credits from activities in California" in r for r in quebec.reasons), quebec.reasons


# -- Bad input ----------------------------------------------------------------------------------------------
def test_unknown_names_get_close_matches(kg: KnowledgeGraph) -> None:
    with pytest.raises(UsageError, match="did you mean: verra"):
        make_profile(kg.projection, "vera", "ID")
    with pytest.raises(UsageError, match="unknown host"):
        make_profile(kg.projection, "verra", "XQ")


def test_a_profile_that_contradicts_itself_is_refused(kg: KnowledgeGraph) -> None:
    with pytest.raises(UsageError, match="contradicts itself"):
        make_profile(kg.projection, "gold-standard", "BT", methodology="VM0042")


# -- Ranking ------------------------------------------------------------------------------------------------
def test_results_are_ranked_by_verdict(engine: PathEngine) -> None:
    found = engine.find(CreditProfile(prog("verra"), country("BT"), as_of=TODAY))
    ranks = [VERDICT_RANK[p.verdict] for p in found]
    assert ranks == sorted(ranks)
    assert all(p.sources for p in found if p.verdict != NOT_RECOGNISED)


# -- Properties: adding an agreement never removes a pathway; ending one never adds one ---------------------
def with_agreement(p: Projection, info: AgreementInfo) -> Projection:
    q = copy.copy(p)
    q.agreements_between = {k: list(v) for k, v in p.agreements_between.items()}
    q.agreements_between.setdefault(info.jurisdictions, []).append(info)
    return q


def ended(p: Projection, on: dt.date) -> Projection:
    q = copy.copy(p)
    q.agreements_between = {k: [dataclasses.replace(a, events=(*a.events, (on, "terminated"))) for a in v]
                            for k, v in p.agreements_between.items()}
    q.graph = p.graph.copy()
    for _, _, data in q.graph.edges(data=True):
        if data.get("kind") == "mra":
            a = data["agreement"]
            data["agreement"] = dataclasses.replace(a, events=(*a.events, (on, "terminated")))
    return q


HOSTS = ["BT", "KE", "TH", "ID", "GH", "MY", "PH", "VN", "BR", "IN"]
PROGRAMMES = ["verra", "gold-standard", "gcc", "plan-vivo", "acr", "art-trees", "jcm", "cdm"]


def rank_map(engine: PathEngine, profile: CreditProfile) -> dict[str, int]:
    return {p.target: VERDICT_RANK[p.verdict] for p in engine.find(profile)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(host=st.sampled_from(HOSTS), programme=st.sampled_from(PROGRAMMES), buyer=st.sampled_from(["SG", "CH", "JP"]),
       kind=st.sampled_from(["ImplementationAgreement", "Article6MOU", "JCMPartnership"]),
       authorised=st.sampled_from([None, True, False]))
def test_adding_an_agreement_never_removes_a_pathway(kg: KnowledgeGraph, host: str, programme: str, buyer: str,
                                                     kind: str, authorised: bool | None) -> None:
    p = kg.projection
    profile = CreditProfile(prog(programme), country(host), authorised=authorised, as_of=TODAY)
    new = AgreementInfo(iri=f"{ID}agreement/test-new", label="test", kind=kind,
                        parties=frozenset({country(host), country(buyer)}),
                        jurisdictions=frozenset({country(host), country(buyer)}),
                        events=((dt.date(2024, 1, 1), "signed"),), sources=(), confidence="confirmed")
    before = rank_map(PathEngine(p), profile)
    after = rank_map(PathEngine(with_agreement(p, new)), profile)
    for target, rank in before.items():
        assert after.get(target, 99) <= rank, (target, rank, after.get(target))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(host=st.sampled_from(HOSTS), programme=st.sampled_from(PROGRAMMES),
       authorised=st.sampled_from([None, True]))
def test_ending_agreements_never_adds_a_pathway(kg: KnowledgeGraph, host: str, programme: str,
                                               authorised: bool | None) -> None:
    p = kg.projection
    profile = CreditProfile(prog(programme), country(host), authorised=authorised, adjusted=authorised, as_of=TODAY)
    before = rank_map(PathEngine(p), profile)
    after = rank_map(PathEngine(ended(p, dt.date(2026, 1, 1))), profile)
    for target, rank in after.items():
        if rank < VERDICT_RANK[NOT_RECOGNISED]:
            assert before.get(target, 99) <= rank, (target, rank, before.get(target))


def test_methodologies_a_host_list_names_are_recorded_on_its_rule(kg: KnowledgeGraph) -> None:
    """Every VCS code that a Singapore host-list rule quotes in its evidence, and that has a node, is recorded on the
    rule as accepted or excluded: a missing one was refused through the list's scope-14 exclusion (VM0021, Ghana)."""
    rows = kg.store.select("""SELECT ?r ?ev WHERE { ?r mrkg:ruleOf <https://w3id.org/mrkg/id/scheme/sg-carbon-tax> ;
        mrkg:hostConstraint mrkg:hostListed ; mrkg:acceptsProgramme <https://w3id.org/mrkg/id/programme/verra> ;
        mrkg:evidence ?ev }""")
    assert rows
    for row in rows:
        rule = row["r"].value
        named = set(re.findall(r"\bVM\d{4}\b", row["ev"].value))
        with_node = {c for c in named if kg.store.select(
            f'SELECT ?m WHERE {{ ?m mrkg:code "{c}" ; mrkg:programme <https://w3id.org/mrkg/id/programme/verra> }}')}
        recorded = {r["c"].value for r in kg.store.select(f"""SELECT ?c WHERE {{
            <{rule}> mrkg:acceptsMethodology|mrkg:excludesMethodology ?m . ?m mrkg:code ?c }}""")}
        assert with_node <= recorded, (rule, sorted(with_node - recorded))


def test_a_further_condition_in_words_stays_open(engine: PathEngine, kg: KnowledgeGraph) -> None:
    """CORSIA's first phase takes only Premium T-VER units: the graph cannot tell a Premium unit from a Standard one,
    so the condition is listed and the credit is never more than conditional."""
    rule = next(d["rule"] for _, _, d in kg.projection.graph.edges(data=True)
                if d.get("kind") == "rule" and d["rule"].iri.endswith("/rule/corsia-first-phase-t-ver"))
    assert rule.further_conditions
    profile = make_profile(kg.projection, "t-ver", "TH", vintage=2024, authorised=True, adjusted=True, as_of=TODAY)
    path = path_to(engine, profile, scheme("corsia"))
    assert path.verdict == CONDITIONAL
    assert set(rule.further_conditions) <= set(path.unmet)
