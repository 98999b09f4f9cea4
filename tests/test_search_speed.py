"""Search ranks as Whoosh ranks on the bundled corpus, totals are exact, and the open index is never stale."""

from __future__ import annotations

import shutil

import pytest
from whoosh import scoring
from whoosh.query import Term

from report_index.index.store import open_index
from report_index.ingest.run import ingest
from report_index.index.searcher import parse_query
from report_index.search.run import search

from .conftest import GOLD, SEED_2021, SEED_2022

#: query shapes whose Whoosh scores do not depend on the order documents are scored in (an OR
#: with a coordination bonus recounts its terms when Whoosh prunes its matcher tree mid-search)
SHAPES = [
    "safeguarding",
    "SmartWater",
    "stalking AND training",
    "modern AND slavery AND partnership",
    '"Stalking Protection Orders"',
    '"forensic marking"',
    '"anti slavery"~3',
    "stalking NOT orders",
    "heading:safeguarding",
    "xylophone",
]


def _searcher(index_dir):
    return open_index(index_dir).searcher(weighting=scoring.BM25F(B=0.75, K1=1.2, heading_B=0.3))


@pytest.mark.parametrize("text", SHAPES)
def test_search_ranks_as_whoosh_ranks(corpus_index, text):
    with _searcher(corpus_index) as searcher:
        query = parse_query(searcher.schema, text)
        mask = Term("kind", "report")
        expected = searcher.search(query, limit=20, mask=mask, optimize=False)
        ids = [searcher.stored_fields(doc)["doc_id"] for _, doc in expected.top_n]
    hits = search(corpus_index, text, limit=20, expand=False).hits
    assert [h.id for h in hits] == ids
    assert [h.score for h in hits] == [round(s, 4) for s, _ in expected.top_n]


@pytest.mark.parametrize("query", GOLD["queries"], ids=[q["q"] for q in GOLD["queries"]])
def test_total_is_every_matching_passage(corpus_index, query):
    with _searcher(corpus_index) as searcher:
        parsed = parse_query(searcher.schema, query["q"])
        reports = set(searcher.docs_for_query(Term("kind", "report")))
        matching = set(searcher.docs_for_query(parsed)) - reports
    assert search(corpus_index, query["q"], limit=1, expand=False).total == len(matching)


def test_filtered_total_counts_only_the_filtered_passages(corpus_index):
    everything = search(corpus_index, "safeguarding", limit=2)
    recent = search(corpus_index, "safeguarding", limit=2, date_from="2022-01-01")
    older = search(corpus_index, "safeguarding", limit=2, date_to="2021")
    assert recent.total < everything.total and older.total < everything.total
    assert recent.total + older.total == everything.total
    assert search(corpus_index, "safeguarding", date_from="2030").total == 0


def test_wildcards_answer(corpus_index):
    wildcard = search(corpus_index, "stalk*", limit=50)
    assert wildcard.hits and all("stalk" in h.text.lower() for h in wildcard.hits)


def test_a_new_ingest_is_searched_at_once(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(SEED_2022, sources)
    index_dir = tmp_path / "index"
    ingest([sources], index_dir)
    before = search(index_dir, "safeguarding", limit=50)
    assert {h.report_date for h in before.hits} == {"2022-06-10"}
    shutil.copy(SEED_2021, sources)
    ingest([sources], index_dir)
    after = search(index_dir, "safeguarding", limit=50)
    assert {h.report_date for h in after.hits} == {"2021-06-15", "2022-06-10"}
    assert after.total > before.total
