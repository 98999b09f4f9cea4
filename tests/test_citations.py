"""A hit cites the page its matched words are on: a paragraph cut by a page break is one passage,
but a phrase on its second page is cited there, and words on both pages as the span."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

import report_index
from report_index.pipeline import extract_report

FIRST_PAGE = (
    "2.1 The partnership reviewed the referral pathway for victims of stalking and agreed that every "
    "referral would be screened within two working days by the coordination team so that the risk "
    "to each victim is understood and the right support is offered as early as it can be, and the"
)
SECOND_PAGE = (
    "screening tool will be piloted in Calderdale before it is rolled out across the force by the "
    "autumn, when the panel will hear how many victims were referred."
)


def _wrap(text: str, width: int = 88) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line]


def paragraph_across_a_page_break(path: Path) -> Path:
    """A two-page report whose paragraph 2.1 runs from the foot of page 1 onto page 2."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(56, 780, "Report to: Police and Crime Panel")
    pdf.drawString(56, 764, "Date: 3 March 2023")
    pdf.drawString(56, 748, "Subject: Stalking Update")
    pdf.drawString(56, 720, "2. STALKING")
    pdf.setFont("Helvetica", 10)
    y = 120
    for line in _wrap(FIRST_PAGE):
        pdf.drawString(56, y, line)
        y -= 14
    pdf.showPage()
    pdf.setFont("Helvetica", 10)
    y = 780
    for line in _wrap(SECOND_PAGE):
        pdf.drawString(56, y, line)
        y -= 14
    pdf.drawString(56, y - 28, "2.2 The next paragraph is about something else entirely.")
    pdf.showPage()
    pdf.save()
    return path


def test_a_paragraph_across_a_page_break_knows_where_each_page_begins(tmp_path):
    path = paragraph_across_a_page_break(tmp_path / "stalking.pdf")
    report = extract_report(path, path.read_bytes())
    para = report.paragraph("2.1")
    assert para.pages == [1, 2]
    assert para.text.startswith("The partnership reviewed") and "Calderdale" in para.text
    break_at = para.page_offsets[0]
    assert para.text[break_at:].startswith("screening tool will be piloted")
    assert para.page_at(para.text.index("Calderdale")) == 2
    assert para.page_at(para.text.index("coordination team")) == 1


def test_hits_cite_the_page_of_the_matched_words(tmp_path):
    path = paragraph_across_a_page_break(tmp_path / "stalking.pdf")
    index = tmp_path / "index"
    ix = report_index.Index(index)
    assert ix.ingest([path]).counts()["added"] == 1

    second = ix.search('"piloted in Calderdale"', expand=False).hits[0]
    assert (second.section, second.page, second.pages) == ("2.1", 2, (2,))
    assert second.location()[-1] == "p. 2"

    first = ix.search('"coordination team"', expand=False).hits[0]
    assert (first.section, first.page, first.pages) == ("2.1", 1, (1,))

    both = ix.search('"coordination team" Calderdale', expand=False).hits[0]
    assert (both.section, both.pages) == ("2.1", (1, 2))
    assert both.location()[-1] == "pp. 1-2"
    assert both.citation().endswith("para 2.1, pp. 1-2")
    assert both.to_dict()["page"] == 1 and both.to_dict()["pages"] == [1, 2]
