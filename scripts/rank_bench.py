"""Whoosh's own searcher against ``report_index.ranking`` on one open index: p50 and p95.

    python scripts/rank_bench.py                      # builds an index of 100,000 passages (about a minute)
    python scripts/rank_bench.py --passages 20000
    python scripts/rank_bench.py --index DIR          # reuses an index built before (built there if absent)

The passages recombine the sentences of the seed reports (``scripts/seeds/*.txt``): each passage
is one to three seed sentences, about a fifth of whose words are replaced by words drawn from the
seeds' vocabulary with Zipf-like frequencies (rank r drawn with weight 1/r). Reports hold 100
passages under numbered sections named after the seeds' headings, and are ingested in several
runs, so that the index has several segments, as one ingested over time has.

Both engines answer the same parsed queries (``index.searcher.parse_query``) with the same open searcher
(BM25F, B=0.75, K1=1.2, heading_B=0.3), top 10, report documents masked: "Whoosh" is
``searcher.search(query, limit=10, mask=..., optimize=False)``, with only what an open searcher
caches; "ranking.py" is ``ranking.rank`` (what ``search.search`` uses). Each query runs once to
warm up, then ``--rounds`` times; the table gives p50 and p95 over all those runs, and the
Whoosh/ranking.py ratio at each. The two engines' top 10 are checked to be the same.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from bisect import bisect
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "scripts" / "seeds"

#: the query mix: rare names, common words, two and three words, AND, NOT, phrases
QUERIES = [
    "SmartWater", "DAPO", "WYASP", "Karma Nirvana",
    "police", "safeguarding", "victims", "stalking", "domestic abuse",
    "stalking victims", "police training", "safeguarding children partnership", "hate crime victims",
    "stalking AND training", "domestic AND abuse AND victims", "safeguarding NOT children",
    '"domestic abuse"', '"Stalking Protection Orders"', '"modern slavery"', '"police and crime"~2',
]


def _sentences() -> tuple[list[str], list[str]]:
    """The seed reports' sentences (prose only) and their section headings."""
    sentences: list[str] = []
    headings: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().replace("**", "")
            if not line or "\t" in line:  # blank, or a table row
                continue
            heading = re.fullmatch(r"\d+\.\s+([A-Z][A-Z ,&'-]{3,})", line) or re.fullmatch(r"([A-Z][A-Z ,&'-]{5,})", line)
            if heading:
                headings.append(heading.group(1).strip().title())
                continue
            line = re.sub(r"^[-•\s]*(\d+(\.\d+)*\.?|[a-z]\))\s+", "", line)
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line):
                if len(sentence.split()) >= 6:
                    sentences.append(sentence.rstrip("."))
    # and the topics the reports' sub-sections are about, so that some query words are in headings
    headings += ["Safeguarding", "Domestic Abuse", "Stalking And Harassment", "Modern Slavery And Human Trafficking",
                 "Hate Crime", "Child Sexual Exploitation", "Violence Against Women And Girls"]
    return sentences, sorted(set(headings))


