"""A passing and a failing case for every domain rule (rules.RULES), on canonical rows.

Each template has a base row that passes every rule; each case changes a few fields so that
its rule fails, and a near miss where that makes the rule's edge clear. The test fails if a
rule is added without a case."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from incubation.checks.context import NightRows, context_problems
from incubation.checks.reference import reference_context
from incubation.checks.rules import RULES, CheckContext, run_rules, run_rules_stacked
from incubation.demo import make_uscc
from incubation.parsing.sheets import to_frame

D = dt.date
RNG = random.Random(5)
CODE, OTHER_CODE, SHARED_CODE = make_uscc(RNG), make_uscc(RNG), make_uscc(RNG)
BAD_CHECK = CODE[:-1] + ("1" if CODE[-1] != "1" else "2")


def bad_inner_code() -> str:
    """Check character right (GB 32100), organisation-code check (GB 11714) wrong."""
    from stdnum.cn import uscc

    first = CODE[:16] + ("0" if CODE[16] != "0" else "1")
    return first + uscc.calc_check_digit(first)


BASE = {
    "carrier_registry": {
        "carrier_id": "YZ-FH-0001",
        "carrier_name": "甲孵化器",
        "carrier_type": "科技企业孵化器",
        "specialization": "综合",
        "current_level": "市级",
        "operator_name": "甲运营公司",
        "operator_uscc": CODE,
        "operator_nature": "国有企业",
        "zone": "总部城数字经济产业园",
        "reporting_unit": "重庆数字经济产业园管委会",
        "address": "石油路1号",
        "operation_start_date": D(2018, 1, 1),
        "total_area_m2": 10000.0,
        "incubation_area_m2": 9000.0,
        "tenant_area_m2": 8000.0,
        "public_service_area_m2": 1000.0,
        "workstations": 100,
        "property_type": "自有",
        "contact_phone": "02363001234",
    },
    "carrier_period_report": {
        "period": "2025Q3",
        "carrier_id": "YZ-FH-0001",
        "area_m2_eop": 10000.0,
        "incubatees_eop": 50,
        "teams_eop": 5,
        "incubatees_new": 6,
        "graduates_period": 2,
        "exits_period": 1,
        "graduates_cum": 22,
        "cq_tech_ent_eop": 10,
        "tech_sme_eop": 5,
        "hnte_eop": 3,
        "tech_ent_cultivated_cum": 15,
        "employees": 600,
        "fresh_grads": 20,
        "team_members": 15,
        "incubatee_revenue": 5000.0,
        "carrier_revenue": 300.0,
        "rev_service": 100.0,
        "rev_property": 150.0,
        "rev_investment": 20.0,
        "financed_count": 5,
        "financing_amount": 800.0,
        "staff_total": 20,
        "staff_professional": 17,
        "mentors": 8,
        "events": 12,
    },
    "incubatee_roster": {
        "period": "2025Q3",
        "carrier_id": "YZ-FH-0001",
        "entity_kind": "企业",
        "entity_name": "甲公司",
        "uscc": CODE,
        "established_date": D(2024, 1, 1),
        "entry_date": D(2024, 6, 1),
        "status": "在孵",
        "registered_in_carrier": True,
        "occupied_area_m2": 200.0,
        "tech_field": "电子信息",
        "is_cq_tech_ent": True,
        "is_tech_sme": False,
        "is_hnte": True,
        "hnte_cert_no": "GR202450123456",
        "hnte_issue_date": D(2024, 11, 19),
        "employees": 20,
        "fresh_grads": 2,
        "financing_cum": 100.0,
    },
    "carrier_recognition": {
        "carrier_id": "YZ-FH-0001",
        "recognition_type": "重庆市科技企业孵化器",
        "level": "市级",
        "document_no": "渝科局发〔2023〕5号",
        "recognized_date": D(2023, 1, 5),
        "evaluation_year": 2024,
        "evaluation_result": "优秀",
        "award_amount": 50.0,
        "status": "有效",
    },
}
TEAM = {
    "entity_kind": "创业团队",
    "uscc": None,
    "team_lead": "张三",
    "is_cq_tech_ent": None,
    "is_tech_sme": None,
    "is_hnte": None,
    "hnte_cert_no": None,
    "hnte_issue_date": None,
}

# rule id -> (failing changes, passing near miss or None, unit submitting)
CASES = {
    "reg_specialization_required": (
        {"specialization": None},
        {"carrier_type": "众创空间", "specialization": None},
    ),
    "reg_specialization_field_required": (
        {"specialization": "专业"},
        {"specialization": "专业", "specialization_field": "工业软件"},
    ),
    "reg_operator_uscc_check_character": ({"operator_uscc": BAD_CHECK}, None),
    "reg_operator_uscc_org_code": ({"operator_uscc": bad_inner_code()}, None),
    "reg_current_level_disagrees": ({"current_level": "国家级"}, {"current_level": None}),
    "ros_occupied_area_exceeds_tenant_area": (
        {"occupied_area_m2": 8000.5},
        {"occupied_area_m2": 8000.0},
    ),
    "reg_address_required": ({"address": None}, None),
    "reg_start_in_future": (
        {"operation_start_date": D(2026, 2, 1)},
        {"operation_start_date": D(2026, 1, 15)},
    ),
    "reg_start_before_1990": (
        {"operation_start_date": D(1989, 12, 31)},
        {"operation_start_date": D(1990, 1, 1)},
    ),
    "reg_area_too_small": (
        {"total_area_m2": 30.0, "incubation_area_m2": 20.0, "tenant_area_m2": 15.0},
        {"total_area_m2": 100.0},
    ),
    "reg_tenant_ratio_low": ({"tenant_area_m2": 6000.0}, {"tenant_area_m2": 6750.0}),
    "reg_workstations_required": (
        {"carrier_type": "众创空间", "specialization": None, "workstations": None},
        {"workstations": None},
    ),
    "reg_lease_end_required": (
        {"property_type": "租赁"},
        {"property_type": "租赁", "lease_end_date": D(2028, 1, 1)},
    ),
    "reg_lease_expired": (
        {"property_type": "租赁", "lease_end_date": D(2026, 1, 14)},
        {"property_type": "租赁", "lease_end_date": D(2026, 1, 15)},
    ),
    "reg_not_authorised": (
        {"zone": "电创园片区"},
        {"zone": "历史文化街区"},
    ),  # 三（四）1 is led by the unit too
    "rep_period_out_of_range": ({"period": "2020Q4"}, {"period": "2021Q1"}),
    "rep_carrier_unknown": ({"carrier_id": "YZ-FH-0999"}, None),
    "rep_not_authorised": ({"carrier_id": "YZ-FH-0002"}, None),
    "rep_revenue_parts_exceed_total": ({"rev_property": 200.0}, {"rev_property": 181.4}),
    "rep_tech_cum_below_eop": ({"tech_ent_cultivated_cum": 9}, {"tech_ent_cultivated_cum": 10}),
    "rep_employees_below_incubatees": ({"employees": 49}, {"employees": 50}),
    "rep_employees_per_firm_high": ({"employees": 25001}, {"employees": 25000}),
    "rep_team_members_below_teams": ({"team_members": 4}, {"team_members": 5}),
    "rep_financed_count_high": ({"financed_count": 57}, {"financed_count": 56}),
    "rep_financing_count_amount": (
        {"financing_amount": 0.0},
        {"financing_amount": 0.0, "financed_count": 0},
    ),
    "rep_professional_ratio_low": ({"staff_professional": 15}, {"staff_professional": 16}),
    "rep_mentors_low": ({"mentors": 4}, {"mentors": 5}),
    "rep_area_jump": ({"area_m2_eop": 14800.0}, {"area_m2_eop": 14700.0}),
    "rep_graduates_cum_decreased": (
        {"graduates_cum": 19},
        {"graduates_cum": 20, "graduates_period": 0},
    ),
    "rep_graduates_cum_identity": ({"graduates_cum": 23}, None),
    "rep_tech_cum_decreased": (
        {"tech_ent_cultivated_cum": 13},
        {"tech_ent_cultivated_cum": 14, "cq_tech_ent_eop": 10},
    ),
    "rep_stock_flow_identity": (
        {"incubatees_eop": 51},
        {"incubatees_eop": 51, "incubatees_new": 7},
    ),
    "rep_teams_at_accelerator": (
        {"carrier_id": "YZ-JS-0003"},
        {"carrier_id": "YZ-JS-0003", "teams_eop": 0},
    ),
    "rep_no_events_maker_space": (
        {"carrier_id": "YZ-ZC-0004", "period": "2025Q4", "events": 0},
        {"carrier_id": "YZ-ZC-0004", "events": 0},
    ),
    "rep_roster_incubatees_mismatch": ({"incubatees_eop": 49}, None),
    "rep_roster_teams_mismatch": ({"teams_eop": 4}, None),
    "rep_roster_cq_tech_mismatch": ({"cq_tech_ent_eop": 9}, None),
    "rep_roster_graduates_mismatch": ({"graduates_period": 3}, None),
    "ros_period_out_of_range": ({"period": "2026Q2"}, {"period": "2026Q1"}),
    "ros_uscc_required_for_enterprise": ({"uscc": None}, TEAM),
    "ros_uscc_filled_for_team": ({**TEAM, "uscc": OTHER_CODE}, TEAM),
    "ros_uscc_check_character": ({"uscc": BAD_CHECK}, None),
    "ros_team_lead_required": ({**TEAM, "team_lead": None}, TEAM),
    "ros_established_required": ({"established_date": None}, {**TEAM, "established_date": None}),
    "ros_established_after_period": (
        {"established_date": D(2025, 10, 1)},
        {"established_date": D(2025, 9, 30)},
    ),
    "ros_entry_after_period": ({"entry_date": D(2025, 10, 1)}, {"entry_date": D(2025, 9, 30)}),
    "ros_graduation_date_iff_graduated": (
        {"status": "已毕业"},
        {"status": "已毕业", "graduation_date": D(2025, 8, 1), "graduation_basis": "其他"},
    ),
    "ros_graduation_after_period": (
        {"status": "已毕业", "graduation_date": D(2025, 10, 1)},
        {"status": "已毕业", "graduation_date": D(2025, 9, 30)},
    ),
    "ros_graduation_basis_required": ({"status": "已毕业", "graduation_date": D(2025, 8, 1)}, None),
    "ros_exit_date_required": (
        {"status": "已迁出"},
        {"status": "已迁出", "exit_date": D(2025, 8, 1)},
    ),
    "ros_incubation_too_long": (
        {"established_date": D(2021, 1, 1), "entry_date": D(2021, 6, 1)},
        {"established_date": D(2021, 1, 1), "entry_date": D(2021, 6, 1), "tech_field": "生物医药"},
    ),
    "ros_entry_age": ({"established_date": D(2022, 5, 1)}, {"established_date": D(2022, 6, 5)}),
    "ros_not_registered_in_carrier": (
        {"registered_in_carrier": False},
        {"registered_in_carrier": None},
    ),
    "ros_occupied_area_large": ({"occupied_area_m2": 1000.5}, {"occupied_area_m2": 1000.0}),
    "ros_flags_only_for_enterprises": ({**TEAM, "is_hnte": False}, TEAM),
    "ros_hnte_cert_required": ({"hnte_cert_no": None}, {"hnte_cert_no": None, "is_hnte": False}),
    "ros_hnte_expired": ({"hnte_issue_date": D(2022, 9, 29)}, {"hnte_issue_date": D(2022, 9, 30)}),
    "ros_enterprise_without_employees": (
        {"employees": 0, "fresh_grads": 0},
        {**TEAM, "employees": 0, "fresh_grads": 0},
    ),
    "ros_carrier_unknown": ({"carrier_id": "YZ-FH-0999"}, None),
    "ros_not_authorised": ({"carrier_id": "YZ-FH-0002"}, None),
    "ros_shared_with_other_carrier": (
        {"uscc": SHARED_CODE},
        {"uscc": SHARED_CODE, "status": "已迁出", "exit_date": D(2025, 8, 1)},
    ),
    "ros_financing_decreased": ({"financing_cum": 79.0}, {"financing_cum": 80.0}),
    "rec_coordinator_only": ({"_unit": "digital_park_mc"}, None),
    "rec_level_matches_type": (
        {"level": "国家级"},
        {"recognition_type": "特色孵化载体", "level": "区级"},
    ),
    "rec_document_no_pattern": (
        {"document_no": "渝科局发2023年5号"},
        {"document_no": "渝科局发[2023]5号"},
    ),
    "rec_date_in_future": (
        {"recognized_date": D(2026, 1, 16)},
        {"recognized_date": D(2026, 1, 15)},
    ),
    "rec_evaluation_year_future": ({"evaluation_year": 2027}, {"evaluation_year": 2026}),
    "rec_award_atypical": (
        {"award_amount": 30.0},
        {"evaluation_result": "良好", "award_amount": 30.0},
    ),
    "rec_cancelled_without_basis": (
        {"status": "已取消", "document_no": None},
        {"status": "已取消", "document_no": None, "remarks": "2025年复核未通过"},
    ),
    "rec_carrier_unknown": ({"carrier_id": "YZ-FH-0999"}, None),
}
UNIT = {"carrier_recognition": "sci_tech_bureau"}


TODAY = D(2026, 1, 15)


def context(unit: str) -> CheckContext:
    from incubation.settings import Settings

    ctx = reference_context(Settings.from_env("/tmp/unused").seeds_dir, TODAY)
    ctx.unit_code = unit
    return ctx


def staging_world(path: Path, roster: list[dict] | None = None) -> Path:
    """A build database as an earlier night left it: four carriers (three at 总部城, one at
    电创园), the 2025Q2 report of 0001, its 2025Q3 roster (50 enterprises 在孵, 10 of them
    重庆市科技型企业, 5 teams, 2 graduated this quarter), its financing of 2025Q2, SHARED_CODE
    在孵 at 0001 and 0002 in 2025Q3, and 0001's 市级 recognition in force."""
    ref = context("sci_tech_bureau")
    name_of = {code: name for name, code in ref.zone_names.items()}
    registry = pd.DataFrame(
        [
            ("YZ-FH-0001", name_of["hq_city"], "科技企业孵化器", 8000.0),
            ("YZ-FH-0002", name_of["dianchuang"], "科技企业孵化器", 5000.0),
            ("YZ-JS-0003", name_of["hq_city"], "加速器", 5000.0),
            ("YZ-ZC-0004", name_of["hq_city"], "众创空间", 800.0),
        ],
        columns=["carrier_id", "zone", "carrier_type", "tenant_area_m2"],
    )
    reports = pd.DataFrame(
        [
            {
                "carrier_id": "YZ-FH-0001",
                "period": "2025Q2",
                "incubatees_eop": 47,
                "graduates_cum": 20,
                "tech_ent_cultivated_cum": 14,
                "area_m2_eop": 9800.0,
            }
        ]
    )
    q3 = {"carrier_id": "YZ-FH-0001", "period": "2025Q3", "graduation_date": None}
    if roster is None:
        roster = [
            *(
                {**q3, "entity_kind": "企业", "status": "在孵", "uscc": None,
                 "is_cq_tech_ent": k < 9, "financing_cum": None}
                for k in range(49)
            ),
            {**q3, "entity_kind": "企业", "status": "在孵", "uscc": SHARED_CODE,
             "is_cq_tech_ent": True, "financing_cum": None},
            *(
                {**q3, "entity_kind": "创业团队", "status": "在孵", "uscc": None,
                 "is_cq_tech_ent": None, "financing_cum": None}
                for _ in range(5)
            ),
            *(
                {**q3, "entity_kind": "企业", "status": "已毕业", "uscc": None,
                 "is_cq_tech_ent": False, "financing_cum": None,
                 "graduation_date": D(2025, 8, 1)}
                for _ in range(2)
            ),
            {**q3, "carrier_id": "YZ-FH-0002", "entity_kind": "企业", "status": "在孵",
             "uscc": SHARED_CODE, "is_cq_tech_ent": False, "financing_cum": None},
            *(
                {**q3, "period": "2025Q2", "entity_kind": "企业", "status": "在孵", "uscc": code,
                 "is_cq_tech_ent": False, "financing_cum": 80.0}
                for code in (CODE, SHARED_CODE)
            ),
        ]  # fmt: skip
    recognitions = pd.DataFrame(
        [
            {
                "carrier_id": "YZ-FH-0001",
                "level": "市级",
                "status": "有效",
                "recognized_date": D(2023, 1, 5),
                "valid_until": None,
            }
        ]
    )
    tables = {
        "carrier_registry": registry,
        "carrier_period_report": reports,
        "incubatee_roster": pd.DataFrame(roster),
        "carrier_recognition": recognitions,
    }
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists staging")
        for template, frame in tables.items():
            con.register("frame", frame)
            con.execute(f"create or replace table staging.stg_inbox__{template} as from frame")
            con.unregister("frame")
    return path


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    return staging_world(tmp_path_factory.mktemp("world") / "build.duckdb")


