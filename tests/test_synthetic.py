"""The synthetic reports of benchmarks and tests (``report_index.synthetic``) are deterministic and
say they are synthetic; ``evaluation.evaluate_sources`` indexes folders and scores judged queries
on them."""

from __future__ import annotations

from pathlib import Path

from report_index import synthetic
from report_index.evaluation import Judged, evaluate_sources
from report_index.models import Table
from report_index.pipeline import extract_report
from report_index.sources.pdf import read_pdf


def test_paragraph_reports_are_deterministic_and_say_they_are_synthetic(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    made = synthetic.make_paragraph_reports(tmp_path / "a", 25, per_report=10)
    again = synthetic.make_paragraph_reports(tmp_path / "b", 25, per_report=10)
    assert [p.name for p in made] == [p.name for p in again] == [
        "2019-01-01_synthetic-paragraphs-00000.txt", "2020-02-02_synthetic-paragraphs-00001.txt"
    ]
    assert [p.read_bytes() for p in made] == [p.read_bytes() for p in again]
    report = extract_report(made[0], made[0].read_bytes())
    numbered = [p for p in report.paragraphs if p.section]
    assert [p.section for p in numbered] == [f"1.{n}" for n in range(1, 10)] + ["1.10"]
    assert all(p.text.startswith("Synthetic ") for p in numbered)
    assert report.date == "2019-01-01"


def test_pdf_reports_have_their_pages_and_a_ruled_table(tmp_path: Path) -> None:
    assert synthetic.make_pdfs(tmp_path, 1, pages=synthetic.TABLE_PAGE) == synthetic.TABLE_PAGE
    (path,) = tmp_path.glob("*.pdf")
    assert path.name == "2019-01-01_synthetic-report-0000.pdf"
    document = read_pdf(path)
    assert document.page_count == synthetic.TABLE_PAGE
    assert document.blocks[0].text == "Synthetic Benchmark Report 0"
    tables = [b for b in document.blocks if isinstance(b, Table)]
    assert [(t.page, t.ruled, t.header[0]) for t in tables] == [(synthetic.TABLE_PAGE, True, "Measures")]
    first = path.read_bytes()
    synthetic.make_pdfs(tmp_path, 1, pages=synthetic.TABLE_PAGE)
    assert path.read_bytes() == first


def test_evaluate_sources_scores_each_run_on_its_own_index(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (report,) = synthetic.make_paragraph_reports(folder, 10, per_report=10)
    passage = report.read_text(encoding="utf-8").split("\n\n")[3]
    assert passage.startswith("1.3 Synthetic ")
    words = " ".join(passage.split()[1:8])  # "Synthetic" and six words after it
    judged = [Judged(f'"{words}"', "synthetic", [("2019-01-01", words)])]
    (tmp_path / "empty").mkdir()
    summary = evaluate_sources([([folder], judged), ([tmp_path / "empty"], judged)])
    ours = [r.ours for r in summary.results]
    assert ours[0].mrr == 1.0 and ours[0].recall == 1.0
    assert ours[1].recall == 0.0  # the second run's index holds no report
