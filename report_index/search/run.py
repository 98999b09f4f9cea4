"""Searching the index: BM25F over passage text and headings, filters, citations, snippets.

Queries use Whoosh's syntax: words (any may match; passages with more of them rank higher),
"quoted phrases", AND / OR / NOT, parentheses. Curly quotes and apostrophes count as straight ones.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from whoosh import highlight, qparser, scoring
from whoosh.query import And, AndNot, Not, NullQuery, Or, Term, TermRange
from whoosh.searching import Results

from ..text.dates import parse_date
from ..errors import QueryError
from ..index.catalogue import catalogue_reports, find_report, read_catalogue
from ..index.files import user_gazetteer_files
from ..index.schema import analyzer
from ..index.store import index_signature, open_index
from ..index.ranking import documents, rank
from ..text.clean import fold_quotes
from ..search.vocabulary import Expansion, Rewritten, Vocabulary, build_vocabulary, rewrite

SEARCH_FIELDS = ["text", "heading"]
FIELD_BOOSTS = {"text": 1.0, "heading": 0.6}
PASSAGE_KINDS = ("paragraph", "list_item", "table_row")
SNIPPET_CHARS = 320
#: How many of BM25F's best passages the coverage re-ranking looks at.
RERANK_POOL = 50
#: How many indexes stay open between searches (each holds a few open files).
OPEN_INDEXES = 4
_REPORT_DOCUMENTS = Term("kind", "report")
_MARK_START = "\ue000"
_MARK_END = "\ue001"


@dataclass
class Hit:
    id: str
    report_id: str
    report_title: str
    report_date: str | None
    report_body: str
    source: str
    section: str
    heading: str
    page: int | None
    kind: str
    text: str
    snippet: str  # the passage excerpt with matched words between ** and **
    score: float
    heading_path: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)

    def snippet_segments(self) -> list[tuple[str, bool]]:
        """The snippet as (text, is_match) pieces, for rendering."""
        pieces: list[tuple[str, bool]] = []
        for i, part in enumerate(self.snippet.split("**")):
            if part:
                pieces.append((part, i % 2 == 1))
        return pieces

    def location(self, with_heading: bool = False) -> list[str]:
        """Where the passage stands: ["para 2.5.6", "Domestic Abuse", "p. 6"]."""
        parts = [f"para {self.section}"] if self.section else []
        if self.heading and (with_heading or not self.section):
            parts.append(self.heading)
        if self.page:
            parts.append(f"p. {self.page}")
        return parts

    def citation(self) -> str:
        """"Safeguarding Report, Police and Crime Panel, 2022-06-10, para 2.5.6, p. 6"."""
        head = [part for part in (self.report_title, self.report_body, self.report_date) if part]
        return ", ".join(head + self.location())

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("heading_path")
        data.pop("pages")
        return data


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[Hit]
    rewritten: str = ""  # the query as searched, with its variants
    parsed: str = ""  # Whoosh's reading of it
    expansions: list[Expansion] = field(default_factory=list)
    suggestion: str | None = None  # "did you mean", only when it has hits
    facets: dict[str, dict[str, int]] | None = None

    def to_json(self) -> dict:
        data = {"query": self.query, "total": self.total, "hits": [h.to_json() for h in self.hits]}
        if self.suggestion:
            data["suggestion"] = self.suggestion
        if self.expansions:
            data["expansions"] = [asdict(e) for e in self.expansions]
        if self.facets is not None:
            data["facets"] = self.facets
        return data


class _MarkFormatter(highlight.Formatter):
    """Wraps matched words in private-use marks, turned into ** ** once the fragment is done."""

    between = " \u2026 "

    def format_token(self, text, token, replace=False):
        return f"{_MARK_START}{highlight.get_text(text, token, replace)}{_MARK_END}"


def check_query(text: str) -> str:
    """``text`` with quotes folded; raises QueryError for what cannot be a query."""
    cleaned = fold_quotes(text).strip()
    if not cleaned:
        raise QueryError("the query is empty: give some words to search for")
    if cleaned.count('"') % 2:
        raise QueryError('the query has an unmatched double quote: close the "phrase" or remove the quote')
    if cleaned.count("(") != cleaned.count(")"):
        raise QueryError("the query has unbalanced parentheses")
    return cleaned


def parse_query(schema, text: str):
    """A Whoosh query for ``text``; raises QueryError with a one-line reason."""
    cleaned = check_query(text)
    parser = qparser.MultifieldParser(
        SEARCH_FIELDS, schema, fieldboosts=FIELD_BOOSTS, group=qparser.OrGroup.factory(0.9)
    )
    try:
        query = parser.parse(cleaned)
    except Exception as exc:  # Whoosh raises assorted errors for odd syntax
        raise QueryError(f"the query could not be understood ({exc})") from None
    query = _separate_negations(query)
    if query.normalize() is NullQuery:
        raise QueryError(
            "the query has no searchable words (very common words such as 'the' and 'of' are not indexed)"
        )
    return query


def _date_bound(value: str | None, name: str) -> str | None:
    if not value:
        return None
    parsed = parse_date(value)
    if parsed is None:
        if len(value) == 4 and value.isdigit():
            return value
        raise QueryError(f"{name} '{value}' is not a date (use YYYY-MM-DD, or a year such as 2022)")
    return parsed.isoformat()


@lru_cache(maxsize=1)
def _analyzer():
    return analyzer()  # built once: it carries the stemmer's cache


def _tokens(text: str) -> list[str]:
    return [token.text for token in _analyzer()(fold_quotes(text))]


def search_vocabulary(index_dir: Path, catalogue: dict) -> Vocabulary:
    """Curated terms, the initiative gazetteer (with the user's lists) and what the corpus
    itself defines or names."""
    from ..initiatives.gazetteer import load_gazetteer

    gazetteer = load_gazetteer(*user_gazetteer_files(index_dir))
    discovered = catalogue.get("initiatives", [])
    definitions = catalogue.get("definitions", {})
    return build_vocabulary(
        _tokens,
        ([item.name, *item.aliases] for item in gazetteer),
        ([item["name"], *item.get("aliases", [])] for item in discovered),
        ([acronym, *forms] for acronym, forms in definitions.items()),
    )


def _filters(index_dir: Path, catalogue: dict, date_from, date_to, report, initiative):
    start = _date_bound(date_from, "--from")
    end = _date_bound(date_to, "--to")
    if end and len(end) == 4:
        end = f"{end}-12-31"
    filters = []
    if start or end:
        filters.append(TermRange("date", start or "0000", end or "9999", startexcl=False, endexcl=False))
    if report:
        filters.append(Term("report_id", find_report(catalogue_reports(index_dir), report).id))
    if initiative:
        from ..initiatives.gazetteer import load_gazetteer
        from ..models import Initiative
        from ..timeline import find_initiative

        known = load_gazetteer(*user_gazetteer_files(index_dir))
        known += [Initiative(**item) for item in catalogue.get("initiatives", [])]
        filters.append(Term("initiatives", find_initiative(initiative, known).id))
    return And(filters) if filters else None


class _Opened:
    """An index open for searching, with what searching it needs, kept while the index is
    unchanged (see ``index_signature``): the searcher, the catalogue, the vocabulary and the
    passages each filter allows."""

    def __init__(self, index_dir: Path, signature: tuple):
        self.index_dir = index_dir
        self.signature = signature
        ix = open_index(index_dir)
        self.catalogue = read_catalogue(index_dir)
        self.reports = {r["report_id"]: r for r in self.catalogue.get("reports", [])}  # for hits
        self.searcher = ix.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2, heading_B=0.3))
        self.lock = threading.RLock()  # a Whoosh searcher is not to be shared by threads at once
        self._vocabulary: Vocabulary | None = None
        self._docs: dict = {}

    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = search_vocabulary(self.index_dir, self.catalogue)
        return self._vocabulary

    def docs(self, query) -> set[int]:
        """The document numbers ``query`` matches (for filters and the mask), once per open index.
        Callers must not change the set."""
        if query not in self._docs:
            found = documents(self.searcher, query)
            self._docs[query] = found if found is not None else set(self.searcher.docs_for_query(query))
        return self._docs[query]

    def close(self) -> None:
        with self.lock:
            self.searcher.close()


_OPENED: OrderedDict[str, _Opened] = OrderedDict()
_OPENED_LOCK = threading.Lock()


def _open(index_dir: Path) -> _Opened:
    """The index at ``index_dir``, opened once and reopened whenever an ingest has changed it."""
    key = str(Path(index_dir).absolute())
    signature = index_signature(Path(index_dir))  # taken before opening: never newer than what is read
    with _OPENED_LOCK:
        opened = _OPENED.get(key)
        if opened is not None and opened.signature == signature:
            _OPENED.move_to_end(key)
            return opened
    fresh = _Opened(Path(index_dir), signature)
    with _OPENED_LOCK:
        stale = _OPENED.pop(key, None)
        _OPENED[key] = fresh
        while len(_OPENED) > OPEN_INDEXES:
            _OPENED.popitem(last=False)[1].close()
    if stale is not None:
        stale.close()
    return fresh


def _best(searcher, parsed, pool: int, allow, deny) -> tuple[Results, int]:
    """BM25F's ``pool`` best passages (as Whoosh results, for highlighting) and how many match."""
    if allow is not None and not allow:  # the filters leave nothing (and Whoosh reads an empty set as no filter)
        return Results(searcher, parsed, []), 0
    ranked = rank(searcher, parsed, pool, allow=allow, deny=deny)
    if ranked is None:  # a query shape only Whoosh evaluates (wildcards, ranges...)
        results = searcher.search(parsed, limit=pool, filter=allow, mask=deny, terms=True)
        total = results.scored_length()
        if total >= pool:
            total = sum(1 for doc in searcher.docs_for_query(parsed) if (allow is None or doc in allow) and doc not in deny)
        return results, total
    results = Results(searcher, parsed, ranked.top)
    # what ``terms=True`` records, for the highlighter: the words found in matching passages
    results.termdocs = dict.fromkeys(ranked.matched_terms, ())
    results.docterms = {}
    return results, ranked.total


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
    expand: bool = True,
    facets: bool = False,
) -> SearchResults:
    """The ``limit`` passages that best answer ``query``: best first, or with sort="date" the
    same passages in report-date order (oldest first) and in reading order within a report.

    With ``expand`` (the default) acronyms, long forms, synonyms, hyphen variants and spelling
    corrections of the query's words also match, weighted below the words as typed.
    """
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    if sort not in ("relevance", "date"):
        raise QueryError("--sort must be 'relevance' or 'date'")
    check_query(query)
    opened = _open(index_dir)
    with opened.lock:
        searcher, catalogue = opened.searcher, opened.catalogue
        filter_query = _filters(index_dir, catalogue, date_from, date_to, report, initiative)
        allow = opened.docs(filter_query) if filter_query is not None else None
        deny = opened.docs(_REPORT_DOCUMENTS)
        rewritten = Rewritten(fold_quotes(query))
        if expand:
            rewritten = rewrite(
                query,
                opened.vocabulary(),
                known=lambda word: _known(searcher, word),
                correct=lambda word: _correction(searcher, word),
            )
        parsed = parse_query(searcher.schema, rewritten.text)
        pool = max(limit, RERANK_POOL) if rewritten.concepts else limit
        results, total = _best(searcher, parsed, pool, allow, deny)
        results.formatter = _MarkFormatter()
        chosen = _by_coverage(searcher, results[:], rewritten.concepts)[:limit]
        hits = [_hit(results, result, opened.reports) for result in chosen]
        counts = None
        if facets:
            everything = searcher.search(
                parsed, limit=None, filter=allow or filter_query, mask=deny, groupedby=["report_id", "year"]
            )
            counts = _facet_counts(everything, catalogue)
            total = len(everything)
        suggestion = _suggestion(searcher, searcher.schema, query, rewritten, allow or filter_query, deny)
    if sort == "date":
        hits.sort(key=lambda h: (h.report_date or "9999", h.report_id, _ordinal(h.id)))
    return SearchResults(
        query=query,
        total=total,
        hits=hits,
        rewritten=rewritten.text,
        parsed=str(parsed),
        expansions=rewritten.expansions,
        suggestion=suggestion,
        facets=counts,
    )


