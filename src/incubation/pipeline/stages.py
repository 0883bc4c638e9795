"""The nightly stages, as plain functions the DAG calls (and tests call without Airflow).

discover -> check -> load -> build (dbt) -> publish -> summarise (the DAG runs the first two in
one task, and the last two). Every stage takes and returns JSON-serialisable data, reads and
writes only under the data home, and can be rerun: a stage repeated after a crash finds what
was already done in the ledger and does not redo it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import time
from pathlib import Path

import duckdb

from incubation.answers.alerts import write_incident
from incubation.answers.receipts import (
    build_report,
    named_report,
    report_stem,
    write_report,
    write_reports,
)
from incubation.checks import reference
from incubation.checks.problems import ACCEPTED
from incubation.contracts import load_contracts, load_units
from incubation.intake.inbox import scan_inbox
from incubation.intake.names import display_name, path_text, text_path
from incubation.pipeline.metering import metered
from incubation.settings import Settings
from incubation.store import filing, freshness, ledger
from incubation.store.warehouse import export_unit_marts, release_dbt, run_dbt
from incubation.store.warehouse import publish as publish_warehouse

log = logging.getLogger(__name__)
STAGED = "_staged"  # the check's staged rows and problems, under the work area
STAGE_ROWS = 100_000  # rows and problems a check process stages per parquet file


def _contracts(settings: Settings):
    return load_contracts(settings.contracts_dir)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


# --------------------------------------------------------------------------- discover
@metered("discover")
def discover(settings: Settings, run_id: str, now: float | None = None) -> list[dict]:
    """Register every settled new file in the ledger; return the ones to check."""
    settings.ensure_dirs()
    units = reference.unit_codes(settings.seeds_dir)
    found, misplaced = scan_inbox(settings.inbox, units, settings.settle_seconds, now)
    for path, reason, unit in misplaced:
        try:
            _refuse_misplaced(settings, path, reason, unit)
        except OSError as exc:  # its quarantine or outbox unwritable: it waits, no one else
            log.error("%s not refused yet, it waits: %s", path_text(path), exc)
    to_check = []
    taken: set[tuple[str, str]] = set()  # (unit, sha256) registered by this run
    contracts = _contracts(settings)
    with ledger.connect(settings.build_db, contracts) as con:
        for item in found:
            path = Path(item.path)
            if (item.unit_code, item.sha256) in taken:
                # the same bytes twice in one unit's folder tonight: one submission is
                # checked; the copy waits, and is a duplicate of it next night
                log.info("%s: same bytes as another file of tonight, waits", path_text(path))
                continue
            taken.add((item.unit_code, item.sha256))
            seen = ledger.find_by_sha(con, item.sha256, item.unit_code)
            if seen and seen[1] in ledger.FINAL_STATUSES:
                previous = ledger.get(con, seen[0])
                stored = previous["stored_path"]
                if (
                    previous["inbox_path"] == path_text(path)
                    and stored
                    and not Path(stored).exists()
                ):
                    # a run stopped between deciding the file and filing it: finish the job
                    _file_decided(settings, con, [seen[0]])
                    continue
                if seen[1] == ledger.STATUS_LOADED and ledger.superseded(con, seen[0], contracts):
                    # earlier bytes sent again after others replaced them: current again
                    seen = None
                else:
                    dup_id = _register(con, item, run_id, ledger.STATUS_DUPLICATE, seen[0])
                    try:
                        _file_duplicate(settings, con, dup_id, previous)
                    except OSError as exc:  # its unit's outbox unwritable: no one else waits
                        log.error("duplicate %s not answered yet: %s", dup_id, exc)
                    continue
            if seen:  # received by a run that did not finish: take it up again
                submission_id = seen[0]
                ledger.update(con, submission_id, run_id=run_id, inbox_path=path_text(path))
            else:
                submission_id = _register(con, item, run_id, ledger.STATUS_RECEIVED)
            to_check.append({"submission_id": submission_id, **item.to_dict()})
    log.info("discovered %d new file(s), %d misplaced", len(to_check), len(misplaced))
    return to_check


def _register(con, item, run_id: str, status: str, duplicate_of: int | None = None) -> int:
    return ledger.register(
        con,
        sha256=item.sha256,
        unit_code=item.unit_code,
        path=Path(item.path),
        size=item.size,
        mtime=item.mtime,
        run_id=run_id,
        status=status,
        duplicate_of=duplicate_of,
    )


def _refuse_misplaced(settings: Settings, path: Path, reason: str, unit: str | None) -> None:
    """An entry refused before it is read (outside any unit folder, or a link): moved, never
    followed, to quarantine with a report beside the unit's other answers."""
    now = _now()
    target = filing.move(path, filing.unknown_path(settings, path.name, now, unit))
    names = reference.unit_names(settings.seeds_dir)
    report = build_report(
        submission_id=0,
        unit_code=unit or "_unknown",
        unit_name=names.get(unit, "未知单位"),
        file_name=display_name(path.name),
        accepted=False,
        sheets={},
        template_titles={},
        rows=0,
        problems=[
            {
                "severity": "E",
                "rule": "misplaced_file",
                "message_zh": reason,
                "fix_zh": "请将文件放入本单位的收件箱文件夹 inbox/<单位代码>/ 后重新提交",
                "value": display_name(str(path.relative_to(settings.inbox))),
            }
        ],
        decided_at=now.isoformat(),
        cap=settings.report_problem_cap,
    )
    write_report(
        report, settings.outbox / (unit or "_unknown"), named_report("", target.name, "退回报告")
    )
    log.warning("misplaced file %s quarantined: %s", path_text(path), reason)


