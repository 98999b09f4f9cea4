"""Briefs a researcher can share: a progress timeline or a comparison, in Markdown or HTML.

A brief states the question it answers, gives the answer (a timeline, or what changed between
two reports), and cites every statement and quotation: report title, meeting, date, paragraph
number and page. The content is built once as a list of simple blocks (headings, paragraphs,
lists, tables, cited quotations) and rendered to either format:

- **Markdown**: quotations are block quotes whose last line is their citation; text from the
  reports is escaped so that it reads as written (``#LookCloser`` stays text, not a heading).
- **HTML**: one self-contained file (inline CSS, no scripts, images, fonts or links to anything
  outside it), every piece of report text escaped, with a print stylesheet so that it prints
  cleanly on A4.

These functions take the library's records and return a string; writing the file is the
caller's business.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

from ..compare import AlignedPair, Comparison, Side, citation_number
from ..models import Initiative, Mention, Paragraph, Report
from ..timeline import Timeline, TimelineEntry
from .text import dated_as

#: File extensions a brief can be written to, and the format each gives.
FORMATS = {".md": "markdown", ".html": "html"}


def format_for(path: str | Path) -> str | None:
    """``"markdown"`` or ``"html"`` for a brief written to ``path``, by its extension; None otherwise."""
    return FORMATS.get(Path(path).suffix.lower())


# --------------------------------------------------------------------------------------------
# Blocks: the content of a brief, independent of its format

Span = tuple[str, str]  # (style, text): style "" plain, "b" bold, "i" italic, "code"


@dataclass
class Heading:
    text: str
    level: int


@dataclass
class Para:
    spans: list[Span]
    role: str = ""  # "question", "note", "label"


@dataclass
class Quote:
    """Words quoted from a report, with their citation."""

    text: str
    cite: str
    tone: str = ""  # "added", "removed", "before", "after" or ""


@dataclass
class Bullets:
    items: list[list[Span]]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Brief:
    title: str
    blocks: list = field(default_factory=list)

    def h(self, text: str, level: int = 2) -> None:
        self.blocks.append(Heading(text, level))

    def p(self, *spans: Span | str, role: str = "") -> None:
        self.blocks.append(Para([("", s) if isinstance(s, str) else s for s in spans], role))

    def quote(self, text: str, cite: str, tone: str = "") -> None:
        self.blocks.append(Quote(text, cite, tone))

    def bullets(self, items: Iterable[Sequence[Span | str]]) -> None:
        rows = [[("", s) if isinstance(s, str) else s for s in item] for item in items]
        if rows:
            self.blocks.append(Bullets(rows))

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self.blocks.append(Table(header, rows))


def b(text: str) -> Span:
    return ("b", text)


def i(text: str) -> Span:
    return ("i", text)


# --------------------------------------------------------------------------------------------
# Citations


def long_date(iso: str | None) -> str:
    """``2022-06-10`` -> ``10 June 2022``; ``undated`` when there is no date."""
    if not iso:
        return "undated"
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def pages_label(pages: Iterable[int]) -> str:
    found = sorted(set(pages))
    if not found:
        return "no page numbers"
    if len(found) == 1:
        return f"p. {found[0]}"
    return f"pp. {found[0]}-{found[-1]}"


def report_label(report: Report) -> str:
    """``Safeguarding Report, Police and Crime Panel, 10 June 2022``."""
    return ", ".join(filter(None, [report.title or report.id, report.body, long_date(report.date)]))


def cite(report: Report, *passages: Paragraph) -> str:
    """The citation of passages of a report: title, meeting, date, paragraph number, page."""
    pages = [page for p in passages for page in p.pages]
    return ", ".join(filter(None, [report_label(report), citation_number(report, *passages), pages_label(pages)]))


def _cite_sentence(side: Side, sentence: str) -> str:
    return cite(side.report, side.passage_of(sentence))


def _clip(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


# --------------------------------------------------------------------------------------------
# Progress brief


def progress_blocks(initiative: Initiative, entries: list[TimelineEntry], generated: str | None = None) -> Brief:
    brief = Brief(f"Progress brief: {initiative.name}")
    brief.h(brief.title, 1)
    names = f" (also called {', '.join(initiative.aliases)})" if initiative.aliases else ""
    brief.p(b("Question. "), f"How has {initiative.name}{names} progressed from report to report?", role="question")
    if initiative.description:
        brief.p(i(initiative.description))
    mentioned = [e for e in entries if e.mentioned]
    if not mentioned:
        brief.p(f"None of the {len(entries)} report(s) mentions {initiative.name}.")
    else:
        first, last = mentioned[0].report, mentioned[-1].report
        span = long_date(first.date) if first is last else f"{long_date(first.date)} to {long_date(last.date)}"
        brief.p(
            b("In short. "),
            f"Mentioned in {len(mentioned)} of {len(entries)} report(s), {span}. "
            "Each status is read from the words around the mention; each change compares a report "
            "with the previous one that mentioned the initiative.",
        )
    brief.h("Timeline")
    rows = []
    for entry in entries:
        report = entry.report
        if not entry.mentioned:
            rows.append([dated_as(report, long_date), f"{report.title} ({report.body})" if report.body else report.title, "not mentioned", "", ""])
            continue
        statuses = ", ".join(dict.fromkeys(m.status for m in entry.mentions if m.status)) or "-"
        where = "; ".join(dict.fromkeys(_mention_place(report, m) for m in entry.mentions))
        rows.append(
            [dated_as(report, long_date), f"{report.title} ({report.body})" if report.body else report.title, statuses, entry.change or "-", where]
        )
    brief.table(["Date", "Report (meeting)", "Status", "Change", "Where"], rows)

    for entry in entries:
        report = entry.report
        brief.h(f"{dated_as(report, long_date)}: {report.title}" + (f" ({report.body})" if report.body else ""), 3)
        if not entry.mentioned:
            brief.p(i(f"{initiative.name} is not mentioned in this report."))
            continue
        if entry.change:
            brief.p(b("Change: "), entry.change)
        for mention in entry.mentions:
            brief.quote(mention.sentence, mention_citation(report, mention))
            details = []
            if mention.status:
                details.append(f"status: {mention.status}")
            if mention.figures:
                details.append("figures in this paragraph: " + "; ".join(f.text for f in mention.figures))
            if mention.via == "follow-up":
                details.append(f"refers back to {initiative.name} (\u201c{mention.matched}\u201d)")
            if details:
                brief.p(i(" \u00b7 ".join(details)), role="note")
    _sources(brief, [e.report for e in entries], generated)
    return brief


def _mention_passage(report: Report, mention: Mention) -> Paragraph | None:
    return next((p for p in report.paragraphs if p.ordinal == mention.paragraph), None)


def _mention_place(report: Report, mention: Mention) -> str:
    passage = _mention_passage(report, mention)
    number = citation_number(report, passage) if passage else (f"para {mention.section}" if mention.section else "")
    return ", ".join(filter(None, [number, pages_label(mention.pages)]))


def mention_citation(report: Report, mention: Mention) -> str:
    return ", ".join(filter(None, [report_label(report), _mention_place(report, mention)]))


def progress_brief(found: Timeline, format: str = "markdown", generated: str | None = None) -> str:
    """An initiative's progress (``Index.progress``) as a Markdown or HTML brief."""
    return render(progress_blocks(found.initiative, list(found.entries), generated), format)


