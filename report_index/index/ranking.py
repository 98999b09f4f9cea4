"""Ranking a query's passages a whole posting list at a time, with the scores and order Whoosh's
own searcher gives.

Whoosh scores a query one posting at a time: its matcher tree moves word by word, passage by
passage, in Python, and a collector keeps the best. At a million passages a common word has
400,000 postings, and that walk costs seconds. Here the same matcher tree (the one Whoosh builds
for the query, with its scorers) is read instead of walked: each word's posting blocks are
decoded once into arrays of document numbers and weights, BM25F is computed for all of them at
once with numpy, and the tree's nodes combine those arrays as Whoosh's matchers combine the
postings (a union adds the scores of the passages both sides hold, an intersection keeps the
passages both hold and adds theirs, a boost multiplies). A phrase keeps the passages holding its
words whose positions (read only for those) have the words in order within the slop, scored as
Whoosh scores them: the sum of its words' scores. The arithmetic is the same floating-point
arithmetic in the same order, so the scores are Whoosh's to the last bit; the best ``limit`` are
taken by score, then by document number, as Whoosh's collector takes them; the total is every
passage that matches (the filter's, not the mask's). A tree with a node this does not know
(date ranges, "a NOT b" inside an OR, scaled ORs) is left to Whoosh (``None``).
"""

from __future__ import annotations

import pickle
import threading
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher, IntersectionMatcher, NullMatcherClass, UnionMatcher, WrappingMatcher
from whoosh.query.spans import SpanNear2, SpanWrappingMatcher
from whoosh.scoring import BM25FScorer

from .counting import holds_phrase
from .lengths import length_array


class _Unsupported(Exception):
    """A matcher this module does not read: the query is left to Whoosh."""


@dataclass(frozen=True)
class Ranked:
    """The best passages (``(score, docnum)``, best first, as Whoosh's ``Results.top_n``), how
    many passages match in all, and which words matched in each of the best."""

    top_n: list[tuple[float, int]]
    total: int
    docterms: dict[int, list[tuple[str, bytes]]]


@dataclass
class _Node:
    """What a matcher matches in one segment: ``mask[doc]``, and ``scores[doc]`` where it matches."""

    mask: np.ndarray
    scores: np.ndarray
    children: tuple = ()
    term: tuple | None = None


def rank(searcher, query, limit: int, allow: set[int] | None, deny: set[int]) -> Ranked | None:
    """The ``limit`` best passages for ``query`` among ``allow`` (all when None) less ``deny``,
    as Whoosh's searcher ranks them, scoring every match (``optimize=False``); None when the
    query's matcher tree has a node this does not read."""
    total = 0
    best: list[tuple[float, int]] = []
    docterms: dict[int, list] = {}
    context = searcher.context()
    allowed = _sorted(allow) if allow is not None else None
    denied = _sorted(deny) if deny else None
    try:
        for leaf, offset in searcher.leaf_searchers():
            count = leaf.reader().doc_count_all()
            if not count:
                continue
            node = _node(_matcher_tree(query, leaf, context), _Segment(leaf, count))
            mask = node.mask.copy()
            if allowed is not None:
                mask &= _local_mask(allowed, offset, count)
            if denied is not None:
                mask &= ~_local_mask(denied, offset, count)
            docs = np.flatnonzero(mask)
            total += len(docs)
            if not len(docs):
                continue
            scores = node.scores[docs]
            if len(docs) > limit:  # those at or above the limit-th score, then by score and number
                kth = np.partition(scores, len(scores) - limit)[len(scores) - limit]
                keep = scores >= kth
                docs, scores = docs[keep], scores[keep]
            order = np.lexsort((docs, -scores))[:limit]
            for i in order:
                local = int(docs[i])
                best.append((float(scores[i]), offset + local))
                docterms[offset + local] = _matched_terms(node, local)
    except _Unsupported:
        return None
    best.sort(key=lambda item: (-item[0], item[1]))
    best = best[:limit]
    return Ranked(best, total, {doc: docterms[doc] for _, doc in best})


_BUILDING = threading.local()
_span_init = SpanWrappingMatcher.__init__


def _tree_only_span_init(self, child):
    """A phrase's matcher, built for its tree only (``_matcher_tree``), is not moved on to its
    first passage: Whoosh's constructor walks the words' postings in Python until the phrase
    is found, the whole of them for a phrase found nowhere in the segment."""
    if getattr(_BUILDING, "tree", False):
        WrappingMatcher.__init__(self, child)
        self._spans = None
        return
    _span_init(self, child)


SpanWrappingMatcher.__init__ = _tree_only_span_init


