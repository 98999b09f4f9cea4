"""Shared fixtures: an isolated environment for every test, the bundled corpus, the gold
expectations, and an index built from the corpus."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from report_index.ingest.run import ingest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "scripts" / "seeds"
GOLD = json.loads((FIXTURES / "gold_seeds.json").read_text(encoding="utf-8"))

PDF_2022 = CORPUS / "2022-06-10_police-and-crime-panel_safeguarding-report.pdf"
PDF_2021 = CORPUS / "2021-06-15_community-outcomes-meeting_safeguarding.pdf"
UNRULED_2022 = FIXTURES / "2022-06-10_safeguarding-report_unruled.pdf"
SEED_2022 = SEEDS / "000_95eda39535eb2922.txt"
SEED_2021 = SEEDS / "001_8fd772f304073688.txt"
#: A report whose title and text hold HTML and scripts, which every page must show as text
HOSTILE_REPORT = FIXTURES / "2023-03-03_hostile-markup.txt"
HOSTILE_ID = "2023-03-03-scripted-script-window-pwnedtitle-1-script-report"


def seed_folder(target: Path) -> Path:
    """A corpus folder of our own at ``target``: both seed reports as text files."""
    target.mkdir(parents=True)
    shutil.copy(SEED_2022, target / "panel-2022.txt")
    shutil.copy(SEED_2021, target / "outcomes-2021.txt")
    return target


def gold_report(seed: str) -> dict:
    return next(r for r in GOLD["reports"] if r["seed"] == seed)


# --------------------------------------------------------------------------------------------
# Isolation: no test sees the user's settings or writes a default index in the repository

#: Variables of the user's environment that change what the tool does; removed for every test.
#: (Every ``REPORT_INDEX_*`` variable is removed too, whatever its name.)
CLEARED_VARIABLES = ("NO_COLOR",)
VARIABLE_PREFIX = "REPORT_INDEX_"
INDEX_VARIABLE = "REPORT_INDEX_DIR"


def isolate(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
    """Remove every ``REPORT_INDEX_*`` variable and ``NO_COLOR`` from the environment, then point
    ``REPORT_INDEX_DIR`` at ``index_dir``: an ingest or search given no ``--index`` (in this
    process or in a subprocess, which inherits the environment) uses that folder, never
    ``./.report-index`` in the repository or wherever the user's variable points. The working
    directory is left as it is."""
    for name in list(os.environ):
        if name.startswith(VARIABLE_PREFIX) or name in CLEARED_VARIABLES:
            monkeypatch.delenv(name)
    monkeypatch.setenv(INDEX_VARIABLE, str(index_dir))


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis keeps its examples and caches in a temporary folder, not ``./.hypothesis``
    (it writes some while the tests are collected, before any fixture runs)."""
    try:
        from hypothesis.configuration import set_hypothesis_home_dir
    except ImportError:  # pragma: no cover - a test dependency
        return
    config.stash[_HYPOTHESIS_HOME] = Path(tempfile.mkdtemp(prefix="report-index-hypothesis-"))
    set_hypothesis_home_dir(config.stash[_HYPOTHESIS_HOME])


def pytest_unconfigure(config: pytest.Config) -> None:
    home = config.stash.get(_HYPOTHESIS_HOME, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


_HYPOTHESIS_HOME = pytest.StashKey[Path]()


@pytest.fixture(scope="session", autouse=True)
def isolated_session(tmp_path_factory):
    """The isolation of ``isolated_test`` for session- and module-scoped fixtures (such as
    ``corpus_index``), which are set up before any test's own fixtures."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, tmp_path_factory.mktemp("session-default-index") / ".report-index")
        yield


@pytest.fixture(autouse=True)
def signals_as_they_were():
    """Ctrl-C and SIGTERM mean in every test what they meant before it: a command run through
    ``CliRunner`` that is interrupted ignores further signals on its way out, as the real
    command does, and that must not reach the next test."""
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


@pytest.fixture
def sigint_handled(signals_as_they_were):
    """SIGINT raises KeyboardInterrupt in this process during the test. Run under a shell's
    background job, this process may have it ignored (and its children inherit that); tests
    that send SIGINT themselves need its usual meaning."""
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def isolated_test(tmp_path_factory) -> Path:
    """Every test runs with ``REPORT_INDEX_DIR`` pointing at a fresh folder of its own (not yet
    created) and without the user's other ``REPORT_INDEX_*`` variables or ``NO_COLOR``; the
    working directory stays where pytest was started. Gives the default index folder.

    (Its own MonkeyPatch, not the ``monkeypatch`` fixture: a test's ``monkeypatch`` is undone
    first, a ``monkeypatch.chdir`` included, and then this.)"""
    index_dir = tmp_path_factory.mktemp("default-index") / ".report-index"
    cwd = os.getcwd()
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, index_dir)
        yield index_dir
    moved = os.getcwd()
    if moved != cwd:  # a test that moved without monkeypatch.chdir must not move the rest
        os.chdir(cwd)
        pytest.fail(f"the test changed the working directory to {moved} and left it there")


def _built_index(tmp_path_factory, name: str, folder: Path, reports: int) -> Path:
    """A new index of ``folder``, which must add ``reports`` reports."""
    index_dir = tmp_path_factory.mktemp(name)
    summary = ingest([folder], index_dir)
    assert summary.counts()["added"] == reports, summary.outcomes
    return index_dir


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    """An index of the bundled corpus, built once per test session; tests must not write to it."""
    return _built_index(tmp_path_factory, "corpus-index", CORPUS, 2)


@pytest.fixture(scope="session")
def web_index(tmp_path_factory) -> Path:
    """An index of the bundled corpus and the hostile report, for the web app's tests (read-only)."""
    folder = tmp_path_factory.mktemp("web-corpus")
    for path in (PDF_2021, PDF_2022, HOSTILE_REPORT):
        shutil.copy(path, folder / path.name)
    return _built_index(tmp_path_factory, "web-index", folder, 3)


@pytest.fixture(scope="module")
def web_server(web_index) -> str:
    """The web app served over ``web_index`` on a free loopback port: its address. Stopped after
    each module: the server's threads must not be alive when a later test's ingest forks."""
    from report_index.web.server import running

    with running(web_index) as address:
        yield address
