"""Measuring search relevance against judged queries, beside a plain BM25 baseline.

A judged query names its relevant passages by report date and words the passage contains. For
each query, MRR (1 / rank of the first relevant passage), nDCG@10 (binary gains) and recall@10
(share of the relevant passages in the top 10) are computed for report-index's search and for
SQLite FTS5 with the porter tokenizer over the same passages, in the same run.
``evaluate_sources`` does the whole measurement: it indexes report folders in a temporary folder
and runs judged queries on each index (``scripts/evaluate.py`` prints its table).
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .search.run import search
from .text.clean import comparable

K = 10


@dataclass
class Judged:
    query: str
    category: str
    relevant: list[tuple[str, str]]  # (report date, words the passage contains)


@dataclass
class Passage:
    id: str
    report_date: str
    text: str


@dataclass
class Scores:
    mrr: float
    ndcg: float
    recall: float


@dataclass
class QueryResult:
    judged: Judged
    ours: Scores
    baseline: Scores


@dataclass
class Summary:
    results: list[QueryResult] = field(default_factory=list)

    def mean(self, category: str | None = None, system: str = "ours") -> Scores:
        chosen = [r for r in self.results if category is None or r.judged.category == category]
        if not chosen:
            return Scores(0.0, 0.0, 0.0)
        scores = [getattr(r, system) for r in chosen]
        return Scores(*(sum(getattr(s, name) for s in scores) / len(scores) for name in ("mrr", "ndcg", "recall")))

    def categories(self) -> list[str]:
        return list(dict.fromkeys(r.judged.category for r in self.results))


def load_judged(path: Path, category: str | None = None) -> list[Judged]:
    """Queries from a JSON file of ``{"queries": [{"q", "category"?, "relevant": [{"report_date",
    "contains"}]}]}`` (the gold file's queries have the same shape)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Judged(
            query=item["q"],
            category=category or item.get("category", "other"),
            relevant=[(r["report_date"], r["contains"]) for r in item["relevant"]],
        )
        for item in data["queries"]
    ]


def score(ranked: list[Passage], judged: Judged, universe: list[Passage] | None = None) -> Scores:
    """MRR, nDCG@10 and recall@10 of a ranking, with binary gains.

    A passage is relevant when it satisfies a judgement not satisfied higher up; one passage may
    satisfy several (a measure row and its joined comment). The ideal ranking needs as few
    passages as cover every judgement, found greedily over ``universe`` (all passages).
    """
    wanted = [(date, comparable(words)) for date, words in judged.relevant]

    def satisfies(passage: Passage) -> set[int]:
        text = comparable(passage.text)
        return {i for i, (date, words) in enumerate(wanted) if date == passage.report_date and words in text}

    found: set[int] = set()
    gains: list[int] = []
    for passage in ranked[:K]:
        new = satisfies(passage) - found
        gains.append(1 if new else 0)
        found |= new
    first = next((rank for rank, gain in enumerate(gains, start=1) if gain), None)
    dcg = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(_cover_size(wanted, universe, satisfies), K) + 1))
    return Scores(mrr=1 / first if first else 0.0, ndcg=dcg / ideal if ideal else 0.0, recall=len(found) / len(wanted))


def _cover_size(wanted, universe, satisfies) -> int:
    if universe is None:
        return len(wanted)
    sets = [c for c in (satisfies(p) for p in universe) if c]
    remaining = set(range(len(wanted)))
    size = 0
    while remaining and sets:
        best = max(sets, key=lambda c: len(c & remaining))
        if not best & remaining:
            break
        remaining -= best
        size += 1
    return size + len(remaining)


def ours(index_dir: Path) -> Callable[[str], list[Passage]]:
    def run(query: str) -> list[Passage]:
        hits = search(index_dir, query, limit=K).hits
        return [Passage(h.id, h.report_date or "", h.text) for h in hits]

    return run


class Fts5Baseline:
    """SQLite FTS5 (porter tokenizer, BM25 ranking) over the same passages: the plain baseline."""

    def __init__(self, passages: Iterable[Passage]):
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE passages USING fts5(id UNINDEXED, report_date UNINDEXED, text, tokenize='porter')")
        self.db.executemany("INSERT INTO passages VALUES (?, ?, ?)", [(p.id, p.report_date, p.text) for p in passages])

    @staticmethod
    def to_match(query: str) -> str:
        """The query in FTS5 syntax: its phrases and words, any of which may match."""
        parts = [f'"{phrase}"' for phrase in re.findall(r'"([^"]+)"', query)]
        rest = re.sub(r'"[^"]*"', " ", query)
        parts += [f'"{word}"' for word in re.findall(r"[A-Za-z0-9]+", rest) if word not in ("AND", "OR", "NOT")]
        return " OR ".join(parts)

    def __call__(self, query: str) -> list[Passage]:
        match = self.to_match(query)
        if not match:
            return []
        rows = self.db.execute(
            "SELECT id, report_date, text FROM passages WHERE passages MATCH ? ORDER BY bm25(passages) LIMIT ?",
            (match, K),
        ).fetchall()
        return [Passage(*row) for row in rows]


def indexed_passages(index_dir: Path) -> list[Passage]:
    """Every passage in the index, for the baseline to index too."""
    from .index.store import load_reports

    return [
        Passage(f"{report.id}#{para.ordinal}", report.date or "", para.text)
        for report in load_reports(index_dir)
        for para in report.paragraphs
    ]


def evaluate(index_dir: Path, judged: list[Judged], summary: Summary | None = None) -> Summary:
    """Both systems on every judged query, over the index at ``index_dir``."""
    mine = ours(index_dir)
    universe = indexed_passages(index_dir)
    baseline = Fts5Baseline(universe)
    summary = summary or Summary()
    for item in judged:
        summary.results.append(
            QueryResult(item, score(mine(item.query), item, universe), score(baseline(item.query), item, universe))
        )
    return summary


def evaluate_sources(runs: Sequence[tuple[Sequence[Path], list[Judged]]]) -> Summary:
    """Each run's judged queries on an index of that run's report files and folders, built in a
    temporary folder (removed afterwards): the results of every run in one summary."""
    from .ingest.run import ingest

    summary = Summary()
    with tempfile.TemporaryDirectory(prefix="report-index-evaluation-") as folder:
        for number, (sources, judged) in enumerate(runs):
            index_dir = Path(folder) / f"index-{number}"
            ingest(list(sources), index_dir)
            evaluate(index_dir, judged, summary)
    return summary
