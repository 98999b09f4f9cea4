"""The title block at the top of a report: the meeting (body), the meeting date, the subject, the
author and "report of", from labelled lines (``Report to:``, ``Date:``, a memo's ``To:`` and
``From:``, a decision record's ``Date of decision``), a minutes header ("Minutes of the meeting
of the Police and Crime Panel held on Tuesday 14 March 2023 at ..."), a meeting name in capitals
(``COMMUNITY OUTCOMES MEETING``) and a line that is a date and nothing else."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Table
from ..sources.tables import table_lines
from ..text.dates import MONTHS, find_date, published_line
from .labels import NUMBER_LABEL, is_caps


#: Title-block labels and the metadata field each one fills.
FRONT_MATTER_KEYS = {
    "report to": "body",
    "to": "body",
    "meeting": "body",
    "committee": "body",
    "meeting of": "body",
    "decision maker": "body",
    "date": "date",
    "date of meeting": "date",
    "meeting date": "date",
    "date of decision": "date",
    "decision date": "date",
    "date of report": "date",
    "report date": "date",
    "subject": "title",
    "title": "title",
    "report title": "title",
    "title of report": "title",
    "title of decision": "title",
    "decision title": "title",
    "report of": "report_of",
    "report by": "report_of",
    "report from": "report_of",
    "from": "report_of",
    "presented by": "report_of",
    "submitted by": "report_of",
    "author": "author",
    "authors": "author",
    "author(s)": "author",
    "report author": "author",
    "lead officer": "author",
    "contact officer": "author",
}


#: How much each date label is to be believed as the meeting's date: the meeting date over a
#: bare "Date", over the date the report was written. The first of the highest rank is kept.
_DATE_RANK = {"date of meeting": 3, "meeting date": 3, "date of report": 1, "report date": 1}


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


_MONTH_START = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)


_AGENDA = re.compile(r"^(agenda\s+)?item\s+\w+$", re.IGNORECASE)


#: Labels of more than one word, written without their colon ("Date of meeting  14 March 2023",
#: the label and its value in two columns).
_BARE_KEY = re.compile(
    r"^(?P<key>"
    + "|".join(sorted((re.escape(k) for k in FRONT_MATTER_KEYS if " " in k), key=len, reverse=True))
    + r")\s+(?P<value>\S.*)$",
    re.IGNORECASE,
)


#: "Minutes of the meeting of the Police and Crime Panel held on Tuesday 14 March 2023 at ...",
#: "MINUTES OF THE JOINT AUDIT COMMITTEE MEETING HELD AT ... ON 14 MARCH 2023".
_MINUTES = re.compile(
    r"^minutes\s+of\s+(?:the\s+|a\s+|an\s+)?(?:(?:extraordinary|special|annual|ordinary|public)\s+)?"
    r"(?:meeting\s+of\s+(?:the\s+)?)?(?P<body>.+?)(?:\s+meeting)?(?:,?\s+held\b(?P<held>.*)|,\s*(?P<when>.*\d.*))$",
    re.IGNORECASE,
)


#: Lines of a title block that are kept as the body's text too: a form's name ("Decision
#: Record"), a reference, a protective marking.
_FORM_LINE = re.compile(
    r"^(?:(?:(?:pcc|pfcc|mayoral|executive|officer|commissioner'?s?|deputy\s+mayor'?s?)\s+)?"
    r"(?:decision\s+(?:record|notice|report|sheet|form)(?:\s+form)?|record\s+of\s+(?:a\s+|the\s+)?decision)"
    r"(?:\s+(?:no\.?|number|ref(?:erence)?\.?)?\s*[\w/.-]*\d[\w/.-]*)?"
    r"|official(?:[\s-]+sensitive)?|not\s+protectively\s+marked|unclassified|restricted|open|public|part\s+[a-c12])$",
    re.IGNORECASE,
)


_DATE_WORDS = set(MONTHS) | {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "of", "the", "st", "nd", "rd", "th",
}


def date_line(text: str):
    """The date of a line that is a date and nothing else ("15 June 2021", "Tuesday 14th March
    2023", "10/06/2022"); None for any other line: a period ("covers 27 November 2024 to 31
    March 2025"), a financial year ("2019/20"), a sentence that mentions a date."""
    found = find_date(text)
    if found is None or len(text) > 40:
        return None
    for token in re.findall(r"[^\W\d_]+|\d+", text.casefold()):
        if not token.isdigit() and token not in _DATE_WORDS:
            return None
    numbers = re.findall(r"\d+", text)
    return found if len(numbers) <= 3 else None


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
    heading: str = ""  # the title block's opening heading, the title when no label gives one
    date_rank: int = field(default=0, repr=False)  # how the date was given (see _DATE_RANK)
    sender: tuple[str, str] = field(default=("", ""), repr=False)  # a memo's From: (name, role)

    def set_date(self, value, rank: int) -> None:
        if value is not None and rank > self.date_rank:
            self.date, self.date_rank = value.isoformat(), rank


#: What ``_front_line`` makes of a line: read into the title block (and not the body's), read
#: and kept as the body's text too (a minutes header, a form's name), or not a title-block line.
TAKEN, SEEN, OTHER = "taken", "seen", ""


def read_front_matter(blocks: list) -> FrontMatter:
    """Read the title block: labelled lines, a minutes header, a meeting name in capitals, a
    date line.

    A line above or among them that is none of these (a banner, a logo's caption) is left to
    the body; the title block ends where the body visibly starts (a numbered line, a capitals
    heading) or after a few lines that are not title-block lines. A "table" of labelled lines
    ("Date:" | "10 June 2022") or of a form's labelled text is read line by line, and taken
    whole when every line is a title-block line.
    """
    front = FrontMatter()
    misses = 0
    index = 0
    limit = min(len(blocks), 25)
    while index < limit:
        block = blocks[index]
        if isinstance(block, Table):
            lines = table_lines(block)
            if lines is None:
                break
            results = [_front_line(front, line.text) for line in lines]
            if results and all(result == TAKEN for result in results):
                front.taken.add(index)
            misses = 0 if any(results) else misses + 1
            index += 1
            continue
        text = block.text.strip()
        if not text:
            index += 1
            continue
        joined = _minutes_header(blocks, index)
        if joined:
            _front_line(front, " ".join(blocks[i].text.strip() for i in joined))
            misses = 0
            index = joined[-1] + 1
            continue
        result = _front_line(front, text)
        if result:
            if result == TAKEN:
                front.taken.add(index)
            misses = 0
            index += 1
            continue
        misses += 1
        if NUMBER_LABEL.match(text) or is_caps(text) or misses >= 3:
            break
        index += 1
    if not front.author and front.sender[0]:
        front.author, front.author_role = front.sender
    return front


def _minutes_header(blocks: list, index: int) -> list[int]:
    """The block indexes of a minutes header that starts at ``index`` (it may wrap onto the next
    line or two), or [] when none starts there."""
    if not re.match(r"^minutes\s+of\b", getattr(blocks[index], "text", "").strip(), re.IGNORECASE):
        return []
    taken = [index]
    text = blocks[index].text.strip()
    while find_date(text) is None and len(taken) < 3 and index + len(taken) < len(blocks):
        following = blocks[index + len(taken)]
        if isinstance(following, Table) or not following.text.strip():
            break
        number = NUMBER_LABEL.match(following.text)
        if number and not _MONTH_START.match(number.group("rest")):  # "14 March 2023" is no paragraph 14
            break
        taken.append(index + len(taken))
        text = f"{text} {following.text.strip()}"
    return taken if _MINUTES.match(text) and find_date(text) else ([index] if _MINUTES.match(blocks[index].text.strip()) else [])


def _front_line(front: FrontMatter, text: str) -> str:
    """Take ``text`` into the front matter if it is a title-block line; say what it was."""
    match = KEY_VALUE.match(text)
    bare = None if match else _BARE_KEY.match(text)
    if bare and not _bare_value(bare.group("key"), bare.group("value")):
        bare = None
    if match or bare:
        found = match or bare
        key = " ".join(found.group("key").split()).lower()
        value = found.group("value").strip()
        target = FRONT_MATTER_KEYS.get(key)
        if target is None:
            # another label of a title block ("Agenda item: 5", "Classification: OFFICIAL"):
            # the block goes on, and the line stays the body's
            return SEEN if len(key.split()) <= 4 and len(text.split()) <= 12 else OTHER
        if target == "body":
            front.body = canonical_body(re.sub(r"^the\s+", "", value, flags=re.IGNORECASE))
        elif target == "date":
            front.set_date(find_date(value), _DATE_RANK.get(key, 2))
        elif target == "title":
            front.title = value
        elif target == "author":
            front.author, front.author_role = split_name_role(value)
        elif key == "from":
            front.report_of, front.report_of_role = front.sender = split_name_role(value)
        elif target == "report_of":
            front.report_of, front.report_of_role = split_name_role(re.sub(r"^the\s+", "", value) if bare else value)
        return TAKEN
    minutes = _MINUTES.match(text)
    if minutes and len(text.split()) <= 40:
        when = find_date(minutes.group("held") or minutes.group("when") or "")
        body = canonical_body(minutes.group("body"))
        if when is not None and body:
            front.set_date(when, 3)
            front.body = front.body or body
            front.title = front.title or f"Minutes of the {body}"
            return SEEN
    if _AGENDA.match(text):
        return TAKEN
    if _FORM_LINE.match(text.strip(" .:")):
        return SEEN
    found = date_line(text)
    if found and not front.date:
        front.set_date(found, 1)
        return TAKEN
    named = _meeting_and_date(text)
    if named and not front.body:
        front.body = named[0]
        front.set_date(named[1], 2)
        return TAKEN
    if is_caps(text) and _BODY_WORDS.search(text) and not front.body and len(text.split()) <= 10:
        front.body = canonical_body(text)
        return TAKEN
    if not front.body and _names_body(text):
        front.body = text.strip()  # "Royal Sutton Coldfield Town Council" on a line of its own
        return TAKEN
    heading, when = _heading_and_date(text)
    if heading and when is not None:
        # a heading that ends with its date: "Amenities Committee Community Grant Applications
        # 15th November 2016", "Town Council Election Thursday 3 May 2018"
        front.set_date(when, 2)
        if not front.heading:
            front.heading = heading
        return SEEN
    if not front.heading and _title_like(text):
        front.heading = text.strip()
        return SEEN
    return OTHER


#: Words that put a date in a period rather than on a heading.
_PERIOD_WORDS = {"from", "until", "till", "between", "since", "before", "after", "ending", "ended", "covers", "covering"}


#: The last word of a body's name: "... Town Council", "... Scrutiny Committee".
_BODY_END = re.compile(r"\b(?:panel|committee|board|cabinet|council|forum|authority|partnership|commission(?:er)?)$", re.IGNORECASE)


def _capitalised(words: list[str]) -> bool:
    """Whether every word but the small ones starts with a capital or is not a word ("Royal
    Sutton Coldfield Town Council", "Police, Fire and Crime Panel")."""
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    return bool(content) and all(w[:1].isupper() or not w[:1].isalpha() for w in content)


def _names_body(text: str) -> bool:
    """Whether a line is the name of a council, committee or panel and nothing else, in title
    case, as a report's letterhead gives it."""
    words = text.strip().rstrip(".:").split()
    if any(w.lower() in _NOT_IN_BODIES for w in words):
        return False  # "Election Results For ... Town Council", "Report to the ... Panel": a title
    return 2 <= len(words) <= 10 and bool(_BODY_END.search(text.strip().rstrip(".:"))) and _capitalised(words)


#: Words a title has before a body's name and the name itself has not.
_NOT_IN_BODIES = {"for", "to", "on", "at", "by", "with", "from", "report", "results", "minutes", "agenda", "update"}


def _title_like(text: str) -> bool:
    """Whether a line of the title block can be the report's title: a short line starting with a
    capital that is not a sentence, a number, a label or a heading in capitals ("Summer in Sutton
    Coldfield", "Payments Made 2017/18 exceeding £250", "Statement of Accounts")."""
    text = text.strip()
    words = text.split()
    letters = sum(ch.isalpha() for ch in text)
    if not 1 <= len(words) <= 14 or letters < 4 or not text[:1].isupper():
        return False
    if text[-1] in ".,;:" or is_caps(text) or NUMBER_LABEL.match(text) or KEY_VALUE.match(text):
        return False
    if words[-1].lower() in SMALL_WORDS:
        return False  # a line that runs on into the next ("An Annual Report marks the")
    content = [w for w in words if w[:1].isalpha() and w.lower() not in SMALL_WORDS]
    return sum(1 for w in content if w[:1].isupper()) * 2 >= len(content)


def _heading_and_date(text: str) -> tuple[str, object]:
    """A title-block line that is a heading followed by a date, split: ("Town Council Election",
    2018-05-03) for "Town Council Election Thursday 3 May 2018"; ("", None) for any other line."""
    if len(text.split()) > 18 or text.rstrip().endswith(".") or published_line(text) is not None:
        return "", None  # a sentence, or "Published 4 July 2018" (weaker evidence: see text.dates)
    heading, found = _before_date(text)
    if found is None:
        return "", None
    last = heading.split()[-1].lower() if heading else ""
    if len(heading.split()) < 2 or last in SMALL_WORDS or last in _PERIOD_WORDS or find_date(heading) is not None:
        return "", None  # a period ("Covers 27 November 2024 to 31 March 2025", "Data to 31 March 2025")
    return (heading, found) if _title_like(heading) else ("", None)


def _meeting_and_date(text: str):
    """(meeting, date) of a line that names a meeting and its date and nothing else:
    "POLICE AND CRIME PANEL - 14 MARCH 2023", "Joint Audit Committee, Tuesday 6 June 2023"."""
    if len(text.split()) > 16:
        return None
    name, found = _before_date(text)
    if found is None:
        return None
    if name and (is_caps(name) and _BODY_WORDS.search(name) or any(k.casefold() == name.casefold() for k in KNOWN_BODIES)):
        return canonical_body(name), found
    meeting = re.sub(r"\s+meeting$", "", name, flags=re.IGNORECASE)
    if meeting != name and _names_body(meeting):  # "Royal Sutton Coldfield Town Council Meeting 21 February 2017"
        return meeting, found
    return None


def _before_date(text: str) -> tuple[str, object]:
    """A line split where the date that ends it begins: (what comes before, stripped of dashes
    and commas, the date); ("", None) when no date ends the line."""
    words = text.split()
    for start in range(1, len(words)):
        found = date_line(" ".join(words[start:]))
        if found is not None:
            return " ".join(words[:start]).strip(" -\u2013\u2014,:|"), found
    return "", None


def _bare_value(key: str, value: str) -> bool:
    """Whether what follows a label written without its colon is a title block's value: a date
    for a date label, a short name otherwise (not the rest of a sentence: "Report of the
    inspection found that ...")."""
    target = FRONT_MATTER_KEYS.get(" ".join(key.split()).lower())
    if target == "date":
        return find_date(value) is not None and len(value.split()) <= 8
    words = value.split()
    if not words or len(words) > 12 or value.rstrip().endswith("."):
        return False
    return _capitalised(words)
