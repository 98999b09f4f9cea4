"""The layout of PDF pages, whichever library read them: words into lines (bold, indent, size,
whether a line runs to the right margin or a gap sets it apart), ruled tables placed among them,
then the whole document: running headers, footers and page numbers dropped, unruled tables found
from their header rows ("Measures  2019/20  2020/21  Difference  Trend") with their columns cut
at the white space that runs down the whole table, and paragraphs cut by a page break joined."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from ..models import Block, Table, TextLine
from ..text.clean import normalise
from .tables import looks_like_table_header, make_table, one_column, prose_lines


_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-\u2013(]?\s*\d{1,4}\s*[-\u2013)]?(?:\s+of\s+\d{1,4})?$", re.IGNORECASE)


@dataclass
class PdfPages:
    """A PDF's pages as a reader gave them: each page's lines and ruled tables, each page's size
    (height, width) and the reader that read it (``pdfium`` or ``pdfplumber``). ``by_character``
    numbers the pages pdfium read character by character, because its word by word reading could
    not vouch for them (see ``pdfium_reader``)."""

    pages: list[list[Block | Line]] = field(default_factory=list)
    sizes: list[tuple[float, float]] = field(default_factory=list)
    readers: list[str] = field(default_factory=list)
    by_character: list[int] = field(default_factory=list)

    def add(self, items: list[Block | Line], size: tuple[float, float], reader: str) -> None:
        self.pages.append(items)
        self.sizes.append(size)
        self.readers.append(reader)


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool
    size: float
    font: str = ""  # the font's name, where the reader gives it


@dataclass
class Line:
    words: list[Word]
    page: int
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    extras: dict = field(default_factory=dict)
    #: the left and right edges of the column the line is in, on a page of two columns (None: the page's)
    column: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        # a line's words do not change once it is made: what is worked out from them is kept
        words = self.words
        words.sort(key=lambda w: w.x0)
        first = words[0]
        top, bottom, x1, size, total, bold = first.top, first.bottom, first.x1, first.size, 0, 0
        one_size = True
        widest_gap = before = 0.0  # the widest gap between neighbouring words
        for w in words:
            top = w.top if w.top < top else top
            bottom = w.bottom if w.bottom > bottom else bottom
            x1 = w.x1 if w.x1 > x1 else x1
            one_size = one_size and w.size == size
            total += len(w.text)
            bold += len(w.text) if w.bold else 0
            if w is not first and w.x0 - before > widest_gap:
                widest_gap = w.x0 - before
            before = w.x1
        self.top, self.bottom, self.x1, self.widest_gap = top, bottom, x1, widest_gap
        self.size = size if one_size else statistics.median(w.size for w in words)
        self.text = normalise(join_words(words))
        self.bold = total > 0 and bold / total >= 0.9

    @property
    def x0(self) -> float:
        return self.words[0].x0

    def clusters(self) -> list[list[Word]]:
        """Words split where the gap between them is wider than a column gutter."""
        gutter = max(0.8 * self.size, 6.0)
        if self.widest_gap <= gutter:
            return [list(self.words)]
        groups: list[list[Word]] = [[self.words[0]]]
        for word in self.words[1:]:
            if word.x0 - groups[-1][-1].x1 > gutter:
                groups.append([word])
            else:
                groups[-1].append(word)
        return groups


def join_words(words: list[Word]) -> str:
    """The words of one line as text, left to right: a space between two words, but for words
    in two fonts or sizes that abut (the next starts within a tenth of an em of where the last
    ends). Those are one word drawn in two fonts, which the readers' word clustering (by font
    and size) keeps apart: an italic "(" and its word, a footnote mark, a bold first letter.
    Words of one font are apart for a reason, however close: a space between them (narrowed by
    word spacing), or a gap pdfium's text has a space in ("child lived" 2 pt apart)."""
    parts: list[str] = []
    before: Word | None = None
    for word in words:
        if (
            before is not None
            and (word.font != before.font or word.size != before.size)
            and abs(word.x0 - before.x1) <= 0.1 * min(word.size, before.size)
            and word.x0 > before.x0
        ):
            parts[-1] += word.text
        else:
            parts.append(word.text)
        before = word
    return " ".join(parts)


