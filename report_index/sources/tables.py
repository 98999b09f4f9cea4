"""Tables as every reader gives them: cleaning extracted cells into a ``Table``, telling a header
row of column titles, two-column "tables" that are really key/value lines, and "tables" that are
really prose (a page border drawn round the text, a boxed paragraph, a form of labelled
paragraphs)."""

from __future__ import annotations

import re

from ..models import Table, TextLine
from ..text.clean import normalise, normalise_trend_glyphs


_PERIOD_CELL = re.compile(r"^(?:Q[1-4]\s+)?(?:19|20)\d{2}(?:[/-]\d{2,4})?$|^(?:Q[1-4]|H[12])$", re.IGNORECASE)


_HEADER_WORDS = {
    "measure", "measures", "difference", "change", "trend", "comment", "comments", "target",
    "baseline", "outcome", "indicator", "performance", "variance",
}


_FIGURE = re.compile(r"^[+\u2212\u2013-]?\s*[\u00a3$\u20ac]?\s*\d[\d,.]*\s*(?:%|k|m|bn)?[*\u2020]?$", re.IGNORECASE)


_SENTENCE = re.compile(r"[.!?;](?:[\"')\]\u2019\u201d]*)(?:\s|$)")


def looks_like_table_header(cells: list[str]) -> bool:
    """Column titles: at least two periods ("2019/20") or title words (Measure, Difference,
    Trend, Comment), in short cells."""
    cells = [cell.strip() for cell in cells if cell.strip()]
    if len(cells) < 2 or any(len(cell.split()) > 4 for cell in cells):
        return False
    periods = sum(1 for cell in cells if _PERIOD_CELL.match(cell))
    words = sum(1 for cell in cells if cell.split()[0].lower().strip(":") in _HEADER_WORDS)
    return periods >= 2 or words >= 2 or (periods >= 1 and words >= 1)


def column_titles(table: Table) -> bool:
    """Whether a table's first row is column titles ("District", "Employees", "2021/22"): short
    labels over at least half the columns, none of them a figure or a sentence. A first row of
    figures or of prose is a row of the table like the others."""
    cells = [cell.strip() for cell in table.header]
    named = [cell for cell in cells if cell]
    if not named or len(named) * 2 < len(cells):
        return False
    return all(
        len(cell.split()) <= 8 and len(cell) <= 60 and not prose_cell(cell)
        and not (_FIGURE.match(cell) and not _PERIOD_CELL.match(cell))
        for cell in named
    )


def key_value_rows(rows: list[list[str]]) -> bool:
    return all(len([c for c in row if c]) <= 2 and row[0].endswith(":") for row in rows if row and row[0])


def make_table(
    rows: list[list[str | None]], page: int | None, ruled: bool, row_pages: list[int | None] | None = None
) -> Table:
    """Clean extracted cells into a Table: header first, merged cells filled, glyphs made arrows.

    An empty cell ("") stays empty. A cell that a merged (spanning) cell covers is None in a
    ruled extraction (pdfplumber's), and which way the merged cell spans tells what it holds:

    * a None with a real cell to its left in its row is covered by a cell spanning columns (a
      footnote or a heading across the table, a period over two sub-columns): it stays empty,
      since its text is already in the cell it belongs to;
    * a None with nothing but None to its left is covered by a cell spanning rows (a measure's
      name printed once beside its DVPO and DVPN rows): it takes the value of the cell above.

    A first (header) cell that spans rows makes the rows it spans header rows too: their titles
    are joined under the header's ("2019/20" over "Q1" and "Q2" gives "2019/20 Q1", "2019/20 Q2").
    A row with an empty first cell beside a breakdown label (DVPO) under an unlabelled column,
    next to a row that has the name and a breakdown label of its own, is a sub-row of that name
    (the name printed once for two sub-rows, without a merged cell): see ``_name_sub_rows``.
    """
    cleaned: list[list[str | None]] = [
        [None if cell is None else normalise_trend_glyphs(normalise(cell)) for cell in row] for row in rows
    ]
    head = _header_rows(cleaned) if row_pages is None else 1
    filled: list[list[str]] = []
    for i, row in enumerate(cleaned):
        out: list[str] = []
        leading = True  # nothing but None so far in this row: a None here is covered from above
        for j, cell in enumerate(row):
            if cell is not None:
                leading = False
                out.append(cell)
            elif i < head and out and not leading:
                out.append(out[-1])  # a header title over sub-columns: it heads each of them
            elif leading and i > 0 and j < len(filled[i - 1]):
                out.append(filled[i - 1][j])
            else:
                out.append("")
        filled.append(out)
    header = _join_header(filled[:head])
    body = filled[head:]
    _name_sub_rows(header, body)
    pages = list(row_pages) if row_pages and len(row_pages) == len(body) else [page] * len(body)
    return Table(header=header, rows=body, page=page, ruled=ruled, row_pages=pages)


