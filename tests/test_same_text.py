"""The same report in other bytes is one report: a PDF re-saved by another program, the same
report laid out again (a print to PDF), the same report as PDF and as a Word document. Found by
the text, named in the note, not read again by the next ingest; and never confused with a report
that differs by one figure, or with reports written from the same template."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pypdfium2
import pytest

from report_index.index.copies import read_copies
from report_index.index.store import load_reports
from report_index.ingest import workers as workers_module
from report_index.ingest.run import ingest
from report_index.search.run import search
from report_index.text.fingerprint import TextPrint, TextPrints, text_print

from .conftest import FIXTURES, PDF_2021, PDF_2022, ROOT, SEED_2021, UNRULED_2022

_spec = importlib.util.spec_from_file_location("render_forms", ROOT / "scripts" / "render_forms.py")
render_forms = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render_forms)


def resaved(source: Path, target: Path) -> Path:
    """``source`` written out again by pdfium (other bytes, the same pages), as another PDF program would."""
    document = pypdfium2.PdfDocument(source)
    try:
        document.save(target, version=17)
    finally:
        document.close()
    assert target.read_bytes() != source.read_bytes()
    return target


def statuses(summary) -> dict[str, tuple[str, str]]:
    return {Path(o.path).name: (o.status, o.reason) for o in summary.outcomes}


def test_a_resaved_pdf_is_a_duplicate_naming_the_file_it_copies(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    original = Path(shutil.copy(PDF_2021, folder / PDF_2021.name))
    resaved(original, folder / "zz-resaved.pdf")

    summary = ingest([folder], tmp_path / "index")

    outcome = statuses(summary)
    assert outcome[original.name][0] == "added"
    status, reason = outcome["zz-resaved.pdf"]
    assert status == "duplicate" and reason.startswith(f"same text as {original.resolve()}")
    assert [r.source for r in load_reports(tmp_path / "index")] == [str(original.resolve())]
    assert {hit.report_id for hit in search(tmp_path / "index", '"Your Priorities, Your Plan"', limit=50).hits} == {
        load_reports(tmp_path / "index")[0].id
    }


def test_the_same_report_laid_out_again_or_as_word_is_one_report(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(PDF_2022, folder / PDF_2022.name)
    shutil.copy(UNRULED_2022, folder / "printed-again.pdf")  # other fonts' widths, unruled tables
    render_forms.write_docx(render_forms.REPORT_2022, folder / "report.docx")
    shutil.copy(PDF_2021, folder / PDF_2021.name)  # another report: indexed

    summary = ingest([folder], tmp_path / "index")

    assert summary.counts()["added"] == 2 and summary.counts()["duplicate"] == 2
    outcome = statuses(summary)
    for name in ("printed-again.pdf", "report.docx"):
        assert outcome[name][0] == "duplicate"
        assert outcome[name][1].startswith(f"same text as {(folder / PDF_2022.name).resolve()}")


def test_a_copy_with_one_figure_changed_is_its_own_report(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = SEED_2021.read_text(encoding="utf-8")
    assert text.count("70%") == 1
    (folder / "first.txt").write_text(text, encoding="utf-8")
    (folder / "corrected.txt").write_text(text.replace("70%", "72%"), encoding="utf-8")

    summary = ingest([folder], tmp_path / "index")

    assert summary.counts()["added"] == 2 and summary.counts()["duplicate"] == 0


def test_reports_written_from_one_template_are_not_copies(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(FIXTURES / "synthetic", folder)
    summary = ingest([folder], tmp_path / "index")
    assert summary.counts()["duplicate"] == 0
    assert summary.counts()["added"] == len(list(folder.glob("*.txt"))) >= 3


@pytest.fixture
def copies_indexed(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    original = Path(shutil.copy(PDF_2021, folder / PDF_2021.name))
    copy = resaved(original, folder / "zz-resaved.pdf")
    first = ingest([folder], tmp_path / "index")
    assert first.counts()["duplicate"] == 1
    return folder, original, copy, tmp_path / "index"


def test_the_next_ingest_knows_the_copy_without_reading_it(copies_indexed, monkeypatch):
    folder, original, copy, index_dir = copies_indexed
    assert read_copies(index_dir)[str(copy.resolve())].twin == str(original.resolve())
    read: list[Path] = []
    import report_index.pipeline as pipeline

    real = pipeline.extract_and_annotate
    monkeypatch.setattr(workers_module, "can_fork", lambda: False)  # read in this process, where it is counted
    monkeypatch.setattr(pipeline, "extract_and_annotate", lambda path, *a, **k: read.append(path) or real(path, *a, **k))

    again = ingest([folder], index_dir, jobs=1)

    assert read == []
    assert statuses(again)[copy.name] == ("duplicate", statuses(again)[copy.name][1])
    assert statuses(again)[copy.name][1].startswith(f"same text as {original.resolve()}")
    assert statuses(again)[original.name][0] == "unchanged"


def test_when_the_original_goes_its_copy_is_indexed(copies_indexed):
    folder, original, copy, index_dir = copies_indexed
    original.unlink()

    again = ingest([folder], index_dir, prune=True)

    assert statuses(again)[copy.name][0] == "added"
    assert statuses(again)[original.name][0] == "removed"
    assert [r.source for r in load_reports(index_dir)] == [str(copy.resolve())]
    assert str(copy.resolve()) not in read_copies(index_dir)


def test_a_file_overwritten_with_a_copy_of_another_report_loses_its_old_report(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(PDF_2021, folder / "a.pdf")
    shutil.copy(PDF_2022, folder / "b.pdf")
    assert ingest([folder], tmp_path / "index").counts()["added"] == 2
    resaved(folder / "a.pdf", folder / "b.pdf.new").replace(folder / "b.pdf")

    again = ingest([folder], tmp_path / "index")

    assert statuses(again)["b.pdf"][0] == "duplicate"
    assert [Path(r.source).name for r in load_reports(tmp_path / "index")] == ["a.pdf"]
    assert search(tmp_path / "index", '"Stalking Protection Orders"').total == 0  # only the 2022 report has them


def test_text_prints_compare_wording_numbers_and_length():
    words = [f"w{chr(97 + n % 26)}{chr(97 + n % 7)} s{chr(97 + n % 11)}" for n in range(400)]
    base = text_print(words)
    assert TextPrint.loads(base.dumps()) == base
    assert TextPrint.loads("") is None and TextPrint.loads("garbage") is None
    assert base.same_text(text_print([" ".join(words).upper()]))  # case and line breaks do not count
    assert not base.same_text(text_print([*words, "in 2023"]))  # a number more
    assert not base.same_text(text_print(words[:300]))  # a quarter shorter
    prints = TextPrints()
    prints.add("a", base)
    assert prints.twin(text_print(list(words))) == "a"
    assert prints.twin(text_print(list(words)), besides="a") is None  # a file's own earlier version
    prints.discard("a")
    assert prints.twin(base) is None


def test_copies_whose_titles_come_from_their_file_names_are_found(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    body = "".join(
        f"1.{n} The panel noted the rural crime figures for the {area} district and asked for the quad bike thefts by month.\n\n"
        for n, area in enumerate(["Leeds", "Bradford", "Calderdale", "Kirklees", "Wakefield"], 1)
    )
    (folder / "minutes.txt").write_text(body, encoding="utf-8")
    (folder / "minutes-windows.txt").write_bytes(body.replace("\n", "\r\n").encode("utf-8"))  # other bytes, same text

    summary = ingest([folder], tmp_path / "index")

    assert {r.title for r in load_reports(tmp_path / "index")} <= {"minutes", "minutes windows"}
    assert summary.counts()["added"] == 1 and summary.counts()["duplicate"] == 1


def test_short_papers_with_the_same_words_are_not_taken_for_copies(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("appendix-a.txt", "appendix-b.txt"):
        (folder / name).write_text("1.1 Exempt information: not for publication under paragraph three.\n", encoding="utf-8")
    (folder / "appendix-b.txt").write_bytes((folder / "appendix-b.txt").read_bytes().replace(b"\n", b"\r\n"))
    assert ingest([folder], tmp_path / "index").counts()["added"] == 2