def _file_duplicate(settings: Settings, con, dup_id: int, previous: dict) -> None:
    row = ledger.get(con, dup_id)
    target = filing.move(
        text_path(row["inbox_path"]),
        filing.duplicate_path(settings, row["unit_code"], dup_id, row["file_name"]),
    )
    names = reference.unit_names(settings.seeds_dir)
    report = build_report(
        submission_id=dup_id,
        unit_code=row["unit_code"],
        unit_name=names.get(row["unit_code"], row["unit_code"]),
        file_name=row["file_name"],
        accepted=previous["status"] == ledger.STATUS_LOADED,
        sheets={},
        template_titles={},
        rows=0,
        problems=[],
        decided_at=_now().isoformat(),
        cap=settings.report_problem_cap,
        note_zh=(
            f"与第 {previous['submission_id']} 号提交（{previous['file_name']}）内容完全相同，"
            "本次未重复导入，原处理结果不变。"
        ),
    )
    path = write_report(
        report,
        settings.outbox / row["unit_code"],
        named_report(f"{dup_id:06d}_", row["file_name"], "重复提交"),
    )
    ledger.update(con, dup_id, stored_path=str(target), report_path=str(path), decided_at=_now())


# ------------------------------------------------------------------------------ check
@metered("check")
def check(
    settings: Settings, files: list[dict], today: dt.date | None = None, run_id: str | None = None
) -> list[dict]:
    """Parse and validate each file; keep the parsed rows in the work area for loading.
    With a run id, GX Data Docs of the run's validations go to ``settings.gx_docs(run_id)``."""
    if not files:
        return []
    from incubation.checks.suites import SuiteRunner  # GX import: seconds, once per run
    from incubation.checks.verdicts import (
        check_files,  # pandas: imported by the stages that need it
    )

    contracts = _contracts(settings)
    units = load_units(settings.contracts_dir)
    docs = settings.gx_docs(run_id) if run_id else None
    runner = SuiteRunner(settings.expectations_dir, settings.seeds_dir, list(contracts), docs)
    today = today or dt.date.today()
    spill = settings.work / "_spill"
    shutil.rmtree(spill, ignore_errors=True)
    shutil.rmtree(settings.work / STAGED, ignore_errors=True)  # a rerun stages anew
    verdicts = check_files(
        [(Path(item["path"]), item["unit_code"]) for item in files],
        contracts=contracts,
        units=units,
        runner=runner,
        today=today,
        seeds_dir=settings.seeds_dir,
        context_db=settings.build_db,
        context_read_only=False,
        limits=settings.limits,
        spill_dir=spill,
        sink=_Stager(settings, [item["submission_id"] for item in files]),
        workers=settings.workers,
    )
    shutil.rmtree(spill, ignore_errors=True)
    for item, verdict in zip(files, verdicts, strict=True):
        for incident in verdict.incidents:
            write_incident(settings, run_id=run_id, submission=item, detail=incident)
        log.info(
            "%s %s: %s (%d errors, %d warnings, %d rows)",
            item["unit_code"],
            display_name(Path(item["path"]).name),
            verdict.status,
            verdict.n_errors,
            verdict.n_warnings,
            verdict.staged["rows"],
        )
    return [verdict.staged for verdict in verdicts]