def _header_rows(rows: list[list[str | None]]) -> int:
    """How many rows the header takes: one, and each following row of titles (no figures) whose
    first cell is covered by the header's first cell (a "Measures" title spanning two rows of
    period titles). A first cell spanning rows of figures is a name beside its sub-rows: the
    table has no header row of titles, and its first row is the header as ever."""
    count = 1
    while (
        count < len(rows) - 1
        and rows[0]
        and rows[0][0] is not None
        and rows[count]
        and rows[count][0] is None
        and any(cell for cell in rows[count][1:])
        and not any(cell and _FIGURE.match(cell.strip()) and not _PERIOD_CELL.match(cell.strip()) for cell in rows[count])
    ):
        count += 1
    return count


def _join_header(rows: list[list[str]]) -> list[str]:
    if len(rows) == 1:
        return rows[0]
    width = max(len(row) for row in rows)
    header: list[str] = []
    for j in range(width):
        parts: list[str] = []
        for row in rows:
            cell = row[j] if j < len(row) else ""
            if cell and (not parts or parts[-1] != cell):
                parts.append(cell)
        header.append(" ".join(parts))
    return header


def _is_label(cell: str) -> bool:
    """A short label such as a breakdown name (DVPO, Male, Under 18s), not a figure."""
    cell = cell.strip()
    return bool(cell) and len(cell.split()) <= 4 and len(cell) <= 40 and not _FIGURE.match(cell)


def _name_sub_rows(header: list[str], body: list[list[str]]) -> None:
    """Give a measure's name to its unnamed sub-rows, in place.

    A table of measures with an unlabelled breakdown column (header "Measures", "", "2019/20"
    ...) may print a measure's name once, on one of its sub-rows (DVPO and DVPN), without a
    merged cell: the other sub-rows have an empty first cell. An unnamed sub-row (a breakdown
    label, figures) takes the name of the named sub-row next to it, the one above when that
    name does not have the same breakdown label already, else the one below. Nothing else is
    filled: an empty cell of any other table, or of a row that is not a sub-row, stays empty."""
    if len(header) < 3 or header[1].strip().lower() not in ("", "breakdown", "type", "category"):
        return

    def sub_row(row: list[str]) -> bool:
        return len(row) >= 3 and _is_label(row[1]) and any(cell.strip() for cell in row[2:])

    names = [row[0] if sub_row(row) else "" for row in body]  # the names as printed
    labels: dict[int, set[str]] = {i: {body[i][1]} for i, name in enumerate(names) if name}
    owners: dict[int, int] = {}
    for i, row in enumerate(body):
        if row[0] or not sub_row(row):
            continue
        above = owners.get(i - 1, i - 1 if i > 0 and names[i - 1] else None)
        below = next((k for k in range(i + 1, len(body)) if names[k] or not sub_row(body[k]) or body[k][0]), None)
        below = below if below is not None and names[below] else None
        if above is not None and row[1] not in labels[above]:
            owner = above
        elif below is not None and row[1] not in labels[below]:
            owner = below
        else:
            continue
        owners[i] = owner
        labels[owner].add(row[1])
    for i, owner in owners.items():
        body[i][0] = body[owner][0]


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


