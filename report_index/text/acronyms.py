"""Acronyms a report defines for itself: "Body Worn Footage (BWF)"."""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from .clean import fold_quotes, fold_quotes_in_place


CONNECTORS = {"of", "and", "in", "for", "against", "on", "&"}


def initials_match(acronym: str, long_form: str) -> bool:
    """Whether the acronym's letters are the initials of the long form's words, in order.

    The first letter must start the first word; connectors ("and", "of") and up to two other words
    may be skipped ("WYR&V" = West Yorkshire (Children's) Risk and Vulnerability (Group)).
    """
    letters = [c.lower() for c in acronym if c.isalnum()]
    if len(acronym) > 2 and acronym.endswith("s") and acronym[-2].isupper():
        letters = letters[:-1]
    words = [w for w in re.split(r"[\s\-/]+", fold_quotes_in_place(long_form)) if w and w not in ("&", "'s", "'")]
    if not letters or not words or words[0][0].lower() != letters[0]:
        return False

    def match(i: int, j: int, skipped: int) -> bool:
        if i == len(letters):
            rest = [w for w in words[j:] if w.lower() not in CONNECTORS]
            return skipped + len(rest) <= 2
        if j == len(words):
            return False
        word = words[j]
        if word[0].lower() == letters[i]:
            if match(i + 1, j + 1, skipped):
                return True
            # an acronym word or number inside the long form gives several letters ("CSEA", "2")
        if word.isupper() and len(word) > 1 and "".join(letters[i:i + len(word)]) == word.lower():
            if match(i + len(word), j + 1, skipped):
                return True
        if word.lower() in CONNECTORS:
            return match(i, j + 1, skipped)
        return skipped < 2 and j > 0 and match(i, j + 1, skipped + 1)

    return match(0, 0, 0)


#: An acronym in brackets, as a report defines one after its long form: capitals (digits, ``&``)
#: ending in a capital or digit, perhaps with a plural "s": "(BWF)", "(SPOs)", "(WYR&V)".
ACRONYM_IN_BRACKETS = re.compile(r"\(\s*(?P<acr>[A-Z][A-Za-z0-9&]*[A-Z0-9]s?)\s*\)")
#: The words a long form is made of, up to the bracket: capitalised words and the small words
#: between them.
_LONG_FORM = re.compile(
    r"(?:(?:[A-Z0-9][\w'\u2019&-]*|and|of|for|the|in|on|to|&)[ -]){0,9}(?:[A-Z0-9][\w'\u2019&-]*|and|of|for|the|in|on|to|&)\s*$"
)


def acronym_brackets(text: str) -> Iterator[tuple[str, int, int]]:
    """Each acronym ``text`` defines in brackets: the acronym (a plural "s" dropped) and where
    the bracket starts and ends. The one finder of definitions: ``find_definitions`` and the
    initiatives stage both read them from here."""
    for match in ACRONYM_IN_BRACKETS.finditer(text):
        acronym = match.group("acr")
        if len(acronym) > 2 and acronym.endswith("s") and acronym[-2].isupper():
            acronym = acronym[:-1]
        yield acronym, match.start(), match.end()


def long_form(acronym: str, before: str) -> str | None:
    """The long form an acronym defined right after ``before`` stands for: the shortest run of
    the words ending ``before`` that starts with a capital and whose initials give the acronym."""
    run = _LONG_FORM.search(before)
    if run is None:
        return None
    words = run.group(0).split()
    for start in range(len(words) - 1, -1, -1):
        candidate = " ".join(words[start:])
        if words[start][0].isupper() and initials_match(acronym, candidate):
            return candidate
    return None


def find_definitions(texts: Iterable[str]) -> dict[str, str]:
    """Acronyms a report defines, "Long Name (ACR)": {"BWF": "Body Worn Footage", ...}."""
    found: dict[str, str] = {}
    for text in texts:
        folded = fold_quotes(text)
        for acronym, start, _ in acronym_brackets(folded):
            long = long_form(acronym, folded[:start])
            if long is not None:
                found.setdefault(acronym, long)
    return found
