"""Looking at processes (Linux /proc): the worker processes an ingest starts, and that they end."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def children_of(pid: int) -> list[int]:
    """The live child processes of ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def assert_gone(pids: list[int], timeout: float = 10.0) -> None:
    """Every process in ``pids`` ends (or is a zombie) within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        alive = [pid for pid in pids if _state(pid) not in (None, "Z")]
        if not alive:
            return
        assert time.monotonic() < deadline, f"worker processes outlived the ingest: {alive}"
        time.sleep(0.05)


def ctrl_c(ingest_pid: int) -> None:
    """Press Ctrl-C on the ingest ``ingest_pid`` from wherever the call is made: the ingest
    itself or one of its worker processes, which then waits to be ended by it."""
    os.kill(ingest_pid, signal.SIGINT)
    if os.getpid() != ingest_pid:
        time.sleep(30)
    time.sleep(1)  # the interrupt takes effect in the ingest at once
