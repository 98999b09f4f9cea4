"""Reading and indexing the changed files of an ingest, in this process or on every core.

An ingest hands the files it has to read to a runner, takes the results back in file order
(so report ids and outcomes are the same however many processes read them), chooses each
report's id, and tells the runner to index it:

- ``LocalRunner`` reads each file in the ingesting process and adds its passages to the run's
  own index writer. Small runs use it: loading for workers costs about half a second.
- ``PoolRunner`` runs worker processes. Each reads files (PDF layout, structure, initiatives),
  keeps the reports until the ingest has named them, and writes their passages into a segment
  of its own (``index.segment_writer``). The ingest commits those segments with its own
  changes in one step (``index.commit_with_segments``), so a run still lands whole or not at
  all. How workers start:
  - On Linux, when the ingest runs no other threads, the ingest loads the initiative rules
    (spaCy) and the PDF reader once and forks the workers from itself: they share what was
    loaded and start at once. While it loads (the one stretch no worker can run), a process
    forked beforehand reads the first files (no rules needed); the workers then only read
    those reports' initiatives.
  - Elsewhere each worker is a fresh interpreter, which inherits no open files but its end of
    a socket pair, never re-runs the caller's script, and loads everything itself (about a
    second, while the ingest is still looking at the files).

Workers die with the ingest (a SIGKILL of the ingest included) and ignore Ctrl-C, which the
ingest handles. If a worker crashes (a PDF that crashes pdfium, say), the files it was reading
are read again, each alone in a fresh worker; a file that crashes that worker too fails with
that reason, and the reports the dead worker had already indexed are read again elsewhere.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import ReportIndexError
from ..index.documents import IndexedFile
from ..models import Report
from ..sources.metadata import Override
from ..text.fingerprint import TextPrint, report_print
from .limits import FileLimits, bound_memory

#: Fewer files to read than this, and they are read in the ingesting process.
POOL_MIN_FILES = 8
#: Files handed to a worker before it reports back: one being read, one waiting.
DEPTH = 2


@dataclass
class Job:
    """One file an ingest has to read."""

    path: Path
    source: str  # resolved path, as the index records it
    sha: str
    fingerprint: str
    override: Override | None = None  # its row of metadata.csv
    previous: IndexedFile | None = None  # what the index holds of an earlier version, if any
    report_id: str = ""  # chosen by the ingest once the file is read
    crashes: int = 0  # workers that died while reading it
    report: Report | None = None  # read already (no initiatives yet): a worker only reads its initiatives


@dataclass
class Extracted:
    """What reading a file gave: the report's title and date (for its id) and its text
    fingerprint (to find a copy in other bytes), or why it failed."""

    job: Job
    title: str = ""
    date: str | None = None
    reason: str = ""
    text_print: TextPrint | None = None
    note: str = ""  # how it was read, when the user may want to know ("read as Windows-1252 text")

    @property
    def ok(self) -> bool:
        return not self.reason


def pool_size(found: int, more: int, requested: int | None) -> int:
    """How many worker processes to start, once ``found`` files to read are known and ``more``
    files are still to be looked at; 0: none (yet). ``requested`` (``--jobs``): that many, from
    the first file; otherwise one a core, once there are enough files to repay starting them
    (a fresh worker takes about a second to start). The pool starts while the ingest goes on
    looking at the remaining files, so the workers' start-up overlaps it. Where workers are
    forked (``can_fork``) even one worker pays: it costs no start-up, and the time and memory
    limits (``limits.py``) and a crash of the PDF library then end the worker, not the ingest."""
    if os.name != "posix":  # workers are started with inherited descriptors (pass_fds): POSIX only
        return 0
    if requested:
        size = min(requested, found + more)
    elif found >= POOL_MIN_FILES:
        size = min(_cores(), found + more)
    else:
        size = 0
    return size if size > 1 or (size == 1 and can_fork()) else 0


def pool_for(found: int) -> int:
    """How many forked workers to read a run's ``found`` files (fewer than ``POOL_MIN_FILES``)
    with, once all are known; 0 where workers cannot be forked (they are read in this process)."""
    return min(_cores(), found) if found and can_fork() else 0


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class LocalRunner:
    """Reads files in this process; their passages go to the ingest's own writer. Only where
    workers cannot be forked, for a run with few files: the limits of ``limits.py`` do not
    apply (nothing can end this process's reading but the user)."""

    def __init__(self, writer, annotator, *, ocr: bool, annotation: str):
        self._writer = writer
        self._annotator = annotator
        self._ocr = ocr
        self._annotation = annotation
        self._pending: dict[int, Any] = {}

    def results(self, jobs: list[Job]) -> Iterator[Extracted]:
        from ..pipeline import extract_and_annotate, reading_note

        for job in jobs:
            report, reason = extract_and_annotate(job.path, job.sha, job.override, self._annotator, ocr=self._ocr)
            if report is None:
                yield Extracted(job, reason=reason)
                continue
            text_print = report_print(report)
            self._pending[id(job)] = (report, text_print)
            yield Extracted(job, title=report.title, date=report.date, text_print=text_print, note=reading_note(report))

    def index(self, job: Job) -> None:
        from .commit import write_report

        report, text_print = self._pending.pop(id(job))
        report = replace(report, id=job.report_id, source=job.source)
        write_report(self._writer, report, job.fingerprint, self._annotation, text_print)

    def drop(self, job: Job) -> None:
        """A report read but not to be indexed (a copy of another)."""
        self._pending.pop(id(job), None)

    def finish(self) -> list:
        return []

    def checkpoint(self) -> list | None:
        """Nothing of the workers' to commit (there are none): the ingest's writer has it all."""
        return []

    def use_writer(self, writer) -> None:
        """The ingest's writer after a batch commit: the next reports go to it."""
        self._writer = writer

    def close(self) -> None:
        self._pending.clear()


# --------------------------------------------------------------------------------------------
# Worker processes


@dataclass
class _Worker:
    process: Any
    conn: Any
    reading: dict[int, Job] = field(default_factory=dict)  # sent, not yet answered
    held: dict[int, Job] = field(default_factory=dict)  # read, waiting for their ids
    indexed: list[Job] = field(default_factory=list)  # in the worker's segment (lost if it dies)
    solo: bool = False  # reading a file that crashed a worker before: nothing else meanwhile
    since: float = 0.0  # when it began the file it is reading (the first of ``reading``)


class PoolRunner:
    """Reads and indexes files in ``count`` worker processes."""

    def __init__(
        self,
        count: int,
        index_dir: Path,
        gazetteer_files: list[Path],
        *,
        ocr: bool,
        annotation: str,
        annotator: Any = None,
        limits: FileLimits | None = None,
    ):
        self._args = (index_dir, list(gazetteer_files), ocr)
        self._limits = limits if limits is not None else FileLimits.default(ocr=ocr)
        self._annotation = annotation
        # forked workers share the ingest's annotator (``ingest.Annotator``), loaded in ``results``
        forking = annotator is not None and can_fork()
        self._annotator = annotator if forking else None
        self._workers: list[_Worker] = []
        self._owner: dict[int, _Worker] = {}
        self._queue: deque[Job] = deque()
        self._ready: dict[int, Extracted] = {}
        self._deaths = 0
        self._deaths_seen = 0  # deaths already known at the last checkpoint
        self._crashes = 0  # deaths not of the ingest's doing (a worker over the time limit is ended)
        self._flushed: list = []  # segments written out at a checkpoint, not yet committed
        self._count = count
        if not forking:  # fresh interpreters start now, while the ingest looks at the other files
            for _ in range(count):
                self._spawn()

    # ---- the ingest's side

    def results(self, jobs: list[Job]) -> Iterator[Extracted]:
        if self._annotator is not None and not self._workers:
            self._read_while_loading(jobs)
            for _ in range(self._count):
                self._spawn()
        self._queue.extend(job for job in jobs if id(job) not in self._ready)
        for job in jobs:
            while id(job) not in self._ready:
                self._dispatch()
                self._receive()
            yield self._ready.pop(id(job))

    def index(self, job: Job) -> None:
        worker = self._owner.pop(id(job))
        worker.held.pop(id(job))
        worker.indexed.append(job)
        self._send(worker, ("index", id(job), job.report_id, job.source, job.fingerprint, self._annotation))

    def drop(self, job: Job) -> None:
        """A report read but not to be indexed (a copy of another): its worker forgets it."""
        worker = self._owner.pop(id(job))
        worker.held.pop(id(job))
        self._send(worker, ("drop", id(job)))

    def use_writer(self, writer) -> None:
        """The ingest's own writer, which the workers never see."""

    def checkpoint(self) -> list | None:
        """Each worker's segment so far, written out, for a batch commit (the workers start new
        ones for what they index next); None if a worker died meanwhile (its reports are read
        again, and the batch waits for them)."""
        for worker in list(self._workers):
            if not worker.indexed:
                continue
            self._send(worker, ("flush",))
            while worker in self._workers:
                message = self._reply(worker)
                if message is None:
                    break
                if message[0] == "segment":
                    # written out: kept here until committed (by this checkpoint, a later one, or finish)
                    self._flushed.extend(s for s in [message[1]] if s is not None)
                    worker.indexed.clear()
                    break
                self._file(worker, message)  # an answer to a read sent before the flush
        if self._deaths_seen != self._deaths:
            self._deaths_seen = self._deaths
            return None
        segments, self._flushed = self._flushed, []
        return segments

    def finish(self) -> list:
        """Every worker's segment, once each has written it out."""
        segments, self._flushed = self._flushed, []
        while True:
            while self._queue or any(w.reading for w in self._workers):  # files read again after a crash
                self._dispatch()
                self._receive()
            finishing = list(self._workers)
            for worker in finishing:
                self._send(worker, ("finish",))
            for worker in finishing:
                if worker not in self._workers:  # died on the way
                    continue
                message = self._reply(worker)
                if message is None:
                    continue
                segments.extend(s for s in [message[1]] if s is not None)
                worker.indexed.clear()
                self._workers.remove(worker)
                _stop(worker.process, worker.conn)
            if not self._queue:  # else a worker died finishing: its files are read again
                return segments

    def close(self) -> None:
        for worker in self._workers:
            _stop(worker.process, worker.conn, kill=True)
        self._workers.clear()

    def _read_while_loading(self, jobs: list[Job]) -> None:
        """Load the initiative rules and the PDF reader for the workers to share (about half a
        second), while a process forked beforehand reads the first files.

        That process reads files in order until told to stop, then hands over the reports it
        made (without initiatives: it has no rules); the workers then only read their
        initiatives. If it dies, its files are read by the workers like the rest."""
        process, conn = fork_worker(self._args[0], None, self._args[2], self._limits.memory_mb)
        read: list[tuple] = []
        try:
            conn.send(("read", [(id(job), str(job.path), job.sha, job.override) for job in jobs]))
            _load_for_workers(self._annotator)
            conn.send(("stop",))
            since = loaded = time.monotonic()  # the file being read began then at the latest
            while True:
                if not conn.poll(self._time_left(since)):  # over the time limit: this file fails
                    job = jobs[len(read)]
                    self._ready[id(job)] = Extracted(job, reason=self._limits.timeout_reason())
                    break
                message = conn.recv()
                if message[0] == "stopped":
                    break
                _, key, report, reason, finished = message
                read.append((report, reason))
                since = max(finished, loaded)
        except (EOFError, OSError):  # it died: its unread files are read by the workers
            pass
        finally:
            _stop(process, conn, kill=True)
        for (report, reason), job in zip(read, jobs):
            if report is None:
                self._ready[id(job)] = Extracted(job, reason=reason)
            else:
                job.report = report

    def _time_left(self, since: float) -> float | None:
        """Seconds left to the file begun at ``since`` (None: no limit)."""
        if not self._limits.seconds:
            return None
        return max(0.0, since + self._limits.seconds - time.monotonic())

    # ---- plumbing

    def _spawn(self) -> None:
        if self._annotator is not None and can_fork():
            index_dir, _, ocr = self._args
            self._workers.append(_Worker(*fork_worker(index_dir, self._annotator, ocr, self._limits.memory_mb)))
        else:
            self._workers.append(_Worker(*start_worker(*self._args, memory_mb=self._limits.memory_mb)))

    def _dispatch(self) -> None:
        for worker in list(self._workers):
            while self._queue and not worker.solo and len(worker.reading) < DEPTH:
                job = self._queue[0]
                if job.crashes:
                    if worker.reading:
                        break
                    worker.solo = True
                self._queue.popleft()
                if not worker.reading:
                    worker.since = time.monotonic()
                worker.reading[id(job)] = job
                if job.report is not None:  # read while the rules loaded
                    self._send(worker, ("annotate", id(job), job.report))
                    job.report = None  # if the worker dies, the file is read again
                else:
                    self._send(worker, ("extract", id(job), str(job.path), job.sha, job.override))

    def _send(self, worker: _Worker, message: tuple) -> None:
        try:
            worker.conn.send(message)
        except OSError:  # the worker is gone; what it had is read again
            self._died(worker)

    def _reply(self, worker: _Worker) -> tuple | None:
        try:
            while not worker.conn.poll(self._time_left(worker.since) if worker.reading else None):
                self._died(worker, overdue=True)
                return None
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._died(worker)
            return None
        if message[0] == "error":
            _, text, code = message
            if code is not None:  # the index could not be written (a full disk, say): as in this process
                raise OSError(code, os.strerror(code), text)
            raise ReportIndexError(text)
        return message

    def _receive(self) -> None:
        """Wait for a worker's answer (or death) and file it; end a worker that has spent longer
        than the time limit on one file."""
        by_handle = {w.conn: w for w in self._workers}  # a worker that dies closes its end: EOF
        busy = [w for w in self._workers if w.reading]
        left = [t for t in (self._time_left(w.since) for w in busy) if t is not None]
        ready = wait(list(by_handle), min(left) if left else None)
        if not ready:
            for worker in busy:
                if self._time_left(worker.since) == 0:
                    self._died(worker, overdue=True)
            return
        for handle in ready:
            worker = by_handle[handle]
            if worker in self._workers:
                message = self._reply(worker)
                if message is not None:
                    self._file(worker, message)

    def _file(self, worker: _Worker, message: tuple) -> None:
        kind, key = message[0], message[1]
        job = worker.reading.pop(key)
        worker.solo = False
        worker.since = time.monotonic()  # the next file it holds begins now
        if kind == "failed":
            if job.report_id:
                raise ReportIndexError(f"{job.path} could not be read again after a worker crashed: {message[2]}")
            self._ready[key] = Extracted(job, reason=message[2])
            return
        if job.report_id:  # read again after the worker that indexed it died: index it as before
            worker.held[key] = job
            self._owner[key] = worker
            self.index(job)
            return
        worker.held[key] = job
        self._owner[key] = worker
        self._ready[key] = Extracted(job, title=message[2], date=message[3], text_print=TextPrint.loads(message[4]), note=message[5])

    def _died(self, worker: _Worker, overdue: bool = False) -> None:
        """A worker is gone (or, ``overdue``, is ended for spending too long on the file it is
        reading, which fails): what it held is read again by a fresh one."""
        if worker not in self._workers:
            return
        self._workers.remove(worker)
        late = next(iter(worker.reading), None) if overdue else None
        if overdue:
            worker.process.kill()
        code = _stop(worker.process, worker.conn, kill=True)
        self._deaths += 1  # its segment is lost: a batch waits for its reports (``checkpoint``)
        if late is None:
            self._crashes += 1
        if self._crashes > 2 * self._count + 4:
            raise ReportIndexError("ingest worker processes keep dying; run again with --jobs 1 to read files one by one")
        for key, job in worker.held.items():  # read, not yet handed over: read again
            self._ready.pop(key, None)
            self._owner.pop(key, None)
            self._queue.appendleft(job)
        for job in worker.indexed:  # its segment is lost: read and index again
            self._queue.appendleft(job)
        for key, job in worker.reading.items():
            if late is not None:
                if key != late:  # waiting behind the file that took too long
                    self._queue.appendleft(job)
                elif job.report_id:
                    raise ReportIndexError(f"{job.path} took too long to read when read again")
                else:
                    self._ready[key] = Extracted(job, reason=self._limits.timeout_reason())
                continue
            job.crashes += 1
            if job.crashes < 2:
                self._queue.appendleft(job)
            elif job.report_id:
                raise ReportIndexError(f"{job.path} crashed a worker process when read again")
            else:
                how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                self._ready[key] = Extracted(job, reason=f"reading it crashed the reader process ({how})")
        self._spawn()


def can_fork() -> bool:
    """Whether workers can be forked from the ingest: on Linux, when no other Python thread runs
    (a fork copies only the calling thread, and whatever locks the others held)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _load_for_workers(annotator: Any) -> None:
    """Load in the ingest what every forked worker needs: the initiative rules and the PDF reader."""
    from ..sources import pdfium_reader as pdf

    annotator.load()
    pdf.warm_up()


def fork_worker(
    index_dir: Path, annotator: Any, ocr: bool, memory_mb: int | None = None
) -> tuple[_Forked, Connection]:
    """A worker forked from this process, with the annotator it has loaded, and the connection
    to it (a socket pair). Like a fresh worker it dies with the ingest and ignores Ctrl-C; it
    leaves through ``os._exit``, so nothing of the ingest's (files, locks, exit handlers) is
    closed or run by it. It may take ``memory_mb`` more than it starts with (``limits.py``)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=_forked, args=(theirs, ours, str(index_dir), annotator, ocr, memory_mb),
        name="report-index worker", daemon=True,
    )
    process.start()
    theirs.close()
    return _Forked(process), ours


