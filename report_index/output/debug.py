"""A file's trace (``trace.FileTrace``) as text a person reads, or as JSON.

``debug_text`` writes one section a stage, headed ``== pages ==``, ``== lines ==`` and so on, in
the order the stages run; ``stages`` keeps only the named ones. A failure is always shown, with
the stage that failed, whatever ``stages`` asks for. ``debug_json`` is ``trace.to_dict()``, cut
to the same stages. Both return a string; printing it is the caller's business.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from ..trace import FileTrace, TableTrace

#: The sections of a trace, in the order they are shown.
STAGES = (
    "file", "pages", "lines", "tables", "title-block", "sections", "measures", "report", "passages", "initiatives",
)

#: Other names a user may give a section by.
_ALIASES = {"title": "title-block", "title_block": "title-block", "titleblock": "title-block",
            "mentions": "initiatives", "date": "report", "page": "pages", "line": "lines", "table": "tables",
            "section": "sections", "measure": "measures", "passage": "passages"}

#: The stage that has to have run for a section to have anything to show.
_NEEDS = {
    "pages": "read", "lines": "read", "tables": "read", "title-block": "title-block", "sections": "structure",
    "measures": "measures", "report": "measures", "passages": "measures", "initiatives": "initiatives",
}

#: The keys of ``FileTrace.to_dict()`` each section shows.
_KEYS = {
    "file": ("file",), "pages": ("pages",), "lines": ("blocks",), "tables": ("blocks",),
    "title-block": ("title_block",), "sections": ("sections",), "measures": ("measures",), "report": ("report",),
    "passages": ("passages",), "initiatives": ("mentions", "discovered"),
}


def stage_names(stages: Iterable[str] | None) -> list[str]:
    """The sections asked for, in the order they are shown (all of them for None); raises
    ValueError naming the sections there are when one is not a section."""
    if stages is None:
        return list(STAGES)
    wanted = set()
    for name in stages:
        key = name.strip().lower()
        key = _ALIASES.get(key, key)
        if key not in STAGES:
            raise ValueError(f"no stage {name!r}: the stages are {', '.join(STAGES)}")
        wanted.add(key)
    return [name for name in STAGES if name in wanted]


def debug_json(trace: FileTrace, *, stages: Iterable[str] | None = None, indent: int | None = 2) -> str:
    """The trace as JSON: ``trace.to_dict()``, with only the asked-for stages' keys (``file``
    and ``failure`` are always there)."""
    return json.dumps(debug_dict(trace, stages=stages), indent=indent, ensure_ascii=False)


def debug_dict(trace: FileTrace, *, stages: Iterable[str] | None = None) -> dict[str, Any]:
    data = trace.to_dict()
    if stages is None:
        return data
    names = stage_names(stages)
    keep = {"file", "failure", "stages"} | {key for name in names for key in _KEYS[name]}
    out = {key: value for key, value in data.items() if key in keep}
    if "blocks" in out and not {"lines", "tables"} <= set(names):
        kind = "line" if "lines" in names else "table"
        out["blocks"] = [block for block in out["blocks"] if block["type"] == kind]
    return out


def debug_text(trace: FileTrace, *, stages: Iterable[str] | None = None) -> str:
    """The trace as plain text: a section a stage (only ``stages``, if given), then the failure."""
    names = stage_names(stages)
    if stages is None and trace.mentions is None:
        names.remove("initiatives")  # not asked for: say nothing rather than "not run"
    parts: list[str] = []
    skipped: list[str] = []
    for name in names:
        needed = _NEEDS.get(name)
        if needed and not trace.reached(needed):
            if stages is None:  # everything: one line for what a failure left out
                skipped.append(name)
                continue
            why = f"{trace.failure.stage} failed" if trace.failure else "not run (ask for initiatives)"
            body = [f"(not reached: {why})"]
        else:
            body = _SECTIONS[name](trace)
        parts.append("\n".join([_heading(name), *body]))
    if trace.failure is not None:
        left = [f"not reached  {', '.join(skipped)}"] if skipped else []
        parts.append("\n".join([_heading("failed"), *_failure(trace), *left]))
    return "\n\n".join(parts) + "\n"


def _heading(name: str) -> str:
    return f"== {name.replace('-', ' ')} =="


# --------------------------------------------------------------------------------------------
# Sections


def _file(trace: FileTrace) -> list[str]:
    info = trace.file
    pages = "" if info.page_count is None else f", {_count(info.page_count, 'page')}"
    lines = [
        f"path     {info.path}",
        f"kind     {info.kind or 'unsupported'}, {info.size:,} bytes{pages}{', read through OCR' if info.ocr else ''}"
        f"{f', read as {info.encoding}' if info.encoding and info.encoding != 'utf-8' else ''}",
        f"sha256   {info.sha256}",
        f"stages   {' > '.join(trace.stages) or '(none)'}",
    ]
    return lines


def _pages(trace: FileTrace) -> list[str]:
    if not trace.pages:
        lines, tables = _count(len(trace.lines), "line"), _count(len(trace.tables), "table")
        return [f"no pages (a text file without form feeds): {lines}, {tables}"]
    out = []
    for page in trace.pages:
        tables = f", {_count(page.tables, 'table')}" if page.tables else ""
        out.append(f"p{page.page:<4} {page.reader:<10} {_count(page.lines, 'line'):>10}{tables}")
    readers: dict[str, int] = {}
    for page in trace.pages:
        readers[page.reader] = readers.get(page.reader, 0) + 1
    out.append("read by: " + ", ".join(f"{reader} {count}" for reader, count in readers.items()))
    return out


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _page(page: int | None) -> str:
    return f"p{page}" if page is not None else "p-"


def _lines(trace: FileTrace) -> list[str]:
    out = [
        f"{'block':>5} {'page':<5}  {'indent':<9}  {'flags':<18} | text",
        "(B bold, new: starts a block, full: runs to the right margin, top: first line of its page,",
        " T: read as the title block, +: joined to the line before as one heading)",
    ]
    for block in trace.blocks:
        if isinstance(block, TableTrace):
            out.append(f"{block.block:>5} {_page(block.page):<5}  [table: {_table_summary(block)}; see tables]")
            continue
        flags = " ".join(
            [
                "B" if block.bold else " ",
                "new" if block.new_block else "   ",
                "full" if block.full else "    ",
                "top" if block.page_start else "   ",
                "T" if block.title_block else " ",
                "+" if block.joined else " ",
            ]
        )
        out.append(f"{block.block:>5} {_page(block.page):<5}  x0={block.x0:6.1f}  {flags} | {_one_line(block.text)}")
    if len(out) == 3:
        out.append("(no lines)")
    return out


def _table_summary(table: TableTrace) -> str:
    columns = max([len(table.header), *(len(row) for row in table.rows)])
    role = f", {table.role}" if table.role else ""
    shape = f"{_count(columns, 'column')}, {_count(len(table.rows), 'row')}"
    return f"{'ruled' if table.ruled else 'unruled'}, {shape}{role}"


def _tables(trace: FileTrace) -> list[str]:
    tables = trace.tables
    if not tables:
        return ["(no tables)"]
    out: list[str] = []
    for number, table in enumerate(tables):
        where = f"report table {table.report_table}" if table.report_table is not None else "not a report table"
        if out:
            out.append("")
        out.append(f"table {number}: block {table.block}, {_page(table.page)}, {_table_summary(table)} ({where})")
        out.append("  header | " + " | ".join(_one_line(cell) for cell in table.header))
        for row_number, row in enumerate(table.rows):
            page = table.row_pages[row_number] if row_number < len(table.row_pages) else table.page
            marker = f"  {row_number:>3} {_page(page):<4}"
            out.append(f"{marker}| " + " | ".join(_one_line(cell) for cell in row))
    return out


def _title_block(trace: FileTrace) -> list[str]:
    front = trace.title_block
    assert front is not None
    out = [
        f"body       {front.body or '-'}",
        f"date       {front.date or '-'}",
        f"title      {front.title or '-'}",
        f"author     {_with_role(front.author, front.author_role)}",
        f"report of  {_with_role(front.report_of, front.report_of_role)}",
    ]
    if front.blocks:
        out.append(f"taken      blocks {', '.join(str(b) for b in front.blocks)}")
    else:
        out.append("taken      nothing (no title block found)")
    return out


def _with_role(name: str, role: str) -> str:
    if not name:
        return "-"
    return f"{name} ({role})" if role else name


def _sections(trace: FileTrace) -> list[str]:
    if not trace.sections:
        return ["(no sections)"]
    depth: dict[int, int] = {}
    out = []
    for section in trace.sections:
        depth[section.index] = depth.get(section.parent, -1) + 1 if section.parent is not None else 0
        label = f"{section.number} {section.heading}" if section.number else section.heading
        parent = f", parent {section.parent}" if section.parent is not None else ""
        out.append(
            f"{section.index:>4} {'  ' * depth[section.index]}{_one_line(label)}"
            f"  (level {section.level}, {_page(section.page)}{parent})"
        )
    return out


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, float) and not value.is_integer() else f"{int(value):,}"


def _measures(trace: FileTrace) -> list[str]:
    if not trace.measures:
        return ["(no measures)"]
    out: list[str] = []
    for measure in trace.measures:
        name = measure.name + (f" [{measure.breakdown}]" if measure.breakdown else "")
        values = "  ".join(f"{v.period}={v.raw or '-'}" for v in measure.values)
        details = [
            f"difference {measure.difference_raw or _number(measure.difference)}" if measure.difference_raw or measure.difference is not None else "",
            f"trend {measure.trend or '-'}" + (f" ({measure.trend_raw})" if measure.trend_raw else ""),
            f"flags {', '.join(measure.flags)}" if measure.flags else "",
            f"report table {measure.table}" if measure.table is not None else "",
            f"para {measure.section}" if measure.section else "",
            ", ".join(_page(p) for p in measure.pages),
        ]
        out.append(f"{measure.index:>3} {name}")
        out.append(f"      {values}")
        out.append("      " + "; ".join(d for d in details if d))
        if measure.comment:
            out.append(f"      comment: {_one_line(measure.comment)}")
    return out


def _report(trace: FileTrace) -> list[str]:
    report = trace.report
    assert report is not None
    pages = "-" if report.page_count is None else str(report.page_count)
    return [
        f"title      {report.title or '-'}  (from {report.title_source})",
        f"date       {report.date or '-'}" + (f"  (from {report.date_source})" if report.date_source not in ("", "none") else "  (none found)"),
        f"body       {report.body or '-'}",
        f"author     {_with_role(report.author, report.author_role)}",
        f"report of  {_with_role(report.report_of, report.report_of_role)}",
        f"pages      {pages}",
    ]


def _passages(trace: FileTrace) -> list[str]:
    if not trace.passages:
        return ["(no passages)"]
    kinds: dict[str, int] = {}
    out: list[str] = []
    for passage in trace.passages:
        kinds[passage.kind] = kinds.get(passage.kind, 0) + 1
        pages = ",".join(str(p) for p in passage.pages) or "-"
        section = passage.section or "-"
        label = f" label {passage.label}" if passage.label and not passage.section.endswith(passage.label) else ""
        path = " > ".join(passage.heading_path)
        out.append(f"#{passage.ordinal:<4} {passage.kind:<10} {section:<8} p{pages:<6}{label} [{path}]")
        out.append(f"      {_one_line(passage.text)}")
    out.append(f"{len(trace.passages)} passages: " + ", ".join(f"{count} {kind}" for kind, count in kinds.items()))
    return out


def _initiatives(trace: FileTrace) -> list[str]:
    out: list[str] = ["passage   para     via       initiative"]
    for mention in trace.mentions or ():
        status = f" status {mention.status}" if mention.status else ""
        out.append(
            f"#{mention.paragraph:<4} {mention.section or '-':<8} {mention.via:<9} {mention.initiative}"
            f"  matched {mention.matched!r}{status}"
        )
    if len(out) == 1:
        out = ["(no mentions)"]
    for found in trace.discovered or ():
        aliases = f" (also {', '.join(found.aliases)})" if found.aliases else ""
        out.append(f"discovered: {found.id}: {found.name}{aliases}" + (f" [{found.kind}]" if found.kind else ""))
    return out


def _failure(trace: FileTrace) -> list[str]:
    failure = trace.failure
    assert failure is not None
    out = [f"stage        {failure.stage}", f"message      {failure.message}"]
    if failure.unexpected:
        out.append("(an unexpected error, probably a bug:)")
        out.extend("  " + line for line in failure.detail.rstrip().splitlines())
    return out


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", " \u21b5 ")


_SECTIONS = {
    "file": _file, "pages": _pages, "lines": _lines, "tables": _tables, "title-block": _title_block,
    "sections": _sections, "measures": _measures, "report": _report, "passages": _passages,
    "initiatives": _initiatives,
}
