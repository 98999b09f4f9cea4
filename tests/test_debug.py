"""``trace_file`` and its renderers: every stage's intermediate result for one file, nothing indexed.

The bundled 2022 PDF (ruled measures table), its unruled twin, the 2022 seed text and a PDF with
no text layer; the values are the gold ones (``fixtures/gold_seeds.json``)."""

from __future__ import annotations

import json

import pytest

from report_index.errors import ReportIndexError
from report_index.output.debug import STAGES, debug_json, debug_text
from report_index.pipeline import extract_report
from report_index.trace import FileTrace, LineTrace, TableTrace, trace_file

from . import badfiles
from .conftest import GOLD, PDF_2022, SEED_2022, UNRULED_2022, gold_report

GOLD_2022 = gold_report(SEED_2022.name)
REPEAT_VICTIMS = "Reduce number of repeat victims of Domestic Abuse"


@pytest.fixture(scope="module")
def pdf_trace() -> FileTrace:
    return trace_file(PDF_2022)


@pytest.fixture(scope="module")
def unruled_trace() -> FileTrace:
    return trace_file(UNRULED_2022)


@pytest.fixture(scope="module")
def seed_trace() -> FileTrace:
    return trace_file(SEED_2022)


def _gold_measures() -> dict[tuple[str, str | None], dict]:
    return {(m["name"], m["breakdown"]): m for m in GOLD["measures"] if m["report_date"] == "2022-06-10"}


def _assert_gold_measures(trace: FileTrace) -> None:
    got = {(m.name, m.breakdown): m for m in trace.measures}
    assert set(got) == set(_gold_measures())
    for key, gold in _gold_measures().items():
        measure = got[key]
        assert {v.period: v.value for v in measure.values} == gold["values"]
        assert measure.difference == gold["difference"]
        assert measure.trend == gold["trend"]
        assert gold["comment"] in measure.comment
    repeat = got[(REPEAT_VICTIMS, None)]
    assert [(v.period, v.raw) for v in repeat.values] == [
        ("2019/20", "30,836"), ("2020/21", "30,661"), ("2021/22", "33,427")
    ]
    assert repeat.difference_raw == "2,766" and repeat.flags == ()


def _measures_table(trace: FileTrace) -> TableTrace:
    (table,) = [t for t in trace.tables if t.role == "measures"]
    return table


def test_pdf_file_and_pages(pdf_trace):
    info = pdf_trace.file
    assert pdf_trace.ok and pdf_trace.failure is None
    assert pdf_trace.stages == ("read", "title-block", "structure", "measures", "passages")
    assert (info.path, info.kind, info.page_count, info.ocr) == (str(PDF_2022), "pdf", 11, False)
    assert info.size == PDF_2022.stat().st_size and len(info.sha256) == 64
    assert [p.page for p in pdf_trace.pages] == list(range(1, 12))
    assert {p.reader for p in pdf_trace.pages} == {"pdfium"}
    assert pdf_trace.pages[0].tables == 3  # title block, measures, comments
    assert sum(p.lines for p in pdf_trace.pages) == len([l for l in pdf_trace.lines if l.text.strip()])


def test_pdf_lines_carry_layout_hints(pdf_trace):
    lines = {l.text: l for l in pdf_trace.lines}
    heading = lines["1. PURPOSE OF THE REPORT"]
    assert (heading.page, heading.x0, heading.bold, heading.new_block, heading.page_start) == (1, 0.0, True, True, True)
    para = next(l for l in pdf_trace.lines if l.text.startswith("2.5.6 The forensic marking initiative"))
    assert (para.page, para.x0, para.bold, para.full) == (6, 0.0, False, True)
    carried_on = pdf_trace.lines[pdf_trace.lines.index(para) + 1]
    assert carried_on.text.startswith("now live across four of the five Districts")
    assert carried_on.x0 > 40 and not carried_on.new_block
    # the two-line bold heading of 2.7 is one heading: its second line is marked as joined
    assert lines["Mutilation (FGM)"].joined and lines["Mutilation (FGM)"].bold
    assert [b.block for b in pdf_trace.blocks] == list(range(len(pdf_trace.blocks)))


def test_pdf_title_block_and_report(pdf_trace):
    front = pdf_trace.title_block
    assert (front.body, front.date, front.title) == ("Police and Crime Panel", "2022-06-10", "Safeguarding Report")
    assert (front.author, front.report_of) == (GOLD_2022["author"], GOLD_2022["report_of"])
    assert front.blocks == (0,)  # the ruled Report to / Date / Subject table
    first = pdf_trace.blocks[0]
    assert isinstance(first, TableTrace) and first.role == "title block" and first.header == ("Report to:", "Police and Crime Panel")
    report = pdf_trace.report
    assert (report.date, report.date_source, report.title_source) == ("2022-06-10", "text", "title block")


