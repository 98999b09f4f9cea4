"""Load on the web app: concurrent clients searching while ingests commit, on loopback only.

    python scripts/load.py                     # 20 clients for 60 s, an ingest committing every few seconds
    python scripts/load.py --clients 5 --seconds 10

It builds an index of the bundled corpus in a temporary folder, starts ``report-index serve`` on
a free port of 127.0.0.1 (its own process, as a user runs it), and has ``--clients`` threads
search ``/api/search`` one request after another for ``--seconds`` (at most ``--max-requests``
in all). Meanwhile ingests (``report-index ingest``, their own processes) add synthetic reports
to the index, a few at a time, each run a commit the server must pick up.

Every answer is checked: status 200, JSON, and nothing of a half-written index: each hit's
report has a title and is one the index lists, no more hits than the total, and the number of
reports a client sees never goes down. It prints the requests, the errors, p50/p95/max latency
and how many commits the server saw, and exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUERIES = [
    "stalking orders", "SPO", "modern slavery", "Clare's Law", "domestic abuse", "SmartWater",
    "missing children", "safeguarding hub", "stalkng", '"Stalking Protection Orders"',
    "synthetic pilot", "referral AND victim", "WYASP", "exploitation NOT criminal",
]


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "report_index", *args]


def start_server(index_dir: Path) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(command("--index", str(index_dir), "serve", "--port", "0"), stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    found = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
    if not found:
        server.kill()
        raise SystemExit(f"the server did not start: {line.strip()}")
    threading.Thread(target=lambda: SERVER_LOG.extend(server.stderr), daemon=True).start()  # keep its pipe drained
    return server, found.group(1)


#: What the server wrote on stderr after starting (printed when a request failed).
SERVER_LOG: list[str] = []


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        if response.status != 200:
            raise ValueError(f"status {response.status}")
        return json.loads(response.read())


class Client(threading.Thread):
    def __init__(self, number: int, address: str, until: float, budget: threading.Semaphore):
        super().__init__(name=f"client-{number}", daemon=True)
        self.rng = random.Random(number)
        self.address, self.until, self.budget = address, until, budget
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.reports_seen = 0

    def run(self) -> None:
        while time.monotonic() < self.until and self.budget.acquire(blocking=False):
            listing = self.rng.random() < 0.1
            url = self.address + ("/api/reports" if listing else "/api/search?" + urlencode({"q": self.rng.choice(QUERIES), "limit": 10}))
            started = time.perf_counter()
            try:
                data = get_json(url)
                self.latencies.append(time.perf_counter() - started)
                self.check(data, listing)
            except urllib.error.HTTPError as exc:
                self.errors.append(f"{url}: {exc}: {exc.read()[:300].decode('utf-8', 'replace')}")
            except (OSError, ValueError, urllib.error.URLError) as exc:
                self.errors.append(f"{url}: {exc}")

    def check(self, data: dict, listing: bool) -> None:
        if listing:
            count = len(data["reports"])
            if count < self.reports_seen:
                raise ValueError(f"{count} reports listed after {self.reports_seen} were")
            if any(not r["title"] or not r["paragraphs"] for r in data["reports"]):
                raise ValueError("a report without a title or passages")
            self.reports_seen = count
            return
        if len(data["hits"]) > data["total"]:
            raise ValueError(f"{len(data['hits'])} hits of {data['total']}")
        for hit in data["hits"]:
            if not hit["report_title"] or not hit["text"]:
                raise ValueError(f"hit {hit['id']} has no report title or text")


def feed(index_dir: Path, staging: Path, folder: Path, until: float, every: float, per_batch: int) -> list[str]:
    """Ingests during the run: ``per_batch`` new reports moved into the corpus folder, then an
    ingest that commits them, every ``every`` seconds. Returns each run's summary line."""
    runs: list[str] = []
    waiting = sorted(staging.iterdir())
    while time.monotonic() + every < until and waiting:
        time.sleep(every)
        for path in waiting[:per_batch]:
            shutil.move(str(path), folder / path.name)
        waiting = waiting[per_batch:]
        done = subprocess.run(command("--index", str(index_dir), "ingest", str(folder), "--wait", "30"), capture_output=True, text=True, check=False)
        runs.append(done.stdout.strip() or done.stderr.strip())
        if done.returncode:
            raise SystemExit(f"an ingest failed: {done.stderr.strip()}")
    return runs


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--ingest-every", type=float, default=4.0, help="seconds between ingests")
    parser.add_argument("--reports-per-ingest", type=int, default=3)
    args = parser.parse_args(argv)

    from report_index.synthetic import make_paragraph_reports

    with tempfile.TemporaryDirectory(prefix="report-index-load-") as temporary:
        work = Path(temporary)
        folder, staging, index_dir = work / "corpus", work / "staging", work / "index"
        folder.mkdir()
        staging.mkdir()
        for pdf in CORPUS.glob("*.pdf"):
            shutil.copy(pdf, folder / pdf.name)
        batches = max(1, int(args.seconds // args.ingest_every))
        make_paragraph_reports(staging, paragraphs=100 * args.reports_per_ingest * batches, per_report=100)
        subprocess.run(command("--index", str(index_dir), "ingest", str(folder)), check=True, capture_output=True)
        server, address = start_server(index_dir)
        try:
            before = len(get_json(address + "/api/reports")["reports"])
            until = time.monotonic() + args.seconds
            budget = threading.Semaphore(args.max_requests)
            clients = [Client(n, address, until, budget) for n in range(args.clients)]
            started = time.monotonic()
            for client in clients:
                client.start()
            runs = feed(index_dir, staging, folder, until, args.ingest_every, args.reports_per_ingest)
            for client in clients:
                client.join(timeout=args.seconds + 60)
            elapsed = time.monotonic() - started
            after = len(get_json(address + "/api/reports")["reports"])
        finally:
            server.terminate()
            server.wait(timeout=10)
    latencies = [t for c in clients for t in c.latencies]
    errors = [e for c in clients for e in c.errors]
    print(f"{args.clients} clients for {elapsed:.0f} s on {address}: {len(latencies) + len(errors)} requests "
          f"({len(latencies) / elapsed:.0f}/s), {len(errors)} errors")
    if latencies:
        print(f"latency p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
              f"max {max(latencies) * 1000:.0f} ms, mean {statistics.fmean(latencies) * 1000:.0f} ms")
    print(f"{len(runs)} ingests committed during the run: reports {before} -> {after}")
    for error in errors[:10]:
        print("ERROR", error)
    if errors and SERVER_LOG:
        print("The server's log:", "".join(line for line in SERVER_LOG if "Task queue depth" not in line)[-6000:], sep="\n")
    return 1 if errors or not latencies else 0


if __name__ == "__main__":
    sys.exit(main())
