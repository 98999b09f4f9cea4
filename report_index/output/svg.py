"""Charts as SVG, made without any library: an initiative's progress timeline and measure series.

The SVG is plain markup (no script, no style sheet, no external reference), every piece of text
escaped, so it can be put inline in a web page served under a strict Content-Security-Policy or
written to a file (``measures --plot FILE.svg``). Colours are presentation attributes, not styles.
"""

from __future__ import annotations

from datetime import date
from html import escape

from ..errors import ReportIndexError
from ..series import MeasureSeries, ordered_periods
from ..timeline import Timeline

#: The colour of each status; "mentioned" is a mention with no status cued.
STATUS_COLOURS = {
    "planned": "#6b7280",
    "pilot": "#b45309",
    "live": "#047857",
    "expanded": "#1d4ed8",
    "review": "#7c3aed",
    "ended": "#b91c1c",
    "mentioned": "#111827",
}
NOT_MENTIONED = "#ffffff"
LINE_COLOURS = ["#1f4e79", "#b45309", "#047857", "#7c3aed", "#6b7280"]
RESTATED = "#dc2626"
FONT = 'font-family="system-ui, sans-serif"'


def _a(value) -> str:
    """An attribute value, escaped."""
    return escape(str(value), quote=True)


def _text(x: float, y: float, content: str, *, size: int = 12, anchor: str = "middle", fill: str = "#111827", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" {FONT}{extra}>'
        f"{escape(content)}</text>"
    )


def _day(iso: str) -> float:
    return float(date.fromisoformat(iso).toordinal())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def timeline_svg(found: Timeline, *, width: int = 760, link_prefix: str = "#report-") -> str:
    """The timeline of ``found`` (``Index.progress``): one mark per report along the time axis,
    its colour the status the report gives (hollow where the report does not mention the
    initiative), the figures it gives beneath it, and undated reports in a band of their own at
    the right. Each mark links to ``link_prefix`` + the report's id."""
    dated = [e for e in found.entries if e.report.date and _valid(e.report.date)]
    undated = [e for e in found.entries if e not in dated]
    band = 150 if undated else 0
    left, right, axis_y, height = 40, width - band - 40, 120, 250
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-labelledby="timeline-title" class="chart timeline">'
        ),
        f'<title id="timeline-title">{escape(found.initiative.name)}: status in each report over time</title>',
        f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="#9ca3af" stroke-width="2"/>',
    ]
    if dated:
        days = [_day(e.report.date) for e in dated]
        low, high = min(days), max(days)
        span = (high - low) or 1.0

        def x_of(day: float) -> float:
            return (left + right) / 2 if high == low else left + 30 + (right - left - 60) * (day - low) / span

        for year in range(date.fromordinal(int(low)).year + 1, date.fromordinal(int(high)).year + 1):
            tick = x_of(_day(f"{year}-01-01"))
            parts.append(f'<line x1="{tick:.1f}" y1="{axis_y - 6}" x2="{tick:.1f}" y2="{axis_y + 6}" stroke="#9ca3af"/>')
            parts.append(_text(tick, axis_y + 22, str(year), size=11, fill="#6b7280"))
        for index, entry in enumerate(dated):
            parts.append(_mark(entry, x_of(days[index]), axis_y, entry.report.date, index, link_prefix))
    else:
        parts.append(_text((left + right) / 2, axis_y - 20, "no dated report", fill="#6b7280"))
    if undated:
        x0 = width - band
        parts.append(f'<rect x="{x0}" y="30" width="{band - 10}" height="{height - 80}" fill="#f3f4f6" stroke="#d1d5db"/>')
        parts.append(_text(x0 + (band - 10) / 2, 48, "undated", size=11, fill="#6b7280"))
        step = (height - 130) / max(len(undated), 1)
        for index, entry in enumerate(undated):
            parts.append(_mark(entry, x0 + (band - 10) / 2, 80 + step * index, "undated", index, link_prefix, compact=True))
    parts.append(_legend(12, height - 18))
    parts.append("</svg>")
    return "\n".join(parts)


def _valid(iso: str) -> bool:
    try:
        date.fromisoformat(iso)
    except ValueError:
        return False
    return True