def coverage(text: str, concepts: list[list[str]]) -> float:
    """The share of the query's concepts that ``text`` expresses (in any of their wordings)."""
    if not concepts:
        return 1.0
    words = set(_tokens(text))
    met = sum(1 for ways in _concept_tokens(concepts) if any(way <= words for way in ways))
    return met / len(concepts)


def _concept_tokens(concepts: list[list[str]]) -> list[list[frozenset[str]]]:
    """Each concept's wordings as sets of index words, analysed once per query, not per passage."""
    key = tuple(tuple(ways) for ways in concepts)
    if key not in _CONCEPT_CACHE:
        _CONCEPT_CACHE.clear()
        _CONCEPT_CACHE[key] = [[frozenset(t) for t in map(_tokens, ways) if t] for ways in concepts]
    return _CONCEPT_CACHE[key]


_CONCEPT_CACHE: dict[tuple, list[list[frozenset[str]]]] = {}


def _by_coverage(searcher, results: list, concepts: list[list[str]]) -> list:
    """Re-rank BM25F's best passages: a passage that covers all the query asks for outranks one
    that scores on some of its words only (score x (1 + coverage) / 2). What a passage's text and
    heading hold is read from the index's postings, not by analysing the passages again."""
    if not concepts:
        return results
    ways = _concept_tokens(concepts)
    present = _words_present(searcher, [r.docnum for r in results], {t for c in ways for way in c for t in way})

    def adjusted(result) -> float:
        words = present.get(result.docnum, set())
        covered = sum(1 for options in ways if any(way <= words for way in options)) / len(concepts)
        return (result.score or 0.0) * (1 + covered) / 2

    return sorted(results, key=adjusted, reverse=True)


