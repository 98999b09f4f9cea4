"""Ranking a query's passages as Whoosh ranks them, a posting list at a time where it can.

Whoosh scores a query one document at a time: a tree of matchers steps through every matching
document, in Python, and the collector keeps the best. Its results are not a pure function of
the documents' BM25F scores, because the collector *replaces* the matcher tree as it goes (before
the first document, every tenth document, and whenever the lowest score in its top N rises):

- a sub-matcher that has run out of postings is dropped from its OR, and the OR's coordination
  bonus (``CoordMatcher``, the query parser's ``OrGroup`` scale) is recomputed with fewer terms:
  a one-word query is an OR of the word in the text and in the headings, scaled, and once the
  heading postings of a segment have run out (or where there were none) its scores are
  ``(termcount - 1) / termcount = 0`` times BM25F, that is 0.0;
- once the top N is full, branches that can no longer reach its lowest score (by their maximum
  quality) are turned into intersections, "and maybe" matchers or nothing, which skips passages
  and, in an ``AndMaybeMatcher`` moved by ``skip_to``, can leave its optional part behind a
  passage it holds (so its score is not added).

This module reproduces that exactly. Each segment's query is built as the same tree of matchers
(``_Leaf``, ``_Union``, ``_Intersection``, ``_AndMaybe``, ``_AndNot``, ``_Coord``, ...: each
method a transcription of Whoosh's), over postings read a block at a time and scored in one pass
(``whoosh.scoring.bm25``, the same floats). The collector loop is Whoosh's ``TopCollector`` with
``optimize=False``. Stepping through every document in Python would cost what Whoosh costs, so
while the tree's matchers stand where a simple rule puts them (each at its first match at or
after its parent's document: this fails where an "and maybe" matcher is moved by ``skip_to``, or
an AND NOT has just been built with its negative part behind) and the tree has stayed as it was
at its last replacement, the documents up to the next replacement that can change the tree are
scored as sets (a dictionary per node), and only those that can enter the top N are looked at
one by one. Elsewhere the matchers step through the documents as Whoosh's do. Phrases are
checked on the positions of the documents that hold all their words, with the span rules of
Whoosh's ``SpanNear2``.

Only the query shapes the query parser gives for search words are handled: terms, OR (with its
coordination ``scale``, where Whoosh uses its binary tree of unions), AND, AND NOT, phrases (with
slop), boosts. ``rank`` returns None for anything else (wildcards, ranges, fuzzy terms, an OR that
Whoosh would preload into an array...), and the caller lets Whoosh run the query.
``tests/test_ranking_differential.py`` compares both on random queries over a multi-segment index.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field
from heapq import heappush, heapreplace
from itertools import accumulate, repeat
from operator import add, mul
from pickle import loads

from whoosh.matching import (
    AndMaybeMatcher,
    AndNotMatcher,
    CoordMatcher,
    IntersectionMatcher,
    NullMatcherClass,
    UnionMatcher,
    WrappingMatcher,
)
from whoosh.query import And, AndNot, NullQuery, Or, Phrase, Term, TermRange
from whoosh.query.spans import SpanNear2
from whoosh.system import _INT_SIZE

#: past every document number (a position that leaves a matcher exhausted)
_END = float("inf")
#: the score of a passage the filter or the mask leaves out (never enters the top N)
_HIDDEN = float("-inf")
#: no document has a count of matching terms other than one
_NONE: dict = {}
#: Whoosh's ``ScoredCollector(replace=10)``: the tree is replaced every tenth document
_REPLACE_EVERY = 10
#: ``Or.TOO_MANY_CLAUSES``
_TOO_MANY_CLAUSES = 1024
#: whether documents are scored as sets where that gives what stepping through them gives (the
#: tests turn it off to compare the two)
SET_AT_A_TIME = True


@dataclass
class Ranked:
    top: list[tuple[float, int]]  # (score, docnum), best first, as Whoosh's collector gives them
    total: int  # every passage that matches, filters applied
    #: the (field, word) terms found in matching passages, as Whoosh's ``terms=True`` records them
    matched_terms: set[tuple[str, bytes]] = field(default_factory=set)


class Unsupported(Exception):
    """A query node this module does not evaluate; Whoosh runs the query instead."""


def rank(searcher, query, limit: int, allow=None, deny=None, text_field: str = "text") -> Ranked | None:
    """The ``limit`` best passages for ``query``, as ``searcher.search(query, limit=limit,
    filter=allow, mask=deny, optimize=False)`` ranks them, and how many match; None when the
    query has a shape this module leaves to Whoosh. ``allow`` and ``deny`` are sets of docnums
    (the filter and the mask)."""
    deny = deny or None  # Whoosh applies no mask for an empty one
    collector = _Collector(limit, unlimited=limit >= searcher.doc_count())
    total = 0
    matched: set[tuple[str, bytes]] = set()
    for leaf, offset in searcher.leaf_searchers():
        segment = _Segment(leaf, offset, allow, deny)
        try:
            root = _Builder(segment).matcher(query)
        except Unsupported:
            return None
        alive = segment.visible(root.matches())
        total += len(alive)
        _record_terms(root, alive, matched, text_field)
        # (even with no match: an AndNotMatcher can yield a document its negative part holds)
        _collect_segment(segment, root, collector)
    return Ranked(top=collector.results(), total=total, matched_terms=matched)


def documents(searcher, query) -> set[int] | None:
    """The document numbers a filter query matches (terms, term ranges, AND and OR of them),
    read from the postings; None for other queries."""
    found: set[int] = set()
    for leaf, offset in searcher.leaf_searchers():
        local = _documents(leaf.reader(), query)
        if local is None:
            return None
        found.update(offset + doc for doc in local) if offset else found.update(local)
    return found


def _documents(reader, query) -> set[int] | None:
    if type(query) is Term:
        terms = [(query.fieldname, query.text)]
    elif type(query) is TermRange:
        terms = [(query.fieldname, text) for text in query._btexts(reader)]
    elif type(query) in (And, Or):
        parts = [_documents(reader, q) for q in query.subqueries]
        if not parts or any(p is None for p in parts):
            return None
        return set.intersection(*parts) if type(query) is And else set.union(*parts)
    else:
        return None
    found: set[int] = set()
    for fieldname, text in terms:
        if fieldname not in reader.schema:
            return None
        btext = text if isinstance(text, bytes) else reader.schema[fieldname].to_bytes(text)
        if (fieldname, btext) in reader:
            found.update(_postings(reader, fieldname, btext)[0])
    return found


def _record_terms(node, alive: set, out: set, fieldname: str) -> None:
    """Whoosh records a term for a document when the term's matcher stands on it as the document
    is collected: the term is in it and so is every node above the term (a phrase's words count
    only where the phrase matches; what an AND NOT excludes never). ``alive``: the collected
    documents this node may be on. Only terms of ``fieldname`` are looked for."""
    if node.TERMS is not None:  # a term or a phrase
        if node.terms[0][0] == fieldname and not alive.isdisjoint(node.matches()):
            out.update(node.terms)
        return
    if type(node) in (_Union, _Wrap, _Coord):  # what a child matches, the node matches
        for child in node.children():
            _record_terms(child, alive, out, fieldname)
        return
    if type(node) is _AndMaybe:
        _record_terms(node.a, alive, out, fieldname)
    here = alive & node.matches()
    if here:
        for child in node.scored_children():
            if not (type(node) is _AndMaybe and child is node.a):
                _record_terms(child, here, out, fieldname)


# --------------------------------------------------------------------------------------------
# The collector


class _Collector:
    """Whoosh's ``TopCollector`` (or, when the limit reaches the document count, its
    ``UnlimitedCollector``): a heap of (score, -docnum) and the lowest score in it once full."""

    def __init__(self, limit: int, unlimited: bool):
        self.limit = limit
        self.unlimited = unlimited
        self.items: list = []
        self.minscore = 0

    def collect(self, docnum: int, score) -> None:
        items = self.items
        if self.unlimited:
            items.append((score, docnum))
        elif len(items) < self.limit:
            heappush(items, (score, 0 - docnum))
        elif score > items[0][0]:
            heapreplace(items, (score, 0 - docnum))
            self.minscore = items[0][0]

    def full(self) -> bool:
        return not self.unlimited and len(self.items) >= self.limit

    def results(self) -> list[tuple[float, int]]:
        if self.unlimited:
            return sorted(self.items, key=lambda x: (0 - x[0], x[1]))
        items = sorted(self.items, reverse=True)
        return [(score, 0 - negated) for score, negated in items]


def _collect_segment(segment, root, collector: _Collector) -> None:
    """``ScoredCollector.matches`` and ``collect`` over one segment (``optimize=False``): the
    matcher tree is replaced before the first document, every tenth document and whenever the
    collector's lowest score has changed (with the value it had at the replacement before)."""
    offset = segment.offset
    visible = segment.visible_doc
    m = root
    local = collector.minscore  # the collector's "minscore" as its matches() loop last read it
    counter = 0
    position = 0  # the matchers stand on their first match at or after this document
    while m.active():
        if counter == 0 or collector.minscore != local:
            minq = local or 0
            new = m.replace(minq)
            changed = new is not m
            m = new
            if not m.active():
                return
            counter = _REPLACE_EVERY
            if collector.minscore != local:
                local = collector.minscore
            if SET_AT_A_TIME and not changed and not _lag_prone(m, False) and m.in_place(position):
                state = _fast(segment, m, collector, position, counter, local, minq)
                if state is None:
                    return
                m, position, counter, local = state
        counter -= 1
        doc = m.id()
        if visible(doc):
            collector.collect(offset + doc, m.score())
        m.next()
        position = doc + 1


