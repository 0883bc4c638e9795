"""One settings object that knows every path under the data home."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

TEMP_PREFIXES = ("~$", ".~", ".")
TEMP_SUFFIXES = (".tmp", ".part", ".crdownload", ".swp")
ACCEPTED_SUFFIXES = (".xlsx", ".xls", ".csv")


@dataclass(frozen=True)
class Settings:
    """Every path the pipeline reads or writes, derived from one data home.

    ``home`` defaults to ``$INCUBATION_HOME`` or ``./data`` under the project.
    """

    home: Path
    project_root: Path = PROJECT_ROOT
    settle_seconds: float = 60.0
    timezone: str = "Asia/Shanghai"
    report_problem_cap: int = 1000
    max_file_mb: int = 50
    workers: int = 1
    max_sheet_cells: int = 10_000_000
    max_file_seconds: float = 600.0
    max_worker_mb: int = 6144
    stage_wait_seconds: float = 3600.0
    archive_retention_days: float = 3650.0
    quarantine_days: float = 30.0
    alert_emails: tuple[str, ...] = ()
    office_days: str = "1-5"  # cron day-of-week: Monday to Friday
    office_hours: str = "08:30-18:00"
    daytime_every_minutes: str = "5"  # checked where the schedule is made (office_hours)
    storage_version: str = "v1.4.0"  # the oldest DuckDB that opens the files we write

    @classmethod
    def from_env(
        cls, home: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Settings from ``environ`` (the process environment by default): INCUBATION_HOME,
        INCUBATION_SETTLE_SECONDS, INCUBATION_MAX_FILE_MB, INCUBATION_REPORT_CAP,
        INCUBATION_WORKERS (processes for the check's two passes and for the receipts; by
        default one per CPU), a file's budgets (INCUBATION_MAX_SHEET_CELLS,
        INCUBATION_MAX_FILE_SECONDS, INCUBATION_MAX_WORKER_MB), INCUBATION_TIMEZONE (the
        district's, in which the DAGs are scheduled and a night's date is taken),
        INCUBATION_STAGE_WAIT_SECONDS (how long a stage waits for another night's stage on the
        same data home before it fails), housekeeping (INCUBATION_ARCHIVE_RETENTION_DAYS,
        INCUBATION_QUARANTINE_DAYS), INCUBATION_ALERT_EMAILS (comma-separated addresses a
        failed task is mailed to) and the daytime runs: INCUBATION_OFFICE_DAYS (cron
        day-of-week, ``1-5``), INCUBATION_OFFICE_HOURS (``08:30-18:00``, in the timezone)
        and INCUBATION_DAYTIME_EVERY_MINUTES (a divisor of 60); INCUBATION_STORAGE_VERSION, the
        DuckDB storage format of the databases made (``v1.4.0``: readable by DuckDB 1.4 and
        newer; ``latest``: this DuckDB's own)."""
        env = os.environ if environ is None else environ
        raw = home or env.get("INCUBATION_HOME") or PROJECT_ROOT / "data"
        emails = env.get("INCUBATION_ALERT_EMAILS", "").split(",")
        return cls(
            home=Path(raw).resolve(),
            settle_seconds=float(env.get("INCUBATION_SETTLE_SECONDS", "60")),
            timezone=env.get("INCUBATION_TIMEZONE") or cls.timezone,
            report_problem_cap=int(env.get("INCUBATION_REPORT_CAP", "1000")),
            max_file_mb=int(env.get("INCUBATION_MAX_FILE_MB", "50")),
            workers=max(1, int(env.get("INCUBATION_WORKERS") or os.cpu_count() or 1)),
            max_sheet_cells=int(env.get("INCUBATION_MAX_SHEET_CELLS", "10000000")),
            max_file_seconds=float(env.get("INCUBATION_MAX_FILE_SECONDS", "600")),
            max_worker_mb=int(env.get("INCUBATION_MAX_WORKER_MB", "6144")),
            stage_wait_seconds=float(env.get("INCUBATION_STAGE_WAIT_SECONDS", "3600")),
            archive_retention_days=float(env.get("INCUBATION_ARCHIVE_RETENTION_DAYS", "3650")),
            quarantine_days=float(env.get("INCUBATION_QUARANTINE_DAYS", "30")),
            alert_emails=tuple(e.strip() for e in emails if e.strip()),
            office_days=env.get("INCUBATION_OFFICE_DAYS") or cls.office_days,
            office_hours=env.get("INCUBATION_OFFICE_HOURS") or cls.office_hours,
            daytime_every_minutes=env.get("INCUBATION_DAYTIME_EVERY_MINUTES")
            or cls.daytime_every_minutes,
            storage_version=env.get("INCUBATION_STORAGE_VERSION") or cls.storage_version,
        )

    @property
    def limits(self):
        """The budgets every file is checked within (``safety.Limits``)."""
        from incubation.parsing.safety import Limits

        return Limits(
            max_file_bytes=self.max_file_mb * 1024 * 1024,
            max_sheet_cells=self.max_sheet_cells,
            max_file_seconds=self.max_file_seconds,
            max_worker_mb=self.max_worker_mb,
        )

    # --- department-facing folders -------------------------------------------------
    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def outbox(self) -> Path:
        return self.home / "outbox"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @property
    def dashboard(self) -> Path:
        """The leaders' and analysts' dashboard: a static site rebuilt at every publish."""
        return self.home / "dashboard"

    # --- databases -------------------------------------------------------------------
    @property
    def build_db(self) -> Path:
        """The writer's database: raw, audit and everything dbt builds. It has the same file
        name as the published copy, so that views (which name their catalog, the file's
        stem) resolve in both."""
        return self.home / "build" / "incubation.duckdb"

    @property
    def warehouse_db(self) -> Path:
        """The analysts' read-only copy, swapped in atomically by publish."""
        return self.home / "warehouse" / "incubation.duckdb"

    # --- working areas -----------------------------------------------------------------
    @property
    def work(self) -> Path:
        """Parsed files waiting to be loaded (one folder per submission)."""
        return self.home / "work"

    @property
    def runs(self) -> Path:
        return self.home / "runs"

    def gx_docs(self, run_id: str) -> Path:
        """GX Data Docs of one run's validations (a static site)."""
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in run_id)
        return self.home / "docs" / "gx" / safe

    @property
    def dbt_target(self) -> Path:
        return self.home / "dbt" / "target"

    @property
    def dbt_logs(self) -> Path:
        return self.home / "dbt" / "logs"

    # --- project files (data that defines behaviour) -----------------------------------
    @property
    def contracts_dir(self) -> Path:
        return self.project_root / "include" / "contracts"

    @property
    def expectations_dir(self) -> Path:
        return self.project_root / "expectations"

    @property
    def dbt_project_dir(self) -> Path:
        return self.project_root / "dbt_project"

    @property
    def seeds_dir(self) -> Path:
        return self.dbt_project_dir / "seeds"

    def ensure_dirs(self) -> None:
        for path in (
            self.inbox,
            self.outbox,
            self.archive,
            self.quarantine,
            self.exports,
            self.build_db.parent,
            self.warehouse_db.parent,
            self.work,
            self.runs,
            self.dbt_target,
            self.dbt_logs,
        ):
            path.mkdir(parents=True, exist_ok=True)
