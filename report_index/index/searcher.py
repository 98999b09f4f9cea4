"""Searching the Whoosh index: parsing queries, ranking passages with BM25F, filters, highlights,
facets, spelling, and passages like a passage. The search layer (``report_index.search``) decides
what to ask; this is the only place that asks Whoosh.

Queries use Whoosh's syntax: words (any may match; passages with more of them rank higher),
"quoted phrases", AND / OR / NOT, parentheses. Curly quotes and apostrophes count as straight ones.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from whoosh import highlight, qparser, scoring
from whoosh.query import And, AndNot, Not, NullQuery, Or, Term, TermRange
from whoosh.query.spans import SpanWrappingMatcher
from whoosh.searching import Results

from ..errors import QueryError
from ..models import Hit, Report
from ..text.clean import fold_quotes
from .catalogue import Catalogue, read_catalogue
from .counting import matching_docs
from .lengths import BYTE_LENGTHS, length_bytes
from .ranking import rank
from .schema import analyzer
from .store import index_signature, open_index

SEARCH_FIELDS = ["text", "heading"]
FIELD_BOOSTS = {"text": 1.0, "heading": 0.6}
PASSAGE_KINDS = ("paragraph", "list_item", "table_row")
#: Every kind of passage a search can find (``--kind``): the passages ``similar`` looks among, and measure rows.
SEARCH_KINDS = (*PASSAGE_KINDS, "measure")
SNIPPET_CHARS = 320
#: How many indexes stay open between searches (each holds a few open files).
OPEN_INDEXES = 4


class _BM25F(scoring.BM25F):
    """Whoosh's BM25F, whose scorers read a passage's field length from the segment's lengths
    loaded once as bytes, not through Whoosh's column reader (a file read and an unpack) for
    every passage scored: the same lengths, so the same scores."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if type(scorer) is scoring.BM25FScorer:
            lengths = _field_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths
        return scorer


def _field_lengths(reader, fieldname: str):
    """``docnum -> field length`` of a segment, as ``reader.doc_field_length`` gives it, from the
    segment's one-byte lengths read once (``lengths``); None when they are not one byte a
    document (then Whoosh's own reading is used)."""
    data = length_bytes(reader, fieldname)
    if data is None:
        return None
    return lambda docnum, data=data, lengths=BYTE_LENGTHS: lengths[data[docnum]]


def weighting() -> scoring.BM25F:
    """The ranking every search uses: BM25F, headings with less length normalisation."""
    return _BM25F(B=0.75, K1=1.2, heading_B=0.3)


def _span_skip_to_quality(self, minquality: float) -> int:
    """A phrase's matcher skipping the blocks that cannot reach the page. Whoosh's span matchers
    inherit this from ``WrappingMatcher``, which moves the words' matcher to the next good block
    and stops there, on a passage that may hold the words but not the phrase (and that would then
    be ranked); like ``next`` and ``skip_to``, it must go on to a passage that holds the phrase."""
    skipped = self.child.skip_to_quality(minquality)
    self._find_next()
    return skipped


SpanWrappingMatcher.skip_to_quality = _span_skip_to_quality

_REPORT_DOCUMENTS = Term("kind", "report")
_MARK_START = "\ue000"
_MARK_END = "\ue001"


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
        SEARCH_FIELDS, schema, fieldboosts=FIELD_BOOSTS, group=qparser.OrGroup
    )
    try:
        query = parser.parse(cleaned)
    except Exception as exc:  # Whoosh raises assorted errors for odd syntax
        raise QueryError(f"the query could not be understood ({exc})") from None
    query = _union_trees(_separate_negations(query))
    if query.normalize() is NullQuery:
        raise QueryError(
            "the query has no searchable words (very common words such as 'the' and 'of' are not indexed)"
        )
    return query


def _union_trees(query):
    """Every OR of the query as Whoosh's binary tree of unions (``Or.DEFAULT_MATCHER``), whatever
    the index's size: on a small index Whoosh would otherwise preload some ORs into an array,
    which adds the same scores in another order, so that ties could fall another way."""
    for node in _nodes(query):
        if isinstance(node, Or) and getattr(node, "matcher_type", Or.AUTO_MATCHER) == Or.AUTO_MATCHER:
            node.matcher_type = Or.DEFAULT_MATCHER
    return query


