"""Checking the night's files and handing the verdicts over to the load."""

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
from incubation.checks.problems import ACCEPTED
from incubation.contracts import load_units
from incubation.intake.names import display_name, path_text
from incubation.pipeline.common import contracts_of, run_stem
from incubation.pipeline.locking import one_at_a_time
from incubation.pipeline.metering import metered
from incubation.settings import Settings
from incubation.store import ledger

log = logging.getLogger(__name__)


STAGED = "_staged"  # the check's staged rows and problems, under the work area
STAGE_ROWS = 100_000  # rows and problems a check process stages per parquet file
ABANDONED_DAYS = 2  # a night's staging not loaded after this long is cleared by later checks


def staging_dir(settings: Settings, run_id: str | None) -> Path:
    """Where one night stages its rows and problems: a folder of its own, so that another
    night's check never clears it before this night's load."""
    return settings.work / STAGED / run_stem(run_id or "manual")


def clear_abandoned(settings: Settings, days: float = ABANDONED_DAYS) -> None:
    """Remove the staging of nights that never loaded it (their load, rerun now, says to
    rerun their check)."""
    cutoff = time.time() - days * 86400
    for entry in (settings.work / STAGED).glob("*"):
        if entry.stat().st_mtime < cutoff:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


@one_at_a_time
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

    contracts = contracts_of(settings)
    units = load_units(settings.contracts_dir)
    docs = settings.gx_docs(run_id) if run_id else None
    runner = SuiteRunner(settings.expectations_dir, settings.seeds_dir, list(contracts), docs)
    today = today or dt.date.today()
    spill = settings.work / "_spill"  # the first pass's rows, parquet, until staged
    shutil.rmtree(spill, ignore_errors=True)
    staging = staging_dir(settings, run_id)
    shutil.rmtree(staging, ignore_errors=True)  # a rerun stages anew
    clear_abandoned(settings)
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
        sink=_Stager(staging, [item["submission_id"] for item in files]),
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
    the last step, or the calling process). Its rows (when accepted) and its problems wait
    with the next verdicts' until they hold ``STAGE_ROWS`` rows, and are then written as one
    parquet file per template and one of problems
    (``work/_staged/<run>/<pid>-<batch>-<name>.parquet``), named in each verdict's ``tables``
    and ``problems_path``. A DuckDB ``COPY`` of a frame has a fixed cost whatever its rows, so
    the frames of many files go out together rather than one per file and template. One
    DuckDB connection per process, opened at the first write: after the check's workers were
    forked, so that they share no open DuckDB. ``close`` writes what waits."""

    def __init__(self, folder: Path, submission_ids: list[int]):
        self.submission_ids = submission_ids
        self.folder = folder
        self.con: duckdb.DuckDBPyConnection | None = None
        self.batch = 0
        self.frames: dict[str, list] = {}  # template -> waiting frames, with submission_id
        # template -> waiting parquet files of the first pass, with their submission_id
        self.spilled: dict[str, list[tuple[str, int]]] = {}
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
            for template, (path, rows) in verdict.spilled.items():
                self.spilled.setdefault(template, []).append((path, submission_id))
                tables[template] = {"path": str(self._path(template)), "rows": rows}
                self.waiting += rows
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
        for template in {*self.frames, *self.spilled}:  # one parquet file each, in DuckDB
            parts = [
                f"select {int(submission_id)}::bigint as submission_id,"
                f" * exclude (file_index, pos) from read_parquet('{path}')"
                for path, submission_id in self.spilled.get(template, [])
            ]
            if template in self.frames:
                self.con.register(
                    "staged_frame", pd.concat(self.frames[template], ignore_index=True)
                )
                parts.append(
                    "select submission_id::bigint as submission_id, * exclude (submission_id)"
                    " from staged_frame"
                )
            try:
                self.con.execute(
                    f"copy ({' union all by name '.join(parts)})"
                    f" to '{self._path(template)}' (format parquet)"
                )
            finally:
                if template in self.frames:
                    self.con.unregister("staged_frame")
        if self.problems:
            ledger.stage_problems(self.con, self.problems, self._path("problems"))
        self.frames, self.spilled, self.problems, self.waiting = {}, {}, {}, 0
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


def staged_files(staged: dict) -> set[str]:
    """The parquet files a verdict's rows and problems are in (shared with other verdicts)."""
    found = {table["path"] for table in staged["tables"].values()}
    return found | ({staged["problems_path"]} if staged.get("problems_path") else set())


def hand_over(
    settings: Settings, run_id: str, started_at: str, files: list[dict], verdicts: list[dict]
) -> dict:
    """What the check hands the rest of the night (the check task's XCom): the verdicts wait
    beside the rows they staged, in ``work/_staged/night-<run id>.json`` (until the next
    check), and the XCom names the file and counts them, so that XCom stays small."""
    path = settings.work / STAGED / f"night-{run_stem(run_id or 'manual')}.json"
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
            f"{path}: this run's verdicts are gone (a check clears the staging of nights not"
            f" loaded within {ABANDONED_DAYS} days, and a rerun check its own);"
            " rerun the run's check task before its load"
        ) from None
