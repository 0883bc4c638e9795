"""Rebuilding the warehouse from the archive: the backfill of every night at once.

The ledger says which files were accepted, in which order, and when. A rebuild starts a new
build database, copies the audit tables over, parses every accepted file again from the
archive and loads its rows under its original submission id and acceptance time, then runs
dbt with a full refresh and publishes. The result equals what the nights built.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from incubation.contracts import load_contracts, load_units
from incubation.parsing.readers import read_file
from incubation.parsing.sheets import parse_sheets
from incubation.settings import Settings
from incubation.store import freshness, ledger
from incubation.store.warehouse import export_unit_marts, publish, run_dbt

log = logging.getLogger(__name__)


class RebuildError(RuntimeError):
    pass


def rebuild(settings: Settings) -> dict:
    contracts = load_contracts(settings.contracts_dir)
    units = load_units(settings.contracts_dir)
    old = settings.build_db
    if not old.exists():
        raise RebuildError(f"no build database at {old}: nothing to rebuild from")
    freshness.forget_build(settings)  # whatever happens next, the next night builds
    new = old.with_name(f".{old.name}.rebuild")
    new.unlink(missing_ok=True)
    with ledger.connect(new, contracts, settings.storage_version) as con:
        con.execute(f"attach '{old}' as old (read_only)")
        old_tables = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = 'old'"
                " and schema_name = 'audit'"
            ).fetchall()
        }
        for table in ("file_ledger", "validation_results", "source_columns", "runs"):
            if table in old_tables:  # source_columns came later than the others
                con.execute(f"insert into audit.{table} select * from old.audit.{table}")
        top = con.execute(
            "select coalesce(max(submission_id), 0) from audit.file_ledger"
        ).fetchone()[0]
        accepted = con.execute(
            "select submission_id, stored_path, decided_at, run_id, file_name from audit.file_ledger"
            " where status = 'loaded' order by submission_id"
        ).fetchall()
        con.execute("detach old")
        con.execute("drop sequence audit.submission_seq")
        con.execute(f"create sequence audit.submission_seq start {top + 1}")
    shutil.move(str(old), str(old.with_name(f".{old.name}.before-rebuild")))
    os.replace(new, old)
    rows = 0
    nights = _nights(accepted)
    for i, night in enumerate(nights):
        with ledger.connect(old) as con:
            for submission_id, stored_path, decided_at, _run, file_name in night:
                path = Path(stored_path)
                if not path.exists():
                    raise RebuildError(
                        f"submission {submission_id}: archived file {path} is missing"
                    )
                parsed = parse_sheets(read_file(path, file_name), contracts, units)
                rows += _load_rows(con, contracts, submission_id, decided_at, parsed.frames)
                ledger.replace_columns(con, {submission_id: parsed.column_lineage()})
        if i < len(nights) - 1:
            # the history the snapshots keep is made night by night, as the nights made it
            run_dbt(
                settings,
                "build",
                "--select",
                "+snp_carrier_registry +snp_carrier_recognition",
                "--exclude-resource-type",
                "test",
            )
    dbt = run_dbt(settings, "build")
    published = publish(settings)
    exports = export_unit_marts(settings)
    log.info("rebuilt %d submissions, %d rows", len(accepted), rows)
    return {
        "submissions": len(accepted),
        "rows": rows,
        "dbt": dbt,
        "published": published,
        "exports": len(exports),
    }


def _nights(accepted: list[tuple]) -> list[list[tuple]]:
    """Accepted submissions grouped by the run that loaded them, in order."""
    nights: list[list[tuple]] = []
    for item in accepted:
        if nights and nights[-1][-1][3] == item[3]:
            nights[-1].append(item)
        else:
            nights.append([item])
    return nights


def _load_rows(con, contracts, submission_id, loaded_at, frames) -> int:
    total = 0
    con.execute("begin transaction")
    for template, frame in frames.items():
        con.register("parsed", frame)
        ledger.insert_raw(
            con,
            contracts[template],
            loaded_at,
            "(select ?::bigint as submission_id, * from parsed)",
            [submission_id],
        )
        con.unregister("parsed")
        total += len(frame)
    con.execute("commit")
    return total
