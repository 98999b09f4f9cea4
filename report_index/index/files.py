"""The index folder and the files kept in it beside Whoosh's own: where the folder is
(``--index``, ``$REPORT_INDEX_DIR``, ``./.report-index``), the schema version file, the
catalogue, the ingest lock and the user's initiative lists."""

from __future__ import annotations

import os
from pathlib import Path

META_FILE = "report-index.json"
CATALOGUE_FILE = "catalogue.json"
INTEGRITY_FILE = "integrity.json"  # the committed files' sizes and checksums (``health.py``)
LOCK_FILE = "ingest.lock"
INDEX_NAME = "reports"
GAZETTEER_DIR = "initiatives"
COPIES_FILE = "copies.json"  # files found to be copies of an indexed report in other bytes (``copies.py``)
MODELS_DIR = "models"  # every report's model, kept out of Whoosh's files (``kept.py``)
DEFAULT_DIR = ".report-index"
ENV_VAR = "REPORT_INDEX_DIR"


def resolve_index_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """``--index DIR``, else ``$REPORT_INDEX_DIR``, else ``./.report-index``."""
    if option:
        return Path(option)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return Path(DEFAULT_DIR)


def user_gazetteer_files(index_dir: Path) -> list[Path]:
    """The user's own initiative lists kept with the index: ``initiatives.json`` or ``.csv`` in
    the index folder, and the files an ingest was given with ``--initiatives`` (kept in
    ``initiatives/``)."""
    found = [index_dir / name for name in ("initiatives.json", "initiatives.csv") if (index_dir / name).is_file()]
    folder = index_dir / GAZETTEER_DIR
    if folder.is_dir():
        found.extend(sorted(p for p in folder.iterdir() if p.suffix.lower() in (".json", ".csv")))
    return found
