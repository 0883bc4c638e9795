"""What the nightly test checks of the dashboard: the site and the outbox pages exist, a
unit's page shows its own carriers only, and every page, opened in a real headless Chromium,
asks nothing of another origin, logs no error, draws every chart, and shows the warehouse's
figures (computed here from the model's stored values, not from its display columns)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb

from tests.browser import ARTIFACTS, Tab, chromium, served

SCREENSHOTS = ARTIFACTS / "dashboard"


def shown(value, divisor) -> str:
    if value is None:
        return "—"
    if divisor != 1:
        return f"{value / divisor:,.2f}"
    return f"{value:,.0f}"


def warehouse_figures(db: Path) -> tuple[dict, dict, dict]:
    """(scope, indicator, figure) -> the text a page must show; (scope, indicator) -> the
    quarters with an actual value; (unit, quarter) -> files received."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        figures = {}
        for scope, ind, year, target, actual, divisor, on_track in con.execute(
            "select scope, indicator, target_year, target_value, actual_value, display_divisor,"
            " on_track_value from core.fct_target_progress"
        ).fetchall():
            figures[(scope, ind, "actual")] = shown(actual, divisor)
            figures[(scope, ind, f"target_{year}")] = shown(target, divisor)
            pct = None if actual is None else round(100 * actual / target, 1)
            figures[(scope, ind, f"pct_{year}")] = "—" if pct is None else f"{pct:.1f}%"
            if year == 2025:
                figures[(scope, ind, "on_track_2025")] = shown(on_track, divisor)
                figures[(scope, ind, "status_2025")] = (
                    "无数据"
                    if actual is None
                    else "已达标"
                    if actual >= target
                    else "按进度"
                    if actual >= on_track
                    else "滞后"
                )
        for scope, ind in {(k[0], k[1]) for k in figures}:  # no target set for that year
            for figure in ("target_2023", "pct_2023", "target_2025", "pct_2025"):
                figures.setdefault((scope, ind, figure), "—")
            figures.setdefault((scope, ind, "on_track_2025"), "—")
            figures.setdefault((scope, ind, "status_2025"), "—")
        quarters = dict(
            con.execute(
                "select scope || '|' || indicator, count(actual_value)"
                " from core.fct_target_progress_quarterly where target_year = 2025 group by all"
            ).fetchall()
        )
        files = {
            (unit, f"{year}Q{quarter}"): n
            for unit, year, quarter, n in con.execute(
                "select unit_code, year(discovered_at), quarter(discovered_at), count(*)"
                " from audit.file_ledger group by all"
            ).fetchall()
        }
    finally:
        con.close()
    return figures, quarters, files


def check_unit_page_isolation(settings, unit: str, own: set[str], everyone: set[str]) -> None:
    """The unit's page in its outbox names its own carriers, and no other unit's."""
    (page,) = (settings.outbox / unit).glob("进度看板_*.html")
    html = page.read_text("utf-8")
    listed = set(re.findall(r'data-carrier="([^"]+)"', html))
    assert listed and listed <= own, listed - own
    assert not [cid for cid in everyone - own if cid in html]
    assert (settings.outbox / unit / "assets" / "plotly.min.js").stat().st_size > 1_000_000


def check_pages(settings, unit_page_of: str) -> list[Path]:
    """Every page of the site, and one unit's outbox page, in Chromium; the screenshots."""
    site = settings.dashboard
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert "index.html" in pages and any(p.startswith("zones/") for p in pages)
    assert any(p.startswith("units/") for p in pages)
    figures, quarters, files = warehouse_figures(settings.warehouse_db)
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    shots = []
    with chromium() as browser:
        tab = Tab(browser)
        with served(site) as origin:
            for page in pages:
                shot = SCREENSHOTS / (page.replace("/", "__").removesuffix(".html") + ".png")
                found = tab.visit(f"{origin}/{page}", shot)
                unit = page.removeprefix("units/").removesuffix(".html")
                check_visit(
                    found, figures, quarters, files, unit if page.startswith("units/") else None
                )
                shots.append(shot)
        (outbox_page,) = (settings.outbox / unit_page_of).glob("进度看板_*.html")
        with served(outbox_page.parent) as origin:
            shot = SCREENSHOTS / f"outbox__{unit_page_of}.png"
            found = tab.visit(f"{origin}/{outbox_page.name}", shot)
            assert check_visit(found, figures, quarters, files, unit_page_of)
            shots.append(shot)
    return shots


def check_visit(found, figures: dict, quarters: dict, files: dict, unit: str | None) -> int:
    """The page's checks; the number of charts and figures checked (a unit without progress
    or files has a page that says so, with neither)."""
    assert not found.outside, (found.url, found.outside)
    assert not found.errors, (found.url, found.errors)
    if not found.marks:
        assert "暂无进度数据" in found.text and "尚未报送文件" in found.text, found.url
    for chart_id, marks in found.marks.items():
        assert marks["svg"] >= 1, (found.url, chart_id)
        if marks["kind"] == "trajectory":
            scope, indicator = chart_id.removeprefix("trajectory-").split("-", 1)
            assert marks["actual"] == quarters[f"{scope}|{indicator}"], (found.url, chart_id)
            assert marks["lines"] >= 2, (found.url, chart_id)  # actual and the on-track path
        else:
            assert marks["bars"] >= 1, (found.url, chart_id, marks)
    checked = 0
    for key, figure, text in found.cells:
        if figure.startswith("files"):  # a unit's files per quarter of receipt
            if figure == "files":
                assert text == f"{files[(unit, key)]:,}", (found.url, key, text)
                checked += 1
            continue
        scope, indicator = key.split("|")
        want = figures[(scope, indicator, figure)]
        assert text.removesuffix("※") == want, (found.url, scope, indicator, figure, text)
        checked += 1
    return len(found.marks) + checked


def check_docs_offline(gx_site: Path, dbt_target: Path) -> None:
    """The night's GX Data Docs (every page) and the dbt docs in Chromium: nothing asked of
    another origin, no error, GX's tables drawn without their CDN library."""
    pages = sorted(p.relative_to(gx_site).as_posix() for p in gx_site.rglob("*.html"))
    assert "index.html" in pages and any(p.startswith("validations/") for p in pages)
    with chromium() as browser:
        tab = Tab(browser)
        with served(gx_site) as origin:
            for page in pages:
                shot = SCREENSHOTS / "gx-docs" / "index.png" if page == "index.html" else None
                found = tab.visit(f"{origin}/{page}", shot)
                assert not found.outside, (page, found.outside)
                assert not found.errors, (page, found.errors)
            tab.visit(f"{origin}/index.html")
            rows = tab.page.eval_on_selector_all("table.ge-offline-table tbody tr", "r => r.length")
            assert rows >= 2  # the validation results and the suites
        with served(dbt_target) as origin:
            found = tab.visit(f"{origin}/index.html", SCREENSHOTS / "dbt-docs.png")
            assert not found.outside, found.outside
            # dbt's page asks its own origin for two icons through templates not yet filled
            # in, and for a favicon by a placeholder: dbt's 404s, no request elsewhere
            assert all("404" in error for error in found.errors), found.errors
            tab.page.wait_for_selector("text=fct_target_progress", state="attached")
            # the same docs in one file, manifest and catalog inside, to open without a server
            found = tab.visit(f"{origin}/static_index.html")
            assert not found.outside, found.outside
            tab.page.wait_for_selector("text=fct_target_progress", state="attached")
