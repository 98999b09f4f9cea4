"""What a sentence says of an initiative: its status (planned, pilot, live, expanded, national,
review, ended: "national" for a statutory or national scheme) from the words around the mention, the figures it gives ("over 100 victims", "83%", "four
of the five Districts", "£2.4 m"), and how two reports' statuses and figures differ."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable

from ..models import Figure, Mention
from ..text.clean import fold_quotes_in_place, squash


#: The routine steps of a running scheme, as its procedure tells them in the future tense.
_ROUTINE = r"(?:inform|notif|shar|contact|tell|told|sen[dt]|receiv|complement|review)\w*"

#: Cues per status, strongest first: when several statuses are cued, the first in this list wins.
#: "will" on its own is the weakest sign of a plan, "continues to" the weakest sign of being live.
STATUS_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("ended", re.compile(r"\b(?:ended|has closed|was closed|closed down|decommissioned|stopped|ceased|discontinued|came to an end|no longer (?:runs|running|operat\w+|in place))\b", re.I)),
    # a review under way, not one done: "four evaluations have been carried out" says it ran
    ("review", re.compile(
        r"\b(?:under (?:\w+ )?review|review (?:is|was) (?:now )?(?:underway|under way|ongoing)|review is being|being reviewed"
        r"|being (?:evaluated|assessed)|evaluation (?:is|was) (?:now )?(?:underway|under way|ongoing|being)|to be (?:reviewed|evaluated))\b", re.I)),
    ("national", re.compile(
        r"\b(?:statutory (?:duty|obligation|requirement|footing|scheme)|legal requirement|placed (?:into|in) law|(?:came|come|comes|coming) into (?:force|effect)"
        r"|(?:across |in )?(?:all|every|each) (?:police )?forces? in (?:England and Wales|England|Wales|the UK)"
        r"|duty on (?:all |every )?(?:police )?forces|(?:is|are|was|were|now|became|become|made) statutory"
        r"|(?<!\bbe )(?:rolled out|implemented|introduced) (?:nationally|across (?:England and Wales|the country))|national roll[- ]?out"
        r"|(?:implemented|introduced) in England and Wales)\b", re.I)),
    ("planned", re.compile(
        r"\b(?:planned|planning to|plans to|bidding for|bid for|(?:applying|applied) to (?:partake|join|take part|become|be)\b"
        r"|(?:applying|applied) to (?:the )?(?-i:[A-Z])\w*|(?:applying|applied) for (?:\w+ ){0,3}?(?:funding|funds?|grants?|money|£)"
        # "the proposed order is necessary" is the order applied for in a case, not a plan
        r"|(?<!the )proposed|the proposed (?-i:[A-Z])\w*|proposals? (?:to|for)"
        r"|being drawn up|being developed|being implemented|being introduced|to be (?:launched|introduced|rolled out|established|piloted)"
        r"|due to (?:start|begin|launch|go live)|agreed to establish|will (?:be )?(?:launch|start|begin|introduce|establish|set up)\w*"
        r"|(?:recruitment|set up)\b[^.]{0,60}\bunderway)\b", re.I)),
    ("expanded", re.compile(
        r"\b(?:expanded|expanding|expansion|extended to|extending to|extension of|widened to|widening to|now adopting|adopted by|across all"
        r"|roll(?:ed)?[- ]out further|further roll[- ]?out|wider roll[- ]?out|scaled up"
        r"|(?:roll(?:ed|ing)?\s+(?:\S+\s+){0,3}?out|implement\w*|extend\w*|introduc\w*)\s+(?:\S+\s+){0,4}?(?:force|county|region|city)[- ]wide"
        r"|(?:force|county)[- ]wide (?:roll[- ]?out|implementation|approach|scheme)|largest (?:implementation|roll[- ]?out)"
        r"|now (?:operating|operates|running|runs) (?:in|across) (?:many|several|a number of|all|\w+ other))\b", re.I)),
    ("pilot", re.compile(r"\b(?:pilot(?:s|ed|ing)?|trial(?:l?ed|l?ing)|under trial|trial (?:period|phase|basis|scheme|run|site|area)|(?:a|the) (?:\S+ )?trial of)\b", re.I)),
    ("live", re.compile(
        r"\b(?:(?:is|are|was|were|now|currently|went|gone|has gone|been|remains?)\s+(?:now\s+)?live|live (?:across|in|since|from)"
        r"|rolled out|roll-out of|launched|now established|established|ha(?:s|ve) (?:now |recently |already )?been (?:delivered|implemented|introduced|embedded)"
        r"|business as usual|in place|up and running"
        r"|(?:introduced|implemented|launched) (?:in|on|since|from) (?:\w+ ){0,2}(?:19|20)\d\d"
        r"|(?:was|were|has been|have been) (?:set up|formed)|(?:have|has) (?:begun|developed)"
        r"|(?:currently|now) (?:being )?(?:issued|used|provided|given|distributed|deployed|available)"
        r"|(?:have|has) (?:now |already )?adopted|in (?:many|most|several|a number of|\d+) (?:police )?forces)\b", re.I)),
    # "will" on its own is the weakest sign of a plan; "aims to" is a purpose, not a plan; a
    # routine step in the future tense ("the officer will inform the school") is how a running
    # scheme works, the weakest sign of being live
    ("planned", re.compile(rf"\b(?:will(?! (?:be )?{_ROUTINE})|intends? to|is to be|are to be|go live date)\b", re.I)),
    ("live", re.compile(rf"\b(?:continues? to|continuing to|continued to|will (?:be )?{_ROUTINE})\b", re.I)),
]


_WEAK = len(STATUS_CUES) - 2  # the rank of the weakest two cues


@lru_cache(maxsize=4096)
def _status_cue(text: str) -> tuple[int, str | None]:
    """The strongest status cue in ``text``: (its rank in :data:`STATUS_CUES`, the status).
    Kept for texts seen again: a sentence naming several initiatives is read for each."""
    folded = fold_quotes_in_place(text)
    for rank, (status, pattern) in enumerate(STATUS_CUES):
        if pattern.search(folded):
            return rank, status
    return len(STATUS_CUES), None


def find_status(text: str, at: int | None = None) -> str | None:
    """The status the words of ``text`` give: planned, pilot, live, expanded, national, review,
    ended or None.

    With ``at`` (the offset of a mention in ``text``), cues in the mention's own clause come first:
    in "The scheme was decommissioned after the X Programme went live", X is live.
    """
    if at is not None:
        bounds = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(text)), len(text) + 1]
        for left, right in zip(bounds, bounds[1:]):
            if left <= at < right:
                own = _status_cue(text[left:right])[1]
                if own:
                    return own
                break
    return _status_cue(text)[1]


_CLAUSE_BREAK = re.compile(r";|\b(?:but|after|before|whereas|while|although|however)\b", re.I)


def best_status(texts: Iterable[str], weak: bool = True) -> str | None:
    """The status of several sentences together: the strongest cue of any of them; without
    ``weak``, the two weakest cues (a bare "will", "continues to") are not read."""
    cues = [cue for cue in (_status_cue(t) for t in texts) if weak or cue[0] < _WEAK]
    return min(cues, default=(0, None), key=lambda cue: cue[0])[1]


def status_rank(status: str, sentence: str = "") -> int:
    """How strong a cue ``status`` is (its rank in :data:`STATUS_CUES`): the strongest of its
    cues ``sentence`` has, else its strongest cue (a status read from elsewhere than the sentence)."""
    folded = fold_quotes_in_place(sentence)
    ranks = [rank for rank, (name, _) in enumerate(STATUS_CUES) if name == status]
    for rank in ranks:
        if STATUS_CUES[rank][1].search(folded):
            return rank
    return ranks[0] if ranks else len(STATUS_CUES)


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}


_NUMWORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|(?:a |one )?hundred|(?:a |one )thousand|nineteen|eighteen|seventeen|sixteen|fifteen|fourteen|thirteen|twelve|eleven|ten"
    r"|nine|eight|seven|six|five|four|three|two|one|zero)"
)


_NUMBER_WORDS: dict[str, float] = {w: float(i) for i, w in enumerate(_UNITS)}
_NUMBER_WORDS.update({w: float(v) for w, v in _TENS.items()})
_NUMBER_WORDS.update({"hundred": 100.0, "a hundred": 100.0, "one hundred": 100.0, "a thousand": 1000.0, "one thousand": 1000.0})
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"


_NUM = rf"(?:{_DIGITS}|{_NUMWORD})"


_NUMBER = re.compile(rf"(?<![\w/'£$.,-]){_NUM}(?![\w/]|-\w|[.,]\d)", re.I)


_MONEY = re.compile(rf"£\s?(?P<num>{_DIGITS})(?:\s?(?P<scale>bn|billion|m|million|k|thousand)\b)?", re.I)


_PERCENT = re.compile(r"\s?(?:%|per\s?cent\b|percent\b)", re.I)


_OF = re.compile(rf"\s+(?:out\s+)?of\s+(?:the\s+|all\s+|its\s+|our\s+|their\s+)?(?P<whole>{_NUM})(?![\w/]|-\w)", re.I)


_QUALIFIER = re.compile(
    r"(?:\b(?:just over|just under|over|more than|almost|nearly|around|about|approximately|up to|at least|fewer than|less than|under|some|a further|further|an additional|additional))\s+$",
    re.I,
)


_WORD = re.compile(r"\s+([A-Za-z][A-Za-z'\-]*)")


_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}


_TIME_UNITS = {
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "fortnight",
    "fortnights", "month", "months", "year", "years", "weekly", "monthly", "daily", "yearly", "annually",
    "quarterly", "hourly", "fortnightly", "times", "am", "pm",
}


#: Words that never are the thing counted.
_NOT_COUNTED = {
    "the", "a", "an", "of", "and", "or", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was",
    "were", "be", "been", "being", "has", "have", "had", "which", "that", "who", "whom", "this", "these", "those", "it",
    "its", "their", "them", "they", "we", "our", "us", "per", "than", "so", "not", "will", "would", "can", "could",
    "may", "should", "out", "up", "down", "also", "including", "each", "both", "all", "only", "such", "but", "if",
    "percent", "cent", "million", "billion", "thousand", "hundred", "m", "k", "bn", "times",
    "towards", "across", "always", "afterwards", "whereas", "perhaps", "thus", "has", "was", "does", "is", "as",
}


#: Words between a number and what it counts: "seven other Forces", "32 external transferees".
_MODIFIERS = {
    "other", "more", "additional", "further", "new", "extra", "external", "internal", "separate", "different",
    "individual", "specialist", "dedicated", "existing", "current", "former", "active", "live", "local", "national",
    "regional", "young", "older", "vulnerable", "front", "frontline", "front-line", "trained", "named", "key",
}


_IRREGULAR_PLURALS = {"children", "people", "staff", "police", "men", "women", "personnel", "youth", "media", "data"}


def _number_value(text: str) -> float:
    text = text.lower().strip()
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text]
    if "-" in text:
        tens, unit = text.split("-", 1)
        return _TENS[tens] + _NUMBER_WORDS[unit]
    return float(text.replace(",", ""))


def _plural(word: str) -> bool:
    lower = word.lower()
    return lower in _IRREGULAR_PLURALS or (lower.endswith("s") and not lower.endswith("ss") and len(lower) > 2)


def _counted(text: str, start: int, value: float) -> tuple[str, int] | None:
    """What a number counts, from the words after it: ("victims", end offset) or None."""
    words: list[tuple[str, int]] = []
    position = start
    for _ in range(4):
        match = _WORD.match(text, position)
        if not match:
            break
        words.append((match.group(1), match.end()))
        position = match.end()
    for index, (word, end) in enumerate(words):
        bare = re.sub(r"'s?$", "", word)
        lower = bare.lower()
        if len(bare) < 2 or lower in _NOT_COUNTED or lower in _MONTHS or lower in _TIME_UNITS:
            return None
        if lower in _MODIFIERS and index + 1 < len(words):
            continue
        last = index + 1 >= len(words)
        if bare[0].isupper() and not bare.isupper() and not _plural(bare) and not last:
            continue  # part of a name: "five West Yorkshire districts"
        if bare[0].islower() and not _plural(bare) and value != 1:
            if not last and _plural(re.sub(r"'s?$", "", words[index + 1][0])):
                continue  # an adjective: "two young children"
            return None
        return bare, end - (len(word) - len(bare))
    return None


def _is_year(token: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d", token))


def find_figures(text: str, exclude: Iterable[tuple[int, int]] = ()) -> list[Figure]:
    """The figures in ``text`` with what they count.

    ``over 100 victims`` -> 100 "victims"; ``83%`` -> 83 "%"; ``four of the five Districts`` -> 4 of 5
    "Districts"; ``£2.4 m`` -> 2400000 "£"; ``seven other Forces`` -> 7 "Forces". Dates, years,
    periods (``2019/20``), ordinals, durations (``six months``), numbers inside names (``Niche
    Missing Module 2``, character spans in ``exclude``) and bare numbers that count nothing are not
    figures.
    """
    folded = fold_quotes_in_place(text)
    taken: list[tuple[int, int]] = [tuple(span) for span in exclude]  # type: ignore[misc]
    figures: list[tuple[int, Figure]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in _MONEY.finditer(folded):
        if not free(match.start(), match.end()):
            continue
        value = float(match.group("num").replace(",", ""))
        scale = (match.group("scale") or "").lower()
        value *= {"m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9, "k": 1e3, "thousand": 1e3}.get(scale, 1.0)
        taken.append((match.start(), match.end()))
        figures.append((match.start(), Figure(text=text[match.start():match.end()], value=value, unit="£")))

    for match in _NUMBER.finditer(folded):
        start, end = match.start(), match.end()
        if not free(start, end):
            continue
        token = match.group(0)
        value = _number_value(token)
        before = folded[:start]
        qualifier = _QUALIFIER.search(before)
        first = qualifier.start() if qualifier else start
        # a percentage: "83%", "70% of people"
        percent = _PERCENT.match(folded, end)
        if percent:
            stop = percent.end()
            counts = ""
            of = re.match(r"\s+of\s+(?:the\s+|all\s+)?([A-Za-z][a-z]+)", folded[stop:])
            if of and of.group(1).lower() not in _NOT_COUNTED and _plural(of.group(1)):
                counts, stop = of.group(1), stop + of.end()
            taken.append((first, stop))
            figures.append((first, Figure(text=text[first:stop], value=value, unit="%", counts=counts)))
            continue
        # a date or a year is not a figure: "May 2022", "4 July", "in 2021"
        preceding = re.search(r"([A-Za-z]+)\s+$", before)
        previous_word = preceding.group(1).lower() if preceding else ""
        following = re.match(r"\s*([A-Za-z]+)", folded[end:])
        next_word = following.group(1) if following else ""
        if previous_word in _MONTHS or next_word.lower() in _MONTHS:
            continue
        if _is_year(token) and not (next_word[:1].islower() and _plural(next_word) and next_word not in _TIME_UNITS):
            continue
        # a part of a whole: "four of the five Districts"
        whole = _OF.match(folded, end)
        if whole:
            of_value = _number_value(whole.group("whole"))
            counted = _counted(folded, whole.end(), of_value)
            stop = counted[1] if counted else whole.end()
            taken.append((first, stop))
            figures.append((first, Figure(text=text[first:stop], value=value, of=of_value, counts=counted[0] if counted else "")))
            continue
        # a count: "over 100 victims", "seven other Forces", "all four Districts"
        counted = _counted(folded, end, value)
        if not counted:
            continue
        every = re.search(r"\ball\s+$", before, re.I)
        if every and not qualifier:
            first = every.start()
        taken.append((first, counted[1]))
        figures.append((first, Figure(text=text[first:counted[1]], value=value, counts=counted[0], of=value if every else None)))
    return [figure for _, figure in sorted(figures, key=lambda pair: pair[0])]


#: What a figure of the context counts, not the initiative's progress: crimes, incidents and
#: complaints recorded ("67,000 complaints", "11,148 domestic abuse incidents"), as singulars.
CONTEXT_NOUNS = {"complaint", "incident", "offence", "crime", "allegation", "instance", "investigation", "issue"}

#: What a figure counts when it tells how an initiative is made ("two main elements", "one of two
#: ways"), or how it was looked at ("four independent evaluations"), not what it did; as singulars.
DESIGN_NOUNS = {
    "element", "part", "way", "type", "kind", "form", "strand", "stage", "step", "phase", "aim", "objective",
    "principle", "category", "component", "section", "question", "option", "route", "pillar", "theme", "tier",
    "level", "criterion", "evaluation", "review", "inspection", "audit", "study", "assessment",
}

#: Telephone numbers ("the 999 calls", "call 101"): never counts.
_PHONE_NUMBERS = {999.0, 101.0, 111.0, 112.0}

_HONORIFICS = {"her", "his", "royal", "highness", "majesty", "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "rt", "hon"}


def about_initiative(figure: Figure, sentence: str = "") -> bool:
    """Whether ``figure`` counts something an initiative did: a percentage, a sum of money or a
    count of anything but the context (:data:`CONTEXT_NOUNS`). Never "one"
    written as a word (a determiner: "One issue"), a name after an honorific ("0 Her Royal
    Highness"), a number inside a web address, a telephone number ("999 calls"), or a count of
    the parts of its design or of its evaluations (:data:`DESIGN_NOUNS`)."""
    words = figure.text.split()
    if not words:
        return False
    if any(w.lower().strip(".,") in _HONORIFICS for w in words[1:]):
        return False
    if figure.value == 1 and re.search(r"\bone\b", figure.text, re.I) and figure.of is None:
        return False
    if sentence and figure.text in sentence:
        at = sentence.index(figure.text)
        token = re.search(r"\S*$", sentence[:at]).group() + re.match(r"\S*", sentence[at:]).group()
        if re.search(r"https?:|www\.|%[0-9A-Fa-f]{2}|\.(?:uk|com|org)\b|/", token):
            return False
    if figure.unit in ("%", "£") or not figure.counts:
        return True
    if _singular(figure.counts) in CONTEXT_NOUNS | DESIGN_NOUNS:
        return False
    if figure.value in _PHONE_NUMBERS and _singular(figure.counts) in ("call", "number", "line"):
        return False
    # "67,000 reports of unwanted behaviour": reports of the harm, not through the initiative
    return not (sentence and _singular(figure.counts) == "report" and re.search(re.escape(figure.text) + r"\s+of\b", sentence))


def _singular(word: str) -> str:
    lower = word.lower()
    if lower in ("women", "men", "children", "people"):
        return {"women": "woman", "men": "man", "children": "child"}.get(lower, lower)
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith("s") and not lower.endswith("ss"):
        return lower[:-1]
    return lower


def figure_key(figure: Figure) -> str:
    """What a figure counts, for telling whether two figures count the same thing: its unit and
    the singular of its noun ("|victim", "%|woman"); a bare percentage or sum is its unit ("%",
    "£"); a bare number counts nothing (""). A figure about a stated force or area is keyed by it
    too ("|order@South Yorkshire Police"): figures of two forces are never one thing."""
    counts = _singular(figure.counts) if figure.counts else ""
    key = f"{figure.unit}|{counts}" if counts else figure.unit
    return f"{key}@{figure.area}" if key and figure.area else key


_FORCE = re.compile(r"\b(?:(?:[A-Z][a-z]+|and)[ -]){0,3}[A-Z][a-z]+ (?:Police|Constabulary)\b")


def with_areas(sentence: str, figures: list[Figure]) -> list[Figure]:
    """``figures`` with the force each is about, when ``sentence`` names one: the nearest named
    before the figure, else the only one the sentence names ("West Yorkshire Police: 18
    applications (15 granted)")."""
    forces = [(m.start(), m.group()) for m in _FORCE.finditer(sentence)]
    if not forces:
        return figures
    out = []
    for figure in figures:
        at = sentence.find(figure.text)
        before = [name for start, name in forces if at < 0 or start < at]
        area = before[-1] if before else (forces[0][1] if len({n for _, n in forces}) == 1 else "")
        out.append(replace(figure, area=area) if area else figure)
    return out


@dataclass(frozen=True)
class FigureChange:
    """A figure that counts the same thing in both texts, with another value."""

    counts: str  # "victims"; "%" or "£" for a bare percentage or sum
    a: Figure
    b: Figure

    def __str__(self) -> str:
        """"40 -> 120 victims", "four of five -> five of six Districts", "£2.4 m -> £3 m"."""
        counts = f" {self.b.counts}" if self.b.counts else ""
        old, new = self.a, self.b
        if old.of is not None and new.of is not None and old.of != new.of:
            return f"{_shown(old)} of {_whole(old)} -> {_shown(new)} of {_whole(new)}{counts}"
        return f"{_shown(old)} -> {_shown(new)}{counts}"

    def to_dict(self) -> dict:
        return {
            "counts": self.counts,
            "a": {"text": self.a.text, "value": self.a.value, "unit": self.a.unit, "of": self.a.of},
            "b": {"text": self.b.text, "value": self.b.value, "unit": self.b.unit, "of": self.b.of},
            "change": str(self),
        }


def figure_changes(before: Iterable[Figure], after: Iterable[Figure]) -> list[FigureChange]:
    """The one comparison of figures: those of ``before`` and ``after`` that count the same thing
    (``figure_key``) with another value. Where a thing is counted more than once, the values both
    give are set aside, and a change is reported only when one value is left on each side (two
    counts of victims in one text may be of different places: which one changed cannot be told)."""

    def grouped(figures: Iterable[Figure]) -> dict[str, list[Figure]]:
        out: dict[str, list[Figure]] = {}
        for figure in figures:
            key = figure_key(figure)
            if key and figure.value is not None:
                out.setdefault(key, []).append(figure)
        return out

    ga, gb = grouped(before), grouped(after)
    changes = []
    for key, figures_b in gb.items():
        figures_a = ga.get(key)
        if not figures_a:
            continue
        both = {(f.value, f.of) for f in figures_a} & {(f.value, f.of) for f in figures_b}
        left_a = [f for f in figures_a if (f.value, f.of) not in both]
        left_b = [f for f in figures_b if (f.value, f.of) not in both]
        if len(left_a) == 1 and len(left_b) == 1:
            changes.append(FigureChange(left_b[0].counts or left_b[0].unit, left_a[0], left_b[0]))
    return changes


def status_and_figures(mentions: list[Mention]) -> tuple[str | None, list[Figure]]:
    """A report's status for an initiative and the figures it gives of it, each figure once.

    The status is the strongest cue of any mention (:func:`status_rank`), the first of equals,
    named mentions before follow-ups: a page telling that a scheme "was set up" in 2011 and "has
    now been extended to all schools" says it is expanded; a bare "will" gives way to any other.
    """
    ordered = [m for m in mentions if m.via != "follow-up"] + [m for m in mentions if m.via == "follow-up"]
    cued = [(status_rank(m.status, m.sentence), number, m.status) for number, m in enumerate(ordered) if m.status]
    status = min(cued)[2] if cued else None
    figures: list[Figure] = []
    for mention in ordered:
        figures.extend(f for f in mention.figures if f not in figures)
    return status, figures


def _shown(figure: Figure) -> str:
    """The number as the report writes it: "40", "four", "83%", "£2.4 m"."""
    if figure.unit == "£":
        return figure.text.strip()
    match = _NUMBER.search(fold_quotes_in_place(figure.text))
    number = match.group(0) if match else (f"{figure.value:g}" if figure.value is not None else "?")
    if figure.unit == "%":
        return f"{number}%"
    return number


def _whole(figure: Figure) -> str:
    text = fold_quotes_in_place(figure.text)
    matches = list(_NUMBER.finditer(text))
    if figure.of is not None and len(matches) >= 2:
        return matches[1].group(0)
    return f"{figure.of:g}" if figure.of is not None else ""


def describe_change(previous: list[Mention], current: list[Mention]) -> str:
    """One line comparing two reports' mentions of one initiative.

    "pilot -> live; 40 -> 120 victims"; "first mentioned (live; four of the five Districts)" when
    ``previous`` is empty; "no longer mentioned" when ``current`` is; "" when nothing comparable
    changed. Figures are compared by ``figure_changes``, as ``compare`` compares passages.
    """
    if not previous and not current:
        return ""
    if not previous:
        status, figures = status_and_figures(current)
        first: dict[str, Figure] = {}
        for figure in figures:
            if figure_key(figure) and figure.unit + figure.counts:
                first.setdefault(figure_key(figure), figure)
        details = ([status] if status else []) + [squash(f.text) for f in first.values()]
        return "first mentioned" + (f" ({'; '.join(details)})" if details else "")
    if not current:
        return "no longer mentioned"
    old_status, old_figures = status_and_figures(previous)
    new_status, new_figures = status_and_figures(current)
    parts: list[str] = []
    if old_status and new_status and old_status != new_status:
        parts.append(f"{old_status} -> {new_status}")
    elif new_status and not old_status:
        parts.append(f"now {new_status}")
    # a bare percentage says not what it measures ("83%" of whom?): two are never one measure
    measured = [f for f in old_figures if f.counts or f.unit != "%"], [f for f in new_figures if f.counts or f.unit != "%"]
    parts.extend(str(change) for change in figure_changes(*measured))
    return "; ".join(parts)
