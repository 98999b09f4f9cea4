"""The title block at the top of a report: the meeting (body), the meeting date, the subject, the
author and "report of", from labelled lines (``Report to:``, ``Date:``), a meeting name in
capitals (``COMMUNITY OUTCOMES MEETING``) and a date line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Table
from ..sources.tables import table_lines
from ..text.dates import find_date
from .labels import NUMBER_LABEL, is_caps


#: Title-block labels and the metadata field each one fills.
FRONT_MATTER_KEYS = {
    "report to": "body",
    "meeting": "body",
    "committee": "body",
    "meeting of": "body",
    "date": "date",
    "date of meeting": "date",
    "meeting date": "date",
    "subject": "title",
    "title": "title",
    "report title": "title",
    "report of": "report_of",
    "report by": "report_of",
    "report from": "report_of",
    "author": "author",
    "authors": "author",
    "author(s)": "author",
    "report author": "author",
    "lead officer": "author",
}


#: Meetings these reports go to, as they should be named whatever case the report uses.
KNOWN_BODIES = [
    "Police and Crime Panel",
    "Police, Fire and Crime Panel",
    "Community Outcomes Meeting",
    "Accountability and Performance Board",
    "Joint Audit Committee",
    "Police and Crime Commissioner",
]


_BODY_WORDS = re.compile(r"\b(MEETING|PANEL|COMMITTEE|BOARD|CABINET|COUNCIL|FORUM)\b", re.IGNORECASE)


SMALL_WORDS = {"and", "of", "the", "for", "in", "on", "to", "a", "an", "at", "by", "with", "or"}


KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z ()/&-]{0,30}?)\s*:\s*(?P<value>.*)$")


_AGENDA = re.compile(r"^(agenda\s+)?item\s+\w+$", re.IGNORECASE)


def canonical_body(text: str) -> str:
    """The meeting's name in its usual form: "COMMUNITY OUTCOMES MEETING" -> "Community Outcomes Meeting"."""
    text = text.strip().rstrip(".:")
    for known in KNOWN_BODIES:
        if known.casefold() in text.casefold():
            return known
    if is_caps(text):
        words = text.lower().split()
        return " ".join(w if (i and w in SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words))
    return text


def split_name_role(text: str) -> tuple[str, str]:
    """"Wendy Stevens – Research Manager" -> ("Wendy Stevens", "Research Manager")."""
    parts = re.split(r"\s+[\u2013\u2014-]\s+|,\s+", text.strip(), maxsplit=1)
    name = parts[0].strip()
    role = parts[1].strip() if len(parts) > 1 else ""
    return name, role


@dataclass
class FrontMatter:
    body: str = ""
    date: str | None = None
    title: str = ""
    author: str = ""
    author_role: str = ""
    report_of: str = ""
    report_of_role: str = ""
    taken: set[int] = field(default_factory=set)  # indexes of the blocks that were the title block


def read_front_matter(blocks: list) -> FrontMatter:
    """Read the title block: labelled lines, a meeting name in capitals, a date line.

    A line above or among them that is none of these (a banner, a logo's caption) is left to
    the body; the title block ends where the body visibly starts (a numbered line, a capitals
    heading) or after a few lines that are not title-block lines. A "table" of labelled lines
    ("Date:" | "10 June 2022") or of a form's labelled text is read line by line, and taken
    whole when every line is a title-block line.
    """
    front = FrontMatter()
    misses = 0
    for index, block in enumerate(blocks[:25]):
        if isinstance(block, Table):
            lines = table_lines(block)
            if lines is None:
                break
            results = [_front_line(front, line.text) for line in lines]
            if results and all(results):
                front.taken.add(index)
            misses = 0 if any(results) else misses + 1
            continue
        text = block.text.strip()
        if not text:
            continue
        if _front_line(front, text):
            front.taken.add(index)
            misses = 0
            continue
        misses += 1
        if NUMBER_LABEL.match(text) or is_caps(text) or misses >= 3:
            break
    return front


def _front_line(front: FrontMatter, text: str) -> bool:
    """Take ``text`` into the front matter if it is a title-block line; say whether it was."""
    match = KEY_VALUE.match(text)
    if match:
        key = match.group("key").strip().lower()
        value = match.group("value").strip()
        target = FRONT_MATTER_KEYS.get(key)
        if target is None:
            return False
        if target == "body":
            front.body = canonical_body(value)
        elif target == "date":
            found = find_date(value)
            front.date = found.isoformat() if found else front.date
        elif target == "title":
            front.title = value
        elif target == "author":
            front.author, front.author_role = split_name_role(value)
        elif target == "report_of":
            front.report_of, front.report_of_role = split_name_role(value)
        return True
    if _AGENDA.match(text):
        return True
    found = find_date(text)
    if found and len(text) <= 40 and not front.date:
        front.date = found.isoformat()
        return True
    if is_caps(text) and _BODY_WORDS.search(text) and not front.body and len(text.split()) <= 10:
        front.body = canonical_body(text)
        return True
    return False