def make_reports(folder: Path, passages: int, per_report: int = 100, seed: int = 11) -> None:
    """Plain-text reports holding ``passages`` numbered paragraphs in all (see the module docstring)."""
    sentences, headings = _sentences()
    words = re.findall(r"[A-Za-z][A-Za-z'-]+", " ".join(sentences))
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    vocabulary = sorted(counts, key=lambda w: (-counts[w], w))
    cumulative = list(accumulate(1 / rank for rank in range(1, len(vocabulary) + 1)))
    rng = random.Random(seed)

    def zipf_word() -> str:
        return vocabulary[bisect(cumulative, rng.random() * cumulative[-1])]

    def passage() -> str:
        out = []
        for sentence in rng.sample(sentences, rng.randint(1, 3)):
            out.append(" ".join(zipf_word() if rng.random() < 0.2 else w for w in sentence.split()))
        return ". ".join(out) + "."

    folder.mkdir(parents=True, exist_ok=True)
    for number in range(max(1, passages // per_report)):
        date = f"{2018 + number % 7}-{1 + number % 12:02d}-{1 + number % 28:02d}"
        lines = [f"Police and Crime Panel Report {number}", f"Police and Crime Panel {date}", ""]
        sections = rng.sample(headings, min(len(headings), rng.randint(3, 8)))
        done = 0
        for s, heading in enumerate(sections, 1):
            count = per_report // len(sections) if s < len(sections) else per_report - done
            lines += [f"{s}. {heading.upper()}", ""]
            for p in range(count):
                lines += [f"{s}.{p + 1} {passage()}", ""]
            done += count
        (folder / f"{date}_panel-report-{number:05d}.txt").write_text("\n".join(lines), encoding="utf-8")


def build_index(index_dir: Path, passages: int, runs: int = 4) -> None:
    """An index of ``passages`` generated passages, ingested in ``runs`` runs (several segments)."""
    from report_index.ingest.run import ingest

    with tempfile.TemporaryDirectory(prefix="rank-bench-") as tmp:
        make_reports(Path(tmp) / "all", passages)
        files = sorted((Path(tmp) / "all").glob("*.txt"))
        for run in range(runs):
            folder = Path(tmp) / f"run{run}"
            folder.mkdir()
            for path in files[run::runs]:
                shutil.move(str(path), folder / path.name)
            summary = ingest([folder], index_dir)
            if summary.failed:
                raise SystemExit(f"ingest failed: {summary.of('failed')}")


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--index", type=Path, help="index folder to reuse (built there if it holds no index)")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args(argv)

    from whoosh import scoring
    from whoosh.query import Term

    from report_index.index import ranking
    from report_index.index.store import index_exists, open_index
    from report_index.index.searcher import parse_query

    tmp = None
    index_dir = args.index
    if index_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="rank-bench-index-")
        index_dir = Path(tmp.name)
    if not index_exists(index_dir):
        print(f"building an index of {args.passages} passages in {index_dir} ...", file=sys.stderr)
        start = time.perf_counter()
        build_index(index_dir, args.passages)
        print(f"  built in {time.perf_counter() - start:.0f} s", file=sys.stderr)

    searcher = open_index(index_dir).searcher(weighting=scoring.BM25F(B=0.75, K1=1.2, heading_B=0.3))
    mask = Term("kind", "report")
    deny = set(searcher.docs_for_query(mask))
    passages = searcher.doc_count() - len(deny)
    segments = len(searcher.leaf_searchers())
    parsed = [parse_query(searcher.schema, q) for q in QUERIES]
    timings: dict[str, list[float]] = {"Whoosh searcher": [], "ranking.py": []}
    differ = []
    for text, query in zip(QUERIES, parsed):
        whoosh = searcher.search(query, limit=args.limit, mask=mask, optimize=False).top_n
        ours = ranking.rank(searcher, query, args.limit, deny=deny).top
        if [d for _, d in whoosh] != [d for _, d in ours] or any(abs(a - b) > 1e-5 for (a, _), (b, _) in zip(whoosh, ours)):
            differ.append(text)
        for _ in range(args.rounds):
            start = time.perf_counter()
            searcher.search(query, limit=args.limit, mask=mask, optimize=False)
            timings["Whoosh searcher"].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            ranking.rank(searcher, query, args.limit, deny=deny)
            timings["ranking.py"].append((time.perf_counter() - start) * 1000)
    searcher.close()
    if tmp is not None:
        tmp.cleanup()

    base50 = percentile(timings["Whoosh searcher"], 0.5)
    base95 = percentile(timings["Whoosh searcher"], 0.95)
    print(f"\n{passages} passages, {segments} segments; {len(QUERIES)} queries x {args.rounds} runs, top {args.limit}\n")
    rows = [("engine", "p50 (ms)", "p95 (ms)", "Whoosh/engine p50", "Whoosh/engine p95")]
    for engine, values in timings.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        rows.append((engine, f"{p50:.1f}", f"{p95:.1f}", f"{base50 / p50:.1f}x", f"{base95 / p95:.1f}x"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print("\nper query, median ms (Whoosh / ranking.py):")
    for i, text in enumerate(QUERIES):
        w = statistics.median(timings["Whoosh searcher"][i * args.rounds:(i + 1) * args.rounds])
        r = statistics.median(timings["ranking.py"][i * args.rounds:(i + 1) * args.rounds])
        print(f"  {text:<40} {w:8.1f} {r:8.1f}")
    if differ:
        print(f"\ntop {args.limit} not the same as Whoosh's for: {', '.join(differ)}")
        return 1
    print(f"\nevery query: the same top {args.limit} passages and scores (to 1e-5) from both engines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
