"""Housekeeping: archive retention, old quarantine listed, DuckDB checkpoint.

Archive retention is measured in days and is long by default (the archive is what
`incubation rebuild` replays: a file removed from it can no longer be rebuilt). Refused files
are never deleted, only listed once they are older than a number of days, so that an
engineer can chase the unit."""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb

from incubation.settings import Settings

DAY = 86400.0


def old_files(folder: Path, days: float, now: float | None = None) -> list[Path]:
    now = time.time() if now is None else now
    if not folder.exists():
        return []
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and now - p.stat().st_mtime > days * DAY
    )


def apply_archive_retention(settings: Settings, days: float, now: float | None = None) -> list[str]:
    """Delete archived files older than ``days`` (and say which)."""
    removed = []
    for path in old_files(settings.archive, days, now):
        path.unlink()
        removed.append(str(path.relative_to(settings.archive)))
    return removed


def list_old_quarantine(settings: Settings, days: float, now: float | None = None) -> Path:
    """Write the refused files older than ``days`` to outbox/_engineers/quarantine.json."""
    files = [
        str(p.relative_to(settings.quarantine)) for p in old_files(settings.quarantine, days, now)
    ]
    out = settings.outbox / "_engineers" / "quarantine.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"older_than_days": days, "files": files}, ensure_ascii=False, indent=2), "utf-8"
    )
    return out


def checkpoint(settings: Settings) -> None:
    if settings.build_db.exists():
        con = duckdb.connect(str(settings.build_db))
        try:
            con.execute("checkpoint")
        finally:
            con.close()
