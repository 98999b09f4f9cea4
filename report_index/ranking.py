"""Ranking a query's passages a posting list at a time, with Whoosh's own BM25F arithmetic.

Whoosh scores a query one document at a time: a tree of matchers steps through every matching
document, in Python. At 100,000 passages a one-word query matches half of them, and that walk
(twice: once to rank, once more to count) is most of a search's time. This module evaluates the
same query a posting list at a time instead: each term's postings are read block by block, scored
in one pass with BM25F (``whoosh.scoring.bm25``: the same idf, average field length, per-field B,
boosts and coordination bonus as Whoosh's matchers), and combined by set operations (OR adds the
scores, AND intersects, AND NOT removes). Phrases are checked on the positions of the documents
that hold all their words, with the span rules of Whoosh's ``SpanNear2``.

Only the query shapes the query parser gives for search words are handled: terms, OR (with its
coordination ``scale``), AND, AND NOT, phrases (with slop) and boosts. ``rank`` returns None for
anything else (wildcards, ranges, fuzzy terms...), and the caller lets Whoosh run the query. The
tests compare both ways on the corpus: the same passages in the same order, the same totals.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from whoosh.query import And, AndNot, Or, Phrase, Term
from whoosh.scoring import bm25

@dataclass
class Ranked:
    top: list[tuple[float, int]]  # (score, docnum), best first; ties by docnum, as Whoosh orders them
    total: int  # every passage that matches, filters applied
    #: the (field, word) terms found in matching passages, as Whoosh's ``terms=True`` records them
    matched_terms: set[tuple[str, bytes]] = field(default_factory=set)


class Unsupported(Exception):
    """A query node this module does not evaluate; Whoosh runs the query instead."""


class _Node:
    """One query node's matches: {docnum: score}, and how many of its terms match each one."""

    __slots__ = ("scores", "counts", "children", "terms", "hidden")

    def __init__(self, scores, counts, children=(), terms=()):
        self.hidden = 0
        self.scores = scores
        self.counts = counts
        self.children = children  # the nodes whose terms are "at" a document this node matches
        self.terms = terms  # this node's own terms (a term or a phrase's words)


def rank(searcher, query, limit: int, allow=None, deny=None, text_field: str = "text") -> Ranked | None:
    """The ``limit`` best passages for ``query`` and how many match, or None when the query has a
    shape this module leaves to Whoosh. ``allow`` and ``deny`` are sets of docnums (the filter and
    the mask)."""
    scores: dict[int, float] = {}
    matched: set[tuple[str, bytes]] = set()
    # Whoosh builds a matcher per segment (a term missing from a segment has none there, which
    # changes the coordination bonus), so each segment is evaluated on its own.
    for leaf, offset in searcher.leaf_searchers():
        try:
            root = _Evaluator(leaf).node(query)
        except Unsupported:
            return None
        kept = {
            doc: score
            for doc, score in root.scores.items()
            if (allow is None or offset + doc in allow) and (deny is None or offset + doc not in deny)
        }
        _record_terms(root, kept.keys(), matched)
        scores.update((offset + doc, score) for doc, score in kept.items())
    return Ranked(top=_best(scores, limit), total=len(scores), matched_terms={t for t in matched if t[0] == text_field})


def _best(scores: dict[int, float], limit: int) -> list[tuple[float, int]]:
    """The top ``limit`` (score, docnum) pairs: highest score first, lower docnum first on ties."""
    if not scores:
        return []
    if len(scores) <= limit:
        return sorted(((s, d) for d, s in scores.items()), key=lambda sd: (-sd[0], sd[1]))
    threshold = heapq.nlargest(limit, scores.values())[-1]
    candidates = sorted(((s, d) for d, s in scores.items() if s >= threshold), key=lambda sd: (-sd[0], sd[1]))
    return candidates[:limit]


