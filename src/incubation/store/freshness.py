"""Is the published warehouse already what a build would make? Then a night can stop early.

A build's result depends on three things: the rows and ledger in the build database, the
dbt project and template contracts, and the date (recognitions "in force today"). After each
publish the marks of all three are kept in ``build/last_build.json``. A night with no new
file compares them: the same ledger, the same project files, and no recognition starting or
ending between the last build's date and today mean the same warehouse, so build and
publish are skipped (a no-op night costs seconds, not a dbt build).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

import duckdb

from incubation.settings import Settings

log = logging.getLogger(__name__)
PROJECT_PARTS = (
    "models",
    "macros",
    "seeds",
    "snapshots",
    "tests",
    "dbt_project.yml",
    "profiles.yml",
)


def _state_file(settings: Settings):
    return settings.build_db.parent / "last_build.json"


def project_fingerprint(settings: Settings) -> str:
    """sha256 over the dbt project's sources, seeds and the template contracts."""
    digest = hashlib.sha256()
    roots = [settings.dbt_project_dir / part for part in PROJECT_PARTS] + [settings.contracts_dir]
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if path.exists():
                digest.update(str(path.relative_to(settings.project_root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def ledger_mark(settings: Settings) -> list:
    """What the build database holds, in a few numbers: ledger rows, their latest decision,
    the loaded rows (a file decided or reloaded changes one of them)."""
    if not settings.build_db.exists():
        return []
    con = duckdb.connect(str(settings.build_db), read_only=True)
    try:
        row = con.execute(
            """select count(*), max(submission_id), cast(max(decided_at) as varchar),
                      sum(rows_loaded), count(*) filter (where status = 'loaded')
               from audit.file_ledger"""
        ).fetchone()
    except duckdb.Error:
        return []
    finally:
        con.close()
    return [None if v is None else (v if isinstance(v, str) else int(v)) for v in row]


def _recognition_dates_between(settings: Settings, since: dt.date, today: dt.date) -> bool:
    """Does a recognition come into force or lapse after ``since`` and by ``today``?"""
    con = duckdb.connect(str(settings.build_db), read_only=True)
    try:
        found = con.execute(
            """select count(*) from raw.carrier_recognition
               where recognized_date > ? and recognized_date <= ?
                  or valid_until >= ? and valid_until < ?""",
            [since, today, since, today],
        ).fetchone()[0]
    except duckdb.Error:
        return True
    finally:
        con.close()
    return found > 0


def is_current(settings: Settings, today: dt.date | None = None) -> tuple[bool, str]:
    """(True, why) when building now would give the published warehouse again."""
    today = today or dt.date.today()
    state_file = _state_file(settings)
    if not state_file.exists() or not settings.warehouse_db.exists():
        return False, "no record of a published build"
    try:
        state = json.loads(state_file.read_text("utf-8"))
    except (OSError, ValueError):
        return False, "unreadable build record"
    if state.get("ledger") != ledger_mark(settings):
        return False, "the ledger changed since the last build"
    if state.get("project") != project_fingerprint(settings):
        return False, "the dbt project or a contract changed since the last build"
    built_on = dt.date.fromisoformat(state["date"])
    if built_on != today and _recognition_dates_between(settings, built_on, today):
        return False, f"a recognition starts or lapses between {built_on} and {today}"
    return True, f"nothing new since the build of {state['built_at']}"


def record_build(settings: Settings, today: dt.date | None = None) -> None:
    """Called after a publish: the marks of what the published warehouse was built from."""
    state = {
        "built_at": dt.datetime.now().isoformat(timespec="seconds"),
        "date": (today or dt.date.today()).isoformat(),
        "ledger": ledger_mark(settings),
        "project": project_fingerprint(settings),
    }
    _state_file(settings).write_text(json.dumps(state, indent=1), "utf-8")


def forget_build(settings: Settings) -> None:
    """The build database is being changed outside a night (rebuild): build next time."""
    _state_file(settings).unlink(missing_ok=True)
