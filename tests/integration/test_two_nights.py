"""Two nights on one data home whose stages interleave (a scheduler's run and an `incubation
run`): each keeps its own staging, every file is loaded once, and the warehouse equals the
one the same nights make one after the other."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from incubation import pipeline
from incubation.demo import build_world, write_inbox
from incubation.settings import Settings

pytestmark = pytest.mark.integration
TODAY = dt.date(2026, 1, 15)


def raw_rows(settings: Settings) -> dict[str, int]:
    con = duckdb.connect(str(settings.build_db), read_only=True)
    try:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
        return {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0] for (t,) in tables}
    finally:
        con.close()


def loaded(outcomes: list[dict]) -> int:
    return sum(1 for o in outcomes if o["status"] == "loaded")


def test_interleaved_nights_keep_their_own_staging(tmp_path, contracts, monkeypatch):
    monkeypatch.setenv("INCUBATION_SETTLE_SECONDS", "0")
    worlds = [build_world(seed=9, quarters=(q,)) for q in ("2025Q1", "2025Q2")]
    both, apart = Settings.from_env(tmp_path / "both"), Settings.from_env(tmp_path / "apart")

    # one after the other: the reference
    apart_loaded = 0
    for n, world in enumerate(worlds):
        write_inbox(world, apart.inbox, contracts, faults=False)
        files = pipeline.discover(apart, f"apart{n}")
        apart_loaded += loaded(pipeline.load(apart, pipeline.check(apart, files, TODAY, f"a{n}")))

    # interleaved: night 1 checks, night 2 discovers and checks, then night 1 loads, then 2
    write_inbox(worlds[0], both.inbox, contracts, faults=False)
    files_one = pipeline.discover(both, "one")
    verdicts_one = pipeline.check(both, files_one, TODAY, "one")
    write_inbox(worlds[1], both.inbox, contracts, faults=False)
    files_two = [
        f
        for f in pipeline.discover(both, "two")
        if f["submission_id"] not in {g["submission_id"] for g in files_one}
    ]
    verdicts_two = pipeline.check(both, files_two, TODAY, "two")
    both_loaded = loaded(pipeline.load(both, verdicts_one))
    both_loaded += loaded(pipeline.load(both, verdicts_two))

    assert apart_loaded == both_loaded > 0
    assert raw_rows(both) == raw_rows(apart)
    assert not [p for p in both.inbox.rglob("*") if p.is_file()]
