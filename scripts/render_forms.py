"""Write the seed reports in the other forms they circulate in: a Word document, a saved council
web page, and the text a reader pastes from a web page.

The body is parsed from the seed texts exactly as ``render_corpus.py`` parses it for the PDFs, so
every form carries the same report:

* **Word** (python-docx): Word's heading styles for the 2022 report's headings and bold runs for
  the 2021 report's; paragraph numbers (``2.5.6``) and letters (``a)``) as Word's own automatic
  numbering, defined in ``numbering.xml``, wherever the seed's number is the one Word's counters
  would give (literal text where it is not); bullets in the List Bullet style; the title block, the
  measures table (its DVPO/DVPN name merged down two rows) and the comments as Word tables; a
  running header and a footer that the reading must leave out; the core properties set.
* **Web page**: the report inside a council website's page, with a cookie banner, a site header
  and navigation, breadcrumbs, a sidebar and a footer around it; ``h2``/``h3`` headings, ``p`` and
  ``li`` passages (the letters as ``<ol type="a">``), tables with ``rowspan``; the publication date
  in ``article:published_time`` for the 2022 page, none for the 2021 page.
* **Pasted text**: the page's text as a browser copies it, one sentence a line, no blank lines.

Usage, from the repository root (tests call the functions instead)::

    python scripts/render_forms.py OUT_DIR
"""

from __future__ import annotations

import argparse
import datetime
import html
import re
import sys
from pathlib import Path

SCRIPTS_DIR = Path(__file__).resolve().parent
if str(SCRIPTS_DIR) not in sys.path:
    sys.path.insert(0, str(SCRIPTS_DIR))

from render_corpus import (
    LINK_RE,
    REPORT_2021,
    REPORT_2022,
    SEEDS_DIR,
    ReportSpec,
    measure_rows,
    parse_body,
    split_front,
)

#: Words only the website around the report has: none of them may become searchable.
SHELL_WORDS = (
    "cookies", "newsletter", "breadcrumb", "sitemap", "jobsboard", '"Accessibility statement"',
    '"Skip to main content"', '"Related pages"', '"Wellington House"',
)

SITE_NAME = "West Yorkshire Combined Authority"


def plain(text: str) -> str:
    """Seed text without its markdown: link text, no ``**``."""
    return LINK_RE.sub(lambda m: m.group(1) or m.group(2), text).replace("**", "").strip()


def report_parts(spec: ReportSpec):
    lines = (SEEDS_DIR / spec.seed).read_text(encoding="utf-8").splitlines()
    title_rows, body = split_front(lines, spec.front)
    return title_rows, parse_body(body)


def out_names(spec: ReportSpec) -> str:
    return spec.out_name.removesuffix(".pdf").split("_", 1)[1]  # no date in the name: the reading must find it


# --------------------------------------------------------------------------------------------
# Word


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _numbering(document, levels: list[tuple[str, str]], start_id: int) -> int:
    """Add an abstract numbering of ``levels`` ((format, text) per level) and a numbering
    instance of it to the document's numbering part; returns the instance's id."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{720 + 360 * i}" w:hanging="720"/></w:pPr></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    abstract = parse_xml(f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="{start_id}"><w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>')
    first_num = numbering.find(f"{{{_W}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    return _instance(document, start_id, start_id)


def _instance(document, abstract_id: int, num_id: int, restart: bool = False) -> int:
    from docx.oxml import parse_xml

    override = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else ""
    document.part.numbering_part.element.append(
        parse_xml(f'<w:num xmlns:w="{_W}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>')
    )
    return num_id


def _number(paragraph, num_id: int, level: int) -> None:
    from docx.oxml import parse_xml

    paragraph._p.get_or_add_pPr().insert(
        0, parse_xml(f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


class _Counters:
    """Word's counters for one multi-level list: what number a paragraph at a level would get."""

    def __init__(self) -> None:
        self.values: list[int] = []

    def next(self, level: int) -> tuple[int, ...]:
        values = (self.values + [0] * (level + 1))[: level + 1]
        values[level] += 1
        return tuple(values[: level]) + (values[level],)

    def take(self, number: tuple[int, ...]) -> None:
        self.values = list(number)


