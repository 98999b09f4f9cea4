"""Measures across reports: one series per measure and breakdown, for year-on-year reading.

The same measure in a 2022 and a 2023 report is one series (names are compared normalised).
When two reports give different figures for the same period, both are kept and the series is
flagged as restated, so nobody quotes a figure without knowing it was revised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .measures.tables import normalise_name, period_key
from .models import Report, chronological


@dataclass
class SeriesPoint:
    period: str
    value: float | None
    raw: str
    report_id: str
    report_date: str | None
    restated: bool = False


@dataclass
class MeasureSeries:
    name: str
    breakdown: str | None
    series: list[SeriesPoint] = field(default_factory=list)
    difference: float | None = None
    trend: str | None = None
    comment: str = ""
    flags: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)  # report ids, oldest first

    @property
    def label(self) -> str:
        return f"{self.name} ({self.breakdown})" if self.breakdown else self.name

    def periods(self) -> list[str]:
        return ordered_periods(p.period for p in self.series)

    def latest_values(self) -> dict[str, float | None]:
        """Each period's figure as the most recent report gives it."""
        values: dict[str, float | None] = {}
        for point in sorted(self.series, key=lambda p: p.report_date or ""):
            values[point.period] = point.value
        return values

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "breakdown": self.breakdown,
            "series": [
                {
                    "period": p.period,
                    "value": p.value,
                    "raw": p.raw,
                    "report_id": p.report_id,
                    "report_date": p.report_date,
                    "restated": p.restated,
                }
                for p in self.series
            ],
            "difference": self.difference,
            "trend": self.trend,
            "comment": self.comment,
            "flags": self.flags,
            "reports": self.reports,
        }


def ordered_periods(periods) -> list[str]:
    unique = list(dict.fromkeys(periods))
    return sorted(unique, key=lambda p: (period_key(p) or (9999, 12), p))


def matches(name: str, breakdown: str | None, query: str | None) -> bool:
    """Every word of ``query`` occurs in the measure's name or breakdown (case ignored)."""
    if not query:
        return True
    haystack = normalise_name(f"{name} {breakdown or ''}")
    return all(word in haystack for word in normalise_name(query).split())


def collect_series(reports: list[Report], query: str | None = None) -> list[MeasureSeries]:
    """Every measure of ``reports`` (optionally those matching ``query``) as a series over time."""
    by_key: dict[tuple[str, str], MeasureSeries] = {}
    for report in sorted(reports, key=lambda r: chronological(r.date, r.id)):
        for measure in report.measures:
            if not matches(measure.name, measure.breakdown, query):
                continue
            key = (normalise_name(measure.name), normalise_name(measure.breakdown or ""))
            series = by_key.setdefault(key, MeasureSeries(name=measure.name, breakdown=measure.breakdown))
            # the latest report's wording, difference, trend and comment describe the series; an
            # undated report (sorted after every dated one) is not known to be the latest
            if report.date or not series.reports:
                series.name, series.breakdown = measure.name, measure.breakdown
                series.difference, series.trend = measure.difference, measure.trend
                series.comment = measure.comment or series.comment
            if report.id not in series.reports:
                series.reports.append(report.id)
            for flag in measure.flags:
                series.flags.append(f"{report.id}: {flag}")
            for value in measure.values:
                series.series.append(SeriesPoint(value.period, value.value, value.raw.strip(), report.id, report.date))
    for series in by_key.values():
        _merge_restatements(series)
    return list(by_key.values())  # in the order the measures first appear


def _merge_restatements(series: MeasureSeries) -> None:
    """One point per period and figure; a period with two different figures is flagged restated."""
    kept: list[SeriesPoint] = []
    by_period: dict[str, list[SeriesPoint]] = {}
    for point in series.series:
        same = [p for p in by_period.get(point.period, []) if p.value == point.value]
        if same:
            continue  # a later report repeating the same figure adds nothing
        by_period.setdefault(point.period, []).append(point)
        kept.append(point)
    for period, points in by_period.items():
        figures = [p for p in points if p.value is not None]
        if len({p.value for p in figures}) > 1:
            for point in figures:
                point.restated = True
            stated = "; ".join(f"{p.raw} in {p.report_id}" for p in figures)
            series.flags.append(f"restated: {period} was {stated}")
    series.series = sorted(kept, key=lambda p: (period_key(p.period) or (9999, 12), p.report_date or ""))


def series_json(series_list: list[MeasureSeries]) -> dict:
    return {"measures": [s.to_dict() for s in series_list]}


@dataclass(frozen=True)
class MeasureList:
    """The measures series a query selected (``query`` None: all of them)."""

    series: tuple[MeasureSeries, ...]
    query: str | None = None

    def __iter__(self):
        return iter(self.series)

    def __len__(self) -> int:
        return len(self.series)

    def to_dict(self) -> dict:
        return series_json(list(self.series))
