"""Reading PDF pages with pdfium (``pypdfium2``) into what pdfplumber would make of them, about
twenty times faster, with one difference: pdfium's own word breaks are kept.

* words: the page's text comes from pdfium in one call and is split at white space. pdfium is
  asked for each word's first character and, unless the word, one space and the next word of
  the same text object simply abut by their advance widths, its last character; for the text
  object of a line's first and last word only, when they are the same object; and whether each
  space is a real one. The characters in between are vouched for by their advance widths: they
  abut, so pdfplumber's ``extract_words`` keeps them in one word. (Where a word's last character
  is not looked up, its position is the advances' sum from the word's start: it differs from
  pdfium's own by float rounding, as pdfium's positions differ from pdfminer's.) The order
  pdfplumber takes characters in (runs of one font in content-stream order, clustered into
  lines, left to right) is checked too. Whatever this cannot vouch for (letter spacing, a font
  change inside a word, words drawn too close, overlapping text) sends the page to the
  character by character reading: pdfplumber's character records made from pdfium and grouped
  by pdfplumber's own word clustering.
* spaces pdfium generates: where words are drawn apart with no space character between them,
  pdfium's text has a space (it judges the gap by the font's size); pdfplumber joins characters
  closer than 3 pt whatever their size ("childlived" of 7 pt words 2 pt apart). Both readings
  here take pdfium's space as a space character: it ends the word.
* characters outside the Basic Multilingual Plane come from pdfium as two UTF-16 halves, at two
  character indices: the character by character reading pairs them (a lone half is dropped).
* ruled tables: pdfium's path objects are turned into the lines, rectangles and curves pdfminer
  makes of them, their edges are given to pdfplumber's own table finder, and the cells are filled
  by the rules of pdfplumber's ``Table.extract`` from the character records of the characters
  near the table.

A rotated page (``/Rotate``) is read in its own coordinates, as drawn before the rotation turns
it; a cropped page in its media box's, as pdfplumber reads it; a form XObject's objects where
the form draws them. Type is as big as its text matrix makes it (``1 Tf`` under a matrix of
``10.92 0 0 10.92`` is 10.92 pt type), and pdfium's mark for a line-end hyphen (U+FFFE, with
the line break taken out) is the hyphen ending its line. A page this reader cannot vouch for (a
media box away from the origin, a form that scales its text, text that is not upright) is
read by pdfplumber (``pdfplumber_reader``); so is a page pdfium has no Unicode for most of the
text of (then the reading with more text is kept). A page pdfplumber fails on too, or misses
text pdfium has, is read as pdfium's own text, line by line (``plain_text_page``).
tests/test_pdf_fast.py checks that pdfium's and pdfplumber's readings give the same blocks;
tests/test_real_pdf_modes.py the ways real files made them differ.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
import operator
import re
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfplumber.table import TableFinder
from pdfplumber.utils import curve_to_edges, extract_text, line_to_edge, rect_to_edges
from pdfplumber.utils.text import LIGATURES

from ..errors import ExtractionError
from ..models import Block, Table
from .layout import Line, PdfPages, Word, in_line_order, is_bold, layout_page, word_from_plumber
from .pdfium_text import address, pdfium_api, plain_text_page, unrotated_size
from .pdfplumber_reader import CID, read_plumber_page

_content_order = operator.attrgetter("order")
_font_key = operator.attrgetter("key")
_top = operator.attrgetter("top")
_first_x0 = operator.attrgetter("first_x0")
_first_three = operator.itemgetter(0, 1, 2)


def read_with_pdfium(path: Path) -> PdfPages | None:
    """Each page's lines and tables, the page sizes and which reader read each page; None when
    pdfium cannot open the file (pdfplumber then reads it, or names what is wrong with it).

    A page this reader cannot vouch for (``_read_pdfium_page`` gives None), or that it fails on,
    is read by pdfplumber: that page alone, not the file. A page pdfplumber fails on too (or a
    file pdfium opens and pdfplumber cannot) is read as pdfium's own text, line by line
    (``pdfium text``): a file pdfium opens is never lost."""
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - pdfplumber installs it
        return None
    try:
        document = pdfium.PdfDocument(str(path))
    except Exception:
        return None
    plumber = _Plumber(path)
    fonts: dict[tuple, _Font] = {}
    try:
        if len(document) == 0:
            return None
        read = PdfPages()
        for number in range(1, len(document) + 1):
            try:
                page = document[number - 1]
            except Exception:  # pdfium cannot load the page: pdfplumber reads it, or it is left empty
                plumbed = plumber.read_page(number)
                read.add(*(plumbed or ([], (792.0, 612.0))), "pdfplumber" if plumbed else "unreadable")
                continue
            try:
                width, height = unrotated_size(page)
                try:
                    items = _read_pdfium_page(page, number, width, height, fonts)
                except ExtractionError:
                    raise
                except Exception:  # anything pdfium reads differently: pdfplumber reads the page
                    items = None
                if items is not None and not isinstance(items, Unmapped):
                    read.add(list(items), (height, width), "pdfium")
                    if isinstance(items, ByCharacter):
                        read.by_character.append(number)
                    continue
                plumbed = plumber.read_page(number)
                if plumbed is not None:
                    with_spaces(plumbed[0], page)
                if items is not None:  # pdfium has no Unicode for much of the page: the reading with more text
                    if plumbed is None or readable_chars(plumbed[0]) <= readable_chars(items):
                        read.add(list(items), (height, width), "pdfium")
                    else:
                        read.add(*plumbed, "pdfplumber")
                    continue
                own = plain_text_page(page, number, height)
                if (
                    plumbed is not None
                    and readable_chars(plumbed[0]) >= 0.8 * readable_chars(own)
                    and not _garbled(plumbed[0], own)
                ):
                    read.add(*plumbed, "pdfplumber")
                else:  # pdfplumber fails on the page, or misses text pdfium has
                    read.add(own, (height, width), "pdfium text")
            finally:
                page.close()
        if set(read.readers) == {"unreadable"}:
            return None  # not one page loads: pdfplumber reads the file, or says what is wrong
        return read
    finally:
        plumber.close()
        document.close()


def with_spaces(items: list[Block | Line], page) -> None:
    """Break the words of a page pdfplumber read where pdfium's text has a space (one it
    generated between words drawn apart with no space character, which pdfplumber joins when
    they are closer than 3 pt): a word that is several consecutive words of pdfium's text
    becomes those words. Lines and table cells are changed in place."""
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        tokens = textpage.get_text_range(0, count, errors="ignore").split() if count > 0 else []
    finally:
        textpage.close()
    if len(tokens) < 2:
        return
    known = set(tokens)
    positions: dict[str, list[int]] = {}
    for n, token in enumerate(tokens[:-1]):
        positions.setdefault(token, []).append(n)

    def pieces(word: str) -> list[str] | None:
        if word in known:
            return None
        for k in range(1, len(word)):
            for n in positions.get(word[:k], ()):
                rest, m = word[k:], n + 1
                while rest and m < len(tokens) and rest.startswith(tokens[m]):
                    rest, m = rest[len(tokens[m]):], m + 1
                if not rest:
                    return tokens[n:m]
                if m > n + 1 and m < len(tokens) and tokens[m].startswith(rest):
                    # the word ends inside pdfium's next word (pdfplumber's word was cut short
                    # by something drawn across the line): the whole words, then that part
                    return [*tokens[n:m], rest]
        return None

    for index, item in enumerate(items):
        if isinstance(item, Line):
            words: list[Word] = []
            for word in item.words:
                split = pieces(word.text)
                if split is None:
                    words.append(word)
                    continue
                step = (word.x1 - word.x0) / len(word.text)  # each piece its share of the word's width
                x0 = word.x0
                for piece in split:
                    words.append(Word(piece, x0, x0 + step * len(piece), word.top, word.bottom, word.bold, word.size, word.font))
                    x0 += step * len(piece)
            if len(words) != len(item.words):
                items[index] = Line(words=words, page=item.page, column=item.column)
        elif isinstance(item, Table):
            for row in [item.header, *item.rows]:
                for n, cell in enumerate(row):
                    if cell:
                        row[n] = " ".join(" ".join(pieces(part) or [part]) for part in cell.split(" "))


def _garbled(plumbed: list[Block | Line], own: list[Block | Line]) -> bool:
    """Whether pdfplumber's reading of the page is mostly words pdfium's own text does not have:
    text turned to run up or down the page (the labels of a table turned on its side), which
    pdfplumber reads backwards ("raguS" for "Sugar") or a letter a line, where pdfium's text has
    the words: pdfplumber's reading lacks half of pdfium's words (of three letters or more)."""
    ours = {w for item in own if isinstance(item, Line) for w in item.text.split() if len(w) > 2}
    theirs: list[str] = []
    for item in plumbed:
        if isinstance(item, Line):
            theirs.extend(item.text.split())
        elif isinstance(item, Table):
            theirs.extend(w for row in [item.header, *item.rows] for cell in row if cell for w in cell.split())
    return len(ours) >= 5 and 2 * len(ours - set(theirs)) > len(ours)


@dataclass
class Contents:
    """What a PDF's pages draw, counted over all its pages: text objects (and those with no
    text pdfium can give), images, drawings (paths and shadings), and annotations (form fields
    among them), which are not read."""

    texts: int = 0
    unmapped: int = 0  # text objects pdfium gives no text for: glyphs with no Unicode
    images: int = 0
    drawings: int = 0
    annotations: int = 0
    pages: int = 0
    unreadable: int = 0  # pages pdfium could not load


def page_contents(path: Path) -> Contents | None:
    """What the PDF's pages draw, counted by pdfium (into form XObjects too); None when pdfium
    cannot open it. For saying why a PDF gave no text: a scan has images, a blank page nothing."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(str(path))
    except Exception:
        return None
    contents = Contents()

    def count(objects, textpage) -> None:
        for obj in objects:
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                contents.texts += 1
                if raw.FPDFTextObj_GetText(obj, textpage, None, 0) <= 2:
                    contents.unmapped += 1
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                contents.images += 1
            elif kind in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_SHADING):
                contents.drawings += 1
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                count((raw.FPDFFormObj_GetObject(obj, i) for i in range(raw.FPDFFormObj_CountObjects(obj))), textpage)

    try:
        for number in range(len(document)):
            contents.pages += 1
            try:
                page = document[number]
            except Exception:  # a page pdfium cannot load draws nothing it can count
                contents.unreadable += 1
                continue
            textpage = page.get_textpage()
            try:
                count((raw.FPDFPage_GetObject(page, i) for i in range(raw.FPDFPage_CountObjects(page))), textpage)
                contents.annotations += max(raw.FPDFPage_GetAnnotCount(page), 0)
            finally:
                textpage.close()
                page.close()
    finally:
        document.close()
    return contents


