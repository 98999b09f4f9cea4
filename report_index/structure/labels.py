"""What a line of a report is by its form: a paragraph number (``2.5.6``) and whether it can
follow the one before, a letter (``a)``), a roman numeral, a bullet, a capitals heading, the end
of a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass


NUMBER_LABEL = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(?P<rest>\S.*)$")


LETTER_LABEL = re.compile(r"^\(?(?P<letter>[A-Za-z])\)\s+(?P<rest>\S.*)$")


ROMAN_LABEL = re.compile(r"^\(?(?P<roman>(?:i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii))\)\s+(?P<rest>\S.*)$")


BULLET = re.compile(r"^[\u2022\u25aa\u25cf\u25e6\u2023\u2043\u00b7\uf0b7\uf0a7\u25a0\u25a1\u2013\-\*o]\s+(?P<rest>\S.*)$")


_TERMINAL = re.compile(r"[.!?:;][\"')\]\u2019\u201d]*$")


@dataclass
class Label:
    kind: str  # "number", "letter", "roman", "bullet" or "" for none
    value: str  # "2.5.6", "a", "ii", ""
    rest: str


def is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) >= 0.85


def ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text.rstrip()))


def clean_heading(text: str) -> str:
    text = text.strip().rstrip("#").strip()
    if text.endswith((".", ":")) and not re.search(r"\b[A-Za-z]\.$", text):
        text = text[:-1].rstrip()
    return text


def number_tuple(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in value.split("."))


def plausible_next(previous: tuple[int, ...] | None, candidate: tuple[int, ...]) -> bool:
    """Whether ``candidate`` can follow ``previous`` in a report's paragraph numbering.

    A child starts at 1 (``2.4`` -> ``2.4.1``); a sibling or an ancestor's sibling goes up by a
    little (numbering sometimes skips one). This tells ``2.4.10`` (a paragraph) from ``15 June``.
    """
    if previous is None:
        return 1 <= candidate[0] <= 9 and all(part <= 2 for part in candidate[1:])
    if len(candidate) == len(previous) + 1 and candidate[:-1] == previous and candidate[-1] in (1, 2):
        return True
    for depth in range(min(len(previous), len(candidate))):
        if candidate[:depth] != previous[:depth]:
            break
        if previous[depth] < candidate[depth] <= previous[depth] + 3 and all(
            part in (1, 2) for part in candidate[depth + 1 :]
        ):
            return True
    return False


def letter_follows(previous: str | None, letter: str) -> str | None:
    """The letter label this is (OCR's ``I)`` after ``k)`` is ``l)``), or None if out of sequence."""
    lower = letter.lower()
    if previous is None:
        return lower if lower == "a" else None
    expected = chr(ord(previous) + 1)
    if lower == expected:
        return lower
    if letter in "Il1" and expected == "l":
        return "l"
    return None
