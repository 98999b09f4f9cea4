"""Ingest: find report files, extract the changed ones, and update the index in one commit.

Each file is identified by its resolved path and fingerprinted by its content hash (plus the
metadata.csv row that applies to it and the extractor version), so an unchanged file costs no
extraction. A file that fails is reported with its reason and leaves its earlier entries, and
everything else, as they were. The index is written by one writer and committed once at the end:
an interrupted run leaves the previous index intact.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..text.dates import date_from_filename, parse_date
from ..errors import ExtractionError, ReportIndexError
from ..index.store import (
    commit_with_segments,
    discard_writer,
    indexed_files,
    ingest_lock,
    load_reports,
    open_or_create,
    recorded_sources,
    report_documents,
    user_gazetteer_files,
    slugify,
    stored_report,
    write_catalogue,
    writer_for,
)
from ..models import Report
from ..sources import SUPPORTED_SUFFIXES, read_document
from ..structure.sections import canonical_body, parse_report
from ..ingest.workers import Job, LocalRunner, PoolRunner, pool_size

#: Bump when extraction changes what it produces, so that re-ingest re-extracts every file.
EXTRACTOR_VERSION = "2"
METADATA_FILE = "metadata.csv"


@dataclass
class FileOutcome:
    path: str
    status: str  # "added", "updated", "unchanged", "failed", "skipped", "duplicate", "removed"
    report_id: str = ""
    reason: str = ""


@dataclass
class IngestSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # indexed sources no longer on disk

    def of(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> bool:
        return bool(self.of("failed"))

    def counts(self) -> dict[str, int]:
        keys = ["added", "updated", "unchanged", "failed", "skipped", "duplicate", "removed"]
        return {key: len(self.of(key)) for key in keys}


@dataclass
class Override:
    date: str | None = None
    title: str = ""
    body: str = ""

    def key(self) -> str:
        return f"{self.date}|{self.title}|{self.body}"


# --------------------------------------------------------------------------------------------
# Finding files


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """Report files under ``paths`` (files or folders, walked recursively, links not followed
    into loops), and the files passed over with the reason."""
    found: list[Path] = []
    skipped: list[FileOutcome] = []
    seen_dirs: set[Path] = set()

    def visit_file(path: Path) -> None:
        if path.name == METADATA_FILE or path.name.startswith("."):
            return
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append(path)
        else:
            skipped.append(FileOutcome(str(path), "skipped", reason=f"not a report file type ({path.suffix or 'no extension'})"))

    def visit_dir(folder: Path) -> None:
        try:
            real = folder.resolve()
        except (OSError, RuntimeError):
            skipped.append(FileOutcome(str(folder), "skipped", reason="folder could not be resolved (a symlink loop?)"))
            return
        if real in seen_dirs:
            return
        seen_dirs.add(real)
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            skipped.append(FileOutcome(str(folder), "skipped", reason=f"folder could not be read ({exc.strerror})"))
            return
        for entry in entries:
            try:
                if entry.is_dir():
                    if not entry.name.startswith("."):
                        visit_dir(entry)
                elif entry.is_file():
                    visit_file(entry)
                elif entry.is_symlink():
                    skipped.append(FileOutcome(str(entry), "skipped", reason="broken or looping symbolic link"))
            except OSError as exc:
                skipped.append(FileOutcome(str(entry), "skipped", reason=f"could not be read ({exc.strerror})"))

    for path in paths:
        if path.is_dir():
            visit_dir(path)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(path)
            else:
                skipped.append(FileOutcome(str(path), "skipped", reason=f"not a report file type ({path.suffix or 'no extension'})"))
        else:
            raise ReportIndexError(f"{path} does not exist")
    return found, skipped


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


# --------------------------------------------------------------------------------------------
# Extraction of one file


def extract_report(
    path: Path, data: bytes, override: Override | None = None, report_id: str = "", *, ocr: bool = False
) -> Report:
    """The Report model of one file: read, parse, then dates from the file name and overrides.

    With ``ocr``, a PDF with no text layer is read with OCR (see ``ocr.py``)."""
    sha = hashlib.sha256(data).hexdigest()
    raw = read_document(path, ocr=ocr)
    report = parse_report(raw, report_id, sha)
    report.source = str(path)
    if not report.date:
        named = date_from_filename(path.name)
        if named:
            report.date, report.date_source = named.isoformat(), "filename"
    if override:
        if override.date:
            report.date, report.date_source = override.date, "metadata.csv"
        if override.title:
            report.title = override.title
        if override.body:
            report.body = canonical_body(override.body)
    if not report.title:
        report.title = path.stem.replace("_", " ").replace("-", " ").strip()
    if not report.paragraphs:
        raise ExtractionError("no paragraphs of text were found in it")
    return report


def choose_id(report: Report, path: Path, taken: set[str]) -> str:
    """A readable id, unique in the index: the meeting date and title, else the file name."""
    base = slugify(f"{report.date} {report.title}") if report.date and report.title else slugify(path.stem)
    candidate = base
    counter = 2
    while candidate in taken:
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate


# --------------------------------------------------------------------------------------------
# The run


class Annotator:
    """Reads initiative mentions into report models with the gazetteer (curated list plus the
    user's files). spaCy is loaded only when a report actually needs reading."""

    def __init__(self, gazetteer_files: list[Path]):
        from ..initiatives.recognition import gazetteer_fingerprint, load_gazetteer

        self.initiatives = load_gazetteer(*gazetteer_files)
        self.fingerprint = gazetteer_fingerprint(self.initiatives)
        self._recogniser = None

    def load(self) -> None:
        """Build the rules now (spaCy), rather than for the first report that needs them."""
        if self._recogniser is None:
            from ..initiatives.recognition import Recogniser

            self._recogniser = Recogniser(self.initiatives)

    def annotate(self, report: Report) -> None:
        self.load()
        report.mentions, report.discovered = self._recogniser.annotate(report)


def keep_gazetteers(index_dir: Path, files: Iterable[Path]) -> list[Path]:
    """Copy the user's ``--initiatives`` files into the index folder, so later runs and queries
    use them too; return every user gazetteer file the index now has."""
    from ..index.store import GAZETTEER_DIR, user_gazetteer_files
    from ..initiatives.recognition import load_gazetteer

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
    with ingest_lock(index_dir, wait=wait, on_wait=on_wait), _deferrable_interrupts() as hold_interrupts, fewer_collections():
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
                sha = _sha256_of(path)
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
            if source in seen_sources or not _under_any(Path(source), roots):
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


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_again(writer, ix, previous, fingerprint: str, annotator: Annotator, path: Path) -> FileOutcome:
    """An unchanged file: nothing to do, unless the initiative list changed since it was indexed;
    then its mentions are read again from the stored report, with no extraction."""
    if previous.annotation == annotator.fingerprint:
        return FileOutcome(str(path), "unchanged", previous.report_id)
    with ix.searcher() as searcher:
        report = stored_report(searcher, previous.report_id)
    try:
        annotator.annotate(report)
    except Exception as exc:  # keep the report as it was indexed
        return FileOutcome(str(path), "failed", reason=f"initiatives could not be read: {type(exc).__name__}: {exc}")
    writer.delete_by_term("report_id", previous.report_id)
    write_report(writer, report, fingerprint, annotator.fingerprint)
    return FileOutcome(str(path), "updated", report.id, reason="initiatives read again with the new list")


def extract_and_annotate(
    path: Path, sha: str, override: Override | None, annotator: Annotator, *, ocr: bool
) -> tuple[Report | None, str]:
    """One file's report with its initiative mentions, or None and the reason it failed."""
    report, reason = extract(path, sha, override, ocr=ocr)
    if report is not None:
        reason = annotate(report, annotator)
    return (report, "") if not reason else (None, reason)


def extract(path: Path, sha: str, override: Override | None, *, ocr: bool) -> tuple[Report | None, str]:
    """One file's report (no initiative mentions yet), or None and the reason it failed."""
    try:
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            return None, "the file changed while it was being ingested; run the ingest again"
        return extract_report(path, data, override, ocr=ocr), ""
    except OSError as exc:
        return None, f"could not be read ({exc.strerror})"
    except ExtractionError as exc:
        return None, str(exc)
    except Exception as exc:  # an extractor bug must not cost the rest of the corpus
        return None, f"unexpected extraction error: {type(exc).__name__}: {exc}"


def annotate(report: Report, annotator: Annotator) -> str:
    """Read a report's initiative mentions into it; the reason it failed, or ""."""
    try:
        annotator.annotate(report)
    except Exception as exc:  # a recogniser bug must not cost the rest of the corpus
        return f"unexpected extraction error: {type(exc).__name__}: {exc}"
    return ""


def write_report(writer, report: Report, fingerprint: str, annotation: str) -> None:
    """Add a report's documents (itself and its passages) to an index writer."""
    for document in report_documents(report, fingerprint, annotation):
        writer.add_document(**document)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Let Python's cycle collector run far less often for the block.

    Reading and indexing make millions of short-lived containers (words, tokens, postings) and
    almost no reference cycles, while the loaded libraries (spaCy, Whoosh, pdfminer) are hundreds
    of thousands of long-lived objects that every full collection walks again: at the default
    thresholds collection took about a tenth of an ingest. The objects alive on entry are
    frozen (left out of collections) and young objects are collected every 50,000 allocations
    rather than 700; both are put back on exit.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@contextmanager
def _deferrable_interrupts() -> Iterator[Callable[[], None]]:
    """A ``hold()`` that makes Ctrl-C do nothing from the moment it is called to the end of the block.

    A run is interrupted cleanly up to its commit, which is one atomic step (Whoosh renames a new
    table of contents into place). A KeyboardInterrupt raised during or after that step would be
    reported as "nothing was committed" when everything was, or would stop a reindex between its
    two renames. So from there on Ctrl-C is ignored, and the run finishes in a moment anyway.
    """
    held: list = []

    def hold() -> None:
        if not held and threading.current_thread() is threading.main_thread():
            held.append(signal.signal(signal.SIGINT, lambda _signum, _frame: None))

    try:
        yield hold
    finally:
        if held:
            signal.signal(signal.SIGINT, held[0])


def _under_any(path: Path, roots: list[Path]) -> bool:
    for root in roots:
        try:
            resolved = root.resolve()
        except OSError:
            continue
        if path == resolved or resolved in path.parents:
            return True
    return False


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
        with _deferrable_interrupts() as hold_interrupts:
            hold_interrupts()  # never stop between the two renames
            index_dir.rename(retired)
            building.rename(index_dir)
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return summary


__all__ = [
    "FileOutcome",
    "IngestSummary",
    "discover",
    "extract_report",
    "ingest",
    "load_reports",
    "reindex",
]
