"""Reading report PDFs with pdfplumber: lines with their layout, ruled and unruled tables.

Per page: ruled tables come from pdfplumber's line-based table finder; the words outside them are
grouped into lines (bold or not, indent, whether the line runs to the right margin, whether a
vertical gap sets it apart). Runs of lines laid out in columns under a header row
("Measures  2019/20  2020/21  Difference  Trend") are read as unruled tables, their columns cut
at the white space that runs down the whole table. Running headers, footers and page numbers
are dropped.

Speed: pdfplumber (pdfminer) interprets a page in pure Python, about 3 pages a second. So the
characters of a page with no drawn lines are read with pdfium (``pypdfium2``, installed with
pdfplumber), about fifty times faster, into the same character records pdfplumber makes, and
grouped into words by pdfplumber's own word clustering. A page that draws lines or boxes may hold
a ruled table, and goes through pdfplumber's table finder as before. A PDF pdfium cannot open is
read by pdfplumber alone, which also names the problem.
"""

from __future__ import annotations

import ctypes
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from .errors import ExtractionError
from .models import Block, RawDocument, Table, TextLine
from .reader import looks_like_table_header, make_table, sniff_problem
from .textclean import normalise

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-\u2013(]?\s*\d{1,4}\s*[-\u2013)]?(?:\s+of\s+\d{1,4})?$", re.IGNORECASE)
@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool
    size: float


@dataclass
class _Line:
    words: list[_Word]
    page: int
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    extras: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.words.sort(key=lambda w: w.x0)
        self.top = min(w.top for w in self.words)
        self.bottom = max(w.bottom for w in self.words)
        self.size = statistics.median(w.size for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def text(self) -> str:
        return normalise(" ".join(w.text for w in self.words))

    @property
    def bold(self) -> bool:
        total = sum(len(w.text) for w in self.words)
        bold = sum(len(w.text) for w in self.words if w.bold)
        return total > 0 and bold / total >= 0.9

    def clusters(self) -> list[list[_Word]]:
        """Words split where the gap between them is wider than a column gutter."""
        groups: list[list[_Word]] = [[self.words[0]]]
        for word in self.words[1:]:
            if word.x0 - groups[-1][-1].x1 > max(0.8 * self.size, 6.0):
                groups.append([word])
            else:
                groups[-1].append(word)
        return groups


class NoTextLayerError(ExtractionError):
    """The PDF opened but has no text to read: a scan, or pages that are pictures of text."""


def read_pdf(path: Path) -> RawDocument:
    with path.open("rb") as handle:
        head = handle.read(2048)
    problem = sniff_problem(head, "pdf")
    if problem:
        raise ExtractionError(problem)
    fast = _read_with_pdfium(path)
    if fast is not None:
        page_lines, heights = fast
        return _finish(path, page_lines, heights)
    return _read_with_pdfplumber(path)


def _read_with_pdfplumber(path: Path) -> RawDocument:
    try:
        with pdfplumber.open(path) as pdf:
            pages = pdf.pages
            if not pages:
                raise ExtractionError("damaged PDF: no pages could be read")
            page_lines: list[list[Block | _Line]] = []
            for number, page in enumerate(pages, start=1):
                page_lines.append(_read_page(page, number))
                page.close()  # release the page's layout objects: memory stays flat over long reports
            heights = [(float(p.height), float(p.width)) for p in pages]
    except ExtractionError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        raise ExtractionError(_describe_pdf_error(exc)) from None
    return _finish(path, page_lines, heights)


def _finish(path: Path, page_lines: list[list[Block | _Line]], heights: list[tuple[float, float]]) -> RawDocument:
    blocks = _assemble(page_lines, heights)
    if not any(isinstance(b, Table) or b.text.strip() for b in blocks):
        raise NoTextLayerError(
            "no text layer: the PDF is probably a scan (ingest with --ocr to read it with OCR)"
        )
    return RawDocument(source=str(path), kind="pdf", page_count=len(heights), blocks=blocks)


def _read_with_pdfium(path: Path) -> tuple[list[list[Block | _Line]], list[tuple[float, float]]] | None:
    """Each page's lines and tables, and the page sizes; None when pdfium cannot read the file
    (pdfplumber then reads it, or names what is wrong with it)."""
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - pdfplumber installs it
        return None
    try:
        document = pdfium.PdfDocument(str(path))
    except Exception:
        return None
    plumber = None
    try:
        if len(document) == 0:
            return None
        page_lines: list[list[Block | _Line]] = []
        heights: list[tuple[float, float]] = []
        for number in range(1, len(document) + 1):
            page = document[number - 1]
            try:
                width, height = page.get_size()
                if page.get_rotation() or _has_drawing(page) or tuple(page.get_cropbox()) != tuple(page.get_mediabox()):
                    if plumber is None:
                        plumber = pdfplumber.open(path)
                    plumbed = plumber.pages[number - 1]
                    page_lines.append(_read_page(plumbed, number))
                    heights.append((float(plumbed.height), float(plumbed.width)))
                    plumbed.close()
                    continue
                words = [
                    _word(w)
                    for w in _extract_words(_pdfium_chars(page, height), extra_attrs=["fontname", "size"])
                ]
                page_lines.append(list(_group_lines(words, number)))
                heights.append((float(height), float(width)))
            finally:
                page.close()
        return page_lines, heights
    except ExtractionError:
        raise
    except Exception:  # anything pdfium reads differently: the careful path decides
        return None
    finally:
        if plumber is not None:
            plumber.close()
        document.close()


def _extract_words(chars: list[dict], **kwargs) -> list[dict]:
    from pdfplumber.utils import extract_words

    return extract_words(chars, **kwargs)


def _has_drawing(page) -> bool:
    """Does the page draw lines, boxes or shading (a ruled table may be there)?"""
    import pypdfium2.raw as raw

    count = raw.FPDFPage_CountObjects(page.raw)
    return any(
        raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page.raw, i)) in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_SHADING)
        for i in range(count)
    )


