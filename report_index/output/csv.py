"""CSV renderers: rows ready for a spreadsheet."""

from __future__ import annotations

import csv
import io

from ..series import MeasureList, ordered_periods


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def measures_csv(found: MeasureList) -> str:
    """One row per series, one column per period (the latest figure), ready for a spreadsheet."""
    series_list = list(found.series)
    periods = ordered_periods(p for s in series_list for p in s.periods())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["measure", "breakdown", *periods, "difference", "trend", "comment", "flags", "reports"])
    for series in series_list:
        latest = series.latest_values()
        writer.writerow(
            [
                series.name,
                series.breakdown or "",
                *[_number(latest.get(period)) if period in latest else "" for period in periods],
                _number(series.difference),
                series.trend or "",
                series.comment,
                " | ".join(series.flags),
                " ".join(series.reports),
            ]
        )
    return out.getvalue()


def _rows(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def hits_csv(hits) -> str:
    """One row per hit, with its citation: report, date, meeting, paragraph, page, score, text."""
    return _rows(
        ["id", "report_id", "report_title", "report_date", "report_body", "section", "heading", "page", "kind", "score", "text"],
        ([h.id, h.report_id, h.report_title, h.report_date or "", h.report_body, h.section, h.heading, h.page or "", h.kind, h.score, h.text] for h in hits),
    )


def reports_csv(found) -> str:
    """One row per report: its metadata and size."""
    keys = ["id", "title", "date", "body", "author", "report_of", "source", "pages", "sections", "paragraphs", "date_source"]
    return _rows(keys, ([("" if r.summary()[k] is None else r.summary()[k]) for k in keys] for r in found.reports))


def initiatives_csv(found) -> str:
    """One row per initiative: its names, how often and where it is mentioned."""
    return _rows(
        ["id", "name", "aliases", "kind", "source", "mentions", "reports", "first_seen", "last_seen"],
        (
            [s.initiative.id, s.initiative.name, "; ".join(s.initiative.aliases), s.initiative.kind, s.initiative.source,
             s.mentions, " ".join(r.id for r in s.reports), s.first_seen or "", s.last_seen or ""]
            for s in found.items
        ),
    )
