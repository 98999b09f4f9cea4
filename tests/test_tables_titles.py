"""Tables that are not tables, table cells nobody wrote, column titles a search must find, and the
title blocks of reports from other forces: memos (To/From), decision records, minutes.

Every PDF here is made on the fly with reportlab, each reproducing one way real reports went
wrong; the values are checked through the whole pipeline (and the index, for what must be
searchable)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph as Para
from reportlab.platypus import SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from report_index.api import Index, ingest, open_index
from report_index.models import RawDocument, Table, TextLine
from report_index.pipeline import extract_report
from report_index.sources.pdf import read_pdf
from report_index.sources.tables import make_table, prose_table
from report_index.structure.sections import parse_report

WIDTH, HEIGHT = A4
READERS = ["pdfium", "pdfplumber"]

PARAGRAPH_LINES = [
    "The panel is asked to note the work of the neighbourhood teams described here, which",
    "continues across the five districts with partners and the community safety",
    "partnerships, as set out in the plan agreed with the Mayor last year.",
]


# --------------------------------------------------------------------------------------------
# Generators


def bordered_report(path: Path) -> Path:
    """A narrative report whose pages have a border drawn round them and rules across the border
    (under the title block, between sections): the table finder sees a one-column "table" a
    page, its top cell (the title block, half a page) a header."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    sections = [
        ("1", "PURPOSE OF THE REPORT", {2: "Operation Lanternfish began in the spring and has reached every ward."}),
        ("2", "NEIGHBOURHOOD POLICING", {1: "Ward surgeries are now held monthly in each district."}),
        ("3", "RECOMMENDATION", {}),
    ]
    y = HEIGHT - 70

    def line(text: str, bold: bool = False, gap: float = 14) -> None:
        nonlocal y
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", 11)
        pdf.drawString(60, y, text)
        y -= gap

    def frame(rules: list[float]) -> None:
        pdf.setLineWidth(1)
        pdf.rect(36, 36, WIDTH - 72, HEIGHT - 72)
        for rule in rules:
            pdf.line(36, rule, WIDTH - 36, rule)

    line("Report to: Police and Crime Panel", bold=True)
    line("Date: 14 March 2023", bold=True)
    line("Subject: Neighbourhood Policing Update", bold=True, gap=10)
    rules = [y + 2]
    y -= 18
    for number, heading, specials in sections:
        if number == "3":  # a new page, with a rule across its middle
            frame(rules)
            pdf.showPage()
            y = HEIGHT - 70
            rules = [HEIGHT / 2]
        line(f"{number}. {heading}", bold=True, gap=22)
        for para in range(1, 4):
            first = specials.get(para, PARAGRAPH_LINES[0])
            line(f"{number}.{para} {first}")
            for rest in PARAGRAPH_LINES[1:]:
                line(rest)
            y -= 10
            if number == "3" and para == 1:
                y = HEIGHT / 2 - 20
    frame(rules)
    pdf.showPage()
    pdf.save()
    return path


