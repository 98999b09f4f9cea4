"""The catalogue kept beside the index (each report's metadata, the acronyms the reports define,
the initiatives discovered in them), the user's initiative lists kept with the index, and naming
one ingested report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import UnknownReportError
from ..models import Initiative, Report
from .files import CATALOGUE_FILE
from .store import open_index




#: The most long forms of one acronym a search expands it to.
MAX_LONG_FORMS = 3


def write_catalogue(ix, index_dir: Path) -> dict:
    """A small summary of the index beside it: each report's metadata, the acronyms the reports
    define and the initiatives discovered in them. Searching reads this instead of the report
    models. Rewritten (atomically) after each commit."""
    data = _gathered(ix)
    temporary = index_dir / (CATALOGUE_FILE + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(index_dir / CATALOGUE_FILE)
    return data


def _gathered(ix) -> dict:
    """The catalogue's contents, from the index's report documents."""
    reports: list[dict] = []
    defined: dict[str, dict[str, int]] = {}  # acronym -> long form -> the reports defining it so
    initiatives: dict[str, dict] = {}
    with ix.searcher() as searcher:
        for fields in searcher.documents(kind="report"):
            reports.append(
                {key: fields.get(key, "") for key in ("report_id", "title", "date", "body", "source", "sha256")}
            )
            vocab = json.loads(fields.get("vocab") or "{}")
            for acronym, long_form in vocab.get("definitions", {}).items():
                forms = defined.setdefault(acronym, {})
                forms[long_form] = forms.get(long_form, 0) + 1
            for item in vocab.get("initiatives", []):
                known = initiatives.setdefault(item["id"], dict(item))
                known["aliases"] = list(dict.fromkeys([*known.get("aliases", []), *item.get("aliases", [])]))
    # each acronym's long forms, the most often defined first (the first defined of equals)
    ordered = {acronym: sorted(forms, key=lambda form: -forms[form]) for acronym, forms in defined.items()}
    return {
        "reports": reports,
        "definitions": ordered,
        "definition_counts": {acronym: [defined[acronym][form] for form in forms] for acronym, forms in ordered.items()},
        "initiatives": list(initiatives.values()),
    }


@dataclass(frozen=True)
class Catalogue:
    """What ``write_catalogue`` keeps beside the index: each report's metadata (no passages), the
    acronyms the reports define (each with its long forms) and the initiatives discovered in them."""

    reports: tuple[Report, ...]
    definitions: dict[str, list[str]]
    initiatives: tuple[Initiative, ...]
    #: how many reports define each of an acronym's long forms (``definitions`` is in that order)
    definition_counts: dict[str, list[int]] = field(default_factory=dict)

    def long_forms(self, acronym: str) -> list[str]:
        """The long forms of ``acronym`` a search expands it to: the reports' most defined
        (``MAX_LONG_FORMS``), and of those only the forms defined by at least a tenth as many
        reports as the most defined one. Across thousands of reports an acronym picks up long
        forms that are an accident of the words before a bracket ("December and Prevention
        Orders (DAPO)"); each is a phrase every search for the acronym must run."""
        forms = self.definitions.get(acronym, [])
        counts = self.definition_counts.get(acronym) or [1] * len(forms)
        top = max(counts, default=0)
        return [form for form, count in zip(forms, counts) if count * 10 >= top][:MAX_LONG_FORMS]

    def report(self, report_id: str) -> Report | None:
        return self._by_id().get(report_id)

    def _by_id(self) -> dict[str, Report]:
        cached = self.__dict__.get("_ids")
        if cached is None:
            cached = {r.id: r for r in self.reports}
            object.__setattr__(self, "_ids", cached)
        return cached


def read_catalogue(index_dir: Path) -> Catalogue:
    """What ``write_catalogue`` gathered; rebuilt from the index if the file is missing or
    damaged (and only gathered, not written, when the folder cannot be written to)."""
    try:
        data = json.loads((index_dir / CATALOGUE_FILE).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a catalogue")
    except (OSError, ValueError):
        try:
            data = write_catalogue(open_index(index_dir), index_dir)
        except OSError:  # a read-only index folder: the same, kept in memory
            data = _gathered(open_index(index_dir))
    return Catalogue(
        reports=tuple(
            Report(id=r["report_id"], source=r["source"], sha256=r.get("sha256", ""), title=r["title"],
                   date=r["date"] or None, body=r["body"])
            for r in data.get("reports", [])
        ),
        definitions={acronym: list(forms) for acronym, forms in data.get("definitions", {}).items()},
        initiatives=tuple(Initiative(**item) for item in data.get("initiatives", [])),
        definition_counts={acronym: list(counts) for acronym, counts in data.get("definition_counts", {}).items()},
    )


def catalogue_reports(index_dir: Path) -> list[Report]:
    """The ingested reports' metadata only (no passages): enough to name and filter reports."""
    return list(read_catalogue(index_dir).reports)


def find_report(reports: Iterable[Report], name: str) -> Report:
    """The one report ``name`` identifies: an id, an id prefix, a date, or a file name."""
    reports = list(reports)
    wanted = name.strip().lower()
    exact = [r for r in reports if r.id.lower() == wanted]
    if exact:
        return exact[0]
    candidates = [
        r
        for r in reports
        if r.id.lower().startswith(wanted)
        or (r.date or "") == wanted
        or Path(r.source).name.lower() == wanted
        or Path(r.source).stem.lower() == wanted
    ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise UnknownReportError(f"no ingested report matches '{name}'. `report-index reports` lists them.")
    listed = ", ".join(r.id for r in candidates[:8])
    raise UnknownReportError(f"'{name}' matches {len(candidates)} reports ({listed}); give the full id.")
