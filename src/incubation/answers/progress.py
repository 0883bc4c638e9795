"""The district's progress against the plan, as a plain-text table (what `make demo` prints).

Every figure shows its coverage (``12/14 载体已报送``); one that rests on incomplete reports is
marked with * and explained under the table."""

from __future__ import annotations

from pathlib import Path

import duckdb

QUERY = """
select
    p.scope,
    coalesce(z.zone_name_zh, '全区') as scope_name_zh,
    coalesce(z.zone_order, 0) as scope_order,
    p.indicator,
    p.indicator_name_zh,
    p.display_unit_zh,
    p.display_divisor,
    p.indicator_order,
    max(p.target_value) filter (where p.target_year = 2023) as target_2023,
    max(p.target_value) filter (where p.target_year = 2025) as target_2025,
    max(p.target_max) filter (where p.target_year = 2025) as target_max_2025,
    max(p.actual_value) as actual_value,
    max(p.pct_of_target) filter (where p.target_year = 2025) as pct_2025,
    max(p.as_of_period) as as_of_period,
    bool_or(p.rests_on_incomplete_reports) as incomplete,
    max(p.coverage_zh) as coverage_zh
from core.fct_target_progress as p
left join reference.zones as z on p.scope = z.zone_code
group by all
order by scope_order, indicator_order
"""


MARK = " *"
FOOTNOTE = (
    "* 报送不全：部分应报载体未报送本季度数据，该数值不是全部载体的合计"
    "（面积沿用此前季报或按登记总面积计入；在孵数量只计已报送的，不沿用）。"
)


def fetch_progress(db_path: Path) -> list[dict]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cur = con.execute(QUERY)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


def _num(value, divisor) -> str:
    if value is None:
        return "—"
    shown = value / (divisor or 1)
    return f"{shown:,.2f}" if divisor and divisor != 1 else f"{shown:,.0f}"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def format_progress(rows: list[dict]) -> str:
    """One block per scope (全区 first, then the zones in the plan's order)."""
    if not rows:
        return "暂无进度数据（warehouse is empty）"
    as_of = next((r["as_of_period"] for r in rows if r["as_of_period"]), None)
    header = [
        "指标 indicator",
        "2023目标",
        "2025目标",
        "实际 actual",
        "完成率 % of 2025",
        "报送情况 coverage",
    ]
    widths = [34, 10, 12, 12, 16, 0]
    lines = [f"渝中区孵化载体建设进度 — progress against the plan, as of {as_of or '—'}"]
    scopes: dict[str, list[dict]] = {}
    for row in rows:
        scopes.setdefault(row["scope"], []).append(row)
    for scope, items in scopes.items():
        lines.append("")
        lines.append(f"【{items[0]['scope_name_zh']}】 ({scope})")
        lines.append(
            "  ".join(
                _pad(h, w, i > 0) for i, (h, w) in enumerate(zip(header, widths, strict=True))
            )
        )
        for r in items:
            name = f"{r['indicator_name_zh']}（{r['display_unit_zh']}）"
            target_2025 = _num(r["target_2025"], r["display_divisor"])
            if r["target_max_2025"]:
                target_2025 += "-" + _num(r["target_max_2025"], r["display_divisor"])
            cells = [
                name,
                _num(r["target_2023"], r["display_divisor"]),
                target_2025,
                _num(r["actual_value"], r["display_divisor"]) + (MARK if r["incomplete"] else "  "),
                "—" if r["pct_2025"] is None else f"{r['pct_2025']:.1f}%",
                r["coverage_zh"] or "",
            ]
            lines.append(
                "  ".join(
                    _pad(c, w, i > 0) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
                )
            )
    if any(r["incomplete"] for r in rows):
        lines += ["", FOOTNOTE]
    return "\n".join(lines)