def _pdfium_chars(page, height: float) -> list[dict]:
    """A page's characters as pdfplumber's character records (text, box, font name, size).

    The vertical box is pdfminer's: from the baseline, the font's descent, to one font size
    above it (for the standard 14 fonts, the descent of their published metrics, as pdfminer does)."""
    import pypdfium2.raw as raw
    from pdfminer.fontmetrics import FONT_METRICS

    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        count = textpage.count_chars()
        # one UTF-16 unit per character index; surrogate pairs are read one by one below
        all_text = textpage.get_text_range(0, count, errors="ignore") if count else ""
        aligned = len(all_text) == count
        chars: list[dict] = []
        objects: dict[int | None, tuple[str, float, float, dict]] = {}
        name_buffer = ctypes.create_string_buffer(256)
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        for i in range(count):
            text = all_text[i] if aligned else chr(raw.FPDFText_GetUnicode(handle, i))
            if text in "\r\n\ufffe" or not text:
                continue
            if text.isspace() and raw.FPDFText_IsGenerated(handle, i):
                continue
            text_object = raw.FPDFText_GetTextObject(handle, i)
            key = ctypes.cast(text_object, ctypes.c_void_p).value
            info = objects.get(key)
            if info is None:
                size = raw.FPDFText_GetFontSize(handle, i)
                font = raw.FPDFTextObj_GetFont(text_object)
                raw.FPDFFont_GetBaseFontName(font, name_buffer, 256)
                name = name_buffer.value.decode("utf-8", "replace")
                base = name.split("+")[-1]
                widths: dict[str, float] = {}
                if not raw.FPDFFont_GetIsEmbedded(font) and base in FONT_METRICS:
                    descent = FONT_METRICS[base][0]["Descent"] * size / 1000
                    widths = FONT_METRICS[base][1]
                else:
                    value = ctypes.c_float()
                    raw.FPDFFont_GetDescent(font, ctypes.c_float(size), ctypes.byref(value))
                    descent = value.value
                info = objects[key] = (name, size, descent, widths)
            name, size, descent, widths = info
            raw.FPDFText_GetCharOrigin(handle, i, origin_x, origin_y)
            x0 = origin_x.value
            advance = widths.get(text)
            x1 = x0 + advance * size / 1000 if advance is not None else textpage.get_charbox(i, loose=True)[2]
            char_top = height - (origin_y.value + descent + size)
            chars.append(
                {"text": text, "x0": x0, "x1": x1, "top": char_top, "bottom": char_top + size, "doctop": char_top,
                 "upright": True, "fontname": name, "size": size}
            )
        return chars
    finally:
        textpage.close()


