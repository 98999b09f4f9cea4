"""A look inside the pipeline: every stage's intermediate result for one file, nothing indexed.

``trace_file`` runs the stages ``pipeline.extract_report`` runs, in its order (read, title block
and structure, measures, date from the file name), and keeps what each one produced: which reader
read each page, the lines with their layout hints, the tables (ruled or unruled) and their cells,
the title block as read, the section tree, the measures and the passages. With
``initiatives=True`` the initiative mentions are read too (that loads spaCy).

A stage that fails with ``ExtractionError`` ("no text layer", "not UTF-8 text") does not raise:
the trace keeps what the stages before it produced and says which stage failed and why. A stage
that fails with any other exception (a bug) is kept the same way, with its traceback. Only a file
that cannot be read at all (it does not exist, it is a folder) raises ``ReportIndexError``.

Every record is frozen and has ``to_dict()`` (plain lists, dicts and values, ready for JSON).
``output.debug`` renders a trace as text.
"""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from .errors import ExtractionError, ReportIndexError
from .measures.tables import attach_measures, is_comment_table
from .models import Block, RawDocument, Record, Report, Table, TextLine
from .pipeline import Annotator, complete_report
from .sources import DOCX_SUFFIXES, HTML_SUFFIXES, PDF_SUFFIXES, TEXT_SUFFIXES, read_document
from .structure.sections import merge_heading_lines, parse_report
from .structure.title_block import FrontMatter, read_front_matter

#: The stages a failure can be reported in, in the order they run.
STEPS = ("read", "title-block", "structure", "measures", "passages", "initiatives")


@dataclass(frozen=True)
class FileInfo(Record):
    """The file itself: where it is, its kind by name ("pdf", "text" or "" when unsupported),
    its size in bytes, its content fingerprint and (once read) its page count."""

    path: str
    kind: str
    size: int
    sha256: str
    page_count: int | None = None
    ocr: bool = False  # the PDF had no text layer and was read through OCR
    encoding: str = ""  # text files: the encoding they were read in ("utf-8", "cp1252", "latin-1")


@dataclass(frozen=True)
class PageTrace(Record):
    """One page: the reader that read it ("pdfium", "pdfplumber", "pdfium text"; "text" for a
    text file with form feeds) and how many lines and tables of the document are on it."""

    page: int
    reader: str
    lines: int
    tables: int


@dataclass(frozen=True)
class LineTrace(Record):
    """One line as the reader laid it out (a ``TextLine``), at position ``block`` in reading order.

    ``title_block``: the title-block reader took it; ``joined``: it was joined to the line before
    as one heading that wraps (``merge_heading_lines``)."""

    KIND: ClassVar[str] = "line"

    block: int
    text: str
    page: int | None
    x0: float
    bold: bool
    new_block: bool
    full: bool
    page_start: bool
    title_block: bool = False
    joined: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.KIND, **super().to_dict()}


@dataclass(frozen=True)
class TableTrace(Record):
    """One table, at position ``block`` in reading order, with its cells.

    ``ruled``: found from the lines drawn round its cells (else from the white space between its
    columns). ``role``: what the structure made of it: "title block", "key-value lines" (read as
    lines such as "Date: ..."), "measures", "comments" (a Measure | Comment table), "rows" (each
    row a passage), or "" when the stages did not get that far. ``report_table``: its index in
    the report's tables (what measures and passages point at), if it is one of them."""

    KIND: ClassVar[str] = "table"

    block: int
    page: int | None
    ruled: bool
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_pages: tuple[int | None, ...] = ()
    role: str = ""
    report_table: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.KIND, **super().to_dict()}


BlockTrace = LineTrace | TableTrace


@dataclass(frozen=True)
class TitleBlockTrace(Record):
    """The title block as ``read_front_matter`` read it (before the date from the file name).

    ``taken``: the indexes, in the heading-merged blocks the parser reads, of the blocks that were
    the title block; ``blocks``: the same blocks as positions in reading order (``LineTrace.block``)."""

    body: str
    date: str | None
    title: str
    author: str
    author_role: str
    report_of: str
    report_of_role: str
    taken: tuple[int, ...]
    blocks: tuple[int, ...]


