"""Reading Word documents (``.docx``) into ``RawDocument``s, from the Office Open XML itself
(``zipfile`` and lxml): every paragraph a line, Word's tables as tables.

* **Headings.** A paragraph in a heading style (``Heading 1``..``Heading 9``, ``Title``, or any
  style with an outline level), or whose text is all in bold runs, is a bold line, which the
  structure stage reads as a heading. Bold comes from the run, its character style or the
  paragraph's style, each followed up its ``basedOn`` chain.
* **Numbering.** Word's automatic numbering is not in the text: each numbered paragraph's number is
  worked out from ``numbering.xml`` (the list's level formats ``%1.%2.``, start values, overrides,
  counters that restart below a higher level) and put before its text, so an auto-numbered
  paragraph reads ``2.5.6 ...`` or ``a) ...`` as a typed one does. Bullets become ``•``.
* **Tables.** A Word table is a ``Table``; a cell merged down from the one above (``vMerge``) is
  ``None``, as pdfplumber gives a covered cell, so a measure's name printed once beside its DVPO and
  DVPN rows names both; a cell spanning columns (``gridSpan``) is followed by ``None`` s. A
  two-column table of labels (``Report to:`` | ``Police and Crime Panel``) is the title block.
* **Left out.** Headers, footers, footnotes and comments live in other parts of the file and are
  not read; deleted tracked changes are skipped, inserted ones read.
* **Properties.** The core properties' title, author and creation date are ``DocumentFacts`` that
  fill only what the title block leaves empty.

python-docx is not used to read: it resolves neither numbering nor merged cells, for which the XML
must be read anyway (it writes the test documents).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExtractionError
from ..models import Block, DocumentFacts, RawDocument, Table, TextLine
from ..text.clean import normalise
from .sniff import sniff_problem
from .tables import make_table

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_CORE = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
_HEADING_STYLE = re.compile(r"^(?:heading\s*\d|title|subtitle)$", re.IGNORECASE)


def read_docx(path: Path) -> RawDocument:
    """The Word document's paragraphs and tables; ExtractionError when it is not one that can be read."""
    with path.open("rb") as handle:
        head = handle.read(2048)
    problem = sniff_problem(head, "docx")
    if problem:
        raise ExtractionError(problem)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExtractionError(f"damaged Word document: it is not a complete ZIP archive ({exc})") from None
    with archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            kind = "a spreadsheet" if "xl/workbook.xml" in names else "a presentation" if "ppt/presentation.xml" in names else "not a Word document"
            raise ExtractionError(f"not a Word document: it has no word/document.xml ({kind} saved with a .docx name?)")
        document = _xml(archive, "word/document.xml", required=True)
        styles = Styles(_xml(archive, "word/styles.xml"))
        numbering = Numbering(_xml(archive, "word/numbering.xml"))
        facts = _core_properties(_xml(archive, "docProps/core.xml"))
    body = document.find(f"{_W}body")
    if body is None:
        raise ExtractionError("damaged Word document: word/document.xml has no body")
    reader = _Reader(styles, numbering)
    blocks = reader.blocks(body)
    if not any(isinstance(b, Table) or b.text.strip() for b in blocks):
        raise ExtractionError("no text in the Word document")
    return RawDocument(source=str(path), kind="docx", page_count=None, blocks=blocks, facts=facts)


def _xml(archive: zipfile.ZipFile, name: str, required: bool = False):
    from lxml import etree

    try:
        data = archive.read(name)
    except KeyError:
        if required:
            raise ExtractionError(f"damaged Word document: {name} is missing") from None
        return None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:  # a bad CRC, a cut-off member
        raise ExtractionError(f"damaged Word document: {name} cannot be unpacked ({exc})") from None
    try:
        return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise ExtractionError(f"damaged Word document: {name} is not well-formed XML ({exc.msg}, line {exc.lineno})") from None


def _val(element, tag: str) -> str | None:
    found = element.find(f"{_W}{tag}") if element is not None else None
    return None if found is None else found.get(f"{_W}val")


