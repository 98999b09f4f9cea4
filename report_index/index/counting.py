"""How many documents a query matches, without scoring them and without Whoosh's matcher tree.

Whoosh counts a query's documents (``Searcher.docs_for_query``) by walking its matcher tree one
posting at a time, in Python: at a million passages a common word costs it more than ranking
does. Here a word's documents are read from its posting blocks a block at a time (each block's
document numbers are one delta-encoded array, summed up in C with ``itertools.accumulate``) and
combined as sets: OR is a union, AND an intersection, AND NOT a difference. Any other query
(phrases, wildcards, ranges) is counted by Whoosh's own matcher, so every count is Whoosh's.
"""

from __future__ import annotations

from itertools import accumulate

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.query import And, AndNot, Or, Term


def matching_docs(searcher, query) -> set[int]:
    """The (global) numbers of the documents ``query`` matches in ``searcher``'s index,
    deleted documents left out: what ``docs_for_query`` gives, "a NOT b" read as a's documents
    less b's."""
    found: set[int] = set()
    for leaf, offset in searcher.leaf_searchers():
        local = _docs(leaf, query)
        if offset:
            found.update(doc + offset for doc in local)
        else:
            found |= local
    return found


def _docs(leaf, query) -> set[int]:
    if isinstance(query, Term):
        return _term_docs(leaf, query)
    if isinstance(query, AndNot):
        return _docs(leaf, query.a) - _docs(leaf, query.b)
    if type(query) in (Or, And) and query.subqueries:
        parts = [_docs(leaf, q) for q in query.subqueries]
        if isinstance(query, Or):
            return set().union(*parts)
        parts.sort(key=len)
        return parts[0].intersection(*parts[1:])
    return set(query.docs(leaf))


def _term_docs(leaf, term: Term) -> set[int]:
    reader = leaf.reader()
    field = leaf.schema[term.fieldname] if term.fieldname in leaf.schema else None
    if field is None:
        return set()
    text = field.to_bytes(term.text) if isinstance(term.text, str) else term.text
    if (term.fieldname, text) not in reader:
        return set()
    matcher = reader.postings(term.fieldname, text)
    deleted = None
    if isinstance(matcher, FilterMatcher):  # the segment has deletions
        deleted = matcher._ids if matcher._exclude else None
        if deleted is None:
            return set(term.docs(leaf))
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
        docs = set(matcher.all_ids())
    else:
        docs = set()
        while not matcher._atend:
            if matcher._data is None:
                matcher._read_data()
            docs.update(accumulate(matcher._data[0]))  # one block's delta-encoded numbers
            matcher._next_block()
    if deleted:
        docs -= set(deleted)
    return docs