def _matcher_tree(query, leaf, context):
    """Whoosh's matcher tree for ``query`` in one segment, for reading (``_node``), never walked:
    the same nodes, scorers and shape as Whoosh builds to search (the shape depends on the
    words' sizes and the nodes' types, not on where the matchers stand)."""
    _BUILDING.tree = True
    try:
        return query.matcher(leaf, context)
    finally:
        _BUILDING.tree = False


def _sorted(docs: set[int]) -> np.ndarray:
    return np.sort(np.fromiter(docs, dtype=np.int64, count=len(docs)))


def _local_mask(docs: np.ndarray, offset: int, count: int) -> np.ndarray:
    """Which of a segment's ``count`` documents (from ``offset`` on) are among ``docs`` (sorted)."""
    mask = np.zeros(count, dtype=bool)
    low, high = np.searchsorted(docs, [offset, offset + count])
    mask[docs[low:high] - offset] = True
    return mask


class _Segment:
    """One segment being read: its size, its field lengths, and each word's postings read once."""

    def __init__(self, leaf, count: int):
        self.leaf = leaf
        self.count = count
        self.postings: dict[tuple, tuple[np.ndarray, np.ndarray, list]] = {}

    def lengths(self, fieldname: str) -> np.ndarray:
        lengths = length_array(self.leaf.reader(), fieldname, self.count)
        if lengths is None:
            raise _Unsupported(f"no one-byte lengths for {fieldname}")
        return lengths


def _postings(matcher: W3LeafMatcher, segment: _Segment, deleted: frozenset) -> tuple[np.ndarray, np.ndarray, list]:
    """A word's document numbers, weights and (encoded) positions in the segment, every block
    read once (the matcher is left at its end: the tree is read, never walked)."""
    key = (matcher._term, bool(deleted))
    if key in segment.postings:
        return segment.postings[key]
    if matcher._byteids:
        raise _Unsupported("byte ids")
    ids: list[int] = []
    weights: list[float] = []
    values: list = []
    matcher.reset()  # from the first block: a phrase's matcher has moved its words on to its first match
    while not matcher._atend:
        if matcher._data is None:
            matcher._read_data()
        block_ids, block_weights, block_values = matcher._data
        ids.extend(accumulate(block_ids))
        if block_weights is None:
            weights.extend([1.0] * matcher._blocklength)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * matcher._blocklength)
        else:
            weights.extend(block_weights)
        values.extend(block_values if block_values is not None else [None] * matcher._blocklength)
        matcher._next_block()
    docs = np.array(ids, dtype=np.int64)
    tfs = np.array(weights, dtype=np.float64)
    if deleted:
        keep = ~np.isin(docs, np.fromiter(deleted, dtype=np.int64, count=len(deleted)))
        values = [v for v, k in zip(values, keep) if k]
        docs, tfs = docs[keep], tfs[keep]
    segment.postings[key] = (docs, tfs, values)
    return segment.postings[key]


def _leaf(matcher, segment: _Segment, deleted: frozenset = frozenset()) -> _Node:
    scorer = matcher.scorer
    if type(scorer) is not BM25FScorer:
        raise _Unsupported(f"scorer {type(scorer).__name__}")
    fieldname = matcher._term[0]
    docs, tf, _ = _postings(matcher, segment, deleted)
    fl = segment.lengths(fieldname)[docs]
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    # whoosh.scoring.bm25, operation for operation
    scored = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
    mask = np.zeros(segment.count, dtype=bool)
    scores = np.zeros(segment.count, dtype=np.float64)
    mask[docs] = True
    scores[docs] = scored
    return _Node(mask, scores, term=matcher._term)


def _empty(segment: _Segment) -> _Node:
    return _Node(np.zeros(segment.count, dtype=bool), np.zeros(segment.count, dtype=np.float64))


def _node(matcher, segment: _Segment) -> _Node:
    kind = type(matcher)
    if kind is W3LeafMatcher:
        return _leaf(matcher, segment)
    if kind is FilterMatcher and matcher._exclude and type(matcher.child) is W3LeafMatcher:  # a segment's deletions
        return _leaf(matcher.child, segment, frozenset(matcher._ids))
    if isinstance(matcher, NullMatcherClass):
        return _empty(segment)
    if kind is WrappingMatcher:
        child = _node(matcher.child, segment)
        scores = child.scores * matcher.boost if matcher.boost != 1.0 else child.scores
        return _Node(child.mask, scores, (child,))
    if kind is UnionMatcher or kind is IntersectionMatcher:
        a, b = _node(matcher.a, segment), _node(matcher.b, segment)
        # where one side lacks the passage its score is 0.0, and x + 0.0 is x: the sum Whoosh takes
        scores = a.scores + b.scores
        if kind is UnionMatcher:
            return _Node(a.mask | b.mask, scores, (a, b))
        mask = a.mask & b.mask
        return _Node(mask, np.where(mask, scores, 0.0), (a, b))  # nothing outside it
    if kind is SpanNear2.SpanNear2Matcher and matcher.ordered and matcher.mindist == 1:
        return _phrase(matcher, segment)
    raise _Unsupported(kind.__name__)


