"""Stage metering: one JSON line per stage with wall, CPU and peak memory."""

import json

from incubation.pipeline.metering import measure, metered
from incubation.settings import Settings


def test_a_metered_stage_records_its_cost(settings, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CTX_DAG_RUN_ID", "manual__2026-01-01")

    @metered("check")
    def stage(settings, n):
        block = b"x" * n  # touched, so resident, while the sampler runs
        total = sum(range(200_000))
        return len(block) + total

    assert stage(settings, 64 * 2**20) == 64 * 2**20 + sum(range(200_000))
    (line,) = [json.loads(x) for x in (settings.home / "runs" / "metrics.jsonl").open()]
    assert line["stage"] == "check" and line["run_id"] == "manual__2026-01-01"
    assert line["wall_s"] >= 0 and line["cpu_s"] > 0
    assert line["peak_rss_mb"] >= 64


def test_measure_sees_memory_that_is_freed_before_the_end():
    with measure() as before:
        pass
    with measure() as figures:
        block = bytearray(128 * 2**20)
        for i in range(0, len(block), 4096):
            block[i] = 1
        import time

        time.sleep(0.2)
        del block
    assert figures["peak_rss_mb"] >= before["peak_rss_mb"] + 100


def test_forked_workers_share_their_parents_pages_once_and_their_cpu_counts():
    """A child forked after the parent touched 256 MiB: RSS would count those pages in both
    processes; the tree's memory counts them once. The child's CPU joins the stage's."""
    import multiprocessing
    import os

    import psutil

    from incubation.pipeline.metering import tree_memory

    block = bytearray(256 * 2**20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    parent = psutil.Process(os.getpid())
    ready, done = multiprocessing.get_context("fork").Event(), multiprocessing.Event()

    def child() -> None:
        sum(range(20_000_000))  # about half a second of CPU the stage must count
        ready.set()
        done.wait(30)

    with measure() as figures:
        worker = multiprocessing.get_context("fork").Process(target=child)
        worker.start()
        ready.wait(30)
        shared = tree_memory(parent)
        rss_sum = parent.memory_info().rss + psutil.Process(worker.pid).memory_info().rss
        done.set()
        worker.join()
    assert rss_sum - shared > 200 * 2**20  # the block, counted twice by RSS, once here
    assert shared >= len(block)
    assert figures["cpu_s"] >= 0.25  # the parent itself only waits


def test_a_metered_stage_runs_as_it_would_unmetered(settings):
    """Measuring changes nothing about how the stage runs: it is called by the wrapper
    itself (no frame of another function between them), under the collector's thresholds
    and frozen objects as the caller had them."""
    import gc
    import traceback

    @metered("probe")
    def stage(settings):
        callers = [frame.name for frame in traceback.extract_stack()[-3:-1]]
        return callers, gc.get_threshold(), gc.get_freeze_count()

    before = gc.get_threshold(), gc.get_freeze_count()
    callers, threshold, frozen = stage(settings)
    assert callers == ["test_a_metered_stage_runs_as_it_would_unmetered", "wrapper"]
    assert (threshold, frozen) == before


EXITS = """
import atexit, gc, sys
from incubation.pipeline.metering import metered
from incubation.settings import Settings

# registered before the stage: runs after anything the stage registered
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))

@metered("check")
def stage(settings):
    return 1

stage(Settings.from_env(sys.argv[1]))
"""


def test_a_process_that_ran_a_stage_exits_as_python_does(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", EXITS, str(tmp_path / "home")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "frozen at exit: False"


class Silent:
    """What Airflow's client is outside a task: it drops everything."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Recording:
    """A metrics backend of Airflow's metrics client that keeps what it is sent."""

    def __init__(self):
        self.sent = []

    def timing(self, stat, dt, **kwargs):
        self.sent.append(("timing", stat, dt, kwargs.get("tags")))

    def gauge(self, stat, value, **kwargs):
        self.sent.append(("gauge", stat, value, kwargs.get("tags")))


def test_a_stage_exports_its_figures_through_airflows_metrics_client(tmp_path):
    """In a task Airflow's runner configures the client from ``[metrics]``; here a recording
    backend stands in for the collector. Fails loudly if the Task SDK's client changes."""
    from airflow.sdk.observability import stats

    backend = Recording()
    stats.initialize(factory=lambda: backend, export_legacy_names=False)
    try:

        @metered("check")
        def stage(settings):
            return "done"

        assert stage(Settings(home=tmp_path)) == "done"
    finally:
        stats.initialize(factory=Silent, export_legacy_names=False)
    (line,) = [
        json.loads(x) for x in (tmp_path / "runs" / "metrics.jsonl").read_text().splitlines()
    ]
    tags = {"stage": "check"}
    assert backend.sent == [
        ("timing", "incubation.stage.check.duration", line["wall_s"] * 1000.0, tags),
        ("gauge", "incubation.stage.check.wall_seconds", line["wall_s"], tags),
        ("gauge", "incubation.stage.check.cpu_seconds", line["cpu_s"], tags),
        ("gauge", "incubation.stage.check.peak_rss_mb", line["peak_rss_mb"], tags),
    ]


def test_a_failing_metrics_backend_does_not_fail_the_stage(tmp_path):
    from airflow.sdk.observability import stats

    class Broken:
        def timing(self, *args, **kwargs):
            raise ConnectionError("collector down")

    stats.initialize(factory=Broken, export_legacy_names=False)
    try:

        @metered("load")
        def stage(settings):
            return 7

        assert stage(Settings(home=tmp_path)) == 7
    finally:
        stats.initialize(factory=Silent, export_legacy_names=False)