def test_pdf_measures_table_is_ruled(pdf_trace):
    table = _measures_table(pdf_trace)
    assert table.ruled and table.page == 1 and table.report_table == 0
    assert table.header == ("Measures", "", "2019/20", "2020/21", "2021/22", "Difference", "Trend over time")
    assert table.rows[1][:5] == (REPEAT_VICTIMS, "", "30,836", "30,661", "33,427")
    assert [t.role for t in pdf_trace.tables] == ["title block", "measures", "comments"]
    _assert_gold_measures(pdf_trace)


def test_pdf_sections_and_passages(pdf_trace):
    tops = [s.heading for s in pdf_trace.sections if s.parent is None and s.number]
    assert tops == GOLD_2022["top_level_sections"]
    numbered = {s.number: s for s in pdf_trace.sections if s.number}
    for number, heading in GOLD_2022["numbered_sections"].items():
        assert numbered[number].heading == heading and numbered[number].level == 2
        assert pdf_trace.sections[numbered[number].parent].number == number.split(".")[0]
    passages = {p.section: p for p in pdf_trace.passages if p.kind == "paragraph"}
    for number, words in GOLD_2022["paragraphs"].items():
        assert words in passages[number].text
    smartwater = passages["2.5.6"]
    assert smartwater.pages == (6,) and smartwater.heading_path == ("INFORMATION", "Domestic Abuse")
    assert [p.ordinal for p in pdf_trace.passages] == list(range(len(pdf_trace.passages)))
    assert sum(p.kind == "measure" for p in pdf_trace.passages) == len(pdf_trace.measures) == 6


def test_trace_agrees_with_the_pipeline(pdf_trace):
    report = extract_report(PDF_2022, PDF_2022.read_bytes())
    assert [(p.kind, p.section, list(p.pages), p.text) for p in report.paragraphs] == [
        (p.kind, p.section, list(p.pages), p.text) for p in pdf_trace.passages
    ]
    assert [(s.number, s.heading, s.parent) for s in report.sections] == [
        (s.number, s.heading, s.parent) for s in pdf_trace.sections
    ]
    assert report.sha256 == pdf_trace.file.sha256


def test_unruled_fixture_finds_its_table_unruled(unruled_trace):
    assert unruled_trace.ok and {p.reader for p in unruled_trace.pages} == {"pdfium"}
    table = _measures_table(unruled_trace)
    assert not table.ruled and table.page == 1
    assert table.rows[1][:5] == (REPEAT_VICTIMS, "", "30,836", "30,661", "33,427")
    comments = [t for t in unruled_trace.tables if t.role == "comments"]
    assert [t.ruled for t in comments] == [False]
    _assert_gold_measures(unruled_trace)
    assert "unruled, 7 columns, 6 rows, measures" in debug_text(unruled_trace, stages={"tables"})


def test_seed_text_file(seed_trace):
    info = seed_trace.file
    assert (info.kind, info.page_count) == ("text", None) and seed_trace.ok
    assert seed_trace.pages == ()  # no form feeds: no pages
    assert all(l.page is None and l.x0 == 0.0 for l in seed_trace.lines)
    bold = [l.text for l in seed_trace.lines if l.bold]  # written **bold** in the text
    assert bold[:2] == ["2. INFORMATION", "2.5. Domestic Abuse"]
    front = seed_trace.title_block
    assert (front.body, front.date, front.title, front.author, front.report_of) == (
        GOLD_2022["body"], GOLD_2022["date"], GOLD_2022["title"], GOLD_2022["author"], GOLD_2022["report_of"]
    )
    assert front.blocks == (0, 1, 2, 3, 4)
    assert [l.text.split(":")[0] for l in seed_trace.lines if l.title_block] == [
        "Report to", "Date", "Subject", "Report of", "Author"
    ]
    assert [t.ruled for t in seed_trace.tables] == [False, False]
    _assert_gold_measures(seed_trace)
    assert [s.heading for s in seed_trace.sections if s.parent is None and s.number] == GOLD_2022["top_level_sections"]


def test_date_from_the_file_name(tmp_path):
    path = tmp_path / "2023-01-05_panel-notes.txt"
    path.write_text("The panel noted the neighbourhood policing update.\n", encoding="utf-8")
    trace = trace_file(path)
    assert trace.ok and trace.title_block.date is None
    assert (trace.report.date, trace.report.date_source) == ("2023-01-05", "filename")
    assert (trace.report.title, trace.report.title_source) == ("2023 01 05 panel notes", "filename")
    assert "date       2023-01-05  (from filename)" in debug_text(trace, stages={"report"})