class _Plumber:
    """The file opened with pdfplumber when a page needs it (once, then kept open); a page it
    cannot read, or a file it cannot open, gives None."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pdf = None
        self.failed = False

    def read_page(self, number: int) -> tuple[list[Block | Line], tuple[float, float]] | None:
        if self.failed:
            return None
        try:
            if self.pdf is None:
                self.pdf = pdfplumber.open(self.path)
            page = self.pdf.pages[number - 1]
        except Exception:  # pdfminer cannot parse the file, or finds fewer pages than pdfium
            self.failed = True
            return None
        try:
            return read_plumber_page(page, number), (float(page.height), float(page.width))
        except Exception:  # pdfminer fails on this page: pdfium's own text stands in
            return None
        finally:
            page.close()

    def close(self) -> None:
        if self.pdf is not None:
            try:
                self.pdf.close()
            except Exception:  # closing makes the pages it could not make before
                pass


def _read_pdfium_page(page, number: int, width: float, height: float, fonts: dict) -> list[Block | Line] | None:
    """One page read with pdfium, as pdfplumber would read it; None when pdfplumber must read it
    (a media box away from the origin, a form that scales its text, text that is not upright).
    Text that is not upright but a few of the page's characters (``TURNED_SHARE``: a print-job
    line up the margin) is read apart, its words in lines of their own after the page's, and the
    rest of the page a character at a time.

    A rotated page (``/Rotate``) is read in its own coordinates, before the rotation turns it:
    text upright there (a landscape table turned to fit a portrait page) is read like any other;
    text that is not (text turned against the rotation, to read upright on screen) goes to
    pdfplumber, which reads the page as displayed."""
    if tuple(page.get_mediabox())[:2] != (0, 0):
        return None  # pdfplumber's coordinates are then the media box's, shifted
    objects = _page_objects(page)
    if objects is None:
        return None
    paths, order, scaled = objects
    textpage = page.get_textpage()
    try:
        text = _PageText(textpage, height, fonts, order, scaled)
        unmapped = text.unmapped(order)
        text.keep_units = bool(paths)
        by_character = False
        try:
            runs = text.words()
        except (_Unsafe, _ForPdfplumber):  # the latter: perhaps a few turned characters
            runs = _by_character(text, order, scaled, width)
            by_character = True
        ruled: list = []
        if paths:
            drawn = _DrawnPage(edges=_edges(paths, height), bbox=(0.0, 0.0, width, height))
            ruled = [t for t in TableFinder(drawn).tables if t.bbox[3] - t.bbox[1] > 5]
        if ruled:
            chars = text.chars_near([t.bbox for t in ruled])
            ruled = [(t.bbox, _cell_texts(t, chars, text.breaks)) for t in ruled]
        items = layout_page(runs, ruled, number)
        return Unmapped(items) if unmapped else ByCharacter(items) if by_character else items
    except _ForPdfplumber:
        return None
    finally:
        textpage.close()


#: A page's turned text objects are read apart (``_PageText.turned_words``) when they hold at most
#: this share of its characters; a page with more (a table turned on its side) goes to pdfplumber.
TURNED_SHARE = 0.05


def _by_character(text: "_PageText", order: dict[int, int], scaled: dict[int, tuple[float, ...]], width: float) -> list[list[Word]]:
    """The page read a character at a time. Text objects that are not upright, if they are a few
    of its characters (``_few_turned``), are read apart, their words after the page's; if they
    are more (or an object is out of the content stream's order), ``_ForPdfplumber``. The
    turned objects are looked for only on a page that has some: reading the others found them."""
    try:
        return in_line_order(text.words_char_by_char())
    except _ForPdfplumber:
        text.turned = _few_turned(text, order, scaled)
        if not text.turned:
            raise
        return in_line_order(text.words_char_by_char()) + text.turned_words(width)


def _few_turned(text: "_PageText", order: dict[int, int], scaled: dict[int, tuple[float, ...]]) -> set[int]:
    """The page's text objects that are not upright, when they are few (``TURNED_SHARE`` of its
    characters at most); else none (the page is read as before: pdfplumber reads it)."""
    api, matrix = text.api, text.matrix
    turned: set[int] = set()
    for obj in order:
        api.matrix(obj, text.matrix_address)
        m = tuple(matrix)
        outer = scaled.get(obj)
        if outer is not None:
            m = _times(m, outer)
        if m[1] != 0 or m[2] != 0 or m[0] <= 0 or m[3] <= 0:
            turned.add(obj)
    if not turned:
        return set()
    chars = sum(max(0, api.object_text(obj, text.handle, None, 0) // 2 - 1) for obj in turned)
    return turned if chars <= TURNED_SHARE * max(text.count, 1) else set()


class ByCharacter(list):
    """A page's lines and tables as pdfium read them character by character (word by word
    reading could not vouch for the page): ``PdfPages.by_character`` lists such pages."""


class Unmapped(list):
    """A page's lines and tables as pdfium read them, when pdfium had no Unicode for most of its
    text: pdfplumber reads the page too, and the reading with more text is kept."""


def readable_chars(items: list[Block | Line]) -> int:
    """The characters of a page's lines and table cells that are text: not white space, not
    control characters or U+FFFD, not pdfminer's ``(cid:123)`` for a glyph it has no Unicode for."""
    parts: list[str] = []
    for item in items:
        if isinstance(item, Line):
            parts.append(item.text)
        elif isinstance(item, Table):
            parts.extend(cell for row in [item.header, *item.rows] for cell in row if cell)
    text = CID.sub("", " ".join(parts))
    return sum(1 for char in text if char.isprintable() and not char.isspace() and char != "\ufffd")


