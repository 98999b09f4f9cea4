"""Ingest: find report files, extract the changed ones, and update the index in one commit.

Each file is identified by its resolved path and fingerprinted by its content hash (plus the
metadata.csv row that applies to it and the extractor version), so an unchanged file costs no
extraction. A file that fails is reported with its reason and leaves its earlier entries, and
everything else, as they were. The index is written by one writer (and the workers' segments),
committed every ``BATCH_SECONDS`` of work and at the end, each commit one atomic step and each
report whole in one: an interrupted run leaves the index as its last commit made it, and the
next run reads only what was not committed. After each commit the catalogue, the kept report
models (``index.kept``) and the files' checksums (``index.health``) are brought up to date.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from ..errors import IndexWriteError, IngestInterrupted, ReportIndexError
from ..index.catalogue import write_catalogue
from ..index.copies import KnownCopy, read_copies, write_copies
from ..index.documents import indexed_files, stored_report
from ..index.files import CATALOGUE_FILE, INTEGRITY_FILE, MODELS_DIR, user_gazetteer_files
from ..index.health import check_files, diagnose, record_files
from ..index.kept import keep_models, kept_models
from ..index.lock import ingest_lock
from ..index.store import (
    commit_with_segments,
    index_files,
    remove_uncommitted,
    discard_writer,
    index_exists,
    open_index,
    open_or_create,
    stored_report_fields,
    writer_for,
)
from ..models import FileOutcome, IngestSummary, Report
from ..pipeline import Annotator
from ..sources import SUPPORTED_SUFFIXES
from ..sources.discover import discover
from ..sources.metadata import Override, load_overrides, read_metadata
from ..text.fingerprint import TextPrints
from .commit import deferrable_interrupts, fewer_collections, interrupts_after, write_report
from .plan import EXTRACTOR_VERSION, choose_id, keep_gazetteers, sha256_of, under_any
from .limits import FileLimits
from .workers import Job, LocalRunner, PoolRunner, pool_for, pool_size


#: Seconds of work between the commits of an ingest: a crash or a kill loses at most this much
#: (``REPORT_INDEX_BATCH_SECONDS`` sets another; 0 commits once, at the end).
BATCH_SECONDS = 5.0
BATCH_VARIABLE = "REPORT_INDEX_BATCH_SECONDS"
#: What an ingest under way records in the index folder, so that a run after a crash can tell
#: how much of the crashed run it resumes.
RUN_FILE = "ingest-run.json"


def ingest(
    paths: Iterable[Path],
    index_dir: Path,
    *,
    prune: bool = False,
    batch_seconds: float | None = None,
    on_file: Callable[[Path, int, int], None] | None = None,
    wait: float = 0.0,
    initiative_files: Iterable[Path] = (),
    ocr: bool = False,
    on_wait: Callable[[], None] | None = None,
    jobs: int | None = None,
    limits: FileLimits | None = None,
) -> IngestSummary:
    """Bring the index at ``index_dir`` up to date with the report files under ``paths``.

    One run at a time holds the index (``index.ingest_lock``): another run waits up to ``wait``
    seconds for it (calling ``on_wait`` once when it starts waiting), then raises IndexBusyError.
    With ``ocr``, PDFs with no text layer are read with OCR (``ocr.py``) when it is installed.
    ``jobs`` is the number of processes that read files (default: one a core when there are
    enough files to read; see ``workers.py``). ``limits`` bound the time and memory reading one
    file may take (``limits.py``; default ``FileLimits.default``): a file over them fails by name.

    What has been read is committed every ``batch_seconds`` of work (and at the end), each
    report whole with all its passages, so a crash or ``kill -9`` loses at most that much; the
    next run finds those files unchanged and says how many it resumes (``summary.resumed``).
    """
    roots = [Path(p) for p in paths]
    if batch_seconds is None:
        batch_seconds = _batch_seconds()
    files, skipped = discover(roots)
    with _cannot_write(index_dir), ingest_lock(index_dir, wait=wait, on_wait=on_wait), \
            deferrable_interrupts() as hold_interrupts, fewer_collections():
        return _ingest_locked(
            roots, files, skipped, index_dir, prune=prune, on_file=on_file, wait=wait,
            initiative_files=initiative_files, ocr=ocr, jobs=jobs, hold_interrupts=hold_interrupts,
            batch_seconds=batch_seconds, limits=limits if limits is not None else FileLimits.default(ocr=ocr),
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
    batch_seconds: float = BATCH_SECONDS,
    limits: FileLimits = FileLimits(),
) -> IngestSummary:
    summary = IngestSummary(outcomes=list(skipped))
    interrupted_run = _interrupted_run(index_dir)
    existed = index_exists(index_dir)
    if not existed:
        check_files(index_dir)  # a table of contents gone is damage to repair, not a new index to start
    ix = open_or_create(index_dir)
    if existed:
        check_files(index_dir, deep=True)  # never write into a damaged index: reindex repairs it
    gazetteer_files = keep_gazetteers(index_dir, initiative_files)
    annotator = Annotator(gazetteer_files)
    try:
        with ix.searcher() as searcher:
            existing = indexed_files(searcher)
    except Exception:
        problem = diagnose(index_dir)
        if problem is None:
            raise
        raise problem from None
    by_sha = {entry.sha256: entry for entry in existing.values()}
    texts = TextPrints()  # the text of each report in the index or read by this run, by source
    for entry in existing.values():
        if Path(entry.source).exists():  # a file gone is nothing a new file can be a copy of
            texts.add(entry.source, entry.text_print)
    taken = {entry.report_id for entry in existing.values()}
    overrides: dict[Path, dict[str, Override]] = {}
    seen_sources: set[str] = set()
    given: dict[str, str] = {}  # each source of this run as the user's path names it
    seen_shas: dict[str, str] = {}  # content already in the index from this run: later copies are duplicates
    known_copies = read_copies(index_dir)  # copies in other bytes found by earlier runs
    copies_found: dict[str, KnownCopy] = {}  # and by this one (or confirmed by it): recorded at the end
    unchanged: set[str] = set()  # sources whose report stays as indexed
    deleted = False  # a report taken out of the index because its file now holds a copy of another
    maybe_copies: list[Job] = []  # a known copy: not read again if the report it copies is unchanged
    done = 0

    def progress(path: Path) -> None:
        nonlocal done
        done += 1
        if on_file:
            on_file(path, done, len(files))

    present = index_files(index_dir)  # what a run that fails must leave as it found
    writer = writer_for(ix, index_dir, wait=wait)
    runner = None
    committed = 0  # reports of this run committed in batches
    try:
        to_read: list[Job] = []
        first_copy: dict[str, Job] = {}  # by content: the file of this run that is read for it
        copies: dict[int, list[Path]] = {}  # more files with that content, decided once it is read
        for position, path in enumerate(files, start=1):
            source = str(path.resolve())
            seen_sources.add(source)
            given[source] = str(path)
            folder = path.parent
            if folder not in overrides:
                metadata = read_metadata(folder)
                overrides[folder] = metadata.overrides
                summary.metadata_problems.extend(metadata.problems)
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
                unchanged.add(source)
                if source in interrupted_run:
                    summary.resumed.append(source)
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
            moved = by_sha.get(sha) if previous is None else None
            if (
                moved is not None and moved.fingerprint == fingerprint and moved.source not in seen_sources
                and not Path(moved.source).exists()
            ):  # the file an indexed report was read from, moved or renamed: the report follows it
                progress(path)
                seen_sources.add(moved.source)
                seen_shas[sha] = str(path)
                texts.add(source, moved.text_print)
                summary.outcomes.append(_moved(writer, ix, moved, source, annotator))
                continue
            job = Job(path, source, sha, fingerprint, override, previous)
            first_copy[sha] = job
            known = known_copies.get(source)
            if previous is None and known is not None and known.fingerprint == fingerprint:
                maybe_copies.append(job)
                continue
            to_read.append(job)
            if runner is None and (size := pool_size(len(to_read), len(files) - position, jobs)):
                runner = PoolRunner(
                    size, index_dir, gazetteer_files, ocr=ocr, annotation=annotator.fingerprint, annotator=annotator,
                    limits=limits,
                )

        for job in maybe_copies:
            twin = known_copies[job.source].twin
            if twin in unchanged:
                progress(job.path)
                copies_found[job.source] = known_copies[job.source]
                summary.outcomes.append(FileOutcome(str(job.path), "duplicate", reason=_same_text(given.get(twin, twin))))
            else:  # the report it copied has changed or gone: read it again
                to_read.append(job)
        if runner is None and (size := pool_for(len(to_read))):
            runner = PoolRunner(
                size, index_dir, gazetteer_files, ocr=ocr, annotation=annotator.fingerprint, annotator=annotator,
                limits=limits,
            )
        if runner is None:
            runner = LocalRunner(writer, annotator, ocr=ocr, annotation=annotator.fingerprint)
        if to_read:
            _record_run(index_dir, [job.source for job in to_read])
        batch: set[str] = set()  # the report ids written since the last commit
        started = time.monotonic()
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
            twin = texts.twin(result.text_print, besides=job.source)
            if twin is not None:  # the same report in other bytes: a re-saved copy, another format
                runner.drop(job)
                if job.previous:  # the file held another report before: that report is gone from it
                    writer.delete_by_term("report_id", job.previous.report_id)
                    texts.discard(job.source)
                    deleted = True
                copies_found[job.source] = KnownCopy(job.fingerprint, twin)
                reason = _same_text(given.get(twin, twin))  # as the user named it, if in this run
                summary.outcomes.append(FileOutcome(str(job.path), "duplicate", reason=reason))
                for copy in later:
                    progress(copy)
                    summary.outcomes.append(FileOutcome(str(copy), "duplicate", reason=reason))
                continue
            texts.add(job.source, result.text_print)
            seen_shas[job.sha] = str(job.path)
            if job.previous:
                taken.discard(job.previous.report_id)
                writer.delete_by_term("report_id", job.previous.report_id)
            job.report_id = choose_id(Report(id="", source=job.source, sha256=job.sha, title=result.title, date=result.date), job.path, taken)
            taken.add(job.report_id)
            runner.index(job)
            batch.add(job.report_id)
            summary.outcomes.append(
                FileOutcome(str(job.path), "updated" if job.previous else "added", job.report_id, note=result.note)
            )
            for copy in later:
                progress(copy)
                summary.outcomes.append(FileOutcome(str(copy), "duplicate", reason=f"same content as {job.path}"))
            if batch_seconds and time.monotonic() - started >= batch_seconds:
                with interrupts_after():  # a batch lands whole; Ctrl-C takes effect after it
                    segments = runner.checkpoint()
                    if segments is not None:
                        _commit_batch(ix, index_dir, writer, segments, batch)
                        committed += len(batch)
                        writer = writer_for(ix, index_dir, wait=wait)
                        runner.use_writer(writer)
                        batch = set()
                started = time.monotonic()
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
        changed = deleted or bool(segments) or any(o.status in ("added", "updated", "removed") for o in summary.outcomes)
        hold_interrupts()  # committing: from here on the run completes
        write_copies(index_dir, {**{s: c for s, c in known_copies.items() if s not in seen_sources}, **copies_found})
        if not changed:  # nothing to write: leave the index (and its generation) as it is
            discard_writer(writer)
            if not (index_dir / MODELS_DIR).is_dir() or not (index_dir / INTEGRITY_FILE).exists():
                after_commit(ix, index_dir)  # an index from before these were kept beside it
            (index_dir / RUN_FILE).unlink(missing_ok=True)
            return summary
        commit_with_segments(writer, segments)
    except KeyboardInterrupt as stopped:
        _give_up(writer, runner, index_dir, present, committed)
        if committed:
            raise IngestInterrupted.after(
                stopped,
                f"Interrupted: {committed} report(s) read before the interrupt are in the index (it commits every "
                f"{batch_seconds:g} seconds); the ingest reads the rest when it is run again."
            ) from None
        raise
    except BaseException:
        _give_up(writer, runner, index_dir, present, committed)
        raise
    finally:
        if runner is not None:
            runner.close()
    after_commit(ix, index_dir)
    (index_dir / RUN_FILE).unlink(missing_ok=True)
    return summary


def _same_text(twin: str) -> str:
    return f"same text as {twin} (a copy in other bytes: re-saved, or the same report in another format)"


def _give_up(writer, runner, index_dir: Path, present: set[str], committed: int) -> None:
    """A run that fails or is stopped leaves the index folder as its last commit left it: no
    segment, temporary file or (when no batch was committed) record of the run left behind."""
    discard_writer(writer)
    if runner is not None:
        runner.close()  # its workers write no more
    remove_uncommitted(index_dir, present)
    if not committed:
        (index_dir / RUN_FILE).unlink(missing_ok=True)


def _batch_seconds() -> float:
    wanted = os.environ.get(BATCH_VARIABLE, "").strip()
    if not wanted:
        return BATCH_SECONDS
    try:
        seconds = float(wanted)
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise ReportIndexError(f"{BATCH_VARIABLE}={wanted!r} is not a number of seconds (0 commits once, at the end)")
    return seconds


def _commit_batch(ix, index_dir: Path, writer, segments: list, written: set[str]) -> None:
    """Commit what the run has read so far. The catalogue is made again from the index when next
    wanted (it would otherwise cost a pass over every report each batch); the batch's reports
    are kept in ``models/`` and the new files recorded, as after any commit."""
    (index_dir / CATALOGUE_FILE).unlink(missing_ok=True)
    commit_with_segments(writer, segments)
    keep_models(ix, index_dir, only=written)
    record_files(ix, index_dir)


def _record_run(index_dir: Path, sources: list[str]) -> None:
    """Say in the index folder which files this run is to read (``RUN_FILE``), until it ends."""
    (index_dir / RUN_FILE).write_text(json.dumps({"pid": os.getpid(), "sources": sources}), encoding="utf-8")


def _interrupted_run(index_dir: Path) -> set[str]:
    """The files an earlier run was reading when it was killed or crashed (its ``RUN_FILE`` is
    still there); the file goes, as this run takes over."""
    path = index_dir / RUN_FILE
    try:
        sources = json.loads(path.read_text(encoding="utf-8"))["sources"]
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    path.unlink(missing_ok=True)
    return set(sources)


def _moved(writer, ix, previous, source: str, annotator: Annotator) -> FileOutcome:
    """A report whose file was moved or renamed (the same bytes, its old path gone): the report as
    it was read, its source the new path, its id kept; nothing is read again."""
    with ix.searcher() as searcher:
        report = replace(stored_report(searcher, previous.report_id), source=source)
    annotation = previous.annotation
    if annotation != annotator.fingerprint:
        report, annotation = annotator.annotate(report), annotator.fingerprint
    writer.delete_by_term("report_id", previous.report_id)
    write_report(writer, report, previous.fingerprint, annotation, previous.text_print)  # the same text: its print as kept
    return FileOutcome(source, "updated", report.id, reason=f"moved from {previous.source}")


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
    prune: bool = False,
    wait: float = 0.0,
    on_wait: Callable[[], None] | None = None,
    limits: FileLimits | None = None,
) -> IngestSummary:
    """Rebuild the index from the reports it holds, for a new schema or extractor, or to repair
    a damaged index (see ``index.health``).

    Each report comes back from the model kept for it (``index.kept``; Whoosh's own copy for an
    index from before models were kept), without its file being read, unless the file has
    changed or the extractor has: then the file is read again. A report whose file has moved,
    gone, or cannot be read again is never dropped: it is rebuilt from its kept model and listed
    as ``kept`` with the reason; only ``prune`` removes such reports (``removed``). The new index
    is built beside the old one and swapped in only when complete; the old index is held
    (``ingest_lock``) meanwhile, so that no ingest writes to it and is lost in the swap.
    ``limits`` bound reading a file again, as for ``ingest``.
    """
    with _cannot_write(index_dir), ingest_lock(index_dir, wait=wait, on_wait=on_wait):
        previous = _previous_reports(index_dir)
        return _rebuild(index_dir, previous, on_file, prune, limits)


#: errno values that mean the index folder cannot be written, and what to say of each
_WRITE_ERRORS = {
    errno.ENOSPC: "there is no space left on the device that holds it: free some space and run the command again",
    errno.EDQUOT: "the disk quota is used up: free some space and run the command again",
    errno.EROFS: "it is on a read-only file system: give an index folder that can be written to (--index DIR)",
    errno.EACCES: "it cannot be written to (permission denied): give an index folder you can write to (--index DIR)",
    errno.EPERM: "it cannot be written to (operation not permitted): give an index folder you can write to (--index DIR)",
}


@contextmanager
def _cannot_write(index_dir: Path) -> Iterator[None]:
    """A full disk, a read-only or locked-down index folder: one message naming the folder and
    the fix. Nothing was committed that was not whole: the index is as its last commit left it."""
    try:
        yield
    except OSError as exc:
        reason = _WRITE_ERRORS.get(exc.errno)
        if reason is None:
            raise
        raise IndexWriteError(
            f"the index at {index_dir} could not be written: {reason}. "
            "The index is as it was before this run (searches still work)."
        ) from None


@dataclass(frozen=True)
class _Previous:
    """A report the index held: how it was read, and how to load its model."""

    report_id: str
    source: str
    sha256: str
    fingerprint: str
    annotation: str
    load: Callable[[], Report]


def _previous_reports(index_dir: Path) -> list[_Previous]:
    """What the index held: the kept models, and for any report without one (an index from
    before models were kept, a kept file damaged) Whoosh's stored copy, if Whoosh can be read."""
    kept, _damaged = kept_models(index_dir)
    found = {k.report_id: _Previous(k.report_id, k.source, k.sha256, k.fingerprint, k.annotation, k.report) for k in kept}
    try:
        from_whoosh = _whoosh_reports(index_dir)
    except ReportIndexError:
        if not found and not (index_dir / MODELS_DIR).is_dir():
            raise
        from_whoosh = []
    except Exception as exc:  # a damaged Whoosh file: the kept models stand in
        if not found:
            raise ReportIndexError(
                f"the index at {index_dir} cannot be read ({type(exc).__name__}) and keeps no copy of its "
                "reports: delete the folder and run `report-index ingest` on the report files again"
            ) from None
        from_whoosh = []
    for entry in from_whoosh:
        found.setdefault(entry.report_id, entry)
    return sorted(found.values(), key=lambda entry: entry.source)


