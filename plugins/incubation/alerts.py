"""Alerts for the engineer on call: a file in outbox/_engineers and a log line."""

from __future__ import annotations

import datetime as dt
import json
import logging

from .settings import Settings

log = logging.getLogger(__name__)


def write_alert(settings: Settings, *, dag_id: str, task_id: str, run_id: str, error: str) -> str:
    now = dt.datetime.now().replace(microsecond=0)
    folder = settings.outbox / "_engineers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{now:%Y%m%dT%H%M%S}_{dag_id}_{task_id}.json"
    alert = {
        "dag_id": dag_id,
        "task_id": task_id,
        "run_id": run_id,
        "error": error,
        "at": now.isoformat(),
        "hint": "Fix the cause, then clear the failed task: every stage can be rerun safely.",
    }
    path.write_text(json.dumps(alert, ensure_ascii=False, indent=2), "utf-8")
    log.error("ALERT %s.%s failed in %s: %s (%s)", dag_id, task_id, run_id, error, path)
    return str(path)
