"""The daytime path through dag.test(): a file dropped in office hours is answered and
loaded by the daytime DAG, the night after decides nothing again, and a rejection whose
errors compare the file with other files says so."""

from __future__ import annotations

import json

import duckdb
import pendulum
import pytest

from incubation.answers.receipts import COMPARED_ZH
from incubation.demo import build_world, write_inbox
from tests.helpers import write_csv

pytestmark = pytest.mark.integration
TZ = "Asia/Shanghai"


def ledger_rows(settings) -> list[tuple]:
    con = duckdb.connect(str(settings.build_db), read_only=True)
    try:
        return con.execute(
            "select submission_id, status, run_id from audit.file_ledger order by submission_id"
        ).fetchall()
    finally:
        con.close()


def runs(settings) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_db), read_only=True)
    try:
        return con.execute(
            "select run_id, dag_id, files_seen, files_accepted, files_refused from audit.runs"
            " order by started_at"
        ).fetchall()
    finally:
        con.close()


def answers(settings) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text("utf-8")) for p in settings.outbox.glob("*/*.json")}


def test_daytime_answers_in_office_hours_and_the_night_decides_nothing_again(
    settings, contracts, daytime_dag, nightly_dag, monkeypatch
):
    monkeypatch.setenv("INCUBATION_SETTLE_SECONDS", "0")
    world = build_world(seed=23, quarters=("2025Q3",))
    written = write_inbox(world, settings.inbox, contracts, faults=False)

    # Monday 2026-01-12, 10:05 in Yuzhong: the daytime run answers every file
    run = daytime_dag.test(logical_date=pendulum.datetime(2026, 1, 12, 10, 5, tz=TZ))
    assert run.state == "success"
    first = ledger_rows(settings)
    assert len(first) == len(written)
    assert {status for _, status, _ in first} == {"loaded"}
    replies = answers(settings)
    assert len([n for n in replies if n.endswith("_回执.json")]) == len(written)
    assert not list(settings.inbox.rglob("*.*"))  # every file filed away
    (daytime,) = runs(settings)
    assert daytime[1:] == ("incubation_daytime", len(written), len(written), 0)
    reply = next(iter(replies.values()))
    assert "数据仓库" in reply["next_step_zh"] and "进度报告" in reply["next_step_zh"]

    # 11:00: a roster of a carrier no one registered, refused by a comparison with the
    # registry: the report says which errors are comparisons and what to do
    unit = "digital_park_mc"
    header = ["报告期", "载体编码", "企业（团队）名称", "主体类型", "在孵状态", "入驻日期"]
    stray = write_csv(
        settings.inbox / unit / "未登记载体名单.csv",
        [header, ["2025Q3", "YZ-FH-9999", "某某团队", "创业团队", "在孵", "2025-07-01"]],
    )
    run = daytime_dag.test(logical_date=pendulum.datetime(2026, 1, 12, 11, 0, tz=TZ))
    assert run.state == "success"
    refused = [r for n, r in answers(settings).items() if n.endswith("_退回报告.json")]
    assert len(refused) == 1
    (report,) = refused
    assert report["file_name"] == stray.name
    assert {p["rule"] for p in report["problems"] if p["severity"] == "E"} == {
        "ros_carrier_unknown"
    }
    assert COMPARED_ZH.format(count=1) in report["next_step_zh"]

    # the night after: nothing new, nothing decided again
    decided = ledger_rows(settings)
    before = sorted(settings.outbox.rglob("*.json"))
    run = nightly_dag.test(logical_date=pendulum.datetime(2026, 1, 13, 2, tz=TZ))
    assert run.state == "success"
    assert ledger_rows(settings) == decided
    assert sorted(settings.outbox.rglob("*.json")) == before
    # a quiet night, summarised in the build database (nothing was published)
    con = duckdb.connect(str(settings.build_db), read_only=True)
    try:
        night = con.execute(
            "select files_seen, files_accepted, files_refused from audit.runs"
            " where dag_id = 'incubation_nightly'"
        ).fetchall()
        daytime_runs = con.execute(
            "select count(*) from audit.runs where dag_id = 'incubation_daytime'"
        ).fetchone()[0]
    finally:
        con.close()
    assert night == [(0, 0, 0)]
    assert daytime_runs == 2  # the two daytime runs that had files


def test_the_daytime_schedule_keeps_office_hours(daytime_dag):
    """The DAG's timetable fires from 08:30 to 18:00, every 5 minutes, Monday to Friday, in
    the district's time: its cron expressions as the scheduler reads them (Airflow's own
    timetable, run after run over a week)."""
    from airflow.timetables.base import TimeRestriction
    from airflow.timetables.trigger import MultipleCronTriggerTimetable

    crons = [t.expression for t in daytime_dag.timetable.timetables]
    assert {str(t.timezone) for t in daytime_dag.timetable.timetables} == {TZ}
    timetable = MultipleCronTriggerTimetable(*crons, timezone=TZ)
    monday = pendulum.datetime(2026, 1, 12, tz=TZ)
    restriction = TimeRestriction(earliest=monday, latest=None, catchup=True)
    by_day: dict[int, list[str]] = {}
    last = None
    while True:
        info = timetable.next_dagrun_info(
            last_automated_data_interval=last, restriction=restriction
        )
        tick = info.run_after.in_timezone(TZ)
        if tick >= monday.add(days=7):
            break
        by_day.setdefault(tick.isoweekday(), []).append(tick.strftime("%H:%M"))
        last = info.data_interval
    assert sorted(by_day) == [1, 2, 3, 4, 5]
    every_five = [f"{m // 60:02d}:{m % 60:02d}" for m in range(8 * 60 + 30, 18 * 60 + 1, 5)]
    assert all(times == every_five for times in by_day.values())
