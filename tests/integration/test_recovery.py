"""A night stopped inside any stage and then run again loses nothing and counts nothing
twice; a file that lands during a run waits for the next one. Stages are called as the DAG
calls them (real GX, DuckDB and dbt), a crash injected where a killed task would stop."""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import pytest

from incubation import pipeline
from incubation.demo import build_world, write_inbox
from incubation.pipeline import checking as check_stage
from incubation.pipeline import publishing
from incubation.settings import Settings
from incubation.store import filing, warehouse

pytestmark = pytest.mark.integration
TODAY = dt.date(2026, 1, 15)


class Killed(Exception):
    pass


def night(settings: Settings, run_id: str) -> None:
    files = pipeline.discover(settings, run_id)
    verdicts = pipeline.check(settings, files, TODAY)
    outcomes = pipeline.load(settings, verdicts)
    built = pipeline.build(settings)
    summary = pipeline.summarise(
        settings, run_id, dt.datetime.now().isoformat(), len(files), outcomes, built
    )
    pipeline.record_published(summary, pipeline.publish(settings))


def business_state(settings: Settings) -> dict:
    con = duckdb.connect(str(settings.warehouse_db), read_only=True)
    try:
        q = lambda sql: sorted(con.execute(sql).fetchall())  # noqa: E731
        return {
            "progress": q(
                "select scope, indicator, target_year, as_of_period, actual_value "
                "from core.fct_target_progress_quarterly"
            ),
            "quarters": q(
                "select * exclude (submission_id, accepted_at, submitted_by_unit) "
                "from core.fct_carrier_quarter"
            ),
            "roster": q("select count(*) from core.fct_incubatee_quarter"),
            "raw": q(
                "select 'roster', count(*) from raw.incubatee_roster union all "
                "select 'report', count(*) from raw.carrier_period_report union all "
                "select 'registry', count(*) from raw.carrier_registry"
            ),
            "ledger": q("select status, count(*) from audit.file_ledger group by status"),
        }
    finally:
        con.close()


def files_left(settings: Settings) -> dict:
    return {
        "inbox": sorted(p.name for p in settings.inbox.rglob("*") if p.is_file()),
        "archive": sorted(
            p.name.split("__", 1)[1] for p in settings.archive.rglob("*__*") if p.is_file()
        ),
        "quarantine": sorted(
            p.name.split("__", 1)[1] for p in settings.quarantine.rglob("*__*") if p.is_file()
        ),
    }


@pytest.fixture(scope="module")
def world():
    return build_world(seed=21, quarters=("2025Q3", "2025Q4"), scale=0.3)


@pytest.fixture(scope="module")
def clean(tmp_path_factory, world, contracts):
    settings = dataclasses.replace(
        Settings.from_env(tmp_path_factory.mktemp("clean")), settle_seconds=0
    )
    settings.ensure_dirs()
    write_inbox(world, settings.inbox, contracts)
    night(settings, "clean")
    return business_state(settings), files_left(settings)


def kill(stage):
    def killed(*args, **kwargs):
        raise Killed(f"killed in {stage}")

    return killed


def crash_on_second(monkeypatch, module, name):
    original = getattr(module, name)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Killed(f"killed in {name}")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


@pytest.mark.parametrize("where", ["check", "load", "dbt", "publish"])
def test_killed_night_then_rerun(where, settings, world, contracts, clean, monkeypatch):
    write_inbox(world, settings.inbox, contracts)
    with monkeypatch.context() as m:
        if where == "check":
            crash_on_second(m, check_stage, "_staged")  # the second verdict
        elif where == "load":
            crash_on_second(m, filing, "move")  # after a file's transaction, before its move
        elif where == "dbt":
            m.setattr(publishing, "run_dbt", kill("dbt"))
        elif where == "publish":
            m.setattr(warehouse, "_swap", kill("publish"))  # copied, not yet swapped in
        with pytest.raises(Killed):
            night(settings, "killed")
    night(settings, "rerun")
    assert business_state(settings) == clean[0]
    assert files_left(settings) == clean[1]


def test_file_landing_during_a_run_waits(settings, world, contracts):
    write_inbox(world, settings.inbox, contracts)
    files = pipeline.discover(settings, "r1")
    late = settings.inbox / "sci_tech_bureau" / "迟到.csv"
    late.write_text("载体编码\nYZ-FH-0001\n", encoding="utf-8")
    pipeline.load(settings, pipeline.check(settings, files, TODAY))
    assert late.exists()  # not taken by the run that was already under way
    assert [f["path"] for f in pipeline.discover(settings, "r2")] == [str(late)]
