"""Benchmark ingest and search against plain baselines measured in the same run.

Builds a deterministic, clearly synthetic corpus in a temporary folder with
``report_index.synthetic`` (reportlab PDFs of several pages, each report with a ruled measures
table; and plain-text reports holding a set of paragraphs for the search figures), then prints
one table: each figure beside its baseline, the target and PASS/FAIL.

    python scripts/bench.py                 # default sizes: 200 reports (~1,200 pages), 100,000 paragraphs
    python scripts/bench.py --quick         # small sizes, a smoke run of a minute or two
    python scripts/bench.py --reports 50 --paragraphs 20000

Baselines: pdfplumber ``extract_text()`` for ingest, a default Whoosh writer for the index build,
SQLite FTS5 (porter) for queries, bare ``python -c "import click"`` for start-up.

What is timed: "ingest" is the whole ``report-index ingest`` command (start-up, reading,
structure, initiatives, indexing, commit, exit) over every generated PDF, with one process
(``--jobs 1``) and with the default (a worker a core); "PDF reading alone" is ``read_pdf`` on the baseline's sample.
"index build" gives the same documents to Whoosh's default writer and to the ingest's writers
(``workers.index_documents``: a segment a core). Queries are ``search.search`` in this process;
the command and cold-start rows run ``python -m report_index search``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report_index.synthetic import make_paragraph_reports, make_pdfs

QUERIES = [
    ("stalking", {}), ("referral", {}), ("funding", {}), ("exploitation", {}),
    ("stalking AND referral", {}), ("domestic AND abuse", {}),
    ('"protection order"', {}), ('"domestic abuse"', {}),
    ("victim", {"date_from": "2021-01-01", "date_to": "2022-12-31"}), ("training", {"date_from": "2023"}),
    ("pilot", {"initiative": "Operation Encompass"}), ("support", {"initiative": "Clare's Law"}),
]


# --------------------------------------------------------------------------------------------
# Measuring


def run(arguments: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, largest process) of ``python ARGUMENTS``."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, *arguments], check=True, stdout=subprocess.DEVNULL)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.perf_counter() - start, max(peak, before) / 1024


def ingest_command(folder: Path, index: Path, jobs: int = 0) -> list[str]:
    """``report-index ingest`` (exit code 0: every file was read)."""
    return ["-m", "report_index", "--index", str(index), "ingest", str(folder), *(["--jobs", str(jobs)] if jobs else [])]


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=1000, help="Small files for the unchanged re-ingest.")
    parser.add_argument("--baseline-files", type=int, default=20, help="PDFs the pdfplumber baseline reads (a sample, for time).")
    parser.add_argument("--quick", action="store_true", help="Small sizes: 10 reports, 3,000 paragraphs, 100 files.")
    args = parser.parse_args(argv)
    if args.quick:
        args.reports, args.paragraphs, args.baseline_files, args.files = 10, 3000, 5, 100
    rows: list[tuple[str, str, str, str, bool | None]] = []  # None: the run is too small to judge
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

    with tempfile.TemporaryDirectory(prefix="report-index-bench-") as tmp:
        tmp_path = Path(tmp)
        pdfs = tmp_path / "pdfs"
        pdfs.mkdir()
        print(f"generating {args.reports} synthetic PDF reports ...", file=sys.stderr)
        pages = make_pdfs(pdfs, args.reports)
        files = sorted(pdfs.glob("*.pdf"))

        import pdfplumber

        sample = files[: args.baseline_files]
        start, sample_pages = time.perf_counter(), 0
        for path in sample:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_text()
                    sample_pages += 1
        base_rate = sample_pages / (time.perf_counter() - start)

        from report_index.sources.pdf import read_pdf

        start = time.perf_counter()
        for path in sample:
            read_pdf(path)
        read_rate = sample_pages / (time.perf_counter() - start)
        rows.append((f"PDF reading alone, 1 process ({sample_pages} pages)", f"{read_rate:.1f} pages/s ({read_rate / base_rate:.1f}x)",
                     f"{base_rate:.1f} pages/s (pdfplumber extract_text)", ">= 15x (reading)", read_rate >= 15 * base_rate))

        print("ingest, one process ...", file=sys.stderr)
        one_s, rss_one = run(ingest_command(pdfs, tmp_path / "ix1", jobs=1))
        one_rate = pages / one_s
        print("ingest, all cores ...", file=sys.stderr)
        all_s, rss_all = run(ingest_command(pdfs, tmp_path / "ix2"))
        all_rate = pages / all_s
        rows.append((f"ingest, 1 process ({pages} pages, whole run)", f"{one_rate:.1f} pages/s ({one_rate / base_rate:.1f}x)",
                     f"{base_rate:.1f} pages/s (pdfplumber extract_text)", "(for information)", None))
        rows.append((f"ingest, {cores} cores (the default)", f"{all_rate:.1f} pages/s ({all_rate / base_rate:.1f}x)",
                     f"{base_rate:.1f} pages/s (pdfplumber extract_text)", ">= 15x (whole run)", all_rate >= 15 * base_rate))
        rows.append((f"ingest, {cores} cores vs 1 process", f"{all_rate / one_rate:.2f}x", f"{one_rate:.1f} pages/s (1 process)",
                     ">= 1.7x", (all_rate >= 1.7 * one_rate) if cores >= 2 else None))

        # ---- unchanged re-ingest: many small files, so that hashing and start-up are what is timed
        small = tmp_path / "small"
        small.mkdir()
        make_paragraph_reports(small, args.files * 5, per_report=5)
        print(f"ingest of {args.files} small files ...", file=sys.stderr)
        run(ingest_command(small, tmp_path / "ix-small"))
        again_s = statistics.median(run(ingest_command(small, tmp_path / "ix-small"))[0] for _ in range(3))
        rows.append((f"re-ingest unchanged ({args.files} files)", f"{again_s:.2f} s (whole command)", "-",
                     "< 2 s per 1,000 files", again_s * 1000 / args.files < 2.0 if args.files >= 1000 else None))

        # ---- search corpus
        texts = tmp_path / "texts"
        texts.mkdir()
        make_paragraph_reports(texts, args.paragraphs)
        print(f"ingesting {args.paragraphs} paragraphs ...", file=sys.stderr)
        big = tmp_path / "big"
        ingest_s, rss_big = run(ingest_command(texts, big))
        peak = max(rss_one, rss_all, rss_big)
        rows.append(("ingest peak RSS (largest process, all runs)", f"{peak:.0f} MB", "-", "< 500 MB", peak < 500))
        size_mb = sum(p.stat().st_size for p in big.rglob("*") if p.is_file()) / 1e6

        from whoosh import index as whoosh_index

        from report_index.index.documents import report_documents
        from report_index.index.files import INDEX_NAME
        from report_index.index.schema import build_schema
        from report_index.index.store import load_reports, open_or_create
        from report_index.search.run import search
        from report_index.ingest.workers import index_documents

        reports = load_reports(big)
        documents = [doc for report in reports for doc in report_documents(report, "bench")]
        passages = sum(1 for d in documents if d["kind"] != "report")
        plain = tmp_path / "plain"
        plain.mkdir()
        print("default Whoosh writer ...", file=sys.stderr)
        start = time.perf_counter()
        ix = whoosh_index.create_in(str(plain), build_schema(), indexname=INDEX_NAME)
        with ix.writer() as writer:
            for doc in documents:
                writer.add_document(**doc)
        plain_s = time.perf_counter() - start
        print("report-index writers ...", file=sys.stderr)
        ours = tmp_path / "ours"
        start = time.perf_counter()
        open_or_create(ours)
        index_documents(ours, documents, processes=cores)
        ours_s = time.perf_counter() - start
        rows.append((f"index build ({passages} passages, same documents)", f"{ours_s:.1f} s ({cores} writer processes)",
                     f"{plain_s:.1f} s (default Whoosh writer)", ">= 2x faster", plain_s >= 2 * ours_s))
        rows.append(("whole ingest of those passages", f"{ingest_s:.1f} s, index {size_mb:.0f} MB",
                     f"{plain_s:.1f} s (default Whoosh writer, documents only)", "(for information)", None))

        # ---- queries
        latencies = []
        search(big, "warm up")
        for _ in range(3):
            for query, options in QUERIES:
                start = time.perf_counter()
                search(big, query, **options)
                latencies.append((time.perf_counter() - start) * 1000)
        db = sqlite3.connect(":memory:")
        db.execute("CREATE VIRTUAL TABLE p USING fts5(text, date UNINDEXED, tokenize='porter')")
        db.executemany("INSERT INTO p VALUES (?, ?)", [(d["text"], d["date"]) for d in documents if d["kind"] != "report"])
        fts = []
        for _ in range(3):
            for query, options in QUERIES:
                match = query.replace(" AND ", " ")
                if "initiative" in options:
                    match = f'{match} "{options["initiative"]}"'
                sql, params = "SELECT rowid, text FROM p WHERE p MATCH ? ", [match]
                if "date_from" in options:
                    sql += "AND date >= ? "
                    params.append(options["date_from"])
                start = time.perf_counter()
                db.execute(sql + "ORDER BY rank LIMIT 10", params).fetchall()
                fts.append((time.perf_counter() - start) * 1000)
        p50, p95, f50 = percentile(latencies, 0.5), percentile(latencies, 0.95), percentile(fts, 0.5)
        rows.append((f"query p50 ({passages} passages)", f"{p50:.1f} ms", f"{f50:.1f} ms (FTS5 porter)", "<= 5x FTS5", p50 <= 5 * f50))
        rows.append(("query p95", f"{p95:.1f} ms", f"{percentile(fts, 0.95):.1f} ms (FTS5 porter)", "< 150 ms", p95 < 150))

        # ---- the whole command
        def command(index: Path, query: str) -> float:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "report_index", "--index", str(index), "search", query],
                           check=True, stdout=subprocess.DEVNULL)
            return time.perf_counter() - start

        def bare() -> float:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import click"], check=True)
            return time.perf_counter() - start

        cmd = statistics.median(command(big, q) for q, _ in QUERIES[:5])
        bare_s = statistics.median(bare() for _ in range(5))
        rows.append(("`report-index search` wall time, big index", f"{cmd:.2f} s", f"{bare_s:.2f} s (import click)", "< 0.5 s", cmd < 0.5))
        cold = statistics.median(command(tmp_path / "ix1", q) for q, _ in QUERIES[:5])
        rows.append((f"cold start, small index ({len(files)} reports)", f"{cold:.2f} s", f"{bare_s:.2f} s (import click)", "<= click + 0.25 s", cold <= bare_s + 0.25))

    print(f"\nreport-index benchmark: {args.reports} reports / {pages} pages, {args.paragraphs} paragraphs; "
          f"{cores} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}\n")
    header = ("measure", "report-index", "baseline", "target", "result")
    table = [header] + [(a, b, c, d, "n/a" if ok is None else "PASS" if ok else "FAIL") for a, b, c, d, ok in rows]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for i, row in enumerate(table):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


if __name__ == "__main__":
    main()
