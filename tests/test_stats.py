"""`mrkg stats`: the coverage report, checked against what the data files hold."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import rdflib

from mrkg import catalog
from mrkg.catalog import stats
from mrkg.graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent


def test_counts_per_country_and_programme(kg: KnowledgeGraph) -> None:
    report = stats(kg)
    by_country = {c["country"]: c for c in report.per_country}
    sg_ias = by_country["SG"]["kinds"]["ImplementationAgreement"]
    assert sg_ias >= 11  # ten IAs by Oct 2025 (MTI), the Philippines' on 30 Apr 2026 (Daily Tribune)
    in_oct_2025 = catalog.agreements(kg, dt.date(2025, 10, 31), country="SG", kinds=["ImplementationAgreement"],
                                     stages=["signed", "in-force", "operational", "first-transfer"])
    assert len(in_oct_2025) == 10
    assert sg_ias == len(catalog.agreements(kg, country="SG", kinds=["ImplementationAgreement"]))
    assert by_country["JP"]["kinds"]["JCMPartnership"] >= 28
    programmes = {p["programme"]: p for p in report.per_programme}
    assert set(programmes) >= {"verra", "gold-standard", "cdm", "jcm", "spe-grk"}
    assert programmes["cdm"]["methodologies"] >= 60
    assert programmes["gcc"]["mras"] == 1


def test_confidence_shares_and_undated_facts(kg: KnowledgeGraph) -> None:
    report = stats(kg)
    assert abs(sum(float(c["share"]) for c in report.confidence) - 1) < 1e-9
    assert {c["confidence"] for c in report.confidence} <= {"confirmed", "confirmed-partial", "secondary",
                                                           "contested", "unverified"}
    undated = {u["class"]: u for u in report.undated}
    assert undated["AgreementEvent"]["undated"] == 0  # every event has its date (the shapes require it)
    assert undated["Agreement"]["undated"] == 0  # every agreement has a dated event
    assert 0 < undated["Methodology"]["undated"] <= undated["Methodology"]["total"]
    assert report.overview.oldest_source_date <= report.overview.newest_source_date
    by_precision = {d["precision"]: d["events"] for d in report.date_precision}
    assert sum(by_precision.values()) == undated["AgreementEvent"]["total"]
    g = rdflib.Graph()
    for path in (ROOT / "data").rglob("*.ttl"):
        g.parse(path)
    m = rdflib.Namespace("https://w3id.org/mrkg/ontology#")
    bounded = {e for e in g.subjects(m.datePrecision, m.precisionOnOrBefore)
               if (e, rdflib.RDF.type, m.AgreementEvent) in g}
    assert by_precision.get("on or before", 0) == len(bounded) > 0


def test_stats_cli_json() -> None:
    out = subprocess.run([sys.executable, "-m", "mrkg", "stats", "--format", "json"], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"overview", "per_programme", "per_country", "confidence", "undated"} <= set(data)
    text = subprocess.run([sys.executable, "-m", "mrkg", "stats"], capture_output=True, text=True, timeout=300)
    assert "per country" in text.stdout and "SG" in text.stdout
