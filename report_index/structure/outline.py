"""Reading parts of a report model: the passages of one section."""

from __future__ import annotations

from ..errors import ReportIndexError
from ..models import Paragraph, Report


def section_passages(report: Report, wanted: str) -> list[Paragraph]:
    """The passages of section ``wanted``: a number ("2.5", "2.5.6", "2.1 e)") or a heading
    ("KEY INFORMATION"), matched without regard to case."""
    key = wanted.strip().rstrip(".").lower()
    numbered = [
        p
        for p in report.paragraphs
        if p.section.lower() == key or p.section.lower().startswith((key + ".", key + " "))
    ]
    if numbered:
        return numbered
    by_heading = [p for p in report.paragraphs if any(h.lower() == key for h in p.heading_path)]
    if by_heading:
        return by_heading
    for index, section in enumerate(report.sections):
        if (section.number or "").lower() == key:
            path = report.heading_path(index)
            return [p for p in report.paragraphs if p.heading_path[: len(path)] == path]
    raise ReportIndexError(
        f"report {report.id} has no section '{wanted}'. `report-index show {report.id}` prints its outline."
    )
