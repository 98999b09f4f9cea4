"""Text fingerprints: whether two files hold the same report in other bytes (a PDF re-saved by
another program, printed to PDF again, or the same report as PDF and as a Word document).

A fingerprint keeps a sketch of the report's wording (the smallest hashes of its runs of five
words: a bottom-k MinHash, so two sketches estimate how much of their wording two reports share)
and a digest of every number in it. Two reports are the same text when they share at least
``SAME_WORDING`` of their wording by that estimate, have about as many words, and hold the same
numbers: layout, line breaks, page furniture and file format may differ, a single figure may not,
so a corrected re-issue of a report, or next quarter's report written from the same template, is
never taken for a copy. Reports of fewer than ``MIN_WORDS`` words are never the same text.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

#: Words in a run (a shingle).
RUN = 5
#: Hashes kept in a sketch.
SKETCH_SIZE = 128
#: Share of wording (estimated Jaccard similarity of the runs) from which two reports are the same text.
SAME_WORDING = 0.9
#: Two reports this far apart in length are not the same text, whatever their sketches say.
LENGTH_RATIO = 0.85
#: Reports shorter than this are compared by their bytes only: two cover sheets that both say
#: "Exempt information: not for publication" are different papers.
MIN_WORDS = 50

_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class TextPrint:
    """What two reports are compared by: their number of words, a digest of their numbers and
    the sketch of their wording (sorted hashes)."""

    words: int
    numbers: str
    sketch: tuple[int, ...]

    def wording_shared(self, other: TextPrint) -> float:
        """The estimated share of their runs of words two reports have in common (0 to 1)."""
        if not self.sketch or not other.sketch:
            return 0.0
        mine, theirs = set(self.sketch), set(other.sketch)
        union = heapq.nsmallest(SKETCH_SIZE, mine | theirs)
        return sum(1 for value in union if value in mine and value in theirs) / len(union)

    def same_text(self, other: TextPrint) -> bool:
        if min(self.words, other.words) < MIN_WORDS or self.numbers != other.numbers:
            return False
        if min(self.words, other.words) < LENGTH_RATIO * max(self.words, other.words):
            return False
        return self.wording_shared(other) >= SAME_WORDING

    def dumps(self) -> str:
        """As the index stores it."""
        return f"{self.words}:{self.numbers}:" + ",".join(f"{value:x}" for value in self.sketch)

    @classmethod
    def loads(cls, text: str) -> TextPrint | None:
        """What ``dumps`` made; None for anything else (an index written before prints were kept)."""
        try:
            words, numbers, sketch = text.split(":", 2)
            return cls(int(words), numbers, tuple(int(value, 16) for value in sketch.split(",") if value))
        except (AttributeError, ValueError):
            return None


def words_of(text: str) -> list[str]:
    """The words of ``text`` as fingerprints compare them: compatibility-folded, case-folded,
    punctuation and spacing left out."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def text_print(texts: Iterable[str]) -> TextPrint:
    """The fingerprint of a report whose text, in reading order, is ``texts``."""
    words: list[str] = []
    for text in texts:
        words.extend(words_of(text))
    numbers = Counter(word for word in words if _DIGIT.search(word))
    digest = hashlib.blake2b(
        "\n".join(f"{number} {count}" for number, count in sorted(numbers.items())).encode(), digest_size=8
    ).hexdigest()
    runs = {" ".join(words[i:i + RUN]) for i in range(max(1, len(words) - RUN + 1))} if words else set()
    hashes = (int.from_bytes(hashlib.blake2b(run.encode(), digest_size=8).digest(), "big") for run in runs)
    return TextPrint(len(words), digest, tuple(heapq.nsmallest(SKETCH_SIZE, hashes)))


class TextPrints:
    """The fingerprints of the reports an ingest knows, by source, and which one a new report copies."""

    def __init__(self) -> None:
        self._prints: dict[str, TextPrint] = {}
        self._by_hash: dict[int, set[str]] = {}

    def add(self, source: str, fingerprint: TextPrint | None) -> None:
        if fingerprint is None or not fingerprint.words:
            return
        self.discard(source)
        self._prints[source] = fingerprint
        for value in fingerprint.sketch:
            self._by_hash.setdefault(value, set()).add(source)

    def discard(self, source: str) -> None:
        old = self._prints.pop(source, None)
        for value in old.sketch if old else ():
            holders = self._by_hash.get(value)
            if holders is not None:
                holders.discard(source)
                if not holders:
                    del self._by_hash[value]

    def twin(self, fingerprint: TextPrint | None, *, besides: str = "") -> str | None:
        """The source of a known report with the same text as ``fingerprint`` (not ``besides``,
        the file's own earlier version), the one sharing most wording; None if there is none."""
        if fingerprint is None or not fingerprint.words:
            return None
        shared = Counter(source for value in fingerprint.sketch for source in self._by_hash.get(value, ()))
        # the same text shares most of its sketch: fewer than half in common is never SAME_WORDING
        wanted = len(fingerprint.sketch) // 2
        for source, _ in shared.most_common():
            if shared[source] < wanted:
                break
            if source != besides and fingerprint.same_text(self._prints[source]):
                return source
        return None


def report_print(report) -> TextPrint:
    """The fingerprint of a ``models.Report``: its headings and passages, in order. Not its title,
    which may come from the file name or metadata.csv rather than the text."""
    return text_print([*(section.heading for section in report.sections), *(p.text for p in report.paragraphs)])
