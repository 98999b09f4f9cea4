"""Ingest survives crashes, Ctrl-C, a second ingest and searches running beside it, a very long
PDF, and scans (with ``--ocr``).

The crash and concurrency tests run the real command, ``python -m report_index ingest``, in a
subprocess and kill or interrupt it part-way. They watch its progress bar (stderr on a
pseudo-terminal) to know how far it has gone, so that the kill lands among the files, not in
start-up. Whatever happens, the index must stay consistent: every report in it is there with
all its passages, or not at all.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from . import badfiles
from .badfiles import BATCH_WORD, GOOD_TXT_WORD, IMAGE_ONLY_TEXT
from .processes import assert_gone, children_of, ctrl_c

from report_index.sources import ocr as ocr_module
from report_index.cli import main
from report_index.errors import IndexBusyError
from report_index.index.files import LOCK_FILE
from report_index.index.lock import ingest_lock
from report_index.index.store import load_reports, open_index
from report_index.ingest.run import ingest, reindex
from report_index.search.run import search

BATCH = 40  # reports in the folder an ingest is killed in
BATCH_PAGES = 8  # pages per batch report: three passages a page
PEAK_RSS_LIMIT_MB = 500
LONG_PDF_SECONDS_LIMIT = 120


# --------------------------------------------------------------------------------------------
# Running the command


def command(index_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "report_index", "--index", str(index_dir), *args]


def _env(paced: Pace | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "REPORT_INDEX_DIR"}
    env["PYTHONUNBUFFERED"] = "1"
    if paced is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(paced.folder), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


@dataclass
class Pace:
    """A sitecustomize (in ``folder``) that makes reading each file take ``seconds`` more, so
    that an ingest of the batch lasts a few seconds however fast the machine: long enough for a
    second process to meet it while it runs. It wraps ``report_index.pipeline.extract``, which
    every file an ingest reads goes through, in the ingest and in its workers; each paced call
    is recorded (the file's name, a line in ``calls``), so that ``assert_paced`` can tell that
    the pacing took effect and the test did not merely race."""

    folder: Path
    seconds: float

    @property
    def calls(self) -> Path:
        return self.folder / "calls.txt"

    def paced_files(self) -> list[str]:
        """The names of the files whose reading was paced, once a call."""
        return self.calls.read_text(encoding="utf-8").splitlines() if self.calls.exists() else []

    def assert_paced(self, folder: Path) -> None:
        """Every file in ``folder`` was read through the paced ``extract``."""
        paced_files = self.paced_files()
        assert paced_files, (
            "the pacing did not take effect: nothing went through the sitecustomize's wrapper of "
            "report_index.pipeline.extract (was it moved or renamed?)"
        )
        assert set(paced_files) >= {p.name for p in folder.iterdir()}, sorted(set(paced_files))


def paced(folder: Path, seconds: float = 0.1) -> Pace:
    pace = Pace(folder, seconds)
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(
        textwrap.dedent(
            f"""
            import time
            import report_index.pipeline as pipeline

            real = pipeline.extract

            def extract(path, *args, **kwargs):
                time.sleep({seconds!r})
                with open({str(pace.calls)!r}, "a", encoding="utf-8") as calls:
                    calls.write(path.name + "\\n")
                return real(path, *args, **kwargs)

            pipeline.extract = extract
            """
        ),
        encoding="utf-8",
    )
    return pace


@pytest.fixture(autouse=True)
def sigint_not_ignored(sigint_handled):
    """These tests send SIGINT themselves (to this process, and to commands it starts, which
    would inherit an ignored SIGINT and install no KeyboardInterrupt handler): give it its usual
    meaning (a handled signal is reset to the default in a child)."""


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """A test that fails half-way must not leave its ingest running."""
    yield
    while _STARTED:
        process = _STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.wait(10)


def start(argv: list[str], cwd: Path, pace: Pace | None = None, **kwargs) -> subprocess.Popen:
    process = subprocess.Popen(argv, cwd=cwd, env=_env(pace), stdin=subprocess.DEVNULL, **kwargs)
    _STARTED.append(process)
    return process


class Running:
    """An ingest in a subprocess, its stderr on a pseudo-terminal (so it draws its progress
    bar, as for a person at a terminal), collected by a thread."""

    def __init__(self, argv: list[str], cwd: Path, pace: Pace | None = None):
        master, slave = pty.openpty()
        self.started = time.monotonic()
        self.process = start(argv, cwd, pace, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        self._master = master
        self._chunks: list[bytes] = []
        self.children: set[int] = set()  # every child process seen while waiting
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            self._chunks.append(chunk)
        os.close(self._master)

    @property
    def stderr(self) -> str:
        return b"".join(self._chunks).decode("utf-8", "replace")

    def progress(self) -> int:
        """The file the progress bar last showed under way (1-based), 0 before the first."""
        positions = re.findall(r"(\d+)/(\d+)", self.stderr)
        return int(positions[-1][0]) if positions else 0

    def wait_for_file(self, number: int, timeout: float = 60.0) -> float:
        """Wait until file ``number`` is under way (so ``number - 1`` files are read); seconds taken."""
        deadline = time.monotonic() + timeout
        while self.progress() < number:
            self.children.update(children_of(self.process.pid))
            assert self.process.poll() is None, f"the ingest ended first:\n{self.stderr}"
            assert time.monotonic() < deadline, f"no progress to file {number}:\n{self.stderr}"
            time.sleep(0.005)
        return time.monotonic() - self.started

    def finish(self, timeout: float = 120.0) -> tuple[int, str, str]:
        stdout, _ = self.process.communicate(timeout=timeout)
        self._reader.join(10)
        return self.process.returncode, stdout.decode("utf-8", "replace"), self.stderr


def run(argv: list[str], cwd: Path, timeout: float = 180.0) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout)


# --------------------------------------------------------------------------------------------
# The state of an index


def index_state(index_dir: Path) -> dict[str, int]:
    """Every report in the index with its number of passages, after checking that each report
    is whole: its passages are all there (as many as its stored model has), none is orphaned,
    no id is doubled."""
    ix = open_index(index_dir)
    models: dict[str, int] = {}
    passages: Counter[str] = Counter()
    ids: list[str] = []
    with ix.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            ids.append(fields["doc_id"])
            if fields["kind"] == "report":
                models[fields["report_id"]] = len(json.loads(fields["model"])["paragraphs"])
            else:
                passages[fields["report_id"]] += 1
    assert len(ids) == len(set(ids)), "a document id appears twice"
    assert set(passages) <= set(models), f"passages without their report: {set(passages) - set(models)}"
    for report_id, count in models.items():
        assert passages[report_id] == count, f"{report_id}: {passages[report_id]} of {count} passages"
    return models


def assert_lock_free(path: Path) -> None:
    """The lock file may be left behind, but nobody holds it."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError when held
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@pytest.fixture(scope="module")
def batch_folder(tmp_path_factory) -> Path:
    """Forty distinct generated reports: long enough to kill an ingest among them."""
    folder = tmp_path_factory.mktemp("batch") / "council downloads"
    folder.mkdir()
    for number in range(1, BATCH + 1):
        badfiles.generated_report_pdf(folder, number, pages=BATCH_PAGES)
    return folder


@pytest.fixture
def old_index(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """An index that already holds two reports, and its state."""
    good = tmp_path / "good"
    good.mkdir()
    badfiles.good_txt(good)
    badfiles.good_pdf(good)
    index_dir = tmp_path / "index"
    assert ingest([good], index_dir).counts()["added"] == 2
    return index_dir, index_state(index_dir)


def batch_total() -> int:
    return BATCH * BATCH_PAGES * 3


# --------------------------------------------------------------------------------------------
# SIGKILL


@pytest.mark.slow
@pytest.mark.parametrize("when", ["early", "late"])
def test_sigkill_leaves_a_consistent_index_and_a_rerun_completes(
    tmp_path: Path, old_index, batch_folder: Path, when: str, record_property
) -> None:
    index_dir, before = old_index
    running = Running(command(index_dir, "ingest", str(batch_folder)), tmp_path)
    # "early": five reports read, the sixth under way; "late": the last one under way, the
    # commit close. Either way the kill comes without warning.
    seconds = running.wait_for_file(6 if when == "early" else BATCH)
    workers = running.children | set(children_of(running.process.pid))
    running.process.send_signal(signal.SIGKILL)
    code, _, _ = running.finish()
    assert code == -signal.SIGKILL
    if len(os.sched_getaffinity(0)) > 1:
        assert workers, "forty files on several cores: the ingest was expected to start worker processes"
    workers = sorted(workers)
    assert_gone(workers)  # they die with the ingest and hold nothing

    after = index_state(index_dir)  # every report in it whole, with all its passages
    batch_ids = set(after) - set(before)
    # What the run had committed (a batch every 5 seconds of work), each report whole; the
    # reports from before untouched.
    assert {k: after[k] for k in before} == before
    found = search(index_dir, BATCH_WORD).total
    assert found == len(batch_ids) * BATCH_PAGES * 3
    assert [h.report_id for h in search(index_dir, GOOD_TXT_WORD).hits] != []
    # The locks died with the process: their files may be left, but they are free.
    assert_lock_free(index_dir / LOCK_FILE)
    if (index_dir / "reports_WRITELOCK").exists():
        assert_lock_free(index_dir / "reports_WRITELOCK")
    searched = run(command(index_dir, "search", BATCH_WORD, "--json"), tmp_path)
    assert searched.returncode == 0, searched.stderr
    assert json.loads(searched.stdout)["total"] == found

    rerun = run(command(index_dir, "ingest", str(batch_folder)), tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert "Traceback" not in rerun.stderr
    remainder = BATCH - len(batch_ids)
    assert f"{remainder} added, 0 updated, {BATCH - remainder} unchanged, 0 failed." in rerun.stdout
    if 0 < len(batch_ids) < BATCH:
        assert f"Resuming an ingest that was cut short: {len(batch_ids)} of its files were committed" in rerun.stderr
    final = index_state(index_dir)
    assert len(final) == len(before) + BATCH
    assert search(index_dir, BATCH_WORD).total == batch_total()
    assert search(index_dir, "batchword17").total == BATCH_PAGES * 3
    assert not (index_dir / "reports.tmp").exists()  # Whoosh's scratch folder was cleaned up
    note = f"SIGKILL {when} ({seconds:.2f} s in): {len(batch_ids)} of {BATCH} reports visible after; rerun added {remainder}"
    record_property("sigkill", note)
    print(note)


@pytest.mark.slow
def test_a_long_ingest_commits_in_batches_and_a_rerun_resumes(tmp_path: Path, old_index, batch_folder: Path) -> None:
    """Reading slowed to 0.4 s a file (16 s of reading for the forty): killed with ten files
    left, the index holds what the batches committed (every report whole), and the next run
    reads only the rest and says how many files it resumes."""
    index_dir, before = old_index
    pace = paced(tmp_path / "pace", 0.4)
    running = Running(command(index_dir, "ingest", str(batch_folder)), tmp_path, pace=pace)
    running.wait_for_file(BATCH - 10, timeout=120)
    running.process.send_signal(signal.SIGKILL)
    assert running.finish()[0] == -signal.SIGKILL
    after = index_state(index_dir)
    committed = len(set(after) - set(before))
    assert committed >= 5, "more than five seconds of reading: at least one batch was committed"
    assert committed < BATCH
    assert search(index_dir, BATCH_WORD).total == committed * BATCH_PAGES * 3

    rerun = run(command(index_dir, "ingest", str(batch_folder)), tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert f"Resuming an ingest that was cut short: {committed} of its files were committed by it and are not read again." in rerun.stderr
    assert f"{BATCH - committed} added, 0 updated, {committed} unchanged, 0 failed." in rerun.stdout
    assert len(index_state(index_dir)) == len(before) + BATCH
    again = run(command(index_dir, "ingest", str(batch_folder)), tmp_path)
    assert "Resuming" not in again.stderr  # a run that ended says nothing of the kind


@pytest.mark.slow
def test_ctrl_c_after_a_batch_says_what_is_in_the_index(tmp_path: Path, old_index, batch_folder: Path) -> None:
    index_dir, before = old_index
    pace = paced(tmp_path / "pace", 0.4)
    running = Running(command(index_dir, "ingest", str(batch_folder)), tmp_path, pace=pace)
    running.wait_for_file(BATCH - 10, timeout=120)
    running.process.send_signal(signal.SIGINT)
    code, stdout, stderr = running.finish()
    assert code == 130 and "Traceback" not in stderr, stderr
    committed = len(set(index_state(index_dir)) - set(before))
    assert committed >= 5
    assert f"Interrupted: {committed} report(s) read before the interrupt are in the index (it commits every 5 seconds)" in stderr
    assert "nothing was committed" not in stderr


@pytest.mark.slow
def test_sigkill_of_the_first_ingest_leaves_no_broken_index(tmp_path: Path, batch_folder: Path) -> None:
    index_dir = tmp_path / "index"
    running = Running(command(index_dir, "ingest", str(batch_folder)), tmp_path)
    running.wait_for_file(3)
    running.process.send_signal(signal.SIGKILL)
    assert running.finish()[0] == -signal.SIGKILL

    searched = run(command(index_dir, "search", BATCH_WORD), tmp_path)
    assert "Traceback" not in searched.stderr
    # An empty index, or none: either way the user is told plainly.
    assert (searched.returncode, searched.stdout.strip()) == (0, f'No passages match "{BATCH_WORD}".') or (
        searched.returncode == 1 and "report-index ingest" in searched.stderr
    ), (searched.returncode, searched.stdout, searched.stderr)
    small = tmp_path / "small"
    small.mkdir()
    badfiles.good_txt(small)
    again = run(command(index_dir, "ingest", str(small)), tmp_path)
    assert again.returncode == 0, again.stderr
    assert "1 added" in again.stdout
    assert index_state(index_dir) != {}


# --------------------------------------------------------------------------------------------
# Ctrl-C


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_with_nothing_committed(tmp_path: Path, old_index, batch_folder: Path) -> None:
    index_dir, before = old_index
    running = Running(command(index_dir, "ingest", str(batch_folder)), tmp_path)
    running.wait_for_file(6)
    running.process.send_signal(signal.SIGINT)
    code, stdout, stderr = running.finish()

    assert code == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    message = "Interrupted: nothing was committed, the index is as it was before this run."
    assert message in stderr
    assert "Ingesting" in stderr  # the progress bar was drawn...
    assert re.search(r"\n\r?" + re.escape(message), "\n" + stderr), repr(stderr[-300:])  # ...and closed first
    assert stdout == ""  # no summary for a run that did not happen
    assert index_state(index_dir) == before
    assert search(index_dir, BATCH_WORD).total == 0
    assert_lock_free(index_dir / LOCK_FILE)


def test_ctrl_c_closes_the_progress_bar_before_the_message(tmp_path: Path, monkeypatch) -> None:
    """In process: a KeyboardInterrupt among the files reaches the CLI as exit code 130."""
    import report_index.pipeline as pipeline

    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(1, 7):
        badfiles.good_txt(folder, f"report-{number}.txt").write_text(
            badfiles.GOOD_TXT.replace(GOOD_TXT_WORD, f"word{number}"), encoding="utf-8"
        )
    real = pipeline.extract_report
    ingest_pid = os.getpid()

    def interrupt(path, *args, **kwargs):
        if path.name == "report-4.txt":
            ctrl_c(ingest_pid)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "extract_report", interrupt)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    events: list[str] = []
    import report_index.cli as cli_module

    real_progress = cli_module.progress_reporter

    def progress():
        on_file, close = real_progress()

        def closing():
            events.append("closed")
            close()

        return on_file, closing

    monkeypatch.setattr(cli_module, "progress_reporter", progress)
    real_echo = cli_module.click.echo

    def echo(message=None, *args, **kwargs):
        if message and str(message).startswith("Interrupted"):
            events.append("message")
        return real_echo(message, *args, **kwargs)

    monkeypatch.setattr(cli_module.click, "echo", echo)
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "index"), "ingest", str(folder)])
    assert result.exit_code == 130, result.output
    assert events[:2] == ["closed", "message"]
    assert "Traceback" not in result.output


def test_ctrl_c_during_the_commit_is_held_back(tmp_path: Path, monkeypatch) -> None:
    """The commit is atomic: an interrupt inside it must neither break it nor be reported as
    "nothing was committed"."""
    import report_index.ingest.run as ingest_run

    real_writer_for = ingest_run.writer_for

    def writer_for(*args, **kwargs):
        writer = real_writer_for(*args, **kwargs)
        commit = writer.commit

        def interrupted_commit(*a, **k):
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C just as the commit starts
            return commit(*a, **k)

        writer.commit = interrupted_commit
        return writer

    monkeypatch.setattr(ingest_run, "writer_for", writer_for)
    folder = tmp_path / "in"
    folder.mkdir()
    badfiles.good_txt(folder)
    handler = signal.getsignal(signal.SIGINT)

    summary = ingest([folder], tmp_path / "index")

    assert summary.counts()["added"] == 1
    assert search(tmp_path / "index", GOOD_TXT_WORD).total == 1
    assert signal.getsignal(signal.SIGINT) is handler  # Ctrl-C means Ctrl-C again


def test_the_ingest_lock_makes_others_wait_or_say_busy(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    badfiles.good_txt(folder)
    index_dir = tmp_path / "index"
    ingest([folder], index_dir)

    with ingest_lock(index_dir):
        with pytest.raises(IndexBusyError, match=rf"^index busy: another ingest \(process {os.getpid()}\)"):
            ingest([folder], index_dir)
        with pytest.raises(IndexBusyError, match="index busy"):
            reindex(index_dir)

    held = threading.Event()

    def hold_for_a_moment() -> None:
        with ingest_lock(index_dir):
            held.set()
            time.sleep(0.5)

    holder = threading.Thread(target=hold_for_a_moment)
    holder.start()
    held.wait(5)
    waits: list[float] = []
    started = time.monotonic()
    summary = ingest([folder], index_dir, wait=30, on_wait=lambda: waits.append(time.monotonic() - started))
    holder.join()
    assert summary.counts()["unchanged"] == 1
    assert len(waits) == 1 and waits[0] < 0.4  # said at once, said once
    assert time.monotonic() - started >= 0.3


# --------------------------------------------------------------------------------------------
# Two ingests at once; searches during an ingest


def test_the_pacing_of_these_tests_takes_effect(tmp_path: Path) -> None:
    """The paced command reads each file through the sitecustomize's wrapper, and so takes at
    least the delay a file longer: if the wrapped function moved, this fails, rather than the
    tests below racing."""
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(1, 4):
        badfiles.good_txt(folder, f"report-{number}.txt").write_text(
            badfiles.GOOD_TXT.replace(GOOD_TXT_WORD, f"pacedword{number}"), encoding="utf-8"
        )
    pace = paced(tmp_path / "pace", seconds=0.3)
    started = time.monotonic()
    done = start(command(tmp_path / "index", "ingest", "--jobs", "1", str(folder)), tmp_path, pace,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = done.communicate(timeout=120)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, err
    assert "3 added" in out
    pace.assert_paced(folder)
    assert sorted(pace.paced_files()) == ["report-1.txt", "report-2.txt", "report-3.txt"]
    assert elapsed >= 3 * pace.seconds


@pytest.mark.slow
def test_second_ingest_waits_with_a_message_and_sees_the_first_ones_work(
    tmp_path: Path, old_index, batch_folder: Path
) -> None:
    index_dir, before = old_index
    pace = paced(tmp_path / "pace")
    first = Running(command(index_dir, "ingest", str(batch_folder)), tmp_path, pace=pace)
    first.wait_for_file(3)
    second = start(
        command(index_dir, "ingest", "--wait", "120", str(batch_folder)),
        tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    first_code, first_out, first_err = first.finish()
    second_out, second_err = second.communicate(timeout=120)

    assert first_code == 0, first_err
    pace.assert_paced(batch_folder)
    assert f"{BATCH} added, 0 updated, 0 unchanged, 0 failed." in first_out
    assert second.returncode == 0, second_err
    assert "waiting for another ingest to finish..." in second_err
    assert "Traceback" not in second_err
    # The second run read the index only once the first had committed: nothing twice.
    assert f"0 added, 0 updated, {BATCH} unchanged, 0 failed." in second_out
    assert len(index_state(index_dir)) == len(before) + BATCH
    assert search(index_dir, BATCH_WORD).total == batch_total()


@pytest.mark.slow
def test_second_ingest_without_wait_says_index_busy(tmp_path: Path, old_index, batch_folder: Path) -> None:
    index_dir, before = old_index
    small = tmp_path / "small"
    small.mkdir()
    badfiles.good_txt(small, "another.txt").write_text(
        badfiles.GOOD_TXT.replace(GOOD_TXT_WORD, "secondrunword"), encoding="utf-8"
    )
    pace = paced(tmp_path / "pace")
    first = Running(command(index_dir, "ingest", str(batch_folder)), tmp_path, pace=pace)
    first.wait_for_file(3)
    second = run(command(index_dir, "ingest", str(small)), tmp_path)
    still_running = first.process.poll() is None
    first_code, _, first_err = first.finish()

    pace.assert_paced(batch_folder)
    assert still_running
    assert second.returncode == 1
    assert second.stderr.startswith("Error: index busy: another ingest")
    assert "--wait" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1, second.stderr
    assert second.stdout == ""
    assert first_code == 0, first_err
    assert len(index_state(index_dir)) == len(before) + BATCH
    assert search(index_dir, "secondrunword").total == 0


@pytest.mark.slow
def test_searches_during_an_ingest_see_the_old_or_the_new_index(
    tmp_path: Path, old_index, batch_folder: Path, monkeypatch
) -> None:
    index_dir, before = old_index
    # one commit at the end: on a loaded machine the run outlasts a batch's 5 s, and a batch
    # committed midway is a third state, right but not the one this test looks for
    monkeypatch.setenv("REPORT_INDEX_BATCH_SECONDS", "0")
    word = "neighbourhood"  # in the old reports and in every batch passage
    old_total = search(index_dir, word).total
    pace = paced(tmp_path / "pace")
    running = Running(command(index_dir, "ingest", str(batch_folder)), tmp_path, pace=pace)
    running.wait_for_file(2)
    # Each search opens the index afresh, as each `report-index search` does.
    words: list[int] = []
    batch: list[int] = []
    while running.process.poll() is None:
        words.append(search(index_dir, word).total)
        batch.append(search(index_dir, BATCH_WORD).total)
    code, _, stderr = running.finish()
    assert code == 0, stderr
    pace.assert_paced(batch_folder)
    new_total = search(index_dir, word).total
    assert new_total > old_total
    assert len(words) >= 10, words
    assert set(words) <= {old_total, new_total}, Counter(words)
    assert set(batch) <= {0, batch_total()}, Counter(batch)
    assert words[0] == old_total and batch[0] == 0  # the old index was searched while the run went on
    # Once the new state was seen, the old one never came back.
    assert words == sorted(words) and batch == sorted(batch)
    assert len(index_state(index_dir)) == len(before) + BATCH


# --------------------------------------------------------------------------------------------
# A 1,000-page PDF

_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({
    "returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
    "seconds": time.perf_counter() - start,
    "peak_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}))
"""


def measure(argv: list[str], cwd: Path) -> dict:
    """Run ``argv`` under a small Python parent whose only child it is, so that RUSAGE_CHILDREN
    gives the peak resident memory of that run alone (in KiB on Linux)."""
    parent = run([sys.executable, "-c", _MEASURE, *argv], cwd)
    assert parent.returncode == 0, parent.stderr
    return json.loads(parent.stdout)


@pytest.mark.slow
def test_a_thousand_page_pdf_is_ingested_in_bounded_time_and_memory(tmp_path: Path, record_property) -> None:
    folder = tmp_path / "long"
    folder.mkdir()
    pdf = badfiles.long_pdf(folder / "compendium.pdf", pages=1000)
    index_dir = tmp_path / "index"

    result = measure(command(index_dir, "ingest", str(folder)), tmp_path)

    assert result["returncode"] == 0, result["stderr"]
    assert "1 added, 0 updated, 0 unchanged, 0 failed." in result["stdout"]
    peak_mb = result["peak_rss_kb"] / 1024
    note = (
        f"1,000-page PDF ({pdf.stat().st_size / 1e6:.1f} MB): ingested in {result['seconds']:.1f} s, "
        f"peak RSS {peak_mb:.0f} MB"
    )
    record_property("long_pdf", note)
    print(note)
    assert peak_mb < PEAK_RSS_LIMIT_MB, note
    assert result["seconds"] < LONG_PDF_SECONDS_LIMIT, note
    assert list(index_state(index_dir).values()) == [3000]  # three paragraphs on each page, none lost
    (report,) = load_reports(index_dir)
    assert (report.title, report.date, report.page_count, len(report.sections)) == (
        "Annual Compendium", "2023-03-03", 1000, 1000
    )
    for page in (1, 2, 500, 999, 1000):
        hits = search(index_dir, f"folio{page:04d}").hits
        chapter, section = (page - 1) // 50 + 1, (page - 1) % 50 + 1
        assert sorted((h.section, h.page) for h in hits) == [(f"{chapter}.{section}.{n}", page) for n in (1, 2, 3)]


# --------------------------------------------------------------------------------------------
# Scans and --ocr

OCR_READY = not ocr_module.missing_tools()


def test_a_scan_without_ocr_says_to_use_ocr(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    badfiles.image_only_pdf(folder)
    badfiles.good_txt(folder)

    summary = ingest([folder], tmp_path / "index")

    (failed,) = summary.of("failed")
    assert failed.reason.startswith("no text layer: the PDF is probably a scan")
    assert "--ocr" in failed.reason
    assert summary.counts()["added"] == 1


def test_ocr_without_the_tools_says_what_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ocr_module.shutil, "which", lambda name: None)
    real_find_spec = ocr_module.importlib.util.find_spec
    monkeypatch.setattr(
        ocr_module.importlib.util, "find_spec", lambda name, *a: None if name == "ocrmypdf" else real_find_spec(name, *a)
    )
    folder = tmp_path / "in"
    folder.mkdir()
    badfiles.image_only_pdf(folder)
    badfiles.good_pdf(folder)

    result = CliRunner().invoke(main, ["--index", str(tmp_path / "index"), "ingest", "--ocr", str(folder)])

    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    (line,) = [line for line in result.output.splitlines() if line.startswith("FAILED")]
    assert "image-only.pdf: no text layer" in line
    assert "pip install ocrmypdf" in line
    assert "apt-get install tesseract-ocr" in line
    assert "1 added, 0 updated, 0 unchanged, 1 failed." in result.output
    assert ocr_module.missing_tools() == [ocr_module.INSTALL_OCRMYPDF, ocr_module.INSTALL_TESSERACT]


def test_ocr_is_not_run_on_pdfs_that_have_text(tmp_path: Path, monkeypatch) -> None:
    def no_ocr(*_args, **_kwargs):
        raise AssertionError("OCR ran on a PDF with a text layer")

    monkeypatch.setattr(ocr_module, "ocr_copy", no_ocr)
    folder = tmp_path / "in"
    folder.mkdir()
    badfiles.good_pdf(folder)
    summary = ingest([folder], tmp_path / "index", ocr=True)
    assert summary.counts()["added"] == 1 and not summary.failed


@pytest.mark.slow
@pytest.mark.skipif(not OCR_READY, reason="OCR needs ocrmypdf (pip) and tesseract (OS package)")
def test_ocr_reads_a_scanned_pdf(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    scan = badfiles.image_only_pdf(folder)
    original = scan.read_bytes()
    index_dir = tmp_path / "index"

    result = run(command(index_dir, "ingest", "--ocr", str(folder)), tmp_path)

    assert result.returncode == 0, result.stderr
    assert "1 added, 0 updated, 0 unchanged, 0 failed." in result.stdout
    assert scan.read_bytes() == original  # OCR worked on a copy
    hits = search(index_dir, "neighbourhood").hits
    assert len(hits) == 1
    assert "neighbourhood policing report" in hits[0].text
    assert hits[0].source == str(scan.resolve())
    assert hits[0].report_date == "2023-03-03"
    (report,) = load_reports(index_dir)
    assert report.body == IMAGE_ONLY_TEXT.title()  # the scanned title block was read too
    assert list(tmp_path.glob("**/scan.ocr.pdf")) == []  # the temporary copy is gone


# --------------------------------------------------------------------------------------------
# A folder of everything at once, through the real command


def test_the_command_on_a_folder_of_every_kind_of_bad_file(tmp_path: Path) -> None:
    """Half-downloaded, corrupt, locked, scanned, empty, mislabelled and mis-encoded files beside
    good ones, in folders whose names have spaces and accents, with symbolic-link loops: each bad
    file gets its own line, the rest is ingested, memory stays low, and the exit code is 1."""
    root = tmp_path / "\u0174yl downloads"
    papers = root / "Panel papers 2023"
    names = [name for name in badfiles.BAD_FILES if name != "empty.txt"]  # its twin empty.pdf stands for it
    badfiles.make_bad_files(papers, names)
    badfiles.image_only_pdf(papers)
    good = [
        badfiles.good_txt(root, "Caf\u00e9 r\u00e9sum\u00e9 report.txt").name,
        badfiles.good_pdf(papers, "Adroddiad \u0175yl.pdf").name,
        badfiles.owner_only_encrypted_pdf(papers).name,
        badfiles.broken_xref_pdf(papers).name,
        badfiles.truetype_pdf(papers).name,
        badfiles.bom_crlf_txt(papers).name,
    ]
    badfiles.unsupported_file(papers)
    os.symlink(root, papers / "loop")
    os.symlink(papers / "self", papers / "self")
    index_dir = tmp_path / "index"

    result = measure(command(index_dir, "ingest", str(root)), tmp_path)

    assert result["returncode"] == 1, result["stderr"]
    assert "Traceback" not in result["stderr"]
    failed = dict(re.findall(r"^FAILED  (.+?\.(?:pdf|txt|docx|html)): (.+)$", result["stderr"], re.MULTILINE))
    assert sorted(Path(path).name for path in failed) == sorted([*names, "image-only.pdf"]), result["stderr"]
    for path, reason in failed.items():
        assert Path(path).parent == Path("\u0174yl downloads", "Panel papers 2023")  # relative to where it ran
        assert "unexpected" not in reason and len(reason) < 300, reason
    assert "notes.xlsx: not a report file type" in result["stderr"]
    assert "self: broken or looping symbolic link" in result["stderr"]
    total_failed = len(names) + 1
    assert f"{len(good)} added, 0 updated, 0 unchanged, {total_failed} failed, 2 skipped." in result["stdout"]
    assert result["peak_rss_kb"] / 1024 < PEAK_RSS_LIMIT_MB
    assert sorted(Path(r.source).name for r in load_reports(index_dir)) == sorted(good)
    assert len(index_state(index_dir)) == len(good)
