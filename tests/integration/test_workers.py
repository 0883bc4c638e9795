"""The check in two forked workers (each staging its verdicts through its own DuckDB) stages
what one process stages: the same verdicts, problems and rows in the work area."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from incubation import pipeline
from incubation.checks import verdicts as checking
from incubation.demo import build_world, write_inbox
from incubation.pipeline import checking as check_stage
from incubation.settings import Settings

pytestmark = pytest.mark.integration


def staged(settings: Settings, workers: int, world, contracts) -> list[dict]:
    settings = dataclasses.replace(settings, workers=workers, settle_seconds=0)
    settings.ensure_dirs()
    write_inbox(world, settings.inbox, contracts)
    files = pipeline.discover(settings, f"workers-{workers}")
    night = []
    for item in pipeline.check(settings, files, dt.date(2026, 1, 15)):
        i = item["submission_id"]
        rows = {t: _rows(table["path"], i) for t, table in item["tables"].items()}
        night.append(
            {
                **{k: item[k] for k in ("submission_id", "status", "n_errors", "n_warnings")},
                **{k: item[k] for k in ("rows", "sheets", "columns")},
                "file": Path(item["path"]).name,
                "problems": _rows(item.get("problems_path"), i),
                "rows_staged": rows,
            }
        )
    return night


def _rows(parquet: str | None, submission_id: int) -> list[tuple]:
    """A submission's rows of a staged file (which may hold other submissions' too)."""
    if parquet is None:
        return []
    con = duckdb.connect()
    try:
        return con.execute(
            "select * from read_parquet(?) where submission_id = ? order by all",
            [parquet, submission_id],
        ).fetchall()
    finally:
        con.close()


def test_two_workers_stage_what_one_process_stages(tmp_path, contracts, monkeypatch):
    world = build_world(seed=5, quarters=("2025Q3", "2025Q4"), scale=0.3)
    monkeypatch.setattr(checking, "WORKER_BYTES", 1)  # a small night gets workers all the same
    one = staged(Settings.from_env(tmp_path / "one"), 1, world, contracts)
    monkeypatch.setattr(check_stage, "STAGE_ROWS", 50)  # staged in many files, not one a worker
    two = staged(Settings.from_env(tmp_path / "two"), 2, world, contracts)
    assert len(list((tmp_path / "two" / "work" / check_stage.STAGED).rglob("*.parquet"))) > 4
    assert len(one) > 4  # runs for both workers
    assert {x["status"] for x in one} == {"accepted", "rejected"}
    assert sum(len(r) for x in one for r in x["rows_staged"].values()) > 100
    assert two == one