def _nodes(query):
    yield query
    for child in getattr(query, "subqueries", None) or ([query.a, query.b] if hasattr(query, "a") and hasattr(query, "b") else []):
        yield from _nodes(child)


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


@lru_cache(maxsize=1)
def _analyzer():
    return analyzer()  # built once: it carries the stemmer's cache


def tokens(text: str) -> list[str]:
    """The index words of ``text``: lower-cased, accents folded, stop words dropped, stemmed."""
    return [token.text for token in _analyzer()(fold_quotes(text))]


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to: reports dated from ``start`` to ``end`` (ISO dates, either
    open), one report, the reports of one meeting (``report_ids``: any of them), passages that
    mention one initiative, passages of one kind."""

    start: str | None = None
    end: str | None = None
    report_id: str | None = None
    initiative_id: str | None = None
    report_ids: tuple[str, ...] | None = None
    kind: str | None = None

    def query(self):
        parts = []
        if self.start or self.end:
            parts.append(TermRange("date", self.start or "0000", self.end or "9999", startexcl=False, endexcl=False))
        if self.report_id:
            parts.append(Term("report_id", self.report_id))
        if self.report_ids is not None:
            parts.append(Or([Term("report_id", rid) for rid in self.report_ids]))
        if self.initiative_id:
            parts.append(Term("initiatives", self.initiative_id))
        if self.kind:
            parts.append(Term("kind", self.kind))
        return And(parts) if parts else None


@dataclass
class Matches:
    """A query's best passages, best first (``docnums`` and ``scores``), and how many match in all."""

    query: object
    results: Results
    total: int

    @property
    def ranked(self) -> list[tuple[int, float]]:
        return [(hit.docnum, float(hit.score or 0.0)) for hit in self.results[:]]


