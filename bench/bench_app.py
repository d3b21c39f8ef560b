"""Explorer benchmark: time to the first page, and the time of each interaction (a widget change and rerun).

    python bench/bench_app.py [--repeat 5]
Targets (issue: explorer): first page interactive in under 3 s after start; each interaction under 300 ms.
Measured server-side with Streamlit's AppTest (the script run that answers a widget change), in a fresh
process so the first page pays for loading the graph. A browser's own figures are printed by the end-to-end
test (tests/e2e/test_browser.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path

START = time.perf_counter()
from streamlit.testing.v1 import AppTest  # noqa: E402

APP = Path(__file__).resolve().parent.parent / "app"
FIRST_PAGE_S = 3.0
INTERACTION_MS = 300.0


def page(name: str) -> AppTest:
    at = AppTest.from_file(str(APP / name if name == "Home.py" else APP / "pages" / name), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def timed(at: AppTest, change: Callable[[AppTest, object], object], values: list[object], repeat: int) -> list[float]:
    """Milliseconds of each rerun after setting a widget to the next value (cycled ``repeat`` times)."""
    runs = []
    for _ in range(repeat):
        for value in values:
            change(at, value)
            start = time.perf_counter()
            at.run()
            runs.append((time.perf_counter() - start) * 1000)
            assert not at.exception, at.exception
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    first = page("Home.py")
    first_s = time.perf_counter() - START
    print(f"first page (process start -> Overview rendered, graph loaded): {first_s:.2f} s "
          f"(target < {FIRST_PAGE_S:.0f} s)")
    del first
    r = args.repeat
    today = dt.date.today()
    cases: list[tuple[str, str, Callable[[AppTest, object], object], list[object]]] = [
        ("Overview: changes since", "Home.py", lambda a, v: a.date_input(key="since").set_value(v),
         [dt.date(2025, 1, 1), dt.date(2026, 1, 1)]),
        ("Pathways: host country", "1_Where_can_this_credit_go.py",
         lambda a, v: a.selectbox(key="host").set_value(v), ["ID", "BT", "SG", "GH", "TH"]),
        ("Pathways: programme", "1_Where_can_this_credit_go.py",
         lambda a, v: a.selectbox(key="programme").set_value(v), ["verra", "gold-standard", "gcc", "jcm"]),
        ("Pathways: vintage", "1_Where_can_this_credit_go.py",
         lambda a, v: a.selectbox(key="vintage").set_value(v), ["2023", "2019", "2025"]),
        ("Matrix: region", "2_Recognition_matrix.py", lambda a, v: a.selectbox(key="region").set_value(v),
         ["ASEAN", "Asia", "Oceania"]),
        ("Matrix: as-of date (new computation)", "2_Recognition_matrix.py",
         lambda a, v: a.date_input(key="matrix_as_of").set_value(v),
         [today - dt.timedelta(days=d) for d in range(1, 6)]),
        ("Agreements: country", "3_Agreements.py", lambda a, v: a.selectbox(key="ag_country").set_value(v),
         ["SG", "JP", "CH", "ID", "any"]),
        ("Methodologies: search", "4_Methodologies.py", lambda a, v: a.text_input(key="meth_search").set_value(v),
         ["cook", "VM00", "forest", ""]),
        ("Network: centre", "5_Network.py", lambda a, v: a.selectbox(key="net_center").set_value(v),
         ["jurisdiction/SG", "programme/gold-standard", "agreement/sg-th-ia-2025", "jurisdiction/JP"]),
        ("SPARQL: run an example", "6_SPARQL.py", lambda a, v: (a.selectbox(key="example").set_value(v),
                                                                a.button(key="run").click()),
         ["Members of ASEAN", "Agreements signed since 2025", "Count of entities per class"]),
    ]
    worst = 0.0
    print(f"\ninteractions (rerun after a widget change; median / max of {r} rounds):")
    for name, file, change, values in cases:
        at = page(file)
        runs = timed(at, change, values, r)
        med, top = statistics.median(runs), max(runs)
        worst = max(worst, med)
        print(f"  {name:<40} median {med:6.1f} ms   max {top:6.1f} ms   "
              f"{'ok' if med < INTERACTION_MS else 'SLOW'}")
    ok = first_s < FIRST_PAGE_S and worst < INTERACTION_MS
    print(f"\n{'all targets met' if ok else 'a target was missed'}: first page {first_s:.2f} s, "
          f"slowest interaction median {worst:.0f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
