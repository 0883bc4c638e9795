"""Writing the dashboard: the site under the data home and each unit's page in its outbox.

``build_site`` makes ``<data home>/dashboard/`` from the published warehouse: ``index.html``
(全区: every plan indicator against its 2023 and 2025 targets, the zones side by side, the
quarterly trajectories), ``zones/<zone>.html`` (its progress, its carriers' latest figures,
who has not reported) and ``units/<unit>.html`` (the unit's tasks, its scopes' progress, its
files per quarter). The site is built beside the old one and swapped in, so the Airflow UI
never serves half of it. ``write_unit_pages`` puts each unit's page into its outbox with
the page's scripts beside it: made from the unit's export alone, it cannot show another
unit's carrier.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

from incubation.answers.dashboard import queries, render
from incubation.settings import Settings

STATIC = Path(__file__).with_name("static")
UNIT_PAGE = "进度看板"


def plotly_js() -> Path:
    """plotly.js as the pinned ``plotly`` package ships it (found without importing it)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise RuntimeError("the plotly package is not installed: it ships the dashboard's charts")
    return Path(spec.origin).parent / "package_data" / "plotly.min.js"


def _same(a: Path, b: Path) -> bool:
    if not b.exists() or a.stat().st_size != b.stat().st_size:
        return False
    return hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def copy_assets(folder: Path) -> None:
    """The pages' script and styles into ``folder`` (left as they are when unchanged)."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in (plotly_js(), *sorted(STATIC.iterdir())):
        target = folder / source.name
        if not _same(source, target):
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)
    return path


def _scope_page(env, con, scope: dict, nav: dict, all_progress: list[dict]) -> str:
    code = scope["scope"]
    rows = [r for r in all_progress if r["scope"] == code]
    table = render.progress_table(rows)
    charts = [render.pct_chart(table, f"pct-{code}", f"{scope['scope_name_zh']}目标完成率")]
    charts += render.trajectory_charts(queries.trajectory(con, code), rows)
    context = {
        "title": scope["scope_name_zh"],
        "nav": nav,
        "assets": nav["assets"],
        "as_of": rows[0]["as_of_period"] if rows else None,
        "table": table,
        "charts": charts,
        "charts_json": render.charts_json(charts),
        "zones": None,
        "carriers": None,
        "missing": None,
    }
    if code == "district":
        zones, zone_chart = render.zone_comparison(all_progress)
        context["zones"] = zones
        context["zone_indicators"] = [
            line for line in table if any(line["indicator"] in z["cells"] for z in zones)
        ]
        charts.insert(1, zone_chart)
        context["charts_json"] = render.charts_json(charts)
    else:
        context["carriers"] = queries.zone_carriers(con, code)
        context["missing"] = queries.zone_missing(con, code)
    return render.render(env, "scope.html.j2", **context)


def unit_page(env, export_db: Path, unit: dict, nav: dict | None, assets: str) -> tuple[str, str]:
    """A unit's page from its export alone (``nav`` is None for the outbox copy), and the
    quarter it is as of."""
    view = queries.unit_view(export_db)
    as_of = view["progress"][0]["as_of_period"] if view["progress"] else None
    table = render.progress_table(view["progress"])
    charts = []
    if view["submissions"]:
        charts.append(render.submissions_chart(view["submissions"]))
    for scope, rows in render.group_by(view["trajectory"], "scope").items():
        scope_progress = [r for r in view["progress"] if r["scope"] == scope]
        charts += render.trajectory_charts(rows, scope_progress)
    page = render.render(
        env,
        "unit.html.j2",
        title=unit["unit_name_zh"],
        unit=unit,
        nav=nav,
        assets=assets,
        as_of=as_of,
        tasks=view["tasks"],
        table=table,
        scopes=render.group_by(table, "scope_name_zh"),
        submissions=view["submissions"],
        carriers=view["carriers"],
        missing=view["missing"],
        charts=charts,
        charts_json=render.charts_json(charts),
    )
    return page, as_of or "无数据"


def _export(settings: Settings, unit_code: str) -> Path:
    return settings.exports / unit_code / f"{unit_code}.duckdb"


def build_site(settings: Settings) -> dict:
    """The whole site from the published warehouse and the unit exports, swapped in."""
    env = render.environment()
    site = settings.dashboard
    staging = site.with_name(f".{site.name}.{os.getpid()}.new")
    shutil.rmtree(staging, ignore_errors=True)
    copy_assets(staging / "assets")
    con = queries.open_read_only(settings.warehouse_db)
    try:
        scopes = queries.scopes(con)
        units = queries.units(con)
        all_progress = queries.progress(con)
        pages = 0
        for scope in scopes:
            depth = "" if scope["scope"] == "district" else "../"
            nav = {"scopes": scopes, "units": units, "root": depth, "assets": f"{depth}assets/"}
            path = "index.html" if scope["scope"] == "district" else f"zones/{scope['scope']}.html"
            _write(staging / path, _scope_page(env, con, scope, nav, all_progress))
            pages += 1
    finally:
        con.close()
    nav = {"scopes": scopes, "units": units, "root": "../", "assets": "../assets/"}
    for unit in units:
        export = _export(settings, unit["unit_code"])
        if export.exists():
            page, _ = unit_page(env, export, unit, nav, "../assets/")
            _write(staging / "units" / f"{unit['unit_code']}.html", page)
            pages += 1
    old = site.with_name(f".{site.name}.{os.getpid()}.old")
    if site.exists():
        os.replace(site, old)
    os.replace(staging, site)
    shutil.rmtree(old, ignore_errors=True)
    return {"dashboard": str(site / "index.html"), "pages": pages}


def write_unit_pages(settings: Settings) -> dict[str, str]:
    """``outbox/<unit>/进度看板_<quarter>.html`` for every unit with an export, its scripts in
    ``outbox/<unit>/assets/``."""
    env = render.environment()
    con = queries.open_read_only(settings.warehouse_db)
    try:
        units = queries.units(con)
    finally:
        con.close()
    written = {}
    for unit in units:
        export = _export(settings, unit["unit_code"])
        if not export.exists():
            continue
        folder = settings.outbox / unit["unit_code"]
        copy_assets(folder / "assets")
        page, as_of = unit_page(env, export, unit, None, "assets/")
        written[unit["unit_code"]] = str(_write(folder / f"{UNIT_PAGE}_{as_of}.html", page))
    return written