class _Unsafe(Exception):
    """Word by word reading cannot vouch for this page: read it character by character."""


class _ForPdfplumber(Exception):
    """The page has text that is not upright, or that is not the page's own: pdfplumber reads it."""


def warm_up() -> None:
    """Load now what reading the first PDF would load (pdfium, its bound functions, the standard
    fonts' metrics): worker processes forked afterwards share it."""
    import pdfminer.fontmetrics  # noqa: F401
    import pypdfium2  # noqa: F401

    pdfium_api()


# a word: up to white space, or up to and with the mark pdfium puts for a hyphen that ends a
# line (it joins the two lines' halves, "cap\ufffeture": the halves are two words, "cap-" and
# "ture", as pdfplumber has them)
_TOKEN = re.compile(r"[^\s\ufffe]+\ufffe?|\ufffe|\Z")


_UNMAPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\ufffe\uffff]")


_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


_LIGATURES = str.maketrans({**LIGATURES, "\ufffe": "-"})


def _has_ligatures(text: str) -> bool:
    """Whether a page's text has a ligature or pdfium's line-end hyphen mark to spell out."""
    return "\ufffe" in text or any(char in text for char in LIGATURES)


_STANDARD_FONTS: dict[tuple[str, float, float], _Font] = {}  # by name, size and width, across documents


@dataclass
class _Font:
    """What the characters of text objects in one font and size share: pdfminer's descent, and
    each character's advance (from the standard font metrics, or learnt from pdfium).

    ``size`` is the characters' height as pdfminer has it: the font size of the text state
    (``Tf``) scaled by the text matrix's vertical scale; ``width`` the points one em takes across
    (the font size by the matrix's horizontal scale). Text drawn at ``1 Tf`` under a matrix of
    ``10.92 0 0 10.92`` is 10.92 pt text, as common in real files as ``10.92 Tf``."""

    name: str
    size: float
    descent: float
    metrics: dict[str, float]  # the standard 14 fonts' widths in 1/1000 em; empty for others
    advances: dict[str, float]  # in points at this size
    bold: bool
    learns: bool  # whether advances missing from the metrics are learnt from pdfium's boxes
    spans: dict[str, float] = field(default_factory=dict)
    width: float = 0.0  # points an em takes across; the size when 0

    def __post_init__(self) -> None:
        if not self.width:
            self.width = self.size

    @property
    def key(self) -> tuple[str, float]:
        return (self.name, self.size)

    def span(self, word: str) -> float | None:
        """From the word's first character to its last, when its characters simply abut (none
        of them empty); None when an advance is not known."""
        span = self.spans.get(word)
        if span is not None:
            return span
        total = 0.0
        for char in word:
            width = self.advances.get(char)
            if width is None or width <= 0.01:
                return None
            total += width
        if len(self.spans) > 100_000:  # a bound on what is kept across documents
            self.spans.clear()
        span = self.spans[word] = total - self.advances[word[-1]]
        return span


@dataclass(slots=True)
class _Segment:
    """Consecutive characters of one text object: words and spaces on one baseline, left to right."""

    order: int  # the text object's place in the page's content stream
    key: tuple[str, float]
    top: float
    first_x0: float
    first_space: bool
    last_x0: float
    last_x1: float
    last_space: bool
    first_word: int  # where its words start in the page's list of words


class _Segments(list):
    """A page's segments, in pdfium's order."""

    def __init__(self, text: _PageText, words: list[Word]) -> None:
        super().__init__()
        self.rank = text.rank
        self.words = words
        self.obj: int | None = None  # the text object of the last segment

    def add(self, obj: int, font: _Font, top: float, x0: float, last_x0: float, x1: float, space: bool) -> None:
        """Add the next word or space. pdfplumber's order within a segment is pdfium's: each must
        start right of the last; and two words with no space between must be far enough apart
        to stay two words."""
        if obj != self.obj:
            self.append(_Segment(self.rank(obj), font.key, top, x0, space, last_x0, x1, space, len(self.words)))
            self.obj = obj
            return
        segment = self[-1]
        if top != segment.top or x0 <= segment.last_x0:
            raise _Unsafe
        if not (space or segment.last_space) and x0 <= segment.last_x1 + 3:
            raise _Unsafe
        segment.last_x0, segment.last_x1, segment.last_space = last_x0, x1, space