def _words_present(searcher, docnums: list[int], words: set[str]) -> dict[int, set[str]]:
    """Which of ``words`` (index words) each document's text or heading holds."""
    present: dict[int, set[str]] = {}
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        local = sorted(doc - offset for doc in docnums if offset <= doc < offset + reader.doc_count_all())
        if not local:
            continue
        for word in words:
            for fieldname in SEARCH_FIELDS:
                if (fieldname, word) not in reader:
                    continue
                postings = reader.postings(fieldname, word)
                for doc in local:
                    postings.skip_to(doc)
                    if not postings.is_active():
                        break
                    if postings.id() == doc:
                        present.setdefault(offset + doc, set()).add(word)
    return present


def _known(searcher, word: str) -> bool:
    """Whether the index has this word (a stop word counts as known)."""
    tokens = _tokens(word)
    return all(searcher.doc_frequency("text", token) > 0 for token in tokens)


def _correction(searcher, word: str) -> str | None:
    """The indexed word closest in spelling to ``word``, if any is close."""
    suggestions = searcher.corrector("spell").suggest(word, limit=1, maxdist=2 if len(word) > 5 else 1)
    return suggestions[0] if suggestions else None


def _suggestion(searcher, schema, query: str, rewritten: Rewritten, filter_query, mask) -> str | None:
    """"Did you mean": the query with misspelt words corrected, offered only when it has hits."""
    corrections = rewritten.corrections
    if not corrections:
        return None
    corrected = fold_quotes(query)
    for wrong, right in corrections.items():
        corrected = re.sub(rf"\b{re.escape(wrong)}\b", right, corrected)
    try:
        found = searcher.search(parse_query(schema, corrected), limit=1, filter=filter_query, mask=mask)
    except QueryError:
        return None
    return corrected if found.scored_length() else None


