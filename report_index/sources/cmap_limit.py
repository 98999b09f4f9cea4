"""A cap on the character ranges of a PDF font's CMap, so that a damaged one cannot hang pdfminer.

A ToUnicode or CID CMap maps codes to characters in ranges (``<0000> <00ff> <0020> bfrange``).
pdfminer expands every range one code at a time; a damaged or hostile file whose range bounds
span billions of codes (``<00000000> <ffffffff>``) keeps it busy for hours, as fuzzing pdf.js's
test files showed (``scripts/fuzz.py``). The PDF specification keeps a range within 256 codes;
real files stretch that to a whole 16-bit code space (65,536 codes), never more. ``install``
wraps pdfminer's CMap parser so that each range ends after at most ``MAX_RANGE`` codes: a
real file maps as before, a damaged one maps its first 65,536 codes and is read.
"""

from __future__ import annotations

from pdfminer.cmapdb import CMapParser

#: Codes one range of a CMap may map: a whole two-byte code space.
MAX_RANGE = 65_536


def _cap(objs: list) -> list:
    """``objs`` (start, end, value triples, as pdfminer pops them) with every range at most
    ``MAX_RANGE`` codes long."""
    capped = list(objs)
    for at in range(0, len(capped) - 2, 3):
        start, end = capped[at][1], capped[at + 1][1]
        if isinstance(start, bytes) and isinstance(end, bytes) and len(start) == len(end) and start:
            first, last = int.from_bytes(start[-4:], "big"), int.from_bytes(end[-4:], "big")
            if last - first >= MAX_RANGE:
                width = len(end[-4:])
                capped[at + 1] = (capped[at + 1][0], end[:-4] + (first + MAX_RANGE - 1).to_bytes(width, "big"))
    return capped


def install() -> None:
    """Wrap ``CMapParser.do_keyword`` once (idempotent)."""
    if getattr(CMapParser.do_keyword, "capped", False):
        return
    real = CMapParser.do_keyword

    def do_keyword(self, pos, token):
        if token is self.KEYWORD_ENDBFRANGE or token is self.KEYWORD_ENDCIDRANGE:
            self.curstack[:] = _cap(self.curstack)
        return real(self, pos, token)

    do_keyword.capped = True
    CMapParser.do_keyword = do_keyword
