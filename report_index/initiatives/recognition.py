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

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Iterable

from ..models import Figure, Initiative, Mention, Paragraph, Report
from ..text.clean import fold_quotes_in_place, squash
from ..text.acronyms import CONNECTORS, acronym_brackets, initials_match
from ..text.sentences import sentence_spans
from .figures import about_initiative, best_status, find_figures, find_status, with_areas
from .gazetteer import initiative_id, is_acronym, is_plain_word, resolve, surface_kinds

#: Bump when recognition, discovery, status or figure rules change: stored annotations are stale.
ANNOTATOR_VERSION = "4"

LABEL = "INITIATIVE"

# --------------------------------------------------------------------------------------------
# Text helpers


# --------------------------------------------------------------------------------------------
# The gazetteer


# --------------------------------------------------------------------------------------------
# Looking initiatives up by name


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


# --------------------------------------------------------------------------------------------
# Status: what stage the words around a mention say the initiative is at


# --------------------------------------------------------------------------------------------


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
#: The last words of an organisation's name: a body, not an initiative it runs.
_ORGANISATION = re.compile(
    r"(?:\bPolice(?:\s+Service|\s+Force)?|\bConstabulary|\bCouncil|\bTrust|\bCharity|\bFoundation|\bSociety|\bCommission"
    r"|\bCommissioner|\bMinistry|\bDepartment|\bOffice|\bAgency|\bAuthority|\bSpecial Operations Unit|\bOrganised Crime Unit"
    r"|\bRegional Organised Crime Unit|\bNHS(?:\s+\w+)*\s+Trust|\bUniversity|\bCollege"
    r"|\b(?:Prosecution|Probation|Prisons?|Courts?|Tribunals|Fire and Rescue|Ambulance|Border) Service)$"
    r"|^(?:HM|HMRC|His Majesty's|Her Majesty's|Crown)\s"
)

#: Words that run together where an extraction lost a space ("inFebruary", "KingdomTagged"):
#: a lower-case small word or a month or weekday on one side, or an -ed/-ing word after a capital.
_GLUED_SMALL = {"in", "on", "of", "at", "by", "to", "for", "and", "the", "from", "with", "or", "as", "is"}
_FORM_WORDS = {"yes", "no", "none", "other", "total", "male", "female", "unknown", "n", "a", "na", "tick", "date", "signed", "name"}
_GLUED_DATES = {
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}


def run_together(word: str) -> bool:
    """Whether a camel-case ``word`` is two words an extraction ran together, not a brand:
    "inFebruary", "KingdomTagged", "ReportMarch" are; "SmartWater", "TecSOS", "iPhone" are not."""
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", word)
    if len(parts) < 2:
        return False
    lower = [p.lower() for p in parts]
    if parts[0].islower() and lower[0] in _GLUED_SMALL:
        return True
    if all(p in _FORM_WORDS for p in lower):
        return True  # a form's answers run together ("YesNo", "MaleFemale")
    if any(p in _GLUED_DATES for p in lower):
        return True
    return any(p[:1].isupper() and len(p) > 4 and p.lower().endswith(("ed", "ing")) for p in parts[1:])


def discovered_kind(name: str, kind: str) -> str:
    """A discovered name's kind: "organisation" for a body (``Metropolitan Police Service``,
    ``... NHS Foundation Trust``), else the kind its rule gave (team, unit, partnership, campaign...)."""
    return "organisation" if _ORGANISATION.search(squash(name)) else kind


_SURNAME = re.compile(r"^(?:Ma?c|Van|Von|De[ls]?|Di|Du|La|Le|Fitz|Mc)[A-Z]")
_ACRONYM_BEFORE = re.compile(r"(?<![\w&])(?P<acr>[A-Z][A-Z0-9&]{1,9})\s*\(\s*$")

#: Phrases that refer back to the initiative last named. Generic ones take any initiative; typed
#: ones ("the group") only one whose name or kind is of that type.
_ANAPHOR = re.compile(
    r"\b(?:the|this|that)\s+(?P<type>initiative|intervention|scheme|approach|pilot|project|programme|program|trial|campaign|service"
    r"|toolkit|tool|guide|statement|strategy|board|group|partnership|network|forum|team|unit|hub|operation|orders?"
    r"|technology|device|devices|spray|liquid|kit|handset|phone)\b"
    r"|\bthis\s+(?P<work>work)\b",
    re.I,
)
_GENERIC_ANAPHORS = {"initiative", "intervention", "scheme", "approach", "pilot", "project", "programme", "program", "trial", "work"}


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
    return len(words) > 2 and is_acronym(words[0])


