"""Discovering department files in the inbox: stable ones only, each registered once."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .settings import ACCEPTED_SUFFIXES, TEMP_PREFIXES, TEMP_SUFFIXES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboxFile:
    path: str
    unit_code: str
    size: int
    mtime: float
    sha256: str

    def to_dict(self) -> dict:
        return asdict(self)


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def is_candidate(path: Path) -> bool:
    """Not a temp or lock file, not hidden."""
    name = path.name
    if name.startswith(TEMP_PREFIXES) or name.lower().endswith(TEMP_SUFFIXES):
        return False
    return path.is_file()


def is_settled(path: Path, settle_seconds: float, now: float | None = None) -> bool:
    """Size and mtime have not changed for ``settle_seconds`` (the copy has finished)."""
    stat = path.stat()
    now = time.time() if now is None else now
    return now - stat.st_mtime >= settle_seconds


def scan_inbox(
    inbox: Path, known_units: set[str], settle_seconds: float, now: float | None = None
) -> tuple[list[InboxFile], list[tuple[Path, str]]]:
    """Settled files per unit folder, and misplaced files with the reason (for _unknown)."""
    found: list[InboxFile] = []
    misplaced: list[tuple[Path, str]] = []
    if not inbox.exists():
        return found, misplaced
    for entry in sorted(inbox.iterdir()):
        if entry.is_file() and is_candidate(entry):
            if is_settled(entry, settle_seconds, now):
                misplaced.append((entry, "文件放在收件箱根目录，无法判断报送单位"))
            continue
        if not entry.is_dir() or entry.name.startswith(TEMP_PREFIXES):
            continue
        for path in sorted(p for p in entry.rglob("*") if is_candidate(p)):
            if any(part.startswith(TEMP_PREFIXES) for part in path.relative_to(entry).parts):
                continue
            if not is_settled(path, settle_seconds, now):
                log.info("waiting for %s to settle", path)
                continue
            if entry.name not in known_units:
                misplaced.append((path, f"“{entry.name}”不是已登记的报送单位代码"))
                continue
            if path.suffix.lower() not in ACCEPTED_SUFFIXES:
                # still taken in: it is refused with its own message at the check step
                log.info("unexpected file type %s", path)
            stat = path.stat()
            found.append(
                InboxFile(str(path), entry.name, stat.st_size, stat.st_mtime, sha256_of(path))
            )
    return found, misplaced
