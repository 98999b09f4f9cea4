"""Ingest on several processes: the same index as one process, and workers that die are survived.

These run real worker processes (``--jobs 2``), so they are marked slow; CI runs them.
"""

from __future__ import annotations

import faulthandler
import os
import shutil
import signal
import textwrap
from pathlib import Path

import pytest

from . import badfiles
from .conftest import CORPUS, FIXTURES
from .processes import assert_gone, children_of

from report_index.index.store import load_reports, open_index
from report_index.ingest.run import ingest
from report_index.search.run import search
from report_index.ingest import workers as workers_module
from report_index.ingest.workers import PoolRunner

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory) -> Path:
    """Reports of every kind the tool reads: the corpus PDFs, the synthetic text series and
    generated PDFs; plus a copy of one, another rendering of one (the unruled fixture: the same
    text) and a broken file."""
    folder = tmp_path_factory.mktemp("mixed") / "reports"
    folder.mkdir()
    for pdf in CORPUS.glob("*.pdf"):
        shutil.copy(pdf, folder / pdf.name)
    shutil.copy(FIXTURES / "2022-06-10_safeguarding-report_unruled.pdf", folder / "unruled.pdf")
    for text in sorted((FIXTURES / "synthetic").glob("*.txt")):
        shutil.copy(text, folder / text.name)
    for number in range(1, 5):
        badfiles.generated_report_pdf(folder, number, pages=3)
    shutil.copy(next(CORPUS.glob("2021*.pdf")), folder / "zz-copy-of-2021.pdf")
    badfiles.truncated_pdf(folder)
    return folder


def index_snapshot(index_dir: Path) -> dict:
    """Everything the index holds, by report id: the whole model and its passage documents."""
    models = {r.id: r.to_dict() for r in load_reports(index_dir)}
    with open_index(index_dir).searcher() as searcher:
        passages = sorted(
            (f["doc_id"], f["text"], f.get("section", ""), f.get("page", 0), f.get("initiatives", ""))
            for f in searcher.all_stored_fields()
            if f["kind"] != "report"
        )
    for model in models.values():
        model.pop("source")  # the two indexes were built from the same folder: equal anyway
    return {"models": models, "passages": passages}


def outcomes(summary) -> list[tuple[str, str, str]]:
    return sorted((Path(o.path).name, o.status, o.report_id) for o in summary.outcomes)


def test_two_processes_build_the_same_index_as_this_one(tmp_path: Path, mixed_folder: Path, monkeypatch) -> None:
    with monkeypatch.context() as patch:  # as where workers cannot be forked: read in this process
        patch.setattr(workers_module, "can_fork", lambda: False)
        one = ingest([mixed_folder], tmp_path / "one", jobs=1)
    two = ingest([mixed_folder], tmp_path / "two", jobs=2)

    assert outcomes(one) == outcomes(two)
    assert one.counts() == two.counts() == {
        "added": 9, "updated": 0, "unchanged": 0, "failed": 1, "skipped": 0, "duplicate": 2, "removed": 0, "kept": 0,
    }
    # the byte copy, and the 2022 report laid out again with unruled tables: the same text
    assert sorted((Path(o.path).name, o.reason.split(" (")[0]) for o in two.of("duplicate")) == [
        ("unruled.pdf", f"same text as {mixed_folder / next(CORPUS.glob('2022*.pdf')).name}"),
        ("zz-copy-of-2021.pdf", f"same content as {mixed_folder / next(CORPUS.glob('2021*.pdf')).name}"),
    ]
    assert index_snapshot(tmp_path / "one") == index_snapshot(tmp_path / "two")
    hits = search(tmp_path / "two", "Stalking Protection Orders", limit=100).hits
    assert hits and {(h.id, h.score) for h in hits} == {
        (h.id, h.score) for h in search(tmp_path / "one", "Stalking Protection Orders", limit=100).hits
    }
    # the workers' segments were committed; the scratch folder and uncommitted files are gone
    assert not (tmp_path / "two" / "reports.tmp").exists()
    again = ingest([mixed_folder], tmp_path / "two", jobs=2)
    assert (again.counts()["unchanged"], again.counts()["duplicate"], again.counts()["added"]) == (9, 2, 0)


