"""Structure: from a ``RawDocument`` to a ``Report`` (metadata, section tree, passages).

``title_block`` reads the meeting, date, subject and authors at the top; ``labels`` tells a
paragraph number, a letter, a bullet or a heading by its form; ``sections`` builds the outline
and the passages; ``outline`` reads parts of a finished report back (one section's passages).
"""

from __future__ import annotations

from .outline import section_passages
from .sections import parse_report
from .title_block import canonical_body

__all__ = ["canonical_body", "parse_report", "section_passages"]