def _content_words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", name) if w and w.lower() not in CONNECTORS and w not in ("'s", "'")]


def _merge_key(name: str) -> str:
    """A discovered name without a leading 'the' or acronym prefix (``WYP``, ``WY``), lower-case."""
    words = squash(fold_quotes_in_place(name)).split(" ")
    while words and (words[0].lower() == "the" or (is_acronym(words[0]) and len(words) > 2)):
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
    if text.islower() and token.i >= 2 and token.nbor(-1).text == "-" and token.nbor(-2).is_title and not token.nbor(-1).whitespace_:
        return True  # the rest of a hyphenated capitalised word: "Co-ordination"
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
    if initiative.kind == "tool":  # "the spray", "this technology", "the device" for SmartWater or TecSOS
        types |= _TOOL_WORDS
    return types


_TOOL_WORDS = {"technology", "device", "devices", "spray", "liquid", "kit", "handset", "phone"}


class Recogniser:
    """Finds initiatives in reports: the gazetteer's and new ones. Build once, annotate many."""

    def __init__(self, initiatives: list[Initiative]):
        import spacy
        from spacy.matcher import Matcher, PhraseMatcher
        from spacy.tokens import Token

        self.initiatives = list(initiatives)
        self.by_id = {i.id: i for i in self.initiatives}
        self.nlp = spacy.blank("en")
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
            for surface, kind in surface_kinds(initiative):
                surface = fold_quotes_in_place(surface)
                if is_acronym(surface):
                    for form in [surface] if surface.endswith("s") else [surface, surface + "s"]:
                        self._add_word(key, form, plain=False)
                        self._via[(initiative.id, form.lower())] = "acronym"
                    continue
                if is_plain_word(surface):
                    self._add_word(key, surface, plain=True)
                else:
                    self._names.add(label, [self.nlp.make_doc(surface)])
                self._via.setdefault((initiative.id, squash(surface).lower()), kind)

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
        #: ``may_match(doc, text)``: whether a passage holds a word the discovery rules need.
        #: Every match of those rules holds a word this finds (a title-case head noun, Operation or
        #: Project, a camel-case word): most passages have none and skip the matcher, whose name
        #: rule asks Python about every token. Set to ``lambda doc, text: True``, the rules run
        #: on every passage: slower, and the same mentions.
        self.may_match = _WordFilter(self.nlp, [*(h.title() for h in HEAD_NOUNS), "Operation", "Project"], camel=True)

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
        """``doc`` with its sentences marked by the project's one splitter (``text.sentences``):
        only passages naming something need them."""
        if not doc.has_annotation("SENT_START"):
            starts = {start for start, _ in sentence_spans(doc.text)}
            for token in doc:
                token.is_sent_start = token.i == 0 or token.idx in starts
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
                via = "acronym" if is_acronym(fold_quotes_in_place(matched)) else "alias"
            hits.append(_Hit(index, span.start_char, span.end_char, ident, matched, via))
        return hits

    def _candidates(self, index: int, doc: Any, text: str, folded: str) -> list[_Candidate]:
        found: list[_Candidate] = []
        heads: dict[int, int] = {}  # end of a HEAD_NAME match -> its earliest start
        for match_id, start, end in self._matcher(doc) if self.may_match(doc, folded) else ():
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
                if token.lower_ in BRAND_STOPLIST or _SURNAME.match(token.text) or (start > 0 and doc[start - 1].text == "#") or run_together(token.text):
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
                Initiative(id=hit.initiative, name=group.canonical, kind=discovered_kind(group.canonical, group.kind), source="discovered"),
            )
            for alias in [*group.names, *group.acronyms]:
                if alias != initiative.name and alias not in initiative.aliases:
                    initiative.aliases.append(alias)
        known = {**self.by_id, **discovered}
        mentions = self._mentions(report, docs, texts, folded, hits, known)
        for key, initiative in discovered.items():
            first = next((m for m in mentions if m.initiative == initiative.id and m.via != "follow-up"), None)
            if first:
                discovered[key] = replace(initiative, description=f"Discovered in {report.title or report.id or 'a report'}" + (
                    f" ({report.date})" if report.date else ""
                ) + f", para {first.section or first.paragraph}: {_clip(first.sentence)}")
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
            fold_quotes_in_place(s) for i in self.initiatives for s in i.aliases if is_acronym(fold_quotes_in_place(s))
        }
        by_para: dict[int, list[_Hit]] = {}
        for hit in hits:
            by_para.setdefault(hit.para, []).append(hit)
        for index, text in enumerate(folded):
            for acronym, bracket, _ in acronym_brackets(text):
                if not is_acronym(acronym) or acronym in gazetteer_acronyms:
                    continue
                before = text[:bracket].rstrip()
                for hit in by_para.get(index, []):
                    if hit.end == len(before) and initials_match(acronym, text[hit.start:hit.end]):
                        target = hit.group if hit.group is not None else hit.initiative
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
        carry: list[str] = []  # initiatives named in the last passage that named any
        gap = 0  # passages since, naming nothing
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
            gap = 0 if own else gap + 1
            if gap > _CARRY_GAP:
                carry = []
            if not own and not (carry and _ANAPHOR.search(folded[index])):
                # a passage naming nothing and referring to nothing: a short aside ("The liquid is
                # invisible.") before "The spray is being trialled" keeps what was named before
                previous = paragraph
                continue
            first_mention = len(mentions)
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
                    figures = _initiative_figures(text[s_start:s_end], [(a - s_start, b - s_start) for a, b in exclude if s_start <= a < s_end])
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
                                    status=_sentence_status(sentences, number, text, hit.start - s_start, figures),
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
                status = best_status(text[sentences[n].start_char:sentences[n].end_char] for n in numbers)
                figures: list[Figure] = []
                for n in numbers:
                    s_start, s_end = sentences[n].start_char, sentences[n].end_char
                    figures.extend(
                        _initiative_figures(text[s_start:s_end], [(a - s_start, b - s_start) for a, b in exclude if s_start <= a < s_end])
                    )
                if status is None and _counts_use(figures, text[sentences[first].start_char:sentences[numbers[-1]].end_char]):
                    status = "live"
                # quoted from the first to the last sentence a figure comes from, as one run of the
                # passage: "Over 100 victims have now been protected. 83% of these report ..."
                quoted = [n for n in numbers if n == first or _initiative_figures(text[sentences[n].start_char:sentences[n].end_char])]
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
                            sentence=squash(text[sentences[min(quoted)].start_char:sentences[max(quoted)].end_char]),
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
            if own:  # (the passage's other sentences lend only to an initiative it names)
                passage = _Passage(index, paragraph, text, own, exclude, sentences, sentence_info)
                _statuses_from_the_passage(mentions, first_mention, passage)
                _figures_from_the_passage(mentions, first_mention, passage)
            # the next passage may refer back to what this one names (not to what it only refers to)
            named_here = {h.initiative for h in own}
            if named_here:
                carry = [i for i in history if i in named_here]
            previous = paragraph
        mentions.sort(key=lambda item: (item[0], item[1], item[2]))
        return [m for *_, m in mentions]


