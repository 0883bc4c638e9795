"""The rules that need more than one row of one file, as SQL in DuckDB.

The night's rows through the first pass (every file's, as frames or as the parquet files the
first pass wrote), what the build database's staging already holds and the plan's seeds (who
may report which zone) are views of one DuckDB connection; each query of
``context_rules/*.sql`` returns the problem rows of one rule or a group of them (see
``context_rules/README.md``). Rows of files that failed the first pass are checked but are
not context for the others, as before."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.resources import files as package_files
from pathlib import Path

import duckdb
import pandas as pd

from incubation.checks.problems import Problem
from incubation.checks.rules import CONTEXT, RULES, CheckContext, Rule, rules_for

log = logging.getLogger(__name__)

REG, REP, ROS, REC = (
    "carrier_registry",
    "carrier_period_report",
    "incubatee_roster",
    "carrier_recognition",
)

# what the context views keep of each template: the column and its type (staging's and the
# night's rows alike)
CONTEXT_COLUMNS: dict[str, dict[str, str]] = {
    REG: {
        "carrier_id": "varchar",
        "zone": "varchar",
        "carrier_type": "varchar",
        "tenant_area_m2": "double",
    },
    REP: {
        "carrier_id": "varchar",
        "period": "varchar",
        "area_m2_eop": "double",
        "graduates_cum": "double",
        "tech_ent_cultivated_cum": "double",
        "incubatees_eop": "double",
    },
    ROS: {
        "carrier_id": "varchar",
        "period": "varchar",
        "entity_kind": "varchar",
        "status": "varchar",
        "uscc": "varchar",
        "is_cq_tech_ent": "boolean",
        "graduation_date": "date",
        "financing_cum": "double",
    },
    REC: {
        "carrier_id": "varchar",
        "level": "varchar",
        "status": "varchar",
        "recognized_date": "date",
        "valid_until": "date",
    },
}
CONTEXT_VIEWS = {REG: "ctx_registry", REP: "ctx_reports", ROS: "ctx_roster", REC: "ctx_recognition"}
STAGING = {t: f"staging.stg_inbox__{t}" for t in CONTEXT_VIEWS}

# a period that is not YYYYQn (its file has an error already) has no quarter before and no
# start: null, never an error for the whole night's query
MACROS = """
create or replace temp macro quarter_of(p) as
    case when regexp_full_match(p, '[0-9]{4}Q[1-4]') then cast(right(p, 1) as integer) end;
create or replace temp macro previous_period(p) as
    case when quarter_of(p) = 1 then cast(cast(left(p, 4) as integer) - 1 as varchar) || 'Q4'
         when quarter_of(p) > 1 then left(p, 5) || cast(quarter_of(p) - 1 as varchar) end;
create or replace temp macro quarter_start(p) as
    case when quarter_of(p) is not null
         then make_date(cast(left(p, 4) as integer), 3 * quarter_of(p) - 2, 1) end;
