"""The ``report-index`` command. Each command parses its options, makes one call to the library
(``report_index.api``) and hands the record it gets to a renderer (``report_index.output``).

Exit codes: 0 done; 1 a user error (the message says what to do) or a file that failed; 2 a
usage error (an unknown option, a bad value); 130 interrupted.
"""

from __future__ import annotations

import functools
import gc
import inspect
import os
import signal
import sys
from datetime import date
from pathlib import Path

import click

from . import api, output
from .errors import IngestInterrupted, ReportIndexError, Terminated
from .output.style import Style

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # SIGTERM, which stops a command as Ctrl-C does
INTERRUPTED = "Interrupted: nothing was committed, the index is as it was before this run."
BRIEF_FORMATS = {".md": "markdown", ".html": "html"}


class _ExamplesLast:
    """A command whose docstring's "Examples:" part is shown last in ``--help``, after the options."""

    def __init__(self, *args, help: str | None = None, epilog: str | None = None, **kwargs):
        if help and epilog is None:
            help = inspect.cleandoc(help)
            for marker in ("\b\nExamples:", "\b\nExample:"):
                if marker in help:
                    help, examples = help.split(marker, 1)
                    epilog = marker + examples.rstrip()
                    break
        super().__init__(*args, help=help, epilog=epilog, **kwargs)


class _Command(_ExamplesLast, click.Command):
    pass


class _Group(_ExamplesLast, click.Group):
    """Runs a command so that Ctrl-C (or SIGTERM) ends it with a message and exit code 130 (143), never a traceback."""

    command_class = _Command

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            for signum in (signal.SIGINT, signal.SIGTERM):  # once stopping, stop: no second traceback
                signal.signal(signum, signal.SIG_IGN)
            click.echo(ctx.meta.get("interrupted", "Interrupted."), err=True)
            terminated = isinstance(exc, Terminated) or getattr(exc, "terminated", False)
            ctx.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)


class _State:
    def __init__(self, index: str | None):
        self.index = index


def _colour() -> bool:
    """Colour only on a terminal (click strips it otherwise) and never with ``NO_COLOR`` set."""
    return not os.environ.get("NO_COLOR")


def _style() -> Style:
    return Style(colour=_colour())


def _text():
    from .output import text

    return text


def _csv():
    from .output import csv

    return csv


def _echo(rendered: str, err: bool = False) -> None:
    click.echo(rendered, nl=False, err=err)


def call(action, *args, **kwargs):
    """One library call: a ReportIndexError becomes one line on stderr and exit code 1."""
    try:
        return action(*args, **kwargs)
    except ReportIndexError as exc:
        raise click.ClickException(str(exc)) from None


def _index(ctx: click.Context) -> api.Index:
    return api.Index(ctx.find_object(_State).index)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--index", metavar="DIR", help="Index folder (default: $REPORT_INDEX_DIR, else ./.report-index).")
@click.version_option(package_name="report-index")
@click.pass_context
def main(ctx: click.Context, index: str | None) -> None:
    """Ingest policing accountability reports, then search them and cite what they say.

    \b
    Examples:
      report-index ingest corpus/
      report-index search "Stalking Protection Orders"
    """
    ctx.obj = _State(index)


def index_option(func):
    """``--index DIR`` after the command name too (``report-index search --index DIR ...``)."""

    def remember(ctx: click.Context, _param, value):
        if value:
            ctx.find_object(_State).index = value
        return value

    return click.option("--index", metavar="DIR", expose_value=False, callback=remember, help="Index folder.")(func)


def file_limit_options(func):
    """``--file-timeout`` and ``--file-memory``: the limits on reading one file (``ingest.limits``)."""
    func = click.option(
        "--file-memory", type=click.IntRange(min=0), default=None, metavar="MB",
        help="Megabytes a process reading a file may take beyond its start (default 4096; 0: no limit).",
    )(func)
    return click.option(
        "--file-timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
        help="Seconds one file may take to read before it fails (default 300, 1800 with --ocr; 0: no limit).",
    )(func)


