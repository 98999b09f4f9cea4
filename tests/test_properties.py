"""Properties of the parsers, checked with hypothesis on generated input: the section parser,
the measure-figure normaliser and period keys, date parsing, and query parsing.

Each parser must never crash on text it was not written for (extraction hands it whatever a
PDF contains), and must not lose or invent what the text says. A bug a property found is fixed
in its module and kept here as an ``@example``.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from datetime import date

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from report_index.text.dates import date_from_filename, find_date, parse_date
from report_index.errors import QueryError
from report_index.index.schema import build_schema
from report_index.measures.tables import parse_value, period_key
from report_index.models import RawDocument, Table, TextLine
from report_index.index.searcher import parse_query
from report_index.text.clean import normalise
from report_index.structure.sections import merge_heading_lines, parse_report
from report_index.structure.title_block import FRONT_MATTER_KEYS, read_front_matter

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Characters that text from PDFs carries and that trip naive code: case-folding oddities (long
#: s, Kelvin sign, dotted and dotless i), digits of other scripts, ligatures, odd spaces and dashes.
ODD_CHARACTERS = "\u017f\u212a\u0130\u0131\u0660\u0663\u06f5\u0966\uff11\uff12\u00b9\u00b2\ufb01\ufb03\u00a0\u2013\u2212\ufeff"


def text_with(tokens: list[str], max_size: int = 12) -> st.SearchStrategy[str]:
    """Text made of ``tokens`` (what the parser looks for), odd characters and arbitrary bits."""
    piece = st.one_of(
        st.sampled_from(tokens),
        st.sampled_from(list(ODD_CHARACTERS)),
        st.sampled_from([" ", " ", "  ", "/", "-", ".", ",", ":"]),
        st.text(max_size=4),
    )
    return st.lists(piece, max_size=max_size).map("".join)


# --------------------------------------------------------------------------------------------
# The section parser

LABELS = ["1", "1.", "2", "1.1", "1.2", "2.1", "2.5.6", "15", "a)", "(b)", "c)", "I)", "i)", "(ii)", "\u2022", "-", "*", "o", "#"]
LINE_WORDS = [
    "Report to:", "Date:", "Subject:", "Title:", "Author:", "Report of:", "Meeting:", "Item 5", "Agenda item 3",
    "POLICE", "AND", "CRIME", "PANEL", "COMMUNITY", "OUTCOMES", "MEETING", "KEY", "INFORMATION", "PURPOSE",
    "Police", "and", "Crime", "Panel", "the", "of", "to", "June", "March", "15", "10 th", "2021", "2022", "2019/20",
    "safe-", "guarding", "Stalking", "Protection", "Orders", "Measures", "Difference", "Trend", "note.", "report;",
    "Wendy Stevens \u2013 Research Manager", "SmartWater,", "(DVPO)", "\u00a32.4m", "83%",
]
FREE_TEXT_FIELDS = {"title", "author", "report_of"}


def _word() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(LINE_WORDS),
        st.text(alphabet=string.ascii_letters, min_size=3, max_size=9),
        st.text(alphabet=st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=6),
    )


@st.composite
def text_lines(draw) -> TextLine:
    words = draw(st.lists(_word(), min_size=0, max_size=8))
    if words and draw(st.booleans()):
        words.insert(0, draw(st.sampled_from(LABELS)))
    return TextLine(
        text=" ".join(" ".join(words).split()),  # as the readers hand it over: single spaces, trimmed
        page=draw(st.one_of(st.none(), st.integers(1, 4))),
        x0=draw(st.sampled_from([0.0, 0.0, 18.0, 36.0])),
        bold=draw(st.booleans()),
        new_block=draw(st.booleans()),
        full=draw(st.booleans()),
        page_start=draw(st.booleans()),
    )


def _tables() -> st.SearchStrategy[Table]:
    """Tables as the readers hand them over (``reader.make_table``): cells normalised."""
    cell = text_with(["", "2019/20", "2020/21", "Measure", "Difference", "Trend", "Comment", "30,836", "+160", "-2",
                      "12.5%", "n/a", "\u2191", "\u4ed3", "DVPO", "Q3 2013/14", "March 2013", "441*"], max_size=3).map(normalise)
    return st.integers(1, 5).flatmap(
        lambda width: st.builds(
            Table,
            header=st.lists(cell, min_size=width, max_size=width),
            rows=st.lists(st.lists(cell, min_size=width, max_size=width), max_size=5),
            page=st.one_of(st.none(), st.integers(1, 3)),
            ruled=st.booleans(),
        )
    )


def raw_document(blocks) -> RawDocument:
    return RawDocument(source="generated.pdf", kind="pdf", page_count=None, blocks=blocks)


_EDGES = string.punctuation + "\u2022\u25aa\u25cf\u25e6\u2023\u2043\u00b7\uf0b7\uf0a7\u25a0\u25a1\u2013\u2014"
_LABEL = re.compile(r"^(?:\(?[A-Za-z]{1,4}\)|\d{1,2}(?:\.\d{1,2})*\.?|[\u2022\-*o#]+)$")


def _core(word: str) -> str:
    return word.strip(_EDGES).casefold()


@SETTINGS
@given(st.lists(st.one_of(text_lines(), _tables(), st.builds(TextLine, text=st.text(max_size=60))), max_size=30))
def test_section_parser_never_crashes(blocks) -> None:
    report = parse_report(raw_document(blocks), "generated", "0" * 64)
    assert [p.ordinal for p in report.paragraphs] == list(range(len(report.paragraphs)))
    for paragraph in report.paragraphs:
        assert paragraph.text.strip()
    for section in report.sections:
        assert section.parent is None or 0 <= section.parent < len(report.sections)


@SETTINGS
@given(st.lists(text_lines(), max_size=30))
@example(
    [
        TextLine(text="Subject: Rural Crime", new_block=True),
        TextLine(text="1.1 The team is safe-", new_block=True, full=True),
        TextLine(text="guarding victims.", new_block=False),
    ]
)
def test_section_parser_keeps_every_word(lines) -> None:
    """Every word of every line comes out again: in a paragraph, a heading or the title block,
    modulo white space, the labels (``2.5.6``, ``a)``, bullets), punctuation at word edges and
    words hyphenated across lines. Title-block lines of dates, meetings and agenda items are
    read into normalised metadata by design; the free text of a subject, title or author line
    (the last one given for each) must be kept."""
    raw = raw_document(lines)
    report = parse_report(raw, "generated", "0" * 64)
    body = " ".join(
        [p.text for p in report.paragraphs]
        + [p.label or "" for p in report.paragraphs]
        + [p.section for p in report.paragraphs]
        + [s.heading for s in report.sections]
        + [s.number or "" for s in report.sections]
    ).casefold()
    metadata = " ".join(
        [report.title, report.author, report.author_role, report.report_of, report.report_of_role]
    ).casefold()

    blocks = merge_heading_lines(raw.blocks)
    front = read_front_matter(blocks)
    last_for_field: dict[str, int] = {}
    for index in sorted(front.taken):
        key, _, _ = blocks[index].text.partition(":")
        field = FRONT_MATTER_KEYS.get(key.strip().lower())
        if field in FREE_TEXT_FIELDS:
            last_for_field[field] = index
    for index, block in enumerate(blocks):
        words = block.text.split()
        if index in front.taken:
            if index not in last_for_field.values():
                continue
            words = block.text.partition(":")[2].split()
            where = metadata
        else:
            where = body
            if words and _LABEL.match(words[0]):
                words = words[1:]
        for word in words:
            core = _core(word)
            assert core in where, f"{word!r} of line {index} {block.text!r} is lost"


# --------------------------------------------------------------------------------------------
# Measure figures and periods

CELL_TOKENS = ["30,836", "1,000,000", "+160", "-2", "\u22125", "\u2013 3", "12.5", "%", "pp", "k", "m", "bn", "\u00a3", "$",
               "\u20ac", "*", "[a]", "(b)", "\u00b9", "n/a", "-", "tbc", "0", "007", ",", ".", " ", "12345678901234567890"]


def _decimal_digits(text: str) -> str:
    """The digits of ``text`` as ASCII, whatever script they are written in."""
    return "".join(str(unicodedata.decimal(c)) for c in text if unicodedata.decimal(c, None) is not None)


@SETTINGS
@given(st.one_of(st.text(), text_with(CELL_TOKENS, max_size=6)))
@example("12345678901234567890")  # read through a float, it came out as 12345678901234567168
@example("9" * 400 + ".5")  # read as infinity
def test_parse_value_never_crashes_and_invents_no_digits(raw: str) -> None:
    """A figure's digits are all in its cell: whole numbers exactly; numbers with a fraction
    as far as a float holds them (15 significant digits)."""
    value = parse_value(raw)
    if value is None:
        return
    assert isinstance(value, (int, float)) and not isinstance(value, bool)
    assert math.isfinite(value)
    digits = _decimal_digits(raw)
    if isinstance(value, int):
        assert str(abs(value)) in digits or value == 0, f"{value!r} from {raw!r}"
        return
    mantissa = repr(abs(value)).split("e")[0].replace(".", "").strip("0")
    if len(mantissa) <= 15:
        assert mantissa in digits, f"{value!r} from {raw!r}"


PERIOD_TOKENS = ["2019", "2020/21", "/", "-", "20", "21", "2013/14", "Q1", "Q2", "Q3", "Q4", "H1", "March", "Sept", "Mar.",
                 " ", "1999/00", "2099/2100", "2019/2020", "2021-22"]


@SETTINGS
@given(st.one_of(st.text(), text_with(PERIOD_TOKENS, max_size=5)))
def test_period_key_never_crashes(text: str) -> None:
    key = period_key(text)
    if key is not None:
        year, month = key
        assert isinstance(year, int) and isinstance(month, int)
        assert 1 <= month <= 12


@SETTINGS
@given(st.integers(1990, 2098), st.integers(1990, 2098), st.integers(1, 4), st.integers(1, 4))
def test_period_keys_sort_as_time_goes(first: int, second: int, q1: int, q2: int) -> None:
    def fy(year: int) -> str:
        return f"{year}/{(year + 1) % 100:02d}"

    # financial years, written either way, and their quarters
    assert (period_key(fy(first)) < period_key(fy(second))) == (first < second)
    assert period_key(fy(first)) == period_key(f"{first}/{first + 1}") == period_key(f"April {first}")
    assert (period_key(f"Q{q1} {fy(first)}") < period_key(f"Q{q2} {fy(second)}")) == ((first, q1) < (second, q2))
    assert period_key(f"Q1 {fy(first)}") == period_key(fy(first))
    # calendar years and months
    assert period_key(str(first)) == period_key(f"January {first}") == (first, 1)
    assert period_key(f"December {first}") < period_key(fy(first + 1)) if first < 2098 else True
    labels = [fy(first), f"Q{q1} {fy(second)}", str(second), f"March {first}"]
    ordered = sorted(labels, key=period_key)
    assert [period_key(p) for p in ordered] == sorted(period_key(p) for p in labels)


# --------------------------------------------------------------------------------------------
# Dates

DATE_TOKENS = ["1", "10", "15", "31", "29", "st", "th", "nd", " ", " ", "/", "-", ".", ",", "of", "June", "Sept", "sep",
               "September", "Feb", "August", "2022", "2021", "1999", "2000", "2024", "20", "0", "Monday", "Thursday,",
               "2022-06-10", "10/06/2022", "20220610", "_panel.pdf"]


def _assert_plausible(found: date | None, text: str) -> None:
    if found is not None:
        assert isinstance(found, date)
        assert str(found.year) in text, f"{found} from {text!r}"


@SETTINGS
@given(st.one_of(st.text(), text_with(DATE_TOKENS)))
@example("1 \u017fept 2022")  # long s folds to "s" under re.IGNORECASE: it crashed the month lookup
@example("3 Apr\u0130l 2022")  # so does a dotted capital I: KeyError 'apri̇l'
@example("10 June 20\u0662\u0662")  # Arabic-Indic digits were read as the year 2022
def test_date_parsing_never_crashes_and_finds_only_real_dates(text: str) -> None:
    _assert_plausible(find_date(text), text)
    _assert_plausible(parse_date(text), text)
    _assert_plausible(date_from_filename(text), text)


@SETTINGS
@given(st.dates(date(1900, 1, 1), date(2099, 12, 31)), st.sampled_from(["{d} {B} {Y}", "{d}th {B} {Y}", "{B} {d}, {Y}",
                                                                        "{Y}-{m}-{dd}", "{dd}/{m}/{Y}", "{A} {d} {b} {Y}"]))
def test_written_dates_are_found(day: date, form: str) -> None:
    text = form.format(
        d=day.day, dd=f"{day.day:02d}", m=f"{day.month:02d}", Y=day.year, B=day.strftime("%B"), b=day.strftime("%b"),
        A=day.strftime("%A"),
    )
    assert find_date(f"Meeting held on {text} at County Hall") == day
    assert parse_date(text) == day
    assert date_from_filename(f"{day:%Y-%m-%d}_panel.pdf") == day


# --------------------------------------------------------------------------------------------
# Queries

QUERY_TOKENS = ['"', "(", ")", " AND ", " OR ", " NOT ", "*", "?", ":", "^", "~", "[", "]", "{", "}", " TO ", "text:",
                "heading:", "date:", "-", "+", "\\", "'", "\u201c", "\u2019", "2022", "stalking", "orders", "the", "of",
                "a", " ", "<", ">", "=", "/"]
SCHEMA = build_schema()


@SETTINGS
@given(st.one_of(st.text(), text_with(QUERY_TOKENS, max_size=10)))
def test_parse_query_gives_a_query_or_a_query_error(text: str) -> None:
    try:
        query = parse_query(SCHEMA, text)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert query is not None
