"""Telling what a file really is from its first bytes: an HTML error page saved as ``.pdf``, a
Word document with the wrong name, UTF-16 text."""

from __future__ import annotations


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of old Office documents and of encrypted new ones


def sniff_problem(data: bytes, expected: str) -> str | None:
    """A reason why ``data`` is not a file of the ``expected`` kind ("pdf", "text", "docx" or
    "html"), or None."""
    if not data:
        return "empty file (0 bytes)"
    head = data[:1024].lstrip()
    lowered = head.lower()
    looks_html = lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")) or b"<html" in lowered
    if expected == "docx":
        if data[:4] == b"PK\x03\x04":
            return None
        if data[:8] == OLE:
            if "EncryptedPackage".encode("utf-16-le") in data or b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00" in data:
                return "encrypted Word document: it needs a password; save a copy without one and ingest that"
            return "not a .docx: it is an old-style Word 97-2003 document (.doc); save it as .docx in Word and ingest that"
        if data.startswith(b"%PDF-"):
            return "a PDF saved with a .docx name: rename it to .pdf"
        if looks_html:
            return "not a Word document: it is an HTML page saved with a .docx name (often a download error page)"
        if lowered.startswith(b"{\\rtf"):
            return "not a .docx: it is an RTF document; save it as .docx in Word and ingest that"
        return "not a Word document: the file is not a .docx (ZIP) package"
    if expected == "html":
        if data.startswith(b"%PDF-"):
            return "a PDF saved with a web page's name: rename it to .pdf"
        if data[:4] == b"PK\x03\x04":
            return "not a web page: it is a ZIP or Office document saved with an .html name"
        if data[:8] == OLE:
            return "not a web page: it is an old-style Word/Excel document saved with an .html name"
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "not a web page: binary data in a file with an .html name (is it an image?)"
        return None
    if expected == "pdf":
        if b"%PDF-" in data[:1024]:
            return None
        if looks_html:
            return "not a PDF: it is an HTML page saved with a .pdf name (often a download error page)"
        if data[:4] == b"PK\x03\x04":
            return "not a PDF: it is a ZIP or Office document saved with a .pdf name"
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            return "not a PDF: it is an old-style Word/Excel document saved with a .pdf name"
        return "not a PDF: the file does not start with a PDF header"
    if data.startswith(b"%PDF-"):
        return "a PDF saved with a text file name: rename it to .pdf"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "not UTF-8 text: it is UTF-16 (Windows \"Unicode\"); save the file as UTF-8 and ingest again"
    if b"\x00" in data[:8192]:
        return "binary data in a text file (is it a Word document or an image?)"
    return None