class _PageText:
    """A page's characters as pdfplumber would have them, and its words as pdfplumber's
    ``extract_words(extra_attrs=["fontname", "size"])`` makes them.

    ``words()`` reads a word at a time, as the module's docstring tells; whatever it cannot vouch
    for raises ``_Unsafe``, and ``words_char_by_char()`` then makes every character record and
    hands them to pdfplumber's own word clustering. ``chars_near()`` makes the records of the
    characters about a ruled table, for its cells."""

    def __init__(
        self, textpage, height: float, fonts: dict[tuple, _Font], order: dict[int, int],
        scaled: dict[int, tuple[float, ...]] | None = None,
    ) -> None:
        self.api = pdfium_api()
        self.scaled = scaled or {}  # text objects a form draws with a matrix, and that matrix
        self.handle = address(textpage.raw)
        self.height = height
        self.count = textpage.count_chars()
        self.text = textpage.get_text_range(0, self.count, errors="ignore") if self.count else ""
        self.aligned = len(self.text) == self.count  # one UTF-16 unit per character index
        self.shared_fonts = fonts  # the document's fonts that are not standard ones, by name and size
        self.fonts: dict[int, _Font] = {}  # the page's, by text object
        self.page_fonts: dict[tuple[int, float], _Font] = {}  # the page's, by pdfium font and size
        self.order = order  # each text object's place in the content stream
        self.point = (ctypes.c_double * 2)()
        # the arguments of the untyped per-character calls: the text page, where x and y go
        self.textpage = ctypes.c_void_p(self.handle)
        self.x_out = ctypes.c_void_p(ctypes.addressof(self.point))
        self.y_out = ctypes.c_void_p(ctypes.addressof(self.point) + 8)
        self.box = (ctypes.c_float * 4)()
        self.matrix = (ctypes.c_float * 6)()
        self.matrix_address = ctypes.addressof(self.matrix)
        self.keep_units = False  # whether words() records where each word and space is, for tables
        self.units: list[tuple[int, int, float, float, float, float]] = []  # index range and box
        self.all_chars: list[dict] | None = None
        #: the characters either side of each space (or line break) pdfium generated, found by ``chars()``
        self.breaks: set[tuple[int, int]] = set()
        #: text objects not upright (a print-job line up the margin, a column title turned on its
        #: side), read apart from the page's upright text (``turned_words``), and their characters
        self.turned: set[int] = set()
        self._turned_chars: dict[int, list[str]] = {}

    def font(self, text_object: int, index: int) -> _Font:
        """The font of a text object (only upright text is read here)."""
        font = self.fonts.get(text_object)
        if font is not None:
            return font
        api = self.api
        api.matrix(text_object, self.matrix_address)
        matrix = tuple(self.matrix)
        outer = self.scaled.get(text_object)
        if outer is not None:  # drawn by a form with a matrix of its own: both make the size
            matrix = _times(matrix, outer)
        if matrix[1] != 0 or matrix[2] != 0 or matrix[0] <= 0 or matrix[3] <= 0:
            raise _ForPdfplumber
        points = api.font_size(self.handle, index)
        size, width = points * matrix[3], points * matrix[0]
        if abs(size - points) < 1e-4 and abs(width - points) < 1e-4:
            size = width = points  # an unscaled matrix: the size exactly as pdfium gives it
        handle = api.font(text_object)
        font = self.page_fonts.get((handle, size, width))
        if font is None:
            font = self.page_fonts[(handle, size, width)] = self._read_font(handle, size, width)
        self.fonts[text_object] = font
        return font

    def _read_font(self, handle: int, size: float, width: float) -> _Font:
        """The descent is pdfminer's: for the standard 14 fonts, that of their published metrics.
        A standard font (not embedded) is the same in every document, and kept across them; the
        advances of another font are learnt from pdfium, and kept for the document only."""
        from pdfminer.fontmetrics import FONT_METRICS

        api = self.api
        buffer = ctypes.create_string_buffer(256)
        api.font_name(handle, ctypes.addressof(buffer), 256)
        name = buffer.value.decode("utf-8", "replace")
        base = name.split("+")[-1]
        standard = not api.embedded(handle) and base in FONT_METRICS
        fonts = _STANDARD_FONTS if standard else self.shared_fonts
        font = fonts.get((name, size, width))
        if font is not None:
            return font
        if len(fonts) > 1000:  # a bound on what is kept across documents
            fonts.clear()
        if standard:
            metrics = FONT_METRICS[base][1]
            descent = FONT_METRICS[base][0]["Descent"] * size / 1000
        else:
            metrics = {}
            value = ctypes.c_float()
            api.descent(handle, size, ctypes.addressof(value))
            descent = value.value
        advances = {char: em * width / 1000 for char, em in metrics.items()}
        font = fonts[(name, size, width)] = _Font(
            name, size, descent, metrics, advances, is_bold(name), learns=not standard, width=width
        )
        return font

    def x1(self, index: int, char: str, x0: float, font: _Font) -> float:
        """A character's right edge: its advance from the metrics, else pdfium's loose box."""
        advance = font.metrics.get(char)
        if advance is not None:
            return x0 + advance * font.width / 1000
        self.api.loose_box(self.handle, index, ctypes.addressof(self.box))
        return self.box[2]

    def rank(self, text_object: int) -> int:
        """The text object's place in the content stream, which pdfplumber reads characters in
        (pdfium may put objects on one line in left to right order instead)."""
        rank = self.order.get(text_object)
        if rank is None:
            raise _ForPdfplumber
        return rank

    def chars(self, indices) -> list[dict]:
        """pdfplumber's character records (text, box, font name, size) of these characters, in
        pdfplumber's order."""
        api, textpage, text, point = self.api, self.textpage, self.text, self.point
        chars: list[tuple[int, int, dict]] = []
        for i in indices:
            char = text[i] if self.aligned else self._unicode(i)
            if char == "\r" and 0 < i < self.count - 2 and api.is_generated(textpage, i):
                # a line break pdfium puts between two words: a break, if they are neighbours
                if (text[i + 1] if self.aligned else self._unicode(i + 1)) == "\n":
                    self.breaks.add((i - 1, i + 2))
                continue
            if char in "\r\n" or not char:
                continue
            if char == "\ufffe":
                char = "-"  # pdfium's mark for a hyphen that ends a line: the hyphen, as pdfplumber has it
            if api.is_generated(textpage, i):
                # a space pdfium puts between words drawn apart with no space character: the
                # word breaks between the characters either side, if they are neighbours in it
                if char.isspace() and 0 < i < self.count - 1:
                    self.breaks.add((i - 1, i + 1))
                continue
            text_object = api.text_object(textpage, i)
            if text_object in self.turned:
                self._turned_chars.setdefault(text_object, []).append(char)
                continue
            font = self.font(text_object, i)
            api.origin(textpage, i, self.x_out, self.y_out)
            x0 = point[0]
            char_top = self.height - (point[1] + font.descent + font.size)
            record = {"text": char, "x0": x0, "x1": self.x1(i, char, x0, font), "top": char_top,
                      "bottom": char_top + font.size, "doctop": char_top, "upright": True,
                      "fontname": font.name, "size": font.size, "index": i}
            chars.append((self.rank(text_object), i, record))
        chars.sort(key=lambda item: item[:2])
        return [record for _, _, record in chars]

    def gap_space(self, index: int) -> bool:
        """Whether the space pdfium generated at ``index`` lies in a gap between two characters
        of one line, the next right of it: not one it puts between overlapping copies of a text
        (drawn twice to look bold) or where the text goes back or changes line."""
        api, textpage, point = self.api, self.textpage, self.point
        if index == 0 or index + 1 >= self.count:
            return False
        if api.is_generated(textpage, index - 1) or api.is_generated(textpage, index + 1):
            return False
        api.origin(textpage, index - 1, self.x_out, self.y_out)
        before_x, before_y = point[0], point[1]
        api.origin(textpage, index, self.x_out, self.y_out)
        x, y = point[0], point[1]
        api.origin(textpage, index + 1, self.x_out, self.y_out)
        return before_x < x < point[0] and abs(point[1] - y) <= 0.5 and abs(before_y - y) <= 0.5

    def _unicode(self, index: int) -> str:
        """The character at ``index`` when the text is not one UTF-16 unit a character index:
        a surrogate pair's high half gives the character the pair encodes, its low half and a
        lone surrogate nothing."""
        code = self.api.unicode(self.handle, index)
        if 0xD800 <= code < 0xDC00 and index + 1 < self.count:
            low = self.api.unicode(self.handle, index + 1)
            if 0xDC00 <= low < 0xE000:
                return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
        return "" if 0xD800 <= code < 0xE000 else chr(code)

    def unmapped(self, text_objects) -> bool:
        """Whether pdfium has no Unicode for most of the page's text (a font with no ToUnicode
        map that pdfminer can still read, such as CJK text in a CID font). pdfium leaves such
        characters out of its text, so their text objects give no text at all; or it gives
        control characters or U+FFFD for them."""
        api, handle = self.api, self.handle
        if 2 * len(text_objects) > self.count:
            # fewer characters than a text object has at least: are many objects empty?
            empty = sum(1 for obj in text_objects if api.object_text(obj, handle, None, 0) <= 2)
            if empty and 2 * empty >= len(text_objects):
                return True
        if not self.count or (self.aligned and not _UNMAPPED.search(self.text)):
            return False
        bad = good = 0
        for index in range(self.count):
            code = api.unicode(handle, index)
            if code in (0x09, 0x20, 0x0D, 0x0A) or 0xDC00 <= code < 0xE000:
                continue
            if code < 0x20 or code in (0xFFFD, 0xFFFE, 0xFFFF):
                bad += 1
            else:
                good += 1
        return bad > 0 and bad >= good

    def words_char_by_char(self) -> list[Word]:
        """pdfplumber's words of the page's character records, each broken where pdfium's text
        has a space between two of its neighbouring characters."""
        self.all_chars = self.chars(range(self.count))
        words = _extract_words(self.all_chars, extra_attrs=["fontname", "size"], return_chars=bool(self.breaks))
        if not self.breaks:
            return [word_from_plumber(w) for w in words]
        out: list[Word] = []
        for word in words:
            for piece in _split_at(word["chars"], self.breaks):
                out.append(word_from_plumber(word) if len(piece) == len(word["chars"]) else _merged(piece))
        return out

    def turned_words(self, width: float) -> list[list[Word]]:
        """The text of the turned objects (``turned``), each object's words a line of its own
        below the page, in content order: searchable, apart from the page's upright lines."""
        runs: list[list[Word]] = []
        for number, obj in enumerate(sorted(self._turned_chars, key=lambda o: self.order.get(o, 0))):
            top = self.height + 12.0 * (number + 1)
            x = 0.0
            for token in "".join(self._turned_chars[obj]).split():
                step = 6.0 * len(token)
                runs.append([Word(token, x, min(x + step, width), top, top + 10.0, False, 10.0)])
                x += step + 6.0
        return runs

    def chars_near(self, boxes: list[tuple[float, float, float, float]]) -> list[dict]:
        """The character records of every character that may lie in one of the boxes, with the
        white space after each word: a space pdfium generated there breaks the word in a cell as
        it does in the character by character reading (``breaks``)."""
        if self.all_chars is not None:
            return self.all_chars
        text, count = self.text, self.count
        indices: set[int] = set()
        for start, end, x0, x1, top, bottom in self.units:
            if any(x1 >= bx0 - 1 and x0 <= bx1 + 1 and bottom >= btop - 1 and top <= bbottom + 1
                   for bx0, btop, bx1, bbottom in boxes):
                indices.update(range(start, end))
                while end < count and text[end].isspace():
                    indices.add(end)
                    end += 1
        return self.chars(sorted(indices))

    def words(self) -> list[list[Word]]:
        """The page's words in line order (see ``_check_line_order``), read a word at a time;
        ``_Unsafe`` when this cannot vouch that pdfplumber would make the same words."""
        text = self.text
        if not self.aligned or _RIGHT_TO_LEFT.search(text):
            raise _Unsafe
        api, handle, point, height, fonts = self.api, self.textpage, self.point, self.height, self.fonts
        text_object, origin, is_generated = api.text_object, api.origin, api.is_generated
        px, py = self.x_out, self.y_out
        ligatures = _has_ligatures(text)
        units = self.units if self.keep_units else None
        words: list[Word] = []
        segments = _Segments(self, words)
        font_object = previous_object = None
        previous_start = previous_end = 0
        undo: tuple = ()  # how to take the last word back out of words, segments and units
        previous_last_x0 = previous_top = 0.0
        unconfirmed = -1  # the last character of the last word, when not yet known to be in its object
        matches = list(_TOKEN.finditer(text))  # the words, then an empty match at the end
        starts = [m.start() for m in matches]
        line_last = -1  # the last word of the pdfium line being read
        line_object = None  # the text object of all that line's words, if they are one object's
        peeked, peeked_x0, peeked_y, peeked_abutting = -1, 0.0, 0.0, False  # the next word's start
        for k, match in enumerate(matches):
            start, end = match.span()
            if end == start:
                obj = None
            elif k <= line_last and line_object is not None:
                obj = line_object
            else:
                obj = text_object(handle, start)
                if k > line_last:
                    # a text object's characters are consecutive: if a line's first and last words
                    # are one object's, so are all the words between
                    newline = text.find("\n", start)
                    line_last = bisect.bisect_left(starts, newline, k) - 1 if newline >= 0 else len(matches) - 2
                    line_object = obj if line_last > k and text_object(handle, starts[line_last]) == obj else None
            if unconfirmed >= 0 and obj != previous_object and text_object(handle, unconfirmed) != previous_object:
                # the word before runs on into the next text object (a word drawn in two runs,
                # as Word's PDFs draw many): it is read again, a character at a time
                self._take_back(undo, words, segments, units)
                previous_object, previous_last_x0, previous_top = self._across(
                    previous_start, previous_end, words, segments, units
                )
                font_object, unconfirmed = None, -1
            after_space = False
            if obj is not None:
                if obj != font_object:
                    font = fonts.get(obj) or self.font(obj, start)
                    font_object, advances, metrics, spans, size = obj, font.advances, font.metrics, font.spans, font.size
                    em = font.width
                    descent, bold = font.descent, font.bold
                if peeked == k:  # looked up already, and vouched for, when reading the word before
                    x0, y, after_space = peeked_x0, peeked_y, peeked_abutting
                else:
                    origin(handle, start, px, py)
                    x0, y = point[0], point[1]
                if peeked != k and obj == previous_object and start == previous_end + 1:
                    # one character between two words of one text object: if it is a real space
                    # and the three simply abut, it lies between them and needs no look-up
                    gap = advances.get(text[previous_end - 1], 0.0) + advances.get(text[previous_end], -1.0)
                    after_space = (
                        gap > 0.02 and abs(x0 - previous_last_x0 - gap) <= 0.01
                        and text[previous_end] not in "\r\n" and not is_generated(handle, previous_end)
                    )
            if start > previous_end and not after_space and text[previous_end:start] != "\r\n":
                self._spaces(previous_end, start, obj, previous_object, segments)
            if obj is None:
                break
            last = end - 1
            if last > start:
                token = match.group()
                span = spans.get(token)
                if span is None:
                    span = font.span(token)
                advance = metrics.get(text[last])
                if span is not None and advance is not None and k < line_last and line_object is not None and starts[k + 1] == end + 1:
                    # the next word is this object's too, one character on: look it up now; if
                    # the character is a real space and this word, the space and the next word
                    # simply abut, this word's last character is where its advances put it
                    origin(handle, end + 1, px, py)
                    peeked, peeked_x0, peeked_y = k + 1, point[0], point[1]
                    gap = span + advances[text[last]] + advances.get(text[end], -1.0)
                    peeked_abutting = (
                        advances.get(text[end], 0.0) > 0.01 and peeked_y == y and abs(peeked_x0 - x0 - gap) <= 0.01
                        and text[end] not in "\r\n" and not is_generated(handle, end)
                    )
                if peeked == k + 1 and peeked_abutting:
                    last_x0 = x0 + span
                    x1 = last_x0 + advance * em / 1000
                else:
                    origin(handle, last, px, py)
                    last_x0 = point[0]
                    if point[1] != y:
                        # its last character is on another baseline (a raised "th" after "13"):
                        # the word is read a character at a time
                        if after_space:  # the space before it, which the word would have carried
                            self._spaces(previous_end, start, obj, previous_object, segments)
                        previous_object, previous_last_x0, previous_top = self._across(start, end, words, segments, units)
                        previous_start, previous_end, font_object, unconfirmed = start, end, None, -1
                        continue
                    x1 = last_x0 + advance * em / 1000 if advance is not None else self.x1(last, text[last], last_x0, font)
                    if span is None or abs(last_x0 - x0 - span) > 0.01:
                        x1, last_x0 = self._check_chars(start, end, font)
                unconfirmed = last
            else:
                token = text[start]
                last_x0 = x0
                advance = metrics.get(token)
                x1 = x0 + advance * em / 1000 if advance is not None else self.x1(start, token, x0, font)
                unconfirmed = -1
            top = height - (y + descent + size)
            segment = segments[-1] if segments else None
            undo = (
                len(segments), segments.obj, segment and (segment.last_x0, segment.last_x1, segment.last_space),
                len(units) if units is not None else 0, after_space, previous_end, previous_object,
            )
            if after_space:
                # the word before is this object's, a real space between, each starting right of
                # the last (the gap is positive): all that is left to check is the baseline
                if top != previous_top:
                    raise _Unsafe
                segment = segments[-1]
                segment.last_x0, segment.last_x1, segment.last_space = last_x0, x1, False
            else:
                segments.add(obj, font, top, x0, last_x0, x1, False)
            word = token.translate(_LIGATURES) if ligatures else token
            words.append(Word(word, x0, x1, top, top + size, bold, size, font.name))
            if units is not None:
                units.append((previous_end if after_space else start, end, previous_last_x0 if after_space else x0, x1, top, top + size))
            previous_start, previous_end, previous_object, previous_last_x0, previous_top = start, end, obj, last_x0, top
        return _check_line_order(segments, words)

    def _spaces(self, begin: int, end: int, obj, previous_object, segments: _Segments) -> None:
        """The real spaces among the characters begin..end-1 (between the word before, of
        ``previous_object``, and the next, of ``obj``), added to their segments."""
        api, textpage, text, point = self.api, self.textpage, self.text, self.point
        for j in range(begin, end):
            char = text[j]
            if char == "\r" or char == "\n":
                continue
            if api.is_generated(textpage, j):
                # a space pdfium puts between words drawn apart with no space character: it ends
                # the word before as a real one would (pdfplumber, which has no such space, would
                # join words closer than 3 pt: "childlived")
                if previous_object is None or j != begin or not self.gap_space(j):
                    continue
                space_object = previous_object
                font = self.fonts.get(space_object) or self.font(space_object, j - 1)
            else:
                # a text object's characters are consecutive: a space between two characters of
                # one object is that object's
                space_object = obj if obj is not None and obj == previous_object else api.text_object(textpage, j)
                font = self.font(space_object, j)
            api.origin(textpage, j, self.x_out, self.y_out)
            x0 = point[0]
            top = self.height - (point[1] + font.descent + font.size)
            segments.add(space_object, font, top, x0, x0, x0, True)
            if self.keep_units:
                self.units.append((j, j + 1, x0, x0 + font.size, top, top + font.size))

    def _check_chars(self, start: int, end: int, font: _Font) -> tuple[float, float]:
        """A word whose characters do not simply abut: pdfplumber keeps it whole if each character
        starts right of the last one's start and within 3 pt of its end. Returns the word's right
        edge and its last character's left; learns the characters' advances."""
        api, textpage, text, point = self.api, self.textpage, self.text, self.point
        first_object = api.text_object(textpage, start)
        right = last_x0 = last_x1 = 0.0
        last_y = None
        for i in range(start, end):
            # the checks of ``_one_word`` without the character records, for a word of one text
            # object (as nearly every word is): one font, so one baseline is one top
            if api.is_generated(textpage, i) or api.text_object(textpage, i) != first_object:
                chars = self._one_word(start, end, font)
                return max(c["x1"] for c in chars), chars[-1]["x0"]
            char = text[i]
            if char == "\ufffe":
                char = "-"
            api.origin(textpage, i, self.x_out, self.y_out)
            x0, y = point[0], point[1]
            x1 = self.x1(i, char, x0, font)
            if last_y is not None and (y != last_y or not last_x0 < x0 <= last_x1 + 3):
                raise _Unsafe
            if font.learns:
                font.advances.setdefault(char, x1 - x0)
            last_x0, last_x1, last_y = x0, x1, y
            right = max(right, x1) if i > start else x1
        own = self.font(first_object, start)
        if own.name != font.name or own.size != font.size:
            raise _Unsafe
        self.rank(first_object)
        return right, last_x0

    def _one_word(self, start: int, end: int, font: _Font) -> list[dict]:
        """The character records of characters start..end-1 when pdfplumber makes one word of
        them (see ``_check_chars``), else ``_Unsafe``."""
        chars = self.chars(range(start, end))
        if len(chars) != end - start or any(c["fontname"] != font.name or c["size"] != font.size for c in chars):
            raise _Unsafe
        for before, after in zip(chars, chars[1:]):
            if after["top"] != before["top"] or not before["x0"] < after["x0"] <= before["x1"] + 3:
                raise _Unsafe
        for char in chars if font.learns else ():
            font.advances.setdefault(char["text"], char["x1"] - char["x0"])
        return chars

    def _across(self, start: int, end: int, words: list[Word], segments: _Segments, units) -> tuple[int, float, float]:
        """Add the word of characters start..end-1, which are not all one text object's, as
        pdfplumber makes it: it takes runs of characters of one font and size in content-stream
        order, so a word drawn in two text objects that follow each other in one font and size is
        one word, and where the font or size changes ("13" and a smaller, raised "th") the word is
        two. Each is checked as ``_check_chars`` checks a word; the text objects after the first
        join its segment (``_Segments.add``). Returns the last character's text object, left
        edge and top; ``_Unsafe`` for what this cannot vouch for (the next object not the next
        one drawn, so that other text may come between in pdfplumber's order)."""
        api, textpage = self.api, self.textpage
        pieces: list[list] = []  # [start, end, font, the text objects]
        for i in range(start, end):
            obj = api.text_object(textpage, i)
            if pieces and obj == pieces[-1][3][-1]:
                pieces[-1][1] = i + 1
                continue
            font = self.font(obj, i)
            if pieces and self.rank(obj) != self.rank(pieces[-1][3][-1]) + 1:
                raise _Unsafe
            if pieces and font.key == pieces[-1][2].key:
                pieces[-1][1] = i + 1
                pieces[-1][3].append(obj)
            else:
                pieces.append([i, i + 1, font, [obj]])
        ligatures = _has_ligatures(self.text)
        for first, last, font, objects in pieces:
            chars = self._one_word(first, last, font)
            x0, last_x0, x1 = chars[0]["x0"], chars[-1]["x0"], max(c["x1"] for c in chars)
            top = chars[0]["top"]
            segments.add(objects[0], font, top, x0, last_x0, x1, False)
            segments.obj = objects[-1]
            token = self.text[first:last]
            word = token.translate(_LIGATURES) if ligatures else token
            words.append(Word(word, x0, x1, top, top + font.size, font.bold, font.size, font.name))
            if units is not None:
                units.append((first, last, x0, x1, top, top + font.size))
        return pieces[-1][3][-1], last_x0, top

    def _take_back(self, undo: tuple, words: list[Word], segments: _Segments, units) -> None:
        """Take the last word back out of the words, its segment and the units (``words()``
        records ``undo`` before adding each word). A space it carried (one between it and the
        word before, in the same segment) is put back as a space of its own."""
        count, obj, last, unit_count, after_space, previous_end, previous_object = undo
        words.pop()
        del segments[count:]
        if last is not None and segments:
            segments[-1].last_x0, segments[-1].last_x1, segments[-1].last_space = last
        segments.obj = obj
        if units is not None:
            del units[unit_count:]
        if after_space:
            self._spaces(previous_end, previous_end + 1, previous_object, previous_object, segments)


