"""Reading PDF pages with pdfplumber (pdfminer): the careful, pure-Python reading. It reads the
pages pdfium cannot vouch for (cropped pages, form XObjects, text that is not upright, text
pdfium has no Unicode for), whole files pdfium cannot open, and every page when
``REPORT_INDEX_PDF_READER=pdfplumber``; it also names what is wrong with a damaged or encrypted
file. A page it fails on is read as pdfium's own text."""

from __future__ import annotations

import re

from pathlib import Path

import pdfplumber

from ..errors import ExtractionError
from ..models import Block
from . import cmap_limit
from .layout import Line, PdfPages, in_line_order, layout_page, word_from_plumber

cmap_limit.install()  # a damaged font's CMap cannot hang pdfminer


def read_with_pdfplumber(path: Path) -> PdfPages:
    """Each page's lines and tables and the page sizes, every page read by pdfplumber; a page it
    fails on is read as pdfium's own text (``pdfium text``), and so is a file it cannot parse
    or finds no pages in when pdfium opens it."""
    from .pdfium_text import PdfiumText

    read = PdfPages()
    stand_in = PdfiumText(path)
    try:
        with pdfplumber.open(path) as pdf:
            pages = pdf.pages
            if not pages:
                whole = stand_in.read_all()
                if whole is None:
                    raise ExtractionError("damaged PDF: no pages could be read")
                return whole
            for number, page in enumerate(pages, start=1):
                size = (float(page.height), float(page.width))
                try:
                    read.add(read_plumber_page(page, number), size, "pdfplumber")
                except Exception:
                    items = stand_in.page(number)
                    if items is None:
                        raise
                    read.add(items, size, "pdfium text")
                page.close()  # release the page's layout objects: memory stays flat over long reports
    except ExtractionError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        whole = stand_in.read_all()
        if whole is None:
            raise ExtractionError(describe_pdf_error(exc)) from None
        return whole
    finally:
        stand_in.close()
    return read


def describe_pdf_error(exc: BaseException) -> str:
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


#: what pdfminer writes for a character its font gives no Unicode for
CID = re.compile(r"\(cid:\d+\)")


def read_plumber_page(page, number: int) -> list[Block | Line]:
    """One page read by pdfplumber: its ruled tables and its words. A character pdfminer has no
    Unicode for ("(cid:12)") is left out: it is no text anyone could search for or read."""
    ruled = [(t.bbox, _without_cids(t.extract())) for t in page.find_tables() if t.bbox[3] - t.bbox[1] > 5]
    words = []
    for found in page.extract_words(extra_attrs=["fontname", "size"]):
        word = word_from_plumber(found)
        if "(cid:" in word.text:
            word.text = CID.sub("", word.text)
            if not word.text:
                continue
        words.append(word)
    return layout_page(in_line_order(words), ruled, number)


def _without_cids(rows: list[list[str | None]]) -> list[list[str | None]]:
    return [[CID.sub("", cell) if cell and "(cid:" in cell else cell for cell in row] for row in rows]
