"""Ingest: find report files, extract the changed ones, and update the index in one commit.

Each file is identified by its resolved path and fingerprinted by its content hash (plus the
metadata.csv row that applies to it and the extractor version), so an unchanged file costs no
extraction. A file that fails is reported with its reason and leaves its earlier entries, and
everything else, as they were. The index is written by one writer and committed once at the end:
an interrupted run leaves the previous index intact.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from ..index.catalogue import write_catalogue
from ..index.documents import indexed_files, stored_report
from ..index.files import user_gazetteer_files
from ..index.lock import ingest_lock
from ..index.store import (
    commit_with_segments,
    discard_writer,
    open_or_create,
    recorded_sources,
    writer_for,
)
from ..models import FileOutcome, IngestSummary, Report
from ..pipeline import Annotator
from ..sources import SUPPORTED_SUFFIXES
from ..sources.discover import discover
from ..sources.metadata import Override, load_overrides
from .commit import deferrable_interrupts, fewer_collections, write_report
from .plan import EXTRACTOR_VERSION, choose_id, keep_gazetteers, sha256_of, under_any
from .workers import Job, LocalRunner, PoolRunner, pool_size


def ingest(
    paths: Iterable[Path],
    index_dir: Path,
    *,
    prune: bool = False,
    on_file: Callable[[Path, int, int], None] | None = None,
    wait: float = 0.0,
    initiative_files: Iterable[Path] = (),
    ocr: bool = False,
    on_wait: Callable[[], None] | None = None,
    jobs: int | None = None,
) -> IngestSummary:
    """Bring the index at ``index_dir`` up to date with the report files under ``paths``.

    One run at a time holds the index (``index.ingest_lock``): another run waits up to ``wait``
    seconds for it (calling ``on_wait`` once when it starts waiting), then raises IndexBusyError.
    With ``ocr``, PDFs with no text layer are read with OCR (``ocr.py``) when it is installed.
    ``jobs`` is the number of processes that read files (default: one a core when there are
    enough files to read; see ``workers.py``).
    """
    roots = [Path(p) for p in paths]
    files, skipped = discover(roots)
    with ingest_lock(index_dir, wait=wait, on_wait=on_wait), deferrable_interrupts() as hold_interrupts, fewer_collections():
        return _ingest_locked(
            roots, files, skipped, index_dir, prune=prune, on_file=on_file, wait=wait,
            initiative_files=initiative_files, ocr=ocr, jobs=jobs, hold_interrupts=hold_interrupts,
        )


def _ingest_locked(
    roots: list[Path],
    files: list[Path],
    skipped: list[FileOutcome],
    index_dir: Path,
    *,
    prune: bool,
    on_file: Callable[[Path, int, int], None] | None,
    wait: float,
    initiative_files: Iterable[Path],
    ocr: bool,
    jobs: int | None,
    hold_interrupts: Callable[[], None],
) -> IngestSummary:
    summary = IngestSummary(outcomes=list(skipped))
    ix = open_or_create(index_dir)
    gazetteer_files = keep_gazetteers(index_dir, initiative_files)
    annotator = Annotator(gazetteer_files)
    with ix.searcher() as searcher:
        existing = indexed_files(searcher)
    by_sha = {entry.sha256: entry for entry in existing.values()}
    taken = {entry.report_id for entry in existing.values()}
    overrides: dict[Path, dict[str, Override]] = {}
    seen_sources: set[str] = set()
    seen_shas: dict[str, str] = {}  # content already in the index from this run: later copies are duplicates
    done = 0

    def progress(path: Path) -> None:
        nonlocal done
        done += 1
        if on_file:
            on_file(path, done, len(files))

    writer = writer_for(ix, index_dir, wait=wait)
    runner = None
    try:
        to_read: list[Job] = []
        first_copy: dict[str, Job] = {}  # by content: the file of this run that is read for it
        copies: dict[int, list[Path]] = {}  # more files with that content, decided once it is read
        for position, path in enumerate(files, start=1):
            source = str(path.resolve())
            seen_sources.add(source)
            folder = path.parent
            if folder not in overrides:
                overrides[folder] = load_overrides(folder)
            override = overrides[folder].get(path.name)
            try:
                sha = sha256_of(path)
            except OSError as exc:
                progress(path)
                summary.outcomes.append(FileOutcome(str(path), "failed", reason=f"could not be read ({exc.strerror})"))
                continue
            fingerprint = f"{EXTRACTOR_VERSION}:{sha}:{override.key() if override else ''}"
            previous = existing.get(source)
            if previous and previous.fingerprint == fingerprint:
                progress(path)
                seen_shas[sha] = str(path)
                summary.outcomes.append(_read_again(writer, ix, previous, fingerprint, annotator, path))
                continue
            if sha in first_copy and sha not in seen_shas:
                copies.setdefault(id(first_copy[sha]), []).append(path)
                continue
            twin = seen_shas.get(sha) or (
                by_sha[sha].source if sha in by_sha and by_sha[sha].source != source and Path(by_sha[sha].source).exists() else None
            )
            if twin:
                progress(path)
                summary.outcomes.append(FileOutcome(str(path), "duplicate", reason=f"same content as {twin}"))
                continue
            job = Job(path, source, sha, fingerprint, override, previous)
            first_copy[sha] = job
            to_read.append(job)
            if runner is None and (size := pool_size(len(to_read), len(files) - position, jobs)):
                runner = PoolRunner(
                    size, index_dir, gazetteer_files, ocr=ocr, annotation=annotator.fingerprint, annotator=annotator
                )

        if runner is None:
            runner = LocalRunner(writer, annotator, ocr=ocr, annotation=annotator.fingerprint)
        for result in runner.results(to_read):
            job = result.job
            progress(job.path)
            later = copies.get(id(job), [])
            if not result.ok:
                summary.outcomes.append(FileOutcome(str(job.path), "failed", reason=result.reason))
                for copy in later:  # the same bytes fail the same way
                    progress(copy)
                    summary.outcomes.append(FileOutcome(str(copy), "failed", reason=result.reason))
                continue
            seen_shas[job.sha] = str(job.path)
            if job.previous:
                taken.discard(job.previous.report_id)
                writer.delete_by_term("report_id", job.previous.report_id)
            job.report_id = choose_id(Report(id="", source=job.source, sha256=job.sha, title=result.title, date=result.date), job.path, taken)
            taken.add(job.report_id)
            runner.index(job)
            summary.outcomes.append(FileOutcome(str(job.path), "updated" if job.previous else "added", job.report_id))
            for copy in later:
                progress(copy)
                summary.outcomes.append(FileOutcome(str(copy), "duplicate", reason=f"same content as {job.path}"))
        segments = runner.finish()

        for source, entry in existing.items():
            if source in seen_sources or not under_any(Path(source), roots):
                continue
            if Path(source).exists() and Path(source).suffix.lower() in SUPPORTED_SUFFIXES:
                continue
            if prune:
                writer.delete_by_term("report_id", entry.report_id)
                summary.outcomes.append(FileOutcome(source, "removed", entry.report_id))
            else:
                summary.missing.append(source)
        changed = bool(segments) or any(o.status in ("added", "updated", "removed") for o in summary.outcomes)
        hold_interrupts()  # committing: from here on the run completes
        if not changed:  # nothing to write: leave the index (and its generation) as it is
            discard_writer(writer)
            return summary
        commit_with_segments(writer, segments)
    except BaseException:
        discard_writer(writer)
        raise
    finally:
        if runner is not None:
            runner.close()
    write_catalogue(ix, index_dir)
    return summary


def _read_again(writer, ix, previous, fingerprint: str, annotator: Annotator, path: Path) -> FileOutcome:
    """An unchanged file: nothing to do, unless the initiative list changed since it was indexed;
    then its mentions are read again from the stored report, with no extraction."""
    if previous.annotation == annotator.fingerprint:
        return FileOutcome(str(path), "unchanged", previous.report_id)
    with ix.searcher() as searcher:
        report = stored_report(searcher, previous.report_id)
    try:
        report = annotator.annotate(report)
    except Exception as exc:  # keep the report as it was indexed
        return FileOutcome(str(path), "failed", reason=f"initiatives could not be read: {type(exc).__name__}: {exc}")
    writer.delete_by_term("report_id", previous.report_id)
    write_report(writer, report, fingerprint, annotator.fingerprint)
    return FileOutcome(str(path), "updated", report.id, reason="initiatives read again with the new list")


def reindex(
    index_dir: Path,
    on_file: Callable[[Path, int, int], None] | None = None,
    *,
    wait: float = 0.0,
    on_wait: Callable[[], None] | None = None,
) -> IngestSummary:
    """Rebuild the index from the source files it lists, for a new schema or extractor.

    The new index is built beside the old one and swapped in only when complete. The old index
    is held (``ingest_lock``) meanwhile, so that no ingest writes to it and is lost in the swap.
    """
    recorded_sources(index_dir)  # no index: the usual message, before any folder is made for a lock
    with ingest_lock(index_dir, wait=wait, on_wait=on_wait):
        return _rebuild(index_dir, recorded_sources(index_dir), on_file)


def _rebuild(index_dir: Path, sources: list[str], on_file: Callable[[Path, int, int], None] | None) -> IngestSummary:
    building = Path(tempfile.mkdtemp(prefix=".rebuild-", dir=index_dir.parent if index_dir.parent.exists() else None))
    try:
        present = [Path(s) for s in sources if Path(s).exists()]
        summary = ingest(present, building, on_file=on_file, initiative_files=user_gazetteer_files(index_dir))
        summary.missing.extend(s for s in sources if not Path(s).exists())
        retired = index_dir.with_name(index_dir.name + ".old")
        if retired.exists():
            shutil.rmtree(retired)
        with deferrable_interrupts() as hold_interrupts:
            hold_interrupts()  # never stop between the two renames
            index_dir.rename(retired)
            building.rename(index_dir)
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return summary


__all__ = ["FileOutcome", "IngestSummary", "ingest", "reindex"]
