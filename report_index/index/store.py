"""The Whoosh index on disk: its schema, where it lives, and reading reports back out of it.

One document per passage (paragraph, list item, table row) and one per report. The report
document stores the whole structured model as JSON, so listing, outlines and later analyses
never need the source files again. A small ``report-index.json`` beside Whoosh's files records
the schema version; an index of another version is never read blindly.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from whoosh import index as whoosh_index

from ..errors import IndexBusyError, IndexMissingError, SchemaMismatchError
from ..models import Report, chronological
from .files import CATALOGUE_FILE, INDEX_NAME, META_FILE, user_gazetteer_files
from .lock import busy_message
from .mapped import read_segments_in_place
from .schema import SCHEMA_VERSION, build_schema
from .writer import writer_class

read_segments_in_place()  # segments read from the map, not copied into memory (``mapped``)


# --------------------------------------------------------------------------------------------
# Opening


def _read_meta(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def index_exists(index_dir: Path) -> bool:
    """Whether the folder holds an index: a table of contents (by its name; not opened)."""
    from .health import committed_generation

    return index_dir.is_dir() and committed_generation(index_dir) is not None


def check_schema(index_dir: Path) -> None:
    meta = _read_meta(index_dir)
    if not isinstance(meta, dict):
        from .health import damaged

        what = "is missing" if not (index_dir / META_FILE).exists() else "is not readable"
        raise damaged(index_dir, META_FILE, what)
    version = meta.get("schema_version")
    if version != SCHEMA_VERSION:
        found = f"schema version {version}" if version is not None else "an unknown schema version"
        raise SchemaMismatchError(
            f"the index at {index_dir} was built with {found}; this version of report-index uses "
            f"schema version {SCHEMA_VERSION}. Run `report-index reindex` to rebuild it from the source files."
        )


def open_index(index_dir: Path):
    """Open an existing index for reading; raises IndexMissingError, SchemaMismatchError, or
    IndexDamagedError when a file it was committed with is missing or cut short (``health``)."""
    from .health import check_files, diagnose

    if not index_exists(index_dir):
        check_files(index_dir)  # an index whose table of contents is gone is damaged, not missing
        raise IndexMissingError(
            f"no index at {index_dir} yet. Build one with `report-index ingest FOLDER` "
            f"(for the bundled reports: `report-index ingest corpus/`)."
        )
    check_schema(index_dir)
    check_files(index_dir)
    try:
        return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
    except Exception:  # a table of contents Whoosh cannot read: which file, if the record shows it
        problem = diagnose(index_dir)
        if problem is None:
            raise
        raise problem from None


def index_signature(index_dir: Path) -> tuple:
    """What changes whenever the index or the files kept beside it change: each table of contents
    (a commit writes a new one), the catalogue, the schema version file and the user's initiative
    lists, by name, size and modification time. Readers cache by it and can never serve a stale
    index; it costs a directory listing."""
    try:
        entries = [
            (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
            for entry in os.scandir(index_dir)
            if entry.name.endswith(".toc") or entry.name in (META_FILE, CATALOGUE_FILE)
        ]
    except OSError:
        return ()
    for path in user_gazetteer_files(index_dir):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


def open_or_create(index_dir: Path):
    """Open the index for writing, creating it when there is none."""
    if index_exists(index_dir):
        return open_index(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    # The version first: a crash between the two leaves no index, never an index of unknown version.
    (index_dir / META_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION}) + "\n", encoding="utf-8")
    return whoosh_index.create_in(str(index_dir), build_schema(), indexname=INDEX_NAME)


#: What the ingest's own writer may hold of postings before spilling them to disk (Whoosh's
#: estimate, in MB). It merges the small segments at each commit, and the merged postings go
#: through Whoosh's sorting pool. Ingesting 100,000 passages (``scripts/bench.py --passages``)
#: peaked at 671 MB with 256 and at 504 MB with 96 while segments were still copied into memory
#: when opened (``mapped``), at 309 MB with 96 since; with 256 the ingest's own process held
#: 542 MB by 180,000 passages of a million.
MERGE_POOL_MB = 96


def writer_for(ix, index_dir: Path, wait: float = 0.0):
    """The index's single writer; raises IndexBusyError when another process holds it."""
    from whoosh.index import LockError

    try:
        return writer_class()(ix, timeout=wait, limitmb=MERGE_POOL_MB)
    except LockError:
        raise IndexBusyError(busy_message(index_dir)) from None


