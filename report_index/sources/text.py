"""Reading files into ``RawDocument``s: lines with layout hints, and tables.

PDFs go through pdfplumber (characters with their fonts and positions, ruled tables);
``.txt`` and ``.md`` files are read as UTF-8 text, where tab-separated lines are tables.
Every way a file can fail to be a readable report raises ``ExtractionError`` with a reason a user
can act on.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from ..errors import ExtractionError
from ..models import Block, RawDocument, Table, TextLine
from ..text.clean import normalise, normalise_trend_glyphs

PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES

_PERIOD_CELL = re.compile(r"^(?:Q[1-4]\s+)?(?:19|20)\d{2}(?:[/-]\d{2,4})?$|^(?:Q[1-4]|H[12])$", re.IGNORECASE)
_HEADER_WORDS = {
    "measure", "measures", "difference", "change", "trend", "comment", "comments", "target",
    "baseline", "outcome", "indicator", "performance", "variance",
}
_COLUMN_GAP = re.compile(r"\s{2,}")
_ENDS_MID_PHRASE = re.compile(r"\b(?:of|and|the|to|for|in|with|on|at|by|or|a|an|from)$|[,/-]$", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_ANGLE_URL = re.compile(r"<((?:https?://|www\.)[^>\s]+)>")
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LIST_DASH = re.compile(r"^\s*[-*+]\s+(?=(?:\(?[A-Za-z]\)|\(?[ivx]{1,4}\)|\d+(?:\.\d+)*\.?)\s)")
_BULLET = re.compile(r"^\s*[-*+\u2022\u25aa\u25cf\u25e6\u2023\u2043\u00b7]\s+")


def looks_like_table_header(cells: list[str]) -> bool:
    """Column titles: at least two periods ("2019/20") or title words (Measure, Difference,
    Trend, Comment), in short cells."""
    cells = [cell.strip() for cell in cells if cell.strip()]
    if len(cells) < 2 or any(len(cell.split()) > 4 for cell in cells):
        return False
    periods = sum(1 for cell in cells if _PERIOD_CELL.match(cell))
    words = sum(1 for cell in cells if cell.split()[0].lower().strip(":") in _HEADER_WORDS)
    return periods >= 2 or words >= 2 or (periods >= 1 and words >= 1)


def read_document(path: Path, *, ocr: bool = False) -> RawDocument:
    """Read ``path`` by its kind; raises ExtractionError when it is not a readable report.

    With ``ocr``, a PDF with no text layer (a scan) is read with OCR, when ocrmypdf and tesseract
    are installed; otherwise the error says what to install.
    """
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        from ..sources.pdf import NoTextLayerError, read_pdf  # pdfplumber is heavy: only load it when a PDF is read

        try:
            return read_pdf(path)
        except NoTextLayerError:
            if not ocr:
                raise
        from ..sources.ocr import read_scanned_pdf

        return read_scanned_pdf(path)
    if suffix in TEXT_SUFFIXES:
        return read_text(path)
    raise ExtractionError(f"unsupported file type '{suffix or path.name}'")


def sniff_problem(data: bytes, expected: str) -> str | None:
    """A reason why ``data`` is not a file of the ``expected`` kind ("pdf" or "text"), or None."""
    if not data:
        return "empty file (0 bytes)"
    head = data[:1024].lstrip()
    lowered = head.lower()
    looks_html = lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")) or b"<html" in lowered
    if expected == "pdf":
        if b"%PDF-" in data[:1024]:
            return None
        if looks_html:
            return "not a PDF: it is an HTML page saved with a .pdf name (often a download error page)"
        if data[:4] == b"PK\x03\x04":
            return "not a PDF: it is a ZIP or Office document saved with a .pdf name"
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            return "not a PDF: it is an old-style Word/Excel document saved with a .pdf name"
        return "not a PDF: the file does not start with a PDF header"
    if data.startswith(b"%PDF-"):
        return "a PDF saved with a text file name: rename it to .pdf"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "not UTF-8 text: it is UTF-16 (Windows \"Unicode\"); save the file as UTF-8 and ingest again"
    if b"\x00" in data[:8192]:
        return "binary data in a text file (is it a Word document or an image?)"
    return None


# --------------------------------------------------------------------------------------------
# Plain text and Markdown


def read_text(path: Path) -> RawDocument:
    data = path.read_bytes()
    problem = sniff_problem(data, "text")
    if problem:
        raise ExtractionError(problem)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise ExtractionError(
            f"not UTF-8 text (byte 0x{bad} at offset {exc.start}); save the file as UTF-8 and ingest again"
        ) from None
    if not text.strip():
        raise ExtractionError("no text in the file")
    blocks, pages = text_blocks(text)
    return RawDocument(source=str(path), kind="text", page_count=pages, blocks=blocks)


def text_blocks(text: str) -> tuple[list[Block], int | None]:
    """Lines and tables from plain text; form feeds count pages (None when there are none)."""
    has_pages = "\f" in text
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    long_lines = [len(line) for line in raw_lines if line.strip() and "\t" not in line]
    one_paragraph_per_line = bool(long_lines) and statistics.median(long_lines) > 100

    blocks: list[Block] = []
    page = 1
    gap = True
    tab_group: list[str] = []
    space_group: list[str] = []

    def flush_tabs() -> None:
        nonlocal gap
        if tab_group:
            blocks.extend(tab_lines_to_blocks(tab_group, page if has_pages else None))
            tab_group.clear()
            gap = True
        if space_group:
            blocks.append(space_aligned_table(space_group, page if has_pages else None))
            space_group.clear()
            gap = True

    for raw in raw_lines:
        while "\f" in raw:
            before, raw = raw.split("\f", 1)
            if before.strip():
                flush_tabs()
                blocks.append(_text_line(before, page if has_pages else None, gap or one_paragraph_per_line))
                gap = False
            page += 1
        if "\t" in raw.strip("\t ") or (raw.startswith("\t") and raw.strip()):
            tab_group.append(raw)
            continue
        if space_group and raw.strip():
            space_group.append(raw)
            continue
        flush_tabs()
        if not raw.strip():
            gap = True
            continue
        if looks_like_table_header(_COLUMN_GAP.split(raw.strip())):
            space_group.append(raw)
            continue
        blocks.append(_text_line(raw, page if has_pages else None, gap or one_paragraph_per_line))
        gap = False
    flush_tabs()
    return blocks, (page if has_pages else None)


def _text_line(raw: str, page: int | None, new_block: bool) -> TextLine:
    text = raw.rstrip()
    heading = False
    if text.lstrip().startswith("#") and re.match(r"^\s*#{1,6}\s+\S", text):
        text = text.lstrip().lstrip("#")
        heading = True
    text = _LIST_DASH.sub("", text)
    bullet = _BULLET.match(text)
    if bullet:
        text = "\u2022 " + text[bullet.end() :]
    text = _MD_LINK.sub(r"\1", text)
    text = _ANGLE_URL.sub(r"\1", text)
    stripped = _MD_BOLD.sub(r"\1", text)
    body = re.sub(r"^\s*(?:\d+(?:\.\d+)*\.?|\(?[A-Za-z]\))\s+", "", text)
    if body.startswith("**") and body.rstrip("# ").endswith("**"):
        heading = True
    text = stripped.replace("**", "")
    if heading:
        text = text.rstrip("# ")
    return TextLine(text=normalise(text), page=page, bold=heading, new_block=new_block)


def tab_lines_to_blocks(lines: list[str], page: int | None) -> list[Block]:
    """Consecutive tab-separated lines: key/value lines ("Date:<tab>10 June") or a table."""
    rows = [[normalise(cell) for cell in line.split("\t")] for line in lines]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    if len(rows) < 2 or _key_value_rows(rows):
        return [
            TextLine(text=" ".join(cell for cell in row if cell), page=page, new_block=True)
            for row in rows
        ]
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    return [make_table(rows, page, ruled=False)]


def space_aligned_table(lines: list[str], page: int | None) -> Table:
    """A table laid out with spaces (as ``pdftotext -layout`` writes them): columns are cut at
    the white space, two characters or wider, that runs down every line.

    A line with text in the first column only carries on the row above (a wrapped name), unless
    it starts a name whose figures follow on the next line.
    """
    lines = [line.expandtabs(8).rstrip() for line in lines]
    width = max(len(line) for line in lines)
    covered = [False] * width
    for line in lines:
        for position, char in enumerate(line):
            if not char.isspace():
                covered[position] = True
    cuts: list[int] = []
    position = 0
    while position < width:
        if not covered[position]:
            start = position
            while position < width and not covered[position]:
                position += 1
            if position - start >= 2 and start > 0 and position < width:
                cuts.append((start + position) // 2)
        position += 1
    edges = [0, *cuts, width]

    def cells(line: str) -> list[str]:
        return [line[a:b].strip() for a, b in zip(edges, edges[1:])]

    split = [cells(line) for line in lines]
    rows: list[list[str]] = [split[0]]
    pending = ""
    for index, row in enumerate(split[1:], start=1):
        name_only = row[0] and not any(row[1:])
        if name_only:
            following = split[index + 1] if index + 1 < len(split) else None
            previous = rows[-1][0] if len(rows) > 1 else ""
            carries_on = row[0][:1].islower() or _ENDS_MID_PHRASE.search(previous)
            if previous and (carries_on or following is None or following[0] or not any(following[1:])):
                rows[-1][0] = f"{previous} {row[0]}".strip()
            else:
                pending = f"{pending} {row[0]}".strip()
            continue
        if pending:
            row[0] = f"{pending} {row[0]}".strip()
            pending = ""
        rows.append(row)
    return make_table(rows, page, ruled=False)


def _key_value_rows(rows: list[list[str]]) -> bool:
    return all(len([c for c in row if c]) <= 2 and row[0].endswith(":") for row in rows if row and row[0])


def make_table(
    rows: list[list[str | None]], page: int | None, ruled: bool, row_pages: list[int | None] | None = None
) -> Table:
    """Clean extracted cells into a Table: header first, merged cells filled, glyphs made arrows.

    A cell that a merged (spanning) cell covers is None in a ruled extraction: it takes the value
    of the cell above. A row with an empty first cell but a breakdown label in the second (the
    name printed once for two sub-rows, on the other row) takes the name of its neighbour.
    """
    cleaned: list[list[str | None]] = [
        [None if cell is None else normalise_trend_glyphs(normalise(cell)) for cell in row] for row in rows
    ]
    for i, row in enumerate(cleaned):
        for j, cell in enumerate(row):
            if cell is None:
                row[j] = cleaned[i - 1][j] if i > 0 and j < len(cleaned[i - 1]) else ""
    filled: list[list[str]] = [[cell or "" for cell in row] for row in cleaned]
    for i, row in enumerate(filled):
        if i == 0 or row[0] or len(row) < 2 or not row[1]:
            continue
        below = filled[i + 1] if i + 1 < len(filled) else None
        above = filled[i - 1] if i > 1 else None
        if below and below[0] and len(below) > 1 and below[1]:
            row[0] = below[0]
        elif above and above[0] and len(above) > 1 and above[1]:
            row[0] = above[0]
    body = filled[1:]
    pages = list(row_pages) if row_pages and len(row_pages) == len(body) else [page] * len(body)
    return Table(header=filled[0], rows=body, page=page, ruled=ruled, row_pages=pages)


def key_value_lines(table: Table) -> list[TextLine] | None:
    """A two-column "table" whose first column is labels ending in ':' is really key/value text."""
    rows = [table.header, *table.rows]
    if _key_value_rows(rows):
        return [
            TextLine(text=" ".join(cell for cell in row if cell), page=table.page, new_block=True)
            for row in rows
            if any(row)
        ]
    return None
