"""Knowing a damaged index for what it is, and saying which file and what to do.

After each commit the files of the generation just committed (Whoosh's table of contents and
its segments) are listed with their sizes and CRC-32 checksums in ``integrity.json``. Opening an
index compares the sizes (a ``stat`` a file): a file deleted, emptied or truncated is named at
once. An ingest compares the checksums too before it writes (a segment overwritten with other
bytes of the same size), and refuses to write into a damaged index. Any other command that
meets an error it does not expect asks ``diagnose`` whether the index is damaged; then the user
reads which file and the fix (``reindex``, which rebuilds the index from the kept reports, see
``kept.py``), not a traceback.

An index written before this file existed, or a commit under way (the table of contents newer
than the record), is not checked: nothing is known to compare with.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

from ..errors import IndexDamagedError
from .files import INDEX_NAME, INTEGRITY_FILE, META_FILE, MODELS_DIR

_CHUNK = 1 << 20


def committed_generation(index_dir: Path) -> int | None:
    """The newest table of contents' generation, from the file names."""
    prefix, suffix = f"_{INDEX_NAME}_", ".toc"
    generations = []
    try:
        for entry in os.scandir(index_dir):
            name = entry.name
            if name.startswith(prefix) and name.endswith(suffix) and name[len(prefix) : -len(suffix)].isdigit():
                generations.append(int(name[len(prefix) : -len(suffix)]))
    except OSError:
        return None
    return max(generations) if generations else None


def _crc(path: Path) -> int:
    crc = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
    return crc


def record_files(ix, index_dir: Path) -> None:
    """List the committed generation's files, sizes and checksums in ``integrity.json``."""
    generation = ix.latest_generation()
    names = [f"_{INDEX_NAME}_{generation}.toc"]
    for segment in ix._segments():
        prefix = segment.segment_id() + "."
        names.extend(sorted(name for name in os.listdir(index_dir) if name.startswith(prefix)))
    try:  # Whoosh never changes a file once written: the checksums of files still there stand
        known = json.loads((index_dir / INTEGRITY_FILE).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        known = {}
    files = {}
    for name in names:
        path = index_dir / name
        size = path.stat().st_size
        before = known.get(name)
        files[name] = [size, before[1] if before and before[0] == size and not name.endswith(".toc") else _crc(path)]
    temporary = index_dir / (INTEGRITY_FILE + ".tmp")
    temporary.write_text(json.dumps({"generation": generation, "files": files}, indent=1), encoding="utf-8")
    temporary.replace(index_dir / INTEGRITY_FILE)


def check_files(index_dir: Path, *, deep: bool = False) -> None:
    """Raise IndexDamagedError naming the first of the committed files that is missing, of
    another size than was written, or (``deep``) holds other bytes than were written."""
    try:
        record = json.loads((index_dir / INTEGRITY_FILE).read_text(encoding="utf-8"))
        generation, files = int(record["generation"]), dict(record["files"])
    except FileNotFoundError:
        return
    except (OSError, ValueError, KeyError, TypeError):
        raise damaged(index_dir, INTEGRITY_FILE, "is not readable") from None
    newest = committed_generation(index_dir)
    if newest is None:
        raise damaged(index_dir, f"_{INDEX_NAME}_{generation}.toc", "is missing (the table of contents)")
    if newest != generation:
        return  # a commit under way, or a table of contents from elsewhere: nothing to compare
    for name, (size, crc) in files.items():
        path = index_dir / name
        try:
            actual = path.stat().st_size
        except FileNotFoundError:
            raise damaged(index_dir, name, "is missing") from None
        if actual != size:
            what = "is empty" if actual == 0 else f"has {actual:,} bytes where {size:,} were written"
            raise damaged(index_dir, name, what)
        if deep and _crc(path) != crc:
            raise damaged(index_dir, name, "does not hold what was written (its checksum differs)")


def diagnose(index_dir: Path) -> IndexDamagedError | None:
    """The damage that explains an unexpected error, if the index files show any."""
    try:
        check_files(index_dir, deep=True)
    except IndexDamagedError as exc:
        return exc
    except OSError:
        return None
    meta = index_dir / META_FILE
    try:
        json.loads(meta.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return damaged(index_dir, META_FILE, "is missing")
    except (OSError, ValueError):
        return damaged(index_dir, META_FILE, "is not readable")
    return None


def damaged(index_dir: Path, name: str, what: str) -> IndexDamagedError:
    """The message for a damaged index file, with the fix."""
    if (index_dir / MODELS_DIR).is_dir():
        fix = f"the reports read into it are kept apart in {index_dir / MODELS_DIR}, and nothing needs to be read again"
    else:
        fix = "it is rebuilt from the source files"
    return IndexDamagedError(
        f"the index at {index_dir} is damaged: {name} {what}. "
        f"Run `report-index --index {index_dir} reindex` to rebuild it ({fix})."
    )
