"""The fidelity metrics (report_index.fidelity, for scripts/fidelity.py) on known texts and on a
generated PDF, and the script itself on a folder of good and broken files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from report_index.api import ingest, open_index
from report_index.fidelity import (
    compare,
    judge,
    line_order,
    merged_words,
    normalise,
    recall,
    searchable_text,
    split_words,
    words,
)
from report_index.models import Paragraph, Report, Section, Table

ROOT = Path(__file__).resolve().parent.parent

LINES = [
    ("SYNTHETIC FIDELITY REPORT", True),
    ("1. PURPOSE OF THE REPORT", True),
    ("1.1 This synthetic report checks that every word of a paragraph becomes", False),
    ("searchable, in the order the page gives it, with nothing merged or split.", False),
    ("1.2 A second paragraph names Operation Lantern and the Partnership Board.", False),
    ("2. RECOMMENDATIONS", True),
    ("2.1 The Panel is asked to note the contents of this synthetic report.", False),
]
REFERENCE = "\n".join(text for text, _ in LINES)


def synthetic_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    y = 780
    for text, bold in LINES:
        c.setFont("Helvetica-Bold" if bold else "Helvetica", 11)
        c.drawString(72, y, text)
        y -= 30 if bold else 16
    c.showPage()
    c.save()
    return path


# ---- the metric functions on texts made to be wrong in known ways


def test_normalise_spells_out_ligatures_folds_quotes_and_drops_glyph_codes():
    assert normalise("ﬁnal ofﬁce") == "final office"
    assert normalise("Clare’s “Law”") == "Clare's \"Law\""
    assert normalise("ab(cid:12)c\u00adde\r\nf\x02") == "ab cde\nf"
    assert words("Multi-Agency Hub, 2021/22") == ["multi", "agency", "hub", "2021", "22"]


def test_recall_counts_every_occurrence():
    from collections import Counter

    assert recall(Counter("aab"), Counter("aaab")) == (3, 4)
    assert recall(Counter(), Counter("ab")) == (0, 2)


def test_a_missing_paragraph_costs_exactly_its_words():
    ours = REFERENCE.replace("1.2 A second paragraph names Operation Lantern and the Partnership Board.", "")
    result = compare(ours, REFERENCE)
    missing = len(words("1.2 A second paragraph names Operation Lantern and the Partnership Board."))
    assert result.words == 62
    assert result.words_matched == 62 - missing
    assert result.word_recall == pytest.approx((62 - missing) / 62)
    assert (result.merged, result.split) == (0, 0)
    assert (result.lines_found, result.lines_in_order, result.lines) == (6, 6, 7)


def test_merged_words_are_reference_neighbours_written_together():
    reference = "The child lived with a relative. Defense Advanced Research Projects Agency."
    ours = "The childlived with a relative. DefenseAdvancedResearchProjectsAgency."
    count, found = merged_words(ours, reference)
    assert count == 2
    assert {f["word"]: f["parts"] for f in found} == {
        "childlived": ["child", "lived"],
        "defenseadvancedresearchprojectsagency": ["defense", "advanced", "research", "projects", "agency"],
    }
    result = compare(ours, reference)
    assert result.merged == 2
    assert result.word_recall == pytest.approx(4 / 11)  # the, with, a, relative


def test_a_hyphen_or_figures_are_not_merges():
    # "multi-" at a line end joined to "agency" is de-hyphenation; figures side by side in a table are not words
    assert merged_words("the multiagency hub", "the multi-\nagency hub") == (0, [])
    assert merged_words("totals 23 and 31", "totals 2 3 and 3 1") == (0, [])
    # the merged word must be new: a word the reference also has is no merge
    assert merged_words("childlived", "child lived childlived") == (0, [])


def test_split_words_are_reference_words_in_pieces():
    reference = "Page 1 of 2: the Partnership costs"
    ours = "P a ge 1 o f 2: the Partner ship c osts"
    count, found = split_words(ours, reference)
    assert count == 4
    assert {f["word"]: f["parts"] for f in found} == {
        "page": ["p", "a", "ge"], "of": ["o", "f"], "partnership": ["partner", "ship"], "costs": ["c", "osts"],
    }
    # letter-spaced text, a letter a word
    assert split_words("T h e d o c u m e n t y o u a r e", "The document you are") == (
        4, [{"word": "are", "parts": ["a", "r", "e"], "count": 1}, {"word": "document", "parts": list("document"), "count": 1},
            {"word": "the", "parts": ["t", "h", "e"], "count": 1}, {"word": "you", "parts": ["y", "o", "u"], "count": 1}])


def test_line_order_counts_lines_in_the_reference_order():
    reference = "first line of the page here\nsecond line of the page here\nthird line of the page here\nshort"
    assert line_order("first line of the page here second line of the page here third line of the page here", reference) == (3, 3, 3)
    # the same lines, the third first: all found, two in order
    assert line_order("third line of the page here first line of the page here second line of the page here", reference) == (2, 3, 3)
    # punctuation, case and line breaks do not matter; a missing line does
    assert line_order("FIRST LINE - of the page, here. Third line of the page here", reference) == (2, 2, 3)


def test_judge_takes_each_figure_against_the_reference_it_is_best_against():
    ours = "alpha beta gamma delta"
    result = judge(ours, {"pdfplumber": "alpha beta gamma delta epsilon", "pdfium": "alpha beta gamma delta"})
    assert result["eligible"] == ["pdfplumber", "pdfium"]
    assert result["word_recall"] == 1.0 and result["reference"] == "pdfium"
    assert result["references"]["pdfplumber"]["word_recall"] == pytest.approx(0.8)


def test_a_reference_that_read_almost_nothing_cannot_make_ours_look_complete():
    reference = " ".join(f"word{i}" for i in range(100))
    result = judge("word1", {"pdfplumber": reference, "pdfium": "word1"})
    assert result["eligible"] == ["pdfplumber"]
    assert result["word_recall"] == pytest.approx(0.01)
    nothing = judge("anything", {"pdfplumber": "", "pdfium": ""})
    assert nothing["eligible"] == [] and "reference" not in nothing


def test_a_reference_that_runs_words_together_or_doubles_letters_still_counts():
    # pdfplumber joins tightly spaced words: fewer words, the same characters
    spaced = "Andreas Gal, Brendan Eich, Mike Shaver and David Anderson wrote it"
    joined = "AndreasGal, BrendanEich, MikeShaver and DavidAnderson wrote it"
    result = judge(joined, {"pdfplumber": joined, "pdfium": spaced})
    assert result["eligible"] == ["pdfplumber", "pdfium"]
    assert result["word_recall"] == 1.0 and result["merged"] == 0
    assert result["references"]["pdfium"]["merged"] == 4
    # fake bold drawn twice: pdfplumber doubles every letter, pdfium reads it once
    result = judge("Annual Report", {"pdfplumber": "AAnnnnuuaall RReeppoorrtt", "pdfium": "Annual Report"})
    assert result["eligible"] == ["pdfplumber", "pdfium"] and result["word_recall"] == 1.0


def test_searchable_text_is_the_report_in_reading_order():
    report = Report(
        id="r", source="r.pdf", sha256="0", title="Safeguarding Report", body="Police and Crime Panel",
        sections=[Section(None, "COVER", 1, page=1), Section("1", "PURPOSE", 1, page=1), Section("2", "MEASURES", 1, page=2),
                  Section("3", "LATE", 1, page=9)],
        paragraphs=[
            Paragraph(0, "paragraph", "The purpose is stated.", "1.1", ["PURPOSE"], [1], label="1.1"),
            Paragraph(1, "table_row", "Repeat victims: 2021/22: 30", "2", ["MEASURES"], [2], table=0),
            Paragraph(2, "paragraph", "Far away.", "", ["LATE"], [9]),
        ],
        tables=[Table(["Measure", "", "2021/22"], [["Repeat victims", "", "30"]], page=2)],
    )
    assert searchable_text(report).split("\n") == [
        "Safeguarding Report", "Police and Crime Panel", "COVER", "1 PURPOSE", "1.1 The purpose is stated.",
        "2 MEASURES", "Measure 2021/22", "Repeat victims: 2021/22: 30", "3 LATE", "Far away.",
    ]
    assert "Far away." not in searchable_text(report, max_pages=5)
    assert "3 LATE" not in searchable_text(report, max_pages=5)


# ---- a generated PDF through the library


def test_a_plain_pdf_becomes_searchable_word_for_word(tmp_path):
    pdfplumber = pytest.importorskip("pdfplumber")
    pdf = synthetic_pdf(tmp_path / "generated.pdf")  # its title is the file name: a word the page does not have
    summary = ingest([pdf], index=tmp_path / "ix", jobs=1)
    assert summary.counts()["added"] == 1, summary.outcomes
    (report,) = open_index(tmp_path / "ix").reports()
    with pdfplumber.open(pdf) as document:
        reference = document.pages[0].extract_text()
    assert normalise(reference) == REFERENCE
    result = judge(searchable_text(report), {"pdfplumber": reference})
    assert result["word_recall"] == 1.0
    assert (result["merged"], result["split"]) == (0, 0)
    assert result["line_order"] == 1.0
    # the headings' numbers are stored as "1" and "2", without their full stops
    assert (result["chars_matched"], result["chars"]) == (299, 301)

    # the same report with two words merged and a paragraph lost, by construction
    ours = searchable_text(report).replace("Operation Lantern", "OperationLantern").replace(
        "The Panel is asked to note the contents of this synthetic report.", "")
    damaged = judge(ours, {"pdfplumber": reference})
    assert damaged["merged"] == 1
    assert damaged["merged_examples"] == [{"word": "operationlantern", "parts": ["operation", "lantern"], "count": 1}]
    assert damaged["words_matched"] == 62 - 2 - len(words("The Panel is asked to note the contents of this synthetic report."))
    # the lost paragraph's line is missing; the line with the merge still matches (spaces are ignored)
    assert (damaged["lines_in_order"], damaged["lines"]) == (6, 7)


# ---- the script, on good and broken files


@pytest.mark.slow
def test_the_script_measures_every_file_and_survives_broken_ones(tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    synthetic_pdf(folder / "good.pdf")
    (folder / "page.pdf").write_text("<!DOCTYPE html><html><body>Not found</body></html>", encoding="utf-8")
    (folder / "cut.pdf").write_bytes((folder / "good.pdf").read_bytes()[:300])
    (folder / "empty.pdf").write_bytes(b"")
    out = tmp_path / "report.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fidelity.py"), str(folder), "--out", str(out), "--jobs", "1"],
        check=False, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    rows = {Path(r["file"]).name: r for r in data["files"]}
    assert set(rows) == {"good.pdf", "page.pdf", "cut.pdf", "empty.pdf"}
    assert rows["good.pdf"]["status"] == "ok" and rows["good.pdf"]["word_recall"] == 1.0
    assert rows["good.pdf"]["pdfplumber_readable"]
    for name in ("page.pdf", "cut.pdf", "empty.pdf"):
        assert rows[name]["status"] == "failed" and rows[name]["reason"], rows[name]
        assert "reference" not in rows[name]
    assert "HTML" in rows["page.pdf"]["reason"]
    totals = data["totals"]["all"]
    assert (totals["files"], totals["pdfplumber_readable"], totals["readable_failed_or_empty"]) == (4, 1, 0)
    assert totals["word_recall"] == 1.0
    assert "Totals" in run.stdout and "good.pdf" in run.stdout
