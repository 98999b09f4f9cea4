"""The fast PDF reader (pdfium for pages without drawn lines) gives what pdfplumber gives."""

from __future__ import annotations

from report_index.sources import pdf, pdfium_reader

from .conftest import CORPUS, FIXTURES


def test_pdfium_reader_matches_pdfplumber_on_every_bundled_pdf():
    for path in [*CORPUS.glob("*.pdf"), *FIXTURES.glob("*.pdf")]:
        assert pdfium_reader.read_with_pdfium(path) is not None
        assert pdf.read_pdf(path) == pdf.read_pdf(path, reader="pdfplumber"), path.name
