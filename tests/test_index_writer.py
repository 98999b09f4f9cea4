"""The ingest's index writer writes what Whoosh's own writer writes, byte for byte.

``index_writer`` analyses fields in one pass and hands postings to Whoosh's postings writer a
block at a time. Every file of a segment it writes is compared with the file Whoosh's default
``SegmentWriter`` writes for the same documents: real reports' documents plus awkward values
(accents, stop words only, empty and non-string values, numbers, apostrophes).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import UnknownFieldError
from whoosh.writing import SegmentWriter

from .conftest import FIXTURES

from report_index.index import writer as index_writer
from report_index.index.documents import report_documents
from report_index.index.files import INDEX_NAME
from report_index.index.schema import build_schema
from report_index.index.store import load_reports
from report_index.index.writer import writer_class
from report_index.ingest.run import ingest

_SEGMENT = re.compile(rb"reports_[a-z0-9]{16}")


@pytest.fixture(scope="module")
def documents(corpus_index: Path, tmp_path_factory) -> list[dict]:
    texts = tmp_path_factory.mktemp("texts")
    ingest([FIXTURES / "synthetic"], texts)
    reports = load_reports(corpus_index) + load_reports(texts)
    docs = [doc for report in reports for doc in report_documents(report, "fingerprint", "annotation")]
    assert len(docs) > 150
    docs += [{**doc, "doc_id": f"{doc['doc_id']}/copy{n}"} for n in (2, 3) for doc in docs]  # posting lists of several blocks
    odd = {"report_id": "odd", "date": "", "year": "", "source": "odd.pdf", "kind": "paragraph", "section": "1.1"}
    docs += [
        {**odd, "doc_id": "odd#1", "ordinal": 1, "page": 1, "heading": "Café naïve RÉSUMÉ", "text": "Café naïve résumé, the Mayor's MOPAC's"},
        {**odd, "doc_id": "odd#2", "ordinal": 2, "page": 1, "heading": "", "text": "the of and a an to is"},
        {**odd, "doc_id": "odd#3", "ordinal": 3, "page": 2, "heading": "x", "text": ""},
        {**odd, "doc_id": "odd#4", "ordinal": 4, "page": 2, "text": "2019/20 2020/21 -12 +4.5% 1,234 e.g. U.K. co-ordinated"},
        {**odd, "doc_id": "odd#5", "ordinal": 5, "page": 3, "text": ["tokens", "given", "as", "a", "list", "given"]},
        {**odd, "doc_id": "odd#6", "ordinal": 6, "page": 3, "heading": None, "text": "Clare’s Law — Clare's Law; CLARE'S LAW " * 40},
    ]
    return docs


def _write(folder: Path, documents: list[dict], ours: bool, limitmb: float = 128) -> dict[str, bytes]:
    """The files of one segment written with our writer or Whoosh's, by name (segment id masked)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ix = whoosh_index.create_in(str(folder), build_schema(), indexname=INDEX_NAME)
    writer = (writer_class() if ours else SegmentWriter)(ix, compound=False, limitmb=limitmb)
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    return {
        _SEGMENT.sub(b"SEGMENT", path.name.encode()).decode(): path.read_bytes()
        for path in folder.iterdir()
        if path.suffix in (".col", ".pst", ".trm")
    }


@pytest.mark.parametrize("limitmb", [128, 0.02], ids=["in memory", "spilled to disk"])
def test_segment_files_are_byte_for_byte_whooshs(tmp_path: Path, documents: list[dict], monkeypatch, limitmb: float) -> None:
    monkeypatch.setattr(index_writer, "REPEATED_FIELDS", ())  # see the next test
    expected = _write(tmp_path / "whoosh", documents, ours=False, limitmb=limitmb)
    written = _write(tmp_path / "ours", documents, ours=True, limitmb=limitmb)
    assert sorted(written) == sorted(expected)
    assert {name for name in written if name.endswith((".pst", ".trm", "_stored.col", "_text_len.col"))} == {
        "SEGMENT.pst", "SEGMENT.trm", "SEGMENT._stored.col", "SEGMENT._text_len.col"
    }
    for name in expected:
        assert written[name] == expected[name], name


def test_repeated_headings_give_the_same_postings_in_fewer_bytes(tmp_path: Path, documents: list[dict]) -> None:
    """A heading repeated from passage to passage is analysed once; its postings then share
    their encoded positions, which the block's pickle stores once: the same postings read back."""
    expected = _write(tmp_path / "whoosh", documents, ours=False)
    written = _write(tmp_path / "ours", documents, ours=True)
    for name in expected:
        if name.endswith(".col"):  # stored fields, lengths, sort columns
            assert written[name] == expected[name], name
    assert len(written["SEGMENT.pst"]) < len(expected["SEGMENT.pst"])

    def postings(folder: Path) -> dict:
        reader = whoosh_index.open_dir(str(folder), indexname=INDEX_NAME).reader()
        found = {}
        for fieldname, text in reader.all_terms():
            info = vars(reader.term_info(fieldname, text)).copy()
            info.pop("_offset"), info.pop("_length")
            matcher = reader.postings(fieldname, text)
            items = []
            while matcher.is_active():
                items.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            found[fieldname, text] = (info, items)
        reader.close()
        return found

    theirs, ours = postings(tmp_path / "whoosh"), postings(tmp_path / "ours")
    assert len(ours) > 2000 and ("heading", b"safeguard") in ours
    assert ours == theirs


def test_merging_old_segments_writes_whooshs_bytes(tmp_path: Path, documents: list[dict], monkeypatch) -> None:
    """A commit that merges existing segments into the new one (their postings arrive in
    Whoosh's pool) writes the merged segment as Whoosh does."""
    monkeypatch.setattr(index_writer, "REPEATED_FIELDS", ())
    first, second = documents[: len(documents) // 2], documents[len(documents) // 2 :]

    def build(folder: Path, ours: bool) -> dict[str, bytes]:
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), build_schema(), indexname=INDEX_NAME)
        with ix.writer() as writer:
            for document in first:
                writer.add_document(**document)
        writer = writer_class()(ix, compound=False) if ours else ix.writer(compound=False)
        for document in second:
            writer.add_document(**document)
        writer.commit(optimize=True)  # the first segment is merged into the new one
        assert not list(folder.glob("*.seg")) and len(list(folder.glob("*.pst"))) == 1  # one segment
        return {_SEGMENT.sub(b"S", p.name.encode()).decode(): p.read_bytes() for p in folder.iterdir() if p.suffix in (".pst", ".trm", ".col")}

    expected, written = build(tmp_path / "whoosh", False), build(tmp_path / "ours", True)
    assert written == expected and "S.pst" in written


def test_unknown_fields_are_refused_as_whoosh_refuses_them(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), build_schema(), indexname=INDEX_NAME)
    writer = writer_class()(ix)
    with pytest.raises(UnknownFieldError):
        writer.add_document(doc_id="a", colour="red")
    writer.cancel()
