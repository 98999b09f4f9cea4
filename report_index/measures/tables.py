"""Performance-measure tables: from table cells to measures with normalised values.

A measures table has a name column, sometimes an unlabelled breakdown column (DVPO and DVPN under
"Increase use of DVPO/DVPN"), one column per period ("2019/20", "Q3 2013/14", "2021",
"March 2013"), and often a Difference and a Trend column. A following Measure | Comment table
gives the report's own words on each measure. Every figure keeps its raw cell; a Difference that
agrees with neither last-minus-first nor last-minus-previous is flagged, not trusted.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..models import Measure, MeasureValue, Paragraph, Report, Table
from ..text.clean import TREND_GLYPHS, squash

_FY = re.compile(r"^(?:(?P<q>Q[1-4])\s+)?(?P<y1>(?:19|20)\d{2})\s*[/-]\s*(?P<y2>\d{2}|\d{4})(?:\s+(?P<q2>Q[1-4]))?$", re.I)
_YEAR = re.compile(r"^(?:(?P<q>Q[1-4])\s+)?(?P<y>(?:19|20)\d{2})(?:\s+(?P<q2>Q[1-4]))?$", re.I)
_MONTH_YEAR = re.compile(r"^(?P<m>[A-Za-z]{3,9})\.?\s+(?P<y>(?:19|20)\d{2})$")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DIFFERENCE_WORDS = ("difference", "change", "variance", "+/-", "diff")
_TREND_WORDS = ("trend", "direction", "dot")
_COMMENT_WORDS = ("comment", "comments", "commentary", "narrative", "notes")
_NAME_WORDS = ("measure", "measures", "indicator", "indicators", "metric", "")
_MISSING = {"", "-", "\u2013", "\u2014", "n/a", "na", "n.a.", "not available", "nil return", "tbc", "*", "..", "x"}
_FOOTNOTE = re.compile(r"(?:\s*(?:\[\w{1,3}\]|\(\w\)|[*\u2020\u2021\u00b9\u00b2\u00b3\u2070-\u2079]+))+$")
_NUMBER = re.compile(r"^(?P<sign>[+\u2212\u2013-])?\s*(?P<cur>[\u00a3$\u20ac])?\s*(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?\s*(?P<unit>%|pp|k|m|bn)?$", re.I)
_TREND_WORDS_MAP = {
    "up": "up", "increase": "up", "increased": "up", "increasing": "up", "higher": "up", "rise": "up", "rising": "up",
    "down": "down", "decrease": "down", "decreased": "down", "decreasing": "down", "lower": "down",
    "reduction": "down", "reduced": "down", "fall": "down", "falling": "down",
    "level": "level", "stable": "level", "same": "level", "no change": "level", "unchanged": "level", "static": "level",
}
_ARROWS = {"\u2191": "up", "\u2193": "down", "\u2194": "level"}


# --------------------------------------------------------------------------------------------
# Cells


def period_key(period: str) -> tuple[int, int] | None:
    """A sortable key for a period label, or None if the text is not a period.

    A financial year "2019/20" starts in April 2019; "Q3 2013/14" is October 2013; a plain
    year is January; "March 2013" is March 2013.
    """
    text = squash(period)
    match = _FY.match(text)
    if match:
        start = int(match.group("y1"))
        end = match.group("y2")
        end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if end_year not in (start, start + 1) and not (len(end) == 2 and int(end) == (start + 1) % 100):
            return None
        quarter = match.group("q") or match.group("q2")
        month = 4 + 3 * (int(quarter[1]) - 1) if quarter else 4
        return (start + (month - 1) // 12, (month - 1) % 12 + 1)
    match = _YEAR.match(text)
    if match:
        quarter = match.group("q") or match.group("q2")
        return (int(match.group("y")), 1 + 3 * (int(quarter[1]) - 1) if quarter else 1)
    match = _MONTH_YEAR.match(text)
    if match and match.group("m")[:3].lower() in _MONTHS:
        return (int(match.group("y")), _MONTHS[match.group("m")[:3].lower()])
    return None


def parse_value(raw: str) -> float | None:
    """A table cell as a number: "30,836" -> 30836, "+160" -> 160, "12.5%" -> 12.5, "n/a" -> None.

    Footnote marks ("441*", "12[a]", "3¹") are ignored; a cell that is not a figure gives None.
    """
    text = squash(raw).replace("\u2212", "-")
    text = _FOOTNOTE.sub("", text).strip()
    if text.lower() in _MISSING:
        return None
    match = _NUMBER.match(text.replace(" ", ""))
    if not match:
        return None
    whole = match.group("num").replace(",", "")
    if len(whole) > 300:  # not a figure, and beyond what a float can hold
        return None
    fraction = (match.group("dec") or "").rstrip("0")
    # A whole number ("441", "12.0") is an exact int: through a float, 12345678901234567890 came out ...7168.
    number: float = float(whole + fraction) if fraction not in ("", ".") else int(whole)
    if match.group("sign") in ("-", "\u2013"):
        number = -number
    return number


def parse_trend(raw: str) -> str | None:
    """"up", "down" or "level" from an arrow, an extraction glyph or a word."""
    text = squash(raw)
    if not text:
        return None
    arrow = TREND_GLYPHS.get(text, text)
    if arrow in _ARROWS:
        return _ARROWS[arrow]
    for glyph, meaning in _ARROWS.items():
        if glyph in text:
            return meaning
    return _TREND_WORDS_MAP.get(text.lower().strip(" ."))


def normalise_name(name: str) -> str:
    """The key two reports' names for one measure share: case, punctuation and footnotes ignored."""
    text = _FOOTNOTE.sub("", squash(name)).lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9/%]+", " ", text)
    return squash(text)


