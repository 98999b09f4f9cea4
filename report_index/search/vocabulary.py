"""The vocabulary of these reports, and queries rewritten to use it.

Reports say one thing many ways: "Stalking Protection Orders", "Stalking Prevention Orders",
"SPOs"; "DVPO" is never spelt out; "anti-slavery" and "antislavery". A researcher should not have
to know every variant. The vocabulary is groups of names for one thing, from three places:

- a curated list of policing and safeguarding terms (``data/acronyms.json``);
- the initiative gazetteer and the initiatives discovered in the corpus (names, aliases, acronyms);
- the acronyms the reports define themselves, "Long Name (ACR)" (Schwartz & Hearst, "A simple
  algorithm for identifying abbreviation definitions in biomedical text", PSB 2003: the acronym's
  letters must be the initials of the words before the bracket).

``rewrite`` turns a query into one where each recognised name also matches its variants, at a
lower weight, so exact matches still rank first. Nothing here imports Whoosh: the caller passes
the tokeniser and the index's word checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Callable, Iterable

from ..models import Expansion
from ..text.clean import fold_quotes

#: Weight of a variant relative to the words the user typed.
VARIANT_BOOST = 0.5
#: Weight of a spelling correction for a word the index does not have.
CORRECTION_BOOST = 0.9
MAX_NGRAM = 8
#: A multi-word query also matches as a loose phrase (words within this many positions).
PROXIMITY_SLOP = 3
PROXIMITY_BOOST = 1.5

_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}

Tokens = Callable[[str], list[str]]


def curated_groups() -> list[list[str]]:
    data = json.loads(resources.files("report_index").joinpath("data/acronyms.json").read_text(encoding="utf-8"))
    return [list(group) for group in data["groups"]]


@dataclass
class Vocabulary:
    """Groups of names for one thing, looked up by their analysed words."""

    tokens: Tokens
    groups: list[list[str]] = field(default_factory=list)
    _by_key: dict[str, int] = field(default_factory=dict)

    def key(self, phrase: str) -> str:
        return " ".join(self.tokens(phrase))

    def add(self, names: Iterable[str]) -> None:
        """Add a group of names for one thing; a name already known joins the groups together."""
        names = [fold_quotes(n).strip() for n in names if n and n.strip()]
        keys = [self.key(n) for n in names]
        known = sorted({self._by_key[k] for k in keys if k in self._by_key})
        if known:
            target = known[0]
            for other in known[1:]:
                for name in self.groups[other]:
                    if name not in self.groups[target]:
                        self.groups[target].append(name)
                for k, g in list(self._by_key.items()):
                    if g == other:
                        self._by_key[k] = target
                self.groups[other] = []
        else:
            self.groups.append([])
            target = len(self.groups) - 1
        for name, k in zip(names, keys):
            if not k:
                continue
            if name not in self.groups[target]:
                self.groups[target].append(name)
            self._by_key[k] = target

    def variants(self, phrase: str) -> list[str]:
        """The other names of what ``phrase`` names (none when it names nothing known)."""
        k = self.key(phrase)
        if k not in self._by_key:
            return []
        seen = {k}
        out = []
        for name in self.groups[self._by_key[k]]:
            name_key = self.key(name)
            if name_key not in seen:
                seen.add(name_key)
                out.append(name)
        return out

    def __contains__(self, phrase: str) -> bool:
        return self.key(phrase) in self._by_key


def build_vocabulary(tokens: Tokens, *sources: Iterable[Iterable[str]]) -> Vocabulary:
    """The curated groups plus each source's groups (initiatives, corpus definitions)."""
    vocabulary = Vocabulary(tokens)
    for group in curated_groups():
        vocabulary.add(group)
    for source in sources:
        for group in source:
            vocabulary.add(group)
    return vocabulary


# --------------------------------------------------------------------------------------------
# Rewriting queries


@dataclass
class Rewritten:
    text: str  # the query in Whoosh syntax
    expansions: list[Expansion] = field(default_factory=list)
    #: what the query asks for, one entry per concept: the ways it may be written
    concepts: list[list[str]] = field(default_factory=list)

    @property
    def corrections(self) -> dict[str, str]:
        return {e.span: e.variants[0] for e in self.expansions if e.reason == "spelling"}


def _quoted(phrase: str) -> str:
    phrase = phrase.replace('"', "")
    return f'"{phrase}"' if " " in phrase or "-" in phrase or "'" in phrase else phrase


def _reason(span: str, variant: str) -> str:
    if re.fullmatch(r"[A-Z][A-Za-z0-9&]*[A-Z0-9]s?", variant) and not re.fullmatch(r"[A-Z][A-Za-z0-9&]*[A-Z0-9]s?", span):
        return "acronym"
    if re.fullmatch(r"[A-Z][A-Za-z0-9&]*[A-Z0-9]s?", span):
        return "long form"
    return "synonym"


