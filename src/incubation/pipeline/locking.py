"""One run at a time on a data home: an exclusive lock that a second run reports clearly.

``incubation run`` holds it for the whole night (the Airflow metadata database under the
embedded AIRFLOW_HOME and the build database take one run at a time). The lock is the
kernel's (``flock``): it goes with the process that held it, however that process ended,
so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class DataHomeBusy(Exception):
    """Another run holds the data home; ``holder`` says which, as it wrote itself down."""

    def __init__(self, path: Path, holder: str):
        super().__init__(f"{path} is held by {holder or 'another process'}")
        self.holder = holder


@contextmanager
def exclusive(path: Path, holder: str) -> Iterator[None]:
    """Hold ``path``'s lock (created owner-only) for the block, or raise DataHomeBusy."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataHomeBusy(path, os.pread(fd, 4096, 0).decode("utf-8", "replace")) from None
        os.ftruncate(fd, 0)
        since = dt.datetime.now().replace(microsecond=0).isoformat()
        os.pwrite(fd, f"{holder} (pid {os.getpid()}, since {since})".encode(), 0)
        yield
    finally:
        os.close(fd)
