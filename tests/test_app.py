"""The explorer, page by page, with Streamlit's AppTest: each page renders, and its key widgets change the output."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app"
ROOT = APP.parent
TIMEOUT = 60


def page(name: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP / name) if name == "Home.py" else str(APP / "pages" / name),
                           default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def headings(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("### ")]


def data_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((APP.parent / "data").rglob("*.ttl")))


def test_overview_shows_counts_version_and_recent_changes() -> None:
    at = page("Home.py")
    metrics = {m.label: m.value for m in at.metric}
    version = re.search(r'owl:versionInfo "([^"]+)"', (APP.parent / "ontology" / "mrkg.ttl").read_text()).group(1)
    assert metrics["Dataset version"] == version
    text = data_text()  # expected figures read from the data files themselves
    assert metrics["Implementation agreements"] == str(len(re.findall(r"\sa mrkg:ImplementationAgreement\b", text)))
    assert metrics["Newest source (published)"] == max(re.findall(r'dcterms:issued "(\d{4}-\d{2}-\d{2})"', text))
    regions = at.dataframe[1].value
    assert "ASEAN" in set(regions["Region"])
    assert "How sure the facts are" in [s.value for s in at.subheader]
    for level, term in (("confirmed", "Confirmed"), ("unverified", "Unverified"), ("contested", "Contested")):
        n = len(re.findall(rf"mrkg:confidence mrkg:confidence{term}\b", text))
        assert f"- **{level}**: {n} (" in texts(at), level
    before = next(m.value for m in at.markdown if "dated changes" in m.value)
    at.date_input(key="since").set_value("2026-01-01").run()
    after = next(m.value for m in at.markdown if "dated changes" in m.value)
    assert before != after
    at.radio(key="regions").set_value("continents").run()
    assert not at.exception
    assert {"Asia", "Africa"} <= set(at.dataframe[1].value["Region"])


def test_pathways_indonesia_gold_standard_lists_spe_grk() -> None:
    at = page("1_Where_can_this_credit_go.py")
    at.selectbox(key="programme").set_value("gold-standard")
    at.selectbox(key="host").set_value("ID").run()
    assert not at.exception
    first = headings(at)[0]
    assert "SPE-GRK" in first and "ELIGIBLE" in first
    assert "https://" in texts(at)  # cited sources are links
    assert at.query_params["host"] == ["ID"] or at.query_params["host"] == "ID"
    labels = next(m.value for m in at.markdown if m.value.startswith("**Quality labels on this date:**"))
    assert "CCP eligible (programme, 2024-04-05" in labels  # Gold Standard's CCP eligibility
    at.date_input(key="as_of").set_value("2024-01-01").run()  # before any ICVCM decision
    assert not any(m.value.startswith("**Quality labels on this date:**") for m in at.markdown)
    assert any("No quality-label decision" in c.value for c in at.caption)


def test_pathways_change_with_host_and_reasons_are_shown() -> None:
    at = page("1_Where_can_this_credit_go.py", programme="verra", host="BT")
    shown = "\n".join(headings(at))
    assert "Singapore carbon tax" in shown and "SPE-GRK" not in shown
    assert "Why it is not recognised" in texts(at)
    at.checkbox(key="show_refused").uncheck().run()
    assert all("NOT RECOGNISED" not in h for h in headings(at))
    assert len(at.get("download_button")) == 2


def test_pathways_contradicting_profile_is_a_message() -> None:
    at = page("1_Where_can_this_credit_go.py", programme="verra", host="BT", methodology="VM0050")
    at.selectbox(key="sector").set_value("scope14").run()
    assert not at.exception
    assert any("contradicts itself" in e.value for e in at.error)


def test_matrix_filters_by_region_and_mode() -> None:
    at = page("2_Recognition_matrix.py")
    asean = at.dataframe[0].value
    assert len(asean) > 0 and asean["verdict"].str.contains("eligible|conditional|not recognised").all()
    at.selectbox(key="region").set_value("Africa").run()
    africa = at.dataframe[0].value
    assert len(africa) > len(asean)
    at.radio(key="mode").set_value("host-target").run()
    assert not at.exception
    assert set(at.dataframe[0].value.columns) >= {"row", "column", "verdict", "pathway"}
    assert at.dataframe[0].value["pathway"].str.contains("Where_can_this_credit_go").all()


def test_agreements_filter_and_agreement_page() -> None:
    at = page("3_Agreements.py")
    at.selectbox(key="ag_country").set_value("SG")
    at.multiselect(key="ag_kinds").set_value(["ImplementationAgreement"]).run()
    in_file = re.findall(r"^agreement:sg-\w+-ia-\d+ a mrkg:ImplementationAgreement",
                         (ROOT / "data" / "agreements" / "singapore.ttl").read_text(encoding="utf-8"), flags=re.M)
    assert len(in_file) >= 11  # ten by Oct 2025 (MTI) and the Philippines' of 30 Apr 2026
    assert f"**{len(in_file)} agreements**" in texts(at)
    at.selectbox(key="ag_open").set_value("agreement/sg-th-ia-2025").run()
    assert any("Singapore–Thailand" in h.value for h in at.header)
    assert "spglobal.com" in texts(at)


def test_agreement_deep_link() -> None:
    at = page("3_Agreements.py", id="agreement/id-gold-standard-mra-2025")
    assert any("Gold Standard" in h.value for h in at.header)
    assert "**Stages**" in texts(at)


def test_methodologies_search_and_page() -> None:
    at = page("4_Methodologies.py")
    total = len(at.dataframe[0].value)
    at.text_input(key="meth_search").set_value("cookstove").run()
    codes = list(at.dataframe[0].value["code"])
    assert "VM0050" in codes and 0 < len(codes) < total
    at.selectbox(key="meth_open").set_value("methodology/verra/VM0050").run()
    assert not at.exception
    assert any("VM0050" in h.value for h in at.header)
    assert "*replaces*" in texts(at)
    at.text_input(key="meth_search").set_value("ACM0002").run()
    at.selectbox(key="meth_open").set_value("methodology/cdm/ACM0002").run()
    assert not at.exception
    assert "Other programmes that let projects use it" in [s.value for s in at.subheader]
    assert "VCS Program accepts CDM methodologies" in texts(at)
    assert "No quality-label decision names this methodology or its programme" in \
        " ".join(c.value for c in at.caption)
    at.text_input(key="meth_search").set_value("VMR0017").run()
    at.selectbox(key="meth_open").set_value("methodology/verra/VMR0017").run()
    assert not at.exception
    assert "Quality labels" in [s.value for s in at.subheader]
    assert "**CCP approved with conditions** (by " in texts(at) and "**CCP eligible** (2024-05-02)" in texts(at)


def test_network_elements_change_with_centre() -> None:
    at = page("5_Network.py", id="SG")
    around_sg = next(m.value for m in at.markdown if " links** around" in m.value)
    at.selectbox(key="net_center").set_value("programme/gold-standard").run()
    around_gs = next(m.value for m in at.markdown if " links** around" in m.value)
    assert "Singapore" in around_sg and "Gold Standard" in around_gs and around_sg != around_gs


def test_sparql_runs_refuses_and_reports_errors() -> None:
    at = page("6_SPARQL.py")
    assert len(at.dataframe[0].value) == 11  # the first example: Singapore's IAs (ten by Oct 2025, PH Apr 2026)
    at.text_area(key="query").set_value("SELEC ?x")
    at.button(key="run").click().run()
    assert any("syntax error" in e.value for e in at.error) and not at.exception
    at.text_area(key="query").set_value("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    at.button(key="run").click().run()
    assert any("read-only" in e.value for e in at.error)
    at.text_area(key="query").set_value("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    at.number_input(key="time_limit").set_value(1.0)
    at.button(key="run").click().run()
    assert any("stopped" in e.value for e in at.error)
    at.selectbox(key="example").set_value("Members of ASEAN")
    at.button(key="run").click().run()
    assert len(at.dataframe[0].value) == 11 and not at.error


def test_validation_bundled_and_upload() -> None:
    at = page("7_Validation.py")
    assert at.success and "No problems found" in at.success[0].value
    # A file upload cannot be driven through AppTest; the page's upload path is mrkg.catalog.validate_upload,
    # tested in test_catalog.py (a non-RDF file gives InputError, shown on the page as a message).


def test_entity_page_and_bad_id() -> None:
    at = page("8_Entity.py", id="SG")
    assert [h.value for h in at.header] == ["Singapore"]
    assert "Referred to by" in texts(at)
    bad = page("8_Entity.py", id="no-such-thing-xyz")
    assert any("no entity" in e.value for e in bad.error)
