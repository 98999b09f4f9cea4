"""Typed records that flow between the stages: reading, structure, indexing and search.

A ``RawDocument`` is what a reader gets out of a file (lines with layout hints, and tables).
A ``Report`` is the structured model every later feature reads: metadata, a section tree and the
paragraphs (the unit of search), each paragraph knowing its section number, heading path and pages.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any


class Record:
    """What every record has: ``to_dict()``, its fields as plain lists, dicts and values (JSON)."""

    def to_dict(self) -> dict[str, Any]:
        return {name: _plain(getattr(self, name)) for name in self.__dataclass_fields__}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class TextLine(Record):
    """One line of text as laid out in the source.

    ``x0`` is the indent in points from the page's text margin (0 for plain-text sources);
    ``new_block`` says the line starts a visually separate block (a blank line or a vertical gap
    before it, or the top of a page); ``full`` says the line runs to the right margin, so the text
    probably carries on in the next line.
    """

    text: str
    page: int | None = None
    x0: float = 0.0
    bold: bool = False
    new_block: bool = False
    full: bool = False
    page_start: bool = False


@dataclass(frozen=True)
class Table(Record):
    """A table found in the source: a header row and body rows of cell strings."""

    header: list[str]
    rows: list[list[str]]
    page: int | None = None
    ruled: bool = True
    row_pages: list[int | None] = field(default_factory=list)  # the page of each body row

    def page_of(self, row: int) -> int | None:
        return self.row_pages[row] if row < len(self.row_pages) else self.page


Block = TextLine | Table


@dataclass(frozen=True)
class DocumentFacts(Record):
    """What a file says about itself outside its text: a Word document's core properties, a web
    page's title and publication date.

    ``date_trusted`` says whether the date outranks the title block's (a web page's publication
    date in its metadata) or only fills a gap after the title block and the file name (the date
    a Word document or a PDF was created). The title and author only ever fill gaps the title
    block's labels leave.
    """

    title: str = ""
    author: str = ""
    date: str | None = None  # ISO date
    date_source: str = ""  # where the date was read: "page metadata (article:published_time)"
    date_trusted: bool = False
    #: whether the title outranks the title block's opening heading (a web page's, which is its
    #: opening heading or its title markup) or only fills a gap (a PDF's or Word document's
    #: properties, often a template's or a file name)
    title_trusted: bool = False


@dataclass(frozen=True)
class RawDocument(Record):
    """What a reader extracted from one file, before any interpretation."""

    source: str
    kind: str  # "pdf", "text", "docx" or "html"
    page_count: int | None
    blocks: list[Block]
    #: PDFs: which reader read each page ("pdfium", "pdfplumber", "pdfium text" for pdfium's own text
    #: of a page neither could vouch for, "unreadable"); not part of what was read
    page_readers: list[str] = field(default_factory=list, compare=False)
    facts: DocumentFacts = field(default_factory=DocumentFacts)
    #: text files: the encoding they were read in ("utf-8", "cp1252"); "" for other kinds
    encoding: str = ""


@dataclass(frozen=True)
class MeasureValue(Record):
    """One figure of a performance measure: the period as the report gives it, the number, the cell."""

    period: str
    value: float | None
    raw: str


@dataclass(frozen=True)
class Measure(Record):
    """One row of a performance-measures table: a measure (and breakdown) with its figures."""

    name: str
    breakdown: str | None
    values: list[MeasureValue] = field(default_factory=list)
    difference: float | None = None
    difference_raw: str = ""
    trend: str | None = None  # "up", "down" or "level"
    trend_raw: str = ""
    comment: str = ""
    flags: list[str] = field(default_factory=list)
    section: str = ""
    pages: list[int] = field(default_factory=list)
    table: int | None = None  # index into Report.tables


@dataclass(frozen=True)
class Figure(Record):
    """A figure said about an initiative: "over 100 victims", "83%", "four of the five Districts"."""

    text: str  # the words as the report has them
    value: float | None = None  # 100, 83, 4, 2400000.0
    unit: str = ""  # "%", "£" or ""
    counts: str = ""  # what is counted: "victims", "Districts", "Forces"; "" when unsaid
    of: float | None = None  # the whole, in "four of the five Districts" -> 5
    area: str = ""  # the force or area it is about when the sentence says: "West Yorkshire Police"


@dataclass(frozen=True)
class Initiative(Record):
    """A named initiative: a scheme, operation, order, team, campaign, partnership, tool..."""

    id: str  # stable slug: "smartwater", "stalking-protection-orders"
    name: str  # canonical name: "Stalking Protection Orders"
    aliases: list[str] = field(default_factory=list)  # other names and acronyms: "SPO", "SPOs"
    description: str = ""
    kind: str = ""  # "order", "operation", "campaign", "team", "partnership", "scheme", "tool", ...
    source: str = "gazetteer"  # "gazetteer", "user" (the user's file) or "discovered"
    formerly: list[str] = field(default_factory=list)  # its earlier names: "West Yorkshire Anti-Trafficking Network"
    generic: list[str] = field(default_factory=list)  # descriptions that mean it here: "forensic marking" for SmartWater


@dataclass(frozen=True)
class Mention(Record):
    """One place a report speaks of an initiative."""

    initiative: str  # Initiative.id
    paragraph: int  # Paragraph.ordinal of the passage
    section: str  # the passage's citation number
    pages: list[int] = field(default_factory=list)
    sentence: str = ""  # the sentence that mentions it
    matched: str = ""  # the words that matched: "SPOs", "the initiative"
    via: str = "name"  # "name", "alias", "acronym" or "follow-up"
    status: str | None = None  # "planned", "pilot", "live", "expanded", "review" or "ended"
    figures: list[Figure] = field(default_factory=list)


@dataclass(frozen=True)
class Section(Record):
    """A heading in the report's outline."""

    number: str | None  # "2.5" for a numbered heading, None for an unnumbered one
    heading: str
    level: int  # 1 for top-level headings
    page: int | None = None
    parent: int | None = None  # index into Report.sections

    def label(self) -> str:
        return f"{self.number} {self.heading}" if self.number else self.heading


