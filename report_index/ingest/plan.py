"""Planning an ingest: what each found file is to the index (new, changed, unchanged, a copy of
another), by its content hash, its ``metadata.csv`` row and the extractor version; the id each new
report gets; and the user's initiative lists kept with the index."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Iterable

from ..errors import ReportIndexError
from ..index.files import GAZETTEER_DIR, user_gazetteer_files
from ..models import Report
from ..text.slug import slugify


#: Bump when extraction changes what it produces, so that re-ingest re-extracts every file.
EXTRACTOR_VERSION = "7"  # 7: letterheads, headings and PDF document information in the title block; columns


def choose_id(report: Report, path: Path, taken: set[str]) -> str:
    """A readable id, unique in the index: the meeting date and title, else the file name."""
    base = slugify(f"{report.date} {report.title}") if report.date and report.title else slugify(path.stem)
    candidate = base
    counter = 2
    while candidate in taken:
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate


def keep_gazetteers(index_dir: Path, files: Iterable[Path]) -> list[Path]:
    """Copy the user's ``--initiatives`` files into the index folder, so later runs and queries
    use them too; return every user gazetteer file the index now has."""
    from ..initiatives.gazetteer import load_gazetteer

    files = [Path(f) for f in files]
    for file in files:
        if not file.is_file():
            raise ReportIndexError(f"initiatives file {file} does not exist")
        if file.suffix.lower() not in (".json", ".csv"):
            raise ReportIndexError(f"initiatives file {file} must be a .json or .csv file")
    if len({f.name for f in files}) < len(files):
        raise ReportIndexError("two --initiatives files have the same name; rename one of them")
    load_gazetteer(*user_gazetteer_files(index_dir), *files)  # a malformed file is refused before it is kept
    target = index_dir / GAZETTEER_DIR
    for file in files:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target / file.name)
    return user_gazetteer_files(index_dir)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def under_any(path: Path, roots: list[Path]) -> bool:
    for root in roots:
        try:
            resolved = root.resolve()
        except OSError:
            continue
        if path == resolved or resolved in path.parents:
            return True
    return False
