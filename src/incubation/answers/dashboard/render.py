"""The dashboard's pages as HTML: rows from ``queries`` in, page text out.

The numbers are shown as the models give them (display values in 万平方米, 个, 家, already
divided and rounded in SQL); this module only groups rows into tables and chart series and
formats numbers for reading. The charts are specs in the page (``<script id="charts">``),
drawn by ``static/charts.js`` with plotly.js.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).with_name("templates")


def figure(value, unit: str | None = None) -> str:
    """A display value as the plan writes it: 万平方米 with two decimals, counts whole."""
    if value is None:
        return "—"
    if unit == "万平方米":
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["figure"] = figure
    env.filters["percent"] = percent
    return env


def progress_table(rows: list[dict]) -> list[dict]:
    """One line per (scope, indicator): the 2023 and 2025 targets side by side."""
    lines: dict[tuple, dict] = {}
    for r in rows:
        key = (r["scope"], r["indicator"])
        line = lines.setdefault(
            key,
            {
                "scope": r["scope"],
                "scope_name_zh": r["scope_name_zh"],
                "indicator": r["indicator"],
                "indicator_name_zh": r["indicator_name_zh"],
                "unit": r["display_unit_zh"],
                "actual": r["actual_display"],
                "as_of_period": r["as_of_period"],
                "coverage_zh": r["coverage_zh"],
                "incomplete": r["rests_on_incomplete_reports"],
                "targets": {},
            },
        )
        line["targets"][r["target_year"]] = {
            "target": r["target_display"],
            "on_track": r["on_track_display"],
            "pct": r["pct_of_target"],
            "status": r["status"],
            "status_zh": r["status_zh"],
        }
    for line in lines.values():  # a year the plan sets no target for shows as —
        for year in (2023, 2025):
            line["targets"].setdefault(year, dict.fromkeys(NO_TARGET))
    return list(lines.values())


NO_TARGET = ("target", "on_track", "pct", "status", "status_zh")


def trajectory_charts(rows: list[dict], progress: list[dict]) -> list[dict]:
    """One line chart per (scope, indicator): actual against the on-track path to 2025, with
    the 2023 and 2025 targets marked at the end of their years."""
    targets = {(r["scope"], r["indicator"], r["target_year"]): r for r in progress}
    series: dict[tuple, dict] = {}
    for r in rows:
        key = (r["scope"], r["indicator"])
        chart = series.setdefault(
            key,
            {
                "id": f"trajectory-{r['scope']}-{r['indicator']}",
                "kind": "trajectory",
                "scope": r["scope"],
                "title": r["indicator_name_zh"],
                "unit": r["display_unit_zh"],
                "periods": [],
                "actual": [],
                "on_track": [],
                "targets": [],
            },
        )
        chart["periods"].append(r["as_of_period"])
        chart["actual"].append(r["actual_display"])
        chart["on_track"].append(r["on_track_display"])
    for (scope, indicator), chart in series.items():
        for year in (2023, 2025):
            target = targets.get((scope, indicator, year))
            if target and f"{year}Q4" in chart["periods"]:
                chart["targets"].append(
                    {"period": f"{year}Q4", "value": target["target_display"], "year": year}
                )
    return list(series.values())


def pct_chart(table: list[dict], chart_id: str, title: str) -> dict:
    """Bars: % of the 2023 and the 2025 target per indicator."""
    return {
        "id": chart_id,
        "kind": "pct",
        "title": title,
        "labels": [line["indicator_name_zh"] for line in table],
        "series": [
            {
                "name": f"{year}年目标完成率",
                "values": [line["targets"].get(year, {}).get("pct") for line in table],
            }
            for year in (2023, 2025)
        ],
    }


def zone_comparison(rows: list[dict]) -> tuple[list[dict], dict]:
    """The zones side by side: a table line per zone and a chart of % of 2025 targets."""
    by_zone: dict[str, dict] = {}
    indicators: dict[str, str] = {}
    for r in rows:
        if r["scope"] == "district" or r["target_year"] != 2025:
            continue
        zone = by_zone.setdefault(
            r["scope"], {"scope": r["scope"], "name": r["scope_name_zh"], "cells": {}}
        )
        zone["cells"][r["indicator"]] = r
        indicators[r["indicator"]] = r["indicator_name_zh"]
    zones = list(by_zone.values())
    chart = {
        "id": "zones-pct",
        "kind": "pct",
        "title": "各片区2025年目标完成率",
        "labels": [z["name"] for z in zones],
        "series": [
            {"name": name, "values": [z["cells"].get(ind, {}).get("pct_of_target") for z in zones]}
            for ind, name in indicators.items()
        ],
    }
    return zones, chart


def submissions_chart(rows: list[dict]) -> dict:
    return {
        "id": "submissions",
        "kind": "stack",
        "title": "各季度报送文件",
        "labels": [r["received_quarter"] for r in rows],
        "series": [
            {"name": "已接收", "values": [r["files_accepted"] for r in rows]},
            {"name": "已退回", "values": [r["files_refused"] for r in rows]},
            {"name": "重复", "values": [r["files_duplicate"] for r in rows]},
            {"name": "待处理", "values": [r["files_pending"] for r in rows]},
        ],
    }


def charts_json(charts: list[dict]) -> str:
    """The chart specs for ``<script type="application/json">`` (no ``</`` can close it)."""
    return json.dumps(charts, ensure_ascii=False).replace("</", "<\\/")


def group_by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        grouped[r[key]].append(r)
    return dict(grouped)


def render(env: jinja2.Environment, template: str, **context) -> str:
    return env.get_template(template).render(**context)