@dataclass(frozen=True)
class Paragraph(Record):
    """A searchable passage: a paragraph, a list item or a table row."""

    ordinal: int  # position in the report, from 0
    kind: str  # "paragraph", "list_item", "table_row" or "measure"
    text: str
    section: str  # citation number: "2.5.6", "2.1 e)", "5"; "" where the report has no numbering
    heading_path: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    label: str | None = None  # the paragraph's own label ("2.5.6", "a)") when it carries one
    cells: list[str] | None = None  # table rows only
    table: int | None = None  # table rows and measures: index into Report.tables
    measure: int | None = None  # measure passages: index into Report.measures
    #: where in ``text`` each of ``pages`` after the first begins (a passage across a page break)
    page_offsets: list[int] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """The page the character at ``offset`` of ``text`` is on."""
        if not self.pages:
            return None
        return self.pages[bisect.bisect_right(self.page_offsets, offset)] if len(self.page_offsets) == len(self.pages) - 1 else self.pages[0]

    @property
    def page(self) -> int | None:
        return self.pages[0] if self.pages else None

    @property
    def heading(self) -> str:
        return self.heading_path[-1] if self.heading_path else ""


@dataclass(frozen=True)
class Report:
    """The structured model of one report."""

    id: str
    source: str
    sha256: str
    title: str = ""
    date: str | None = None  # ISO date of the meeting
    body: str = ""
    author: str = ""
    author_role: str = ""
    report_of: str = ""
    report_of_role: str = ""
    page_count: int | None = None
    sections: list[Section] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    discovered: list[Initiative] = field(default_factory=list)  # initiatives first found here, not in the gazetteer
    date_source: str = ""  # "text", "filename", "metadata.csv", "published line", ... (text.dates.DATE_EVIDENCE)
    date_estimate: str = ""  # an undated report's year as its text gives it ("covers 2021/22" -> "2022"); never sorted on
    encoding: str = ""  # text files: the encoding they were read in ("utf-8", "cp1252", "latin-1")

    def heading_path(self, index: int) -> list[str]:
        path: list[str] = []
        current: int | None = index
        while current is not None:
            path.append(self.sections[current].heading)
            current = self.sections[current].parent
        return list(reversed(path))

    def top_level_sections(self) -> list[Section]:
        return [s for s in self.sections if s.parent is None]

    def paragraph(self, label: str) -> Paragraph | None:
        """The paragraph whose own label or citation number is ``label``."""
        for para in self.paragraphs:
            if para.label == label or para.section == label:
                return para
        return None

    def summary(self) -> dict[str, Any]:
        """The report's metadata and size, as ``reports --json`` lists it."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "body": self.body,
            "author": self.author,
            "report_of": self.report_of,
            "source": self.source,
            "pages": self.page_count,
            "sections": len(self.sections),
            "paragraphs": len(self.paragraphs),
            "date_source": self.date_source,
            "date_estimate": self.date_estimate,
        }

    def to_dict(self) -> dict[str, Any]:
        """``dataclasses.asdict(self)``, made without its deep copy of every string and number
        (a report holds tens of thousands; every ingested report is saved this way)."""
        return _plain(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        data = dict(data)
        data["sections"] = [Section(**s) for s in data.get("sections", [])]
        data["paragraphs"] = [Paragraph(**p) for p in data.get("paragraphs", [])]
        data["tables"] = [Table(**t) for t in data.get("tables", [])]
        data["mentions"] = [
            Mention(**{**m, "figures": [Figure(**f) for f in m.get("figures", [])]}) for m in data.get("mentions", [])
        ]
        data["discovered"] = [Initiative(**i) for i in data.get("discovered", [])]
        data["measures"] = [
            Measure(**{**m, "values": [MeasureValue(**v) for v in m.get("values", [])]})
            for m in data.get("measures", [])
        ]
        return cls(**data)


def chronological(date: str | None, *then: Any) -> tuple:
    """The one sort key for putting reports in date order: oldest first, undated reports after
    every dated one, ties broken by ``then`` (a report id, a passage's ordinal)."""
    return (date is None or date == "", date or "", *then)


@dataclass(frozen=True)
class ReportList:
    """The ingested reports, oldest meeting first."""

    reports: tuple[Report, ...]

    def __iter__(self):
        return iter(self.reports)

    def __len__(self) -> int:
        return len(self.reports)

    def to_dict(self) -> dict[str, Any]:
        return {"reports": [report.summary() for report in self.reports]}


def _plain(value: Any) -> Any:
    """A record as plain lists, dicts and values; what ``asdict`` gives for the records here
    (tuples as lists, a record with its own ``to_dict`` as that gives it)."""
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Record) and type(value).to_dict is not Record.to_dict:
        return value.to_dict()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        return {name: _plain(getattr(value, name)) for name in fields}
    return value


