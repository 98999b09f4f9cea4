"""Generators of good and bad report files for the bad-input tests.

Plain functions: each writes one file into ``folder`` and returns its path. Nothing here is
committed as a binary; every file is made on the fly with reportlab or raw bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

#: Unique words that each generated good file carries, so searches can tell them apart.
GOOD_TXT_WORD = "zephyrine"
GOOD_PDF_WORD = "quillfeather"
OWNER_ONLY_WORD = "marrowglen"
TRUNCATED_WORD = "brambleworth"  # in the PDF that is then cut short: must never become searchable

GOOD_TXT = """Report to:\tPolice and Crime Panel
Date:\t3 March 2023
Subject:\tTest Report

1. PURPOSE OF THE REPORT

1.1 This report mentions a unique word zephyrine.

1.2 It also reports on neighbourhood policing and stalking protection orders.

2. RECOMMENDATIONS

2.1 The Panel is asked to note the contents of this report.
"""



def _write(folder: Path, name: str, data: bytes) -> Path:
    """``data`` as the file ``name`` in ``folder``."""
    path = folder / name
    path.write_bytes(data)
    return path

def _report_pdf(path: Path, word: str, *, title: str = "Test Report", encrypt=None, pages: int = 1) -> Path:
    """A small text PDF laid out like a panel report, with ``word`` in its paragraphs."""
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    _, height = A4
    for page in range(1, pages + 1):
        y = height - 72
        lines: list[tuple[str, str]] = []
        if page == 1:
            lines += [
                ("Helvetica-Bold", "POLICE AND CRIME PANEL"),
                ("Helvetica", "Date: 3 March 2023"),
                ("Helvetica-Bold", title.upper()),
                ("Helvetica-Bold", "1. PURPOSE OF THE REPORT"),
            ]
        lines += [
            ("Helvetica", f"1.{page} This page of the report mentions the unique word {word} in a paragraph."),
            ("Helvetica", "It describes neighbourhood policing, victim support and the work of the Panel."),
        ]
        for font, text in lines:
            c.setFont(font, 11)
            c.drawString(72, y, text)
            y -= 24
        c.showPage()
    c.save()
    return path


def good_txt(folder: Path, name: str = "good-report.txt") -> Path:
    """A well-formed text report with a title block and numbered paragraphs."""
    path = folder / name
    path.write_text(GOOD_TXT, encoding="utf-8")
    return path


def good_pdf(folder: Path, name: str = "good-report.pdf", word: str = GOOD_PDF_WORD) -> Path:
    """A well-formed small text PDF."""
    return _report_pdf(folder / name, word, title="Good PDF Report")


def truncated_pdf(folder: Path, name: str = "truncated.pdf", keep: float = 0.4) -> Path:
    """A valid text PDF cut to its first ``keep`` share of bytes (an interrupted download)."""
    path = folder / name
    _report_pdf(path, TRUNCATED_WORD, title="Truncated Report", pages=3)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def corrupt_pdf(folder: Path, name: str = "corrupt.pdf") -> Path:
    """A PDF header followed by garbage bytes."""
    path = folder / name
    garbage = bytes((i * 37 + 11) % 256 for i in range(4096))
    path.write_bytes(b"%PDF-1.4\n" + garbage)
    return path


def encrypted_pdf(folder: Path, name: str = "encrypted.pdf") -> Path:
    """A PDF that needs the user password "secret" to open."""
    encryption = StandardEncryption("secret", ownerPassword="owner-secret", canPrint=0)
    return _report_pdf(folder / name, "lockedword", title="Encrypted Report", encrypt=encryption)


def owner_only_encrypted_pdf(folder: Path, name: str = "owner-only.pdf") -> Path:
    """A PDF encrypted with an EMPTY user password (only permissions restricted): opens freely."""
    encryption = StandardEncryption("", ownerPassword="owner-secret", canPrint=0, canModify=0, canCopy=0)
    return _report_pdf(folder / name, OWNER_ONLY_WORD, title="Owner Password Report", encrypt=encryption)


def no_text_pdf(folder: Path, name: str = "scan.pdf") -> Path:
    """A PDF with shapes and an inline image, but no text layer (like a scan)."""
    path = folder / name
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFillGray(0.8)
    c.rect(72, 500, 300, 200, fill=1, stroke=1)
    c.circle(300, 300, 60, fill=1)
    c.line(72, 100, 500, 120)
    # A grey "scanned page" bitmap (Pillow comes with reportlab), drawn as an image.
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    bitmap = Image.new("L", (64, 64), 200)
    for x in range(8, 56):
        bitmap.putpixel((x, 20), 0)
        bitmap.putpixel((x, 40), 0)
    c.drawImage(ImageReader(bitmap), 100, 600, width=200, height=200)
    c.showPage()
    c.save()
    return path


def empty_file(folder: Path, name: str) -> Path:
    """A 0-byte file (``empty.pdf``, ``empty.txt``)."""
    return _write(folder, name, b"")


def html_as_pdf(folder: Path, name: str = "download.pdf") -> Path:
    """An HTML error page saved with a .pdf name."""
    return _write(folder, name, b"<!DOCTYPE html><html><body>404 Not Found</body></html>")


def cp1252_txt(folder: Path, name: str = "cp1252.txt") -> Path:
    """A Windows-1252 text file: the 0x92 right quote is not valid UTF-8."""
    path = folder / name
    path.write_bytes(
        b"Report to:\tPolice and Crime Panel\r\nDate:\t3 March 2023\r\nSubject:\tClare\x92s Law\r\n\r\n"
        b"1. PURPOSE OF THE REPORT\r\n\r\n1.1 This report explains Clare\x92s Law applications.\r\n"
    )
    return path


def utf16_txt(folder: Path, name: str = "utf16.txt") -> Path:
    """A text report saved as UTF-16 with a byte order mark (Notepad's "Unicode")."""
    return _write(folder, name, GOOD_TXT.replace(GOOD_TXT_WORD, "utfsixteenword").encode("utf-16"))


def unsupported_file(folder: Path, name: str = "notes.xlsx") -> Path:
    """A file of a type that is not ingested (an Excel workbook)."""
    return _write(folder, name, b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64 + b"xl/workbook.xml")


DOCX_WORD = "wordlarkspur"  # in the good Word document: searchable
HTML_WORD = "pagewhinchat"  # in the good web page: searchable
HTML_SHELL_WORD = "navbracken"  # in the good page's navigation and footer: never searchable


def good_docx(folder: Path, name: str = "good-report.docx", word: str = DOCX_WORD) -> Path:
    """A small Word report: title block table, a numbered heading and paragraph."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    for row, (key, value) in zip(table.rows, [("Report to:", "Police and Crime Panel"), ("Date:", "3 March 2023"), ("Subject:", "Word Report")]):
        row.cells[0].text, row.cells[1].text = key, value
    document.add_heading("1. PURPOSE OF THE REPORT", level=1)
    document.add_paragraph(f"1.1 This report describes the {word} scheme and its progress this year.")
    path = folder / name
    document.save(path)
    return path


def good_html(folder: Path, name: str = "good-page.html", word: str = HTML_WORD) -> Path:
    """A small saved page: navigation and a footer around an article."""
    path = folder / name
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Panel news | A Council</title>"
        "<meta property='article:published_time' content='2023-03-03T10:00:00Z'></head><body>"
        f"<nav><ul><li><a href='/'>Home {HTML_SHELL_WORD}</a></li><li><a href='/a'>About</a></li></ul></nav>"
        "<main><article><h1>Panel news</h1>"
        f"<p>The Police and Crime Panel heard about the {word} scheme at its meeting this week, and asked for a report.</p>"
        "<p>The Commissioner said the scheme had reached every district and would be reviewed next year by the panel.</p>"
        f"</article></main><footer><p>Copyright {HTML_SHELL_WORD} council. Privacy notice. Accessibility.</p></footer></body></html>",
        encoding="utf-8",
    )
    return path


def truncated_docx(folder: Path, name: str = "truncated.docx") -> Path:
    """A Word document cut short (half downloaded)."""
    path = good_docx(folder, name, word="docxbrambleworth")
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.4)])
    return path


def encrypted_docx(folder: Path, name: str = "locked.docx") -> Path:
    """A password-protected Word document: Word saves it as a compound file holding an
    ``EncryptedPackage`` stream."""
    return _write(folder, name, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)


def old_doc_as_docx(folder: Path, name: str = "old-format.docx") -> Path:
    """A Word 97-2003 document with a .docx name."""
    return _write(folder, name, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 512)


def pdf_as_docx(folder: Path, name: str = "report-pdf.docx") -> Path:
    """A PDF with a .docx name."""
    return _write(folder, name, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n")


def workbook_as_docx(folder: Path, name: str = "workbook.docx") -> Path:
    """An Excel workbook with a .docx name: a ZIP package with no word/document.xml."""
    import zipfile

    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return path


def binary_as_html(folder: Path, name: str = "picture.html") -> Path:
    """An image with an .html name."""
    return _write(folder, name, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200)


def navigation_only_html(folder: Path, name: str = "script-page.html") -> Path:
    """A page whose content a script draws: nothing but navigation in the saved file."""
    path = folder / name
    path.write_text(
        "<html><head><title>Loading</title><script>render()</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><div id='app'></div>"
        "<footer>Cookies · Privacy</footer></body></html>",
        encoding="utf-8",
    )
    return path


def garbage_bytes() -> bytes:
    """Bytes to overwrite a good file with (binary junk, not a report)."""
    return b"\x00\xff\xfe garbage \x00\x01\x02" * 50


# --------------------------------------------------------------------------------------------
# More awkward inputs: a broken cross-reference table, odd fonts and encodings, scans, big files

FONT = Path(__file__).resolve().parent.parent / "scripts" / "fonts" / "DejaVuSans.ttf"
BROKEN_XREF_WORD = "crosswhistle"
#: Words of the TrueType PDF: Welsh, Greek and Cyrillic, and words drawn with ligature glyphs.
UNICODE_WORDS = ("Heddlu", "Gwasanaeth", "αστυνομία", "полиция")
LIGATURE_TEXT = "The e\ufb03cient o\ufb03ce \ufb01led the \ufb02agship a\ufb00idavits."
LIGATURE_WORDS = ("efficient", "office", "filed", "flagship", "affidavits")
BOM_WORD = "bomharbour"
CRLF_WORD = "crlfmeadow"
IMAGE_ONLY_TEXT = "SCANNED PANEL REPORT"


def broken_xref_pdf(folder: Path, name: str = "broken-xref.pdf") -> Path:
    """A valid text PDF whose ``startxref`` offset points to the wrong place (a common result of
    editing a PDF by hand or of a broken "optimiser"); readers have to rebuild the table."""
    path = _report_pdf(folder / name, BROKEN_XREF_WORD, title="Broken Xref Report")
    data = path.read_bytes()
    match = re.search(rb"startxref\s+(\d+)", data)
    assert match, "reportlab wrote no startxref"
    wrong = str(int(match.group(1)) - 57).encode()
    path.write_bytes(data[: match.start(1)] + wrong + data[match.end(1) :])
    return path


def truetype_pdf(folder: Path, name: str = "unicode-truetype.pdf") -> Path:
    """A report drawn with an embedded TrueType font (DejaVu Sans, subset): Welsh, Greek and
    Cyrillic words, and the ff/fi/fl/ffi ligature glyphs that typeset reports often carry."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    path = folder / name
    c = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    lines = [
        "POLICE AND CRIME PANEL",
        "Date: 3 March 2023",
        "1. PURPOSE OF THE REPORT",
        "1.1 Heddlu Gogledd Cymru: Gwasanaeth i\u2019r gymuned, ŵyn a ŷd.",
        "1.2 Partners abroad: αστυνομία (Greek) and полиция (Russian) took part.",
        f"1.3 {LIGATURE_TEXT}",
    ]
    y = height - 72
    for text in lines:
        c.setFont("DejaVuSans", 11)
        c.drawString(72, y, text)
        y -= 24
    c.showPage()
    c.save()
    return path


def image_only_pdf(folder: Path, name: str = "image-only.pdf") -> Path:
    """A page that is nothing but a picture of a typed page, as a scanner makes it: the words
    are pixels, large and clear enough for OCR to read."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    bitmap = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(bitmap)
    font = ImageFont.truetype(str(FONT), 40)
    lines = [IMAGE_ONLY_TEXT, "Date: 3 March 2023", "", "1.1 The Panel noted the", "neighbourhood policing report."]
    for number, text in enumerate(lines):
        draw.text((120, 150 + 70 * number), text, fill=0, font=font)
    path = folder / name
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    c.drawImage(ImageReader(bitmap), 0, 0, width=width, height=height)
    c.showPage()
    c.save()
    return path


def bom_crlf_txt(folder: Path, name: str = "bom-crlf.txt") -> Path:
    """A report saved by Windows Notepad as "UTF-8 with BOM", with CR LF line endings."""
    text = GOOD_TXT.replace(GOOD_TXT_WORD, f"{BOM_WORD} and {CRLF_WORD}").replace("Test Report", "Caf\u00e9 Culture Report")
    return _write(folder, name, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))


def long_pdf(path: Path, pages: int = 1000, *, word: str = "", title: str = "Annual Compendium") -> Path:
    """A long report: one numbered heading and three numbered paragraphs a page, each paragraph
    carrying its page's own word ``folioNNNN`` (and ``word``), and a page-number footer."""
    c = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    topics = ["Neighbourhood Policing", "Victim Support", "Road Safety", "Rural Crime", "Cyber Crime", "Youth Justice"]
    for page in range(1, pages + 1):
        chapter, section = (page - 1) // 50 + 1, (page - 1) % 50 + 1
        y = height - 110  # below the top margin, where running headers are looked for
        if page == 1:
            for font, text in (
                ("Helvetica-Bold", "POLICE AND CRIME PANEL"),
                ("Helvetica", "Date: 3 March 2023"),
                ("Helvetica", f"Subject: {title}"),
            ):
                c.setFont(font, 11)
                c.drawString(72, y, text)
                y -= 24
        c.setFont("Helvetica-Bold", 11)
        c.drawString(72, y, f"{chapter}.{section} {topics[page % len(topics)]} Update")
        y -= 30
        for paragraph in range(1, 4):
            c.setFont("Helvetica", 11)
            label = f"{chapter}.{section}.{paragraph}"
            c.drawString(72, y, f"{label} On page {page} the report records folio{page:04d} {word} and paragraph {paragraph}")
            y -= 15
            c.drawString(90, y, "of its account of neighbourhood policing, victim support and partnership work.")
            y -= 30
        c.setFont("Helvetica", 9)
        c.drawString(280, 40, f"Page {page} of {pages}")
        c.showPage()
    c.save()
    return path


BATCH_WORD = "batchcommon"  # in every passage of every generated batch report


def generated_report_pdf(folder: Path, number: int, pages: int = 12) -> Path:
    """One of a batch of distinct reports (``report-NN.pdf``): ``pages`` pages of three numbered
    paragraphs, each with the report's own word ``batchwordNN`` and the shared ``batchcommon``."""
    return long_pdf(
        folder / f"report-{number:02d}.pdf", pages, word=f"batchword{number:02d} {BATCH_WORD}", title=f"Batch Report {number}"
    )


#: The bad files and what their failure reason must say: each tuple is a group of alternatives,
#: and every group must be matched (case-insensitive).
BAD_FILES = {
    "truncated.pdf": (truncated_pdf, [("truncated", "damaged")]),
    "corrupt.pdf": (corrupt_pdf, [("damaged", "corrupt")]),
    "encrypted.pdf": (encrypted_pdf, [("encrypted",), ("password",)]),
    "scan.pdf": (no_text_pdf, [("no text layer",)]),
    "empty.pdf": (empty_file, [("empty",)]),
    "empty.txt": (empty_file, [("empty",)]),
    "download.pdf": (html_as_pdf, [("html",)]),
    "utf16.txt": (utf16_txt, [("utf-8",), ("utf-16",)]),
    "truncated.docx": (truncated_docx, [("damaged",), ("zip",)]),
    "locked.docx": (encrypted_docx, [("encrypted",), ("password",)]),
    "old-format.docx": (old_doc_as_docx, [(".doc",), ("97-2003",)]),
    "report-pdf.docx": (pdf_as_docx, [("pdf",)]),
    "workbook.docx": (workbook_as_docx, [("not a word document",), ("spreadsheet",)]),
    "error-page.docx": (html_as_pdf, [("html",)]),
    "empty.docx": (empty_file, [("empty",)]),
    "picture.html": (binary_as_html, [("not a web page",)]),
    "script-page.html": (navigation_only_html, [("no text",), ("main content",)]),
    "empty.html": (empty_file, [("empty",)]),
}

#: Words that appear only inside bad files: none may ever become searchable.
BAD_ONLY_WORDS = (TRUNCATED_WORD, "lockedword", "utfsixteenword", "docxbrambleworth")


def make_bad_file(folder: Path, name: str) -> Path:
    """One bad file of ``BAD_FILES`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    make, _ = BAD_FILES[name]
    return make(folder, name)


def make_bad_files(folder: Path, names=None) -> dict[str, Path]:
    """The bad files of ``BAD_FILES`` (or just ``names``) in ``folder``, by name."""
    return {name: make_bad_file(folder, name) for name in (names or BAD_FILES)}
