"""Initiatives across reports: the list, the progress timeline, search by initiative, user lists."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import report_index.pipeline as pipeline
from report_index.cli import main
from report_index.ingest.run import ingest
from report_index.search.run import search
from report_index.text.clean import comparable

from .conftest import CORPUS, FIXTURES, GOLD

SYNTHETIC = FIXTURES / "synthetic"


def run(index_dir: Path, *args: str):
    result = CliRunner().invoke(main, ["--index", str(index_dir), *args])
    return result


def progress_json(index_dir: Path, name: str) -> dict:
    result = run(index_dir, "progress", name, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("expected", GOLD["progress"], ids=[p["initiative"] for p in GOLD["progress"]])
def test_gold_progress_expectations(corpus_index, expected):
    data = progress_json(corpus_index, expected["initiative"])
    timeline = data["timeline"]
    assert [e["report_date"] for e in timeline] == sorted(e["report_date"] for e in timeline)
    by_date = {e["report_date"]: e for e in timeline}
    for date in expected["mentioned_in"]:
        assert by_date[date]["mentioned"] and by_date[date]["mentions"], date
    for date in expected.get("not_mentioned_in", []):
        assert not by_date[date]["mentioned"] and by_date[date]["mentions"] == []
    if "order" in expected:
        assert [e["report_date"] for e in timeline if e["mentioned"]] == expected["order"]
    texts = " ".join(comparable(m["passage"]) for e in timeline for m in e["mentions"])
    for snippet in expected.get("must_contain", []):
        assert comparable(snippet) in texts, snippet
    if "status" in expected:
        statuses = [m["status"] for e in timeline for m in e["mentions"]]
        assert expected["status"] in statuses


def test_gold_initiatives_are_listed_with_their_reports(corpus_index):
    result = run(corpus_index, "initiatives", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)["initiatives"]
    for item in listed:
        assert set(item) >= {"id", "name", "aliases", "mentions", "reports", "first_seen", "last_seen"}
    missing = []
    for gold in GOLD["initiatives"]:
        names = [gold["name"], *gold.get("aliases", [])]
        match = next(
            (i for i in listed if any(comparable(n) in {comparable(i["name"]), *map(comparable, i["aliases"])} for n in names)),
            None,
        )
        if match is None or sorted(r["date"] for r in match["reports"]) != sorted(gold["reports"]):
            missing.append(gold["name"])
    assert not missing, f"gold initiatives not listed with their reports: {missing}"


def test_progress_smartwater_reads_as_a_citable_timeline(corpus_index):
    result = run(corpus_index, "progress", "smartwater")
    assert result.exit_code == 0
    text = result.output
    assert "2021-06-15  Safeguarding (Community Outcomes Meeting)\n  not mentioned" in text
    assert "2022-06-10  Safeguarding Report (Police and Crime Panel)" in text
    assert "[live] para 2.5.6, p. 6" in text and "four of the five Districts" in text
    assert "para 2.5.7, p. 6 (follow-up)" in text


def test_aliases_resolve_in_any_case(corpus_index):
    spo = progress_json(corpus_index, "spos")["initiative"]
    assert spo["id"] == progress_json(corpus_index, "Stalking Prevention Orders")["initiative"]["id"]
    assert progress_json(corpus_index, "Clare\u2019s Law")["initiative"] == progress_json(corpus_index, "DVDS")["initiative"]
    for alias in ("DAPO", "WYASP", "NMM2"):
        assert any(e["mentioned"] for e in progress_json(corpus_index, alias)["timeline"]), alias


def test_unknown_initiative_suggests_close_matches(corpus_index):
    result = run(corpus_index, "progress", "SmartWatr")
    assert result.exit_code == 1
    assert "no initiative called 'SmartWatr'" in result.output and "SmartWater" in result.output


def test_search_by_initiative(corpus_index):
    hits = search(corpus_index, "victims", initiative="SmartWater", limit=20).hits
    assert hits and {h.section for h in hits} <= {"2.5.6", "2.5.7"}
    spo = search(corpus_index, "orders", initiative="SPO", limit=20).hits
    assert {h.section for h in spo} >= {"2.6.1", "1.4"}
    assert all("Forced Marriage" not in h.text for h in spo)


@pytest.fixture(scope="module")
def synthetic_index(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("synthetic-progress")
    assert ingest([SYNTHETIC], index_dir).counts()["added"] == 3
    return index_dir


def test_synthetic_progress_shows_status_and_figure_changes(synthetic_index):
    timeline = progress_json(synthetic_index, "SmartWater")["timeline"]
    assert [e["report_date"] for e in timeline] == ["2022-06-09", "2023-06-08", "2024-06-13"]
    statuses = [[m["status"] for m in e["mentions"]] for e in timeline]
    assert [s[0] for s in statuses] == ["pilot", "live", "expanded"]
    victims = [[f["value"] for m in e["mentions"] for f in m["figures"] if f["counts"] == "victims"] for e in timeline]
    assert victims == [[40], [120], [210]]
    assert "pilot" in timeline[1]["change"] and "live" in timeline[1]["change"]
    assert "120" in timeline[2]["change"] and "210" in timeline[2]["change"]
    encompass = progress_json(synthetic_index, "Operation Encompass")["timeline"]
    assert [e["mentions"][0]["status"] for e in encompass] == ["planned", "live", "review"]


def test_user_initiative_list_is_kept_and_only_reannotates(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    ingest([CORPUS], index_dir)
    assert run(index_dir, "progress", "Karma Nirvana training").exit_code == 1

    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps([{"name": "Karma Nirvana training", "aliases": ["Karma Nirvana"], "kind": "training"}]))

    def no_extraction(*_args, **_kwargs):
        raise AssertionError("only the initiative list changed: no file should be extracted again")

    monkeypatch.setattr(pipeline, "read_document", no_extraction)
    result = run(index_dir, "ingest", str(CORPUS), "--initiatives", str(mine))
    assert result.exit_code == 0, result.output
    assert "2 updated" in result.output
    timeline = progress_json(index_dir, "karma nirvana")["timeline"]
    assert [e["report_date"] for e in timeline if e["mentioned"]] == ["2022-06-10"]
    assert timeline[1]["mentions"][0]["section"] == "2.7.2"
    again = run(index_dir, "ingest", str(CORPUS))  # the list is kept with the index
    assert "2 unchanged" in again.output


def test_an_undated_report_is_shown_apart_and_never_taken_for_the_newest(tmp_path):
    """A report with no date anywhere comes after the dated ones, under "Undated", compared with
    nothing: its "planned" is not a change from the newest dated report's "expanded"."""
    folder = tmp_path / "reports"
    shutil.copytree(SYNTHETIC, folder)
    (folder / "smartwater-note.txt").write_text(
        "SMARTWATER NOTE\n\n1. SMARTWATER\n\n1.1 The SmartWater scheme is planned for the rural wards.\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "index"
    ingest([folder], index_dir)
    timeline = progress_json(index_dir, "SmartWater")["timeline"]
    assert [e["report_date"] for e in timeline] == ["2022-06-09", "2023-06-08", "2024-06-13", None]
    assert timeline[-1]["mentions"][0]["status"] == "planned"
    assert timeline[-1]["change"] == ""
    assert "210" in timeline[2]["change"]  # the dated reports compare as before
    text = CliRunner().invoke(main, ["--index", str(index_dir), "progress", "SmartWater"]).output
    dated, _, undated = text.partition("Undated (their place in time is unknown")
    assert "2024-06-13" in dated and "smartwater-note" not in dated.lower()
    assert "undated  " in undated and "Change:" not in undated
