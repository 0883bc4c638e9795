"""A night whose process is killed leaves an alert and a failed Airflow run, and the next
night completes it: `incubation run` end to end, its `airflow dags test` killed mid-check."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from incubation.demo import build_world, write_inbox

pytestmark = pytest.mark.integration
INCUBATION = str(Path(sys.executable).parent / "incubation")


def night_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "INCUBATION"))}
    env.update(
        INCUBATION_HOME=str(tmp_path / "home"),
        AIRFLOW_HOME=str(tmp_path / "airflow"),
        INCUBATION_SETTLE_SECONDS="0",
    )
    return env


def wait_for_check(proc: subprocess.Popen, metrics: Path, timeout: float = 240) -> psutil.Process:
    """The `airflow dags test` child once the night has discovered its files (the check
    stage is then under way)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the night ended before it could be killed"
        if metrics.exists() and '"stage": "discover"' in metrics.read_text("utf-8"):
            for child in psutil.Process(proc.pid).children(recursive=True):
                if "dags" in child.cmdline() and "test" in child.cmdline():
                    return child
        time.sleep(0.05)
    raise AssertionError("the check stage never started")


def run_states(airflow_home: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(airflow_home / "airflow.db")
    try:
        return con.execute(
            "select run_id, state from dag_run where dag_id = 'incubation_nightly'"
        ).fetchall()
    finally:
        con.close()


def test_a_killed_night_is_failed_alerted_and_completed_by_the_next(tmp_path, contracts):
    env = night_env(tmp_path)
    home = Path(env["INCUBATION_HOME"])
    world = build_world(seed=5, quarters=("2025Q1", "2025Q2"))
    written = write_inbox(world, home / "inbox", contracts, faults=False)
    assert written

    proc = subprocess.Popen(
        [INCUBATION, "run", "--date", "2026-01-05"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    night = wait_for_check(proc, home / "runs" / "metrics.jsonl")
    night.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=300)

    assert proc.returncode == 2, err[-2000:]
    assert "alert written" in err, err[-2000:]
    assert "could not mark" not in err, err[-2000:]
    states = run_states(Path(env["AIRFLOW_HOME"]))
    assert [s for _, s in states] == ["failed"], states
    alerts = [
        json.loads(p.read_text("utf-8")) for p in (home / "outbox" / "_engineers").glob("*.json")
    ]
    killed = [a for a in alerts if a["task_id"] == "(airflow dags test)"]
    assert len(killed) == 1 and "signal 9" in killed[0]["error"]
    assert killed[0]["run_id"] == states[0][0]

    # the next night takes up the files the killed one registered and decides them all
    done = subprocess.run(
        [INCUBATION, "run", "--date", "2026-01-06"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert not [p for p in (home / "inbox").rglob("*") if p.is_file()]
    decided = sum(1 for p in (home / "archive").rglob("*") if p.is_file()) + sum(
        1 for p in (home / "quarantine").rglob("*") if p.is_file()
    )
    assert decided == len(written)
    assert sorted(s for _, s in run_states(Path(env["AIRFLOW_HOME"]))) == ["failed", "success"]
