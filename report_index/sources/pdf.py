"""Reading report PDFs: lines with their layout, ruled and unruled tables.

Pages are read with pdfium (``pdfium_reader``), which gives what pdfplumber would but for
pdfium's word breaks, about twenty times faster; a page pdfium cannot vouch for, or that it
fails on, is read by pdfplumber (``pdfplumber_reader``), that page alone, and a page both fail
on as pdfium's own text. ``REPORT_INDEX_PDF_READER=pdfplumber`` reads every page with
pdfplumber. Then ``layout`` makes the document: lines, tables, running headers and footers
dropped. A PDF with no text fails with the reason its pages give (``no_text_error``): images
(a scan, for ``--ocr``), drawings alone, nothing at all.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
from dataclasses import replace
from pathlib import Path

from ..errors import ExtractionError
from ..models import Block, DocumentFacts, RawDocument, Table
from .layout import PdfPages, assemble_document
from .sniff import sniff_problem

# pdfminer logs a warning for every oddity of a damaged file ("Data-loss while decompressing
# corrupted data"), without the file's name. With no logging set up, Python would print each
# on stderr amid the ingest's own messages; a damaged file is reported by name instead. An
# application that sets up logging still gets them.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

#: ``pdfium`` (the default: pdfium, pdfplumber for the pages it cannot vouch for) or ``pdfplumber``
READER_VARIABLE = "REPORT_INDEX_PDF_READER"
READERS = ("pdfium", "pdfplumber")


class NoTextLayerError(ExtractionError):
    """The PDF opened but has no text to read, and its pages carry images: a scan, or pages that
    are pictures of text (``--ocr`` reads them)."""


SCAN = "no text layer: the PDF is probably a scan (ingest with --ocr to read it with OCR)"
BLANK = "no text: the pages are blank"
ANNOTATIONS_ONLY = "no text: the pages are blank but for annotations or form fields, which are not read"
DRAWINGS_ONLY = "no text: the pages hold only drawings (lines and shapes, no text or images)"
FURNITURE_ONLY = "no text but page numbers and running headers or footers"
DAMAGED = "damaged PDF: none of its pages could be read"
UNMAPPED = "no readable text: its fonts give no Unicode for the characters they draw"


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
    read_text = any(isinstance(item, Table) or item.text.strip() for page in read.pages for item in page)
    blocks = assemble_document(read.pages, read.sizes)
    if not any(isinstance(b, Table) or b.text.strip() for b in blocks):
        raise ExtractionError(FURNITURE_ONLY) if read_text else no_text_error(path)
    blocks = [_without_surrogates(b) for b in blocks]
    return RawDocument(
        source=str(path), kind="pdf", page_count=len(read.sizes), blocks=blocks, page_readers=list(read.readers),
        facts=document_facts(path),
    )


#: What a program writes as a PDF's title when the author gave none, or names the file with.
_PRODUCER_PREFIX = re.compile(r"^(?:microsoft\s+(?:word|excel|powerpoint)|powerpoint\s+presentation)\s*-\s*", re.IGNORECASE)
_FILE_SUFFIX = re.compile(r"\.(?:docx?|xlsx?|pptx?|rtf|odt|ods|pdf|txt|html?)$", re.IGNORECASE)
_PLACEHOLDER_TITLES = {"untitled", "document", "title", "presentation", "powerpoint presentation", "slide 1", "no title"}
_PERSON = re.compile(r"^[A-Z][\w'\u2019.-]+(?:\s+[A-Z][\w'\u2019.-]+){1,4}$")
#: The creation date tools that make reproducible files write instead of the real one.
_PLACEHOLDER_DATE = "20000101000000"


def document_facts(path: Path) -> DocumentFacts:
    """What the PDF's document information says of itself, to fill what the text leaves: its
    title (without "Microsoft Word - " and the file's extension, none when it is a file name,
    a placeholder such as "Untitled" or a hash), its author when that is a person's name (not a
    login such as "SCTC2"), and the day it was created (``document properties (created)``:
    weaker evidence than the file name, as a Word document's)."""
    try:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(str(path))
    except Exception:
        return DocumentFacts()
    try:
        info = document.get_metadata_dict(skip_empty=True)
    except Exception:
        info = {}
    finally:
        document.close()
    title = _FILE_SUFFIX.sub("", _PRODUCER_PREFIX.sub("", " ".join(str(info.get("Title", "")).split()))).strip()
    if title.casefold() in _PLACEHOLDER_TITLES or re.fullmatch(r"document\s*\d*", title, re.IGNORECASE):
        title = ""
    if title and " " not in title and (len(title) > 20 or any(ch.isdigit() for ch in title) or "_" in title):
        title = ""  # a file name or a hash, not a title
    author = " ".join(str(info.get("Author", "")).split())
    date = _info_date(str(info.get("CreationDate", "")))
    return DocumentFacts(
        title=title,
        author=author if _PERSON.match(author) else "",
        date=date,
        date_source="document properties (created)" if date else "",
    )


def _info_date(value: str) -> str | None:
    """The ISO day of a PDF date ("D:20180505115754+01'00'"), None when there is none or it is a
    placeholder (before 1993, when PDF began, or reproducible tools' 2000-01-01 00:00:00)."""
    match = re.match(r"^(?:D:)?((\d{4})(\d{2})(\d{2})(\d{6})?)", value.strip())
    if not match or match.group(1).startswith(_PLACEHOLDER_DATE) and (match.group(5) or "000000") == "000000":
        return None
    year, month, day = int(match.group(2)), int(match.group(3)), int(match.group(4))
    try:
        when = datetime.date(year, month, day)
    except ValueError:
        return None
    return when.isoformat() if 1993 <= year and when <= datetime.date.today() else None


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


def no_text_error(path: Path) -> ExtractionError:
    """Why a PDF that opened gave no text, by what its pages draw: images (a scan, which
    ``NoTextLayerError`` lets ``--ocr`` read), text objects with no Unicode, drawings alone, or
    nothing at all (or white space)."""
    from .pdfium_reader import page_contents

    contents = page_contents(path) or _plumber_contents(path)
    if contents is not None and contents.pages and contents.unreadable == contents.pages:
        return ExtractionError(DAMAGED)
    if contents is None or contents.images:
        return NoTextLayerError(SCAN)
    if contents.unmapped:
        return ExtractionError(UNMAPPED)
    if contents.drawings:
        return ExtractionError(DRAWINGS_ONLY)
    return ExtractionError(ANNOTATIONS_ONLY if contents.annotations else BLANK)


def _plumber_contents(path: Path):
    """``page_contents`` as pdfplumber counts them, for a file pdfium cannot open."""
    import pdfplumber

    from .pdfium_reader import Contents

    contents = Contents()
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                contents.texts += len(page.chars)
                contents.unmapped += sum(1 for char in page.chars if char["text"].startswith("(cid:"))
                contents.images += len(page.images)
                contents.drawings += len(page.rects) + len(page.lines) + len(page.curves)
                contents.annotations += len(page.annots)
                contents.pages += 1
                page.close()
    except Exception:
        return None
    return contents