def _facet_counts(results, catalogue: dict) -> dict[str, dict[str, int]]:
    """How many matching passages each report and each year has (all matches, not just shown)."""
    titles = {r["report_id"]: r for r in catalogue.get("reports", [])}
    by_report = {key: len(docs) for key, docs in results.groups("report_id").items()}
    by_year = {key or "undated": len(docs) for key, docs in results.groups("year").items()}
    ordered = sorted(by_report.items(), key=lambda kv: (-kv[1], (titles.get(kv[0]) or {}).get("date") or ""))
    return {"report": dict(ordered), "year": dict(sorted(by_year.items()))}


def _ordinal(hit_id: str) -> int:
    return int(hit_id.rsplit("#", 1)[-1]) if "#" in hit_id else -1


def _separate_negations(query):
    """Whoosh reads "a NOT b" in an OR group as "a, or anything without b"; a reader means
    "a, but nothing with b". Move negated clauses of an OR group into an AndNot."""
    if isinstance(query, Or):
        positives = [_separate_negations(q) for q in query.subqueries if not isinstance(q, Not)]
        negatives = [q.query for q in query.subqueries if isinstance(q, Not)]
        if negatives and positives:
            kept = positives[0] if len(positives) == 1 else Or(positives, scale=getattr(query, "scale", None))
            return AndNot(kept, Or(negatives))
        return query
    if isinstance(query, (And, AndNot)) or hasattr(query, "subqueries"):
        try:
            query.subqueries = [_separate_negations(q) for q in query.subqueries]
        except AttributeError:
            pass
    return query


