"""Every ingested report's model kept beside the index, out of Whoosh's reach.

The report document in Whoosh stores the whole model (``documents.report_documents``), and
commands read it from there. A second copy is kept in ``models/`` in the index folder, one JSON
file a report, so that what an ingest read is never lost with a Whoosh file: ``reindex``
rebuilds the index from these (for a new schema, a damaged segment, a report whose file has
moved or gone), and re-reads a file only when the extractor has changed.

A file is named ``<report id>.<digest>.json``, the digest that of the fingerprint, annotation
and source path the report was indexed with, so bringing the folder up to date with the index after
a commit (``keep_models``) needs only a listing: files of reports the index no longer holds, or
holds as read another way, go; reports with no file get one, written whole (a temporary file
renamed into place) from what Whoosh committed. A crash between the commit and this leaves the
folder behind the index, and the next commit brings it up to date.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..models import Report
from .files import MODELS_DIR


@dataclass(frozen=True)
class KeptModel:
    """One kept report: what it was read from and how, and where its model is."""

    report_id: str
    source: str
    sha256: str
    fingerprint: str
    annotation: str
    path: Path

    def report(self) -> Report:
        """The model; ValueError (or OSError) when its file is damaged."""
        with self.path.open(encoding="utf-8") as handle:
            handle.readline()
            return Report.from_dict(json.loads(handle.readline()))


def _digest(fingerprint: str, annotation: str, source: str) -> str:
    return hashlib.sha256(f"{fingerprint}\n{annotation}\n{source}".encode()).hexdigest()[:16]


def _file_name(report_id: str, fingerprint: str, annotation: str, source: str) -> str:
    return f"{report_id}.{_digest(fingerprint, annotation, source)}.json"


def _listed(folder: Path) -> dict[str, str]:
    """The kept files by name: report id, from the name."""
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.endswith(".json")]
    except FileNotFoundError:
        return {}
    return {name: name.rsplit(".", 2)[0] for name in names if name.count(".") >= 2}


def keep_models(ix, index_dir: Path, only: set[str] | None = None) -> None:
    """Bring ``models/`` up to date with the reports the index holds (see the module's docstring);
    with ``only``, with just those reports (a batch of an ingest: the other files are left)."""
    folder = index_dir / MODELS_DIR
    folder.mkdir(exist_ok=True)
    present = _listed(folder)
    wanted: dict[str, str] = {}
    with ix.searcher() as searcher:
        if only is None:
            documents = searcher.documents(kind="report")
        else:
            documents = filter(None, (searcher.document(doc_id=report_id) for report_id in sorted(only)))
            present = {name: report_id for name, report_id in present.items() if report_id in only}
        for fields in documents:
            name = _file_name(
                fields["report_id"], fields.get("fingerprint", ""), fields.get("annotation", ""), fields.get("source", "")
            )
            wanted[name] = fields["report_id"]
            if name in present:
                continue
            about = {key: fields.get(key, "") for key in ("report_id", "source", "sha256", "fingerprint", "annotation")}
            # what the file is first, on a line of its own (listing reads only that), then the model
            _write_whole(folder / name, json.dumps(about, ensure_ascii=False) + "\n" + fields["model"] + "\n")
    for name in set(present) - set(wanted):
        try:
            (folder / name).unlink()
        except FileNotFoundError:
            pass


def _write_whole(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)


def kept_models(index_dir: Path) -> tuple[list[KeptModel], list[str]]:
    """The reports kept in ``models/`` (one for each report id: the newest file, if a crash left
    two), and the files whose first line could not be read (damaged), for ``reindex``. Only
    that line is read here; ``KeptModel.report()`` reads the model."""
    folder = index_dir / MODELS_DIR
    found: dict[str, KeptModel] = {}
    damaged: list[str] = []
    for name, report_id in sorted(_listed(folder).items(), key=lambda item: _mtime(folder / item[0])):
        path = folder / name
        try:
            with path.open(encoding="utf-8") as handle:
                data = json.loads(handle.readline())
            kept = KeptModel(
                report_id=data["report_id"], source=data["source"], sha256=data["sha256"],
                fingerprint=data["fingerprint"], annotation=data["annotation"], path=path,
            )
        except (OSError, ValueError, KeyError, TypeError):
            damaged.append(str(path))
            continue
        if kept.report_id == report_id:
            found[report_id] = kept
    return list(found.values()), damaged


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
