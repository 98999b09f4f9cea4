"""Reading ``.txt`` and ``.md`` files into ``RawDocument``s: UTF-8 text, where tab-separated
lines and space-aligned columns are tables, ``**bold**`` and ``#`` lines are headings and list
markers are understood."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from ..errors import ExtractionError
from ..models import Block, RawDocument, Table, TextLine
from ..text.clean import normalise
from .sniff import sniff_problem
from .tables import key_value_rows, looks_like_table_header, make_table

_COLUMN_GAP = re.compile(r"\s{2,}")
_ENDS_MID_PHRASE = re.compile(r"\b(?:of|and|the|to|for|in|with|on|at|by|or|a|an|from)$|[,/-]$", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_ANGLE_URL = re.compile(r"<((?:https?://|www\.)[^>\s]+)>")
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LIST_DASH = re.compile(r"^\s*[-*+]\s+(?=(?:\(?[A-Za-z]\)|\(?[ivx]{1,4}\)|\d+(?:\.\d+)*\.?)\s)")
_BULLET = re.compile(r"^\s*[-*+\u2022\u25aa\u25cf\u25e6\u2023\u2043\u00b7]\s+")


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
    if len(rows) < 2 or key_value_rows(rows):
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