def _record_terms(node: _Node, alive, out: set) -> None:
    """Whoosh records a term for a document when the term's matcher stands on it as the document
    is collected: the term is in it and so is every query node above the term (a phrase's words
    count only where the phrase matches)."""
    here = alive if node.scores is alive else [doc for doc in alive if doc in node.scores]
    if not here:
        return
    out.update(node.terms)
    for child in node.children:
        _record_terms(child, here, out)


class _Evaluator:
    """Evaluates a query on one segment (``leaf``, a sub-searcher): local docnums, global statistics."""

    def __init__(self, leaf):
        self.searcher = leaf
        self.reader = leaf.reader()
        self.weighting = leaf.weighting

    # -- nodes

    def node(self, query) -> _Node:
        if type(query) is Term:  # not subclasses (fuzzy terms, variations...)
            return self._boosted(self.term(query.fieldname, query.text), query.boost)
        if type(query) is Phrase:
            return self._boosted(self.phrase(query), query.boost)
        if type(query) is AndNot:
            positive = self.node(query.a)
            negative = self.node(query.b)
            scores = {d: s for d, s in positive.scores.items() if d not in negative.scores}
            node = _Node(scores, {d: positive.counts[d] for d in scores}, (positive,))
            node.hidden = _term_count(negative)  # never at a matching document, but counted by CoordMatcher
            return node
        if type(query) in (Or, And):  # not subclasses (DisjunctionMax, Ordered...): they score otherwise
            subs = [self.node(q) for q in query.subqueries]
            if not subs:
                raise Unsupported(query)
            if len(subs) == 1:
                return subs[0]  # Whoosh uses the one subquery's matcher as it is: no boost, no scale
            if type(query) is And:
                return self._boosted(_intersection(subs), query.boost)
            if query.minmatch:
                raise Unsupported(query)
            node = self._boosted(_union(subs), query.boost)
            if query.scale and _term_count(node):
                node = _coordinated(node, query.scale)
            return node
        raise Unsupported(query)

    @staticmethod
    def _boosted(node: _Node, boost: float) -> _Node:
        if boost != 1.0:
            node.scores = {d: s * boost for d, s in node.scores.items()}
        return node

    def term(self, fieldname: str, text) -> _Node:
        fieldobj = self._field(fieldname)
        btext = text if isinstance(text, bytes) else fieldobj.to_bytes(text)
        term = (fieldname, btext)
        if term not in self.reader:
            return _Node({}, {})  # Whoosh's null matcher: no documents, no terms
        if not fieldobj.scorable:
            raise Unsupported(fieldname)
        scorer = self.weighting.scorer(self.searcher, fieldname, btext)
        idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        ids, weights = _postings(self.reader, fieldname, btext)
        lengths = _lengths(self.searcher, self.reader, fieldname)
        scores = {doc: bm25(idf, weight, lengths[doc], avgfl, B, K1) for doc, weight in zip(ids, weights)}
        return _Node(scores, dict.fromkeys(scores, 1), terms=(term,))

    def phrase(self, query: Phrase) -> _Node:
        fieldname = query.fieldname
        fieldobj = self._field(fieldname)
        if not fieldobj.format or not fieldobj.format.supports("positions"):
            raise Unsupported(query)
        words = []
        for word in query.words:
            try:
                words.append(fieldobj.to_bytes(word))
            except ValueError:
                return _Node({}, {})
        if not words or any((fieldname, word) not in self.reader for word in words):
            return _Node({}, {})
        members = [self.term(fieldname, word) for word in words]
        candidates = set(members[0].scores)
        for member in members[1:]:
            candidates.intersection_update(member.scores)
        decode = fieldobj.format.decode_positions
        positions = [_values(self.reader, fieldname, word, candidates) for word in words]
        scores = {}
        for doc in sorted(candidates):
            if _near([decode(p[doc]) for p in positions], query.slop):
                # the phrase scores as the intersection of its words (a binary tree of them)
                scores[doc] = _tree_sum([m.scores[doc] for m in members])
        terms = tuple((fieldname, word) for word in words)
        return _Node(scores, dict.fromkeys(scores, len(words)), terms=terms)

    def _field(self, fieldname: str):
        if fieldname not in self.searcher.schema:
            raise Unsupported(fieldname)
        return self.searcher.schema[fieldname]


