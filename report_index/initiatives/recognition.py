"""Initiatives: the gazetteer, recognition and discovery with spaCy rules, and what reports say of them.

An *initiative* is a named scheme, operation, order, team, partnership, campaign or tool
(``SmartWater``, ``Operation Encompass``, ``Stalking Protection Orders``). This module

- loads the curated gazetteer (``report_index/data/initiatives.json``) and the user's own files
  (:func:`load_gazetteer`);
- recognises gazetteer initiatives in a report's passages with spaCy rules on
  ``spacy.blank("en")``: phrase matchers over the gazetteer's names and words, whose matches are
  chosen as spaCy's ``entity_ruler`` chooses (the longest first), and a rule sentencizer (no
  trained model, nothing to download). Names and aliases match whatever their case; acronyms
  match case-sensitively (``SPO`` but not ``spo``) and their plurals too (``SPOs``); a one-word
  name that is also an ordinary word (``Prevent``) matches only with its capital and not at the
  start of a sentence;
- discovers initiatives nobody listed (:class:`Recogniser`, see "Discovery" below);
- turns every place a passage speaks of an initiative into a :class:`~report_index.models.Mention`
  with its sentence, a status read from the words around it and the figures said about it;
- compares two reports' mentions of one initiative (:func:`describe_change`).

Discovery
---------
Rules over token shapes (spaCy ``Matcher``) and regular expressions find:

- ``Operation X`` and ``Project X``;
- hashtags (``#LookCloser``);
- brand-like camel-case words (``SmartWater``, ``TecSOS``), except known brands of products
  (:data:`BRAND_STOPLIST`) and surnames (``McDonald``);
- quoted campaign titles, when the words just before the quote say it is a message, slogan,
  campaign... (``the message 'Before you see red, talk to someone instead'``) or the word after it
  is a campaign word (``"Your Priorities, Your Plan" consultation``);
- capitalised names that end in a head noun (:data:`HEAD_NOUNS`: Scheme, Pilot, Team, Unit, Board,
  Hub, Partnership, Group, Network, Programme, Tool, Guide, Statement, Strategy, Toolkit, Forum,
  Service, Matters, Week, Day(s)...), such as ``Stalking Coordination Team`` or
  ``Transparency in Supply Chains Statement``; ``16 Days of Action Against Domestic Abuse`` (a
  Day/Week head may take an ``of ...`` tail). To stay precise a name needs at least two words
  before its head noun (``Safeguarding Team`` is not enough), its head must be its last
  capitalised word (``Partnership Managers`` is a job title), a plural head (``Teams``) is a kind
  of body not a name, and the name starts after any body, title or determiner word
  (``the Home Office Modern Slavery Unit`` gives ``Modern Slavery Unit``);
- acronym definitions ``Long Name (ACR)`` whose letters are the initials of the long name
  (Schwartz-Hearst style), so that later uses of the acronym in the report (``SCGU``) are the same
  initiative; an acronym that is exactly the initials of a discovered name (``NASN`` for
  ``National Anti-Slavery Network``) resolves too.

Names in :data:`GENERIC_NAMES` (the Force, the Panel, Home Office, bodies and charities) are never
discoveries. Discovered ids are slugs of the normalised name, so the same name discovered in two
reports has the same id.

Follow-ups
----------
A phrase such as "the initiative", "this work", "the scheme", "the approach" or "the pilot" in a
sentence that names no initiative attaches to the initiative named last (in the same passage or
the passage before, under the same heading); typed phrases ("the group", "the board", "the
statement", "the guide") attach to the last-named initiative of that type. Such a mention has
``via="follow-up"``, and takes its status and figures from the follow-up sentences, including
sentences between it and the name that name nothing else ("Over 100 victims have now been
protected" before "83% of these report the initiative having a positive impact").
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from ..errors import ReportIndexError
from ..models import Figure, Initiative, Mention, Paragraph, Report
from ..text.clean import fold_quotes_in_place, squash
from ..text.acronyms import CONNECTORS, initials_match

#: Bump when recognition, discovery, status or figure rules change: stored annotations are stale.
ANNOTATOR_VERSION = "1"

LABEL = "INITIATIVE"
_FIELDS = ("name", "id", "aliases", "description", "kind")

# --------------------------------------------------------------------------------------------
# Text helpers

def initiative_id(name: str) -> str:
    """The slug used for ids: ``"Stalking Protection Orders"`` -> ``"stalking-protection-orders"``."""
    text = unicodedata.normalize("NFKD", fold_quotes_in_place(name)).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@lru_cache(maxsize=8192)
def _slug(text: str) -> str:
    return initiative_id(text)


def _is_acronym(alias: str) -> bool:
    """``SPO``, ``SPOs``, ``NMM2``, ``WYR&V``: matched case-sensitively."""
    core = alias[:-1] if len(alias) > 2 and alias.endswith("s") and alias[-2].isupper() else alias
    return bool(re.fullmatch(r"[A-Z][A-Z0-9&]+", core)) and sum(c.isupper() for c in core) >= 2


def _is_plain_word(alias: str) -> bool:
    """A one-word name that is also an ordinary English word (``Prevent``): capital and mid-sentence only."""
    return bool(re.fullmatch(r"[A-Z][a-z]+", alias))


# --------------------------------------------------------------------------------------------
# The gazetteer


def _package_entries() -> list[dict[str, Any]]:
    text = resources.files("report_index").joinpath("data/initiatives.json").read_text(encoding="utf-8")
    return json.loads(text)


def _entry_to_initiative(entry: dict[str, Any], source: str, where: str) -> Initiative:
    """An Initiative from one gazetteer entry; ``where`` names the entry in error messages."""
    unknown = sorted(set(entry) - set(_FIELDS))
    if unknown:
        raise ValueError(f"{where}: unknown field {unknown[0]!r} (fields are {', '.join(_FIELDS)})")
    name = entry.get("name")
    if not isinstance(name, str) or not squash(name):
        raise ValueError(f"{where}: \"name\" is missing or empty")
    name = squash(name)
    aliases = entry.get("aliases") or []
    if isinstance(aliases, str):
        aliases = aliases.split(";")
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ValueError(f"{where} ({name}): \"aliases\" must be a list of strings or a ';'-separated string")
    for key in ("description", "kind", "id"):
        if entry.get(key) is not None and not isinstance(entry.get(key), str):
            raise ValueError(f"{where} ({name}): \"{key}\" must be a string")
    ident = initiative_id(entry.get("id") or "") or initiative_id(name)
    if not ident:
        raise ValueError(f"{where} ({name}): the name gives no usable id (it has no letters or digits)")
    seen: set[str] = {name.lower()}
    clean: list[str] = []
    for alias in aliases:
        alias = squash(alias)
        if alias and alias.lower() not in seen:
            seen.add(alias.lower())
            clean.append(alias)
    return Initiative(
        id=ident,
        name=name,
        aliases=clean,
        description=squash(entry.get("description") or ""),
        kind=squash(entry.get("kind") or "").lower(),
        source=source,
    )


def _read_user_file(path: Path) -> list[Initiative]:
    def fail(problem: str) -> ReportIndexError:
        return ReportIndexError(f"initiatives file {path}: {problem}")

    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise fail("unsupported file type (use a .json list of objects or a .csv with columns name,aliases,description,kind)")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("it is a folder, not a file") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise fail(f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None
    if not text.strip():
        raise fail("the file is empty")
    entries: list[tuple[str, dict[str, Any]]] = []
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise fail(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
        if isinstance(data, dict) and isinstance(data.get("initiatives"), list):
            data = data["initiatives"]
        if not isinstance(data, list):
            raise fail("expected a JSON list of objects, each with at least a \"name\"")
        for number, item in enumerate(data, 1):
            if not isinstance(item, dict):
                raise fail(f"entry {number} is not an object with a \"name\"")
            entries.append((f"entry {number}", item))
    else:
        try:
            reader = csv.DictReader(io.StringIO(text))
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            if "name" not in header:
                raise fail("the CSV has no \"name\" column (columns are name,aliases,description,kind)")
            unknown = [h for h in header if h and h not in _FIELDS]
            if unknown:
                raise fail(f"unknown column {unknown[0]!r} (columns are name,aliases,description,kind and optionally id)")
            for row in reader:
                if None in row:
                    raise fail(f"row {reader.line_num} has more cells than the header")
                values = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
                if not any(values.values()):
                    continue
                entries.append((f"row {reader.line_num}", {k: v for k, v in values.items() if v or k == "name"}))
        except csv.Error as exc:
            raise fail(f"not a valid CSV file: {exc}") from None
    if not entries:
        raise fail("it lists no initiatives")
    result: list[Initiative] = []
    ids: dict[str, str] = {}
    for where, entry in entries:
        try:
            initiative = _entry_to_initiative(entry, "user", where)
        except ValueError as exc:
            raise fail(str(exc)) from None
        if initiative.id in ids:
            raise fail(f"{where} ({initiative.name}) has the same id {initiative.id!r} as {ids[initiative.id]}")
        ids[initiative.id] = f"{where} ({initiative.name})"
        result.append(initiative)
    return result


def load_gazetteer(*extra: Path) -> list[Initiative]:
    """The curated gazetteer plus the user's own files, which override entries with the same id.

    A user file is a JSON list of objects with ``name`` (required), ``id``, ``aliases`` (a list, or
    one string separated by ``;``), ``description`` and ``kind``; or a CSV with columns
    ``name,aliases,description,kind`` (and optionally ``id``), aliases separated by ``;``. An entry
    without an id gets the slug of its name. A malformed file raises
    :class:`~report_index.errors.ReportIndexError` naming the file and the problem.
    """
    merged: dict[str, Initiative] = {}
    for number, entry in enumerate(_package_entries(), 1):
        initiative = _entry_to_initiative(entry, "gazetteer", f"gazetteer entry {number}")
        merged[initiative.id] = initiative
    for path in extra:
        for initiative in _read_user_file(Path(path)):
            merged[initiative.id] = initiative  # replaces in place, or appends
    return list(merged.values())


def gazetteer_fingerprint(initiatives: list[Initiative]) -> str:
    """A stable hash of the initiatives (in any order) and :data:`ANNOTATOR_VERSION`."""
    rows = sorted((asdict(i) for i in initiatives), key=lambda row: (row["id"], row["name"]))
    payload = json.dumps({"annotator": ANNOTATOR_VERSION, "initiatives": rows}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------------------------
# Looking initiatives up by name


def _keys(text: str) -> list[str]:
    """Lookup keys of a name as typed: its slug, with and without a plural s and a leading 'the'."""
    slug = initiative_id(text)
    if slug.startswith("the-"):
        slug = slug[4:]
    keys = [slug]
    if slug.endswith("s") and len(slug) > 3:
        keys.append(slug[:-1])
    else:
        keys.append(slug + "s")
    return keys


class _WordFilter:
    """Says whether a passage holds a word some rules need, so that passages without one skip
    those rules' matcher: one of ``words`` as written (a phrase matcher over the word ids, in C)
    or, with ``camel``, a camel-case word."""

    def __init__(self, nlp: Any, words: Iterable[str], camel: bool = False):
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self._words = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._words.add("WORD", [Doc(nlp.vocab, words=[word]) for word in words])
        self._camel = re.compile(r"[a-z][A-Z]") if camel else None  # in every camel-case word

    def __call__(self, doc: Any, text: str) -> bool:
        return bool(self._words(doc) or (self._camel and self._camel.search(text)))


def _surfaces(initiative: Initiative) -> list[str]:
    return [initiative.name, *initiative.aliases]


def resolve(name: str, initiatives: list[Initiative]) -> Initiative | None:
    """The initiative ``name`` means, by id, name, alias or acronym.

    Case does not matter, curly and straight apostrophes are the same (``Clare’s Law``), and a
    plural or singular form finds the other (``SPOs``, ``Stalking Prevention Order``).
    """
    if not name or not squash(name):
        return None
    for key in _keys(name):  # the name as typed first, then its plural or singular
        for initiative in initiatives:
            if key == initiative.id or key in {_slug(s) for s in _surfaces(initiative)}:
                return initiative
    return None


def suggest(name: str, initiatives: list[Initiative], n: int = 5) -> list[str]:
    """Canonical names close to an unknown ``name`` (difflib), best first."""
    query = squash(fold_quotes_in_place(name)).lower()
    if not query:
        return []
    surface_to_name: dict[str, str] = {}
    for initiative in initiatives:
        for surface in (*_surfaces(initiative), initiative.id):
            surface_to_name.setdefault(fold_quotes_in_place(surface).lower(), initiative.name)
    ranked: list[str] = []
    # names that contain every word of the query first ("stalking" -> Stalking Protection Orders)
    words = re.findall(r"[a-z0-9]+", query)
    for surface, canonical in surface_to_name.items():
        if words and all(re.search(rf"\b{re.escape(w)}", surface) for w in words) and canonical not in ranked:
            ranked.append(canonical)
    for surface in difflib.get_close_matches(query, list(surface_to_name), n=n * 3, cutoff=0.6):
        canonical = surface_to_name[surface]
        if canonical not in ranked:
            ranked.append(canonical)
    return ranked[:n]


# --------------------------------------------------------------------------------------------
# Status: what stage the words around a mention say the initiative is at

#: Cues per status, strongest first: when several statuses are cued, the first in this list wins.
#: "will" on its own is the weakest sign of a plan, "continues to" the weakest sign of being live.
STATUS_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("ended", re.compile(r"\b(?:ended|has closed|was closed|closed down|decommissioned|stopped|ceased|discontinued|came to an end|no longer (?:runs|running|operat\w+|in place))\b", re.I)),
    ("review", re.compile(r"\b(?:under (?:\w+ )?review|review (?:is|was) (?:now )?(?:underway|under way|ongoing)|review is being|being reviewed|evaluat(?:ed|ion|ing|e)|being assessed)\b", re.I)),
    ("planned", re.compile(
        r"\b(?:planned|planning to|plans to|bidding for|bid for|applying (?:to|for)|applied (?:to|for)|proposed|proposals? (?:to|for)"
        r"|being drawn up|being developed|being implemented|to be (?:launched|introduced|rolled out|established|piloted)"
        r"|due to (?:start|begin|launch|go live)|agreed to establish|will (?:be )?(?:launch|start|begin|introduce|establish|set up)\w*"
        r"|(?:recruitment|set up)\b[^.]{0,60}\bunderway)\b", re.I)),
    ("expanded", re.compile(
        r"\b(?:expanded|expanding|expansion|extended to|extending to|extension of|now adopting|adopted by|across all"
        r"|roll(?:ed)?[- ]out further|further roll[- ]?out|wider roll[- ]?out|scaled up)\b", re.I)),
    ("pilot", re.compile(r"\b(?:pilot(?:s|ed|ing)?|trial(?:l?ed|l?ing)|trial (?:period|phase|basis|scheme|run|site|area)|(?:a|the) (?:\S+ )?trial of)\b", re.I)),
    ("live", re.compile(
        r"\b(?:(?:is|are|was|were|now|currently|went|gone|has gone|been|remains?)\s+(?:now\s+)?live|live (?:across|in|since|from)"
        r"|rolled out|roll-out of|launched|now established|established|ha(?:s|ve) (?:now |recently |already )?been (?:delivered|implemented|introduced|embedded)"
        r"|business as usual|in place|up and running)\b", re.I)),
    ("planned", re.compile(r"\b(?:will|intends? to|aims? to|is to be|are to be|go live date)\b", re.I)),
    ("live", re.compile(r"\b(?:continues? to|continuing to|continued to)\b", re.I)),
]


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
    """The status the words of ``text`` give: planned, pilot, live, expanded, review, ended or None.

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


