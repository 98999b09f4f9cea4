"""From a ``RawDocument`` to a ``Report``: metadata, the section tree and the paragraphs.

The parser reads the report the way a person does. The title block at the top (``title_block``)
gives the meeting (body), date, subject, author and "report of". Headings are numbered (``2.5 Domestic Abuse``),
unnumbered capitals (``KEY INFORMATION``) or bold. Numbered paragraphs (``2.5.6``), lettered items
(``a)``) and bullets are passages; an unlabelled paragraph belongs to the numbered paragraph before
it. A paragraph cut by a page break (the text stops mid-sentence and carries on on the next page)
is joined back together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..models import Paragraph, RawDocument, Report, Section, Table, TextLine
from .labels import (
    BULLET,
    LETTER_LABEL,
    NUMBER_LABEL,
    ROMAN_LABEL,
    Label,
    clean_heading,
    ends_sentence,
    is_caps,
    letter_follows,
    number_tuple,
    plausible_next,
)
from ..sources.tables import column_titles, key_value_lines, table_lines
from ..text.dates import heading_date, published_line
from .title_block import FRONT_MATTER_KEYS, KEY_VALUE, SMALL_WORDS, date_line, read_front_matter

_MONTH_START = re.compile(
    r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)


# --------------------------------------------------------------------------------------------
# Body


@dataclass
class _Open:
    kind: str
    label: str | None
    section: str
    heading_path: list[str]
    texts: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    line_pages: list[int | None] = field(default_factory=list)  # the page of each of ``texts``

    def add(self, text: str, page: int | None) -> None:
        self.texts.append(text)
        self.line_pages.append(page)
        if page is not None and page not in self.pages:
            self.pages.append(page)

    @property
    def text(self) -> str:
        return join_lines(self.texts)

    def page_offsets(self) -> list[int]:
        """Where in ``text`` each of ``pages`` after the first begins."""
        _, starts = joined_with_offsets(self.texts)
        offsets: list[int] = []
        seen = {self.pages[0]} if self.pages else set()
        for start, page in zip(starts, self.line_pages):
            if page is not None and page not in seen:
                seen.add(page)
                offsets.append(start)
        return offsets if len(offsets) == len(self.pages) - 1 else []


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines, mending words hyphenated at a line end ("safe-" + "guarding")."""
    return joined_with_offsets(lines)[0]


def joined_with_offsets(lines: list[str]) -> tuple[str, list[int]]:
    """``join_lines`` of ``lines``, and where in the joined text each line starts."""
    out = ""
    starts: list[int] = []
    for line in lines:
        line = line.strip()
        if not out:
            starts.append(0)
            out = line
        elif re.search(r"[a-z]-$", out) and line[:1].islower() and not re.search(r"\b(?:non|co|so|self|cross)-$", out):
            starts.append(len(out) - 1)
            out = out[:-1] + line
        else:
            starts.append(len(out) + 1)
            out = f"{out} {line}"
    return out, starts


