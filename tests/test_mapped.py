"""Segments are read from the map in place (``index.mapped``): the same bytes as Whoosh's own
``BytesIO`` copy gives, read the ways Whoosh reads them, and no copy of the segment's files."""

from __future__ import annotations

import io
import pickle
import random
from array import array

from whoosh.filedb.structfile import BufferFile, StructFile

from report_index.index.mapped import ViewFile, read_segments_in_place
from report_index.index.store import open_index
from report_index.search.run import search


def test_a_view_file_reads_as_bytesio_does():
    rng = random.Random(3)
    data = bytes(rng.randrange(256) for _ in range(5000)) + b"line one\nline two\n" + pickle.dumps({"a": [1, 2, 3]}, 2)
    ours, theirs = ViewFile(memoryview(data)), io.BytesIO(data)
    for _ in range(400):
        op = rng.choice(["read", "seek", "readline", "readinto", "tell"])
        if op == "read":
            n = rng.choice([-1, 0, 1, 7, 300, 10_000])
            assert ours.read(n) == theirs.read(n)
        elif op == "seek":
            whence = rng.choice([0, 1, 2])
            offset = rng.randrange(-50, 50) if whence else rng.randrange(len(data) + 10)
            if whence == 1 and theirs.tell() + offset < 0 or whence == 2 and len(data) + offset < 0:
                continue
            assert ours.seek(offset, whence) == theirs.seek(offset, whence)
        elif op == "readline":
            assert ours.readline() == theirs.readline()
        elif op == "readinto":
            size = rng.randrange(1, 40)
            a, b = bytearray(size), bytearray(size)
            assert ours.readinto(a) == theirs.readinto(b) and a == b
        assert ours.tell() == theirs.tell()
    ours.seek(len(data) - len(pickle.dumps({"a": [1, 2, 3]}, 2)))
    assert pickle.load(ours) == {"a": [1, 2, 3]}


def test_a_buffer_file_reads_arrays_and_pickles_from_the_view():
    read_segments_in_place()
    payload = array("I", range(100)).tobytes() + pickle.dumps(("ids", [4, 5]), 2)
    f, copy = BufferFile(memoryview(payload)), StructFile(io.BytesIO(payload))
    assert isinstance(f.file, ViewFile)
    assert f.read_array("I", 100) == copy.read_array("I", 100)
    assert f.read_pickle() == copy.read_pickle() == ("ids", [4, 5])
    assert f.get(4, 4) == payload[4:8]


def test_an_open_index_copies_no_segment_file(corpus_index):
    ix = open_index(corpus_index)
    with ix.searcher() as searcher:
        searcher.document(kind="report")  # opens the stored fields
        opened = [
            f for leaf, _ in searcher.leaf_searchers()
            for f in (leaf.reader()._terms._postfile, *leaf.reader()._perdoc._colfiles.values())
            if isinstance(f, BufferFile)
        ]
        assert opened and all(isinstance(f.file, ViewFile) for f in opened)
    assert search(corpus_index, "Stalking Protection Orders", expand=False).hits
