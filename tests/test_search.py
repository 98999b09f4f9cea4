"""Search over the index of the real corpus: the gold queries and the query language."""

from __future__ import annotations

import pytest

from report_index.errors import QueryError, UnknownReportError
from report_index.search.run import search
from report_index.text.clean import comparable

from .conftest import GOLD

ANSWERABLE = [q for q in GOLD["queries"] if "needs" not in q]


def _rank(hits, relevant) -> int | None:
    for rank, hit in enumerate(hits):
        if hit.report_date == relevant["report_date"] and comparable(relevant["contains"]) in comparable(hit.text):
            return rank
    return None


@pytest.mark.parametrize("query", ANSWERABLE, ids=[q["q"] for q in ANSWERABLE])
def test_gold_query_finds_every_relevant_passage_in_top_10(corpus_index, query):
    results = search(corpus_index, query["q"], limit=10)
    missing = [r["contains"] for r in query["relevant"] if _rank(results.hits, r) is None]
    assert not missing, f"not in the top 10 for {query['q']!r}: {missing}"
    if "top1_any_of" in query:
        top = comparable(results.hits[0].text)
        assert any(comparable(option) in top for option in query["top1_any_of"])


def test_hits_carry_citations(corpus_index):
    hit = search(corpus_index, "SmartWater").hits[0]
    assert (hit.report_date, hit.report_body, hit.report_title) == ("2022-06-10", "Police and Crime Panel", "Safeguarding Report")
    assert (hit.section, hit.heading, hit.page, hit.kind) == ("2.5.6", "Domestic Abuse", 6, "paragraph")
    assert hit.source.endswith("2022-06-10_police-and-crime-panel_safeguarding-report.pdf")
    assert "**SmartWater**" in hit.snippet
    assert hit.citation() == "Safeguarding Report, Police and Crime Panel, 2022-06-10, para 2.5.6, p. 6"


def test_curly_and_straight_apostrophes_match_each_other(corpus_index):
    curly = search(corpus_index, "Clare\u2019s Law")
    straight = search(corpus_index, "Clare's Law")
    assert [h.id for h in curly.hits] == [h.id for h in straight.hits]
    assert curly.hits[0].section == "2.5.2"


def test_quoted_phrase_is_exact(corpus_index):
    results = search(corpus_index, '"Stalking Protection Orders"')
    assert [h.section for h in results.hits] == ["2.6.1"]
    smart = search(corpus_index, "\u201cforensic marking\u201d")  # curly double quotes make a phrase too
    assert [h.section for h in smart.hits] == ["2.5.6"]


def test_boolean_operators(corpus_index):
    both = search(corpus_index, "stalking AND training", limit=50)
    assert both.hits and all("stalking" in h.text.lower() and "training" in h.text.lower() for h in both.hits)
    without = search(corpus_index, "stalking NOT orders", limit=50)
    assert without.hits and all("order" not in h.text.lower() for h in without.hits)
    either = search(corpus_index, "TecSOS OR SmartWater")
    assert {h.section for h in either.hits} == {"2.5.5", "2.5.6"}


def test_date_and_report_filters(corpus_index):
    everything = search(corpus_index, "modern slavery", limit=50)
    assert {h.report_date for h in everything.hits} == {"2021-06-15", "2022-06-10"}
    recent = search(corpus_index, "modern slavery", limit=50, date_from="2022-01-01")
    assert recent.hits and {h.report_date for h in recent.hits} == {"2022-06-10"}
    older = search(corpus_index, "modern slavery", limit=50, date_to="2021")
    assert older.hits and {h.report_date for h in older.hits} == {"2021-06-15"}
    assert recent.total + older.total == everything.total
    one = search(corpus_index, "modern slavery", limit=50, report="2021-06-15")
    assert {h.report_id for h in one.hits} == {"2021-06-15-safeguarding"}
    with pytest.raises(UnknownReportError):
        search(corpus_index, "modern slavery", report="1999")
    with pytest.raises(QueryError, match="not a date"):
        search(corpus_index, "modern slavery", date_from="last spring")


def test_sort_by_date_and_limit(corpus_index):
    results = search(corpus_index, "safeguarding", limit=40, sort="date")
    dates = [h.report_date for h in results.hits]
    assert dates == sorted(dates) and len(set(dates)) == 2
    assert len(search(corpus_index, "safeguarding", limit=3).hits) == 3


def test_measures_are_searchable_with_their_values(corpus_index):
    hits = search(corpus_index, "DVPO").hits
    assert [h.kind for h in hits[:2]] == ["measure", "measure"]
    assert "2019/20: 303; 2020/21: 281; 2021/22: 441; difference +160" in hits[0].snippet.replace("**", "")
    hate = search(corpus_index, "repeat victims of hate crime").hits[0]
    assert hate.kind == "measure" and "2021/22: 2,715" in hate.text and hate.page == 1


def test_no_hits_is_an_empty_answer(corpus_index):
    results = search(corpus_index, "xylophone")
    assert results.total == 0 and results.hits == ()


@pytest.mark.parametrize("bad", ["", "   ", '"unclosed phrase', "(stalking", "the of and"])
def test_malformed_queries_raise_query_error(corpus_index, bad):
    with pytest.raises(QueryError):
        search(corpus_index, bad)