class _Parser:
    def __init__(self, report: Report, has_fonts: bool, headings: bool = True):
        self.report = report
        self.has_fonts = has_fonts
        self.headings = headings  # whether unlabelled lines may be headings (capitals, bold)
        self.stack: list[int] = []  # indexes of open sections, outermost first
        self.number: tuple[int, ...] | None = None  # last accepted paragraph/heading number
        self.letter: str | None = None
        self.context = ""  # citation of the last labelled passage
        self.open: _Open | None = None
        self.last_line: TextLine | None = None

    # -- sections ---------------------------------------------------------------------------
    def heading_path(self) -> list[str]:
        return [self.report.sections[i].heading for i in self.stack]

    def add_section(self, number: str | None, heading: str, page: int | None, capitals: bool) -> None:
        self.close()
        sections = self.report.sections
        if number:
            level = len(number.split("."))
            while self.stack and (
                sections[self.stack[-1]].number is None
                and sections[self.stack[-1]].level >= level
                or sections[self.stack[-1]].number is not None
                and sections[self.stack[-1]].level >= level
            ):
                self.stack.pop()
            # an unnumbered heading never contains a numbered one of the top level
            if level == 1:
                self.stack.clear()
        elif capitals or not self.stack:
            level = 1
            self.stack.clear()
        else:
            while self.stack and sections[self.stack[-1]].number is None and sections[self.stack[-1]].level > 1:
                self.stack.pop()
            level = sections[self.stack[-1]].level + 1 if self.stack else 1
        parent = self.stack[-1] if self.stack else None
        sections.append(Section(number=number, heading=heading, level=level, page=page, parent=parent))
        self.stack.append(len(sections) - 1)
        self.context = number or ""
        self.letter = None

    def leave_sections_outside(self, number: str) -> None:
        """A numbered paragraph outside the open numbered heading closes that heading."""
        sections = self.report.sections
        while self.stack:
            top = sections[self.stack[-1]]
            if top.number is None or number.startswith(top.number + "."):
                break
            self.stack.pop()

    # -- passages ---------------------------------------------------------------------------
    def close(self) -> None:
        if self.open and self.open.texts:
            text = self.open.text
            if text:
                self.report.paragraphs.append(
                    Paragraph(
                        ordinal=len(self.report.paragraphs),
                        kind=self.open.kind,
                        text=text,
                        section=self.open.section,
                        heading_path=self.open.heading_path,
                        pages=self.open.pages,
                        label=self.open.label,
                        page_offsets=self.open.page_offsets(),
                    )
                )
        self.open = None

    def start(self, kind: str, label: str | None, text: str, page: int | None) -> None:
        self.close()
        self.open = _Open(kind=kind, label=label, section=self.context, heading_path=self.heading_path())
        self.open.add(text, page)

    def continues(self, line: TextLine) -> bool:
        """Whether an unlabelled line carries on the open passage."""
        if self.open is None or not self.open.texts:
            return False
        if not line.new_block:
            return True
        current = self.open.text
        first = line.text.lstrip("\"'\u2018\u201c(")[:1]
        if first.islower():
            return True
        if KEY_VALUE.match(line.text) and len(line.text.split(":")[0].split()) <= 3:
            return False
        if line.page_start and self.last_line is not None and self.last_line.full and not ends_sentence(current):
            return True
        return not ends_sentence(current)

    def add_table(self, table: Table) -> None:
        self.close()
        if key_value_lines(table) is not None:
            for line in key_value_lines(table):
                self.start("paragraph", None, line.text, line.page)
                self.close()
            return
        lines = table_lines(table)
        if lines is not None:  # prose in a table's clothing: read as the text it is
            upcoming = _upcoming_numbers(lines)
            for index, line in enumerate(lines):
                self.feed(line, upcoming[index])
            self.close()
            return
        self.report.tables.append(table)
        index = len(self.report.tables) - 1
        titled = column_titles(table)
        if not titled or not table.rows:
            self.add_row(index, table.header, table.page)  # not column titles: a row like the others
        for number, row in enumerate(table.rows):
            self.add_row(index, row, table.page_of(number), table.header if titled else None)
        self.close()

    def add_row(self, table: int, row: list[str], page: int | None, header: list[str] | None = None) -> None:
        """One table row as a passage. Under column titles each cell is given with its title
        ("Employees: 1,200"), so that a search for a column's title finds its rows."""
        if not any(cell for cell in row):
            return
        if header is None:
            text = " | ".join(cell for cell in row if cell)
        else:
            titles = header + [""] * (len(row) - len(header))
            text = " | ".join(
                f"{clean_heading(title)}: {cell}" if title and title != cell else cell
                for title, cell in zip(titles, row)
                if cell
            )
        self.report.paragraphs.append(
            Paragraph(
                ordinal=len(self.report.paragraphs),
                kind="table_row",
                text=text,
                section=self.context,
                heading_path=self.heading_path(),
                pages=[page] if page is not None else [],
                cells=list(row),
                table=table,
            )
        )

    # -- lines --------------------------------------------------------------------------------
    def label_of(self, text: str) -> Label:
        match = NUMBER_LABEL.match(text)
        if match:
            rest = match.group("rest")
            number = number_tuple(match.group("num"))
            if (
                not rest[:1].islower()
                and not _MONTH_START.match(rest)
                and not re.match(r"^[%/:-]", rest)
                and plausible_next(self.number, number)
            ):
                return Label("number", match.group("num"), rest)
        match = ROMAN_LABEL.match(text)
        if match:
            roman = match.group("roman")
            if not (len(roman) == 1 and letter_follows(self.letter, roman)):
                return Label("roman", roman, match.group("rest"))
        match = LETTER_LABEL.match(text)
        if match:
            letter = letter_follows(self.letter, match.group("letter"))
            if letter:
                return Label("letter", letter, match.group("rest"))
        match = BULLET.match(text)
        if match and (text[0] != "o" or self.open is not None and self.open.kind == "list_item"):
            return Label("bullet", "", match.group("rest"))
        return Label("", "", text)

    def numbered_heading(self, line: TextLine, label: Label, next_numbers: list[tuple[int, ...]]) -> bool:
        rest = label.rest.strip()
        words = rest.split()
        if line.bold and len(words) <= 25:
            return True
        if is_caps(rest) and len(words) <= 15:
            return True
        if self.has_fonts or len(words) > 14:
            return False
        if ends_sentence(rest) and not rest.endswith(")."):
            return False
        number = number_tuple(label.value)
        if next_numbers and next_numbers[0] == number + (1,):
            return True
        content = [w for w in words if w.lower() not in SMALL_WORDS]
        capitalised = sum(1 for w in content if w[:1].isupper())
        return len(content) >= 2 and capitalised / len(content) >= 0.75

    def plain_heading(self, line: TextLine) -> tuple[bool, bool]:
        """(is a heading, is a capitals heading) for an unlabelled line."""
        text = line.text.strip()
        words = text.split()
        if not self.headings or not words or len(words) > 15 or KEY_VALUE.match(text) and not is_caps(text):
            return False, False
        if is_caps(text) and not text.endswith(".") and len(words) <= 12:
            return True, True
        if line.bold and line.new_block and not ends_sentence(text) and len(words) <= 12:
            return True, False
        return False, False

    def feed(self, line: TextLine, next_numbers: list[tuple[int, ...]]) -> None:
        label = self.label_of(line.text)
        if label.kind == "number":
            numbers = number_tuple(label.value)
            if self.numbered_heading(line, label, next_numbers):
                self.number = numbers
                self.add_section(label.value, clean_heading(label.rest), line.page, is_caps(label.rest))
            else:
                self.number = numbers
                self.leave_sections_outside(label.value)
                self.context = label.value
                self.letter = None
                self.start("paragraph", label.value, label.rest, line.page)
        elif label.kind == "letter":
            self.letter = label.value
            base = self.context.split(" ")[0]
            if base.endswith(")"):
                base = ""  # the last lettered item outside numbered paragraphs, not a paragraph number
            self.context = f"{base} {label.value})" if base else f"{label.value})"
            self.start("list_item", f"{label.value})", label.rest, line.page)
        elif label.kind == "roman":
            self.start("list_item", f"{label.value})", label.rest, line.page)
        elif label.kind == "bullet":
            self.start("list_item", None, label.rest, line.page)
        else:
            is_heading, capitals = (False, False) if (self.open and not line.new_block) else self.plain_heading(line)
            if is_heading:
                self.add_section(None, clean_heading(line.text), line.page, capitals)
            elif self.continues(line):
                assert self.open is not None
                self.open.add(line.text, line.page)
            else:
                self.start("paragraph", None, line.text, line.page)
        self.last_line = line


