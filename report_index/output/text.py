"""Plain-text renderers for a terminal: each takes a record from the library and returns the text
the command line prints, styled with ``Style`` (no styling when colour is off)."""

from __future__ import annotations

from pathlib import Path

from ..compare import Comparison, Side, citation_number
from ..models import Hit, IngestSummary, Mention, Paragraph, Report, ReportList, SearchResults
from ..series import MeasureList
from ..timeline import InitiativeList, Timeline
from .style import PLAIN, Style

DOT = " \u00b7 "
#: Sentences of one passage quoted in a progress timeline before "(and N more)".
MAX_SENTENCES = 2
PASSAGE_PREVIEW = 220


def display_path(path: str) -> str:
    """A path as the user would write it: relative to the working folder when it is under it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symbolic link loop
        return path


def _lines(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


# --------------------------------------------------------------------------------------------
# ingest


def ingest_notes(summary: IngestSummary) -> str:
    """What went wrong or was passed over, for stderr: failures, skips, duplicates, missing files."""
    lines = []
    if summary.resumed:
        lines.append(
            f"Resuming an ingest that was cut short: {len(summary.resumed)} of its files were committed by it and are not read again."
        )
    lines += [f"FAILED  {display_path(o.path)}: {o.reason}" for o in summary.of("failed")]
    lines += [
        f"warning {display_path(p.path)}, line {p.line}, column {p.column}: {p.message}"
        for p in summary.metadata_problems
    ]
    lines += [f"note    {display_path(o.path)}: {o.note}" for o in summary.outcomes if o.note]
    lines += [f"skipped {display_path(o.path)}: {o.reason}" for o in (*summary.of("skipped"), *summary.of("duplicate"))]
    lines += [
        f"moved   {display_path(o.path)}: {o.reason}"
        for o in summary.of("updated") if o.reason.startswith("moved from ")
    ]
    kept = summary.of("kept")
    if kept:
        lines.append(f"{len(kept)} report(s) kept as they were last read (run reindex with --prune to remove them):")
        lines += [f"  KEPT    {display_path(o.path)}: {o.reason}" for o in kept]
    if summary.missing:
        lines.append(f"{len(summary.missing)} indexed report(s) no longer on disk (run with --prune to remove them):")
        lines += [f"  {display_path(source)}" for source in summary.missing]
    return _lines(lines)


def ingest_summary(summary: IngestSummary, index_dir: Path) -> str:
    """The run's outcome, for stdout: removed reports and the counts."""
    lines = [f"removed {display_path(o.path)} ({o.reason or 'no longer on disk'})" for o in summary.of("removed")]
    counts = summary.counts()
    parts = [f"{counts[key]} {key}" for key in ("added", "updated", "unchanged", "failed")]
    extra = [f"{counts[key]} {key}" for key in ("skipped", "duplicate", "removed", "kept") if counts[key]]
    lines.append(f"Index {index_dir}: " + ", ".join(parts + extra) + ".")
    return _lines(lines)


# --------------------------------------------------------------------------------------------
# search


def _snippet(hit: Hit, style: Style) -> str:
    return "".join(style.bold(text) if match else text for text, match in hit.snippet_segments())


def _report_head(title: str, body: str, date: str | None) -> str:
    return DOT.join(filter(None, [title, body, date or "undated"]))


def hit(number: int, found: Hit, style: Style = PLAIN) -> str:
    where = found.location(with_heading=True)
    if found.kind in ("table_row", "measure"):
        where.append("table row" if found.kind == "table_row" else "performance measure")
    lines = [f"{number:>2}. {style.fg(_report_head(found.report_title, found.report_body, found.report_date), 'cyan')}"]
    if where:
        lines.append("    " + DOT.join(where))
    lines.append("    " + _snippet(found, style))
    lines.append(style.dim(f"    [{found.id}]"))
    return _lines(lines)


def search_results(results: SearchResults, style: Style = PLAIN, *, explain: bool = False, group: bool = False) -> str:
    out: list[str] = []
    if explain:
        out.append(_explanation(results, style))
    if results.suggestion:
        out.append(f"Did you mean: {style.bold(results.suggestion)}?\n\n")
    if results.facets:
        out.append(_facets(results.facets, style))
    if not results.hits:
        out.append(f'No passages match "{results.query}".\n')
        return "".join(out)
    shown = len(results.hits)
    more = f" (showing {shown})" if results.total > shown else ""
    out.append(f'{results.total} passage(s) match "{results.query}"{more}\n\n')
    if group:
        out.append(_groups(results.hits, style))
    else:
        out.extend(hit(number, found, style) + "\n" for number, found in enumerate(results.hits, start=1))
    return "".join(out)


