"""The ingest lock: one ingest or reindex holds an index at a time."""

from __future__ import annotations

import errno
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..errors import IndexBusyError, ReportIndexError
from .files import LOCK_FILE


def busy_message(index_dir: Path, holder: str = "") -> str:
    who = f" (process {holder})" if holder else ""
    return (
        f"index busy: another ingest{who} is writing to the index at {index_dir}. "
        "Wait for it to finish and run this again, or give --wait SECONDS to wait for it."
    )




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
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT):
            raise  # explained with the fix by the ingest (``ingest.run``), as any write it cannot make
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
                raise IndexBusyError(busy_message(index_dir, _lock_holder(path))) from None
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
