"""The report model read from the real corpus PDFs, the unruled fixture and the seed texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_index.text.dates import date_from_filename, find_date
from report_index.pipeline import extract_report
from report_index.models import Report
from report_index.text.clean import comparable

from .conftest import PDF_2021, PDF_2022, SEED_2021, SEED_2022, UNRULED_2022, gold_report

_CACHE: dict[Path, Report] = {}


def model(path: Path) -> Report:
    if path not in _CACHE:
        _CACHE[path] = extract_report(path, path.read_bytes())
    return _CACHE[path]


SOURCES_2022 = [PDF_2022, UNRULED_2022, SEED_2022]
SOURCES_2021 = [PDF_2021, SEED_2021]
ids = lambda p: p.name  # noqa: E731


@pytest.mark.parametrize("path", SOURCES_2022 + SOURCES_2021, ids=ids)
def test_metadata_matches_gold(path):
    seed = "000_95eda39535eb2922.txt" if path in SOURCES_2022 else "001_8fd772f304073688.txt"
    gold = gold_report(seed)
    report = model(path)
    assert report.date == gold["date"]
    assert report.body == gold["body"]
    assert report.title == gold["title"]
    if "author" in gold:
        assert report.author == gold["author"]
        assert report.report_of == gold["report_of"]
        assert report.author_role == "Research Manager"
        assert report.report_of_role == "Deputy Mayor for Policing and Crime"


@pytest.mark.parametrize("path", SOURCES_2022, ids=ids)
def test_2022_top_level_sections(path):
    gold = gold_report("000_95eda39535eb2922.txt")
    top = [s for s in model(path).top_level_sections()]
    numbered = [s.heading for s in top if s.number]
    assert numbered == gold["top_level_sections"]
    assert [s.number for s in top if s.number] == [str(n) for n in range(1, 9)]
    # back matter after the numbered sections is kept as unnumbered headings
    assert [s.heading for s in top if not s.number] == ["BACKGROUND PAPERS AND APPENDICES", "CONTACT INFORMATION"]


@pytest.mark.parametrize("path", SOURCES_2021, ids=ids)
def test_2021_top_level_sections(path):
    gold = gold_report("001_8fd772f304073688.txt")
    assert [s.heading for s in model(path).top_level_sections()] == gold["top_level_sections"]


@pytest.mark.parametrize("path", SOURCES_2022, ids=ids)
def test_numbered_sections_and_their_parents(path):
    report = model(path)
    gold = gold_report("000_95eda39535eb2922.txt")
    headings = {s.number: s for s in report.sections if s.number}
    for number, heading in gold["numbered_sections"].items():
        assert headings[number].heading == heading
        assert headings[number].level == 2
        assert report.sections[headings[number].parent].heading == "INFORMATION"
    # paragraphs that merely carry sub-paragraphs (2.1, 2.2, 2.3) are not headings
    assert not {"2.1", "2.2", "2.3"} & set(headings)


@pytest.mark.parametrize("path", SOURCES_2022, ids=ids)
def test_gold_paragraphs_under_their_numbers(path):
    report = model(path)
    gold = gold_report("000_95eda39535eb2922.txt")
    for number, snippet in gold["paragraphs"].items():
        para = report.paragraph(number)
        assert para is not None, number
        assert para.label == number
        assert comparable(snippet) in comparable(para.text)


def test_paragraphs_know_heading_path_and_pages():
    report = model(PDF_2022)
    smartwater = report.paragraph("2.5.6")
    assert smartwater.heading_path == ["INFORMATION", "Domestic Abuse"]
    assert smartwater.pages == [6]
    assert report.paragraph("2.2.1").pages == [3, 4]  # runs over a page break
    spo = report.paragraph("2.6.1")
    assert spo.heading_path == ["INFORMATION", "Stalking and Harassment"]
    wyasp = next(p for p in report.paragraphs if p.section == "2.1 e)")
    assert wyasp.kind == "list_item" and wyasp.label == "e)"
    assert "West Yorkshire Anti-Slavery Partnership (WYASP)" in wyasp.text


@pytest.mark.parametrize("path", SOURCES_2022, ids=ids)
def test_lists_bullets_and_joined_page_breaks(path):
    report = model(path)
    bullets = [p for p in report.paragraphs if p.section == "2.5.5" and p.kind == "list_item"]
    assert len(bullets) == 6
    assert bullets[0].text.startswith("Implementing and developing the use of TecSOS")
    # a paragraph the original PDF cut with a page break is one passage again
    assert report.paragraph("2.4.9").text.endswith("in the autumn when the current position with CSE will be discussed")
    # OCR's "I)" after "k)" is item l)
    assert next(p for p in report.paragraphs if p.section == "2.1 l)").text.startswith("Partners may wish")
    # an unnumbered paragraph belongs to the numbered one before it
    follow = report.paragraphs[report.paragraphs.index(report.paragraph("1.3")) + 1]
    assert follow.section == "1.3" and follow.text.startswith("We will do this")


@pytest.mark.parametrize("path", SOURCES_2022, ids=ids)
def test_measure_table_rows(path):
    report = model(path)
    assert len(report.tables) == 2
    measures, comments = report.tables
    assert measures.header == ["Measures", "", "2019/20", "2020/21", "2021/22", "Difference", "Trend over time"]
    assert measures.rows[3] == ["Increase use of DVPO/DVPN", "DVPO", "303", "281", "441", "+160", "\u2191"]
    assert measures.rows[4] == ["Increase use of DVPO/DVPN", "DVPN", "308", "333", "456", "+123", "\u2191"]
    assert measures.rows[5][-1] == "\u2194"
    assert measures.rows[1][:6] == ["Reduce number of repeat victims of Domestic Abuse", "", "30,836", "30,661", "33,427", "2,766"]
    assert len(comments.rows) == 5  # joined across the page break in the PDFs
    assert comments.rows[4][1] == "All four SPOs obtained by the Force are currently live."
    if path.suffix == ".pdf":
        assert comments.row_pages == [1, 1, 2, 2, 2]
    # each measure is one passage, its comment joined; the tables' rows are not passages of their own
    passages = [p for p in report.paragraphs if p.kind in ("measure", "table_row")]
    assert [p.kind for p in passages] == ["measure"] * 6
    assert all(p.section == "1.4" for p in passages)
    assert passages[3].text == (
        "Increase use of DVPO/DVPN \u2014 DVPO: 2019/20: 303; 2020/21: 281; 2021/22: 441; difference +160; trend up."
        " Comment: The Force are reporting increasing use of interventions related to domestic abuse"
    )


def test_unruled_fixture_yields_the_same_model_as_the_ruled_pdf():
    ruled, unruled = model(PDF_2022), model(UNRULED_2022)
    shape = lambda r: [(p.kind, p.section, p.heading_path, p.pages, p.text) for p in r.paragraphs]  # noqa: E731
    assert shape(unruled) == shape(ruled)
    assert [(t.header, t.rows) for t in unruled.tables] == [(t.header, t.rows) for t in ruled.tables]
    assert [s.label() for s in unruled.sections] == [s.label() for s in ruled.sections]


def test_pdf_and_seed_text_give_the_same_passages():
    def texts(report):
        return [(p.section, comparable(p.text)) for p in report.paragraphs]

    assert texts(model(PDF_2021)) == texts(model(SEED_2021))
    assert texts(model(PDF_2022)) == texts(model(SEED_2022))


def test_running_headers_and_page_numbers_are_dropped():
    report = model(PDF_2022)
    for para in report.paragraphs:
        assert "Police and Crime Panel \u2013 10 June 2022" not in para.text
        assert not para.text.strip().isdigit()
    assert report.page_count == 11


@pytest.mark.parametrize(
    "text, iso",
    [
        ("10 th June 2022", "2022-06-10"),
        ("15 June 2021", "2021-06-15"),
        ("Tuesday 3rd March 2020", "2020-03-03"),
        ("June 10, 2022", "2022-06-10"),
        ("10/06/2022", "2022-06-10"),
        ("2022-06-10", "2022-06-10"),
        ("w/c 25th April", None),
        ("31 February 2022", None),
    ],
)
def test_dates(text, iso):
    found = find_date(text)
    assert (found.isoformat() if found else None) == iso


def test_date_from_file_name():
    assert date_from_filename("2022-06-10_police-and-crime-panel.pdf").isoformat() == "2022-06-10"
    assert date_from_filename("panel 20210615.pdf").isoformat() == "2021-06-15"
    assert date_from_filename("panel-report-2022.pdf") is None


def test_title_block_in_bold_is_read_line_by_line():
    from report_index.models import RawDocument, TextLine
    from report_index.structure.sections import parse_report

    lines = [
        TextLine("Report to: Police and Crime Panel", page=1, bold=True, new_block=True),
        TextLine("Date: 3 March 2023", page=1, bold=True),
        TextLine("Subject: Rural Crime Update", page=1, bold=True),
        TextLine("1. PURPOSE OF THE REPORT", page=1, bold=True, new_block=True),
        TextLine("1.1 This report sets out progress on rural crime.", page=1, new_block=True),
    ]
    report = parse_report(RawDocument("bold.pdf", "pdf", 1, lines), "r", "")
    assert (report.body, report.date, report.title) == ("Police and Crime Panel", "2023-03-03", "Rural Crime Update")
    assert [s.heading for s in report.sections] == ["PURPOSE OF THE REPORT"]


def test_lettered_items_outside_numbered_paragraphs_are_siblings():
    from report_index.models import RawDocument, TextLine
    from report_index.structure.sections import parse_report

    texts = [
        "Council is recommended to approve:",
        "a) That the orchestra be commissioned to perform in the park.",
        "The programme would be drawn from its repertoire.",
        "b) That the clerk apply for permission to use the park.",
        "c) That the council approves a contribution of £100,000.",
    ]
    lines = [TextLine(text, page=1, new_block=True) for text in texts]
    report = parse_report(RawDocument("t.pdf", "pdf", 1, lines), "r", "")
    items = [p for p in report.paragraphs if p.kind == "list_item"]
    # each is cited by its own letter, not as a sub-item of the one before ("a) b)")
    assert [(p.label, p.section) for p in items] == [("a)", "a)"), ("b)", "b)"), ("c)", "c)")]