def _mark(entry, x: float, y: float, when: str, index: int, link_prefix: str, compact: bool = False) -> str:
    status, figures = entry.status_and_figures()
    mentioned = entry.mentioned
    colour = STATUS_COLOURS[status or "mentioned"] if mentioned else NOT_MENTIONED
    said = (status or "mentioned") if mentioned else "not mentioned"
    label = f"{entry.report.title or entry.report.id} ({when}): {said}"
    if figures:
        label += "; " + ", ".join(f.text for f in figures)
    above = y - 18 if compact or index % 2 == 0 else y - 40
    pieces = [
        f'<a href="{_a(link_prefix + entry.report.id)}" class="mark" data-status="{_a(said)}">',
        f"<title>{escape(label)}</title>",
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{colour}" stroke="#111827" stroke-width="2"/>',
        _text(x, above, _clip(f"{when} \u00b7 {said}", 28), size=11),
    ]
    for number, figure in enumerate(figures[:3]):
        pieces.append(_text(x, y + (24 if compact else 44) + 14 * number, _clip(figure.text, 26), size=11, fill="#374151", extra=' class="figure"'))
    pieces.append("</a>")
    return "".join(pieces)


def _legend(x: float, y: float) -> str:
    pieces = []
    for status, colour in [*STATUS_COLOURS.items(), ("not mentioned", NOT_MENTIONED)]:
        pieces.append(f'<circle cx="{x + 5:.1f}" cy="{y - 4:.1f}" r="5" fill="{colour}" stroke="#111827"/>')
        pieces.append(_text(x + 14, y, status, size=11, anchor="start"))
        x += 22 + 7 * len(status)
    return "".join(pieces)


# --------------------------------------------------------------------------------------------
# Measures


def series_svg(series: MeasureSeries, *, width: int = 360, height: int = 200) -> str:
    """One measure series as a line over its periods (in time order), each figure labelled;
    figures one report restates differently from another are ringed in red."""
    periods = ordered_periods(p.period for p in series.series)
    points = [p for p in series.series if p.value is not None]
    left, right, top, bottom = 50, width - 30, 52, height - 36
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" class="chart measure">'
        ),
        f"<title>{escape(series.label)}</title>",
        _text(10, 18, _clip(series.label, 44), size=12, anchor="start", extra=' font-weight="bold"'),
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#9ca3af"/>',
    ]
    if not periods:
        parts.append(_text(width / 2, height / 2, "no figures", fill="#6b7280"))
        parts.append("</svg>")
        return "\n".join(parts)
    step = (right - left) / max(len(periods) - 1, 1)
    x_of = {period: (left + step * i if len(periods) > 1 else (left + right) / 2) for i, period in enumerate(periods)}
    for period in periods:
        parts.append(_text(x_of[period], bottom + 16, _clip(period, 12), size=10, fill="#6b7280"))
    if points:
        values = [p.value for p in points]
        low, high = min(min(values), 0.0), max(max(values), 0.0)
        span = (high - low) or 1.0

        def y_of(value: float) -> float:
            return bottom - (bottom - top) * (value - low) / span

        if low < 0 < high:
            parts.append(f'<line x1="{left}" y1="{y_of(0):.1f}" x2="{right}" y2="{y_of(0):.1f}" stroke="#d1d5db"/>')
        reports = list(dict.fromkeys(p.report_id for p in points))
        for number, report_id in enumerate(reports):
            own = [p for p in points if p.report_id == report_id]
            colour = LINE_COLOURS[number % len(LINE_COLOURS)]
            if len(own) > 1:
                coords = " ".join(f"{x_of[p.period]:.1f},{y_of(p.value):.1f}" for p in own)
                parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for point in own:
                x, y = x_of[point.period], y_of(point.value)
                tip = f"{point.period}: {point.raw} ({point.report_id})" + (" - restated" if point.restated else "")
                parts.append(f'<g class="point{" restated" if point.restated else ""}"><title>{escape(tip)}</title>')
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
                if point.restated:
                    parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="none" stroke="{RESTATED}" stroke-width="2"/>')
                parts.append(_text(x, y - 10, _clip(point.raw, 12), size=10))
                parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def measures_svg(series_list: list[MeasureSeries], *, columns: int = 2) -> str:
    """Every series of ``series_list`` as a panel of its own (its own scale), in a grid."""
    if not series_list:
        raise ReportIndexError("no measures to plot: nothing matches the query")
    width, height = 360, 200
    rows = -(-len(series_list) // columns)
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width * columns} {height * rows}" '
            f'width="{width * columns}" height="{height * rows}">'
        )
    ]
    for number, series in enumerate(series_list):
        x, y = (number % columns) * width, (number // columns) * height
        parts.append(f'<g transform="translate({x},{y})">{series_svg(series, width=width, height=height)}</g>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
