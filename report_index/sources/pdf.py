"""Reading report PDFs: lines with their layout, ruled and unruled tables.

Pages are read with pdfium (``pdfium_reader``), which gives what pdfplumber would but for
pdfium's word breaks, about twenty times faster; a page pdfium cannot vouch for, or that it
fails on, is read by pdfplumber (``pdfplumber_reader``), that page alone, and a page both fail
on as pdfium's own text. ``REPORT_INDEX_PDF_READER=pdfplumber`` reads every page with
pdfplumber. Then ``layout`` makes the document: lines, tables, running headers and footers
dropped.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from ..errors import ExtractionError
from ..models import Block, RawDocument, Table
from .layout import PdfPages, assemble_document
from .sniff import sniff_problem

#: ``pdfium`` (the default: pdfium, pdfplumber for the pages it cannot vouch for) or ``pdfplumber``
READER_VARIABLE = "REPORT_INDEX_PDF_READER"
READERS = ("pdfium", "pdfplumber")


class NoTextLayerError(ExtractionError):
    """The PDF opened but has no text to read: a scan, or pages that are pictures of text."""



def chosen_reader() -> str:
    """The reader ``REPORT_INDEX_PDF_READER`` asks for (``pdfium`` when unset)."""
    wanted = os.environ.get(READER_VARIABLE, "").strip().lower() or "pdfium"
    if wanted not in READERS:
        raise ExtractionError(
            f"{READER_VARIABLE}={wanted!r} is not a PDF reader: use one of {', '.join(READERS)} (or leave it unset)"
        )
    return wanted


def read_pdf(path: Path, reader: str | None = None) -> RawDocument:
    """The PDF's lines and tables, read by ``reader`` (``pdfium`` or ``pdfplumber``; default:
    ``REPORT_INDEX_PDF_READER``, else pdfium with pdfplumber for the pages it leaves)."""
    with path.open("rb") as handle:
        head = handle.read(2048)
    problem = sniff_problem(head, "pdf")
    if problem:
        raise ExtractionError(problem)
    pages = None
    if (reader or chosen_reader()) == "pdfium":
        from .pdfium_reader import read_with_pdfium

        pages = read_with_pdfium(path)
    if pages is None:
        from .pdfplumber_reader import read_with_pdfplumber

        pages = read_with_pdfplumber(path)
    return finish(path, pages)


def finish(path: Path, read: PdfPages) -> RawDocument:
    """The document made of its pages' lines and tables."""
    blocks = assemble_document(read.pages, read.sizes)
    if not any(isinstance(b, Table) or b.text.strip() for b in blocks):
        raise NoTextLayerError(
            "no text layer: the PDF is probably a scan (ingest with --ocr to read it with OCR)"
        )
    blocks = [_without_surrogates(b) for b in blocks]
    return RawDocument(source=str(path), kind="pdf", page_count=len(read.sizes), blocks=blocks, page_readers=list(read.readers))


_SURROGATES = re.compile("[\ud800-\udfff]")


def _without_surrogates(block: Block) -> Block:
    """The block without lone UTF-16 surrogates, which no later stage could encode (the readers
    pair those they meet; this is for any a font's broken map still lets through)."""
    if isinstance(block, Table):
        if not any(_SURROGATES.search(cell) for row in [block.header, *block.rows] for cell in row if cell):
            return block
        clean = lambda row: [_SURROGATES.sub("", cell) if cell else cell for cell in row]  # noqa: E731
        return replace(block, header=clean(block.header), rows=[clean(row) for row in block.rows])
    if not _SURROGATES.search(block.text):
        return block
    return replace(block, text=_SURROGATES.sub("", block.text))

