"""The dashboard's parts that need no warehouse: number formats, grouping, the chart specs,
and which file a request to the Airflow UI's pages may get."""

import json
import os

import pytest

from incubation.answers.dashboard import render, serving
from incubation.settings import Settings


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (25.3, "万平方米", "25.30"),
        (1234.567, "万平方米", "1,234.57"),
        (1500.0, "个", "1,500"),
        (0.0, "家", "0"),
        (None, "个", "—"),
    ],
)
def test_figures_are_written_as_the_plan_writes_them(value, unit, shown):
    assert render.figure(value, unit) == shown


def test_percent_has_one_decimal():
    assert render.percent(83.26) == "83.3%"
    assert render.percent(100.0) == "100.0%"
    assert render.percent(None) == "—"


def row(scope, indicator, year, **values):
    base = {
        "scope": scope,
        "scope_name_zh": "全区" if scope == "district" else scope,
        "scope_order": 0,
        "indicator": indicator,
        "indicator_name_zh": indicator,
        "display_unit_zh": "个",
        "indicator_order": 1,
        "target_year": year,
        "target_display": 100.0 * (year - 2022),
        "actual_display": 150.0,
        "on_track_display": 120.0,
        "pct_of_target": 50.0,
        "status": "on_track",
        "status_zh": "按进度",
        "as_of_period": "2025Q4",
        "coverage_zh": "3/4 载体已报送",
        "rests_on_incomplete_reports": True,
    }
    return base | values


def test_a_progress_line_holds_both_targets_of_an_indicator():
    rows = [row("district", "a", 2023), row("district", "a", 2025), row("hq", "a", 2025)]
    table = render.progress_table(rows)
    assert [line["scope"] for line in table] == ["district", "hq"]
    assert table[0]["targets"][2023]["target"] == 100.0
    assert table[0]["targets"][2025]["target"] == 300.0
    # a year without a target shows as empty, not as an error
    assert table[1]["targets"][2023] == dict.fromkeys(render.NO_TARGET)
    assert table[1]["targets"][2025]["status_zh"] == "按进度"


def test_a_trajectory_marks_the_targets_in_the_last_quarter_of_their_years():
    progress = [row("district", "a", 2023), row("district", "a", 2025)]
    quarters = ["2023Q3", "2023Q4", "2025Q4"]
    trajectory = [
        {"scope": "district", "indicator": "a", "indicator_name_zh": "甲", "display_unit_zh": "个",
         "as_of_period": q, "actual_display": a, "on_track_display": 1.0}
        for q, a in zip(quarters, [1.0, None, 3.0], strict=True)
    ]  # fmt: skip
    (chart,) = render.trajectory_charts(trajectory, progress)
    assert chart["periods"] == quarters and chart["actual"] == [1.0, None, 3.0]
    assert [(t["period"], t["value"]) for t in chart["targets"]] == [
        ("2023Q4", 100.0),
        ("2025Q4", 300.0),
    ]


def test_chart_specs_cannot_close_their_script_element():
    text = render.charts_json([{"title": "</script><script>alert(1)</script>"}])
    assert "</" not in text
    assert json.loads(text)[0]["title"].startswith("</script>")


def test_a_carrier_name_is_escaped_in_the_page():
    env = render.environment()
    html = env.from_string(
        '{% from "_macros.html.j2" import missing_list %}{{ missing_list(m) }}'
    ).render(m=[{"carrier_id": "YZ-1", "carrier_name": "<img src=x onerror=alert(1)>", "period": "2025Q4"}])  # fmt: skip
    assert "<img" not in html and "&lt;img" in html


@pytest.fixture
def sites(tmp_path):
    settings = Settings(home=tmp_path)
    (settings.dashboard / "zones").mkdir(parents=True)
    (settings.dashboard / "index.html").write_text("district")
    (settings.dashboard / "zones" / "hq.html").write_text("zone")
    settings.dbt_target.mkdir(parents=True)
    for name in ("index.html", "manifest.json", "run_results.json"):
        (settings.dbt_target / name).write_text(name)
    for run, stamp in (("old", 1_000_000), ("new", 2_000_000)):
        folder = tmp_path / "docs" / "gx" / run
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(run)
        os.utime(folder / "index.html", (stamp, stamp))
    (tmp_path / "secret.txt").write_text("secret")
    return settings


def test_a_request_gets_a_file_of_its_site(sites):
    assert serving.resolve(sites, "dashboard", "").read_text() == "district"
    assert serving.resolve(sites, "dashboard", "zones/hq.html").read_text() == "zone"
    assert serving.resolve(sites, "dbt-docs", "manifest.json").read_text() == "manifest.json"
    assert serving.resolve(sites, "gx-docs", "index.html").read_text() == "new"  # the latest run


@pytest.mark.parametrize(
    ("site", "path"),
    [
        ("dashboard", "../secret.txt"),
        ("dashboard", "zones/../../secret.txt"),
        ("dashboard", "/etc/passwd"),
        ("dashboard", "missing.html"),
        ("dbt-docs", "run_results.json"),  # dbt's target holds more than the docs
        ("elsewhere", "index.html"),
    ],
)
def test_nothing_outside_a_site_is_served(sites, site, path):
    assert serving.resolve(sites, site, path) is None


def test_no_site_yet_serves_nothing(tmp_path):
    assert serving.resolve(Settings(home=tmp_path), "gx-docs", "") is None
    assert serving.resolve(Settings(home=tmp_path), "dashboard", "") is None