def word_from_plumber(w: dict) -> Word:
    """pdfplumber's word dict (from pdfplumber itself or from pdfium's characters) as a Word."""
    return Word(
        text=w["text"],
        x0=float(w["x0"]),
        x1=float(w["x1"]),
        top=float(w["top"]),
        bottom=float(w["bottom"]),
        bold=is_bold(w.get("fontname", "")),
        size=float(w.get("size", 0.0)),
        font=w.get("fontname", ""),
    )


def layout_page(runs: list[list[Word]], ruled: list[tuple[tuple, list]], number: int) -> list[Block | Line]:
    """One page: ruled tables (each its box and its rows of cell texts) as Table blocks and the
    words outside them as lines, in reading order. The words come as ``_group_lines`` takes them.

    A box drawn round text is not a table: a one-column "table" (a border round the page, a
    boxed paragraph) gives its words back to the page's lines, to be read as the text they are,
    unless text beside it shares its lines (a box in a margin), when its cells are read as lines
    of their own (``prose_lines``). A row of one cell across the whole table at its top or its
    bottom (a caption, a footnote) is a line of text before or after the table."""
    table_boxes: list[tuple] = []
    placed: list[tuple[tuple[float, int], float, Block | Line]] = []  # (top, kind), the box's middle, the item
    for bbox, rows in ruled:
        if not rows or not any(any(cell for cell in row if cell) for row in rows):
            continue
        top, bottom = float(bbox[1]), float(bbox[3])
        middle = (float(bbox[0]) + float(bbox[2])) / 2
        if one_column(rows):
            if not _text_beside(runs, bbox):
                continue  # the words stay on the page
            table_boxes.append(bbox)
            placed.extend(((top, 0), middle, line) for line in prose_lines(rows, number))
            continue
        table_boxes.append(bbox)
        caption, rows, footnotes = _caption_rows(rows)
        placed.extend(((top, 0), middle, line) for line in prose_lines(caption, number))
        placed.append(((top, 1), middle, make_table(rows, number, ruled=True)))
        placed.extend(((bottom, 2), middle, line) for line in prose_lines(footnotes, number))
    if table_boxes:
        runs = [kept for kept in ([w for w in run if not _inside(w, table_boxes)] for run in runs) if kept]
    lines = _group_lines(runs, number)
    bands = _two_column_bands(lines)  # [] for a page of one column: every key is then its top
    keyed = _in_columns(lines, bands, number)
    for (top, kind), middle, item in placed:
        keyed.append((_place(bands, top, middle) + (top, 0) * (COLUMN_DEPTH - 1) + (top, kind), item))
    keyed.sort(key=lambda item: item[0])
    return [item for _, item in keyed]


#: The least white space between two columns of text, in points.
COLUMN_GUTTER = 8.0


@dataclass(frozen=True)
class _Band:
    """A stretch of a page set in two columns: from ``top`` to ``bottom``, split at ``gutter``;
    each column's left and right edges."""

    top: float
    bottom: float
    gutter: float
    left: tuple[float, float]
    right: tuple[float, float]


