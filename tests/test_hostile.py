"""Hostile files: one that takes forever to read, or asks for all the memory there is, fails by
name, and the rest of the corpus is ingested (``ingest.limits``).

Each test runs the real command in a subprocess. The pathological files are text files whose
reading a ``sitecustomize`` (on the subprocess's PYTHONPATH) makes hang, spin or allocate, as a
looping content stream or a decompression bomb would inside the PDF readers: the limits act on
the process reading the file, whatever the reason it is stuck. ``scripts/fuzz.py`` tries real
mutated PDFs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from . import badfiles
from .badfiles import GOOD_TXT_WORD

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")

#: What the sitecustomize does when it reads a file whose name holds the key.
HOSTILE = {
    "hanging": "time.sleep(600)",  # blocked in a call that never returns
    "spinning": "while True: pass",  # busy in Python, never leaving
    "greedy": "hoard.append(bytearray(3 * 1024 ** 3))",  # 3 GB at once
}


def hostile_hooks(folder: Path) -> dict[str, str]:
    """The environment for a command whose reading of a hostile file misbehaves as ``HOSTILE`` says."""
    folder.mkdir()
    cases = "\n".join(
        f"    if {key!r} in path.name:\n        {action}" for key, action in HOSTILE.items()
    )
    (folder / "sitecustomize.py").write_text(
        textwrap.dedent(
            """
            import time
            import report_index.pipeline as pipeline

            real = pipeline.read_document
            hoard = []

            def read_document(path, *args, **kwargs):
            {cases}
                return real(path, *args, **kwargs)

            pipeline.read_document = read_document
            """
        ).format(cases=cases),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "REPORT_INDEX_DIR"}
    env["PYTHONPATH"] = os.pathsep.join([str(folder), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def corpus(folder: Path, good: int, hostile: list[str]) -> Path:
    """``good`` reports (each with its own word) and one file per ``hostile`` name."""
    folder.mkdir()
    for number in range(good):
        badfiles.good_txt(folder, f"report-{number:02d}.txt").write_text(
            badfiles.GOOD_TXT.replace(GOOD_TXT_WORD, f"{GOOD_TXT_WORD}{number}"), encoding="utf-8"
        )
    for name in hostile:
        badfiles.good_txt(folder, name).write_text(badfiles.GOOD_TXT.replace(GOOD_TXT_WORD, name[:4]), encoding="utf-8")
    return folder


def run(env: dict, index: Path, *args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "report_index", "--index", str(index), *args],
        env=env, capture_output=True, text=True, timeout=timeout,
    )
    return result, time.monotonic() - started


def failures(output: str) -> dict[str, str]:
    """The files a run reports as failed, with their reasons."""
    found = {}
    for line in output.splitlines():
        if line.startswith("FAILED"):
            path, _, reason = line.removeprefix("FAILED").strip().partition(": ")
            found[Path(path).name] = reason
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    "good, hostile",
    [
        (1, ["a-hanging.txt"]),  # a small run; the file is the first read, while the rules load
        (9, ["report-03-hanging.txt", "report-07-spinning.txt"]),  # a pool, the files among others
    ],
    ids=["small run", "pool"],
)
def test_a_file_that_never_finishes_reading_fails_by_name_and_the_rest_is_ingested(
    tmp_path: Path, good: int, hostile: list[str]
) -> None:
    env = hostile_hooks(tmp_path / "hooks")
    folder = corpus(tmp_path / "reports", good, hostile)
    result, seconds = run(env, tmp_path / "index", "ingest", "--file-timeout", "2", str(folder))

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert failures(result.stdout + result.stderr) == {
        name: "reading it took longer than 2 seconds, the time limit for one file: the reader was stopped "
        "(raise it with --file-timeout)"
        for name in hostile
    }
    assert f"{good} added, 0 updated, 0 unchanged, {len(hostile)} failed." in result.stdout
    assert seconds < 60  # the run did not wait for the hanging reads (they sleep for ten minutes)
    for number in range(good):
        found, _ = run(env, tmp_path / "index", "search", f"{GOOD_TXT_WORD}{number}", "--json")
        assert found.returncode == 0 and f"report-{number:02d}" in found.stdout


@pytest.mark.slow
def test_a_file_that_wants_too_much_memory_fails_by_name_and_the_rest_is_ingested(tmp_path: Path) -> None:
    env = hostile_hooks(tmp_path / "hooks")
    folder = corpus(tmp_path / "reports", 3, ["report-01-greedy.txt"])
    result, _ = run(env, tmp_path / "index", "ingest", "--file-memory", "300", str(folder))

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert failures(result.stdout + result.stderr) == {
        "report-01-greedy.txt": "reading it needed more memory than a reader may use (raise the limit with --file-memory)"
    }
    assert "3 added, 0 updated, 0 unchanged, 1 failed." in result.stdout


def test_the_limits_can_be_lifted_and_are_checked(tmp_path: Path) -> None:
    """0 lifts a limit; a negative limit is a usage error, not a traceback."""
    folder = corpus(tmp_path / "reports", 2, [])
    env = {k: v for k, v in os.environ.items() if k != "REPORT_INDEX_DIR"}
    result, _ = run(env, tmp_path / "index", "ingest", "--file-timeout", "0", "--file-memory", "0", str(folder))
    assert result.returncode == 0, result.stderr
    assert "2 added" in result.stdout
    wrong, _ = run(env, tmp_path / "index", "ingest", "--file-timeout", "-1", str(folder))
    assert wrong.returncode == 2
    assert "--file-timeout" in wrong.stderr and "Traceback" not in wrong.stderr


def test_a_font_whose_cmap_range_spans_billions_of_codes_is_read_at_once() -> None:
    """Found by fuzzing pdf.js's files: a damaged ToUnicode CMap whose range runs from
    <00000000> to <ffffffff> kept pdfminer expanding it for hours, one code at a time. Each
    range now ends after 65,536 codes; a real range maps as before. (Run in a subprocess with
    a time limit: without the cap the parse would not end.)"""
    code = textwrap.dedent(
        """
        from io import BytesIO
        from pdfminer.cmapdb import CMapParser, FileUnicodeMap
        import report_index.sources.pdfplumber_reader  # installs the cap

        cmap = FileUnicodeMap()
        CMapParser(cmap, BytesIO(
            b"1 beginbfrange <00000000> <ffffffff> <0041> endbfrange "
            b"1 beginbfrange <0020> <007e> <0020> endbfrange "
            b"1 beginbfrange <e000> <e002> [<0061> <0062> <0063>] endbfrange"
        )).run()
        print(len(cmap.cid2unichr), repr(cmap.cid2unichr[0x20] + cmap.cid2unichr[0x7E]), repr(cmap.cid2unichr[0xE001]))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "65536 ' ~' 'b'"  # the huge range capped; the real ones as written
