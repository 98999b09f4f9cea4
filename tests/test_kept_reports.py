"""Never lose a report: ``reindex`` keeps what it cannot read again, and a damaged index says
which file and how to repair it, and is repaired by ``reindex`` from the kept reports.

The commands run as a user runs them (``python -m report_index`` in a subprocess); the file
kinds are damaged in each of the ways a disk or a careless copy damages them.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import report_index.pipeline as pipeline
from report_index.api import Index
from report_index.errors import IndexDamagedError
from report_index.index.files import CATALOGUE_FILE, INTEGRITY_FILE, META_FILE, MODELS_DIR
from report_index.ingest import plan
from report_index.ingest.run import ingest, reindex

from .conftest import seed_folder


def run(*argv: str, index: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "REPORT_INDEX_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "report_index", "--index", str(index), *argv],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


@pytest.fixture
def folder(tmp_path) -> Path:
    return seed_folder(tmp_path / "mv1")


def report_ids(index_dir: Path) -> list[str]:
    return sorted(report.id for report in Index(index_dir).reports())


# --------------------------------------------------------------------------------------------
# reindex never drops a report


def test_reindex_keeps_reports_whose_files_moved_until_pruned(tmp_path, folder):
    """``ingest mv1 && mv mv1 mv2 && reindex``: the reports stay, listed with the reason, exit 1;
    only ``--prune`` removes them, and says which."""
    index_dir = tmp_path / "index"
    assert run("ingest", str(folder), index=index_dir, cwd=tmp_path).returncode == 0
    before = report_ids(index_dir)
    hits = Index(index_dir).search("WYASP").total
    folder.rename(tmp_path / "mv2")

    kept = run("reindex", index=index_dir, cwd=tmp_path)
    assert kept.returncode == 1, kept.stderr
    assert "Traceback" not in kept.stderr
    assert "2 report(s) kept as they were last read (run reindex with --prune to remove them):" in kept.stderr
    assert "KEPT    mv1/panel-2022.txt: file not found (moved or deleted)" in kept.stderr  # paths as given, relative
    assert "2 kept." in kept.stdout
    assert report_ids(index_dir) == before
    assert Index(index_dir).search("WYASP").total == hits
    listed = run("reports", index=index_dir, cwd=tmp_path)
    assert listed.returncode == 0 and "holds no reports" not in listed.stdout

    pruned = run("reindex", "--prune", index=index_dir, cwd=tmp_path)
    assert pruned.returncode == 0, pruned.stderr
    assert "removed mv1/outcomes-2021.txt (file not found (moved or deleted))" in pruned.stdout
    assert report_ids(index_dir) == []


def test_an_ingest_after_a_move_keeps_each_report_once_with_its_id(tmp_path, folder, monkeypatch):
    """``ingest mv1 && mv mv1 mv2 && ingest mv2``: each report follows its file (same id, the new
    path), nothing is read again, and there is no second copy of anything."""
    index_dir = tmp_path / "index"
    ingest([folder], index_dir)
    before = {r.id: r.source for r in Index(index_dir).reports()}
    hits = Index(index_dir).search("WYASP").total
    moved = folder.rename(tmp_path / "mv2")

    def no_reading(*_args, **_kwargs):
        raise AssertionError("a moved file was read again")

    monkeypatch.setattr(pipeline, "read_document", no_reading)
    summary = ingest([moved], index_dir)
    assert summary.counts()["updated"] == 2 and not summary.failed and not summary.missing
    assert {o.reason for o in summary.of("updated")} == {
        f"moved from {folder / 'panel-2022.txt'}", f"moved from {folder / 'outcomes-2021.txt'}"
    }
    after = {r.id: r.source for r in Index(index_dir).reports()}
    assert set(after) == set(before)
    assert all(source.startswith(str(moved)) for source in after.values())
    assert Index(index_dir).search("WYASP").total == hits
    assert reindex(index_dir).counts()["unchanged"] == 2  # the kept copies follow the move too


def test_reindex_reads_no_file_when_nothing_changed(tmp_path, folder, monkeypatch):
    index_dir = tmp_path / "index"
    ingest([folder], index_dir)
    before = Index(index_dir).search("SmartWater")

    def no_reading(*_args, **_kwargs):
        raise AssertionError("reindex read a file that had not changed")

    monkeypatch.setattr(pipeline, "read_document", no_reading)
    summary = reindex(index_dir)
    assert summary.counts()["unchanged"] == 2 and not summary.failed
    after = Index(index_dir).search("SmartWater")
    assert [(h.id, h.text) for h in after.hits] == [(h.id, h.text) for h in before.hits]


def test_reindex_reads_again_what_changed_and_keeps_what_it_cannot(tmp_path, folder, monkeypatch):
    """A new extractor: every file is read again; one that can no longer be read keeps its
    report as it was last read, with the reason, and the run says so."""
    index_dir = tmp_path / "index"
    ingest([folder], index_dir)
    monkeypatch.setattr(plan, "EXTRACTOR_VERSION", plan.EXTRACTOR_VERSION + "-next")
    monkeypatch.setattr("report_index.ingest.run.EXTRACTOR_VERSION", plan.EXTRACTOR_VERSION)
    (folder / "outcomes-2021.txt").write_bytes(b"\xff\xfe\x00broken" * 10)  # no longer UTF-8
    summary = reindex(index_dir)
    assert summary.counts()["added"] == 1  # read again with the new extractor
    (kept,) = summary.of("kept")
    assert kept.path.endswith("outcomes-2021.txt")
    assert kept.reason.startswith("could not be read again (not UTF-8 text") and kept.reason.endswith("kept as it was last read")
    assert summary.failed  # the exit code says so
    assert len(report_ids(index_dir)) == 2
    assert Index(index_dir).search('"Operation Encompass"').total > 0


def test_an_index_from_before_reports_were_kept_is_rebuilt_from_whoosh(tmp_path, folder):
    """An index without ``models/``: reindex takes the reports from Whoosh's own copy; the next
    ingest, even with nothing to do, keeps them beside the index."""
    index_dir = tmp_path / "index"
    ingest([folder], index_dir)
    shutil.rmtree(index_dir / MODELS_DIR)
    (index_dir / INTEGRITY_FILE).unlink()
    summary = ingest([folder], index_dir)
    assert summary.counts()["unchanged"] == 2
    assert len(list((index_dir / MODELS_DIR).glob("*.json"))) == 2 and (index_dir / INTEGRITY_FILE).exists()
    shutil.rmtree(index_dir / MODELS_DIR)
    folder.rename(tmp_path / "gone")
    summary = reindex(index_dir)
    assert summary.counts()["kept"] == 2
    assert len(report_ids(index_dir)) == 2


# --------------------------------------------------------------------------------------------
# A damaged index


def _segment(index_dir: Path) -> Path:
    (segment,) = index_dir.glob("reports_*.seg")
    return segment


def _toc(index_dir: Path) -> Path:
    (toc,) = index_dir.glob("_reports_*.toc")
    return toc


FILE_KINDS = {
    "segment": _segment,
    "table of contents": _toc,
    "schema file": lambda d: d / META_FILE,
    "catalogue": lambda d: d / CATALOGUE_FILE,
}


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "random bytes":
        noise = random.Random(7).randbytes(max(len(data) // 3, 16))
        start = len(data) // 3
        path.write_bytes(data[:start] + noise + data[start + len(noise) :])
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "zero length":
        path.write_bytes(b"")
    else:
        path.unlink()


def _files(index_dir: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(index_dir.iterdir())
        if p.is_file() and p.name not in ("ingest.lock", "reports_WRITELOCK")
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("built")
    folder = seed_folder(base / "reports")
    ingest([folder], base / "index")
    return folder, base / "index"


@pytest.mark.parametrize("how", ["random bytes", "truncated", "zero length", "deleted"])
@pytest.mark.parametrize("kind", list(FILE_KINDS))
def test_a_damaged_index_file_is_named_refused_and_repaired(tmp_path, built, kind, how):
    folder, pristine = built
    index_dir = tmp_path / "index"
    shutil.copytree(pristine, index_dir)
    target = FILE_KINDS[kind](index_dir)
    _damage(target, how)
    damaged = _files(index_dir)
    ix = Index(index_dir)
    if kind == "catalogue":  # a summary, made again from the index whenever it cannot be read
        assert ix.search("WYASP").total > 0 and len(ix.reports()) == 2
        return
    for call in (lambda: ix.search("WYASP"), ix.reports, lambda: ix.progress("SmartWater"), lambda: ix.report("2022")):
        with pytest.raises(IndexDamagedError) as failure:
            call()
        message = str(failure.value)
        assert message.startswith(f"the index at {index_dir} is damaged: {target.name} ")
        assert f"Run `report-index --index {index_dir} reindex`" in message
    with pytest.raises(IndexDamagedError):
        ingest([folder], index_dir)  # refused: nothing written over the damage
    assert _files(index_dir) == damaged
    summary = reindex(index_dir)
    assert summary.counts()["unchanged"] == 2 and not summary.failed
    assert Index(index_dir).search("WYASP").total > 0 and len(Index(index_dir).reports()) == 2


def test_commands_name_the_damaged_file_without_a_traceback(tmp_path, built):
    folder, pristine = built
    index_dir = tmp_path / "index"
    shutil.copytree(pristine, index_dir)
    _damage(_segment(index_dir), "random bytes")
    for argv in (["search", "WYASP"], ["reports"], ["progress", "SmartWater"], ["ingest", str(folder)]):
        result = run(*argv, index=index_dir, cwd=tmp_path)
        assert result.returncode == 1, (argv, result.stderr)
        assert result.stderr.startswith(f"Error: the index at {index_dir} is damaged: {_segment(index_dir).name} "), argv
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    repaired = run("reindex", index=index_dir, cwd=tmp_path)
    assert repaired.returncode == 0, repaired.stderr
    assert "WYASP" in run("search", "WYASP", index=index_dir, cwd=tmp_path).stdout


def test_a_damaged_kept_report_is_rebuilt_from_whoosh(tmp_path, built):
    _, pristine = built
    index_dir = tmp_path / "index"
    shutil.copytree(pristine, index_dir)
    kept = sorted((index_dir / MODELS_DIR).glob("*.json"))
    kept[0].write_text("{not json", encoding="utf-8")
    summary = reindex(index_dir)
    assert summary.counts()["unchanged"] == 2
    assert {json.loads(p.read_text().splitlines()[0])["report_id"] for p in (index_dir / MODELS_DIR).glob("*.json")} == set(
        report_ids(index_dir)
    )