def _label_tuple(label: str) -> tuple[int, ...] | None:
    parts = label.rstrip(".").split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def write_docx(spec: ReportSpec, target: Path, *, automatic: bool = True, created: datetime.datetime | None = None) -> Path:
    """The seed report as a Word document (see the module's docstring)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    title_rows, blocks = report_parts(spec)
    document = docx.Document()
    props = document.core_properties
    props.title = spec.pdf_title
    props.author = "Democratic Services"
    props.created = created or datetime.datetime(2022, 5, 20, 9, 0, 0)
    props.modified = props.created
    props.last_modified_by = ""
    props.revision = 1
    section = document.sections[0]
    section.header.paragraphs[0].text = spec.running_header
    section.footer.paragraphs[0].text = f"{spec.pdf_title} \u2013 page footer"
    styled = spec.front == "panel"  # the 2022 report uses Word's heading styles, the 2021 one bold runs

    if spec.front == "panel":
        _table(document, [[plain(r[0]), plain(r[1] if len(r) > 1 else "")] for r in title_rows])
    else:
        for i, (line,) in enumerate(title_rows):
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if line.upper().startswith("SUBJECT:"):
                label, _, value = line.partition(":")
                p.add_run(label + ":").bold = True
                p.add_run(" " + value.strip())
            else:
                p.add_run(line).bold = i == 0

    outline = _numbering(document, [("decimal", "%1."), ("decimal", "%1.%2."), ("decimal", "%1.%2.%3.")], 90) if automatic else 0
    letters_abstract = None
    counters = _Counters()
    letter_num = 0
    next_letter = "a"
    next_num_id = 100
    for block in blocks:
        if block.kind == "rows":
            _seed_table(document, block.rows)
            continue
        text = plain(block.text)
        number = _label_tuple(block.label) if block.label and block.label[0].isdigit() else None
        automatic_number = automatic and number is not None and counters.next(len(number) - 1) == number
        if block.kind == "heading":
            shown = text if (automatic_number or not block.label) else f"{block.label} {text}"
            if styled:
                p = document.add_heading(shown, level=1 if not number or len(number) == 1 else 2)
            else:
                p = document.add_paragraph()
                p.add_run(shown).bold = True
        elif block.kind == "bullet":
            p = document.add_paragraph(text, style="List Bullet")
        elif block.label and not block.label[0].isdigit():  # a letter
            letter = block.label[0].lower()
            if automatic and letter == next_letter:
                if letter == "a":
                    if letters_abstract is None:
                        letters_abstract = _numbering(document, [("lowerLetter", "%1)")], 91)
                        letter_num = letters_abstract
                    else:
                        letter_num = _instance(document, 91, next_num_id, restart=True)
                        next_num_id += 1
                p = document.add_paragraph(text)
                _number(p, letter_num, 0)
                next_letter = chr(ord(letter) + 1)
            else:
                p = document.add_paragraph(f"{block.label} {text}")
            continue
        else:
            shown = text if (automatic_number or not block.label) else f"{block.label} {text}"
            p = document.add_paragraph(shown)
        if number is not None:
            next_letter = "a"
            if automatic_number:
                _number(p, outline, len(number) - 1)
            counters.take(number)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(target)
    return target


def _table(document, rows: list[list[str]], merge_down: list[tuple[int, int]] = ()):
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for i, row in enumerate(rows):
        for j in range(width):
            table.cell(i, j).text = row[j] if j < len(row) else ""
    for top, column in merge_down:  # the cell below is merged into this one
        below = table.cell(top + 1, column)
        below.text = ""
        table.cell(top, column).merge(below)
    return table


def _seed_table(document, rows: list[list[str]]) -> None:
    first = rows[0]
    if first[0] == "Measures" and len(first) > 2:
        table = [[plain(c) for c in row] for row in measure_rows(rows)]
        merges = [(i, 0) for i in range(1, len(table) - 1) if table[i][0] == table[i + 1][0]]
        for top, _ in merges:
            table[top + 1][0] = ""
        _table(document, table, merges)
    else:
        _table(document, [[plain(c) for c in row] for row in rows])


# --------------------------------------------------------------------------------------------
# A saved council web page


def _e(text: str) -> str:
    return html.escape(plain(text), quote=False)


def _html_table(rows: list[list[str]], *, header: bool = True, css: str = "") -> str:
    out = [f'<table class="{css}">' if css else "<table>"]
    for i, row in enumerate(rows):
        cells = []
        skip = False
        for j, cell in enumerate(row):
            if skip:
                skip = False
                continue
            tag = "th" if header and i == 0 else "td"
            span = ""
            if j == 0 and i > 0 and i + 1 < len(rows) and rows[i + 1][0] == cell and cell:
                span = ' rowspan="2"'
            if j == 0 and i > 1 and rows[i - 1][0] == cell and cell:
                continue  # covered by the rowspan above
            cells.append(f"<{tag}{span}>{_e(cell)}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def report_html(spec: ReportSpec) -> str:
    """The report's own HTML, as a council's content system would put it in a page."""
    title_rows, blocks = report_parts(spec)
    out: list[str] = []
    if spec.front == "panel":
        out.append(_html_table([[r[0], r[1] if len(r) > 1 else ""] for r in title_rows], header=False, css="report-details"))
    else:
        meeting, date, subject = (row[0] for row in title_rows)
        label, _, value = subject.partition(":")
        out += [f"<p><strong>{_e(meeting)}</strong></p>", f"<p>{_e(date)}</p>", f"<p><strong>{_e(label)}:</strong> {_e(value)}</p>"]
    open_list = ""

    def close_list() -> None:
        nonlocal open_list
        if open_list:
            out.append(f"</li></{open_list}>")
            open_list = ""

    for block in blocks:
        if block.kind == "rows":
            close_list()
            first = block.rows[0]
            rows = measure_rows(block.rows) if first[0] == "Measures" and len(first) > 2 else block.rows
            out.append(_html_table(rows, header=first[0] == "Measures"))
            continue
        if block.kind == "heading":
            close_list()
            number = _label_tuple(block.label) if block.label else None
            tag = "h3" if number and len(number) > 1 else "h2"
            shown = f"{block.label} {plain(block.text)}" if block.label else plain(block.text)
            out.append(f"<{tag}>{html.escape(shown, quote=False)}</{tag}>")
        elif block.kind == "bullet":
            if open_list != "ul":
                close_list()
                out.append("<ul>")
                open_list = "ul"
            else:
                out.append("</li>")
            out.append(f"<li>{_e(block.text)}")
        elif block.label and not block.label[0].isdigit():
            if open_list != "ol":
                close_list()
                start = ord(block.label[0].lower()) - ord("a") + 1
                out.append(f'<ol type="a" start="{start}">' if start > 1 else '<ol type="a">')
                open_list = "ol"
            else:
                out.append("</li>")
            out.append(f"<li>{_e(block.text)}")
        elif block.label is None and open_list:
            out.append(f"<p>{_e(block.text)}</p>")  # a paragraph that belongs to the item above
        else:
            close_list()
            shown = f"{block.label} {plain(block.text)}" if block.label else plain(block.text)
            out.append(f"<p>{html.escape(shown, quote=False)}</p>")
    close_list()
    return "\n".join(out)


def write_html(spec: ReportSpec, target: Path, *, published: str | None = None) -> Path:
    """The seed report as a saved council web page (see the module's docstring)."""
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{html.escape(spec.pdf_title)} | {SITE_NAME}</title>
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:title" content="{html.escape(spec.pdf_title)}">
{meta}
<link rel="stylesheet" href="/assets/site.css">
<script>window.dataLayer = window.dataLayer || []; function consent() {{ return "granted"; }}</script>
</head>
<body>
<div id="cookie-banner" class="cookie-banner" role="region" aria-label="Cookie banner">
<p>We use cookies to make this website work and to understand how you use it. Some cookies are optional.</p>
<button type="button">Accept additional cookies</button> <button type="button">Reject additional cookies</button>
<a href="/cookies">View cookies</a>
</div>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
<a href="/" class="logo">{SITE_NAME}</a>
<form role="search" action="/search"><label for="q">Search this site</label><input id="q" name="q"></form>
<nav class="primary-navigation" aria-label="Main menu">
<ul><li><a href="/">Home</a></li><li><a href="/policing-and-crime">Policing and crime</a></li>
<li><a href="/transport">Buses and travel</a></li><li><a href="/jobs">Jobsboard and careers</a></li>
<li><a href="/about-us">About us</a></li></ul>
</nav>
</header>
<nav class="breadcrumb" aria-label="Breadcrumb">
<ol><li><a href="/">Home</a></li><li><a href="/policing-and-crime">Policing and crime</a></li>
<li><a href="/policing-and-crime/panel">Police and Crime Panel papers</a></li></ol>
</nav>
<div class="page-wrapper">
<main id="main">
<article class="report">
<h1>{html.escape(spec.pdf_title)}</h1>
{report_html(spec)}
</article>
</main>
<aside class="sidebar">
<h2>Related pages</h2>
<ul><li><a href="/policing-and-crime/plan">Police and Crime Plan</a></li><li><a href="/newsletter">Sign up to our newsletter</a></li></ul>
</aside>
</div>
<footer class="site-footer">
<ul><li><a href="/accessibility">Accessibility statement</a></li><li><a href="/privacy">Privacy notice</a></li>
<li><a href="/sitemap">Sitemap</a></li><li><a href="/cookies">Cookies</a></li></ul>
<p>&copy; {SITE_NAME}. Wellington House, 40-50 Wellington Street, Leeds. Follow us for our newsletter.</p>
</footer>
</body>
</html>
"""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return target


# --------------------------------------------------------------------------------------------
# Pasted web text


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'\u201c(]?[A-Z0-9])")


def pasted_lines(spec: ReportSpec) -> list[str]:
    """The page's text as a browser copies it: a line a sentence, headings and labels on their own
    lines, table rows as tab-separated lines, no blank lines."""
    title_rows, blocks = report_parts(spec)
    lines: list[str] = ["\t".join(plain(c) for c in row) for row in title_rows] if spec.front == "panel" else [plain(r[0]) for r in title_rows]
    for block in blocks:
        if block.kind == "rows":
            first = block.rows[0]
            rows = measure_rows(block.rows) if first[0] == "Measures" and len(first) > 2 else block.rows
            lines += ["\t".join(plain(c) for c in row) for row in rows]
            continue
        text = plain(block.text)
        if block.kind == "heading":
            lines.append(f"{block.label} {text}" if block.label else text)
            continue
        sentences = _SENTENCE_END.split(text)
        prefix = "\u2022 " if block.kind == "bullet" else (f"{block.label} " if block.label else "")
        lines.append(prefix + sentences[0])
        lines += sentences[1:]
    return [line for line in lines if line.strip()]


def write_pasted_text(spec: ReportSpec, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(pasted_lines(spec)) + "\n", encoding="utf-8")
    return target


PUBLISHED_2022 = "2022-06-10T09:00:00+01:00"


FORMS = ("docx", "html", "pasted")
SPECS = (REPORT_2022, REPORT_2021)


def write_seed(spec: ReportSpec, form: str, folder: Path, name: str) -> Path:
    """One seed report in one of ``FORMS``, as ``folder/name`` with the form's suffix (the 2022
    report's web page carries its publication date in its metadata)."""
    if form == "docx":
        return write_docx(spec, folder / f"{name}.docx")
    if form == "html":
        return write_html(spec, folder / f"{name}.html", published=PUBLISHED_2022 if spec is REPORT_2022 else None)
    return write_pasted_text(spec, folder / f"{name}.txt")


def write_form(form: str, folder: Path) -> list[Path]:
    """Both seed reports in one form, in ``folder`` (no dates in the file names)."""
    return [write_seed(spec, form, folder, out_names(spec)) for spec in SPECS]


def write_all(folder: Path) -> list[Path]:
    """Every form of both seed reports in ``folder``."""
    return [
        write_seed(spec, form, folder, out_names(spec) + ("_pasted" if form == "pasted" else ""))
        for spec in SPECS
        for form in FORMS
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    for path in write_all(args.out_dir):
        print(path)


if __name__ == "__main__":
    main()
