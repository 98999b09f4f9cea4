"""The ``report-index`` command: parses options, calls the library, renders the answer."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

import click

from .errors import ReportIndexError
from .index.files import resolve_index_dir, user_gazetteer_files

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


class _Context:
    def __init__(self, index: str | None):
        self.index_dir = resolve_index_dir(index)


def _display_path(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symbolic link loop
        return path


def _run(action, finish=None):
    """Run ``action``; user errors become one line on stderr and exit code 1, never a traceback.

    ``finish`` (closing a progress bar) is called before any message, so that the message
    starts on a line of its own.
    """
    try:
        return action()
    except ReportIndexError as exc:
        if finish is not None:
            finish()
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        if finish is not None:
            finish()
        click.echo("Interrupted: nothing was committed, the index is as it was before this run.", err=True)
        sys.exit(EXIT_INTERRUPTED)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--index",
    metavar="DIR",
    help="Index folder (default: $REPORT_INDEX_DIR, else ./.report-index).",
)
@click.version_option(package_name="report-index")
@click.pass_context
def main(ctx: click.Context, index: str | None) -> None:
    """Ingest policing accountability reports, then search them and cite what they say."""
    ctx.obj = _Context(index)


def _index_option(func):
    """``--index`` is accepted after the command name too (report-index search --index DIR ...)."""

    def callback(ctx: click.Context, _param, value):
        if value:
            ctx.find_object(_Context).index_dir = resolve_index_dir(value)
        return value

    return click.option("--index", metavar="DIR", expose_value=False, callback=callback, help="Index folder.")(func)


# --------------------------------------------------------------------------------------------
# ingest / reindex


def _waiting(index_dir: Path):
    """Say once, on stderr, that this run waits for another ingest (``--wait``)."""

    def on_wait() -> None:
        click.echo(f"Index {index_dir} is busy: waiting for another ingest to finish...", err=True)

    return on_wait


def _progress():
    """A progress bar on stderr for runs of several files when stderr is a terminal."""
    state: dict = {}

    def on_file(path: Path, number: int, total: int) -> None:
        if total < 5 or not sys.stderr.isatty():
            return
        bar = state.get("bar")
        if bar is None:
            bar = click.progressbar(length=total, label="Ingesting", file=sys.stderr, show_pos=True)
            bar.__enter__()
            state["bar"] = bar
        bar.update(1)

    def close() -> None:
        bar = state.pop("bar", None)
        if bar is not None:
            bar.__exit__(None, None, None)

    return on_file, close


def _report_summary(summary, index_dir: Path) -> None:
    # The command ends here. What the run loaded (spaCy, pdfium, Whoosh) is left out of the
    # cycle collection the interpreter makes on the way out: a tenth of a second of walking
    # objects that are about to go anyway.
    gc.freeze()
    for outcome in summary.of("failed"):
        click.echo(f"FAILED  {_display_path(outcome.path)}: {outcome.reason}", err=True)
    for outcome in summary.of("skipped"):
        click.echo(f"skipped {_display_path(outcome.path)}: {outcome.reason}", err=True)
    for outcome in summary.of("duplicate"):
        click.echo(f"skipped {_display_path(outcome.path)}: {outcome.reason}", err=True)
    for outcome in summary.of("removed"):
        click.echo(f"removed {_display_path(outcome.path)} (no longer on disk)")
    if summary.missing:
        click.echo(
            f"{len(summary.missing)} indexed report(s) no longer on disk (run with --prune to remove them):", err=True
        )
        for source in summary.missing:
            click.echo(f"  {_display_path(source)}", err=True)
    counts = summary.counts()
    parts = [f"{counts[key]} {key}" for key in ("added", "updated", "unchanged", "failed")]
    extra = [f"{counts[key]} {key}" for key in ("skipped", "duplicate", "removed") if counts[key]]
    click.echo(f"Index {index_dir}: " + ", ".join(parts + extra) + ".")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Remove indexed reports whose files are gone from the folder.")
@click.option(
    "--wait", type=float, default=0.0, metavar="SECONDS", show_default=True, help="Seconds to wait if another ingest holds the index."
)
@click.option(
    "--initiatives",
    "initiative_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your own list of initiatives (JSON or CSV) to recognise as well; kept with the index.",
)
@click.option(
    "--ocr", is_flag=True, help="Read scanned PDFs (no text layer) with OCR: needs ocrmypdf and tesseract installed."
)
@click.option(
    "--jobs", type=click.IntRange(min=0), default=0, metavar="N",
    help="Processes that read files (default 0: one a core, when there are enough files to read).",
)
@_index_option
@click.pass_obj
def ingest(
    obj: _Context, paths: tuple[Path, ...], prune: bool, wait: float, initiative_files: tuple[Path, ...], ocr: bool,
    jobs: int,
) -> None:
    """Read report files (PDF, .txt, .md) under PATHS into the index.

    Unchanged files are not read again; changed files replace their old entries. A file that
    cannot be read is named with the reason, and the rest are still ingested (exit code 1).
    Ctrl-C stops the run with nothing committed (exit code 130).
    """
    on_file, close = _progress()

    def action():
        from .ingest.run import ingest as run_ingest  # inside _run: a Ctrl-C while loading is handled too

        return run_ingest(
            list(paths),
            obj.index_dir,
            prune=prune,
            on_file=on_file,
            wait=wait,
            initiative_files=initiative_files,
            ocr=ocr,
            on_wait=_waiting(obj.index_dir),
            jobs=jobs or None,
        )

    try:
        summary = _run(action, finish=close)
    finally:
        close()
    _report_summary(summary, obj.index_dir)
    if summary.failed:
        sys.exit(EXIT_FAILED)


@main.command()
@_index_option
@click.pass_obj
def reindex(obj: _Context) -> None:
    """Rebuild the index from the files it was built from (after an upgrade)."""
    from .ingest.run import reindex as run_reindex

    on_file, close = _progress()
    try:
        summary = _run(lambda: run_reindex(obj.index_dir, on_file=on_file), finish=close)
    finally:
        close()
    _report_summary(summary, obj.index_dir)
    if summary.failed:
        sys.exit(EXIT_FAILED)


# --------------------------------------------------------------------------------------------
# search


def _styled_snippet(hit) -> str:
    return "".join(click.style(text, bold=True) if match else text for text, match in hit.snippet_segments())


def _render_hit(number: int, hit) -> None:
    head = " \u00b7 ".join(filter(None, [hit.report_title, hit.report_body, hit.report_date or "undated"]))
    click.echo(f"{number:>2}. {click.style(head, fg='cyan')}")
    where = hit.location(with_heading=True)
    if hit.kind in ("table_row", "measure"):
        where.append("table row" if hit.kind == "table_row" else "performance measure")
    if where:
        click.echo("    " + " \u00b7 ".join(where))
    click.echo("    " + _styled_snippet(hit))
    click.echo(click.style(f"    [{hit.id}]", dim=True))


@main.command()
@click.argument("query")
@click.option("--limit", type=int, default=10, show_default=True, help="How many passages to show.")
@click.option("--from", "date_from", metavar="DATE", help="Only reports dated on or after DATE (YYYY-MM-DD or a year).")
@click.option("--to", "date_to", metavar="DATE", help="Only reports dated on or before DATE.")
@click.option("--report", metavar="REPORT", help="Only this report (an id, id prefix, date or file name).")
@click.option("--initiative", metavar="NAME", help="Only passages that mention this initiative (any alias or acronym).")
@click.option(
    "--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True, help="Order of hits."
)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.option("--exact", is_flag=True, help="Search only the words as typed: no acronyms, synonyms or spelling help.")
@click.option("--explain", is_flag=True, help="Show how the query was expanded and parsed.")
@click.option("--group", "group_by_report", is_flag=True, help="Group the hits by report.")
@click.option("--facets", is_flag=True, help="Count all matching passages by report and by year.")
@_index_option
@click.pass_obj
def search(
    obj: _Context,
    query: str,
    limit: int,
    date_from,
    date_to,
    report,
    initiative,
    sort: str,
    as_json: bool,
    exact: bool,
    explain: bool,
    group_by_report: bool,
    facets: bool,
) -> None:
    """Find the passages that answer QUERY, with citations.

    QUERY is words ("Stalking Protection Orders"), "quoted phrases", AND, OR, NOT and
    parentheses. Passages with more of the words rank higher. Acronyms and their long forms,
    synonyms the reports use interchangeably, hyphen variants and misspellings also match,
    ranked below the words as typed (--exact turns this off; --explain shows it).
    """
    from .search.run import search as run_search

    results = _run(
        lambda: run_search(
            obj.index_dir,
            query,
            limit=limit,
            date_from=date_from,
            date_to=date_to,
            report=report,
            sort=sort,
            initiative=initiative,
            expand=not exact,
            facets=facets,
        )
    )
    if as_json:
        data = results.to_dict()
        if explain:
            data["explain"] = {"searched": results.rewritten, "parsed": results.parsed}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if explain:
        _render_explanation(results)
    if results.suggestion:
        click.echo(f"Did you mean: {click.style(results.suggestion, bold=True)}?\n")
    if facets and results.facets:
        _render_facets(results.facets)
    if not results.hits:
        click.echo(f'No passages match "{query}".')
        return
    shown = len(results.hits)
    more = f" (showing {shown})" if results.total > shown else ""
    click.echo(f'{results.total} passage(s) match "{query}"{more}\n')
    if group_by_report:
        _render_groups(results.hits)
        return
    for number, hit in enumerate(results.hits, start=1):
        _render_hit(number, hit)
        click.echo()


def _render_explanation(results) -> None:
    click.echo(click.style("Query", bold=True))
    for expansion in results.expansions:
        click.echo(f"  {expansion.span!r} ({expansion.reason}) also matches: {', '.join(expansion.variants)}")
    if not results.expansions:
        click.echo("  no acronyms, synonyms, variants or corrections apply")
    click.echo(f"  searched: {results.rewritten}")
    click.echo(f"  parsed:   {results.parsed}\n")


def _render_facets(facets: dict) -> None:
    click.echo(click.style("Matching passages by report", bold=True))
    for report_id, count in facets["report"].items():
        click.echo(f"  {count:>5}  {report_id}")
    click.echo(click.style("By year", bold=True))
    for year, count in facets["year"].items():
        click.echo(f"  {count:>5}  {year}")
    click.echo()


def _render_groups(hits) -> None:
    """Hits grouped by report, reports in the order of their best hit."""
    groups: dict[str, list] = {}
    for hit in hits:
        groups.setdefault(hit.report_id, []).append(hit)
    for members in groups.values():
        first = members[0]
        head = " \u00b7 ".join(filter(None, [first.report_title, first.report_body, first.report_date or "undated"]))
        click.echo(click.style(f"{head}  ({len(members)} passage(s))", fg="cyan"))
        for hit in members:
            where = " \u00b7 ".join(hit.location(with_heading=True))
            click.echo(f"  {where}")
            click.echo("    " + _styled_snippet(hit))
            click.echo(click.style(f"    [{hit.id}]", dim=True))
        click.echo()


@main.command()
@click.argument("hit_id")
@click.option("--limit", type=int, default=10, show_default=True, help="How many passages to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the passages as JSON.")
@_index_option
@click.pass_obj
def similar(obj: _Context, hit_id: str, limit: int, as_json: bool) -> None:
    """Passages like the one HIT_ID names (the [id] under a search hit): other reports first,
    for reading year on year."""
    from .search.run import similar as run_similar

    results = _run(lambda: run_similar(obj.index_dir, hit_id, limit=limit))
    if as_json:
        click.echo(json.dumps(results.to_dict(), indent=2, ensure_ascii=False))
        return
    if not results.hits:
        click.echo(f"No passages are like {hit_id}.")
        return
    for number, hit in enumerate(results.hits, start=1):
        _render_hit(number, hit)
        click.echo()


# --------------------------------------------------------------------------------------------
# measures


def _figure(value) -> str:
    if value is None:
        return "\u2013"
    return f"{value:,}" if isinstance(value, int) or float(value).is_integer() else f"{value:,}"


@main.command()
@click.argument("query", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the series as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print one CSV row per series, one column per period.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path), help="Draw the series to a PNG file.")
@_index_option
@click.pass_obj
def measures(obj: _Context, query: str | None, as_json: bool, as_csv: bool, plot_path: Path | None) -> None:
    """Performance measures across all reports, year on year.

    One series per measure (and breakdown, such as DVPO and DVPN), merged across reports by name.
    QUERY keeps the measures whose name has all its words ("repeat victims", "DVPO").
    Figures one report restates differently from another are kept and flagged.
    """
    from .index.store import load_reports
    from .series import collect_series, series_csv, series_json

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    series_list = collect_series(_run(lambda: load_reports(obj.index_dir)), query)
    if plot_path is not None:
        from .output.plot import plot_series

        _run(lambda: plot_series(series_list, plot_path, title=f"Measures matching '{query}'" if query else "Performance measures"))
        click.echo(f"Chart of {len(series_list)} series written to {plot_path}", err=True)
    if as_json:
        click.echo(json.dumps(series_json(series_list), indent=2, ensure_ascii=False))
        return
    if as_csv:
        click.echo(series_csv(series_list), nl=False)
        return
    if not series_list:
        click.echo(f'No measures match "{query}".' if query else "No performance measures in the ingested reports.")
        return
    for series in series_list:
        click.echo(click.style(series.label, bold=True))
        figures = " \u00b7 ".join(
            f"{p.period} {_figure(p.value)}" + (f" ({p.report_date}, restated)" if p.restated else "")
            for p in series.series
        )
        tail = [f"difference {_figure(series.difference)}"] if series.difference is not None else []
        if series.trend:
            tail.append(f"trend {series.trend}")
        click.echo("  " + " \u00b7 ".join([figures, *tail]))
        if series.comment:
            click.echo(f"  Comment: {series.comment}")
        click.echo(click.style(f"  Reports: {', '.join(series.reports)}", dim=True))
        for flag in series.flags:
            click.echo(click.style(f"  ! {flag}", fg="yellow"))
        click.echo()


# --------------------------------------------------------------------------------------------
# initiatives / progress


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@_index_option
@click.pass_obj
def initiatives(obj: _Context, as_json: bool) -> None:
    """Every initiative the reports mention: how often, in which reports, first and last seen."""
    from .index.store import load_reports
    from .initiatives.gazetteer import known_initiatives
    from .timeline import summaries

    def build():
        reports = load_reports(obj.index_dir)
        return summaries(reports, known_initiatives(user_gazetteer_files(obj.index_dir), [i for r in reports for i in r.discovered]))

    found = _run(build)
    if as_json:
        click.echo(json.dumps({"initiatives": [s.to_dict() for s in found]}, indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("No initiatives are mentioned in the ingested reports.")
        return
    for summary in found:
        item = summary.initiative
        seen = summary.first_seen or "undated"
        if summary.last_seen and summary.last_seen != summary.first_seen:
            seen = f"{seen} to {summary.last_seen}"
        origin = "" if item.source == "gazetteer" else f" [{item.source}]"
        click.echo(f"{click.style(item.name, bold=True)}{origin}  {summary.mentions} mention(s) in {len(summary.reports)} report(s), {seen}")
        if item.aliases:
            click.echo(f"  also: {', '.join(item.aliases)}")


def _check_brief_path(_ctx, _param, value: Path | None) -> Path | None:
    from .output.brief import format_for

    if value is not None and format_for(value) is None:
        raise click.BadParameter(
            f"'{value}' must end in .md (a Markdown brief) or .html (a self-contained web page)", param_hint="--output"
        )
    return value


def _brief_output_option(func):
    """``--output FILE.md|FILE.html``: also write a brief to share; the extension picks the format."""
    return click.option(
        "--output",
        metavar="FILE",
        type=click.Path(dir_okay=False, path_type=Path),
        callback=_check_brief_path,
        help="Also write a brief to share, with citations: FILE.md (Markdown) or FILE.html (one self-contained page).",
    )(func)


def _today() -> str:
    from datetime import date

    return date.today().isoformat()


def _write_brief(path: Path, text: str) -> None:
    def write() -> None:
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ReportIndexError(
                f"cannot write the brief to {path}: {exc.strerror or exc}. Check that the folder exists and can be written to."
            ) from None

    _run(write)
    click.echo(f"Brief written to {path}", err=True)


@main.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@_brief_output_option
@_index_option
@click.pass_obj
def progress(obj: _Context, name: str, as_json: bool, output: Path | None) -> None:
    """How the initiative NAME has progressed from report to report.

    NAME is any name, alias or acronym ("SmartWater", "SPO", "Clare's Law"). Every ingested
    report is listed in date order, with what it says of the initiative or "not mentioned".
    With --output, a brief of the timeline is also written, each quotation cited.
    """
    from .index.store import load_reports
    from .initiatives.gazetteer import find_initiative, known_initiatives
    from .timeline import timeline

    def build():
        reports = load_reports(obj.index_dir)
        wanted = find_initiative(name, known_initiatives(user_gazetteer_files(obj.index_dir), [i for r in reports for i in r.discovered]))
        return wanted, timeline(reports, wanted)

    initiative, entries = _run(build)
    if output is not None:
        from .output.brief import format_for, progress_brief

        _write_brief(output, progress_brief(initiative, entries, format_for(output), generated=_today()))
    if as_json:
        data = {
            "initiative": {"id": initiative.id, "name": initiative.name, "aliases": initiative.aliases},
            "timeline": [entry.to_dict() for entry in entries],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(click.style(initiative.name, bold=True) + (f" \u2014 {initiative.description}" if initiative.description else ""))
    if initiative.aliases:
        click.echo(f"Also called: {', '.join(initiative.aliases)}")
    mentioned = sum(1 for e in entries if e.mentioned)
    click.echo(f"Mentioned in {mentioned} of {len(entries)} report(s).\n")
    for entry in entries:
        report = entry.report
        head = f"{report.date or 'undated'}  {report.title} ({report.body})" if report.body else f"{report.date or 'undated'}  {report.title}"
        click.echo(click.style(head, fg="cyan"))
        if not entry.mentioned:
            click.echo("  not mentioned\n")
            continue
        if entry.change:
            click.echo(f"  Change: {entry.change}")
        for group in _by_passage(entry.mentions):
            first = group[0]
            where = ", ".join(
                filter(None, [f"para {first.section}" if first.section else "", f"p. {first.pages[0]}" if first.pages else ""])
            )
            statuses = list(dict.fromkeys(m.status for m in group if m.status))
            status = f"[{', '.join(statuses)}] " if statuses else ""
            follow = " (follow-up)" if all(m.via == "follow-up" for m in group) else ""
            click.echo(f"  {status}{where}{follow}:")
            for mention in group[:MAX_SENTENCES]:
                click.echo(f"    \u201c{mention.sentence}\u201d")
            if len(group) > MAX_SENTENCES:
                click.echo(f"    (and {len(group) - MAX_SENTENCES} more sentence(s) in this passage)")
            figures = list(dict.fromkeys(f.text for m in group for f in m.figures))
            if figures:
                click.echo(f"    figures: {'; '.join(figures)}")
        click.echo()


MAX_SENTENCES = 2


def _by_passage(mentions):
    """Mentions grouped by the passage they are in, in reading order."""
    groups: dict[int, list] = {}
    for mention in mentions:
        groups.setdefault(mention.paragraph, []).append(mention)
    return list(groups.values())


# --------------------------------------------------------------------------------------------
# compare


@main.command()
@click.argument("report_a", metavar="A")
@click.argument("report_b", metavar="B")
@click.option("--topic", metavar="T", help="Only the parts about T: an initiative (any name or acronym) or words.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="How to print the comparison.",
)
@_brief_output_option
@_index_option
@click.pass_obj
def compare(obj: _Context, report_a: str, report_b: str, topic: str | None, fmt: str, output: Path | None) -> None:
    """Compare the narrative of reports A and B, passage by passage.

    A and B are report ids, id prefixes, dates or file names (see `reports`). Passages are
    matched by what they say, not by their numbers; for each match the new, dropped and
    reworded sentences and the figures that moved are shown, then the passages and the
    initiatives found in only one of the two reports.
    """
    from .compare import compare_reports
    from .index.catalogue import find_report
    from .index.store import load_reports
    from .initiatives.gazetteer import known_initiatives

    def build():
        reports = load_reports(obj.index_dir)
        a, b = find_report(reports, report_a), find_report(reports, report_b)
        return compare_reports(a, b, known_initiatives(user_gazetteer_files(obj.index_dir), [i for r in reports for i in r.discovered]), topic=topic)

    comparison = _run(build)
    if output is not None or fmt == "markdown":
        from .output.brief import compare_brief, format_for

        if output is not None:
            _write_brief(output, compare_brief(comparison, format_for(output), generated=_today()))
        if fmt == "markdown":
            click.echo(compare_brief(comparison, "markdown", generated=_today()), nl=False)
            return
    if fmt == "json":
        click.echo(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False))
        return
    _render_comparison(comparison)


PASSAGE_PREVIEW = 220


def _preview(text: str) -> str:
    return text if len(text) <= PASSAGE_PREVIEW else text[: PASSAGE_PREVIEW - 1].rsplit(" ", 1)[0] + "\u2026"


def _side_place(side) -> str:
    from .compare import citation_number

    pages = side.pages
    where = [citation_number(side.report, *side.passages)]
    if pages:
        where.append(f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}-{pages[-1]}")
    return ", ".join(filter(None, where))


def _render_comparison(comparison) -> None:
    from .compare import Side

    for label, report in (("A", comparison.a), ("B", comparison.b)):
        meeting = f" ({report.body})" if report.body else ""
        click.echo(click.style(f"{label}: {report.date or 'undated'}  {report.title}{meeting}", fg="cyan") + click.style(f"  [{report.id}]", dim=True))
    topic = comparison.topic
    if topic is not None:
        about = f"{topic.initiative.name} (passages that mention it)" if topic.initiative else f"passages with the words: {', '.join(topic.words)}"
        click.echo(f"Topic: {about}")
    changed, unchanged = comparison.changed_pairs, comparison.unchanged_pairs
    moved = sum(len(p.figures_changed) for p in comparison.pairs)
    click.echo(
        f"\n{len(comparison.pairs)} matched passage(s): {len(changed)} changed, {len(unchanged)} unchanged \u00b7 "
        f"{len(comparison.only_a)} only in A \u00b7 {len(comparison.only_b)} only in B \u00b7 {moved} figure(s) moved"
    )
    for heading_a, heading_b, count in comparison.sections():
        click.echo(f"  {heading_a or '(no heading)'} -> {heading_b or '(no heading)'}: {count} passage(s)")

    if changed:
        click.echo(click.style("\nChanged", bold=True))
    for number, pair in enumerate(changed, 1):
        click.echo(f"{number:>2}. A {_side_place(pair.a)} -> B {_side_place(pair.b)}" + click.style(f"  similarity {pair.similarity:.2f}", dim=True))
        for change in pair.figures_changed:
            click.echo("    " + click.style(f"figure: {change}", fg="yellow") + f"  (\u201c{change.a.text}\u201d -> \u201c{change.b.text}\u201d)")
        for sentence in pair.added:
            click.echo(click.style(f"    + {sentence}", fg="green"))
        for sentence in pair.removed:
            click.echo(click.style(f"    - {sentence}", fg="red"))
        for change in pair.reworded:
            click.echo(f"    ~ A: {change.a}")
            click.echo(f"      B: {change.b}")
    if unchanged:
        click.echo(click.style("\nUnchanged", bold=True))
        for pair in unchanged:
            click.echo(f"    A {_side_place(pair.a)} = B {_side_place(pair.b)}  \u201c{_preview(pair.b.text)[:80]}\u201d")
    for title, sides in (("Only in A", comparison.only_a), ("Only in B", comparison.only_b)):
        if not sides:
            continue
        click.echo(click.style(f"\n{title} ({len(sides)})", bold=True))
        for side in sides:
            click.echo(f"    {_side_place(side)}: {_preview(side.text)}")
    for title, items in (("Initiatives only in A", comparison.initiatives_only_a), ("Initiatives only in B", comparison.initiatives_only_b)):
        if not items:
            continue
        click.echo(click.style(f"\n{title} ({len(items)})", bold=True))
        for item in items:
            where = _side_place(Side(item.report, (item.first,))) if item.first else "?"
            click.echo(f"    {item.initiative.name}" + click.style(f"  {item.mentions} mention(s), first at {where}", dim=True))


# --------------------------------------------------------------------------------------------
# reports / show


def _report_summary_json(report) -> dict:
    return {
        "id": report.id,
        "title": report.title,
        "date": report.date,
        "body": report.body,
        "author": report.author,
        "report_of": report.report_of,
        "source": report.source,
        "pages": report.page_count,
        "sections": len(report.sections),
        "paragraphs": len(report.paragraphs),
        "date_source": report.date_source,
    }


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@_index_option
@click.pass_obj
def reports(obj: _Context, as_json: bool) -> None:
    """List the ingested reports, oldest meeting first."""
    from .index.store import load_reports

    found = _run(lambda: load_reports(obj.index_dir))
    if as_json:
        click.echo(json.dumps({"reports": [_report_summary_json(r) for r in found]}, indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("The index holds no reports yet. Add some with `report-index ingest FOLDER`.")
        return
    for report in found:
        click.echo(f"{report.date or 'undated':<10}  {click.style(report.id, bold=True)}")
        details = [report.title, report.body]
        if report.page_count:
            details.append(f"{report.page_count} pages")
        details.append(f"{len(report.sections)} sections, {len(report.paragraphs)} passages")
        click.echo("            " + " \u00b7 ".join(filter(None, details)))
        click.echo("            " + _display_path(report.source))


@main.command()
@click.argument("report")
@click.option("--section", metavar="NUMBER", help="Print the text of one section or paragraph (e.g. 2.5 or 2.5.6).")
@click.option("--json", "as_json", is_flag=True, help="Print the report model (or the section) as JSON.")
@_index_option
@click.pass_obj
def show(obj: _Context, report: str, section: str | None, as_json: bool) -> None:
    """Print a report's outline, or one section's text."""
    from .index.catalogue import find_report
    from .index.store import load_reports
    from .structure.outline import section_passages

    found = _run(lambda: find_report(load_reports(obj.index_dir), report))
    if section:
        passages = _run(lambda: section_passages(found, section))
        if as_json:
            click.echo(json.dumps([p.__dict__ for p in passages], indent=2, ensure_ascii=False))
            return
        click.echo(click.style(f"{found.title} \u00b7 {found.body} \u00b7 {found.date}", fg="cyan"))
        for para in passages:
            label = para.section or ""
            page = f"p. {para.page}" if para.page else ""
            click.echo(f"\n{label:<10} {page}".rstrip())
            click.echo(para.text)
        return
    if as_json:
        click.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(click.style(found.title or found.id, bold=True))
    for key, value in (
        ("Id", found.id),
        ("Meeting", found.body),
        ("Date", found.date),
        ("Report of", ", ".join(filter(None, [found.report_of, found.report_of_role]))),
        ("Author", ", ".join(filter(None, [found.author, found.author_role]))),
        ("Pages", found.page_count),
        ("Source", _display_path(found.source)),
    ):
        if value:
            click.echo(f"{key + ':':<11}{value}")
    click.echo("\nOutline:")
    counts = {}
    for para in found.paragraphs:
        counts[tuple(para.heading_path)] = counts.get(tuple(para.heading_path), 0) + 1
    for index, sec in enumerate(found.sections):
        indent = "  " * sec.level
        page = f"  p. {sec.page}" if sec.page else ""
        passages = counts.get(tuple(found.heading_path(index)), 0)
        click.echo(f"{indent}{sec.label()}{page}  ({passages} passages)")


if __name__ == "__main__":  # pragma: no cover
    main()
