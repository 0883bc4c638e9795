"""The real DAG through dag.test() on a data home written by the test: real GX, real dbt,
real DuckDB. Expected figures are computed here from the world's rows, not by the pipeline."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import duckdb
import pendulum
import pytest

from incubation.checks.reference import incubator_recognition_types, read_seed
from incubation.demo import build_world, refused_files, spoiled_rows, unreported, write_inbox
from incubation.parsing.normalise import quarter_end
from incubation.settings import PROJECT_ROOT
from tests.helpers import UNIT_MARTS, write_xlsx
from tests.integration.conftest import read_with
from tests.integration.dashboard_checks import (
    check_docs_offline,
    check_pages,
    check_unit_page_isolation,
)

pytestmark = pytest.mark.integration
QUARTERS = ("2025Q2", "2025Q3", "2025Q4")
INCUBATOR_TYPES = incubator_recognition_types(PROJECT_ROOT / "dbt_project" / "seeds")
ZONES = {
    "总部城数字经济产业园": "hq_city",
    "环重医大健康产业园": "chongyi_health",
    "电创园片区": "dianchuang",
    "解放碑-朝天门片区": "jiefangbei_chaotianmen",
    "历史文化街区": "historic_district",
}


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def expected_carrier_quarters(
    world, excluded: set[tuple[str, str]], as_of: str, faults: bool = True
) -> dict[str, tuple[float | None, str | None]]:
    """The carriers active at the end of ``as_of`` (from the quarter they started operating,
    or their first accepted report or roster if earlier), each with the area the plan counts
    for it and where it came from: the quarter's report, else the latest earlier report, else
    the registry (design.md §4)."""
    missing = set(unreported(world)) if faults else set()
    accepted = {k: r for k, r in world.reports.items() if k not in excluded and k not in missing}
    rostered = {k for k in world.rosters if k not in excluded}
    found: dict[str, tuple[float | None, str | None]] = {}
    for carrier in world.carriers:
        cid = carrier["carrier_id"]
        sent = [k[1] for k in [*accepted, *rostered] if k[0] == cid]
        if min([quarter_of(carrier["operation_start_date"]), *sent]) > as_of:
            continue
        reported = sorted(
            (k[1], r["area_m2_eop"])
            for k, r in accepted.items()
            if k[0] == cid and k[1] <= as_of and r["area_m2_eop"] is not None
        )
        if reported and reported[-1][0] == as_of:
            found[cid] = (reported[-1][1], "reported")
        elif reported:
            found[cid] = (reported[-1][1], "carried_forward")
        else:
            found[cid] = (carrier["total_area_m2"], "registry")
    return found


def expected_coverage(
    world, excluded: set[tuple[str, str]], as_of: str, faults: bool = True
) -> dict[tuple[str, str], tuple[int, int | None]]:
    """(carriers expected, carriers that reported the figure) per (scope, indicator)."""
    zone_of = {c["carrier_id"]: ZONES[c["zone"]] for c in world.carriers}
    missing = set(unreported(world)) if faults else set()
    active = expected_carrier_quarters(world, excluded, as_of, faults)
    coverage = {}
    for scope in ["district", *ZONES.values()]:
        scoped = [cid for cid in active if scope == "district" or zone_of[cid] == scope]
        reports = [
            cid for cid in scoped if (cid, as_of) in world.reports and (cid, as_of) not in excluded
        ]
        reports = [cid for cid in reports if (cid, as_of) not in missing]
        rosters = [cid for cid in scoped if (cid, as_of) in world.rosters]
        rosters = [cid for cid in rosters if (cid, as_of) not in excluded]
        coverage[(scope, "carrier_area_m2")] = (
            len(scoped),
            sum(active[cid][1] == "reported" for cid in scoped),
        )
        coverage[(scope, "incubated_entities")] = (len(scoped), len(reports))
        coverage[(scope, "tech_enterprises")] = (len(scoped), len(rosters))
    return coverage


def expected_progress(
    world, excluded: set[tuple[str, str]], as_of: str | None = None, faults: bool = True
) -> dict[tuple[str, str], float | None]:
    """Actual values per (scope, indicator) as of a quarter, from the world's rows
    (design.md §4). ``excluded``: (carrier, quarter) whose files were refused; with
    ``faults`` (the inbox written as the demo's) the reports ``unreported`` left out too."""
    zone_of = {c["carrier_id"]: ZONES[c["zone"]] for c in world.carriers}
    as_of = as_of or world.quarters[-1]
    missing = set(unreported(world)) if faults else set()
    reports = [
        r
        for k, r in world.reports.items()
        if k[1] == as_of and k not in excluded and k not in missing
    ]
    reporting = {r["carrier_id"] for r in reports}
    rosters = [
        row
        for k, rows in world.rosters.items()
        if k not in excluded and k[1] <= as_of
        for row in rows
    ]
    areas = expected_carrier_quarters(world, excluded, as_of, faults)
    expected: dict[tuple[str, str], float | None] = {}
    for scope in ["district", *ZONES.values()]:

        def in_scope(cid, scope=scope):
            return scope == "district" or zone_of[cid] == scope

        scoped = [r for r in reports if in_scope(r["carrier_id"])]
        active = Counter(
            r["uscc"]
            for r in rosters
            if r["period"] == as_of
            and r["status"] == "在孵"
            and r["entity_kind"] == "企业"
            and in_scope(r["carrier_id"])
            and r["carrier_id"] in reporting  # counted by a period report of the quarter
        )
        overlap = sum(n - 1 for n in active.values())
        counted = [area for cid, (area, _) in areas.items() if in_scope(cid)]
        expected[(scope, "carrier_area_m2")] = sum(counted) if counted else None
        expected[(scope, "incubated_entities")] = (
            sum(r["incubatees_eop"] + r["teams_eop"] for r in scoped) - overlap if scoped else None
        )
        expected[(scope, "tech_enterprises")] = len(
            {
                r["uscc"]
                for r in rosters
                if r["is_cq_tech_ent"]
                and r["status"] in ("在孵", "已毕业")
                and in_scope(r["carrier_id"])
            }
        )
    year, quarter = int(as_of[:4]), int(as_of[-1])
    as_of_date = dt.date(year + (quarter == 4), quarter * 3 % 12 + 1, 1) - dt.timedelta(days=1)
    live = [
        r
        for r in world.recognitions
        if r["status"] == "有效"
        and r["recognized_date"] <= as_of_date
        and (r["valid_until"] is None or r["valid_until"] >= as_of_date)
    ]
    expected[("district", "municipal_plus_carriers")] = len(
        {
            r["carrier_id"]
            for r in live
            if r["level"] in ("国家级", "市级") and r["recognition_type"] in INCUBATOR_TYPES
        }
    )
    expected[("district", "national_carriers")] = len(
        {
            r["carrier_id"]
            for r in live
            if r["level"] == "国家级" and r["recognition_type"] in INCUBATOR_TYPES
        }
    )
    expected[("district", "featured_carriers")] = len(
        {r["carrier_id"] for r in live if r["recognition_type"] == "特色孵化载体"}
    )
    expected[("district", "large_carriers")] = len(
        {r["carrier_id"] for r in live if r["recognition_type"] == "大型孵化载体"}
    )
    return expected


def unit_zones(settings, unit: str) -> set[str]:
    """The zones of the tasks the unit leads or cooperates on, from the seeds."""
    seeds = settings.seeds_dir
    tasks = {r["task_code"] for r in read_seed(seeds, "plan_task_units") if r["unit_code"] == unit}
    return {r["zone_code"] for r in read_seed(seeds, "plan_task_zones") if r["task_code"] in tasks}


def unit_carriers(settings, world, unit: str) -> set[str]:
    """The world's carriers in the unit's zones."""
    names = {r["zone_code"]: r["zone_name_zh"] for r in read_seed(settings.seeds_dir, "zones")}
    zones = {names[z] for z in unit_zones(settings, unit)}
    return {c["carrier_id"] for c in world.carriers if c["zone"] in zones}


def check_unit_export(settings, world, unit: str) -> None:
    """The export has the unit's tables only, with carriers of the zones of the tasks the unit
    leads or cooperates on (computed here from the seeds) and its own submissions only."""
    zones = unit_zones(settings, unit)
    expected = unit_carriers(settings, world, unit)
    con = duckdb.connect(str(settings.exports / unit / f"{unit}.duckdb"), read_only=True)
    try:
        tables = {
            r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
        }
        carriers = {r[0] for r in con.execute("select carrier_id from carriers_latest").fetchall()}
        submitters = {r[0] for r in con.execute("select file_name from submissions").fetchall()}
        scopes = {r[0] for r in con.execute("select scope from progress").fetchall()}
    finally:
        con.close()
    assert tables == UNIT_MARTS
    assert carriers == expected and expected
    own = {p.name.split("__", 1)[1] for p in (settings.archive / unit).glob("*__*")}
    own |= {p.name.split("__", 1)[1] for p in (settings.quarantine / unit).glob("*__*")}
    assert submitters == own
    assert scopes <= zones | {"district"}


def write_mistakes(path: Path, world) -> set[tuple]:
    """A workbook with mistakes on three sheets; returns (sheet, row, column, rule) of each."""
    hq = next(c for c in world.carriers if c["reporting_unit"] == "digital_park_mc")
    other = next(c for c in world.carriers if c["reporting_unit"] == "dianchuang_park_mc")
    period = world.quarters[-1]
    # fmt: off
    write_xlsx(path, {
        "登记": [
            ["载体编码", "载体名称", "载体类型", "运营主体名称", "所属片区", "载体总面积（平方米）"],
            ["YZ-FH-0101", "新载体", "孵化中心", "新运营", "总部城数字经济产业园", 5000],
            ["YZ-FH-0102", "另一载体", "众创空间", "另运营", "电创园片区", 800],
        ],
        "季报": [
            ["报告期", "载体编码", "期末载体面积（平方米）", "期末在孵企业数（家）", "期末在孵创业团队数（个）",
             "期末在孵企业中：重庆市科技型企业数（家）"],
            [period, hq["carrier_id"], 1000, 10, 1, 12],
            [period, other["carrier_id"], 1000, 10, 1, 2],
            [period, "YZ-FH-0999", 1000, 10, 1, 2],
        ],
        "名单": [
            ["报告期", "载体编码", "主体类型", "企业（团队）名称", "统一社会信用代码", "入驻日期", "在孵状态"],
            [period, hq["carrier_id"], "企业", "错码公司", "91350100M000100Y4Z", "2025-01-05", "在孵"],
            [period, hq["carrier_id"], "企业", "无码公司", None, "2025-01-05", "在孵"],
        ],
    })
    # fmt: on
    return {
        ("登记", 2, "载体类型", "expect_column_values_to_be_in_set"),
        ("登记", 3, "所属片区", "reg_not_authorised"),
        (
            "季报",
            2,
            "期末在孵企业数（家）、期末在孵企业中：重庆市科技型企业数（家）",
            "expect_column_pair_values_a_to_be_greater_than_b",
        ),
        ("季报", 3, "载体编码", "rep_not_authorised"),
        ("季报", 4, "载体编码", "rep_carrier_unknown"),
        ("名单", 2, "统一社会信用代码", "expect_column_values_to_match_regex"),
        ("名单", 3, "统一社会信用代码", "ros_uscc_required_for_enterprise"),
    }


def warehouse_state(path: Path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        progress = con.execute(
            "select scope, indicator, target_year, actual_value, pct_of_target, as_of_period "
            "from core.fct_target_progress order by all"
        ).fetchall()
        counts = {
            t: con.execute(f"select count(*) from raw.{t}").fetchone()[0]
            for t in (
                "carrier_registry",
                "carrier_period_report",
                "incubatee_roster",
                "carrier_recognition",
            )
        }
        staged = con.execute("select count(*) from staging.stg_inbox__incubatee_roster").fetchone()[
            0
        ]
    finally:
        con.close()
    return {"progress": progress, "raw": counts, "staged_roster": staged}


def check_unit_workbook(settings, world) -> None:
    """The digital park's workbook: progress, trend and carriers sheets, native charts, and a
    carrier name that looks like a formula kept as text."""
    import zipfile

    import openpyxl

    (path,) = (settings.outbox / "digital_park_mc").glob("进度报告_*.xlsx")
    assert path.name == f"进度报告_{QUARTERS[-1]}.xlsx"
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["进度", "趋势", "载体"]
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 2
    carriers = workbook["载体"]
    names = [carriers.cell(r, 2) for r in range(2, carriers.max_row + 1)]
    injected = [c for c in names if str(c.value).startswith("=HYPERLINK")]
    assert len(injected) == 1 and injected[0].data_type == "s"
    # the district's workbook: every figure with its coverage, ※ where reports are missing
    (district,) = (settings.outbox / "sci_tech_bureau").glob("全区进度报告_*.xlsx")
    sheet = openpyxl.load_workbook(district)["进度"]
    header = [c.value for c in sheet[3]]
    assert header[8:10] == ["报送情况", "报送不全"]
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1]]
    for row in rows:
        covered = re.match(r"^(\d+)/(\d+) 载体已报送", row[8] or "")
        assert covered or row[8] == "按认定名单统计（区科技局报送）", row
        incomplete = bool(covered) and int(covered[1]) < int(covered[2])
        assert (row[9] == "※") is incomplete, row
    assert any(r[9] == "※" for r in rows)  # the demo's refused and missing reports
    assert any(str(c.value).startswith("※ 报送不全") for c in sheet["A"])


