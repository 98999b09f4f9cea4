"""Performance measures: gold values from every source, normalisation, series across reports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from report_index.cli import main
from report_index.index.store import load_reports
from report_index.ingest.run import ingest
from report_index.pipeline import extract_report
from report_index.measures.tables import check_difference, parse_trend, parse_value, period_key
from report_index.models import Measure, MeasureValue
from report_index.output.plot import plot_series
from report_index.series import collect_series

from .conftest import FIXTURES, GOLD, PDF_2022, SEED_2022, UNRULED_2022

SYNTHETIC = FIXTURES / "synthetic"


@pytest.mark.parametrize("path", [PDF_2022, UNRULED_2022, SEED_2022], ids=lambda p: p.name)
def test_every_gold_measure_exactly(path):
    report = extract_report(path, path.read_bytes())
    assert report.date == "2022-06-10"
    got = {(m.name, m.breakdown): m for m in report.measures}
    assert len(got) == len(GOLD["measures"]) == 6
    for gold in GOLD["measures"]:
        measure = got[(gold["name"], gold["breakdown"])]
        assert {v.period: v.value for v in measure.values} == gold["values"]
        assert measure.difference == gold["difference"]
        assert measure.trend == gold["trend"]
        assert gold["comment"] in measure.comment
        assert measure.flags == []
        for value in measure.values:  # the raw cell is kept beside each figure
            assert value.raw.replace(",", "") == str(value.value)


@pytest.mark.parametrize(
    "raw, value",
    [
        ("30,836", 30836),
        ("+160", 160),
        ("-2", -2),
        ("\u22122", -2),
        ("12.5%", 12.5),
        ("0.75", 0.75),
        ("441*", 441),
        ("3\u00b9", 3),
        ("1,204 [a]", 1204),
        ("\u00a32.4m", 2.4),
        ("n/a", None),
        ("N/A", None),
        ("", None),
        ("-", None),
        ("\u2013", None),
        ("not recorded", None),
    ],
)
def test_parse_value(raw, value):
    assert parse_value(raw) == value


def test_period_keys_sort_financial_years_quarters_years_and_months():
    periods = ["2021/22", "March 2013", "2021", "Q3 2013/14", "2013/14", "2019/20", "Q1 2013/14"]
    ordered = sorted(periods, key=period_key)
    assert ordered == ["March 2013", "2013/14", "Q1 2013/14", "Q3 2013/14", "2019/20", "2021", "2021/22"]
    assert period_key("2019/20") == (2019, 4) and period_key("Q3 2013/14") == (2013, 10)
    assert period_key("Difference") is None and period_key("2019/27") is None


@pytest.mark.parametrize(
    "raw, trend",
    [("\u2191", "up"), ("\u21e7", "up"), ("\u4ed3", "up"), ("\\Leftrightarrow", "level"), ("\u2194", "level"),
     ("\u21e9", "down"), ("Increasing", "up"), ("stable", "level"), ("reduction", "down"), ("", None), ("?", None)],
)
def test_parse_trend(raw, trend):
    assert parse_trend(raw) == trend


def test_difference_check_flags_what_the_figures_do_not_support():
    def measure(values, difference):
        return Measure(
            name="m", breakdown=None, values=[MeasureValue(str(i), v, str(v)) for i, v in enumerate(values)],
            difference=difference, difference_raw=f"{difference:+}",
        )

    assert check_difference(measure([303, 281, 441], 160)) == []  # last minus previous
    assert check_difference(measure([4812, 4950, 5120], 308)) == []  # last minus first
    flags = check_difference(measure([140, 152, 177], 40))
    assert flags and "+40 disagrees" in flags[0] and "+25" in flags[0] and "+37" in flags[0]


@pytest.fixture(scope="module")
def synthetic_index(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("synthetic-index")
    assert ingest([SYNTHETIC], index_dir).counts()["added"] == 3
    return index_dir


def test_synthetic_series_merge_across_reports_and_flag_restatements(synthetic_index):
    reports = load_reports(synthetic_index)
    assert all("synthetic" in r.title.lower() and "synthetic" in Path(r.source).name for r in reports)
    series = {s.label: s for s in collect_series(reports)}
    assert len(series) == 4
    repeat = series["Reduce number of repeat victims of Domestic Abuse"]  # one series despite case and footnote
    assert repeat.reports == [r.id for r in reports]
    assert [(p.period, p.value) for p in repeat.series] == [
        ("2019/20", 4812), ("2020/21", 4950), ("2021/22", 5120), ("2021/22", 5180), ("2022/23", 5005), ("2023/24", 4890),
    ]
    restated = [p for p in repeat.series if p.restated]
    assert [(p.value, p.report_date) for p in restated] == [(5120, "2022-06-09"), (5180, "2023-06-08")]
    assert any(f.startswith("restated: 2021/22 was 5,120 in 2022-06-09") for f in repeat.flags)
    assert repeat.trend == "down" and repeat.comment == "Repeat victimisation has fallen for a second year."

    dvpo = series["Increase use of DVPO/DVPN (DVPO)"]
    assert [p.value for p in dvpo.series] == [120, 131, 140, 152, 177]
    assert len(dvpo.flags) == 1 and "difference +40 disagrees" in dvpo.flags[0]  # the planted inconsistency
    satisfied = series["Percentage of victims satisfied with the service"]
    assert [p.value for p in satisfied.series][-1] is None and satisfied.series[-1].raw == "n/a"


def test_measures_json_csv_and_query(synthetic_index):
    runner = CliRunner()
    data = json.loads(runner.invoke(main, ["--index", str(synthetic_index), "measures", "DVPO", "--json"]).output)
    assert [(m["name"], m["breakdown"]) for m in data["measures"]] == [
        ("Increase use of DVPO/DVPN", "DVPO"), ("Increase use of DVPO/DVPN", "DVPN"),
    ]
    point = data["measures"][0]["series"][0]
    assert set(point) >= {"period", "value", "raw", "report_id", "report_date"}
    assert set(data["measures"][0]) >= {"name", "breakdown", "series", "difference", "trend", "comment", "flags"}

    result = runner.invoke(main, ["--index", str(synthetic_index), "measures", "--csv"])
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0][:7] == ["measure", "breakdown", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    assert len(rows) == 1 + 4 and len({len(r) for r in rows}) == 1  # rectangular, a row per series
    repeat = next(r for r in rows if r[0].startswith("Reduce"))
    assert repeat[2:7] == ["4812", "4950", "5180", "5005", "4890"]  # the latest statement of each period
    assert "restated" in repeat[rows[0].index("flags")]

    text = runner.invoke(main, ["--index", str(synthetic_index), "measures", "repeat victims"]).output
    assert "2021/22 5,120 (2022-06-09, restated)" in text and "! restated" in text
    none = runner.invoke(main, ["--index", str(synthetic_index), "measures", "burglary"])
    assert none.exit_code == 0 and 'No measures match "burglary"' in none.output


def test_plot_of_the_dvpo_dvpn_series(corpus_index, tmp_path):
    series = collect_series(load_reports(corpus_index), "DVPO")
    panels = plot_series(series, tmp_path / "dvpo.png")
    assert (tmp_path / "dvpo.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.title for p in panels] == ["Increase use of DVPO/DVPN"]
    lines = {line.label: line for line in panels[0].lines}
    assert lines["DVPO"].periods == ["2019/20", "2020/21", "2021/22"] and lines["DVPO"].values == [303, 281, 441]
    assert lines["DVPN"].values == [308, 333, 456]


def test_plot_marks_restated_figures_and_cli_writes_png(synthetic_index, tmp_path):
    panels = plot_series(collect_series(load_reports(synthetic_index), "repeat victims"), tmp_path / "r.png")
    assert panels[0].lines[0].restated == ["2021/22"]
    result = CliRunner().invoke(main, ["--index", str(synthetic_index), "measures", "DVP", "--plot", str(tmp_path / "c.png")])
    assert result.exit_code == 0 and (tmp_path / "c.png").stat().st_size > 10_000


def _row(name, breakdown, *cells):
    widths = (9, 10, 10, 12, 8)
    return f"{name:<44}{breakdown:<6}" + "".join(f"{cell:>{w}}" for cell, w in zip(cells, widths))


# laid out the way ``pdftotext -layout`` writes a table: columns aligned with spaces, a long name wrapped
SPACE_ALIGNED = "\n".join(
    [
        "Report to:   Police and Crime Panel",
        "Date:        10 June 2022",
        "Subject:     Measures laid out with spaces (synthetic)",
        "",
        "1. PURPOSE OF THE REPORT",
        "",
        "1.1 The measures are as follows",
        "",
        _row("Measures", "", "2019/20", "2020/21", "2021/22", "Difference", "Trend"),
        _row("Reduce number of repeat victims of", "", "30,836", "30,661", "33,427", "2,766", "up"),
        _row("Domestic Abuse", ""),
        _row("", "DVPO", "303", "281", "441", "+160", "up"),
        _row("Increase use of DVPO/DVPN", "DVPN", "308", "333", "456", "+123", "up"),
        _row("Increase use of Stalking Prevention Orders", "", "0", "3", "1", "-2", "level"),
        "",
        "2. INFORMATION",
        "",
        "2.1 Text after the table is a paragraph again.",
        "",
    ]
)


def test_space_aligned_text_table(tmp_path):
    path = tmp_path / "spaces.txt"
    path.write_text(SPACE_ALIGNED, encoding="utf-8")
    report = extract_report(path, path.read_bytes())
    got = {(m.name, m.breakdown): ([v.value for v in m.values], m.difference, m.trend) for m in report.measures}
    assert got == {
        ("Reduce number of repeat victims of Domestic Abuse", None): ([30836, 30661, 33427], 2766, "up"),
        ("Increase use of DVPO/DVPN", "DVPO"): ([303, 281, 441], 160, "up"),
        ("Increase use of DVPO/DVPN", "DVPN"): ([308, 333, 456], 123, "up"),
        ("Increase use of Stalking Prevention Orders", None): ([0, 3, 1], -2, "level"),
    }
    assert report.paragraph("2.1").text == "Text after the table is a paragraph again."


def test_every_cell_of_a_measures_table_stays_searchable():
    """A measures table (as a PDF reader gives it) with columns the measures do not read (a
    target, figures under no title), a heading row and a row of figures with no name: every
    cell is in a passage, and no column of figures is taken for a breakdown."""
    from report_index.measures.tables import attach_measures
    from report_index.models import RawDocument, Table, TextLine
    from report_index.structure import parse_report

    table = Table(
        header=["Measure", "", "2020/21", "2021/22", "Target", "Difference"],
        rows=[
            ["Victim satisfaction", "", "", "", "", ""],
            ["Repeat victims", "2,210", "30,836", "31,200", "29,000", "+364"],
            ["", "", "512", "530", "", "+18"],
            ["Stalking offences", "1,004", "6,012", "6,450", "5,900", "+438"],
        ],
        page=1,
    )
    lines = [TextLine("1. MEASURES", 1, new_block=True), TextLine("1.1 The figures for the year.", 1, new_block=True)]
    raw = RawDocument(source="m.pdf", kind="pdf", page_count=1, blocks=[*lines, table])
    report = attach_measures(parse_report(raw, "m", ""))

    [repeat] = [m for m in report.measures if m.name == "Repeat victims"]
    assert repeat.breakdown is None and [v.value for v in repeat.values] == [30836, 31200]
    text = " \n".join(p.text for p in report.paragraphs)
    for cell in ("29,000", "2,210", "5,900", "1,004", "Victim satisfaction", "512", "530"):
        assert cell in text, cell
    measure_passage = next(p.text for p in report.paragraphs if p.kind == "measure" and p.text.startswith("Repeat victims"))
    assert "Target: 29,000" in measure_passage and "2,210" in measure_passage
