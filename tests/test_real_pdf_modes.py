"""Ways real PDFs (the pdfplumber, pdf.js and camelot test suites) broke the reading, each
reproduced by a PDF made here (reportlab, or PDF bytes written out by hand):

* characters outside the Basic Multilingual Plane (emoji, mathematical letters), which pdfium
  gives as two UTF-16 halves;
* a file pdfium opens and pdfminer finds no pages in (a page object without ``/Type``, as in
  the IRS 1040 form of the pdf.js suite), with text pdfium leaves to pdfplumber;
* pages turned by ``/Rotate``: a landscape table turned to fit a portrait page, text turned
  against the rotation, five rotated "Hello world" pages;
* CJK text in a CID font with no ToUnicode map, which pdfium gives no Unicode for;
* words drawn a little apart with no space character between them, which pdfium's text keeps
  apart (with a space it generates) and pdfplumber's 3 pt rule runs together ("childlived");
* PDFs with no text: a scan, blank pages, drawings alone, fonts with no Unicode;
* type sized by the text matrix (``1 Tf`` under ``10.92 0 0 10.92 Tm``), read as 1 pt type with
  every letter apart ("T a b le"); a word whose first character is in another font ("(" and an
  italic word); pdfium's mark for a line-end hyphen; cropped pages and form XObjects, which were
  left to the slower pdfplumber (pdf.js's 352-page freeculture.pdf timed out).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from report_index import pipeline
from report_index.api import ingest, open_index
from report_index.errors import ExtractionError
from report_index.models import Table as TableBlock
from report_index.models import TextLine
from report_index.sources import pdf, pdfium_reader, pdfplumber_reader
from report_index.sources.layout import Line, Word

SURROGATES = {chr(code) for code in range(0xD800, 0xE000)}


def texts(raw) -> list[str]:
    return [b.text for b in raw.blocks if isinstance(b, TextLine)]


def no_surrogates(raw) -> bool:
    cells = [c for b in raw.blocks if isinstance(b, TableBlock) for row in [b.header, *b.rows] for c in row if c]
    return not any(set(text) & SURROGATES for text in [*texts(raw), *cells])


# --------------------------------------------------------------------------------------------
# PDF bytes written by hand


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF of these objects (object n is ``objects[n - 1]``; 1 is the catalog), with a correct
    cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding%s >>"


def one_page(content: bytes, font: bytes, *extra: bytes, page_type: bytes = b"/Type /Page ") -> bytes:
    """A one-page PDF: the page (object 3) draws ``content`` with ``font`` (object 5) as /F1."""
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< " + page_type + b"/Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            stream(content),
            font,
            *extra,
        ]
    )


# --------------------------------------------------------------------------------------------
# 1. Characters outside the BMP

#: A ToUnicode map: printable ASCII as itself, code 0x80 as U+1F600 (an emoji), 0x81 as
#: U+1D400 (MATHEMATICAL BOLD CAPITAL A), each written as its UTF-16 surrogate pair.
NON_BMP_CMAP = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<00> <FF>
endcodespacerange
1 beginbfrange
<20> <7E> <0020>
endbfrange
2 beginbfchar
<80> <D83DDE00>
<81> <D835DC00>
endbfchar
endcmap
CMapName currentdict /CMap defineresource pop
end
end"""

NON_BMP_LINE = "Mood \U0001f600 today and math \U0001d400x too"


def non_bmp_pdf(path: Path) -> Path:
    content = (
        b"BT /F1 12 Tf 72 700 Td (Mood \\200 today and math \\201x too) Tj ET\n"
        b"BT /F1 12 Tf 72 670 Td (1.1 The Panel noted the report on neighbourhood policing.) Tj ET"
    )
    path.write_bytes(one_page(content, HELVETICA % b" /ToUnicode 6 0 R", stream(NON_BMP_CMAP)))
    return path


def test_characters_outside_the_bmp_are_read_whole(tmp_path):
    path = non_bmp_pdf(tmp_path / "emoji.pdf")
    raw = pdf.read_pdf(path)
    assert raw.page_readers == ["pdfium"]
    assert texts(raw) == [NON_BMP_LINE, "1.1 The Panel noted the report on neighbourhood policing."]
    assert texts(pdf.read_pdf(path, reader="pdfplumber"))[0] == NON_BMP_LINE


