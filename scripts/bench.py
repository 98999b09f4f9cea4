"""Benchmark ingest and search against plain baselines measured in the same run.

Builds a deterministic, clearly synthetic corpus in a temporary folder with
``report_index.synthetic`` (reportlab PDFs of several pages, each report with a ruled measures
table; and plain-text reports holding a set of paragraphs for the search figures), then prints
one table: each figure beside its baseline, the target and PASS/FAIL.

    python scripts/bench.py                 # default sizes: 200 reports (~1,200 pages), 100,000 paragraphs
    python scripts/bench.py --quick         # small sizes, a smoke run of a minute or two
    python scripts/bench.py --reports 50 --paragraphs 20000
    python scripts/bench.py --pdfs DIR      # real PDFs instead: reading and ingest beside pdfplumber
    python scripts/bench.py --passages 100000 [--passages 1000000] [--keep DIR]   # search at scale (below)

Baselines: pdfplumber ``extract_text()`` for ingest, a default Whoosh writer for the index build,
SQLite FTS5 (porter) for queries, bare ``python -c "import click"`` for start-up.

What is timed: "ingest" is the whole ``report-index ingest`` command (start-up, reading,
structure, initiatives, indexing, commit, exit) over every generated PDF, with one process
(``--jobs 1``) and with the default (a worker a core); "PDF reading alone" is ``read_pdf`` on the baseline's sample.
"index build" gives the same documents to Whoosh's default writer and to the ingest's writers
(``workers.index_documents``: a segment a core). Queries are ``search.search`` in this process;
the command and cold-start rows run ``python -m report_index search``.

With ``--passages N`` only search is measured, at each N: passages recombined from the seed
reports' sentences with generated names of Zipfian ranks (``scale_passages``), written as text
reports and ingested with ``report-index ingest`` (time and peak RSS), then indexed by SQLite
FTS5 (porter) and, when it is installed, tantivy; each engine then answers ``SCALE_QUERIES`` in
a process of its own (``--measure``), index kept open, top 10 with snippets: its open time, p50
and p95 and peak RSS are printed beside the targets, with the whole ``report-index search``
command. ``--keep DIR`` keeps the indexes (and their build figures) in DIR/N for later runs.

With ``--pdfs DIR`` nothing is generated and only reading is timed, on every PDF under DIR, all in
this process and in this order: pdfplumber ``extract_text()`` on every page of every file (the
baseline, after reading one page untimed); ``sources.pdf.read_pdf`` on every file (reading alone); then one
``report_index.api.ingest(files, index=tmp, jobs=1)`` (the whole ingest in one process: reading,
structure, initiatives, indexing and the commit), after an ingest of one generated page has
loaded spaCy and the pipeline (timed on its own row). Pages are pdfplumber's page counts of the
files it opened. A file's ingest time is the time between the ingest's progress calls. Files that reading or the
ingest took longer on than pdfplumber are listed, slowest first.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
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


def run(arguments: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS and peak own memory (MB, each of the largest process) of ``python
    ARGUMENTS`` (``env``: more variables). The RSS is what the kernel counts (``ru_maxrss``),
    which includes the pages of the index files a process maps and reads in place; own memory
    is its anonymous memory (``RssAnon``), sampled from ``/proc`` for the process and its
    workers every 0.2 s (0 where there is no ``/proc``)."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    process = subprocess.Popen([sys.executable, *arguments], stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    own = 0
    while process.poll() is None:
        own = max([own, *(_anonymous_kb(pid) for pid in _process_tree(process.pid))])
        time.sleep(0.2)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, [sys.executable, *arguments])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.perf_counter() - start, max(peak, before) / 1024, own / 1024


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from ``/proc`` (just ``pid`` where it cannot be read)."""
    found = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in children:
        found.extend(_process_tree(int(child)))
    return found


