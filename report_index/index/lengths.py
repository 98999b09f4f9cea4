"""Each passage's field lengths as Whoosh stores them: one byte a document in a segment's
lengths column, decoded by ``byte_to_length``. Read once a segment (kept on its reader, which
lives as long as the open index) for the scorers (``searcher``) and the array ranking
(``ranking``), instead of through Whoosh's column reader for every passage scored."""

from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

#: Whoosh's length of each length byte; 0 (no length) gives None, as ``doc_field_length`` does.
BYTE_LENGTHS = (None, *(byte_to_length(b) for b in range(1, 256)))
_LENGTH_ARRAY = np.array([0.0, *(float(length) for length in BYTE_LENGTHS[1:])])


def length_bytes(reader, fieldname: str) -> bytes | None:
    """A segment's lengths of ``fieldname``, a byte a document (one past the last too); None when
    they are not stored one byte a document (then Whoosh's own reading is to be used)."""
    cache = reader.__dict__.setdefault("_report_index_length_bytes", {})
    if fieldname not in cache:
        cache[fieldname] = None
        perdoc = getattr(reader, "_perdoc", None)
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc is not None else None
        if column is not None and getattr(column, "_typecode", None) == "B" and column._fixedlen == 1:
            data = column._dbfile.get(column._basepos, column._count)
            cache[fieldname] = data + column._defaultbytes * (column._doccount - column._count + 1)
    return cache[fieldname]


def length_array(reader, fieldname: str, count: int) -> np.ndarray | None:
    """The segment's first ``count`` lengths of ``fieldname`` as floats (0.0 for none), or None
    as ``length_bytes``."""
    cache = reader.__dict__.setdefault("_report_index_length_arrays", {})
    if fieldname not in cache:
        data = length_bytes(reader, fieldname)
        cache[fieldname] = None if data is None else _LENGTH_ARRAY[np.frombuffer(data, dtype=np.uint8)[:count]]
    return cache[fieldname]
