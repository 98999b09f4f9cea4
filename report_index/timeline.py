"""Initiatives across reports: which are mentioned where, and how each has progressed.

Works on the report models in the index: the mentions were read at ingest time, so answering
needs neither the PDFs nor spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Figure, Initiative, Mention, Report, ReportList, chronological


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

    def to_dict(self) -> dict:
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

    def status_and_figures(self) -> tuple[str | None, list[Figure]]:
        """What this report says of the initiative in one line: its status (the named mentions'
        first, None when none is cued) and the figures it gives, each once."""
        from .initiatives.figures import status_and_figures

        return status_and_figures(self.mentions)

    def passage(self, mention: Mention) -> str:
        for para in self.report.paragraphs:
            if para.ordinal == mention.paragraph:
                return para.text
        return mention.sentence

    def to_dict(self) -> dict:
        return {
            "report_id": self.report.id,
            "report_date": self.report.date,
            "report_date_source": self.report.date_source,
            "report_date_estimate": self.report.date_estimate or None,
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
                        {"text": f.text, "value": f.value, "unit": f.unit, "counts": f.counts, "of": f.of, "area": f.area or None}
                        for f in m.figures
                    ],
                }
                for m in self.mentions
            ],
            "change": self.change,
        }


def summaries(reports: list[Report], initiatives: list[Initiative], *, everything: bool = False) -> list[InitiativeSummary]:
    """Every initiative mentioned in ``reports``, most mentioned first; the initiatives that are
    one (``initiatives.identity``) counted as one, under the name kept, with the others' names
    among its aliases. Discovered organisations (kind "organisation") are left out unless
    ``everything``."""
    from .initiatives.identity import identities, merged

    same = identities(initiatives, reports)
    by_id = {item.id: merged(item, initiatives, same) for item in initiatives if same.get(item.id, item.id) == item.id}
    counts: dict[str, int] = {}
    seen_in: dict[str, list[Report]] = {}
    for report in sorted(reports, key=lambda r: chronological(r.date, r.id)):
        for mention in report.mentions:
            key = same.get(mention.initiative, mention.initiative)
            counts[key] = counts.get(key, 0) + 1
            listed = seen_in.setdefault(key, [])
            if report not in listed:
                listed.append(report)
    out = [
        InitiativeSummary(by_id[key], counts[key], seen_in[key])
        for key in counts
        if key in by_id and (everything or not _organisation(by_id[key]))
    ]
    return sorted(out, key=lambda s: (-s.mentions, s.initiative.name.lower()))


def _organisation(item: Initiative) -> bool:
    """A discovered body rather than an initiative: left out of the list unless all are asked for."""
    return item.source == "discovered" and item.kind == "organisation"


def timeline(reports: list[Report], initiative: Initiative, same: dict[str, str] | None = None) -> list[TimelineEntry]:
    """Every report in date order, with its mentions of ``initiative`` (or none) and a one-line
    change against the last report before it that mentioned it. Undated reports come after the
    dated ones, apart: with no place in time they are compared with nothing, and nothing is
    compared with them (an undated report is never taken for the newest). ``same``
    (``initiatives.identity.identities``) says which initiatives are one with it: their mentions
    are its mentions, each keeping the name it used."""
    from .initiatives.figures import describe_change

    same = same or {}
    wanted = same.get(initiative.id, initiative.id)
    entries: list[TimelineEntry] = []
    previous: list[Mention] = []
    for report in sorted(reports, key=lambda r: chronological(r.date, r.id)):
        mentions = [m for m in report.mentions if same.get(m.initiative, m.initiative) == wanted]
        entry = TimelineEntry(report, mentions)
        if mentions and report.date:
            entry.change = describe_change(previous, mentions)
            previous = mentions
        entries.append(entry)
    return entries


@dataclass(frozen=True)
class InitiativeList:
    """Every initiative the reports mention, most mentioned first."""

    items: tuple[InitiativeSummary, ...]

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def to_dict(self) -> dict:
        return {"initiatives": [item.to_dict() for item in self.items]}


@dataclass(frozen=True)
class Timeline:
    """How one initiative has progressed: every report in date order with what it says of it."""

    initiative: Initiative
    entries: tuple[TimelineEntry, ...]

    @property
    def mentioned(self) -> int:
        return sum(1 for entry in self.entries if entry.mentioned)

    def to_dict(self) -> dict:
        item = self.initiative
        return {
            "initiative": {"id": item.id, "name": item.name, "aliases": list(item.aliases)},
            "timeline": [entry.to_dict() for entry in self.entries],
        }


@dataclass(frozen=True)
class Overview:
    """What a first look at the index shows: every report, oldest meeting first, and the
    initiatives most mentioned."""

    reports: ReportList
    initiatives: InitiativeList

    def to_dict(self) -> dict:
        return {**self.reports.to_dict(), **self.initiatives.to_dict()}


@dataclass(frozen=True)
class ReportDetail:
    """One report whole, with the initiatives it mentions (most mentioned first) by name."""

    report: Report
    initiatives: InitiativeList

    def names(self) -> dict[str, str]:
        """Each mentioned initiative's name by its id."""
        return {item.initiative.id: item.initiative.name for item in self.initiatives}

    def by_passage(self) -> dict[int, list[Initiative]]:
        """The initiatives each passage (by ordinal) mentions, each once, in the order mentioned."""
        known = {item.initiative.id: item.initiative for item in self.initiatives}
        found: dict[int, list[Initiative]] = {}
        for mention in self.report.mentions:
            listed = found.setdefault(mention.paragraph, [])
            item = known.get(mention.initiative)
            if item is not None and item not in listed:
                listed.append(item)
        return found

    def to_dict(self) -> dict:
        return {"report": self.report.to_dict(), **self.initiatives.to_dict()}
