"""How long one file may take to read, and how much memory a reading process may use.

A pathological PDF (a content stream that loops, a page tree that nests without end, an image
that decodes to gigabytes) must not stall or sink an ingest. Files are read in worker processes
(``workers.py``); the ingest ends a worker that has spent longer than ``FileLimits.seconds`` on
one file, and that file fails by name while the others are read by a fresh worker. Each worker
runs under an address-space limit (``RLIMIT_AS``) of what it had when it started plus
``FileLimits.memory_mb``: an allocation beyond it fails inside that worker (a ``MemoryError``,
or a crash of the PDF library), never in the ingest, and the file fails by name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

#: Seconds one file may take to read (layout, structure, initiatives): generous, since a real
#: 1,000-page report reads in well under a minute (see the README's Performance table).
DEFAULT_SECONDS = 300.0
#: With OCR a scanned file is read page image by page image: much slower.
DEFAULT_OCR_SECONDS = 1800.0
#: Megabytes a reading process may take beyond what it holds when it starts.
DEFAULT_MEMORY_MB = 4096

#: Why a file failed when it ran out of time (``pipeline.MEMORY_REASON`` when out of memory).
TIMEOUT_REASON = (
    "reading it took longer than {seconds:g} seconds, the time limit for one file: the reader was "
    "stopped (raise it with --file-timeout)"
)


@dataclass(frozen=True)
class FileLimits:
    """Limits on reading one file; None (or 0) for no limit."""

    seconds: float | None = DEFAULT_SECONDS
    memory_mb: int | None = DEFAULT_MEMORY_MB

    @classmethod
    def default(cls, *, ocr: bool = False) -> FileLimits:
        return cls(seconds=DEFAULT_OCR_SECONDS if ocr else DEFAULT_SECONDS)

    def timeout_reason(self) -> str:
        return TIMEOUT_REASON.format(seconds=self.seconds or 0)


def bound_memory(memory_mb: int | None) -> None:
    """Limit this process's address space to what it has now plus ``memory_mb`` megabytes.
    Nothing happens where the limit cannot be set (not Linux, or a lower hard limit)."""
    if not memory_mb:
        return
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass
