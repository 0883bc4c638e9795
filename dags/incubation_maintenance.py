"""
### incubation_maintenance — housekeeping of the data home

Every Sunday at 05:00 (Asia/Shanghai), after the nightly run, three tasks in turn:

1. **archive_retention** — removes archived files older than
   `INCUBATION_ARCHIVE_RETENTION_DAYS` (default 3650). The archive is what
   `incubation rebuild` replays, so keep it as long as the warehouse must be rebuildable.
2. **old_quarantine** — lists refused files older than `INCUBATION_QUARANTINE_DAYS`
   (default 30) in `outbox/_engineers/quarantine.json`, for an engineer to follow up with
   the unit. Nothing is deleted.
3. **checkpoint** — a DuckDB CHECKPOINT of the build database.

Runs alone (`max_active_runs=1`) and, by its schedule, never while `incubation_nightly`
writes. Safe to trigger by hand. Runbook: `docs/operations.md`.
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import dag, task


@dag(
    schedule="0 5 * * 0",
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["incubation"],
)
def incubation_maintenance():
    @task
    def archive_retention() -> list[str]:
        from incubation.settings import Settings
        from incubation.store.maintenance import apply_archive_retention

        days = float(os.environ.get("INCUBATION_ARCHIVE_RETENTION_DAYS", "3650"))
        return apply_archive_retention(Settings.from_env(), days)

    @task
    def old_quarantine() -> str:
        from incubation.settings import Settings
        from incubation.store.maintenance import list_old_quarantine

        days = float(os.environ.get("INCUBATION_QUARANTINE_DAYS", "30"))
        return str(list_old_quarantine(Settings.from_env(), days))

    @task
    def checkpoint() -> None:
        from incubation.settings import Settings
        from incubation.store.maintenance import checkpoint as run_checkpoint

        run_checkpoint(Settings.from_env())

    archive_retention() >> old_quarantine() >> checkpoint()


incubation_maintenance()