def _check_line_order(segments: list[_Segment], words: list[Word]) -> list[list[Word]]:
    """Within a text object's run of characters pdfplumber's order is pdfium's (each starts right
    of the last), as ``words()`` checks. Across them: pdfplumber takes runs of characters in one
    font and size in content-stream order, clusters each run into lines and sorts each line left
    to right; where segments share such a line they must not overlap, and words meeting at a
    segment's edge must stay apart. And no two words may share a place in the order lines are
    made in (their order would be pdfplumber's, not known here).

    Returns the words in that order, by top (to 0.1 pt) then left to right, as runs that share
    top, bottom and size (a segment's words)."""
    for _, run in itertools.groupby(sorted(segments, key=_content_order), key=_font_key):
        run = sorted(run, key=_top)
        if len(run) < 2:
            continue
        # pdfplumber's line clusters: tops in order, a new line where one is more than 3 below the last
        lines = [[run[0]]]
        for before, segment in zip(run, run[1:]):
            if segment.top <= before.top + 3:
                lines[-1].append(segment)
            else:
                lines.append([segment])
        for line in lines:
            if len(line) < 2:
                continue
            line.sort(key=_first_x0)
            for a, b in zip(line, line[1:]):
                if b.first_x0 <= a.last_x0:
                    raise _Unsafe
                if not a.last_space and not b.first_space and b.first_x0 <= a.last_x1 + 3 and abs(b.top - a.top) <= 3:
                    raise _Unsafe
    ends = [s.first_word for s in segments[1:]] + [len(words)]  # in pdfium's order, as read
    keyed = sorted(((round(s.top, 1), s.first_x0, n, s) for n, s in enumerate(segments)), key=_first_three)
    overlapping = any(a[0] == b[0] and b[1] <= a[3].last_x0 for a, b in zip(keyed, keyed[1:]))
    if not overlapping:  # each segment's words in order, the segments in order
        runs = (words[s.first_word : ends[n]] for _, _, n, s in keyed)
        return [run for run in runs if run]
    if len({(round(w.top, 1), w.x0) for w in words}) != len(words):
        raise _Unsafe
    return in_line_order(words)


