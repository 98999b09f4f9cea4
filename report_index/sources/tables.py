"""Tables as every reader gives them: cleaning extracted cells into a ``Table``, telling a header
row of column titles, and two-column "tables" that are really key/value lines."""

from __future__ import annotations

import re

from ..models import Table, TextLine
from ..text.clean import normalise, normalise_trend_glyphs


_PERIOD_CELL = re.compile(r"^(?:Q[1-4]\s+)?(?:19|20)\d{2}(?:[/-]\d{2,4})?$|^(?:Q[1-4]|H[12])$", re.IGNORECASE)


_HEADER_WORDS = {
    "measure", "measures", "difference", "change", "trend", "comment", "comments", "target",
    "baseline", "outcome", "indicator", "performance", "variance",
}


def looks_like_table_header(cells: list[str]) -> bool:
    """Column titles: at least two periods ("2019/20") or title words (Measure, Difference,
    Trend, Comment), in short cells."""
    cells = [cell.strip() for cell in cells if cell.strip()]
    if len(cells) < 2 or any(len(cell.split()) > 4 for cell in cells):
        return False
    periods = sum(1 for cell in cells if _PERIOD_CELL.match(cell))
    words = sum(1 for cell in cells if cell.split()[0].lower().strip(":") in _HEADER_WORDS)
    return periods >= 2 or words >= 2 or (periods >= 1 and words >= 1)


def key_value_rows(rows: list[list[str]]) -> bool:
    return all(len([c for c in row if c]) <= 2 and row[0].endswith(":") for row in rows if row and row[0])


def make_table(
    rows: list[list[str | None]], page: int | None, ruled: bool, row_pages: list[int | None] | None = None
) -> Table:
    """Clean extracted cells into a Table: header first, merged cells filled, glyphs made arrows.

    A cell that a merged (spanning) cell covers is None in a ruled extraction: it takes the value
    of the cell above. A row with an empty first cell but a breakdown label in the second (the
    name printed once for two sub-rows, on the other row) takes the name of its neighbour.
    """
    cleaned: list[list[str | None]] = [
        [None if cell is None else normalise_trend_glyphs(normalise(cell)) for cell in row] for row in rows
    ]
    for i, row in enumerate(cleaned):
        for j, cell in enumerate(row):
            if cell is None:
                row[j] = cleaned[i - 1][j] if i > 0 and j < len(cleaned[i - 1]) else ""
    filled: list[list[str]] = [[cell or "" for cell in row] for row in cleaned]
    for i, row in enumerate(filled):
        if i == 0 or row[0] or len(row) < 2 or not row[1]:
            continue
        below = filled[i + 1] if i + 1 < len(filled) else None
        above = filled[i - 1] if i > 1 else None
        if below and below[0] and len(below) > 1 and below[1]:
            row[0] = below[0]
        elif above and above[0] and len(above) > 1 and above[1]:
            row[0] = above[0]
    body = filled[1:]
    pages = list(row_pages) if row_pages and len(row_pages) == len(body) else [page] * len(body)
    return Table(header=filled[0], rows=body, page=page, ruled=ruled, row_pages=pages)


def key_value_lines(table: Table) -> list[TextLine] | None:
    """A two-column "table" whose first column is labels ending in ':' is really key/value text."""
    rows = [table.header, *table.rows]
    if key_value_rows(rows):
        return [
            TextLine(text=" ".join(cell for cell in row if cell), page=table.page, new_block=True)
            for row in rows
            if any(row)
        ]
    return None