def output_options(*, csv: bool = False, document: bool = False, default: str = "text"):
    """The output options of a command, resolved into one ``output`` argument: ``--json``
    always; ``--csv`` where the answer is rows; ``--format`` where the answer is a document
    (text, json, markdown, html). Two that disagree are a usage error."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, as_json: bool = False, as_csv: bool = False, fmt: str | None = None, **kwargs):
            chosen = [name for name, on in (("json", as_json), ("csv", as_csv)) if on]
            if fmt is not None and fmt != default:
                chosen.append(fmt)
            if len(set(chosen)) > 1:
                raise click.UsageError(f"choose one output: {' or '.join('--' + c if c in ('json', 'csv') else '--format ' + c for c in chosen)}")
            return func(*args, output=chosen[0] if chosen else default, **kwargs)

        wrapped = wrapper
        if document:
            wrapped = click.option(
                "--format", "fmt", type=click.Choice(["text", "json", "markdown", "html"]), default=None,
                help="How to print the answer (default: text).",
            )(wrapped)
        if csv:
            wrapped = click.option("--csv", "as_csv", is_flag=True, help="Print CSV rows, for a spreadsheet.")(wrapped)
        return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(wrapped)

    return decorate


def brief_option(func):
    """``--output FILE.md|FILE.html``: also write a brief to share; the extension picks the format."""

    def check(_ctx, _param, value: Path | None) -> Path | None:
        if value is not None and value.suffix.lower() not in BRIEF_FORMATS:
            raise click.BadParameter(
                f"'{value}' must end in .md (a Markdown brief) or .html (a self-contained web page)", param_hint="--output"
            )
        return value

    return click.option(
        "--output", "brief", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path), callback=check,
        help="Also write a brief to share, with citations: FILE.md (Markdown) or FILE.html (one self-contained page).",
    )(func)


def _render_document(found, output: str, brief: Path | None, render_brief, render_text) -> None:
    """A document's answer: the brief written to ``brief`` (its extension picks the format), then
    the answer printed as ``output`` asks (JSON, a Markdown or HTML brief, or text)."""
    generated = date.today().isoformat()
    if brief is not None:
        _write_brief(brief, render_brief(found, BRIEF_FORMATS[brief.suffix.lower()], generated=generated))
    if output == "json":
        _echo(output_json(found))
    elif output in ("markdown", "html"):
        _echo(render_brief(found, output, generated=generated))
    else:
        _echo(render_text())


def _write_brief(path: Path, rendered: str) -> None:
    _write_file(path, rendered, "the brief")
    click.echo(f"Brief written to {path}", err=True)


def _write_file(path: Path, rendered: str, what: str) -> None:
    try:
        path.write_text(rendered, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(
            f"cannot write {what} to {path}: {exc.strerror or exc}. Check that the folder exists and can be written to."
        ) from None


# --------------------------------------------------------------------------------------------
# ingest / reindex


def progress_reporter():
    """A progress bar on stderr for runs of five files or more when stderr is a terminal: the
    ``on_file`` callback for the library, and the function that closes the bar."""
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


def _run_ingest(ctx: click.Context, action, **kwargs) -> None:
    """An ingest or reindex with a progress bar, closed before any message; then its summary."""
    ctx.meta["interrupted"] = INTERRUPTED
    on_file, close = progress_reporter()
    try:
        summary = call(action, on_file=on_file, **kwargs)
    except IngestInterrupted as exc:  # batches were committed before Ctrl-C: say so, not "nothing"
        ctx.meta["interrupted"] = str(exc)
        raise
    finally:
        close()
    # The command ends here: what the run loaded (spaCy, pdfium, Whoosh) is left out of the
    # cycle collection the interpreter makes on the way out, a tenth of a second of walking
    # objects that are about to go anyway.
    gc.freeze()
    index_dir = api.Index(kwargs.get("index")).path
    _echo(_text().ingest_notes(summary), err=True)
    _echo(_text().ingest_summary(summary, index_dir))
    if summary.failed:
        ctx.exit(EXIT_FAILED)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Remove indexed reports whose files are gone from the folder.")
@click.option("--wait", type=float, default=0.0, metavar="SECONDS", show_default=True, help="Seconds to wait if another ingest holds the index.")
@click.option(
    "--initiatives", "initiative_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Your own list of initiatives (JSON or CSV) to recognise as well; kept with the index.",
)
@click.option("--ocr", is_flag=True, help="Read scanned PDFs (no text layer) with OCR: needs ocrmypdf and tesseract installed.")
@click.option(
    "--jobs", type=click.IntRange(min=0), default=0, metavar="N",
    help="Processes that read files (default 0: one a core, when there are enough files to read).",
)
@file_limit_options
@index_option
@click.pass_context
def ingest(ctx, paths, prune, wait, initiative_files, ocr, jobs, file_timeout, file_memory) -> None:
    """Read report files (PDF, .txt, .md) under PATHS into the index.

    Unchanged files are not read again; changed files replace their old entries. A file that
    cannot be read is named with the reason, and the rest are still ingested (exit code 1).
    Ctrl-C stops the run with nothing committed (exit code 130).

    \b
    Examples:
      report-index ingest corpus/
      report-index ingest downloads/ --prune --initiatives mine.csv
    """
    index = ctx.find_object(_State).index

    def on_wait() -> None:
        click.echo(f"Index {api.Index(index).path} is busy: waiting for another ingest to finish...", err=True)

    _run_ingest(
        ctx, api.ingest, paths=list(paths), index=index, prune=prune, wait=wait,
        initiative_files=initiative_files, ocr=ocr, jobs=jobs or None, on_wait=on_wait,
        file_timeout=file_timeout, file_memory=file_memory,
    )


@main.command()
@click.option("--prune", is_flag=True, help="Remove the reports whose files are gone or can no longer be read.")
@file_limit_options
@index_option
@click.pass_context
def reindex(ctx, prune, file_timeout, file_memory) -> None:
    """Rebuild the index from the reports it holds (after an upgrade, or to repair a damaged index).

    Each report is rebuilt from the copy of it kept with the index; its file is read again only
    if the file or the extractor has changed. A report whose file has moved, gone or become
    unreadable is kept as it was last read and listed (exit code 1); --prune removes those.

    \b
    Examples:
      report-index reindex --index .report-index
      report-index reindex --prune
    """
    _run_ingest(
        ctx, api.reindex, index=ctx.find_object(_State).index, prune=prune,
        file_timeout=file_timeout, file_memory=file_memory,
    )


# --------------------------------------------------------------------------------------------
# search


@main.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many passages to show.")
@click.option("--from", "date_from", metavar="DATE", help="Only reports dated on or after DATE (YYYY-MM-DD or a year).")
@click.option("--to", "date_to", metavar="DATE", help="Only reports dated on or before DATE.")
@click.option("--report", metavar="REPORT", help="Only this report (an id, id prefix, date or file name).")
@click.option("--initiative", metavar="NAME", help="Only passages that mention this initiative (any alias or acronym).")
@click.option("--meeting", metavar="BODY", help="Only reports of this meeting (its body, e.g. 'Police and Crime Panel', or part of it).")
@click.option(
    "--kind", type=click.Choice(["paragraph", "list_item", "measure", "table_row"]),
    help="Only passages of this kind: paragraphs, list items, performance measures or other table rows.",
)
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True, help="Order of hits.")
@click.option("--exact", is_flag=True, help="Search only the words as typed: no acronyms, synonyms or spelling help.")
@click.option("--explain", is_flag=True, help="Show how the query was expanded and parsed.")
@click.option("--group", "group_by_report", is_flag=True, help="Group the hits by report.")
@click.option("--facets", is_flag=True, help="Count all matching passages by report and by year.")
@output_options(csv=True)
@index_option
@click.pass_context
def search(ctx, query, limit, date_from, date_to, report, initiative, meeting, kind, sort, exact, explain, group_by_report, facets, output) -> None:
    """Find the passages that answer QUERY, with citations.

    QUERY is words ("Stalking Protection Orders"), "quoted phrases", AND, OR, NOT and
    parentheses. Passages with more of the words rank higher. Acronyms and their long forms,
    synonyms the reports use interchangeably, hyphen variants and misspellings also match,
    ranked below the words as typed (--exact turns this off; --explain shows it).

    \b
    Examples:
      report-index search "Stalking Protection Orders"
      report-index search SmartWater --from 2021 --sort date --json
    """
    results = call(
        _index(ctx).search, query, limit=limit, date_from=date_from, date_to=date_to, report=report,
        initiative=initiative, meeting=meeting, kind=kind, sort=sort, expand=not exact, facets=facets,
    )
    if output == "json":
        _echo(output_json(results, explain=explain))
    elif output == "csv":
        _echo(_csv().hits_csv(results.hits))
    else:
        _echo(_text().search_results(results, _style(), explain=explain, group=group_by_report))


def output_json(record, **options) -> str:
    return output.to_json(record, **options)


@main.command()
@click.argument("hit_id")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many passages to show.")
@output_options(csv=True)
@index_option
@click.pass_context
def similar(ctx, hit_id, limit, output) -> None:
    """Passages like the one HIT_ID names (the [id] under a search hit): other reports first,
    for reading year on year.

    \b
    Example:
      report-index similar 2022-06-10-safeguarding-report#56
    """
    results = call(_index(ctx).similar, hit_id, limit=limit)
    if output == "json":
        _echo(output_json(results))
    elif output == "csv":
        _echo(_csv().hits_csv(results.hits))
    else:
        _echo(_text().similar_results(results, hit_id, _style()))


# --------------------------------------------------------------------------------------------
# measures


@main.command()
@click.argument("query", required=False)
@click.option(
    "--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Draw the series to a PNG file (matplotlib), or to FILE.svg (no library needed).",
)
@output_options(csv=True)
@index_option
@click.pass_context
def measures(ctx, query, plot_path, output) -> None:
    """Performance measures across all reports, year on year.

    One series per measure (and breakdown, such as DVPO and DVPN), merged across reports by name.
    QUERY keeps the measures whose name has all its words ("repeat victims", "DVPO").
    Figures one report restates differently from another are kept and flagged.

    \b
    Examples:
      report-index measures "repeat victims"
      report-index measures --csv > measures.csv
    """
    found = call(_index(ctx).measures, query)
    if plot_path is not None and plot_path.suffix.lower() == ".svg":
        from .output.svg import measures_svg

        _write_file(plot_path, call(measures_svg, list(found.series)), "the chart")
        click.echo(f"Chart of {len(found.series)} series written to {plot_path}", err=True)
    elif plot_path is not None:
        from .output.plot import plot_series

        title = f"Measures matching '{query}'" if query else "Performance measures"
        call(plot_series, list(found.series), plot_path, title=title)
        click.echo(f"Chart of {len(found.series)} series written to {plot_path}", err=True)
    if output == "json":
        _echo(output_json(found))
    elif output == "csv":
        _echo(_csv().measures_csv(found))
    else:
        _echo(_text().measures(found, _style()))


# --------------------------------------------------------------------------------------------
# initiatives / progress


@main.command()
@output_options(csv=True)
@click.option("--all", "everything", is_flag=True, help="Also list the organisations discovery found (police forces, councils, trusts).")
@index_option
@click.pass_context
def initiatives(ctx, output, everything) -> None:
    """Every initiative the reports mention: how often, in which reports, first and last seen.

    \b
    Example:
      report-index initiatives --json
      report-index initiatives --all
    """
    found = call(_index(ctx).initiatives, everything=everything)
    if output == "json":
        _echo(output_json(found))
    elif output == "csv":
        _echo(_csv().initiatives_csv(found))
    else:
        _echo(_text().initiatives(found, _style()))


@main.command()
@click.argument("name")
@output_options(document=True)
@brief_option
@index_option
@click.pass_context
def progress(ctx, name, output, brief) -> None:
    """How the initiative NAME has progressed from report to report.

    NAME is any name, alias or acronym ("SmartWater", "SPO", "Clare's Law"). Every ingested
    report is listed in date order, with what it says of the initiative or "not mentioned".
    With --output, a brief of the timeline is also written, each quotation cited.

    \b
    Examples:
      report-index progress SmartWater
      report-index progress "Clare's Law" --output clares-law.html
    """
    from .output.brief import progress_brief

    found = call(_index(ctx).progress, name)
    _render_document(found, output, brief, progress_brief, lambda: _text().progress(found, _style()))


# --------------------------------------------------------------------------------------------
# compare


@main.command()
@click.argument("report_a", metavar="A")
@click.argument("report_b", metavar="B")
@click.option("--topic", metavar="T", help="Only the parts about T: an initiative (any name or acronym) or words.")
@output_options(document=True)
@brief_option
@index_option
@click.pass_context
def compare(ctx, report_a, report_b, topic, output, brief) -> None:
    """Compare the narrative of reports A and B, passage by passage.

    A and B are report ids, id prefixes, dates or file names (see `reports`). Passages are
    matched by what they say, not by their numbers; for each match the new, dropped and
    reworded sentences and the figures that moved are shown, then the passages and the
    initiatives found in only one of the two reports.

    \b
    Examples:
      report-index compare 2021-06-15 2022-06-10 --topic WYASP
      report-index compare 2021-06-15 2022-06-10 --topic "modern slavery" --output slavery.md
    """
    from .output.brief import compare_brief

    found = call(_index(ctx).compare, report_a, report_b, topic=topic)
    _render_document(found, output, brief, compare_brief, lambda: _text().comparison(found, _style()))


# --------------------------------------------------------------------------------------------
# reports / show


@main.command()
@output_options(csv=True)
@index_option
@click.pass_context
def reports(ctx, output) -> None:
    """List the ingested reports, oldest meeting first.

    \b
    Example:
      report-index reports --json
    """
    found = call(_index(ctx).reports)
    if output == "json":
        _echo(output_json(found))
    elif output == "csv":
        _echo(_csv().reports_csv(found))
    else:
        _echo(_text().report_list(found, _style()))


@main.command()
@click.argument("report")
@click.option("--section", metavar="NUMBER", help="Print the text of one section or paragraph (e.g. 2.5 or 2.5.6).")
@click.option("--file", "source_file", is_flag=True, help="Print the path of the file the report was read from.")
@output_options()
@index_option
@click.pass_context
def show(ctx, report, section, source_file, output) -> None:
    """Print a report's outline, or one section's _text().

    \b
    Examples:
      report-index show 2022-06-10
      report-index show 2022-06-10 --section 2.6
    """
    index = _index(ctx)
    if source_file:
        click.echo(call(index.source_file, report))
        return
    if section:
        found, passages = call(lambda: (index.report(report), index.section(report, section)))
        if output == "json":
            _echo(output_json([p.to_dict() for p in passages]))
        else:
            _echo(_text().section(found, passages, _style()))
        return
    found = call(index.report, report)
    _echo(output_json(found) if output == "json" else _text().outline(found, _style()))


# --------------------------------------------------------------------------------------------
# serve


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (anything but loopback shows the corpus to that network).")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8765, show_default=True, help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the start page in a web browser.")
@index_option
@click.pass_context
def serve(ctx, host, port, open_browser) -> None:
    """Serve the index as a web app (read-only): search with facets, report pages, initiative
    timelines, measure charts, comparisons, and /api/ with the JSON of --json.

    \b
    Examples:
      report-index serve
      report-index serve --port 8080 --open
    """
    from .web.server import serve as run_server

    call(run_server, ctx.find_object(_State).index, host, port, open_browser=open_browser, say=lambda line: click.echo(line, err=True))


# --------------------------------------------------------------------------------------------
# debug


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--stage", "stages", multiple=True, metavar="NAME",
    help="Show only this stage (repeatable): file, pages, lines, tables, title-block, sections, measures, report, passages, initiatives.",
)
@click.option("--initiatives", "with_initiatives", is_flag=True, help="Also recognise initiative mentions (loads spaCy).")
@click.option("--ocr", is_flag=True, help="Read a PDF with no text layer with OCR (needs ocrmypdf and tesseract).")
@output_options()
@click.pass_context
def debug(ctx, file, stages, with_initiatives, ocr, output) -> None:
    """Show what each stage makes of FILE, without indexing it: which reader read each page, the
    lines with their layout hints, the tables and their cells, the title block, the section
    tree, the measures and the passages. A stage that fails is named with its reason (exit 1).

    \b
    Examples:
      report-index debug corpus/2022-06-10_police-and-crime-panel_safeguarding-report.pdf --stage tables
      report-index debug paper.pdf --stage lines --json
    """
    from .output.debug import debug_json, debug_text, stage_names
    from .trace import trace_file

    try:
        wanted = stage_names(stages) if stages else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--stage") from None
    trace = call(trace_file, file, ocr=ocr, initiatives=with_initiatives or "initiatives" in (wanted or ()))
    _echo((debug_json if output == "json" else debug_text)(trace, stages=wanted))
    if trace.failure is not None:
        ctx.exit(EXIT_FAILED)


if __name__ == "__main__":  # pragma: no cover
    main()
