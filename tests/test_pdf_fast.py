"""The pdfium reader (words a few at a time, ruled tables from pdfium's paths) reads every page
exactly as pdfplumber does.

Each PDF is read both ways and compared block by block: lines (text, page, indent, bold, breaks,
full width, page start) and tables (header, rows, row pages, ruled). The inputs are the bundled
PDFs, synthetic reports made by the benchmark's generator (``report_index.synthetic``: a ruled
table on page 3) and small pages drawn here with reportlab to reach each way a table or a line
can be drawn, and text laid out in ways that make the word by word reading check its work (and
hand the page to the character by character reading).

Two readings differ on purpose, and are compared for what they must still share: words drawn
apart with no space character between them, which pdfium's text keeps apart and pdfplumber runs
together when they are closer than 3 pt (the same blocks but for those spaces); and a page turned
by ``/Rotate``, which pdfium reads as drawn and pdfplumber as displayed (pdfium's reading is
pdfplumber's of the same page without ``/Rotate``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from report_index import synthetic
from report_index.models import Table as TableBlock
from report_index.sources import pdf, pdfium_reader

from .conftest import CORPUS, FIXTURES

ROWS = [
    ["Measures", "2020/21", "2021/22", "Difference", "Trend"],
    ["Stalking referrals", "412", "455", "43", "up"],
    ["Domestic abuse arrests", "1,204", "1,187", "-17", "level"],
    ["Protection orders issued", "58", "71", "13", "up"],
]


def assert_same_as_pdfplumber(path: Path) -> list:
    """read_pdf reads every page with pdfium and gives what pdfplumber gives; returns the blocks."""
    fast = pdf.read_pdf(path)
    plumbed_pages = [n for n, reader in enumerate(fast.page_readers, start=1) if reader != "pdfium"]
    assert plumbed_pages == [], f"{path.name}: pages read by pdfplumber, not pdfium: {plumbed_pages}"
    slow = pdf.read_pdf(path, reader="pdfplumber")
    for number, (a, b) in enumerate(zip(fast.blocks, slow.blocks)):
        assert a == b, f"{path.name}, block {number}"
    assert len(fast.blocks) == len(slow.blocks), path.name
    assert fast == slow
    return fast.blocks


@pytest.mark.parametrize(
    "path", [*CORPUS.glob("*.pdf"), *FIXTURES.glob("*.pdf")], ids=lambda p: p.name
)
def test_bundled_pdfs_read_as_pdfplumber_reads_them(path):
    assert_same_as_pdfplumber(path)


def test_benchmark_reports_with_ruled_tables(tmp_path):
    assert synthetic.make_pdfs(tmp_path, 3) == 18
    for path in sorted(tmp_path.glob("*.pdf")):
        blocks = assert_same_as_pdfplumber(path)
        tables = [b for b in blocks if isinstance(b, TableBlock)]
        assert [t.ruled for t in tables] == [True] and tables[0].page == synthetic.TABLE_PAGE


# --------------------------------------------------------------------------------------------
# Pages drawn here


def _heading_and_text(c: canvas.Canvas, y: float, heading: str) -> float:
    c.setFont("Helvetica-Bold", 12)
    c.drawString(72, y, heading)
    c.setFont("Helvetica", 10)
    for line in (
        "1.1 The Panel is asked to note the progress made on safeguarding referrals this year.",
        "1.2 Figures for the year are set out in the table below, beside last year's figures.",
    ):
        y -= 16
        c.drawString(72, y, line)
    return y - 24


def _cells(c: canvas.Canvas, top: float, draw_cell) -> None:
    """ROWS as a grid of cells 90 pt wide and 18 pt high, each drawn by ``draw_cell``."""
    widths = [150, 70, 70, 70, 60]
    y = top
    for r, row in enumerate(ROWS):
        x = 72.0
        for col, (text, width) in enumerate(zip(row, widths)):
            draw_cell(c, x, y - 18, width, 18, r, col)
            c.setFillColor(colors.black)
            c.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 9)
            c.drawString(x + 4, y - 13, text)
            x += width
        y -= 18


def _pdf(path: Path, draw) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    draw(c)
    c.showPage()
    c.save()
    return path


def _boxed_table(c: canvas.Canvas) -> None:
    y = _heading_and_text(c, 760, "2. PERFORMANCE MEASURES")
    _cells(c, y, lambda c, x, y, w, h, r, col: c.rect(x, y, w, h, stroke=1, fill=0))
    c.setFont("Helvetica", 10)
    c.drawString(72, y - 100, "2.1 The table shows a rise in stalking referrals.")


def _shaded_table(c: canvas.Canvas) -> None:
    def shade(c, x, y, w, h, r, col):
        c.setFillColor(colors.lightgrey if (r + col) % 2 else colors.whitesmoke)
        c.rect(x, y, w, h, stroke=0, fill=1)

    y = _heading_and_text(c, 760, "3. SHADED MEASURES")
    _cells(c, y, shade)


def _path_table(c: canvas.Canvas) -> None:
    """Cell borders drawn as open and closed paths, a rounded frame round the table (curves)."""
    y = _heading_and_text(c, 760, "4. MEASURES DRAWN AS PATHS")

    def outline(c, x, y, w, h, r, col):
        path = c.beginPath()
        path.moveTo(x, y)
        path.lineTo(x + w, y)
        path.lineTo(x + w, y + h)
        path.lineTo(x, y + h)
        path.close()
        c.drawPath(path, stroke=1, fill=0)

    _cells(c, y, outline)
    c.roundRect(60, y - 90, 450, 100, 8, stroke=1, fill=0)


def _rule_under_heading(c: canvas.Canvas) -> None:
    y = _heading_and_text(c, 760, "5. NO TABLE HERE")
    c.setLineWidth(0.8)
    c.line(72, 745, 520, 745)
    c.setFillColor(colors.lightgrey)
    c.rect(72, y - 40, 440, 2, stroke=0, fill=1)  # a thin filled bar, not a table
    c.setFillColor(colors.black)
    c.drawString(72, y - 60, "5.1 A closing paragraph under a drawn bar, with no table anywhere.")


def _spacing(c: canvas.Canvas) -> None:
    """Letter spacing (characters that do not simply abut), wide letter spacing (every letter a
    word), word spacing (spaces wider than the font's)."""
    c.setFont("Helvetica", 10)
    text = c.beginText(72, 760)
    text.setCharSpace(1.5)
    text.textLine("Letter spaced words in a heading line")
    text.setCharSpace(4)
    text.textLine("Widely spaced letters split into words")
    text.setCharSpace(0)
    text.setWordSpace(6)
    text.textLine("Justified text stretches the spaces between its words")
    text.setWordSpace(0)
    c.drawText(text)


def _font_change(c: canvas.Canvas) -> None:
    """A word set in two fonts: pdfplumber splits it where the font changes."""
    c.setFont("Helvetica-Bold", 10)
    c.drawString(72, 700, "Bold")
    c.setFont("Helvetica", 10)
    c.drawString(72 + c.stringWidth("Bold", "Helvetica-Bold", 10), 700, "face inside one word")


def _out_of_order(c: canvas.Canvas) -> None:
    """Text drawn right half first; and two runs of one font that meet on a line with another
    font drawn between them in the content stream (pdfplumber keeps them apart)."""
    c.setFont("Helvetica", 10)
    c.drawString(300, 680, "right half first,")
    c.drawString(72, 680, "then the left half")
    c.drawString(300, 640, "alpha")
    c.setFont("Helvetica-Bold", 10)
    c.drawString(72, 640, "BETA")
    c.setFont("Helvetica", 10)
    c.drawString(301 + c.stringWidth("alpha", "Helvetica", 10), 640, "gamma")


def _reordered(c: canvas.Canvas) -> None:
    """Lines drawn right half first (pdfium reads them left to right, pdfplumber in drawing order),
    in two fonts, over several lines."""
    for n, y in enumerate(range(700, 600, -20)):
        c.setFont("Helvetica-Bold" if n % 2 else "Helvetica", 10)
        c.drawString(300, y, f"right half {n} comes first,")
        c.setFont("Helvetica", 10)
        c.drawString(72, y, f"then the left half {n} of the line")


def _close_words(c: canvas.Canvas) -> None:
    """Words drawn 2 pt apart (pdfplumber joins them), and a rule through the line."""
    c.setFont("Helvetica", 10)
    c.drawString(72, 660, "close")
    c.drawString(72 + c.stringWidth("close", "Helvetica", 10) + 2, 660, "neighbours join")
    c.drawString(72, 630, "apart")
    c.drawString(72 + c.stringWidth("apart", "Helvetica", 10) + 3.5, 630, "neighbours stay apart")
    c.line(72, 655, 400, 655)


def _platypus_table(path: Path) -> Path:
    """A reportlab Table with a box, inner grid and a shaded header, amid justified paragraphs."""
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    body.alignment = 4  # justified
    words = "the panel noted referrals rising across every district while arrests fell slightly"
    story = [Paragraph("6. MEASURES IN A PLATYPUS TABLE", styles["Heading2"])]
    story += [Paragraph(f"6.{i} " + " ".join([words] * 3) + ".", body) for i in range(1, 3)]
    style = TableStyle(
        [
            ("BOX", (0, 0), (-1, -1), 1, colors.black),
            ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
        ]
    )
    story.append(Table(ROWS, style=style))
    story.append(Paragraph("6.3 " + words + ".", body))
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)
    return path


