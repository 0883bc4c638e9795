"""The file ledger and the raw tables in the build database.

The ledger (``audit.file_ledger``) has one row per file the pipeline has taken in: its sha256,
unit, templates, status, row counts and timings. ``raw.<template>`` keeps every accepted row of
every submission, keyed by ``submission_id``; nothing there is ever updated in place.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path

import duckdb

from incubation.contracts import Contract
from incubation.intake.names import display_name, path_text
from incubation.settings import Settings

STATUS_RECEIVED = "received"
STATUS_LOADED = "loaded"
STATUS_REJECTED = "rejected"
STATUS_DUPLICATE = "duplicate"
FINAL_STATUSES = (STATUS_LOADED, STATUS_REJECTED)

AUDIT_DDL = """
create schema if not exists audit;
create schema if not exists raw;
create sequence if not exists audit.submission_seq start 1;
create table if not exists audit.file_ledger (
    submission_id   bigint primary key,
    sha256          varchar not null,
    unit_code       varchar not null,
    file_name       varchar not null,
    inbox_path      varchar not null,
    size_bytes      bigint,
    file_mtime      timestamp,
    discovered_at   timestamp not null,
    run_id          varchar,
    status          varchar not null,
    duplicate_of    bigint,
    templates       varchar,
    sheets          integer,
    rows_parsed     integer,
    rows_loaded     integer,
    n_errors        integer,
    n_warnings      integer,
    parse_seconds   double,
    validate_seconds double,
    load_seconds    double,
    stored_path     varchar,
    report_path     varchar,
    decided_at      timestamp
);
create table if not exists audit.validation_results (
    submission_id   bigint not null,
    severity        varchar not null,
    rule            varchar not null,
    source          varchar,
    sheet           varchar,
    row_number      integer,
    column_header   varchar,
    value           varchar,
    message_zh      varchar,
    fix_zh          varchar
);
create table if not exists audit.source_columns (
    submission_id   bigint not null,
    sheet           varchar not null,
    template        varchar not null,
    header_row      integer,
    column_name     varchar not null,
    header          varchar not null,
    unit            varchar,
    factor          double
);
create table if not exists audit.runs (
    run_id          varchar primary key,
    started_at      timestamp,
    finished_at     timestamp,
    files_seen      integer,
    files_accepted  integer,
    files_refused   integer,
    files_duplicate integer,
    rows_loaded     bigint,
    dbt_success     boolean,
    dbt_nodes       integer,
    dbt_failures    integer,
    duration_seconds double,
    summary_path    varchar,
    dag_id          varchar
);
alter table audit.runs add column if not exists dag_id varchar;
"""


def raw_ddl(contract: Contract) -> list[str]:
    """Create the raw table of a template, and add any column a contract gained since."""
    cols = ",\n    ".join(f"{c.name} {c.duckdb_type}" for c in contract.columns)
    statements = [
        f"""create table if not exists raw.{contract.name} (
    submission_id bigint not null,
    source_sheet varchar,
    source_row integer,
    loaded_at timestamp not null,
    {cols}
)"""
    ]
    statements += [
        f"alter table raw.{contract.name} add column if not exists {c.name} {c.duckdb_type}"
        for c in contract.columns
    ]
    return statements


def ensure_schema(con: duckdb.DuckDBPyConnection, contracts: dict[str, Contract]) -> None:
    con.execute(AUDIT_DDL)
    for contract in contracts.values():
        for statement in raw_ddl(contract):
            con.execute(statement)


@contextmanager
def connect(
    db_path: Path,
    contracts: dict[str, Contract] | None = None,
    storage_version: str = Settings.storage_version,
):
    """A connection to the build database, closed on exit; schema ensured when contracts given.
    A database that does not exist yet is made in ``storage_version`` (``Settings``), which
    DuckDB keeps for the file's life: every copy published from it has that format."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if not db_path.exists():
        create_database(db_path, storage_version)
    con = duckdb.connect(str(db_path))
    try:
        if contracts is not None:
            ensure_schema(con, contracts)
        yield con
    finally:
        con.close()


def storage_option(storage_version: str) -> str:
    """The ``attach`` option that makes a new database in ``storage_version`` (``v1.4.0``:
    readable by DuckDB 1.4 and newer), or nothing for ``latest`` (this DuckDB's own)."""
    if storage_version == "latest":
        return ""
    if not re.fullmatch(r"v\d+\.\d+\.\d+", storage_version):
        raise ValueError(f"storage version {storage_version!r}: expected vX.Y.Z or latest")
    return f" (storage_version '{storage_version}')"