def _best_status(texts: Iterable[str]) -> str | None:
    """The status of several sentences together: the strongest cue of any of them."""
    return min((_status_cue(t) for t in texts), default=(0, None), key=lambda cue: cue[0])[1]


# --------------------------------------------------------------------------------------------
# Figures: numbers with what they count

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_NUMBER_WORDS: dict[str, float] = {w: float(i) for i, w in enumerate(_UNITS)}
_NUMBER_WORDS.update({w: float(v) for w, v in _TENS.items()})
_NUMBER_WORDS.update({"hundred": 100.0, "a hundred": 100.0, "one hundred": 100.0, "a thousand": 1000.0, "one thousand": 1000.0})
_NUMWORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|(?:a |one )?hundred|(?:a |one )thousand|nineteen|eighteen|seventeen|sixteen|fifteen|fourteen|thirteen|twelve|eleven|ten"
    r"|nine|eight|seven|six|five|four|three|two|one|zero)"
)
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
        if not bare or lower in _NOT_COUNTED or lower in _MONTHS or lower in _TIME_UNITS:
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


# --------------------------------------------------------------------------------------------
# Discovery rules: word lists (documented stop-lists)

#: Head nouns that end an initiative's name ("Stalking Coordination Team").
HEAD_NOUNS = {
    "scheme", "pilot", "team", "unit", "board", "hub", "partnership", "group", "network", "programme", "program",
    "project", "tool", "toolkit", "guide", "statement", "strategy", "forum", "service", "matters", "week", "day",
    "days", "initiative", "campaign", "fund", "helpline", "charter",
}
#: The kind a discovered initiative gets from its head noun.
HEAD_KIND = {
    "scheme": "scheme", "pilot": "pilot", "team": "team", "unit": "unit", "board": "board", "hub": "hub",
    "partnership": "partnership", "group": "group", "network": "network", "programme": "programme",
    "program": "programme", "project": "project", "tool": "tool", "toolkit": "tool", "guide": "guide",
    "statement": "statement", "strategy": "strategy", "forum": "forum", "service": "service", "matters": "training",
    "week": "campaign", "day": "campaign", "days": "campaign", "initiative": "initiative", "campaign": "campaign",
    "fund": "fund", "helpline": "service", "charter": "charter",
}
_TAIL_HEADS = {"day", "days", "week", "weeks"}  # "16 Days of Action Against Domestic Abuse"
#: Capitalised words a name never starts with or runs through: determiners and other sentence
#: openers, titles of people, months, and the nouns of bodies ("the Home Office Modern Slavery Unit"
#: gives "Modern Slavery Unit").
BOUNDARY_WORDS = {
    "The", "A", "An", "This", "That", "These", "Those", "Our", "Their", "Its", "His", "Her", "My", "Both", "Each",
    "All", "Every", "Any", "Some", "Following", "Supported", "Including", "From", "See", "Within", "As", "Under",
    "Hosting", "Implementing", "Working", "In", "On", "At", "By", "With", "To", "For", "Through", "During", "After",
    "Before", "Since", "Alongside", "Via", "Also", "And", "But", "Or", "If", "When", "While", "Where", "Which", "Who",
    "We", "They", "It", "He", "She", "There", "Here", "Nationally", "Locally", "Currently", "Recently", "Most",
    "New", "Newly", "Further", "Continuing", "Developing", "Applying", "Clearer", "Increase", "Reduce", "Monitor",
    "Dame", "Dr", "Sir", "Mr", "Mrs", "Ms", "Miss", "Professor", "Cllr", "Councillor", "Lord", "Lady",
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "Office", "Trust", "Council", "Commissioner", "Commission", "Authority", "Government", "Parliament",
    "Department", "Ministry", "University", "Constabulary", "Secretary", "Mayor", "Panel",
}
#: Names that are never discoveries: the force, the panel, bodies, charities and other organisations
#: that are not initiatives (compared lower-case, without a leading "the").
GENERIC_NAMES = {
    "force", "the force", "panel", "police and crime panel", "police and crime plan", "police and crime commissioner",
    "west yorkshire police", "home office", "college of policing", "hmicfrs", "national police chiefs' council",
    "national police chiefs council", "west yorkshire combined authority", "combined authority",
    "suzy lamplugh trust", "hope for justice", "karma nirvana", "medaille trust", "barnardo's",
    "local safeguarding partnership", "local safeguarding partnerships", "local safeguarding children's partnership",
    "local children's safeguarding partnership", "local safeguarding children partnership",
    "safeguarding children partnership", "community safety partnership", "crown prosecution service",
    "national probation service", "probation service", "fire and rescue service", "ambulance service",
    "health service", "national health service", "prison service", "her majesty's prison and probation service",
    "children's social care", "social care", "community outcomes meeting", "accountability and performance board",
    "joint audit committee", "integrated care system", "integrated care board",
}
#: Camel-case words that are products, not initiatives.
BRAND_STOPLIST = {
    "youtube", "whatsapp", "powerpoint", "linkedin", "tiktok", "snapchat", "facetime", "iphone", "ipad", "javascript",
    "paypal", "ebay", "gofundme", "facebook", "instagram", "sharepoint", "onedrive", "microsoft", "teams",
    "mcafee", "bitcoin", "playstation", "xbox", "airbnb",
}
#: Words before a quoted title that say it is a campaign ("with the message '...'").
_QUOTE_CUES_BEFORE = re.compile(
    r"\b(?:message|messages|slogan|strapline|tagline|hashtag|campaign|called|entitled|titled|named|banner|theme|referred to)\W{0,3}$",
    re.I,
)
_QUOTE_CUES_AFTER = re.compile(r"^\W{0,2}\s*(?:campaign|consultation|initiative|programme|scheme|project|pilot|service|week|day)\b", re.I)
_QUOTED = re.compile(r"(?<![\w'])'(?P<a>[A-Z][^'\n]{2,100}?)'(?!\w)|\"(?P<b>[A-Z][^\"\n]{2,100}?)\"")
_HASHTAG = re.compile(r"(?<![\w#])#[A-Za-z][A-Za-z0-9_]{2,}")
_CAMEL = r"^(?:[A-Z][a-z]{2,}[A-Z][A-Za-z0-9]*|[a-z]{1,3}[A-Z][a-z][A-Za-z0-9]*)$"
_SURNAME = re.compile(r"^(?:Ma?c|Van|Von|De[ls]?|Di|Du|La|Le|Fitz|Mc)[A-Z]")
_ACRONYM_DEF = re.compile(r"\(\s*(?P<acr>[A-Z][A-Za-z0-9&]*[A-Z0-9]s?)\s*\)")
_ACRONYM_BEFORE = re.compile(r"(?<![\w&])(?P<acr>[A-Z][A-Z0-9&]{1,9})\s*\(\s*$")

