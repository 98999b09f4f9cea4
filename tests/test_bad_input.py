"""Bad input is handled: every unreadable file is named with a reason a user understands, the
good files beside it are still ingested, the existing index is left intact, and the command line
never shows a traceback.

All input files are generated into ``tmp_path`` by ``tests/badfiles.py``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from . import badfiles
from .badfiles import (
    BAD_FILES,
    BAD_ONLY_WORDS,
    BOM_WORD,
    BROKEN_XREF_WORD,
    CRLF_WORD,
    GOOD_PDF_WORD,
    GOOD_TXT,
    GOOD_TXT_WORD,
    LIGATURE_WORDS,
    OWNER_ONLY_WORD,
    UNICODE_WORDS,
)

from report_index.cli import main
from report_index.errors import IndexMissingError, QueryError
from report_index.index.store import load_reports
from report_index.ingest.run import ingest
from report_index.pipeline import extract_report
from report_index.search.run import search

GOOD_WORDS = (GOOD_TXT_WORD, GOOD_PDF_WORD, OWNER_ONLY_WORD)


# --------------------------------------------------------------------------------------------
# Helpers and fixtures


def outcome_for(summary, name: str):
    """The one outcome whose path names the file ``name``."""
    found = [o for o in summary.outcomes if Path(o.path).name == name]
    assert len(found) == 1, f"expected one outcome for {name}, got {found} in {summary.outcomes}"
    return found[0]


def assert_reason_says(reason: str, groups) -> None:
    lowered = reason.lower()
    for alternatives in groups:
        assert any(word.lower() in lowered for word in alternatives), f"reason {reason!r} lacks any of {alternatives}"
    # A reason meant for a user, not a leaked exception.
    assert "Traceback" not in reason
    assert "unexpected extraction error" not in lowered
    assert len(reason) < 300


def hits_of(index_dir: Path, word: str) -> list[tuple[str, str, str]]:
    """Comparable hits for ``word``: (passage id, report id, text)."""
    return [(hit.id, hit.report_id, hit.text) for hit in search(index_dir, word, limit=50).hits]


def snapshot(index_dir: Path) -> dict:
    """Everything a user could see of the good reports: hits per word, and the report list."""
    return {
        "hits": {word: hits_of(index_dir, word) for word in (GOOD_TXT_WORD, GOOD_PDF_WORD, "neighbourhood")},
        "reports": sorted((r.id, r.source, len(r.paragraphs)) for r in load_reports(index_dir)),
    }


def make_runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        return CliRunner()  # click >= 8.2: result.stderr is always separate


def stderr_of(result) -> str:
    try:
        return result.stderr
    except ValueError:  # pragma: no cover - stderr mixed into output
        return result.output


def assert_no_traceback(result) -> None:
    """CliRunner catches exceptions: a crash shows as result.exception, not in the output."""
    assert "Traceback" not in result.output
    assert "Traceback" not in stderr_of(result)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def good_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "good"
    folder.mkdir()
    badfiles.good_txt(folder)
    badfiles.good_pdf(folder)
    return folder


# Both empty files have the same (empty) content: see test_two_empty_files_are_both_reported_empty.
MIXED_BAD = [name for name in BAD_FILES if name != "empty.txt"]


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    """Good files, bad files and an unsupported file side by side."""
    folder = tmp_path / "mixed"
    badfiles.make_bad_files(folder, MIXED_BAD)
    badfiles.good_txt(folder)
    badfiles.good_pdf(folder)
    badfiles.owner_only_encrypted_pdf(folder)
    badfiles.unsupported_file(folder)
    return folder


# --------------------------------------------------------------------------------------------
# Each bad file on its own


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_file_fails_with_a_reason_a_user_understands(tmp_path: Path, index_dir: Path, name: str) -> None:
    folder = tmp_path / "in"
    bad = badfiles.make_bad_file(folder, name)
    badfiles.good_txt(folder)
    _, groups = BAD_FILES[name]

    summary = ingest([folder], index_dir)

    outcome = outcome_for(summary, name)
    assert outcome.status == "failed", outcome
    assert Path(outcome.path) == bad
    assert outcome.report_id == ""
    assert_reason_says(outcome.reason, groups)
    assert summary.failed is True
    assert summary.counts()["failed"] == 1
    good = outcome_for(summary, "good-report.txt")
    assert good.status == "added"
    assert [hit[1] for hit in hits_of(index_dir, GOOD_TXT_WORD)] == [good.report_id]
    for word in BAD_ONLY_WORDS:
        assert hits_of(index_dir, word) == []


def test_reasons_for_each_kind_of_damage_are_specific(tmp_path: Path, index_dir: Path) -> None:
    """Not one catch-all message: each problem gets its own explanation."""
    folder = tmp_path / "in"
    badfiles.make_bad_files(folder, MIXED_BAD)
    summary = ingest([folder], index_dir)
    reasons = {Path(o.path).name: o.reason for o in summary.of("failed")}
    assert set(reasons) == set(MIXED_BAD)
    empties = [name for name in reasons if name.startswith("empty.")]  # every empty file reads alike
    assert len(set(reasons.values())) >= len(MIXED_BAD) - 1 - (len(empties) - 1)  # truncated and corrupt may too
    assert reasons["encrypted.pdf"].startswith("encrypted PDF")
    assert "damaged" not in reasons["encrypted.pdf"]
    assert reasons["download.pdf"].startswith("not a PDF")
    assert "HTML" in reasons["download.pdf"]
    assert "OCR" in reasons["scan.pdf"]
    assert reasons["empty.pdf"] == "empty file (0 bytes)"
    # The pdfminer detail is said once, not once per chained exception.
    for name in ("truncated.pdf", "corrupt.pdf"):
        detail = reasons[name].partition("(")[2]
        assert detail, reasons[name]
        first = detail.rstrip(")").split(" ")[:3]
        assert reasons[name].count(" ".join(first)) == 1, reasons[name]


# --------------------------------------------------------------------------------------------
# Good files beside bad ones


def test_good_files_next_to_bad_ones_are_ingested_and_searchable(mixed_folder: Path, index_dir: Path) -> None:
    summary = ingest([mixed_folder], index_dir)

    assert sorted(Path(o.path).name for o in summary.of("failed")) == sorted(MIXED_BAD)
    for name in MIXED_BAD:
        outcome = outcome_for(summary, name)
        assert_reason_says(outcome.reason, BAD_FILES[name][1])
    added = {Path(o.path).name: o.report_id for o in summary.of("added")}
    assert set(added) == {"good-report.txt", "good-report.pdf", "owner-only.pdf"}
    assert summary.counts() == {
        "added": 3,
        "updated": 0,
        "unchanged": 0,
        "failed": len(MIXED_BAD),
        "skipped": 1,
        "duplicate": 0,
        "removed": 0,
        "kept": 0,
    }
    for word, name in ((GOOD_TXT_WORD, "good-report.txt"), (GOOD_PDF_WORD, "good-report.pdf"), (OWNER_ONLY_WORD, "owner-only.pdf")):
        hits = search(index_dir, word).hits
        assert len(hits) == 1, (word, hits)
        assert hits[0].report_id == added[name]
        assert word in hits[0].text
        assert Path(hits[0].source).name == name
    for word in BAD_ONLY_WORDS:
        assert hits_of(index_dir, word) == []
    assert sorted(r.id for r in load_reports(index_dir)) == sorted(added.values())


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path, index_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    pdf = badfiles.owner_only_encrypted_pdf(folder)
    assert b"/Encrypt" in pdf.read_bytes()  # really encrypted

    summary = ingest([folder], index_dir)

    outcome = outcome_for(summary, "owner-only.pdf")
    assert (outcome.status, outcome.reason) == ("added", "")
    hits = search(index_dir, OWNER_ONLY_WORD).hits
    assert [h.report_id for h in hits] == [outcome.report_id]
    assert hits[0].text.startswith(f"This page of the report mentions the unique word {OWNER_ONLY_WORD}")
    assert hits[0].section == "1.1"
    (report,) = load_reports(index_dir)
    assert report.date == "2023-03-03"
    assert report.page_count == 1


def test_unsupported_file_is_skipped_with_a_note_not_failed(tmp_path: Path, index_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    docx = badfiles.unsupported_file(folder)
    badfiles.good_txt(folder)

    summary = ingest([folder], index_dir)

    outcome = outcome_for(summary, "notes.xlsx")
    assert outcome.status == "skipped"
    assert Path(outcome.path) == docx
    assert "not a report file type" in outcome.reason and ".xlsx" in outcome.reason
    assert summary.failed is False
    assert summary.counts()["added"] == 1
    assert len(hits_of(index_dir, GOOD_TXT_WORD)) == 1


# --------------------------------------------------------------------------------------------
# The existing index stays intact


def test_folder_of_bad_files_leaves_the_index_as_it_was(good_folder: Path, tmp_path: Path, index_dir: Path) -> None:
    first = ingest([good_folder], index_dir)
    assert first.counts()["added"] == 2 and not first.failed
    before = snapshot(index_dir)
    assert len(before["hits"][GOOD_TXT_WORD]) == 1 and len(before["hits"][GOOD_PDF_WORD]) == 1

    bad_folder = tmp_path / "bad"
    badfiles.make_bad_files(bad_folder, MIXED_BAD)
    summary = ingest([bad_folder], index_dir)

    assert summary.counts()["failed"] == len(MIXED_BAD)
    assert summary.counts()["added"] == 0
    assert summary.missing == []  # the good folder was not part of this run
    assert snapshot(index_dir) == before


def test_good_file_overwritten_with_garbage_keeps_its_old_entries(good_folder: Path, index_dir: Path) -> None:
    first = ingest([good_folder], index_dir)
    ids = {Path(o.path).name: o.report_id for o in first.of("added")}
    before = snapshot(index_dir)

    (good_folder / "good-report.txt").write_bytes(badfiles.garbage_bytes())
    (good_folder / "good-report.pdf").write_bytes(badfiles.corrupt_pdf(good_folder.parent, "scratch.pdf").read_bytes())

    second = ingest([good_folder], index_dir)
    txt = outcome_for(second, "good-report.txt")
    pdf = outcome_for(second, "good-report.pdf")
    assert txt.status == "failed" and "binary data" in txt.reason
    assert pdf.status == "failed" and "damaged" in pdf.reason
    assert second.counts()["updated"] == 0
    assert snapshot(index_dir) == before
    assert {r.id for r in load_reports(index_dir)} == set(ids.values())

    # Still broken on the next run: reported again, never taken as "unchanged".
    third = ingest([good_folder], index_dir)
    assert sorted(o.status for o in third.outcomes) == ["failed", "failed"]
    assert snapshot(index_dir) == before

    # Mended with new content: the old entries are replaced, not added to.
    (good_folder / "good-report.txt").write_text(GOOD_TXT.replace(GOOD_TXT_WORD, "phoenixmoor"), encoding="utf-8")
    fourth = ingest([good_folder], index_dir)
    assert outcome_for(fourth, "good-report.txt").status == "updated"
    assert hits_of(index_dir, GOOD_TXT_WORD) == []
    assert len(hits_of(index_dir, "phoenixmoor")) == 1
    assert hits_of(index_dir, GOOD_PDF_WORD) == before["hits"][GOOD_PDF_WORD]


# --------------------------------------------------------------------------------------------
# Command line


def test_cli_ingest_names_each_failed_file_and_exits_1(mixed_folder: Path, index_dir: Path) -> None:
    result = make_runner().invoke(main, ["--index", str(index_dir), "ingest", str(mixed_folder)])

    assert_no_traceback(result)
    assert result.exit_code == 1
    err = stderr_of(result)
    failed_lines = [line for line in err.splitlines() if line.startswith("FAILED")]
    assert len(failed_lines) == len(MIXED_BAD), err
    for name in MIXED_BAD:
        (line,) = [line for line in failed_lines if f"{name}: " in line]
        assert_reason_says(line.split(f"{name}: ", 1)[1], BAD_FILES[name][1])
    assert any(line.startswith("skipped") and "notes.xlsx" in line for line in err.splitlines()), err
    assert f"3 added, 0 updated, 0 unchanged, {len(MIXED_BAD)} failed" in result.stdout
    assert len(hits_of(index_dir, GOOD_TXT_WORD)) == 1


def test_cli_ingest_exits_0_when_all_is_well(good_folder: Path, index_dir: Path) -> None:
    badfiles.unsupported_file(good_folder)  # a note, not a failure
    runner = make_runner()

    result = runner.invoke(main, ["--index", str(index_dir), "ingest", str(good_folder)])

    assert_no_traceback(result)
    assert result.exit_code == 0
    assert "2 added, 0 updated, 0 unchanged, 0 failed, 1 skipped." in result.stdout
    assert "FAILED" not in stderr_of(result)
    assert "notes.xlsx: not a report file type" in stderr_of(result)

    again = runner.invoke(main, ["--index", str(index_dir), "ingest", str(good_folder)])
    assert_no_traceback(again)
    assert again.exit_code == 0
    assert "0 added, 0 updated, 2 unchanged, 0 failed" in again.stdout


def test_search_before_any_ingest_tells_the_user_to_ingest(tmp_path: Path) -> None:
    empty = tmp_path / "EMPTYDIR"
    empty.mkdir()

    result = make_runner().invoke(main, ["--index", str(empty), "search", "foo"])

    assert_no_traceback(result)
    assert result.exit_code != 0
    err = stderr_of(result)
    assert "report-index ingest" in err
    assert len(err.strip().splitlines()) == 1
    assert result.stdout == ""
    assert list(empty.iterdir()) == []  # searching did not create an index
    with pytest.raises(IndexMissingError, match="report-index ingest"):
        search(empty, "foo")


@pytest.mark.parametrize(
    ("query", "says"),
    [('"unclosed phrase', "double quote"), ("(unbalanced OR parenthesis", "parentheses"), ("the", "no searchable words")],
)
def test_malformed_query_gives_a_one_line_error(good_folder: Path, index_dir: Path, query: str, says: str) -> None:
    ingest([good_folder], index_dir)

    result = make_runner().invoke(main, ["--index", str(index_dir), "search", query])

    assert_no_traceback(result)
    assert result.exit_code == 1
    err = stderr_of(result)
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("Error: ") and says in err
    assert result.stdout == ""
    with pytest.raises(QueryError, match=says):
        search(index_dir, query)


# --------------------------------------------------------------------------------------------
# Awkward folders


def _run_with_timeout(func, seconds: float = 20.0):
    """Run ``func`` in a daemon thread so that a hang fails the test instead of blocking it."""
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # re-raised below, in the test's thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"hung for more than {seconds} s"
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture
def awkward_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "awkward"
    papers = folder / "Panel papers"
    papers.mkdir(parents=True)
    badfiles.good_txt(papers, "R\u00e9\u00adport 2023.txt")  # é and a soft hyphen
    os.symlink(folder, folder / "loop")  # a folder that contains itself
    os.symlink(folder, papers / "up")  # and a loop from one level down
    return folder


def test_symlink_loop_and_non_ascii_path_ingest_once(awkward_folder: Path, index_dir: Path) -> None:
    summary = _run_with_timeout(lambda: ingest([awkward_folder], index_dir))

    assert [o.status for o in summary.outcomes] == ["added"], summary.outcomes
    (outcome,) = summary.outcomes
    assert outcome.path == str(awkward_folder / "Panel papers" / "R\u00e9\u00adport 2023.txt")
    hits = search(index_dir, GOOD_TXT_WORD).hits
    assert len(hits) == 1
    assert hits[0].source == str((awkward_folder / "Panel papers" / "R\u00e9\u00adport 2023.txt").resolve())

    result = _run_with_timeout(
        lambda: make_runner().invoke(main, ["--index", str(index_dir), "ingest", str(awkward_folder)])
    )
    assert_no_traceback(result)
    assert result.exit_code == 0
    assert "0 added, 0 updated, 1 unchanged, 0 failed." in result.stdout


# --------------------------------------------------------------------------------------------
# Identical bad files, and a symbolic link to itself


def test_two_empty_files_are_both_reported_empty(tmp_path: Path, index_dir: Path) -> None:
    folder = tmp_path / "in"
    badfiles.make_bad_files(folder, ["empty.pdf", "empty.txt"])

    summary = ingest([folder], index_dir)

    for name in ("empty.pdf", "empty.txt"):
        outcome = outcome_for(summary, name)
        assert outcome.status == "failed", outcome
        assert "empty" in outcome.reason


def test_cli_ingest_with_a_self_referencing_symlink_has_no_traceback(tmp_path: Path, index_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    badfiles.good_txt(folder)
    os.symlink(folder / "self", folder / "self")

    result = make_runner().invoke(main, ["--index", str(index_dir), "ingest", str(folder)])

    assert_no_traceback(result)
    assert result.exit_code == 0
    assert "self: broken or looping symbolic link" in stderr_of(result)


# --------------------------------------------------------------------------------------------
# A broken cross-reference table, odd fonts and encodings


def test_pdf_with_a_wrong_startxref_is_read_as_if_whole_or_named_damaged(tmp_path: Path, index_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    pdf = badfiles.broken_xref_pdf(folder)
    data = pdf.read_bytes()
    offset = int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert not data[offset:].startswith(b"xref")  # really broken: the offset misses the table

    summary = ingest([folder], index_dir)

    outcome = outcome_for(summary, pdf.name)
    if outcome.status == "failed":  # a reader that cannot rebuild the table must say so plainly
        assert_reason_says(outcome.reason, [("damaged",)])
        return
    # pdfminer rebuilds the table: then the report must be exactly what the intact file gives.
    assert outcome.status == "added", outcome
    whole = tmp_path / "whole"
    whole.mkdir()
    intact = badfiles._report_pdf(whole / pdf.name, BROKEN_XREF_WORD, title="Broken Xref Report")
    expected = extract_report(intact, intact.read_bytes())
    (report,) = load_reports(index_dir)
    assert [(p.section, p.pages, p.text) for p in report.paragraphs] == [
        (p.section, p.pages, p.text) for p in expected.paragraphs
    ]
    assert (report.date, report.body, report.page_count) == ("2023-03-03", "Police and Crime Panel", 1)
    assert len(hits_of(index_dir, BROKEN_XREF_WORD)) == 1


def test_truetype_pdf_with_non_latin_text_and_ligatures(tmp_path: Path, index_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    pdf = badfiles.truetype_pdf(folder)
    assert b"FontFile2" in pdf.read_bytes()  # an embedded TrueType font
    import pdfplumber

    with pdfplumber.open(pdf) as document:  # whose text layer really has the ligature characters
        drawn = "".join(char["text"] for char in document.pages[0].chars)
    assert {"\ufb00", "\ufb01", "\ufb02", "\ufb03"} <= set(drawn)

    summary = ingest([folder], index_dir)

    assert outcome_for(summary, pdf.name).status == "added"
    (report,) = load_reports(index_dir)
    texts = {p.section: p.text for p in report.paragraphs}
    assert texts == {
        "1.1": "Heddlu Gogledd Cymru: Gwasanaeth i'r gymuned, \u0175yn a \u0177d.",
        "1.2": "Partners abroad: \u03b1\u03c3\u03c4\u03c5\u03bd\u03bf\u03bc\u03af\u03b1 (Greek) and "
        "\u043f\u043e\u043b\u0438\u0446\u0438\u044f (Russian) took part.",
        "1.3": "The efficient office filed the flagship affidavits.",  # ligature glyphs spelt out
    }
    for word in (*UNICODE_WORDS, *LIGATURE_WORDS, "\u0175yn", "wyn"):
        assert len(hits_of(index_dir, word)) == 1, word


def test_text_file_with_a_bom_and_windows_line_endings(tmp_path: Path, index_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = badfiles.bom_crlf_txt(folder)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in path.read_bytes()

    summary = ingest([folder], index_dir)

    assert outcome_for(summary, path.name).status == "added"
    (report,) = load_reports(index_dir)
    # The title block is read as if the file were plain UTF-8 with Unix line ends.
    assert (report.body, report.date, report.title) == ("Police and Crime Panel", "2023-03-03", "Caf\u00e9 Culture Report")
    assert [p.section for p in report.paragraphs] == ["1.1", "1.2", "2.1"]
    assert not any("\ufeff" in p.text or "\r" in p.text for p in report.paragraphs)
    assert [hit[2] for hit in hits_of(index_dir, BOM_WORD)] == [f"This report mentions a unique word {BOM_WORD} and {CRLF_WORD}."]