# --------------------------------------------------------------------------------------------
# Comparison brief


def _short(report: Report) -> str:
    return f"{report.title or report.id}, {long_date(report.date)}"


def compare_blocks(comparison: Comparison, generated: str | None = None) -> Brief:
    a, b_ = comparison.a, comparison.b
    topic = comparison.topic
    about = ""
    if topic is not None:
        about = f" about {topic.initiative.name}" if topic.initiative else f" about \u201c{topic.query}\u201d"
    brief = Brief(f"Comparison brief: {_short(a)} and {_short(b_)}" + (about and f" ({about.strip()})"))
    brief.h(brief.title, 1)
    brief.p(
        b("Question. "),
        f"What does report B say{about} that report A did not, what did it drop, and which figures moved?",
        role="question",
    )
    brief.table(
        ["", "Report A", "Report B"],
        [
            ["Title", a.title or a.id, b_.title or b_.id],
            ["Meeting", a.body or "-", b_.body or "-"],
            ["Date", long_date(a.date), long_date(b_.date)],
            ["File", Path(a.source).name, Path(b_.source).name],
        ],
    )
    changed, unchanged = comparison.changed_pairs, comparison.unchanged_pairs
    moved = sum(len(p.figures_changed) for p in comparison.pairs)
    brief.p(
        b("In short. "),
        f"{len(comparison.pairs)} passage(s) of A have a counterpart in B ({len(changed)} changed, "
        f"{len(unchanged)} unchanged); {len(comparison.only_a)} passage(s) are only in A and "
        f"{len(comparison.only_b)} only in B; {moved} figure(s) moved. "
        f"{len(comparison.initiatives_only_a)} initiative(s) are named only in A and "
        f"{len(comparison.initiatives_only_b)} only in B.",
    )
    if topic is not None:
        if topic.initiative:
            brief.p(i(f"Kept: the passages that mention {topic.initiative.name} by any of its names, and their counterparts."), role="note")
        else:
            brief.p(i(f"Kept: the passages whose words or headings contain \u201c{topic.query}\u201d (any word form), and their counterparts."), role="note")
    brief.p(
        i(
            "How passages were matched: by what they say (shared words weighted by rarity, similar "
            "headings, the same initiatives named), not by paragraph number, which changes from year "
            "to year. Similarity runs from 0 to 1. Within a matched pair, sentences are compared one by one."
        ),
        role="note",
    )

    if comparison.pairs:
        brief.h("Sections that correspond")
        brief.table(
            ["Heading in A", "Heading in B", "Matched passages"],
            [[ha or "(before the first heading)", hb or "(before the first heading)", str(n)] for ha, hb, n in comparison.sections()],
        )

    brief.h(f"Changed passages ({len(changed)})")
    if not changed:
        brief.p(i("No matched passage changed."))
    for number, pair in enumerate(changed, 1):
        _pair_blocks(brief, number, pair)

    if unchanged:
        brief.h(f"Unchanged passages ({len(unchanged)})")
        brief.bullets(
            [
                ("\u201c", _clip(pair.b.text), "\u201d \u2014 ", i(cite(a, *pair.a.passages)), "; ", i(cite(b_, *pair.b.passages)))
                for pair in unchanged
            ]
        )

    brief.h(f"Only in A ({len(comparison.only_a)}): dropped or not carried over")
    if not comparison.only_a:
        brief.p(i("Every passage of A has a counterpart in B."))
    for side in comparison.only_a:
        brief.quote(side.text, cite(a, *side.passages), "removed")
    brief.h(f"Only in B ({len(comparison.only_b)}): new")
    if not comparison.only_b:
        brief.p(i("Every passage of B has a counterpart in A."))
    for side in comparison.only_b:
        brief.quote(side.text, cite(b_, *side.passages), "added")

    brief.h("Initiatives named in only one report")
    for label, report, items in (("Only in A", a, comparison.initiatives_only_a), ("Only in B", b_, comparison.initiatives_only_b)):
        brief.p(b(f"{label} ({len(items)}):"), role="label")
        if not items:
            brief.p(i("none"))
            continue
        brief.bullets(
            [
                (
                    b(item.initiative.name),
                    f" \u2014 {item.mentions} mention(s), first in ",
                    i(cite(report, item.first) if item.first else report_label(report)),
                )
                for item in items
            ]
        )
    _sources(brief, [a, b_], generated)
    return brief