def create_database(db_path: Path, storage_version: str) -> None:
    """An empty database file at ``db_path`` in ``storage_version``."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{db_path}' as made{storage_option(storage_version)}")
        con.execute("detach made")
    finally:
        con.close()


def storage_of(con, catalog: str) -> str:
    """The storage version DuckDB reports for an attached database (``v1.4.0+``)."""
    (tags,) = con.execute(
        "select tags from duckdb_databases() where database_name = ?", [catalog]
    ).fetchone()
    return tags.get("storage_version", "")


def insert_raw(con, contract: Contract, loaded_at, relation: str, params=()) -> None:
    """Insert parsed rows into raw.<template>, cast to the contract's types. ``relation`` is
    what to select from, with a ``submission_id`` column (the night's staged parquet files, or
    a registered frame)."""
    cols = ", ".join(c.name for c in contract.columns)
    casts = ", ".join(f"cast({c.name} as {c.duckdb_type})" for c in contract.columns)
    con.execute(
        f"""insert into raw.{contract.name}
                (submission_id, source_sheet, source_row, loaded_at, {cols})
            select submission_id, source_sheet, source_row, ?, {casts}
            from {relation}""",
        [loaded_at, *params],
    )


def delete_raw(con, contract: Contract, submission_ids: list[int]) -> None:
    con.execute(
        f"delete from raw.{contract.name} where submission_id in (select unnest(?))",
        [submission_ids],
    )


def find_by_sha(con, sha256: str, unit_code: str) -> tuple[int, str] | None:
    """The submission of this unit that already took these bytes: final ones first, then a
    pending one. Another unit's submission of the same bytes is not this unit's."""
    row = con.execute(
        """select submission_id, status from audit.file_ledger
           where sha256 = ? and unit_code = ? and status in ('loaded', 'rejected', 'received')
           order by case status when 'received' then 1 else 0 end, submission_id desc
           limit 1""",
        [sha256, unit_code],
    ).fetchone()
    return (int(row[0]), row[1]) if row else None


def superseded(con, submission_id: int, contracts: dict[str, Contract]) -> bool:
    """Whether a later loaded submission replaced any of this one's rows (the same template
    and supersede key): its bytes, dropped again, are then no longer a no-op."""
    for contract in contracts.values():
        keys = " and ".join(
            f"later.{k} is not distinct from this.{k}" for k in contract.supersede_by
        )
        found = con.execute(
            f"""select exists (
                    select 1 from raw.{contract.name} as this
                    join raw.{contract.name} as later on {keys}
                    where this.submission_id = ? and later.submission_id > ?
                )""",
            [submission_id, submission_id],
        ).fetchone()[0]
        if found:
            return True
    return False


def register(con, *, sha256, unit_code, path: Path, size, mtime, run_id, status, duplicate_of=None):
    submission_id = con.execute("select nextval('audit.submission_seq')").fetchone()[0]
    con.execute(
        """insert into audit.file_ledger (submission_id, sha256, unit_code, file_name,
               inbox_path, size_bytes, file_mtime, discovered_at, run_id, status, duplicate_of)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            submission_id,
            sha256,
            unit_code,
            display_name(path.name),
            path_text(path),
            size,
            dt.datetime.fromtimestamp(mtime),
            dt.datetime.now(),
            run_id,
            status,
            duplicate_of,
        ],
    )
    return int(submission_id)


def update(con, submission_id: int, **fields) -> None:
    assignments = ", ".join(f"{name} = ?" for name in fields)
    con.execute(
        f"update audit.file_ledger set {assignments} where submission_id = ?",
        [*fields.values(), submission_id],
    )


def get(con, submission_id: int) -> dict:
    return rows(con, [submission_id]).get(submission_id, {})


def rows(con, submission_ids: list[int]) -> dict[int, dict]:
    """Ledger rows by submission id, in one query."""
    cur = con.execute(
        "select * from audit.file_ledger where submission_id in (select unnest(?))",
        [list(submission_ids)],
    )
    names = [d[0] for d in cur.description]
    found = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    return {int(row["submission_id"]): row for row in found}


PROBLEM_FIELDS = (
    "severity",
    "rule",
    "source",
    "sheet",
    "row",
    "column",
    "value",
    "message_zh",
    "fix_zh",
)
COLUMN_FIELDS = ("sheet", "template", "header_row", "column_name", "header", "unit", "factor")