#: Phrases that refer back to the initiative last named. Generic ones take any initiative; typed
#: ones ("the group") only one whose name or kind is of that type.
_ANAPHOR = re.compile(
    r"\b(?:the|this|that)\s+(?P<type>initiative|scheme|approach|pilot|project|programme|program|trial|campaign|service"
    r"|toolkit|tool|guide|statement|strategy|board|group|partnership|network|forum|team|unit|hub|operation|orders?)\b"
    r"|\bthis\s+(?P<work>work)\b",
    re.I,
)
_GENERIC_ANAPHORS = {"initiative", "scheme", "approach", "pilot", "project", "programme", "program", "trial", "work"}


# --------------------------------------------------------------------------------------------
# Recognition


@dataclass
class _Hit:
    para: int  # index into report.paragraphs
    start: int  # character offsets in the passage text
    end: int
    initiative: str  # id
    matched: str
    via: str
    gazetteer: bool = True
    group: "_Group | None" = None  # discovered hits: the report's discovered initiative


@dataclass
class _Candidate:
    para: int
    start: int
    end: int
    name: str
    kind: str
    rule: str


@dataclass
class _Group:
    """A discovered initiative of one report: the names it goes by and its acronyms."""

    names: list[str]
    kind: str
    key: str
    acronyms: list[str] = field(default_factory=list)
    merged_into: "_Group | None" = None  # set when a later definition shows it is another group

    def root(self) -> "_Group":
        group = self
        while group.merged_into is not None:
            group = group.merged_into
        return group

    def absorb(self, other: "_Group") -> None:
        other = other.root()
        if other is self.root():
            return
        target = self.root()
        target.names.extend(other.names)
        target.acronyms.extend(a for a in other.acronyms if a not in target.acronyms)
        other.merged_into = target

    @property
    def canonical(self) -> str:
        """The fullest name without an acronym prefix ("Safeguarding Central Governance Unit",
        not "WYP Safeguarding Central Governance Unit"), the first of equals."""
        return max(
            self.names,
            key=lambda n: (not _acronym_prefixed(n), len(_content_words(n)), -self.names.index(n)),
        )