@dataclass(frozen=True)
class SectionTrace(Record):
    """A heading of the section tree; ``parent`` is the index of its parent section."""

    index: int
    number: str | None
    heading: str
    level: int
    page: int | None
    parent: int | None


@dataclass(frozen=True)
class ValueTrace(Record):
    period: str
    value: float | None
    raw: str


@dataclass(frozen=True)
class MeasureTrace(Record):
    """A measure read from a measures table (``table`` is its index in the report's tables)."""

    index: int
    name: str
    breakdown: str | None
    values: tuple[ValueTrace, ...]
    difference: float | None
    difference_raw: str
    trend: str | None
    trend_raw: str
    comment: str
    flags: tuple[str, ...]
    section: str
    pages: tuple[int, ...]
    table: int | None


@dataclass(frozen=True)
class PassageTrace(Record):
    """A passage as it would be indexed: a paragraph, list item, table row or measure."""

    ordinal: int
    kind: str
    section: str
    label: str | None
    heading_path: tuple[str, ...]
    pages: tuple[int, ...]
    text: str
    table: int | None = None
    measure: int | None = None


@dataclass(frozen=True)
class ReportTrace(Record):
    """The report's metadata once the pipeline has completed it: ``date_source`` is "text" (the
    title block or a date line near the top) or "filename"; ``title_source`` is "title block" or
    "filename" (the file name stands in for a missing title)."""

    title: str
    title_source: str
    date: str | None
    date_source: str
    body: str
    author: str
    author_role: str
    report_of: str
    report_of_role: str
    page_count: int | None


@dataclass(frozen=True)
class MentionTrace(Record):
    initiative: str
    paragraph: int
    section: str
    pages: tuple[int, ...]
    matched: str
    via: str
    status: str | None
    sentence: str


