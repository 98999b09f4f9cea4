"""Searching: what to ask the index for a query, and how to order what it gives.

A query's words are widened with the reports' vocabulary (acronyms and long forms, synonyms,
hyphen variants, spelling corrections: ``vocabulary``), parsed and ranked with BM25F by the index
(``report_index.index.searcher``, the only door to Whoosh), and the best passages re-ranked so
that a passage saying everything the query asks for comes before one that repeats some of its
words. Filters narrow it to dates, a report or the passages that mention an initiative.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import QueryError
from ..index.catalogue import Catalogue, find_report
from ..index.files import user_gazetteer_files
from ..index.searcher import SEARCH_KINDS, Filters, Searcher, check_query, searching, tokens
from ..initiatives.gazetteer import find_initiative, known_initiatives, load_gazetteer
from ..models import SearchResults, chronological
from ..text.clean import fold_quotes
from ..text.dates import parse_date
from .vocabulary import Rewritten, Vocabulary, build_vocabulary, rewrite

#: How many of BM25F's best passages the coverage re-ranking looks at.
RERANK_POOL = 50


def _date_bound(value: str | None, name: str) -> str | None:
    if not value:
        return None
    parsed = parse_date(value)
    if parsed is None:
        if len(value) == 4 and value.isdigit():
            return value
        raise QueryError(f"{name} '{value}' is not a date (use YYYY-MM-DD, or a year such as 2022)")
    return parsed.isoformat()


def search_vocabulary(index_dir: Path, catalogue: Catalogue) -> Vocabulary:
    """Curated terms, the initiative gazetteer (with the user's lists) and what the corpus
    itself defines or names."""
    gazetteer = load_gazetteer(*user_gazetteer_files(index_dir))
    return build_vocabulary(
        tokens,
        ([item.name, *item.aliases] for item in gazetteer),
        ([item.name, *item.aliases] for item in catalogue.initiatives),
        ([acronym, *catalogue.long_forms(acronym)] for acronym in catalogue.definitions),
    )


def _vocabulary(opened: Searcher) -> Vocabulary:
    if "vocabulary" not in opened.cache:
        opened.cache["vocabulary"] = search_vocabulary(opened.index_dir, opened.catalogue)
    return opened.cache["vocabulary"]


def meeting_reports(catalogue: Catalogue, meeting: str) -> tuple[str, ...]:
    """The ids of the reports of the meeting (body) ``meeting``: those whose body is it, case
    aside, or else those whose body contains it ("panel"). Raises QueryError naming the
    meetings there are when none is."""
    wanted = " ".join(meeting.split()).casefold()
    exact = tuple(r.id for r in catalogue.reports if (r.body or "").casefold() == wanted)
    if exact:
        return exact
    partial = tuple(r.id for r in catalogue.reports if wanted and wanted in (r.body or "").casefold())
    if partial:
        return partial
    bodies = sorted({r.body for r in catalogue.reports if r.body})
    raise QueryError(f"no report is of a meeting '{meeting}'; the meetings are: {'; '.join(bodies) or 'none named'}")


def search_filters(
    index_dir: Path, catalogue: Catalogue, date_from: str | None, date_to: str | None, report: str | None, initiative: str | None,
    meeting: str | None = None, kind: str | None = None,
) -> Filters | None:
    """The filters the options ask for; a report, initiative or meeting named as the user would name it."""
    start = _date_bound(date_from, "--from")
    end = _date_bound(date_to, "--to")
    if end and len(end) == 4:
        end = f"{end}-12-31"
    report_id = find_report(catalogue.reports, report).id if report else None
    initiative_id = None
    if initiative:
        known = known_initiatives(user_gazetteer_files(index_dir), catalogue.initiatives)
        initiative_id = find_initiative(initiative, known).id
    report_ids = meeting_reports(catalogue, meeting) if meeting else None
    if kind and kind not in SEARCH_KINDS:
        raise QueryError(f"--kind must be one of {', '.join(SEARCH_KINDS)}")
    if not (start or end or report_id or initiative_id or report_ids or kind):
        return None
    return Filters(start=start, end=end, report_id=report_id, initiative_id=initiative_id, report_ids=report_ids, kind=kind or None)


def search(
    index_dir: Path,
    query: str,
    *,
    limit: int = 10,
    date_from: str | None = None,
    date_to: str | None = None,
    report: str | None = None,
    sort: str = "relevance",
    initiative: str | None = None,
    meeting: str | None = None,
    kind: str | None = None,
    expand: bool = True,
    facets: bool = False,
) -> SearchResults:
    """The ``limit`` passages that best answer ``query``: best first, or with sort="date" the
    same passages in report-date order (oldest first) and in reading order within a report.
    ``meeting`` keeps the reports of one meeting (their body), ``kind`` one kind of passage.

    With ``expand`` (the default) acronyms, long forms, synonyms, hyphen variants and spelling
    corrections of the query's words also match, weighted below the words as typed.
    """
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    if sort not in ("relevance", "date"):
        raise QueryError("--sort must be 'relevance' or 'date'")
    check_query(query)
    with searching(index_dir) as opened:
        filters = search_filters(index_dir, opened.catalogue, date_from, date_to, report, initiative, meeting, kind)
        rewritten = Rewritten(fold_quotes(query))
        if expand:
            rewritten = rewrite(query, _vocabulary(opened), known=opened.known, correct=opened.correction)
        parsed = opened.parse(rewritten.text)
        pool = max(limit, RERANK_POOL) if rewritten.concepts else limit
        matches = opened.matches(parsed, pool, filters)
        order = _by_coverage(opened, matches.ranked, rewritten.concepts)[:limit]
        hits = opened.hits(matches, order)
        total = matches.total
        counts = None
        if facets:
            counts, total = opened.facets(parsed, filters)
        suggestion = _suggestion(opened, query, rewritten, filters)
    if sort == "date":
        hits.sort(key=lambda h: chronological(h.report_date, h.report_id, h.ordinal))
    return SearchResults(
        query=query,
        total=total,
        hits=tuple(hits),
        rewritten=rewritten.text,
        parsed=str(parsed),
        expansions=tuple(rewritten.expansions),
        suggestion=suggestion,
        facets=counts,
    )


def coverage(text: str, concepts: list[list[str]]) -> float:
    """The share of the query's concepts that ``text`` expresses (in any of their wordings)."""
    if not concepts:
        return 1.0
    words = set(tokens(text))
    met = sum(1 for ways in _concept_tokens(concepts) if any(way <= words for way in ways))
    return met / len(concepts)


def _concept_tokens(concepts: list[list[str]]) -> list[list[frozenset[str]]]:
    """Each concept's wordings as sets of index words, analysed once per query, not per passage."""
    key = tuple(tuple(ways) for ways in concepts)
    if key not in _CONCEPT_CACHE:
        _CONCEPT_CACHE.clear()
        _CONCEPT_CACHE[key] = [[frozenset(t) for t in map(tokens, ways) if t] for ways in concepts]
    return _CONCEPT_CACHE[key]


_CONCEPT_CACHE: dict[tuple, list[list[frozenset[str]]]] = {}


def _by_coverage(opened: Searcher, ranked: list[tuple[int, float]], concepts: list[list[str]]) -> list[int]:
    """Re-rank BM25F's best passages (document numbers and scores): a passage that covers all the
    query asks for outranks one that scores on some of its words only (score x (1 + coverage) / 2).
    What a passage's text and heading hold is read from the index's postings, not by analysing
    the passages again."""
    if not concepts:
        return [doc for doc, _ in ranked]
    ways = _concept_tokens(concepts)
    present = opened.words_present([doc for doc, _ in ranked], {t for c in ways for way in c for t in way})

    def adjusted(item: tuple[int, float]) -> float:
        words = present.get(item[0], set())
        covered = sum(1 for options in ways if any(way <= words for way in options)) / len(concepts)
        return item[1] * (1 + covered) / 2

    return [doc for doc, _ in sorted(ranked, key=adjusted, reverse=True)]




def _suggestion(opened: Searcher, query: str, rewritten: Rewritten, filters: Filters | None) -> str | None:
    """"Did you mean": the query with misspelt words corrected, offered only when it has hits."""
    corrections = rewritten.corrections
    if not corrections:
        return None
    corrected = fold_quotes(query)
    for wrong, right in corrections.items():
        corrected = re.sub(rf"\b{re.escape(wrong)}\b", right, corrected)
    return corrected if opened.has_hits(corrected, filters) else None


def similar(index_dir: Path, hit_id: str, *, limit: int = 10) -> SearchResults:
    """Passages like the passage ``hit_id`` (an ``id`` from a search hit), from other reports
    first (for year-on-year reading), then from the same report."""
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    with searching(index_dir) as opened:
        source_report, hits = opened.similar(hit_id, limit)
    elsewhere = [h for h in hits if h.report_id != source_report]
    same = [h for h in hits if h.report_id == source_report]
    chosen = (elsewhere + same)[:limit]
    return SearchResults(query=f"like {hit_id}", total=len(chosen), hits=tuple(chosen))
