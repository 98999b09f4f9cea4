"""Whoosh's segment writer, made several times faster, writing the same bytes to disk.

Whoosh's ``SegmentWriter`` spends most of an ingest's indexing time in per-token and
per-posting Python: generator chains of analysis filters, a sorting pool fed one posting tuple
at a time, a per-posting lookup of the document's field length (read back from disk), and a
postings writer that checks the types of each posting as it buffers it. This writer keeps
Whoosh's file formats and its own code for everything it writes (stored fields, columns, the
terms table, posting blocks), and changes only how postings reach them:

- **Analysis in one pass.** A field whose analyzer is a ``RegexTokenizer`` followed by any of
  lower-casing, stop words, stemming and a character map is analysed by one loop, with the
  word-to-term results cached (``_FusedAnalysis``); the terms, frequencies, weights and
  encoded positions are exactly those of Whoosh's filter chain. Other fields go through
  Whoosh's own ``field.index``. A value repeated from passage to passage (a section's heading)
  is analysed once.
- **Postings gathered by term.** Each posting goes into its term's arrays (documents arrive in
  order, so these stay sorted), not into a pool to be sorted at the end; the field lengths the
  postings carry are kept as they are added rather than read back from disk.
- **Posting blocks written whole.** A term's postings are handed to Whoosh's postings writer a
  block at a time, with the block's statistics computed over the block, and Whoosh writes the
  block as it always does.

Memory stays bounded: past ``limitmb`` of postings, the gathered postings go into Whoosh's own
sorting pool, which spills sorted runs to disk, and the segment is then written Whoosh's way.
The same happens when the writer merges existing segments (their postings arrive in the pool).
``tests/test_index_writer.py`` checks that segments written both ways are byte for byte the same.
"""

from __future__ import annotations

from array import array
from functools import lru_cache
from typing import Callable

#: Text fields whose value is the same in many passages in a row.
REPEATED_FIELDS = ("heading",)
#: Rough bytes of memory a gathered posting takes, beyond its encoded value.
_POSTING_BYTES = 64
_UNSEEN = object()


class _FusedAnalysis:
    """One field's analysis (tokenizer and filters) in one loop, with a cache of word -> term.

    Built only for chains this reproduces exactly (``fuse``); calling it gives what the field's
    format makes of the value: ``(term bytes, frequency, weight, encoded value)`` per term.
    """

    def __init__(self, field, tokenizer, lower: bool, stop, stem, charset, positions: bool):
        self._field = field
        self._finditer = tokenizer.expression.finditer
        self._lower = lower
        self._stops = stop.stops if stop is not None else frozenset()
        self._min = stop.min if stop is not None else 0
        self._max = stop.max if stop is not None else None
        self._stopping = stop is not None
        # StopFilter renumbers the positions of the words it keeps (the first keeps its own)
        self._renumber = stop is not None and stop.renumber
        self._stem = stem.stemfn if stem is not None else None
        self._ignore = stem.ignore if stem is not None else frozenset()
        self._charmap = charset.charmap if charset is not None else None
        self._boost = field.format.field_boost
        self._positions = positions
        from whoosh.system import pack_uint

        self._encode = field.format.encode if positions else None
        self._pack = pack_uint
        self._terms: dict[str, str | None] = {}

    def _term(self, word: str) -> str | None:
        """The term a token becomes (None: a stop word), as the filter chain makes it."""
        text = word.lower() if self._lower else word
        if self._stopping and (
            len(text) < self._min or (self._max is not None and len(text) > self._max) or text in self._stops
        ):
            term = None
        else:
            if self._stem is not None and text not in self._ignore:
                text = self._stem(text)
            term = text.translate(self._charmap) if self._charmap is not None else text
        if len(self._terms) >= 100_000:
            self._terms.clear()
        self._terms[word] = term
        return term

    def __call__(self, value) -> list[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, str):  # a list of ready tokens, or a wrong type: Whoosh's way
            return list(self._field.index(value))
        terms, make = self._terms, self._term
        found: dict[str, list[int]] = {}
        position = -1
        for index, match in enumerate(self._finditer(value)):
            word = match.group(0)
            term = terms.get(word, _UNSEEN)
            if term is _UNSEEN:
                term = make(word)
            if term is None:
                continue
            position = index if position < 0 or not self._renumber else position + 1
            spots = found.get(term)
            if spots is None:
                found[term] = [position]
            else:
                spots.append(position)
        boost = self._boost
        if self._positions:
            encode = self._encode
            return [(t.encode("utf-8"), len(p), float(len(p)) * boost, encode(p)) for t, p in found.items()]
        pack = self._pack
        return [(t.encode("utf-8"), len(p), float(len(p)) * boost, pack(len(p))) for t, p in found.items()]