def problems_of(template, frame, headers, unit, world, others=None):
    """Every rule's problems of one file: the row-level rules, then the context rules in
    DuckDB against ``world`` (the file's rows are checked, not context: as a file with an
    error; ``others``: frames of clean files of the same night)."""
    ctx = context(unit)
    rows = {0: frame, **{k + 1: f for k, f in enumerate(others or [])}}
    night = NightRows(
        rows={template: rows},
        units=dict.fromkeys(rows, unit),
        headers=dict.fromkeys(rows, headers),
        clean=set(rows) - {0},
    )
    found = context_problems(night, ctx, world)
    return run_rules(template, frame, headers, ctx) + found.get(0, [])


def failing_rules(template: str, changes: dict, contracts, world) -> set[str]:
    row = {**BASE[template], **{k: v for k, v in changes.items() if not k.startswith("_")}}
    frame = to_frame([{"source_sheet": "表", "source_row": 2, **row}], contracts[template])
    unit = changes.get("_unit", UNIT.get(template, "digital_park_mc"))
    return {p.rule for p in problems_of(template, frame, {}, unit, world)}


def test_every_rule_has_a_case():
    assert {r.id for r in RULES} == set(CASES)


@pytest.mark.parametrize("template", sorted(BASE))
def test_base_rows_pass_every_rule(template, contracts, world):
    assert failing_rules(template, {}, contracts, world) == set()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_fails_and_passes(rule, contracts, world):
    fail, near_miss = CASES[rule.id]
    assert rule.id in failing_rules(rule.template, fail, contracts, world)
    if near_miss is not None:
        assert rule.id not in failing_rules(rule.template, near_miss, contracts, world)