def merge_heading_lines(blocks: list) -> list:
    """A bold heading that wraps onto a second line is one heading.

    Only a line that runs to the right margin wraps, and a title-block label ("Date: ...") starts
    a line of its own: a block of short bold lines (a title block set in bold: "Report to: ...",
    "Date: ...") stays line by line."""
    merged: list = []
    for block in blocks:
        previous = merged[-1] if merged else None
        if (
            isinstance(block, TextLine)
            and isinstance(previous, TextLine)
            and block.bold
            and previous.bold
            and previous.full
            and not block.new_block
            and block.page == previous.page
            and not NUMBER_LABEL.match(block.text)
            and not _labelled(block.text)
            and not _caps_after_mixed(previous.text, block.text)
        ):
            merged[-1] = TextLine(
                text=f"{previous.text} {block.text}",
                page=previous.page,
                x0=previous.x0,
                bold=True,
                new_block=previous.new_block,
                full=block.full,
                page_start=previous.page_start,
            )
        else:
            merged.append(block)
    return merged


def _caps_after_mixed(previous: str, text: str) -> bool:
    """Whether a line of two or more words in capitals follows one in mixed case: a heading of
    another style ("Community Grant Applications 15th November 2016", then "FOUR OAKS WARD"),
    not the same heading wrapped."""
    return len(text.split()) >= 2 and is_caps(text) and not is_caps(previous)


