"""Saved queries for researchers: headers, parameters, and answers checked against the sources."""

from __future__ import annotations

import pytest

from mrkg import queries
from mrkg.errors import UsageError
from mrkg.graph import KnowledgeGraph

SAVED = queries.saved_queries()


def answer(kg: KnowledgeGraph, name: str, **params: str) -> list[list[str]]:
    return kg.query(queries.get(name).bind(params)).text_rows()


@pytest.mark.parametrize("name", sorted(SAVED))
def test_saved_query_has_header_and_runs_with_defaults(kg: KnowledgeGraph, name: str) -> None:
    saved = SAVED[name]
    assert saved.title and saved.question.endswith("?")
    assert "# example:" in saved.text and "# example output:" in saved.text
    result = kg.query(saved.bind({}))
    assert result.kind == "select"
    assert result.rows, f"{name} returns nothing with its default parameters"


# ICVCM: ACR, CAR and Gold Standard CCP-Eligible 5 Apr 2024; Verra and ART 2 May 2024; GCC only by an upper bound.
def test_ccp_labels_on_date(kg: KnowledgeGraph) -> None:
    early = {r[0] for r in answer(kg, "ccp-labels-on-date", date="2024-04-30") if r[2] == "eligible"}
    assert early == {"programme/acr", "programme/car", "programme/gold-standard"}
    later = {r[0] for r in answer(kg, "ccp-labels-on-date", date="2026-12-31") if r[2] == "eligible"}
    assert {"programme/verra", "programme/art-trees", "programme/gcc"} <= later
    gcc = [r for r in answer(kg, "ccp-labels-on-date", date="2026-12-31") if r[0] == "programme/gcc"]
    assert gcc and gcc[0][4] == "on or before"
    assert not [r for r in answer(kg, "ccp-labels-on-date", date="2026-06-30") if r[0] == "programme/gcc"]


def test_library_covers_the_researchers_questions() -> None:
    assert {"agreements-by-country", "mras-by-programme", "methodologies-derived-from", "corsia-programmes-on-date",
            "schemes-accepting-programme", "agreements-as-of", "programmes-accepting-methodologies-of",
            "ccp-labels-on-date"} <= set(SAVED)


# VietnamPlus 19 Aug 2025 (Singapore IA), MOE Japan 19 Nov 2015 (JCM), FOEN (Swiss agreement signed 24 Jun 2022).
def test_thailand_agreements(kg: KnowledgeGraph) -> None:
    rows = {(r[0], r[2]) for r in answer(kg, "agreements-by-country", country="TH")}
    assert {("ImplementationAgreement", "SG"), ("JCMPartnership", "JP"), ("ImplementationAgreement", "CH")} <= rows


# Ecobiz 16 Sep 2025.
def test_gcc_mra(kg: KnowledgeGraph) -> None:
    assert answer(kg, "mras-by-programme", programme="gcc") == [
        ["agreement/id-gcc-mra-2025", "ID", "spe-grk", "2025-09-16"]]


# ICAO Council decisions: pilot phase (Mar 2020, ART Nov 2020, GCC Mar 2021); first phase ACR and ART from the
# phase start, GCC, Gold Standard, Verra and CAR (October 2024 Council decisions, per GCC, Quantum, ClearBlue; CAR
# from secondary sources).
@pytest.mark.parametrize(("date", "expected"), [
    ("2022-06-30", {"acr", "art-trees", "car", "ccer", "cdm", "gcc", "gold-standard", "verra"}),
    ("2025-01-01", {"acr", "art-trees", "car", "gcc", "gold-standard", "verra"}),
    ("2024-06-30", {"acr", "art-trees"}),
])
def test_corsia_programmes_on_date(kg: KnowledgeGraph, date: str, expected: set[str]) -> None:
    assert {r[0] for r in answer(kg, "corsia-programmes-on-date", date=date)} == expected


def test_schemes_accepting_jcm(kg: KnowledgeGraph) -> None:
    assert {r[0] for r in answer(kg, "schemes-accepting-programme", programme="jcm")} == {"jp-gx-ets"}


def test_graph_as_of_changes_with_the_date(kg: KnowledgeGraph) -> None:
    early = {r[0] for r in answer(kg, "agreements-as-of", date="2023-01-01")}
    late = {r[0] for r in answer(kg, "agreements-as-of", date="2026-01-01")}
    assert "agreement/sg-th-ia-2025" not in early and "agreement/sg-th-ia-2025" in late
    assert early < late


@pytest.mark.parametrize(("params", "message"), [
    ({"cntry": "TH"}, "no parameter cntry"),
    ({"country": "T H"}, "not a valid jurisdiction"),
])
def test_bad_parameters_are_refused(params: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        queries.get("agreements-by-country").bind(params)
    with pytest.raises(UsageError, match="not a date"):
        queries.get("agreements-as-of").bind({"date": "01/01/2025"})


def test_unknown_saved_query_suggests() -> None:
    with pytest.raises(UsageError, match="did you mean: mras-by-programme"):
        queries.get("mra-by-programme")


# Verra (VCS Standard: CDM methodologies may be used), Gold Standard (eligible CDM methodologies), UNFCCC (A6.4
# transition standard, in effect from 1 Jan 2024: CDM activities transitioning to the PACM keep their methodology).
def test_programmes_accepting_cdm_methodologies(kg: KnowledgeGraph) -> None:
    rows = {r[0]: r for r in answer(kg, "programmes-accepting-methodologies-of", programme="cdm")}
    assert {"verra", "gold-standard", "pacm"} <= set(rows)
    assert rows["pacm"][3] == "2024-01-01"
    assert "cdm" not in rows
