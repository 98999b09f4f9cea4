"""Dates as these reports write them: "10 th June 2022", "15 June 2021", "June 10, 2022",
"10/06/2022" (UK order), "2022-06-10"; and dates in file names ("2022-06-10_panel.pdf")."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-9]{1,2})\s*(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)[0-9]{2})"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"

#: Digits are ASCII digits only: ``\d`` would read "20٢٢" (Arabic-Indic digits) as the year 2022.
_PATTERNS = [
    re.compile(rf"\b{_WEEKDAY}{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)[0-9]{2})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})\b"),
    re.compile(r"\b(?P<day>[0-9]{1,2})[/.](?P<month>[0-9]{1,2})[/.](?P<year>(?:19|20)[0-9]{2})\b"),
]
_FILENAME = re.compile(r"(?<![0-9])(?P<year>(?:19|20)[0-9]{2})[-_.]?(?P<month>[0-9]{2})[-_.]?(?P<day>[0-9]{2})(?![0-9])")


def _build(match: re.Match[str]) -> date | None:
    month_text = match.group("month")
    # casefold: re.IGNORECASE also matches "ſept" (long s) or "Aprİl", which lower() keeps as they are
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.casefold().rstrip("."))
    if month is None:
        return None
    try:
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None


def find_date(text: str) -> date | None:
    """The first calendar date written in ``text``, or None."""
    found: list[tuple[int, date]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            value = _build(match)
            if value is not None:
                found.append((match.start(), value))
                break
    return min(found)[1] if found else None


def parse_date(text: str) -> date | None:
    """``text`` read as one date (ISO, UK numeric or written out), or None."""
    return find_date(text.strip())


def date_from_filename(name: str) -> date | None:
    """A date at the start of or inside a file name such as ``2022-06-10_panel.pdf``."""
    match = _FILENAME.search(name)
    return _build(match) if match else None