class _Forked:
    """A forked worker, with what the runner uses of ``subprocess.Popen``."""

    def __init__(self, process: Any):
        self._process = process
        self.pid = process.pid

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired("report-index worker", timeout or 0)
        return self._process.exitcode

    def kill(self) -> None:
        self._process.kill()


def _forked(
    conn: Connection, parent_end: Connection, index_dir: str, annotator: Any, ocr: bool, memory_mb: int | None
) -> None:
    parent_end.close()  # the ingest's end: the worker's copy would keep the socket open
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the ingest's handler, which it inherits
    bound_memory(memory_mb)
    from .commit import fewer_collections

    with fewer_collections():
        _answer(conn, index_dir, annotator, ocr)


def start_worker(
    index_dir: Path, gazetteer_files: list[Path], ocr: bool, reads: bool = True, memory_mb: int | None = None
) -> tuple[subprocess.Popen, Connection]:
    """A worker process (a fresh interpreter running this module's ``main``, with the same
    ``report_index`` package as this process) and the connection to it (a socket pair). A
    worker that ``reads`` files loads the initiative rules (spaCy) as soon as it starts, and
    may then take ``memory_mb`` more (``limits.py``)."""
    ours, theirs = socket.socketpair()
    root = str(Path(__file__).resolve().parents[2])
    code = f"import sys; sys.path.insert(0, {root!r}); from report_index.ingest.workers import main; main()"
    flags = ",".join(["ocr"] * ocr + ["reads"] * reads + [f"memory={memory_mb}"] * bool(memory_mb))
    argv = [sys.executable, "-c", code, str(theirs.fileno()), str(index_dir), flags, *map(str, gazetteer_files)]
    try:
        process = subprocess.Popen(argv, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
    finally:
        theirs.close()
    return process, Connection(ours.detach())


def _stop(process: subprocess.Popen | _Forked, conn: Connection, kill: bool = False) -> int | None:
    """Close the connection to a worker and wait for it; its exit code."""
    conn.close()
    try:
        return process.wait(timeout=0.5 if kill else 10)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def main() -> None:
    """A worker process's entry point: ``FD INDEX_DIR FLAGS [GAZETTEER ...]``."""
    fd, index_dir, flags, *gazetteer_files = sys.argv[1:]
    flags = dict(flag.partition("=")[::2] for flag in flags.split(",") if flag)
    memory_mb = int(flags["memory"]) if flags.get("memory") else None
    _serve(Connection(int(fd)), index_dir, gazetteer_files, "ocr" in flags, "reads" in flags, memory_mb)


def _serve(
    conn, index_dir: str, gazetteer_files: list[str], ocr: bool, reads: bool = True, memory_mb: int | None = None
) -> None:
    """A worker process: read files and index reports as the ingest says, then hand over the segment."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the ingest's to handle
    from ..pipeline import Annotator
    from .commit import fewer_collections

    annotator = Annotator([Path(f) for f in gazetteer_files])
    if reads:  # while the ingest is still looking at files: ready when the first one comes
        annotator.load()
    bound_memory(memory_mb)
    with fewer_collections():
        _answer(conn, index_dir, annotator, ocr)


def _answer(conn, index_dir: str, annotator, ocr: bool) -> None:
    """Read files and index reports as the ingest says, until it says finish (or is gone)."""
    from ..index.store import finish_segment, segment_writer
    from ..pipeline import annotate, extract, extract_and_annotate, reading_note
    from .commit import write_report

    writer = None
    pending: dict[int, Any] = {}
    try:
        while True:
            message = conn.recv()
            kind = message[0]
            if kind == "read":  # files in order, until "stop": each report goes back when read
                for key, path, sha, override in message[1]:
                    if conn.poll():
                        break
                    conn.send(("read", key, *extract(Path(path), sha, override, ocr=ocr), time.monotonic()))
                conn.recv()
                conn.send(("stopped",))
                return
            elif kind in ("extract", "annotate"):
                key = message[1]
                if kind == "extract":
                    report, reason = extract_and_annotate(Path(message[2]), message[3], message[4], annotator, ocr=ocr)
                else:
                    report, reason = annotate(message[2], annotator)
                if report is None:
                    conn.send(("failed", key, reason))
                else:
                    text_print = report_print(report)
                    pending[key] = (report, text_print)
                    conn.send(("extracted", key, report.title, report.date, text_print.dumps(), reading_note(report)))
            elif kind == "drop":
                pending.pop(message[1], None)
            elif kind == "index":
                _, key, report_id, source, fingerprint, annotation = message
                report, text_print = pending.pop(key)
                report = replace(report, id=report_id, source=source)
                if writer is None:
                    writer = segment_writer(Path(index_dir))
                try:
                    write_report(writer, report, fingerprint, annotation, text_print)
                except Exception as exc:
                    conn.send(("error", f"indexing {source} failed: {type(exc).__name__}: {exc}", _errno(exc)))
                    return
            elif kind == "add":  # documents made elsewhere (index_documents)
                if writer is None:
                    writer = segment_writer(Path(index_dir))
                for document in message[1]:
                    writer.add_document(**document)
            elif kind in ("flush", "finish"):  # the segment so far (a batch commit: then a new one)
                try:
                    segment = finish_segment(writer) if writer is not None else None
                except OSError as exc:
                    conn.send(("error", f"writing the index failed: {exc}", exc.errno))
                    return
                conn.send(("segment", segment))
                writer = None
                if kind == "finish":
                    return
    except (EOFError, OSError):  # the ingest is gone: its segment is never committed
        return


def _errno(exc: BaseException) -> int | None:
    """The errno of an OSError, the ingest's to explain (``run._cannot_write``); None otherwise."""
    return exc.errno if isinstance(exc, OSError) else None


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the ingest that started it dies (SIGKILL included);
    elsewhere the closed pipe ends the worker at its next message."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the ingest died before the request took hold
            os._exit(1)
    except (OSError, AttributeError):
        pass


def index_documents(index_dir: Path, documents: Iterable[dict], processes: int, batch: int = 200) -> None:
    """Add ready-made documents to the index at ``index_dir`` with the ingest's writers: in
    ``processes`` worker processes, each writing a segment, committed in one step. The index
    writer measured on its own (``scripts/bench.py``), against Whoosh's default writer."""
    from ..index.store import commit_with_segments, open_index, writer_for

    workers = [start_worker(index_dir, [], False, reads=False) for _ in range(processes)]
    writer = writer_for(open_index(index_dir), index_dir)
    try:
        chunk: list[dict] = []
        turn = 0
        for document in documents:
            chunk.append(document)
            if len(chunk) == batch:
                workers[turn % processes][1].send(("add", chunk))
                chunk, turn = [], turn + 1
        if chunk:
            workers[turn % processes][1].send(("add", chunk))
        segments = []
        for _, conn in workers:
            conn.send(("finish",))
        for process, conn in workers:
            kind, segment, *_ = conn.recv()
            if kind == "error":
                raise ReportIndexError(segment)
            if segment is not None:
                segments.append(segment)
        commit_with_segments(writer, segments)
    except BaseException:
        from ..index.store import discard_writer

        discard_writer(writer)
        raise
    finally:
        for process, conn in workers:
            _stop(process, conn, kill=True)