def _describe_pdf_error(exc: BaseException) -> str:
    names = " ".join(type(e).__name__ for e in _chain(exc))
    # pdfplumber re-raises pdfminer's error with the same text: say each message once.
    message = " ".join(dict.fromkeys(str(e).strip() for e in _chain(exc) if str(e).strip()))
    if "Password" in names or "Encrypt" in names or "password" in message.lower():
        return "encrypted PDF: it needs a password to open (save an unprotected copy and ingest that)"
    detail = f" ({message[:120]})" if message else ""
    return f"damaged PDF: it could not be parsed, perhaps truncated or corrupt{detail}"


def _chain(exc: BaseException | None):
    seen = 0
    while exc is not None and seen < 5:
        yield exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return


def _word(w: dict) -> _Word:
    """pdfplumber's word dict (from pdfplumber itself or from pdfium's characters) as a _Word."""
    return _Word(
        text=w["text"],
        x0=float(w["x0"]),
        x1=float(w["x1"]),
        top=float(w["top"]),
        bottom=float(w["bottom"]),
        bold=_is_bold(w.get("fontname", "")),
        size=float(w.get("size", 0.0)),
    )


def _read_page(page, number: int) -> list[Block | _Line]:
    """One page: ruled tables as Table blocks and the other words as lines, in reading order."""
    ruled = [t for t in page.find_tables() if t.bbox[3] - t.bbox[1] > 5]
    table_boxes = [t.bbox for t in ruled]
    words = [
        _word(w)
        for w in page.extract_words(extra_attrs=["fontname", "size"])
        if not _inside(w, table_boxes)
    ]
    items: list[tuple[float, Block | _Line]] = [(line.top, line) for line in _group_lines(words, number)]
    for table in ruled:
        rows = table.extract()
        if rows and any(any(cell for cell in row if cell) for row in rows):
            items.append((float(table.bbox[1]), make_table(rows, number, ruled=True)))
    items.sort(key=lambda item: item[0])
    return [item for _, item in items]


def _is_bold(fontname: str) -> bool:
    name = fontname.split("+")[-1].lower()
    return any(mark in name for mark in ("bold", "black", "heavy", "semibold", "demi"))