def test_characters_outside_the_bmp_reach_every_stage(tmp_path):
    """The halves of a pair failed the file far from the reading, where the text is encoded:
    ``unexpected extraction error: UnicodeEncodeError ... surrogates not allowed``."""
    from report_index.output.debug import debug_text
    from report_index.trace import trace_file

    path = non_bmp_pdf(tmp_path / "emoji.pdf")
    trace = trace_file(path)
    assert trace.ok, trace.failure
    assert NON_BMP_LINE in debug_text(trace, stages={"lines"})
    debug_text(trace).encode("utf-8")
    report = pipeline.extract_report(path, path.read_bytes())
    assert [p.text for p in report.paragraphs][0] == NON_BMP_LINE
    for p in report.paragraphs:
        p.text.encode("utf-8")


def test_pdfium_text_pairs_surrogates_and_drops_lone_halves(tmp_path, monkeypatch):
    """pdfium's own text (the stand-in for a page no reading can vouch for) is paired too."""
    path = non_bmp_pdf(tmp_path / "emoji.pdf")
    monkeypatch.setattr(pdfium_reader, "_read_pdfium_page", lambda *args: None)
    monkeypatch.setattr(pdfium_reader, "read_plumber_page", _fails)
    raw = pdf.read_pdf(path)
    assert raw.page_readers == ["pdfium text"]
    assert texts(raw)[0] == NON_BMP_LINE
    # a high half with no low half after it (as a broken ToUnicode map gives) is dropped
    broken = NON_BMP_CMAP.replace(b"<80> <D83DDE00>", b"<80> <D83D>")
    content = b"BT /F1 12 Tf 72 700 Td (Half \\200 a pair) Tj ET"
    (tmp_path / "half.pdf").write_bytes(one_page(content, HELVETICA % b" /ToUnicode 6 0 R", stream(broken)))
    monkeypatch.undo()
    for reader in ("pdfium", "pdfplumber"):
        raw = pdf.read_pdf(tmp_path / "half.pdf", reader=reader)
        assert no_surrogates(raw), reader
        assert texts(raw)[0].split() == ["Half", "a", "pair"], reader


def test_no_lone_surrogate_leaves_the_reading(tmp_path, monkeypatch):
    """Whatever a reader lets through, the document has no lone surrogate."""
    blocks = [TextLine("half \ud83d a pair"), TableBlock(header=["a\udc00b", None], rows=[["\ud835x", ""]])]
    monkeypatch.setattr(pdf, "assemble_document", lambda pages, sizes: list(blocks))
    raw = pdf.read_pdf(non_bmp_pdf(tmp_path / "emoji.pdf"))
    assert raw.blocks == [TextLine("half  a pair"), TableBlock(header=["ab", None], rows=[["x", ""]])]


def _fails(*args, **kwargs):
    raise RuntimeError("pdfminer cannot read this page")


# --------------------------------------------------------------------------------------------
# 2. A file pdfium opens is never "damaged"

FORM_LINES = ["Form 1040 U.S. Individual Income Tax Return 2010", "Your first name and initial Last name"]


def untyped_page_pdf(path: Path) -> Path:
    """The page object has no ``/Type /Page``: pdfium reads it, pdfminer finds no pages (as in
    the pdf.js suite's IRS 1040). A label turned on its side (text that is not upright) makes
    pdfium's reading leave the page to pdfplumber."""
    content = (
        b"BT /F1 12 Tf 72 700 Td (" + FORM_LINES[0].encode() + b") Tj ET\n"
        b"BT /F1 10 Tf 72 680 Td (" + FORM_LINES[1].encode() + b") Tj ET\n"
        b"BT /F1 8 Tf 0 1 -1 0 40 300 Tm (Department of the Treasury) Tj ET"
    )
    path.write_bytes(one_page(content, HELVETICA % b"", page_type=b""))
    return path


def test_a_page_pdfplumber_cannot_find_is_read_as_pdfium_text(tmp_path):
    path = untyped_page_pdf(tmp_path / "f1040.pdf")
    import pdfplumber

    with pdfplumber.open(path) as plumbed:
        assert plumbed.pages == []  # what made the file "damaged PDF: no pages could be read"
    raw = pdf.read_pdf(path)
    assert raw.page_readers == ["pdfium text"]
    assert texts(raw) == [*FORM_LINES, "Department of the Treasury"]
    # REPORT_INDEX_PDF_READER=pdfplumber: pdfplumber finds no pages, pdfium's text stands in
    forced = pdf.read_pdf(path, reader="pdfplumber")
    assert forced.page_readers == ["pdfium text"] and texts(forced) == texts(raw)