def test_not_authorised_names_who_may_report(contracts, world):
    row = {**BASE["carrier_period_report"], "carrier_id": "YZ-FH-0002"}
    frame = to_frame(
        [{"source_sheet": "季报", "source_row": 7, **row}], contracts["carrier_period_report"]
    )
    (problem,) = [
        p
        for p in problems_of(
            "carrier_period_report",
            frame,
            {("季报", "carrier_id"): "载体编码"},
            "digital_park_mc",
            world,
        )
        if p.rule == "rep_not_authorised"
    ]
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "季报",
        7,
        "载体编码",
        "YZ-FH-0002",
    )
    assert "区科技局" in problem.message_zh and "电创园管委会" in problem.message_zh


@pytest.mark.parametrize(
    ("active_at", "status", "shared"),
    [
        ({"YZ-FH-0001"}, "在孵", False),  # only at this row's own carrier
        ({"YZ-FH-0002"}, "在孵", True),  # at one other carrier
        ({"YZ-FH-0001", "YZ-FH-0002"}, "在孵", True),  # here and elsewhere
        ({"YZ-FH-0002", "YZ-JS-0003"}, "在孵", True),  # at two others
        (None, "在孵", False),  # active nowhere this quarter
        ({"YZ-FH-0002"}, "已迁出", False),  # this row not active
    ],
)
def test_shared_with_other_carrier_cases(active_at, status, shared, contracts, world):
    row = {**BASE["incubatee_roster"], "uscc": OTHER_CODE, "status": status}
    if status != "在孵":
        row["exit_date"] = D(2025, 8, 1)
    frame = to_frame(
        [{"source_sheet": "名单", "source_row": 2, **row}], contracts["incubatee_roster"]
    )
    # where the code is 在孵 this quarter: in another clean file of the night
    others = [
        to_frame(
            [
                {"source_sheet": "名单", "source_row": 2 + k, **BASE["incubatee_roster"],
                 "uscc": OTHER_CODE, "carrier_id": carrier}
                for k, carrier in enumerate(sorted(active_at or ()))
            ],
            contracts["incubatee_roster"],
        )
    ]  # fmt: skip
    found = problems_of("incubatee_roster", frame, {}, "digital_park_mc", world, others)
    assert ("ros_shared_with_other_carrier" in {p.rule for p in found}) is shared