@dataclass(frozen=True)
class DiscoveredTrace(Record):
    """An initiative first found in this report, not in the gazetteer."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class StageFailure(Record):
    """The stage that failed and its message; ``unexpected`` for an error that is not one of the
    ways a file can fail to be a report (a bug), with its traceback in ``detail``."""

    stage: str
    message: str
    unexpected: bool = False
    detail: str = ""


@dataclass(frozen=True)
class FileTrace(Record):
    """Everything the stages produced for one file, up to the stage that failed, if one did.

    A stage that was not reached leaves its part ``None`` (``title_block``, ``report``) or empty;
    ``mentions`` and ``discovered`` are ``None`` unless initiatives were asked for."""

    file: FileInfo
    pages: tuple[PageTrace, ...] = ()
    blocks: tuple[BlockTrace, ...] = ()
    title_block: TitleBlockTrace | None = None
    sections: tuple[SectionTrace, ...] = ()
    measures: tuple[MeasureTrace, ...] = ()
    report: ReportTrace | None = None
    passages: tuple[PassageTrace, ...] = ()
    mentions: tuple[MentionTrace, ...] | None = None
    discovered: tuple[DiscoveredTrace, ...] | None = None
    failure: StageFailure | None = None
    stages: tuple[str, ...] = ()  # the stages that ran to the end, in order

    @property
    def lines(self) -> tuple[LineTrace, ...]:
        return tuple(b for b in self.blocks if isinstance(b, LineTrace))

    @property
    def tables(self) -> tuple[TableTrace, ...]:
        return tuple(b for b in self.blocks if isinstance(b, TableTrace))

    @property
    def ok(self) -> bool:
        return self.failure is None

    def reached(self, stage: str) -> bool:
        """Whether ``stage`` (one of ``STEPS``) ran to the end."""
        return stage in self.stages


# --------------------------------------------------------------------------------------------
# Running the stages


class _Failed(Exception):
    def __init__(self, failure: StageFailure):
        self.failure = failure


def _run(stage: str, step: Any, *args: Any, **kwargs: Any) -> Any:
    """``step(*args)``, its failure turned into a ``StageFailure`` of ``stage``."""
    try:
        return step(*args, **kwargs)
    except ExtractionError as exc:
        raise _Failed(StageFailure(stage, str(exc))) from None
    except Exception as exc:  # a bug in a stage: keep it in the trace, with where it happened
        raise _Failed(
            StageFailure(stage, f"{type(exc).__name__}: {exc}", unexpected=True, detail=traceback.format_exc())
        ) from None


def _read(path: Path, ocr: bool) -> tuple[RawDocument, bool]:
    """The document and whether OCR read it (the text layer is tried first, as the ingest does)."""
    from .sources.pdf import NoTextLayerError

    try:
        return read_document(path), False
    except NoTextLayerError:
        if not ocr:
            raise
    return read_document(path, ocr=True), True


def trace_file(path: Path, *, ocr: bool = False, initiatives: bool = False) -> FileTrace:
    """Run the pipeline's stages on ``path`` without indexing it, and keep what each produced.

    ``ocr``: read a PDF with no text layer through OCR (as ``ingest --ocr``). ``initiatives``:
    also read the initiative mentions (loads spaCy, which takes a few seconds).
    Raises ``ReportIndexError`` only when the file cannot be opened at all."""
    path = Path(path)
    if not path.exists():
        raise ReportIndexError(f"{path}: no such file")
    if not path.is_file():
        raise ReportIndexError(f"{path}: not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportIndexError(f"{path}: could not be read ({exc.strerror})") from None
    suffix = path.suffix.lower()
    kind = (
        "pdf" if suffix in PDF_SUFFIXES else "text" if suffix in TEXT_SUFFIXES else "docx" if suffix in DOCX_SUFFIXES
        else "html" if suffix in HTML_SUFFIXES else ""
    )
    sha = hashlib.sha256(data).hexdigest()

    raw: RawDocument | None = None
    used_ocr = False
    merged: list[Block] = []
    front: FrontMatter | None = None
    report: Report | None = None
    measured = False
    title_from_name = False
    failure: StageFailure | None = None
    done: list[str] = []
    try:
        raw, used_ocr = _run("read", _read, path, ocr)
        done.append("read")
        merged = _run("title-block", merge_heading_lines, raw.blocks)
        front = _run("title-block", read_front_matter, merged)
        done.append("title-block")
        report = _run("structure", parse_report, raw, "", sha)
        done.append("structure")
        report = _run("measures", attach_measures, report)
        measured = True
        done.append("measures")
        title_from_name = not report.title
        report = complete_report(report, path, None, raw.facts)  # as extract_report does, before its check for passages
        if not report.paragraphs:
            raise _Failed(StageFailure("passages", "no paragraphs of text were found in it"))
        done.append("passages")
        if initiatives:
            report = _run("initiatives", _annotate, report)
            done.append("initiatives")
    except _Failed as failed:
        failure = failed.failure

    info = FileInfo(str(path), kind, len(data), sha, raw.page_count if raw else None, used_ocr, raw.encoding if raw else "")
    if raw is None:
        return FileTrace(file=info, failure=failure, stages=tuple(done))
    groups = _merge_groups(raw.blocks, merged) if front is not None else []
    taken_blocks = sorted(i for m in (front.taken if front else ()) for i in groups[m])
    return FileTrace(
        file=info,
        pages=_pages(raw),
        blocks=_blocks(raw, groups, set(taken_blocks), report if measured else None),
        title_block=_title_block(front, taken_blocks) if front is not None else None,
        sections=_sections(report) if report is not None else (),
        measures=_measures(report) if measured and report is not None else (),
        report=_report(report, title_from_name) if measured and report is not None else None,
        passages=_passages(report) if measured and report is not None else (),
        mentions=_mentions(report) if "initiatives" in done and report is not None else None,
        discovered=_discovered(report) if "initiatives" in done and report is not None else None,
        failure=failure,
        stages=tuple(done),
    )


def _annotate(report: Report) -> Report:
    return Annotator([]).annotate(report)


# --------------------------------------------------------------------------------------------
# Records from the stages' results


def _merge_groups(blocks: list[Block], merged: list[Block]) -> list[list[int]]:
    """For each heading-merged block, the positions of the blocks it was made of.

    ``merge_heading_lines`` keeps a block that is not merged as the same object and makes a new
    line of the ones it joins (their texts joined by spaces), so a new object covers the blocks
    whose texts make up its text."""
    groups: list[list[int]] = []
    position = 0
    for index, block in enumerate(merged):
        if position < len(blocks) and blocks[position] is block:
            groups.append([position])
            position += 1
            continue
        group = [position]
        text = blocks[position].text
        position += 1
        while position < len(blocks) and text != block.text:
            text = f"{text} {blocks[position].text}"
            group.append(position)
            position += 1
        groups.append(group)
    return groups


def _pages(raw: RawDocument) -> tuple[PageTrace, ...]:
    if not raw.page_count:
        return ()
    lines = [0] * (raw.page_count + 1)
    tables = [0] * (raw.page_count + 1)
    for block in raw.blocks:
        if block.page is None or not 1 <= block.page <= raw.page_count:
            continue
        if isinstance(block, Table):
            tables[block.page] += 1
        elif block.text.strip():
            lines[block.page] += 1
    readers = raw.page_readers if raw.kind == "pdf" else []
    return tuple(
        PageTrace(page, readers[page - 1] if page <= len(readers) else raw.kind, lines[page], tables[page])
        for page in range(1, raw.page_count + 1)
    )


def _blocks(raw: RawDocument, groups: list[list[int]], taken: set[int], report: Report | None) -> tuple[BlockTrace, ...]:
    joined = {i for group in groups for i in group[1:]}
    report_tables = {id(t): i for i, t in enumerate(report.tables)} if report is not None else {}
    measure_tables = {m.table for m in report.measures} if report is not None else set()
    out: list[BlockTrace] = []
    for index, block in enumerate(raw.blocks):
        if isinstance(block, TextLine):
            out.append(
                LineTrace(
                    index, block.text, block.page, block.x0, block.bold, block.new_block, block.full,
                    block.page_start, index in taken, index in joined,
                )
            )
            continue
        number = report_tables.get(id(block))
        if index in taken:
            role = "title block"
        elif report is None:
            role = ""
        elif number is None:
            role = "key-value lines"
        elif number in measure_tables:
            role = "measures"
        elif is_comment_table(block):
            role = "comments"
        else:
            role = "rows"
        out.append(
            TableTrace(
                index, block.page, block.ruled, tuple(block.header), tuple(tuple(r) for r in block.rows),
                tuple(block.row_pages), role, number,
            )
        )
    return tuple(out)


def _title_block(front: FrontMatter, blocks: list[int]) -> TitleBlockTrace:
    return TitleBlockTrace(
        front.body, front.date, front.title, front.author, front.author_role, front.report_of,
        front.report_of_role, tuple(sorted(front.taken)), tuple(blocks),
    )


def _sections(report: Report) -> tuple[SectionTrace, ...]:
    return tuple(
        SectionTrace(i, s.number, s.heading, s.level, s.page, s.parent) for i, s in enumerate(report.sections)
    )


def _measures(report: Report) -> tuple[MeasureTrace, ...]:
    return tuple(
        MeasureTrace(
            i, m.name, m.breakdown, tuple(ValueTrace(v.period, v.value, v.raw) for v in m.values), m.difference,
            m.difference_raw, m.trend, m.trend_raw, m.comment, tuple(m.flags), m.section, tuple(m.pages), m.table,
        )
        for i, m in enumerate(report.measures)
    )


def _report(report: Report, title_from_name: bool) -> ReportTrace:
    return ReportTrace(
        report.title, "filename" if title_from_name else "title block", report.date, report.date_source, report.body,
        report.author, report.author_role, report.report_of, report.report_of_role, report.page_count,
    )


def _passages(report: Report) -> tuple[PassageTrace, ...]:
    return tuple(
        PassageTrace(
            p.ordinal, p.kind, p.section, p.label, tuple(p.heading_path), tuple(p.pages), p.text, p.table, p.measure
        )
        for p in report.paragraphs
    )


def _mentions(report: Report) -> tuple[MentionTrace, ...]:
    return tuple(
        MentionTrace(m.initiative, m.paragraph, m.section, tuple(m.pages), m.matched, m.via, m.status, m.sentence)
        for m in report.mentions
    )


def _discovered(report: Report) -> tuple[DiscoveredTrace, ...]:
    return tuple(DiscoveredTrace(i.id, i.name, i.kind, tuple(i.aliases)) for i in report.discovered)