def _acronym_prefixed(name: str) -> bool:
    words = name.split()
    return len(words) > 2 and _is_acronym(words[0])


def _content_words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", name) if w and w.lower() not in CONNECTORS and w not in ("'s", "'")]


def _merge_key(name: str) -> str:
    """A discovered name without a leading 'the' or acronym prefix (``WYP``, ``WY``), lower-case."""
    words = squash(fold_quotes_in_place(name)).split(" ")
    while words and (words[0].lower() == "the" or (_is_acronym(words[0]) and len(words) > 2)):
        words = words[1:]
    return initiative_id(" ".join(w for w in words if w.lower() not in CONNECTORS))


def _strict_initials(name: str) -> str:
    words = _content_words(fold_quotes_in_place(name))
    if any(not w[:1].isalpha() for w in words):
        return ""
    return "".join(w[0].upper() for w in words)


def _name_part(token: Any) -> bool:
    """Tokens a capitalised name is made of: capitalised words, acronyms, numbers and connectors."""
    text = token.text
    if token.like_url or token.like_email:
        return False
    if token.is_title or text.isdigit():
        return True
    if token.is_upper and len(text) >= 2 and any(c.isalpha() for c in text):
        return True
    return text in ("-", "&", "'s", "'") or text in CONNECTORS


