"""Render the seed report texts as PDFs that resemble the original council papers.

The two files in ``scripts/seeds/`` are text extracted from the original PDFs of
two West Yorkshire safeguarding reports:

* ``000_...txt``: Police and Crime Panel "Safeguarding Report", 10 June 2022;
* ``001_...txt``: Community Outcomes Meeting "Safeguarding", 15 June 2021.

This script turns them back into A4 PDFs laid out like a committee paper (title
block, bold numbered headings, numbered paragraphs with hanging indents,
lettered items, bullets, ruled tables, page numbers and a running header), so
that the ingestion pipeline can be exercised end to end on realistic input.

The seed texts carry conversion artefacts, which are interpreted, not printed:

* ``- 1.1. ...`` / `` - a) ...``: the dash is a list artefact, the label is kept;
  other lines starting ``- `` are bullet points;
* ``**bold**`` markers and a stray ``#`` after a heading are dropped (bold is
  rendered as bold);
* ``<https://...>`` and ``[text](#)`` links are rendered as their text;
* a blank line in the middle of a sentence is a page break of the original:
  the two halves are joined into one paragraph;
* ``仓`` and ``\\Leftrightarrow`` in the measures table are the trend arrows
  (up and level), drawn with DejaVu Sans so that the text layer carries real
  Unicode arrows; bullets use the same font for the same reason (reportlab
  encodes a Helvetica bullet as code 127, which extractors cannot map).

Outputs (byte-identical across runs; reportlab ``invariant=1``)::

    <out-dir>/2022-06-10_police-and-crime-panel_safeguarding-report.pdf
    <out-dir>/2021-06-15_community-outcomes-meeting_safeguarding.pdf
    <fixtures-dir>/2022-06-10_safeguarding-report_unruled.pdf

The last one is the 2022 report again with both tables drawn without any
ruling lines or shading, only text in aligned columns.

Usage, from the repository root::

    python scripts/render_corpus.py [--out-dir corpus/] [--fixtures-dir tests/fixtures/]
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle,
)

SCRIPTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPTS_DIR.parent
SEEDS_DIR = SCRIPTS_DIR / "seeds"
SYMBOL_FONT_FILE = SCRIPTS_DIR / "fonts" / "DejaVuSans.ttf"
SYMBOL_FONT = "DejaVuSans"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 2.5 * cm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
FOOTER_Y = 1.5 * cm
HEADER_Y = PAGE_HEIGHT - 1.4 * cm

BODY_FONT, BOLD_FONT = "Helvetica", "Helvetica-Bold"
BODY_SIZE, BODY_LEADING = 11, 14
TABLE_SIZE, TABLE_LEADING = 9.5, 11.5

NUMBER_HANG = 1.6 * cm  # text start of numbered paragraphs and headings
LETTER_HANG = 0.9 * cm  # lettered items: label at parent text, text this much further
BULLET_OFFSET = 0.35 * cm  # bullet glyph, relative to the parent's text start
BULLET_HANG = 0.95 * cm  # bullet text, relative to the parent's text start
LABEL_COLUMN = 4 * cm  # title block / contact block value column
LINK_COLOUR = "#1F4E9A"
RULE_COLOUR = colors.black
HEADER_FILL = colors.HexColor("#D9D9D9")

TREND_GLYPHS = {"仓": "\u21e7", "\\Leftrightarrow": "\u21d4"}  # ⇧ up, ⇔ level
# Widths of the breakdown, three year, Difference and Trend columns; Measures takes the rest.
MEASURE_COLUMNS = (1.4 * cm, 1.6 * cm, 1.6 * cm, 1.6 * cm, 2.0 * cm, 2.85 * cm)
COMMENT_COLUMNS = (0.4 * TEXT_WIDTH, 0.6 * TEXT_WIDTH)

LABEL_RE = re.compile(r"^(\d+\.(?:\d+\.?)*|[A-Za-z]\))\s+(.*)$")
DASH_RE = re.compile(r"^\s*-\s+")
LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]*\)|<(https?://[^>\s]+)>")
# A line ending in one of these words cannot end a sentence: the text runs on.
RUN_ON_WORDS = frozenset(
    "a an and as at but by for from in into of on or that the to when which with".split()
)
TERMINAL = ".:;!?)\"'"


@dataclass(frozen=True)
class ReportSpec:
    seed: str
    out_name: str
    pdf_title: str
    running_header: str
    front: str  # "panel" (ruled title block) or "meeting" (centred title lines)


REPORT_2022 = ReportSpec(
    seed="000_95eda39535eb2922.txt",
    out_name="2022-06-10_police-and-crime-panel_safeguarding-report.pdf",
    pdf_title="Safeguarding Report",
    running_header="Police and Crime Panel \u2013 10 June 2022",
    front="panel",
)
REPORT_2021 = ReportSpec(
    seed="001_8fd772f304073688.txt",
    out_name="2021-06-15_community-outcomes-meeting_safeguarding.pdf",
    pdf_title="Safeguarding",
    running_header="Community Outcomes Meeting \u2013 15 June 2021",
    front="meeting",
)
UNRULED_FIXTURE = "2022-06-10_safeguarding-report_unruled.pdf"


# --------------------------------------------------------------------------- parsing


@dataclass
class Block:
    """One element of a report body.

    kind: "heading" (label may be None), "para" (label is a number, a letter
    item or None), "bullet", or "rows" (a run of tab-separated lines).
    indent: text start of the block (paragraph kinds), parent text start for bullets.
    """

    kind: str
    text: str = ""
    label: str | None = None
    indent: float = 0.0
    label_indent: float = 0.0
    rows: list[list[str]] = field(default_factory=list)


def clean_heading(text: str) -> str:
    """Drop bold markers and a stray trailing '#'."""
    return text.replace("**", "").strip().rstrip("#").strip()


def is_caps_heading(text: str) -> bool:
    """A short line in capitals, e.g. PURPOSE OF THE REPORT."""
    return any(c.isalpha() for c in text) and text == text.upper() and len(text) < 80


def next_content_line(lines: list[str], start: int) -> str:
    """The first non-blank line from ``start`` on ("" at the end)."""
    for line in lines[start:]:
        if line.strip():
            return line
    return ""


def split_label(line: str) -> tuple[bool, str | None, str]:
    """Return (had a leading dash, label or None, remaining text) for a seed line."""
    dash = DASH_RE.match(line)
    rest = line[dash.end():] if dash else line.strip()
    match = LABEL_RE.match(rest)
    if not match:
        return bool(dash), None, rest.strip()
    label, text = match.groups()
    if label == "I)":  # OCR of "l)", the item after "k)"
        label = "l)"
    return bool(dash), label, text.strip()


def is_subheading(label: str, text: str, following: str) -> bool:
    """A two-level number with a short title, directly followed by its first child (2.4 -> 2.4.1)."""
    number = label.rstrip(".")
    if number.count(".") != 1 or len(text) > 100 or ". " in text:
        return False
    _, child, _ = split_label(following)
    return bool(child) and child.startswith(number + ".") and child.count(".") >= 2


def runs_on(previous: str, following: str) -> bool:
    """Whether a blank line between two pieces of text is a page break inside a sentence."""
    if not following or following[0] in "\"'\u201c\u2018":
        return False
    if following[0].islower():
        return True
    words = previous.rstrip().split()
    return bool(words) and previous.rstrip()[-1] not in TERMINAL and words[-1] in RUN_ON_WORDS


def parse_body(lines: list[str]) -> list[Block]:
    """Turn the seed lines (after the front matter) into blocks with their indents."""
    blocks: list[Block] = []
    parent_text = 0.0  # text start of the last labelled paragraph
    last_text = 0.0  # text start of the last paragraph of any kind
    blank_before = False
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            blank_before, i = True, i + 1
            continue
        if "\t" in line:
            rows = []
            while i < len(lines) and "\t" in lines[i]:
                rows.append([cell.strip() for cell in lines[i].rstrip("\n").split("\t")])
                i += 1
            blocks.append(Block("rows", rows=rows))
            blank_before = False
            continue
        dash, label, text = split_label(line)
        following = next_content_line(lines, i + 1)
        if label and label[0].isdigit():
            heading = clean_heading(text)
            if (label.count(".") == 1 and is_caps_heading(heading)) or is_subheading(label, heading, following):
                blocks.append(Block("heading", heading, label, NUMBER_HANG))
                parent_text = last_text = 0.0
            else:
                blocks.append(Block("para", text, label, NUMBER_HANG, 0.0))
                parent_text = last_text = NUMBER_HANG
        elif label:
            blocks.append(Block("para", text, label, NUMBER_HANG + LETTER_HANG, NUMBER_HANG))
            last_text = NUMBER_HANG + LETTER_HANG
        elif dash:
            blocks.append(Block("bullet", text, None, parent_text))
            last_text = parent_text + BULLET_HANG
        elif is_caps_heading(clean_heading(text)):
            blocks.append(Block("heading", clean_heading(text)))
            parent_text = last_text = 0.0
        elif blank_before and blocks and blocks[-1].kind in ("para", "bullet") and runs_on(blocks[-1].text, text):
            blocks[-1].text += " " + text
        else:
            blocks.append(Block("para", text, None, last_text))
        blank_before = False
        i += 1
    return blocks


def split_front(lines: list[str], front: str) -> tuple[list[list[str]], list[str]]:
    """Separate the title block rows from the body lines."""
    start = next(i for i, line in enumerate(lines) if line.strip())
    if front == "panel":
        end = start
        while end < len(lines) and "\t" in lines[end]:
            end += 1
        return [line.split("\t", 1) for line in lines[start:end]], lines[end:]
    content = [i for i, line in enumerate(lines) if line.strip()][:3]
    return [[lines[i].strip()] for i in content], lines[content[-1] + 1:]


# --------------------------------------------------------------------------- styles and text


def inline_markup(text: str) -> str:
    """Escape text for a platypus Paragraph and render markdown links as coloured link text."""
    parts: list[str] = []
    pos = 0
    for match in LINK_RE.finditer(text):
        parts.append(escape(text[pos:match.start()].replace("**", "")))
        shown = match.group(1) or match.group(2)
        parts.append(f'<font color="{LINK_COLOUR}"><u>{escape(shown)}</u></font>')
        pos = match.end()
    parts.append(escape(text[pos:].replace("**", "")))
    return "".join(parts)


def body_style(name: str, **overrides: object) -> ParagraphStyle:
    """Body text style (Helvetica 11/14, left-aligned), with the given overrides."""
    base = dict(
        fontName=BODY_FONT, fontSize=BODY_SIZE, leading=BODY_LEADING, alignment=TA_LEFT,
        spaceAfter=6, bulletFontName=BODY_FONT, bulletFontSize=BODY_SIZE,
    )
    base.update(overrides)
    return ParagraphStyle(name, **base)


def cell_style(bold: bool = False, size: float = TABLE_SIZE, leading: float = TABLE_LEADING) -> ParagraphStyle:
    """Style of wrapped text in a table cell."""
    return ParagraphStyle(
        "cell-bold" if bold else "cell", fontName=BOLD_FONT if bold else BODY_FONT,
        fontSize=size, leading=leading, alignment=TA_LEFT,
    )


def block_flowable(block: Block) -> Flowable:
    """A heading, bullet or paragraph block as a Paragraph; labels hang at label_indent."""
    if block.kind == "heading":
        style = body_style(
            "heading", fontName=BOLD_FONT, bulletFontName=BOLD_FONT, leftIndent=block.indent,
            spaceBefore=8, spaceAfter=6, keepWithNext=1,
        )
        return Paragraph(escape(block.text), style, bulletText=block.label)
    if block.kind == "bullet":
        style = body_style(
            "bullet", leftIndent=block.indent + BULLET_HANG, bulletIndent=block.indent + BULLET_OFFSET,
            bulletFontName=SYMBOL_FONT, spaceAfter=3,
        )
        return Paragraph(inline_markup(block.text), style, bulletText="\u2022")
    style = body_style("para", leftIndent=block.indent, bulletIndent=block.label_indent)
    return Paragraph(inline_markup(block.text), style, bulletText=block.label)


# --------------------------------------------------------------------------- tables


def label_value_table(rows: list[list[str]], ruled: bool) -> Table:
    """Two columns, bold label and value (the title block and the contact block)."""
    label, value = cell_style(True, BODY_SIZE, BODY_LEADING), cell_style(False, BODY_SIZE, BODY_LEADING)
    data = [[Paragraph(escape(r[0]), label), Paragraph(escape(r[1] if len(r) > 1 else ""), value)] for r in rows]
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    if ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, RULE_COLOUR))
    return Table(data, colWidths=[LABEL_COLUMN, TEXT_WIDTH - LABEL_COLUMN], style=commands, hAlign="LEFT")


def measure_rows(rows: list[list[str]]) -> list[list[str]]:
    """Normalise the measures table: 7 cells a row, the name of a split measure on each sub-row."""
    table = [(row + [""] * 7)[:7] for row in rows]
    for i, row in enumerate(table[1:], start=1):
        if not row[0] and row[1]:  # first sub-row; the seed puts the name on the last one
            row[0] = next(r[0] for r in table[i + 1:] if r[0])
        row[6] = TREND_GLYPHS.get(row[6], row[6])
    return table


def common_table_commands(ruled: bool, header_fill: bool) -> list[tuple]:
    """Padding and alignment shared by both variants; grid and header shading only when ruled."""
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, RULE_COLOUR))
        if header_fill:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
    return commands


def measures_table(rows: list[list[str]], ruled: bool) -> Table:
    """The performance-measures table; a measure split into sub-rows is printed once (SPAN)."""
    table = measure_rows(rows)
    cell, head = cell_style(), cell_style(True)
    data: list[list[object]] = [[Paragraph(escape(table[0][0]), head)] + table[0][1:]]
    commands = common_table_commands(ruled, True) + [
        ("FONTNAME", (0, 0), (-1, 0), BOLD_FONT), ("FONTNAME", (1, 1), (-2, -1), BODY_FONT),
        ("FONTNAME", (6, 1), (6, -1), SYMBOL_FONT), ("FONTSIZE", (0, 0), (-1, -1), TABLE_SIZE),
        ("FONTSIZE", (6, 1), (6, -1), 12), ("ALIGN", (1, 0), (-1, -1), "CENTER"),
    ]
    for i, row in enumerate(table[1:], start=1):
        repeated = i > 1 and row[0] == table[i - 1][0]
        data.append([Paragraph("" if repeated else escape(row[0]), cell)] + row[1:])
        if repeated:
            commands.append(("SPAN", (0, i - 1), (0, i)))
    widths = [TEXT_WIDTH - sum(MEASURE_COLUMNS), *MEASURE_COLUMNS]
    return Table(data, colWidths=widths, style=TableStyle(commands), repeatRows=1, spaceBefore=4, spaceAfter=12)


def comments_table(rows: list[list[str]], ruled: bool) -> Table:
    """The two-column Measures / Comment table."""
    cell, head = cell_style(), cell_style(True)
    data = [[Paragraph(escape(c), head if i == 0 else cell) for c in (r + [""])[:2]] for i, r in enumerate(rows)]
    commands = common_table_commands(ruled, True) + [("VALIGN", (0, 0), (-1, -1), "TOP")]
    return Table(data, colWidths=list(COMMENT_COLUMNS), style=TableStyle(commands), repeatRows=1, spaceAfter=12)


def rows_flowable(rows: list[list[str]], ruled_tables: bool) -> Flowable:
    """The table for a run of tab-separated seed lines, told apart by its header row."""
    first = rows[0]
    if first[0] == "Measures" and len(first) > 2:
        return measures_table(rows, ruled_tables)
    if first[0] == "Measures":
        return comments_table(rows, ruled_tables)
    return label_value_table(rows, ruled=False)  # contact block


# --------------------------------------------------------------------------- document


def front_flowables(title_rows: list[list[str]], front: str) -> list[Flowable]:
    """The top of page 1: a ruled title block, or the centred meeting name and date."""
    if front == "panel":
        return [label_value_table(title_rows, ruled=True), Spacer(1, 18)]
    meeting, date, subject = (row[0] for row in title_rows)
    centred = body_style("title", fontName=BOLD_FONT, fontSize=16, leading=20, alignment=TA_CENTER, spaceAfter=10)
    date_style = body_style("date", fontSize=12, leading=15, alignment=TA_CENTER, spaceAfter=14)
    label, _, value = subject.partition(":")
    return [
        Paragraph(escape(meeting), centred),
        Paragraph(escape(date), date_style),
        Paragraph(f"<b>{escape(label)}:</b> {escape(value.strip())}", body_style("subject", fontSize=12, leading=15, spaceAfter=14)),
    ]


def draw_page_furniture(canvas: Canvas, doc: BaseDocTemplate, running_header: str) -> None:
    """Centred page number in the footer; a small grey running header after page 1."""
    canvas.saveState()
    canvas.setFont(BODY_FONT, 10)
    canvas.drawCentredString(PAGE_WIDTH / 2, FOOTER_Y, str(doc.page))
    if doc.page > 1:
        canvas.setFont(BODY_FONT, 8)
        canvas.setFillColor(colors.HexColor("#808080"))
        canvas.drawRightString(PAGE_WIDTH - MARGIN, HEADER_Y, running_header)
    canvas.restoreState()


def render_report(spec: ReportSpec, target: Path, ruled_tables: bool = True) -> int:
    """Render one seed to ``target``; returns the page count."""
    lines = (SEEDS_DIR / spec.seed).read_text(encoding="utf-8").splitlines()
    title_rows, body_lines = split_front(lines, spec.front)
    story = front_flowables(title_rows, spec.front)
    for block in parse_body(body_lines):
        story.append(rows_flowable(block.rows, ruled_tables) if block.kind == "rows" else block_flowable(block))
    target.parent.mkdir(parents=True, exist_ok=True)
    doc = BaseDocTemplate(
        str(target), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=spec.pdf_title, author="", subject="", creator="", invariant=1,
    )
    frame = Frame(MARGIN, MARGIN, TEXT_WIDTH, PAGE_HEIGHT - 2 * MARGIN, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    furniture = partial(draw_page_furniture, running_header=spec.running_header)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=furniture)])
    doc.build(story)
    return doc.page


def register_fonts() -> None:
    """Register the bundled DejaVu Sans (bullets and arrows)."""
    if SYMBOL_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(SYMBOL_FONT, str(SYMBOL_FONT_FILE)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=REPO_ROOT / "corpus", help="corpus PDFs (default: corpus/)")
    parser.add_argument("--fixtures-dir", type=Path, default=REPO_ROOT / "tests" / "fixtures",
                        help="test fixture PDFs (default: tests/fixtures/)")
    args = parser.parse_args(argv)
    register_fonts()
    jobs = [
        (REPORT_2022, args.out_dir / REPORT_2022.out_name, True),
        (REPORT_2021, args.out_dir / REPORT_2021.out_name, True),
        (REPORT_2022, args.fixtures_dir / UNRULED_FIXTURE, False),
    ]
    for spec, target, ruled in jobs:
        pages = render_report(spec, target, ruled_tables=ruled)
        shown = target.resolve()
        if shown.is_relative_to(Path.cwd()):
            shown = shown.relative_to(Path.cwd())
        print(f"{shown}: {pages} pages")


if __name__ == "__main__":
    main()