def _on(element) -> bool:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``) as Word reads it."""
    return element is not None and element.get(f"{_W}val", "true").lower() not in ("0", "false", "off", "none")


# --------------------------------------------------------------------------------------------
# Styles and numbering


@dataclass
class _Style:
    name: str = ""
    based_on: str | None = None
    bold: bool | None = None
    outline: bool = False
    num_id: str | None = None
    num_level: int = 0


class Styles:
    """``styles.xml``: each style's name, bold, outline level and numbering, with ``basedOn``."""

    def __init__(self, root):
        self.styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        if root is None:
            return
        for element in root.iter(f"{_W}style"):
            style_id = element.get(f"{_W}styleId")
            if not style_id:
                continue
            style = _Style(name=_val(element, "name") or style_id, based_on=_val(element, "basedOn"))
            rpr = element.find(f"{_W}rPr")
            if rpr is not None and rpr.find(f"{_W}b") is not None:
                style.bold = _on(rpr.find(f"{_W}b"))
            ppr = element.find(f"{_W}pPr")
            if ppr is not None:
                style.outline = ppr.find(f"{_W}outlineLvl") is not None and _val(ppr, "outlineLvl") != "9"
                numpr = ppr.find(f"{_W}numPr")
                if numpr is not None:
                    style.num_id = _val(numpr, "numId")
                    style.num_level = int(_val(numpr, "ilvl") or 0)
            self.styles[style_id] = style
            if element.get(f"{_W}type") == "paragraph" and element.get(f"{_W}default") in ("1", "true"):
                self.default_paragraph = style_id

    def chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            yield self.styles[style_id]
            style_id = self.styles[style_id].based_on

    def bold(self, style_id: str | None) -> bool | None:
        return next((s.bold for s in self.chain(style_id) if s.bold is not None), None)

    def heading(self, style_id: str | None) -> bool:
        return any(_HEADING_STYLE.match(s.name.strip()) or s.outline for s in self.chain(style_id))

    def numbering(self, style_id: str | None) -> tuple[str, int] | None:
        return next(((s.num_id, s.num_level) for s in self.chain(style_id) if s.num_id), None)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."


@dataclass
class _List:
    levels: dict[int, _Level] = field(default_factory=dict)
    counters: dict[int, int] = field(default_factory=dict)


