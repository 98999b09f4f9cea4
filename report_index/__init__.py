"""report-index: ingest UK policing accountability reports, understand their structure, search them.

The stages are plain functions over frozen typed records (``models``): ``sources`` reads a file,
``structure`` parses it, ``measures`` and ``initiatives`` read its tables and the schemes it
names, ``pipeline`` runs them on one file, ``ingest`` writes reports to the index (``index``,
the only door to Whoosh), and ``search``, ``timeline``, ``compare`` and ``series`` answer
questions. ``api`` is what front ends and scripts call:

    import report_index
    ix = report_index.Index(".report-index")
    ix.ingest(["corpus/"])
    ix.search("Stalking Protection Orders").hits
"""

import importlib

__version__ = "0.1.0"
__all__ = ["Index", "open_index", "__version__"]


def __getattr__(name: str):
    """``report_index.Index`` and ``report_index.open_index``, from ``report_index.api``, loaded on
    first use: this file runs before every module of the package (a worker process reading a PDF
    included) and imports none of them itself."""
    if name in ("Index", "open_index"):
        return getattr(importlib.import_module(f"{__name__}.api"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
