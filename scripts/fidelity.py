"""How much of each PDF's own text becomes searchable: report-index against pdfplumber and pdfium.

    python scripts/fidelity.py DIR [DIR ...] [--out report.json] [--limit N] [--jobs 1]
    python scripts/fidelity.py --summarise a.json b.json      # the tables again, from saved runs

For every PDF under each DIR (recursively): the files are ingested through the library
(``report_index.api.ingest``) into a temporary index, a batch of files at a time, each batch in a
child process; then each file's searchable text (``report_index.fidelity.searchable_text``: the
report's title block fields, its passages with their labels, headings, and table header cells,
from the stored report model) is compared with two references read from the same file:
pdfplumber's ``page.extract_text()`` and pdfium's ``get_textpage().get_text_range()``, page by
page.

Per file (``report_index.fidelity`` defines each):

- **char recall**: the multiset of non-space characters (NFKC, ligatures spelt out, quotes
  folded, ``(cid:N)`` removed) of the reference that ours has;
- **word recall**: the same for lower-cased ``\\w+`` words;
- **merged**: words of ours that are two reference words written together where the reference
  has them side by side ("childlived"), per 10,000 reference words in the totals;
- **split**: reference words that ours has only as two adjacent pieces;
- **line order**: of the reference lines with at least 12 non-space characters, the share found
  in our text (white space removed, case-folded) in the reference's order (a longest increasing
  subsequence of their positions);
- whether a file pdfplumber reads (>= 200 non-space characters) failed or produced no report
  with a passage ("empty"), with the ingest's reason.

Each figure is taken against the reference it comes out best against, among the references that
hold at least half the non-space characters or half the words of the fuller one: pdfplumber's
doubled letters of fake bold, its words run together where a font spaces them tightly, or
pdfium's different reading order do not count against ours, and a reader that read nothing cannot
make ours look complete. The JSON has both comparisons. Both references and ours are capped at
the first ``--max-pages`` pages (50): passages, headings and tables starting after that page are
left out of ours.

Nothing crashes the run. Each batch's ingest is watched: when no file has finished for
``--timeout`` seconds (30 more for the first, while spaCy loads, and for the commit), the batch
is stopped; the files it finished are ingested again together, the first unfinished ones (the
suspects: the ingest reports files in order) each alone with the same limit, recorded as
``timeout`` if they take it again, and the other unfinished ones together. Each reference is read
in a forked child with the same limit (``timeout`` or ``crashed``).

Totals are word-weighted: sums of matched words over sums of reference words, over every file
with a reference (failed files count with nothing matched). Prints the worst files first, then
per-suite totals (a suite is a DIR given, or its first-level subfolder), and writes every figure
as JSON with ``--out``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import pickle
import queue
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MARK = "@@fidelity "
READABLE_CHARS = 200
STARTUP = 30.0  # seconds an ingest may take to load spaCy and the pipeline (or to commit), beside a file's time


# --------------------------------------------------------------------------------------------
# Ingest, a batch at a time, in child processes


def _ingest_child(list_file: str, index: str, jobs: str) -> None:
    """In a child process: ingest the listed files, printing each finished file and then every outcome."""
    from report_index.api import ingest

    paths = [Path(p) for p in Path(list_file).read_text(encoding="utf-8").splitlines() if p]

    def on_file(path: Path, done: int, total: int) -> None:
        print(MARK + json.dumps({"done": str(path)}), flush=True)

    summary = ingest(paths, index=index, jobs=int(jobs) or None, on_file=on_file)
    for outcome in summary.outcomes:
        print(MARK + json.dumps({"outcome": outcome.to_dict()}), flush=True)
    os._exit(0)  # skip the interpreter's teardown, as the command does


def _run_batch(paths: list[Path], jobs: int, timeout: float, workdir: Path) -> tuple[dict, set[str], str | None, Path]:
    """Ingest ``paths`` in a child; returns (outcomes by path, finished paths, problem, index folder).
    ``problem`` is ``"timeout"`` (no file finished for ``timeout`` seconds) or ``"crashed: ..."``."""
    index = Path(tempfile.mkdtemp(prefix="index-", dir=workdir))
    listing = index.with_suffix(".txt")
    listing.write_text("\n".join(str(p) for p in paths), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, __file__, "--_ingest", str(listing), str(index), str(jobs)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    lines: queue.Queue = queue.Queue()
    err: list[str] = []
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout] and None, daemon=True).start()
    threading.Thread(target=lambda: err.extend(process.stderr), daemon=True).start()
    outcomes: dict[str, dict] = {}
    finished: set[str] = set()
    # until the first file is finished the ingest is also loading spaCy and the pipeline: it gets STARTUP more
    last, problem, limit = time.monotonic(), None, timeout + STARTUP
    while True:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if process.poll() is not None and lines.empty():
                break
            if time.monotonic() - last > limit:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                problem = "timeout"
                break
            continue
        if not line.startswith(MARK):
            continue
        record = json.loads(line[len(MARK):])
        if "done" in record:
            finished.add(str(Path(record["done"]).resolve()))
            # the next file gets ``timeout``; after the last one, the commit gets STARTUP more
            last, limit = time.monotonic(), timeout + (STARTUP if len(finished) >= len(paths) else 0)
        else:
            outcomes[str(Path(record["outcome"]["path"]).resolve())] = record["outcome"]
    process.wait()
    if problem is None and process.returncode != 0:
        tail = "".join(err).strip().splitlines()
        problem = f"crashed: exit {process.returncode}" + (f" ({tail[-1][:200]})" if tail else "")
    return outcomes, finished, problem, index


def ingest_all(paths: list[Path], *, jobs: int, timeout: float, batch: int, max_pages: int, workdir: Path,
               log=print) -> dict[str, dict]:
    """Every file's ingest result: status, reason, and its searchable text (capped at ``max_pages``)."""
    from report_index.api import open_index
    from report_index.errors import ReportIndexError

    results: dict[str, dict] = {}
    pending = [paths[i:i + batch] for i in range(0, len(paths), batch)]
    while pending:
        group = pending.pop(0)
        start = time.monotonic()
        outcomes, finished, problem, index = _run_batch(group, jobs, timeout, workdir)
        log(f"  ingested {len(group)} file(s) in {time.monotonic() - start:.1f} s" + (f" ({problem})" if problem else ""))
        if problem:
            if len(group) == 1:
                results[str(group[0])] = {"status": "timeout" if problem == "timeout" else "crashed", "reason": problem if problem != "timeout" else f"no result in {timeout:.0f} s"}
            else:
                # the ingest reports files in order, so a file that hangs holds back the report of
                # every later one: the first unfinished files (one a worker) are the suspects, and
                # go alone; the files it finished go again together, and so do the other unfinished
                done = [p for p in group if str(p.resolve()) in finished]
                rest = [p for p in group if str(p.resolve()) not in finished]
                if not rest:  # stopped after every file was read (while committing): each file alone
                    done, rest = [], group
                suspects = rest if problem != "timeout" else rest[: jobs or os.cpu_count() or 2]
                others = rest[len(suspects):]
                pending[:0] = ([done] if done else []) + [[p] for p in suspects] + ([others] if others else [])
            shutil.rmtree(index, ignore_errors=True)
            continue
        try:
            reports = {r.source: r for r in open_index(index).reports()}
        except ReportIndexError:  # nothing was added: no index was written
            reports = {}
        by_sha = {r.sha256: r for r in reports.values()}
        for path in group:
            outcome = outcomes.get(str(path.resolve()), {"status": "missing", "reason": "the ingest did not report this file"})
            status, reason = outcome["status"], outcome.get("reason", "")
            entry = {"status": status, "reason": reason}
            report = reports.get(str(path.resolve()))
            if report is None and status == "duplicate" and reason.startswith("same text as "):
                twin = reason.removeprefix("same text as ").split(" (a copy", 1)[0]
                report = reports.get(twin)  # the same text in other bytes: what was indexed for it
                entry["duplicate_of"] = twin
            elif report is None and status == "duplicate":
                report = by_sha.get(hashlib.sha256(path.read_bytes()).hexdigest())
                entry["duplicate_of"] = reason.removeprefix("same content as ")
            if report is not None:
                passages = [para for para in report.paragraphs if para.text.strip()]
                entry.update(status="ok" if passages else "empty", report_id=report.id, pages=report.page_count,
                             passages=len(report.paragraphs), tables=len(report.tables), model=report.to_dict())
                if status == "duplicate":
                    entry["ingest_status"] = "duplicate"
            elif status in ("added", "updated"):
                entry.update(status="empty", reason="added, but no report is stored for it")
            results[str(path)] = entry
        shutil.rmtree(index, ignore_errors=True)
        index.with_suffix(".txt").unlink(missing_ok=True)
    return results


