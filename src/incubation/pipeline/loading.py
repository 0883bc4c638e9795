"""Loading the night's decided files into raw, one transaction, then answering them."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from incubation.checks.problems import ACCEPTED
from incubation.pipeline.answering import file_away, reports_to_write, write_answers
from incubation.pipeline.checking import staged_files
from incubation.pipeline.common import contracts_of, timestamp
from incubation.pipeline.locking import one_at_a_time
from incubation.pipeline.metering import metered
from incubation.settings import Settings
from incubation.store import filing, ledger

log = logging.getLogger(__name__)


@one_at_a_time
@metered("load")
def load(settings: Settings, verdicts: list[dict]) -> list[dict]:
    """Load the night's decided files with their ledger rows in one transaction (all of them
    or none), then write every file's report and file it. A rerun loads what is not loaded
    yet, writes the reports that are missing and moves what is still in the inbox."""
    contracts = contracts_of(settings)
    ids = [staged["submission_id"] for staged in verdicts]
    staged = {item["submission_id"]: item for item in verdicts}
    with ledger.connect(settings.build_db, contracts) as con:
        before = ledger.rows(con, ids)
        pending = [
            item
            for item in verdicts
            if before[item["submission_id"]]["status"] not in ledger.FINAL_STATUSES
        ]
        loaded = _load_night(settings, con, contracts, pending) if pending else {}
        jobs = reports_to_write(settings, con, ids, staged)
    written = write_answers(jobs, settings.workers)  # no database open while the writers fork
    with ledger.connect(settings.build_db) as con:
        file_away(con, ids, written)
        after = ledger.rows(con, ids)
    for path in set().union(*map(staged_files, pending)):
        Path(path).unlink(missing_ok=True)
    return [
        {"submission_id": i, "status": after[i]["status"], "rows_loaded": loaded.get(i, 0)}
        for i in ids
    ]


def _load_night(settings: Settings, con, contracts, pending: list[dict]) -> dict[int, int]:
    """The rows (one insert per template from the staged parquet files), problems, column
    lineage and ledger rows of the given decided files, in one transaction. Returns the rows
    loaded by submission; every file records the transaction's seconds as its load time."""
    started = time.perf_counter()
    loaded_at = timestamp()
    ids = [item["submission_id"] for item in pending]
    rows = ledger.rows(con, ids)
    loaded = dict.fromkeys(ids, 0)
    con.execute("begin transaction")
    try:
        for name, contract in contracts.items():
            ledger.delete_raw(con, contract, ids)
            tables = [
                (i["submission_id"], i["tables"][name]) for i in pending if name in i["tables"]
            ]
            if not tables:
                continue
            ledger.insert_raw(
                con,
                contract,
                loaded_at,
                "read_parquet(?, union_by_name = true) where submission_id in (select unnest(?))",
                [sorted({table["path"] for _, table in tables}), ids],
            )
            for submission_id, table in tables:
                loaded[submission_id] += table["rows"]
        ledger.replace_staged_problems(
            con, ids, [i["problems_path"] for i in pending if i.get("problems_path")]
        )
        ledger.replace_columns(con, {i["submission_id"]: i.get("columns", []) for i in pending})
        seconds = round(time.perf_counter() - started, 3)
        for item in pending:
            submission_id, row = item["submission_id"], rows[item["submission_id"]]
            accepted = item["status"] == ACCEPTED
            stored = (filing.archive_path if accepted else filing.quarantine_path)(
                settings, row["unit_code"], submission_id, row["file_name"]
            )
            ledger.update(
                con,
                submission_id,
                status=ledger.STATUS_LOADED if accepted else ledger.STATUS_REJECTED,
                templates=",".join(sorted(set(item["sheets"].values()))),
                sheets=len(item["sheets"]),
                rows_parsed=item["rows"],
                rows_loaded=loaded[submission_id],
                n_errors=item["n_errors"],
                n_warnings=item["n_warnings"],
                parse_seconds=item["parse_seconds"],
                validate_seconds=item["validate_seconds"],
                load_seconds=seconds,
                stored_path=str(stored),
                decided_at=loaded_at,
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return loaded