def _fast(segment, m, collector: _Collector, position: int, counter: int, local, walked):
    """The collector loop from ``position`` (its check for that document done, by a replacement
    with ``walked`` that left the tree as it was), while the tree's matchers stand where
    ``in_place`` says: the documents the tree yields and their scores are read from its nodes'
    dictionaries, and only the replacements that can change the tree (the collector's lowest score
    has changed, or a node has run out) are made, on matchers placed where they would stand.
    Returns None when the segment is done, or, when a replacement has changed the tree, the state
    to go on with one document at a time (until a replacement leaves the tree as it is)."""
    offset = segment.offset
    horizon = _horizon(m, position)
    if collector.full() and horizon >= m.last(position) and m.max_quality() <= collector.items[0][0]:
        # no node runs out before the end, so the tree stays as it is, and no document can score
        # above the lowest of the top N: nothing this segment yields changes the results
        return None
    docs, scores, keep = _listing(segment, m, position)
    n = len(docs)
    k = 0  # docs[k] is the next document the tree yields; position == docs[k - 1] + 1 once k > 0
    checked = True  # the check of the collector loop for docs[k] is done
    unlimited = collector.unlimited
    while True:
        if k >= n:
            return None  # the tree has no more matches: inactive
        if not checked:
            if counter == 0 or collector.minscore != local:
                minq = local or 0
                here = docs[k - 1] + 1 if k else position
                if minq != walked or here > horizon:
                    m.place(here)
                    new = m.replace(minq)
                    walked = minq
                    counter = _REPLACE_EVERY
                    if collector.minscore != local:
                        local = collector.minscore
                    if new is not m:
                        return (new, here, counter, local) if new.active() else None
                    horizon = _horizon(m, here)
                else:
                    counter = _REPLACE_EVERY
                    if collector.minscore != local:
                        local = collector.minscore
        checked = False
        # yield docs[k]
        counter -= 1
        if keep[k] != _HIDDEN:
            collector.collect(offset + docs[k], scores[k])
        k += 1
        # skip ahead over documents that change nothing: no replacement that can change the tree
        # is due and none of them enters the top N (or, unlimited, each is simply kept)
        if collector.minscore != local or (local or 0) != walked:
            continue
        if not unlimited and len(collector.items) < collector.limit:
            continue
        grid = k + counter  # the next document before which the tree is replaced
        # the first replacement after a node runs out: before docs[i] with docs[i - 1] >= horizon
        stale = bisect_left(docs, horizon, k - 1) + 1 if horizon != _END else n
        if stale <= grid:
            stop = grid
        else:
            stop = grid + -(-(stale - grid) // _REPLACE_EVERY) * _REPLACE_EVERY
        stop = min(stop, n)
        if unlimited:
            collector.items.extend(
                (scores[i], offset + docs[i]) for i in range(k, stop) if keep[i] != _HIDDEN
            )
            j = stop
        else:
            j = _first_above(keep, k, stop, collector.items[0][0])
        if j > k:
            counter = grid - j if j < grid else (grid - j) % _REPLACE_EVERY
            k = j


def _first_above(values: list, lo: int, hi: int, threshold) -> int:
    """The first index in [lo, hi) whose value is above ``threshold`` (hi if none), looking at
    slices' maxima first."""
    step = 256
    while lo < hi:
        end = lo + step if lo + step < hi else hi
        if max(values[lo:end]) > threshold:
            for i in range(lo, end):
                if values[i] > threshold:
                    return i
        lo = end
        step = 1024
    return hi


def _listing(segment, m, position: int):
    """The documents the tree yields from ``position`` (sorted), their scores, and the scores
    again with the documents the filter or mask leaves out as -inf."""
    table = m.table(position)
    docs = m.docs(position)
    start = bisect_left(docs, position)
    if start:
        docs = docs[start:]
    scores = list(map(table.__getitem__, docs))
    keep = segment.keep(docs, scores)
    return docs, scores, keep


def _horizon(m, position: int):
    """The last position at which every node of the tree is still active (at ``position`` each
    is): a node is active while it has a match at or after its parent's current document, that
    is while the root's position is at most its last match carried up through each ancestor
    (the ancestor's last match at or before it)."""
    horizon = _END

    def walk(node, ancestors):
        nonlocal horizon
        for child in node.children():
            last = child.last(position)
            for ancestor in ancestors:
                if last < 0:
                    break
                last = ancestor.last_before(last, position)
            if last < horizon:
                horizon = last
            walk(child, [child, *ancestors])

    walk(m, [m])
    return horizon


def _lag_prone(node, skipped: bool) -> bool:
    """Whether an "and maybe" matcher of the tree is moved by ``skip_to`` (``AndMaybeMatcher.skip_to``
    moves its optional part to the target, not to its required part's document, so where it
    stands is no longer the first match at or after its parent's document)."""
    kind = type(node)
    if kind is _AndMaybe:
        return skipped or _lag_prone(node.a, False) or _lag_prone(node.b, True)
    if kind is _Intersection:
        return _lag_prone(node.a, True) or _lag_prone(node.b, True)
    if kind is _AndNot:
        return _lag_prone(node.a, skipped) or _lag_prone(node.b, True)
    return any(_lag_prone(child, skipped) for child in node.children())


# --------------------------------------------------------------------------------------------
# Matchers: Whoosh's, over postings read beforehand
#
# Each class has Whoosh's methods (active/id/next/skip_to/score/max_quality/replace, and the
# number of term matchers ``nterms`` and ``count``, what ``matching_terms`` counts), transcribed
# from whoosh.matching, and the same answers as sets: ``table`` (each document the node matches
# from a position on, with its score; a table computed from an earlier position serves later
# ones), ``multi`` (how many of its terms stand on a document, for the documents where that is
# not one), ``matches`` (every document it matches), and ``place``/``in_place``: setting or
# checking the matchers at the first match at or after their parent's document.


class _Matcher:
    TERMS = None  # the (field, word) pairs of a term or a phrase matcher
    nterms = 0
    size = 0  # the segment's document count (0 for the null matcher)
    WHOOSH = None  # the Whoosh matcher class this stands for

    def whoosh_class(self):
        return self.WHOOSH

    def __init__(self):
        self._matches = None
        self._table = None  # (position, {doc: score}) for the documents from that position on
        self._multi = None
        self._docs = None
        self._common = None

    def children(self) -> tuple:
        return ()

    def scored_children(self) -> tuple:
        return self.children()

    def count(self, doc) -> int:
        """``matching_terms(doc)``: the term matchers of the tree standing on ``doc``."""
        if not self.active() or self.id() != doc:
            return 0
        return sum(child.count(doc) for child in self.children())

    # -- as sets

    def _stale(self, cached, position: int) -> bool:
        """Whether a table computed from ``cached[0]`` is not to serve ``position``: it starts after
        it, or a quarter of the documents it was made for (by number) are now behind."""
        return cached is None or cached[0] > position or (position - cached[0]) * 4 > self.size - cached[0]

    def table(self, position: int) -> dict:
        cached = self._table
        if self._stale(cached, position):
            cached = self._table = (position, self._make_table(position))
        return cached[1]

    def multi(self, position: int) -> dict:
        cached = self._multi
        if self._stale(cached, position):
            cached = self._multi = (position, self._make_multi(position))
        return cached[1]

    def docs(self, position: int) -> list:
        cached = self._docs
        if self._stale(cached, position):
            cached = self._docs = (position, sorted(self.table(position)))
        return cached[1]

    def matches(self) -> set:
        if self._matches is None:
            self._matches = self._make_matches()
        return self._matches

    def last(self, position: int) -> int:
        table = self.table(position)
        return max(table) if table else -1

    def last_before(self, doc, position: int) -> int:
        """This node's last match at or before ``doc``, or -1."""
        if doc in self.table(position):
            return doc
        docs = self.docs(position)
        i = bisect_right(docs, doc) - 1
        return docs[i] if i >= 0 else -1

    def first_from(self, position: int):
        docs = self.docs(position)
        i = bisect_left(docs, position)
        return docs[i] if i < len(docs) else None


class _NullMatcher(_Matcher):
    WHOOSH = NullMatcherClass
    def active(self):
        return False

    def id(self):
        return None

    def next(self):
        pass

    def skip_to(self, target):
        pass

    def score(self):
        return 0

    def max_quality(self):
        return 0

    def replace(self, minquality=0):
        return self

    def count(self, doc):
        return 0

    def _make_table(self, position):
        return {}

    _make_multi = _make_table

    def _make_matches(self):
        return frozenset()

    def place(self, position):
        pass

    def in_place(self, position):
        return True


_NULL = _NullMatcher()


class _Leaf(_Matcher):
    """A term's postings (``W3LeafMatcher``; the deleted documents left out, as ``FilterMatcher`` does)."""

    TERMS = True
    nterms = 1

    def whoosh_class(self):
        return self.posting.segment.leaf_class

    def __init__(self, posting):
        super().__init__()
        self.posting = posting
        self.ids = posting.ids
        self.n = len(self.ids)
        self.size = posting.segment.size
        self.i = 0
        self.terms = (posting.term,)

    def active(self):
        return self.i < self.n

    def id(self):
        return self.ids[self.i]

    def next(self):
        self.i += 1

    def skip_to(self, target):
        i = self.i
        if i < self.n and self.ids[i] < target:
            self.i = bisect_left(self.ids, target, i)

    def score(self):
        return self.posting.scores()[self.i]

    def max_quality(self):
        return self.posting.max_quality

    def replace(self, minquality=0):
        return self

    def count(self, doc):
        return 1 if self.i < self.n and self.ids[self.i] == doc else 0

    def _make_table(self, position):
        start = bisect_left(self.ids, position)
        return dict(zip(self.ids[start:], self.posting.scores()[start:]))

    def _make_multi(self, position):
        return _NONE

    def docs(self, position):
        return self.ids

    def last(self, position):
        return self.ids[-1] if self.n else -1

    def last_before(self, doc, position):
        i = bisect_right(self.ids, doc) - 1
        return self.ids[i] if i >= 0 else -1

    def _make_matches(self):
        return self.posting.idset()

    def place(self, position):
        self.i = bisect_left(self.ids, position)

    def in_place(self, position):
        return self.i == bisect_left(self.ids, position)


class _Phrase(_Leaf):
    """``SpanNear2Matcher`` over the intersection of the words' matchers: the documents where the
    words stand in order within the slop, scored as the intersection (a binary tree of its words)."""

    def whoosh_class(self):
        return SpanNear2.SpanNear2Matcher

    def __init__(self, posting):  # a _PhrasePostings
        super().__init__(posting)
        self.terms = posting.terms
        self.nterms = len(self.terms)

    def replace(self, minquality=0):
        return self if self.active() else _NULL

    def count(self, doc):
        return self.nterms if self.i < self.n and self.ids[self.i] == doc else 0

    def _make_multi(self, position):
        return dict.fromkeys(self.table(position), self.nterms) if self.nterms != 1 else _NONE


class _Wrap(_Matcher):
    """``WrappingMatcher`` with a boost."""

    WHOOSH = WrappingMatcher

    def __init__(self, child, boost):
        super().__init__()
        self.child = child
        self.boost = boost
        self.nterms = child.nterms
        self.size = child.size

    def children(self):
        return (self.child,)

    def active(self):
        return self.child.active()

    def id(self):
        return self.child.id()

    def next(self):
        self.child.next()

    def skip_to(self, target):
        self.child.skip_to(target)

    def score(self):
        return self.child.score() * self.boost

    def max_quality(self):
        return self.child.max_quality() * self.boost

    def replace(self, minquality=0):
        r = self.child.replace(minquality)
        return self if r is self.child else self.__class__(r, self.boost)

    def _make_table(self, position):
        scores = self.child.table(position)
        return dict(zip(scores, map(mul, scores.values(), repeat(self.boost))))

    def _make_multi(self, position):
        return self.child.multi(position)

    def last(self, position):
        return self.child.last(position)

    def last_before(self, doc, position):
        return self.child.last_before(doc, position)

    def _make_matches(self):
        return self.child.matches()

    def place(self, position):
        self.child.place(position)

    def in_place(self, position):
        return self.child.in_place(position)


class _Coord(_Wrap):
    """``CoordMatcher``: an OR's coordination bonus (SQR), over the term matchers its tree has."""

    WHOOSH = CoordMatcher

    def __init__(self, child, scale):
        super().__init__(child, 1.0)
        self.scale = scale
        self.termcount = child.nterms

    def _sqr(self, score, matching):
        termcount = self.termcount
        scale = self.scale
        if termcount == 0 or termcount == scale:
            return 0
        return (score + ((matching - 1) / (termcount - scale) ** 2)) * ((termcount - 1) / termcount)

    def score(self):
        child = self.child
        return self._sqr(child.score(), child.count(child.id()))

    def max_quality(self):
        return self._sqr(self.child.max_quality(), self.termcount)

    def replace(self, minquality=0):
        r = self.child.replace(minquality)
        return self if r is self.child else self.__class__(r, self.scale)

    def _make_table(self, position):
        termcount, scale = self.termcount, self.scale
        scores = self.child.table(position)
        if termcount == 0 or termcount == scale:
            return dict.fromkeys(scores, 0)
        # _sqr, written out (the same operations in the same order, so the same floats): where one
        # term matches, (score + 0.0) * factor, that is score * factor (BM25F scores are positive)
        spread = (termcount - scale) ** 2
        factor = (termcount - 1) / termcount
        table = dict(zip(scores, map(mul, scores.values(), repeat(factor))))
        for d, matching in self.child.multi(position).items():
            if d in scores:
                table[d] = (scores[d] + ((matching - 1) / spread)) * factor
        return table


class _Binary(_Matcher):
    def __init__(self, a, b):
        super().__init__()
        self.a = a
        self.b = b
        self.nterms = a.nterms + b.nterms
        self.size = max(a.size, b.size)

    def children(self):
        return (self.a, self.b)

    def common(self, position: int):
        """The documents in both children's tables (from ``position`` on, or more)."""
        at, bt = self.a.table(position), self.b.table(position)
        cached = self._common
        if cached is None or cached[0] is not at or cached[1] is not bt:
            cached = self._common = (at, bt, at.keys() & bt.keys())
        return cached[2]

    def max_quality(self):  # AdditiveBiMatcher
        q = 0.0
        if self.a.active():
            q += self.a.max_quality()
        if self.b.active():
            q += self.b.max_quality()
        return q


class _Union(_Binary):
    """``UnionMatcher``."""

    WHOOSH = UnionMatcher

    def active(self):
        return self.a.active() or self.b.active()

    def id(self):
        a, b = self.a, self.b
        if not a.active():
            return b.id()
        if not b.active():
            return a.id()
        x, y = a.id(), b.id()
        return x if x < y else y

    def next(self):
        a, b = self.a, self.b
        a_active, b_active = a.active(), b.active()
        if not a_active:
            b.next()
            return
        if not b_active:
            a.next()
            return
        a_id, b_id = a.id(), b.id()
        if a_id <= b_id:
            a.next()
        if b_id <= a_id:
            b.next()

    def skip_to(self, target):
        if self.a.active():
            self.a.skip_to(target)
        if self.b.active():
            self.b.skip_to(target)

    def score(self):
        a, b = self.a, self.b
        if not a.active():
            return b.score()
        if not b.active():
            return a.score()
        id_a, id_b = a.id(), b.id()
        if id_a < id_b:
            return a.score()
        if id_b < id_a:
            return b.score()
        return a.score() + b.score()

    def replace(self, minquality=0):
        a, b = self.a, self.b
        a_active, b_active = a.active(), b.active()
        if minquality and a_active and b_active:
            a_max, b_max = a.max_quality(), b.max_quality()
            if a_max < minquality and b_max < minquality:
                return _Intersection(a, b).replace(minquality)
            elif a_max < minquality:
                return _AndMaybe(b, a)
            elif b_max < minquality:
                return _AndMaybe(a, b)
        if not (a_active or b_active):
            return _NULL
        elif not a_active:
            return b.replace(minquality)
        elif not b_active:
            return a.replace(minquality)
        a = a.replace(minquality - b.max_quality() if minquality else 0)
        b = b.replace(minquality - a.max_quality() if minquality else 0)
        if a is not self.a or b is not self.b:
            return _Union(a, b)
        return self

    def _make_table(self, position):
        at, bt = self.a.table(position), self.b.table(position)
        larger, smaller = (at, bt) if len(at) >= len(bt) else (bt, at)
        scores = dict(larger)
        scores.update(smaller)
        for d in self.common(position):
            scores[d] = at[d] + bt[d]
        return scores

    def _make_multi(self, position):
        am, bm = self.a.multi(position), self.b.multi(position)
        multi = {**am, **bm}
        for d in self.common(position):
            multi[d] = am.get(d, 1) + bm.get(d, 1)
        return multi

    def last(self, position):
        return max(self.a.last(position), self.b.last(position))

    def last_before(self, doc, position):
        return max(self.a.last_before(doc, position), self.b.last_before(doc, position))

    def _make_matches(self):
        return self.a.matches() | self.b.matches()

    def place(self, position):
        self.a.place(position)
        self.b.place(position)

    def in_place(self, position):
        return self.a.in_place(position) and self.b.in_place(position)


class _Intersection(_Binary):
    """``IntersectionMatcher``."""

    WHOOSH = IntersectionMatcher

    def __init__(self, a, b):
        super().__init__(a, b)
        if a.active() and b.active() and a.id() != b.id():
            self._find_next()

    def active(self):
        return self.a.active() and self.b.active()

    def id(self):
        return self.a.id()

    def _find_next(self):
        a, b = self.a, self.b
        a_id, b_id = a.id(), b.id()
        a_skip, a_active, a_at = a.skip_to, a.active, a.id
        b_skip, b_active, b_at = b.skip_to, b.active, b.id
        while a_id != b_id:  # (both active: each step checks the one it moved)
            if a_id < b_id:
                a_skip(b_id)
                if not a_active():
                    return
                a_id = a_at()
            else:
                b_skip(a_id)
                if not b_active():
                    return
                b_id = b_at()

    def next(self):
        self.a.next()
        if self.active():
            self._find_next()

    def skip_to(self, target):
        self.a.skip_to(target)
        self.b.skip_to(target)
        if self.active() and self.a.id() != self.b.id():
            self._find_next()

    def score(self):
        return self.a.score() + self.b.score()

    def replace(self, minquality=0):
        a, b = self.a, self.b
        if not (a.active() and b.active()):
            return _NULL
        if minquality:
            a_max, b_max = a.max_quality(), b.max_quality()
            if a_max + b_max < minquality:
                return _NULL
            a_min, b_min = minquality - b_max, minquality - a_max
        else:
            a_min = b_min = 0
        a = a.replace(a_min)
        b = b.replace(b_min)
        a_active, b_active = a.active(), b.active()
        if not (a_active or b_active):
            return _NULL
        elif not a_active:
            return b
        elif not b_active:
            return a
        elif a is not self.a or b is not self.b:
            return _Intersection(a, b)
        return self

    def _make_table(self, position):
        at, bt = self.a.table(position), self.b.table(position)
        return {d: at[d] + bt[d] for d in self.common(position)}

    def _make_multi(self, position):
        am, bm = self.a.multi(position), self.b.multi(position)
        return {d: am.get(d, 1) + bm.get(d, 1) for d in self.common(position)}

    def _make_matches(self):
        return self.a.matches() & self.b.matches()

    def place(self, position):
        here = self.first_from(position)
        self.a.place(_END if here is None else here)
        self.b.place(_END if here is None else here)

    def in_place(self, position):
        here = self.first_from(position)
        if here is None:
            return not self.active()
        return self.a.in_place(here) and self.b.in_place(here)


class _AndMaybe(_Binary):
    """``AndMaybeMatcher``: a's documents, with b's score added where b stands on them."""

    WHOOSH = AndMaybeMatcher

    def __init__(self, a, b):
        super().__init__(a, b)
        if a.active() and b.active() and a.id() != b.id():
            b.skip_to(a.id())

    def active(self):
        return self.a.active()

    def id(self):
        return self.a.id()

    def next(self):
        self.a.next()
        if self.a.active() and self.b.active():
            self.b.skip_to(self.a.id())

    def skip_to(self, target):
        self.a.skip_to(target)
        if self.a.active() and self.b.active():
            self.b.skip_to(target)  # (not to a's document: b can be left behind it)

    def score(self):
        if self.b.active() and self.a.id() == self.b.id():
            return self.a.score() + self.b.score()
        return self.a.score()

    def replace(self, minquality=0):
        a, b = self.a, self.b
        a_active, b_active = a.active(), b.active()
        if not a_active:
            return _NULL
        elif minquality and b_active:
            if a.max_quality() + b.max_quality() < minquality:
                return _NULL
            elif a.max_quality() < minquality:
                return _Intersection(a, b)
        elif not b_active:
            return a.replace(minquality)
        new_a = a.replace(minquality - b.max_quality())
        new_b = b.replace(minquality - a.max_quality())
        if new_a is not a or new_b is not b:
            return _AndMaybe(new_a, new_b)
        return self

    def _make_table(self, position):
        at, bt = self.a.table(position), self.b.table(position)
        scores = dict(at)
        for d in self.common(position):
            scores[d] = at[d] + bt[d]
        return scores

    def _make_multi(self, position):
        am, bm = self.a.multi(position), self.b.multi(position)
        multi = dict(am)
        for d in self.common(position):
            multi[d] = am.get(d, 1) + bm.get(d, 1)
        return multi

    def last(self, position):
        return self.a.last(position)

    def last_before(self, doc, position):
        return self.a.last_before(doc, position)

    def _make_matches(self):
        return self.a.matches()

    def place(self, position):
        self.a.place(position)
        self.b.place(self.a.id() if self.a.active() else _END)

    def in_place(self, position):
        if not self.a.in_place(position):
            return False
        return not self.a.active() or self.b.in_place(self.a.id())


class _AndNot(_Binary):
    """``AndNotMatcher``: a's documents that b does not match (b unscored)."""

    WHOOSH = AndNotMatcher

    def __init__(self, a, b):
        super().__init__(a, b)
        if a.active() and b.active() and a.id() == b.id():
            self._find_next()

    def scored_children(self):
        return (self.a,)

    def active(self):
        return self.a.active()

    def id(self):
        return self.a.id()

    def _find_next(self):
        pos, neg = self.a, self.b
        if not neg.active():
            return
        pos_id = pos.id()
        if neg.id() < pos_id:
            neg.skip_to(pos_id)
        while pos.active() and neg.active() and pos_id == neg.id():
            pos.next()
            if not pos.active():
                break
            pos_id = pos.id()
            neg.skip_to(pos_id)

    def next(self):
        self.a.next()
        if self.a.active() and self.b.active():
            self._find_next()

    def skip_to(self, target):
        if target < self.a.id():
            return
        self.a.skip_to(target)
        if self.b.active():
            self.b.skip_to(target)
            self._find_next()

    def score(self):
        return self.a.score()

    def max_quality(self):
        return self.a.max_quality()

    def replace(self, minquality=0):
        if not self.a.active():
            return _NULL
        elif minquality and self.a.max_quality() < minquality:
            return _NULL
        elif not self.b.active():
            return self.a.replace(minquality)
        a = self.a.replace(minquality)
        b = self.b.replace()
        if a is not self.a or b is not self.b:
            return _AndNot(a, b)
        return self

    def _make_table(self, position):
        scores = dict(self.a.table(position))
        for d in self.common(position):
            del scores[d]
        return scores

    def _make_multi(self, position):
        multi = self.a.multi(position)
        excluded = self.common(position)
        return {d: c for d, c in multi.items() if d not in excluded} if multi else multi

    def _make_matches(self):
        return self.a.matches() - self.b.matches()

    def place(self, position):
        here = self.first_from(position)
        self.a.place(_END if here is None else here)
        self.b.place(_END if here is None else here)

    def in_place(self, position):
        here = self.first_from(position)
        if here is None:
            return not self.active()
        return self.a.in_place(here) and self.b.in_place(here)


# --------------------------------------------------------------------------------------------
# Building a segment's matcher tree as the query's ``matcher()`` methods build it


class _Segment:
    """One segment (a sub-searcher): its postings, read once each, and the filter and mask as
    its own document numbers."""

    def __init__(self, leaf, offset: int, allow, deny):
        self.searcher = leaf
        self.reader = leaf.reader()
        self.schema = leaf.schema
        self.offset = offset
        self.size = size = self.reader.doc_count_all()
        self.allow = None if allow is None else {d - offset for d in allow if offset <= d < offset + size}
        self.deny = {d - offset for d in deny if offset <= d < offset + size} if deny else set()
        self._postings: dict = {}
        self._phrases: dict = {}
        self._leaf_class = None

    @property
    def leaf_class(self):
        """The class of the segment's term matchers (``FilterMatcher`` where it has deleted documents)."""
        if self._leaf_class is None:
            fieldname, btext = next(iter(self._postings))
            self._leaf_class = type(self.reader.postings(fieldname, btext))
        return self._leaf_class

    def visible_doc(self, doc: int) -> bool:
        return (self.allow is None or doc in self.allow) and doc not in self.deny

    def visible(self, docs) -> set:
        if self.allow is not None:
            docs = docs & self.allow
        return docs - self.deny if self.deny else set(docs)

    def keep(self, docs: list, scores: list) -> list:
        """``scores`` with -inf for the documents the filter or the mask leaves out."""
        if self.allow is not None:
            allow = self.allow
            kept = [s if d in allow else _HIDDEN for d, s in zip(docs, scores)]
        else:
            kept = list(scores)
        for doc in self.deny:
            i = bisect_left(docs, doc)
            if i < len(docs) and docs[i] == doc:
                kept[i] = _HIDDEN
        return kept

    def posting(self, fieldname: str, btext: bytes) -> "_Posting":
        key = (fieldname, btext)
        found = self._postings.get(key)
        if found is None:
            found = self._postings[key] = _Posting(self, fieldname, btext)
        return found

    def phrase(self, fieldname: str, words: tuple, slop: int) -> "_PhrasePostings":
        key = (fieldname, words, slop)
        found = self._phrases.get(key)
        if found is None:
            found = self._phrases[key] = _PhrasePostings(self, fieldname, words, slop)
        return found


class _Posting:
    """A term's postings in a segment: document numbers, weights, BM25F scores (computed on first
    use) and the scorer's maximum quality."""

    def __init__(self, segment: _Segment, fieldname: str, btext: bytes):
        self.segment = segment
        self.term = (fieldname, btext)
        self.ids, self.weights, _ = _postings(segment.reader, fieldname, btext)
        self.scorer = segment.searcher.weighting.scorer(segment.searcher, fieldname, btext)
        self.max_quality = self.scorer.max_quality()
        self._scores = None
        self._idset = None

    def scores(self) -> list:
        if self._scores is None:
            self._scores = _bm25(self.segment, self.scorer, self.term[0], self.ids, self.weights)
        return self._scores

    def idset(self) -> set:
        if self._idset is None:
            self._idset = set(self.ids)
        return self._idset


def _bm25(segment, scorer, fieldname: str, ids, weights) -> list:
    """BM25F of a term in each of the documents ``ids`` (with its ``weights`` there):
    ``whoosh.scoring.bm25``, written out (the same operations in the same order, so the same floats)."""
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    lengths = _lengths(segment.searcher, segment.reader, fieldname)
    k1_plus_1, one_minus_b = K1 + 1, 1 - B
    return [
        idf * ((tf * k1_plus_1) / (tf + K1 * (one_minus_b + B * lengths[doc] / avgfl)))
        for doc, tf in zip(ids, weights)
    ]


class _PhrasePostings:
    """A phrase's matches in a segment: the documents where its words stand in order, each within
    the slop of the one before (``SpanNear2``, ordered, mindist 1), their scores as the
    intersection of the words' matchers (a binary tree), and that intersection's maximum quality."""

    def __init__(self, segment: _Segment, fieldname: str, words: tuple, slop: int):
        self.segment = segment
        self.terms = tuple((fieldname, word) for word in words)
        self.term = self.terms[0]
        read = {word: _postings(segment.reader, fieldname, word, values=True) for word in set(words)}
        located = [read[word] for word in words]
        # the documents holding every word ...
        candidates = set(located[0][0]).intersection(*(ids for ids, _, _ in located[1:]))
        # ... where the words stand in order, each within the slop of the one before
        if len(words) == 1:
            found = candidates
        else:
            at = [dict(zip(ids, values)) for ids, _, values in located]
            decoded: dict[bytes, list[int]] = {}  # passages share few position lists: each decoded once

            def positions(value: bytes) -> list[int]:
                known = decoded.get(value)
                if known is None:
                    known = decoded[value] = _positions(value)
                return known

            if len(words) == 2:
                first, second = at
                found = {d for d in candidates if _follows(positions(first[d]), positions(second[d]), slop)}
            else:
                found = {d for d in candidates if _near([positions(values[d]) for values in at], slop)}
        self.ids = sorted(found)
        searcher = segment.searcher
        scorers = [searcher.weighting.scorer(searcher, fieldname, word) for word in words]
        members = []
        for (ids, weights, _), scorer in zip(located, scorers):
            weight = dict(zip(ids, weights))
            members.append(_bm25(segment, scorer, fieldname, self.ids, [weight[d] for d in self.ids]))
        self._scores = _tree_sum(_tree(members))
        self.max_quality = _tree_max(_tree([scorer.max_quality() for scorer in scorers]))
        self._idset = found

    def scores(self) -> list:
        return self._scores

    def idset(self) -> set:
        return self._idset


def _tree(items: list):
    """Whoosh's ``make_binary_tree``: halves, recursively."""
    if len(items) == 1:
        return items[0]
    half = len(items) // 2
    return (_tree(items[:half]), _tree(items[half:]))


def _tree_sum(tree) -> list:
    """The scores of an intersection tree of score lists (a.score() + b.score() at each node)."""
    if isinstance(tree, list):
        return tree
    return list(map(add, _tree_sum(tree[0]), _tree_sum(tree[1])))


def _tree_max(tree):
    """An intersection tree's ``max_quality`` (AdditiveBiMatcher: 0.0, plus a's, plus b's)."""
    if not isinstance(tree, tuple):
        return tree
    q = 0.0
    q += _tree_max(tree[0])
    q += _tree_max(tree[1])
    return q


def _weighted_tree(make, weighted: list):
    """Whoosh's ``make_weighted_tree``: the two lightest joined, again and again. Whoosh sorts
    (weight, matcher) pairs, so matchers of equal weight are ordered as Whoosh's matcher classes
    compare (``Matcher.__lt__``, with Python's rule that a subclass's reflected comparison goes
    first): the pairs are sorted with a bare instance of each node's Whoosh class in its place."""
    nodes = {}
    items = []
    for weight, node in weighted:
        stand_in = object.__new__(node.whoosh_class())
        nodes[id(stand_in)] = node
        items.append((weight, stand_in))
    items.sort()
    while len(items) > 1:
        (wa, a), (wb, b) = items.pop(0), items.pop(0)
        node = make(nodes[id(a)], nodes[id(b)])
        stand_in = object.__new__(node.whoosh_class())
        nodes[id(stand_in)] = node
        insort(items, (wa + wb, stand_in))
    return nodes[id(items[0][1])]


class _Builder:
    """A segment's matcher tree for a query, as ``query.matcher(subsearcher)`` builds it."""

    def __init__(self, segment: _Segment):
        self.segment = segment
        self.reader = segment.reader
        self.schema = segment.schema

    def matcher(self, query):
        kind = type(query)
        if kind is Term:  # not subclasses (fuzzy terms, variations...)
            return self.term(query)
        if kind is Phrase:
            return self.phrase(query)
        if kind is AndNot:
            return _AndNot(self.matcher(query.a), self.matcher(query.b))
        if kind is Or or kind is And:  # not subclasses (DisjunctionMax, Ordered, ...)
            subs = query.subqueries
            if not subs:
                return _NULL
            if len(subs) == 1:
                return self.matcher(subs[0])  # the one subquery's matcher as it is: no boost, no scale
            try:
                sizes = [q.estimate_size(self.reader) for q in subs]
            except NotImplementedError:
                raise Unsupported(query) from None
            if kind is And:
                m = _weighted_tree(_Intersection, [(0 - size, self.matcher(q)) for q, size in zip(subs, sizes)])
                return _Wrap(m, query.boost) if query.boost != 1.0 else m
            matcher_type = getattr(query, "matcher_type", Or.AUTO_MATCHER)
            if query.minmatch or matcher_type not in (Or.AUTO_MATCHER, Or.DEFAULT_MATCHER):
                raise Unsupported(query)
            if matcher_type == Or.AUTO_MATCHER and not (
                len(subs) < _TOO_MANY_CLAUSES and (query.scale or len(subs) == 2 or self.reader.doc_count_all() > 5000)
            ):
                raise Unsupported(query)  # Whoosh would preload it into an array (PreloadedOr)
            m = _weighted_tree(_Union, [(size, self.matcher(q)) for q, size in zip(subs, sizes)])
            if query.boost != 1.0:
                m = _Wrap(m, query.boost)
            if query.scale and m.nterms:
                m = _Coord(m, query.scale)
            return m
        if query is NullQuery:
            return _NULL
        raise Unsupported(query)

    def _field(self, fieldname: str):
        field = self.schema[fieldname]
        if not field.scorable:
            raise Unsupported(fieldname)
        return field

    def term(self, query):
        fieldname = query.fieldname
        if fieldname not in self.schema:
            return _NULL
        field = self._field(fieldname)
        try:
            btext = query.text if isinstance(query.text, bytes) else field.to_bytes(query.text)
        except ValueError:
            return _NULL
        if (fieldname, btext) not in self.reader:
            return _NULL
        if query.minquality:
            raise Unsupported(query)
        m = _Leaf(self.segment.posting(fieldname, btext))
        return _Wrap(m, query.boost) if query.boost != 1.0 else m

    def phrase(self, query):
        fieldname = query.fieldname
        if fieldname not in self.schema:
            return _NULL
        field = self._field(fieldname)
        if not field.format or not field.format.supports("positions"):
            raise Unsupported(query)
        words = []
        for word in query.words:
            try:
                btext = field.to_bytes(word)
            except ValueError:
                return _NULL
            if (fieldname, btext) not in self.reader:
                return _NULL
            words.append(btext)
        if not words:
            raise Unsupported(query)
        m = _Phrase(self.segment.phrase(fieldname, tuple(words), query.slop))
        return _Wrap(m, query.boost) if query.boost != 1.0 else m


# --------------------------------------------------------------------------------------------
# Reading postings a block at a time


def _raw_matcher(reader, fieldname: str, btext: bytes):
    from whoosh.matching.wrappers import FilterMatcher

    matcher = reader.postings(fieldname, btext)
    deleted = frozenset()
    if isinstance(matcher, FilterMatcher):
        deleted = reader.deleted_docs_set
        matcher = matcher.child
    return matcher, deleted


def _blocks(matcher):
    """Yield the matcher's postings block by block, as its own reading methods decode them; the
    document numbers summed from their gaps by ``itertools.accumulate`` (in C) rather than
    Whoosh's generator (the same numbers, in a fraction of the time)."""
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        ids = matcher._data[0]
        matcher._ids = ids if matcher._byteids else tuple(accumulate(ids))
        yield matcher
        matcher._next_block()


def _postings(reader, fieldname: str, btext: bytes, values: bool = False) -> tuple[list, list, list | None]:
    """The term's postings in one segment: document numbers, weights and (if asked) the encoded
    values (positions), read a block at a time."""
    matcher, deleted = _raw_matcher(reader, fieldname, btext)
    ids: list[int] = []
    weights: list[float] = []
    encoded: list[bytes] | None = [] if values else None
    if _is_w3(matcher):
        for block in _blocks(matcher):
            block._read_weights()
            ids.extend(block._ids)
            weights.extend(block._weights)
            if values:
                block._read_values()
                encoded.extend(block._values)
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if values:
                encoded.append(matcher.value())
            matcher.next()
    if deleted:
        kept = [i for i, doc in enumerate(ids) if doc not in deleted]
        ids, weights = [ids[i] for i in kept], [weights[i] for i in kept]
        if values:
            encoded = [encoded[i] for i in kept]
    return ids, weights, encoded


def _is_w3(matcher) -> bool:
    return all(hasattr(matcher, name) for name in ("_read_ids", "_read_weights", "_read_values", "_next_block"))


def _lengths(leaf, reader, fieldname: str):
    """Every document's length in ``fieldname`` as the BM25F scorer reads it (one byte each, coded
    as Whoosh codes lengths); kept on the segment's searcher, so read once per open index."""
    cache = leaf.__dict__.setdefault("_report_index_lengths", {})
    if fieldname not in cache:
        cache[fieldname] = _read_lengths(reader, fieldname)
    return cache[fieldname]


def _read_lengths(reader, fieldname: str):
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN
    from whoosh.util.numeric import byte_to_length

    try:
        column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, column._count)
    except Exception:  # another codec or storage: ask for each document
        return _PerDocLengths(reader, fieldname)
    table = [byte_to_length(b) if b else None for b in range(256)]
    values = [table[b] for b in raw]
    values.extend([None] * (reader.doc_count_all() - len(values)))
    return values