def _union(subs: list[_Node]) -> _Node:
    scores, counts = _union_tree(_tree(subs))  # summed in the order of Whoosh's binary tree of unions
    return _Node(scores, counts, tuple(subs))


def _union_tree(tree):
    if isinstance(tree, _Node):
        return tree.scores, tree.counts
    (a_scores, a_counts), (b_scores, b_counts) = _union_tree(tree[0]), _union_tree(tree[1])
    scores = dict(a_scores)
    counts = dict(a_counts)
    for doc, score in b_scores.items():
        if doc in scores:
            scores[doc] = scores[doc] + score
            counts[doc] += b_counts[doc]
        else:
            scores[doc] = score
            counts[doc] = b_counts[doc]
    return scores, counts


def _intersection(subs: list[_Node]) -> _Node:
    smallest = min(subs, key=lambda n: len(n.scores))
    docs = [d for d in smallest.scores if all(d in n.scores for n in subs)]
    scores = {d: _tree_sum([n.scores[d] for n in subs]) for d in docs}
    counts = {d: sum(n.counts[d] for n in subs) for d in docs}
    return _Node(scores, counts, tuple(subs))


def _coordinated(node: _Node, scale: float) -> _Node:
    """Whoosh's CoordMatcher: a bonus for documents that match more of the OR's terms (SQR)."""
    termcount = _term_count(node)
    if termcount == scale:
        node.scores = dict.fromkeys(node.scores, 0)
        return node
    counts = node.counts
    node.scores = {
        d: (s + ((counts[d] - 1) / (termcount - scale) ** 2)) * ((termcount - 1) / termcount)
        for d, s in node.scores.items()
    }
    return node


def _term_count(node: _Node) -> int:
    """How many term matchers Whoosh's matcher tree for the node has."""
    return len(node.terms) + node.hidden + sum(_term_count(c) for c in node.children)


def _tree(items: list):
    """Whoosh's ``make_binary_tree``: halves, recursively."""
    if len(items) == 1:
        return items[0]
    half = len(items) // 2
    return (_tree(items[:half]), _tree(items[half:]))


def _tree_sum(values: list[float]) -> float:
    tree = _tree(values)
    return _sum(tree)


def _sum(tree) -> float:
    if isinstance(tree, tuple):
        return _sum(tree[0]) + _sum(tree[1])
    return tree


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
    """Yield the matcher's postings block by block, as its own reading methods decode them."""
    while matcher.is_active():
        matcher._read_ids()
        yield matcher
        matcher._next_block()


def _postings(reader, fieldname: str, btext: bytes) -> tuple[list[int], list[float]]:
    matcher, deleted = _raw_matcher(reader, fieldname, btext)
    ids: list[int] = []
    weights: list[float] = []
    if _is_w3(matcher):
        for block in _blocks(matcher):
            block._read_weights()
            ids.extend(block._ids)
            weights.extend(block._weights)
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    if deleted:
        kept = [(d, w) for d, w in zip(ids, weights) if d not in deleted]
        ids, weights = [d for d, _ in kept], [w for _, w in kept]
    return ids, weights


def _values(reader, fieldname: str, btext: bytes, wanted: set[int]) -> dict[int, bytes]:
    """The encoded positions of the term in each of the ``wanted`` documents."""
    matcher, _ = _raw_matcher(reader, fieldname, btext)
    found: dict[int, bytes] = {}
    if _is_w3(matcher):
        for block in _blocks(matcher):
            ids = block._ids
            if not any(doc in wanted for doc in ids):
                continue
            block._read_values()
            values = block._values
            for i, doc in enumerate(ids):
                if doc in wanted:
                    found[doc] = values[i]
    else:
        while matcher.is_active():
            if matcher.id() in wanted:
                found[matcher.id()] = matcher.value()
            matcher.next()
    return found


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
