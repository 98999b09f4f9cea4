"""Slugs: the readable ids of reports and initiatives ("2022-06-10-safeguarding-report")."""

from __future__ import annotations

import re


def slugify(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "report"