def _three_pages(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in range(1, 4):
        c.setFont("Helvetica", 11)
        c.drawString(72, 700, f"{page}.1 Page {page} reports on neighbourhood policing.")
        if page == 2:  # text that is not upright: pdfium leaves the page to pdfplumber
            c.saveState()
            c.translate(40, 300)
            c.rotate(90)
            c.drawString(0, 0, "A label on its side")
            c.restoreState()
        c.showPage()
    c.save()
    return path


def test_a_page_each_reader_fails_on_is_read_by_the_other(tmp_path, monkeypatch):
    path = _three_pages(tmp_path / "three.pdf")
    assert pdf.read_pdf(path).page_readers == ["pdfium", "pdfplumber", "pdfium"]
    # pdfplumber fails on the page pdfium left to it: pdfium's own text reads that page
    monkeypatch.setattr(pdfium_reader, "read_plumber_page", _fails)
    raw = pdf.read_pdf(path)
    assert raw.page_readers == ["pdfium", "pdfium text", "pdfium"]
    assert "2.1 Page 2 reports on neighbourhood policing." in texts(raw)
    assert "A label on its side" in texts(raw)
    monkeypatch.undo()
    # pdfium fails on page 3: pdfplumber reads it
    real = pdfium_reader._read_pdfium_page

    def fails_on_page_3(page, number, *args):
        if number == 3:
            raise RuntimeError("pdfium cannot read this page")
        return real(page, number, *args)

    monkeypatch.setattr(pdfium_reader, "_read_pdfium_page", fails_on_page_3)
    assert pdf.read_pdf(path).page_readers == ["pdfium", "pdfplumber", "pdfplumber"]
    # every page read by pdfplumber, which fails on page 2: pdfium's text reads it
    monkeypatch.setattr(pdfplumber_reader, "read_plumber_page", lambda page, number: _fails() if number == 2 else real_plumber(page, number))
    forced = pdf.read_pdf(path, reader="pdfplumber")
    assert forced.page_readers == ["pdfplumber", "pdfium text", "pdfplumber"]
    assert "2.1 Page 2 reports on neighbourhood policing." in texts(forced)


real_plumber = pdfplumber_reader.read_plumber_page


# --------------------------------------------------------------------------------------------
# 3. Rotated pages

HEADER = ["State", "Permit", "Handgun", "Long Gun", "Totals"]
ROWS = [["Alabama", "18,870", "23,022", "22,650", "71,137"], ["Alaska", "209", "3,062", "3,209", "7,095"]]


def rotated_table_pdf(path: Path) -> Path:
    """A landscape table turned to fit a portrait page (``/Rotate 90``, the text upright in the
    page's own coordinates), as in the pdfplumber suite's nics-background-checks-2015-11-rotated;
    then a page whose text is turned against the rotation, to read upright on screen."""
    c = canvas.Canvas(str(path), pagesize=landscape(A4), invariant=1)
    c.setPageRotation(90)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(72, 520, "NICS Firearm Background Checks November 2015")
    widths = [120, 80, 80, 80, 80]
    y = 490
    for r, row in enumerate([HEADER, *ROWS]):
        x = 72
        for text, width in zip(row, widths):
            c.rect(x, y - 18, width, 18)
            c.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 9)
            c.drawString(x + 4, y - 13, text)
            x += width
        y -= 18
    c.setFont("Helvetica", 10)
    c.drawString(72, 400, "These statistics represent the number of firearm background checks initiated.")
    c.showPage()
    c.setPageSize(A4)
    c.setPageRotation(90)
    c.translate(100, 72)
    c.rotate(90)
    c.setFont("Helvetica", 11)
    c.drawString(0, 0, "This is my second page. It will have a landscape layout.")
    c.drawString(0, -20, "Second line here.")
    c.showPage()
    c.save()
    return path


def test_a_rotated_page_is_read_in_full(tmp_path):
    raw = pdf.read_pdf(rotated_table_pdf(tmp_path / "rotated.pdf"))
    assert raw.page_readers == ["pdfium", "pdfplumber"]
    (table,) = [b for b in raw.blocks if isinstance(b, TableBlock)]
    assert (table.header, table.rows, table.page) == (HEADER, ROWS, 1)
    assert texts(raw) == [
        "NICS Firearm Background Checks November 2015",
        "These statistics represent the number of firearm background checks initiated.",
        "This is my second page. It will have a landscape layout.",
        "Second line here.",
    ]


def test_rotated_hello_world_pages_are_kept(tmp_path):
    """Five pages of "Hello world" turned by /Rotate 90 (pdf.js's hello_world_rotated): read a
    letter at a time as vertical text, they were dropped as a running header."""
    path = tmp_path / "hello.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(5):
        c.setPageRotation(90)
        c.setFont("Helvetica", 24)
        c.drawString(212, 400, "Hello world")
        c.showPage()
    c.save()
    raw = pdf.read_pdf(path)
    assert raw.page_readers == ["pdfium"] * 5
    assert [(b.page, b.text) for b in raw.blocks] == [(n, "Hello world") for n in range(1, 6)]