class _Stager:
    """The check's sink: stages each final verdict in the process that made it (a worker of
    the second pass, or the calling process). Its rows (when accepted) and its problems wait
    with the next verdicts' until they hold ``STAGE_ROWS`` rows, and are then written as one
    parquet file per template and one of problems
    (``work/_staged/<pid>-<batch>-<name>.parquet``), named in each verdict's ``tables`` and
    ``problems_path``. A DuckDB ``COPY`` of a frame has a fixed cost whatever its rows, so
    the frames of many files go out together rather than one per file and template. One
    DuckDB connection per process, opened at the
    first write: after the check's workers were forked, so that they share no open DuckDB.
    ``close`` writes what waits."""

    def __init__(self, settings: Settings, submission_ids: list[int]):
        self.settings = settings
        self.submission_ids = submission_ids
        self.folder = settings.work / STAGED
        self.con: duckdb.DuckDBPyConnection | None = None
        self.batch = 0
        self.frames: dict[str, list] = {}  # template -> waiting frames, with submission_id
        self.problems: dict[int, list] = {}  # submission id -> its waiting problems
        self.waiting = 0  # rows and problems

    def __call__(self, i: int, verdict) -> dict:
        submission_id = self.submission_ids[i]
        tables = {}
        if verdict.status == ACCEPTED:
            for template, frame in verdict.frames.items():
                self.frames.setdefault(template, []).append(
                    frame.assign(submission_id=submission_id)
                )
                tables[template] = {"path": str(self._path(template)), "rows": len(frame)}
                self.waiting += len(frame)
        staged = _staged(submission_id, verdict, tables)
        if verdict.problems:
            self.problems[submission_id] = verdict.problems
            staged["problems_path"] = str(self._path("problems"))
            self.waiting += len(verdict.problems)
        if self.waiting >= STAGE_ROWS:
            self.flush()
        return staged

    def _path(self, name: str) -> Path:
        return self.folder / f"{os.getpid()}-{self.batch:04d}-{name}.parquet"

    def flush(self) -> None:
        """The waiting rows and problems to their parquet files."""
        if not self.waiting:
            return
        import pandas as pd  # the stages that stage rows have it imported already

        if self.con is None:
            self.con = duckdb.connect()
        self.folder.mkdir(parents=True, exist_ok=True)
        for template, frames in self.frames.items():
            ledger.copy_to_parquet(
                self.con,
                pd.concat(frames, ignore_index=True),
                "select submission_id::bigint as submission_id, * exclude (submission_id)",
                self._path(template),
            )
        if self.problems:
            ledger.stage_problems(self.con, self.problems, self._path("problems"))
        self.frames, self.problems, self.waiting = {}, {}, 0
        self.batch += 1

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self.con is not None:
                self.con.close()
                self.con = None


