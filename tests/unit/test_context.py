"""The context rules in DuckDB: what staging holds, what the clean files of the night add (the
later file wins), and what a file with an error does not add. Each case is a small world of
staging rows and night frames written here; the expected problems are stated by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from incubation.checks.context import NightRows, context_problems
from incubation.checks.reference import reference_context
from incubation.parsing.sheets import to_frame

TODAY = dt.date(2026, 1, 15)
UNIT = "digital_park_mc"  # leads 总部城 (hq_city), not 电创园 (dianchuang)


@pytest.fixture(scope="module")
def reference(project_settings):
    return reference_context(project_settings.seeds_dir, TODAY)


def zone_name(reference, code: str) -> str:
    return next(name for name, c in reference.zone_names.items() if c == code)


def staging(path: Path, contracts, **tables: list[dict]) -> Path:
    """A build database whose staging holds ``tables`` (template -> rows, in the template's
    columns)."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists staging")
        for template, rows in tables.items():
            con.register("frame", frame(contracts, template, *rows))
            con.execute(f"create table staging.stg_inbox__{template} as from frame")
            con.unregister("frame")
    return path


def frame(contracts, template: str, *rows: dict) -> pd.DataFrame:
    return to_frame(
        [{"source_sheet": "表", "source_row": 2 + k, **row} for k, row in enumerate(rows)],
        contracts[template],
    )


def found(night: dict[str, dict[int, pd.DataFrame]], reference, db=None, clean=None):
    """``(file, rule, row, value)`` of every context problem, in the order given."""
    files = {i for rows in night.values() for i in rows}
    problems = context_problems(
        NightRows(
            rows=night,
            units=dict.fromkeys(sorted(files), UNIT),
            headers={i: {("表", "carrier_id"): "载体编码"} for i in files},
            clean=files if clean is None else clean,
        ),
        reference,
        db,
    )
    return [(i, p.rule, p.row, p.value) for i in sorted(problems) for p in problems[i]]


def registry(reference, carrier: str, zone: str, **more) -> dict:
    return {"carrier_id": carrier, "zone": zone_name(reference, zone), **more}


REPORT = {"period": "2025Q3", "carrier_id": "YZ-FH-0001"}


def test_the_latest_clean_registry_row_places_the_carrier(tmp_path, contracts, reference):
    """Staging puts 0001 at 电创园; tonight a clean file moves it to 总部城 and a later file
    with an error back to 电创园: the clean file stands, the report is authorised. Without
    the clean file, staging's zone stands and the report is refused; a carrier nowhere is
    unknown."""
    db = staging(
        tmp_path / "b.duckdb",
        contracts,
        carrier_registry=[registry(reference, "YZ-FH-0001", "dianchuang")],
    )
    reg = "carrier_registry"
    moved = frame(contracts, reg, registry(reference, "YZ-FH-0001", "hq_city"))
    back = frame(contracts, reg, registry(reference, "YZ-FH-0001", "dianchuang"))
    report = frame(
        contracts, "carrier_period_report", REPORT, {**REPORT, "carrier_id": "YZ-FH-0999"}
    )
    night = {"carrier_period_report": {0: report}, reg: {1: moved, 2: back}}
    assert found(night, reference, db, clean={0, 1}) == [
        (0, "rep_carrier_unknown", 3, "YZ-FH-0999"),
        (2, "reg_not_authorised", 2, zone_name(reference, "dianchuang")),  # checked all the same
    ]
    night = {"carrier_period_report": {0: report}, reg: {2: back}}
    assert found(night, reference, db, clean={0}) == [
        (0, "rep_carrier_unknown", 3, "YZ-FH-0999"),
        (0, "rep_not_authorised", 2, "YZ-FH-0001"),
        (2, "reg_not_authorised", 2, zone_name(reference, "dianchuang")),
    ]


def test_a_later_roster_replaces_the_carrier_quarters_counts(tmp_path, contracts, reference):
    """Staging holds 3 enterprises 在孵 at 0001 in 2025Q3, tonight's first roster 2, the
    second 4: the report's 4 agrees, its 2 or 3 do not."""
    row = {**REPORT, "entity_kind": "企业", "status": "在孵"}
    db = staging(tmp_path / "b.duckdb", contracts, incubatee_roster=[row] * 3)
    ros = "incubatee_roster"
    first = frame(contracts, ros, *[row] * 2)
    second = frame(contracts, ros, *[row] * 4)
    for eop, mismatch in ((4, False), (3, True), (2, True)):
        report = frame(contracts, "carrier_period_report", {**REPORT, "incubatees_eop": eop})
        night = {"carrier_period_report": {0: report}, ros: {1: first, 2: second}}
        rules = {r for _, r, _, _ in found(night, reference, db)}
        assert ("rep_roster_incubatees_mismatch" in rules) is mismatch, eop