class _WholeValue:
    """An ID field's indexing: the whole value is the one term."""

    def __init__(self, field):
        self._field = field
        self._boost = field.format.field_boost

    def __call__(self, value) -> list[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, str):
            return list(self._field.index(value))
        return [(value.encode("utf-8"), 1, self._boost, b"")]


def fuse(field) -> Callable | None:
    """The one-pass indexing of a field, or None when its analysis is not one this reproduces."""
    from whoosh.analysis import (
        CharsetFilter,
        CompositeAnalyzer,
        IDTokenizer,
        LowercaseFilter,
        RegexTokenizer,
        StemFilter,
        StopFilter,
    )
    from whoosh.fields import FieldType
    from whoosh.formats import Existence, Frequency, Positions

    fmt = getattr(field, "format", None)
    if field.vector or field.separate_spelling() or type(field).index is not FieldType.index or "index" in vars(field):
        return None  # a field that indexes in its own way
    analyzer = getattr(field, "analyzer", None)
    if type(fmt) is Existence and type(analyzer) is IDTokenizer:
        return _WholeValue(field)
    if type(fmt) not in (Positions, Frequency):
        return None
    items = list(analyzer.items) if isinstance(analyzer, CompositeAnalyzer) else [analyzer]
    tokenizer, filters = items[0], items[1:]
    if type(tokenizer) is not RegexTokenizer or tokenizer.gaps:
        return None
    order = (LowercaseFilter, StopFilter, StemFilter, CharsetFilter)
    found: dict[type, object] = {}
    last = -1
    for item in filters:
        kind = type(item)
        if kind not in order or order.index(kind) <= last:
            return None
        last = order.index(kind)
        found[kind] = item
    return _FusedAnalysis(
        field, tokenizer, LowercaseFilter in found, found.get(StopFilter), found.get(StemFilter),
        found.get(CharsetFilter), positions=type(fmt) is Positions,
    )


def _remembered(index: Callable, size: int = 256) -> Callable:
    """A field's indexing (value -> postings) that keeps the postings of recent values."""
    memory: dict[str | int, list] = {}

    def remembered(value):
        if type(value) not in (str, int):
            return index(value)
        postings = memory.get(value)
        if postings is None:
            if len(memory) >= size:
                memory.clear()
            postings = memory[value] = list(index(value))
        return postings

    return remembered


class _Plan:
    """How the writer indexes and stores one field."""

    __slots__ = ("name", "field", "index", "scorable", "stored", "column")

    def __init__(self, name: str, field):
        from whoosh.formats import Existence

        self.name = name
        self.field = field
        index = fuse(field) if field.indexed else None
        if index is None and field.indexed:
            index = field.index
            if isinstance(field.format, Existence):  # numbers: their few terms, once a value
                index = _remembered(index, size=4096)
        elif index is not None and name in REPEATED_FIELDS:
            index = _remembered(index)
        self.index = index
        self.scorable = field.scorable
        self.stored = field.stored
        self.column = field.column_type


class _Lengths:
    """A per-document reader that remembers which fields have no lengths column (Whoosh looks
    on disk for the missing file again at each posting, one ``stat`` call each)."""

    def __init__(self, reader):
        from whoosh.codec.whoosh3 import _lenfield

        self._reader = reader
        self._lenfield = _lenfield
        self._has: dict[str, bool] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        has = self._has.get(fieldname)
        if has is None:
            has = self._has[fieldname] = self._reader.has_column(self._lenfield(fieldname))
        return self._reader.doc_field_length(docnum, fieldname, default) if has else default

    def __getattr__(self, name: str):
        return getattr(self._reader, name)