def _staged(submission_id: int, verdict, tables: dict) -> dict:
    """What the load needs of a verdict (the check task's XCom, one dict per file)."""
    return {
        "submission_id": submission_id,
        "path": path_text(verdict.path),
        "unit_code": verdict.unit_code,
        "status": verdict.status,
        "n_errors": verdict.n_errors,
        "n_warnings": verdict.n_warnings,
        "rows": verdict.rows,
        "sheets": verdict.sheets,
        "columns": verdict.columns,
        "tables": tables,
        "parse_seconds": round(verdict.parse_seconds, 3),
        "validate_seconds": round(verdict.validate_seconds, 3),
        "incidents": verdict.incidents,
    }


def _staged_files(staged: dict) -> set[str]:
    """The parquet files a verdict's rows and problems are in (shared with other verdicts)."""
    found = {table["path"] for table in staged["tables"].values()}
    return found | ({staged["problems_path"]} if staged.get("problems_path") else set())


# -------------------------------------------------------------------------- hand-over
def hand_over(
    settings: Settings, run_id: str, started_at: str, files: list[dict], verdicts: list[dict]
) -> dict:
    """What the check hands the rest of the night (the check task's XCom): the verdicts wait
    beside the rows they staged, in ``work/_staged/night-<run id>.json`` (until the next
    check), and the XCom names the file and counts them. As XCom themselves, the verdicts
    (sheets, column lineage, staged tables: large on a night of many files) would be stored,
    then redacted for secrets and rendered as a template field by each task that took them."""
    path = settings.work / STAGED / f"night-{_safe(run_id or 'manual')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(verdicts, ensure_ascii=False), "utf-8")
    statuses = [item["status"] for item in verdicts]
    return {
        "started_at": started_at,
        "files_seen": len(files),
        "accepted": statuses.count(ACCEPTED),
        "rejected": len(statuses) - statuses.count(ACCEPTED),
        "verdicts": str(path),
    }


def handed_over(checked: dict) -> list[dict]:
    """The verdicts ``hand_over`` kept."""
    path = Path(checked["verdicts"])
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path}: this run's verdicts are gone (every check clears {path.parent});"
            " rerun the run's check task before its load"
        ) from None


# ------------------------------------------------------------------------------- load
@metered("load")
def load(settings: Settings, verdicts: list[dict]) -> list[dict]:
    """Load the night's decided files with their ledger rows in one transaction (all of them
    or none), then write every file's report and file it. A rerun loads what is not loaded
    yet, writes the reports that are missing and moves what is still in the inbox."""
    contracts = _contracts(settings)
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
        jobs = _reports_to_write(settings, con, ids, staged)
    written = _write(jobs, settings.workers)  # no database open while the writers fork
    with ledger.connect(settings.build_db) as con:
        _file_away(con, ids, written)
        after = ledger.rows(con, ids)
    for path in set().union(*map(_staged_files, pending)):
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
    loaded_at = _now()
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


def _file_decided(settings: Settings, con, ids: list[int], staged: dict | None = None) -> None:
    """Write the reports of decided files that have none yet, then move the files to archive
    or quarantine (idempotent)."""
    _file_away(con, ids, _write(_reports_to_write(settings, con, ids, staged or {})))


def _reports_to_write(settings: Settings, con, ids: list[int], staged: dict) -> list[tuple]:
    """(submission id, (report, folder, stem)) for each decided file whose report is not
    written yet, read from the ledger in a few queries."""
    rows = ledger.rows(con, ids)
    todo = [
        i for i in ids if not (rows[i]["report_path"] and Path(rows[i]["report_path"]).exists())
    ]
    if not todo:
        return []
    contracts = _contracts(settings)
    names = reference.unit_names(settings.seeds_dir)
    problems = _problems_of(con, todo, settings.report_problem_cap)
    accepted = {i for i in todo if rows[i]["status"] == ledger.STATUS_LOADED}
    replaces = ledger.replaced_submissions(con, sorted(accepted), contracts) if accepted else {}
    jobs = []
    for submission_id in todo:
        row = rows[submission_id]
        shown, counts = problems.get(submission_id, ([], None))
        report = build_report(
            submission_id=submission_id,
            unit_code=row["unit_code"],
            unit_name=names.get(row["unit_code"], row["unit_code"]),
            file_name=row["file_name"],
            accepted=submission_id in accepted,
            sheets=(staged.get(submission_id) or {}).get("sheets") or {},
            template_titles={n: c.title_zh for n, c in contracts.items()},
            rows=row["rows_parsed"] or 0,
            problems=shown,
            counts=counts,
            decided_at=str(row["decided_at"]),
            cap=settings.report_problem_cap,
            replaces=replaces.get(submission_id, []),
        )
        stem = report_stem(submission_id, row["file_name"], submission_id in accepted)
        jobs.append((submission_id, (report, settings.outbox / row["unit_code"], stem)))
    return jobs