def test_a_code_active_at_two_carriers_across_staging_and_the_night(tmp_path, contracts, reference):
    """Code A 在孵 at 0001 in staging and at 0002 in a clean file tonight: a row of A at
    0001 is shared; code B only at 0001 is not; a file with an error adds nothing."""
    here = {**REPORT, "entity_kind": "企业", "status": "在孵"}
    db = staging(tmp_path / "b.duckdb", contracts, incubatee_roster=[{**here, "uscc": "A"}])
    ros = "incubatee_roster"
    checked = frame(contracts, ros, {**here, "uscc": "A"}, {**here, "uscc": "B"})
    there = frame(contracts, ros, {**here, "carrier_id": "YZ-FH-0002", "uscc": "A"})
    elsewhere_b = frame(contracts, ros, {**here, "carrier_id": "YZ-FH-0002", "uscc": "B"})
    night = {ros: {0: checked, 1: there, 2: elsewhere_b}}
    shared = [
        (i, row)
        for i, rule, row, _ in found(night, reference, db, clean={0, 1})
        if rule == "ros_shared_with_other_carrier"
    ]
    # file 0's A (row 2) and file 1's A; file 2 is checked (its B is 在孵 at 0001 in file 0)
    # but adds nothing: file 0's B stays its own
    assert shared == [(0, 2), (1, 2), (2, 2)]


@pytest.mark.parametrize(
    ("valid_until", "stated", "disagrees"),
    [
        (None, "市级", False),  # in force: 市级
        (dt.date(2026, 1, 14), "市级", True),  # expired yesterday: 未认定
        (dt.date(2026, 1, 15), "市级", False),  # in force through today
        (dt.date(2026, 1, 14), "未认定", False),
    ],
)
def test_the_level_in_force_today(tmp_path, contracts, reference, valid_until, stated, disagrees):
    db = staging(
        tmp_path / "b.duckdb",
        contracts,
        carrier_recognition=[
            {
                "carrier_id": "YZ-FH-0001",
                "level": "市级",
                "status": "有效",
                "recognized_date": dt.date(2023, 1, 5),
                "valid_until": valid_until,
            },
            {  # cancelled: never in force
                "carrier_id": "YZ-FH-0001",
                "level": "国家级",
                "status": "已取消",
                "recognized_date": dt.date(2024, 1, 5),
                "valid_until": None,
            },
        ],
    )
    row = registry(reference, "YZ-FH-0001", "hq_city", current_level=stated)
    night = {"carrier_registry": {0: frame(contracts, "carrier_registry", row)}}
    expected = [(0, "reg_current_level_disagrees", 2, stated)] if disagrees else []
    assert found(night, reference, db) == expected


def test_the_previous_quarter_from_staging_or_the_night(tmp_path, contracts, reference):
    """The cumulative graduates of 2025Q2 are 20 in staging and 25 in tonight's clean file:
    the night's stand, so 22 in 2025Q3 decreased; with only staging's, it did not."""
    q2 = {**REPORT, "period": "2025Q2", "graduates_cum": 20}
    db = staging(tmp_path / "b.duckdb", contracts, carrier_period_report=[q2])
    rep = "carrier_period_report"
    q3 = frame(contracts, rep, {**REPORT, "graduates_cum": 22})
    tonight = frame(contracts, rep, {**q2, "graduates_cum": 25})
    decreased = [
        (i, value)
        for i, rule, _, value in found({rep: {0: q3, 1: tonight}}, reference, db)
        if rule == "rep_graduates_cum_decreased"
    ]
    assert decreased == [(0, "22")]
    alone = found({rep: {0: q3}}, reference, db)
    assert "rep_graduates_cum_decreased" not in {r for _, r, _, _ in alone}


def test_the_first_night_without_a_build_database(tmp_path, contracts, reference):
    """No staging yet: tonight's rows are the whole context."""
    night = {
        "carrier_registry": {0: frame(contracts, "carrier_registry", registry(reference, "YZ-FH-0001", "hq_city"))},
        "incubatee_roster": {1: frame(contracts, "incubatee_roster", REPORT, {**REPORT, "carrier_id": "X"})},
    }  # fmt: skip
    assert found(night, reference, tmp_path / "absent.duckdb") == [
        (1, "ros_carrier_unknown", 3, "X")
    ]