def _labelled(text: str) -> bool:
    match = KEY_VALUE.match(text)
    return bool(match) and " ".join(match.group("key").split()).lower() in FRONT_MATTER_KEYS


def parse_report(raw: RawDocument, report_id: str, sha256: str) -> Report:
    """The structured report model of ``raw``."""
    blocks = merge_heading_lines(raw.blocks)
    front = read_front_matter(blocks)
    facts = raw.facts
    date, date_source = (front.date, "text") if front.date else (None, "")
    if facts.date and facts.date_trusted:  # a web page's publication date in its metadata
        date, date_source = facts.date, facts.date_source
    report = Report(
        id=report_id,
        source=raw.source,
        sha256=sha256,
        title=front.title or (facts.title if facts.title_trusted else "") or front.heading or facts.title,
        date=date,
        body=front.body,
        author=front.author or facts.author,
        author_role=front.author_role,
        report_of=front.report_of,
        report_of_role=front.report_of_role,
        page_count=raw.page_count,
        date_source=date_source,
    )
    body_blocks = [block for index, block in enumerate(blocks) if index not in front.taken]
    # bold is a heading's mark only where the source has fonts (a PDF, a Word document, a web page)
    has_fonts = raw.kind in ("pdf", "docx", "html") and any(isinstance(b, TextLine) and b.bold for b in body_blocks)
    upcoming = _upcoming_numbers(body_blocks)
    for headings in (True, False):
        # a text of headings alone (every line in capitals, say) is read again as plain text:
        # its lines are what there is to search
        if not headings:
            report.sections.clear()
            report.tables.clear()
        parser = _Parser(report, has_fonts, headings=headings)
        for index, block in enumerate(body_blocks):
            if isinstance(block, Table):
                parser.add_table(block)
            elif block.text.strip():
                parser.feed(block, upcoming[index])
        parser.close()
        if report.paragraphs or not report.sections:
            break
    if not report.date:
        found, source = _date_near_top(blocks)
        if found:
            return replace(report, date=found.isoformat(), date_source=source)
    return report


def _date_near_top(blocks: list) -> tuple:
    """The report's date from its first lines when no title block gave one, and where it was
    read: a line that is a date and nothing else, or a title's or dateline's date ("...
    meeting (24 Nov 2014)", "WAKEFIELD (UK) 11th March 2015"), as "text"; else a "Published
    ..." / "Updated ..." line, as "published line" (the weakest evidence: see
    ``text.dates.DATE_EVIDENCE``). Never a date in a sentence or a data period ("covers 27
    November 2024 to 31 March 2025", "2019/20"). The search stops where numbered paragraphs start."""
    published = None
    for block in blocks[:15]:
        if not isinstance(block, TextLine):
            continue
        found = date_line(block.text) or heading_date(block.text)
        if found:
            return found, "text"
        published = published or published_line(block.text)
        number = NUMBER_LABEL.match(block.text)
        if number and not _MONTH_START.match(number.group("rest")):
            break
    return (published, "published line") if published else (None, "")


def _upcoming_numbers(blocks: list) -> list[list[tuple[int, ...]]]:
    """For each block, the paragraph number of the next numbered line after it (a look-ahead)."""
    result: list[list[tuple[int, ...]]] = [[] for _ in blocks]
    following: list[tuple[int, ...]] = []
    for index in range(len(blocks) - 1, -1, -1):
        result[index] = following
        block = blocks[index]
        if isinstance(block, TextLine):
            match = NUMBER_LABEL.match(block.text)
            if match and not match.group("rest")[:1].islower():
                following = [number_tuple(match.group("num"))]
    return result
