"""Ingest: bring an index up to date with the report files under some folders.

``plan`` decides what each found file is to the index (new, changed, unchanged, a copy);
``run`` reads the files that need it (in this process or in ``workers``, each file through
``pipeline.read_report``) and ``commit`` writes and commits their documents in one step.
"""

from __future__ import annotations

from .run import ingest, reindex

__all__ = ["ingest", "reindex"]
