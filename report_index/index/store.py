"""The Whoosh index on disk: its schema, where it lives, and reading reports back out of it.

One document per passage (paragraph, list item, table row) and one per report. The report
document stores the whole structured model as JSON, so listing, outlines and later analyses
never need the source files again. A small ``report-index.json`` beside Whoosh's files records
the schema version; an index of another version is never read blindly.
"""

from __future__ import annotations

import errno
import json
import os
import re
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

from ..errors import (
    IndexBusyError,
    IndexMissingError,
    ReportIndexError,
    SchemaMismatchError,
    UnknownReportError,
)
from ..index.writer import writer_class
from ..models import Report

SCHEMA_VERSION = 4  # 2: measures; 3: initiatives and mentions; 4: vocabulary, year facet, spelling words
META_FILE = "report-index.json"
INDEX_NAME = "reports"
DEFAULT_DIR = ".report-index"
ENV_VAR = "REPORT_INDEX_DIR"


def resolve_index_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """``--index DIR``, else ``$REPORT_INDEX_DIR``, else ``./.report-index``."""
    if option:
        return Path(option)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return Path(DEFAULT_DIR)


def analyzer():
    """Words lower-cased, accents folded, stop words dropped, stemmed (orders -> order)."""
    return StemmingAnalyzer() | CharsetFilter(accent_map)


_SPELL_PATTERN = r"[^\W\d_]{3,}"
_SPELL_WORD = re.compile(_SPELL_PATTERN)


def spelling_analyzer():
    """Whole words, lower-cased, not stemmed: the words "did you mean" can offer."""
    return RegexTokenizer(_SPELL_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


def build_schema() -> Schema:
    return Schema(
        doc_id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        report_id=ID(stored=True),
        title=TEXT(stored=True, analyzer=analyzer()),
        date=ID(stored=True, sortable=True),
        year=ID(stored=True),
        body=TEXT(stored=True, analyzer=analyzer()),
        source=STORED(),
        section=ID(stored=True),
        heading=TEXT(stored=True, analyzer=analyzer()),
        # one term a number, not Whoosh's default of eight (for fast ranges): pages and ordinals
        # are shown and sorted on, and a range over them is short anyway
        page=NUMERIC(stored=True, shift_step=0),
        pages=STORED(),
        ordinal=NUMERIC(stored=True, sortable=True, shift_step=0),
        text=TEXT(stored=True, analyzer=analyzer(), phrase=True),
        spell=TEXT(stored=False, analyzer=spelling_analyzer(), phrase=False),
        vocab=STORED(),  # report documents: acronyms the report defines, names of discovered initiatives
        initiatives=KEYWORD(lowercase=False, scorable=False),  # ids of the initiatives a passage mentions
        sha256=STORED(),
        fingerprint=STORED(),
        annotation=STORED(),  # fingerprint of the initiative gazetteer the mentions were read with
        model=STORED(),
    )


# --------------------------------------------------------------------------------------------
# Opening


def _read_meta(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def index_exists(index_dir: Path) -> bool:
    return index_dir.is_dir() and whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME)


def check_schema(index_dir: Path) -> None:
    meta = _read_meta(index_dir)
    version = meta.get("schema_version") if isinstance(meta, dict) else None
    if version != SCHEMA_VERSION:
        found = f"schema version {version}" if version is not None else "an unknown schema version"
        raise SchemaMismatchError(
            f"the index at {index_dir} was built with {found}; this version of report-index uses "
            f"schema version {SCHEMA_VERSION}. Run `report-index reindex` to rebuild it from the source files."
        )


def open_index(index_dir: Path):
    """Open an existing index for reading; raises IndexMissingError or SchemaMismatchError."""
    if not index_exists(index_dir):
        raise IndexMissingError(
            f"no index at {index_dir} yet. Build one with `report-index ingest FOLDER` "
            f"(for the bundled reports: `report-index ingest corpus/`)."
        )
    check_schema(index_dir)
    return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)


def index_signature(index_dir: Path) -> tuple:
    """What changes whenever the index or the files kept beside it change: each table of contents
    (a commit writes a new one), the catalogue, the schema version file and the user's initiative
    lists, by name, size and modification time. Readers cache by it and can never serve a stale
    index; it costs a directory listing."""
    try:
        entries = [
            (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
            for entry in os.scandir(index_dir)
            if entry.name.endswith(".toc") or entry.name in (META_FILE, CATALOGUE_FILE)
        ]
    except OSError:
        return ()
    for path in user_gazetteer_files(index_dir):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


def open_or_create(index_dir: Path):
    """Open the index for writing, creating it when there is none."""
    if index_exists(index_dir):
        return open_index(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    # The version first: a crash between the two leaves no index, never an index of unknown version.
    (index_dir / META_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION}) + "\n", encoding="utf-8")
    return whoosh_index.create_in(str(index_dir), build_schema(), indexname=INDEX_NAME)


