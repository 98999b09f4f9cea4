"""Errors a user can cause and should read as one clear line, never as a traceback."""

from __future__ import annotations


class ReportIndexError(Exception):
    """Base class: the message is written for the user."""


class ExtractionError(ReportIndexError):
    """A file could not be read as a report; the message says why."""


class IndexMissingError(ReportIndexError):
    """There is no index yet at the given location."""


class SchemaMismatchError(ReportIndexError):
    """The index on disk was built by another version of the schema."""


class IndexDamagedError(ReportIndexError):
    """A file of the index is missing, cut short or overwritten; the message names it and the fix."""


class IndexWriteError(ReportIndexError):
    """The index folder cannot be written (a full disk, a read-only folder); nothing was lost."""


class IndexBusyError(ReportIndexError):
    """Another process is writing to the index."""


class QueryError(ReportIndexError):
    """The search query could not be understood."""


class UnknownReportError(ReportIndexError):
    """No ingested report matches what the user named."""


class UnknownInitiativeError(ReportIndexError):
    """No known initiative has the name the user gave."""


class SourceMissingError(ReportIndexError):
    """A report's file is no longer where the index says it was read from."""


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped an ingest after some of its batches were committed; the message says how
    much is in the index and what to do."""

    terminated = False  # SIGTERM, not Ctrl-C

    @classmethod
    def after(cls, stopped: KeyboardInterrupt, message: str) -> IngestInterrupted:
        interrupted = cls(message)
        interrupted.terminated = isinstance(stopped, Terminated)
        return interrupted


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an interrupt so that a command stops as it does for Ctrl-C
    (``report_index.__main__``): exit code 143 instead of 130."""