# --------------------------------------------------------------------------------------------
# Prose in a table's clothing


def prose_cell(text: str | None) -> bool:
    """Running prose: a sentence or more ("The panel is asked to note ..."), not a name, a
    label or a figure."""
    words = (text or "").split()
    return len(words) >= 20 or len(words) >= 10 and bool(_SENTENCE.search(text or ""))


def one_column(rows: list[list[str | None]]) -> bool:
    """At most one cell of text in every row: a box drawn round text (a page border, a boxed
    paragraph), not a table."""
    return any(_filled(row) for row in rows) and all(len(_filled(row)) <= 1 for row in rows)


def prose_table(rows: list[list[str | None]]) -> bool:
    """Whether a "table" holds running prose and is to be read as text.

    It is when it has one column (``one_column``), or when no row has more than two cells of
    text, most of its text is running prose, and its two-cell rows are labels beside prose (a
    form: "Executive summary" | "The Mayor is asked to ..."), not two columns of prose under
    column titles. A measures or comments table (its first row column titles such as Measures,
    Comment, 2019/20) is never prose."""
    if one_column(rows):
        return True
    filled = [_filled(row) for row in rows]
    if not filled or any(len(cells) > 2 for cells in filled) or looks_like_table_header([c or "" for c in rows[0]]):
        return False
    total = sum(len(cell) for cells in filled for cell in cells)
    prose = sum(len(cell) for cells in filled for cell in cells if prose_cell(cell))
    pairs = [cells for cells in filled if len(cells) == 2]
    paired_prose = sum(1 for cells in pairs if prose_cell(cells[0]) and prose_cell(cells[1]))
    return total > 0 and prose >= 0.5 * total and paired_prose * 2 < max(len(pairs), 1)


def _filled(row: list[str | None]) -> list[str]:
    return [cell for cell in row if cell and cell.strip()]


def prose_lines(rows: list[list[str]], page: int | None, row_pages: list[int | None] | None = None) -> list[TextLine]:
    """A prose "table" as lines of text, row by row and cell by cell, each line of a cell a line
    (a cell's text may keep its line breaks). A label beside its text ("Executive summary" |
    "The Mayor is asked ...") is one line, "Executive summary: The Mayor is asked ...", so that a
    form's labels read as a title block's or a paragraph's."""
    lines: list[TextLine] = []
    for number, row in enumerate(rows):
        row_page = row_pages[number] if row_pages and number < len(row_pages) else page
        cells = _filled(row)
        if len(cells) == 2 and _is_form_label(cells[0]):
            label = cells[0].strip()
            joiner = " " if label.endswith((":", "?")) else ": "
            first, *rest = cells[1].strip().split("\n")
            cells = [f"{normalise(label)}{joiner}{first}", *rest] if rest else [f"{normalise(label)}{joiner}{first}"]
            cell_lines = [cells]
        else:
            cell_lines = [cell.strip().split("\n") for cell in cells]
        for parts in cell_lines:
            for index, part in enumerate(parts):
                text = normalise(part)
                if text:
                    lines.append(TextLine(text=text, page=row_page, new_block=index == 0))
    return lines


def _is_form_label(cell: str) -> bool:
    text = normalise(cell)
    return 0 < len(text.split()) <= 8 and len(text) <= 60 and not prose_cell(text) and not text.endswith(".")


def table_lines(table: Table) -> list[TextLine] | None:
    """The lines a "table" really is: key/value lines ("Date:" | "10 June 2022") or prose (see
    ``prose_table``); None for a real table."""
    lines = key_value_lines(table)
    if lines is not None:
        return lines
    rows = [table.header, *table.rows]
    if prose_table(rows):
        return prose_lines(rows, table.page, [table.page, *[table.page_of(i) for i in range(len(table.rows))]])
    return None
