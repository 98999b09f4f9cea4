"""One initiative under all its names.

Reports name the same initiative in several ways: spacing, hyphen and case variants ("Stalking
Co-ordination Unit" / "Stalking Coordination Team"), a hashtag and its plain words ("#LookCloser"
/ "Look Closer"), an acronym after the name ("... Strategic Group (WYR&V)"), and new names for
old ones ("WYASP, formerly the West Yorkshire Anti-Trafficking Network (WYATN)"). The gazetteer
lists some (``aliases``, ``formerly``, ``generic``); this module finds the rest across the
reports and says which initiatives are one:

- :func:`variant_key`: a name folded so that its variants are equal;
- :func:`renames`: the (new name, old name) pairs a text states ("formerly", "previously known
  as", "renamed", "replaced", "now");
- :func:`identities`: every known initiative's id -> the id it is one with (a gazetteer or user
  entry before a discovered one, else the newer name).

``timeline``, ``summaries`` and ``compare`` all use :func:`identities`, so an initiative is the
same one everywhere. Pure functions: no spaCy.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Iterable

from ..models import Initiative, Report
from ..text.clean import fold_quotes_in_place
from .gazetteer import resolve, surfaces

#: Head nouns that name the same kind of body: a "Team" and a "Unit" of the same words are one.
_SAME_HEAD = {"team": "unit", "unit": "unit", "teams": "unit", "units": "unit"}

_SPELLINGS = {"co-ordination": "coordination", "co-ordinator": "coordinator", "co-ordinated": "coordinated"}


def variant_key(name: str) -> str:
    """``name`` folded so that its spacing, hyphen, case, hashtag and apostrophe variants are
    equal, without a leading "the", a bracketed acronym at its end or a plural s:
    "Stalking Co-ordination Unit" == "stalking coordination team", "#LookCloser" == "Look Closer",
    "Children's Risk and Vulnerability Strategic Group (WYR&V)" == "... Strategic Group"."""
    text = fold_quotes_in_place(name).lower().strip()
    text = re.sub(r"\s*\([^()]*\)\s*$", "", text)
    for spelling, usual in _SPELLINGS.items():
        text = text.replace(spelling, usual)
    text = text.replace("'s", "").lstrip("#")
    words = re.findall(r"[a-z0-9]+", text)
    if words and words[0] == "the":
        words = words[1:]
    if words:
        last = _SAME_HEAD.get(words[-1], words[-1])
        words[-1] = last[:-1] if last.endswith("s") and len(last) > 3 and not last.endswith("ss") else last
    return "".join(words)


#: A name as these texts write one: capitalised words (up to ten) and the small words between
#: them, an acronym in brackets after it. Bounded, so that a long run of capitalised words (a
#: table's header, a title) costs little.
_NAME = r"(?:#\w+|[A-Z][\w'’&.-]{0,40}(?:\s+(?:(?:of|and|for|the|in|on|against|&)\s+){0,2}[A-Z][\w'’&.-]{0,40}){0,9}(?:\s+\([A-Z][\w&]{1,10}\))?)"

#: "NEW, formerly OLD", "NEW (previously known as OLD)", "OLD was renamed NEW", "OLD, now NEW",
#: "NEW replaced OLD", "NEW, which replaced the OLD".
_RENAMES = [
    re.compile(rf"(?P<new>{_NAME})\s*[,(]\s*(?:which was\s+|that was\s+)?(?:formerly|previously|once)(?:\s+(?:known|called|named)(?:\s+as)?)?\s+(?:the\s+)?(?P<old>{_NAME})"),
    re.compile(rf"(?P<old>{_NAME})\s+(?:has been|was|is being|had been)\s+renamed(?:\s+(?:as|to))?\s+(?:the\s+)?(?P<new>{_NAME})"),
    re.compile(rf"(?P<old>{_NAME})\s*[,(]\s*now\s+(?:(?:known|called|named)(?:\s+as)?\s+)?(?:the\s+)?(?P<new>{_NAME})"),
    re.compile(rf"(?P<new>{_NAME})\s*,?\s+(?:which\s+|that\s+)?(?:has\s+|have\s+)?replaced\s+(?:the\s+)?(?P<old>{_NAME})"),
]

#: What any rename needs (most passages have none, and skip the patterns): "formerly",
#: "previously", "renamed", "replaced", or a "now" just after a comma or bracket.
_CUE = re.compile(r"\b(?:formerly|previously|once|renamed|replaced)\b|[,(]\s*now\b", re.I)


@lru_cache(maxsize=65536)
def renames(text: str) -> list[tuple[str, str]]:
    """The (new name, old name) pairs ``text`` states, as written (kept for texts seen again:
    every timeline asks of every passage)."""
    if not _CUE.search(text):
        return []
    text = fold_quotes_in_place(text)
    found: list[tuple[str, str]] = []
    for pattern in _RENAMES:
        for match in pattern.finditer(text):
            new, old = match.group("new").strip().rstrip("."), match.group("old").strip().rstrip(".")
            if new and old and variant_key(new) != variant_key(old):
                found.append((new, old))
    return found


def _lookup(name: str, initiatives: list[Initiative], by_key: dict[str, str]) -> str | None:
    found = resolve(name, initiatives)
    if found is not None:
        return found.id
    bare = re.sub(r"\s*\([^()]*\)\s*$", "", name)
    found = resolve(bare, initiatives) if bare != name else None
    return found.id if found is not None else by_key.get(variant_key(name))


def identities(initiatives: list[Initiative], reports: Iterable[Report] = ()) -> dict[str, str]:
    """Each initiative's id -> the id of the initiative it is one with (itself when alone):
    names that differ only as :func:`variant_key` folds them, and the renames the reports state
    (but for two gazetteer or user entries: those stay two).
    Of two that are one, a gazetteer or user entry is kept before a discovered one; of two
    discovered, the newer name (after "formerly") is kept."""
    parent = {item.id: item.id for item in initiatives}
    curated = {item.id for item in initiatives if item.source != "discovered"}

    def root(ident: str) -> str:
        while parent[ident] != ident:
            parent[ident] = parent[parent[ident]]
            ident = parent[ident]
        return ident

    def join(keep: str, other: str) -> None:
        keep, other = root(keep), root(other)
        if keep == other:
            return
        if other in curated and keep not in curated:
            keep, other = other, keep
        parent[other] = keep

    by_key: dict[str, str] = {}
    for item in sorted(initiatives, key=lambda i: i.source == "discovered"):  # curated first
        for surface in surfaces(item):
            key = variant_key(surface)
            if not key:
                continue
            if key in by_key:
                join(by_key[key], item.id)
            else:
                by_key[key] = item.id
    for report in reports:
        for paragraph in report.paragraphs:
            for new, old in renames(paragraph.text):
                a, b = _lookup(new, initiatives, by_key), _lookup(old, initiatives, by_key)
                # two curated entries stay two ("DAPOs replaced DVPOs"): the gazetteer lists its
                # own predecessors (``formerly``)
                if a and b and not (a in curated and b in curated):
                    join(a, b)
    return {ident: root(ident) for ident in parent}


def merged(initiative: Initiative, initiatives: list[Initiative], same: dict[str, str]) -> Initiative:
    """``initiative`` with the names of every initiative that is one with it among its aliases."""
    names = {s.lower() for s in surfaces(initiative)}
    extra = []
    for item in initiatives:
        if item.id != initiative.id and same.get(item.id) == same.get(initiative.id, initiative.id):
            for surface in surfaces(item):
                if surface.lower() not in names:
                    names.add(surface.lower())
                    extra.append(surface)
    return replace(initiative, aliases=[*initiative.aliases, *extra]) if extra else initiative


def with_identity(report: Report, same: dict[str, str]) -> Report:
    """``report`` with each mention's initiative the one it is one with (its ``matched`` words keep
    the name the report used)."""
    if not any(same.get(m.initiative, m.initiative) != m.initiative for m in report.mentions):
        return report
    return replace(report, mentions=[replace(m, initiative=same.get(m.initiative, m.initiative)) for m in report.mentions])
