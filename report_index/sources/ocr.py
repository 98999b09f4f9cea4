"""OCR for scanned PDFs, with ``report-index ingest --ocr``.

A PDF with no text layer is copied to a temporary folder, ocrmypdf (which runs tesseract) adds a
text layer to the copy, and the copy is read like any other PDF; the user's file is never touched.
Neither tool is a dependency of report-index: they are looked for when a scan needs them, and
without them the scan fails with the commands that install them.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from ..errors import ExtractionError
from ..models import RawDocument

#: Tesseract's language for OCR: English, which Debian's tesseract-ocr package includes.
LANGUAGE = "eng"
INSTALL_OCRMYPDF = "pip install ocrmypdf"
INSTALL_TESSERACT = "apt-get install tesseract-ocr (or the tesseract package of your OS, e.g. brew install tesseract)"


def missing_tools() -> list[str]:
    """The install commands for what OCR needs and this machine lacks; empty when OCR can run."""
    missing = []
    if importlib.util.find_spec("ocrmypdf") is None:
        missing.append(INSTALL_OCRMYPDF)
    if shutil.which("tesseract") is None:
        missing.append(INSTALL_TESSERACT)
    return missing


def read_scanned_pdf(path: Path, language: str = LANGUAGE) -> RawDocument:
    """``path``, a PDF with no text layer, read through OCR; raises ExtractionError with what to
    install when OCR is not available, or why OCR failed."""
    missing = missing_tools()
    if missing:
        raise ExtractionError(
            "no text layer: the PDF is probably a scan, and --ocr needs OCR tools that are not installed: "
            + "; ".join(missing)
        )
    from .pdf import NoTextLayerError, read_pdf

    with tempfile.TemporaryDirectory(prefix="report-index-ocr-") as folder:
        copy = ocr_copy(path, Path(folder), language)
        try:
            raw = read_pdf(copy)
        except NoTextLayerError:
            raise ExtractionError("no text layer, and OCR found no text in it (a blank page or a picture?)") from None
    return replace(raw, source=str(path))


def ocr_copy(path: Path, folder: Path, language: str = LANGUAGE) -> Path:
    """An OCRed copy of the PDF ``path``, written in ``folder``."""
    import ocrmypdf
    from ocrmypdf.exceptions import ExitCode, ExitCodeException

    source = folder / "scan.pdf"
    target = folder / "scan.ocr.pdf"
    shutil.copyfile(path, source)
    logger = logging.getLogger("ocrmypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # its warnings would interleave with ingest's own messages
    try:
        result = ocrmypdf.ocr(
            source,
            target,
            language=[language],
            output_type="pdf",  # plain PDF: PDF/A would need Ghostscript
            skip_text=True,
            optimize=0,
            progress_bar=False,
        )
    except ExitCodeException as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExtractionError(f"no text layer, and OCR failed: {detail[:160]}") from None
    finally:
        logger.setLevel(level)
    if result == ExitCode.ctrl_c:
        raise KeyboardInterrupt
    if result != ExitCode.ok or not target.is_file():
        raise ExtractionError(f"no text layer, and OCR failed (ocrmypdf exit code {int(result)})")
    return target
