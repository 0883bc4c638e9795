"""What the dashboard's pages show, read from the warehouse models as they are.

Every figure on a page is a column of a dbt model: the progress and its display values
(``fct_target_progress``, ``fct_target_progress_quarterly``), the carriers
(``fct_carrier_latest``), who has not reported (``fct_missing_reports``) and, for a unit,
the tables of its export (``exports/<unit>/<unit>.duckdb``: its mart and nothing else).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# the columns a progress table and a trajectory chart show, in every source alike
PROGRESS_COLUMNS = """
    scope, scope_name_zh, scope_order, indicator, indicator_name_zh, display_unit_zh,
    indicator_order, target_year, target_display, actual_display, on_track_display,
    pct_of_target, status, status_zh, as_of_period, coverage_zh, rests_on_incomplete_reports
"""
TRAJECTORY_COLUMNS = """
    scope, indicator, indicator_name_zh, display_unit_zh, indicator_order, as_of_period,
    actual_display, on_track_display, target_display
"""
CARRIER_COLUMNS = """
    carrier_id, carrier_name, carrier_type, zone_code, recognized_level, latest_period,
    area_m2_eop, incubatees_eop, teams_eop, tech_ent_cultivated_cum, reported_as_of_period
"""


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def open_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db_path), read_only=True)


# --- the warehouse: the district and its zones ------------------------------------------
def scopes(con) -> list[dict]:
    """全区 first, then the zones in the plan's order."""
    return _records(
        con,
        "select distinct scope, scope_name_zh, scope_order from core.fct_target_progress"
        " order by scope_order",
    )


def units(con) -> list[dict]:
    return _records(
        con,
        "select unit_code, unit_name_zh, is_coordinator from core.dim_unit"
        " order by not is_coordinator, unit_code",
    )


def progress(con, scope: str | None = None) -> list[dict]:
    """Progress as of the latest quarter: of one scope, or of every scope."""
    where = "where scope = ?" if scope else ""
    return _records(
        con,
        f"select {PROGRESS_COLUMNS} from core.fct_target_progress {where}"
        " order by scope_order, indicator_order, target_year",
        [scope] if scope else [],
    )


def trajectory(con, scope: str) -> list[dict]:
    """The scope's quarters on the way to the 2025 targets."""
    return _records(
        con,
        f"select {TRAJECTORY_COLUMNS} from core.fct_target_progress_quarterly"
        " where scope = ? and target_year = 2025 order by indicator_order, as_of_period",
        [scope],
    )


def zone_carriers(con, zone: str) -> list[dict]:
    return _records(
        con,
        f"select {CARRIER_COLUMNS} from core.fct_carrier_latest where zone_code = ?"
        " order by carrier_id",
        [zone],
    )


def zone_missing(con, zone: str) -> list[dict]:
    """The zone's carriers without an accepted report for the latest quarter."""
    return _records(
        con,
        "select carrier_id, carrier_name, period from core.fct_missing_reports"
        " where zone_code = ? and is_latest_quarter order by carrier_id",
        [zone],
    )


# --- a unit's export: that unit's mart and nothing else ---------------------------------
def unit_view(export_db: Path) -> dict:
    """Everything a unit's page shows, from the unit's own export file."""
    con = open_read_only(export_db)
    try:
        return {
            "tasks": _records(
                con, "select task_code, title_zh, role_zh from tasks order by role, task_code"
            ),
            "progress": _records(
                con,
                f"select {PROGRESS_COLUMNS} from progress"
                " order by scope_order, indicator_order, target_year",
            ),
            "trajectory": _records(
                con,
                f"select {TRAJECTORY_COLUMNS}, scope_order from trajectory"
                " where target_year = 2025 order by scope_order, indicator_order, as_of_period",
            ),
            "submissions": _records(
                con, "select * from submissions_quarterly order by received_quarter"
            ),
            "carriers": _records(
                con,
                f"select {CARRIER_COLUMNS} from carriers_latest order by zone_code, carrier_id",
            ),
            "missing": _records(
                con,
                "select carrier_id, carrier_name, zone_code, period from missing_reports"
                " order by zone_code, carrier_id",
            ),
        }
    finally:
        con.close()
