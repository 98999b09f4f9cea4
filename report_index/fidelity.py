"""How much of a PDF's own text became searchable: metrics for scripts/fidelity.py.

The script ingests PDFs, reads each one's text with pdfplumber (``page.extract_text()``) and with
pdfium (``get_text_range()``), and compares. This module holds the comparison, as plain functions
over strings, so that it can be tested without a PDF library:

- ``searchable_text(report)``: what the index holds of a report, in reading order: the report's
  title, body, author and "report of" (the report document), every passage's label and text, each
  heading when it starts, and each table's header cells before the table's first row.
- ``normalise(text)``: NFKC (ligatures spelt out, full-width forms folded), quotes folded as the
  index folds them, ``(cid:N)`` glyph codes and control characters removed.
- ``compare(ours, reference)``: character recall (a multiset of the non-space characters), word
  recall (a multiset of lower-cased ``\\w+`` words), merged words, split words and lines in
  reading order (see ``line_order``), as a ``Comparison``.
- ``judge(ours, references)``: every comparison, and each figure against the reference it comes
  out best against.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from .models import Report
from .text.clean import fold_quotes

__all__ = [
    "Comparison", "char_counts", "compare", "eligible_references", "judge", "line_order", "lines_of", "merged_words",
    "normalise", "recall", "searchable_text", "split_words", "word_spans", "words",
]

_CID = re.compile(r"\(cid:\d+\)")
#: removed: controls (but tab and line ends), soft hyphen, zero-width characters, byte-order marks, pdfium's 0xFFFE
_DROP = {c: None for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xFFFE, 0xFFFF]}
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")

#: a reference line takes part in ``line_order`` when it has at least this many letters and digits
MIN_LINE_CHARS = 12
#: occurrences of one line considered in our text (repeated lines: the first ones)
MAX_LINE_OCCURRENCES = 50


def normalise(text: str) -> str:
    """NFKC, quotes folded, ``(cid:N)`` and control characters removed; line ends kept (``\\r\\n`` -> ``\\n``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CID.sub(" ", text)
    return fold_quotes(unicodedata.normalize("NFKC", text.translate(_DROP)))


def char_counts(text: str) -> Counter:
    """The multiset of the text's non-space characters (of normalised text)."""
    return Counter(_SPACE.sub("", text))


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased words with their offsets."""
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def words(text: str) -> list[str]:
    """Lower-cased ``\\w+`` words, in order."""
    return [m.group().lower() for m in _WORD.finditer(text)]


def recall(ours: Counter, reference: Counter) -> tuple[int, int]:
    """How many of the reference's items (with their counts) ours has: (matched, total)."""
    matched = sum(min(count, ours.get(item, 0)) for item, count in reference.items())
    return matched, sum(reference.values())


def spaced_bigrams(text: str) -> Counter:
    """Adjacent word pairs separated by white space only (not by a hyphen or other mark)."""
    spans = word_spans(text)
    pairs: Counter = Counter()
    for (a, _, a_end), (b, b_start, _) in pairwise(spans):
        if not text[a_end:b_start].strip():
            pairs[(a, b)] += 1
    return pairs


def _judged(word: str) -> bool:
    """A word merging and splitting is judged on: Latin letters and digits, with a letter (figures
    side by side in a table, and scripts written without spaces, would count their neighbours)."""
    return word.isalnum() and all(c.isdigit() or ord(c) < 0x0250 for c in word) and any(c.isalpha() for c in word)


#: longest word looked at for merging or splitting, and most parts
MAX_JOINED_CHARS = 120
MAX_PARTS = 40


def segmentation(word: str, pairs: Counter, vocabulary: set[str], max_parts: int = MAX_PARTS) -> tuple[list[str], int] | None:
    """``word`` as two or more words of ``vocabulary`` written together, each pair of neighbours a
    pair of ``pairs``: the parts, and how often the rarest of those pairs occurs. The most frequent
    segmentation wins (then the one of fewest parts)."""
    # best[i]: for the prefix word[:i], the best (count, parts) ending in each last part
    best: list[dict[str, tuple[int, list[str]]]] = [{} for _ in range(len(word) + 1)]
    for i in range(1, len(word) + 1):
        for j in range(i):
            piece = word[j:i]
            if piece not in vocabulary:
                continue
            if j == 0:
                if i < len(word):
                    best[i][piece] = (1 << 30, [piece])
                continue
            for last, (count, parts) in best[j].items():
                if len(parts) >= max_parts:
                    continue
                joined = min(count, pairs.get((last, piece), 0))
                if joined and joined > best[i].get(piece, (0, []))[0]:
                    best[i][piece] = (joined, parts + [piece])
    found = [(count, parts) for count, parts in best[len(word)].values() if len(parts) >= 2]
    if not found:
        return None
    count, parts = max(found, key=lambda f: (f[0], -len(f[1])))
    return parts, count


def _joined(excess: Counter, pairs: Counter) -> tuple[int, list[dict]]:
    """Of the ``excess`` words, those that are words of ``pairs`` written together."""
    vocabulary = {word for pair in pairs for word in pair}
    total, found = 0, []
    for token, extra in excess.items():
        if len(token) > MAX_JOINED_CHARS or not _judged(token):
            continue
        segmented = segmentation(token, pairs, vocabulary)
        if segmented:
            parts, count = segmented
            n = min(extra, count)
            total += n
            found.append({"word": token, "parts": parts, "count": n})
    found.sort(key=lambda f: (-f["count"], f["word"]))
    return total, found


def merged_words(ours: str, reference: str) -> tuple[int, list[dict]]:
    """Words of ours the reference does not have (beyond its count of them) that are two or more
    reference words written together, where the reference has each two of them side by side with
    only white space between ("childlived" for "child lived"). A line-end hyphen between them in
    the reference ("multi-" / "agency") makes the join a de-hyphenation, not a merge."""
    excess = Counter(words(ours)) - Counter(words(reference))
    return _joined(excess, spaced_bigrams(reference))


def split_words(ours: str, reference: str) -> tuple[int, list[dict]]:
    """Reference words ours does not have (beyond its count of them) that ours has as two or more
    adjacent pieces ("Partner ship" for "Partnership", "P a ge" for "Page")."""
    missing = Counter(words(reference)) - Counter(words(ours))
    return _joined(missing, spaced_bigrams(ours))


def _letters(text: str) -> str:
    """Letters and digits only, case-folded: what ``line_order`` compares."""
    return _NOT_WORD.sub("", text).casefold()


def lines_of(reference: str, min_chars: int = MIN_LINE_CHARS) -> list[str]:
    """The reference's lines as ``line_order`` compares them: letters and digits only,
    case-folded, at least ``min_chars`` of them."""
    out = []
    for line in reference.split("\n"):
        squashed = _letters(line)
        if len(squashed) >= min_chars:
            out.append(squashed)
    return out


def line_order(ours: str, reference: str, min_chars: int = MIN_LINE_CHARS) -> tuple[int, int, int]:
    """Lines in reading order: (in order, found, eligible).

    Every reference line of at least ``min_chars`` letters and digits is looked for in our text,
    both reduced to their letters and digits and case-folded (so that joining lines into
    passages, or a label written "1" for "1.", does not matter). ``found`` counts the lines that occur anywhere; ``in order`` is the largest
    number of them that occur in the reference's order (a longest increasing subsequence of
    their positions, each line at one of its occurrences). The share reported is in order /
    eligible."""
    lines = lines_of(reference, min_chars)
    text = _letters(ours)
    found = 0
    tails: list[int] = []  # patience sorting: tails[k] = the smallest last position of an ordered run of k+1 lines
    for line in lines:
        positions, start = [], 0
        while len(positions) < MAX_LINE_OCCURRENCES:
            at = text.find(line, start)
            if at < 0:
                break
            positions.append(at)
            start = at + 1
        if not positions:
            continue
        found += 1
        # each line takes at most one place in the run: try its occurrences last to first
        for at in reversed(positions):
            k = bisect.bisect_left(tails, at)
            if k == len(tails):
                tails.append(at)
            else:
                tails[k] = at
    return len(tails), found, len(lines)


@dataclass(frozen=True)
class Comparison:
    """Our searchable text against one reference text (both normalised)."""

    chars_matched: int
    chars: int  # the reference's non-space characters
    our_chars: int
    words_matched: int
    words: int  # the reference's words
    our_words: int
    merged: int
    split: int
    lines_in_order: int
    lines_found: int
    lines: int  # eligible reference lines
    merged_examples: list[dict] = field(default_factory=list)
    split_examples: list[dict] = field(default_factory=list)

    @property
    def char_recall(self) -> float | None:
        return self.chars_matched / self.chars if self.chars else None

    @property
    def word_recall(self) -> float | None:
        return self.words_matched / self.words if self.words else None

    @property
    def char_precision(self) -> float | None:
        """The share of our characters the reference has: low when ours repeats or invents text."""
        return self.chars_matched / self.our_chars if self.our_chars else None

    @property
    def line_share(self) -> float | None:
        return self.lines_in_order / self.lines if self.lines else None

    def to_dict(self, examples: int = 10) -> dict:
        return {
            "char_recall": self.char_recall, "word_recall": self.word_recall, "char_precision": self.char_precision,
            "chars": self.chars, "chars_matched": self.chars_matched, "our_chars": self.our_chars,
            "words": self.words, "words_matched": self.words_matched, "our_words": self.our_words,
            "merged": self.merged, "split": self.split,
            "lines": self.lines, "lines_found": self.lines_found, "lines_in_order": self.lines_in_order,
            "line_order": self.line_share,
            "merged_examples": self.merged_examples[:examples], "split_examples": self.split_examples[:examples],
        }


def compare(ours: str, reference: str, *, normalised: bool = False) -> Comparison:
    """Every metric of our text against one reference (normalises both unless told they are)."""
    if not normalised:
        ours, reference = normalise(ours), normalise(reference)
    chars_matched, chars = recall(char_counts(ours), char_counts(reference))
    our_words, ref_words = Counter(words(ours)), Counter(words(reference))
    words_matched, n_words = recall(our_words, ref_words)
    merged, merged_found = merged_words(ours, reference)
    split, split_found = split_words(ours, reference)
    in_order, found, lines = line_order(ours, reference)
    return Comparison(
        chars_matched, chars, sum(char_counts(ours).values()), words_matched, n_words, sum(our_words.values()),
        merged, split, in_order, found, lines, merged_found, split_found,
    )


def eligible_references(comparisons: Mapping[str, Comparison], fuller_share: float = 0.5) -> list[str]:
    """The references a file is judged against: those holding at least ``fuller_share`` of the
    non-space characters, or of the words, of the fullest one. A reader that read almost nothing
    cannot make ours look complete, while one that runs words together (fewer words) or one that
    reads fake-bold text once where the other doubles every letter (fewer characters) still counts."""
    most_chars = max((c.chars for c in comparisons.values()), default=0)
    most_words = max((c.words for c in comparisons.values()), default=0)
    return [name for name, c in comparisons.items()
            if c.words and (c.chars >= fuller_share * most_chars or c.words >= fuller_share * most_words)]


def judge(ours: str, references: Mapping[str, str], fuller_share: float = 0.5) -> dict:
    """Our text against every reference, and each figure taken against the eligible reference
    (``eligible_references``) it comes out best against: the highest char recall, word recall and
    line order, the fewest merged and split words. The counts behind each figure come from the
    same reference (``*_reference`` names it). Empty when no reference has a word."""
    ours = normalise(ours)
    comparisons = {name: compare(ours, normalise(text), normalised=True) for name, text in references.items()}
    names = eligible_references(comparisons, fuller_share)
    out: dict = {"references": {name: c.to_dict() for name, c in comparisons.items()}, "eligible": names}
    if not names:
        return out

    def best(key, higher: bool = True) -> str:  # ties: the first reference given
        return max(names, key=lambda n: ((key(comparisons[n]) if higher else -key(comparisons[n])), -names.index(n)))

    chars = comparisons[best(lambda c: c.char_recall or 0.0)]
    word_name = best(lambda c: c.word_recall or 0.0)
    word = comparisons[word_name]
    merged = comparisons[merged_name := best(lambda c: c.merged, higher=False)]
    split = comparisons[split_name := best(lambda c: c.split, higher=False)]
    lines = comparisons[line_name := best(lambda c: c.line_share or 0.0)]
    out.update(
        reference=word_name,
        char_recall=chars.char_recall, chars=chars.chars, chars_matched=chars.chars_matched, our_chars=chars.our_chars,
        char_precision=chars.char_precision,
        word_recall=word.word_recall, words=word.words, words_matched=word.words_matched, our_words=word.our_words,
        merged=merged.merged, merged_reference=merged_name, merged_examples=merged.merged_examples[:10],
        split=split.split, split_reference=split_name, split_examples=split.split_examples[:10],
        line_order=lines.line_share, lines=lines.lines, lines_found=lines.lines_found,
        lines_in_order=lines.lines_in_order, line_reference=line_name,
    )
    return out


def searchable_text(report: Report, max_pages: int | None = None) -> str:
    """What the index holds of ``report``, in reading order, one part a line.

    The report document's title, body, author and "report of"; then the passages in order, each
    with its own label ("2.5.6", "a)"); before a passage, the headings of its heading path that
    start there, with their numbers, and any heading of the outline that comes before them and
    has no passage of its own; before a table's first passage, its header cells. The headers of
    tables with no passage, and the headings after the last passage, come last. With
    ``max_pages``, passages, tables and headings that start after that page are left out."""

    def within(pages: Iterable[int | None]) -> bool:
        known = [p for p in pages if p]
        return max_pages is None or not known or min(known) <= max_pages

    parts: list[str] = [x for x in (report.title, report.body, report.author, report.report_of) if x]
    sections = report.sections
    next_section = 0  # the outline is in reading order: headings are taken from it in turn

    def heading(text: str) -> None:
        nonlocal next_section
        at = next((i for i in range(next_section, len(sections)) if sections[i].heading == text), None)
        if at is None:  # not in the outline (or already passed): the heading as the passage has it
            parts.append(text)
            return
        for section in sections[next_section:at]:  # headings with no passage of their own
            if within([section.page]):
                parts.append(section.label())
        parts.append(sections[at].label())
        next_section = at + 1

    tables_done: set[int] = set()
    previous: list[str] = []
    for para in report.paragraphs:
        if not within(para.pages):
            continue
        path = list(para.heading_path)
        common = 0
        while common < min(len(path), len(previous)) and path[common] == previous[common]:
            common += 1
        for text in path[common:]:
            heading(text)
        previous = path
        if para.table is not None and para.table not in tables_done and para.table < len(report.tables):
            tables_done.add(para.table)
            header = [cell for cell in report.tables[para.table].header if cell]
            if header:
                parts.append(" ".join(header))
        parts.append(f"{para.label} {para.text}" if para.label else para.text)
    for number, table in enumerate(report.tables):
        if number not in tables_done and within([table.page]):
            header = [cell for cell in table.header if cell]
            if header:
                parts.append(" ".join(header))
    for section in sections[next_section:]:
        if within([section.page]):
            parts.append(section.label())
    return "\n".join(parts)
