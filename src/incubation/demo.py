"""A synthetic but realistic world of carriers and incubatees, and the inbox files for it.

``build_world`` makes the facts (as plain Python rows, deterministic for a seed);
``write_inbox`` writes them as the department files units would send: .xlsx workbooks with a
title row, CSV in UTF-8 with BOM and in GBK, a workbook with two templates on two sheets, and
one file with mistakes that must be refused. Tests compute expected warehouse figures from the
rows of the world, independently of the pipeline.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from stdnum.cn import uscc as stdnum_uscc

from incubation.contracts import Contract, load_contracts
from incubation.parsing.normalise import quarter_end
from incubation.settings import Settings

QUARTERS = ("2025Q1", "2025Q2", "2025Q3", "2025Q4")

# carrier_id, name, type, zone name, reporting unit, total area m2, starting incubatees
CARRIERS = (
    (
        "YZ-FH-0001",
        "总部城创新创业孵化社区",
        "科技企业孵化器",
        "总部城数字经济产业园",
        "digital_park_mc",
        62000,
        70,
    ),
    (
        "YZ-FH-0002",
        "华工智研院孵化器",
        "科技企业孵化器",
        "总部城数字经济产业园",
        "digital_park_mc",
        24000,
        40,
    ),
    (
        "YZ-ZC-0003",
        "IBM区块链联合创新孵化基地",
        "众创空间",
        "总部城数字经济产业园",
        "digital_park_mc",
        8000,
        25,
    ),
    (
        "YZ-FH-0004",
        "中新区块链双向孵化中心",
        "科技企业孵化器",
        "总部城数字经济产业园",
        "digital_park_mc",
        12500,
        30,
    ),
    (
        "YZ-FH-0005",
        "环重医科技成果转化服务中心",
        "科技企业孵化器",
        "环重医大健康产业园",
        "health_industry_co",
        28000,
        45,
    ),
    (
        "YZ-FH-0006",
        "重庆国际医疗服务孵化基地",
        "科技企业孵化器",
        "环重医大健康产业园",
        "health_industry_co",
        14500,
        30,
    ),
    (
        "YZ-FH-0007",
        "环球互联网产业园孵化器",
        "科技企业孵化器",
        "电创园片区",
        "dianchuang_park_mc",
        19000,
        38,
    ),
    ("YZ-ZC-0008", "D5五维众创空间", "众创空间", "电创园片区", "dianchuang_park_mc", 3200, 18),
    (
        "YZ-FH-0009",
        "后街影视文化产业园孵化器",
        "科技企业孵化器",
        "历史文化街区",
        "historic_district_mc",
        6500,
        20,
    ),
    (
        "YZ-JS-0010",
        "中新合作金融服务业产业园加速器",
        "加速器",
        "解放碑-朝天门片区",
        "sci_tech_bureau",
        9000,
        16,
    ),
)

# carrier_id, recognition type, level, authority, document, date, valid until, status
RECOGNITIONS = (
    (
        "YZ-FH-0001",
        "国家级科技企业孵化器",
        "国家级",
        "科学技术部",
        "国科发区〔2022〕318号",
        "2022-12-20",
        None,
        "有效",
    ),
    (
        "YZ-FH-0001",
        "大型孵化载体",
        "区级",
        "渝中区人民政府",
        "渝中府办〔2024〕12号",
        "2024-03-15",
        None,
        "有效",
    ),
    (
        "YZ-FH-0001",
        "特色孵化载体",
        "区级",
        "渝中区人民政府",
        "渝中府办〔2024〕12号",
        "2024-03-15",
        None,
        "有效",
    ),
    (
        "YZ-FH-0002",
        "重庆市科技企业孵化器",
        "市级",
        "重庆市科学技术局",
        "渝科局发〔2023〕5号",
        "2023-01-05",
        None,
        "有效",
    ),
    (
        "YZ-ZC-0003",
        "国家备案众创空间",
        "国家级",
        "科技部火炬中心",
        "国科火字〔2021〕210号",
        "2021-11-30",
        None,
        "有效",
    ),
    (
        "YZ-FH-0004",
        "重庆市科技企业孵化器",
        "市级",
        "重庆市科学技术局",
        "渝科局发〔2024〕9号",
        "2024-01-10",
        None,
        "有效",
    ),
    (
        "YZ-FH-0005",
        "重庆市科技企业孵化器",
        "市级",
        "重庆市科学技术局",
        "渝科局发〔2023〕5号",
        "2023-01-05",
        None,
        "有效",
    ),
    (
        "YZ-FH-0005",
        "特色孵化载体",
        "区级",
        "渝中区人民政府",
        "渝中府办〔2024〕12号",
        "2024-03-15",
        None,
        "有效",
    ),
    (
        "YZ-FH-0006",
        "重庆市科技企业孵化器",
        "市级",
        "重庆市科学技术局",
        "渝科局发〔2025〕3号",
        "2025-10-20",
        None,
        "有效",
    ),
    (
        "YZ-FH-0007",
        "重庆市科技企业孵化器",
        "市级",
        "重庆市科学技术局",
        "渝科局发〔2021〕44号",
        "2021-06-01",
        "2024-06-01",
        "已过期",
    ),
    (
        "YZ-ZC-0008",
        "重庆市众创空间",
        "市级",
        "重庆市科学技术局",
        "渝科局发〔2024〕9号",
        "2024-01-10",
        None,
        "有效",
    ),
    (
        "YZ-ZC-0008",
        "特色孵化载体",
        "区级",
        "渝中区人民政府",
        "渝中府办〔2025〕7号",
        "2025-05-08",
        None,
        "有效",
    ),
    (
        "YZ-FH-0009",
        "特色孵化载体",
        "区级",
        "渝中区人民政府",
        "渝中府办〔2025〕7号",
        "2025-05-08",
        None,
        "有效",
    ),
)

INDUSTRIES = ("数字经济", "大健康", "文旅", "科创", "专业服务", "金融")
ZONE_INDUSTRY = {
    "总部城数字经济产业园": "数字经济",
    "环重医大健康产业园": "大健康",
    "电创园片区": "科创",
    "历史文化街区": "文旅",
    "解放碑-朝天门片区": "金融",
}


def make_uscc(rng: random.Random, region: str = "500103") -> str:
    """A synthetic code that passes both the GB 11714 inner check and the GB 32100 check."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    inner = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
    inner_char = {10: "X", 11: "0"}.get(inner, str(inner))
    first17 = f"91{region}{body}{inner_char}"
    return first17 + stdnum_uscc.calc_check_digit(first17)