def _busy_message(index_dir: Path, holder: str = "") -> str:
    who = f" (process {holder})" if holder else ""
    return (
        f"index busy: another ingest{who} is writing to the index at {index_dir}. "
        "Wait for it to finish and run this again, or give --wait SECONDS to wait for it."
    )


def writer_for(ix, index_dir: Path, wait: float = 0.0):
    """The index's single writer; raises IndexBusyError when another process holds it."""
    from whoosh.index import LockError

    try:
        return writer_class()(ix, timeout=wait, limitmb=256)
    except LockError:
        raise IndexBusyError(_busy_message(index_dir)) from None


def segment_writer(index_dir: Path, limitmb: int = 128):
    """A writer of one new segment of the index, for a worker process of an ingest.

    It takes no lock: the ingest that started the worker holds the index (``ingest_lock`` and
    Whoosh's write lock) for it. Its files are written under a fresh segment name and stay out
    of the index until that ingest commits them with ``commit_with_segments``; a segment never
    committed (a crash, Ctrl-C) is deleted by the next commit. This is how Whoosh's own
    multiprocessing writer works (``whoosh.multiproc``), with the worker processes our own.
    """
    ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
    return writer_class()(ix, _lk=False, limitmb=limitmb)


def finish_segment(writer):
    """Write out a segment writer's segment and return it (None if nothing was added to it)."""
    if writer._added:
        return writer._finalize_segment()
    writer._close_segment()
    return None


def discard_writer(writer) -> None:
    """Cancel a writer and delete the files it had started for its new segment."""
    if not writer.is_closed:
        writer.cancel()
    prefix = writer.newsegment.segment_id()
    for name in list(writer.storage):
        if name.startswith(prefix):
            try:
                writer.storage.delete_file(name)
            except OSError:
                pass


def commit_with_segments(writer, segments: list) -> None:
    """Commit the ingest's own writer (its deletions and documents) together with segments
    written by its workers: one new table of contents, so all of it appears at once or none."""
    if not segments:
        writer.commit()
        return
    writer._check_state()
    final = writer._merge_segments(None, None, None)  # Whoosh's usual policy: small old segments merged
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final + list(segments))
    writer._finish()


# --------------------------------------------------------------------------------------------
# The ingest lock

LOCK_FILE = "ingest.lock"


@contextmanager
def ingest_lock(index_dir: Path, wait: float = 0.0, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the index for one ingest or reindex, from reading what it holds to its last write.

    Whoosh's own write lock only covers the writer; this one also covers creating the index,
    reading what it holds before writing and the files kept beside it, so two runs never work
    from the same starting point. It is an ``flock`` on ``ingest.lock`` in the index folder: the
    kernel releases it when the holder exits, however it exits (SIGKILL included), so it is never
    stale; the file left behind is harmless. Waits up to ``wait`` seconds, calling ``on_wait``
    once if it has to; then raises IndexBusyError.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: Whoosh's writer lock still keeps one writer
        yield
        return
    path = index_dir / LOCK_FILE
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o644))
    except OSError as exc:
        raise ReportIndexError(f"the index folder {index_dir} cannot be written ({exc.strerror})") from None
    deadline = time.monotonic() + max(wait, 0.0)
    told = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            if time.monotonic() >= deadline:
                raise IndexBusyError(_busy_message(index_dir, _lock_holder(path))) from None
            if not told and on_wait is not None:
                on_wait()
                told = True
            time.sleep(min(0.1, max(deadline - time.monotonic(), 0.0)))
            continue
        try:  # the folder may have been swapped (reindex) while we waited: lock the file that is there now
            current = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            current = False
        if current:
            break
        os.close(fd)
    try:
        try:  # who holds it, for the "index busy" message of others; only a courtesy
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _lock_holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return ""
    return text if text.isdigit() else ""


# --------------------------------------------------------------------------------------------
# Documents


def report_documents(report: Report, fingerprint: str, annotation: str = "") -> Iterator[dict]:
    """The Whoosh documents of one report: the report itself, then each passage."""
    mentioned: dict[int, list[str]] = {}
    for mention in report.mentions:
        ids = mentioned.setdefault(mention.paragraph, [])
        if mention.initiative not in ids:
            ids.append(mention.initiative)
    from ..search.vocabulary import find_definitions

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
        "spell": " ".join(sorted({word for t in (text, *(p.text for p in report.paragraphs)) for word in _SPELL_WORD.findall(t)})),
        "sha256": report.sha256,
        "fingerprint": fingerprint,
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
        )
    return out


