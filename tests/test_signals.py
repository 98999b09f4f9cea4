"""Ctrl-C (SIGINT) or SIGTERM at any moment of any command, from interpreter start to exit,
ends it without a traceback; an ingest stopped anywhere leaves an index that still works. And
output cut short by the reader (``report-index search ... | head -1``) is no error either.

Each command runs in a real subprocess and is signalled at offsets spread over its own run
time, measured first; the offsets are fixed fractions, so every run tries the same moments."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import seed_folder

import report_index

PACKAGE = str(Path(report_index.__file__).resolve().parent) + os.sep

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

#: Where in a command's run the signal lands, as fractions of its undisturbed run time.
OFFSETS = [0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0, 1.1]
#: The same for an ingest, each followed by an ingest that completes it and a search.
INGEST_OFFSETS = [0.0, 0.05, 0.15, 0.3, 0.5, 0.7, 0.85, 0.95, 1.05]
#: How a run may end: finished (0, or 1 for a failed file), stopped with the message (130 after
#: Ctrl-C, 143 after SIGTERM), or killed by the signal before Python had set up its handlers.
ENDINGS = {0, 1, 130, 143, -signal.SIGINT, -signal.SIGTERM}


def our_traceback(stderr: str) -> bool:
    """Whether a traceback of the program's is on ``stderr``: one with a frame in this project's
    package. A Ctrl-C while CPython itself is still starting (setting up its streams, importing
    its ``site`` module and the environment's ``.pth`` files: some 40 ms on this machine), or
    while ``python -m`` is still finding the package, comes before any code of this project runs
    or can install a handler: CPython reports it ("Fatal Python error: init_import_site", or a
    traceback of its own ``runpy`` frames), and no program can prevent that (see the README's
    Reliability table)."""
    frames = [line for line in stderr.splitlines() if line.strip().startswith("File ")]
    return "Traceback" in stderr and any(PACKAGE in line for line in frames)


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "REPORT_INDEX_DIR"} | {"PYTHONUNBUFFERED": "1"}


def command(index: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "report_index", "--index", str(index), *args]


def timed(argv: list[str]) -> float:
    started = time.monotonic()
    subprocess.run(argv, env=env(), capture_output=True, timeout=300, check=True)
    return time.monotonic() - started


def signalled(argv: list[str], after: float, signum: int) -> tuple[int, str]:
    """Run ``argv``, send ``signum`` ``after`` seconds in; its exit code and stderr."""
    process = subprocess.Popen(
        argv, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as a terminal's foreground job
    )
    time.sleep(after)
    try:
        process.send_signal(signum)
    except ProcessLookupError:
        pass
    _, stderr = process.communicate(timeout=300)
    return process.returncode, stderr


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> tuple[Path, Path]:
    """An index of the two seed reports, and a folder of them to ingest again."""
    root = tmp_path_factory.mktemp("signals")
    folder = seed_folder(root / "seeds")
    index = root / "index"
    subprocess.run(command(index, "ingest", str(folder)), env=env(), capture_output=True, timeout=300, check=True)
    return index, folder


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [["--help"], ["reports"], ["search", "Stalking Protection Orders"], ["progress", "SmartWater"]],
    ids=["help", "reports", "search", "progress"],
)
def test_a_signal_at_any_moment_of_a_read_command_ends_it_without_a_traceback(seeded, args: list[str]) -> None:
    index, _ = seeded
    argv = command(index, *args)
    duration = timed(argv)
    for number, fraction in enumerate(OFFSETS):
        signum = signal.SIGINT if number % 2 == 0 else signal.SIGTERM
        code, stderr = signalled(argv, duration * fraction, signum)
        assert code in ENDINGS, (fraction, signum, code, stderr)
        assert not our_traceback(stderr), (fraction, signum, stderr)


def test_ctrl_c_while_the_signal_module_loads_is_one_line(tmp_path: Path) -> None:
    """The moment a signal at 30% of ``--help`` once hit on a loaded machine: Python's ``signal``
    module making its enums (a few ms, as the command starts). Made certain here: a
    sitecustomize raises KeyboardInterrupt when ``signal`` is first imported."""
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\n"
        "sys.modules.pop('signal', None)\n"
        "class Interrupting:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'signal':\n"
        "            sys.meta_path.remove(self)\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupting())\n",
        encoding="utf-8",
    )
    environment = env() | {"PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "report_index", "--help"], env=environment, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (130, "Interrupted.\n")


@pytest.mark.parametrize("raised, code, message", [("KeyboardInterrupt", 130, "Interrupted.\n"), ("Terminated", 143, "Terminated.\n")])
def test_a_signal_in_a_callback_python_cannot_raise_from_still_ends_the_command(raised: str, code: int, message: str) -> None:
    """The moment a SIGTERM at 20% of ``reports`` once hit: Python running the weakref callback
    of a module's import lock, where an exception can only be reported ("Exception ignored in
    ...", a traceback) and the command would go on. Made certain here: the command's main makes
    such a callback raise the signal's exception."""
    script = (
        "import time, weakref\n"
        "import report_index.__main__ as entry\n"
        "import report_index.cli as cli\n"
        "from report_index.errors import Terminated\n"
        "class Held: pass\n"
        "def main():\n"
        "    held = Held()\n"
        "    def callback(_):\n"
        f"        raise {raised}\n"
        "    reference = weakref.ref(held, callback)\n"
        "    del held\n"
        "    time.sleep(20)\n"
        "    print('went on')\n"
        "cli.main = main\n"
        "entry.run()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env(), capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr, done.stdout) == (code, message, "")


@pytest.mark.slow
def test_a_signal_at_any_moment_of_an_ingest_leaves_a_working_index(seeded, tmp_path: Path) -> None:
    _, folder = seeded
    index = tmp_path / "index"
    argv = command(index, "ingest", str(folder))
    duration = timed(argv)
    found = subprocess.run(command(index, "search", "SmartWater", "--json"), env=env(), capture_output=True, text=True, check=True).stdout
    for number, fraction in enumerate(INGEST_OFFSETS):
        fresh = tmp_path / f"index-{number}"
        signum = signal.SIGTERM if number % 2 == 0 else signal.SIGINT
        code, stderr = signalled(command(fresh, "ingest", str(folder)), duration * fraction, signum)
        assert code in ENDINGS, (fraction, signum, code, stderr)
        assert not our_traceback(stderr), (fraction, signum, stderr)
        # whatever the moment, the index is whole (an ingest refuses a damaged one): the run again
        # completes it, and it answers as one never interrupted
        again = subprocess.run(command(fresh, "ingest", str(folder)), env=env(), capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, (fraction, again.stderr)
        searched = subprocess.run(command(fresh, "search", "SmartWater", "--json"), env=env(), capture_output=True, text=True)
        assert json.loads(searched.stdout) == json.loads(found.replace(str(index), str(fresh))), fraction


@pytest.mark.slow
@pytest.mark.parametrize(
    "args", [["search", "police", "--limit", "50"], ["reports"], ["show", "2022-06-10"]], ids=["search", "reports", "show"]
)
def test_output_cut_short_by_its_reader_is_no_error(seeded, args: list[str]) -> None:
    """``report-index search police | head -1``: the reader goes after one line."""
    index, _ = seeded
    process = subprocess.Popen(command(index, *args), env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8", "replace")
    code = process.wait(timeout=300)
    assert first
    assert "Traceback" not in stderr and "Broken pipe" not in stderr, stderr
    assert code in (0, 141, -signal.SIGPIPE), (code, stderr)