class _PerDocLengths:
    def __init__(self, reader, fieldname):
        self.reader, self.fieldname = reader, fieldname

    def __getitem__(self, doc):
        return self.reader.doc_field_length(doc, self.fieldname, 1)


def _positions(value: bytes) -> list[int]:
    """``whoosh.formats.Positions.decode_positions``: a count, then the pickled position deltas
    (the codec drops the pickle's final stop)."""
    if value[-1:] != b".":
        value += b"."
    return list(accumulate(loads(value[_INT_SIZE:])))


def _follows(first: list[int], second: list[int], slop: int) -> bool:
    """``_near`` for two words: some position of the second is 1..slop after one of the first."""
    if slop == 1:
        if len(second) == 1:
            return second[0] - 1 in first
        later = set(second)
        return any(p + 1 in later for p in first)
    later = set(second)
    return any(p + gap in later for p in first for gap in range(1, slop + 1))


def _near(positions: list[list[int]], slop: int) -> bool:
    """Whoosh's SpanNear2 (ordered, mindist 1): each word after the last, 1..slop positions on."""
    spans = [(p, p) for p in positions[0]]
    for following in positions[1:]:
        if not spans:
            return False
        joined = set()
        for start, end in spans:
            for p in following:
                if p < start:  # ordered: the next word may not come before the span
                    continue
                if p > end + slop:
                    break
                if p <= end:  # overlaps the span: distance 0
                    continue
                if 1 <= p - end <= slop:
                    joined.add((start, p))
        spans = sorted(joined)
    return bool(spans)


__all__ = ["Ranked", "rank"]
