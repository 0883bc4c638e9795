"""The failure callback's alert: a file for the engineer on call, naming the task and run."""

import json
from pathlib import Path

from incubation.answers.alerts import write_alert


def test_alert_file(settings):
    path = write_alert(
        settings, dag_id="incubation_nightly", task_id="load", run_id="r1", error="disk full"
    )
    alert = json.loads(Path(path).read_text("utf-8"))
    assert (alert["task_id"], alert["run_id"], alert["error"]) == ("load", "r1", "disk full")
    assert path.startswith(str(settings.outbox / "_engineers"))


def test_an_alert_that_cannot_be_written_is_still_logged(settings, caplog):
    """A full disk, an unwritable outbox: the alert is in the log all the same."""
    (settings.outbox / "_engineers").parent.mkdir(parents=True, exist_ok=True)
    (settings.outbox / "_engineers").write_text("a file where the folder should be")
    path = write_alert(
        settings, dag_id="incubation_nightly", task_id="load", run_id="r2", error="disk full"
    )
    assert path == ""
    assert "ALERT" in caplog.text and "disk full" in caplog.text


def test_a_killed_publish_leaves_no_copies_behind(tmp_path):
    from incubation.store.warehouse import sweep_leftovers

    target = tmp_path / "incubation.duckdb"
    target.write_bytes(b"published")
    left = [tmp_path / ".incubation.duckdb.4242.tmp", tmp_path / ".incubation.duckdb.4242.tmp.wal"]
    for path in left:
        path.write_bytes(b"half a copy")
    (tmp_path / "other.duckdb").write_bytes(b"not ours")
    assert sorted(sweep_leftovers(target)) == sorted(left)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["incubation.duckdb", "other.duckdb"]
