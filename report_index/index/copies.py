"""The files an ingest found to be copies of an indexed report in other bytes (a re-saved PDF,
the same report as a Word document), kept beside the index so that the next ingest need not
read them again to know it.

``copies.json`` maps each such file's source path to the fingerprint it was read with (its
bytes, the extractor, its row of metadata.csv) and the source of the report it copies. It is a
record, not part of the index: written whole (a temporary file renamed into place) at the end of
a run, and when it is lost or unreadable the copies are simply read again and found again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .files import COPIES_FILE


@dataclass(frozen=True)
class KnownCopy:
    fingerprint: str  # the file's, as the ingest computes it (``ingest.plan``)
    twin: str  # the source of the indexed report it copies


def read_copies(index_dir: Path) -> dict[str, KnownCopy]:
    """The copies recorded by the last run; {} when there is no record or it cannot be read."""
    try:
        data = json.loads((index_dir / COPIES_FILE).read_text(encoding="utf-8"))
        return {source: KnownCopy(entry["fingerprint"], entry["twin"]) for source, entry in data.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_copies(index_dir: Path, copies: dict[str, KnownCopy]) -> None:
    """Record ``copies`` (nothing is written when they are what the record holds already)."""
    if copies == read_copies(index_dir) and (copies or not (index_dir / COPIES_FILE).exists()):
        return
    data = {source: {"fingerprint": c.fingerprint, "twin": c.twin} for source, c in sorted(copies.items())}
    temporary = index_dir / (COPIES_FILE + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(index_dir / COPIES_FILE)
