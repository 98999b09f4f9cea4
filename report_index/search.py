"""Searching the index: BM25F over passage text and headings, filters, citations, snippets.

Queries use Whoosh's syntax: words (any may match; passages with more of them rank higher),
"quoted phrases", AND / OR / NOT, parentheses. Curly quotes and apostrophes count as straight ones.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import highlight, qparser, scoring
from whoosh.query import And, AndNot, Not, NullQuery, Or, Term, TermRange

from .dates import parse_date
from .errors import QueryError
from .index import open_index
from .textclean import fold_quotes

SEARCH_FIELDS = ["text", "heading"]
FIELD_BOOSTS = {"text": 1.0, "heading": 0.6}
PASSAGE_KINDS = ("paragraph", "list_item", "table_row")
SNIPPET_CHARS = 320
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

    def to_json(self) -> dict:
        return {"query": self.query, "total": self.total, "hits": [h.to_json() for h in self.hits]}


class _MarkFormatter(highlight.Formatter):
    """Wraps matched words in private-use marks, turned into ** ** once the fragment is done."""

    between = " \u2026 "

    def format_token(self, text, token, replace=False):
        return f"{_MARK_START}{highlight.get_text(text, token, replace)}{_MARK_END}"


def parse_query(schema, text: str):
    """A Whoosh query for ``text``; raises QueryError with a one-line reason."""
    cleaned = fold_quotes(text).strip()
    if not cleaned:
        raise QueryError("the query is empty: give some words to search for")
    if cleaned.count('"') % 2:
        raise QueryError('the query has an unmatched double quote: close the "phrase" or remove the quote')
    if cleaned.count("(") != cleaned.count(")"):
        raise QueryError("the query has unbalanced parentheses")
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
) -> SearchResults:
    """The ``limit`` passages that best answer ``query``: best first, or with sort="date" the
    same passages in report-date order (oldest first) and in reading order within a report."""
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    if sort not in ("relevance", "date"):
        raise QueryError("--sort must be 'relevance' or 'date'")
    start = _date_bound(date_from, "--from")
    end = _date_bound(date_to, "--to")
    if end and len(end) == 4:
        end = f"{end}-12-31"
    ix = open_index(index_dir)
    parsed = parse_query(ix.schema, query)
    filters = []
    if start or end:
        filters.append(TermRange("date", start or "0000", end or "9999", startexcl=False, endexcl=False))
    if report or initiative:
        from .index import find_report, load_reports

        reports = load_reports(index_dir)
        if report:
            filters.append(Term("report_id", find_report(reports, report).id))
        if initiative:
            from .progress import find_initiative, known_initiatives

            wanted = find_initiative(initiative, known_initiatives(index_dir, reports))
            filters.append(Term("initiatives", wanted.id))
    filter_query = And(filters) if filters else None
    mask = Term("kind", "report")

    weighting = scoring.BM25F(B=0.75, K1=1.2, heading_B=0.3)
    with ix.searcher(weighting=weighting) as searcher:
        results = searcher.search(parsed, limit=limit, filter=filter_query, mask=mask, terms=True)
        results.formatter = _MarkFormatter()
        scored = results.scored_length()
        total = scored if scored < limit else max(scored, results.estimated_length())
        hits = [_hit(results, result) for result in results]
    if sort == "date":
        hits.sort(key=lambda h: (h.report_date or "9999", h.report_id, _ordinal(h.id)))
    return SearchResults(query=query, total=total, hits=hits)


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


def _hit(results, result) -> Hit:
    fields = result.fields()
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
        report_title=fields.get("title", ""),
        report_date=fields.get("date") or None,
        report_body=fields.get("body", ""),
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
