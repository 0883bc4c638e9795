"""Progress workbooks for the responsible units, with native Excel charts.

For every unit with a mart: ``outbox/<unit>/进度报告_<as_of>.xlsx`` — progress against the
2023 and 2025 targets (a bar chart per scope), the quarterly trend against the on-track path
(a line chart per indicator), and a table of its carriers' latest figures. Every progress row
says how many of the scope's carriers reported the figure (``12/14 载体已报送``), and a figure
that rests on incomplete reports is marked ※ with a note under the table. The coordinator's
workbook covers the whole district (``全区进度报告``). Cells are written as text or numbers,
never as formulas, whatever a carrier's name begins with.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from incubation.settings import Settings

PROGRESS_SQL = """
select p.scope, coalesce(z.zone_name_zh, '全区') as scope_zh, p.indicator, p.indicator_name_zh,
       p.display_unit_zh, p.display_divisor, p.target_year, p.target_value, p.actual_value,
       p.on_track_value, p.pct_of_target, p.as_of_period, p.coverage_zh,
       p.rests_on_incomplete_reports
from mart_{unit}.progress p left join reference.zones z on p.scope = z.zone_code
order by coalesce(z.zone_order, 0), p.indicator, p.target_year
"""
TREND_SQL = """
select q.scope, q.indicator, q.indicator_name_zh, q.display_divisor, q.as_of_period,
       q.actual_value, q.on_track_value
from core.fct_target_progress_quarterly q
where q.target_year = 2025 and q.scope in (select distinct scope from mart_{unit}.progress)
  and q.as_of_period >= '2021Q1'
order by q.scope, q.indicator, q.as_of_period
"""
INCOMPLETE_MARK = "※"
INCOMPLETE_NOTE = (
    "※ 报送不全：部分应报载体未报送该季度数据，该数值不是全部载体的合计"
    "（面积沿用此前季报或按登记总面积计入；在孵数量只计已报送的，不沿用）。"
)
CARRIERS_SQL = (
    "select * exclude (incubatee_revenue) from mart_{unit}.carriers_latest order by carrier_id"
)


def _rows(con, sql: str) -> tuple[list[str], list[tuple]]:
    cur = con.cursor()
    cur.execute(sql)
    return [d[0] for d in cur.description], cur.fetchall()


def write_unit_report(con, unit: str, unit_name: str, folder: Path, district: bool) -> Path | None:
    import xlsxwriter

    cols, progress = _rows(con, PROGRESS_SQL.format(unit=unit))
    if not progress:
        return None
    p = [dict(zip(cols, r, strict=True)) for r in progress]
    as_of = p[0]["as_of_period"] or "无数据"
    folder.mkdir(parents=True, exist_ok=True)
    name = "全区进度报告" if district else "进度报告"
    path = folder / f"{name}_{as_of}.xlsx"
    tmp = path.with_suffix(".xlsx.tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
    bold = wb.add_format({"bold": True})
    pct = wb.add_format({"num_format": "0.0"})
    ws = wb.add_worksheet("进度")
    ws.write_string(0, 0, f"{unit_name} 孵化载体建设进度（截至 {as_of}）", bold)
    header = [
        "范围",
        "指标",
        "单位",
        "目标年份",
        "目标值",
        "实际值",
        "进度线",
        "完成率%",
        "报送情况",
        "报送不全",
    ]
    for j, h in enumerate(header):
        ws.write_string(2, j, h, bold)
    row = 3
    blocks: dict[str, tuple[int, int]] = {}
    for r in p:
        div = r["display_divisor"] or 1
        cells = [
            r["scope_zh"],
            r["indicator_name_zh"],
            r["display_unit_zh"],
            r["target_year"],
            r["target_value"] / div,
            None if r["actual_value"] is None else r["actual_value"] / div,
            None if r["on_track_value"] is None else r["on_track_value"] / div,
            r["pct_of_target"],
            r["coverage_zh"],
            INCOMPLETE_MARK if r["rests_on_incomplete_reports"] else None,
        ]
        for j, v in enumerate(cells):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(row, j, v)
            else:
                ws.write_number(row, j, v, pct if j == 7 else None)
        first, _ = blocks.get(r["scope_zh"], (row, row))
        blocks[r["scope_zh"]] = (first, row)
        row += 1
    if any(r["rests_on_incomplete_reports"] for r in p):
        ws.write_string(row + 1, 0, INCOMPLETE_NOTE)
    ws.set_column(0, 1, 24)
    ws.set_column(8, 8, 40)
    chart_row = 3
    for scope, (first, last) in blocks.items():
        chart = wb.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": "目标值",
                "categories": ["进度", first, 1, last, 1],
                "values": ["进度", first, 4, last, 4],
            }
        )
        chart.add_series(
            {
                "name": "实际值",
                "categories": ["进度", first, 1, last, 1],
                "values": ["进度", first, 5, last, 5],
            }
        )
        chart.set_title({"name": f"{scope}：目标与实际"})
        ws.insert_chart(chart_row, 11, chart, {"x_scale": 1.3, "y_scale": 1.0})
        chart_row += 16
    # the quarterly trend against the on-track path
    cols, trend = _rows(con, TREND_SQL.format(unit=unit))
    ts = wb.add_worksheet("趋势")
    for j, h in enumerate(["范围", "指标", "季度", "实际值", "进度线"]):
        ts.write_string(0, j, h, bold)
    series: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate((dict(zip(cols, t, strict=True)) for t in trend), start=1):
        div = r["display_divisor"] or 1
        ts.write_string(i, 0, r["scope"])
        ts.write_string(i, 1, r["indicator_name_zh"])
        ts.write_string(i, 2, r["as_of_period"])
        if r["actual_value"] is not None:
            ts.write_number(i, 3, r["actual_value"] / div)
        if r["on_track_value"] is not None:
            ts.write_number(i, 4, r["on_track_value"] / div)
        series.setdefault((r["scope"], r["indicator_name_zh"]), []).append(i)
    chart_row = 1
    for (scope, indicator), rows in series.items():
        chart = wb.add_chart({"type": "line"})
        for col, label in ((3, "实际值"), (4, "进度线")):
            chart.add_series(
                {
                    "name": label,
                    "categories": ["趋势", rows[0], 2, rows[-1], 2],
                    "values": ["趋势", rows[0], col, rows[-1], col],
                }
            )
        chart.set_title({"name": f"{scope} {indicator}"})
        ts.insert_chart(chart_row, 7, chart)
        chart_row += 16
    # the unit's carriers
    cols, carriers = _rows(con, CARRIERS_SQL.format(unit=unit))
    cs = wb.add_worksheet("载体")
    for j, h in enumerate(cols):
        cs.write_string(0, j, h, bold)
    for i, r in enumerate(carriers, start=1):
        for j, v in enumerate(r):
            if v is None:
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                cs.write_number(i, j, v)
            else:
                cs.write_string(i, j, str(v))
    wb.close()
    tmp.replace(path)
    return path


def write_all_unit_reports(settings: Settings) -> dict[str, str]:
    """A progress workbook for every unit whose mart has progress rows."""
    con = duckdb.connect(str(settings.warehouse_db), read_only=True)
    try:
        units = con.execute(
            "select unit_code, unit_name_zh, is_coordinator from core.dim_unit order by 1"
        ).fetchall()
        written = {}
        for unit, name, coordinator in units:
            path = write_unit_report(con, unit, name, settings.outbox / unit, bool(coordinator))
            if path:
                written[unit] = str(path)
        return written
    finally:
        con.close()