# --------------------------------------------------------------------------------------------
# References, each read in a forked child with a time limit


def read_reference(path: str, reader: str, max_pages: int) -> dict:
    """The file's text as ``reader`` gives it, page by page, for the first ``max_pages`` pages."""
    pages, errors, count = [], [], None
    if reader == "pdfplumber":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
            for number, page in enumerate(pdf.pages[:max_pages], start=1):
                try:
                    pages.append(page.extract_text() or "")
                except Exception as exc:  # noqa: BLE001 - a page the reference cannot read
                    errors.append(f"p. {number}: {type(exc).__name__}: {str(exc)[:120]}")
                    pages.append("")
    else:
        import pypdfium2

        pdf = pypdfium2.PdfDocument(path)
        try:
            count = len(pdf)
            for number in range(min(count, max_pages)):
                try:
                    page = pdf[number]
                    textpage = page.get_textpage()
                    pages.append(textpage.get_text_range())
                    textpage.close()
                    page.close()
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"p. {number + 1}: {type(exc).__name__}: {str(exc)[:120]}")
                    pages.append("")
        finally:
            pdf.close()
    return {"text": "\n".join(pages), "pages": count, "page_errors": errors}


def _reference_child(connection, path: str, reader: str, max_pages: int) -> None:
    try:
        result = read_reference(path, reader, max_pages)
    except BaseException as exc:  # noqa: BLE001 - a file the reference cannot open
        result = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    connection.send(result)
    connection.close()
    os._exit(0)


