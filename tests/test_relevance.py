"""Search understands the reports' vocabulary, and its relevance is measured against a baseline."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from report_index.cli import main
from report_index.evaluation import Fts5Baseline, Judged, Passage, evaluate_sources, load_judged, score
from report_index.search.run import coverage, search, similar
from report_index.search.vocabulary import build_vocabulary, rewrite
from report_index.text.acronyms import find_definitions

from .conftest import CORPUS, FIXTURES, ROOT

#: The judged queries of scripts/evaluate.py: the gold ones on the corpus, the others on the
#: corpus and the synthetic series.
GOLD_QUERIES = FIXTURES / "gold_seeds.json"
QUERIES = ROOT / "scripts" / "queries.json"


def _tokens(text: str) -> list[str]:
    from report_index.index.schema import analyzer

    return [t.text for t in analyzer()(text)]


VOCABULARY = build_vocabulary(_tokens, [["Safeguarding Central Governance Unit", "SCGU"]])


def test_acronyms_and_long_forms_expand_both_ways():
    spo = rewrite("SPO", VOCABULARY)
    assert spo.expansions[0].reason == "acronym" or spo.expansions[0].reason == "long form"
    assert {"Stalking Protection Order", "Stalking Prevention Order"} <= set(spo.expansions[0].variants)
    long_form = rewrite("Safeguarding Central Governance Unit", VOCABULARY)
    assert long_form.expansions[0].variants == ["SCGU"]
    assert '"Safeguarding Central Governance Unit"' in long_form.text  # the exact name ranks first
    assert "SCGU^0.5" in long_form.text  # its variant ranks below


def test_rewrite_leaves_phrases_operators_and_stop_words_alone():
    quoted = rewrite('"Stalking Protection Orders"', VOCABULARY)
    assert quoted.text == '"Stalking Protection Orders"' and quoted.expansions == []
    assert rewrite("SPO NOT table", VOCABULARY).text.split()[-2:] == ["NOT", "table"]
    # "of domestic abuse" is not a name, even though "domestic abuse" might be
    assert all(not e.span.lower().startswith("of ") for e in rewrite("repeat victims of domestic abuse", VOCABULARY).expansions)


def test_hyphen_compound_and_spelling_variants():
    known = {"anti", "slavery", "partnership", "multiagency", "smartwater"}
    check = lambda word: word.lower() in known  # noqa: E731
    assert rewrite("multi-agency", VOCABULARY, known=check).expansions[0].variants == ["multiagency"]
    compound = rewrite("antislavery", VOCABULARY, known=check)
    assert compound.expansions[0].reason == "compound" and '"anti slavery"' in compound.text
    spelled = rewrite("smartwatter", VOCABULARY, known=check, correct=lambda w: "smartwater")
    assert spelled.corrections == {"smartwatter": "smartwater"}
    assert rewrite("NMMX", VOCABULARY, known=check, correct=lambda w: "nmm2").expansions == []  # acronyms are not misspelt


def test_definitions_found_in_report_text():
    found = find_definitions(
        [
            "the police were in possession of Body Worn Footage (BWF) from the incident",
            "Niche Missing Module 2 (NMM2) has now been delivered",
            "The West Yorkshire Children's Risk and Vulnerability Group (WYR&V) met in March",
            "held in March (2022) and chaired (DMPC) by",
        ]
    )
    assert found == {
        "BWF": "Body Worn Footage",
        "NMM2": "Niche Missing Module 2",
        "WYR&V": "West Yorkshire Children's Risk and Vulnerability Group",
    }


def test_search_finds_what_only_a_variant_names(corpus_index):
    assert search(corpus_index, "DVDS").hits[0].section == "2.5.2"  # spelt out as Clare's Law only
    assert search(corpus_index, "DVDS", expand=False).total == 0
    body_worn = search(corpus_index, "body worn video").hits
    assert body_worn[0].section.startswith("2.11.1 a)")
    hyphen = search(corpus_index, "antislavery partnership").hits
    assert hyphen[0].section == "2.1 e)" and "Anti-Slavery Partnership" in hyphen[0].text


def test_exact_matches_rank_above_expansions(corpus_index):
    assert search(corpus_index, "Stalking Protection Orders").hits[0].section == "2.6.1"  # says exactly that
    prevention = search(corpus_index, "Stalking Prevention Orders").hits[0]
    assert prevention.kind == "measure"  # the table row says "Prevention"


def test_did_you_mean_only_when_the_suggestion_has_hits(corpus_index):
    wrong = search(corpus_index, "smartwatter")
    assert wrong.suggestion == "smartwater" and wrong.hits[0].section == "2.5.6"
    assert search(corpus_index, "SmartWater").suggestion is None
    assert search(corpus_index, "qwxzvbnm").suggestion is None


def test_coverage_prefers_passages_that_say_everything_asked():
    concepts = [["child criminal exploitation", "CCE"], ["campaign"]]
    assert coverage("a campaign on Child Criminal Exploitation", concepts) == 1.0
    assert coverage("flagged as at risk of Child Criminal Exploitation", concepts) == 0.5


def test_cli_explain_group_facets_and_similar(corpus_index):
    runner = CliRunner()
    explained = runner.invoke(main, ["--index", str(corpus_index), "search", "SPO", "--explain"]).output
    assert "'SPO' (" in explained and "Stalking Protection Order" in explained and "parsed:" in explained
    faceted = json.loads(
        runner.invoke(main, ["--index", str(corpus_index), "search", "modern slavery", "--facets", "--json"]).output
    )
    assert sum(faceted["facets"]["report"].values()) == faceted["total"] == sum(faceted["facets"]["year"].values())
    assert set(faceted["facets"]["year"]) == {"2021", "2022"}
    grouped = runner.invoke(main, ["--index", str(corpus_index), "search", "modern slavery", "--group", "--limit", "20"]).output
    assert grouped.count("Community Outcomes Meeting \u00b7 2021-06-15  (") == 1  # one heading per report
    wyasp = search(corpus_index, "Anti-Slavery Partnership met in December 2021").hits[0]
    alike = similar(corpus_index, wyasp.id, limit=3).hits
    assert alike and alike[0].report_date == "2021-06-15"  # other reports first, for year-on-year reading
    assert wyasp.id not in [h.id for h in alike]
    missing = runner.invoke(main, ["--index", str(corpus_index), "similar", "nope#1"])
    assert missing.exit_code == 1 and "no passage has the id" in missing.output


def test_metrics_on_a_known_ranking():
    judged = Judged("q", "test", [("2022", "alpha"), ("2022", "beta")])
    ranked = [Passage("1", "2022", "gamma"), Passage("2", "2022", "alpha"), Passage("3", "2022", "beta alpha")]
    result = score(ranked, judged)
    assert result.mrr == 0.5 and result.recall == 1.0
    assert round(result.ndcg, 3) == round((1 / 1.585 + 1 / 2) / (1 + 1 / 1.585), 3)
    assert Fts5Baseline.to_match('"forensic marking" AND SmartWater') == '"forensic marking" OR "SmartWater"'


@pytest.mark.slow
def test_relevance_targets_hold_against_the_baseline():
    summary = evaluate_sources(
        [([CORPUS], load_judged(GOLD_QUERIES, category="gold")), ([CORPUS, FIXTURES / "synthetic"], load_judged(QUERIES))]
    )
    gold = summary.mean("gold")
    assert gold.ndcg >= 0.9 and gold.mrr >= 0.9
    for category in ("acronym", "synonym"):
        ours, baseline = summary.mean(category), summary.mean(category, "baseline")
        assert ours.ndcg >= baseline.ndcg + 0.15 and ours.recall > baseline.recall
    assert len([r for r in summary.results if r.judged.category != "gold"]) >= 25


def test_an_acronym_expands_to_the_long_forms_most_reports_give_it(tmp_path):
    """Across many reports an acronym picks up long forms that are an accident of the words
    before its bracket; a search expands it to the reports' most defined forms only."""
    from report_index.api import ingest
    from report_index.index.catalogue import MAX_LONG_FORMS, read_catalogue

    folder = tmp_path / "reports"
    folder.mkdir()
    sentence = "Domestic Abuse Protection Orders (DAPO) were granted to {n} victims in the district this year."
    for n in range(12):
        (folder / f"2024-01-{n + 1:02d}_update.txt").write_text(sentence.format(n=n + 3) + "\n", encoding="utf-8")
    stray = ["In December and Prevention Orders (DAPO) the court sat twice.", "The Deputy Mayor Asked Panel Officers (DAPO) to report."]
    for n, text in enumerate(stray):
        (folder / f"2024-02-{n + 1:02d}_note.txt").write_text(text + "\n", encoding="utf-8")
    index = tmp_path / "ix"
    ingest([folder], index=index)
    catalogue = read_catalogue(index)
    assert len(catalogue.definitions["DAPO"]) == 3 and catalogue.definitions["DAPO"][0] == "Domestic Abuse Protection Orders"
    assert catalogue.definition_counts["DAPO"][0] == 12
    assert catalogue.long_forms("DAPO") == ["Domestic Abuse Protection Orders"]
    assert MAX_LONG_FORMS == 3
    parsed = search(index, "DAPO").parsed
    assert "protect order" in parsed and "decemb" not in parsed and "mayor" not in parsed
