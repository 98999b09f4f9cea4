"""The index's schema: one document per passage and one per report, the analysers that make
their words, and the schema version recorded beside Whoosh's files."""

from __future__ import annotations

import re

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.support.charset import accent_map


SCHEMA_VERSION = 6  # 2: measures; 3: initiatives and mentions; 4: vocabulary, year facet, spelling words; 5: page offsets;
# 6: text fingerprints (a report in other bytes is a duplicate)






def analyzer():
    """Words lower-cased, accents folded, stop words dropped, stemmed (orders -> order)."""
    return StemmingAnalyzer() | CharsetFilter(accent_map)


SPELL_PATTERN = r"[^\W\d_]{3,}"


SPELL_WORD = re.compile(SPELL_PATTERN)


def spelling_analyzer():
    """Whole words, lower-cased, not stemmed: the words "did you mean" can offer."""
    return RegexTokenizer(SPELL_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


def build_schema() -> Schema:
    return Schema(
        doc_id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        report_id=ID(stored=True),
        title=TEXT(stored=True, analyzer=analyzer()),
        date=ID(stored=True, sortable=True),
        year=ID(stored=True),
        body=TEXT(stored=True, analyzer=analyzer()),
        source=STORED(),
        section=ID(stored=True),
        heading=TEXT(stored=True, analyzer=analyzer()),
        # one term a number, not Whoosh's default of eight (for fast ranges): pages and ordinals
        # are shown and sorted on, and a range over them is short anyway
        page=NUMERIC(stored=True, shift_step=0),
        pages=STORED(),
        page_offsets=STORED(),  # where in the text each page after the first begins
        ordinal=NUMERIC(stored=True, sortable=True, shift_step=0),
        text=TEXT(stored=True, analyzer=analyzer(), phrase=True),
        spell=TEXT(stored=False, analyzer=spelling_analyzer(), phrase=False),
        vocab=STORED(),  # report documents: acronyms the report defines, names of discovered initiatives
        initiatives=KEYWORD(lowercase=False, scorable=False),  # ids of the initiatives a passage mentions
        sha256=STORED(),
        fingerprint=STORED(),
        text_print=STORED(),  # report documents: text.fingerprint.TextPrint, to find the same text in other bytes
        annotation=STORED(),  # fingerprint of the initiative gazetteer the mentions were read with
        model=STORED(),
    )