@lru_cache(maxsize=None)
def writer_class():
    """The writer class (built once, on first use, so that Whoosh loads only when needed)."""
    from whoosh.util.numeric import byte_to_length, length_to_byte
    from whoosh.writing import SegmentWriter

    class Writer(SegmentWriter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._plans = {name: _Plan(name, field) for name, field in self.schema.items()}
            # field -> term bytes -> (document numbers, weights, encoded values)
            self._gathered: dict[str, dict[bytes, tuple[array, array, list]]] = {}
            # field -> document number -> the length postings carry (as stored: one byte's worth)
            self._lengths: dict[str, dict[int, int]] = {}
            self._gathered_bytes = 0
            self._limit = self.pool.limit

        def add_document(self, **fields):
            if any(name.startswith("_") for name in fields) or not fields.keys() <= self._plans.keys():
                return super().add_document(**fields)  # boosts, unknown fields: Whoosh's way (and errors)
            self._check_state()
            perdocwriter = self.perdocwriter
            docnum = self.docnum
            gathered, plans = self._gathered, self._plans
            size = 0
            perdocwriter.start_doc(docnum)
            try:
                for name in sorted(fields):
                    value = fields[name]
                    if value is None:
                        continue
                    plan = plans[name]
                    length = 0
                    if plan.index is not None:
                        terms = gathered.get(name)
                        if terms is None:
                            terms = gathered[name] = {}
                        for tbytes, freq, weight, vbytes in plan.index(value):
                            if plan.scorable:
                                length += freq
                            postings = terms.get(tbytes)
                            if postings is None:
                                postings = terms[tbytes] = (array("I"), array("d"), [])
                            postings[0].append(docnum)
                            postings[1].append(weight)
                            postings[2].append(vbytes)
                            size += _POSTING_BYTES + len(vbytes)
                        if length:
                            byte = length_to_byte(length)
                            if byte:
                                self._lengths.setdefault(name, {})[docnum] = byte_to_length(byte)
                    perdocwriter.add_field(name, plan.field, value if plan.stored else None, length)
                    if plan.column:
                        perdocwriter.add_column_value(name, plan.column, plan.field.to_column_value(value))
            except Exception:
                perdocwriter.cancel_doc()
                raise
            perdocwriter.finish_doc()
            self._added = True
            self.docnum += 1
            self._gathered_bytes += size
            if self._gathered_bytes > self._limit:
                self._pool_gathered()

        def _pool_gathered(self) -> None:
            """Move the gathered postings into Whoosh's sorting pool (which spills to disk)."""
            add = self.pool.add
            for name, terms in self._gathered.items():
                for tbytes, (docnums, weights, values) in terms.items():
                    for docnum, weight, vbytes in zip(docnums, weights, values):
                        add((name, tbytes, docnum, weight, vbytes))
            self._gathered.clear()
            self._gathered_bytes = 0

        def per_document_reader(self):
            return _Lengths(super().per_document_reader())

        def _flush_segment(self):
            if self.pool.current or self.pool.runs:  # merged segments or spilled postings
                self._pool_gathered()
                return super()._flush_segment()
            self.perdocwriter.close()
            fieldwriter = self.fieldwriter
            for name in sorted(self._gathered):
                terms = self._gathered[name]
                if not terms:
                    continue
                lengths = self._lengths.get(name)
                fieldwriter.start_field(name, self.schema[name])
                for tbytes in sorted(terms):
                    fieldwriter.start_term(tbytes)
                    _fill_blocks(fieldwriter._postwriter, *terms[tbytes], lengths)
                    fieldwriter.finish_term()
                fieldwriter.finish_field()
            fieldwriter.close()
            self._gathered.clear()

    return Writer


def _fill_blocks(postwriter, docnums: array, weights: array, values: list, lengths: dict[int, int] | None) -> None:
    """Give a term's postings to Whoosh's postings writer: each full block written, the last one
    left buffered for ``finish_term``; buffers and statistics as ``add_posting`` leaves them."""
    limit = postwriter._blocklimit
    count = len(docnums)
    for start in range(0, count, limit):
        end = start + limit
        ids = docnums[start:end]
        block_weights = weights[start:end]
        top = max(block_weights)
        postwriter._ids = ids
        postwriter._weights = array("f", block_weights)
        postwriter._maxweight = top if top > 0 else 0
        postwriter._values = [v for v in values[start:end] if v]
        carried = [n for n in map(lengths.get, ids) if n] if lengths else []
        postwriter._minlength = min(carried) if carried else None
        postwriter._maxlength = max(carried) if carried else 0
        if end < count:
            postwriter._write_block()