@dataclass
class _DrawnPage:
    """What pdfplumber's table finder reads from a page."""

    edges: list[dict]
    bbox: tuple[float, float, float, float]


def _cell_texts(table, chars: list[dict], breaks: set[tuple[int, int]] = frozenset()) -> list[list[str | None]]:
    """pdfplumber's ``Table.extract()`` of these characters, each character's middle worked out
    once: a row's characters are those whose middle lies in the row's box, a cell's those of
    its row in the cell's box; None for a cell a merged cell covers."""
    middles = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2, c) for c in chars]
    rows: list[list[str | None]] = []
    for row in table.rows:
        x0, top, x1, bottom = row.bbox
        row_chars = [m for m in middles if x0 <= m[0] < x1 and top <= m[1] < bottom]
        cells: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            x0, top, x1, bottom = cell
            cell_chars = [c for h, v, c in row_chars if x0 <= h < x1 and top <= v < bottom]
            cells.append(_cell_text(cell_chars, breaks) if cell_chars else "")
        rows.append(cells)
    return rows


def _cell_text(chars: list[dict], breaks: set[tuple[int, int]] = frozenset()) -> str:
    """pdfplumber's ``extract_text`` of a cell's characters. For the usual cell, one line of
    characters on one baseline, the same done directly: characters left to right, a word ending
    at white space or where the next character starts left of the last one's start or more than
    3 pt right of its end, or where pdfium's text has a space between two neighbours (``breaks``);
    the words joined by spaces."""
    top = chars[0]["top"]
    if any(c["top"] != top for c in chars):
        return extract_text(_with_break_spaces(chars, breaks) if breaks else chars)
    words: list[str] = []
    word: list[str] = []
    last = None
    for char in sorted(chars, key=lambda c: c["x0"]):
        text = char["text"]
        if text.isspace():
            last = None
        elif (
            last is None or char["x0"] < last["x0"] or char["x0"] > last["x1"] + 3
            or (last["index"], char["index"]) in breaks
        ):
            word = [LIGATURES.get(text, text)]
            words.append(word)
            last = char
        else:
            word.append(LIGATURES.get(text, text))
            last = char
    return " ".join("".join(w) for w in words)


