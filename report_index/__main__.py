"""``python -m report_index``: the same as the ``report-index`` command."""

from .cli import main

if __name__ == "__main__":  # not when a worker process of an ingest imports this module
    main()
