"""Where a department file goes once decided: archive, quarantine, never deleted."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from .settings import Settings


def archive_path(settings: Settings, unit_code: str, submission_id: int, name: str) -> Path:
    return settings.archive / unit_code / f"{submission_id:06d}__{name}"


def duplicate_path(settings: Settings, unit_code: str, submission_id: int, name: str) -> Path:
    return settings.archive / unit_code / "_duplicates" / f"{submission_id:06d}__{name}"


def quarantine_path(settings: Settings, unit_code: str, submission_id: int, name: str) -> Path:
    return settings.quarantine / unit_code / f"{submission_id:06d}__{name}"


def unknown_path(settings: Settings, name: str, now: dt.datetime) -> Path:
    return settings.quarantine / "_unknown" / f"{now:%Y%m%dT%H%M%S}__{name}"


def move(src: Path, dst: Path) -> Path:
    """Move a file, creating the folder; a no-op if it is already there."""
    if not src.exists() and dst.exists():
        return dst
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(src), str(dst))
    return dst