@pytest.mark.parametrize("template", sorted(BASE))
def test_rules_on_stacked_files_find_what_each_file_alone_finds(template, contracts):
    """Every case of the template as its own file, the files stacked (as a batch is checked):
    the problems handed back to each file are the ones that file gives alone."""
    cases = [fail for rule in RULES if rule.template == template for fail in CASES[rule.id][:1]]
    frames = []
    for i, changes in enumerate([{}, *cases]):
        row = {**BASE[template], **{k: v for k, v in changes.items() if not k.startswith("_")}}
        frame = to_frame([{"source_sheet": "表", "source_row": 2 + i, **row}], contracts[template])
        frames.append(frame)
    ctx = context("digital_park_mc")
    headers = {i: {("表", "carrier_id"): f"载体编码{i}"} for i in range(len(frames))}
    stacked = pd.concat([f.assign(file_index=i) for i, f in enumerate(frames)], ignore_index=True)
    got: dict[int, list] = {}
    for i, problem in run_rules_stacked(template, stacked, headers, ctx, "file_index"):
        got.setdefault(i, []).append(problem)
    for i, frame in enumerate(frames):
        alone = run_rules(template, frame, headers[i], ctx)
        assert got.get(i, []) == alone, i
    assert any(got.values())  # the cases do fail