def _head_type(initiative: Initiative) -> set[str]:
    """The typed follow-up words that may refer to an initiative ("the group" for a ... Group)."""
    words = re.findall(r"[A-Za-z]+", initiative.name.lower())
    types = {initiative.kind} if initiative.kind else set()
    if words:
        last = words[-1]
        types.add(last)
        types.add(last[:-1] if last.endswith("s") else last)
        if words[0] == "operation":
            types.add("operation")
    if initiative.kind == "order":
        types |= {"order", "orders"}
    if initiative.kind in ("training", "campaign"):
        types.add("campaign")
    if "toolkit" in types:
        types.add("tool")
    return types


class Recogniser:
    """Finds initiatives in reports: the gazetteer's and new ones. Build once, annotate many."""

    def __init__(self, initiatives: list[Initiative]):
        import spacy
        from spacy.matcher import Matcher, PhraseMatcher
        from spacy.tokens import Token

        self.initiatives = list(initiatives)
        self.by_id = {i.id: i for i in self.initiatives}
        self.nlp = spacy.blank("en")
        self._sentencizer = self.nlp.add_pipe("sentencizer")
        # The gazetteer's surfaces: acronyms and plain words are one token each, as written (a
        # plain word only mid-sentence); other names and aliases are phrases in any case. Both
        # are phrase matchers, which run in C over the word ids: a token matcher would ask Python
        # about every token of every passage.
        strings = self.nlp.vocab.strings
        self._names = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._words = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self._word_patterns: list[tuple[int, bool]] = []  # by pattern number: (initiative key, plain word)
        self._word_numbers: dict[int, int] = {}  # word matcher key -> pattern number
        self._ids: dict[int, str] = {}  # initiative key -> id
        self._via: dict[tuple[str, str], str] = {}
        for initiative in self.initiatives:
            label = f"{LABEL}||{initiative.id}"  # as spaCy's entity ruler names an id's patterns
            key = strings.add(label)
            self._ids[key] = initiative.id
            for position, surface in enumerate(_surfaces(initiative)):
                surface = fold_quotes_in_place(surface)
                if _is_acronym(surface):
                    for form in [surface] if surface.endswith("s") else [surface, surface + "s"]:
                        self._add_word(key, form, plain=False)
                        self._via[(initiative.id, form.lower())] = "acronym"
                    continue
                if _is_plain_word(surface):
                    self._add_word(key, surface, plain=True)
                else:
                    self._names.add(label, [self.nlp.make_doc(surface)])
                self._via.setdefault((initiative.id, squash(surface).lower()), "name" if position == 0 else "alias")

        if not Token.has_extension("ri_name_part"):
            Token.set_extension("ri_name_part", getter=_name_part)
        self._matcher = Matcher(self.nlp.vocab, validate=True)
        heads = sorted(HEAD_NOUNS)
        self._matcher.add(  # every run of name parts ending in a head; the longest per head is used
            "HEAD_NAME", [[{"_": {"ri_name_part": True}, "OP": "+"}, {"LOWER": {"IN": heads}, "IS_TITLE": True}]]
        )
        self._matcher.add(
            "OPERATION",
            [[{"ORTH": {"IN": ["Operation", "Project"]}}, {"IS_TITLE": True, "IS_STOP": False}, {"IS_TITLE": True, "IS_STOP": False, "OP": "?"}]],
            greedy="LONGEST",
        )
        self._matcher.add("BRAND", [[{"TEXT": {"REGEX": _CAMEL}, "LIKE_URL": False}]])
        # Every match of those rules holds a word this finds (a title-case head noun, Operation or
        # Project, a camel-case word): most passages have none and skip the matcher, whose name
        # rule asks Python about every token.
        self._may_match = _WordFilter(self.nlp, [*(h.title() for h in HEAD_NOUNS), "Operation", "Project"], camel=True)

    # ---------------------------------------------------------------- pass 1: rules per passage

    def _add_word(self, key: int, word: str, plain: bool) -> None:
        """A one-token pattern: the word as written, as a document of that one token (the
        tokenizer might split ``WYR&V``, which a one-token pattern never matches)."""
        from spacy.tokens import Doc

        number = len(self._word_patterns)
        self._word_patterns.append((key, plain))
        self._word_numbers[self.nlp.vocab.strings.add(f"W{number}")] = number
        self._words.add(f"W{number}", [Doc(self.nlp.vocab, words=[word])])

    def _sentenced(self, doc: Any) -> Any:
        """``doc`` with its sentences marked: only passages naming something need them."""
        if not doc.has_annotation("SENT_START"):
            self._sentencizer(doc)
        return doc

    def _gazetteer_hits(self, index: int, doc: Any, text: str) -> list[_Hit]:
        """The gazetteer's initiatives in a passage, chosen as spaCy's entity ruler chooses: the
        longest matches first (then the earliest), none sharing a token with one chosen before."""
        matches: list[tuple[int, int, int]] = []
        # by position, then pattern, as a token matcher gives them: the order decides ties
        # between two initiatives with the same surface, as it does in the entity ruler
        for start, number in sorted((start, self._word_numbers[key]) for key, start, _ in self._words(doc)):
            key, plain = self._word_patterns[number]
            if plain and self._sentenced(doc)[start].is_sent_start:
                continue
            matches.append((key, start, start + 1))
        matches.extend(self._names(doc))
        chosen: list[tuple[int, int, int]] = []
        taken: set[int] = set()
        for key, start, end in sorted(set(matches), key=lambda m: (m[2] - m[1], -m[1]), reverse=True):
            if start not in taken and end - 1 not in taken:
                chosen.append((start, end, key))
                taken.update(range(start, end))
        hits = []
        for start, end, key in sorted(chosen):
            span = doc[start:end]
            matched = text[span.start_char:span.end_char]
            ident = self._ids[key]
            via = self._via.get((ident, squash(fold_quotes_in_place(matched)).lower()))
            if via is None:
                via = "acronym" if _is_acronym(fold_quotes_in_place(matched)) else "alias"
            hits.append(_Hit(index, span.start_char, span.end_char, ident, matched, via))
        return hits

    def _candidates(self, index: int, doc: Any, text: str, folded: str) -> list[_Candidate]:
        found: list[_Candidate] = []
        heads: dict[int, int] = {}  # end of a HEAD_NAME match -> its earliest start
        for match_id, start, end in self._matcher(doc) if self._may_match(doc, folded) else ():
            rule = self.nlp.vocab.strings[match_id]
            if rule == "HEAD_NAME":
                heads[end] = min(start, heads.get(end, start))
                continue
            if rule == "OPERATION":
                span = doc[start:end]
                if span[-1].lower_ in HEAD_NOUNS or span[-1].text in BOUNDARY_WORDS:
                    span = doc[start:end - 1]
                if len(span) < 2 or span[1].text in BOUNDARY_WORDS or span[1].lower_ in HEAD_NOUNS | {"manager", "lead", "officer", "board", "plan", "team"}:
                    continue
                candidate = _Candidate(index, span.start_char, span.end_char, text[span.start_char:span.end_char], span[0].lower_, "operation")
            else:  # BRAND
                token = doc[start]
                if token.lower_ in BRAND_STOPLIST or _SURNAME.match(token.text) or (start > 0 and doc[start - 1].text == "#"):
                    continue
                candidate = _Candidate(index, token.idx, token.idx + len(token), token.text, "brand", "brand")
            found.append(candidate)
        for end, start in sorted(heads.items()):
            candidate = self._head_name(index, doc, start, end, text)
            if candidate:
                found.append(candidate)
        for match in _HASHTAG.finditer(folded) if "#" in folded else ():  # most passages have none
            found.append(_Candidate(index, match.start(), match.end(), text[match.start():match.end()], "campaign", "hashtag"))
        for match in _QUOTED.finditer(folded) if "'" in folded or '"' in folded else ():
            group = "a" if match.group("a") else "b"
            title = match.group(group).strip().rstrip(".,;:")
            if len(title.split()) > 12 or not re.search(r"[a-z]", title):
                continue
            before, after = folded[:match.start()], folded[match.end():]
            if not (_QUOTE_CUES_BEFORE.search(before[-40:]) or _QUOTE_CUES_AFTER.match(after[:30])):
                continue
            start = match.start(group)
            kind = "service" if re.search(r"referred to\W{0,3}$", before[-20:]) else "campaign"
            found.append(_Candidate(index, start, start + len(title), text[start:start + len(title)], kind, "quoted"))
        return found

    def _head_name(self, index: int, doc: Any, start: int, end: int, text: str) -> _Candidate | None:
        head = doc[end - 1]
        # the head must be the name's last capitalised word: "Partnership Managers" is a job title
        if end < len(doc) and (doc[end].is_title or (doc[end].is_upper and doc[end].is_alpha)):
            if not (head.lower_ in _TAIL_HEADS):
                return None
        if end < len(doc) and doc[end].lower_ in {"managers", "manager", "leads", "lead", "members", "chair", "coordinator", "representatives", "officers", "staff"}:
            return None
        # walk left from the head to the first boundary
        first = end - 1
        position = end - 2
        while position >= start:
            token = doc[position]
            if token.text in BOUNDARY_WORDS:
                break
            if token.text in ("'s", "'") and position > start and doc[position - 1].is_upper:
                break  # "NPCC's"
            if token.is_title and token.lower_ in HEAD_NOUNS and doc[position + 1].text in ("and", "&"):
                break  # "... Group and Violence Reduction Unit": the name before is another one
            first = position
            position -= 1
        while first < end - 1 and (doc[first].text in CONNECTORS or doc[first].text in ("-", "'s", "'", "&")):
            first += 1
        last = end  # exclusive
        # a Day/Week may take an "of ..." tail: "16 Days of Action Against Domestic Abuse"
        if head.lower_ in _TAIL_HEADS and end + 1 < len(doc) and doc[end].lower_ in ("of", "for", "against") and doc[end + 1].is_title:
            last = end + 1
            while last < len(doc) and doc[last]._.ri_name_part and doc[last].text not in BOUNDARY_WORDS:
                last += 1
            while doc[last - 1].text in CONNECTORS or doc[last - 1].text in ("-", "&"):
                last -= 1
        else:
            # numbers lead only a Day or Week ("16 Days"); elsewhere they are counts or years
            while first < end - 1 and doc[first].text.isdigit():
                first += 1
        span = doc[first:last]
        words = [t for t in span if t.text not in CONNECTORS and t.text not in ("-", "&", "'s", "'") and t.i != head.i]
        if len(words) < 2:
            return None
        name = squash(text[span.start_char:span.end_char])
        return _Candidate(index, span.start_char, span.end_char, name, HEAD_KIND.get(head.lower_, ""), "head")

    # ---------------------------------------------------------------- annotate

    def annotate(self, report: Report) -> tuple[list[Mention], list[Initiative]]:
        """The report's mentions, ordered by passage, and the initiatives discovered in it."""
        paragraphs = report.paragraphs
        texts = [p.text for p in paragraphs]
        folded = [fold_quotes_in_place(t) for t in texts]
        docs = list(self.nlp.tokenizer.pipe(folded))

        hits: list[_Hit] = []
        candidates: list[_Candidate] = []
        for index, doc in enumerate(docs):
            own = self._gazetteer_hits(index, doc, texts[index])
            hits.extend(own)
            for candidate in self._candidates(index, doc, texts[index], folded[index]):
                if any(not (candidate.end <= h.start or candidate.start >= h.end) for h in own):
                    continue
                candidates.append(candidate)
        groups, candidate_hits = self._group_candidates(candidates)
        hits.extend(candidate_hits)
        hits.extend(self._acronym_hits(folded, texts, hits, groups))
        hits.extend(self._more_name_hits(docs, texts, groups))
        hits = _without_overlaps(hits)

        discovered: dict[str, Initiative] = {}
        for hit in hits:
            if hit.group is None:
                continue
            group = hit.group
            initiative = discovered.setdefault(
                hit.initiative,
                Initiative(id=hit.initiative, name=group.canonical, kind=group.kind, source="discovered"),
            )
            for alias in [*group.names, *group.acronyms]:
                if alias != initiative.name and alias not in initiative.aliases:
                    initiative.aliases.append(alias)
        known = {**self.by_id, **discovered}
        mentions = self._mentions(report, docs, texts, folded, hits, known)
        for initiative in discovered.values():
            first = next((m for m in mentions if m.initiative == initiative.id and m.via != "follow-up"), None)
            if first:
                initiative.description = f"Discovered in {report.title or report.id or 'a report'}" + (
                    f" ({report.date})" if report.date else ""
                ) + f", para {first.section or first.paragraph}: {_clip(first.sentence)}"
        return mentions, list(discovered.values())

    # ---------------------------------------------------------------- pass 2: discovered names

    def _group_candidates(self, candidates: list[_Candidate]) -> tuple[list[_Group], list[_Hit]]:
        """Merge the report's candidates into discovered initiatives and turn them into hits."""
        groups: list[_Group] = []
        assigned: list[tuple[_Candidate, _Group | Initiative]] = []
        for candidate in candidates:
            name = re.sub(r"^(?:the|The)\s+", "", candidate.name).strip()
            lower = squash(fold_quotes_in_place(name)).lower()
            if not name or lower in GENERIC_NAMES or lower.removeprefix("the ") in GENERIC_NAMES:
                continue
            known = resolve(name, self.initiatives)
            if known is not None:
                assigned.append((candidate, known))
                continue
            key = _merge_key(name)
            target = None
            for group in groups:
                if key == group.key:
                    target = group
                    break
                shorter, longer = sorted((key, group.key), key=len)
                if longer.endswith("-" + shorter) and shorter.count("-") >= 2 and candidate.rule == "head" and group.kind == candidate.kind:
                    target = group
                    break
            if target is None:
                target = _Group(names=[], kind=candidate.kind, key=key)
                groups.append(target)
            elif len(key) > len(target.key):
                target.key = key
            target.names.append(name)
            candidate.name = name
            assigned.append((candidate, target))
        hits = []
        for candidate, target in assigned:
            if isinstance(target, Initiative):
                hits.append(_Hit(candidate.para, candidate.start, candidate.end, target.id, candidate.name, "alias"))
            else:
                hits.append(_Hit(candidate.para, candidate.start, candidate.end, "", candidate.name, "name", False, target))
        return groups, hits

    def _acronym_hits(self, folded: list[str], texts: list[str], hits: list[_Hit], groups: list[_Group]) -> list[_Hit]:
        """Acronyms defined in the report ("Long Name (ACR)") and their later uses."""
        acronyms: dict[str, str | _Group] = {}
        gazetteer_acronyms = {
            fold_quotes_in_place(s) for i in self.initiatives for s in i.aliases if _is_acronym(fold_quotes_in_place(s))
        }
        by_para: dict[int, list[_Hit]] = {}
        for hit in hits:
            by_para.setdefault(hit.para, []).append(hit)
        for index, text in enumerate(folded):
            for match in _ACRONYM_DEF.finditer(text):
                acronym = match.group("acr")
                if not _is_acronym(acronym) or acronym in gazetteer_acronyms:
                    continue
                before = text[:match.start()].rstrip()
                for hit in by_para.get(index, []):
                    if hit.end == len(before) and initials_match(acronym, text[hit.start:hit.end]):
                        target = hit.group if hit.group is not None else hit.initiative
                        if acronym.endswith("s") and acronym[-2].isupper():
                            acronym = acronym[:-1]
                        earlier = acronyms.setdefault(acronym, target)
                        if isinstance(earlier, _Group) and isinstance(target, _Group):
                            earlier.absorb(target)  # two spellings of one long form
                        break
            for hit in by_para.get(index, []):
                if hit.gazetteer:
                    continue
                head = _ACRONYM_BEFORE.search(text[:hit.start])
                if head and text[hit.end:hit.end + 1] == ")" and initials_match(head.group("acr"), hit.matched):
                    acronyms.setdefault(head.group("acr"), hit.group)  # type: ignore[arg-type]
        # a capitals word that is exactly the initials of a discovered name: "NASN"
        for group in groups:
            initials = _strict_initials(group.canonical)
            if len(initials) >= 3 and initials not in gazetteer_acronyms:
                acronyms.setdefault(initials, group)
        for acronym, target in acronyms.items():
            if isinstance(target, _Group) and acronym not in target.root().acronyms:
                target.root().acronyms.append(acronym)
        found: list[_Hit] = []
        for acronym, target in acronyms.items():
            pattern = re.compile(rf"(?<![\w&]){re.escape(acronym)}(?:s|'s)?(?![\w&])")
            for index, text in enumerate(folded):
                for match in pattern.finditer(text) if acronym in text else ():  # most passages lack it
                    matched = texts[index][match.start():match.end()]
                    if isinstance(target, _Group):
                        found.append(_Hit(index, match.start(), match.end(), "", matched, "acronym", False, target.root()))
                    else:
                        found.append(_Hit(index, match.start(), match.end(), target, matched, "acronym"))
        # an acronym nobody uses is not an alias
        for group in groups:
            group.acronyms = [
                a for a in group.acronyms
                if any(h.group is group.root() and re.fullmatch(rf"{re.escape(a)}(?:s|'s)?", fold_quotes_in_place(h.matched)) for h in found)
            ]
        return found

    def _more_name_hits(self, docs: list[Any], texts: list[str], groups: list[_Group]) -> list[_Hit]:
        """Other occurrences of the discovered names, whatever their case."""
        from spacy.matcher import PhraseMatcher

        if not groups:
            return []
        matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        keys: dict[int, _Group] = {}
        for number, group in enumerate(groups):
            if group.merged_into is not None:
                continue
            label = f"G{number}"
            matcher.add(label, [self.nlp.make_doc(fold_quotes_in_place(name)) for name in dict.fromkeys(group.names)])
            keys[self.nlp.vocab.strings[label]] = group
        found = []
        for index, doc in enumerate(docs):
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                matched = texts[index][span.start_char:span.end_char]
                found.append(_Hit(index, span.start_char, span.end_char, "", matched, "name", False, keys[match_id]))
        return found

    # ---------------------------------------------------------------- pass 3: mentions

    def _mentions(
        self,
        report: Report,
        docs: list[Any],
        texts: list[str],
        folded: list[str],
        hits: list[_Hit],
        known: dict[str, Initiative],
    ) -> list[Mention]:
        by_para: dict[int, list[_Hit]] = {}
        for hit in hits:
            by_para.setdefault(hit.para, []).append(hit)
        mentions: list[tuple[int, int, int, Mention]] = []
        carry: list[str] = []  # initiatives named in the previous passage
        previous: Paragraph | None = None
        for index, (paragraph, doc) in enumerate(zip(report.paragraphs, docs)):
            text = texts[index]
            own = sorted(by_para.get(index, []), key=lambda h: h.start)
            exclude = [(h.start, h.end) for h in own]
            if not (
                previous is not None
                and previous.heading_path == paragraph.heading_path
                and previous.kind != "measure"
                and paragraph.kind != "measure"
            ):
                carry = []
            if not own and not (carry and _ANAPHOR.search(folded[index])):
                carry = []  # a passage naming nothing, and referring to nothing named before
                previous = paragraph
                continue
            history: list[str] = list(carry)
            region = 0
            region_topic: str | None = carry[-1] if carry else None
            sentences = list(self._sentenced(doc).sents)
            sentence_info: list[tuple[int, str | None, bool]] = []  # (region, topic, names something)
            followups: dict[str, dict[str, Any]] = {}
            for number, sentence in enumerate(sentences):
                s_start, s_end = sentence.start_char, sentence.end_char
                named = [h for h in own if s_start <= h.start < s_end]
                named_ids = {h.initiative for h in named}
                for anaphor in _ANAPHOR.finditer(folded[index], s_start, s_end):
                    word = (anaphor.group("type") or anaphor.group("work")).lower()
                    before = [h.initiative for h in named if h.end <= anaphor.start()]
                    scope = history + before
                    referent = None
                    if word in _GENERIC_ANAPHORS:
                        referent = scope[-1] if scope else None
                    else:
                        for candidate in reversed(scope):
                            if word in _head_type(known[candidate]):
                                referent = candidate
                                break
                    if referent is None or referent in named_ids:
                        continue
                    entry = followups.setdefault(
                        referent,
                        {"sentences": [], "matched": text[anaphor.start():anaphor.end()], "at": anaphor.start(), "regions": set()},
                    )
                    if number not in entry["sentences"]:
                        entry["sentences"].append(number)
                    if referent == region_topic or not named:
                        entry["regions"].add(region)
                if named:
                    region += 1
                    # one mention per initiative and sentence
                    sentence_text = squash(text[s_start:s_end])
                    figures = find_figures(text[s_start:s_end], [(a - s_start, b - s_start) for a, b in exclude if s_start <= a < s_end])
                    seen: dict[str, _Hit] = {}
                    for hit in named:  # the first hit by name, else the first hit
                        best = seen.get(hit.initiative)
                        if best is None or (hit.via == "name" and best.via != "name"):
                            seen[hit.initiative] = hit
                    for initiative, hit in seen.items():
                        mentions.append(
                            (
                                index,
                                s_start,
                                min(h.start for h in named if h.initiative == initiative),
                                Mention(
                                    initiative=initiative,
                                    paragraph=paragraph.ordinal,
                                    section=paragraph.section,
                                    pages=list(paragraph.pages),
                                    sentence=sentence_text,
                                    matched=hit.matched,
                                    via=hit.via,
                                    status=find_status(text[s_start:s_end], hit.start - s_start),
                                    figures=[Figure(**asdict(f)) for f in figures],
                                ),
                            )
                        )
                    for hit in named:
                        if hit.initiative in history:
                            history.remove(hit.initiative)
                        history.append(hit.initiative)
                    region_topic = named[-1].initiative
                sentence_info.append((region if not named else -1, region_topic, bool(named)))
            for referent, entry in followups.items():
                numbers = list(entry["sentences"])
                for number, (sentence_region, topic, names) in enumerate(sentence_info):
                    if not names and topic == referent and sentence_region in entry["regions"] and number not in numbers:
                        numbers.append(number)
                numbers.sort()
                first = entry["sentences"][0]
                status = _best_status(text[sentences[n].start_char:sentences[n].end_char] for n in numbers)
                figures: list[Figure] = []
                for n in numbers:
                    s_start, s_end = sentences[n].start_char, sentences[n].end_char
                    figures.extend(
                        find_figures(text[s_start:s_end], [(a - s_start, b - s_start) for a, b in exclude if s_start <= a < s_end])
                    )
                mentions.append(
                    (
                        index,
                        sentences[first].start_char,
                        entry["at"],
                        Mention(
                            initiative=referent,
                            paragraph=paragraph.ordinal,
                            section=paragraph.section,
                            pages=list(paragraph.pages),
                            sentence=squash(text[sentences[first].start_char:sentences[first].end_char]),
                            matched=entry["matched"],
                            via="follow-up",
                            status=status,
                            figures=figures,
                        ),
                    )
                )
                if referent in history:
                    history.remove(referent)
                history.append(referent)
            # the next passage may refer back to what this one names (not to what it only refers to)
            carry = [i for i in history if i in {h.initiative for h in own}]
            previous = paragraph
        mentions.sort(key=lambda item: (item[0], item[1], item[2]))
        return [m for *_, m in mentions]