"""


def query_text(name: str) -> str:
    return (
        package_files("incubation.checks.context_rules").joinpath(f"{name}.sql").read_text("utf-8")
    )


@dataclass
class NightRows:
    """The night's rows through the first pass: per template, each file's rows (a frame, or
    the parquet file holding them with ``file_index`` and ``pos``), the file's unit and its
    headers, and which files passed the first pass without an error."""

    rows: dict[str, dict[int, pd.DataFrame | Path]]
    units: dict[int, str]
    headers: dict[int, dict[tuple[str, str], str]]
    clean: set[int]


def context_problems(
    night: NightRows,
    reference: CheckContext,
    db_path: Path | None = None,
    read_only: bool = True,
) -> dict[int, list[Problem]]:
    """The context rules' problems of each file, in the order of ``RULES``, then of the rows.
    The nightly run reads its own build database (``read_only=False``: the same process may
    hold dbt's connection to it); `incubation validate` reads the published copy read-only."""
    if not any(night.rows.values()):
        return {}
    if db_path is not None and Path(db_path).exists():
        con = duckdb.connect(str(db_path), read_only=read_only)
    else:
        con = duckdb.connect()
    try:
        found = _run(con, night, reference)
    finally:
        con.close()
    return _problems(found, night, reference)


def _run(con, night: NightRows, reference: CheckContext) -> list[tuple]:
    con.execute(MACROS)
    _seed_views(con, night, reference)
    templates = [t for t in CONTEXT_VIEWS if night.rows.get(t)]
    for template in templates:
        _night_view(con, template, night.rows[template])
    for template, view in CONTEXT_VIEWS.items():
        _context_view(con, template, view, template in templates)
    con.execute(
        """create or replace temp view carriers as
           select r.carrier_id, z.zone_code, r.carrier_type, r.tenant_area_m2
           from ctx_registry as r left join zone_names as z on z.zone_name = r.zone
           where r.carrier_id is not null
           qualify row_number() over (partition by r.carrier_id order by src desc, pos desc) = 1"""
    )
    found = []
    for template in templates:
        con.execute(
            f"""create or replace temp view checked as
                select n.*, f.unit_code from night_{template} as n join files as f using (file_index)"""
        )
        for name, rule_id in queries(template):
            text = query_text(name)
            values = {"today": reference.today, "rule_id": rule_id}
            params = {k: v for k, v in values.items() if f"${k}" in text}
            found += con.execute(text, params).fetchall()
    return found


def queries(template: str) -> list[tuple[str, str | None]]:
    """The template's context queries, once each, in the order of its rules: ``(name,
    rule id)``, the rule id for a query shared by templates (it reads ``$rule_id``)."""
    found: list[tuple[str, str | None]] = []
    for rule in rules_for(template, CONTEXT):
        key = (rule.query, rule.id if "$rule_id" in query_text(rule.query) else None)
        if key not in found:
            found.append(key)
    return found


def _seed_views(con, night: NightRows, reference: CheckContext) -> None:
    tables = {
        "zone_names": pd.DataFrame(
            list(reference.zone_names.items()), columns=["zone_name", "zone_code"], dtype=object
        ),
        "allowed": pd.DataFrame(
            [(u, z) for u, zs in reference.allowed_zones.items() for z in sorted(zs)],
            columns=["unit_code", "zone_code"],
            dtype=object,
        ),
        "coordinator": pd.DataFrame({"unit_code": [reference.coordinator]}, dtype=object),
        "levels": pd.DataFrame(
            {
                "level": reference.recognition_levels,
                "rank": range(len(reference.recognition_levels)),
            }
        ).astype({"level": object, "rank": "int64"}),
        "files": pd.DataFrame(
            {"file_index": list(night.units), "unit_code": list(night.units.values())}
        ).astype({"file_index": "int64", "unit_code": object}),
        "clean": pd.DataFrame({"file_index": sorted(night.clean)}, dtype="int64"),
    }
    for name, frame in tables.items():
        con.register(f"{name}_frame", frame)
        con.execute(
            f"create or replace temp table {name} as select * from {name}_frame"
        )  # typed once (an empty frame's object column reads as varchar)
        con.unregister(f"{name}_frame")


def _night_view(con, template: str, rows: dict[int, pd.DataFrame | Path]) -> None:
    """``night_<template>``: every file's rows of it, with ``file_index`` and ``pos``."""
    parts, paths = [], []
    for i, source in sorted(rows.items()):
        if isinstance(source, pd.DataFrame):
            name = f"night_{template}_{i}"
            con.register(name, source.assign(file_index=i, pos=range(len(source))))
            parts.append(f"select * from {name}")
        else:
            paths.append(str(source))
    if paths:
        listed = ", ".join(f"'{p}'" for p in paths)
        parts.append(f"select * from read_parquet([{listed}], union_by_name = true)")
    con.execute(
        f"create or replace temp view night_{template} as " + " union all by name ".join(parts)
    )


def _context_view(con, template: str, view: str, in_night: bool) -> None:
    """``ctx_<…>``: staging's rows (``src`` -1) and those of the night's clean files."""
    columns = CONTEXT_COLUMNS[template]
    typed = ", ".join(f"try_cast({c} as {t}) as {c}" for c, t in columns.items())
    parts = []
    if _exists(con, STAGING[template]):
        parts.append(
            f"select -1 as src, row_number() over () as pos, {typed} from {STAGING[template]}"
        )
    if in_night:
        parts.append(
            f"select file_index as src, pos, {typed} from night_{template}"
            " where file_index in (select file_index from clean)"
        )
    if not parts:
        nulls = ", ".join(f"null::{t} as {c}" for c, t in columns.items())
        parts.append(f"select -1 as src, 0::bigint as pos, {nulls} where false")
    con.execute(f"create or replace temp view {view} as " + " union all ".join(parts))


def _exists(con, table: str) -> bool:
    schema, name = table.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


BY_ID: dict[str, tuple[int, Rule]] = {
    r.id: (k, r) for k, r in enumerate(RULES) if r.kind == CONTEXT
}


def _problems(
    found: list[tuple], night: NightRows, reference: CheckContext
) -> dict[int, list[Problem]]:
    """Problems from the queries' rows, each file's in the order of ``RULES``, then of its
    rows."""
    found.sort(key=lambda f: (f[1], BY_ID[f[0]][0], f[2]))
    problems: dict[int, list[Problem]] = {}
    columns: dict[tuple, str] = {}  # (file, sheet, rule) -> the column's headers
    for rule_id, file_index, _pos, sheet, row, value, zone_code in found:
        rule = BY_ID[rule_id][1]
        key = (file_index, sheet, rule_id)
        if key not in columns:
            headers = night.headers.get(file_index, {})
            columns[key] = "、".join(headers.get((sheet, c), c) for c in rule.columns)
        message = rule.message_zh
        if rule.lists_reporting_units:
            units = reference.zone_units.get(zone_code or "", [])
            message += f"（可报送该载体的单位：{'、'.join(units)}）" if units else ""
        problems.setdefault(file_index, []).append(
            Problem(
                rule.severity,
                rule.id,
                message,
                rule.fix_zh,
                sheet=sheet,
                row=int(row),
                column=columns[key],
                value=value or None,
                source="rule",
            )
        )
    return problems