# --------------------------------------------------------------------------------------------
# 4. CJK text pdfium has no Unicode for

CJK_LINE = "关于浙江环保科技股份有限公司"


def cjk_pdf(path: Path) -> Path:
    """Chinese in SimSun, a CID font with the predefined GBK-EUC-H encoding and no ToUnicode
    map, not embedded, a character a text object (as an OCR layer draws them, invisibly, over
    the page's picture; the pdfplumber suite's pr-136-example): pdfium gives no text for such
    objects, pdfminer maps the codes through the GB1 character collection."""
    chars = []
    for n, char in enumerate(CJK_LINE):
        code = char.encode("gbk").hex().encode()
        chars.append(b"q 1.08 0 0 1.46 %d 644 cm BT 3 Tr /F1 17 Tf <%s> Tj ET Q" % (72 + 18 * n, code))
    content = b"\n".join(chars) + b"\nBT /F2 12 Tf 72 600 Td (2016 306) Tj ET"
    path.write_bytes(
        pdf_bytes(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                b"/Resources << /Font << /F1 5 0 R /F2 8 0 R >> >> /Contents 4 0 R >>",
                stream(content),
                b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun-GBK-EUC-H /Encoding /GBK-EUC-H "
                b"/DescendantFonts [6 0 R] >>",
                b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 "
                b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
                b"<< /Type /FontDescriptor /FontName /SimSun /Flags 32 /FontBBox [-8 -145 1000 859] "
                b"/ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 684 /StemV 88 >>",
                HELVETICA % b"",
            ]
        )
    )
    return path


def test_text_pdfium_has_no_unicode_for_is_read_by_pdfplumber(tmp_path):
    import pypdfium2

    path = cjk_pdf(tmp_path / "cjk.pdf")
    document = pypdfium2.PdfDocument(str(path))
    assert document[0].get_textpage().get_text_range() == "2016 306"  # the Chinese is lost
    document.close()
    raw = pdf.read_pdf(path)
    assert raw.page_readers == ["pdfplumber"]
    assert texts(raw) == [CJK_LINE, "2016 306"]


def test_pdfium_keeps_a_page_pdfplumber_reads_no_better(tmp_path, monkeypatch):
    """A page that looks unmapped to pdfium but gives pdfplumber no more text (its ``(cid:12)``
    for glyphs it cannot map either are not text) stays pdfium's."""
    path = cjk_pdf(tmp_path / "cjk.pdf")
    monkeypatch.setattr(pdfium_reader, "read_plumber_page", lambda page, number: [])
    raw = pdf.read_pdf(path)
    assert raw.page_readers == ["pdfium"] and texts(raw) == ["2016 306"]
    line = Line([Word("(cid:12)(cid:13)", 72, 90, 100, 110, False, 10), Word("ab\ufffd", 95, 110, 100, 110, False, 10)], 1)
    assert pdfium_reader.readable_chars([line]) == 2


# --------------------------------------------------------------------------------------------
# 5. Words drawn apart with no space between them

TIGHT_WORDS = "the child lived with her mother and the family of a friend"