def read_references(paths: list[str], *, jobs: int, timeout: float, max_pages: int, log=print) -> dict[tuple[str, str], dict]:
    """Both references of every file, ``jobs`` children at a time."""
    import pdfplumber  # noqa: F401 - loaded once, before the children are forked
    import pypdfium2  # noqa: F401

    context = multiprocessing.get_context("fork")
    tasks = [(path, reader) for path in paths for reader in ("pdfplumber", "pdfium")]
    results: dict[tuple[str, str], dict] = {}
    running: dict = {}
    selector = selectors.DefaultSelector()
    next_task, last_log = 0, time.monotonic()
    while next_task < len(tasks) or running:
        while next_task < len(tasks) and len(running) < jobs:
            task = tasks[next_task]
            next_task += 1
            here, there = context.Pipe(duplex=False)
            process = context.Process(target=_reference_child, args=(there, task[0], task[1], max_pages), daemon=True)
            process.start()
            there.close()
            running[here] = (task, process, time.monotonic())
            selector.register(here, selectors.EVENT_READ)
        for key, _ in selector.select(timeout=0.2):
            connection = key.fileobj
            task, process, _ = running.pop(connection)
            selector.unregister(connection)
            try:
                results[task] = connection.recv()
            except (EOFError, OSError):
                process.join()
                results[task] = {"error": f"crashed (exit {process.exitcode})"}
            connection.close()
            process.join(5)
        now = time.monotonic()
        for connection, (task, process, started) in list(running.items()):
            if now - started > timeout:
                process.kill()
                process.join()
                selector.unregister(connection)
                connection.close()
                del running[connection]
                results[task] = {"error": "timeout"}
        if now - last_log > 30:
            log(f"  references: {len(results)}/{len(tasks)}")
            last_log = now
    return results


# --------------------------------------------------------------------------------------------
# Comparing, and the tables


def measure_file(path: str, suite: str, ingest: dict, plumber: dict, pdfium: dict, max_pages: int) -> dict:
    """One file's row: its ingest result and ``report_index.fidelity.judge`` of its searchable text."""
    from report_index.fidelity import char_counts, judge, normalise, searchable_text
    from report_index.models import Report

    row = {"file": path, "suite": suite, "status": ingest["status"], "reason": ingest.get("reason", "")}
    for key in ("report_id", "pages", "passages", "tables", "duplicate_of", "ingest_status"):
        if key in ingest:
            row[key] = ingest[key]
    references = {}
    for name, result in (("pdfplumber", plumber), ("pdfium", pdfium)):
        if "error" in result:
            row[f"{name}_error"] = result["error"]
            row[f"{name}_chars"] = 0
            continue
        row[f"{name}_chars"] = sum(char_counts(normalise(result["text"])).values())
        if row.get("pages") is None:
            row["pages"] = result.get("pages")
        if result.get("page_errors"):
            row[f"{name}_page_errors"] = result["page_errors"][:5]
        references[name] = result["text"]
    row["pdfplumber_readable"] = row["pdfplumber_chars"] >= READABLE_CHARS
    ours = searchable_text(Report.from_dict(ingest["model"]), max_pages) if "model" in ingest else ""
    row.update(judge(ours, references))
    return row