def _anonymous_kb(pid: int) -> int:
    """The process's anonymous resident memory in kB (0 when it cannot be read)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def ingest_command(folder: Path, index: Path, jobs: int = 0) -> list[str]:
    """``report-index ingest`` (exit code 0: every file was read)."""
    return ["-m", "report_index", "--index", str(index), "ingest", str(folder), *(["--jobs", str(jobs)] if jobs else [])]


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


class _TimeLimit(Exception):
    pass


def _timed(call, limit: float) -> tuple[float, object, str]:
    """(seconds, result, problem) of ``call()``, stopped after ``limit`` seconds (SIGALRM)."""
    import signal

    def stop(signum, frame):
        raise _TimeLimit()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        result = call()
        return time.perf_counter() - start, result, ""
    except _TimeLimit:
        return time.perf_counter() - start, None, f"stopped after {limit:.0f} s"
    except Exception as exc:  # noqa: BLE001 - a broken file is a figure, not the end of the run
        return time.perf_counter() - start, None, f"{type(exc).__name__}: {str(exc)[:100]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bench_pdfs(folder: Path, limit: float = 120.0, slow: int = 20) -> None:
    """Time pdfplumber, reading alone and the whole one-process ingest on every PDF under ``folder``."""
    import pdfplumber

    from report_index.api import ingest  # (report_index.ingest is shadowed by the subpackage once it is imported)
    from report_index.sources.pdf import read_pdf
    from report_index.sources.pdfium_reader import warm_up

    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
    if not files:
        raise SystemExit(f"no PDF under {folder}")
    print(f"{len(files)} PDFs under {folder}: pdfplumber ...", file=sys.stderr)

    def plumber(path: Path) -> int:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
            return len(pdf.pages)

    def first_page(path: Path) -> None:
        with pdfplumber.open(path) as pdf:
            pdf.pages[0].extract_text()

    for path in files:  # untimed: the first page pdfplumber reads loads what it needs (as warm_up does for pdfium)
        if not _timed(lambda path=path: first_page(path), limit)[2]:
            break
    base: dict[Path, tuple[float, int | None, str]] = {}
    for path in files:
        seconds, pages, problem = _timed(lambda path=path: plumber(path), limit)
        base[path] = (seconds, pages, problem)
    print("reading alone (read_pdf) ...", file=sys.stderr)
    warm_up()
    reading: dict[Path, tuple[float, str]] = {}
    readers: dict[Path, list[str]] = {}
    for path in files:
        seconds, document, problem = _timed(lambda path=path: read_pdf(path), limit)
        reading[path] = (seconds, problem)
        readers[path] = list(getattr(document, "page_readers", []) or [])
    print("ingest, one process ...", file=sys.stderr)
    per_file: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="report-index-bench-") as tmp:
        # a first ingest of one generated page loads spaCy and the pipeline, so that the files' times are their own
        warm = Path(tmp) / "warm"
        warm.mkdir()
        make_pdfs(warm, 1, pages=1)
        start = time.perf_counter()
        ingest([warm], index=Path(tmp) / "warm-ix", jobs=1)
        warm_s = time.perf_counter() - start
        last = [time.perf_counter()]

        def on_file(path: Path, done: int, total: int) -> None:
            now = time.perf_counter()
            per_file[str(path.resolve())] = now - last[0]
            last[0] = now

        start = time.perf_counter()
        summary = ingest(files, index=Path(tmp) / "ix", jobs=1, on_file=on_file)
        ingest_s = time.perf_counter() - start
    outcomes = {str(Path(o.path).resolve()): o for o in summary.outcomes}

    opened = [p for p in files if base[p][1] is not None]
    pages = sum(base[p][1] for p in opened)
    base_s = sum(base[p][0] for p in opened)
    read_s = sum(reading[p][0] for p in opened)
    base_rate, read_rate, ingest_rate = pages / base_s, pages / read_s, pages / ingest_s
    failed = [o for o in summary.outcomes if o.status == "failed"]
    print(f"\nPDF timing: {len(files)} files under {folder}, {pages} pages in the {len(opened)} files pdfplumber opened; "
          f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
          f"load average {os.getloadavg()[0]:.1f} on {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()} cores\n")
    rows = [
        ("pdfplumber extract_text, every page", f"{base_s:.1f} s", f"{base_rate:.1f} pages/s", "1.00x"),
        ("read_pdf alone (same files)", f"{read_s:.1f} s", f"{read_rate:.1f} pages/s", f"{read_rate / base_rate:.2f}x"),
        ("whole ingest, 1 process (every file)", f"{ingest_s:.1f} s", f"{ingest_rate:.1f} pages/s", f"{ingest_rate / base_rate:.2f}x"),
        ("  + loading spaCy and the pipeline (once)", f"{warm_s:.1f} s", "-", "-"),
    ]
    header = ("measure", "time", "rate", "vs pdfplumber")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for i, row in enumerate([header, *rows]):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    by_reader: dict[str, int] = {}
    for path in opened:
        for reader in readers[path]:
            by_reader[reader] = by_reader.get(reader, 0) + 1
    print(f"\npages by reader (read_pdf): {', '.join(f'{k} {v}' for k, v in sorted(by_reader.items())) or 'none'}")
    print(f"ingest outcomes: {summary.counts()}; pdfplumber could not open {len(files) - len(opened)} file(s)")
    for outcome in failed:
        print(f"  FAILED {Path(outcome.path).name}: {outcome.reason}")
    slower = []
    for path in opened:
        if not base[path][1]:
            continue
        plumber_s = base[path][0]
        read = reading[path][0]
        whole = per_file.get(str(path.resolve()))
        if read > plumber_s or (whole is not None and whole > plumber_s):
            slower.append((max(read, whole or 0) / plumber_s, path, plumber_s, read, whole))
    slower.sort(key=lambda row: (-row[0], row[1]))
    print(f"\n{len(slower)} file(s) slower than pdfplumber (reading alone or its share of the ingest):")
    if slower:
        cells = [("file", "pages", "read by pdfium/pdfplumber", "pdfplumber", "read_pdf", "ingest", "note")]
        for _, path, plumber_s, read, whole in slower[:slow]:
            note = reading[path][1] or (outcomes.get(str(path.resolve())).reason if outcomes.get(str(path.resolve())) else "")
            split = f"{readers[path].count('pdfium')}/{readers[path].count('pdfplumber')}"
            cells.append((str(path.relative_to(folder)), str(base[path][1]), split, f"{plumber_s:.3f} s", f"{read:.3f} s",
                          "-" if whole is None else f"{whole:.3f} s", (note or "")[:60]))
        widths = [max(len(r[i]) for r in cells) for i in range(7)]
        for i, row in enumerate(cells):
            print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
            if i == 0:
                print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        if len(slower) > slow:
            print(f"(and {len(slower) - slow} more)")


# --------------------------------------------------------------------------------------------
# Search at scale (--passages N): report-index beside SQLite FTS5 and tantivy, same passages

SEEDS = Path(__file__).resolve().parent / "seeds"
#: The queries of the scale benchmark: rare names, common words, two- and three-word queries,
#: AND, OR, NOT and phrases. ``{name:R}`` is the generated name of rank R (its frequency falls
#: with R, so the same rank is about as rare at any scale).
SCALE_QUERIES = [
    "SmartWater", "DAPO", "TecSOS", "{name:40}", "{name:300}",
    "police", "safeguarding", "victims", "training", "partnership",
    "stalking orders", "domestic abuse victims", "mental health support", "child sexual exploitation",
    "{name:5} partnership",
    "police AND training", "domestic AND abuse AND referrals", "safeguarding AND SmartWater",
    "stalking OR harassment", "stalking NOT orders",
    '"Stalking Protection Orders"', '"domestic abuse"', '"West Yorkshire Police"', '"mental health" support',
]
_SYLLABLES = [c + v for c in "bdfghklmnprstvwz" for v in "aeiou"]


def generated_name(rank: int) -> str:
    """The generated word of ``rank`` (1, 2, ...): a place- or surname-like word, two syllables or more."""
    parts = []
    rank += len(_SYLLABLES) + 1  # at least two syllables
    while rank:
        rank, digit = divmod(rank, len(_SYLLABLES))
        parts.append(_SYLLABLES[digit])
    return "".join(parts).capitalize() + "ton"


def seed_sentences(folder: Path = SEEDS) -> tuple[list[str], list[str]]:
    """The sentences (six words or more) and the capitals headings of the seed reports."""
    import re

    sentences, headings = [], []
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = re.sub(r"^\s*[\d.]+\s+|^[a-z]\)\s+|^[•*-]\s*", "", line.strip()).replace("**", "").replace("\t", " ")
            if line.isupper() and 2 <= len(line.split()) <= 8:
                headings.append(line)
                continue
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line):
                words = [w for w in sentence.split() if not re.fullmatch(r"\d+(\.\d+)*\.?|[a-z]\)|[•*-]", w)]
                if len(words) >= 6:
                    sentences.append(" ".join(words))
    return sentences, headings


def scale_passages(count: int, seed: int = 19):
    """``count`` passages, deterministic: one to four sentences of the seed reports, some spliced
    from two sentences, with generated names inserted between lower-case words. The names' ranks are Zipfian with an open
    tail (Pareto), so that the vocabulary grows with the corpus as a real one does."""
    import random

    sentences, _ = seed_sentences()
    rng = random.Random(seed)
    for _ in range(count):
        parts = []
        for _ in range(rng.choices((1, 2, 3, 4), weights=(3, 4, 2, 1))[0]):
            sentence = rng.choice(sentences)
            if rng.random() < 0.4:  # the start of one sentence, the end of another
                other = rng.choice(sentences).split()
                words = sentence.split()
                sentence = " ".join(words[: rng.randint(3, len(words))] + other[rng.randint(0, len(other) - 3):])
            words = sentence.rstrip(".").split()
            # between two lower-case words, so that a name never splits a name ("Domestic Abuse Protection Orders")
            gaps = [i for i in range(1, len(words)) if words[i - 1].islower() and words[i].islower()]
            places = sorted((rng.choice(gaps) for _ in range(rng.choices((0, 1, 2, 3), weights=(3, 4, 2, 1))[0] if gaps else 0)), reverse=True)
            for place in places:
                words.insert(place, generated_name(int(3 * rng.paretovariate(0.75)) - 2))
            parts.append(" ".join(words) + ".")
        yield " ".join(parts)


def write_scale_reports(folder: Path, count: int, per_report: int = 100) -> int:
    """Text reports of ``per_report`` numbered passages (``scale_passages``) under capitals
    headings, ten passages a section; returns the number of reports."""
    import random

    _, headings = seed_sentences()
    rng = random.Random(7)
    passages = scale_passages(count)
    reports = 0
    for start in range(0, count, per_report):
        date = f"{2014 + reports % 11}-{1 + reports % 12:02d}-{1 + reports % 28:02d}"
        lines = [f"Police and Crime Panel {reports}", "", date, "", f"SUBJECT: Safeguarding report {reports}", ""]
        for number in range(min(per_report, count - start)):
            if number % 10 == 0:
                lines += [f"{1 + number // 10}. {rng.choice(headings)}", ""]
            lines += [f"{1 + number // 10}.{1 + number % 10} {next(passages)}", ""]
        (folder / f"{date}_panel-{reports:05d}.txt").write_text("\n".join(lines), encoding="utf-8")
        reports += 1
    return reports


def resolve_query(query: str) -> str:
    import re

    return re.sub(r"\{name:(\d+)\}", lambda m: generated_name(int(m.group(1))), query)


def fts5_query(query: str) -> str:
    """The same query in FTS5's syntax: words not joined by AND are OR'd, as report-index reads them."""
    import re

    parts = re.findall(r'"[^"]*"|\(|\)|\S+', query)
    out: list[str] = []
    for part in parts:
        if part in ("AND", "OR", "NOT"):
            out.append(part)
            continue
        if out and out[-1] not in ("AND", "OR", "NOT"):
            out.append("OR")
        out.append(part if part.startswith('"') else f'"{part}"')
    return " ".join(out)


def build_fts5(path: Path, count: int) -> float:
    start = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE p USING fts5(text, tokenize='porter')")
    passages = scale_passages(count)
    while chunk := [(text,) for _, text in zip(range(10_000), passages)]:
        db.executemany("INSERT INTO p VALUES (?)", chunk)
    db.commit()
    db.close()
    return time.perf_counter() - start


def build_tantivy(path: Path, count: int) -> float:
    import tantivy

    start = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", stored=True, tokenizer_name="en_stem", index_option="position")
    index = tantivy.Index(builder.build(), path=str(path))
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for text in scale_passages(count):
        writer.add_document(tantivy.Document(text=text))
    writer.commit()
    writer.wait_merging_threads()
    return time.perf_counter() - start


def _engine(name: str, index: Path):
    """(open, search) for one engine: ``search(query)`` gives the top 10 with snippets."""
    if name in ("report-index", "whoosh"):
        from report_index.index.searcher import open_searcher
        from report_index.search.run import search as ri_search

        if name == "report-index":
            return (lambda: open_searcher(index)), (lambda q: ri_search(index, q, limit=10))

        def whoosh_search(q, opened=[]):
            from whoosh.query import Term
            from report_index.index.searcher import _MarkFormatter

            if not opened:
                opened.append(open_searcher(index))
            s = opened[0]
            results = s.searcher.search(s.parse(q), limit=10, mask=Term("kind", "report"), optimize=False)
            results.formatter = _MarkFormatter()
            return [hit.highlights("text", top=2) for hit in results]

        return (lambda: open_searcher(index)), whoosh_search
    if name == "fts5":
        db: list = []

        def fts_open():
            db.append(sqlite3.connect(index))

        def fts_search(q):
            return db[0].execute(
                "SELECT rowid, snippet(p, 0, '**', '**', '…', 40) FROM p WHERE p MATCH ? ORDER BY rank LIMIT 10",
                (fts5_query(q),)).fetchall()

        return fts_open, fts_search
    if name == "tantivy":
        import tantivy

        state: dict = {}

        def t_open():
            state["index"] = tantivy.Index.open(str(index))
            state["searcher"] = state["index"].searcher()

        def t_search(q):
            ix, searcher = state["index"], state["searcher"]
            query = ix.parse_query(q, ["text"])
            generator = tantivy.SnippetGenerator.create(searcher, query, ix.schema, "text")
            return [generator.snippet_from_doc(searcher.doc(address)).to_html() for _, address in searcher.search(query, 10).hits]

        return t_open, t_search
    raise SystemExit(f"unknown engine {name}")


def measure_engine(name: str, index: Path, rounds: int) -> None:
    """In a process of its own: open the index, run each query once untimed, then ``rounds``
    times timed; print JSON with the open time, the latencies (ms, by query) and the peak RSS."""
    import json

    opener, searcher = _engine(name, index)
    start = time.perf_counter()
    opener()
    open_s = time.perf_counter() - start
    queries = [resolve_query(q) for q in SCALE_QUERIES]
    for query in queries:
        searcher(query)
    times: dict[str, list[float]] = {q: [] for q in queries}
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            searcher(query)
            times[query].append((time.perf_counter() - start) * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"open_s": open_s, "times": times, "rss_mb": rss}))


def build_scale(folder: Path, count: int, engines: list[str]) -> tuple:
    """Write the reports, ingest them with ``report-index ingest`` and build the other engines'
    indexes in ``folder``: (reports, ingest seconds, ingest peak RSS MB, index MB, build seconds by engine)."""
    texts = folder / "texts"
    texts.mkdir(parents=True)
    print(f"{count} passages: writing reports ...", file=sys.stderr)
    reports = write_scale_reports(texts, count)
    index = folder / "index"
    print(f"{count} passages: report-index ingest ...", file=sys.stderr)
    ingest_s, ingest_rss, ingest_own = run(ingest_command(texts, index))
    shutil.rmtree(texts)
    size_mb = sum(p.stat().st_size for p in index.rglob("*") if p.is_file()) / 1e6
    builds = {"report-index": ingest_s, "own_mb": ingest_own}
    print(f"{count} passages: FTS5 ...", file=sys.stderr)
    builds["fts5"] = build_fts5(folder / "fts5.db", count)
    if "tantivy" in engines:
        print(f"{count} passages: tantivy ...", file=sys.stderr)
        (folder / "tantivy").mkdir()
        builds["tantivy"] = build_tantivy(folder / "tantivy", count)
    return reports, ingest_s, ingest_rss, size_mb, builds


def bench_scale(sizes: list[int], rounds: int, engines: list[str], keep: Path | None = None) -> None:
    import importlib.util
    import json

    if importlib.util.find_spec("tantivy") is None and "tantivy" in engines:
        print("tantivy is not installed (pip install -e '.[bench]'): measured without it", file=sys.stderr)
        engines = [e for e in engines if e != "tantivy"]
    labels = {"report-index": "report-index", "whoosh": "Whoosh's own searcher", "fts5": "SQLite FTS5 (porter, bm25, snippet)", "tantivy": "tantivy"}
    results: dict[int, dict] = {}
    for count in sizes:
        with tempfile.TemporaryDirectory(prefix="report-index-scale-") as tmp:
            tmp_path = keep / str(count) if keep else Path(tmp)
            built = tmp_path / "built.json"
            if built.exists():  # --keep: the indexes (and their build figures) of an earlier run
                print(f"{count} passages: the indexes kept in {tmp_path}", file=sys.stderr)
                reports, ingest_s, ingest_rss, size_mb, builds = json.loads(built.read_text())
            else:
                shutil.rmtree(tmp_path, ignore_errors=True)
                reports, ingest_s, ingest_rss, size_mb, builds = build_scale(tmp_path, count, engines)
                built.write_text(json.dumps([reports, ingest_s, ingest_rss, size_mb, builds]))
            index = tmp_path / "index"
            paths = {"report-index": index, "whoosh": index, "fts5": tmp_path / "fts5.db", "tantivy": tmp_path / "tantivy"}
            row: dict = {"reports": reports, "ingest_s": ingest_s, "ingest_rss": ingest_rss, "index_mb": size_mb, "engines": {},
                         "ingest_own": builds.pop("own_mb", None)}
            for engine in engines:
                print(f"{count} passages: queries, {engine} ...", file=sys.stderr)
                out = subprocess.run([sys.executable, __file__, "--measure", engine, str(paths[engine]), "--rounds", str(rounds)],
                                     check=True, capture_output=True, text=True).stdout
                measured = json.loads(out.strip().splitlines()[-1])
                measured["build_s"] = builds.get(engine)
                row["engines"][engine] = measured

            def command(query: str) -> float:
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "report_index", "--index", str(index), "search", query],
                               check=True, stdout=subprocess.DEVNULL)
                return time.perf_counter() - start

            row["command_s"] = statistics.median(command(resolve_query(q)) for q in SCALE_QUERIES[::4])
            results[count] = row

    print(f"\nsearch at scale: top 10 with snippets, index kept open, {len(SCALE_QUERIES)} queries x {rounds} rounds "
          f"after one untimed; {len(os.sched_getaffinity(0))} cores, load average {os.getloadavg()[0]:.1f}, "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}\n")
    print("| engine | " + " | ".join(f"{n:,} p50 / p95" for n in sizes) + " | " + " | ".join(f"{n:,} open, search RSS" for n in sizes) + " |")
    print("|---|" + "---|" * (2 * len(sizes)))
    for engine in engines:
        cells, memory = [], []
        for count in sizes:
            m = results[count]["engines"][engine]
            every = [t for ts in m["times"].values() for t in ts]
            cells.append(f"{percentile(every, 0.5):.1f} / {percentile(every, 0.95):.1f} ms")
            memory.append(f"{m['open_s']:.2f} s, {m['rss_mb']:.0f} MB")
        print(f"| {labels[engine]} | " + " | ".join(cells) + " | " + " | ".join(memory) + " |")
    print()
    for count in sizes:
        row = results[count]
        fts = row["engines"]["fts5"]
        ours = row["engines"]["report-index"]
        f_all = [t for ts in fts["times"].values() for t in ts]
        o_all = [t for ts in ours["times"].values() for t in ts]
        p50, p95, f50, f95 = percentile(o_all, 0.5), percentile(o_all, 0.95), percentile(f_all, 0.5), percentile(f_all, 0.95)
        checks = [
            ("query p50 <= FTS5 p50", f"{p50:.1f} vs {f50:.1f} ms", p50 <= f50),
            ("query p95 <= 2x FTS5 p95", f"{p95:.1f} vs {2 * f95:.1f} ms", p95 <= 2 * f95),
            ("ingest peak RSS < 500 MB", f"{row['ingest_rss']:.0f} MB", row["ingest_rss"] < 500),
            *([("ingest peak own memory < 500 MB (RSS less the index files' pages mapped in)", f"{row['ingest_own']:.0f} MB",
                row["ingest_own"] < 500)] if row["ingest_own"] else []),
            ("search process RSS < 500 MB", f"{ours['rss_mb']:.0f} MB", ours["rss_mb"] < 500),
            ("index open < 0.5 s", f"{ours['open_s']:.2f} s", ours["open_s"] < 0.5),
            ("`report-index search` command < 0.5 s", f"{row['command_s']:.2f} s (median)", row["command_s"] < 0.5),
        ]
        builds = ", ".join(f"{labels[e]} {row['engines'][e]['build_s']:.0f} s" for e in engines if row["engines"][e].get("build_s"))
        print(f"{count:,} passages ({row['reports']:,} reports): report-index ingest {row['ingest_s']:.0f} s, index {row['index_mb']:.0f} MB; builds: {builds}")
        for what, figure, ok in checks:
            print(f"  {'PASS' if ok else 'FAIL'}  {what}: {figure}")
        print("  per query, p50 ms (" + ", ".join(labels[e] for e in engines) + "):")
        for query in row["engines"]["fts5"]["times"]:
            print(f"    {query[:40]:<40} " + "  ".join(f"{statistics.median(row['engines'][e]['times'][query]):8.1f}" for e in engines))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=1000, help="Small files for the unchanged re-ingest.")
    parser.add_argument("--baseline-files", type=int, default=20, help="PDFs the pdfplumber baseline reads (a sample, for time).")
    parser.add_argument("--quick", action="store_true", help="Small sizes: 10 reports, 3,000 paragraphs, 100 files.")
    parser.add_argument("--pdfs", type=Path, metavar="DIR",
                        help="Time reading the PDFs under DIR beside pdfplumber instead (nothing generated; see the docstring).")
    parser.add_argument("--passages", type=int, action="append", metavar="N",
                        help="Search at scale instead: N passages recombined from the seed reports (repeatable: --passages 100000 --passages 1000000).")
    parser.add_argument("--rounds", type=int, default=3, help="Timed rounds of the scale queries (after one untimed).")
    parser.add_argument("--engines", default="report-index,whoosh,fts5,tantivy", help="Engines of the scale benchmark (comma-separated).")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="Keep the scale benchmark's indexes in DIR/N and use them again in later runs (their build figures too).")
    parser.add_argument("--measure", nargs=2, metavar=("ENGINE", "INDEX"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure_engine(args.measure[0], Path(args.measure[1]), args.rounds)
        return
    if args.passages:
        bench_scale(args.passages, args.rounds, args.engines.split(","), args.keep)
        return
    if args.pdfs:
        bench_pdfs(args.pdfs)
        return
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
        one_s, rss_one, _ = run(ingest_command(pdfs, tmp_path / "ix1", jobs=1))
        one_rate = pages / one_s
        print("ingest, all cores ...", file=sys.stderr)
        all_s, rss_all, _ = run(ingest_command(pdfs, tmp_path / "ix2"))
        all_rate = pages / all_s
        rows.append((f"ingest, 1 process ({pages} pages, whole run)", f"{one_rate:.1f} pages/s ({one_rate / base_rate:.1f}x)",
                     f"{base_rate:.1f} pages/s (pdfplumber extract_text)", "(for information)", None))
        rows.append((f"ingest, {cores} cores (the default)", f"{all_rate:.1f} pages/s ({all_rate / base_rate:.1f}x)",
                     f"{base_rate:.1f} pages/s (pdfplumber extract_text)", ">= 15x (whole run)", all_rate >= 15 * base_rate))
        rows.append((f"ingest, {cores} cores vs 1 process", f"{all_rate / one_rate:.2f}x", f"{one_rate:.1f} pages/s (1 process)",
                     ">= 1.7x", (all_rate >= 1.7 * one_rate) if cores >= 2 else None))
        print("ingest, all cores, one commit at the end ...", file=sys.stderr)
        once_s = run(ingest_command(pdfs, tmp_path / "ix3"), env={"REPORT_INDEX_BATCH_SECONDS": "0"})[0]
        rows.append(("cost of committing every 5 s (the default)", f"{100 * (all_s / once_s - 1):+.1f}% ({all_s:.1f} s)",
                     f"{once_s:.1f} s (one commit at the end)", "(for information)", None))

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
        ingest_s, rss_big, _ = run(ingest_command(texts, big))
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