#: How many passages naming nothing a follow-up ("the spray") may reach back over.
_CARRY_GAP = 3

#: A sentence that goes on from the one before: "One of which, ..., was rolled out" is one of the
#: pilot schemes that sentence spoke of.
_GOES_ON = re.compile(r"^\W*(?:(?:one|some|each|many|most|all|none) of (?:which|these|them|those)|of (?:which|these)|which)\b", re.I)

#: "will" in a sentence: what it counts is yet to be, not what the initiative did.
_FUTURE = re.compile(r"\b(?:will|shall|is to be|are to be)\b", re.I)


def _sentence_status(sentences: list[Any], number: int, text: str, at: int, figures: list[Figure]) -> str | None:
    """The status a named mention's sentence gives: its own clause's cue first (``find_status``);
    for a sentence that goes on from the one before (:data:`_GOES_ON`), the cues of both; for a
    sentence that cues none but counts what the initiative did ("increasing by 48.5%", "over
    1,700 activations"), live: a scheme that is used is running."""
    sentence = text[sentences[number].start_char:sentences[number].end_char]
    if number and _GOES_ON.match(sentence):
        before = text[sentences[number - 1].start_char:sentences[number - 1].end_char]
        status = best_status([before, sentence])
    else:
        status = find_status(sentence, at)
    if status is None and _counts_use(figures, sentence):
        status = "live"
    return status