def _write(jobs: list[tuple], workers: int = 1) -> dict[int, Path | str]:
    """Each job's report path, or why it could not be written."""
    paths = write_reports([job for _, job in jobs], workers)
    return {submission_id: path for (submission_id, _), path in zip(jobs, paths, strict=True)}


def _file_away(con, ids: list[int], written: dict[int, Path | str]) -> None:
    """Record the reports written, then move each decided file where its ledger row says. A
    file whose report could not be written stays in the inbox, decided: the next run writes
    its report and files it (``discover``), and no other file waits for it."""
    failed = {i: reason for i, reason in written.items() if isinstance(reason, str)}
    for submission_id, path in written.items():
        if submission_id not in failed:
            ledger.update(con, submission_id, report_path=str(path))
    rows = ledger.rows(con, ids)
    for submission_id in ids:
        row = rows[submission_id]
        if submission_id in failed:
            log.error(
                "report of submission %s (%s) not written, the file waits in the inbox: %s",
                submission_id,
                row["unit_code"],
                failed[submission_id],
            )
            continue
        filing.move(text_path(row["inbox_path"]), Path(row["stored_path"]))


_REPORT_ORDER = "severity, sheet, row_number, column_header, rule, message_zh"


def _problems_of(con, ids: list[int], cap: int) -> dict[int, tuple[list[dict], tuple]]:
    """Per submission: its first ``cap`` problems in report order (errors first, then by
    sheet, row and column), and its (errors, warnings, problems) counted over all of them.
    A report lists at most ``cap``: the rest is never read (130k rows at S=10)."""
    counts = {
        int(submission_id): (errors, warnings, total)
        for submission_id, errors, warnings, total in con.execute(
            """select submission_id, count(*) filter (where severity = 'E'),
                      count(*) filter (where severity = 'W'), count(*)
               from audit.validation_results where submission_id in (select unnest(?))
               group by submission_id""",
            [ids],
        ).fetchall()
    }
    cur = con.execute(
        f"""select submission_id, severity, rule, source, sheet, row_number as row,
                  column_header as column, value, message_zh, fix_zh
           from audit.validation_results where submission_id in (select unnest(?))
           qualify row_number() over (partition by submission_id order by {_REPORT_ORDER}) <= ?
           order by submission_id, {_REPORT_ORDER}""",
        [ids, cap],
    )
    names = [d[0] for d in cur.description][1:]
    found: dict[int, list[dict]] = {}
    for submission_id, *values in cur.fetchall():
        found.setdefault(int(submission_id), []).append(dict(zip(names, values, strict=True)))
    return {i: (found.get(i, []), counts[i]) for i in counts}


# ----------------------------------------------------------------------- build, publish
@metered("build")
def build(settings: Settings) -> dict:
    """One dbt build (seeds, snapshots, models, tests), then, when the project changed since
    they were made, the dbt docs of the warehouse into the data home (``dbt/target/index.html``)."""
    with ledger.connect(settings.build_db, _contracts(settings)):
        pass  # raw and audit exist even on the very first night, before any file
    try:
        summary = run_dbt(settings, "build")
        summary["docs"] = str(settings.dbt_target / "index.html")
        # the docs (models, columns, descriptions) change with the project, not with the rows
        marker = settings.dbt_target / "docs_fingerprint.txt"
        fingerprint = freshness.project_fingerprint(settings)
        current = marker.exists() and marker.read_text("utf-8") == fingerprint
        if current and (settings.dbt_target / "catalog.json").exists():
            summary["docs_seconds"] = 0.0
            return summary
        # the build just wrote the manifest with every node compiled: the docs need only the
        # catalog (compiling the project again would be most of the docs run)
        docs = run_dbt(settings, "docs", "generate", "--no-compile")
        marker.write_text(fingerprint, "utf-8")
        summary["docs_seconds"] = docs["seconds"]
        return summary
    finally:
        release_dbt()


