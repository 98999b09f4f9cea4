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


# --------------------------------------------------------------------------------------------
# How much a date written in a report is to be believed as the report's own date


#: Where a report's date can come from, most to be believed first: the user's ``metadata.csv``,
#: the title block or meeting date in the text, a web page's publication metadata, the file
#: name, a Word document's creation date (when the file was made, not the meeting), a
#: "Published ..." or "Updated ..." line. A report with none is undated.
DATE_EVIDENCE = ["metadata.csv", "text", "page metadata", "filename", "document properties", "published line"]


def evidence_rank(source: str) -> int:
    """The rank of a ``date_source`` in :data:`DATE_EVIDENCE` (0 is best; unknown sources last)."""
    for rank, name in enumerate(DATE_EVIDENCE):
        if source == name or source.startswith(name + " ("):
            return rank
    return len(DATE_EVIDENCE)


_PUBLISHED = re.compile(
    r"^\s*(?:date\s+)?(?:first\s+)?(?:published|posted|updated|last\s+updated|issued)(?:\s+on)?\s*:?\s*(?P<rest>.{6,60})$",
    re.IGNORECASE,
)


def published_line(text: str) -> date | None:
    """The date of a "Published 27 November 2024" / "Posted: 09 March 2020" / "Updated 26
    January 2023" / "Published on: Monday, 27th November 2023" line; None for any other."""
    match = _PUBLISHED.match(text)
    return find_date(match.group("rest")) if match else None


_TITLE_DATE = re.compile(r"\((?P<when>[^()]{6,30})\)\s*$")
_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z' -]{2,30}(?:\s*\([A-Z]{2,5}\))?)\s+(?P<when>[^a-z].{5,30})$")


def heading_date(text: str) -> date | None:
    """The date a title or a press release's dateline carries: "Inaugural meeting (24 Nov
    2014)", "WAKEFIELD (UK) 11th March 2015"; None for any other line."""
    match = _TITLE_DATE.search(text) or _DATELINE.match(text.strip())
    if not match:
        return None
    when = match.group("when").strip()
    found = find_date(when)
    # the date is the whole of the bracket or of the dateline's rest, not a date in a sentence
    if found is None or len(re.sub(r"[\W\d_]+", " ", when).split()) > 3:
        return None
    return found


_COVERS = re.compile(
    r"\b(?:covers|covering|for the (?:financial |reporting )?year|for the period|annual report(?: for)?)\s+(?:the\s+)?(?:(?:financial|reporting)\s+year\s+)?"
    r"(?P<first>(?:19|20)[0-9]{2})\s*[/-]\s*(?P<second>[0-9]{2}(?:[0-9]{2})?)\b",
    re.IGNORECASE,
)


def estimated_year(text: str) -> str | None:
    """The year a text says it covers, as an estimate of an undated report's date: "covers
    2021/22" -> "2022" (the period's end); None when the text says no such thing."""
    match = _COVERS.search(text)
    if not match:
        return None
    first, second = match.group("first"), match.group("second")
    end = int(second) if len(second) == 4 else int(first[:2] + second)
    return str(end) if 0 < end - int(first) <= 1 else None
