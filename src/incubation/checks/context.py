"""Building the ``CheckContext`` a file is checked against: the plan's seeds (who may report
which zone), what the warehouse already holds, and the other acceptable files of the night."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from incubation.checks.reference import read_seed
from incubation.checks.rules import (
    LEVEL_RANK,
    SEVERAL,
    Carrier,
    CheckContext,
    _previous_period,
    joined_keys,
)

log = logging.getLogger(__name__)


def reference_context(seeds_dir: Path, today: dt.date) -> CheckContext:
    """Who may submit what (design.md §3): a unit reports carriers in the zones of the
    建设内容 tasks it leads; the coordinator reports everything and alone the recognitions."""
    units = read_seed(seeds_dir, "units")
    names = {u["unit_code"]: u["unit_name_zh"] for u in units}
    coordinator = next(u["unit_code"] for u in units if u["is_coordinator"].lower() == "true")
    task_zones: dict[str, set[str]] = {}
    for row in read_seed(seeds_dir, "plan_task_zones"):
        task_zones.setdefault(row["task_code"], set()).add(row["zone_code"])
    allowed: dict[str, set[str]] = {}
    for row in read_seed(seeds_dir, "plan_task_units"):
        if row["role"] == "lead":
            allowed.setdefault(row["unit_code"], set()).update(
                task_zones.get(row["task_code"], set())
            )
    zones = read_seed(seeds_dir, "zones")
    zone_units = {
        z["zone_code"]: [
            names[coordinator],
            *sorted(
                names[u] for u, zs in allowed.items() if z["zone_code"] in zs and u != coordinator
            ),
        ]
        for z in zones
    }
    return CheckContext(
        today=today,
        coordinator=coordinator,
        allowed_zones=allowed,
        zone_units=zone_units,
        zone_names={z["zone_name_zh"]: z["zone_code"] for z in zones},
    )


def _query(con, sql: str, params=()) -> pd.DataFrame:
    try:
        return con.execute(sql, list(params)).df()
    except duckdb.CatalogException:
        return pd.DataFrame()  # the first night: staging does not exist yet


def add_warehouse(
    ctx: CheckContext, db_path: Path, periods: set[str], read_only: bool = True
) -> None:
    """What earlier nights accepted, for the periods of this batch and the quarter before.
    The nightly run reads its own build database (``read_only=False``: the same process may
    hold dbt's connection to it); `incubation validate` reads the published copy read-only."""
    if not db_path.exists():
        return
    wanted = sorted(periods | {_previous_period(p) for p in periods})
    con = duckdb.connect(str(db_path), read_only=read_only)
    try:
        registry = _query(
            con,
            "select carrier_id, zone, carrier_type, tenant_area_m2 from staging.stg_inbox__carrier_registry",
        )
        reports = _query(
            con,
            "select * from staging.stg_inbox__carrier_period_report where list_contains(?, period)",
            [wanted],
        )
        recognitions = _query(
            con,
            "select carrier_id, level, status, recognized_date, valid_until"
            " from staging.stg_inbox__carrier_recognition",
        )
        roster = _query(
            con,
            "select carrier_id, period, entity_kind, status, uscc, is_cq_tech_ent, graduation_date,"
            " financing_cum from staging.stg_inbox__incubatee_roster where list_contains(?, period)",
            [wanted],
        )
    finally:
        con.close()
    _add_registry(ctx, registry)
    _add_reports(ctx, reports)
    _add_roster(ctx, roster)
    _add_recognitions(ctx, recognitions)


def add_batch(ctx: CheckContext, frames: dict[str, list[pd.DataFrame]]) -> None:
    """Rows of this night's files that passed every row-level check (newer than the
    warehouse), each template's frames in file order."""
    for template, adder in (
        ("carrier_registry", _add_registry),
        ("carrier_period_report", _add_reports),
        ("carrier_recognition", _add_recognitions),
    ):
        if frames.get(template):
            adder(ctx, pd.concat(frames[template], ignore_index=True))
    # file by file: a roster replaces the carrier-quarter's earlier one
    for roster in frames.get("incubatee_roster", []):
        _add_roster(ctx, roster)


def merge_context(ctx: CheckContext, night: CheckContext) -> None:
    """This night's files over what the warehouse holds: the same result as adding the
    night's rows after the warehouse's (newer rows win; in-force levels keep the highest)."""
    ctx.carriers.update(night.carriers)
    ctx.reports.update(night.reports)
    ctx.roster_counts.update(night.roster_counts)
    ctx.financing.update(night.financing)
    # a million keys at S=10: dict operations in C, then the few keys both hold
    active, new = ctx.active_uscc, night.active_uscc
    several = {key: SEVERAL for key in new.keys() & active.keys() if new[key] != active[key]}
    active.update(new)
    active.update(several)
    for carrier_id, level in night.levels.items():
        current = ctx.levels.get(carrier_id)
        if current is None or LEVEL_RANK[level] > LEVEL_RANK[current]:
            ctx.levels[carrier_id] = level


def _add_registry(ctx: CheckContext, registry: pd.DataFrame) -> None:
    for row in registry.to_dict("records"):
        ctx.carriers[row["carrier_id"]] = Carrier(
            carrier_id=row["carrier_id"],
            zone_code=ctx.zone_names.get(row["zone"]),
            carrier_type=row.get("carrier_type"),
            tenant_area_m2=row.get("tenant_area_m2"),
        )


def _add_recognitions(ctx: CheckContext, recognitions: pd.DataFrame) -> None:
    """The highest level of each carrier's recognitions in force today."""
    today = pd.Timestamp(ctx.today)
    for row in recognitions.to_dict("records"):
        until = row.get("valid_until")
        in_force = (
            row.get("status") == "有效"
            and pd.Timestamp(row["recognized_date"]) <= today
            and (_isna(until) or pd.Timestamp(until) >= today)
        )
        level = row.get("level")
        if in_force and level in LEVEL_RANK:
            current = ctx.levels.get(row["carrier_id"])
            if current is None or LEVEL_RANK[level] > LEVEL_RANK[current]:
                ctx.levels[row["carrier_id"]] = level


def _add_reports(ctx: CheckContext, reports: pd.DataFrame) -> None:
    """Each report row as a dict, a missing value as None. Made column by column, each
    column to Python objects in one call (a test per value was a second for 12k rows of 70
    columns; a frame-wide ``where`` and ``to_dict``, half of that)."""
    if reports.empty:  # the first night: no staging to read yet
        return
    names = list(reports.columns)
    columns = [_objects(reports[name]) for name in names]
    at = names.index("carrier_id"), names.index("period")
    for row in zip(*columns, strict=True):
        ctx.reports[(row[at[0]], row[at[1]])] = dict(zip(names, row, strict=True))


def _objects(column: pd.Series) -> np.ndarray:
    """A column's values as Python objects, None where missing (NaN, NA and NaT alike; the
    rules' ``_python_values`` keeps a float column's NaN, as ``to_dict`` does)."""
    values = column.to_numpy(dtype=object, copy=True)  # ours to fill
    values[column.isna().to_numpy()] = None
    return values


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _add_roster(ctx: CheckContext, roster: pd.DataFrame) -> None:
    """A roster's counts per carrier-quarter (replacing what the context held for them), its
    active credit codes per quarter and its financing, by key. On numpy arrays: this runs
    once per file and stack, and the pandas version's fixed cost (4–9 ms a file) was most of
    it (bench/RESULTS.md, session 10)."""
    if roster.empty:
        return
    carrier, period, kind, status, uscc = (
        _objects(roster[name]) for name in ("carrier_id", "period", "entity_kind", "status", "uscc")
    )
    keyed = ~(pd.isna(carrier) | pd.isna(period))
    active = status == "在孵"
    enterprise = kind == "企业"
    graduated = enterprise & (status == "已毕业")
    if graduated.any():  # in the quarter reported: graduated on or after its first day
        rows = np.flatnonzero(graduated)
        starts = [_quarter_start(p) if isinstance(p, str) else None for p in period[rows]]
        when = pd.to_datetime(roster["graduation_date"].iloc[rows]).reset_index(drop=True)
        graduated[rows] = (when >= pd.to_datetime(pd.Series(starts, dtype=object))).to_numpy(
            dtype=bool, na_value=False
        )
    cq_tech = roster["is_cq_tech_ent"].eq(True).to_numpy(dtype=bool, na_value=False)
    flags = {
        "enterprises": active & enterprise,
        "teams": active & (kind == "创业团队"),
        "cq_tech": active & enterprise & cq_tech,
        "graduated": graduated,
    }
    if keyed.any():
        carrier_codes, carriers = pd.factorize(carrier[keyed])
        period_codes, periods = pd.factorize(period[keyed])
        groups, group_of = np.unique(
            carrier_codes * len(periods) + period_codes, return_inverse=True
        )
        sums = {
            name: np.bincount(group_of, weights=flag[keyed], minlength=len(groups)).astype(int)
            for name, flag in flags.items()
        }
        for g, code in enumerate(groups.tolist()):
            key = (carriers[code // len(periods)], periods[code % len(periods)])
            ctx.roster_counts[key] = {name: int(sums[name][g]) for name in flags}
    shared = keyed & active & ~pd.isna(uscc)
    table = ctx.active_uscc
    keys = joined_keys(uscc[shared], period[shared]).tolist()
    for key, carrier_id in zip(keys, carrier[shared].tolist(), strict=True):
        # the key's carrier, or SEVERAL once a second one is seen
        table[key] = carrier_id if table.get(key, carrier_id) == carrier_id else SEVERAL
    financing = _objects(roster["financing_cum"])
    funded = keyed & ~pd.isna(uscc) & ~pd.isna(financing)
    keys = joined_keys(carrier[funded], uscc[funded], period[funded]).tolist()
    ctx.financing.update(zip(keys, map(float, financing[funded]), strict=True))


def _quarter_start(period: str) -> dt.date:
    return dt.date(int(period[:4]), 3 * int(period[-1]) - 2, 1)