def similar_results(results: SearchResults, hit_id: str, style: Style = PLAIN) -> str:
    if not results.hits:
        return f"No passages are like {hit_id}.\n"
    return "".join(hit(number, found, style) + "\n" for number, found in enumerate(results.hits, start=1))


def _explanation(results: SearchResults, style: Style) -> str:
    lines = [style.bold("Query")]
    for expansion in results.expansions:
        lines.append(f"  {expansion.span!r} ({expansion.reason}) also matches: {', '.join(expansion.variants)}")
    if not results.expansions:
        lines.append("  no acronyms, synonyms, variants or corrections apply")
    lines.append(f"  searched: {results.rewritten}")
    lines.append(f"  parsed:   {results.parsed}")
    return _lines(lines) + "\n"


def _facets(facets: dict, style: Style) -> str:
    lines = [style.bold("Matching passages by report")]
    lines += [f"  {count:>5}  {report_id}" for report_id, count in facets["report"].items()]
    lines.append(style.bold("By year"))
    lines += [f"  {count:>5}  {year}" for year, count in facets["year"].items()]
    lines.append(style.bold("By meeting"))
    lines += [f"  {count:>5}  {meeting}" for meeting, count in facets.get("meeting", {}).items()]
    return _lines(lines) + "\n"


def _groups(hits: tuple[Hit, ...], style: Style) -> str:
    """Hits grouped by report, reports in the order of their best hit."""
    groups: dict[str, list[Hit]] = {}
    for found in hits:
        groups.setdefault(found.report_id, []).append(found)
    lines: list[str] = []
    for members in groups.values():
        first = members[0]
        head = _report_head(first.report_title, first.report_body, first.report_date)
        lines.append(style.fg(f"{head}  ({len(members)} passage(s))", "cyan"))
        for found in members:
            lines.append("  " + DOT.join(found.location(with_heading=True)))
            lines.append("    " + _snippet(found, style))
            lines.append(style.dim(f"    [{found.id}]"))
        lines.append("")
    return _lines(lines)


# --------------------------------------------------------------------------------------------
# measures


def _figure(value) -> str:
    if value is None:
        return "\u2013"
    return f"{value:,}"


def measures(found: MeasureList, style: Style = PLAIN) -> str:
    if not found.series:
        return f'No measures match "{found.query}".\n' if found.query else "No performance measures in the ingested reports.\n"
    lines: list[str] = []
    for series in found.series:
        lines.append(style.bold(series.label))
        figures = DOT.join(
            f"{p.period} {_figure(p.value)}" + (f" ({p.report_date}, restated)" if p.restated else "")
            for p in series.series
        )
        tail = [f"difference {_figure(series.difference)}"] if series.difference is not None else []
        if series.trend:
            tail.append(f"trend {series.trend}")
        lines.append("  " + DOT.join([figures, *tail]))
        if series.comment:
            lines.append(f"  Comment: {series.comment}")
        lines.append(style.dim(f"  Reports: {', '.join(series.reports)}"))
        lines += [style.fg(f"  ! {flag}", "yellow") for flag in series.flags]
        lines.append("")
    return _lines(lines)


# --------------------------------------------------------------------------------------------
# initiatives and progress


def initiatives(found: InitiativeList, style: Style = PLAIN) -> str:
    if not found.items:
        return "No initiatives are mentioned in the ingested reports.\n"
    lines: list[str] = []
    for summary in found.items:
        item = summary.initiative
        seen = summary.first_seen or "undated"
        if summary.last_seen and summary.last_seen != summary.first_seen:
            seen = f"{seen} to {summary.last_seen}"
        origin = "" if item.source == "gazetteer" else f" [{item.source}]"
        lines.append(f"{style.bold(item.name)}{origin}  {summary.mentions} mention(s) in {len(summary.reports)} report(s), {seen}")
        if item.aliases:
            lines.append(f"  also: {', '.join(item.aliases)}")
    return _lines(lines)


def _by_passage(mentions) -> list[list[Mention]]:
    """Mentions grouped by the passage they are in, in reading order."""
    groups: dict[int, list[Mention]] = {}
    for mention in mentions:
        groups.setdefault(mention.paragraph, []).append(mention)
    return list(groups.values())


#: How a timeline says where a report's date was read (``Report.date_source``).
_DATE_FROM = {"filename": "file name", "published line": "a published/updated line"}


