"""The command-line contract, through click's CliRunner and one real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from report_index.cli import main

from .conftest import CORPUS


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_ingest_then_reingest(runner, tmp_path):
    index_dir = str(tmp_path / "index")
    first = runner.invoke(main, ["--index", index_dir, "ingest", str(CORPUS)])
    assert first.exit_code == 0, first.output
    assert "2 added, 0 updated, 0 unchanged, 0 failed" in first.output
    second = runner.invoke(main, ["ingest", str(CORPUS), "--index", index_dir])
    assert second.exit_code == 0
    assert "0 added, 0 updated, 2 unchanged, 0 failed" in second.output


def test_index_location_from_environment(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("REPORT_INDEX_DIR", str(tmp_path / "env-index"))
    assert runner.invoke(main, ["ingest", str(CORPUS)]).exit_code == 0
    assert (tmp_path / "env-index" / "report-index.json").is_file()
    result = runner.invoke(main, ["search", "TecSOS", "--json"])
    assert json.loads(result.output)["total"] == 1


def test_search_json_contract(runner, corpus_index):
    result = runner.invoke(main, ["--index", str(corpus_index), "search", "Stalking Protection Orders", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["query"] == "Stalking Protection Orders" and data["total"] >= 3
    hit = data["hits"][0]
    assert set(hit) >= {
        "report_id", "report_title", "report_date", "report_body", "source", "section",
        "heading", "page", "kind", "text", "snippet", "score",
    }
    assert (hit["report_date"], hit["section"], hit["heading"], hit["page"]) == (
        "2022-06-10", "2.6.1", "Stalking and Harassment", 6,
    )
    assert hit["text"].startswith("Following a detailed review") and hit["text"].endswith("now underway")
    assert "**Stalking Protection Orders**" in hit["snippet"].replace("** **", " ")


def test_search_text_output_is_cited_and_plain_when_piped(runner, corpus_index):
    result = runner.invoke(main, ["--index", str(corpus_index), "search", "SmartWater"])
    assert result.exit_code == 0
    assert "Safeguarding Report \u00b7 Police and Crime Panel \u00b7 2022-06-10" in result.output
    assert "para 2.5.6 \u00b7 Domestic Abuse \u00b7 p. 6" in result.output
    assert "\x1b[" not in result.output and "**" not in result.output
    colour = runner.invoke(main, ["--index", str(corpus_index), "search", "SmartWater"], color=True)
    assert "\x1b[1mSmartWater" in colour.output


def test_no_hits_exit_zero_with_message(runner, corpus_index):
    result = runner.invoke(main, ["--index", str(corpus_index), "search", "xylophone"])
    assert result.exit_code == 0 and 'No passages match "xylophone"' in result.output
    as_json = runner.invoke(main, ["--index", str(corpus_index), "search", "xylophone", "--json"])
    assert json.loads(as_json.output) == {"query": "xylophone", "total": 0, "hits": []}


def test_user_errors_are_one_line_without_traceback(runner, corpus_index, tmp_path):
    cases = [
        (["--index", str(tmp_path / "none"), "search", "SmartWater"], "report-index ingest"),
        (["--index", str(corpus_index), "search", '"unclosed'], "unmatched double quote"),
        (["--index", str(corpus_index), "search", "x", "--from", "someday"], "not a date"),
        (["--index", str(corpus_index), "show", "1999"], "no ingested report matches"),
        (["--index", str(corpus_index), "show", "2022", "--section", "9.9"], "no section '9.9'"),
        (["--index", str(tmp_path), "ingest", str(tmp_path / "missing-folder")], "does not exist"),
    ]
    for args, message in cases:
        result = runner.invoke(main, args)
        assert result.exit_code == 1, args
        assert message in result.output
        assert "Traceback" not in result.output
        assert isinstance(result.exception, SystemExit)  # a clean exit, not an uncaught error


def test_reports_and_show(runner, corpus_index):
    listed = json.loads(runner.invoke(main, ["--index", str(corpus_index), "reports", "--json"]).output)["reports"]
    assert [(r["id"], r["date"], r["body"]) for r in listed] == [
        ("2021-06-15-safeguarding", "2021-06-15", "Community Outcomes Meeting"),
        ("2022-06-10-safeguarding-report", "2022-06-10", "Police and Crime Panel"),
    ]
    assert listed[1]["pages"] == 11 and listed[1]["sections"] == 18

    outline = runner.invoke(main, ["--index", str(corpus_index), "show", "2022-06-10"]).output
    assert "Author:    Wendy Stevens, Research Manager" in outline
    assert "    2.5 Domestic Abuse  p. 5" in outline

    section = runner.invoke(main, ["--index", str(corpus_index), "show", "2022-06-10-safeguarding-report", "--section", "2.6"])
    assert section.exit_code == 0
    assert section.output.count("\n2.6.") == 4 and "Stalking Screening Tool" in section.output


def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "report_index", "--help"], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0
    for command in ("ingest", "search", "reports", "show", "reindex"):
        assert command in result.stdout
