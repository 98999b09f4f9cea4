"""Shared fixtures: the bundled corpus, the gold expectations, and an index built from the corpus."""

from __future__ import annotations

import json
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


def gold_report(seed: str) -> dict:
    return next(r for r in GOLD["reports"] if r["seed"] == seed)


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    """An index of the bundled corpus, built once per test session; tests must not write to it."""
    index_dir = tmp_path_factory.mktemp("corpus-index")
    summary = ingest([CORPUS], index_dir)
    assert summary.counts()["added"] == 2, summary.outcomes
    return index_dir
