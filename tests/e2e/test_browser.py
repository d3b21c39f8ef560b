"""End to end: the real explorer on 127.0.0.1, driven by Debian's Chromium (headless) through Playwright.

Opens the pathway page, fills the form (Gold Standard, Indonesia), checks the rendered answer, saves a screenshot
outside tests/ (MRKG_ARTIFACTS, else <tmp>/mrkg-artifacts) and prints its path and the timings measured.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from servers import free_port

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def _chromium() -> Path:
    """Debian's Chromium; installed with apt-get when missing (as root). Skips only if that cannot be done."""
    if CHROMIUM.exists():
        return CHROMIUM
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run("apt-get update -qq && apt-get install -y -qq chromium", shell=True, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium and could not be installed with apt-get")
    return CHROMIUM


def artifact_dir() -> Path:
    out = Path(os.environ.get("MRKG_ARTIFACTS") or Path(tempfile.gettempdir()) / "mrkg-artifacts")
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, float]]:
    """`mrkg explore` on a free port; yields its address and the seconds until it answered its health check."""
    port = free_port()
    log = tmp_path_factory.mktemp("explorer") / "streamlit.log"
    start = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "mrkg", "explore", "--port", str(port)], stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                pytest.fail(f"the explorer did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield url, time.perf_counter() - start
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _pick(page, label: str, text: str) -> None:
    """Choose an option of a Streamlit selectbox by typing part of its text."""
    box = page.get_by_label(label)
    box.click()
    box.fill(text)
    page.get_by_role("option", name=text, exact=False).first.click()


def test_pathway_page_in_a_real_browser(server: tuple[str, float], capsys: pytest.CaptureFixture[str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, started = server
    executable = _chromium()
    shot = artifact_dir() / "pathway-gold-standard-ID.png"
    timings: dict[str, float] = {"server start (health check)": started}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(executable), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            t = time.perf_counter()
            page.goto(f"{url}/Where_can_this_credit_go?programme=verra&host=BT")
            expect(page.get_by_text("Singapore carbon tax").first).to_be_visible(timeout=30_000)
            timings["first page interactive (load to first answer)"] = time.perf_counter() - t
            t = time.perf_counter()
            _pick(page, "Crediting programme", "Gold Standard for the Global Goals")
            expect(page.get_by_text("Gold Standard for the Global Goals (GS4GG) credit from Bhutan")).to_be_visible()
            timings["choose programme"] = time.perf_counter() - t
            t = time.perf_counter()
            _pick(page, "Host country (where the activity is)", "Indonesia (ID)")
            heading = page.get_by_role("heading", name="1. Sertifikat Pengurangan Emisi Gas Rumah Kaca (SPE-GRK)")
            expect(heading).to_be_visible(timeout=15_000)
            timings["choose host, answer shown"] = time.perf_counter() - t
            expect(heading).to_contain_text("ELIGIBLE")
            expect(page.get_by_text("Gold Standard for the Global Goals (GS4GG) credit from Indonesia")).to_be_visible()
            assert "host=ID" in page.url and "programme=gold-standard" in page.url  # the address can be shared
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    with capsys.disabled():
        print(f"\nscreenshot: {shot}")
        for name, seconds in timings.items():
            print(f"  {name}: {seconds * 1000:.0f} ms")


PAGES = [  # (address, title, text the page must show once its data is there)
    ("", "mrkg explorer: carbon-credit recognition", "What the graph holds"),
    ("Where_can_this_credit_go?programme=gold-standard&host=ID", "Where can this credit go?", "SPE-GRK"),
    ("Recognition_matrix", "Recognition matrix", "The same cells as a table"),
    ("Agreements?id=agreement/sg-th-ia-2025", "Agreements", "Singapore"),
    ("Methodologies?id=methodology/verra/VM0050", "Methodologies", "VM0050"),
    ("Network?id=jurisdiction/SG", "Network", "Singapore"),
    ("SPARQL", "SPARQL", "Run"),
    ("Validation", "Validation", "valid"),
    ("Entity?id=jurisdiction/ID", "Entity", "Indonesia"),
]


def test_every_page_renders_in_a_real_browser(server: tuple[str, float], capsys: pytest.CaptureFixture[str]) -> None:
    """Each page opens from its address (deep links included), shows its content and no error; one screenshot
    per page."""
    from playwright.sync_api import expect, sync_playwright

    url, _ = server
    executable = _chromium()
    shots: list[tuple[str, Path, float]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(executable), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            for address, title, marker in PAGES:
                t = time.perf_counter()
                page.goto(f"{url}/{address}")
                expect(page.get_by_role("heading", name=title).first).to_be_visible(timeout=30_000)
                expect(page.get_by_text(marker).first).to_be_visible(timeout=30_000)
                page.wait_for_timeout(500)  # let late elements (charts, components) settle before the picture
                took = time.perf_counter() - t
                assert page.get_by_text("Traceback").count() == 0, address
                assert page.locator("[data-testid='stException']").count() == 0, address
                name = (address.split("?")[0] or "Home").lower()
                shot = artifact_dir() / f"page-{name}.png"
                page.screenshot(path=str(shot), full_page=True)
                shots.append((title, shot, took))
        finally:
            browser.close()
    assert all(shot.stat().st_size > 10_000 for _, shot, _ in shots)
    with capsys.disabled():
        print()
        for title, shot, took in shots:
            print(f"  {title}: {took * 1000:.0f} ms to content, screenshot {shot}")