@metered("publish")
def publish(settings: Settings) -> dict:
    """Swap in the analysts' copy, then rebuild every unit's export from it."""
    published = publish_warehouse(settings)
    published["exports"] = len(export_unit_marts(settings))
    freshness.record_build(settings)
    return published


def quiet_night(settings: Settings, run_id: str, started_at: str, files: list[dict]) -> bool:
    """True when there is nothing to do tonight: no new file and the published warehouse is
    what a build would make again (see ``freshness``). The run's summary is written here;
    the rest of the night is skipped."""
    if files:
        return False
    current, reason = freshness.is_current(settings)
    log.info("warehouse current: %s (%s)", current, reason)
    if not current:
        return False
    skipped = {"skipped": True, "success": True, "nodes": 0, "reason": reason}
    summarise(settings, run_id, started_at, 0, [], skipped, {"skipped": True})
    return True


# -------------------------------------------------------------------------- summarise
@metered("summarise")
def summarise(
    settings: Settings,
    run_id: str,
    started_at: str,
    files_seen: int,
    outcomes: list[dict],
    dbt_summary: dict,
    published: dict,
) -> dict:
    finished = _now()
    started = dt.datetime.fromisoformat(started_at)
    if started.tzinfo is not None:
        started = started.astimezone().replace(tzinfo=None, microsecond=0)
    summary = {
        "run_id": run_id,
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "files_seen": files_seen,
        "files_accepted": sum(1 for o in outcomes if o["status"] == ledger.STATUS_LOADED),
        "files_refused": sum(1 for o in outcomes if o["status"] == ledger.STATUS_REJECTED),
        "rows_loaded": sum(o["rows_loaded"] for o in outcomes),
        "dbt": {k: dbt_summary.get(k) for k in ("success", "nodes", "seconds", "docs")},
        "skipped": dbt_summary.get("reason") if dbt_summary.get("skipped") else None,
        "dbt_failures": dbt_summary.get("failures", []),
        "published": published,
        "duration_seconds": round((finished - started).total_seconds(), 1),
    }
    docs = settings.gx_docs(run_id) / "index.html"
    summary["gx_data_docs"] = str(docs) if docs.exists() else None
    path = settings.runs / f"{_safe(run_id)}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    with ledger.connect(settings.build_db, _contracts(settings)) as con:
        duplicates = con.execute(
            "select count(*) from audit.file_ledger where run_id = ? and status = 'duplicate'",
            [run_id],
        ).fetchone()[0]
        refused = [
            {"unit_code": u, "file_name": f, "report": r}
            for u, f, r in con.execute(
                "select unit_code, file_name, report_path from audit.file_ledger"
                " where run_id = ? and status = 'rejected' order by submission_id",
                [run_id],
            ).fetchall()
        ]
        con.execute("delete from audit.runs where run_id = ?", [run_id])
        con.execute(
            "insert into audit.runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                started,
                finished,
                summary["files_seen"],
                summary["files_accepted"],
                summary["files_refused"],
                duplicates,
                summary["rows_loaded"],
                summary["dbt"]["success"],
                summary["dbt"]["nodes"],
                len(summary["dbt_failures"]),
                summary["duration_seconds"],
                str(path),
            ],
        )
    summary["files_duplicate"] = duplicates
    summary["summary_path"] = str(path)
    summary["files_refused_details"] = refused
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), "utf-8")
    return summary


def _safe(run_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in run_id)
