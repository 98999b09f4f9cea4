"""Reading a segment's files from the memory-mapped segment without copying them.

A segment (``reports_….seg``) is one compound file that Whoosh maps into memory; each file in
it (postings, stored fields, columns, the terms table) is opened as a ``BufferFile`` over a
view of the map. Whoosh's ``BufferFile`` also makes ``io.BytesIO(view)`` of it for reading at
a position, and that copies the whole file: opening an index of a million passages copied
gigabytes of postings and stored fields into the process, which then held them (5.4 GB). Here
the same file is read through the view itself: the same bytes, and only the pages read are
brought in, by the system, which can drop them again.
"""

from __future__ import annotations

from whoosh.filedb.structfile import BufferFile


class ViewFile:
    """A read-only file over a memoryview (what ``BufferFile`` asks of ``BytesIO``)."""

    def __init__(self, view):
        self._view = view
        self._size = len(view)
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = self._size if size is None or size < 0 else min(self._size, start + size)
        self._position = max(start, end)
        return bytes(self._view[start:end])

    def peek(self, size: int = 0) -> bytes:
        """What ``read`` would give next, left unread: pickle's unpickler reads a pickle (a
        posting block's header) from a file that can peek in one call, not one per opcode."""
        start = self._position
        return bytes(self._view[start:min(self._size, start + max(size, 4096))])

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        start = self._position
        end = self._size if size is None or size < 0 else min(self._size, start + size)
        found = bytes(self._view[start:end]).find(b"\n")
        return self.read((found + 1 if found >= 0 else end - start))

    def __iter__(self):
        while line := self.readline():
            yield line

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._position, self._size)[whence]
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        self._view = b""


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf = buf
    self._name = name
    self.file = ViewFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def read_segments_in_place() -> None:
    """Make every ``BufferFile`` read its view in place (idempotent; the index layer calls it
    before it opens an index)."""
    BufferFile.__init__ = _buffer_file_init
