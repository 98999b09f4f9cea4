"""Measure report-index's search relevance on judged queries, beside an SQLite FTS5 baseline.

    python scripts/evaluate.py
    python scripts/evaluate.py --forms

Prints MRR, nDCG@10 and recall@10 for every query and for each category, for report-index and
for SQLite FTS5 (porter tokenizer) over the same passages, measured in the same run. The gold
queries (tests/fixtures/gold_seeds.json, judged on the two real reports) run on an index of
corpus/; the queries of scripts/queries.json on an index of corpus/ and the synthetic reports.

With ``--forms``, the two seed reports in every form the tool reads (the bundled PDFs, and as
Word documents, saved web pages and pasted web text, written by scripts/render_forms.py): per
form, each report's passages, whether its date, meeting and title are the gold ones, its
measures, and the gold queries' scores on an index of that form alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from report_index.evaluation import Scores, Summary, evaluate, evaluate_sources, load_judged

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


def forms() -> str:
    """The gold on each form of the seed reports (see the module notes)."""
    import importlib.util
    import json
    import tempfile

    from report_index.index.store import load_reports
    from report_index.ingest.run import ingest

    spec = importlib.util.spec_from_file_location("render_forms", ROOT / "scripts" / "render_forms.py")
    render_forms = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_forms)
    gold = {r["date"]: r for r in json.loads(GOLD.read_text(encoding="utf-8"))["reports"]}
    judged = load_judged(GOLD, category="gold")
    lines = [f"{'form':<8} {'report':<11} {'passages':>8} {'measures':>8}  date meeting title   gold queries MRR  R@10"]
    with tempfile.TemporaryDirectory(prefix="report-index-forms-") as scratch:
        for form in ("pdf", *render_forms.FORMS):
            folder = ROOT / "corpus" if form == "pdf" else Path(scratch) / form
            if form != "pdf":
                render_forms.write_form(form, folder)
            index_dir = Path(scratch) / f"index-{form}"
            ingest([folder], index_dir)
            scores = evaluate(index_dir, judged).mean()
            for report in sorted(load_reports(index_dir), key=lambda r: r.date or ""):
                want = gold.get(report.date or "", {})
                marks = ["yes" if want and report.date == want["date"] else "no",
                         "yes" if want and report.body == want["body"] else "no",
                         "yes" if want and report.title == want["title"] else "no"]
                lines.append(
                    f"{form:<8} {report.date or 'undated':<11} {len(report.paragraphs):>8} {len(report.measures):>8}  "
                    f"{marks[0]:<4} {marks[1]:<7} {marks[2]:<5}   {scores.mrr:16.2f} {scores.recall:5.2f}"
                )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", action="store_true", help="the gold on the seed reports in every form (see above)")
    if parser.parse_args().forms:
        print(forms())
        return 0
    summary = evaluate_sources(
        [([ROOT / "corpus"], load_judged(GOLD, category="gold")), (SOURCES, load_judged(QUERIES))]
    )
    print(report(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
