"""Slugs: the readable ids of reports and initiatives ("2022-06-10-safeguarding-report",
"stalking-protection-orders"). One rule for both: accents folded, ``&`` read as "and",
apostrophes dropped (``Clare's Law`` -> ``clares-law``), anything else not a letter or digit a
hyphen."""

from __future__ import annotations

import re
import unicodedata

from .clean import fold_quotes_in_place


def slug(text: str) -> str:
    """``"Stalking Protection Orders"`` -> ``"stalking-protection-orders"``."""
    text = unicodedata.normalize("NFKD", fold_quotes_in_place(text)).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def slugify(text: str, limit: int = 60) -> str:
    """A report id: the slug, at most ``limit`` characters, never empty."""
    return slug(text)[:limit].rstrip("-") or "report"
