"""What each pipeline stage costs: wall time, CPU time and peak memory, one JSON line each.

Every stage of the nightly pipeline runs inside ``metered``. It appends to
``<home>/runs/metrics.jsonl``: the stage, the run, wall and CPU seconds (all threads of the
process: dbt runs in threads) and the peak resident memory while the stage ran: the process's
own high-water mark (reset at the start of the stage, on Linux) or the process and its
children sampled (their proportional set sizes: pages a forked worker shares with its parent
counted once), whichever is higher. Reading the proportional set sizes of a large tree takes
milliseconds, so the sampler waits 50 times as long as its last sample took (at least 50 ms):
it stays within 2% of a CPU. Measuring changes nothing about how the stage runs: it is called
directly, with the interpreter's settings (garbage collector, exit) as they are. The same lines
come out whether the stage runs in one process (``dag.test``) or in its own task process (a
scheduler with the LocalExecutor), so ``bench/`` can compare the two and an engineer can see
which stage grew.

The same figures go out as metrics through Airflow's own metrics client (``export``): to the
OpenTelemetry collector (or StatsD server) the deployment's ``[metrics]`` names, beside
Airflow's metrics, as ``incubation.stage.<stage>.duration`` (a timing, milliseconds: an
exponential histogram in OpenTelemetry, which not every exporter translates), and
``.wall_seconds``, ``.cpu_seconds`` and ``.peak_rss_mb`` (gauges), each tagged with its
stage. Where no metrics backend is configured (``dag.test``, the embedded run) Airflow's
client drops them.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path

log = logging.getLogger(__name__)
SAMPLE_SECONDS = 0.05
SAMPLE_BUDGET = 0.02  # of a CPU, for the memory sampler


def tree_memory(process) -> int:
    """Resident bytes of the process and its children. Alone, its RSS; with children (forked
    workers share their parent's pages, which RSS would count once per process), the sum of
    their proportional set sizes: each shared page counted once over all of them."""
    try:
        children = process.children(recursive=True)
    except Exception:
        children = []
    if not children:
        return process.memory_info().rss
    total = 0
    for proc in (process, *children):
        try:
            total += _pss(proc.pid)
        except (OSError, ValueError):  # a child that ended between listing and reading
            continue
    return total


def _pss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    raise ValueError("no Pss line")


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


def _cpu_seconds() -> float:
    """This process's CPU (all threads) and its ended children's (the check's workers)."""
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


@contextmanager
def measure():
    """Yields a dict filled on exit with wall_s, cpu_s and peak_rss_mb of this process tree."""
    import psutil

    process = psutil.Process(os.getpid())
    _reset_peak()
    peak = [tree_memory(process)]
    done = threading.Event()

    def sample() -> None:
        pause = SAMPLE_SECONDS
        while not done.wait(pause):
            started = time.perf_counter()
            peak[0] = max(peak[0], tree_memory(process))
            pause = max(SAMPLE_SECONDS, (time.perf_counter() - started) / SAMPLE_BUDGET)

    sampler = threading.Thread(target=sample, name="rss-sampler", daemon=True)
    sampler.start()
    figures: dict = {}
    wall, cpu = time.perf_counter(), _cpu_seconds()
    try:
        yield figures
    finally:
        done.set()
        sampler.join()
        peak[0] = max(peak[0], tree_memory(process), _high_water_mark())
        figures.update(
            wall_s=round(time.perf_counter() - wall, 3),
            cpu_s=round(_cpu_seconds() - cpu, 3),
            peak_rss_mb=round(peak[0] / 2**20, 1),
        )


def record(metrics_file: Path, line: dict) -> None:
    metrics_file.parent.mkdir(parents=True, exist_ok=True)
    with metrics_file.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def export(line: dict) -> None:
    """A stage's figures as metrics, through the Task SDK's metrics client (the supported way
    for task code). Only Airflow's task runner configures that client, so in a process
    Airflow did not start (the CLI's own stages, unit tests) there is nothing to send to."""
    if "airflow.sdk" not in sys.modules:
        return
    from airflow.sdk.observability import stats

    name, tags = f"incubation.stage.{line['stage']}", {"stage": line["stage"]}
    stats.timing(f"{name}.duration", line["wall_s"] * 1000.0, tags=tags)
    stats.gauge(f"{name}.wall_seconds", line["wall_s"], tags=tags)
    stats.gauge(f"{name}.cpu_seconds", line["cpu_s"], tags=tags)
    stats.gauge(f"{name}.peak_rss_mb", line["peak_rss_mb"], tags=tags)


def metered(stage: str) -> Callable:
    """Decorate a pipeline stage whose first argument is the Settings: the stage is called as
    it is, inside ``measure``, and its figures are logged and appended to
    ``<home>/runs/metrics.jsonl``, and exported as metrics. Measuring changes nothing about
    how the stage runs."""

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
            try:
                export(line)
            except Exception as exc:  # nor must a metrics backend
                log.warning("could not export metrics: %s", exc)
            return result

        return wrapper

    return decorate