DRAWN = {
    "boxed": _boxed_table,
    "shaded": _shaded_table,
    "paths": _path_table,
    "rule": _rule_under_heading,
    "spacing": _spacing,
    "font_change": _font_change,
    "out_of_order": _out_of_order,
    "close_words": _close_words,
    "reordered": _reordered,
}

#: Drawn pages the word by word reading must vouch for itself (words pdfium's text runs across
#: two text objects, "close" and "neighbours", among them); the others it must hand to the
#: character by character reading (``PdfPages.by_character``).
WORD_BY_WORD = {"boxed", "shaded", "paths", "rule", "reordered", "close_words"}


@pytest.mark.parametrize("name", list(DRAWN))
def test_drawn_pages_read_as_pdfplumber_reads_them(name, tmp_path):
    path = _pdf(tmp_path / f"{name}.pdf", DRAWN[name])
    blocks = assert_same_as_pdfplumber(path)
    by_character = pdfium_reader.read_with_pdfium(path).by_character
    assert by_character == ([] if name in WORD_BY_WORD else [1])
    tables = [b for b in blocks if isinstance(b, TableBlock)]
    if name in ("boxed", "shaded", "paths"):
        assert [t.header for t in tables] == [ROWS[0]]
        assert tables[0].rows == ROWS[1:]
    else:
        assert tables == []