def _pair_blocks(brief: Brief, number: int, pair: AlignedPair) -> None:
    a, b_ = pair.a, pair.b
    brief.h(
        f"{number}. {citation_number(a.report, *a.passages)} \u2192 {citation_number(b_.report, *b_.passages)}"
        f" \u00b7 {_heading(a)} \u2192 {_heading(b_)}",
        3,
    )
    details = [f"Similarity {pair.similarity:.2f}."]
    if pair.unchanged:
        details.append(f"{pair.unchanged} sentence(s) unchanged.")
    brief.p(i(" ".join(details)), role="note")
    if pair.figures_changed:
        brief.p(b("Figures changed:"), role="label")
        brief.bullets(
            [
                (
                    b(str(change)),
                    f": \u201c{change.a.text}\u201d (",
                    i(cite(a.report, *a.passages)),
                    f") became \u201c{change.b.text}\u201d (",
                    i(cite(b_.report, *b_.passages)),
                    ")",
                )
                for change in pair.figures_changed
            ]
        )
    if pair.added:
        brief.p(b("New in B:"), role="label")
        for sentence in pair.added:
            brief.quote(sentence, _cite_sentence(b_, sentence), "added")
    if pair.removed:
        brief.p(b("Dropped from A:"), role="label")
        for sentence in pair.removed:
            brief.quote(sentence, _cite_sentence(a, sentence), "removed")
    if pair.reworded:
        brief.p(b("Reworded (A, then B):"), role="label")
        for change in pair.reworded:
            brief.quote(change.a, _cite_sentence(a, change.a), "before")
            brief.quote(change.b, _cite_sentence(b_, change.b), "after")


