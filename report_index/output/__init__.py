"""Output: every renderer of the library's records. ``text`` for a terminal (styled by
``style``), ``to_json`` for the records' ``to_dict()``, ``csv`` for spreadsheets, ``brief`` for
Markdown and HTML briefs, ``debug`` for one file's trace, ``plot`` for charts (matplotlib)."""

from __future__ import annotations

import json
from typing import Any


def to_json(record: Any, **options: Any) -> str:
    """A record's ``to_dict()`` as indented JSON, characters as they are."""
    data = record.to_dict(**options) if hasattr(record, "to_dict") else record
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