def test_platypus_table_among_justified_paragraphs(tmp_path):
    blocks = assert_same_as_pdfplumber(_platypus_table(tmp_path / "platypus.pdf"))
    tables = [b for b in blocks if isinstance(b, TableBlock)]
    assert [(t.header, t.rows, t.ruled) for t in tables] == [(ROWS[0], ROWS[1:], True)]


# --------------------------------------------------------------------------------------------
# Where the readings differ, on purpose


def _tight_words(c: canvas.Canvas) -> None:
    """Words in 7 pt type drawn one by one 2 pt apart, no space character between them: pdfium's
    text has a space there, pdfplumber joins characters closer than 3 pt."""
    c.setFont("Helvetica", 7)
    for y in (700, 680):
        x = 72.0
        for word in "the child lived with her mother and the family".split():
            c.drawString(x, y, word)
            x += c.stringWidth(word, "Helvetica", 7) + 2.0
    c.setFont("Helvetica", 10)
    c.drawString(72, 650, "1.1 The Panel is asked to note the progress made on safeguarding referrals.")


def test_pdfium_spaces_are_the_only_difference(tmp_path):
    """The pdfium reader keeps the spaces pdfium puts between words drawn apart with no space
    character; pdfplumber runs such words together ("childlived"). Otherwise the blocks are the
    same: the same text but for those spaces, the same pages, indents and flags."""
    path = _pdf(tmp_path / "tight.pdf", _tight_words)
    fast = pdf.read_pdf(path)
    slow = pdf.read_pdf(path, reader="pdfplumber")
    assert fast.page_readers == ["pdfium"]
    assert [b.text for b in fast.blocks][:2] == ["the child lived with her mother and the family"] * 2
    assert [b.text for b in slow.blocks][:2] == ["thechildlivedwithhermotherandthefamily"] * 2
    assert len(fast.blocks) == len(slow.blocks)
    for a, b in zip(fast.blocks, slow.blocks):
        assert a.text.replace(" ", "") == b.text.replace(" ", "")
        assert (a.page, a.x0, a.bold, a.new_block, a.full, a.page_start) == (b.page, b.x0, b.bold, b.new_block, b.full, b.page_start)


def test_a_rotated_page_reads_as_pdfplumber_reads_it_unrotated(tmp_path):
    """A page turned by /Rotate is read by pdfium in its own coordinates, before the turn:
    exactly what pdfplumber reads from the same page without /Rotate (pdfplumber itself reads it
    as displayed, its upright text then running down the page, a letter a word)."""

    def draw(rotation):
        def page(c: canvas.Canvas) -> None:
            c.setPageRotation(rotation)
            _boxed_table(c)

        return page

    rotated = pdf.read_pdf(_pdf(tmp_path / "rotated.pdf", draw(90)))
    assert rotated.page_readers == ["pdfium"]
    upright = pdf.read_pdf(_pdf(tmp_path / "upright.pdf", draw(0)), reader="pdfplumber")
    assert rotated.blocks == upright.blocks
    tables = [b for b in rotated.blocks if isinstance(b, TableBlock)]
    assert [t.header for t in tables] == [ROWS[0]] and tables[0].rows == ROWS[1:]
