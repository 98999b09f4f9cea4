"""Acronyms a report defines for itself: "Body Worn Footage (BWF)"."""

from __future__ import annotations

import re
from typing import Iterable

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


_DEFINITION = re.compile(
    r"(?P<long>(?:[A-Z][\w'\u2019&-]*|and|of|for|the|in|on|to|&)(?:[ -](?:[A-Z0-9][\w'\u2019&-]*|and|of|for|the|in|on|to|&)){1,9})"
    r"\s*\((?P<acr>[A-Z][A-Za-z0-9&]{1,9})\)"
)


def find_definitions(texts: Iterable[str]) -> dict[str, str]:
    """Acronyms a report defines, "Long Name (ACR)": {"BWF": "Body Worn Footage", ...}."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _DEFINITION.finditer(fold_quotes(text)):
            acronym = match.group("acr")
            words = match.group("long").split()
            # the shortest tail of the capitalised run whose initials give the acronym
            for start in range(len(words) - 1, -1, -1):
                candidate = " ".join(words[start:])
                if words[start][0].isupper() and initials_match(acronym, candidate):
                    found.setdefault(acronym, candidate)
                    break
    return found
