"""How many documents a query matches, without scoring them and without Whoosh's matcher tree.

Whoosh counts a query's documents (``Searcher.docs_for_query``) by walking its matcher tree one
posting at a time, in Python: at a million passages a common word costs it more than ranking
does. Here a word's documents are read from its posting blocks a block at a time (each block's
document numbers are one delta-encoded array, summed up in C with ``itertools.accumulate``) and
combined as sets: OR is a union, AND an intersection, AND NOT a difference. A phrase's
passages are the passages that hold all its words (as AND), of which only these have their
positions read and checked, as Whoosh's ``SpanNear2`` checks them (in order, each word 1 to
``slop`` positions after the one before). Any other query (wildcards, ranges) is counted by
Whoosh's own matcher, so every count is Whoosh's.
"""

from __future__ import annotations

from itertools import accumulate

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.query import And, AndNot, Or, Phrase, Term


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


def _is_phrase(leaf, query) -> bool:
    return type(query) is Phrase and len(query.words) > 1 and query.fieldname in leaf.schema


def _docs(leaf, query) -> set[int]:
    if isinstance(query, Term):
        return _term_docs(leaf, query)
    if _is_phrase(leaf, query):
        return _phrase_docs(leaf, query)
    if isinstance(query, AndNot):
        return _docs(leaf, query.a) - _docs(leaf, query.b)
    if type(query) is Or and query.subqueries:
        # the phrases last: a passage another part already matches needs no positions read (the
        # phrase a query of several words adds, "stalking orders"~3, then reads none at all)
        found: set[int] = set()
        for part in sorted(query.subqueries, key=lambda q: _is_phrase(leaf, q)):
            found |= _phrase_docs(leaf, part, found) if _is_phrase(leaf, part) else _docs(leaf, part)
        return found
    if type(query) is And and query.subqueries:
        parts = sorted((_docs(leaf, q) for q in query.subqueries), key=len)
        return parts[0].intersection(*parts[1:])
    return set(query.docs(leaf))


def _postings(leaf, fieldname: str, text):
    """(the term's own postings matcher, the segment's deleted documents), or None when the
    segment lacks the term."""
    field = leaf.schema[fieldname] if fieldname in leaf.schema else None
    if field is None:
        return None
    text = field.to_bytes(text) if isinstance(text, str) else text
    reader = leaf.reader()
    if (fieldname, text) not in reader:
        return None
    matcher = reader.postings(fieldname, text)
    deleted: frozenset = frozenset()
    if isinstance(matcher, FilterMatcher):  # the segment has deletions
        assert matcher._exclude
        deleted = frozenset(matcher._ids)
        matcher = matcher.child
    return matcher, deleted


def _blocks(matcher):
    """Each posting block's document numbers, the matcher left on that block (its values can be read)."""
    while not matcher._atend:
        if matcher._data is None:
            matcher._read_data()
        yield list(accumulate(matcher._data[0]))  # one block's delta-encoded numbers
        matcher._next_block()


def _fast(matcher) -> bool:
    return isinstance(matcher, W3LeafMatcher) and not matcher._byteids


def _term_docs(leaf, term: Term) -> set[int]:
    found = _postings(leaf, term.fieldname, term.text)
    if found is None:
        return set()
    matcher, deleted = found
    docs: set[int] = set()
    if not _fast(matcher):
        docs.update(matcher.all_ids())
    else:
        for ids in _blocks(matcher):
            docs.update(ids)
    return docs - deleted if deleted else docs


def _positions(leaf, fieldname: str, word, wanted: set[int]) -> dict[int, list[int]]:
    """The positions of ``word`` in each of the ``wanted`` documents (which all hold it)."""
    matcher, _ = _postings(leaf, fieldname, word)
    decode = leaf.schema[fieldname].format.decode_positions
    positions: dict[int, list[int]] = {}
    if not _fast(matcher):
        while matcher.is_active():
            if matcher.id() in wanted:
                positions[matcher.id()] = decode(matcher.value())
            matcher.next()
        return positions
    for ids in _blocks(matcher):
        values = None
        for i, doc in enumerate(ids):
            if doc in wanted:
                if values is None:
                    matcher._read_values()
                    values = matcher._values
                positions[doc] = decode(values[i])
    return positions


def _phrase_docs(leaf, phrase: Phrase, known: set[int] = frozenset()) -> set[int]:
    """The passages that hold ``phrase``, leaving out (and reading no positions for) ``known``."""
    words = phrase.words
    holding = [_term_docs(leaf, Term(phrase.fieldname, word)) for word in words]
    candidates = min(holding, key=len).intersection(*holding) - known
    if not candidates:
        return set()
    positions = [_positions(leaf, phrase.fieldname, word, candidates) for word in words]
    return {doc for doc in candidates if holds_phrase([words[doc] for words in positions], phrase.slop)}


def holds_phrase(positions: list[list[int]], slop: int) -> bool:
    """Whether a passage whose words are at ``positions`` (one list a word of the phrase) holds
    the phrase as Whoosh's ``SpanNear2`` finds it: in order, each word 1 to ``slop`` positions
    after where the phrase so far ends."""
    ends = set(positions[0])
    for following in positions[1:]:
        if slop == 1:
            ends = {p for p in following if p - 1 in ends}
        else:
            ends = {p for p in following if any(p - k in ends for k in range(1, slop + 1))}
        if not ends:
            return False
    return True
