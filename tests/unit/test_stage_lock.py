"""One run and one stage at a time per data home: a second `incubation run` is refused, a
second night's stage waits, or fails naming the holder."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time

import pytest

from incubation.pipeline.locking import STAGE_LOCK, DataHomeBusy, one_at_a_time

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
os.pwrite(fd, b"stage load (pid %d)" % os.getpid(), 0)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


@one_at_a_time
def stage(settings, ran: list) -> str:
    ran.append(time.monotonic())
    return "done"


def hold(path, seconds: float) -> subprocess.Popen:
    path.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_stage_waits_for_another_nights_stage(settings):
    holder = hold(settings.runs / STAGE_LOCK, 1.5)
    started, ran = time.monotonic(), []
    assert stage(dataclasses.replace(settings, stage_wait_seconds=30), ran) == "done"
    holder.wait(timeout=30)
    assert ran[0] - started >= 1.0  # it ran once the other stage let go


def test_a_stage_that_waited_too_long_names_the_holder(settings):
    holder = hold(settings.runs / STAGE_LOCK, 5)
    try:
        with pytest.raises(DataHomeBusy, match=r"stage load \(pid \d+\)"):
            stage(dataclasses.replace(settings, stage_wait_seconds=0.3), [])
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_goes_with_a_killed_holder(settings):
    holder = hold(settings.runs / STAGE_LOCK, 60)
    holder.kill()
    holder.wait()
    assert stage(dataclasses.replace(settings, stage_wait_seconds=0), []) == "done"


def test_a_second_incubation_run_on_a_data_home_is_refused(settings, monkeypatch, capsys):
    from incubation.cli import main

    monkeypatch.setenv("AIRFLOW_HOME", str(settings.home.parent / "airflow"))
    holder = hold(settings.runs / ".run.lock", 60)
    try:
        assert main(["run", "--date", "2026-01-05"]) == 2
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert "另一个运行正在使用该数据目录" in err and "stage load (pid" in err