def test_a_worker_killed_mid_run_loses_nothing(tmp_path: Path, mixed_folder: Path) -> None:
    killed: list[int] = []

    def on_file(path: Path, number: int, total: int) -> None:
        # after a few files, a worker dies without warning: what it held is read again
        if number == 5 and not killed:
            workers = children_of(os.getpid())
            assert workers, "the run was expected to use worker processes"
            killed.append(workers[0])
            os.kill(workers[0], signal.SIGKILL)

    summary = ingest([mixed_folder], tmp_path / "index", jobs=2, on_file=on_file)
    assert killed
    assert_gone(children_of(os.getpid()))  # the run's workers all ended with it
    reference = ingest([mixed_folder], tmp_path / "reference", jobs=1)
    assert outcomes(summary) == outcomes(reference)
    assert index_snapshot(tmp_path / "index") == index_snapshot(tmp_path / "reference")


def test_the_files_read_while_the_rules_load_are_read_again_if_their_reader_dies(
    tmp_path: Path, mixed_folder: Path, monkeypatch
) -> None:
    """The first process forked reads files while the ingest loads spaCy; killed there, its
    files are read by the workers, and the index is what one process makes."""
    import report_index.pipeline as pipeline

    if not workers_module.can_fork():
        pytest.skip("workers are forked only on Linux")
    flag = tmp_path / "killed"
    real = pipeline.extract
    ingest_pid = os.getpid()

    def extract(path, *args, **kwargs):
        if os.getpid() != ingest_pid:
            try:
                os.close(os.open(flag, os.O_CREAT | os.O_EXCL))  # the first call in a child process
            except FileExistsError:
                pass
            else:
                os.kill(os.getpid(), signal.SIGKILL)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "extract", extract)
    summary = ingest([mixed_folder], tmp_path / "index", jobs=2)
    assert flag.exists()
    assert_gone(children_of(os.getpid()))
    monkeypatch.undo()
    reference = ingest([mixed_folder], tmp_path / "reference", jobs=1)
    assert outcomes(summary) == outcomes(reference)
    assert index_snapshot(tmp_path / "index") == index_snapshot(tmp_path / "reference")


@pytest.mark.parametrize("workers", ["forked", "fresh interpreters"])
def test_a_file_that_crashes_the_reader_fails_by_name_and_the_rest_is_indexed(
    tmp_path: Path, mixed_folder: Path, monkeypatch, workers: str
) -> None:
    # Reading one file kills the process reading it, as a segmentation fault in a PDF library
    # would. Forked workers inherit the patched reader from this process; fresh interpreters
    # get it from a sitecustomize.
    calls = tmp_path / "read_document calls.txt"
    if workers == "forked":
        import report_index.pipeline as pipeline

        real = pipeline.read_document

        def read_document(path, *args, **kwargs):
            if "crashing" in path.name:
                faulthandler.disable()  # no traceback on the test's output
                os.kill(os.getpid(), signal.SIGSEGV)
            return real(path, *args, **kwargs)

        monkeypatch.setattr(pipeline, "read_document", read_document)
    else:
        monkeypatch.setattr(workers_module, "can_fork", lambda: False)
        hooks = tmp_path / "hooks"
        hooks.mkdir()
        # each call is recorded (process id and file name), so that the test can tell the
        # workers really read through the patched reader
        (hooks / "sitecustomize.py").write_text(
            textwrap.dedent(
                f"""
                import faulthandler, os, signal
                import report_index.pipeline as pipeline

                real = pipeline.read_document

                def read_document(path, *args, **kwargs):
                    with open({str(calls)!r}, "a", encoding="utf-8") as record:
                        record.write(f"{{os.getpid()}} {{path.name}}\\n")
                    if "crashing" in path.name:
                        faulthandler.disable()
                        os.kill(os.getpid(), signal.SIGSEGV)
                    return real(path, *args, **kwargs)

                pipeline.read_document = read_document
                """
            ),
            encoding="utf-8",
        )
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hooks), *filter(None, [os.environ.get("PYTHONPATH")])]))
    folder = tmp_path / "reports"
    shutil.copytree(mixed_folder, folder)
    first = sorted((FIXTURES / "synthetic").glob("*.txt"))[0]
    (folder / "crashing.txt").write_text(first.read_text(encoding="utf-8") + "\n\n9.9 Not a copy.\n", encoding="utf-8")

    summary = ingest([folder], tmp_path / "index", jobs=2)

    failed = {Path(o.path).name: o.reason for o in summary.of("failed")}
    assert failed["crashing.txt"] == f"reading it crashed the reader process (signal {int(signal.SIGSEGV)})"
    assert set(failed) == {"crashing.txt", "truncated.pdf"}
    assert summary.counts()["added"] == 9
    assert len(load_reports(tmp_path / "index")) == 9
    if workers == "fresh interpreters":
        lines = calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []
        recorded = [line.split(" ", 1) for line in lines]
        assert recorded, "the sitecustomize's patch of report_index.pipeline.read_document did not take effect"
        assert str(os.getpid()) not in {pid for pid, _ in recorded}  # only the workers loaded it
        read = {Path(o.path).name for o in summary.outcomes if not o.reason.startswith("same content")}  # copies in other bytes are read
        assert {name for _, name in recorded} == read  # every file was read through it