def tight_words_pdf(path: Path) -> Path:
    """Words set one by one in 7 pt type, 2 pt apart, with no space character between them (as
    justified text and table cells are often drawn): pdfium puts a space in its text where the
    gap is wide for the font, pdfplumber joins characters closer than 3 pt ("childlived").
    Then a line with real spaces made narrow by negative word spacing, which both keep."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 7)
    x = 72.0
    for word in TIGHT_WORDS.split():
        c.drawString(x, 700, word)
        x += c.stringWidth(word, "Helvetica", 7) + 2.0
    text = c.beginText(72, 690)
    text.setFont("Helvetica", 7)
    text.setWordSpace(-1.5)
    text.textLine("1.2 the child lived with her mother and the family")
    c.drawText(text)
    c.setFont("Helvetica", 11)
    c.drawString(72, 650, "1.3 The Panel noted the safeguarding review of the case.")
    c.showPage()
    c.save()
    return path


def test_words_pdfium_keeps_apart_stay_apart(tmp_path, monkeypatch):
    import pdfplumber

    path = tight_words_pdf(tmp_path / "tight.pdf")
    with pdfplumber.open(path) as plumbed:
        assert plumbed.pages[0].extract_text().splitlines()[0] == TIGHT_WORDS.replace(" ", "")
    monkeypatch.setattr(pdfium_reader._PageText, "words_char_by_char", None)  # read word by word
    raw = pdf.read_pdf(path)
    assert raw.page_readers == ["pdfium"]
    assert texts(raw) == [
        TIGHT_WORDS,
        "1.2 the child lived with her mother and the family",
        "1.3 The Panel noted the safeguarding review of the case.",
    ]


def test_character_by_character_reading_keeps_pdfium_spaces_too(tmp_path, monkeypatch):
    path = tight_words_pdf(tmp_path / "tight.pdf")

    def unsafe(self):
        raise pdfium_reader._Unsafe

    monkeypatch.setattr(pdfium_reader._PageText, "words", unsafe)
    assert texts(pdf.read_pdf(path))[0] == TIGHT_WORDS


@pytest.mark.parametrize(
    "scale, turned, reader", [(1.0, False, "pdfium"), (0.9, False, "pdfium"), (1.0, True, "pdfplumber")]
)
def test_pages_pdfplumber_reads_keep_pdfium_spaces(tmp_path, scale, turned, reader):
    """The same words drawn through a form XObject (as every page of the pdf.js suite's
    freeculture.pdf draws its running footer, and tracemonkey.pdf its figures, scaled). pdfium
    reads a form's objects in place, its matrix applied to its text's size; with a label turned
    on its side the page is left to pdfplumber, and there a word pdfplumber runs together that is
    consecutive words of pdfium's text becomes those words, in lines and table cells."""
    path = tmp_path / "form.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.beginForm("words")
    c.setFont("Helvetica", 7)
    x = 72.0
    for word in TIGHT_WORDS.split():
        c.drawString(x, 700, word)
        x += c.stringWidth(word, "Helvetica", 7) + 2.0
    c.setFont("Helvetica", 11)
    c.drawString(72, 650, "1.3 The Panel noted the safeguarding review of the case.")
    c.endForm()
    if turned:
        turned_label(c, "Figure")
    c.scale(scale, scale)
    c.doForm("words")
    c.showPage()
    c.save()
    raw = pdf.read_pdf(path)
    assert raw.page_readers == [reader]
    assert texts(raw)[:2] == [TIGHT_WORDS, "1.3 The Panel noted the safeguarding review of the case."]
    assert texts(pdf.read_pdf(path, reader="pdfplumber"))[0] == TIGHT_WORDS.replace(" ", "")  # pdfplumber alone


def turned_label(c: canvas.Canvas, text: str) -> None:
    """A label turned on its side in the left margin: text that is not upright, which sends the
    page to pdfplumber: drawn three times, so that turned text is more of the page's characters
    than the few the pdfium reader reads apart (``pdfium_reader.TURNED_SHARE``)."""
    for n in range(3):
        c.saveState()
        c.translate(30 + 12 * n, 400)
        c.rotate(90)
        c.setFont("Helvetica", 8)
        c.drawString(0, 0, text)
        c.restoreState()


def _tight(c: canvas.Canvas, x: float, y: float, text: str) -> None:
    """``text`` in 7 pt type, a word at a time, 2 pt apart."""
    c.setFont("Helvetica", 7)
    for word in text.split():
        c.drawString(x, y, word)
        x += c.stringWidth(word, "Helvetica", 7) + 2.0


def test_pdfium_spaces_split_ruled_table_cells_too(tmp_path):
    """In cells of one line and of two (which pdfplumber's ``extract_text`` reads)."""
    path = tmp_path / "cells.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    rows = [["Measure", "2021/22", "2022/23"], ["child lived at home", "412", "455"], ["lived with the family of a friend", "58", "71"]]
    y = 700
    for r, row in enumerate(rows):
        height = 24 if r == 2 else 14
        x = 72
        for col, (text, width) in enumerate(zip(row, (200, 80, 80))):
            c.rect(x, y - height, width, height)
            if r == 2 and col == 0:  # two lines in one cell
                _tight(c, x + 3, y - 10, "lived with the")
                _tight(c, x + 3, y - 20, "family of a friend")
            else:
                _tight(c, x + 3, y - 10, text)
            x += width
        y -= height
    c.showPage()
    c.save()
    (table,) = [b for b in pdf.read_pdf(path).blocks if isinstance(b, TableBlock)]
    assert [table.header, *table.rows] == rows
    (plumbed,) = [b for b in pdf.read_pdf(path, reader="pdfplumber").blocks if isinstance(b, TableBlock)]
    assert plumbed.rows[0][0] == "childlivedathome"  # pdfplumber alone


# --------------------------------------------------------------------------------------------
# 6. PDFs with no text say why


def _no_text(path: Path, draw) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(2):
        draw(c)
        c.showPage()
    c.save()
    return path


