"""The search-at-scale benchmark (``scripts/bench.py --passages N``): its corpus is deterministic,
made of the seed reports' sentences, with a vocabulary that grows with it; its queries mean the
same to FTS5 as to report-index; a small run prints every engine's figures and the targets."""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
sys.path.insert(0, str(SCRIPTS))

import bench  # noqa: E402


def test_the_passages_are_deterministic_and_the_vocabulary_grows():
    assert list(bench.scale_passages(50)) == list(bench.scale_passages(50))
    sentences, headings = bench.seed_sentences()
    assert len(sentences) > 200 and headings
    names = collections.Counter(w.strip(".,") for p in bench.scale_passages(20_000) for w in p.split() if w.strip(".,").endswith("ton"))
    small = {w for p in bench.scale_passages(2_000) for w in p.split() if w.strip(".,").endswith("ton")}
    assert len(names) > 3 * len(small)  # a Zipfian tail: ten times the passages, many more words
    (top, count), *_ = names.most_common(1)
    assert count > 100 * names[bench.generated_name(300)]
    # a generated name never splits a name of capitals ("Domestic Abuse Protection Orders")
    assert not any("Domestic " + n in p for p in bench.scale_passages(5_000) for n in list(names)[:50])


def test_the_queries_mean_the_same_to_fts5():
    assert bench.fts5_query("stalking orders") == '"stalking" OR "orders"'
    assert bench.fts5_query("police AND training") == '"police" AND "training"'
    assert bench.fts5_query('"mental health" support') == '"mental health" OR "support"'
    assert bench.fts5_query("stalking NOT orders") == '"stalking" NOT "orders"'
    assert "{" not in " ".join(bench.resolve_query(q) for q in bench.SCALE_QUERIES)


@pytest.mark.slow
def test_a_small_run_prints_each_engine_and_the_targets(tmp_path):
    out = subprocess.run(
        [sys.executable, str(SCRIPTS / "bench.py"), "--passages", "300", "--rounds", "1",
         "--engines", "report-index,whoosh,fts5", "--keep", str(tmp_path)],
        check=True, capture_output=True, text=True, timeout=300,
    ).stdout
    for row in ("| report-index |", "| Whoosh's own searcher |", "| SQLite FTS5 (porter, bm25, snippet) |"):
        assert row in out
    for target in ("query p50 <= FTS5 p50", "ingest peak RSS < 500 MB", "index open < 0.5 s", "`report-index search` command"):
        assert target in out
    assert (tmp_path / "300" / "built.json").exists()  # kept for the next run
