"""Sentences: the one splitter every stage uses (initiative mentions, comparisons, quotations).

A sentence ends at ``.``, ``!`` or ``?`` (and any closing quote or bracket) followed by white
space and a capital, a digit or an opening quote, after any reference marks (``[1]``); not after ``e.g.``, ``Dr.``, ``No.`` and the
like, and never leaving a piece of under three characters.
"""

from __future__ import annotations

import re

from .clean import squash

_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|no|nos|dr|mr|mrs|ms|st|cllr|approx|inc|ltd|w/c)\.$", re.I)
#: A reference mark after the stop ("... in 2009. [1] [2] Appleton ...") ends the sentence too.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\u201d\u2019]?(?:\s*\[[^\]\n]{1,20}\])*\s+(?=[\"'(\u201c\u2018]?[A-Z0-9])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of ``text`` starts and ends (offsets into ``text``, white space between
    sentences left out)."""
    spans: list[tuple[int, int]] = []
    start = len(text) - len(text.lstrip())
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + len(match.group(0).rstrip())
        if _ABBREVIATIONS.search(text[start:match.start()].strip()) or len(text[start:end].strip()) < 3:
            continue
        spans.append((start, end))
        start = match.end()
    end = len(text.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences, white space squashed."""
    text = squash(text)
    return [text[start:end].strip() for start, end in sentence_spans(text)]