def dated_as(report, show=lambda iso: iso) -> str:
    """A report's date as a timeline shows it (``show`` writes the ISO date): with where it was
    read when that is not the text's title block ("2024-11-27 (from a published/updated
    line)"); an undated report's estimate only when its text gives one ("undated (about 2022,
    estimated)")."""
    if not report.date:
        return f"undated (about {report.date_estimate}, estimated)" if report.date_estimate else "undated"
    source = report.date_source
    if not source or source == "text":
        return show(report.date)
    return f"{show(report.date)} (from {_DATE_FROM.get(source, 'the ' + source)})"


def progress(found: Timeline, style: Style = PLAIN) -> str:
    initiative = found.initiative
    lines = [style.bold(initiative.name) + (f" \u2014 {initiative.description}" if initiative.description else "")]
    if initiative.aliases:
        lines.append(f"Also called: {', '.join(initiative.aliases)}")
    lines.append(f"Mentioned in {found.mentioned} of {len(found.entries)} report(s).")
    lines.append("")
    apart = False
    for entry in found.entries:
        report = entry.report
        if not report.date and not apart:  # the undated reports, after the dated ones
            apart = True
            lines += [style.bold("Undated (their place in time is unknown: not compared with the others)"), ""]
        meeting = f" ({report.body})" if report.body else ""
        lines.append(style.fg(f"{dated_as(report)}  {report.title}{meeting}", "cyan"))
        if not entry.mentioned:
            lines += ["  not mentioned", ""]
            continue
        if entry.change:
            lines.append(f"  Change: {entry.change}")
        for group in _by_passage(entry.mentions):
            first = group[0]
            where = ", ".join(
                filter(None, [f"para {first.section}" if first.section else "", f"p. {first.pages[0]}" if first.pages else ""])
            )
            statuses = list(dict.fromkeys(m.status for m in group if m.status))
            status = f"[{', '.join(statuses)}] " if statuses else ""
            follow = " (follow-up)" if all(m.via == "follow-up" for m in group) else ""
            # the name the report used when it is not the initiative's own: "as “WYATN”"
            used = [m.matched for m in group if m.via != "follow-up" and m.matched.casefold() != initiative.name.casefold()]
            named = f" as {', '.join(dict.fromkeys(f'“{u}”' for u in used))}" if used else ""
            lines.append(f"  {status}{where}{follow}{named}:")
            lines += [f"    \u201c{mention.sentence}\u201d" for mention in group[:MAX_SENTENCES]]
            if len(group) > MAX_SENTENCES:
                lines.append(f"    (and {len(group) - MAX_SENTENCES} more sentence(s) in this passage)")
            figures = list(dict.fromkeys(f.text for m in group for f in m.figures))
            if figures:
                lines.append(f"    figures: {'; '.join(figures)}")
        lines.append("")
    return _lines(lines)


# --------------------------------------------------------------------------------------------
# compare


def _preview(text: str) -> str:
    return text if len(text) <= PASSAGE_PREVIEW else text[: PASSAGE_PREVIEW - 1].rsplit(" ", 1)[0] + "\u2026"


def _side_place(side: Side) -> str:
    pages = side.pages
    where = [citation_number(side.report, *side.passages)]
    if pages:
        where.append(f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}-{pages[-1]}")
    return ", ".join(filter(None, where))