def _drawings(c: canvas.Canvas) -> None:
    c.rect(72, 500, 300, 200, fill=1)
    c.circle(300, 300, 60)
    c.line(72, 100, 500, 120)


def _picture(c: canvas.Canvas) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    bitmap = Image.new("L", (64, 64), 200)
    c.drawImage(ImageReader(bitmap), 100, 500, width=300, height=300)


def _page_number(c: canvas.Canvas) -> None:
    c.setFont("Helvetica", 9)
    c.drawString(290, 30, "13")


def _link(c: canvas.Canvas) -> None:
    c.linkURL("https://example.org/report", (72, 700, 300, 720))


@pytest.mark.parametrize(
    "draw, reason, scan",
    [
        (lambda c: None, pdf.BLANK, False),
        (_drawings, pdf.DRAWINGS_ONLY, False),
        (_picture, pdf.SCAN, True),
        (_page_number, pdf.FURNITURE_ONLY, False),
        (_link, pdf.ANNOTATIONS_ONLY, False),
    ],
    ids=["blank", "drawings", "scan", "page-numbers", "annotations"],
)
def test_a_pdf_without_text_says_why(tmp_path, draw, reason, scan):
    path = _no_text(tmp_path / "nothing.pdf", draw)
    for reader in ("pdfium", "pdfplumber"):
        with pytest.raises(ExtractionError) as failure:
            pdf.read_pdf(path, reader=reader)
        assert str(failure.value) == reason
        assert isinstance(failure.value, pdf.NoTextLayerError) == scan  # only a scan goes to --ocr


def unmapped_pdf(path: Path) -> Path:
    """Text in a CID font with the Identity ordering and no ToUnicode map, not embedded: neither
    reader has a character for it (pdfium gives nothing, pdfminer "(cid:256)")."""
    content = b"\n".join(b"BT /F1 17 Tf %d 644 Td <%04x> Tj ET" % (72 + 18 * n, 0x0100 + 7 * n) for n in range(14))
    path.write_bytes(
        pdf_bytes(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
                stream(content),
                b"<< /Type /Font /Subtype /Type0 /BaseFont /Unnamed /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
                b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Unnamed /DW 1000 "
                b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R >>",
                b"<< /Type /FontDescriptor /FontName /Unnamed /Flags 32 /FontBBox [-8 -145 1000 859] "
                b"/ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 684 /StemV 88 >>",
            ]
        )
    )
    return path


@pytest.mark.parametrize("reader", ["pdfium", "pdfplumber"])
def test_text_no_reader_has_characters_for_says_so(tmp_path, reader):
    import pdfplumber

    path = unmapped_pdf(tmp_path / "unmapped.pdf")
    with pdfplumber.open(path) as plumbed:
        assert plumbed.pages[0].extract_text().startswith("(cid:256)(cid:263)")
    with pytest.raises(ExtractionError) as failure:
        pdf.read_pdf(path, reader=reader)
    assert str(failure.value) == pdf.UNMAPPED  # not "(cid:256)..." as the report's text


def test_blank_pages_are_not_called_a_scan():
    assert pdf.BLANK == "no text: the pages are blank"
    assert pdf.DRAWINGS_ONLY.startswith("no text: the pages hold only drawings")
    assert pdf.SCAN.startswith("no text layer: the PDF is probably a scan") and "--ocr" in pdf.SCAN


# --------------------------------------------------------------------------------------------
# Searchable