def test_no_text_layer_is_a_failed_stage_not_an_error(tmp_path):
    scan = badfiles.no_text_pdf(tmp_path)
    trace = trace_file(scan)
    assert not trace.ok and trace.stages == ()
    assert trace.failure.stage == "read" and "no text layer" in trace.failure.message
    assert not trace.failure.unexpected
    assert (trace.file.kind, trace.file.size) == ("pdf", scan.stat().st_size)
    assert trace.blocks == () and trace.title_block is None and trace.report is None
    text = debug_text(trace)
    assert "== failed ==" in text and "no text layer" in text and "== lines ==" not in text
    assert "not reached  pages, lines, tables" in text
    only = debug_text(trace, stages={"tables"})
    assert "(not reached: read failed)" in only and "no text layer" in only
    assert json.loads(debug_json(trace))["failure"]["stage"] == "read"


def test_no_passages_is_a_failed_stage_with_what_came_before(tmp_path):
    path = tmp_path / "front-only.txt"
    path.write_text("Report to: Police and Crime Panel\nDate: 3 March 2023\n", encoding="utf-8")
    trace = trace_file(path)
    assert trace.failure.stage == "passages" and "no paragraphs" in trace.failure.message
    assert trace.stages == ("read", "title-block", "structure", "measures")
    assert (trace.title_block.body, trace.title_block.date) == ("Police and Crime Panel", "2023-03-03")
    assert trace.passages == ()


def test_unsupported_and_missing_files(tmp_path):
    docx = badfiles.unsupported_file(tmp_path)
    trace = trace_file(docx)
    assert trace.file.kind == "" and trace.failure.stage == "read" and ".xlsx" in trace.failure.message
    with pytest.raises(ReportIndexError, match="no such file"):
        trace_file(tmp_path / "absent.pdf")
    with pytest.raises(ReportIndexError, match="not a file"):
        trace_file(tmp_path)


def test_records_are_frozen_and_json_ready(pdf_trace):
    with pytest.raises(AttributeError):
        pdf_trace.file.path = "elsewhere"  # type: ignore[misc]
    data = json.loads(json.dumps(pdf_trace.to_dict()))
    assert data["file"]["page_count"] == 11 and data["failure"] is None and data["mentions"] is None
    assert {b["type"] for b in data["blocks"]} == {"line", "table"}
    repeat = next(m for m in data["measures"] if m["name"] == REPEAT_VICTIMS)
    assert [v["value"] for v in repeat["values"]] == [30836, 30661, 33427]
    assert data["title_block"]["body"] == "Police and Crime Panel"


def test_text_has_every_stage_heading(pdf_trace):
    text = debug_text(pdf_trace)
    headings = ["== file ==", "== pages ==", "== lines ==", "== tables ==", "== title block ==", "== sections ==",
                "== measures ==", "== report ==", "== passages =="]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "== initiatives ==" not in text and "== failed ==" not in text
    assert "p1    pdfium       17 lines, 3 tables" in text
    line = next(l for l in text.splitlines() if l.endswith("| 1. PURPOSE OF THE REPORT"))
    assert "p1" in line and "x0=   0.0" in line and " B new " in line and " top " in line
    assert "| 2.5.6 The forensic marking initiative (SmartWater)" in text
    assert "2019/20=30,836  2020/21=30,661  2021/22=33,427" in text
    assert "   2   2.4 Child Sexual Exploitation" in text  # indented under 2 INFORMATION


def test_stage_filter_shows_only_those_stages(pdf_trace):
    text = debug_text(pdf_trace, stages={"tables"})
    assert text.startswith("== tables ==") and text.count("== ") == 1
    assert "table 1: block 18, p1, ruled, 7 columns, 6 rows, measures (report table 0)" in text
    assert "Reduce number of repeat victims of Domestic Abuse |  | 30,836 | 30,661 | 33,427 | 2,766" in text
    both = debug_text(pdf_trace, stages=["passages", "lines"])
    assert [l for l in both.splitlines() if l.startswith("== ")] == ["== lines ==", "== passages =="]
    with pytest.raises(ValueError, match="the stages are file, pages"):
        debug_text(pdf_trace, stages={"words"})
    data = json.loads(debug_json(pdf_trace, stages={"tables"}))
    assert set(data) == {"file", "failure", "stages", "blocks"}
    assert {b["type"] for b in data["blocks"]} == {"table"}
    assert set(STAGES) >= {"lines", "tables", "title-block", "sections", "measures", "passages"}


def test_initiatives_on_request(seed_trace):
    assert seed_trace.mentions is None  # not by default: spaCy is slow to load
    trace = trace_file(SEED_2022, initiatives=True)
    assert trace.stages[-1] == "initiatives"
    mentions = {(m.initiative, m.section) for m in trace.mentions}
    assert ("stalking-protection-orders", "1.4") in mentions
    spo = next(m for m in trace.mentions if m.initiative == "stalking-protection-orders" and m.matched == "SPOs")
    assert (spo.via, spo.status) == ("acronym", "live")
    text = debug_text(trace, stages={"initiatives"})
    assert text.startswith("== initiatives ==") and "stalking-protection-orders  matched 'SPOs' status live" in text
    assert isinstance(trace.lines[0], LineTrace)
