"""Discovering department files in the inbox: stable ones only, each registered once."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from incubation.intake.names import display_name, path_text
from incubation.settings import ACCEPTED_SUFFIXES, TEMP_PREFIXES, TEMP_SUFFIXES

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
    return not (name.startswith(TEMP_PREFIXES) or name.lower().endswith(TEMP_SUFFIXES))


def is_settled(path: Path, settle_seconds: float, now: float | None = None) -> bool:
    """Nothing written to the file (its size or content: mtime; anything at all: ctime) for
    ``settle_seconds``: the copy has finished. A copy that keeps the original's mtime, as
    Windows Explorer does, still moves the ctime at every write."""
    try:
        stat = path.lstat()
    except FileNotFoundError:  # taken away while the inbox was read
        return False
    now = time.time() if now is None else now
    return now - max(stat.st_mtime, stat.st_ctime) >= settle_seconds


LINK_ZH = "不接受快捷方式（符号链接）：请将文件本身放入本单位的收件箱"


def scan_inbox(
    inbox: Path, known_units: set[str], settle_seconds: float, now: float | None = None
) -> tuple[list[InboxFile], list[tuple[Path, str, str | None]]]:
    """Settled files per unit folder, and the entries refused before they are read, with the
    reason and the unit folder they were in (None: outside any unit folder). A link (to a
    file or a folder) is refused and never followed: a submission is the bytes dropped in
    the unit's own folder."""
    found: list[InboxFile] = []
    refused: list[tuple[Path, str, str | None]] = []
    if not inbox.exists():
        return found, refused
    for entry in sorted(inbox.iterdir()):
        if not is_candidate(entry):
            continue
        if entry.is_symlink():
            refused.append((entry, LINK_ZH, None))
        elif entry.is_file():
            if is_settled(entry, settle_seconds, now):
                refused.append((entry, "文件放在收件箱根目录，无法判断报送单位", None))
        elif entry.is_dir():
            found += _scan_unit(entry, known_units, settle_seconds, now, refused)
    return found, refused


def _scan_unit(folder: Path, known_units, settle_seconds, now, refused) -> list[InboxFile]:
    unit = folder.name if folder.name in known_units else None
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if is_candidate(here / d))
        for name in [d for d in dirs if (here / d).is_symlink()]:
            dirs.remove(name)
            refused.append((here / name, LINK_ZH, unit))
        for name in sorted(files):
            path = here / name
            if not is_candidate(path):
                continue
            if path.is_symlink():
                refused.append((path, LINK_ZH, unit))
                continue
            if not path.is_file():  # a socket, a fifo: nothing a contact drops
                continue
            if not is_settled(path, settle_seconds, now):
                log.info("waiting for %s to settle", path_text(path))
                continue
            if unit is None:
                refused.append(
                    (path, f"“{display_name(folder.name)}”不是已登记的报送单位代码", None)
                )
                continue
            if path.suffix.lower() not in ACCEPTED_SUFFIXES:
                # still taken in: it is refused with its own message at the check step
                log.info("unexpected file type %s", path_text(path))
            stat = path.stat()
            found.append(InboxFile(str(path), unit, stat.st_size, stat.st_mtime, sha256_of(path)))
    return found
