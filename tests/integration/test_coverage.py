""" "Not reported" is not an error, and every figure says how complete it is: one real night
(dag.test(), real GX and dbt) on a world the test writes, with a period-end area written as
"—", a registered carrier that never reports, and a sheet whose carrier-code header was
renamed. Expected values are computed here from the world's rows."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pendulum
import pytest

from incubation.demo import build_world, write_inbox
from incubation.demo import write_xlsx as write_template_xlsx
from tests.helpers import write_xlsx
from tests.integration.test_nightly import (
    ZONES,
    expected_carrier_quarters,
    expected_coverage,
    expected_progress,
)

pytestmark = pytest.mark.integration
QUARTERS = ("2025Q3", "2025Q4")


def test_not_reported_is_accepted_and_every_figure_carries_its_coverage(
    settings, contracts, nightly_dag
):
    world = build_world(seed=7, quarters=QUARTERS, scale=0.5)
    unit = "digital_park_mc"
    ids = [c["carrier_id"] for c in world.carriers if c["reporting_unit"] == unit]
    blank = ids[1]
    world.reports[(blank, QUARTERS[-1])]["area_m2_eop"] = "—"  # written as the contact wrote it
    write_inbox(world, settings.inbox, contracts, faults=False)
    world.reports[(blank, QUARTERS[-1])]["area_m2_eop"] = None  # what the warehouse must hold

    # a carrier registered (operator left blank) that never sends a report
    newcomer = {
        **next(c for c in world.carriers if c["carrier_id"] == ids[0]),
        "carrier_id": "YZ-FH-0777",
        "carrier_name": "新登记孵化器",
        "operator_name": "—",
        "operation_start_date": dt.date(2019, 5, 1),
        "total_area_m2": 4321.0,
        "incubation_area_m2": 4000.0,
        "tenant_area_m2": 3500.0,
        "public_service_area_m2": 500.0,
    }
    write_template_xlsx(
        settings.inbox / unit / "新载体登记.xlsx",
        [("基本信息", contracts["carrier_registry"], [newcomer], None)],
    )
    world.carriers.append(newcomer)

    # a period report whose 载体编码 header was renamed: refused as that template, naming it
    renamed = next(c for c in world.carriers if c["reporting_unit"] == "dianchuang_park_mc")
    write_xlsx(
        settings.inbox / "dianchuang_park_mc" / "改了表头的季报.xlsx",
        {
            "季报": [
                ["2025年第四季度孵化载体运营情况统计表"],
                [],
                [
                    "报告期",
                    "载体编号",
                    "期末载体面积（平方米）",
                    "期末在孵企业数（家）",
                    "期末在孵创业团队数（个）",
                ],
                [QUARTERS[-1], renamed["carrier_id"], 1000, 10, 1],
            ]
        },
    )

    run = nightly_dag.test(logical_date=pendulum.datetime(2026, 1, 15, 2, tz="Asia/Shanghai"))
    assert run.state == "success"

    # --- the blank area: accepted, with a warning naming its cell
    (receipt,) = (settings.outbox / unit).glob(f"*{QUARTERS[-1]}_季报及名单_回执.json")
    receipt = json.loads(receipt.read_text("utf-8"))
    assert receipt["accepted"] is True and receipt["errors"] == 0
    row = 5 + ids.index(blank)  # title, 填报单位, blank line, header: data from Excel row 5
    warned = [
        (p["sheet"], p["row"], p["column"], p["severity"])
        for p in receipt["problems"]
        if p["rule"] == "expect_column_values_to_not_be_null"
    ]
    assert warned == [("季报", row, "期末载体面积（平方米）", "W")]
    (registry_receipt,) = (settings.outbox / unit).glob("*新载体登记_回执.json")
    registry_receipt = json.loads(registry_receipt.read_text("utf-8"))
    assert registry_receipt["accepted"] is True
    assert [(p["column"], p["severity"]) for p in registry_receipt["problems"]] == [
        ("运营主体名称", "W")
    ]

    # --- the renamed header: refused as the period report, naming the column and the
    # nearest header found
    (refusal,) = (settings.outbox / "dianchuang_park_mc").glob("*改了表头的季报_退回报告.json")
    refusal = json.loads(refusal.read_text("utf-8"))
    assert refusal["accepted"] is False
    (missing,) = refusal["problems"]
    assert (missing["sheet"], missing["row"], missing["column"], missing["rule"]) == (
        "季报",
        3,
        "载体编码",
        "missing_column",
    )
    assert "载体编号" in missing["message_zh"]

    con = duckdb.connect(str(settings.warehouse_db), read_only=True)
    quarters = {
        r[0]: r[1:]
        for r in con.execute(
            "select carrier_id, area_m2_eop, area_m2, area_source, area_from_period, has_report "
            "from core.fct_carrier_quarter where period = ?",
            [QUARTERS[-1]],
        ).fetchall()
    }
    progress = {
        (r[0], r[1]): r[2:]
        for r in con.execute(
            "select scope, indicator, actual_value, carriers_expected, carriers_reported, "
            "rests_on_incomplete_reports, coverage_zh from core.fct_target_progress "
            "where target_year = 2025"
        ).fetchall()
    }
    mart = con.execute(
        "select area_m2, area_source, reported_as_of_period from mart_digital_park_mc."
        "carriers_latest where carrier_id = ?",
        [newcomer["carrier_id"]],
    ).fetchone()
    operator = con.execute(
        "select operator_name from core.dim_carrier where carrier_id = ?", [newcomer["carrier_id"]]
    ).fetchone()
    con.close()

    # the blank area stays NULL (never 0); the plan counts the carrier's previous report
    previous = world.reports[(blank, QUARTERS[-2])]["area_m2_eop"]
    assert quarters[blank] == (None, pytest.approx(previous), "carried_forward", QUARTERS[-2], True)
    # the carrier that never reported counts with its registry area, and is not "reported"
    assert quarters[newcomer["carrier_id"]] == (None, 4321.0, "registry", None, False)
    assert mart == (4321.0, "registry", False)
    assert operator == (None,)  # "—" is not reported, not a name

    expected = expected_progress(world, set(), QUARTERS[-1], faults=False)
    coverage = expected_coverage(world, set(), QUARTERS[-1], faults=False)
    areas = expected_carrier_quarters(world, set(), QUARTERS[-1], faults=False)
    assert areas[blank] == (previous, "carried_forward")
    assert areas[newcomer["carrier_id"]] == (4321.0, "registry")
    hq = ZONES[newcomer["zone"]]
    for scope in ("district", hq):
        area, n_expected, n_reported, incomplete, text = progress[(scope, "carrier_area_m2")]
        assert area == pytest.approx(expected[(scope, "carrier_area_m2")])
        assert (n_expected, n_reported) == coverage[(scope, "carrier_area_m2")]
        assert n_reported == n_expected - 2 and incomplete is True  # the blank and the newcomer
        assert text == (
            f"{n_reported}/{n_expected} 载体已报送（面积：1 个沿用此前季报，1 个按登记总面积）"
        )
        # entities: the carrier with the blank area reported its counts; the newcomer did not
        entities, n_expected, n_reported, incomplete, text = progress[(scope, "incubated_entities")]
        assert entities == expected[(scope, "incubated_entities")]
        assert (n_expected, n_reported) == coverage[(scope, "incubated_entities")]
        assert n_reported == n_expected - 1 and text == f"{n_reported}/{n_expected} 载体已报送"
    # a zone whose carriers all reported is complete
    full = next(
        z for z in ZONES.values() if z not in (hq,) and progress.get((z, "carrier_area_m2"))
    )
    assert progress[(full, "carrier_area_m2")][3] is False