def _whoosh_reports(index_dir: Path) -> list[_Previous]:
    """The reports Whoosh's report documents hold, whatever the schema version."""
    if not index_exists(index_dir):
        open_index(index_dir)  # the usual "no index yet" (or "damaged") message
    fields_by_id = {}
    for fields in stored_report_fields(index_dir):
        fields_by_id[fields["report_id"]] = fields
    return [
        _Previous(
            f["report_id"], f.get("source", ""), f.get("sha256", ""), f.get("fingerprint", ""), f.get("annotation", ""),
            (lambda model=f["model"]: Report.from_dict(json.loads(model))),
        )
        for f in fields_by_id.values()
        if f.get("model")
    ]


def _rebuild(
    index_dir: Path,
    previous: list[_Previous],
    on_file: Callable[[Path, int, int], None] | None,
    prune: bool,
    limits: FileLimits | None = None,
) -> IngestSummary:
    summary = IngestSummary()
    building = Path(tempfile.mkdtemp(prefix=".rebuild-", dir=index_dir.parent if index_dir.parent.exists() else None))
    try:
        ix = open_or_create(building)
        gazetteer_files = keep_gazetteers(building, user_gazetteer_files(index_dir))
        annotator = Annotator(gazetteer_files)
        overrides: dict[Path, dict[str, Override]] = {}
        reread: dict[str, _Previous] = {}  # by source: files to read again, their old report if that fails
        writer = writer_for(ix, building)
        done = 0
        try:
            for entry in previous:
                path = Path(entry.source)
                state, reason = _file_state(path, entry, overrides)
                if state == "same":
                    done += 1
                    if on_file:
                        on_file(path, done, len(previous))
                    report = entry.load()
                    annotation = entry.annotation
                    if annotation != annotator.fingerprint:
                        report, annotation = annotator.annotate(report), annotator.fingerprint
                    write_report(writer, report, entry.fingerprint, annotation)
                    summary.outcomes.append(FileOutcome(entry.source, "unchanged", entry.report_id, reason="rebuilt from the kept report"))
                elif state == "changed":
                    reread[entry.source] = entry
                elif prune:
                    summary.outcomes.append(FileOutcome(entry.source, "removed", entry.report_id, reason=reason))
                else:
                    write_report(writer, entry.load(), entry.fingerprint, entry.annotation)
                    summary.outcomes.append(FileOutcome(entry.source, "kept", entry.report_id, reason=reason))
            writer.commit()
        except BaseException:
            discard_writer(writer)
            raise
        if reread:
            def progress(path: Path, number: int, total: int) -> None:
                if on_file:
                    on_file(path, done + number, len(previous))

            again = ingest([Path(s) for s in reread], building, on_file=progress, limits=limits)
            summary.outcomes.extend(o for o in again.outcomes if o.status != "failed")
            failed = [o for o in again.outcomes if o.status == "failed"]
            if failed:
                ix = open_or_create(building)
                writer = writer_for(ix, building)
                try:
                    for outcome in failed:
                        entry = reread[str(Path(outcome.path).resolve())] if str(Path(outcome.path).resolve()) in reread else reread[outcome.path]
                        write_report(writer, entry.load(), entry.fingerprint, entry.annotation)
                        summary.outcomes.append(
                            FileOutcome(entry.source, "kept", entry.report_id, reason=f"could not be read again ({outcome.reason}): kept as it was last read")
                        )
                    writer.commit()
                except BaseException:
                    discard_writer(writer)
                    raise
        after_commit(open_or_create(building), building)
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


def _file_state(path: Path, entry: _Previous, overrides: dict[Path, dict[str, Override]]) -> tuple[str, str]:
    """"same" (the file is as it was read, by the same extractor), "changed" (read it again), or
    "gone" with the reason it cannot be read again."""
    try:
        if not path.is_file():
            return "gone", "file not found (moved or deleted)"
        sha = sha256_of(path)
    except OSError as exc:
        return "gone", f"file cannot be read ({exc.strerror or exc})"
    folder = path.parent
    if folder not in overrides:
        overrides[folder] = load_overrides(folder)
    override = overrides[folder].get(path.name)
    fingerprint = f"{EXTRACTOR_VERSION}:{sha}:{override.key() if override else ''}"
    return ("same", "") if fingerprint == entry.fingerprint else ("changed", "")


def after_commit(ix, index_dir: Path) -> None:
    """What is kept beside the index once a commit has landed: the catalogue, each report's model
    (``index.kept``) and the committed files' sizes and checksums (``index.health``)."""
    write_catalogue(ix, index_dir)
    keep_models(ix, index_dir)
    record_files(ix, index_dir)


__all__ = ["FileOutcome", "IngestSummary", "ingest", "reindex"]