def sidebar_report(path: Path) -> Path:
    """Body text on the left and, beside it, a box in the right margin with a rule under its
    title: a one-column "table" that shares its lines with the body text."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(60, HEIGHT - 70, "Report to: Police and Crime Panel")
    pdf.drawString(60, HEIGHT - 84, "Date: 9 May 2023")
    pdf.setFont("Helvetica", 10)
    body = [
        "1.1 The force has recruited forty new",
        "officers to the rural crime team and",
        "they began their patrols in April.",
        "1.2 Calls about farm thefts fell by a",
        "fifth across the winter months.",
    ]
    box = ["Key facts", "Forty officers recruited", "Farm thefts down a fifth", "Patrols began in April"]
    for i, text in enumerate(body):
        pdf.drawString(60, HEIGHT - 130 - 14 * i, text)
    top = HEIGHT - 118
    pdf.rect(330, top - 14 * len(box) - 6, 200, 14 * len(box) + 6)
    pdf.line(330, top - 16, 530, top - 16)
    for i, text in enumerate(box):
        pdf.drawString(340, top - 12 - 14 * i - (4 if i else 0), text)
    pdf.showPage()
    pdf.save()
    return path


def _ruled(data: list[list[str]], spans: list[tuple] = (), widths=None) -> PdfTable:
    table = PdfTable(data, colWidths=widths)
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
                   + [("SPAN", a, b) for a, b in spans])
    )
    return table


def _document(path: Path, flowables: list) -> Path:
    SimpleDocTemplate(str(path), pagesize=A4).build(flowables)
    return path


STYLES = getSampleStyleSheet()


def _p(text: str, style: str = "Normal") -> Para:
    return Para(text, STYLES[style])


def decision_form(path: Path) -> Path:
    """A decision record laid out as a ruled two-column form: labels beside their text."""
    cell = STYLES["Normal"]
    summary = (
        "The Commissioner is asked to approve the replacement of body worn video cameras for all "
        "response officers. The current devices are five years old and fail more often each month."
    )
    reasons = (
        "Footage from body worn video supports prosecutions and complaints investigations. The new "
        "cameras record for longer and upload evidence automatically at the end of each shift."
    )
    data = [
        ["Decision number", "PCC/2023/041"],
        ["Title of decision", "Body Worn Video Replacement"],
        ["Date of decision", "12 April 2023"],
        ["Executive summary", Para(summary, cell)],
        ["Reasons for the decision", Para(reasons, cell)],
    ]
    return _document(path, [_p("DECISION RECORD", "Title"), _ruled(data, widths=[120, 330])])


def district_tables(path: Path) -> Path:
    """A report with a plain ruled table under column titles, a table of one row of titles only,
    and a table whose first row is figures, not titles."""
    return _document(path, [
        _p("Report to: Police and Crime Panel"),
        _p("Date: 20 June 2023"),
        _p("Subject: Workforce by District"),
        _p("1. WORKFORCE"),
        _p("1.1 The workforce of each district is as follows."),
        _ruled([["District", "Employees", "Vacancies"], ["Leeds", "1,204", "31"], ["Bradford", "987", "12"]]),
        Spacer(1, 12),
        _p("1.2 Schemes funded this year are listed in the appendix."),
        _ruled([["Safer Streets Fund", "Violence Reduction Unit"]]),
        Spacer(1, 12),
        _p("1.3 Calls answered each month."),
        _ruled([["4,120", "3,987", "4,410"], ["4,002", "3,850", "4,300"]]),
    ])


def spanning_tables(path: Path) -> Path:
    """Merged cells: a measure's name over its DVPO and DVPN rows, a footnote across the whole
    table under a total, periods over quarter sub-columns, and cells left blank."""
    measures = [
        ["Measures", "", "2019/20", "2020/21", "Difference"],
        ["Increase use of DVPO/DVPN", "DVPO", "303", "441", "+138"],
        ["", "DVPN", "308", "456", "+148"],
        ["Total orders", "", "611", "", "+286"],
        ["Figures for 2020/21 are provisional.", "", "", "", ""],
    ]
    quarters = [
        ["Measures", "", "2022/23", "", "2023/24", ""],
        ["", "", "Q1", "Q2", "Q1", "Q2"],
        ["Calls answered within ten seconds", "", "88%", "90%", "91%", ""],
    ]
    blanks = [
        ["Area", "Officers", "Staff"],
        ["Leeds", "120", "30"],
        ["", "95", "20"],
        ["Wakefield", "", "18"],
    ]
    return _document(path, [
        _p("Report to: Police and Crime Panel"),
        _p("Date: 10 June 2023"),
        _p("1. PERFORMANCE"),
        _p("1.1 The measures are as follows."),
        _ruled(measures, spans=[((0, 1), (0, 2)), ((0, 4), (-1, 4))]),
        Spacer(1, 12),
        _p("1.2 Quarterly call handling."),
        _ruled(quarters, spans=[((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (3, 0)), ((4, 0), (5, 0))]),
        Spacer(1, 12),
        _p("1.3 Officers and staff by area."),
        _ruled(blanks),
    ])


def minutes_pdf(path: Path) -> Path:
    """Minutes whose header wraps onto a second line, with no labelled title block at all."""
    return _document(path, [
        _p("Minutes of the meeting of the Police and Crime Panel held on Tuesday", "Heading3"),
        _p("14 March 2023 at 10.00 am at County Hall, Wakefield", "Heading3"),
        _p("Present: Councillor A Member (Chair), Councillor B Member"),
        _p("1. APOLOGIES"),
        _p("1.1 Apologies were received from Councillor C Member. The panel last met on 3 January 2023."),
        _p("2. PERFORMANCE REPORT"),
        _p("2.1 The report covers 27 November 2022 to 31 January 2023 and compares it with 2021/22."),
    ])


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("generated")
    return {
        "bordered": bordered_report(folder / "bordered.pdf"),
        "sidebar": sidebar_report(folder / "sidebar.pdf"),
        "decision": decision_form(folder / "decision.pdf"),
        "districts": district_tables(folder / "districts.pdf"),
        "spans": spanning_tables(folder / "spans.pdf"),
        "minutes": minutes_pdf(folder / "minutes.pdf"),
    }


@pytest.fixture(scope="module")
def index(pdfs, tmp_path_factory) -> Index:
    where = tmp_path_factory.mktemp("index")
    summary = ingest([pdfs["bordered"].parent], index=where, jobs=1)
    assert summary.counts()["added"] == len(pdfs), summary.outcomes
    return open_index(where)


def _report(path: Path):
    return extract_report(path, path.read_bytes())


# --------------------------------------------------------------------------------------------
# 1. Prose in a table's clothing


@pytest.mark.parametrize("reader", READERS)
def test_a_page_border_is_not_a_table(pdfs, reader):
    raw = read_pdf(pdfs["bordered"], reader)
    assert not [block for block in raw.blocks if isinstance(block, Table)]
    texts = [block.text for block in raw.blocks]
    assert texts[:3] == ["Report to: Police and Crime Panel", "Date: 14 March 2023", "Subject: Neighbourhood Policing Update"]


def test_bordered_report_has_its_title_block_sections_and_paragraphs(pdfs):
    report = _report(pdfs["bordered"])
    assert (report.body, report.date, report.title) == ("Police and Crime Panel", "2023-03-14", "Neighbourhood Policing Update")
    assert [(s.number, s.heading) for s in report.top_level_sections()] == [
        ("1", "PURPOSE OF THE REPORT"), ("2", "NEIGHBOURHOOD POLICING"), ("3", "RECOMMENDATION"),
    ]
    assert [p.section for p in report.paragraphs] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3"]
    assert {p.kind for p in report.paragraphs} == {"paragraph"} and not report.tables
    assert report.paragraph("1.2").text == (
        "Operation Lanternfish began in the spring and has reached every ward. " + " ".join(PARAGRAPH_LINES[1:])
    )
    assert report.paragraph("3.2").pages == [2]


def test_bordered_report_is_searchable_from_its_top_half(index):
    hits = index.search("Lanternfish").hits
    assert [(h.section, h.report_date, h.kind, h.page) for h in hits] == [("1.2", "2023-03-14", "paragraph", 1)]
    assert index.search("ward surgeries").hits[0].section == "2.1"


def test_a_box_beside_the_text_is_read_as_its_own_lines(pdfs):
    report = _report(pdfs["sidebar"])
    assert (report.body, report.date) == ("Police and Crime Panel", "2023-05-09")
    assert [(p.section, p.text) for p in report.paragraphs] == [
        ("", "Key facts Forty officers recruited Farm thefts down a fifth Patrols began in April"),
        ("1.1", "The force has recruited forty new officers to the rural crime team and they began their patrols in April."),
        ("1.2", "Calls about farm thefts fell by a fifth across the winter months."),
    ]
    assert not report.tables


def test_a_form_of_labelled_prose_is_read_as_text_and_title_block(pdfs):
    report = _report(pdfs["decision"])
    assert (report.date, report.title) == ("2023-04-12", "Body Worn Video Replacement")
    assert not report.tables and not [p for p in report.paragraphs if p.kind == "table_row"]
    summary = next(p for p in report.paragraphs if p.text.startswith("Executive summary:"))
    assert "replacement of body worn video cameras for all response officers" in summary.text
    assert any(p.text == "Decision number: PCC/2023/041" for p in report.paragraphs)


def test_prose_table_rules():
    sentence = "The panel is asked to note the progress made by the force on rural crime this year."
    assert prose_table([["Report to: Police and Crime Panel Date: 14 March 2023"], [sentence], [None]])
    assert prose_table([["Executive summary", sentence], ["Decision", sentence]])
    assert not prose_table([["Measures", "Comment"], ["Reduce repeat victims", sentence]])
    assert not prose_table([["District", "Employees", "Vacancies"], ["Leeds", "1,204", "31"]])
    assert not prose_table([["Recommendation", "Response"], [sentence, sentence], [sentence, sentence]])


# --------------------------------------------------------------------------------------------
# 2. Column titles are searchable


def test_table_rows_carry_their_column_titles(pdfs):
    report = _report(pdfs["districts"])
    rows = [p for p in report.paragraphs if p.kind == "table_row"]
    assert [(p.section, p.text) for p in rows] == [
        ("1.1", "District: Leeds | Employees: 1,204 | Vacancies: 31"),
        ("1.1", "District: Bradford | Employees: 987 | Vacancies: 12"),
        ("1.2", "Safer Streets Fund | Violence Reduction Unit"),  # a table of titles alone
        ("1.3", "4,120 | 3,987 | 4,410"),  # figures, not titles: a row like the others
        ("1.3", "4,002 | 3,850 | 4,300"),
    ]
    assert rows[0].cells == ["Leeds", "1,204", "31"]


def test_a_column_title_finds_its_rows(index):
    hits = index.search("Employees").hits
    assert {h.text for h in hits} == {
        "District: Leeds | Employees: 1,204 | Vacancies: 31", "District: Bradford | Employees: 987 | Vacancies: 12",
    }
    assert index.search('"Violence Reduction Unit"').hits[0].kind == "table_row"


# --------------------------------------------------------------------------------------------
# 3. Empty cells stay empty


@pytest.mark.parametrize("reader", READERS)
def test_merged_cells_fill_only_what_they_cover(pdfs, reader):
    tables = [block for block in read_pdf(pdfs["spans"], reader).blocks if isinstance(block, Table)]
    measures, quarters, blanks = tables
    assert measures.rows == [
        ["Increase use of DVPO/DVPN", "DVPO", "303", "441", "+138"],
        ["Increase use of DVPO/DVPN", "DVPN", "308", "456", "+148"],  # the merged name covers this row
        ["Total orders", "", "611", "", "+286"],
    ]
    assert quarters.header == ["Measures", "", "2022/23 Q1", "2022/23 Q2", "2023/24 Q1", "2023/24 Q2"]
    assert quarters.rows == [["Calls answered within ten seconds", "", "88%", "90%", "91%", ""]]
    assert blanks.rows == [["Leeds", "120", "30"], ["", "95", "20"], ["Wakefield", "", "18"]]


def test_a_footnote_across_a_table_is_text_and_no_figure_is_invented(pdfs):
    report = _report(pdfs["spans"])
    assert [(m.name, m.breakdown, [v.raw for v in m.values], m.difference_raw) for m in report.measures] == [
        ("Increase use of DVPO/DVPN", "DVPO", ["303", "441"], "+138"),
        ("Increase use of DVPO/DVPN", "DVPN", ["308", "456"], "+148"),
        ("Total orders", None, ["611", ""], "+286"),
        ("Calls answered within ten seconds", None, ["88%", "90%", "91%", ""], ""),
    ]
    footnote = report.paragraphs[report.paragraphs.index(next(p for p in report.paragraphs if p.kind == "measure")) + 3]
    assert (footnote.kind, footnote.text) == ("paragraph", "Figures for 2020/21 are provisional.")
    rows = [p.text for p in report.paragraphs if p.kind == "table_row"]
    assert rows == ["Area: Leeds | Officers: 120 | Staff: 30", "Officers: 95 | Staff: 20", "Area: Wakefield | Staff: 18"]


def test_make_table_reads_none_by_the_way_the_merged_cell_spans():
    table = make_table(
        [
            ["Measures", "", "2019/20", "2020/21"],
            ["Increase use of DVPO/DVPN", "DVPO", "303", "441"],
            [None, "DVPN", "308", "456"],  # nothing to its left: covered from above
            ["Total", "611", None, "897"],  # a cell to its left: "611" spans two columns
            ["Source: force systems", None, None, None],
        ],
        1,
        ruled=True,
    )
    assert table.rows == [
        ["Increase use of DVPO/DVPN", "DVPO", "303", "441"],
        ["Increase use of DVPO/DVPN", "DVPN", "308", "456"],
        ["Total", "611", "", "897"],
        ["Source: force systems", "", "", ""],
    ]


def test_breakdown_names_go_to_their_own_sub_rows_only():
    header = ["Measures", "", "2019/20", "2020/21"]
    # the name printed on the lower of its two sub-rows (as pdftotext lays it out), twice running
    table = make_table([header, ["", "DVPO", "1", "2"], ["Orders A", "DVPN", "3", "4"], ["", "DVPO", "5", "6"],
                        ["Orders B", "DVPN", "7", "8"]], None, ruled=False)
    assert [row[0] for row in table.rows] == ["Orders A", "Orders A", "Orders B", "Orders B"]
    # the name on the upper sub-row
    table = make_table([header, ["Victims", "Male", "1", "2"], ["", "Female", "3", "4"], ["Offenders", "Male", "5", "6"],
                        ["", "Female", "7", "8"]], None, ruled=False)
    assert [row[0] for row in table.rows] == ["Victims", "Victims", "Offenders", "Offenders"]
    # a titled second column is no breakdown: an empty first cell stays empty
    table = make_table([["Area", "Officers", "Staff"], ["Leeds", "120", "30"], ["", "95", "20"]], None, ruled=False)
    assert table.rows[1] == ["", "95", "20"]
    # a footnote row under a measure takes nothing
    table = make_table([header, ["Orders", "DVPO", "1", "2"], ["", "Figures are provisional", "", ""]], None, ruled=False)
    assert table.rows[1][0] == ""


# --------------------------------------------------------------------------------------------
# 4. Title blocks


def _parse(*texts: str, first_bold: bool = False):
    lines = [TextLine(text, page=1, new_block=True, bold=first_bold and i == 0) for i, text in enumerate(texts)]
    return parse_report(RawDocument("t.pdf", "pdf", 1, lines), "r", "")


def test_memo_title_block_to_from_subject_date():
    report = _parse(
        "To: Members of the Police and Crime Panel",
        "From: Jane Example, Chief Constable",
        "Subject: Annual Policing Plan",
        "Date: 3 October 2023",
        "1. PURPOSE",
        "1.1 This memo sets out the plan.",
    )
    assert (report.body, report.report_of, report.report_of_role, report.author) == (
        "Police and Crime Panel", "Jane Example", "Chief Constable", "Jane Example",
    )
    assert (report.title, report.date) == ("Annual Policing Plan", "2023-10-03")


def test_labels_without_colons_and_meeting_labels():
    report = _parse(
        "OFFICIAL",
        "Meeting: Joint Audit Committee",
        "Date of meeting 21 September 2023",
        "Report of the Chief Finance Officer",
        "Title: Treasury Management",
        "1. PURPOSE",
        "1.1 Report of the auditors is attached.",
    )
    assert (report.body, report.date, report.report_of, report.title) == (
        "Joint Audit Committee", "2023-09-21", "Chief Finance Officer", "Treasury Management",
    )
    assert [p.text for p in report.paragraphs] == ["Report of the auditors is attached."]


def test_the_meeting_date_outranks_the_date_the_report_was_written():
    report = _parse("Report to: Police and Crime Panel", "Date of report: 1 March 2023", "Date of meeting: 14 March 2023",
                    "1. PURPOSE", "1.1 Text.")
    assert report.date == "2023-03-14"


def test_decision_record_lines():
    report = _parse(
        "DECISION RECORD",
        "Decision number: PCC/2023/041",
        "Decision maker: Police and Crime Commissioner",
        "Title of decision: Body Worn Video Replacement",
        "Date of decision: 12 April 2023",
        "1. EXECUTIVE SUMMARY",
        "1.1 The Commissioner approved the replacement.",
    )
    assert (report.body, report.title, report.date) == ("Police and Crime Commissioner", "Body Worn Video Replacement", "2023-04-12")
    assert [p.text for p in report.paragraphs][:1] == ["Decision number: PCC/2023/041"]


def test_minutes_header_gives_the_meeting_and_its_date(pdfs):
    report = _report(pdfs["minutes"])
    assert (report.body, report.date, report.date_source) == ("Police and Crime Panel", "2023-03-14", "text")
    assert report.title == "Minutes of the Police and Crime Panel"
    assert report.paragraph("2.1").text.startswith("The report covers 27 November 2022")


def test_minutes_header_on_one_line_in_capitals():
    report = _parse("MINUTES OF THE JOINT AUDIT COMMITTEE MEETING HELD AT POLICE HQ ON 6 JUNE 2023", "1. APOLOGIES",
                    "1.1 None.")
    assert (report.body, report.date) == ("Joint Audit Committee", "2023-06-06")


@pytest.mark.parametrize(
    "line",
    [
        "This report covers 27 November 2024 to 31 March 2025.",
        "Covers 27 November 2024 to 31 March 2025",
        "Performance in 2019/20",
        "The panel met on 3 May 2023 to agree it.",
        "Data to 31 March 2025",
    ],
)
def test_a_period_or_a_date_in_a_sentence_is_not_the_meeting_date(line):
    report = _parse("Rural Crime Update", line, "1. PURPOSE", "1.1 The panel is asked to note the update.")
    assert report.date is None


@pytest.mark.parametrize("line,iso", [("14 March 2023", "2023-03-14"), ("Tuesday 14th March 2023", "2023-03-14"),
                                       ("10/06/2022", "2022-06-10")])
def test_a_date_alone_on_a_line_at_the_top_is_the_meeting_date(line, iso):
    report = _parse("Rural Crime Update", "Prepared for the panel by the analysts", "and their team", line,
                    "1. PURPOSE", "1.1 The panel is asked to note the update.")
    assert report.date == iso


def test_a_date_line_after_the_numbered_paragraphs_start_is_not_the_meeting_date():
    report = _parse("Rural Crime Update", "1. PURPOSE", "1.1 The panel is asked to note the update.", "3 May 2023")
    assert report.date is None


@pytest.mark.parametrize("line", ["POLICE AND CRIME PANEL - 14 MARCH 2023", "Police and Crime Panel, Tuesday 14 March 2023"])
def test_a_meeting_named_with_its_date_on_one_line(line):
    report = _parse(line, "Rural Crime Update", "1. PURPOSE", "1.1 The panel is asked to note the update.")
    assert (report.body, report.date) == ("Police and Crime Panel", "2023-03-14")


# --------------------------------------------------------------------------------------------
# 5. Letterheads of town and parish councils: a body's name, a heading, a date on the heading


def test_a_council_meeting_named_with_its_date_then_the_agenda_item_and_its_title():
    report = _parse(
        "Northfield Town Council Meeting 21 February 2017",
        "Agenda Item 166",
        "Summer in Northfield Park",
        "1. Purpose of Report",
        "1.1 To advise Council of the proposed events.",
        first_bold=True,
    )
    assert (report.body, report.date, report.date_source, report.title) == (
        "Northfield Town Council", "2017-02-21", "text", "Summer in Northfield Park",
    )


def test_a_letterhead_body_then_the_heading_is_the_title():
    report = _parse("Northfield Town Council", "Payments Made 2017/18 exceeding £250", "Doc Date Paid Date Ref Payee")
    assert (report.body, report.title, report.date) == ("Northfield Town Council", "Payments Made 2017/18 exceeding £250", None)


def test_a_heading_that_ends_with_its_date():
    report = _parse("Amenities Committee Community Grant Applications 15th November 2016", "Grants are listed by ward.")
    assert (report.title, report.date, report.body) == ("Amenities Committee Community Grant Applications", "2016-11-15", "")
    report = _parse("Election Results For Northfield Town Council", "Reddicap Ward", "Town Council Election Thursday 3 MAY 2018",
                    "Name Party Votes")
    # a title that ends with a council's name is no body's name
    assert (report.title, report.date, report.body) == ("Election Results For Northfield Town Council", "2018-05-03", "")


@pytest.mark.parametrize("line", ["The panel noted the report.", "OFFICIAL", "3 May 2023", "1. PURPOSE", "Date: 3 May 2023",
                                  "and the partners agreed", "POLICE AND CRIME PANEL", "An Annual Report marks the"])
def test_a_line_that_is_no_heading_is_no_title(line):
    assert _parse(line, "1.1 The panel is asked to note the update.").title == ""


def test_a_heading_in_capitals_after_a_heading_in_mixed_case_is_not_its_second_line():
    lines = [TextLine("Community Grant Applications Received in the Autumn Round by the Amenities Committee", page=1,
                      new_block=True, bold=True, full=True),
             TextLine("FOUR OAKS WARD", page=1, bold=True),
             TextLine("Three grants of up to £500 were awarded in the ward.", page=1, new_block=True)]
    report = parse_report(RawDocument("t.pdf", "pdf", 1, lines), "r", "")
    assert report.title == "Community Grant Applications Received in the Autumn Round by the Amenities Committee"
    assert [s.heading for s in report.sections][-1:] == ["FOUR OAKS WARD"]


def _with_properties(path: Path, title: str, author: str, created: str, lines: list[str]) -> Path:
    """A PDF whose document information gives a title, an author and a creation date (reportlab
    writes its fixed date with ``invariant``; it is replaced in the file, same length)."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    y = HEIGHT - 80
    for text in lines:
        pdf.drawString(60, y, text)
        y -= 16
    pdf.save()
    data = path.read_bytes()
    assert b"D:20000101000000+00'00'" in data
    path.write_bytes(data.replace(b"D:20000101000000+00'00'", created.encode("ascii")))
    return path


