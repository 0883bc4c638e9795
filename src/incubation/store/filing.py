"""Where a department file goes once decided: archive, quarantine, never deleted, never
overwritten. Every name made here fits a file system's limit (``names.fit``), whatever the
contact named the file."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from incubation.intake.names import fit
from incubation.settings import Settings


def archive_path(settings: Settings, unit_code: str, submission_id: int, name: str) -> Path:
    return settings.archive / unit_code / fit(f"{submission_id:06d}__", name)


def duplicate_path(settings: Settings, unit_code: str, submission_id: int, name: str) -> Path:
    return settings.archive / unit_code / "_duplicates" / fit(f"{submission_id:06d}__", name)


def quarantine_path(settings: Settings, unit_code: str, submission_id: int, name: str) -> Path:
    return settings.quarantine / unit_code / fit(f"{submission_id:06d}__", name)


def unknown_path(settings: Settings, name: str, now: dt.datetime, unit: str | None = None) -> Path:
    """Where an entry refused before it is read goes (one from outside any unit folder, or a
    link in ``unit``'s): a name of its own, even when another of the same name came at the
    same second."""
    folder = settings.quarantine / (unit or "_unknown")
    for n in range(1, 10_000):
        target = folder / fit(f"{now:%Y%m%dT%H%M%S}-{n}__", name)
        if not target.exists() and not target.is_symlink():
            return target
    raise FileExistsError(f"no free name in {folder} for {name!r}")


def move(src: Path, dst: Path) -> Path:
    """Move a file (a link as the link itself, never what it points to), creating the
    folder; a no-op if it is already there. Never replaces a file already at ``dst``."""
    if not (src.exists() or src.is_symlink()) and (dst.exists() or dst.is_symlink()):
        return dst
    if dst.exists() or dst.is_symlink():
        raise FileExistsError(f"{dst} exists: {src} is not moved over it")
    dst.parent.mkdir(parents=True, exist_ok=True)
    if _same_device(src, dst.parent):
        os.rename(src, dst)
    else:
        shutil.move(str(src), str(dst))
    return dst


def _same_device(src: Path, folder: Path) -> bool:
    return os.lstat(src).st_dev == os.stat(folder).st_dev
