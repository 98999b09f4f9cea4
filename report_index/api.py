"""The Python API: what the command line and the web app call, and what a script or notebook can.

    import report_index

    ix = report_index.Index(".report-index")
    ix.ingest(["corpus/"])
    for hit in ix.search("Stalking Protection Orders", limit=5).hits:
        print(hit.citation(), hit.snippet)
    ix.progress("SmartWater")
    ix.compare("2021-06-15", "2022-06-10", topic="WYASP")

``open_index`` returns an ``Index`` that keeps the index, its catalogue and its vocabulary open
between calls and opens them again when an ingest has committed. Every method returns frozen
typed records (``report_index.models``, ``timeline``, ``compare``, ``series``), each with a
``to_dict()`` that gives the JSON the command line prints. ``ingest`` and ``reindex`` build and
rebuild indexes. Errors a user can cause are ``report_index.errors.ReportIndexError`` with a
message that says what to do.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Callable, Iterable

from typing import TYPE_CHECKING

from .errors import ReportIndexError, SourceMissingError
from .index.files import resolve_index_dir, user_gazetteer_files
from .models import IngestSummary, Initiative, Paragraph, Report, ReportList, SearchResults

if TYPE_CHECKING:  # each method imports what it needs: a command loads only its own stages
    from .compare import Comparison
    from .series import MeasureList
    from .timeline import InitiativeList, Overview, ReportDetail, Timeline

__all__ = ["Index", "ingest", "open_index", "reindex"]


class Index:
    """An index open for reading. Cheap to make; what it reads is kept until the index changes."""

    def __init__(self, path: str | os.PathLike[str] | None = None):
        self.path = resolve_index_dir(path)
        # what was read and the signature it was read at, replaced together (threads share an Index)
        self._state: tuple[tuple | None, tuple[Report, ...]] = (None, ())

    def __repr__(self) -> str:
        return f"Index({str(self.path)!r})"

    # ---- building

    def ingest(self, paths: Iterable[str | os.PathLike[str]], **options) -> IngestSummary:
        """Bring this index up to date with the report files under ``paths`` (see ``ingest``)."""
        return ingest(paths, self.path, **options)

    def reindex(self, **options) -> IngestSummary:
        """Rebuild this index from the files it was built from (see ``reindex``)."""
        return reindex(self.path, **options)

    # ---- reading reports

    def _loaded(self) -> tuple[Report, ...]:
        from .index.store import index_signature, load_reports

        signature = index_signature(self.path)  # taken before reading: never newer than what is read
        known, reports = self._state
        if known is None or signature != known or not signature:
            reports = tuple(load_reports(self.path))
            self._state = (signature, reports)
        return reports

    def reports(self) -> ReportList:
        """Every ingested report, oldest meeting first."""
        return ReportList(self._loaded())

    def report(self, name: str) -> Report:
        """The report ``name`` identifies: an id, an id prefix, a date or a file name."""
        from .index.catalogue import find_report

        return find_report(self._loaded(), name)

    def report_detail(self, name: str) -> ReportDetail:
        """The report ``name`` identifies, with the initiatives it mentions by name."""
        from .index.catalogue import find_report
        from .timeline import InitiativeList, ReportDetail, summaries

        report = find_report(self._loaded(), name)
        return ReportDetail(report, InitiativeList(tuple(summaries([report], self.known_initiatives()))))

    def source_file(self, name: str) -> Path:
        """The file the report ``name`` was read from, as the index records it (never a path
        given from outside); ReportIndexError when it is no longer there."""
        from .index.catalogue import find_report

        report = find_report(self._loaded(), name)
        path = Path(report.source)
        if not path.is_file():
            raise SourceMissingError(
                f"the file of report {report.id} is no longer at {report.source}; ingest it from where it is now "
                "(the report keeps its id)"
            )
        return path

    def overview(self, top: int = 10) -> Overview:
        """Every report, oldest meeting first, and the ``top`` initiatives most mentioned."""
        from .timeline import InitiativeList, Overview

        return Overview(self.reports(), InitiativeList(self.initiatives().items[:top]))

    def section(self, report: str, section: str) -> tuple[Paragraph, ...]:
        """The passages of one section ("2.5", "2.5.6", "KEY INFORMATION") of a report."""
        from .structure.outline import section_passages

        return tuple(section_passages(self.report(report), section))

    # ---- searching

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        date_from: str | None = None,
        date_to: str | None = None,
        report: str | None = None,
        initiative: str | None = None,
        meeting: str | None = None,
        kind: str | None = None,
        sort: str = "relevance",
        expand: bool = True,
        facets: bool = False,
    ) -> SearchResults:
        """The passages that best answer ``query`` (words, "phrases", AND/OR/NOT), with citations;
        ``meeting`` keeps one meeting's reports (by their body), ``kind`` one kind of passage."""
        from .search.run import search

        return search(
            self.path, query, limit=limit, date_from=date_from, date_to=date_to, report=report,
            initiative=initiative, meeting=meeting, kind=kind, sort=sort, expand=expand, facets=facets,
        )

    def similar(self, hit_id: str, *, limit: int = 10) -> SearchResults:
        """Passages like the one ``hit_id`` names, from other reports first."""
        from .search.run import similar

        return similar(self.path, hit_id, limit=limit)

    # ---- initiatives

    def known_initiatives(self) -> list[Initiative]:
        """The curated list, the user's lists kept with the index, and what ingest discovered."""
        from .initiatives.gazetteer import known_initiatives

        reports = self._loaded()
        return known_initiatives(user_gazetteer_files(self.path), [i for r in reports for i in r.discovered])

    def initiatives(self, *, everything: bool = False) -> InitiativeList:
        """Every initiative the reports mention, most mentioned first; with ``everything``, the
        organisations discovery found too."""
        from .timeline import InitiativeList, summaries

        return InitiativeList(tuple(summaries(list(self._loaded()), self.known_initiatives(), everything=everything)))

    def progress(self, name: str) -> Timeline:
        """How the initiative ``name`` (any name, alias or acronym) has progressed, report by report."""
        from .initiatives.gazetteer import find_initiative
        from .initiatives.identity import identities, merged
        from .timeline import Timeline, timeline

        reports = self._loaded()
        known = self.known_initiatives()
        same = identities(known, reports)
        found = find_initiative(name, known)
        by_id = {item.id: item for item in known}
        wanted = merged(by_id.get(same.get(found.id, found.id), found), known, same)  # under the name kept
        return Timeline(wanted, tuple(timeline(list(reports), wanted, same)))

    # ---- measures and comparison

    def measures(self, query: str | None = None) -> MeasureList:
        """Every performance measure as a series across reports; ``query`` keeps those whose name has its words."""
        from .series import MeasureList, collect_series

        return MeasureList(tuple(collect_series(list(self._loaded()), query)), query)

    def compare(self, a: str, b: str, *, topic: str | None = None) -> Comparison:
        """What report ``b`` says that report ``a`` did not, what it dropped, and which figures moved."""
        from .compare import compare_reports
        from .index.catalogue import find_report

        reports = self._loaded()
        return compare_reports(find_report(reports, a), find_report(reports, b), self.known_initiatives(), topic=topic)