def index_contents(index_dir: Path) -> tuple[dict, dict]:
    """Stored fields by document id, and every term of every field with the documents (by id)
    holding it and their frequencies and lengths: what a search can see, whatever the segments."""
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(index_dir), indexname="reports").searcher() as searcher:
        ids = {docnum: fields["doc_id"] for docnum, fields in searcher.iter_docs()}
        stored = {ids[docnum]: fields for docnum, fields in searcher.iter_docs()}
        terms: dict = {}
        reader = searcher.reader()
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            found = []
            while matcher.is_active():
                docnum = matcher.id()
                found.append((ids[docnum], matcher.weight(), reader.doc_field_length(docnum, fieldname)))
                matcher.next()
            terms[(fieldname, text)] = sorted(found)
    return stored, terms


def test_the_ingest_writers_index_exactly_what_whoosh_default_writer_does(tmp_path: Path, mixed_folder: Path) -> None:
    from whoosh import index as whoosh_index

    from report_index.index.documents import report_documents
    from report_index.index.files import INDEX_NAME
    from report_index.index.schema import build_schema
    from report_index.index.store import open_or_create
    from report_index.ingest.workers import index_documents

    source = tmp_path / "source"
    ingest([mixed_folder], source, jobs=1)
    documents = [d for report in load_reports(source) for d in report_documents(report, "fingerprint")]
    assert len(documents) > 150

    default = tmp_path / "default"
    default.mkdir()
    with whoosh_index.create_in(str(default), build_schema(), indexname=INDEX_NAME).writer() as writer:
        for document in documents:
            writer.add_document(**document)
    ours = tmp_path / "ours"
    open_or_create(ours)
    index_documents(ours, documents, processes=2, batch=100)

    stored, terms = index_contents(ours)
    expected_stored, expected_terms = index_contents(default)
    assert stored == expected_stored
    assert terms == expected_terms
    assert len(list((ours).glob("*.seg"))) == 2  # one segment a worker


def test_the_jobs_option_reads_with_that_many_processes(tmp_path: Path, mixed_folder: Path) -> None:
    from click.testing import CliRunner

    from report_index.cli import main

    import report_index.ingest.run as ingest_run

    seen: list[int] = []

    class CountingPoolRunner(PoolRunner):
        def __init__(self, count, *args, **kwargs):
            seen.append(count)
            super().__init__(count, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ingest_run, "PoolRunner", CountingPoolRunner)  # the pool the ingest starts
        result = CliRunner().invoke(main, ["--index", str(tmp_path / "index"), "ingest", "--jobs", "3", str(mixed_folder)])
        single = CliRunner().invoke(main, ["--index", str(tmp_path / "single"), "ingest", "--jobs", "1", str(mixed_folder)])
    assert result.exit_code == 1  # the broken file
    assert "9 added, 0 updated, 0 unchanged, 1 failed, 2 duplicate." in result.output
    assert seen == [3, 1]  # a pool of three workers; --jobs 1 reads in one (forked) worker
    assert single.output.replace("single", "index") == result.output
