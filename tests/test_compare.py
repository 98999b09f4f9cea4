"""Comparing two reports passage by passage, and the briefs written from progress and compare."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from report_index.output.brief import md_escape
from report_index.cli import main
from report_index.compare import figure_changes, sentences
from report_index.ingest.run import ingest

from .conftest import FIXTURES

SYNTHETIC = FIXTURES / "synthetic"
A_2021, B_2022 = "2021-06-15", "2022-06-10"


def run(index_dir: Path, *args: str):
    return CliRunner().invoke(main, ["--index", str(index_dir), *args])


def compare_json(index_dir: Path, *args: str) -> dict:
    result = run(index_dir, "compare", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def corpus_comparison(corpus_index) -> dict:
    return compare_json(corpus_index, A_2021, B_2022)


@pytest.fixture(scope="module")
def synthetic_index(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("synthetic-compare")
    assert ingest([SYNTHETIC], index_dir).counts()["added"] == 3
    return index_dir


def pair_with(data: dict, a_text: str, b_section: str) -> dict:
    found = [p for p in data["pairs"] if a_text in p["a"]["text"] and p["b"]["section"] == b_section]
    assert len(found) == 1, [(p["a"]["citation"], p["b"]["citation"]) for p in data["pairs"]]
    return found[0]


# --------------------------------------------------------------------------------------------
# Alignment on the corpus


def test_reports_are_summarised(corpus_comparison):
    a, b = corpus_comparison["a"], corpus_comparison["b"]
    assert (a["id"], a["date"], a["title"], a["body"]) == (
        "2021-06-15-safeguarding", A_2021, "Safeguarding", "Community Outcomes Meeting"
    )
    assert (b["date"], b["title"], b["body"]) == (B_2022, "Safeguarding Report", "Police and Crime Panel")


def test_anti_slavery_partnership_passages_align_as_a_changed_pair(corpus_comparison):
    pair = pair_with(corpus_comparison, "is the strategic meeting framework for frontline organisations", "2.1 e)")
    assert "met in December 2021 and March 2022" in pair["b"]["text"]
    assert pair["changed"] and pair["similarity"] >= 0.3
    assert pair["a"]["section"] == "5" and pair["a"]["page"] == 2 and pair["b"]["page"] == 2
    # 2022 folds the 2021 bullet on the next meetings into 2.1 e): both 2021 bullets are its counterpart
    assert pair["a"]["citation"] == "para 5, bullets 3-4"
    assert any("met in December 2021 and March 2022" in s for s in pair["added"])
    assert any("strategic meeting framework" in s for s in pair["removed"])
    assert any("chaired by the former PCC" in s for s in pair["removed"])


def test_safeguarding_communications_group_passages_align_as_a_changed_pair(corpus_comparison):
    pair = pair_with(
        corpus_comparison,
        "The WYCA Policing and Crime Team continues to support the West Yorkshire Safeguarding Communications Group",
        "2.1 a)",
    )
    assert pair["changed"] and pair["similarity"] >= 0.5
    assert pair["b"]["text"].startswith("West Yorkshire Safeguarding Communications Group continues to bring")
    reworded = pair["reworded"]
    assert reworded and reworded[0]["a"].startswith("The WYCA Policing and Crime Team continues to support")
    assert reworded[0]["b"].startswith("West Yorkshire Safeguarding Communications Group continues to bring")
    assert any("12-month Communication Plan for 2022" in s for s in pair["added"])
    assert any("Child Criminal Exploitation" in s for s in pair["removed"])
    assert "west-yorkshire-safeguarding-communications-group" in pair["initiatives"]


def test_each_passage_is_paired_at_most_once_and_the_rest_listed(corpus_comparison):
    data = corpus_comparison
    a_ordinals = [o for p in data["pairs"] for o in p["a"]["ordinals"]] + [o for s in data["only_a"] for o in s["ordinals"]]
    b_ordinals = [o for p in data["pairs"] for o in p["b"]["ordinals"]] + [o for s in data["only_b"] for o in s["ordinals"]]
    assert len(a_ordinals) == len(set(a_ordinals)) == 19  # every narrative passage of 2021, once
    assert len(b_ordinals) == len(set(b_ordinals)) == 103 - 6  # 2022 less its six measure rows
    only_b = {s["section"] for s in data["only_b"]}
    assert {"2.5.6", "2.6.1", "2.9.1"} <= only_b  # SmartWater, the stalking team, NMM2 are new in 2022


def test_initiatives_named_in_only_one_report(corpus_comparison):
    only_a = {i["name"] for i in corpus_comparison["initiatives_only_a"]}
    only_b = {i["name"]: i for i in corpus_comparison["initiatives_only_b"]}
    assert "SmartWater" in only_b and (only_b["SmartWater"]["section"], only_b["SmartWater"]["page"]) == ("2.5.6", 6)
    assert {"Stalking Coordination Team", "Operation Encompass"} <= set(only_b)
    assert {"National Anti-Trafficking and Modern Slavery Network", "Transparency in Supply Chains Statement"} <= only_a
    both = {"West Yorkshire Anti-Slavery Partnership", "West Yorkshire Safeguarding Communications Group"}
    assert not both & (only_a | set(only_b))


def test_topic_initiative_keeps_the_passages_that_mention_it(corpus_index):
    data = compare_json(corpus_index, A_2021, B_2022, "--topic", "wyasp")
    assert data["topic"]["initiative"]["id"] == "west-yorkshire-anti-slavery-partnership"
    assert [(p["a"]["citation"], p["b"]["section"]) for p in data["pairs"]] == [("para 5, bullets 3-4", "2.1 e)")]
    assert data["only_a"] == [] and [s["section"] for s in data["only_b"]] == ["2.1 l)"]
    assert "SmartWater" not in {i["name"] for i in data["initiatives_only_b"]}


def test_topic_words_are_matched_loosely(corpus_index):
    data = compare_json(corpus_index, A_2021, B_2022, "--topic", "Stalking")
    assert data["topic"]["initiative"] is None and data["topic"]["words"] == ["stalk"]
    sections = [s["section"] for s in data["only_b"]]
    assert {"2.1 c)", "2.6.1", "2.6.2"} <= set(sections)
    assert data["pairs"] == [] and data["only_a"] == []
    for side in data["only_b"]:
        assert "stalk" in (side["text"] + side["heading"]).lower()


def test_a_topic_of_only_common_words_is_refused(corpus_index):
    result = run(corpus_index, "compare", A_2021, B_2022, "--topic", "the of")
    assert result.exit_code == 1 and "only common words" in result.output


def test_comparing_a_report_with_itself_is_refused(corpus_index):
    result = run(corpus_index, "compare", A_2021, "2021-06-15-safeguarding")
    assert result.exit_code == 1 and "compare two different reports" in result.output
    assert run(corpus_index, "compare", A_2021, "2030").exit_code == 1


def test_text_output_lists_changes_with_places(corpus_index):
    result = run(corpus_index, "compare", A_2021, B_2022, "--topic", "WYASP")
    assert result.exit_code == 0, result.output
    assert "1 matched passage(s): 1 changed, 0 unchanged" in result.output
    assert "A para 5, bullets 3-4, p. 2 -> B paras 2.1 e) to 2.1 f), pp. 2-3" in result.output
    assert "    + The West Yorkshire Anti-Slavery Partnership (WYASP) chaired by" in result.output
    assert "Initiatives only in B (3)" in result.output


# --------------------------------------------------------------------------------------------
# Figures and sentences on the synthetic series


def test_synthetic_smartwater_figure_change_is_reported(synthetic_index):
    data = compare_json(synthetic_index, "2022-06-09", "2023-06-08")
    pair = next(p for p in data["pairs"] if p["b"]["section"] == "2.1")
    assert [f["change"] for f in pair["figures_changed"]] == ["40 -> 120 victims"]
    figure = pair["figures_changed"][0]
    assert (figure["a"]["value"], figure["b"]["value"], figure["counts"]) == (40, 120, "victims")
    assert pair["added"] == ["SmartWater is now live across three of the four Districts and over 120 victims have been protected."]
    unchanged = [p for p in data["pairs"] if not p["changed"]]
    assert {p["b"]["section"] for p in unchanged} == {"", "1.1", "1.2", "3.1"}
    assert all(p["similarity"] == 1.0 and p["unchanged_sentences"] == 1 for p in unchanged)
    assert data["only_a"] == data["only_b"] == []


def test_figure_changes_need_the_same_thing_counted():
    assert [str(c) for c in figure_changes("It protected 40 victims.", "Over 120 victims were protected.")] == [
        "40 -> 120 victims"
    ]
    assert figure_changes("It protected 40 victims.", "It protected 40 victims and 3 Districts.") == []
    assert figure_changes("40 victims", "120 offenders") == []
    assert [str(c) for c in figure_changes("live in three of the four Districts", "live in four of the five Districts")] == [
        "three of four -> four of five Districts"  # as the reports write them, as the timeline shows them
    ]


def test_sentences_are_not_cut_at_abbreviations():
    text = "Partners, e.g. health, met. Dr. Smith chaired it. The plan (see www.example.org) was agreed."
    assert sentences(text) == ["Partners, e.g. health, met.", "Dr. Smith chaired it.", "The plan (see www.example.org) was agreed."]


# --------------------------------------------------------------------------------------------
# Briefs

_CITATION = re.compile(
    r"^> \u2014 \*.+, \d{1,2} [A-Z][a-z]+ \d{4}, (?:paras? .+|under .+|before the first heading), (?:p\. \d+|pp\. \d+-\d+)\*$"
)


def test_markdown_brief_cites_every_quotation(corpus_index, corpus_comparison, tmp_path):
    out = tmp_path / "brief.md"
    result = run(corpus_index, "compare", A_2021, B_2022, "--output", str(out))
    assert result.exit_code == 0, result.output
    assert f"Brief written to {out}" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Comparison brief: Safeguarding, 15 June 2021 and Safeguarding Report, 10 June 2022\n")
    assert "**Question.** What does report B say that report A did not" in text
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines() + [""]:
        if line.startswith(">"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    data = corpus_comparison
    expected = len(data["only_a"]) + len(data["only_b"]) + sum(
        len(p["added"]) + len(p["removed"]) + 2 * len(p["reworded"]) for p in data["pairs"] if p["changed"]
    )
    assert len(blocks) == expected > 100
    for block in blocks:
        assert len(block) == 3 and block[1] == ">", block
        assert _CITATION.match(block[2]), block[2]
    assert "— *Safeguarding, Community Outcomes Meeting, 15 June 2021, para 5, bullet 3, p. 2*" in text
    assert "— *Safeguarding Report, Police and Crime Panel, 10 June 2022, para 2.1 e), p. 2*" in text
    assert "2021-06-15\\_community-outcomes-meeting\\_safeguarding.pdf" in text  # not emphasis
    assert "**SmartWater** — 2 mention(s), first in *Safeguarding Report, Police and Crime Panel, 10 June 2022, para 2.5.6, p. 6*" in text


def test_report_text_that_looks_like_markdown_stays_text():
    assert md_escape("#LookCloser weeks") == "\\#LookCloser weeks"
    assert md_escape("1. Purpose") == "1\\. Purpose"
    assert md_escape("- a *bold* claim_here <b>") == "\\- a \\*bold\\* claim\\_here \\<b>"
    assert md_escape("40 -> 120 victims") == "40 -> 120 victims"


def test_markdown_format_prints_the_brief(synthetic_index):
    result = run(synthetic_index, "compare", "2022-06-09", "2023-06-08", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "- **40 -> 120 victims**: “40 victims” (*Safeguarding Update (synthetic), Police and Crime Panel, 9 June 2022, para 2.1, no page numbers*)" in result.output


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)


def test_html_brief_is_one_self_contained_file(corpus_index, tmp_path):
    out = tmp_path / "brief.html"
    result = run(corpus_index, "compare", A_2021, B_2022, "--topic", "modern slavery", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert list(tmp_path.iterdir()) == [out]
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?\s*https?:", page, re.I)
    assert "<link" not in page.lower() and "@import" not in page and "url(" not in page
    parser = _Tags()
    parser.feed(page)
    assert {"script", "img", "link", "iframe", "a"}.isdisjoint(parser.tags)
    assert not [name for name, _ in parser.attrs if name in ("src", "href")]
    assert parser.tags.count("blockquote") == page.count("<cite>") > 10
    # report text is escaped
    assert "Modern Slavery &amp; Organised Immigration Crime Unit" in page
    assert "super-complaint on the police response to victims of modern slavery&#x27;" in page


def test_output_must_be_markdown_or_html(corpus_index, tmp_path):
    for command in (["compare", A_2021, B_2022], ["progress", "SmartWater"]):
        result = run(corpus_index, *command, "--output", str(tmp_path / "brief.pdf"))
        assert result.exit_code == 2 and "must end in .md" in result.output
    assert list(tmp_path.iterdir()) == []


def test_progress_output_writes_a_brief_and_keeps_its_output(corpus_index, tmp_path):
    plain = run(corpus_index, "progress", "SmartWater")
    out = tmp_path / "smartwater.md"
    with_brief = run(corpus_index, "progress", "SmartWater", "--output", str(out))
    assert with_brief.exit_code == 0 and with_brief.stdout == plain.stdout
    as_json = run(corpus_index, "progress", "SmartWater", "--json", "--output", str(tmp_path / "smartwater.html"))
    assert json.loads(as_json.stdout)["initiative"]["name"] == "SmartWater"
    text = out.read_text(encoding="utf-8")
    assert "**Question.** How has SmartWater (also called Smart Water) progressed from report to report?" in text
    assert "| 15 June 2021 | Safeguarding (Community Outcomes Meeting) | not mentioned |" in text
    assert (
        "> The forensic marking initiative (SmartWater) to deter and detect Domestic Abuse is now live across four of the five Districts.\n"
        ">\n> — *Safeguarding Report, Police and Crime Panel, 10 June 2022, para 2.5.6, p. 6*"
    ) in text
    quotes = [line for line in text.splitlines() if line.startswith("> ") and not line.startswith("> —")]
    citations = [line for line in text.splitlines() if line.startswith("> —")]
    assert len(quotes) == len(citations) == 2
    page = (tmp_path / "smartwater.html").read_text(encoding="utf-8")
    assert "<cite>Safeguarding Report, Police and Crime Panel, 10 June 2022, para 2.5.7, p. 6</cite>" in page