class Searcher:
    """An index open for searching, with what searching it needs, kept while the index is
    unchanged (see ``index_signature``): the searcher, the catalogue and the
    passages each filter allows. Not to be used by two threads at once: hold ``lock``."""

    def __init__(self, index_dir: Path, signature: tuple):
        self.index_dir = index_dir
        self.signature = signature
        ix = open_index(index_dir)
        self.catalogue = read_catalogue(index_dir)
        self.searcher = ix.searcher(weighting=weighting())
        self.schema = self.searcher.schema
        self.lock = threading.RLock()  # a Whoosh searcher is not to be shared by threads at once
        self.cache: dict = {}  # for the search layer: what it works out once per open index
        self._docs: dict = {}
        self.closed = False  # set under ``lock`` once a newer opening replaced this one

    def parse(self, text: str):
        return parse_query(self.schema, text)

    def _docnums(self, query) -> set[int]:
        """The document numbers ``query`` matches (for filters and the mask), once per open index.
        Callers must not change the set."""
        if query not in self._docs:
            self._docs[query] = set(self.searcher.docs_for_query(query))
        return self._docs[query]

    def matches(self, parsed, pool: int, filters: Filters | None = None) -> Matches:
        """BM25F's ``pool`` best passages for ``parsed``, as Whoosh's own searcher ranks them, and
        how many match in all."""
        filter_query = filters.query() if filters else None
        allow = self._docnums(filter_query) if filter_query is not None else None
        deny = self._docnums(_REPORT_DOCUMENTS)
        searcher = self.searcher
        if allow is not None and not allow:  # the filters leave nothing (and Whoosh reads an empty set as no filter)
            return Matches(parsed, Results(searcher, parsed, []), 0)
        # "a NOT b": a's passages with b's masked. Whoosh's AndNotMatcher can let a passage of b
        # through (one built with b behind a's first passage does not check that passage); the
        # scores are a's either way.
        positive = parsed
        while isinstance(positive, AndNot):
            deny = deny | _matching(searcher, positive.b)
            positive = positive.a
        # the whole posting lists at a time (``ranking``): the same passages and scores as Whoosh's
        # searcher scoring every match, and the total on the way
        ranked = rank(searcher, positive, pool, allow, deny)
        if ranked is not None:
            results = Results(searcher, parsed, ranked.top_n)
            results.docterms = ranked.docterms
            results.termdocs = {}
            for doc, terms in ranked.docterms.items():
                for term in terms:
                    results.termdocs.setdefault(term, set()).add(doc)
            return Matches(parsed, results, ranked.total)
        # else Whoosh's own matchers. optimize: Whoosh skips the posting blocks (and the words of an OR) whose stored maxima say
        # they cannot reach the page: the same passages and scores (tests/test_ranking_differential.py)
        results = searcher.search(positive, limit=pool, filter=allow, mask=deny, terms=True, optimize=True)
        total = results.scored_length()
        if total >= pool:  # more than the page: count them all
            found = _matching(searcher, positive) - deny
            total = len(found & allow if allow is not None else found)
        return Matches(parsed, results, total)

    def hits(self, matches: Matches, order: list[int] | None = None) -> list[Hit]:
        """The passages of ``matches`` as hits with highlighted snippets, in ``order`` (document
        numbers) when given, else best first."""
        results = matches.results
        results.formatter = _MarkFormatter()
        by_doc = {hit.docnum: hit for hit in results[:]}
        chosen = [by_doc[doc] for doc in order] if order is not None else list(by_doc.values())
        return [_hit(results, result, self.catalogue) for result in chosen]

    def facets(self, parsed, filters: Filters | None) -> tuple[dict[str, dict[str, int]], int]:
        """How many matching passages each report, each year and each meeting (the reports'
        body) has (all matches, not just those shown), and how many match in all."""
        filter_query = filters.query() if filters else None
        allow = self._docnums(filter_query) if filter_query is not None else None
        everything = self.searcher.search(
            parsed, limit=None, filter=allow or filter_query, mask=self._docnums(_REPORT_DOCUMENTS),
            groupedby=["report_id", "year"],
        )
        by_report = {key: len(docs) for key, docs in everything.groups("report_id").items()}
        by_year = {key or "undated": len(docs) for key, docs in everything.groups("year").items()}
        ordered = sorted(by_report.items(), key=lambda kv: (-kv[1], getattr(self.catalogue.report(kv[0]), "date", None) or ""))
        by_meeting: dict[str, int] = {}
        for report_id, count in ordered:
            body = getattr(self.catalogue.report(report_id), "body", "") or "no meeting named"
            by_meeting[body] = by_meeting.get(body, 0) + count
        meetings = sorted(by_meeting.items(), key=lambda kv: (-kv[1], kv[0]))
        return {"report": dict(ordered), "year": dict(sorted(by_year.items())), "meeting": dict(meetings)}, len(everything)

    def has_hits(self, text: str, filters: Filters | None) -> bool:
        """Whether the query ``text`` finds any passage (for "did you mean")."""
        try:
            parsed = self.parse(text)
        except QueryError:
            return False
        return self.matches(parsed, 1, filters).total > 0

    def words_present(self, docnums: list[int], words: set[str]) -> dict[int, set[str]]:
        """Which of ``words`` (index words) each document's text or heading holds, read from the
        postings rather than by analysing the passages again."""
        present: dict[int, set[str]] = {}
        for leaf, offset in self.searcher.leaf_searchers():
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

    def known(self, word: str) -> bool:
        """Whether the index has this word (a stop word counts as known)."""
        return all(self.searcher.doc_frequency("text", token) > 0 for token in tokens(word))

    def correction(self, word: str) -> str | None:
        """The indexed word closest in spelling to ``word``, if any is close."""
        suggestions = self.searcher.corrector("spell").suggest(word, limit=1, maxdist=2 if len(word) > 5 else 1)
        return suggestions[0] if suggestions else None

    def similar(self, hit_id: str, limit: int) -> tuple[str, list[Hit]]:
        """The passage ``hit_id``'s report, and the passages most like it (by its ``limit * 4``
        most telling words), best first."""
        searcher = self.searcher
        docnum = searcher.document_number(doc_id=hit_id)
        if docnum is None:
            raise QueryError(f"no passage has the id '{hit_id}' (use an id from `report-index search --json` or the [id] under a hit)")
        source = searcher.stored_fields(docnum)
        passages = Or([Term("kind", kind) for kind in PASSAGE_KINDS])
        results = searcher.more_like(
            docnum, "text", text=source.get("text", ""), top=limit * 4, numterms=12, filter=passages
        )
        results.formatter = _MarkFormatter()
        return source["report_id"], [_hit(results, result, self.catalogue) for result in results]

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.searcher.close()