def _damage_explained(method):
    """The method, but for an error no one expected: if the index's files show damage (see
    ``index.health``), the error says which file and what to do instead."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except ReportIndexError:
            raise
        except Exception:
            from .index.health import diagnose

            problem = diagnose(self.path)
            if problem is None:
                raise
            raise problem from None

    return guarded


for _name, _method in list(vars(Index).items()):
    if callable(_method) and not _name.startswith("__") and _name not in ("ingest", "reindex"):
        setattr(Index, _name, _damage_explained(_method))


def open_index(path: str | os.PathLike[str] | None = None) -> Index:
    """The index at ``path`` (default: ``$REPORT_INDEX_DIR``, else ``./.report-index``), open for
    reading. Raises ReportIndexError (IndexMissingError) if there is no index there yet, with the
    command that makes one."""
    index = Index(path)
    index._loaded()
    return index


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    index: str | os.PathLike[str] | None = None,
    *,
    prune: bool = False,
    wait: float = 0.0,
    initiative_files: Iterable[str | os.PathLike[str]] = (),
    ocr: bool = False,
    jobs: int | None = None,
    on_file: Callable[[Path, int, int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    file_timeout: float | None = None,
    file_memory: int | None = None,
) -> IngestSummary:
    """Bring the index at ``index`` up to date with the report files under ``paths`` (see the
    README's "ingest"). Returns what happened to each file; a file that fails is in the summary
    with its reason, never raised. ``file_timeout`` (seconds) and ``file_memory`` (megabytes)
    bound reading one file (None: the defaults of ``ingest.limits``; 0: no limit)."""
    from .ingest.run import ingest as run_ingest

    folders = [Path(p) for p in paths]
    if not folders:
        raise ReportIndexError("give at least one file or folder to ingest")
    return run_ingest(
        folders, resolve_index_dir(index), prune=prune, on_file=on_file, wait=wait,
        initiative_files=[Path(f) for f in initiative_files], ocr=ocr, on_wait=on_wait, jobs=jobs,
        limits=_limits(file_timeout, file_memory, ocr=ocr),
    )


def _limits(seconds: float | None, memory_mb: int | None, *, ocr: bool = False):
    from .ingest.limits import FileLimits

    default = FileLimits.default(ocr=ocr)
    return FileLimits(
        seconds=default.seconds if seconds is None else seconds,
        memory_mb=default.memory_mb if memory_mb is None else memory_mb,
    )


def reindex(
    index: str | os.PathLike[str] | None = None,
    *,
    prune: bool = False,
    on_file: Callable[[Path, int, int], None] | None = None,
    file_timeout: float | None = None,
    file_memory: int | None = None,
) -> IngestSummary:
    """Rebuild the index from the reports it holds (after an upgrade, or to repair it): each from
    the model kept for it, its file read again only when it or the extractor has changed. A
    report whose file is gone or unreadable is kept (status ``kept``) unless ``prune``.
    ``file_timeout`` and ``file_memory`` as for ``ingest``."""
    from .ingest.run import reindex as run_reindex

    return run_reindex(
        resolve_index_dir(index), on_file=on_file, prune=prune, limits=_limits(file_timeout, file_memory)
    )
