"""Reading ``.txt`` and ``.md`` files into ``RawDocument``s: UTF-8 text (Windows-1252 or
Latin-1 when it is not UTF-8, see ``decode_text``), where tab-separated
lines and space-aligned columns are tables, ``**bold**`` and ``#`` lines are headings and list
markers are understood."""

from __future__ import annotations

import re
import statistics
from dataclasses import replace
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
    text, encoding = decode_text(data)
    if not text.strip():
        raise ExtractionError("no text in the file")
    blocks, pages = text_blocks(text)
    return RawDocument(source=str(path), kind="text", page_count=pages, blocks=blocks, encoding=encoding)


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was read in: UTF-8 (with or without a byte order
    mark) when it is valid UTF-8, else Windows-1252 (what Notepad and Word save as "ANSI" in the
    UK), else Latin-1 for the five bytes Windows-1252 leaves undefined. Bytes that are UTF-8 but
    for a few broken sequences stay refused: that is damaged UTF-8, not another encoding."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first_error = exc
    as_utf8 = data.decode("utf-8", errors="replace")
    broken = as_utf8.count("\ufffd")
    valid_sequences = sum(1 for char in as_utf8 if ord(char) >= 0x80) - broken
    if valid_sequences > 2 * broken:
        bad = data[first_error.start : first_error.start + 1].hex()
        raise ExtractionError(
            f"not UTF-8 text (byte 0x{bad} at offset {first_error.start}): the file is UTF-8 with damaged characters; save it as UTF-8 again"
        ) from None
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


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
    if pasted_web_text(raw_lines):
        blocks = sentence_runs(blocks)
    return blocks, (page if has_pages else None)


# --------------------------------------------------------------------------------------------
# Text pasted from a web page: a line a sentence, no blank lines


_LABELLED = re.compile(r"^(?:\u2022\s|\d{1,2}(?:\.\d{1,2}){0,4}\.?\s|\(?[A-Za-z]\)\s|\(?[ivx]{1,4}\)\s)")
_SENTENCE_END = re.compile(r"[.!?][\"')\]\u2019\u201d]*$")
_INNER_SENTENCE = re.compile(r"[a-z0-9)][.!?][\"'\u2019\u201d]?\s+[\"'\u201c(]?[A-Z]")
_KEY_VALUE = re.compile(r"^[A-Za-z][A-Za-z ()/&-]{0,30}:\s")
#: a run of sentence lines is cut into passages of about this size
RUN_SENTENCES, RUN_CHARS, RUN_MAX_CHARS = 3, 400, 800


def pasted_web_text(raw_lines: list[str]) -> bool:
    """Whether a text is what a browser copies from a page: no blank lines between its lines, and
    most lines of prose a single sentence (so that no line break tells where a paragraph ends)."""
    lines = [line for line in raw_lines if line.strip()]
    inner_blanks = len([line for line in raw_lines[: max(i for i, l in enumerate(raw_lines) if l.strip()) + 1] if not line.strip()]) if lines else 0
    if len(lines) < 8 or inner_blanks > len(lines) // 20:
        return False
    prose = [line for line in lines if "\t" not in line and len(line.split()) >= 6]
    if len(prose) < 5:
        return False
    single = sum(1 for line in prose if not _INNER_SENTENCE.search(line.strip()))
    return single >= 0.7 * len(prose)


def sentence_runs(blocks: list[Block]) -> list[Block]:
    """Pasted web text's lines grouped into passages by their structure: a numbered, lettered or
    bulleted line starts a passage, a short line without a full stop before a sentence is a
    heading, and a run of sentences carries on its passage until it is some three sentences and
    400 characters long (800 at most)."""
    out: list[Block] = []
    chars = sentences_in_run = 0
    for index, block in enumerate(blocks):
        if not isinstance(block, TextLine):
            out.append(block)
            chars = sentences_in_run = 0
            continue
        text = block.text.strip()
        following = next((b for b in blocks[index + 1 :] if isinstance(b, TextLine)), None)
        if block.bold or _LABELLED.match(text) or _KEY_VALUE.match(text) or _capitals(text):
            out.append(replace(block, new_block=True))
            chars, sentences_in_run = len(text), 1
        elif _heading_like(text, following):
            out.append(replace(block, new_block=True, bold=True))
            chars = sentences_in_run = 0
        else:
            starts = chars == 0 or (sentences_in_run >= RUN_SENTENCES and chars >= RUN_CHARS) or chars + len(text) > RUN_MAX_CHARS
            out.append(replace(block, new_block=starts))
            chars = len(text) if starts else chars + len(text)
            sentences_in_run = 1 if starts else sentences_in_run + 1
    return out


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.85 * len(letters) and not _SENTENCE_END.search(text)


def _heading_like(text: str, following: TextLine | None) -> bool:
    words = text.split()
    if not words or len(words) > 12 or _SENTENCE_END.search(text) or text.endswith((",", ";", ":")) or following is None:
        return False
    if not (text[0].isupper() or text[0].isdigit()) or re.match(r"^\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}$", text):
        return False
    nxt = following.text.strip()
    if nxt[:1].islower() or words[-1].lower() in _RUNS_ON:
        return False  # a line hard-wrapped mid-sentence ("... not visible to the naked" / "eye but ...")
    return bool(_SENTENCE_END.search(nxt)) or len(nxt.split()) > 12


#: Words a heading does not end with and a line broken mid-sentence often does.
_RUNS_ON = {"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from", "that", "which", "is", "are", "was", "were", "be", "but"}


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
    """Consecutive tab-separated lines: key/value lines ("Date:<tab>10 June") or a table; a
    second header row of another width starts another table (two tables with no line between
    them, as text pasted from a web page has them)."""
    rows = [[normalise(cell) for cell in line.split("\t")] for line in lines]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    for index in range(1, len(rows)):
        if len(rows[index]) != len(rows[index - 1]) and looks_like_table_header(rows[index]):
            return tab_lines_to_blocks(lines[:index], page) + tab_lines_to_blocks(lines[index:], page)
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