class Numbering:
    """``numbering.xml``: the numbers Word shows before numbered paragraphs, worked out in
    reading order with Word's counters."""

    def __init__(self, root):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.instances: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstract id, start overrides)
        self.lists: dict[str, _List] = {}
        if root is None:
            return
        for element in root.iter(f"{_W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in element.iter(f"{_W}lvl"):
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = _Level(
                    start=int(_val(lvl, "start") or 1), fmt=_val(lvl, "numFmt") or "decimal", text=_val(lvl, "lvlText") or ""
                )
            self.abstract[element.get(f"{_W}abstractNumId", "")] = levels
        for element in root.iter(f"{_W}num"):
            overrides = {}
            for override in element.iter(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    overrides[int(override.get(f"{_W}ilvl", "0"))] = int(start.get(f"{_W}val", "1"))
            self.instances[element.get(f"{_W}numId", "")] = (_val(element, "abstractNumId") or "", overrides)

    def label(self, num_id: str, level: int) -> str:
        """The number (``2.5.6.``, ``a)``, ``•``) of the next paragraph of list ``num_id`` at ``level``."""
        if num_id not in self.instances or num_id == "0":
            return ""
        abstract_id, overrides = self.instances[num_id]
        levels = self.abstract.get(abstract_id, {})
        # paragraphs of instances of one list continue its counting unless an instance restarts it
        key = num_id if overrides else f"abstract:{abstract_id}"
        state = self.lists.setdefault(key, _List(levels=levels))
        spec = levels.get(level)
        if spec is None:
            return ""
        if spec.fmt == "bullet":
            return "\u2022"
        if spec.fmt == "none":
            return ""
        start = overrides.get(level, spec.start)
        state.counters[level] = state.counters.get(level, start - 1) + 1
        for deeper in [k for k in state.counters if k > level]:
            del state.counters[deeper]

        def value(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            lvl = levels.get(k, _Level())
            count = state.counters.get(k, overrides.get(k, lvl.start))
            return _format(count, lvl.fmt)

        return re.sub(r"%(\d)", value, spec.text).strip()


def _format(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        n = value
        while n > 0:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        numerals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        out, n = "", value
        for number, numeral in numerals:
            while n >= number:
                out, n = out + numeral, n - number
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


# --------------------------------------------------------------------------------------------
# The body


class _Reader:
    def __init__(self, styles: Styles, numbering: Numbering):
        self.styles = styles
        self.numbering = numbering

    def blocks(self, container) -> list[Block]:
        out: list[Block] = []
        for child in container:
            tag = child.tag
            if tag == f"{_W}p":
                line = self.paragraph(child)
                if line is not None:
                    out.append(line)
            elif tag == f"{_W}tbl":
                out.extend(self.table(child))
            elif tag in (f"{_W}sdt", f"{_W}customXml"):
                content = child.find(f"{_W}sdtContent") if tag == f"{_W}sdt" else child
                if content is not None:
                    out.extend(self.blocks(content))
        return out

    def paragraph(self, p) -> TextLine | None:
        ppr = p.find(f"{_W}pPr")
        style = _val(ppr, "pStyle") if ppr is not None else None
        style = style or self.styles.default_paragraph
        style_bold = self.styles.bold(style)
        pieces: list[str] = []
        bold_chars = plain_chars = 0
        for run in _runs(p):
            text = _run_text(run)
            if not text:
                continue
            pieces.append(text)
            rpr = run.find(f"{_W}rPr")
            bold = None
            if rpr is not None:
                if rpr.find(f"{_W}b") is not None:
                    bold = _on(rpr.find(f"{_W}b"))
                elif _val(rpr, "rStyle"):
                    bold = self.styles.bold(_val(rpr, "rStyle"))
            if bold is None:
                bold = bool(style_bold)
            count = len(text.strip())
            if bold:
                bold_chars += count
            else:
                plain_chars += count
        text = normalise("".join(pieces).replace("\t", " "))
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        numbered = (_val(numpr, "numId"), int(_val(numpr, "ilvl") or 0)) if numpr is not None else self.styles.numbering(style)
        if not text:
            return None  # an empty paragraph: no number is used up by it either (Word shows none)
        label = self.numbering.label(numbered[0] or "", numbered[1]) if numbered and numbered[0] else ""
        heading = self.styles.heading(style) or (bold_chars > 0 and plain_chars == 0)
        if label:
            text = f"{label} {text}"
        return TextLine(text=text, bold=heading, new_block=True)

    def table(self, tbl) -> list[Block]:
        rows: list[list[str | None]] = []
        for tr in tbl.iter(f"{_W}tr"):
            if tr.getparent() is not tbl:
                continue  # a row of a table nested in a cell: its text is in that cell
            row: list[str | None] = []
            for tc in tr.findall(f"{_W}tc"):
                tcpr = tc.find(f"{_W}tcPr")
                span = int(_val(tcpr, "gridSpan") or 1) if tcpr is not None else 1
                merge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
                if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                    row.append(None)
                else:
                    row.append("\n".join(_cell_lines(self, tc)))
                row.extend([None] * (span - 1))
            if row:
                rows.append(row)
        if not rows:
            return []
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        if width == 1:  # a one-cell "table": a box round text
            return [TextLine(text=normalise(line), new_block=True) for row in rows for line in (row[0] or "").split("\n") if line.strip()]
        return [make_table(rows, None, ruled=True)]


def _cell_lines(reader: _Reader, tc) -> list[str]:
    lines: list[str] = []
    for block in reader.blocks(tc):
        if isinstance(block, TextLine):
            lines.append(block.text)
        else:
            lines.extend(" | ".join(cell for cell in row if cell) for row in [block.header, *block.rows])
    return lines


def _runs(p):
    """The runs of a paragraph in reading order, through hyperlinks, fields, smart tags and
    inserted text; deleted text and text boxes left out."""
    for child in p:
        tag = child.tag
        if tag == f"{_W}r":
            yield child
        elif tag in (f"{_W}hyperlink", f"{_W}ins", f"{_W}fldSimple", f"{_W}smartTag", f"{_W}customXml", f"{_W}sdt"):
            inner = child.find(f"{_W}sdtContent") if tag == f"{_W}sdt" else child
            if inner is not None:
                yield from _runs(inner)


def _run_text(run) -> str:
    out: list[str] = []
    for child in run:
        tag = child.tag
        if tag == f"{_W}t":
            out.append(child.text or "")
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            out.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append(" ")
        elif tag == f"{_W}noBreakHyphen":
            out.append("-")
        elif tag == f"{_W}sym":
            code = child.get(f"{_W}char", "")
            out.append(_SYMBOLS.get(code.upper(), ""))
    return "".join(out)


#: Wingdings arrows and bullets as Word's ``<w:sym>`` gives them
_SYMBOLS = {"F0E9": "\u2191", "F0EA": "\u2193", "F0E8": "\u2192", "F0F3": "\u2194", "F0B7": "\u2022", "F0A7": "\u25aa"}


def _core_properties(root) -> DocumentFacts:
    if root is None:
        return DocumentFacts()
    from ..text.dates import parse_date

    def text(path: str) -> str:
        found = root.find(path, _CORE)
        return normalise(found.text or "") if found is not None else ""

    created = text("dcterms:created")
    date = None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", created)
    if match and match.group(1) > "1980":
        date = "-".join(match.groups())
    elif created:
        parsed = parse_date(created)
        date = parsed.isoformat() if parsed else None
    return DocumentFacts(
        title=text("dc:title"), author=text("dc:creator"), date=date,
        date_source="document properties (created)" if date else "", date_trusted=False,
    )