@dataclass
class Entity:
    carrier_id: str
    kind: str
    name: str
    uscc: str | None
    established: dt.date | None
    entry: dt.date
    industry: str
    is_cq_tech: bool
    is_tech_sme: bool
    is_hnte: bool
    employees: int
    status: str = "在孵"
    graduation: dt.date | None = None
    exit: dt.date | None = None


@dataclass
class World:
    carriers: list[dict]
    recognitions: list[dict]
    # (carrier_id, period) -> roster rows (dicts keyed by canonical column)
    rosters: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    # (carrier_id, period) -> period-report row
    reports: dict[tuple[str, str], dict] = field(default_factory=dict)
    quarters: tuple[str, ...] = QUARTERS


def _quarter_start(period: str) -> dt.date:
    end = quarter_end(period)
    return dt.date(end.year, end.month - 2, 1)


def carrier_specs(copies: int = 1) -> list[tuple]:
    """The demo carriers, and for benchmarks ``copies - 1`` more of each (YZ-FH-0101 is the
    second 0001: same zone and reporting unit, its own code and name)."""
    specs = list(CARRIERS)
    for k in range(1, copies):
        for cid, name, *rest in CARRIERS:
            prefix, number = cid.rsplit("-", 1)
            specs.append((f"{prefix}-{k:02d}{number[-2:]}", f"{name}{k + 1}号", *rest))
    return specs


