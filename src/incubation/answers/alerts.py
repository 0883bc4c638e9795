"""Alerts for the engineer on call: a file in outbox/_engineers and a log line."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

from incubation.intake.names import display_name
from incubation.settings import Settings

log = logging.getLogger(__name__)


def write_alert(settings: Settings, *, dag_id: str, task_id: str, run_id: str, error: str) -> str:
    now = dt.datetime.now().replace(microsecond=0)
    path = settings.outbox / "_engineers" / f"{now:%Y%m%dT%H%M%S}_{dag_id}_{task_id}.json"
    alert = {
        "dag_id": dag_id,
        "task_id": task_id,
        "run_id": run_id,
        "error": error,
        "at": now.isoformat(),
        "hint": "Fix the cause, then clear the failed task: every stage can be rerun safely.",
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(alert, ensure_ascii=False, indent=2), "utf-8")
    except OSError as exc:  # a full disk, an unwritable outbox: the log line still tells
        log.error("ALERT file not written (%s): %s", exc, json.dumps(alert, ensure_ascii=False))
        path = None
    log.error("ALERT %s.%s failed in %s: %s (%s)", dag_id, task_id, run_id, error, path)
    return str(path or "")


def alert_failed_task(settings: Settings, context) -> str:
    """A task's failure callback: the alert file and log line, and a mail through Airflow's
    SMTP provider when ``Settings.alert_emails`` (INCUBATION_ALERT_EMAILS) names any."""
    ti = context["ti"]
    error = str(context.get("exception"))
    path = write_alert(
        settings, dag_id=ti.dag_id, task_id=ti.task_id, run_id=context["run_id"], error=error
    )
    if settings.alert_emails:
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        SmtpNotifier(
            to=list(settings.alert_emails),
            subject=f"[incubation] {ti.dag_id}.{ti.task_id} failed",
            html_content=f"<p>{context['run_id']}: {error}</p><p>alert: {path}</p>",
        )(context)
    return path


def write_incident(settings: Settings, *, run_id: str | None, submission: dict, detail: str) -> str:
    """One file's handling failed (its worker died, a budget, an internal error): the file was
    refused alone and the night went on; the engineers get what happened."""
    now = dt.datetime.now().replace(microsecond=0)
    folder = settings.outbox / "_engineers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{now:%Y%m%dT%H%M%S}_incident_{submission['submission_id']:06d}.json"
    incident = {
        "run_id": run_id,
        "submission_id": submission["submission_id"],
        "unit_code": submission["unit_code"],
        "file": display_name(Path(submission["path"]).name),
        "detail": detail,
        "at": now.isoformat(),
        "hint": "The file was refused alone (its contact has the reason). Once the cause is "
        "fixed, the contact may send it again.",
    }
    path.write_text(json.dumps(incident, ensure_ascii=False, indent=2), "utf-8")
    log.error(
        "INCIDENT %s/%s (submission %s): %s",
        submission["unit_code"],
        incident["file"],
        submission["submission_id"],
        detail.strip().splitlines()[-1] if detail.strip() else "",
    )
    return str(path)