# --------------------------------------------------------------------------------------------
# Tables


def _columns(header: list[str]) -> dict[str, object] | None:
    """Column roles of a measures table, or None when the table is not one."""
    periods = [(i, cell) for i, cell in enumerate(header) if period_key(cell)]
    if not periods:
        return None
    first_period = periods[0][0]
    roles: dict[str, object] = {"name": 0, "periods": periods, "breakdown": None, "difference": None, "trend": None, "comment": None}
    if first_period == 0:
        return None
    if first_period >= 2 and all(not header[i].strip() or header[i].strip().lower() in ("breakdown", "type", "category") for i in range(1, first_period)):
        roles["breakdown"] = first_period - 1
    for i, cell in enumerate(header):
        lowered = cell.strip().lower()
        if i <= first_period or period_key(cell):
            continue
        if roles["difference"] is None and lowered.startswith(_DIFFERENCE_WORDS):
            roles["difference"] = i
        elif roles["trend"] is None and lowered.startswith(_TREND_WORDS):
            roles["trend"] = i
        elif roles["comment"] is None and lowered.startswith(_COMMENT_WORDS):
            roles["comment"] = i
    return roles


def _table_roles(table: Table) -> dict[str, object] | None:
    """``_columns`` of the table's header, checked against its rows: a column of figures under a
    blank title is no breakdown."""
    roles = _columns(table.header)
    if roles is not None and roles["breakdown"] is not None:
        filled = [squash(row[roles["breakdown"]]) for row in table.rows if len(row) > roles["breakdown"]]
        filled = [cell for cell in filled if cell]
        if filled and sum(parse_value(cell) is not None for cell in filled) * 2 > len(filled):
            roles["breakdown"] = None
    return roles


def is_comment_table(table: Table) -> bool:
    header = [cell.strip().lower() for cell in table.header if cell.strip()]
    return len(header) == 2 and header[0] in _NAME_WORDS and header[1].startswith(_COMMENT_WORDS)


def measures_from_table(table: Table, index: int | None = None) -> list[Measure]:
    """The measures of one table (none when it is not a measures table)."""
    roles = _table_roles(table)
    if roles is None:
        return []
    measures = []
    for number, row in enumerate(table.rows):
        cells = row + [""] * (len(table.header) - len(row))
        name = squash(cells[roles["name"]])
        if not name:
            continue
        breakdown = squash(cells[roles["breakdown"]]) if roles["breakdown"] is not None else ""
        values = [
            MeasureValue(period=squash(period), value=parse_value(cells[i]), raw=cells[i]) for i, period in roles["periods"]
        ]
        if all(v.value is None for v in values) and not any(v.raw for v in values):
            continue  # a heading row inside the table
        found: dict = {}
        if roles["difference"] is not None:
            found["difference_raw"] = cells[roles["difference"]]
            found["difference"] = parse_value(found["difference_raw"])
        if roles["trend"] is not None:
            found["trend_raw"] = cells[roles["trend"]]
            found["trend"] = parse_trend(found["trend_raw"])
        if roles["comment"] is not None:
            found["comment"] = squash(cells[roles["comment"]])
        page = table.page_of(number)
        if page is not None:
            found["pages"] = [page]
        measure = Measure(name=name, breakdown=breakdown or None, values=values, section="", table=index, **found)
        measures.append(replace(measure, flags=check_difference(measure)))
    return measures


def check_difference(measure: Measure) -> list[str]:
    """A flag when the stated Difference matches neither last-minus-first nor last-minus-previous."""
    known = [v.value for v in measure.values if v.value is not None]
    if measure.difference is None or len(known) < 2:
        return []
    candidates = {round(known[-1] - known[0], 6), round(known[-1] - known[-2], 6)}
    if any(abs(measure.difference - c) <= 0.051 for c in candidates):
        return []
    return [
        f"difference {measure.difference_raw.strip()} disagrees with the figures "
        f"(last minus first {_fmt(known[-1] - known[0])}, last minus previous {_fmt(known[-1] - known[-2])})"
    ]


