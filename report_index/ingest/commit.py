"""Writing an ingest's reports to the index and committing: each report's documents go to a
writer (the run's own or a worker's segment); the commit is one atomic step that Ctrl-C cannot
cut in two; and Python's cycle collector is held back while millions of short-lived objects are
made."""

from __future__ import annotations

import gc
import signal
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from ..index.documents import report_documents
from ..models import Report
from ..text.fingerprint import TextPrint


def write_report(writer, report: Report, fingerprint: str, annotation: str, text_print: TextPrint | None = None) -> None:
    """Add a report's documents (itself and its passages) to an index writer."""
    for document in report_documents(report, fingerprint, annotation, text_print):
        writer.add_document(**document)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Let Python's cycle collector run far less often for the block.

    Reading and indexing make millions of short-lived containers (words, tokens, postings) and
    almost no reference cycles, while the loaded libraries (spaCy, Whoosh, pdfminer) are hundreds
    of thousands of long-lived objects that every full collection walks again: at the default
    thresholds collection took about a tenth of an ingest. The objects alive on entry are
    frozen (left out of collections) and young objects are collected every 50,000 allocations
    rather than 700; both are put back on exit.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


#: The signals that stop a run: Ctrl-C, and SIGTERM (``report_index.__main__``)
_STOPPING = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def deferrable_interrupts() -> Iterator[Callable[[], None]]:
    """A ``hold()`` that makes Ctrl-C do nothing from the moment it is called to the end of the block.

    A run is interrupted cleanly up to its commit, which is one atomic step (Whoosh renames a new
    table of contents into place). A KeyboardInterrupt raised during or after that step would be
    reported as "nothing was committed" when everything was, or would stop a reindex between its
    two renames. So from there on Ctrl-C is ignored, and the run finishes in a moment anyway.
    """
    held: list = []

    def hold() -> None:
        if not held and threading.current_thread() is threading.main_thread():
            held.extend(signal.signal(signum, lambda _signum, _frame: None) for signum in _STOPPING)

    try:
        yield hold
    finally:
        for signum, previous in zip(_STOPPING, held):
            signal.signal(signum, previous)


@contextmanager
def interrupts_after() -> Iterator[None]:
    """Ctrl-C during the block takes effect as it ends: a batch commit (``ingest.run``) is never
    cut short, and the run stops right after it, with that batch committed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = [signal.signal(signum, lambda signum, _frame: caught.append(signum)) for signum in _STOPPING]
    try:
        yield
    finally:
        for signum, handler in zip(_STOPPING, previous):
            signal.signal(signum, handler)
    if caught:
        from ..errors import Terminated

        raise Terminated if signal.SIGTERM in caught else KeyboardInterrupt
