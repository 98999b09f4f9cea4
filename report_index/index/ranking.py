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
from itertools import accumulate
from pickle import loads

from whoosh.query import And, AndNot, Or, Phrase, Term, TermRange
from whoosh.system import _INT_SIZE

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
        kept = _filtered(root.scores, offset, allow, deny)
        _record_terms(root, kept.keys(), matched)
        if offset:
            scores.update((offset + doc, score) for doc, score in kept.items())
        else:
            scores.update(kept)
    return Ranked(top=_best(scores, limit), total=len(scores), matched_terms={t for t in matched if t[0] == text_field})


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


def _filtered(scores: dict[int, float], offset: int, allow, deny) -> dict[int, float]:
    """``scores`` (of one segment) without the documents the filter leaves out or the mask hides."""
    kept = scores
    if allow is not None:
        kept = {doc: score for doc, score in kept.items() if offset + doc in allow}
    if deny:
        if kept is scores:
            kept = dict(scores)
        if len(deny) < len(kept):
            for doc in deny:
                kept.pop(doc - offset, None)
        else:
            kept = {doc: score for doc, score in kept.items() if offset + doc not in deny}
    return kept


def _best(scores: dict[int, float], limit: int) -> list[tuple[float, int]]:
    """The top ``limit`` (score, docnum) pairs: highest score first, lower docnum first on ties
    (Whoosh's order)."""
    if len(scores) > limit:
        threshold = heapq.nlargest(limit, scores.values())[-1]
        above = [(-s, d) for d, s in scores.items() if s > threshold]
        ties = sorted(d for d, s in scores.items() if s == threshold)
        ranked = sorted(above) + [(-threshold, d) for d in ties[: limit - len(above)]]
    else:
        ranked = sorted((-s, d) for d, s in scores.items())
    return [(-negated, doc) for negated, doc in ranked]


def _record_terms(node: _Node, alive, out: set) -> None:
    """Whoosh records a term for a document when the term's matcher stands on it as the document
    is collected: the term is in it and so is every query node above the term (a phrase's words
    count only where the phrase matches). ``alive``: the collected documents this node may be on."""
    if not node.children:
        if node.terms and not node.scores.keys().isdisjoint(alive):
            out.update(node.terms)
        return
    here = alive & node.scores.keys()
    if here:
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
        if (fieldname, btext) not in self.reader:
            return _Node({}, {})  # Whoosh's null matcher: no documents, no terms
        ids, weights, _ = _postings(self.reader, fieldname, btext)
        scores = self._scores(fieldname, btext, ids, weights)
        return _Node(scores, dict.fromkeys(scores, 1), terms=((fieldname, btext),))

    def _scores(self, fieldname: str, btext: bytes, ids, weights) -> dict[int, float]:
        """BM25F of the term in each of the documents ``ids`` (with its ``weights`` there)."""
        if not self.searcher.schema[fieldname].scorable:
            raise Unsupported(fieldname)
        scorer = self.weighting.scorer(self.searcher, fieldname, btext)
        idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        lengths = _lengths(self.searcher, self.reader, fieldname)
        # whoosh.scoring.bm25, written out (the same operations in the same order, so the same floats)
        k1_plus_1, one_minus_b = K1 + 1, 1 - B
        return {
            doc: idf * ((tf * k1_plus_1) / (tf + K1 * (one_minus_b + B * lengths[doc] / avgfl)))
            for doc, tf in zip(ids, weights)
        }

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
        postings = [_postings(self.reader, fieldname, word, values=True) for word in words]
        # the documents holding every word ...
        candidates = set(postings[0][0]).intersection(*(ids for ids, _, _ in postings[1:]))
        at = [dict(zip(ids, values)) for ids, _, values in postings]
        # ... where the words stand in order, each within the slop of the one before
        slop = query.slop
        decoded: dict[bytes, list[int]] = {}  # passages share few position lists: each decoded once

        def positions(value: bytes) -> list[int]:
            known = decoded.get(value)
            if known is None:
                known = decoded[value] = _positions(value)
            return known

        if len(words) == 2:
            first, second = at
            found = [d for d in candidates if _follows(positions(first[d]), positions(second[d]), slop)]
        else:
            found = [d for d in candidates if _near([positions(values[d]) for values in at], slop)]
        found = set(found)
        # the phrase scores as the intersection of its words (a binary tree of them)
        members = []
        for word, (ids, weights, _) in zip(words, postings):
            kept = [(doc, weight) for doc, weight in zip(ids, weights) if doc in found]
            members.append(self._scores(fieldname, word, [d for d, _ in kept], [w for _, w in kept]))
        scores = _intersect_tree(_tree(members))
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
    scores = _intersect_tree(_tree([n.scores for n in subs]))  # summed as Whoosh's binary tree of intersections
    counts = _intersect_tree(_tree([n.counts for n in subs]))
    return _Node(scores, counts, tuple(subs))


def _intersect_tree(tree) -> dict:
    if isinstance(tree, dict):
        return tree
    a, b = _intersect_tree(tree[0]), _intersect_tree(tree[1])
    if len(b) < len(a):
        return {d: a[d] + b[d] for d in b if d in a}
    return {d: a[d] + b[d] for d in a if d in b}


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
