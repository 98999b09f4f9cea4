"""Two reports side by side: which passages say the same thing, what is new, what was dropped.

Year-on-year reports keep their subjects but not their numbering (``5``, 4th bullet in 2021 is
``2.1 e)`` in 2022), so passages are aligned by what they say:

1. **Similarity.** Every narrative passage (paragraphs and list items; performance-measure rows
   are the ``measures`` command's business) becomes a TF-IDF vector over its words: lower-cased,
   a small stop list dropped, crudely stemmed (:func:`stem`), inverse document frequency taken
   over the passages of both reports. The score of a pair is the cosine of their vectors, plus
   a bonus for similar headings (:data:`HEADING_BONUS` x the Jaccard overlap of the heading
   words) and a bonus for naming the same initiatives (:data:`INITIATIVE_BONUS` x the Jaccard
   overlap of the initiative ids in ``Report.mentions``).
2. **One-to-one assignment.** Greedily, best score first, each passage is paired at most once,
   when the score reaches :data:`PAIR_THRESHOLD` and the words alone (the cosine) reach
   :data:`MIN_CONTENT`: the bonuses break ties, they never make a pair on their own.
3. **Merges and splits.** Reports often merge two bullets into one paragraph or split one. A
   passage left unpaired whose best counterpart is already paired with its neighbour (the
   passage just before or after it, under the same heading) joins that pair when its own score
   reaches :data:`MERGE_THRESHOLD`. One side of a pair is therefore one passage or a run of
   consecutive ones (:class:`Side`).
4. **Sentence diff.** Within a pair, sentences are matched one-to-one by
   ``difflib.SequenceMatcher`` ratio over their words: identical sentences are unchanged, pairs
   with a ratio of at least :data:`SENTENCE_THRESHOLD` are reworded, the rest are *added* (only
   in B) or *removed* (only in A). Figures (:func:`~report_index.initiatives.find_figures`)
   that count the same thing with a different value are *figures changed*
   ("40 -> 120 victims").

A topic keeps the pairs and passages about it: an initiative (by any name, resolved as
``progress`` does) keeps the passages that mention it; other words keep the passages, headings
included, that contain all of them (stemmed loosely). Alignment always runs on the whole
reports, so a passage that stopped naming the topic still finds its counterpart.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from .errors import ReportIndexError
from .models import Initiative, Paragraph, Report
from .text.clean import fold_quotes, squash
from .initiatives import figures as _figures
from .initiatives.figures import FigureChange, find_figures
from .initiatives.identity import identities, with_identity
from .text.sentences import sentences

#: Passage kinds compared as narrative.
NARRATIVE_KINDS = ("paragraph", "list_item")
#: Weight of the heading overlap (0..1) added to the cosine.
HEADING_BONUS = 0.1
#: Weight of the overlap of initiatives mentioned (0..1) added to the cosine.
INITIATIVE_BONUS = 0.2
#: Least score for a pair.
PAIR_THRESHOLD = 0.3
#: Least cosine for a pair or a merge: the words themselves must be similar.
MIN_CONTENT = 0.15
#: Least score for a neighbouring passage to join its neighbour's pair.
MERGE_THRESHOLD = 0.2
#: Least word-level SequenceMatcher ratio for two sentences to be the same sentence reworded.
SENTENCE_THRESHOLD = 0.5

STOP_WORDS = frozenset(
    """a about also an and any are as at be been being but by can could did do does for from had has have he her
    his i if in into is it its may might more most must no not of on or our she should so such than that the their
    them then there these they this those to under up upon us was we were what when where which while who whom
    will with would you your""".split()
)

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def stem(word: str) -> str:
    """A crude stem, enough to match word forms: ``meetings``/``meeting``/``meet``, ``services``/``service``."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """The content words of ``text``, stemmed: what similarity and topics are computed over."""
    return [stem(w) for w in _WORD.findall(fold_quotes(text).lower()) if w not in STOP_WORDS and len(w) > 1]


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Side:
    """One side of an aligned pair: a passage, or consecutive passages a later report merged
    (or an earlier one split)."""

    report: Report
    passages: tuple[Paragraph, ...]

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.passages)

    @property
    def first(self) -> Paragraph:
        return self.passages[0]

    @property
    def page(self) -> int | None:
        return next((p.page for p in self.passages if p.page is not None), None)

    @property
    def pages(self) -> list[int]:
        return sorted({page for p in self.passages for page in p.pages})

    def passage_of(self, sentence: str) -> Paragraph:
        """The passage a sentence of :attr:`text` comes from (for citing it)."""
        wanted = squash(sentence)
        return next((p for p in self.passages if wanted in squash(p.text)), self.first)

    def to_dict(self) -> dict:
        first = self.first
        return {
            "section": first.section,
            "heading": " > ".join(first.heading_path),
            "text": self.text,
            "page": self.page,
            "pages": self.pages,
            "citation": citation_number(self.report, *self.passages),
            "ordinals": [p.ordinal for p in self.passages],
        }


@dataclass(frozen=True)
class Reworded:
    """A sentence of A and the sentence of B it became."""

    a: str
    b: str
    similarity: float


@dataclass(frozen=True)
class AlignedPair:
    """A passage of A and its counterpart in B, with what changed between them."""

    a: Side
    b: Side
    similarity: float
    added: tuple[str, ...] = ()  # sentences only in B
    removed: tuple[str, ...] = ()  # sentences only in A
    reworded: tuple[Reworded, ...] = ()
    unchanged: int = 0  # sentences in both, word for word
    figures_changed: tuple[FigureChange, ...] = ()
    initiatives: tuple[str, ...] = ()  # ids both sides mention

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.reworded or self.figures_changed)

    def to_dict(self) -> dict:
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "similarity": round(self.similarity, 3),
            "changed": self.changed,
            "added": list(self.added),
            "removed": list(self.removed),
            "reworded": [{"a": r.a, "b": r.b, "similarity": round(r.similarity, 3)} for r in self.reworded],
            "unchanged_sentences": self.unchanged,
            "figures_changed": [f.to_dict() for f in self.figures_changed],
            "initiatives": list(self.initiatives),
        }


@dataclass(frozen=True)
class InitiativeChange:
    """An initiative one report mentions and the other does not, with where it is first mentioned."""

    initiative: Initiative
    report: Report
    mentions: int
    first: Paragraph | None

    def to_dict(self) -> dict:
        return {
            "id": self.initiative.id,
            "name": self.initiative.name,
            "kind": self.initiative.kind,
            "mentions": self.mentions,
            "section": self.first.section if self.first else None,
            "page": self.first.page if self.first else None,
            "citation": citation_number(self.report, self.first) if self.first else "",
        }


@dataclass(frozen=True)
class Topic:
    """What ``--topic`` asked for: an initiative, or words."""

    query: str
    initiative: Initiative | None = None
    words: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        item = self.initiative
        return {
            "query": self.query,
            "initiative": {"id": item.id, "name": item.name, "aliases": item.aliases} if item else None,
            "words": list(self.words),
        }


@dataclass
class Comparison:
    """Everything ``compare`` found, in the reading order of report B (then A)."""

    a: Report
    b: Report
    pairs: list[AlignedPair] = field(default_factory=list)
    only_a: list[Side] = field(default_factory=list)
    only_b: list[Side] = field(default_factory=list)
    initiatives_only_a: list[InitiativeChange] = field(default_factory=list)
    initiatives_only_b: list[InitiativeChange] = field(default_factory=list)
    topic: Topic | None = None

    @property
    def changed_pairs(self) -> list[AlignedPair]:
        return [p for p in self.pairs if p.changed]

    @property
    def unchanged_pairs(self) -> list[AlignedPair]:
        return [p for p in self.pairs if not p.changed]

    def sections(self) -> list[tuple[str, str, int]]:
        """Which heading of A corresponds to which heading of B, with how many pairs say so."""
        counts: Counter[tuple[str, str]] = Counter()
        for pair in self.pairs:
            counts[(" > ".join(pair.a.first.heading_path), " > ".join(pair.b.first.heading_path))] += 1
        return [(a, b, n) for (a, b), n in counts.most_common()]

    def to_dict(self) -> dict:
        return {
            "a": report_summary(self.a),
            "b": report_summary(self.b),
            "topic": self.topic.to_dict() if self.topic else None,
            "sections": [{"a": a, "b": b, "pairs": n} for a, b, n in self.sections()],
            "pairs": [pair.to_dict() for pair in self.pairs],
            "only_a": [side.to_dict() for side in self.only_a],
            "only_b": [side.to_dict() for side in self.only_b],
            "initiatives_only_a": [item.to_dict() for item in self.initiatives_only_a],
            "initiatives_only_b": [item.to_dict() for item in self.initiatives_only_b],
        }


def report_summary(report: Report) -> dict:
    return {"id": report.id, "title": report.title, "date": report.date, "body": report.body, "source": report.source}


def citation_number(report: Report, *passages: Paragraph) -> str:
    """Where passages are in their report, as a reader would cite them: ``para 2.1 e)``,
    ``para 5, bullet 3``, ``para 5, bullets 3-4``, or the heading when there is no number."""
    if not passages:
        return ""
    first, last = passages[0], passages[-1]
    if not first.section:
        return f"under \u201c{first.heading}\u201d" if first.heading else "before the first heading"
    where = f"para {first.section}"
    if first.kind == "list_item" and first.label is None:
        bullets = [_bullet_number(report, p) for p in passages if p.kind == "list_item" and p.label is None]
        if len(bullets) > 1 and bullets[0] != bullets[-1]:
            return f"{where}, bullets {bullets[0]}-{bullets[-1]}"
        return f"{where}, bullet {bullets[0]}"
    if last.section and last.section != first.section:
        return f"paras {first.section} to {last.section}"
    return where


def _bullet_number(report: Report, passage: Paragraph) -> int:
    same = [p for p in report.paragraphs if p.kind == "list_item" and p.label is None and p.section == passage.section]
    return next((n for n, p in enumerate(same, 1) if p.ordinal == passage.ordinal), 1)


# --------------------------------------------------------------------------------------------
# Similarity


class _Vectoriser:
    """Unit TF-IDF vectors: sublinear term frequency, idf smoothed over the passages of both reports."""

    def __init__(self, documents: list[list[str]]):
        df = Counter(term for tokens in documents for term in set(tokens))
        n = len(documents)
        self.idf = {term: math.log((1 + n) / (1 + d)) + 1.0 for term, d in df.items()}

    def __call__(self, tokens: list[str]) -> dict[str, float]:
        vec = {term: (1.0 + math.log(tf)) * self.idf.get(term, 1.0) for term, tf in Counter(tokens).items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {term: v / norm for term, v in vec.items()}


def cosine(x: dict[str, float], y: dict[str, float]) -> float:
    if len(x) > len(y):
        x, y = y, x
    return sum(weight * y.get(term, 0.0) for term, weight in x.items())


def _jaccard(x: set, y: set) -> float:
    return len(x & y) / len(x | y) if x and y else 0.0


def narrative(report: Report) -> list[Paragraph]:
    return [p for p in report.paragraphs if p.kind in NARRATIVE_KINDS and p.text.strip()]


def _mentioned(report: Report) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for mention in report.mentions:
        found.setdefault(mention.paragraph, set()).add(mention.initiative)
    return found


@dataclass
class PassageScores:
    """Pairwise scores of the narrative passages of A (rows) and B (columns); :meth:`best_pairs`
    shows what the alignment worked from when a match looks wrong."""

    a: list[Paragraph]
    b: list[Paragraph]
    content: list[list[float]]  # the cosine alone
    total: list[list[float]]  # with the bonuses
    vectorise: _Vectoriser
    mentions_a: dict[int, set[str]]
    mentions_b: dict[int, set[str]]

    def valid(self, i: int, j: int, threshold: float) -> bool:
        return self.total[i][j] >= threshold and self.content[i][j] >= MIN_CONTENT

    def best_for_a(self, i: int, threshold: float) -> int | None:
        """The best counterpart in B of passage ``i`` of A that reaches ``threshold`` and :data:`MIN_CONTENT`."""
        found = [j for j in range(len(self.b)) if self.valid(i, j, threshold)]
        return max(found, key=lambda j: (self.total[i][j], -j)) if found else None

    def best_for_b(self, j: int, threshold: float) -> int | None:
        found = [i for i in range(len(self.a)) if self.valid(i, j, threshold)]
        return max(found, key=lambda i: (self.total[i][j], -i)) if found else None

    def best_pairs(self, limit: int = 20) -> list[tuple[float, float, Paragraph, Paragraph]]:
        """The ``limit`` best-scoring pairs as (score, cosine, passage of A, passage of B)."""
        ranked = sorted(
            ((self.total[i][j], self.content[i][j], i, j) for i in range(len(self.a)) for j in range(len(self.b))),
            key=lambda item: (-item[0], item[2], item[3]),
        )
        return [(total, content, self.a[i], self.b[j]) for total, content, i, j in ranked[:limit]]

    def score(self, a: list[Paragraph], b: list[Paragraph]) -> float:
        """The score of two runs of passages, each read as one text."""
        return _score(
            self.vectorise(words(" ".join(p.text for p in a))),
            self.vectorise(words(" ".join(p.text for p in b))),
            set(words(" ".join(a[0].heading_path))),
            set(words(" ".join(b[0].heading_path))),
            set().union(*(self.mentions_a.get(p.ordinal, set()) for p in a)),
            set().union(*(self.mentions_b.get(p.ordinal, set()) for p in b)),
        )[1]


def _score(va, vb, heading_a: set, heading_b: set, initiatives_a: set, initiatives_b: set) -> tuple[float, float]:
    """(cosine, cosine with the heading and initiative bonuses, at most 1)."""
    content = cosine(va, vb)
    bonus = HEADING_BONUS * _jaccard(heading_a, heading_b) + INITIATIVE_BONUS * _jaccard(initiatives_a, initiatives_b)
    return content, min(1.0, content + bonus)


def score_passages(a: Report, b: Report) -> PassageScores:
    """Scores of every narrative passage of ``a`` against every one of ``b``."""
    pa, pb = narrative(a), narrative(b)
    tokens = [words(p.text) for p in pa + pb]
    vectorise = _Vectoriser(tokens)
    vectors = [vectorise(t) for t in tokens]
    va, vb = vectors[: len(pa)], vectors[len(pa):]
    heads_a = [set(words(" ".join(p.heading_path))) for p in pa]
    heads_b = [set(words(" ".join(p.heading_path))) for p in pb]
    ment_a, ment_b = _mentioned(a), _mentioned(b)
    inits_a = [ment_a.get(p.ordinal, set()) for p in pa]
    inits_b = [ment_b.get(p.ordinal, set()) for p in pb]
    content: list[list[float]] = []
    total: list[list[float]] = []
    for i in range(len(pa)):
        scored = [_score(va[i], vb[j], heads_a[i], heads_b[j], inits_a[i], inits_b[j]) for j in range(len(pb))]
        content.append([c for c, _ in scored])
        total.append([t for _, t in scored])
    return PassageScores(pa, pb, content, total, vectorise, ment_a, ment_b)


def _assign(scores: PassageScores) -> list[tuple[list[int], list[int], float]]:
    """Greedy one-to-one pairs, then neighbours merged in: [(A indexes, B indexes, score)]."""
    candidates = [
        (scores.total[i][j], i, j)
        for i in range(len(scores.a))
        for j in range(len(scores.b))
        if scores.valid(i, j, PAIR_THRESHOLD)
    ]
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    groups: list[tuple[list[int], list[int], float]] = []
    group_of_a: dict[int, int] = {}
    group_of_b: dict[int, int] = {}
    for score, i, j in candidates:
        if i in group_of_a or j in group_of_b:
            continue
        group_of_a[i] = group_of_b[j] = len(groups)
        groups.append(([i], [j], score))

    def neighbour_groups(passages: list[Paragraph], index: int, owner: dict[int, int]) -> set[int]:
        """The groups of the passages just before and after ``index`` under the same heading."""
        here = passages[index]
        return {
            owner[other]
            for other in (index - 1, index + 1)
            if other in owner
            and abs(passages[other].ordinal - here.ordinal) == 1
            and passages[other].heading_path == here.heading_path
        }

    merged = True
    while merged:  # a run of neighbours can join one after another
        merged = False
        for i in range(len(scores.a)):
            j = None if i in group_of_a else scores.best_for_a(i, MERGE_THRESHOLD)
            if j is not None and j in group_of_b and group_of_b[j] in neighbour_groups(scores.a, i, group_of_a):
                groups[group_of_b[j]][0].append(i)
                group_of_a[i] = group_of_b[j]
                merged = True
        for j in range(len(scores.b)):
            i = None if j in group_of_b else scores.best_for_b(j, MERGE_THRESHOLD)
            if i is not None and i in group_of_a and group_of_a[i] in neighbour_groups(scores.b, j, group_of_b):
                groups[group_of_a[i]][1].append(j)
                group_of_b[j] = group_of_a[i]
                merged = True
    out = []
    for ia, ib, score in groups:
        ia, ib = sorted(ia), sorted(ib)
        if len(ia) > 1 or len(ib) > 1:
            score = scores.score([scores.a[i] for i in ia], [scores.b[j] for j in ib])
        out.append((ia, ib, score))
    return out


# --------------------------------------------------------------------------------------------
# Sentences and figures

def _sentence_words(sentence: str) -> list[str]:
    return _WORD.findall(fold_quotes(sentence).lower())


def diff_sentences(a: str, b: str) -> tuple[list[str], list[str], list[Reworded], int]:
    """(added, removed, reworded, unchanged count) between the sentences of ``a`` and ``b``."""
    sa, sb = sentences(a), sentences(b)
    wa, wb = [_sentence_words(s) for s in sa], [_sentence_words(s) for s in sb]
    candidates = []
    for i, x in enumerate(wa):
        for j, y in enumerate(wb):
            ratio = 1.0 if x == y else difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()
            if ratio >= SENTENCE_THRESHOLD:
                candidates.append((ratio, i, j))
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    match_a: dict[int, tuple[int, float]] = {}
    taken_b: set[int] = set()
    for ratio, i, j in candidates:
        if i in match_a or j in taken_b:
            continue
        match_a[i] = (j, ratio)
        taken_b.add(j)
    removed = [s for i, s in enumerate(sa) if i not in match_a]
    added = [s for j, s in enumerate(sb) if j not in taken_b]
    reworded = [
        Reworded(sa[i], sb[j], ratio) for i, (j, ratio) in sorted(match_a.items()) if wa[i] != wb[j]
    ]
    unchanged = sum(1 for i, (j, _) in match_a.items() if wa[i] == wb[j])
    return added, removed, reworded, unchanged


def figure_changes(a: str, b: str) -> list[FigureChange]:
    """The figures of passages ``a`` and ``b`` that count the same thing with another value
    (``initiatives.figures.figure_changes``, as the progress timeline compares them)."""
    return _figures.figure_changes(find_figures(a), find_figures(b))


# --------------------------------------------------------------------------------------------
# Topics


def resolve_topic(query: str, initiatives: list[Initiative]) -> Topic:
    """An initiative when ``query`` names one (any alias, any case), else the query's words."""
    from .initiatives.gazetteer import resolve

    if not squash(query):
        raise ReportIndexError("the topic is empty: give an initiative (\"WYASP\") or words (\"modern slavery\").")
    found = resolve(query, initiatives)
    if found is not None:
        return Topic(query, initiative=found)
    terms = tuple(dict.fromkeys(words(query)))
    if not terms:
        raise ReportIndexError(
            f"the topic '{query}' has only common words to look for; give an initiative or more specific words."
        )
    return Topic(query, words=terms)