def test_nightly_end_to_end(settings, contracts, nightly_dag, reports_dag, old_duckdb):
    world = build_world(seed=11, quarters=QUARTERS, scale=0.6)
    world.carriers[0]["carrier_name"] = '=HYPERLINK("http://x","点我")'  # formula injection
    write_inbox(world, settings.inbox, contracts)
    refused = refused_files(world)[0]
    (settings.inbox / "not_a_unit").mkdir()
    (settings.inbox / "not_a_unit" / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    mistakes = write_mistakes(settings.inbox / "digital_park_mc" / "多表错误.xlsx", world)
    (settings.inbox / "digital_park_mc" / "假表格.xlsx").write_text(
        "not a workbook", encoding="utf-8"
    )
    recognitions = [[c.header for c in contracts["carrier_recognition"].required_columns]]
    recognitions.append(["YZ-FH-0001", "重庆市科技企业孵化器", "市级", "2025-01-01", "有效"])
    write_xlsx(settings.inbox / "dianchuang_park_mc" / "认定.xlsx", {"认定": recognitions})

    run = nightly_dag.test(logical_date=pendulum.datetime(2026, 1, 15, 2, tz="Asia/Shanghai"))
    assert run.state == "success"
    # the check's verdicts wait beside the rows it staged (its XCom names the file)
    (handed,) = (settings.work / "_staged").glob("night-*.json")
    summary = json.loads((settings.runs / f"{handed.stem[6:]}.json").read_text("utf-8"))
    verdicts = json.loads(handed.read_text("utf-8"))
    assert summary["run_id"] == run.run_id and len(verdicts) == summary["files_seen"]
    assert {v["status"] for v in verdicts} == {"accepted", "rejected"}

    # --- the warehouse figures, against the world's rows
    historic = [
        c["carrier_id"] for c in world.carriers if c["reporting_unit"] == "historic_district_mc"
    ]
    excluded = {(cid, QUARTERS[-1]) for cid in historic}  # the refused file's report and roster
    expected = expected_progress(world, excluded)
    progress = (
        "select scope, indicator, target_year, target_value, actual_value, pct_of_target, "
        "as_of_period from core.fct_target_progress"
    )
    con = duckdb.connect(str(settings.warehouse_db), read_only=True)
    rows = con.execute(progress).fetchall()
    schemas = {
        r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()
    }
    # --- lineage: every staged row names its file's sha256, sheet and Excel row, and the
    # headers as the contact wrote them are in audit.source_columns
    lineage = con.execute(
        """select count(*), count(s.source_sha256), count(c.header),
                  bool_and(s.source_sha256 = l.sha256), min(s.source_row)
           from staging.stg_inbox__carrier_period_report s
           join audit.file_ledger l using (submission_id)
           left join audit.source_columns c
             on c.submission_id = s.submission_id and c.sheet = s.source_sheet
            and c.column_name = 'area_m2_eop'"""
    ).fetchone()
    con.close()
    assert lineage[0] > 0 and lineage[0] == lineage[1] == lineage[2]
    assert lineage[3] is True and lineage[4] >= 2
    assert {"raw", "audit", "staging", "intermediate", "core", "reference"} <= schemas
    assert len(rows) == 25
    for scope, indicator, year, target, actual, pct, as_of in rows:
        want = expected[(scope, indicator)]
        assert as_of == "2025Q4"
        assert actual == (None if want is None else pytest.approx(want)), (scope, indicator)
        if want is not None:
            assert pct == pytest.approx(round(100 * want / target, 1)), (scope, indicator, year)
    assert expected[("district", "carrier_area_m2")] > 0
    # the historic district's only report of the quarter was refused: its area is carried
    # forward from the quarter before, and its entities are not reported (never carried)
    (historic_carrier,) = historic
    assert expected[("historic_district", "carrier_area_m2")] == pytest.approx(
        world.reports[(historic_carrier, QUARTERS[-2])]["area_m2_eop"]
    )
    assert expected[("historic_district", "incubated_entities")] is None

    # --- a DuckDB 1.4 client opens the published file (views included) and a unit's export
    as_text = lambda found: sorted([str(v) for v in row] for row in found)  # noqa: E731
    assert as_text(read_with(old_duckdb, settings.warehouse_db, progress)) == as_text(rows)
    marts = "select count(*), count(distinct scope) from mart_sci_tech_bureau.progress"
    ((mart_rows, mart_scopes),) = read_with(old_duckdb, settings.warehouse_db, marts)
    assert mart_rows > 0 and mart_scopes > 0
    export = settings.exports / "sci_tech_bureau" / "sci_tech_bureau.duckdb"
    assert read_with(old_duckdb, export, "select count(*) from progress") == [[mart_rows]]

    # --- coverage beside every figure: who was expected, who reported it
    con = duckdb.connect(str(settings.warehouse_db), read_only=True)
    coverage = con.execute(
        "select scope, indicator, carriers_expected, carriers_reported, "
        "rests_on_incomplete_reports, coverage_zh from core.fct_target_progress"
    ).fetchall()
    sources = dict(
        con.execute(
            "select carrier_id, area_source from core.fct_carrier_quarter where period = ?",
            [QUARTERS[-1]],
        ).fetchall()
    )
    con.close()
    want_coverage = expected_coverage(world, excluded, QUARTERS[-1])
    for scope, indicator, n_expected, n_reported, incomplete, text in coverage:
        if indicator in ("carrier_area_m2", "incubated_entities", "tech_enterprises"):
            want_e, want_r = want_coverage[(scope, indicator)]
            assert (n_expected, n_reported) == (want_e, want_r), (scope, indicator)
            assert incomplete == (want_r < want_e), (scope, indicator)
            assert text.startswith(f"{want_r}/{want_e} 载体已报送"), text
        else:  # recognitions: the coordinator's list, not carriers' reports
            assert n_reported is None and incomplete is False
    assert want_coverage[("historic_district", "incubated_entities")] == (1, 0)  # 0/N, not blank
    assert sources == {
        cid: source
        for cid, (_, source) in expected_carrier_quarters(world, excluded, QUARTERS[-1]).items()
    }

    # --- every quarter of the quarterly progress, and the on-track path
    con = duckdb.connect(str(settings.warehouse_db), read_only=True)
    quarterly = con.execute(
        "select scope, indicator, as_of_period, actual_value, on_track_value, target_value, "
        "target_year from core.fct_target_progress_quarterly where as_of_period >= ?",
        [QUARTERS[0]],
    ).fetchall()
    con.close()
    baseline = expected_progress(world, excluded, "2021Q1")
    for quarter in QUARTERS:
        want_q = expected_progress(world, excluded, quarter)
        rows_q = [r for r in quarterly if r[2] == quarter]
        assert len(rows_q) == 25
        for scope, indicator, _, actual, on_track, target, year in rows_q:
            want = want_q[(scope, indicator)]
            assert actual == (None if want is None else pytest.approx(want)), (quarter, scope)
            # the path runs from the baseline 2021Q1 (registry areas of the carriers then
            # operating; no counts reported: 0) on 2021-03-31 to the target
            start = baseline[(scope, indicator)] or 0
            days = (quarter_end(quarter) - dt.date(2021, 3, 31)).days
            span = (dt.date(year, 12, 31) - dt.date(2021, 3, 31)).days
            want_path = round(start + (target - start) * min(1.0, days / span), 2)
            assert on_track == pytest.approx(want_path), (quarter, scope, indicator)

    # --- the carrier whose report did not come is listed as missing, in the lead unit's mart
    con = duckdb.connect(str(settings.warehouse_db), read_only=True)
    missing = con.execute(
        "select carrier_id, period from mart_health_industry_co.missing_reports"
    ).fetchall()
    con.close()
    assert missing == unreported(world)

    # --- the reports DAG (scheduled on the published warehouse) writes every unit's workbook
    run = reports_dag.test(logical_date=pendulum.datetime(2026, 1, 15, 3, tz="Asia/Shanghai"))
    assert run.state == "success"
    check_unit_workbook(settings, world)

    # --- a unit's export holds its own mart only, and so does its page in its outbox
    check_unit_export(settings, world, "digital_park_mc")
    everyone = {c["carrier_id"] for c in world.carriers}
    own = unit_carriers(settings, world, "digital_park_mc")
    check_unit_page_isolation(settings, "digital_park_mc", own, everyone)

    # --- the dashboard in a real Chromium: nothing from elsewhere, no error, every chart
    # drawn, the warehouse's figures (screenshots under build/test-artifacts/dashboard/)
    shots = check_pages(settings, "digital_park_mc")
    assert all(shot.stat().st_size > 10_000 for shot in shots)

    # --- the refused file: quarantined, with a report naming each mistake
    unit, name = refused.split("/")
    quarantined = list((settings.quarantine / unit).glob(f"*__{name}"))
    assert len(quarantined) == 1 and not (settings.inbox / refused).exists()
    (report_path,) = (settings.outbox / unit).glob(f"*{Path(name).stem}_退回报告.json")
    report = json.loads(report_path.read_text("utf-8"))
    assert report["accepted"] is False and report["errors"] == 3
    # the file's roster: rows in world order under one header row; the first three
    # enterprises were spoiled (check character, graduation before entry, unknown status)
    roster = [r for cid in historic for r in world.rosters[(cid, QUARTERS[-1])]]
    e0, e1, e2 = [roster.index(r) + 2 for r in spoiled_rows(roster)]
    errors = [p for p in report["problems"] if p["severity"] == "E"]
    assert {(p["sheet"], p["row"], p["column"]) for p in errors} == {
        ("在孵名单", e0, "统一社会信用代码"),
        ("在孵名单", e1, "毕业日期、入驻日期"),
        ("在孵名单", e2, "在孵状态"),
    }
    assert (settings.outbox / unit / report_path.name.replace(".json", ".xlsx")).exists()

    # --- a file with several mistakes on several sheets: each one found where it is
    (report_path,) = (settings.outbox / "digital_park_mc").glob("*多表错误_退回报告.json")
    report = json.loads(report_path.read_text("utf-8"))
    found = {
        (p["sheet"], p["row"], p["column"], p["rule"])
        for p in report["problems"]
        if p["severity"] == "E"
    }
    assert found == mistakes
    assert report["problems_total"] == len(report["problems"]) >= len(mistakes)
    (fake,) = (settings.outbox / "digital_park_mc").glob("*假表格_退回报告.json")
    assert "改了扩展名" in json.loads(fake.read_text("utf-8"))["problems"][0]["message_zh"]
    (rec,) = (settings.outbox / "dianchuang_park_mc").glob("*认定_退回报告.json")
    assert [p["rule"] for p in json.loads(rec.read_text("utf-8"))["problems"]] == [
        "rec_coordinator_only"
    ]
    assert list((settings.quarantine / "digital_park_mc").glob("*__假表格.xlsx"))
    docs = json.loads(sorted(settings.runs.glob("*.json"))[0].read_text("utf-8"))["gx_data_docs"]
    assert docs and Path(docs).exists()
    # the GX Data Docs and the dbt docs open on a closed network
    check_docs_offline(Path(docs).parent, settings.dbt_target)
    # dbt docs: every model with its compiled SQL and its columns from the warehouse
    assert (settings.dbt_target / "index.html").exists()
    manifest = json.loads((settings.dbt_target / "manifest.json").read_text("utf-8"))
    catalog = json.loads((settings.dbt_target / "catalog.json").read_text("utf-8"))
    models = [k for k in manifest["nodes"] if k.startswith("model.")]
    assert models and all(manifest["nodes"][k]["compiled_code"] for k in models)
    # a unit's model makes a schema of five views (their columns: the shared unit marts')
    by_unit = {k for k in models if manifest["nodes"][k]["config"]["materialized"] == "unit_mart"}
    units = read_seed(settings.seeds_dir, "units")
    assert {manifest["nodes"][k]["schema"] for k in by_unit} == {
        f"mart_{row['unit_code']}" for row in units
    }
    assert all(manifest["nodes"][k]["description"] for k in by_unit)
    assert set(models) - by_unit <= set(catalog["nodes"])
    assert all(catalog["nodes"][k]["columns"] for k in set(models) - by_unit)

    # --- accepted files archived with receipts; the misplaced file quarantined as _unknown
    n_files = sum(1 for _ in settings.archive.rglob("*.*"))
    assert n_files == len(list(Path(settings.archive).rglob("*.xlsx"))) + len(
        list(Path(settings.archive).rglob("*.csv"))
    )
    assert not any(p.is_file() for p in settings.inbox.rglob("*"))
    assert list((settings.quarantine / "_unknown").glob("*x.csv"))
    (unknown,) = (settings.outbox / "_unknown").glob("*x_退回报告.json")
    assert (
        "不是已登记的报送单位代码"
        in json.loads(unknown.read_text("utf-8"))["problems"][0]["message_zh"]
    )

    first = warehouse_state(settings.warehouse_db)
    assert first["raw"]["carrier_recognition"] == len(world.recognitions)

    # --- a second night with the same bytes dropped again loads nothing new
    write_inbox(world, settings.inbox, contracts)
    run = nightly_dag.test(logical_date=pendulum.datetime(2026, 1, 16, 2, tz="Asia/Shanghai"))
    assert run.state == "success"
    assert warehouse_state(settings.warehouse_db) == first
    summaries = [json.loads(p.read_text("utf-8")) for p in sorted(settings.runs.glob("*.json"))]
    (second,) = [s for s in summaries if s["run_id"] == run.run_id]
    assert (second["files_seen"], second["rows_loaded"]) == (0, 0)
    assert second["files_duplicate"] == sum(
        1 for p in settings.archive.rglob("_duplicates/*") if p.is_file()
    )

    # --- a third night: a corrected report replaces the earlier one, raw keeps both
    unit = "health_industry_co"
    carrier = next(c for c in world.carriers if c["reporting_unit"] == unit)
    corrected = dict(world.reports[(carrier["carrier_id"], QUARTERS[-1])], area_m2_eop=31000.0)
    contract = contracts["carrier_period_report"]
    header = [c.header_with_unit for c in contract.columns if corrected.get(c.name) is not None]
    values = [corrected[c.name] for c in contract.columns if corrected.get(c.name) is not None]
    write_xlsx(settings.inbox / unit / "季报更正.xlsx", {"季报": [header, values]})
    run = nightly_dag.test(logical_date=pendulum.datetime(2026, 1, 17, 2, tz="Asia/Shanghai"))
    assert run.state == "success"
    con = duckdb.connect(str(settings.warehouse_db), read_only=True)
    area = con.execute(
        "select area_m2_eop from core.fct_carrier_quarter where carrier_id = ? and period = ?",
        [carrier["carrier_id"], QUARTERS[-1]],
    ).fetchall()
    versions = con.execute(
        "select count(*) from raw.carrier_period_report where carrier_id = ? and period = ?",
        [carrier["carrier_id"], QUARTERS[-1]],
    ).fetchone()[0]
    con.close()
    assert area == [(31000.0,)] and versions == 2
    (receipt,) = (settings.outbox / unit).glob("*季报更正_回执.json")
    replaced = json.loads(receipt.read_text("utf-8"))["replaces"]
    assert [r["file_name"] for r in replaced] == [f"{QUARTERS[-1]}_运营季报.csv"]

    # --- a fourth night with nothing new: the warehouse is current, build and publish skip
    published_at = settings.warehouse_db.stat().st_mtime_ns
    run = nightly_dag.test(logical_date=pendulum.datetime(2026, 1, 18, 2, tz="Asia/Shanghai"))
    assert run.state == "success"
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states["check"] == "success"  # it found nothing new, and checked nothing
    assert {states[t] for t in ("load", "build_warehouse", "publish")} == {"skipped"}
    assert settings.warehouse_db.stat().st_mtime_ns == published_at
    summaries = [json.loads(p.read_text("utf-8")) for p in sorted(settings.runs.glob("*.json"))]
    # by its run id: the night before may have finished within the same second
    (quiet,) = [s for s in summaries if s["run_id"] == run.run_id]
    assert quiet["files_seen"] == 0 and quiet["skipped"].startswith("nothing new since")