@dataclass(frozen=True)
class FileOutcome(Record):
    path: str
    status: str  # "added", "updated", "unchanged", "failed", "skipped", "duplicate", "removed", "kept"
    report_id: str = ""
    reason: str = ""
    note: str = ""  # what the user may want to know of how it was read: "read as Windows-1252 text"


@dataclass(frozen=True)
class MetadataProblem(Record):
    """Something in a ``metadata.csv`` that could not be used, and was passed over."""

    path: str  # the metadata.csv
    line: int | None  # its line (1: the header)
    column: str
    message: str


@dataclass(frozen=True)
class IngestSummary(Record):
    outcomes: list[FileOutcome] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # indexed sources no longer on disk
    resumed: list[str] = field(default_factory=list)  # committed by an earlier run that was cut short
    metadata_problems: list[MetadataProblem] = field(default_factory=list)  # in the folders' metadata.csv files

    def of(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> bool:
        """Whether a file failed, or (``reindex``) a report was kept because its file could not be read again."""
        return bool(self.of("failed") or self.of("kept"))

    def counts(self) -> dict[str, int]:
        keys = ["added", "updated", "unchanged", "failed", "skipped", "duplicate", "removed", "kept"]
        return {key: len(self.of(key)) for key in keys}


# --------------------------------------------------------------------------------------------
# Search


@dataclass(frozen=True)
class Expansion:
    """A part of the query that was widened: what the user typed and what it also matches."""

    span: str  # what the user typed
    variants: list[str]  # what it may also be written as
    reason: str  # "acronym", "long form", "synonym", "hyphen", "compound", "spelling"

    def to_dict(self) -> dict[str, Any]:
        return {"span": self.span, "variants": list(self.variants), "reason": self.reason}


@dataclass(frozen=True)
class Hit:
    """One passage a search found, with what it takes to cite it."""

    id: str  # "<report id>#<ordinal>"
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
    heading_path: tuple[str, ...] = ()
    pages: tuple[int, ...] = ()  # the pages the matched words are on (``page`` is the first)

    @property
    def ordinal(self) -> int:
        """The passage's position in its report."""
        return int(self.id.rsplit("#", 1)[-1]) if "#" in self.id else -1

    def snippet_segments(self) -> list[tuple[str, bool]]:
        """The snippet as (text, is_match) pieces, for rendering."""
        pieces: list[tuple[str, bool]] = []
        for i, part in enumerate(self.snippet.split("**")):
            if part:
                pieces.append((part, i % 2 == 1))
        return pieces

    def location(self, with_heading: bool = False) -> list[str]:
        """Where the passage stands: ["para 2.5.6", "Domestic Abuse", "p. 6"]; the pages are
        those the matched words are on ("pp. 4-5" when they are on both)."""
        parts = [f"para {self.section}"] if self.section else []
        if self.heading and (with_heading or not self.section):
            parts.append(self.heading)
        if len(self.pages) > 1:
            parts.append(f"pp. {self.pages[0]}-{self.pages[-1]}")
        elif self.page:
            parts.append(f"p. {self.page}")
        return parts

    def citation(self) -> str:
        """"Safeguarding Report, Police and Crime Panel, 2022-06-10, para 2.5.6, p. 6"."""
        head = [part for part in (self.report_title, self.report_body, self.report_date) if part]
        return ", ".join(head + self.location())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "report_id": self.report_id, "report_title": self.report_title,
            "report_date": self.report_date, "report_body": self.report_body, "source": self.source,
            "section": self.section, "heading": self.heading, "page": self.page, "pages": list(self.pages), "kind": self.kind,
            "text": self.text, "snippet": self.snippet, "score": self.score,
        }


@dataclass(frozen=True)
class SearchResults:
    """What a search answered: the best hits and how many passages match in all."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    rewritten: str = ""  # the query as searched, with its variants
    parsed: str = ""  # Whoosh's reading of it
    expansions: tuple[Expansion, ...] = ()
    suggestion: str | None = None  # "did you mean", only when it has hits
    facets: dict[str, dict[str, int]] | None = None

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"query": self.query, "total": self.total, "hits": [h.to_dict() for h in self.hits]}
        if self.suggestion:
            data["suggestion"] = self.suggestion
        if self.expansions:
            data["expansions"] = [e.to_dict() for e in self.expansions]
        if self.facets is not None:
            data["facets"] = self.facets
        if explain:
            data["explain"] = {"searched": self.rewritten, "parsed": self.parsed}
        return data
