"""What each pipeline stage costs: wall time, CPU time and peak memory, one JSON line each.

Every stage of the nightly pipeline runs inside ``metered``. It appends to
``<home>/runs/metrics.jsonl``: the stage, the run, wall and CPU seconds (all threads of the
process: dbt runs in threads) and the peak resident memory while the stage ran: the process's
own high-water mark (reset at the start of the stage, on Linux) or the process and its
children sampled every 50 ms, whichever is higher. The same lines come out whether the stage runs in
one process (``dag.test``) or in its own task process (a scheduler with the LocalExecutor),
so ``bench/`` can compare the two and an engineer can see which stage grew.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path

log = logging.getLogger(__name__)
SAMPLE_SECONDS = 0.05


def _tree_rss(process) -> int:
    total = 0
    for proc in (process, *process.children(recursive=True)):
        try:
            total += proc.memory_info().rss
        except Exception:  # a child that ended between listing and reading
            continue
    return total


def _reset_peak() -> None:
    """Linux: restart the process's high-water mark (VmHWM) so it covers only this stage."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _high_water_mark() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


@contextmanager
def measure():
    """Yields a dict filled on exit with wall_s, cpu_s and peak_rss_mb of this process tree."""
    import psutil

    process = psutil.Process(os.getpid())
    _reset_peak()
    peak = [_tree_rss(process)]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            peak[0] = max(peak[0], _tree_rss(process))

    sampler = threading.Thread(target=sample, name="rss-sampler", daemon=True)
    sampler.start()
    figures: dict = {}
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield figures
    finally:
        done.set()
        sampler.join()
        peak[0] = max(peak[0], _tree_rss(process), _high_water_mark())
        figures.update(
            wall_s=round(time.perf_counter() - wall, 3),
            cpu_s=round(time.process_time() - cpu, 3),
            peak_rss_mb=round(peak[0] / 2**20, 1),
        )


def record(metrics_file: Path, line: dict) -> None:
    metrics_file.parent.mkdir(parents=True, exist_ok=True)
    with metrics_file.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def metered(stage: str) -> Callable:
    """Decorate a pipeline stage whose first argument is the Settings."""

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(settings, *args, **kwargs):
            # Airflow puts the run in the task's environment, in dag.test and in workers alike
            run_id = kwargs.get("run_id") or os.environ.get("AIRFLOW_CTX_DAG_RUN_ID")
            with measure() as figures:
                result = fn(settings, *args, **kwargs)
            line = {"stage": stage, "run_id": run_id, "pid": os.getpid(), **figures}
            log.info("stage %s: %s", stage, line)
            try:
                record(settings.home / "runs" / "metrics.jsonl", line)
            except OSError as exc:  # metrics must never fail a night
                log.warning("could not record metrics: %s", exc)
            return result

        return wrapper

    return decorate