def segment_writer(index_dir: Path, limitmb: int = 128):
    """A writer of one new segment of the index, for a worker process of an ingest.

    It takes no lock: the ingest that started the worker holds the index (``ingest_lock`` and
    Whoosh's write lock) for it. Its files are written under a fresh segment name and stay out
    of the index until that ingest commits them with ``commit_with_segments``; a segment never
    committed (a crash, Ctrl-C) is deleted by the next commit. This is how Whoosh's own
    multiprocessing writer works (``whoosh.multiproc``), with the worker processes our own.
    """
    ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
    return writer_class()(ix, _lk=False, limitmb=limitmb)


def finish_segment(writer):
    """Write out a segment writer's segment and return it (None if nothing was added to it)."""
    if writer._added:
        return writer._finalize_segment()
    writer._close_segment()
    return None


def discard_writer(writer) -> None:
    """Cancel a writer and delete the files it had started for its new segment."""
    if not writer.is_closed:
        try:
            writer.cancel()
        except OSError:  # a full disk: what it could not close is deleted all the same
            pass
    prefix = writer.newsegment.segment_id()
    for name in list(writer.storage):
        if name.startswith(prefix):
            try:
                writer.storage.delete_file(name)
            except OSError:
                pass


def index_files(index_dir: Path) -> set[str]:
    """Every file under the index folder, by path relative to it."""
    return {str(path.relative_to(index_dir)) for path in index_dir.rglob("*") if path.is_file()}


def remove_uncommitted(index_dir: Path, present: set[str]) -> None:
    """After a run that failed or was stopped: delete the files it wrote that no commit took
    in (``present``: the files there before it began, ``index_files``): segments the table of
    contents does not list (its workers' among them), Whoosh's temporary files and half-written
    ``.tmp`` files. The folder is then as the run's last commit left it."""
    try:
        live = {segment.segment_id() for segment in whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)._segments()}
    except Exception:  # an index that cannot be read: its segments are not ours to judge
        return
    for name in sorted(index_files(index_dir) - present):
        path = index_dir / name
        segment = path.name.split(".", 1)[0]
        ours = (
            path.parent == index_dir and segment.startswith(INDEX_NAME + "_") and not name.endswith(".toc")
            and segment not in live
        ) or path.parent.name == INDEX_NAME + ".tmp" or path.suffix in (".tmp", ".ctmp")
        if ours:
            try:
                path.unlink()
            except OSError:
                pass
    temporary = index_dir / (INDEX_NAME + ".tmp")
    if temporary.is_dir() and not any(temporary.iterdir()) and not any(p.startswith(temporary.name + os.sep) for p in present):
        try:
            temporary.rmdir()
        except OSError:
            pass


def commit_with_segments(writer, segments: list) -> None:
    """Commit the ingest's own writer (its deletions and documents) together with segments
    written by its workers: one new table of contents, so all of it appears at once or none."""
    if not segments:
        writer.commit()
        return
    writer._check_state()
    final = writer._merge_segments(None, None, None)  # Whoosh's usual policy: small old segments merged
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final + list(segments))
    writer._finish()


# --------------------------------------------------------------------------------------------
# The ingest lock


# --------------------------------------------------------------------------------------------
# Documents


def load_reports(index_dir: Path) -> list[Report]:
    """Every ingested report's model, oldest meeting first."""
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        reports = [Report.from_dict(json.loads(f["model"])) for f in searcher.documents(kind="report")]
    return sorted(reports, key=lambda r: chronological(r.date, r.id))


def stored_report_fields(index_dir: Path) -> list[dict]:
    """The stored fields of every report document, whatever the schema version (for ``reindex``
    of an index from before models were kept beside it)."""
    ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        return [dict(fields) for fields in searcher.all_stored_fields() if fields.get("kind") == "report"]
