"""Stage metering: one JSON line per stage with wall, CPU and peak memory."""

import json

from incubation.pipeline.metering import measure, metered


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
