"""One run at a time on a data home: exclusive locks that a second run reports clearly.

Two locks, both the kernel's (``flock``: it goes with the process that held it, however that
process ended, so a killed run never leaves a stale lock behind):

- ``runs/.run.lock``: ``incubation run`` holds it for the whole night (the embedded Airflow's
  metadata database under AIRFLOW_HOME takes one run at a time); a second one is refused.
- ``runs/.stage.lock``: every stage holds it while it runs (``one_at_a_time``), whoever runs
  it: the scheduler's task processes, ``airflow dags test``, ``incubation rebuild``. A stage
  of another night on the same data home waits for it (up to
  ``Settings.stage_wait_seconds``, then fails with the holder's name), so two nights never
  write the ledger, the staging area or the warehouse at once. Each night stages its rows in
  a folder of its own (``pipeline.checking``), so a night's check never clears another's.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

STAGE_LOCK = ".stage.lock"


class DataHomeBusy(Exception):
    """Another run holds the data home; ``holder`` says which, as it wrote itself down."""

    def __init__(self, path: Path, holder: str):
        super().__init__(f"{path} is held by {holder or 'another process'}")
        self.holder = holder


@contextmanager
def exclusive(path: Path, holder: str, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold ``path``'s lock (created owner-only) for the block; if another process holds it,
    wait up to ``wait_seconds`` for it, then raise DataHomeBusy."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    held_by = os.pread(fd, 4096, 0).decode("utf-8", "replace")
                    raise DataHomeBusy(path, held_by) from None
                time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
        os.ftruncate(fd, 0)
        since = dt.datetime.now().replace(microsecond=0).isoformat()
        os.pwrite(fd, f"{holder} (pid {os.getpid()}, since {since})".encode(), 0)
        yield
    finally:
        os.close(fd)


def one_at_a_time(stage: Callable) -> Callable:
    """Run the stage (its first argument the ``Settings``) holding the data home's stage
    lock, waiting for another night's stage as long as the settings allow."""

    @functools.wraps(stage)
    def wrapper(settings, *args, **kwargs):
        holder = f"stage {stage.__name__}"
        with exclusive(settings.runs / STAGE_LOCK, holder, settings.stage_wait_seconds):
            return stage(settings, *args, **kwargs)

    return wrapper