def _page_objects(page) -> tuple[list[list[tuple]], dict[int, int], dict[int, tuple[float, ...]]] | None:
    """The page's drawn paths as pdfminer gives them to its converter, ("m"|"l"|"c", x, y) in
    page space and ("h",), and each text object's place in the content stream, those of form
    XObjects among them where the form draws them (as pdfminer reads a form: its objects in
    place, its matrix applied; the matrix of each text object a form draws with a matrix of its
    own, for its size). None when a path has a segment this cannot read."""
    api = pdfium_api()
    matrix = (ctypes.c_float * 6)()
    xy = (ctypes.c_float * 2)()
    px = ctypes.addressof(xy)
    paths: list[list[tuple]] = []
    order: dict[int, int] = {}
    scaled: dict[int, tuple[float, ...]] = {}  # text objects in a form drawn with a matrix: that matrix
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

    def visit(objects, outer: tuple[float, ...]) -> bool:
        for obj in objects:
            kind = api.object_type(obj)
            if kind == api.TEXT:
                if outer != identity:
                    scaled[obj] = outer  # its size is its own matrix's by the form's
                order[obj] = len(order)
                continue
            if kind == api.FORM:
                api.matrix(obj, ctypes.addressof(matrix))
                inner = _times(tuple(matrix), outer)
                children = (api.form_object(obj, k) for k in range(api.form_count(obj)))
                if not visit(children, inner):
                    return False
                continue
            if kind != api.PATH:
                continue
            api.matrix(obj, ctypes.addressof(matrix))
            a, b, c, d, e, f = _times(tuple(matrix), outer) if outer != identity else tuple(matrix)
            path: list[tuple] = []
            curve_points = 0
            for k in range(api.count_segments(obj)):
                segment = api.segment(obj, k)
                api.segment_point(segment, px, px + 4)
                x, y = xy
                kind = api.segment_type(segment)
                if kind == api.BEZIERTO:
                    curve_points += 1  # pdfium gives a Bezier curve as three points, the last its end
                    if curve_points % 3 == 0:
                        path.append(("c", a * x + c * y + e, b * x + d * y + f))
                elif kind in (api.MOVETO, api.LINETO):
                    curve_points = 0
                    path.append(("m" if kind == api.MOVETO else "l", a * x + c * y + e, b * x + d * y + f))
                else:
                    return False
                if api.segment_close(segment):
                    path.append(("h",))
            paths.append(path)
        return True

    handle = address(page.raw)
    if not visit((api.page_object(handle, i) for i in range(api.count_objects(handle))), identity):
        return None
    return paths, order, scaled