def totals(rows: list[dict]) -> dict:
    judged = [r for r in rows if r.get("reference")]
    words = sum(r["words"] for r in judged)
    chars = sum(r["chars"] for r in judged)
    lines = sum(r["lines"] for r in judged)
    readable = [r for r in rows if r.get("pdfplumber_readable")]
    lost = [r for r in readable if r["status"] not in ("ok",)]
    return {
        "files": len(rows),
        "judged": len(judged),
        "pdfplumber_readable": len(readable),
        "readable_failed_or_empty": len(lost),
        "char_recall": sum(r["chars_matched"] for r in judged) / chars if chars else None,
        "word_recall": sum(r["words_matched"] for r in judged) / words if words else None,
        "reference_words": words,
        "merged": sum(r["merged"] for r in judged),
        "merged_per_10k": 1e4 * sum(r["merged"] for r in judged) / words if words else None,
        "split": sum(r["split"] for r in judged),
        "split_per_10k": 1e4 * sum(r["split"] for r in judged) / words if words else None,
        "line_order": sum(r["lines_in_order"] for r in judged) / lines if lines else None,
        "reference_lines": lines,
    }


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    out = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(header, widths)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    return "\n".join(out)


def render(rows: list[dict], worst: int, root_of: dict[str, str] | None = None) -> str:
    def short(path: str) -> str:
        for root in (root_of or {}).values():
            if path.startswith(root.rstrip("/") + "/"):
                return path[len(root.rstrip("/")) + 1:]
        return Path(path).name

    judged = [r for r in rows if r.get("reference") and r["words"] >= 20]
    judged.sort(key=lambda r: (r["word_recall"], -(r["words"] - r["words_matched"])))
    lines = [f"Worst files by word recall (of {len(judged)} with >= 20 reference words):", ""]
    lines.append(_table(
        ["file", "suite", "status", "pages", "ref words", "char rec", "word rec", "merged", "split", "line order", "reason"],
        [[short(r["file"])[:60], r["suite"], r["status"], r.get("pages") or "-", r["words"], _pct(r["char_recall"]),
          _pct(r["word_recall"]), r["merged"], r["split"], _pct(r["line_order"]), (r.get("reason") or "")[:70]]
         for r in judged[:worst]]))
    lost = [r for r in rows if r.get("pdfplumber_readable") and r["status"] != "ok"]
    if lost:
        lines += ["", "pdfplumber-readable files that failed or produced no text:", ""]
        lines.append(_table(["file", "suite", "status", "reason"],
                            [[short(r["file"])[:60], r["suite"], r["status"], (r.get("reason") or "")[:100]] for r in lost]))
    reasons: dict[str, int] = {}
    for r in rows:
        if r["status"] != "ok":
            key = f"{r['status']}: {_reason_kind(r.get('reason') or '')}"
            reasons[key] = reasons.get(key, 0) + 1
    if reasons:
        lines += ["", "Files with no text, by reason (all files):", ""]
        lines.append(_table(["count", "status: reason"], [[n, k] for k, n in sorted(reasons.items(), key=lambda kv: -kv[1])]))
    suites = sorted({r["suite"] for r in rows})
    table = []
    for suite in [*suites, "all"] if len(suites) > 1 else suites:
        t = totals([r for r in rows if suite == "all" or r["suite"] == suite])
        table.append([suite, t["files"], t["pdfplumber_readable"], t["readable_failed_or_empty"], _pct(t["char_recall"]),
                      _pct(t["word_recall"]), "-" if t["merged_per_10k"] is None else f"{t['merged_per_10k']:.1f} ({t['merged']})",
                      "-" if t["split_per_10k"] is None else f"{t['split_per_10k']:.1f} ({t['split']})", _pct(t["line_order"])])
    lines += ["", "Totals (word-weighted; merged and split per 10,000 reference words, with counts):", ""]
    lines.append(_table(["suite", "files", "pdfplumber-readable", "readable: failed/empty", "char recall", "word recall",
                         "merged /10k", "split /10k", "line order"], table))
    return "\n".join(lines)


def _reason_kind(reason: str) -> str:
    """A reason without its file-specific details, for counting: no numbers, no bracketed detail,
    and of an unexpected error only its type."""
    import re

    reason = re.sub(r"same content as .*", "same content as another file", reason)
    reason = re.sub(r"^(unexpected extraction error: \w+):.*", r"\1", reason)
    reason = re.sub(r"\s*\(.*\)\s*$", "", reason)
    reason = re.sub(r"\d+", "N", reason)
    return reason[:110]


