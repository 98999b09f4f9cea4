"""Telling what a file really is from its first bytes: an HTML error page saved as ``.pdf``, a
Word document with the wrong name, UTF-16 text."""

from __future__ import annotations


def sniff_problem(data: bytes, expected: str) -> str | None:
    """A reason why ``data`` is not a file of the ``expected`` kind ("pdf" or "text"), or None."""
    if not data:
        return "empty file (0 bytes)"
    head = data[:1024].lstrip()
    lowered = head.lower()
    looks_html = lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")) or b"<html" in lowered
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
