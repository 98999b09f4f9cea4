"""Finding report files under the folders a user names: walked recursively, each folder visited
once (symbolic-link loops are skipped), hidden files and ``metadata.csv`` left out, and every
file passed over named with the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..errors import ReportIndexError
from ..models import FileOutcome
from . import SUPPORTED_SUFFIXES
from .metadata import METADATA_FILE


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """Report files under ``paths`` (files or folders, walked recursively, links not followed
    into loops), and the files passed over with the reason."""
    found: list[Path] = []
    skipped: list[FileOutcome] = []
    seen_dirs: set[Path] = set()

    def visit_file(path: Path) -> None:
        if path.name == METADATA_FILE or path.name.startswith("."):
            return
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append(path)
        else:
            skipped.append(FileOutcome(str(path), "skipped", reason=f"not a report file type ({path.suffix or 'no extension'})"))

    def visit_dir(folder: Path) -> None:
        try:
            real = folder.resolve()
        except (OSError, RuntimeError):
            skipped.append(FileOutcome(str(folder), "skipped", reason="folder could not be resolved (a symlink loop?)"))
            return
        if real in seen_dirs:
            return
        seen_dirs.add(real)
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            skipped.append(FileOutcome(str(folder), "skipped", reason=f"folder could not be read ({exc.strerror})"))
            return
        for entry in entries:
            try:
                if entry.is_dir():
                    if not entry.name.startswith("."):
                        visit_dir(entry)
                elif entry.is_file():
                    visit_file(entry)
                elif entry.is_symlink():
                    skipped.append(FileOutcome(str(entry), "skipped", reason="broken or looping symbolic link"))
            except OSError as exc:
                skipped.append(FileOutcome(str(entry), "skipped", reason=f"could not be read ({exc.strerror})"))

    for path in paths:
        if path.is_dir():
            visit_dir(path)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(path)
            else:
                skipped.append(FileOutcome(str(path), "skipped", reason=f"not a report file type ({path.suffix or 'no extension'})"))
        else:
            raise ReportIndexError(f"{path} does not exist")
    return found, skipped
