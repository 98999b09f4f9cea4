"""The pipeline: one file into a finished ``Report``.

``read_report`` runs every stage on one file, in order: the source is read (``sources``), its
structure parsed (``structure``), its measures tables read (``measures``), the date completed from
the file name and the title from ``metadata.csv`` (``sources.metadata``), and the initiatives it
mentions recognised (``initiatives``, through an ``Annotator``). The ingest and its worker
processes both call it; nothing here writes to the index.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from .errors import ExtractionError
from .measures.tables import attach_measures
from .models import DocumentFacts, Report
from .sources import read_document
from .sources.metadata import Override
from .structure import parse_report
from .text.dates import date_from_filename, estimated_year, evidence_rank


def extract_report(
    path: Path, data: bytes, override: Override | None = None, report_id: str = "", *, ocr: bool = False
) -> Report:
    """The Report model of one file, without its initiatives: read, parse, measures, then the
    date from the file name and the corrections of ``metadata.csv``.

    With ``ocr``, a PDF with no text layer is read with OCR (see ``sources.ocr``)."""
    sha = hashlib.sha256(data).hexdigest()
    raw = read_document(path, ocr=ocr)
    report = complete_report(attach_measures(parse_report(raw, report_id, sha)), path, override, raw.facts)
    if not report.paragraphs:
        raise ExtractionError("no paragraphs of text were found in it")
    return replace(report, encoding=raw.encoding) if raw.encoding else report


#: How the encodings a text file may be read in are named to the user.
ENCODING_NAMES = {"cp1252": "Windows-1252", "latin-1": "Latin-1 (ISO 8859-1)"}


def reading_note(report: Report) -> str:
    """What the user may want to know of how a report's file was read ("" for nothing)."""
    if report.encoding in ENCODING_NAMES:
        return f"read as {ENCODING_NAMES[report.encoding]} text: it is not UTF-8"
    return ""


def complete_report(report: Report, path: Path, override: Override | None = None, facts: DocumentFacts | None = None) -> Report:
    """What the text does not say: the source file, the date from the file name when the text
    has none, else a weak date the file gives of itself (a Word document's creation date), the
    corrections of ``metadata.csv`` (``override``), the file name for a missing title."""
    fixes: dict = {"source": str(path)}
    if not report.date or evidence_rank(report.date_source) > evidence_rank("filename"):
        # a "Published ..." line is weaker evidence than the file name or the document's own date
        named = date_from_filename(path.name)
        if named:
            fixes.update(date=named.isoformat(), date_source="filename")
        elif facts is not None and facts.date:
            fixes.update(date=facts.date, date_source=facts.date_source)
    if override:
        if override.date:
            fixes.update(date=override.date, date_source="metadata.csv")
        if override.title:
            fixes["title"] = override.title
        if override.body:
            fixes["body"] = override.body  # as the user wrote it: "West Yorkshire Police and Crime Panel", "HMICFRS"
    if not fixes.get("date", report.date):
        fixes["date_source"] = "none"  # undated: no date in the text, the file name, the file's metadata or metadata.csv
        estimate = next(filter(None, (estimated_year(p.text) for p in report.paragraphs)), None)
        if estimate:
            fixes["date_estimate"] = estimate
    if not (fixes.get("title") or report.title):
        fixes["title"] = path.stem.replace("_", " ").replace("-", " ").strip()
    return replace(report, **fixes)


class Annotator:
    """Reads initiative mentions into report models with the gazetteer (curated list plus the
    user's files). spaCy is loaded only when a report actually needs reading."""

    def __init__(self, gazetteer_files: list[Path]):
        from .initiatives.gazetteer import load_gazetteer
        from .initiatives.recognition import gazetteer_fingerprint

        self.initiatives = load_gazetteer(*gazetteer_files)
        self.fingerprint = gazetteer_fingerprint(self.initiatives)
        self._recogniser = None

    def load(self) -> None:
        """Build the rules now (spaCy), rather than for the first report that needs them."""
        if self._recogniser is None:
            from .initiatives.recognition import Recogniser

            self._recogniser = Recogniser(self.initiatives)

    def annotate(self, report: Report) -> Report:
        """The report with the initiatives it mentions and those first discovered in it."""
        self.load()
        mentions, discovered = self._recogniser.annotate(report)
        return replace(report, mentions=mentions, discovered=discovered)


def read_report(
    path: Path, annotator: Annotator, *, override: Override | None = None, ocr: bool = False, sha: str | None = None
) -> Report:
    """One file into a finished report: every stage, initiatives included. Raises
    ExtractionError (with the reason a user can act on) when the file is not a readable report."""
    data = path.read_bytes()
    if sha is not None and hashlib.sha256(data).hexdigest() != sha:
        raise ExtractionError("the file changed while it was being ingested; run the ingest again")
    return annotator.annotate(extract_report(path, data, override, ocr=ocr))


#: Why a file failed when reading it needed more memory than a reading process may use
#: (``ingest.limits``: ``--file-memory``).
MEMORY_REASON = "reading it needed more memory than a reader may use (raise the limit with --file-memory)"


def extract_and_annotate(
    path: Path, sha: str, override: Override | None, annotator: Annotator, *, ocr: bool
) -> tuple[Report | None, str]:
    """One file's report with its initiative mentions, or None and the reason it failed."""
    report, reason = extract(path, sha, override, ocr=ocr)
    if report is None:
        return None, reason
    return annotate(report, annotator)


def extract(path: Path, sha: str, override: Override | None, *, ocr: bool) -> tuple[Report | None, str]:
    """One file's report (no initiative mentions yet), or None and the reason it failed."""
    try:
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            return None, "the file changed while it was being ingested; run the ingest again"
        return extract_report(path, data, override, ocr=ocr), ""
    except OSError as exc:
        return None, f"could not be read ({exc.strerror})"
    except ExtractionError as exc:
        return None, str(exc)
    except MemoryError:
        return None, MEMORY_REASON
    except Exception as exc:  # an extractor bug must not cost the rest of the corpus
        return None, f"unexpected extraction error: {type(exc).__name__}: {exc}"


def annotate(report: Report, annotator: Annotator) -> tuple[Report | None, str]:
    """The report with its initiative mentions, or None and the reason it failed."""
    try:
        return annotator.annotate(report), ""
    except MemoryError:
        return None, MEMORY_REASON
    except Exception as exc:  # a recogniser bug must not cost the rest of the corpus
        return None, f"unexpected extraction error: {type(exc).__name__}: {exc}"
