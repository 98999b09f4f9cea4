"""Small text normalisations shared by reading, structure and search."""

from __future__ import annotations

import re
import unicodedata

#: One character for one character, so offsets into the text stay valid.
_SAME_LENGTH = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
}
_QUOTES_SAME_LENGTH = str.maketrans(_SAME_LENGTH)
_QUOTES = str.maketrans({**_SAME_LENGTH, "\ufb01": "fi", "\ufb02": "fl"})
_SPACES = re.compile(r"\s+")

#: Glyphs that stand for trend arrows, including what extraction makes of Wingdings arrows.
TREND_GLYPHS = {
    "\u21e7": "\u2191",  # ⇧ white up arrow
    "\u21d1": "\u2191",  # ⇑
    "\u2191": "\u2191",  # ↑
    "\u2b06": "\u2191",
    "\u4ed3": "\u2191",  # 仓: a Wingdings up arrow as some PDF converters decode it
    "\u21e9": "\u2193",  # ⇩
    "\u21d3": "\u2193",
    "\u2193": "\u2193",
    "\u2b07": "\u2193",
    "\u21d4": "\u2194",  # ⇔
    "\u2194": "\u2194",
    "\u2b0c": "\u2194",
    "\\Leftrightarrow": "\u2194",
    "\\leftrightarrow": "\u2194",
    "\\Uparrow": "\u2191",
    "\\uparrow": "\u2191",
    "\\Downarrow": "\u2193",
    "\\downarrow": "\u2193",
}


def fold_quotes(text: str) -> str:
    """Curly quotes to straight ones, odd spaces to plain spaces, ligatures spelt out."""
    return text.translate(_QUOTES)


def fold_quotes_in_place(text: str) -> str:
    """Curly quotes to straight ones and odd spaces to plain ones, keeping every offset."""
    return text.translate(_QUOTES_SAME_LENGTH)


def squash(text: str) -> str:
    """Collapse runs of white space to one space and trim."""
    return _SPACES.sub(" ", text).strip()


def normalise(text: str) -> str:
    """Text as stored for a passage: NFC, quotes folded, white space collapsed."""
    return squash(fold_quotes(unicodedata.normalize("NFC", text)))


def normalise_trend_glyphs(cell: str) -> str:
    """Replace known arrow glyphs and their extraction artefacts with plain Unicode arrows."""
    stripped = cell.strip()
    if stripped in TREND_GLYPHS:
        return TREND_GLYPHS[stripped]
    return cell


def comparable(text: str) -> str:
    """Case-folded, quote-folded, space-collapsed: for comparing passages with expectations."""
    return normalise(text).casefold()
