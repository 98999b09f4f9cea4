"""Every test runs isolated (tests/conftest.py): its own default index folder, none of the user's
``REPORT_INDEX_*`` variables or ``NO_COLOR``, and the working directory where pytest started."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from report_index.index.files import DEFAULT_DIR, META_FILE, resolve_index_dir

from . import badfiles
from .conftest import ROOT, isolate

STARTED_IN = Path.cwd()


def _state(folder: Path) -> list[tuple[str, int]] | None:
    """What a folder holds (names and modification times), or None when it does not exist."""
    if not folder.exists():
        return None
    return sorted((str(p.relative_to(folder)), p.stat().st_mtime_ns) for p in folder.rglob("*"))


def test_the_environment_is_isolated(isolated_test: Path) -> None:
    assert os.environ["REPORT_INDEX_DIR"] == str(isolated_test)
    assert ROOT not in isolated_test.parents  # not in the repository
    assert isolated_test != Path.cwd() / DEFAULT_DIR and isolated_test != Path.home() / DEFAULT_DIR
    assert not isolated_test.exists()  # fresh: no earlier test wrote to it
    assert [name for name in os.environ if name.startswith("REPORT_INDEX_")] == ["REPORT_INDEX_DIR"]
    assert "NO_COLOR" not in os.environ
    assert Path.cwd() == STARTED_IN
    assert resolve_index_dir() == isolated_test


def test_isolate_removes_the_user_s_variables(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("REPORT_INDEX_PDF_READER", "pdfplumber")
    monkeypatch.setenv("REPORT_INDEX_SOMETHING_NEW", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    isolate(monkeypatch, tmp_path / "index")
    assert {k: v for k, v in os.environ.items() if k.startswith("REPORT_INDEX_") or k == "NO_COLOR"} == {
        "REPORT_INDEX_DIR": str(tmp_path / "index")
    }


def test_an_ingest_without_index_does_not_write_in_the_repository(tmp_path: Path, isolated_test: Path) -> None:
    """The real command, run from the repository root with no ``--index``: the index goes to the
    test's own folder, and ``./.report-index`` is neither created nor touched."""
    folder = tmp_path / "in"
    folder.mkdir()
    badfiles.good_txt(folder)
    before = _state(ROOT / DEFAULT_DIR)
    done = subprocess.run(
        [sys.executable, "-m", "report_index", "ingest", str(folder)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (isolated_test / META_FILE).is_file()
    assert _state(ROOT / DEFAULT_DIR) == before


@pytest.mark.slow
def test_the_user_s_settings_do_not_reach_a_test(tmp_path: Path) -> None:
    """pytest run with the user's variables set (an index in the repository, another PDF reader,
    no colour): the test above still sees a clean environment."""
    env = {
        **os.environ,
        "REPORT_INDEX_DIR": str(ROOT / DEFAULT_DIR),
        "REPORT_INDEX_PDF_READER": "not-a-reader",
        "REPORT_INDEX_ANYTHING": "1",
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={tmp_path / 'inner'}",
            f"{Path(__file__).relative_to(ROOT)}::test_the_environment_is_isolated",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_a_test_may_move_with_monkeypatch_chdir(tmp_path: Path, monkeypatch) -> None:
    """monkeypatch.chdir is undone before the isolation checks the working directory."""
    monkeypatch.chdir(tmp_path)
    assert Path.cwd() == tmp_path