_OPENED: OrderedDict[str, Searcher] = OrderedDict()
_OPENED_LOCK = threading.Lock()


def open_searcher(index_dir: Path) -> Searcher:
    """The index at ``index_dir`` open for searching: opened once, and opened again whenever an
    ingest has changed it."""
    key = str(Path(index_dir).absolute())
    signature = index_signature(Path(index_dir))  # taken before opening: never newer than what is read
    with _OPENED_LOCK:
        opened = _OPENED.get(key)
        if opened is not None and opened.signature == signature:
            _OPENED.move_to_end(key)
            return opened
    fresh = Searcher(Path(index_dir), signature)
    with _OPENED_LOCK:
        stale = _OPENED.pop(key, None)
        _OPENED[key] = fresh
        while len(_OPENED) > OPEN_INDEXES:
            _OPENED.popitem(last=False)[1].close()
    if stale is not None:
        stale.close()
    return fresh


@contextmanager
def searching(index_dir: Path) -> Iterator[Searcher]:
    """The index open for searching (``open_searcher``), held for this thread while the block
    runs. A searcher another thread closed (an ingest committed and it was replaced) between
    being handed out and being locked is never used: the newer one is taken instead."""
    while True:
        opened = open_searcher(index_dir)
        with opened.lock:
            if not opened.closed:
                yield opened
                return


def _hit(results, result, catalogue: Catalogue) -> Hit:
    """A search hit; the catalogue gives the report's title and body (passages do not store them).
    A report committed a moment ago may not be in the catalogue yet (it is rewritten just after
    each commit): its own document gives them then."""
    fields = result.fields()
    report = catalogue.report(fields["report_id"])
    if report is None:
        stored = results.searcher.document(doc_id=fields["report_id"]) or {}
        report = Report(id=fields["report_id"], source="", sha256="", title=stored.get("title", ""), body=stored.get("body", ""))
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
    pages = list(fields.get("pages") or ())
    cited = _matched_pages(text, pages, list(fields.get("page_offsets") or ()), results) or pages[:1]
    return Hit(
        id=fields["doc_id"],
        report_id=fields["report_id"],
        report_title=fields.get("title") or (report.title if report else ""),
        report_date=fields.get("date") or None,
        report_body=fields.get("body") or (report.body if report else ""),
        source=fields.get("source", ""),
        section=fields.get("section", ""),
        heading=heading_path[-1] if heading_path else "",
        page=cited[0] if cited else (fields.get("page") or None),
        kind=fields.get("kind", ""),
        text=text,
        snippet=snippet,
        score=round(float(result.score), 4) if result.score is not None else 0.0,
        heading_path=tuple(heading_path),
        pages=tuple(cited),
    )


def _matched_pages(text: str, pages: list[int], offsets: list[int], results) -> list[int]:
    """The pages of a passage that hold its matched words: the passage's pages when it is on one
    page (or its page breaks are unknown), else those its matched words fall on."""
    if len(pages) < 2 or len(offsets) != len(pages) - 1:
        return pages
    terms = getattr(results, "termdocs", None) or {}  # passages like a passage have none
    words = {word.decode("utf-8") if isinstance(word, bytes) else word for field, word in terms if field == "text"}
    found = sorted({pages[bisect.bisect_right(offsets, token.startchar)] for token in _analyzer()(fold_quotes(text), chars=True) if token.text in words})
    return found or pages


def _matching(searcher, query) -> set[int]:
    """Every document ``query`` matches, read from the postings a block at a time (``counting``).
    For "a NOT b", a's documents less b's: Whoosh's ``docs_for_query`` can count one more per
    segment (an AndNotMatcher built with b behind a's first document does not check that document)."""
    return matching_docs(searcher, query)