def _heading(side: Side) -> str:
    return " > ".join(side.first.heading_path) or "(before the first heading)"


def compare_brief(comparison: Comparison, format: str = "markdown", generated: str | None = None) -> str:
    """A comparison (``compare.compare_reports``) as a Markdown or HTML brief."""
    return render(compare_blocks(comparison, generated), format)


def _sources(brief: Brief, reports: list[Report], generated: str | None) -> None:
    brief.h("Sources")
    brief.bullets(
        [
            (report_label(report), f" \u2014 {Path(report.source).name}", " (report id ", ("code", report.id), ")")
            for report in reports
        ]
    )
    note = "Prepared with report-index" + (f" on {long_date(generated)}" if generated else "") + "."
    note += " Quotations are the reports' words as extracted from their files; check them against the originals before publishing."
    brief.p(i(note), role="note")


# --------------------------------------------------------------------------------------------
# Rendering


def render(brief: Brief, format: str) -> str:
    if format == "markdown":
        return to_markdown(brief)
    if format == "html":
        return to_html(brief)
    raise ValueError(f"unknown brief format {format!r} (use 'markdown' or 'html')")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<|])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+)?([#>+\-=.)])")


def _escape_line_start(text: str) -> str:
    """Escape what would start a heading, quote or list (``#``, ``>``, ``-``, ``1.``)."""

    def fix(match: re.Match) -> str:
        lead, digits, mark = match.group(1), match.group(2) or "", match.group(3)
        if digits and mark not in ".)":
            return match.group(0)
        if not digits and mark in ".)":
            return match.group(0)
        return f"{lead}{digits}\\{mark}"

    return _MD_LINE_START.sub(fix, text, count=1)


def md_escape(text: str) -> str:
    """Text shown as written in Markdown: emphasis, code, link and HTML characters escaped, and
    anything at the start that would make a heading, quote or list."""
    return _escape_line_start(_MD_SPECIAL.sub(r"\\\1", " ".join(text.split())))


def _md_spans(spans: list[Span]) -> str:
    marks = {"b": "**", "i": "*"}
    out = []
    for style, text in spans:
        if not text:
            continue
        if style == "code":
            out.append(f"`{text.replace('`', '')}`")
            continue
        escaped = _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text))
        mark = marks.get(style, "")
        if mark and escaped.strip():  # emphasis markers must hug the words
            core = escaped.strip()
            lead, trail = escaped[: escaped.index(core)], escaped[escaped.index(core) + len(core):]
            escaped = f"{lead}{mark}{core}{mark}{trail}"
        out.append(escaped)
    return _escape_line_start("".join(out))


def to_markdown(brief: Brief) -> str:
    lines: list[str] = []
    for block in brief.blocks:
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + _MD_SPECIAL.sub(r"\\\1", " ".join(block.text.split())), ""]
        elif isinstance(block, Para):
            lines += [_md_spans(block.spans), ""]
        elif isinstance(block, Quote):
            lines += [f"> {md_escape(block.text)}", ">", f"> \u2014 *{md_escape(block.cite)}*", ""]
        elif isinstance(block, Bullets):
            lines += [f"- {_md_spans(item)}" for item in block.items] + [""]
        elif isinstance(block, Table):
            cell = lambda text: md_escape(text).replace("\n", " ") or " "  # noqa: E731
            lines.append("| " + " | ".join(cell(h) for h in block.header) + " |")
            lines.append("|" + "|".join("---" for _ in block.header) + "|")
            lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in block.rows]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
