"""Building the warehouse with dbt and publishing the analysts' read-only copy."""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

import duckdb

from incubation.settings import Settings
from incubation.store.ledger import storage_of, storage_option

log = logging.getLogger(__name__)


class DbtBuildFailed(RuntimeError):
    pass


def dbt_env(settings: Settings) -> dict[str, str]:
    return {
        "INCUBATION_BUILD_DB": str(settings.build_db),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }


def dbt_args(settings: Settings, *args: str) -> list[str]:
    """A dbt command line: the command words first (``build``; ``docs generate``), then the
    project's paths under the data home, then the caller's flags."""
    split = next((i for i, a in enumerate(args) if a.startswith("-")), len(args))
    return [
        *args[:split],
        "--project-dir",
        str(settings.dbt_project_dir),
        "--profiles-dir",
        str(settings.dbt_project_dir),
        "--target-path",
        str(settings.dbt_target),
        "--log-path",
        str(settings.dbt_logs),
        "--no-use-colors",
        *args[split:],
    ]


def release_dbt_connection() -> None:
    """Close what dbt opened on the build database, so that the file is free (for the publish
    copy, a rebuild, another process) as soon as dbt is done. dbt-duckdb keeps one DuckDB
    environment per process after an invocation; ``reset_adapters`` (dbt's factory) closes the
    adapters' connections and drops the adapters, and the connection manager's
    ``close_all_connections`` (the adapter's own exit hook) drops the environment, whose
    DuckDB connection then has no reference left and closes."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.factory import reset_adapters

    reset_adapters()
    DuckDBConnectionManager.close_all_connections()


def release_dbt() -> None:
    """Drop what dbt keeps for the process (its adapters, and with them the last manifest),
    and collect it now. dbt makes its locks in multiprocessing's spawn context: named
    semaphores, which a resource tracker process unlinks if their owner never did. A task
    process under the scheduler leaves by ``os._exit``, so dbt's were never released, and the
    tracker wrote "There appear to be 2 leaked semaphore objects" into every build task's log
    as an error. Collected here, they are unlinked as they go. (The DuckDB connection is
    closed already: ``run_dbt`` does it after every invocation.)"""
    import gc

    from dbt.adapters.factory import reset_adapters

    reset_adapters()
    gc.collect()


def run_dbt(settings: Settings, *args: str) -> dict:
    """One dbt invocation in this process (``run_dbt(s, "build")``, ``run_dbt(s, "docs",
    "generate")``, ``run_dbt(s, "build", "--select", "…")``); per-node results logged,
    failure raised. Never two at once in one process."""
    from dbt.cli.main import dbtRunner

    settings.ensure_dirs()
    os.environ.update(dbt_env(settings))
    started = time.perf_counter()
    args = args or ("build",)
    command = " ".join(
        a for a in args[: next((i for i, a in enumerate(args) if a[:1] == "-"), len(args))]
    )
    args = dbt_args(settings, *args)
    try:
        result = dbtRunner().invoke(args)
    finally:
        release_dbt_connection()
    nodes = []
    for node in getattr(result.result, "results", None) or []:
        status = str(getattr(node.status, "value", node.status))
        nodes.append({"node": node.node.unique_id, "status": status, "message": node.message or ""})
        log.info("dbt %-5s %s %s", status, node.node.unique_id, node.message or "")
    failures = [n for n in nodes if n["status"] in ("error", "fail", "runtime error")]
    summary = {
        "command": command,
        "success": bool(result.success),
        "nodes": len(nodes),
        "failures": failures,
        "seconds": round(time.perf_counter() - started, 2),
    }
    if not result.success:
        detail = "; ".join(f"{f['node']}: {f['message']}" for f in failures) or str(
            result.exception
        )
        raise DbtBuildFailed(f"dbt {command} failed: {detail}")
    return summary


def _swap(tmp: Path, target: Path) -> None:
    """The atomic step of publishing: readers see the old file or the new one, never a mix."""
    os.replace(tmp, target)


def sweep_leftovers(target: Path) -> list[Path]:
    """The copies of ``target`` a publish killed midway left beside it (``.<name>.<pid>.tmp``
    and its ``.wal``), removed: one run at a time, so none of them is being written."""
    left = [
        *target.parent.glob(f".{target.name}.*.tmp"),
        *target.parent.glob(f".{target.name}.*.tmp.wal"),
    ]
    for path in left:
        path.unlink(missing_ok=True)
    return left


def publish(settings: Settings) -> dict:
    """Checkpoint the build database and atomically swap in the analysts' copy.

    Readers that already hold the old file keep their snapshot; new connections see the new
    night. The copy is written beside the target and moved in with ``os.replace``. It has the
    build database's storage format (``Settings.storage_version`` when the file was made;
    a warning when that is not the format asked for now).
    """
    started = time.perf_counter()
    con = duckdb.connect(str(settings.build_db))
    try:
        con.execute("checkpoint")
        storage = storage_of(con, settings.build_db.stem)
    finally:
        con.close()
    if settings.storage_version != "latest" and not storage.startswith(settings.storage_version):
        log.warning(
            "the build database is in DuckDB storage %s, not %s: the published copy is too; "
            "`incubation rebuild` makes a new one in %s",
            storage,
            settings.storage_version,
            settings.storage_version,
        )
    target = settings.warehouse_db
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(settings.build_db, tmp)
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())
    _swap(tmp, target)
    return {
        "published": str(target),
        "bytes": target.stat().st_size,
        "storage_version": storage,
        "seconds": round(time.perf_counter() - started, 2),
    }


def export_unit_marts(settings: Settings) -> dict[str, str]:
    """``exports/<unit>/<unit>.duckdb``: that unit's mart as plain tables, nothing else.

    A unit's mart is what its dbt model ``mart_<unit>`` built (macros/unit_mart.sql): the
    views of schema ``mart_<unit>``, copied here as they are, for the units of
    ``core.dim_unit`` (dbt's test ``unit_marts_match_units_seed`` holds them equal to the
    models). Built from the published warehouse and swapped in atomically, in the storage
    format of ``Settings.storage_version``. One in-memory connection attaches the warehouse
    (read-only) once and each unit's new file in turn."""
    con = duckdb.connect()
    written = {}
    try:
        con.execute(f"attach '{settings.warehouse_db}' as src (read_only)")
        units = [
            r[0]
            for r in con.execute("select unit_code from src.core.dim_unit order by 1").fetchall()
        ]
        for unit in units:
            target = settings.exports / unit / f"{unit}.duckdb"
            target.parent.mkdir(parents=True, exist_ok=True)
            sweep_leftovers(target)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            con.execute(f"attach '{tmp}' as unit_export{storage_option(settings.storage_version)}")
            try:
                # every view the unit's dbt model made (the one list: macro unit_marts)
                marts = con.execute(
                    "select table_name from information_schema.tables"
                    " where table_catalog = 'src' and table_schema = ?",
                    [f"mart_{unit}"],
                ).fetchall()
                for (mart,) in marts:
                    con.execute(
                        f"create table unit_export.{mart} as select * from src.mart_{unit}.{mart}"
                    )
                con.execute("checkpoint unit_export")
            finally:
                con.execute("detach unit_export")
            os.replace(tmp, target)
            written[unit] = str(target)
    finally:
        con.close()
    return written
