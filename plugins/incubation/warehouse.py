"""Building the warehouse with dbt and publishing the analysts' read-only copy."""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

import duckdb

from .settings import Settings

log = logging.getLogger(__name__)


class DbtBuildFailed(RuntimeError):
    pass


def dbt_env(settings: Settings) -> dict[str, str]:
    return {
        "INCUBATION_BUILD_DB": str(settings.build_db),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }


def dbt_args(settings: Settings, command: str, *extra: str) -> list[str]:
    return [
        command,
        "--project-dir",
        str(settings.dbt_project_dir),
        "--profiles-dir",
        str(settings.dbt_project_dir),
        "--target-path",
        str(settings.dbt_target),
        "--log-path",
        str(settings.dbt_logs),
        *extra,
    ]


def run_dbt(settings: Settings, command: str = "build", *extra: str) -> dict:
    """One dbt invocation in this process; per-node results logged, failure raised."""
    from dbt.cli.main import dbtRunner

    settings.ensure_dirs()
    os.environ.update(dbt_env(settings))
    started = time.perf_counter()
    result = dbtRunner().invoke(dbt_args(settings, command, "--no-use-colors", *extra))
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


def publish(settings: Settings) -> dict:
    """Checkpoint the build database and atomically swap in the analysts' copy.

    Readers that already hold the old file keep their snapshot; new connections see the new
    night. The copy is written beside the target and moved in with ``os.replace``.
    """
    started = time.perf_counter()
    con = duckdb.connect(str(settings.build_db))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    target = settings.warehouse_db
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(settings.build_db, tmp)
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return {
        "published": str(target),
        "bytes": target.stat().st_size,
        "seconds": round(time.perf_counter() - started, 2),
    }


def open_published(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)