def test_what_these_pages_hold_is_found_by_search(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    non_bmp_pdf(folder / "emoji.pdf")
    untyped_page_pdf(folder / "f1040.pdf")
    rotated_table_pdf(folder / "rotated.pdf")
    tight_words_pdf(folder / "tight.pdf")
    summary = ingest([folder], index=tmp_path / "index")
    assert summary.counts()["added"] == 4, summary.outcomes
    ix = open_index(tmp_path / "index")

    def found(query: str) -> set[str]:
        return {Path(hit.source).name for hit in ix.search(query, limit=5).hits}

    assert found('"child lived"') == {"tight.pdf"}
    assert any(NON_BMP_LINE in hit.text for hit in ix.search("math today", limit=5).hits)
    assert found('"Individual Income Tax Return"') == {"f1040.pdf"}
    assert found('"firearm background checks"') == {"rotated.pdf"}
    assert found("Alabama") == {"rotated.pdf"}


# --------------------------------------------------------------------------------------------
# 7. Type sized by the text matrix, words in two fonts, line-end hyphens, cropped pages


SCALED_LINES = [
    "Table 8.12 - Own brand shares (food only) for leading retailers, 1996",
    "Franprix 28.0 n.a. Casino 24.8 1800",
]


def scaled_type_pdf(path: Path) -> Path:
    """Text set at ``1 Tf`` under a text matrix of ``10.92 0 0 10.92``: 10.92 pt type, as
    camelot's and pdfplumber's suites draw much of theirs. A reading that takes the size from
    ``Tf`` alone (1 pt) puts every letter apart: "T a b le 8 .1 2"."""
    content = b"".join(
        b"BT /F1 1 Tf %.2f 0 0 %.2f 72 %d Tm (%s) Tj ET\n" % (size, size, y, line.encode())
        for (size, y), line in zip([(10.92, 700), (12.0, 680)], SCALED_LINES)
    )
    path.write_bytes(one_page(content, HELVETICA % b""))
    return path


def test_type_sized_by_the_text_matrix_reads_as_words(tmp_path):
    import pdfplumber

    path = scaled_type_pdf(tmp_path / "scaled.pdf")
    raw = pdf.read_pdf(path)
    assert raw.page_readers == ["pdfium"]
    assert texts(raw) == SCALED_LINES
    with pdfplumber.open(path) as plumbed:
        assert {round(c["size"], 2) for c in plumbed.pages[0].chars} == {10.92, 12.0}
    assert texts(pdf.read_pdf(path, reader="pdfplumber")) == SCALED_LINES
    page = pdfium_reader.read_with_pdfium(path).pages[0]
    assert [round(w.size, 2) for w in page[0].words][:2] == [10.92, 10.92]


TWO_FONT_LINE = "In vocational teacher education colleges (ammatilliset opettajakorkeakoulut), in 1998"


def two_fonts_pdf(path: Path) -> Path:
    """Words whose first or last characters are set in another font, abutting: "(" upright and
    "ammatilliset" in italics, "1" bold and "998" not. The readers' word clustering (by font and
    size) makes two words of each; the line has them as one."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    text = c.beginText(72, 700)
    for font, piece in [
        ("Helvetica", "In vocational teacher education colleges ("),
        ("Helvetica-Oblique", "ammatilliset opettajakorkeakoulut"),
        ("Helvetica", "), in "),
        ("Helvetica-Bold", "1"),
        ("Helvetica", "998"),
    ]:
        text.setFont(font, 10)
        text.textOut(piece)
    c.drawText(text)
    c.showPage()
    c.save()
    return path


@pytest.mark.parametrize("reader", ["pdfium", "pdfplumber"])
def test_a_word_in_two_fonts_stays_one_word(tmp_path, reader):
    path = two_fonts_pdf(tmp_path / "fonts.pdf")
    assert texts(pdf.read_pdf(path, reader=reader)) == [TWO_FONT_LINE]


def test_words_of_one_font_stay_apart_however_close(tmp_path, monkeypatch):
    """The join of abutting words is for words in two fonts only: words of one font drawn 2 pt
    apart with pdfium's space between them stay apart (see section 5)."""
    path = tight_words_pdf(tmp_path / "tight.pdf")
    assert texts(pdf.read_pdf(path))[0] == TIGHT_WORDS


HYPHENATED = ["The precise contours of this concept are hard to sketch, but the injustice is easy to cap-",
              "ture. As Lord Mansfield wrote in a case that extended the reach of the law"]


def hyphenated_pdf(path: Path, crop: bool = False) -> Path:
    """A paragraph whose first line ends in a hyphen that breaks a word ("cap-" / "ture"), for
    which pdfium's text has a mark of its own (U+FFFE) and no line break; with ``crop``, the page
    has a crop box inside its media box (as every page of pdf.js's freeculture.pdf), and a
    running footer drawn through a form XObject."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    if crop:
        c.setCropBox((40, 40, 555, 800))
        c.beginForm("footer")
        c.setFont("Helvetica", 8)
        c.drawString(72, 60, "Free Culture: how big media uses technology")
        c.endForm()
        c.doForm("footer")
    c.setFont("Times-Roman", 11)
    for n, line in enumerate(HYPHENATED):
        c.drawString(72, 700 - 14 * n, line)
    c.showPage()
    c.save()
    return path


@pytest.mark.parametrize("crop", [False, True], ids=["plain", "cropped"])
def test_a_line_end_hyphen_and_a_cropped_page_are_read_word_by_word(tmp_path, crop):
    path = hyphenated_pdf(tmp_path / "hyphen.pdf", crop=crop)
    read = pdfium_reader.read_with_pdfium(path)
    assert read.readers == ["pdfium"] and read.by_character == []  # not left to the slower readings
    raw = pdf.read_pdf(path)
    assert texts(raw)[:2] == HYPHENATED
    assert texts(raw) == texts(pdf.read_pdf(path, reader="pdfplumber"))


ROTATED_LABELS = ["Fasting Blood Sugar", "Blood Pressure adults", "Nutritional Assessment individuals"]


def turned_labels_pdf(path: Path) -> Path:
    """A table's column labels turned to run up the page (camelot's anticlockwise_table_1.pdf),
    which pdfium's reading leaves to pdfplumber, and pdfplumber reads backwards a line at a
    time ("raguS", "doolB") or a letter a line."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 10)
    for n, label in enumerate(ROTATED_LABELS):
        c.saveState()
        c.translate(100 + 40 * n, 300)
        c.rotate(90)
        c.drawString(0, 0, label)
        c.restoreState()
    c.drawString(72, 700, "Table 1 : State wise coverage particulars by period of survey")
    c.showPage()
    c.save()
    return path


