"""Sources: finding report files and reading each into a ``RawDocument`` (lines with layout
hints, and tables), whatever its format.

``read_document`` picks the reader by the file's kind: ``pdf`` (pdfium, with pdfplumber where
pdfium cannot vouch for a page; ``pdfium_reader`` and ``pdfplumber_reader``), ``ocr`` for scans,
``text`` for ``.txt`` and ``.md``, ``docx_reader`` for Word documents,
``html_reader`` for saved web pages. ``discover`` walks folders for report files; ``metadata``
reads the ``metadata.csv`` corrections beside them. Every way a file can fail to be a readable
report raises ``ExtractionError`` with a reason a user can act on.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ExtractionError
from ..models import RawDocument


PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
DOCX_SUFFIXES = {".docx"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES | DOCX_SUFFIXES | HTML_SUFFIXES


def read_document(path: Path, *, ocr: bool = False) -> RawDocument:
    """Read ``path`` by its kind; raises ExtractionError when it is not a readable report.

    With ``ocr``, a PDF with no text layer (a scan) is read with OCR, when ocrmypdf and tesseract
    are installed; otherwise the error says what to install.
    """
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        from .pdf import NoTextLayerError, read_pdf  # pdfplumber is heavy: only load it when a PDF is read

        try:
            return read_pdf(path)
        except NoTextLayerError:
            if not ocr:
                raise
        from .ocr import read_scanned_pdf

        return read_scanned_pdf(path)
    if suffix in TEXT_SUFFIXES:
        from .text import read_text

        return read_text(path)
    if suffix in DOCX_SUFFIXES:
        from .docx_reader import read_docx

        return read_docx(path)
    if suffix in HTML_SUFFIXES:
        from .html_reader import read_html

        return read_html(path)
    raise ExtractionError(f"unsupported file type '{suffix or path.name}'")