def _counts_use(figures: list[Figure], sentence: str) -> bool:
    """Whether ``figures`` count what an initiative did, in a sentence not in the future tense:
    a count of something or a percentage, not a sum (money granted is not use)."""
    return bool(figures) and not _FUTURE.search(sentence) and any(f.unit != "£" and (f.counts or f.unit == "%") for f in figures)


@dataclass(frozen=True)
class _Passage:
    """A passage as the mentions pass reads it: its hits and sentences, and which sentences name
    something (``sentence_info``: region, topic, names something)."""

    index: int
    paragraph: Paragraph
    text: str
    own: list[_Hit]
    exclude: list[tuple[int, int]]
    sentences: list[Any]
    sentence_info: list[tuple[int, str | None, bool]]

    def sentence(self, number: int) -> tuple[int, int, str]:
        start, end = self.sentences[number].start_char, self.sentences[number].end_char
        return start, end, self.text[start:end]


def _statuses_from_the_passage(mentions: list[tuple[int, int, int, Mention]], first: int, passage: _Passage) -> None:
    """A named mention whose sentence cues no status takes the status the other sentences of its
    passage give, when the passage names no other initiative: "Despite its name, X need not be a
    statute." beside "First implemented in England and Wales in 2014, the policy ..." is national.
    Weak cues (a bare "will") are not read from the neighbours."""
    if len({h.initiative for h in passage.own}) != 1:
        return
    others = [passage.sentence(n)[2] for n, (_, _, names) in enumerate(passage.sentence_info) if not names]
    status = best_status(others, weak=False)
    if status is None:
        return
    for number in range(first, len(mentions)):
        index, start, at, mention = mentions[number]
        if mention.via != "follow-up" and mention.status is None:
            mentions[number] = (index, start, at, replace(mention, status=status))


def _figures_from_the_passage(mentions: list[tuple[int, int, int, Mention]], first: int, passage: _Passage) -> None:
    """The figures of a sentence next to one naming the initiative, in a passage naming nothing
    else, are the initiative's too ("This year, 33 forces have information-sharing arrangements
    with schools. With this approach, known as X in many forces, ..."): each becomes a follow-up
    quoting its own sentence, under the name the passage used. Not a sentence in the future tense
    (what it counts is yet to be), nor one further away (a passage may go on to other things)."""
    own, paragraph = passage.own, passage.paragraph
    if len({h.initiative for h in own}) != 1:
        return
    shown = {f.text for _, _, _, m in mentions[first:] for f in m.figures}
    naming = [n for n, (_, _, names) in enumerate(passage.sentence_info) if names]
    for number, (_, _, names) in enumerate(passage.sentence_info):
        s_start, s_end, sentence = passage.sentence(number)
        if names or not any(abs(number - n) == 1 for n in naming) or _FUTURE.search(sentence):
            continue
        spans = [(a - s_start, b - s_start) for a, b in passage.exclude if s_start <= a < s_end]
        figures = [f for f in _initiative_figures(sentence, spans) if f.text not in shown]
        if figures:
            mention = Mention(
                initiative=own[0].initiative,
                paragraph=paragraph.ordinal,
                section=paragraph.section,
                pages=list(paragraph.pages),
                sentence=squash(sentence),
                matched=own[0].matched,
                via="follow-up",
                figures=figures,
            )
            mentions.append((passage.index, s_start, s_start, mention))


def _initiative_figures(sentence: str, exclude: Iterable[tuple[int, int]] = ()) -> list[Figure]:
    """The figures of a sentence that count something an initiative did (``about_initiative``)."""
    return with_areas(sentence, [f for f in find_figures(sentence, exclude) if about_initiative(f, sentence)])


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


def gazetteer_fingerprint(initiatives: list[Initiative]) -> str:
    """A stable hash of the initiatives (in any order) and :data:`ANNOTATOR_VERSION`."""
    rows = sorted((asdict(i) for i in initiatives), key=lambda row: (row["id"], row["name"]))
    payload = json.dumps({"annotator": ANNOTATOR_VERSION, "initiatives": rows}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
