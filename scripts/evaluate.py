"""Measure report-index's search relevance on judged queries, beside an SQLite FTS5 baseline.

    python scripts/evaluate.py

Prints MRR, nDCG@10 and recall@10 for every query and for each category, for report-index and
for SQLite FTS5 (porter tokenizer) over the same passages, measured in the same run. The gold
queries (tests/fixtures/gold_seeds.json, judged on the two real reports) run on an index of
corpus/; the queries of scripts/queries.json on an index of corpus/ and the synthetic reports.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from report_index.evaluation import Scores, Summary, evaluate_sources, load_judged

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "gold_seeds.json"
QUERIES = ROOT / "scripts" / "queries.json"
SOURCES = [ROOT / "corpus", ROOT / "tests" / "fixtures" / "synthetic"]


def _row(label: str, ours: Scores, base: Scores, width: int = 44) -> str:
    return (
        f"{label[:width]:<{width}} {ours.mrr:5.2f} {ours.ndcg:6.2f} {ours.recall:6.2f}   "
        f"{base.mrr:5.2f} {base.ndcg:6.2f} {base.recall:6.2f}"
    )


def report(summary: Summary) -> str:
    header = f"{'query':<44} {'MRR':>5} {'nDCG':>6} {'R@10':>6}   {'MRR':>5} {'nDCG':>6} {'R@10':>6}"
    lines = [f"{'':<44} {'report-index':^19}   {'FTS5 porter':^19}", header, "-" * len(header)]
    for category in summary.categories():
        lines.append(f"[{category}]")
        for result in (r for r in summary.results if r.judged.category == category):
            lines.append(_row("  " + result.judged.query, result.ours, result.baseline))
    lines.append("-" * len(header))
    for category in summary.categories():
        lines.append(_row(f"mean: {category}", summary.mean(category), summary.mean(category, "baseline")))
    lines.append(_row("mean: all queries", summary.mean(), summary.mean(None, "baseline")))
    return "\n".join(lines)


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    summary = evaluate_sources(
        [([ROOT / "corpus"], load_judged(GOLD, category="gold")), (SOURCES, load_judged(QUERIES))]
    )
    print(report(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