def build_world(
    seed: int = 2025, quarters: tuple[str, ...] = QUARTERS, scale: float = 1.0, copies: int = 1
) -> World:
    rng = random.Random(seed)
    carriers = []
    for cid, name, ctype, zone, unit, area, start in carrier_specs(copies):
        carriers.append(
            {
                "carrier_id": cid,
                "carrier_name": name,
                "carrier_type": ctype,
                "specialization": "专业" if ctype == "科技企业孵化器" else None,
                "specialization_field": (
                    ZONE_INDUSTRY.get(zone, "科创") if ctype == "科技企业孵化器" else None
                ),
                "operator_name": f"重庆{name[:4]}运营管理有限公司",
                "operator_uscc": make_uscc(rng),
                "operator_nature": rng.choice(["国有企业", "民营企业"]),
                "zone": zone,
                "reporting_unit": unit,
                "address": f"重庆市渝中区{rng.choice(['大坪', '石油路', '上清寺', '解放碑', '七星岗'])}街道{rng.randint(1, 300)}号",
                "operation_start_date": dt.date(rng.randint(2015, 2021), rng.randint(1, 12), 1),
                "total_area_m2": float(area),
                "incubation_area_m2": float(round(area * 0.9)),
                "tenant_area_m2": float(round(area * 0.8)),
                "public_service_area_m2": float(round(area * 0.15)),
                "workstations": rng.randint(50, 400),
                "property_type": rng.choice(["自有", "租赁", "政府提供"]),
                "contact_name": rng.choice(["张敏", "李强", "王芳", "刘洋", "陈静"]),
                "contact_phone": f"023{rng.randint(60000000, 69999999)}",
                "_start": max(4, round(start * scale)),
            }
        )
    for carrier in carriers:
        if carrier["property_type"] == "租赁":
            carrier["lease_end_date"] = dt.date(2028, 12, 31)
    recognitions = [
        {
            "carrier_id": r[0],
            "recognition_type": r[1],
            "level": r[2],
            "issuing_authority": r[3],
            "document_no": r[4],
            "recognized_date": dt.date.fromisoformat(r[5]),
            "valid_until": dt.date.fromisoformat(r[6]) if r[6] else None,
            "status": r[7],
        }
        for r in RECOGNITIONS
    ]
    world = World(carriers=carriers, recognitions=recognitions, quarters=quarters)
    serial = 0
    pools: dict[str, list[Entity]] = {}

    def new_entity(carrier: dict, entry: dt.date) -> Entity:
        nonlocal serial
        serial += 1
        is_team = carrier["carrier_type"] != "加速器" and rng.random() < 0.2
        industry = ZONE_INDUSTRY.get(carrier["zone"], rng.choice(INDUSTRIES))
        is_cq = (not is_team) and rng.random() < 0.18
        return Entity(
            carrier_id=carrier["carrier_id"],
            kind="创业团队" if is_team else "企业",
            name=(f"{serial:04d}号创业团队" if is_team else f"重庆渝创{serial:04d}科技有限公司"),
            uscc=None if is_team else make_uscc(rng),
            established=None if is_team else entry - dt.timedelta(days=rng.randint(30, 600)),
            entry=entry,
            industry=industry,
            is_cq_tech=is_cq,
            is_tech_sme=is_cq and rng.random() < 0.5,
            is_hnte=is_cq and rng.random() < 0.2,
            employees=rng.randint(2, 8) if is_team else rng.randint(3, 60),
        )

    first_start = _quarter_start(quarters[0])
    for carrier in carriers:
        pools[carrier["carrier_id"]] = [
            new_entity(carrier, first_start - dt.timedelta(days=rng.randint(30, 900)))
            for _ in range(carrier["_start"])
        ]
    # two enterprises incubated by two carriers at once (counted once in district totals)
    shared = [e for e in pools["YZ-FH-0001"] if e.kind == "企业"][:2]
    for entity in shared:
        twin = Entity(**{**entity.__dict__, "carrier_id": "YZ-FH-0002"})
        pools["YZ-FH-0002"].append(twin)

    graduates_cum: dict[str, int] = {c["carrier_id"]: rng.randint(5, 30) for c in carriers}
    tech_cum: dict[str, set[str]] = {c["carrier_id"]: set() for c in carriers}
    for period in quarters:
        start, end = _quarter_start(period), quarter_end(period)
        for carrier in carriers:
            cid = carrier["carrier_id"]
            active = [e for e in pools[cid] if e.status == "在孵"]
            rows_this_quarter = []
            graduated = exited = 0
            shared_names = {s.name for s in shared}
            for entity in active:
                if entity.name in shared_names:
                    continue  # keep the shared enterprises active everywhere
                roll = rng.random()
                if roll < 0.05 and entity.kind == "企业":
                    entity.status, entity.graduation = (
                        "已毕业",
                        start + dt.timedelta(days=rng.randint(0, 80)),
                    )
                    graduated += 1
                elif roll < 0.08:
                    entity.status, entity.exit = (
                        "已迁出",
                        start + dt.timedelta(days=rng.randint(0, 80)),
                    )
                    exited += entity.kind == "企业"  # exits_period counts enterprises
            newcomers = [
                new_entity(carrier, start + dt.timedelta(days=rng.randint(0, 85)))
                for _ in range(rng.randint(2, max(3, carrier["_start"] // 6)))
            ]
            pools[cid].extend(newcomers)
            for entity in pools[cid]:
                if entity.status == "在孵" or (
                    (entity.graduation and start <= entity.graduation <= end)
                    or (entity.exit and start <= entity.exit <= end)
                ):
                    rows_this_quarter.append(_roster_row(entity, period))
            for row in rows_this_quarter:
                if row["is_cq_tech_ent"] and row["status"] in ("在孵", "已毕业"):
                    tech_cum[cid].add(row["uscc"])
            graduates_cum[cid] += graduated
            world.rosters[(cid, period)] = rows_this_quarter
            active_rows = [r for r in rows_this_quarter if r["status"] == "在孵"]
            ents = [r for r in active_rows if r["entity_kind"] == "企业"]
            teams = [r for r in active_rows if r["entity_kind"] == "创业团队"]
            employees = sum(r["employees"] for r in ents)
            quarter_no = int(period[-1])
            revenue = round(sum(r["revenue"] for r in ents) * quarter_no / 4, 2)
            carrier_revenue = round(carrier["total_area_m2"] * 0.004 * quarter_no, 2)
            world.reports[(cid, period)] = {
                "period": period,
                "carrier_id": cid,
                "carrier_name": carrier["carrier_name"],
                "area_m2_eop": carrier["total_area_m2"],
                "incubatees_eop": len(ents),
                "teams_eop": len(teams),
                "incubatees_new": sum(1 for e in newcomers if e.kind == "企业"),
                "graduates_period": graduated,
                "exits_period": exited,
                "graduates_cum": graduates_cum[cid],
                "cq_tech_ent_eop": sum(1 for r in ents if r["is_cq_tech_ent"]),
                "tech_sme_eop": sum(1 for r in ents if r["is_tech_sme"]),
                "hnte_eop": sum(1 for r in ents if r["is_hnte"]),
                "tech_ent_cultivated_cum": len(tech_cum[cid]),
                "employees": employees,
                "team_members": sum(r["employees"] for r in teams),
                "incubatee_revenue": revenue,
                "carrier_revenue": carrier_revenue,
                "rev_service": round(carrier_revenue * 0.3, 2),
                "rev_property": round(carrier_revenue * 0.6, 2),
                "incubation_fund": float(rng.choice([200, 500, 800, 1000])),
                "staff_total": 12 + len(ents) // 10,
                "staff_professional": 10 + len(ents) // 12,
                "mentors": 5 + len(ents) // 8,
                "events": 3 * quarter_no,
                "training_attendance": 40 * quarter_no,
            }
        # carriers grow a little every quarter
        for carrier in carriers:
            carrier["total_area_m2"] = float(round(carrier["total_area_m2"] * 1.02))
    return world


def _roster_row(entity: Entity, period: str) -> dict:
    return {
        "period": period,
        "carrier_id": entity.carrier_id,
        "entity_kind": entity.kind,
        "entity_name": entity.name,
        "uscc": entity.uscc,
        "team_lead": "负责人" + entity.name[:4] if entity.kind == "创业团队" else None,
        "established_date": entity.established,
        "entry_date": entity.entry,
        "status": entity.status,
        "graduation_date": entity.graduation,
        "graduation_basis": "高新技术企业" if entity.graduation else None,
        "exit_date": entity.exit,
        "industry_yz": entity.industry,
        "is_cq_tech_ent": entity.is_cq_tech if entity.kind == "企业" else None,
        "is_tech_sme": entity.is_tech_sme if entity.kind == "企业" else None,
        "is_hnte": entity.is_hnte if entity.kind == "企业" else None,
        "hnte_cert_no": f"GR202450{entity.uscc[8:14]}" if entity.is_hnte else None,
        "hnte_issue_date": dt.date(2024, 11, 19) if entity.is_hnte else None,
        "employees": entity.employees,
        "revenue": round(entity.employees * 12.5, 2),
    }


# ------------------------------------------------------------------------------ files
def _cell(value: object, column_type: str) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if column_type == "int" and isinstance(value, float):
        return int(value)
    return value


def _table(contract: Contract, rows: list[dict]) -> tuple[list[str], list[list[object]]]:
    used = [
        c
        for c in contract.columns
        if c.required or c.expected or any(r.get(c.name) is not None for r in rows)
    ]
    headers = [c.header_with_unit for c in used]
    body = [[_cell(r.get(c.name), c.type) for c in used] for r in rows]
    return headers, body


def write_xlsx(path: Path, sheets: list[tuple[str, Contract, list[dict], str | None]]) -> Path:
    """One workbook, one template per sheet; an optional title row above the header."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    workbook.set_properties(
        {"created": dt.datetime(2026, 1, 1), "author": "yuzhong-incubation demo"}
    )
    bold = workbook.add_format({"bold": True})
    for sheet_name, contract, rows, title in sheets:
        ws = workbook.add_worksheet(sheet_name)
        headers, body = _table(contract, rows)
        top = 0
        if title:
            ws.write_string(0, 0, title, bold)
            ws.write_string(1, 0, "填报单位（盖章）：")
            top = 3
        for j, header in enumerate(headers):
            ws.write_string(top, j, header, bold)
        for i, row in enumerate(body, start=top + 1):
            for j, value in enumerate(row):
                if isinstance(value, (int, float)):
                    ws.write_number(i, j, value)
                elif value != "":
                    ws.write_string(i, j, str(value))
    workbook.close()
    return path


def write_csv(path: Path, contract: Contract, rows: list[dict], encoding: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    headers, body = _table(contract, rows)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(body)
    return path


def write_inbox(
    world: World, inbox: Path, contracts: dict[str, Contract], faults: bool = True
) -> list[Path]:
    """The department files for a world; returns the paths written. With ``faults`` (the
    demo) one file is spoiled and one report is left out; without, every file is valid."""
    reg, rep = contracts["carrier_registry"], contracts["carrier_period_report"]
    ros, rec = contracts["incubatee_roster"], contracts["carrier_recognition"]
    by_unit: dict[str, list[dict]] = {}
    for carrier in world.carriers:
        by_unit.setdefault(carrier["reporting_unit"], []).append(carrier)
    written: list[Path] = []
    for unit, carriers in by_unit.items():
        folder = inbox / unit
        ids = [c["carrier_id"] for c in carriers]
        if unit == "dianchuang_park_mc":
            written.append(write_csv(folder / "载体基本信息.csv", reg, carriers, "gbk"))
        else:
            written.append(
                write_xlsx(folder / "孵化载体基本信息表.xlsx", [("基本信息", reg, carriers, None)])
            )
        for period in world.quarters:
            reports = [world.reports[(cid, period)] for cid in ids]
            roster = [r for cid in ids for r in world.rosters[(cid, period)]]
            title = f"{period[:4]}年第{period[-1]}季度孵化载体运营情况统计表"
            if unit == "health_industry_co":
                late = set(unreported(world)) if faults else set()
                sent = [r for r in reports if (r["carrier_id"], period) not in late]
                written.append(write_csv(folder / f"{period}_运营季报.csv", rep, sent, "utf-8-sig"))
                written.append(
                    write_xlsx(
                        folder / f"{period}_在孵企业名单.xlsx", [("名单", ros, roster, None)]
                    )
                )
            elif faults and unit == "historic_district_mc" and period == world.quarters[-1]:
                written.append(
                    write_xlsx(
                        folder / f"{period}_季报及名单.xlsx",
                        [("季报", rep, reports, title), ("在孵名单", ros, _spoil(roster), None)],
                    )
                )
            else:
                written.append(
                    write_xlsx(
                        folder / f"{period}_季报及名单.xlsx",
                        [("季报", rep, reports, title), ("在孵名单", ros, roster, None)],
                    )
                )
    written.append(
        write_xlsx(
            inbox / "sci_tech_bureau" / "孵化载体认定名单.xlsx",
            [("认定名单", rec, world.recognitions, "渝中区孵化载体认定与荣誉名单")],
        )
    )
    return written


def _spoil(roster: list[dict]) -> list[dict]:
    """The mistakes of the file that must be refused: a wrong check character, a date order,
    an unknown status."""
    rows = [dict(r) for r in roster]
    enterprises = spoiled_rows(rows)
    code = enterprises[0]["uscc"]
    enterprises[0]["uscc"] = code[:-1] + ("1" if code[-1] != "1" else "2")
    enterprises[1]["graduation_date"] = enterprises[1]["entry_date"] - dt.timedelta(days=30)
    enterprises[1]["status"] = "已毕业"
    enterprises[1]["graduation_basis"] = "高新技术企业"
    enterprises[2]["status"] = "孵化中"
    return rows


def spoiled_rows(roster: list[dict]) -> list[dict]:
    """The three rows ``_spoil`` changes: the first three enterprises still 在孵."""
    return [r for r in roster if r["entity_kind"] == "企业" and r["status"] == "在孵"][:3]


def unreported(world: World) -> list[tuple[str, str]]:
    """(carrier, quarter) whose period report the demo leaves out: 重庆国际医疗服务孵化基地
    sends its roster for the last quarter but not yet its report."""
    return [("YZ-FH-0006", world.quarters[-1])]


def refused_files(world: World) -> list[str]:
    """Inbox-relative paths of the files that must be refused."""
    return [f"historic_district_mc/{world.quarters[-1]}_季报及名单.xlsx"]


def generate_demo_inbox(out: Path, settings: Settings | None = None) -> list[Path]:
    settings = settings or Settings.from_env()
    return write_inbox(build_world(scale=3.0), out, load_contracts(settings.contracts_dir))