def _hit(results, result, reports: dict[str, dict]) -> Hit:
    """A search hit; ``reports`` is the catalogue's reports by id, for the report's title and
    body (passages do not store them)."""
    fields = result.fields()
    report = reports.get(fields["report_id"], {})
    text = fields.get("text", "")
    short = len(text) <= SNIPPET_CHARS
    results.fragmenter = highlight.WholeFragmenter() if short else highlight.ContextFragmenter(SNIPPET_CHARS, 90)
    snippet = result.highlights("text", top=2) or ""
    if not snippet:
        snippet = text if short else text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " \u2026"
    plain = snippet.replace(_MARK_START, "").replace(_MARK_END, "")
    if not short and not text.startswith(plain[:40]):
        snippet = "\u2026 " + snippet
    if not short and not text.endswith(plain[-40:]) and not snippet.endswith("\u2026"):
        snippet += " \u2026"
    snippet = snippet.replace(_MARK_START, "**").replace(_MARK_END, "**")
    heading_path = [part for part in (fields.get("heading") or "").split(" > ") if part]
    return Hit(
        id=fields["doc_id"],
        report_id=fields["report_id"],
        report_title=fields.get("title") or report.get("title", ""),
        report_date=fields.get("date") or None,
        report_body=fields.get("body") or report.get("body", ""),
        source=fields.get("source", ""),
        section=fields.get("section", ""),
        heading=heading_path[-1] if heading_path else "",
        page=fields.get("page") or None,
        kind=fields.get("kind", ""),
        text=text,
        snippet=snippet,
        score=round(float(result.score), 4) if result.score is not None else 0.0,
        heading_path=heading_path,
        pages=list(fields.get("pages") or []),
    )


__all__ = ["Hit", "SearchResults", "parse_query", "search"]


def similar(index_dir: Path, hit_id: str, *, limit: int = 10) -> SearchResults:
    """Passages like the passage ``hit_id`` (an ``id`` from a search hit), from other reports
    first (for year-on-year reading), then from the same report."""
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    ix = open_index(index_dir)
    with ix.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2)) as searcher:
        docnum = searcher.document_number(doc_id=hit_id)
        if docnum is None:
            raise QueryError(f"no passage has the id '{hit_id}' (use an id from `report-index search --json` or the [id] under a hit)")
        source = searcher.stored_fields(docnum)
        passages = Or([Term("kind", kind) for kind in PASSAGE_KINDS])
        results = searcher.more_like(
            docnum, "text", text=source.get("text", ""), top=limit * 4, numterms=12, filter=passages
        )
        results.formatter = _MarkFormatter()
        reports = {r["report_id"]: r for r in read_catalogue(index_dir).get("reports", [])}
        hits = [_hit(results, result, reports) for result in results]
    elsewhere = [h for h in hits if h.report_id != source["report_id"]]
    same = [h for h in hits if h.report_id == source["report_id"]]
    chosen = (elsewhere + same)[:limit]
    return SearchResults(query=f"like {hit_id}", total=len(chosen), hits=chosen)
