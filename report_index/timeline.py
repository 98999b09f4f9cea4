"""Initiatives across reports: which are mentioned where, and how each has progressed.

Works on the report models in the index: the mentions were read at ingest time, so answering
needs neither the PDFs nor spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ReportIndexError
from .index.files import user_gazetteer_files
from .models import Initiative, Mention, Report


@dataclass
class InitiativeSummary:
    initiative: Initiative
    mentions: int
    reports: list[Report]

    @property
    def first_seen(self) -> str | None:
        dates = [r.date for r in self.reports if r.date]
        return min(dates) if dates else None

    @property
    def last_seen(self) -> str | None:
        dates = [r.date for r in self.reports if r.date]
        return max(dates) if dates else None

    def to_json(self) -> dict:
        item = self.initiative
        return {
            "id": item.id,
            "name": item.name,
            "aliases": item.aliases,
            "kind": item.kind,
            "source": item.source,
            "description": item.description,
            "mentions": self.mentions,
            "reports": [{"id": r.id, "date": r.date} for r in self.reports],
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
        }


@dataclass
class TimelineEntry:
    report: Report
    mentions: list[Mention] = field(default_factory=list)
    change: str = ""

    @property
    def mentioned(self) -> bool:
        return bool(self.mentions)

    def passage(self, mention: Mention) -> str:
        for para in self.report.paragraphs:
            if para.ordinal == mention.paragraph:
                return para.text
        return mention.sentence

    def to_json(self) -> dict:
        return {
            "report_id": self.report.id,
            "report_date": self.report.date,
            "report_title": self.report.title,
            "report_body": self.report.body,
            "mentioned": self.mentioned,
            "mentions": [
                {
                    "section": m.section,
                    "page": m.pages[0] if m.pages else None,
                    "text": m.sentence,
                    "passage": self.passage(m),
                    "matched": m.matched,
                    "via": m.via,
                    "status": m.status,
                    "figures": [
                        {"text": f.text, "value": f.value, "unit": f.unit, "counts": f.counts, "of": f.of}
                        for f in m.figures
                    ],
                }
                for m in self.mentions
            ],
            "change": self.change,
        }


def known_initiatives(index_dir: Path, reports: list[Report]) -> list[Initiative]:
    """The curated gazetteer, the user's lists kept with the index, and what ingest discovered."""
    from .initiatives.gazetteer import load_gazetteer

    found = {item.id: item for item in load_gazetteer(*user_gazetteer_files(index_dir))}
    for report in reports:
        for item in report.discovered:
            if item.id not in found:
                found[item.id] = replace(item, aliases=list(item.aliases))
                continue
            known = found[item.id]
            # an acronym or short form defined only in a later report still resolves
            known.aliases.extend(a for a in item.aliases if a not in known.aliases and a != known.name)
    return list(found.values())


def find_initiative(name: str, initiatives: list[Initiative]) -> Initiative:
    """The initiative ``name`` means (any alias or acronym, any case); an error with suggestions if none."""
    from .initiatives.gazetteer import resolve, suggest

    found = resolve(name, initiatives)
    if found is not None:
        return found
    close = suggest(name, initiatives)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise ReportIndexError(f"no initiative called '{name}' is known.{hint} `report-index initiatives` lists them.")


def summaries(reports: list[Report], initiatives: list[Initiative]) -> list[InitiativeSummary]:
    """Every initiative mentioned in ``reports``, most mentioned first."""
    by_id = {item.id: item for item in initiatives}
    counts: dict[str, int] = {}
    seen_in: dict[str, list[Report]] = {}
    for report in sorted(reports, key=lambda r: (r.date or "", r.id)):
        for mention in report.mentions:
            counts[mention.initiative] = counts.get(mention.initiative, 0) + 1
            listed = seen_in.setdefault(mention.initiative, [])
            if report not in listed:
                listed.append(report)
    out = [
        InitiativeSummary(by_id[key], counts[key], seen_in[key])
        for key in counts
        if key in by_id
    ]
    return sorted(out, key=lambda s: (-s.mentions, s.initiative.name.lower()))


def timeline(reports: list[Report], initiative: Initiative) -> list[TimelineEntry]:
    """Every report in date order, with its mentions of ``initiative`` (or none) and a one-line
    change against the last report before it that mentioned it."""
    from .initiatives.figures import describe_change

    entries: list[TimelineEntry] = []
    previous: list[Mention] = []
    for report in sorted(reports, key=lambda r: (r.date or "9999", r.id)):
        mentions = [m for m in report.mentions if m.initiative == initiative.id]
        entry = TimelineEntry(report, mentions)
        if mentions:
            entry.change = describe_change(previous, mentions)
            previous = mentions
        entries.append(entry)
    return entries
