"""Stage metering: one JSON line per stage with wall, CPU and peak memory."""

import json

from incubation.metering import measure, metered


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
