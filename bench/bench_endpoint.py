"""Endpoint load test: `mrkg serve` on 127.0.0.1 under a bounded load of concurrent clients.

    python bench/bench_endpoint.py [--clients 20] [--seconds 30]
Prints throughput, p50/p99 latency and the error count (target: zero errors). Traffic stays on 127.0.0.1;
the loop is bounded in time and stops by itself.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from mrkg import queries
from mrkg.store import PROLOGUE


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "mrkg", "serve", "--port", str(port), "--timeout", "10"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        bodies = [(PROLOGUE + q.bind({})).encode() for q in queries.saved_queries().values()]
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds

        def client(i: int) -> None:
            n = i
            while time.monotonic() < stop_at:
                body = bodies[n % len(bodies)]
                n += 1
                req = urllib.request.Request(url, data=body, method="POST", headers={
                    "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(req, timeout=30) as r:
                        r.read()
                    took = time.perf_counter() - start
                    with lock:
                        latencies.append(took)
                except (urllib.error.URLError, OSError) as err:
                    with lock:
                        errors.append(str(err))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan")
        print(f"{args.clients} clients for {args.seconds:.0f} s on 127.0.0.1: {len(latencies)} queries, "
              f"{len(latencies) / wall:.0f} queries/s, p50 {statistics.median(latencies) * 1000:.1f} ms, "
              f"p99 {p99 * 1000:.1f} ms, errors {len(errors)}  [target: zero errors]")
        if errors:
            print("first error:", errors[0])
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
