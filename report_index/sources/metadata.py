"""``metadata.csv``: the corrections a user keeps beside the report files (columns
``file,date,title,body``), for dates and titles that are not in the text."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReportIndexError
from ..text.dates import parse_date


METADATA_FILE = "metadata.csv"


@dataclass
class Override:
    date: str | None = None
    title: str = ""
    body: str = ""

    def key(self) -> str:
        return f"{self.date}|{self.title}|{self.body}"


def load_overrides(folder: Path) -> dict[str, Override]:
    """``metadata.csv`` in ``folder`` (columns file,date,title,body): corrections by file name."""
    path = folder / METADATA_FILE
    if not path.is_file():
        return {}
    overrides: dict[str, Override] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                name = (row.get("file") or "").strip()
                if not name:
                    continue
                when = parse_date(row.get("date") or "")
                overrides[name] = Override(
                    date=when.isoformat() if when else None,
                    title=(row.get("title") or "").strip(),
                    body=(row.get("body") or "").strip(),
                )
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReportIndexError(f"{path} could not be read as a CSV file with columns file,date,title,body: {exc}") from None
    return overrides