def rewrite(
    query: str,
    vocabulary: Vocabulary,
    known: Callable[[str], bool] = lambda word: True,
    correct: Callable[[str], str | None] = lambda word: None,
) -> Rewritten:
    """``query`` with each recognised name widened to its variants (weighted below the words
    typed), hyphenated and run-together words in both forms, and words the index lacks paired
    with a spelling correction. Quoted phrases are left exactly as typed."""
    query = fold_quotes(query)
    pieces = [m for m in _TOKEN.finditer(query)]
    plain_words = [p.group() for p in pieces if _plain(p.group())]
    proximity = ""
    if len(plain_words) == len(pieces) and len([w for w in plain_words if vocabulary.key(w)]) >= 2:
        # the words close together, in any order: the passage that says the query outright ranks first
        proximity = f' OR "{" ".join(plain_words)}"~{PROXIMITY_SLOP}^{PROXIMITY_BOOST}'
    out: list[str] = []
    expansions: list[Expansion] = []
    concepts: list[list[str]] = []
    index = 0
    while index < len(pieces):
        run_end = index
        while run_end < len(pieces) and _plain(pieces[run_end].group()):
            run_end += 1
        if run_end == index:
            token = pieces[index].group()
            negated = index > 0 and pieces[index - 1].group() in ("NOT", "ANDNOT")
            if token.startswith('"') and not negated and vocabulary.key(token.strip('"')):
                concepts.append([token.strip('"')])
            out.append(token)
            index += 1
            continue
        words = [p.group() for p in pieces[index:run_end]]
        negated = index > 0 and pieces[index - 1].group() in ("NOT", "ANDNOT")
        before = len(expansions)
        out.extend(_rewrite_run(words, vocabulary, known, correct, expansions))
        if not negated:
            concepts.extend(_concepts(words, expansions[before:], vocabulary))
        index = run_end
    text = " ".join(out)
    if proximity:
        text = f"({text}){proximity}"
    return Rewritten(text=text, expansions=expansions, concepts=concepts)


def _concepts(words: list[str], expansions: list[Expansion], vocabulary: Vocabulary) -> list[list[str]]:
    """One concept per expanded span (any of its names will do) and per other content word."""
    concepts: list[list[str]] = []
    covered: set[str] = set()
    for expansion in expansions:
        concepts.append([expansion.span, *expansion.variants])
        covered.update(vocabulary.tokens(expansion.span))
    for word in words:
        tokens = vocabulary.tokens(word)
        if tokens and not set(tokens) <= covered:
            concepts.append([word])
            covered.update(tokens)
    return concepts


def _plain(token: str) -> bool:
    return not (token in ("(", ")") or token.startswith('"') or token in _OPERATORS or ":" in token or "^" in token
                or "*" in token or "?" in token)


def _rewrite_run(words, vocabulary, known, correct, expansions) -> list[str]:
    out: list[str] = []
    position = 0
    while position < len(words):
        for size in range(min(MAX_NGRAM, len(words) - position), 0, -1):
            span = " ".join(words[position : position + size])
            # a name neither starts nor ends with a stop word ("of domestic abuse" is not a name)
            edges_count = vocabulary.key(words[position]) and vocabulary.key(words[position + size - 1])
            variants = vocabulary.variants(span) if edges_count else []
            if variants:
                expansions.append(Expansion(span, variants, _reason(span, variants[0])))
                alternatives = " OR ".join(f"{_quoted(v)}^{VARIANT_BOOST}" for v in variants)
                exact = f' OR "{span}"' if size > 1 else ""  # the name as typed, as a phrase, ranks first
                out.append(f"({span}{exact} OR {alternatives})")
                position += size
                break
        else:
            out.append(_rewrite_word(words[position], known, correct, expansions))
            position += 1
    return out


def _rewrite_word(word: str, known, correct, expansions) -> str:
    bare = word.strip(".,;:!?")
    if "-" in bare and len(bare) > 3:
        joined = bare.replace("-", "")
        if known(joined):
            expansions.append(Expansion(bare, [joined], "hyphen"))
            return f"({word} OR {joined}^{VARIANT_BOOST})"
        return word
    if not bare.isalpha() or len(bare) < 4 or known(bare):
        return word
    for cut in range(3, len(bare) - 2):
        left, right = bare[:cut], bare[cut:]
        if known(left) and known(right):
            expansions.append(Expansion(bare, [f"{left}-{right}"], "compound"))
            return f'({word} OR "{left} {right}"^{CORRECTION_BOOST})'
    if bare.isupper():
        return word  # an unknown acronym is not a misspelling
    suggestion = correct(bare.lower())
    if suggestion and suggestion != bare.lower():
        expansions.append(Expansion(bare, [suggestion], "spelling"))
        return f"({word} OR {suggestion}^{CORRECTION_BOOST})"
    return word