def test_a_pdf_document_information_fills_what_the_text_leaves(tmp_path):
    lines = ["Grants awarded in the year are listed by ward, with the amount and the purpose of each."]
    path = _with_properties(tmp_path / "a1b2c3d4e5.pdf", "Microsoft Word - Community Grants 2016-17.docx", "Olive Example",
                            "D:20170628173217+01'00'", lines)
    report = extract_report(path, path.read_bytes())
    assert (report.title, report.author, report.date, report.date_source) == (
        "Community Grants 2016-17", "Olive Example", "2017-06-28", "document properties (created)",
    )
    # a file name or a hash is no title, a login no author, reproducible tools' fixed date no date
    path = _with_properties(tmp_path / "grants.pdf", "9330fbccfc545334ce8b8c083b4be2ea.xlsx", "SCTC2",
                            "D:20000101000000+00'00'", lines)
    report = extract_report(path, path.read_bytes())
    assert (report.title, report.author, report.date, report.date_source) == ("grants", "", None, "none")


def test_the_text_and_the_file_name_date_a_pdf_before_its_properties(tmp_path):
    path = _with_properties(tmp_path / "2018-05-04_results.pdf", "Ward Results", "Olive Example", "D:20180505115754+01'00'",
                            ["Results of the election are given by ward, with the turnout of each."])
    assert (extract_report(path, path.read_bytes()).date_source) == "filename"
    path = _with_properties(tmp_path / "results.pdf", "Ward Results", "Olive Example", "D:20180505115754+01'00'",
                            ["Town Council Election Thursday 3 May 2018", "Results of the election are given by ward."])
    report = extract_report(path, path.read_bytes())
    assert (report.date, report.date_source, report.title) == ("2018-05-03", "text", "Town Council Election")


def test_a_title_printed_at_the_top_of_every_page_is_the_first_pages_title_block(tmp_path):
    """A spreadsheet printed with print titles: the council and the list's title at the top of
    every page, over rows of payments. The first page's copy is the title block; the others are
    running headers."""
    path = tmp_path / "payments.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in range(4):
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(60, HEIGHT - 40, "Northfield Town Council")
        pdf.drawString(60, HEIGHT - 56, "Payments Made 2016/17 exceeding £250")
        pdf.setFont("Helvetica", 10)
        for row in range(30):
            pdf.drawString(60, HEIGHT - 110 - 20 * row, f"Payment {page * 30 + row + 1} to Moor Hall Developments for office rent")
        pdf.showPage()
    pdf.save()
    report = extract_report(path, path.read_bytes())
    assert (report.body, report.title) == ("Northfield Town Council", "Payments Made 2016/17 exceeding £250")
    texts = [p.text for p in report.paragraphs]
    assert not any("Payments Made" in t for t in texts[1:]) and sum("Payment 1 to" in t for t in texts) == 1
    assert any("Payment 120 to" in t for t in texts)
