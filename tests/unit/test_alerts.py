"""The failure callback's alert: a file for the engineer on call, naming the task and run."""

import json
from pathlib import Path

from incubation.alerts import write_alert


def test_alert_file(settings):
    path = write_alert(
        settings, dag_id="incubation_nightly", task_id="load", run_id="r1", error="disk full"
    )
    alert = json.loads(Path(path).read_text("utf-8"))
    assert (alert["task_id"], alert["run_id"], alert["error"]) == ("load", "r1", "disk full")
    assert path.startswith(str(settings.outbox / "_engineers"))
