"""What the ingest tells the user besides what it indexed: what in a metadata.csv it could not use
(naming the line and the column), the encoding a text file was read in; and reports without a
date shown as undated, never placed as if they were the newest."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from report_index.cli import main
from report_index.index.store import load_reports
from report_index.ingest.run import ingest
from report_index.series import collect_series
from report_index.models import Measure, MeasureValue, Report

from . import badfiles

REPORT = """Report to:\tPolice and Crime Panel
Subject:\t{subject}

1. PURPOSE OF THE REPORT

1.1 This report sets out progress on the Rural Crime Team and Operation {name}.
"""


def folder_with_metadata(tmp_path: Path, rows: str) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "rural.txt").write_text(REPORT.format(subject="Rural Crime", name="Hawkshaw"), encoding="utf-8")
    (folder / "Speed.txt").write_text(REPORT.format(subject="Speeding", name="Snap"), encoding="utf-8")
    (folder / "metadata.csv").write_text(rows, encoding="utf-8")
    return folder


def test_metadata_csv_problems_are_named_by_line_and_column_and_the_rest_applies(tmp_path):
    folder = folder_with_metadata(
        tmp_path,
        "file,date,title,meeting\n"
        "rural.txt,14 February 2023,Rural Crime Quarterly,Panel\n"  # line 2: good (its meeting column is unknown)
        "speed.txt,2023-03-01,,\n"  # line 3: the file is Speed.txt
        "Speed.txt,31/13/2023,Speeding Update,\n"  # line 4: not a date
        "rural.txt,15 February 2023,,\n",  # line 5: named again
    )
    summary = ingest([folder], tmp_path / "index")

    problems = [(p.line, p.column, p.message) for p in summary.metadata_problems]
    assert [(line, column) for line, column, _ in problems] == [(1, "meeting"), (3, "file"), (4, "date"), (5, "file")]
    assert "unknown column 'meeting'" in problems[0][2]
    assert "no file 'speed.txt'" in problems[1][2] and "did you mean 'Speed.txt'?" in problems[1][2]
    assert "'31/13/2023' is not a date" in problems[2][2]
    assert "first on line 2" in problems[3][2]
    reports = {Path(r.source).name: r for r in load_reports(tmp_path / "index")}
    assert reports["rural.txt"].date == "2023-02-15"  # the later row is used
    assert (reports["Speed.txt"].title, reports["Speed.txt"].date) == ("Speeding Update", None)
    assert not summary.failed


def test_the_command_prints_the_metadata_warnings_and_succeeds(tmp_path):
    folder = folder_with_metadata(tmp_path, "file,date\nmissing.txt,2023-01-01\n")
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "index"), "ingest", str(folder)])
    assert result.exit_code == 0
    assert "metadata.csv, line 2, column file: no file 'missing.txt' in" in result.output


def test_a_metadata_csv_without_a_file_column_says_nothing_applies(tmp_path):
    folder = folder_with_metadata(tmp_path, "name,date\nrural.txt,2023-01-01\n")
    summary = ingest([folder], tmp_path / "index")
    assert [(p.line, p.column) for p in summary.metadata_problems] == [(1, "name"), (1, "file")]
    assert all(r.date_source != "metadata.csv" for r in load_reports(tmp_path / "index"))


def test_the_ingest_says_which_encoding_a_text_file_was_read_in(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    badfiles.cp1252_txt(folder)
    (folder / "plain.txt").write_text(REPORT.format(subject="Plain", name="Utf"), encoding="utf-8")
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "index"), "ingest", str(folder)])
    assert result.exit_code == 0
    assert "cp1252.txt: read as Windows-1252 text: it is not UTF-8" in result.output
    assert "plain.txt: read as" not in result.output
    assert {Path(r.source).name: r.encoding for r in load_reports(tmp_path / "index")} == {
        "cp1252.txt": "cp1252", "plain.txt": "utf-8",
    }


def test_reports_lists_undated_reports_apart_and_compare_says_which_is_undated(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "2023-01-10_rural.txt").write_text(REPORT.format(subject="Rural Crime", name="Hawkshaw"), encoding="utf-8")
    (folder / "undated.txt").write_text(REPORT.format(subject="Rural Crime Again", name="Hawkshaw Two"), encoding="utf-8")
    index = ["--index", str(tmp_path / "index")]
    assert CliRunner().invoke(main, [*index, "ingest", str(folder)]).exit_code == 0

    listed = CliRunner().invoke(main, [*index, "reports"]).output
    assert listed.index("2023-01-10") < listed.index("Undated (") < listed.index("undated  ")
    ids = {Path(r.source).name: r.id for r in load_reports(tmp_path / "index")}
    compared = CliRunner().invoke(main, [*index, "compare", ids["2023-01-10_rural.txt"], ids["undated.txt"]])
    assert compared.exit_code == 0
    assert "B is undated: which came first is not known" in compared.output
    shown = CliRunner().invoke(main, [*index, "show", ids["undated.txt"]]).output
    assert "Date:      undated" in shown
    assert {Path(r.source).name: r.date_source for r in load_reports(tmp_path / "index")} == {
        "2023-01-10_rural.txt": "filename", "undated.txt": "none",
    }


def _report(report_id: str, date: str | None, trend: str, value: float) -> Report:
    measure = Measure(
        name="Repeat victims", breakdown=None, values=[MeasureValue("2021/22", value, str(value))], difference=None,
        trend=trend, comment=f"said by {report_id}", flags=[],
    )
    return Report(id=report_id, source=f"{report_id}.txt", sha256="", date=date, measures=[measure])


def test_an_undated_report_never_gives_the_latest_wording_of_a_measure():
    dated = _report("dated", "2022-06-10", "up", 10.0)
    undated = _report("undated", None, "down", 12.0)
    [series] = collect_series([undated, dated])
    assert (series.trend, series.comment) == ("up", "said by dated")
    assert series.reports == ["dated", "undated"]
    assert series.latest_values() == {"2021/22": 10.0}