def comparison(found: Comparison, style: Style = PLAIN) -> str:
    lines: list[str] = []
    for label, report in (("A", found.a), ("B", found.b)):
        meeting = f" ({report.body})" if report.body else ""
        lines.append(style.fg(f"{label}: {report.date or 'undated'}  {report.title}{meeting}", "cyan") + style.dim(f"  [{report.id}]"))
    undated = [label for label, report in (("A", found.a), ("B", found.b)) if not report.date]
    if undated:
        which = " and ".join(undated) + (" are" if len(undated) == 2 else " is")
        lines.append(style.dim(f"{which} undated: which came first is not known; the changes read from A to B as given."))
    topic = found.topic
    if topic is not None:
        about = f"{topic.initiative.name} (passages that mention it)" if topic.initiative else f"passages with the words: {', '.join(topic.words)}"
        lines.append(f"Topic: {about}")
    changed, unchanged = found.changed_pairs, found.unchanged_pairs
    moved = sum(len(p.figures_changed) for p in found.pairs)
    lines.append("")
    lines.append(
        f"{len(found.pairs)} matched passage(s): {len(changed)} changed, {len(unchanged)} unchanged{DOT}"
        f"{len(found.only_a)} only in A{DOT}{len(found.only_b)} only in B{DOT}{moved} figure(s) moved"
    )
    for heading_a, heading_b, count in found.sections():
        lines.append(f"  {heading_a or '(no heading)'} -> {heading_b or '(no heading)'}: {count} passage(s)")
    if changed:
        lines += ["", style.bold("Changed")]
    for number, pair in enumerate(changed, 1):
        lines.append(f"{number:>2}. A {_side_place(pair.a)} -> B {_side_place(pair.b)}" + style.dim(f"  similarity {pair.similarity:.2f}"))
        for change in pair.figures_changed:
            lines.append("    " + style.fg(f"figure: {change}", "yellow") + f"  (\u201c{change.a.text}\u201d -> \u201c{change.b.text}\u201d)")
        lines += [style.fg(f"    + {sentence}", "green") for sentence in pair.added]
        lines += [style.fg(f"    - {sentence}", "red") for sentence in pair.removed]
        for change in pair.reworded:
            lines.append(f"    ~ A: {change.a}")
            lines.append(f"      B: {change.b}")
    if unchanged:
        lines += ["", style.bold("Unchanged")]
        lines += [f"    A {_side_place(pair.a)} = B {_side_place(pair.b)}  \u201c{_preview(pair.b.text)[:80]}\u201d" for pair in unchanged]
    for title, sides in (("Only in A", found.only_a), ("Only in B", found.only_b)):
        if sides:
            lines += ["", style.bold(f"{title} ({len(sides)})")]
            lines += [f"    {_side_place(side)}: {_preview(side.text)}" for side in sides]
    for title, items in (("Initiatives only in A", found.initiatives_only_a), ("Initiatives only in B", found.initiatives_only_b)):
        if items:
            lines += ["", style.bold(f"{title} ({len(items)})")]
            for item in items:
                where = _side_place(Side(item.report, (item.first,))) if item.first else "?"
                lines.append(f"    {item.initiative.name}" + style.dim(f"  {item.mentions} mention(s), first at {where}"))
    return _lines(lines)


# --------------------------------------------------------------------------------------------
# reports and show


def report_list(found: ReportList, style: Style = PLAIN) -> str:
    if not found.reports:
        return "The index holds no reports yet. Add some with `report-index ingest FOLDER`.\n"
    lines: list[str] = []
    dated = [report for report in found.reports if report.date]
    undated = [report for report in found.reports if not report.date]
    for report in dated + undated:
        if undated and report is undated[0]:
            if dated:
                lines.append("")
            lines += [style.bold("Undated (no date in the text, the file name, the file's metadata or metadata.csv):"), ""]
        lines.append(f"{report.date or 'undated':<10}  {style.bold(report.id)}")
        details = [report.title, report.body]
        if report.page_count:
            details.append(f"{report.page_count} pages")
        details.append(f"{len(report.sections)} sections, {len(report.paragraphs)} passages")
        lines.append("            " + DOT.join(filter(None, details)))
        lines.append("            " + display_path(report.source))
    return _lines(lines)


def section(report: Report, passages: tuple[Paragraph, ...], style: Style = PLAIN) -> str:
    lines = [style.fg(DOT.join(filter(None, [report.title, report.body, report.date])), "cyan")]
    for para in passages:
        page = f"p. {para.page}" if para.page else ""
        lines.append("")
        lines.append(f"{para.section or '':<10} {page}".rstrip())
        lines.append(para.text)
    return _lines(lines)


def outline(report: Report, style: Style = PLAIN) -> str:
    lines = [style.bold(report.title or report.id)]
    for key, value in (
        ("Id", report.id),
        ("Meeting", report.body),
        ("Date", f"{report.date} ({report.date_source})" if report.date and report.date_source else report.date or "undated"),
        ("Report of", ", ".join(filter(None, [report.report_of, report.report_of_role]))),
        ("Author", ", ".join(filter(None, [report.author, report.author_role]))),
        ("Pages", report.page_count),
        ("Source", display_path(report.source)),
    ):
        if value:
            lines.append(f"{key + ':':<11}{value}")
    lines += ["", "Outline:"]
    counts: dict[tuple, int] = {}
    for para in report.paragraphs:
        counts[tuple(para.heading_path)] = counts.get(tuple(para.heading_path), 0) + 1
    for index, sec in enumerate(report.sections):
        page = f"  p. {sec.page}" if sec.page else ""
        passages = counts.get(tuple(report.heading_path(index)), 0)
        lines.append(f"{'  ' * sec.level}{sec.label()}{page}  ({passages} passages)")
    return _lines(lines)
