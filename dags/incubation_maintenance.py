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

import pendulum
from airflow.sdk import dag, task

from incubation.settings import Settings

TIMEZONE = Settings.from_env().timezone


@dag(
    schedule="0 5 * * 0",
    start_date=pendulum.datetime(2026, 1, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["incubation"],
)
def incubation_maintenance():
    @task
    def archive_retention() -> list[str]:
        from incubation.store.maintenance import apply_archive_retention

        settings = Settings.from_env()
        return apply_archive_retention(settings, settings.archive_retention_days)

    @task
    def old_quarantine() -> str:
        from incubation.store.maintenance import list_old_quarantine

        settings = Settings.from_env()
        return str(list_old_quarantine(settings, settings.quarantine_days))

    @task
    def checkpoint() -> None:
        from incubation.store.maintenance import checkpoint as run_checkpoint

        run_checkpoint(Settings.from_env())

    archive_retention() >> old_quarantine() >> checkpoint()


incubation_maintenance()
