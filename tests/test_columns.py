"""Pages set in columns (a police and crime plan's brochure pages, a gazette's three columns)
are read a column at a time: a paragraph runs down the left column and on at the top of the
right one, and no line is made of two columns' halves. Pages of one column, and tables whose
columns have white space between them, are read as before.

Each PDF is made here with reportlab's frames, the way a brochure is laid out."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageTemplate, Paragraph

from report_index.pipeline import extract_report

WIDTH, HEIGHT = A4
STYLES = getSampleStyleSheet()
WORDS = (
    "the partnership continued its work with victims across every district and the panel heard how "
    "safeguarding officers supported families through the year while neighbourhood teams met residents"
).split()


TOPICS = ("Burglary Robbery Stalking Harassment Fraud Trafficking Exploitation Drugs Knife Violence Hate Cyber Rural "
          "Wildlife Roads Youth Victims Witnesses Custody Courts Prisons Probation Community Neighbourhood").split()


def _paragraph_text(number: int, length: int = 60) -> str:
    # words drawn at random (seeded): no line repeats at the foot of every page, as a running footer would
    chooser = random.Random(number)
    body = " ".join(chooser.choice(WORDS) for _ in range(length))
    return f"{body[:1].upper()}{body[1:]}."


def _heading(number: int) -> str:
    """A heading of its own words (a heading that differed only by its number, at the top of
    several pages, would be taken for a running header)."""
    return f"{TOPICS[number - 1]} priority {number}"


def columns_pdf(path: Path, columns: int, paragraphs: int = 24, gutter: float = 18) -> Path:
    """A report whose first page has a title across the page over ``columns`` columns, the
    next pages columns from top to bottom; a bold heading over each paragraph."""
    margin = 50
    width = (WIDTH - 2 * margin - (columns - 1) * gutter) / columns

    def frames(top: float, prefix: str) -> list[Frame]:
        return [Frame(margin + i * (width + gutter), 60, width, top, id=f"{prefix}{i}") for i in range(columns)]

    doc = BaseDocTemplate(str(path), pagesize=A4, invariant=1)
    doc.addPageTemplates([
        PageTemplate(id="first", frames=[Frame(margin, HEIGHT - 150, WIDTH - 2 * margin, 100, id="title"), *frames(HEIGHT - 220, "a")]),
        PageTemplate(id="rest", frames=frames(HEIGHT - 120, "b")),
    ])
    story = [Paragraph("Police and Crime Plan Annual Report 2023", STYLES["Title"]), NextPageTemplate("rest")]
    for number in range(1, paragraphs + 1):
        story.append(Paragraph(f"<b>{_heading(number)}</b>", STYLES["Heading3"]))
        story.append(Paragraph(_paragraph_text(number), STYLES["BodyText"]))
    doc.build(story)
    return path


def _report(path: Path):
    return extract_report(path, path.read_bytes())


@pytest.mark.parametrize("columns", [2, 3])
def test_columns_are_read_one_after_the_other(tmp_path, columns):
    report = _report(columns_pdf(tmp_path / "plan.pdf", columns))
    assert report.title == "Police and Crime Plan Annual Report 2023"
    assert [s.heading for s in report.sections][1:] == [_heading(n) for n in range(1, 25)]
    texts = [p.text for p in report.paragraphs]
    # every paragraph whole, in order, though many run from one column (or page) into the next
    assert texts == [_paragraph_text(n) for n in range(1, 25)]
    assert report.page_count >= 2


def test_a_paragraph_down_the_left_column_and_on_in_the_right_is_one_passage(tmp_path):
    report = _report(columns_pdf(tmp_path / "plan.pdf", 2, paragraphs=6))
    assert [p.text for p in report.paragraphs] == [_paragraph_text(n) for n in range(1, 7)]
    assert report.page_count == 1  # six paragraphs of 60 words in two columns: one runs from the left into the right


def measures_pdf(path: Path) -> Path:
    """A page of one column over a table of measures whose columns are set apart by wide white
    space all the way down: the table's gap is no gutter."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    y = HEIGHT - 80
    pdf.setFont("Helvetica", 10)
    for line in ["The table gives the measures the panel asked for, with each year's figure and",
                 "the change from the year before; the figures are for the whole force area."]:
        pdf.drawString(60, y, line)
        y -= 14
    y -= 10
    rows = [("Measure", "2019/20", "2020/21", "Difference")] + [
        (f"Repeat victims of domestic abuse in district {n}", f"{20 + n}%", f"{22 + n}%", "+2") for n in range(1, 13)
    ]
    for row in rows:
        for x, cell in zip((60, 330, 400, 470), row):
            pdf.drawString(x, y, cell)
        y -= 14
    pdf.save()
    return path


def test_a_table_with_wide_white_space_between_its_columns_is_not_columns_of_text(tmp_path):
    report = _report(measures_pdf(tmp_path / "measures.pdf"))
    assert report.paragraphs[0].text.startswith("The table gives the measures") and report.paragraphs[0].text.endswith(
        "the whole force area.")
    rows = [t.rows for t in report.tables]
    assert rows and rows[0][0][:3] == ["Repeat victims of domestic abuse in district 1", "21%", "23%"]
