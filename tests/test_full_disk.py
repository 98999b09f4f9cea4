"""The index folder on a full file system, or a read-only one: the ingest fails with one clear
message, the index stays exactly as it was (every file, byte for byte) and searchable.

The file system is a small tmpfs mounted for the test (which needs the right to mount: root,
as in CI; elsewhere the tests are skipped, saying so).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from . import badfiles
from .badfiles import GOOD_TXT_WORD
from .conftest import seed_folder

from report_index.index.files import LOCK_FILE

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tmpfs is Linux's")

SIZE_KB = 6144  # room for the seed index (about 1.5 MB) and a filler


@pytest.fixture
def small_disk(tmp_path: Path):
    """A tmpfs of ``SIZE_KB`` at ``tmp_path / "disk"``, unmounted afterwards."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE_KB}k", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.strip() or made.returncode}): run as root to test a full disk")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def command(index: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "REPORT_INDEX_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "report_index", "--index", str(index), *args],
        env=env, capture_output=True, text=True, timeout=300,
    )


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under the index ``folder`` by relative path, with its digest; the lock file
    says only who last held the index, and is there (empty of meaning) either way."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file() and path.name != LOCK_FILE
    }


def more_reports(folder: Path, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        text = badfiles.GOOD_TXT.replace(GOOD_TXT_WORD, f"{GOOD_TXT_WORD}{number}")
        (folder / f"report-{number:02d}.txt").write_text(text + "\n\n9.1 More.\n" * 200, encoding="utf-8")
    return folder


def fill(disk: Path, leave_kb: int) -> None:
    """Fill ``disk`` up to ``leave_kb`` free."""
    free = shutil.disk_usage(disk).free
    (disk / "filler").write_bytes(b"\0" * max(0, free - leave_kb * 1024))


@pytest.mark.slow
@pytest.mark.parametrize("way", ["full", "read-only"])
def test_an_index_that_cannot_be_written_stays_as_it_was_and_searchable(tmp_path: Path, small_disk: Path, way: str) -> None:
    index = small_disk / "index"
    first = command(index, "ingest", str(seed_folder(tmp_path / "seeds")))
    assert first.returncode == 0, first.stderr
    before = snapshot(index)
    found_before = command(index, "search", "SmartWater", "--json").stdout
    if way == "full":
        fill(small_disk, leave_kb=64)
    else:
        remount = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True, text=True)
        assert remount.returncode == 0, remount.stderr

    result = command(index, "ingest", str(more_reports(tmp_path / "more", 12)))

    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    reason = (
        "there is no space left on the device that holds it: free some space and run the command again"
        if way == "full"
        else "it is on a read-only file system: give an index folder that can be written to (--index DIR)"
    )
    assert f"the index at {index} could not be written: {reason}. The index is as it was before this run (searches still work)." in result.stderr
    assert snapshot(index) == before  # not a file added, changed or left behind
    assert command(index, "search", "SmartWater", "--json").stdout == found_before
    listed = command(index, "reports", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [r["date"] for r in json.loads(listed.stdout)["reports"]] == ["2021-06-15", "2022-06-10"]