:root { --ink: #1c2127; --muted: #59636e; --rule: #d0d7de; --wash: #f6f8fa;
        --added: #1a7f37; --removed: #b42318; --before: #8c959f; --after: #0969da; --accent: #24476b; }
* { box-sizing: border-box; }
body { margin: 2rem auto; max-width: 48rem; padding: 0 1.25rem; color: var(--ink); background: #fff;
       font: 16px/1.55 Georgia, "Times New Roman", serif; }
h1, h2, h3, th, .label, blockquote footer, .tone { font-family: "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.55rem; line-height: 1.25; margin: 0 0 1rem; padding-bottom: .5rem; border-bottom: 3px solid var(--accent); }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1rem; margin: 1.5rem 0 .4rem; color: var(--accent); }
p { margin: .5rem 0; }
p.question { background: var(--wash); border-left: 4px solid var(--accent); padding: .6rem .9rem; }
p.note { color: var(--muted); font-size: .92rem; }
p.label { margin: .9rem 0 .2rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: .92rem; }
th, td { border: 1px solid var(--rule); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--wash); font-size: .85rem; }
td:first-child { white-space: nowrap; }
ul { padding-left: 1.3rem; }
li { margin: .25rem 0; }
blockquote { margin: .5rem 0 .8rem; padding: .45rem .9rem; border-left: 4px solid var(--rule); background: #fbfbfc; }
blockquote p { margin: 0; }
blockquote footer { margin-top: .35rem; font-size: .8rem; color: var(--muted); }
blockquote.added { border-left-color: var(--added); }
blockquote.removed { border-left-color: var(--removed); }
blockquote.before { border-left-color: var(--before); border-left-style: dashed; }
blockquote.after { border-left-color: var(--after); }
.tone { display: inline-block; margin-right: .4rem; font-size: .7rem; font-weight: 700; letter-spacing: .04em; text-transform: uppercase; }
blockquote.added .tone { color: var(--added); }
blockquote.removed .tone { color: var(--removed); }
blockquote.before .tone { color: var(--muted); }
blockquote.after .tone { color: var(--after); }
code { font-family: Menlo, Consolas, monospace; font-size: .85em; }
@media print {
  @page { size: A4; margin: 16mm 15mm; }
  body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
  h1 { font-size: 16pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  blockquote, tr, li, p.question { break-inside: avoid; page-break-inside: avoid; }
  p.question, blockquote, th { background: none; }
  blockquote, p.question, h1 { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

_TONES = {"added": "new", "removed": "dropped", "before": "A", "after": "B"}


def _html_spans(spans: list[Span]) -> str:
    tags = {"b": "strong", "i": "em", "code": "code"}
    out = []
    for style, text in spans:
        escaped = html.escape(text)
        out.append(f"<{tags[style]}>{escaped}</{tags[style]}>" if style in tags else escaped)
    return "".join(out)


def to_html(brief: Brief) -> str:
    body: list[str] = []
    for block in brief.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            body.append(f"<h{level}>{html.escape(block.text)}</h{level}>")
        elif isinstance(block, Para):
            role = f' class="{block.role}"' if block.role else ""
            body.append(f"<p{role}>{_html_spans(block.spans)}</p>")
        elif isinstance(block, Quote):
            tone = f' class="{block.tone}"' if block.tone else ""
            marker = f'<span class="tone">{_TONES[block.tone]}</span>' if block.tone in _TONES else ""
            body.append(
                f"<blockquote{tone}><p>{marker}{html.escape(block.text)}</p>"
                f"<footer>\u2014 <cite>{html.escape(block.cite)}</cite></footer></blockquote>"
            )
        elif isinstance(block, Bullets):
            items = "".join(f"<li>{_html_spans(item)}</li>" for item in block.items)
            body.append(f"<ul>{items}</ul>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{html.escape(h)}</th>" for h in block.header)
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in block.rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(brief.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )
