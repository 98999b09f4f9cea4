"""pdfium's own text of a page (what ``get_text_range`` gives), a line of it a line: the
reading that keeps every word when neither the word by word reading nor pdfplumber can vouch
for a page, and the stand-in for pages pdfplumber fails on."""

from __future__ import annotations

import ctypes
import functools
from pathlib import Path
from types import SimpleNamespace

from ..models import Block
from .layout import Line, PdfPages, Word, layout_page


class PdfiumText:
    """pdfium's own text of a file's pages (``plain_text_page``), for the pages pdfplumber fails
    on when it reads the file; the file is opened when first needed, and None is given when
    pdfium cannot open it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.document = None
        self.failed = False

    def _open(self):
        if self.document is None and not self.failed:
            try:
                import pypdfium2 as pdfium

                self.document = pdfium.PdfDocument(str(self.path))
            except Exception:
                self.failed = True
        return self.document

    def page(self, number: int) -> list[Block | Line] | None:
        document = self._open()
        if document is None or number > len(document):
            return None
        try:
            page = document[number - 1]
        except Exception:
            return None
        try:
            return plain_text_page(page, number, unrotated_size(page)[1])
        except Exception:
            return None
        finally:
            page.close()

    def read_all(self) -> PdfPages | None:
        """Every page as pdfium's text; None when pdfium cannot open the file or finds no pages."""
        document = self._open()
        if document is None or len(document) == 0:
            return None
        read = PdfPages()
        for number in range(1, len(document) + 1):
            try:
                page = document[number - 1]
            except Exception:
                read.add([], (792.0, 612.0), "unreadable")
                continue
            try:
                width, height = unrotated_size(page)
                read.add(plain_text_page(page, number, height), (height, width), "pdfium text")
            finally:
                page.close()
        return read if set(read.readers) != {"unreadable"} else None

    def close(self) -> None:
        if self.document is not None:
            self.document.close()


def unrotated_size(page) -> tuple[float, float]:
    """The page's width and height in its own coordinates, before ``/Rotate`` turns it."""
    left, bottom, right, top = page.get_mediabox()
    return float(right - left), float(top - bottom)


def plain_text_page(page, number: int, height: float) -> list[Block | Line]:
    """A page as pdfium's own text (what ``get_text_range`` gives), a line of it a line, for a
    page neither reading can vouch for: every word is kept, in pdfium's order. Each word is
    where pdfium's boxes put its first and last characters, on its line's first word's top (a
    line of text that is not upright stays one line, its words in pdfium's order)."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        lines: list[list[tuple[str, int, int]]] = [[]]  # each line's words: text, first and last index
        word: list[str] = []
        first = last = 0
        for char, index in _unicode_chars(textpage):
            if not (char.isprintable() or char.isspace()) or char == "\ufffd":
                continue  # control characters, and characters pdfium could not map
            if char.isspace():
                if word:
                    lines[-1].append(("".join(word), first, last))
                    word = []
                if char in "\r\n" and lines[-1]:
                    lines.append([])
                continue
            if not word:
                first = index
            word.append(char)
            last = index
        if word:
            lines[-1].append(("".join(word), first, last))
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))

        def box(index: int) -> tuple[float, float, float, float]:
            raw.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
            return left.value, right.value, height - top.value, height - bottom.value

        runs: list[list[Word]] = []
        for line in lines:
            if not line:
                continue
            words: list[Word] = []
            line_top = line_bottom = size = 0.0
            for text, first, last in line:
                x0, _, word_top, word_bottom = box(first)
                _, x1, _, _ = box(last)
                if not words:
                    size = raw.FPDFText_GetFontSize(textpage, first) or 10.0
                    line_top, line_bottom = word_top, max(word_bottom, word_top + 1)
                if x1 <= x0:
                    x1 = x0 + 0.5 * size * len(text)
                if words and x0 <= words[-1].x1:  # not left to right: keep pdfium's order
                    x0, x1 = words[-1].x1 + 0.25 * size, words[-1].x1 + 0.25 * size + (x1 - x0)
                words.append(Word(text, x0, x1, line_top, line_bottom, False, size))
            runs.append(words)
        runs.sort(key=lambda run: round(run[0].top, 1))  # stable: pdfium's order within a top
        return layout_page(runs, [], number)
    finally:
        textpage.close()


def _unicode_chars(textpage):
    """The text page's characters and their indices, a UTF-16 surrogate pair as the one
    character it encodes; no lone surrogates, no characters pdfium has no Unicode for."""
    api = pdfium_api()
    handle = address(textpage.raw)
    count = textpage.count_chars()
    index = 0
    while index < count:
        code = api.unicode(handle, index)
        if 0xD800 <= code < 0xDC00 and index + 1 < count:
            low = api.unicode(handle, index + 1)
            if 0xDC00 <= low < 0xE000:
                yield chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), index
                index += 2
                continue
        if code and not 0xD800 <= code < 0xE000 and code not in (0xFFFE, 0xFFFF):
            yield chr(code), index
        index += 1


@functools.cache
def pdfium_api() -> SimpleNamespace:
    """The pdfium functions read per character or path point, bound to take and return plain
    integers (several times faster than through pypdfium2's typed bindings)."""
    import pypdfium2.raw as raw

    pointer, integer, double = ctypes.c_void_p, ctypes.c_int, ctypes.c_double

    def bind(name: str, restype, *argtypes):
        address = ctypes.cast(getattr(raw, name), pointer).value
        return ctypes.CFUNCTYPE(restype, *argtypes)(address)

    def per_character(name: str, restype):
        """Called once or twice per word: untyped, so arguments pass as given, ctypes pointers
        (``c_void_p``) and ints, without conversion (a third faster again)."""
        function = bind(name, restype)
        function.argtypes = None
        return function

    return SimpleNamespace(
        text_object=per_character("FPDFText_GetTextObject", pointer),  # (textpage, index)
        origin=per_character("FPDFText_GetCharOrigin", integer),  # (textpage, index, double*, double*)
        is_generated=per_character("FPDFText_IsGenerated", integer),  # (textpage, index)
        loose_box=bind("FPDFText_GetLooseCharBox", integer, pointer, integer, pointer),
        font_size=bind("FPDFText_GetFontSize", double, pointer, integer),
        object_text=bind("FPDFTextObj_GetText", ctypes.c_ulong, pointer, pointer, pointer, ctypes.c_ulong),
        unicode=bind("FPDFText_GetUnicode", ctypes.c_uint, pointer, integer),
        font=bind("FPDFTextObj_GetFont", pointer, pointer),
        font_name=bind("FPDFFont_GetBaseFontName", ctypes.c_size_t, pointer, pointer, ctypes.c_size_t),
        embedded=bind("FPDFFont_GetIsEmbedded", integer, pointer),
        descent=bind("FPDFFont_GetDescent", integer, pointer, ctypes.c_float, pointer),
        matrix=bind("FPDFPageObj_GetMatrix", integer, pointer, pointer),
        count_objects=bind("FPDFPage_CountObjects", integer, pointer),
        page_object=bind("FPDFPage_GetObject", pointer, pointer, integer),
        form_count=bind("FPDFFormObj_CountObjects", integer, pointer),
        form_object=bind("FPDFFormObj_GetObject", pointer, pointer, ctypes.c_ulong),
        object_type=bind("FPDFPageObj_GetType", integer, pointer),
        count_segments=bind("FPDFPath_CountSegments", integer, pointer),
        segment=bind("FPDFPath_GetPathSegment", pointer, pointer, integer),
        segment_point=bind("FPDFPathSegment_GetPoint", integer, pointer, pointer, pointer),
        segment_type=bind("FPDFPathSegment_GetType", integer, pointer),
        segment_close=bind("FPDFPathSegment_GetClose", integer, pointer),
        PATH=raw.FPDF_PAGEOBJ_PATH,
        TEXT=raw.FPDF_PAGEOBJ_TEXT,
        FORM=raw.FPDF_PAGEOBJ_FORM,
        MOVETO=raw.FPDF_SEGMENT_MOVETO,
        LINETO=raw.FPDF_SEGMENT_LINETO,
        BEZIERTO=raw.FPDF_SEGMENT_BEZIERTO,
    )


def address(handle) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value