def pdf_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")


def suite_of(path: Path, root: Path) -> str:
    relative = path.relative_to(root)
    return relative.parts[0] if len(relative.parts) > 1 else root.resolve().name


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_ingest"]:
        _ingest_child(*argv[1:4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:5]))
    parser.add_argument("dirs", nargs="*", type=Path, metavar="DIR", help="Folders of PDFs (read recursively).")
    parser.add_argument("--out", type=Path, help="Write every file's figures and the totals as JSON here.")
    parser.add_argument("--limit", type=int, help="Only the first N PDFs of each DIR (in name order).")
    parser.add_argument("--sample", type=int, help="Every k-th PDF of each DIR so that about N are measured (instead of --limit).")
    parser.add_argument("--jobs", type=int, default=0, help="Processes for the ingest and the references (default: one a core).")
    parser.add_argument("--max-pages", type=int, default=50, help="Compare the first N pages of each file (default 50).")
    parser.add_argument("--timeout", type=float, default=60.0, help="Seconds a file may take to ingest or to read (default 60).")
    parser.add_argument("--batch", type=int, default=100, help="Files ingested by one child process (default 100).")
    parser.add_argument("--worst", type=int, default=15, help="Rows of the worst-files table (default 15).")
    parser.add_argument("--cache", type=Path, help="Keep the report models and reference texts here (pickle), and take them from it when it exists: score a run again without reading the files again.")
    parser.add_argument("--summarise", nargs="+", type=Path, metavar="JSON", help="Print the tables of saved --out files, together.")
    args = parser.parse_args(argv)

    if args.summarise:
        rows = [row for f in args.summarise for row in json.loads(f.read_text(encoding="utf-8"))["files"]]
        print(render(rows, args.worst))
        return 0
    if not args.dirs:
        parser.error("give at least one DIR (or --summarise)")
    jobs = args.jobs or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    files: list[tuple[Path, str]] = []
    roots: dict[str, str] = {}
    for folder in args.dirs:
        found = pdf_files(folder)
        if args.sample and len(found) > args.sample:
            step = len(found) / args.sample
            found = [found[int(i * step)] for i in range(args.sample)]
        elif args.limit:
            found = found[: args.limit]
        for path in found:
            suite = suite_of(path, folder)
            roots.setdefault(suite, str(folder if suite == folder.resolve().name else folder / suite))
            files.append((path, suite))
    started = time.monotonic()
    cached_run = bool(args.cache and args.cache.exists())
    if cached_run:
        cached = pickle.loads(args.cache.read_bytes())
        ingested, references, ingest_s = cached["ingested"], cached["references"], cached["ingest_seconds"]
        log(f"{len(files)} PDF(s); texts from {args.cache}")
    else:
        log(f"{len(files)} PDF(s); ingesting in batches of {args.batch} ...")
        with tempfile.TemporaryDirectory(prefix="fidelity-") as work:
            ingested = ingest_all([p for p, _ in files], jobs=args.jobs, timeout=args.timeout, batch=args.batch,
                                  max_pages=args.max_pages, workdir=Path(work), log=log)
        ingest_s = time.monotonic() - started
        log(f"ingest: {ingest_s:.0f} s; reading the references ({jobs} at a time) ...")
        references = read_references([str(p) for p, _ in files], jobs=jobs, timeout=args.timeout, max_pages=args.max_pages, log=log)
        if args.cache:
            args.cache.write_bytes(pickle.dumps({"ingested": ingested, "references": references, "ingest_seconds": ingest_s}))
    rows = [measure_file(str(p), suite, ingested[str(p)], references[(str(p), "pdfplumber")], references[(str(p), "pdfium")],
                         args.max_pages) for p, suite in files]
    log(f"done in {time.monotonic() - started:.0f} s")
    print(render(rows, args.worst, roots))
    if args.out:
        suites = sorted({r["suite"] for r in rows})
        args.out.write_text(json.dumps({
            "settings": {"max_pages": args.max_pages, "timeout": args.timeout, "readable_chars": READABLE_CHARS,
                         "dirs": [str(d) for d in args.dirs], "limit": args.limit, "sample": args.sample},
            "seconds": {"ingest": ingest_s, "total": time.monotonic() - started, "scored_from_cache": cached_run},
            "totals": {"all": totals(rows), **{s: totals([r for r in rows if r["suite"] == s]) for s in suites}},
            "files": rows,
        }, indent=1, ensure_ascii=False), encoding="utf-8")
        log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
