"""The Whoosh documents of a report (the report itself, with its whole model, then each passage)
and reading what the index holds back out of them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterator

from ..models import Report
from ..text.acronyms import find_definitions
from ..text.fingerprint import TextPrint, report_print
from .schema import SPELL_WORD


def report_documents(
    report: Report, fingerprint: str, annotation: str = "", text_print: TextPrint | None = None
) -> Iterator[dict]:
    """The Whoosh documents of one report: the report itself, then each passage. ``text_print``:
    the report's text fingerprint, when it is known already (else it is made here)."""
    mentioned: dict[int, list[str]] = {}
    for mention in report.mentions:
        ids = mentioned.setdefault(mention.paragraph, [])
        if mention.initiative not in ids:
            ids.append(mention.initiative)
    common = {
        "report_id": report.id,
        "date": report.date or "",
        "year": (report.date or "")[:4],
        "source": report.source,
    }
    text = " ".join(filter(None, [report.title, report.body, report.author, report.report_of]))
    yield {
        **common,
        "doc_id": report.id,
        "kind": "report",
        "title": report.title,
        "body": report.body,
        "text": text,
        # the words "did you mean" can offer: each word once, on the report, not again a passage
        "spell": " ".join(sorted({word for t in (text, *(p.text for p in report.paragraphs)) for word in SPELL_WORD.findall(t)})),
        "sha256": report.sha256,
        "fingerprint": fingerprint,
        "text_print": (text_print or report_print(report)).dumps(),
        "annotation": annotation,
        "initiatives": " ".join(dict.fromkeys(m.initiative for m in report.mentions)),
        "model": json.dumps(report.to_dict(), ensure_ascii=False),
        "vocab": json.dumps(
            {
                "definitions": find_definitions(p.text for p in report.paragraphs),
                "initiatives": [asdict(item) for item in report.discovered],
            },
            ensure_ascii=False,
        ),
        "ordinal": -1,
        "page": 0,
    }
    for para in report.paragraphs:
        yield {
            **common,
            "doc_id": f"{report.id}#{para.ordinal}",
            "kind": para.kind,
            "section": para.section,
            "heading": " > ".join(para.heading_path),
            "page": para.page or 0,
            "pages": list(para.pages),
            "page_offsets": list(para.page_offsets),
            "ordinal": para.ordinal,
            "text": para.text,
            "initiatives": " ".join(mentioned.get(para.ordinal, [])),
        }


@dataclass
class IndexedFile:
    report_id: str
    source: str
    sha256: str
    fingerprint: str
    annotation: str = ""
    text_print: TextPrint | None = None  # None: indexed before text fingerprints were kept


def indexed_files(searcher) -> dict[str, IndexedFile]:
    """What the index holds, by source path."""
    out: dict[str, IndexedFile] = {}
    for fields in searcher.documents(kind="report"):
        out[fields["source"]] = IndexedFile(
            report_id=fields["report_id"],
            source=fields["source"],
            sha256=fields.get("sha256", ""),
            fingerprint=fields.get("fingerprint", ""),
            annotation=fields.get("annotation", ""),
            text_print=TextPrint.loads(fields.get("text_print", "")),
        )
    return out


def stored_report(searcher, report_id: str) -> Report:
    """The report model the index holds for ``report_id``."""
    fields = searcher.document(doc_id=report_id)
    return Report.from_dict(json.loads(fields["model"]))
