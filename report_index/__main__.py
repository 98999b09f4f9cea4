"""``python -m report_index``: the same as the ``report-index`` command."""

from .cli import main

main()