def _phrase(matcher, segment: _Segment) -> _Node:
    """Whoosh's phrase: the passages holding all its words (its intersection of them, whose score
    it keeps) where, in order, each word follows the one before by 1 to ``slop`` positions."""
    child = _node(matcher.child, segment)
    words = []
    for m in matcher.ms:
        deleted = frozenset()
        if type(m) is FilterMatcher and m._exclude:
            deleted, m = frozenset(m._ids), m.child
        if type(m) is not W3LeafMatcher:
            raise _Unsupported(f"phrase of {type(m).__name__}")
        words.append((_postings(m, segment, deleted), m.format.decode_positions))
    candidates = np.flatnonzero(child.mask)
    mask = np.zeros(segment.count, dtype=bool)
    if len(candidates):
        chosen = [[values[i] for i in np.searchsorted(docs, candidates).tolist()] for (docs, _, values), _ in words]
        single = [_single_positions(values) for values in chosen]
        slop = matcher.slop
        # passages where each word occurs once (most): their positions compared as arrays
        alone = np.logical_and.reduce([position >= 0 for position in single])
        held = alone.copy()
        for before, after in zip(single, single[1:]):
            gap = after - before
            held &= (gap >= 1) & (gap <= slop)
        mask[candidates[held & alone]] = True
        # the others one by one, as Whoosh's span matcher checks them
        others = np.flatnonzero(~alone).tolist()
        decoded = [_decode_positions([values[n] for n in others], decode) for values, (_, decode) in zip(chosen, words)]
        for i, n in enumerate(others):
            if holds_phrase([positions[i] for positions in decoded], slop):
                mask[candidates[n]] = True
    scores = np.where(mask, child.scores, 0.0)
    return _Node(mask, scores, (child,))


#: Whoosh's positions of a word that occurs once in a passage: its count (1) and the pickled list
#: of one small number, ``\x00\x00\x00\x01 \x80\x02 ] q\x00 K <n> a .``
_ONE_POSITION = 13
_ONE_POSITION_PREFIX = b"\x00\x00\x00\x01\x80\x02]q\x00K"


def _single_positions(values: list[bytes]) -> np.ndarray:
    """Each value's one position where it holds exactly one (below 256, as pickled in one
    byte), else -1 (then it is decoded as Whoosh decodes it)."""
    if not values:
        return np.zeros(0, dtype=np.int64)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    data = np.frombuffer(b"".join(values), dtype=np.uint8)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    one = lengths == _ONE_POSITION
    prefix = np.frombuffer(_ONE_POSITION_PREFIX, dtype=np.uint8)
    at = np.flatnonzero(one)
    if len(at):
        heads = data[starts[at, None] + np.arange(len(prefix))]
        tails = data[starts[at, None] + np.arange(len(prefix) + 1, _ONE_POSITION)]
        one[at] = (heads == prefix).all(axis=1) & (tails == np.frombuffer(b"a.", dtype=np.uint8)).all(axis=1)
    positions = np.full(len(values), -1, dtype=np.int64)
    positions[one] = data[starts[one] + len(prefix)]
    return positions


def _decode_positions(values: list[bytes], decode) -> list[list[int]]:
    """Each value's positions, as Whoosh's ``Positions.decode_positions`` gives them (its count,
    then a pickled list of the gaps between positions). Their pickles are read in one: each
    list's opcodes put together inside one list (each list's memo slot is the same, written and
    never read), so that one ``pickle.loads`` gives them all; values of another form are decoded
    by ``decode``, one at a time."""
    if not values:
        return []
    if not all(v[4:6] == b"\x80\x02" and v[-1:] == b"." for v in values):
        return [decode(v) for v in values]
    gaps = pickle.loads(b"\x80\x02](" + b"".join([v[6:-1] for v in values]) + b"e.")
    if len(gaps) != len(values):
        return [decode(v) for v in values]
    return [list(accumulate(g)) for g in gaps]


def _matched_terms(node: _Node, doc: int) -> list[tuple[str, bytes]]:
    """The words that matched in passage ``doc``, as Whoosh's ``matching_terms`` gives them: of the
    tree's nodes that hold it, down to the words."""
    if not node.mask[doc]:
        return []
    if node.term is not None:
        return [node.term]
    found: list = []
    for child in node.children:
        found.extend(_matched_terms(child, doc))
    return found
