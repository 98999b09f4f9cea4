"""Charts of measure series with matplotlib (an optional dependency: ``report-index[plot]``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportIndexError
from ..measures.tables import normalise_name
from ..series import MeasureSeries, ordered_periods

MAX_PANELS = 12


COLOURS = ["#1f4e79", "#d98c1f", "#2e8b57", "#8e44ad", "#7f8c8d"]


@dataclass
class Line:
    label: str
    periods: list[str]
    values: list[float]
    restated: list[str] = field(default_factory=list)  # periods whose figure was restated


@dataclass
class Panel:
    title: str
    lines: list[Line]


def plot_series(series_list: list[MeasureSeries], path: Path, title: str = "Performance measures") -> list[Panel]:
    """Draw ``series_list`` to the PNG ``path`` and return what was drawn.

    One panel per measure (each on its own scale), one line per breakdown (DVPO, DVPN),
    periods in order along the x axis. Restated figures are ringed in red and named in the legend.
    """
    if not series_list:
        raise ReportIndexError("no measures to plot: nothing matches the query")
    panels: dict[str, list[MeasureSeries]] = {}
    for series in series_list:
        panels.setdefault(normalise_name(series.name), []).append(series)
    if len(panels) > MAX_PANELS:
        raise ReportIndexError(f"{len(panels)} measures match; a chart holds at most {MAX_PANELS}. Narrow the query.")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ReportIndexError("plotting needs matplotlib: pip install 'report-index[plot]'") from None

    periods = ordered_periods(p for s in series_list for p in s.periods())
    position = {period: i for i, period in enumerate(periods)}
    count = len(panels)
    columns = 1 if count == 1 else 2
    rows = math.ceil(count / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(7.0 if columns == 1 else 11.0, 3.4 * rows), squeeze=False)
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    drawn: list[Panel] = []
    for ax, group in zip(axes.flat, panels.values()):
        drawn.append(Panel(title=group[0].name, lines=[]))
        for number, (colour, series) in enumerate(zip(COLOURS * 3, group)):
            latest = series.latest_values()
            shown = [p for p in periods if latest.get(p) is not None]
            xs, ys = [position[p] for p in shown], [latest[p] for p in shown]
            ax.plot(xs, ys, marker="o", color=colour, linewidth=1.8, label=series.breakdown or "figure")
            offset = (0, 6) if number % 2 == 0 else (0, -12)  # keep two lines' labels apart
            for x, y in zip(xs, ys):
                label = f"{y:,.0f}" if float(y).is_integer() else f"{y:,}"
                ax.annotate(label, (x, y), textcoords="offset points", xytext=offset, ha="center", fontsize=7, color=colour)
            restated = [p for p in series.series if p.restated and p.value is not None]
            drawn[-1].lines.append(
                Line(series.breakdown or "figure", shown, ys, sorted({p.period for p in restated}))
            )
            if restated:
                ax.scatter([position[p.period] for p in restated], [p.value for p in restated], s=90, facecolors="none",
                           edgecolors="#c0392b", linewidths=1.5, zorder=3, label=f"restated ({series.breakdown or 'figure'})")
        if len(group) > 1 or any(p.restated for s in group for p in s.series):
            ax.legend(fontsize=7, loc="best")
        ax.set_title(_wrap(group[0].name, 60), fontsize=9)
        ax.set_xticks(range(len(periods)))
        ax.set_xticklabels(periods, fontsize=8)
        ax.set_xlabel("Period", fontsize=8)
        percent = any(p.raw.endswith("%") for s in group for p in s.series)
        ax.set_ylabel("Per cent" if percent else "Count", fontsize=8)
        ax.margins(y=0.25)
        ax.grid(axis="y", alpha=0.3)
        ax.tick_params(axis="y", labelsize=8)
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=150)
    plt.close(figure)
    return drawn


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