def _inside(word: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (word["x0"] + word["x1"]) / 2
    cy = (word["top"] + word["bottom"]) / 2
    return any(x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1 for x0, top, x1, bottom in boxes)


def _group_lines(words: list[_Word], page: int) -> list[_Line]:
    lines: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        if lines:
            current = lines[-1]
            ref = current[0]
            tolerance = max(2.0, 0.35 * min(ref.size or 10, word.size or 10))
            middle = (word.top + word.bottom) / 2
            if abs(word.top - ref.top) <= tolerance or ref.top <= middle <= ref.bottom and abs(word.top - ref.top) <= 3:
                current.append(word)
                continue
        lines.append([word])
    return [_Line(words=group, page=page) for group in lines if group]


# --------------------------------------------------------------------------------------------
# Whole document: headers and footers, unruled tables, layout hints


def _assemble(pages: list[list[Block | _Line]], sizes: list[tuple[float, float]]) -> list[Block]:
    _drop_running_lines(pages, sizes)
    all_lines = [item for page in pages for item in page if isinstance(item, _Line)]
    if not all_lines:
        return [item for page in pages for item in page if isinstance(item, Table)]
    body_size = Counter(round(line.size, 1) for line in all_lines).most_common(1)[0][0]
    body_lines = [line for line in all_lines if abs(line.size - body_size) < 0.6]
    margin = min(line.x0 for line in body_lines) if body_lines else 0.0
    right = max(line.x1 for line in body_lines) if body_lines else 0.0
    pitches = [
        b.top - a.top
        for page in pages
        for a, b in zip(
            [i for i in page if isinstance(i, _Line)], [i for i in page if isinstance(i, _Line)][1:]
        )
        if abs(a.size - body_size) < 0.6 and abs(b.size - body_size) < 0.6 and 0 < b.top - a.top < 3 * body_size
    ]
    pitch = statistics.median(pitches) if pitches else body_size * 1.25

    blocks: list[Block] = []
    pending_table: _UnruledTable | None = None
    for page_items in pages:
        previous: _Line | None = None
        index = 0
        while index < len(page_items):
            item = page_items[index]
            if isinstance(item, Table):
                _append_table(blocks, item)
                previous = None
                index += 1
                continue
            if pending_table is not None and previous is None and _continues_table(pending_table, item, body_size):
                consumed = pending_table.extend(page_items, index, body_size)
                blocks[-1] = pending_table.to_table()
                index += consumed
                continue
            pending_table = None
            if _is_table_header(item):
                unruled = _UnruledTable(header=item)
                consumed = unruled.extend(page_items, index + 1, body_size) + 1
                if unruled.lines:
                    _append_table(blocks, unruled.to_table())
                    pending_table = unruled
                    previous = None
                    index += consumed
                    continue
            gap = item.top - previous.top if previous is not None else None
            blocks.append(
                TextLine(
                    text=item.text,
                    page=item.page,
                    x0=round(item.x0 - margin, 1),
                    bold=item.bold,
                    new_block=gap is None or gap > pitch * 1.2 + 0.5,
                    full=item.x1 >= right - max(60.0, 0.12 * (right - margin)),
                    page_start=previous is None,
                )
            )
            previous = item
            index += 1
        if pending_table is not None and blocks and blocks[-1] is not None:
            pass
    return blocks


def _append_table(blocks: list[Block], table: Table) -> None:
    """Add a table, joining it to the one before when it carries on across a page break."""
    last = blocks[-1] if blocks else None
    last_page = (last.row_pages[-1] if last.row_pages else last.page) if isinstance(last, Table) else None
    if (
        isinstance(last, Table)
        and table.page is not None
        and last_page is not None
        and table.page == last_page + 1
        and len(table.header) == len(last.header)
    ):
        rows = table.rows if table.header == last.header else [table.header, *table.rows]
        last.rows.extend(rows)
        last.row_pages.extend([table.page] * len(rows))
        return
    blocks.append(table)


def _drop_running_lines(pages: list[list[Block | _Line]], sizes: list[tuple[float, float]]) -> None:
    """Remove page numbers and headers/footers repeated in the page margins."""

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text.lower())

    def in_margin(line: _Line, height: float) -> bool:
        return line.top < 0.09 * height or line.bottom > 0.91 * height

    counts: Counter[str] = Counter()
    for page_items, (height, _) in zip(pages, sizes):
        counts.update({key(i) for i in page_items if isinstance(i, _Line) and in_margin(i, height)})
    repeated = {k for k, n in counts.items() if len(pages) >= 3 and n >= max(2, len(pages) // 2)}
    for page_items, (height, _) in zip(pages, sizes):
        page_items[:] = [
            i
            for i in page_items
            if not (
                isinstance(i, _Line)
                and in_margin(i, height)
                and (_PAGE_NUMBER.match(i.text) or key(i) in repeated)
            )
        ]


# --------------------------------------------------------------------------------------------
# Unruled tables


def _is_table_header(line: _Line) -> bool:
    """A row of column titles: periods ("2019/20") and words such as Measure, Difference, Trend,
    set apart by gutters wider than word spaces."""
    clusters = line.clusters()
    if len(clusters) < 2 or any(len(cluster) > 4 for cluster in clusters):
        return False
    return looks_like_table_header([w.text for w in line.words])


def _continues_table(table: _UnruledTable, line: _Line, body_size: float) -> bool:
    """At the top of a page: does this line carry on the unruled table the last page ended with?"""
    return abs(line.size - table.size) < 0.3 and abs(table.size - body_size) >= 0.6 and not _is_table_header(line)


@dataclass
class _UnruledTable:
    header: _Line
    lines: list[_Line] = field(default_factory=list)

    @property
    def size(self) -> float:
        return self.header.size

    def extend(self, items: list, start: int, body_size: float) -> int:
        """Take the table's lines from ``items[start:]``; return how many were taken."""
        taken = 0
        previous = self.lines[-1] if self.lines else self.header
        for item in items[start:]:
            if not isinstance(item, _Line) or _is_table_header(item):
                break
            if abs(self.size - body_size) >= 0.6:
                if abs(item.size - self.size) >= 0.6:
                    break
            elif item.top - previous.bottom > 2.2 * self.size or len(item.clusters()) < 2 and item.x0 > self.header.x0 + 2:
                break
            if item.page != previous.page and previous is not self.header and item.top < previous.top:
                pass
            self.lines.append(item)
            previous = item
            taken += 1
        return taken

    def columns(self) -> list[float]:
        """Column boundaries: the middles of white space that runs down the whole table."""
        spans = sorted((w.x0, w.x1) for line in [self.header, *self.lines] for w in line.words)
        merged: list[list[float]] = []
        for x0, x1 in spans:
            if merged and x0 <= merged[-1][1] + 0.8 * self.size:
                merged[-1][1] = max(merged[-1][1], x1)
            else:
                merged.append([x0, x1])
        return [(a[1] + b[0]) / 2 for a, b in zip(merged, merged[1:])]

    def to_table(self) -> Table:
        bounds = self.columns()
        width = len(bounds) + 1

        def cells(lines: list[_Line]) -> list[str]:
            out: list[list[str]] = [[] for _ in range(width)]
            for line in lines:
                for word in line.words:
                    centre = (word.x0 + word.x1) / 2
                    column = sum(1 for b in bounds if centre > b)
                    out[column].append(word.text)
            return [" ".join(parts) for parts in out]

        rows: list[list[str]] = [cells([self.header])]
        pages: list[int | None] = []
        for group in self._row_groups():
            split = self._split_sub_rows(group, cells)
            rows.extend(split)
            pages.extend([group[0].page] * len(split))
        return make_table(rows, self.header.page, ruled=False, row_pages=pages)

    def _row_groups(self) -> list[list[_Line]]:
        """Lines grouped into rows: rows are set apart by wider white space than wrapped lines."""
        if not self.lines:
            return []
        gaps: list[float] = []
        bottom = self.lines[0].bottom
        for line in self.lines[1:]:
            gaps.append(line.top - bottom if line.page == self.lines[0].page else float("inf"))
            bottom = line.bottom if line.top - bottom > 0 or line.page != self.lines[0].page else max(bottom, line.bottom)
        finite = [g for g in gaps if g != float("inf")]
        threshold = -1e9  # rows all alike: a row a line
        if finite and max(finite) - min(finite) >= 2:
            threshold = max((min(finite) + max(finite)) / 2, 0.45 * self.size)
        groups: list[list[_Line]] = [[self.lines[0]]]
        for line, gap in zip(self.lines[1:], gaps):
            if gap > threshold:
                groups.append([line])
            else:
                groups[-1].append(line)
        return groups

    def _split_sub_rows(self, group: list[_Line], cells) -> list[list[str]]:
        """A measure printed once beside several rows of figures (DVPO, DVPN) gives sub-rows."""
        per_line = [cells([line]) for line in group]
        data_lines = [i for i, row in enumerate(per_line) if sum(1 for c in row[1:] if c) >= 2]
        if len(data_lines) < 2:
            return [cells(group)]
        rows = [list(per_line[i]) for i in data_lines]
        first_column = [per_line[i][0] for i in range(len(group)) if i not in data_lines and per_line[i][0]]
        name = " ".join([*(per_line[i][0] for i in data_lines if per_line[i][0]), *first_column]).strip()
        for row in rows:
            row[0] = ""
        rows[0][0] = name
        return rows