def _times(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix ``m`` then ``n`` (PDF's row-vector order: a point goes through m first)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _edges(paths: list[list[tuple]], height: float) -> list[dict]:
    """pdfplumber's ``page.edges``: the edges of lines, then of rectangles, then of curves."""
    lines: list[dict] = []
    rects: list[dict] = []
    curves: list[dict] = []
    for path in paths:
        _paint_path(path, height, lines, rects, curves)
    return [
        *(line_to_edge(line) for line in lines),
        *(edge for rect in rects for edge in rect_to_edges(rect)),
        *(edge for curve in curves for edge in curve_to_edges(curve)),
    ]


def _paint_path(path: list[tuple], height: float, lines: list, rects: list, curves: list) -> None:
    """pdfminer's ``paint_path``: a path as lines, rectangles and curves, as pdfplumber's objects."""
    shape = "".join(segment[0] for segment in path)
    if shape[:1] != "m":
        return
    if shape.count("m") > 1:
        for match in re.finditer(r"m[^m]+", shape):
            _paint_path(path[match.start() : match.end()], height, lines, rects, curves)
        return
    points = [segment[1:] if segment[0] != "h" else path[0][1:] for segment in path]
    if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
        shape = shape[:-2] + "h"
        points.pop()
    if shape in ("mlh", "ml"):
        lines.append(_plumber_object("line", points[:2], height))
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if points[0] == points[4] and square:
            (left, bottom), (right, top) = points[0], points[2]
            rects.append(_plumber_object("rect", [(left, bottom), (right, bottom), (right, top), (left, top)], height))
        else:
            curves.append(_plumber_object("curve", points, height))
    else:
        curves.append(_plumber_object("curve", points, height))


def _plumber_object(kind: str, points: list[tuple[float, float]], height: float) -> dict:
    """The bounds pdfplumber records for a drawn object (points in PDF space, y up)."""
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    y0, y1 = min(p[1] for p in points), max(p[1] for p in points)
    return {
        "object_type": kind, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "width": x1 - x0, "height": y1 - y0,
        "top": height - y1, "bottom": height - y0, "doctop": height - y1,
        "pts": [(x, height - y) for x, y in points],
    }


def _with_break_spaces(chars: list[dict], breaks: set[tuple[int, int]]) -> list[dict]:
    """The characters with a space character after each that pdfium's text breaks a word after
    (a space or a line break it generated), where the character after the break starts right of
    it: pdfplumber's ``extract_text`` then breaks the word there."""
    by_index = {c["index"]: c for c in chars}
    partners = dict(breaks)
    out: list[dict] = []
    for char in chars:
        out.append(char)
        after = by_index.get(partners.get(char["index"], -1))
        if after is not None and char["x1"] <= after["x0"]:
            out.append({**char, "text": " ", "x0": char["x1"], "index": char["index"] + 1})
    return out


def _split_at(chars: list[dict], breaks: set[tuple[int, int]]) -> list[list[dict]]:
    """A word's characters cut where two neighbours have a space pdfium generated between them."""
    pieces = [[chars[0]]]
    for before, after in zip(chars, chars[1:]):
        if (before["index"], after["index"]) in breaks:
            pieces.append([after])
        else:
            pieces[-1].append(after)
    return pieces


def _merged(chars: list[dict]) -> Word:
    """The word pdfplumber's ``merge_chars`` makes of these (upright) characters."""
    first = chars[0]
    return Word(
        "".join(LIGATURES.get(c["text"], c["text"]) for c in chars),
        min(c["x0"] for c in chars),
        max(c["x1"] for c in chars),
        min(c["top"] for c in chars),
        max(c["bottom"] for c in chars),
        is_bold(first["fontname"]),
        float(first["size"]),
        first["fontname"],
    )


def _extract_words(chars: list[dict], **kwargs) -> list[dict]:
    from pdfplumber.utils import extract_words

    return extract_words(chars, **kwargs)