def stored_report(searcher, report_id: str) -> Report:
    """The report model the index holds for ``report_id``."""
    fields = searcher.document(doc_id=report_id)
    return Report.from_dict(json.loads(fields["model"]))


CATALOGUE_FILE = "catalogue.json"


def write_catalogue(ix, index_dir: Path) -> None:
    """A small summary of the index beside it: each report's metadata, the acronyms the reports
    define and the initiatives discovered in them. Searching reads this instead of the report
    models. Rewritten (atomically) after each commit."""
    reports: list[dict] = []
    definitions: dict[str, list[str]] = {}
    initiatives: dict[str, dict] = {}
    with ix.searcher() as searcher:
        for fields in searcher.documents(kind="report"):
            reports.append(
                {key: fields.get(key, "") for key in ("report_id", "title", "date", "body", "source", "sha256")}
            )
            vocab = json.loads(fields.get("vocab") or "{}")
            for acronym, long_form in vocab.get("definitions", {}).items():
                forms = definitions.setdefault(acronym, [])
                if long_form not in forms:
                    forms.append(long_form)
            for item in vocab.get("initiatives", []):
                known = initiatives.setdefault(item["id"], dict(item))
                known["aliases"] = list(dict.fromkeys([*known.get("aliases", []), *item.get("aliases", [])]))
    data = {"reports": reports, "definitions": definitions, "initiatives": list(initiatives.values())}
    temporary = index_dir / (CATALOGUE_FILE + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(index_dir / CATALOGUE_FILE)


def read_catalogue(index_dir: Path) -> dict:
    """What ``write_catalogue`` gathered; rebuilt from the index if the file is missing."""
    try:
        return json.loads((index_dir / CATALOGUE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        write_catalogue(open_index(index_dir), index_dir)
        return json.loads((index_dir / CATALOGUE_FILE).read_text(encoding="utf-8"))


def catalogue_reports(index_dir: Path) -> list[Report]:
    """The ingested reports' metadata only (no passages): enough to name and filter reports."""
    return [
        Report(id=r["report_id"], source=r["source"], sha256=r.get("sha256", ""), title=r["title"],
               date=r["date"] or None, body=r["body"])
        for r in read_catalogue(index_dir)["reports"]
    ]


GAZETTEER_DIR = "initiatives"


def user_gazetteer_files(index_dir: Path) -> list[Path]:
    """The user's own initiative lists kept with the index: ``initiatives.json`` or ``.csv`` in
    the index folder, and the files an ingest was given with ``--initiatives`` (kept in
    ``initiatives/``)."""
    found = [index_dir / name for name in ("initiatives.json", "initiatives.csv") if (index_dir / name).is_file()]
    folder = index_dir / GAZETTEER_DIR
    if folder.is_dir():
        found.extend(sorted(p for p in folder.iterdir() if p.suffix.lower() in (".json", ".csv")))
    return found


def load_reports(index_dir: Path) -> list[Report]:
    """Every ingested report's model, oldest meeting first."""
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        reports = [Report.from_dict(json.loads(f["model"])) for f in searcher.documents(kind="report")]
    return sorted(reports, key=lambda r: (r.date or "9999", r.id))


def find_report(reports: Iterable[Report], name: str) -> Report:
    """The one report ``name`` identifies: an id, an id prefix, a date, or a file name."""
    reports = list(reports)
    wanted = name.strip().lower()
    exact = [r for r in reports if r.id.lower() == wanted]
    if exact:
        return exact[0]
    candidates = [
        r
        for r in reports
        if r.id.lower().startswith(wanted)
        or (r.date or "") == wanted
        or Path(r.source).name.lower() == wanted
        or Path(r.source).stem.lower() == wanted
    ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise UnknownReportError(f"no ingested report matches '{name}'. `report-index reports` lists them.")
    listed = ", ".join(r.id for r in candidates[:8])
    raise UnknownReportError(f"'{name}' matches {len(candidates)} reports ({listed}); give the full id.")


def recorded_sources(index_dir: Path) -> list[str]:
    """The source paths an index was built from, whatever its schema version, for ``reindex``."""
    if not index_exists(index_dir):
        open_index(index_dir)  # raises the usual "no index yet" message
    try:
        ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
        with ix.searcher() as searcher:
            return sorted({fields["source"] for fields in searcher.all_stored_fields() if fields.get("source")})
    except Exception as exc:  # an index too old or too damaged to read at all
        raise ReportIndexError(
            f"the index at {index_dir} cannot be read ({type(exc).__name__}); "
            "delete the folder and run `report-index ingest` again"
        ) from None


def slugify(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "report"
