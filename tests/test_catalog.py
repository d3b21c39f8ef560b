"""mrkg.catalog: what the explorer shows, checked against facts read from the data files."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest

from mrkg import catalog
from mrkg.errors import InputError, UsageError
from mrkg.graph import KnowledgeGraph
from mrkg.paths import make_profile

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ID = "https://w3id.org/mrkg/id/"
DAY = dt.date(2026, 11, 21)


def _data_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DATA.rglob("*.ttl")))


def test_overview_version_counts_and_freshness(kg: KnowledgeGraph) -> None:
    ov = catalog.overview(kg)
    version = re.search(r'owl:versionInfo "([^"]+)"', (ROOT / "ontology" / "mrkg.ttl").read_text()).group(1)
    assert ov.version == version
    text = _data_text()
    assert ov.count("ImplementationAgreement") == len(re.findall(r"\sa mrkg:ImplementationAgreement\b", text))
    assert ov.count("ImplementationAgreement") >= 24  # Singapore's 10 and Switzerland's 14 at least
    assert ov.count("MutualRecognitionAgreement") == 5
    # Subclass membership is counted: every agreement kind adds to Agreement.
    assert ov.count("Agreement") >= ov.count("ImplementationAgreement") + ov.count("Article6MOU") + 5
    issued = re.findall(r'dcterms:issued "(\d{4}-\d{2}-\d{2})"', text)
    assert ov.newest_source_date == max(issued)
    assert ov.oldest_source_date == min(issued)
    assert ov.sources == len(set(re.findall(r"^(\S+) a mrkg:Source\b", text, re.MULTILINE)))  # some in 2 files
    assert ov.count("NoSuchClass") == 0


def test_regions_from_blocs(kg: KnowledgeGraph) -> None:
    regions = catalog.region_of_countries(kg)
    assert sum(1 for r in regions.values() if r == "ASEAN") == 11
    assert regions["SG"] == "ASEAN" and regions["ID"] == "ASEAN"
    assert regions["FR"] == "EU" and regions["JP"] == "elsewhere"
    cov = {r["region"]: r for r in catalog.coverage_by_region(kg, as_of=DAY)}
    assert cov["ASEAN"]["countries"] == 11
    assert cov["ASEAN"]["with_implementation_agreement"] >= 3  # Thailand, Viet Nam, Cambodia ... with Singapore
    assert cov["EU"]["countries"] == 27


def test_coverage_with_own_regions(kg: KnowledgeGraph) -> None:
    cov = catalog.coverage_by_region(kg, {"SG": "here", "TH": "here", "AD": "there"}, as_of=DAY)
    rows = {r["region"]: r for r in cov}
    assert rows["here"]["countries"] == 2 and rows["here"]["with_agreement"] == 2
    assert rows["there"]["with_agreement"] == 0
    assert rows["here"]["agreements"] >= 10  # Singapore's ten implementation agreements at least


def test_singapore_implementation_agreements(kg: KnowledgeGraph) -> None:
    rows = catalog.agreements(kg, DAY, country="SG", kinds=["ImplementationAgreement"])
    assert len(rows) == 11  # ten by 6 Oct 2025 (MTI), the Philippines' on 30 Apr 2026 (Daily Tribune)
    assert len(catalog.agreements(kg, dt.date(2026, 4, 29), country="SG", kinds=["ImplementationAgreement"],
                                  stages=["signed", "in-force", "operational", "first-transfer"])) == 10
    assert all(f"{ID}jurisdiction/SG" in r["parties"] for r in rows)
    assert {r["kind_label"] for r in rows} == {"implementation agreement"}


def test_agreement_stage_as_of(kg: KnowledgeGraph) -> None:
    now = {r["id"]: r for r in catalog.agreements(kg, DAY, country="TH")}
    before = {r["id"]: r for r in catalog.agreements(kg, dt.date(2024, 1, 1), country="TH")}
    assert now["agreement/sg-th-ia-2025"]["stage"] == "operational"
    assert now["agreement/sg-th-ia-2025"]["signed"] == "2025-08-19"
    assert before["agreement/sg-th-ia-2025"]["stage"] == "not yet"
    assert before["agreement/sg-th-ia-2025"]["active"] is False
    superseded = catalog.agreements(kg, DAY, stages=["superseded"])
    assert "agreement/sg-pg-mou-2022" in {r["id"] for r in superseded}
    gs = next(r for r in catalog.agreements(kg, DAY, kinds=["MutualRecognitionAgreement"])
              if r["id"] == "agreement/id-gold-standard-mra-2025")
    assert gs["signed"] == "2025-05-08" and set(gs["party_labels"]) >= {"Indonesia"}


def test_agreement_filters_since_and_pairs(kg: KnowledgeGraph) -> None:
    all_rows = catalog.agreements(kg, DAY)
    recent = catalog.agreements(kg, DAY, since=dt.date(2025, 6, 1))
    assert 0 < len(recent) < len(all_rows)
    pairs = catalog.agreement_pairs([r for r in all_rows if r["id"] == "agreement/sg-th-ia-2025"])
    assert pairs == [{"a": "SG", "b": "TH", "iri": f"{ID}agreement/sg-th-ia-2025",
                      "label": pairs[0]["label"], "kind": "ImplementationAgreement",
                      "kind_label": "implementation agreement", "stage": "operational"}]


def test_timeline_is_dated_sourced_and_filtered(kg: KnowledgeGraph) -> None:
    events = catalog.timeline(kg)
    assert [e["date"] for e in events] == sorted((e["date"] for e in events), reverse=True)
    th = [e for e in events if e["subject"] == f"{ID}agreement/sg-th-ia-2025" and e["change"] == "signed"]
    assert th and th[0]["date"] == "2025-08-19" and th[0]["source_url"].startswith("https://")
    rules = [e for e in events if e["what"] == "rule" and e["subject"] == f"{ID}rule/corsia-first-phase-verra"]
    assert {e["change"] for e in rules} == {"rule takes effect", "rule ends"}
    recent = catalog.timeline(kg, since=dt.date(2025, 6, 1), until=dt.date(2025, 12, 31))
    assert recent and all("2025-06-01" <= e["date"] <= "2025-12-31" for e in recent)


def test_quality_labels_of_a_methodology_and_its_programme(kg: KnowledgeGraph) -> None:
    d = catalog.methodology(kg, "methodology/verra/VMR0017")
    by_subject = {lab["subject"]: lab for lab in d.labels}
    assert set(by_subject) == {d.iri, d.programme}
    own = by_subject[d.iri]
    assert own["outcome"] == "approved with conditions" and own["scheme"] == "CCP"
    assert own["precision"] == "on or before" and own["when"] == f"by {own['date']}"
    assert own["source_url"].startswith("https://")
    assert by_subject[d.programme]["outcome"] == "eligible" and by_subject[d.programme]["when"] == "2024-05-02"
    jcm = catalog.methodology(kg, "methodology/jcm/TH_AM001")
    assert jcm.labels == []  # neither the JCM nor this methodology has a decision
    everything = catalog.quality_labels(kg)
    assert [lab["date"] for lab in everything] == sorted((lab["date"] for lab in everything), reverse=True)
    assert {lab["subject"] for lab in catalog.quality_labels(kg, [f"{ID}programme/gcc"])} == {f"{ID}programme/gcc"}
    verra = [f"{ID}programme/verra"]
    assert catalog.quality_labels(kg, verra, as_of=dt.date(2024, 5, 1)) == []
    assert [lab["outcome"] for lab in catalog.quality_labels(kg, verra, as_of=dt.date(2024, 5, 2))] == ["eligible"]
    bounded = catalog.quality_labels(kg, [own["subject"]], as_of=dt.date.fromisoformat(own["date"]) - dt.timedelta(1))
    assert bounded == []  # a decision known only by an upper bound counts from that bound, never earlier


def test_timeline_has_label_decisions_with_their_precision(kg: KnowledgeGraph) -> None:
    labels = [e for e in catalog.timeline(kg) if e["what"] == "label"]
    assert len(labels) == len(catalog.quality_labels(kg))
    gcc = next(e for e in labels if e["subject"] == f"{ID}label/icvcm-ccp-gcc-eligible-2026")
    assert gcc["change"] == "CCP eligible" and gcc["precision"] == "on or before"


def test_stages_in_life_cycle_order(kg: KnowledgeGraph) -> None:
    stages = catalog.stages(kg)
    assert stages.index("announced") < stages.index("signed") < stages.index("in-force")


def test_methodology_search(kg: KnowledgeGraph) -> None:
    found = catalog.methodologies(kg, "cookstove")
    assert "VM0050" in [m["code"] for m in found]
    assert all("cookstove" in f"{m['code']} {m['title']}".lower() for m in found)
    assert {m["code"] for m in catalog.methodologies(kg, "vm00")} >= {"VM0050", "VM0033"}
    verra = catalog.methodologies(kg, programme="verra")
    assert verra and all(m["programme"].endswith("/verra") for m in verra)
    assert catalog.methodologies(kg, "no such methodology text") == []
    by_sector = catalog.methodologies(kg, "energy demand")
    assert "VM0050" in {m["code"] for m in by_sector}


def test_methodology_lineage_and_acceptance(kg: KnowledgeGraph) -> None:
    d = catalog.methodology(kg, "methodology/verra/VM0050")
    assert d.code == "VM0050" and d.programme.endswith("/programme/verra")
    edges = {(e["source_label"], e["relation"], e["target_label"]) for e in d.lineage}
    assert ("VM0050", "replaces", "VMR0006") in edges
    assert ("VMR0006", "derived from", "AMS-II.G") in edges  # two steps away
    how = {(a["rule"].rsplit("/", 1)[-1], a["how"]) for a in d.accepted_by}
    assert ("corsia-first-phase-verra", "names this methodology as accepted") in how
    excluded = catalog.methodology(kg, "methodology/verra/VMR0006")
    assert ("corsia-first-phase-verra", "excludes this methodology") in {
        (a["rule"].rsplit("/", 1)[-1], a["how"]) for a in excluded.accepted_by}
    assert d.sources
    with pytest.raises(UsageError):
        catalog.methodology(kg, "jurisdiction/SG")


def test_methodology_acceptance_limited_to_named_methodologies() -> None:
    """A fixture acceptance naming one CDM methodology covers that one, not its siblings, and filters by side."""
    fixture = ROOT / "tests" / "fixtures" / "shapes" / "valid" / "methodology-acceptance.ttl"
    kg = KnowledgeGraph.load(extra=[fixture])
    test_iri = f"{ID}acceptance/test-gcc-accepts-cdm"
    named = catalog.methodology(kg, "methodology/cdm/ACM0002")
    assert test_iri in {a["acceptance"] for a in named.usable_under}
    sibling = catalog.methodology(kg, "methodology/cdm/ACM0001")
    assert test_iri not in {a["acceptance"] for a in sibling.usable_under}
    assert test_iri in {a["acceptance"] for a in catalog.acceptances(kg, accepting="gcc")}
    assert test_iri in {a["acceptance"] for a in catalog.acceptances(kg, accepted="programme/cdm")}
    assert test_iri not in {a["acceptance"] for a in catalog.acceptances(kg, accepting="cdm")}
    with pytest.raises(UsageError):
        catalog.acceptances(kg, accepting="no-such-programme")


def test_methodology_named_only_by_title_is_found_and_usable_in_a_profile() -> None:
    fixture = ROOT / "tests" / "fixtures" / "shapes" / "valid" / "methodology-without-code.ttl"
    kg = KnowledgeGraph.load(extra=[fixture])
    found = [m for m in catalog.methodologies(kg, "named only by its title") if m["programme"].endswith("/acr")]
    assert [m["code"] for m in found] == [""]  # no code is made up for it
    d = catalog.methodology(kg, "methodology/acr/test-titled-only")
    assert d.code == "" and d.title == "Test methodology named only by its title"
    profile = make_profile(kg.projection, "acr", "US", methodology="test-titled-only")
    assert profile.methodology == f"{ID}methodology/acr/test-titled-only"


def test_neighbourhood_of_singapore(kg: KnowledgeGraph) -> None:
    sub = catalog.neighbourhood(kg, "SG")
    ids = {n["id"] for n in sub.nodes}
    assert sub.center == f"{ID}jurisdiction/SG"
    assert f"{ID}agreement/sg-th-ia-2025" in ids
    assert not any("/source/" in i or "/event/" in i for i in ids)
    kinds = {n["id"]: n["kind"] for n in sub.nodes}
    assert kinds[f"{ID}agreement/sg-th-ia-2025"] == "ImplementationAgreement"
    assert all(e["source"] in ids and e["target"] in ids for e in sub.edges)
    elements = sub.elements()
    assert len(elements["nodes"]) == len(sub.nodes) and len(elements["edges"]) == len(sub.edges)
    assert {"id", "label", "name"} <= set(elements["nodes"][0]["data"])
    small = catalog.neighbourhood(kg, "SG", depth=2, limit=20)
    assert len(small.nodes) == 20 and small.truncated


def test_entities_for_pickers(kg: KnowledgeGraph) -> None:
    ents = {e["id"]: e for e in catalog.entities(kg)}
    assert ents["jurisdiction/SG"]["kind"] == "Country"
    assert ents["jurisdiction/US-CA"]["kind"] == "Subdivision" and ents["jurisdiction/US-CA"]["label"] == "California"
    assert ents["programme/gold-standard"]["kind"] == "CreditingProgramme"
    assert catalog.label(kg, f"{ID}jurisdiction/SG") == "Singapore"
    assert catalog.kind_of(kg, f"{ID}agreement/sg-th-ia-2025") == "ImplementationAgreement"


def test_matrix_rows_have_names(kg: KnowledgeGraph) -> None:
    rows = catalog.matrix_rows(kg, DAY, programmes=[f"{ID}programme/gold-standard"], hosts=[f"{ID}jurisdiction/ID"])
    spe = next(r for r in rows if r["target"].endswith("/programme/spe-grk"))
    assert spe["verdict"] == "eligible" and spe["host_code"] == "ID" and spe["host_label"] == "Indonesia"


def test_validate_upload_checks_only_the_file(kg: KnowledgeGraph) -> None:
    ttl = b"""@prefix mrkg: <https://w3id.org/mrkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/mrkg/id/agreement/test-upload-2026> a mrkg:ImplementationAgreement ;
    rdfs:label "Test agreement"@en ;
    mrkg:party <https://w3id.org/mrkg/id/jurisdiction/SG> .