def test_text_turned_up_the_page_is_read_the_right_way_round(tmp_path):
    import pdfplumber

    path = turned_labels_pdf(tmp_path / "turned.pdf")
    with pdfplumber.open(path) as plumbed:
        assert "raguS" in plumbed.pages[0].extract_text()
    raw = pdf.read_pdf(path)
    assert raw.page_readers == ["pdfium text"]
    assert texts(raw) == ["Table 1 : State wise coverage particulars by period of survey", " ".join(ROTATED_LABELS)]


def cut_word_pdf(path: Path) -> Path:
    """Words set 2 pt apart with no space between them (pdfplumber runs them together), the
    last word's first letter in another font ("t" + bold "race"), so that pdfplumber's word ends
    inside pdfium's: "anoutert" for pdfium's "an outer trace". A label turned on its side sends
    the page to pdfplumber."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    x = 72.0
    for word in ["The", "key", "observation", "is", "that", "when", "an", "outer"]:
        c.setFont("Helvetica", 7)
        c.drawString(x, 700, word)
        x += c.stringWidth(word, "Helvetica", 7) + 2.0
    c.drawString(x, 700, "t")
    x += c.stringWidth("t", "Helvetica", 7)
    c.setFont("Helvetica-Bold", 7)
    c.drawString(x, 700, "race")
    turned_label(c, "Figure 3")
    c.showPage()
    c.save()
    return path


def test_a_word_pdfplumber_cuts_short_is_split_at_pdfium_spaces(tmp_path):
    path = cut_word_pdf(tmp_path / "cut.pdf")
    raw = pdf.read_pdf(path)
    assert raw.page_readers == ["pdfplumber"]
    assert texts(raw)[0] == "The key observation is that when an outer trace"


def test_a_text_of_capitals_alone_is_read_as_text(tmp_path):
    """Every line in capitals (pdf.js's issue8702.pdf: "TEST TEST TEST" down two pages) is
    taken for a heading, and a report of headings alone had no passage: "no paragraphs of text
    were found in it". Such a text is read again as plain text."""
    path = tmp_path / "capitals.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(2):
        c.setFont("Helvetica", 11)
        for n in range(12):
            c.drawString(72, 700 - 16 * n, "TEST TEST TEST TEST TEST TEST" if n % 2 == 0 else "TEST TEST TEST")
        c.showPage()
    c.save()
    report = pipeline.extract_report(path, path.read_bytes())
    assert report.sections == []
    assert report.paragraphs and report.paragraphs[0].text.startswith("TEST TEST TEST TEST TEST TEST TEST TEST TEST")


def test_a_page_with_a_line_up_its_margin_is_read_by_pdfium_with_that_line_apart(tmp_path):
    """A print-job line up the margin of every page (the Federal Register's "VerDate ... Jkt
    250001" turned on its side) is a few characters of the page that are not upright: the page
    is read by pdfium, its upright lines as pdfplumber reads them, and the margin's words kept
    in a line of their own after them (once sent the whole page to pdfplumber, five times slower)."""
    path = tmp_path / "margin.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    body = [f"1.{n} The Panel noted the neighbourhood policing figures for district {n} this quarter." for n in range(1, 13)]
    c.setFont("Helvetica", 11)
    for n, line in enumerate(body):
        c.drawString(72, 760 - 18 * n, line)
    c.saveState()
    c.translate(30, 300)
    c.rotate(90)
    c.setFont("Helvetica", 6)
    c.drawString(0, 0, "VerDate Jkt250001")
    c.restoreState()
    c.showPage()
    c.save()

    raw = pdf.read_pdf(path)
    assert raw.page_readers == ["pdfium"]
    lines = texts(raw)
    assert lines[: len(body)] == body
    assert lines[len(body):] == ["VerDate Jkt250001"]
