"""The night's summary: ``audit.runs`` and ``runs/<run id>.json``; a quiet night ends here."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

from incubation.pipeline.common import contracts_of, run_stem, timestamp
from incubation.pipeline.locking import one_at_a_time
from incubation.pipeline.metering import metered
from incubation.settings import Settings
from incubation.store import freshness, ledger

log = logging.getLogger(__name__)


def quiet_night(
    settings: Settings,
    run_id: str,
    started_at: str,
    files: list[dict],
    dag_id: str | None = None,
    record: bool = True,
) -> bool:
    """True when there is nothing to do tonight: no new file and the published warehouse is
    what a build would make again (see ``freshness``). The run's summary is written here;
    the rest of the night is skipped (without ``record``, nothing is written)."""
    if files:
        return False
    current, reason = freshness.is_current(settings)
    log.info("warehouse current: %s (%s)", current, reason)
    if not current:
        return False
    if record:  # the daytime's quiet runs (a hundred a day) leave no summary, only the log
        skipped = {"skipped": True, "success": True, "nodes": 0, "reason": reason}
        summarise(settings, run_id, started_at, 0, [], skipped, {"skipped": True}, dag_id=dag_id)
    return True


@one_at_a_time
@metered("summarise")
def summarise(
    settings: Settings,
    run_id: str,
    started_at: str,
    files_seen: int,
    outcomes: list[dict],
    dbt_summary: dict,
    published: dict | None = None,
    dag_id: str | None = None,
) -> dict:
    """The run's summary into ``audit.runs`` (with the DAG it ran in: ``incubation_nightly``,
    ``incubation_daytime``, or none from the command line) and ``runs/<run id>.json``.

    The DAGs call it just before ``publish``, so that the published warehouse's
    ``audit.runs`` names the run whose data it holds; ``record_published`` then adds what
    the publish did to the summary file."""
    finished = timestamp()
    started = dt.datetime.fromisoformat(started_at)
    if started.tzinfo is not None:
        started = started.astimezone().replace(tzinfo=None, microsecond=0)
    summary = {
        "run_id": run_id,
        "dag_id": dag_id,
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "files_seen": files_seen,
        "files_accepted": sum(1 for o in outcomes if o["status"] == ledger.STATUS_LOADED),
        "files_refused": sum(1 for o in outcomes if o["status"] == ledger.STATUS_REJECTED),
        "rows_loaded": sum(o["rows_loaded"] for o in outcomes),
        "dbt": {k: dbt_summary.get(k) for k in ("success", "nodes", "seconds", "docs")},
        "skipped": dbt_summary.get("reason") if dbt_summary.get("skipped") else None,
        "dbt_failures": dbt_summary.get("failures", []),
        "published": published,
        "duration_seconds": round((finished - started).total_seconds(), 1),
    }
    docs = settings.gx_docs(run_id) / "index.html"
    summary["gx_data_docs"] = str(docs) if docs.exists() else None
    path = settings.runs / f"{run_stem(run_id)}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    with ledger.connect(settings.build_db, contracts_of(settings)) as con:
        duplicates = con.execute(
            "select count(*) from audit.file_ledger where run_id = ? and status = 'duplicate'",
            [run_id],
        ).fetchone()[0]
        refused = [
            {"unit_code": u, "file_name": f, "report": r}
            for u, f, r in con.execute(
                "select unit_code, file_name, report_path from audit.file_ledger"
                " where run_id = ? and status = 'rejected' order by submission_id",
                [run_id],
            ).fetchall()
        ]
        con.execute("delete from audit.runs where run_id = ?", [run_id])
        con.execute(
            """insert into audit.runs (run_id, started_at, finished_at, files_seen,
                   files_accepted, files_refused, files_duplicate, rows_loaded, dbt_success,
                   dbt_nodes, dbt_failures, duration_seconds, summary_path, dag_id)
               values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                run_id,
                started,
                finished,
                summary["files_seen"],
                summary["files_accepted"],
                summary["files_refused"],
                duplicates,
                summary["rows_loaded"],
                summary["dbt"]["success"],
                summary["dbt"]["nodes"],
                len(summary["dbt_failures"]),
                summary["duration_seconds"],
                str(path),
                dag_id,
            ],
        )
    summary["files_duplicate"] = duplicates
    summary["summary_path"] = str(path)
    summary["files_refused_details"] = refused
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), "utf-8")
    return summary


def record_published(summary: dict, published: dict) -> dict:
    """The run's summary (``runs/<run id>.json``, replaced whole) with what its publish did.
    Its row in ``audit.runs`` keeps the times ``summarise`` recorded, just before the copy."""
    summary = {**summary, "published": published}
    path = Path(summary["summary_path"])
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(summary, ensure_ascii=False, indent=2), "utf-8")
    part.replace(path)
    return summary