"""
    size = len(kg.store)
    upload_kg, report = catalog.validate_upload(ttl, "mine.ttl")
    assert not report.conforms
    assert {v.focus for v in report.violations} == {f"{ID}agreement/test-upload-2026"}
    rows = catalog.readable_violations(upload_kg, report)
    # named by the uploaded file's name and the line where the node starts (line 3 of the upload)
    assert rows and all(r["entity"] == "Test agreement" and r["file"] == "mine.ttl:3" for r in rows)
    assert len(kg.store) == size  # the bundled graph is untouched


def test_validate_upload_refuses_non_rdf() -> None:
    with pytest.raises(InputError, match=r"notes\.ttl"):
        catalog.validate_upload(b"this is not turtle at all {", "notes.ttl")


@pytest.fixture(scope="module")
def runner():
    r = catalog.QueryRunner(timeout=5)
    yield r
    r.close()


def test_query_runner_answers_and_refuses(runner: catalog.QueryRunner) -> None:
    ans = runner.run("SELECT ?a WHERE { ?a a mrkg:ImplementationAgreement ; mrkg:party ?p . "
                     "FILTER (?p = <https://w3id.org/mrkg/id/jurisdiction/SG>) }")
    assert ans.kind == "select" and ans.headers == ["a"] and len(ans.rows) == 11  # ten by Oct 2025, PH Apr 2026
    assert ans.csv.startswith("a\n") and '"bindings"' in ans.json
    assert runner.run("ASK { ?s a mrkg:Country }").rows == [["true"]]
    with pytest.raises(InputError, match="syntax error"):
        runner.run("SELEC ?x WHERE { }")
    with pytest.raises(UsageError, match="read-only"):
        runner.run("DELETE WHERE { ?s ?p ?o }")


def test_query_runner_stops_a_slow_query(runner: catalog.QueryRunner) -> None:
    start = time.perf_counter()
    with pytest.raises(catalog.QueryTimeout, match="stopped"):
        runner.run("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=1)
    assert time.perf_counter() - start < 5
    assert runner.run("ASK { ?s ?p ?o }").rows == [["true"]]  # a new worker takes over


def test_an_event_with_several_comments_is_listed_once(kg: KnowledgeGraph) -> None:
    """Events are read from the data; one with a correction note and its original note stays one event."""
    text = (DATA / "agreements" / "singapore.ttl").read_text(encoding="utf-8")
    block = text[text.index("event:sg-py-ia-2025-negotiations-concluded a"):]
    block = block[:block.index("\n\n")]
    assert block.count("rdfs:comment") >= 2
    events = kg.entity("agreement/sg-py-ia-2025").events
    stages = [e.stage for e in events]
    assert len(stages) == len(set(stages))
    concluded = next(e for e in events if e.stage == "negotiations-concluded")
    assert concluded.precision == "on or before" and " | " in concluded.note