def _two_column_bands(lines: list[Line]) -> list[_Band]:
    """The stretches of the page set in two columns of prose, top to bottom; [] for a page of
    one column (the usual report page) or of tables.

    The gutter is the white space nearly every line leaves at one place in the middle of the
    text: lines of both columns side by side have a gap there, lines of one column end before
    it or start after it. It must part two columns of prose, each of many lines of words (not
    a table's columns of figures or short labels), the right one's lines starting at one edge.
    Lines across the gutter (a title, a heading or a table across both columns) end a band."""
    if len(lines) < 8:
        return []
    x_lo = min(line.x0 for line in lines)
    x_hi = max(line.x1 for line in lines)
    span = x_hi - x_lo
    if span < 200:
        return []
    step = 2.0
    bins = int(span / step) + 2
    cover = [0] * (bins + 1)
    for line in lines:  # how many lines have a word at each x (a difference array over the bins)
        for word in line.words:
            first, last = int((word.x0 - x_lo) / step), int((word.x1 - x_lo) / step)
            cover[first] += 1
            cover[last + 1] -= 1
    running, covered = 0, []
    for count in cover[:bins]:
        running += count
        covered.append(running)
    low, high = int(0.25 * span / step), int(0.75 * span / step)
    allowed = max(1, len(lines) // 10)
    best: tuple[int, int] | None = None  # the widest run of bins that few lines cross
    start = None
    for index in range(low, high + 1):
        if covered[index] <= allowed:
            start = index if start is None else start
            if best is None or index - start > best[1] - best[0]:
                best = (start, index)
        else:
            start = None
    if best is None or (best[1] - best[0] + 1) * step < COLUMN_GUTTER:
        return []
    # the gutter is the white space between the words that end before the run and the first that
    # start in it or after (the run goes on to the page's right where the right column is short)
    # (of the lines that leave the run's first points white: not the few that cross it)
    opening = x_lo + best[0] * step
    clear = [line for line in lines if not any(w.x0 < opening + COLUMN_GUTTER and w.x1 > opening for w in line.words)]
    ends = [w.x1 for line in clear for w in line.words if w.x1 <= opening + step]
    starts_after = [w.x0 for line in clear for w in line.words if w.x0 >= opening]
    if not ends or not starts_after:
        return []
    edge_left, edge_right = max(ends), min(starts_after)
    if edge_right - edge_left < COLUMN_GUTTER:
        return []
    gutter = (edge_left + edge_right) / 2
    lefts = [[w for w in line.words if w.x1 <= gutter] for line in lines]
    rights = [[w for w in line.words if w.x0 >= gutter] for line in lines]
    left_lines, right_lines = sum(1 for words in lefts if words), sum(1 for words in rights if words)
    if left_lines + right_lines < 12 or min(left_lines, right_lines) < 3 and max(left_lines, right_lines) < 8:
        return []  # a last page's right column may be a line or two, beside a full left one
    if not (_prose_column(lefts) and _prose_column(rights)):
        return []
    starts = Counter(round(words[0].x0) for words in rights if words)
    edge_share = max(sum(n for x, n in starts.items() if abs(x - at) <= 3) for at in starts) / sum(starts.values())
    if edge_share < 0.5:
        return []  # the right "column" does not start at one edge: text laid out some other way
    left = (min(w.x0 for ws in lefts for w in ws), max(w.x1 for ws in lefts for w in ws))
    right = (min(w.x0 for ws in rights for w in ws), max(w.x1 for ws in rights for w in ws))
    bands: list[_Band] = []
    run: list[Line] = []

    def close() -> None:
        on_left = sum(1 for line in run if any(w.x1 <= gutter for w in line.words))
        on_right = sum(1 for line in run if any(w.x0 >= gutter for w in line.words))
        if min(on_left, on_right) >= 3 or min(on_left, on_right) >= 1 and max(on_left, on_right) >= 8:
            bands.append(_Band(run[0].top, max(line.bottom for line in run), gutter, left, right))
        run.clear()

    for line in lines:
        if _across(line, gutter):
            close()
        else:
            run.append(line)
    close()
    return bands


def _across(line: Line, gutter: float) -> bool:
    """Whether a line runs across the gutter: a word over it, or words either side of it no
    further apart than words are (a line across the page whose word space falls at the gutter)."""
    before = after = None
    for word in line.words:
        if word.x0 < gutter < word.x1:
            return True
        if word.x1 <= gutter:
            before = word.x1 if before is None or word.x1 > before else before
        elif after is None or word.x0 < after:
            after = word.x0
    return before is not None and after is not None and after - before < COLUMN_GUTTER


def _prose_column(parts: list[list[Word]]) -> bool:
    """Whether the words on one side of a gutter are a column of prose: most of its lines of
    several words, nearly all words of letters."""
    texts = [[w.text for w in words] for words in parts if words]
    if not texts:
        return False
    if statistics.median(len(" ".join(t)) for t in texts) < 20 or statistics.median(len(t) for t in texts) < 4:
        return False
    tokens = [token for t in texts for token in t]
    return sum(1 for token in tokens if any(ch.isalpha() for ch in token)) >= 0.75 * len(tokens)


#: Columns within columns are looked for this deep (a page of three columns is two, then two).
COLUMN_DEPTH = 3


def _in_columns(lines: list[Line], bands: list[_Band], number: int) -> list[tuple[tuple, Line]]:
    """The page's lines with the keys that put them in reading order: a band's left column,
    then its right (each column read the same way in turn: the right "column" of a page of
    three columns is two), the bands and the lines across the page between them by their tops."""
    keyed = []
    for prefix, line in _column_parts(lines, bands, number, 1):
        levels = list(prefix) + [(line.top, 0)] * (COLUMN_DEPTH - len(prefix))
        keyed.append((tuple(v for level in levels for v in level) + (line.top, 1), line))
    return keyed


def _column_parts(lines: list[Line], bands: list[_Band], number: int, depth: int) -> list[tuple[tuple, Line]]:
    """Each line, or each part of a line in a column, with the (band top, column) of each level."""
    out: list[tuple[tuple, Line]] = []
    groups: dict[tuple[float, int], list[Line]] = {}
    for line in lines:
        band = next((b for b in bands if b.top <= line.top <= b.bottom), None)
        if band is None:
            out.append((((line.top, 0),), line))
            continue
        for column, words, edges in ((0, [w for w in line.words if w.x1 <= band.gutter], band.left),
                                     (1, [w for w in line.words if w.x0 >= band.gutter], band.right)):
            if words:
                groups.setdefault((band.top, column), []).append(Line(words=words, page=number, column=edges))
    for key, parts in groups.items():
        inner = _two_column_bands(parts) if depth < COLUMN_DEPTH else []
        if inner:
            out.extend(((key,) + prefix, part) for prefix, part in _column_parts(parts, inner, number, depth + 1))
        else:
            out.extend(((key,), part) for part in parts)
    return out


def _place(bands: list[_Band], top: float, middle: float) -> tuple[float, int]:
    """The band and column keys of a table, or a line read from its cells, at ``top`` whose box
    has its middle at ``middle``."""
    for band in bands:
        if band.top <= top <= band.bottom:
            return band.top, 0 if middle < band.gutter else 1
    return top, 0


def _text_beside(runs: list[list[Word]], bbox: tuple) -> bool:
    """Whether the box is set beside other text (a box in a margin, beside the body text) rather
    than across the page or as a column of a table: words outside it share its height, and the
    lines inside it do not line up with theirs (a column of figures boxed on its own lines up with
    its rows' labels, and its words are read with them)."""
    x0, top, x1, bottom = (float(v) for v in bbox)
    inside: set[float] = set()
    beside: list[float] = []
    for run in runs:
        for word in run:
            middle = (word.top + word.bottom) / 2
            if not top <= middle <= bottom:
                continue
            if word.x1 <= x0 + 1 or word.x0 >= x1 - 1:
                beside.append(word.top)
            elif x0 - 1 <= (word.x0 + word.x1) / 2 <= x1 + 1:
                inside.add(round(word.top, 1))
    if len(beside) < 3 or not inside:
        return False
    aligned = sum(1 for line in inside if any(abs(line - other) <= 1.0 for other in beside))
    return aligned * 2 < len(inside)


def _caption_rows(rows: list[list]) -> tuple[list[list], list[list], list[list]]:
    """A ruled table's leading and trailing rows of one cell spanning the whole table (its other
    cells None: covered by it), split off: (caption rows, table rows, footnote rows). The table
    keeps at least two rows."""
    def spanning(row: list) -> bool:
        return len(row) >= 2 and row[0] is not None and bool(str(row[0]).strip()) and all(c is None for c in row[1:])

    start, end = 0, len(rows)
    while end - start > 2 and spanning(rows[start]):
        start += 1
    while end - start > 2 and spanning(rows[end - 1]):
        end -= 1
    return rows[:start], rows[start:end], rows[end:]


def is_bold(fontname: str) -> bool:
    name = fontname.split("+")[-1].lower()
    return any(mark in name for mark in ("bold", "black", "heavy", "semibold", "demi"))


def _inside(word: Word, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (word.x0 + word.x1) / 2
    cy = (word.top + word.bottom) / 2
    return any(x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1 for x0, top, x1, bottom in boxes)


def _line_order(word: Word) -> tuple[float, float]:
    return (round(word.top, 1), word.x0)


def in_line_order(words: list[Word]) -> list[list[Word]]:
    """Words by top (to 0.1 pt) and left to right, each a run of its own."""
    return [[word] for word in sorted(words, key=_line_order)]


def _group_lines(runs: list[list[Word]], page: int) -> list[Line]:
    """Words into lines. The words come by top (to 0.1 pt) and left to right, in runs that share
    top, bottom and size: a word joins a line by those alone, so a run joins it whole."""
    lines: list[list[Word]] = []
    current: list[Word] = []
    ref = None
    ref_size = 10.0
    for run in runs:
        word = run[0]
        if ref is not None:
            size = word.size or 10
            tolerance = 0.35 * (size if size < ref_size else ref_size)  # max(2.0, 0.35 * min(sizes))
            if tolerance < 2.0:
                tolerance = 2.0
            offset = abs(word.top - ref.top)
            if offset <= tolerance or offset <= 3 and ref.top <= (word.top + word.bottom) / 2 <= ref.bottom:
                current.extend(run)
                continue
        current = list(run)
        ref = word
        ref_size = word.size or 10
        lines.append(current)
    return [Line(words=group, page=page) for group in lines]


def assemble_document(pages: list[list[Block | Line]], sizes: list[tuple[float, float]]) -> list[Block]:
    _drop_running_lines(pages, sizes)
    all_lines = [item for page in pages for item in page if isinstance(item, Line)]
    if not all_lines:
        return [item for page in pages for item in page if isinstance(item, (Table, TextLine))]
    body_size = Counter(round(line.size, 1) for line in all_lines).most_common(1)[0][0]
    body_lines = [line for line in all_lines if abs(line.size - body_size) < 0.6]
    margin = min(line.x0 for line in body_lines) if body_lines else 0.0
    right = max(line.x1 for line in body_lines) if body_lines else 0.0
    pitches = [
        b.top - a.top
        for page in pages
        for a, b in zip(
            [i for i in page if isinstance(i, Line)], [i for i in page if isinstance(i, Line)][1:]
        )
        if abs(a.size - body_size) < 0.6 and abs(b.size - body_size) < 0.6 and 0 < b.top - a.top < 3 * body_size
    ]
    pitch = statistics.median(pitches) if pitches else body_size * 1.25

    blocks: list[Block] = []
    pending_table: _UnruledTable | None = None
    for page_items in pages:
        previous: Line | None = None
        index = 0
        while index < len(page_items):
            item = page_items[index]
            if isinstance(item, Table):
                _append_table(blocks, item)
                previous = None
                index += 1
                continue
            if isinstance(item, TextLine):  # a caption, a footnote or a box's text, read from its cells
                blocks.append(item)
                pending_table = None
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
            if gap is not None and gap < 0 and item.column is not None:
                gap = None  # the top of the next column: a break as at the top of a page
            left, end = item.column if item.column is not None else (margin, right)
            blocks.append(
                TextLine(
                    text=item.text,
                    page=item.page,
                    x0=round(item.x0 - left, 1),
                    bold=item.bold,
                    new_block=gap is None or gap > pitch * 1.2 + 0.5,
                    full=item.x1 >= end - max(60.0, 0.12 * (end - left)),
                    page_start=gap is None,
                )
            )
            previous = item
            index += 1
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


def _drop_running_lines(pages: list[list[Block | Line]], sizes: list[tuple[float, float]]) -> None:
    """Remove page numbers and headers/footers repeated in the page margins."""

    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", line.text.lower())

    def in_margin(line: Line, height: float) -> bool:
        return line.top < 0.09 * height or line.bottom > 0.91 * height

    counts: Counter[str] = Counter()
    for page_items, (height, _) in zip(pages, sizes):
        counts.update({key(i) for i in page_items if isinstance(i, Line) and in_margin(i, height)})
    repeated = {k for k, n in counts.items() if len(pages) >= 3 and n >= max(2, len(pages) // 2)}
    for number, (page_items, (height, _)) in enumerate(zip(pages, sizes)):
        # the first page keeps the running header lines it opens with: a title printed at the top
        # of every page (a spreadsheet's print titles: "Payments Made 2016/17 exceeding £250") is
        # the report's title block there, and the other pages' copies are furniture
        opening = _opening_lines(page_items, height) if number == 0 else set()
        page_items[:] = [
            i
            for i in page_items
            if not (
                isinstance(i, Line)
                and in_margin(i, height)
                and (_PAGE_NUMBER.match(i.text) or key(i) in repeated and id(i) not in opening)
            )
        ]


def _opening_lines(items: list[Block | Line], height: float) -> set[int]:
    """The ``id`` of each line a page opens with in its top margin, before anything else."""
    opening: set[int] = set()
    for item in sorted((i for i in items if isinstance(i, Line)), key=lambda line: line.top):
        if item.top >= 0.09 * height or _PAGE_NUMBER.match(item.text):
            break
        opening.add(id(item))
    return opening


def _is_table_header(line: Line) -> bool:
    """A row of column titles: periods ("2019/20") and words such as Measure, Difference, Trend,
    set apart by gutters wider than word spaces."""
    clusters = line.clusters()
    if len(clusters) < 2 or any(len(cluster) > 4 for cluster in clusters):
        return False
    return looks_like_table_header([w.text for w in line.words])


def _continues_table(table: _UnruledTable, line: Line, body_size: float) -> bool:
    """At the top of a page: does this line carry on the unruled table the last page ended with?"""
    return abs(line.size - table.size) < 0.3 and abs(table.size - body_size) >= 0.6 and not _is_table_header(line)


@dataclass
class _UnruledTable:
    header: Line
    lines: list[Line] = field(default_factory=list)

    @property
    def size(self) -> float:
        return self.header.size

    def extend(self, items: list, start: int, body_size: float) -> int:
        """Take the table's lines from ``items[start:]``; return how many were taken."""
        taken = 0
        previous = self.lines[-1] if self.lines else self.header
        for item in items[start:]:
            if not isinstance(item, Line) or _is_table_header(item):
                break
            if abs(self.size - body_size) >= 0.6:
                if abs(item.size - self.size) >= 0.6:
                    break
            elif item.top - previous.bottom > 2.2 * self.size or len(item.clusters()) < 2 and item.x0 > self.header.x0 + 2:
                break
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

        def cells(lines: list[Line]) -> list[str]:
            out: list[list[str]] = [[] for _ in range(width)]
            for line in lines:
                by_column: list[list[Word]] = [[] for _ in range(width)]
                for word in line.words:
                    centre = (word.x0 + word.x1) / 2
                    by_column[sum(1 for b in bounds if centre > b)].append(word)
                for column, words in enumerate(by_column):
                    if words:
                        out[column].append(join_words(words))
            return [" ".join(parts) for parts in out]

        rows: list[list[str]] = [cells([self.header])]
        pages: list[int | None] = []
        for group in self._row_groups():
            split = self._split_sub_rows(group, cells)
            rows.extend(split)
            pages.extend([group[0].page] * len(split))
        return make_table(rows, self.header.page, ruled=False, row_pages=pages)

    def _row_groups(self) -> list[list[Line]]:
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
        groups: list[list[Line]] = [[self.lines[0]]]
        for line, gap in zip(self.lines[1:], gaps):
            if gap > threshold:
                groups.append([line])
            else:
                groups[-1].append(line)
        return groups

    def _split_sub_rows(self, group: list[Line], cells) -> list[list[str]]:
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
