"""The command line: exit codes 0/1/2, clear messages for each kind of bad input, atomic build."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
INVALID = FIXTURES / "shapes" / "invalid"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a subprocess (as users and CI do)."""
    return subprocess.run([sys.executable, "-m", "mrkg", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_version() -> None:
    import mrkg

    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"mrkg {mrkg.__version__}"


def test_help_lists_commands() -> None:
    out = run("--help")
    assert out.returncode == 0
    for cmd in ("validate", "query", "show", "build"):
        assert cmd in out.stdout


def test_bad_usage_exits_2() -> None:
    out = run("no-such-command")
    assert out.returncode == 2
    assert "No such command" in out.stderr
    out = run("query", "SELECT * WHERE {?s ?p ?o}", "--format", "yaml")
    assert out.returncode == 2


def test_validate_bundled_data_passes() -> None:
    out = run("validate")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip().splitlines()[-1].startswith("valid: checked")


def test_validate_json_report() -> None:
    out = run("validate", str(INVALID / "Agreement-party-001.ttl"), "--format", "json")
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert report["conforms"] is False
    assert {v["shape"] for v in report["violations"]} >= {"Agreement-party"}


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:d ex:e "unterminated .\n')
    out = run("validate", str(bad))
    assert out.returncode == 2
    assert "broken.ttl:3:" in out.stderr
    assert "syntax error" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_violation_names_the_line_where_its_node_starts(tmp_path: Path) -> None:
    bad = tmp_path / "two-agreements.ttl"
    bad.write_text(
        "@prefix mrkg: <https://w3id.org/mrkg/ontology#> .\n"          # 1
        "@prefix agreement: <https://w3id.org/mrkg/id/agreement/> .\n"  # 2
        "\n"                                                             # 3
        "<https://w3id.org/mrkg/id/agreement/also-lonely> a mrkg:Article6MOU ;\n"  # 4
        '    <http://www.w3.org/2000/01/rdf-schema#comment> """a note that quotes\n'  # 5
        "agreement:lonely-mou a mrkg:Article6MOU at the start of a line\n"  # 6: text, not a subject
        '""" .\n'                                                        # 7
        "\n"                                                             # 8
        "# an agreement with one party only\n"                           # 9
        "agreement:lonely-mou a mrkg:Article6MOU ;\n"                    # 10
        "    mrkg:party <https://w3id.org/mrkg/id/jurisdiction/SG> .\n")  # 11
    out = run("validate", str(bad))
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert any("two-agreements.ttl:10: agreement/lonely-mou mrkg:party" in ln for ln in lines), out.stdout
    assert any("two-agreements.ttl:4: agreement/also-lonely" in ln for ln in lines), out.stdout
    report = json.loads(run("validate", str(bad), "--format", "json").stdout)
    assert {tuple(v["lines"].values()) for v in report["violations"]} == {(4,), (10,)}


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    odd = tmp_path / "facts.csv"
    odd.write_text("a,b\n")
    out = run("validate", str(odd))
    assert out.returncode == 2 and "unknown RDF format" in out.stderr
    out = run("validate", str(tmp_path / "absent.ttl"))
    assert out.returncode == 2 and "no such file" in out.stderr


@pytest.mark.parametrize(("fixture", "expected"), [
    ("undefined-term-001.ttl", "does not define"),
    ("Fact-source-001.ttl", "needs at least one source"),
    ("AgreementEvent-date-002.ttl", "valid xsd:date"),
    ("Country-isoAlpha2-001.ttl", "ISO 3166-1 alpha-2"),
])
def test_each_kind_of_bad_data_exits_1_with_message(fixture: str, expected: str) -> None:
    out = run("validate", str(INVALID / fixture))
    assert out.returncode == 1, out.stdout + out.stderr
    assert expected in out.stdout
    assert fixture in out.stdout  # the file is named
    assert "Traceback" not in out.stderr


def test_query_select_table_csv_json() -> None:
    q = "SELECT ?code WHERE { ?c mrkg:isoAlpha2 ?code FILTER(?code IN ('SG','TH')) } ORDER BY ?code"
    out = run("query", q)
    assert out.returncode == 0
    assert out.stdout.split() [-3:] == ["TH", "(2", "rows)"]
    out = run("query", q, "--format", "csv")
    assert out.stdout.splitlines() == ["code", "SG", "TH"]
    out = run("query", q, "--format", "json")
    data = json.loads(out.stdout)
    assert [b["code"]["value"] for b in data["results"]["bindings"]] == ["SG", "TH"]


def test_query_from_file_and_ask(tmp_path: Path) -> None:
    rq = tmp_path / "ask.rq"
    rq.write_text("ASK { <https://w3id.org/mrkg/id/jurisdiction/ID> a mrkg:Country }")
    out = run("query", str(rq))
    assert out.returncode == 0 and "true" in out.stdout


def test_query_knows_the_instance_kind_prefixes() -> None:
    """programme:, agreement: ... work without PREFIX lines, and a query may still declare its own."""
    q = "SELECT ?a WHERE { ?a mrkg:party jurisdiction:TH , jurisdiction:SG ; a mrkg:ImplementationAgreement }"
    out = run("query", q, "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert "https://w3id.org/mrkg/id/agreement/sg-th-ia-2025" in out.stdout.splitlines()
    own = "PREFIX programme: <https://w3id.org/mrkg/id/programme/>\n" \
          "ASK { agreement:id-gold-standard-mra-2025 mrkg:party programme:gold-standard }"
    out = run("query", own)
    assert out.returncode == 0 and "true" in out.stdout, out.stderr


def test_query_refuses_updates() -> None:
    out = run("query", "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")
    assert out.returncode == 2
    assert "read-only" in out.stderr


def test_query_syntax_error() -> None:
    out = run("query", "SELECT ?x WHERE { ?x ")
    assert out.returncode == 2
    assert "SPARQL syntax error" in out.stderr


def test_show_entity_with_sources() -> None:
    out = run("show", "SG")
    assert out.returncode == 0
    assert "Singapore" in out.stdout
    assert "sources:" in out.stdout and "[1]" in out.stdout


def test_show_unknown_suggests() -> None:
    out = run("show", "Singapor")
    assert out.returncode == 2
    assert "did you mean" in out.stderr and "singapore" in out.stderr


def test_build_writes_downloads(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out = run("build", str(out_dir))
    assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in out_dir.iterdir())
    assert {"mrkg.jsonld", "mrkg.nt", "mrkg.ttl", "mrkg.nq", "void.ttl", "csv"} <= set(names)
    from rdflib import Graph

    nt = Graph().parse(out_dir / "mrkg.nt")
    ttl = Graph().parse(out_dir / "mrkg.ttl")
    jsonld = Graph().parse(out_dir / "mrkg.jsonld")
    assert len(nt) == len(ttl) == len(jsonld) > 2000
    void = Graph().parse(out_dir / "void.ttl")
    triples = next(void.objects(None, __import__("rdflib").URIRef("http://rdfs.org/ns/void#triples")))
    assert int(triples) == len(nt)
    import csv

    with (out_dir / "csv" / "Country.csv").open() as f:
        countries = list(csv.DictReader(f))
    assert len(countries) == 249 and {"iri", "rdfs:label", "mrkg:isoAlpha2"} <= set(countries[0])
    with (out_dir / "csv" / "Agreement.csv").open() as f:
        agreements = {row["iri"] for row in csv.DictReader(f)}
    assert "https://w3id.org/mrkg/id/agreement/sg-th-ia-2025" in agreements
    html = (out_dir / "ontology.html").read_text()  # pyLODE documentation of the ontology
    assert "ImplementationAgreement" in html and "Mutual recognition agreement" in html
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no temporary left over


def test_failed_build_leaves_no_files(tmp_path: Path) -> None:
    """A build over invalid data writes nothing: run build against a copy of the bundle with a bad file."""
    import shutil

    from mrkg import resources

    bundle = tmp_path / "bundle"
    for part in ("ontology", "shapes", "data"):
        shutil.copytree(resources.root() / part, bundle / part)
    shutil.copy(INVALID / "Agreement-party-001.ttl", bundle / "data" / "bad.ttl")
    code = (
        "import sys; from pathlib import Path; from mrkg import resources; "
        f"resources.root.cache_clear(); resources.root = lambda: Path({str(bundle)!r}); "
        "from mrkg.cli import main; sys.argv = ['mrkg', 'build', sys.argv[1]]; main()"
    )
    out_dir = tmp_path / "out"
    out = subprocess.run([sys.executable, "-c", code, str(out_dir)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 1, out.stderr
    assert "build refused" in out.stderr
    assert not out_dir.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_paths_text_shows_hops_and_sources() -> None:
    out = run("paths", "--programme", "gold-standard", "--host", "ID")
    assert out.returncode == 0, out.stderr
    assert "ELIGIBLE" in out.stdout
    assert "mutual recognition agreement" in out.stdout
    assert "sources:" in out.stdout and "kompas" in out.stdout.lower()


def test_paths_json_schema() -> None:
    out = run("paths", "-p", "verra", "--host", "BT", "--to", "sg-carbon-tax", "--not-authorised", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["schema_version"] == 1
    assert data["profile"]["authorised"] is False
    [path] = data["pathways"]
    assert set(path) >= {"target", "target_label", "verdict", "hops", "unmet", "reasons", "sources", "strength"}
    assert path["verdict"] == "not recognised"
    assert all({"kind", "source", "target", "via", "label", "conditions", "sources"} <= set(h) for h in path["hops"])


def test_paths_as_of_changes_the_answer() -> None:
    before = run("paths", "-p", "gcc", "--host", "ID", "--to", "spe-grk", "--as-of", "2025-09-15", "--format", "json")
    after = run("paths", "-p", "gcc", "--host", "ID", "--to", "spe-grk", "--as-of", "2025-09-16", "--format", "json")
    assert json.loads(before.stdout)["pathways"] == []
    assert json.loads(after.stdout)["pathways"][0]["verdict"] == "eligible"


@pytest.mark.parametrize(("args", "message"), [
    (["-p", "vera", "--host", "ID"], "did you mean: verra"),
    (["-p", "verra", "--host", "XQ"], "unknown host"),
    (["-p", "gold-standard", "--host", "BT", "-m", "VM0042"], "contradicts itself"),
    (["-p", "verra", "--host", "BT", "--as-of", "21/11/2026"], "--as-of must be a date"),
    (["-p", "verra", "--host", "BT", "--to", "nz-etz"], "did you mean: nz-ets"),
])
def test_paths_bad_input_exits_2(args: list[str], message: str) -> None:
    out = run("paths", *args)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_matrix_csv_covers_every_programme_and_country() -> None:
    out = run("matrix", "--reachable-only")
    assert out.returncode == 0, out.stderr
    rows = out.stdout.splitlines()
    assert rows[0] == "programme,host,target,verdict,note"
    assert "programme/gold-standard,jurisdiction/ID,programme/spe-grk,eligible," in out.stdout
    assert all(",not recognised," not in r for r in rows[1:])


def test_saved_query_with_parameter() -> None:
    out = run("query", "mras-by-programme", "--param", "programme=gcc", "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["agreement,jurisdiction,recognisedAs,signed",
                                       "https://w3id.org/mrkg/id/agreement/id-gcc-mra-2025,ID,spe-grk,2025-09-16"]
    listed = run("query", "--list")
    assert "mras-by-programme" in listed.stdout
    bad = run("query", "mras-by-programme", "--param", "programme")
    assert bad.returncode == 2 and "NAME=VALUE" in bad.stderr


def test_explore_stops_its_streamlit_server_when_terminated(tmp_path: Path) -> None:
    """SIGTERM to `mrkg explore` must not leave the Streamlit server it started answering on its port."""
    import urllib.error
    import urllib.request

    from servers import free_port, start, stop, wait_for

    port = free_port()
    health = f"http://127.0.0.1:{port}/_stcore/health"
    log = tmp_path / "explore.log"
    proc = start([sys.executable, "-m", "mrkg", "explore", "--port", str(port)], log)
    try:
        wait_for(health, proc, log)
    finally:
        stop(proc)
    deadline = time.monotonic() + 15
    answering = True
    while answering and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(health, timeout=2):
                time.sleep(0.3)
        except (urllib.error.URLError, OSError):
            answering = False
    assert not answering, f"the explorer still answers on port {port} after `mrkg explore` was terminated"