def _fmt(number: float) -> str:
    value = int(number) if float(number).is_integer() else round(number, 2)
    return f"{value:+,}" if isinstance(value, int) else f"{value:+}"


def _comments(table: Table) -> dict[str, tuple[str, int | None]]:
    return {
        normalise_name(row[0]): (squash(row[1]), table.page_of(number))
        for number, row in enumerate(table.rows)
        if len(row) >= 2 and row[0].strip()
    }


# --------------------------------------------------------------------------------------------
# The report model


def measure_text(measure: Measure) -> str:
    """The searchable text of a measure: its name, figures, difference, trend and comment."""
    name = f"{measure.name} \u2014 {measure.breakdown}" if measure.breakdown else measure.name
    figures = "; ".join(f"{v.period}: {v.raw.strip() or 'blank'}" for v in measure.values)
    parts = [f"{name}: {figures}"]
    if measure.difference_raw.strip():
        parts.append(f"difference {measure.difference_raw.strip()}")
    if measure.trend:
        parts.append(f"trend {measure.trend}")
    text = "; ".join(parts) + "."
    if measure.comment:
        text += f" Comment: {measure.comment}"
    return text


def _with_other_cells(text: str, header: list[str], cells: list[str], roles: dict | None) -> str:
    """A measure's text and the cells of its row that no column role read (a column with no
    period for a title, a target, a RAG rating), each with its column's title, so that every
    figure of the row stays searchable."""
    if roles is None:
        return text
    used = {roles["name"], roles["breakdown"], roles["difference"], roles["trend"], roles["comment"]}
    used.update(i for i, _ in roles["periods"])
    titles = header + [""] * (len(cells) - len(header))
    other = [
        f"{squash(titles[i])}: {squash(cell)}" if squash(titles[i]) else squash(cell)
        for i, cell in enumerate(cells)
        if i not in used and squash(cell)
    ]
    return f"{text} Other columns: {' | '.join(other)}." if other else text


def attach_measures(report: Report) -> Report:
    """The report with its measures tables read into ``measures`` and each measure made one
    passage (kind "measure") in place of its table row; comments from a Measure | Comment table
    are joined to their measures and that table's rows are dropped as passages."""
    measures: list[Measure] = []
    measure_tables: set[int] = set()
    comment_tables: dict[int, dict[str, str]] = {}
    for index, table in enumerate(report.tables):
        found = measures_from_table(table, index)
        if found:
            measures.extend(found)
            measure_tables.add(index)
        elif is_comment_table(table):
            comment_tables[index] = _comments(table)
    if not measures:
        return report
    used_comment_tables: set[int] = set()
    for number, measure in enumerate(measures):
        key = normalise_name(measure.name)
        for index, comments in comment_tables.items():
            if key in comments and not measure.comment:
                comment, page = comments[key]
                pages = measure.pages + ([page] if page is not None and page not in measure.pages else [])
                measure = measures[number] = replace(measure, comment=comment, pages=pages)
                used_comment_tables.add(index)

    passages: list[Paragraph] = []
    by_row: dict[tuple[int | None, str], list[int]] = {}  # the measures of each row, by its name cell
    for number, measure in enumerate(measures):
        by_row.setdefault((measure.table, measure.name), []).append(number)
    roles_of = {index: _table_roles(report.tables[index]) for index in measure_tables}
    for para in report.paragraphs:
        if para.kind == "table_row" and para.table in measure_tables:
            table, roles = report.tables[para.table], roles_of[para.table]
            cells = list(para.cells or [])
            waiting = by_row.get((para.table, squash(cells[0]) if cells else ""), [])
            if not waiting:  # a row that is no measure (a heading row, figures with no name): as it was
                passages.append(para)
                continue
            # the row's measure takes its place, with the cells no column role took
            number = waiting.pop(0)
            measure = measures[number] = replace(measures[number], section=para.section)
            passages.append(
                Paragraph(
                    ordinal=0,
                    kind="measure",
                    text=_with_other_cells(measure_text(measure), table.header, cells, roles),
                    section=para.section,
                    heading_path=list(para.heading_path),
                    pages=list(measure.pages),
                    table=para.table,
                    measure=number,
                )
            )
            continue
        if para.kind == "table_row" and para.table in used_comment_tables:
            continue
        passages.append(para)
    return replace(report, paragraphs=[replace(p, ordinal=i) for i, p in enumerate(passages)], measures=measures)