def _clip(text: str, limit: int = 200) -> str:
    text = squash(text)
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _without_overlaps(hits: list[_Hit]) -> list[_Hit]:
    """Resolve the group of discovered hits to ids; keep the longest of overlapping hits."""
    for hit in hits:
        if hit.group is not None:
            hit.group = hit.group.root()
            canonical = hit.group.canonical
            hit.initiative = initiative_id(canonical)
            if hit.via == "name" and squash(fold_quotes_in_place(hit.matched)).lower() != squash(fold_quotes_in_place(canonical)).lower():
                hit.via = "alias"
    ordered = sorted(hits, key=lambda h: (h.para, -(h.end - h.start), not h.gazetteer, h.start))
    kept: list[_Hit] = []
    for hit in ordered:
        if any(k.para == hit.para and not (hit.end <= k.start or hit.start >= k.end) for k in kept):
            continue
        kept.append(hit)
    return sorted(kept, key=lambda h: (h.para, h.start))


# --------------------------------------------------------------------------------------------
# Comparing two reports


def _singular(word: str) -> str:
    lower = word.lower()
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith("s") and not lower.endswith("ss"):
        return lower[:-1]
    return lower


def _summary(mentions: list[Mention]) -> tuple[str | None, dict[str, Figure]]:
    """A report's status for an initiative and its first figure of each kind (named mentions first)."""
    ordered = [m for m in mentions if m.via != "follow-up"] + [m for m in mentions if m.via == "follow-up"]
    status = next((m.status for m in ordered if m.status), None)
    figures: dict[str, Figure] = {}
    for mention in ordered:
        for figure in mention.figures:
            key = f"{figure.unit}|{_singular(figure.counts)}"
            if figure.unit == "" and not figure.counts:
                continue
            figures.setdefault(key, figure)
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
    changed.
    """
    if not previous and not current:
        return ""
    if not previous:
        status, figures = _summary(current)
        details = ([status] if status else []) + [squash(f.text) for f in figures.values()]
        return "first mentioned" + (f" ({'; '.join(details)})" if details else "")
    if not current:
        return "no longer mentioned"
    old_status, old_figures = _summary(previous)
    new_status, new_figures = _summary(current)
    parts: list[str] = []
    if old_status and new_status and old_status != new_status:
        parts.append(f"{old_status} -> {new_status}")
    elif new_status and not old_status:
        parts.append(f"now {new_status}")
    for key, new in new_figures.items():
        old = old_figures.get(key)
        if old is None or old.value is None or new.value is None:
            continue
        if old.value == new.value and old.of == new.of:
            continue
        counts = f" {new.counts}" if new.counts else ""
        if old.of is not None and new.of is not None and old.of != new.of:
            parts.append(f"{_shown(old)} of {_whole(old)} -> {_shown(new)} of {_whole(new)}{counts}")
        else:
            parts.append(f"{_shown(old)} -> {_shown(new)}{counts}")
    return "; ".join(parts)
