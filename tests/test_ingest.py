"""Incremental ingest, metadata from file names and metadata.csv, schema versions, one writer."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import report_index.pipeline as pipeline
from report_index.errors import IndexBusyError, IndexMissingError, SchemaMismatchError
from report_index.index.files import META_FILE
from report_index.index.store import load_reports, open_index, writer_for
from report_index.ingest.run import ingest, reindex
from report_index.search.run import search

from .conftest import CORPUS, seed_folder
from .processes import ctrl_c

REPORT_TEXT = """Report to:\tPolice and Crime Panel
Subject:\tRural Crime Update

1. PURPOSE OF THE REPORT

1.1 This report sets out progress on the Rural Crime Team and Operation Hawkshaw.

2. INFORMATION

2.1 The Rural Crime Team recovered {figure} stolen quad bikes this quarter.
"""


@pytest.fixture
def folder(tmp_path) -> Path:
    return seed_folder(tmp_path / "reports")


def test_second_ingest_does_no_extraction(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    first = ingest([CORPUS], index_dir)
    assert first.counts()["added"] == 2 and not first.failed

    def no_extraction(*_args, **_kwargs):
        raise AssertionError("an unchanged file was extracted again")

    monkeypatch.setattr(pipeline, "read_document", no_extraction)
    second = ingest([CORPUS], index_dir)
    assert second.counts() == {**second.counts(), "added": 0, "updated": 0, "unchanged": 2, "failed": 0}
    assert len(load_reports(index_dir)) == 2


def test_changed_file_replaces_its_old_passages(tmp_path, folder):
    index_dir = tmp_path / "index"
    report = folder / "2023-02-01_rural-crime.txt"
    report.write_text(REPORT_TEXT.format(figure="twelve"), encoding="utf-8")
    assert ingest([folder], index_dir).counts()["added"] == 3
    assert search(index_dir, "twelve quad bikes").hits[0].section == "2.1"

    report.write_text(REPORT_TEXT.format(figure="fourteen"), encoding="utf-8")
    summary = ingest([folder], index_dir)
    assert summary.counts()["updated"] == 1 and summary.counts()["unchanged"] == 2
    assert search(index_dir, "fourteen", expand=False).total == 1
    assert search(index_dir, "twelve", expand=False).total == 0
    assert len(load_reports(index_dir)) == 3


def test_date_from_file_name_and_metadata_csv_override(tmp_path, folder):
    index_dir = tmp_path / "index"
    (folder / "2023-02-01_rural-crime.txt").write_text(REPORT_TEXT.format(figure="nine"), encoding="utf-8")
    ingest([folder], index_dir)
    rural = next(r for r in load_reports(index_dir) if r.title == "Rural Crime Update")
    assert (rural.date, rural.date_source, rural.body) == ("2023-02-01", "filename", "Police and Crime Panel")

    (folder / "metadata.csv").write_text(
        "file,date,title,body\n2023-02-01_rural-crime.txt,14 February 2023,Rural Crime Quarterly,Police and Crime Panel\n",
        encoding="utf-8",
    )
    summary = ingest([folder], index_dir)
    assert summary.counts()["updated"] == 1  # the override changed what the file means
    rural = next(r for r in load_reports(index_dir) if "rural" in r.source)
    assert (rural.date, rural.date_source, rural.title) == ("2023-02-14", "metadata.csv", "Rural Crime Quarterly")
    assert rural.id == "2023-02-14-rural-crime-quarterly"


def test_metadata_csv_body_and_title_are_kept_as_written(tmp_path, folder):
    index_dir = tmp_path / "index"
    (folder / "rural.txt").write_text(REPORT_TEXT.format(figure="nine"), encoding="utf-8")
    (folder / "metadata.csv").write_text(
        "file,date,title,body\nrural.txt,,HMICFRS PEEL inspection,West Yorkshire Police and Crime Panel\n"
        "panel-2022.txt,,,HMICFRS\n",
        encoding="utf-8",
    )
    ingest([folder], index_dir)
    reports = {Path(r.source).name: r for r in load_reports(index_dir)}
    assert (reports["rural.txt"].title, reports["rural.txt"].body) == ("HMICFRS PEEL inspection", "West Yorkshire Police and Crime Panel")
    assert reports["panel-2022.txt"].body == "HMICFRS"


def test_files_gone_from_the_folder_are_listed_then_pruned(tmp_path, folder):
    index_dir = tmp_path / "index"
    ingest([folder], index_dir)
    (folder / "outcomes-2021.txt").unlink()
    listed = ingest([folder], index_dir)
    assert [Path(m).name for m in listed.missing] == ["outcomes-2021.txt"]
    assert len(load_reports(index_dir)) == 2  # still there until pruned
    pruned = ingest([folder], index_dir, prune=True)
    assert pruned.counts()["removed"] == 1
    assert [r.date for r in load_reports(index_dir)] == ["2022-06-10"]
    assert search(index_dir, "Transparency in Supply Chains").total == 0


def test_same_content_twice_is_one_report(tmp_path, folder):
    index_dir = tmp_path / "index"
    shutil.copy(folder / "panel-2022.txt", folder / "panel-2022 (1).txt")
    summary = ingest([folder], index_dir)
    assert summary.counts()["added"] == 2 and summary.counts()["duplicate"] == 1
    assert "same content as" in summary.of("duplicate")[0].reason


def test_index_of_another_schema_is_never_read_blindly(tmp_path, folder):
    index_dir = tmp_path / "index"
    ingest([folder], index_dir)
    (index_dir / META_FILE).write_text(json.dumps({"schema_version": 0}), encoding="utf-8")
    with pytest.raises(SchemaMismatchError, match="reindex"):
        search(index_dir, "WYASP")
    summary = reindex(index_dir)
    assert summary.counts()["unchanged"] == 2  # rebuilt from the kept reports: no file read again
    assert {o.reason for o in summary.outcomes} == {"rebuilt from the kept report"}
    assert json.loads((index_dir / META_FILE).read_text())["schema_version"] >= 1
    assert search(index_dir, "WYASP").total > 0


def test_searching_before_any_ingest_says_how_to_ingest(tmp_path):
    with pytest.raises(IndexMissingError, match="report-index ingest"):
        search(tmp_path / "nothing-here", "SmartWater")


def test_one_writer_at_a_time(tmp_path, folder):
    index_dir = tmp_path / "index"
    ingest([folder], index_dir)
    ix = open_index(index_dir)
    holder = writer_for(ix, index_dir)
    try:
        with pytest.raises(IndexBusyError, match="busy"):
            ingest([folder], index_dir)
        assert search(index_dir, "SmartWater").total == 1  # readers are not blocked
    finally:
        holder.cancel()
    assert ingest([folder], index_dir).counts()["unchanged"] == 2


def test_interrupted_ingest_leaves_the_previous_index(tmp_path, folder, monkeypatch, sigint_handled):
    index_dir = tmp_path / "index"
    ingest([folder], index_dir)
    before = [h.id for h in search(index_dir, "modern slavery", limit=50).hits]
    # files are read in name order: the rewritten panel report is replaced before the interruption
    (folder / "rural-crime-2023-02-01.txt").write_text(REPORT_TEXT.format(figure="six"), encoding="utf-8")
    (folder / "panel-2022.txt").write_text("1. PURPOSE\n\n1.1 Rewritten.\n", encoding="utf-8")

    real = pipeline.extract_report
    ingest_pid = os.getpid()

    def interrupt(path, *args, **kwargs):
        if "rural" in path.name:
            ctrl_c(ingest_pid)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "extract_report", interrupt)
    with pytest.raises(KeyboardInterrupt):
        ingest([folder], index_dir)
    assert [h.id for h in search(index_dir, "modern slavery", limit=50).hits] == before
    assert search(index_dir, "Rewritten", expand=False).total == 0
    assert len(load_reports(index_dir)) == 2


def test_passages_leave_report_fields_to_the_report_and_spelling_words_come_once_a_report(corpus_index):
    from report_index.index.schema import spelling_analyzer

    with open_index(corpus_index).searcher() as searcher:
        stored = list(searcher.all_stored_fields())
        passages = [f for f in stored if f["kind"] != "report"]
        assert len(passages) > 100
        assert not any("title" in f or "body" in f for f in passages)  # hits take them from the catalogue
        reader = searcher.reader()
        words = {word.decode("utf-8") for word in reader.lexicon("spell")}
        spelled_in = {docnum for word in words for docnum in reader.postings("spell", word).all_ids()}
        assert {searcher.stored_fields(n)["kind"] for n in spelled_in} == {"report"}
    expected = {token.text for f in stored for token in spelling_analyzer()(f["text"])}
    assert words == expected
    assert {"smartwater", "stalking", "encompass"} <= words


def test_saved_report_model_is_the_dataclasses_view_of_it(corpus_index):
    """Report.to_dict (what the index keeps, and what loading reads back) is ``asdict``'s view."""
    from dataclasses import asdict

    from report_index.models import Report

    reports = load_reports(corpus_index)
    assert sum(len(r.mentions) for r in reports) > 20 and sum(len(r.measures) for r in reports) > 5
    for report in reports:
        assert report.to_dict() == asdict(report)
        assert Report.from_dict(json.loads(json.dumps(report.to_dict()))) == report
