"""``metadata.csv``: the corrections a user keeps beside the report files (columns
``file,date,title,body``), for dates and titles that are not in the text.

What cannot be used is said, naming the line and column, and passed over: a column the tool does
not know, a row naming a file that is not in the folder, a date it cannot read, a file named twice.
The rest of the file still applies."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportIndexError
from ..models import MetadataProblem
from ..text.dates import parse_date


METADATA_FILE = "metadata.csv"
COLUMNS = ("file", "date", "title", "body")


@dataclass
class Override:
    date: str | None = None
    title: str = ""
    body: str = ""

    def key(self) -> str:
        return f"{self.date}|{self.title}|{self.body}"


@dataclass
class Metadata:
    """What a folder's ``metadata.csv`` says, by file name, and what in it could not be used."""

    overrides: dict[str, Override] = field(default_factory=dict)
    problems: list[MetadataProblem] = field(default_factory=list)


def load_overrides(folder: Path) -> dict[str, Override]:
    """``metadata.csv`` in ``folder`` (columns file,date,title,body): corrections by file name."""
    return read_metadata(folder).overrides


def read_metadata(folder: Path) -> Metadata:
    """``metadata.csv`` in ``folder``, with the problems found in it; raises ReportIndexError
    when it cannot be read as CSV at all."""
    path = folder / METADATA_FILE
    found = Metadata()
    if not path.is_file():
        return found

    def problem(line: int | None, column: str, message: str) -> None:
        found.problems.append(MetadataProblem(str(path), line, column, message))

    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return found
            columns: dict[str, int] = {}
            for position, name in enumerate(header):
                wanted = name.strip().casefold()
                if wanted in COLUMNS and wanted not in columns:
                    columns[wanted] = position
                elif name.strip():
                    problem(1, name, f"unknown column {name!r} (the columns are {', '.join(COLUMNS)}): ignored")
            if "file" not in columns:
                problem(1, "file", "there is no file column, so no row can say which file it corrects: nothing in it applies")
                return found
            first_line: dict[str, int] = {}
            for row in reader:
                line = reader.line_num
                cell = {key: (row[at].strip() if at < len(row) else "") for key, at in columns.items()}
                name = cell["file"]
                if not name:
                    if any(cell.values()):
                        problem(line, "file", "the row names no file: ignored")
                    continue
                if not (folder / name).is_file():
                    near = [p.name for p in folder.iterdir() if p.name.casefold() == name.casefold()] if folder.is_dir() else []
                    hint = f" (did you mean {near[0]!r}?)" if near else ""
                    problem(line, "file", f"no file {name!r} in {folder}{hint}: the row is ignored")
                    continue
                if name in first_line:
                    problem(line, "file", f"{name!r} is named again (first on line {first_line[name]}): this row is used")
                first_line.setdefault(name, line)
                date = None
                if cell.get("date"):
                    when = parse_date(cell["date"])
                    if when is None:
                        problem(line, "date", f"{cell['date']!r} is not a date it can read (write it as 2022-06-10): the report's own date is used")
                    else:
                        date = when.isoformat()
                found.overrides[name] = Override(date=date, title=cell.get("title", ""), body=cell.get("body", ""))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReportIndexError(f"{path} could not be read as a CSV file with columns file,date,title,body: {exc}") from None
    return found