def _about(topic: Topic, passages: tuple[Paragraph, ...], mentioned: dict[int, set[str]]) -> bool:
    if topic.initiative is not None:
        return any(topic.initiative.id in mentioned.get(p.ordinal, set()) for p in passages)
    found: set[str] = set()
    for passage in passages:
        found.update(words(passage.text + " " + " ".join(passage.heading_path)))
    return all(term in found for term in topic.words)


# --------------------------------------------------------------------------------------------
# Comparing


def compare_reports(
    a: Report, b: Report, initiatives: list[Initiative] | None = None, topic: str | None = None
) -> Comparison:
    """Align the narrative passages of ``a`` and ``b`` and say what changed (see the module notes).

    ``initiatives`` are the known initiatives (``progress.known_initiatives``): they resolve a
    topic that names one, and name the initiatives only one report mentions.
    """
    if a.id == b.id:
        raise ReportIndexError(
            f"both reports are {a.id}: compare two different reports (`report-index reports` lists them)."
        )
    known = list(initiatives or [])
    for report in (a, b):
        known_ids = {item.id for item in known}
        known.extend(item for item in report.discovered if item.id not in known_ids)
    # one initiative under all its names, as in the progress timeline
    same = identities(known, (a, b))
    a, b = with_identity(a, same), with_identity(b, same)
    wanted = resolve_topic(topic, known) if topic is not None else None
    if wanted is not None and wanted.initiative is not None:
        wanted = replace(wanted, initiative=next((i for i in known if i.id == same.get(wanted.initiative.id)), wanted.initiative))

    scores = score_passages(a, b)
    ment_a, ment_b = _mentioned(a), _mentioned(b)
    pairs: list[AlignedPair] = []
    paired_a: set[int] = set()
    paired_b: set[int] = set()
    for ia, ib, score in _assign(scores):
        side_a = Side(a, tuple(scores.a[i] for i in ia))
        side_b = Side(b, tuple(scores.b[j] for j in ib))
        paired_a.update(p.ordinal for p in side_a.passages)
        paired_b.update(p.ordinal for p in side_b.passages)
        if wanted and not (_about(wanted, side_a.passages, ment_a) or _about(wanted, side_b.passages, ment_b)):
            continue
        added, removed, reworded, unchanged = diff_sentences(side_a.text, side_b.text)
        shared = set().union(*(ment_a.get(p.ordinal, set()) for p in side_a.passages)) & set().union(
            *(ment_b.get(p.ordinal, set()) for p in side_b.passages)
        )
        pairs.append(
            AlignedPair(
                a=side_a,
                b=side_b,
                similarity=score,
                added=tuple(added),
                removed=tuple(removed),
                reworded=tuple(reworded),
                unchanged=unchanged,
                figures_changed=tuple(figure_changes(side_a.text, side_b.text)),
                initiatives=tuple(sorted(shared)),
            )
        )
    pairs.sort(key=lambda pair: (pair.b.first.ordinal, pair.a.first.ordinal))
    only_a = [Side(a, (p,)) for p in scores.a if p.ordinal not in paired_a]
    only_b = [Side(b, (p,)) for p in scores.b if p.ordinal not in paired_b]
    if wanted:
        only_a = [s for s in only_a if _about(wanted, s.passages, ment_a)]
        only_b = [s for s in only_b if _about(wanted, s.passages, ment_b)]
        kept_a = {p.ordinal for pair in pairs for p in pair.a.passages} | {s.first.ordinal for s in only_a}
        kept_b = {p.ordinal for pair in pairs for p in pair.b.passages} | {s.first.ordinal for s in only_b}
    else:
        kept_a = kept_b = None
    by_id = {item.id: item for item in known}
    return Comparison(
        a=a,
        b=b,
        pairs=pairs,
        only_a=only_a,
        only_b=only_b,
        initiatives_only_a=_initiatives_only(a, b, by_id, kept_a),
        initiatives_only_b=_initiatives_only(b, a, by_id, kept_b),
        topic=wanted,
    )


def _initiatives_only(report: Report, other: Report, by_id: dict[str, Initiative], kept: set[int] | None) -> list[InitiativeChange]:
    """Initiatives ``report`` mentions (in the ``kept`` passages, when a topic keeps some) and
    ``other`` never does, in order of first mention."""
    elsewhere = {m.initiative for m in other.mentions}
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for mention in report.mentions:
        if mention.initiative in elsewhere or (kept is not None and mention.paragraph not in kept):
            continue
        counts[mention.initiative] += 1
        first.setdefault(mention.initiative, mention.paragraph)
    paragraphs = {p.ordinal: p for p in report.paragraphs}
    out = []
    for ident in sorted(first, key=lambda key: (first[key], key)):
        item = by_id.get(ident) or Initiative(id=ident, name=ident.replace("-", " "))
        out.append(InitiativeChange(item, report, counts[ident], paragraphs.get(first[ident])))
    return out