def _replace_rows(con, table: str, rows: dict[int, list[dict]], fields) -> None:
    """Replace the rows of an audit table for the given submissions in two statements
    (executemany is one round trip per row in DuckDB: seconds for thousands of warnings)."""
    con.execute(
        f"delete from audit.{table} where submission_id in (select unnest(?))", [list(rows)]
    )
    records = [
        [submission_id, *(r.get(f) for f in fields)]
        for submission_id, items in rows.items()
        for r in items
    ]
    if not records:
        return
    import pandas as pd  # here only: the quiet night's discover needs no pandas

    frame = pd.DataFrame.from_records(records, columns=["submission_id", *fields]).astype(object)
    con.register("audit_rows", frame.where(frame.notna(), None))
    try:
        con.execute(f"insert into audit.{table} select * from audit_rows")
    finally:
        con.unregister("audit_rows")


# ``validation_results``' columns from a relation of submissions' problems in
# ``PROBLEM_FIELDS`` (``stage_problems`` writes them so)
_PROBLEM_SELECT = """select submission_id::bigint as submission_id, severity::varchar,
    rule::varchar, source::varchar, sheet::varchar, "row"::integer as row_number,
    "column"::varchar as column_header, value::varchar, message_zh::varchar, fix_zh::varchar"""


def stage_problems(con, problems: dict[int, list], target: Path) -> None:
    """Submissions' problems (``Problem`` objects, by submission id) as one parquet file of
    the rows ``replace_staged_problems`` inserts, written by ``con``: a column at a time, not
    a JSON object per problem (140k warnings at S=10)."""
    import pandas as pd

    getter = attrgetter(*PROBLEM_FIELDS)
    rows = [(i, *getter(p)) for i, items in problems.items() for p in items]  # at least one
    columns = dict(zip(("submission_id", *PROBLEM_FIELDS), zip(*rows, strict=True), strict=True))
    frame = pd.DataFrame(
        {
            field: pd.array(values, dtype="Int64")
            if field in ("submission_id", "row")
            else pd.array([None if v is None else str(v) for v in values], dtype=object)
            for field, values in columns.items()
        }
    )
    copy_to_parquet(con, frame, _PROBLEM_SELECT, target)


def copy_to_parquet(con, frame, select: str, target: Path) -> None:
    """``{select} from`` the frame, written by ``con`` as a parquet file (the check's rows
    and problems, staged for the load)."""
    con.register("staged_frame", frame)
    try:
        con.execute(f"copy ({select} from staged_frame) to '{target}' (format parquet)")
    finally:
        con.unregister("staged_frame")


def replace_staged_problems(con, submission_ids: list[int], paths: list[str]) -> None:
    """The problems of the given submissions, from the parquet files ``stage_problems`` wrote
    (a file may hold several submissions' problems, and be named by each of them; none for a
    submission without problems), in two statements."""
    con.execute(
        "delete from audit.validation_results where submission_id in (select unnest(?))",
        [list(submission_ids)],
    )
    if paths:
        con.execute(
            """insert into audit.validation_results select * from read_parquet(?)
               where submission_id in (select unnest(?))""",
            [sorted(set(paths)), list(submission_ids)],
        )


def replace_columns(con, lineage: dict[int, list[dict]]) -> None:
    """Column lineage of each given submission (submission id → lineage): for each sheet and
    canonical column, the header as the contact wrote it, the unit written and the factor
    applied (joins raw.* on submission_id and source_sheet)."""
    _replace_rows(con, "source_columns", lineage, COLUMN_FIELDS)


def replaced_submissions(
    con, submission_ids: list[int], contracts: dict[str, Contract]
) -> dict[int, list[dict]]:
    """For each given submission, the earlier accepted ones whose rows it supersedes (same
    template and key), in one query per template over the distinct keys."""
    found: dict[int, dict[int, str]] = {int(i): {} for i in submission_ids}
    for contract in contracts.values():
        keys = ", ".join(contract.supersede_by)
        on = " and ".join(
            f"earlier.{k} is not distinct from this.{k}" for k in contract.supersede_by
        )
        pairs = con.execute(
            f"""with this as (
                    select distinct submission_id, {keys} from raw.{contract.name}
                    where submission_id in (select unnest(?))),
                earlier as (select distinct submission_id, {keys} from raw.{contract.name})
                select distinct this.submission_id, earlier.submission_id, ledger.file_name
                from this
                join earlier on {on} and earlier.submission_id < this.submission_id
                join audit.file_ledger as ledger on ledger.submission_id = earlier.submission_id""",
            [list(found)],
        ).fetchall()
        for this, earlier, name in pairs:
            found[int(this)][int(earlier)] = name
    return {
        this: [{"submission_id": sid, "file_name": names[sid]} for sid in sorted(names)]
        for this, names in found.items()
    }
