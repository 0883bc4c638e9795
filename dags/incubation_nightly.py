"""
### incubation_nightly — department spreadsheets to the district warehouse

Every night at 02:00 (the district's time zone, `INCUBATION_TIMEZONE`) this DAG takes the
files the responsible units dropped in `inbox/<unit>/` under the data home
(`INCUBATION_HOME`) and answers each one:

1. **check** — registers every new file in the ledger (`audit.file_ledger`) once it has
   stopped changing (`INCUBATION_SETTLE_SECONDS`). When nothing is new and the published
   warehouse is current, it writes the run summary and the other tasks are **skipped**: a
   quiet night, not a failure. Otherwise it reads each sheet against its template contract
   and runs the template's Great Expectations suite and the domain rules. Its verdicts wait
   in `work/_staged/night-<run_id>.json`; its XCom only names that file and counts the files.
2. **load** — in one transaction, loads the accepted files into `raw.<template>` with their
   ledger rows; then writes each file's receipt (回执) or rejection report (退回报告) into
   `outbox/<unit>/` and moves the file to `archive/<unit>/` (refused: `quarantine/<unit>/`).
3. **build_warehouse** — one `dbt build` (seeds, staging, core, marts and the unit marts, tests) on the build
   database.
4. **publish** — writes the run summary (`audit.runs`, `runs/<run_id>.json`, with a link to
   the run's GX Data Docs), then swaps the analysts' read-only `warehouse/incubation.duckdb`
   in atomically (its `audit.runs` names this run) and rebuilds every unit's export
   (`exports/<unit>/`). Publishing
   updates the `incubation_warehouse` asset, which starts `incubation_reports`.

**When a task fails**: check, load and publish retry twice with backoff. A failure writes an
alert to `outbox/_engineers/` (and mails `INCUBATION_ALERT_EMAILS` when set). Clearing the
failed task, or triggering the DAG again, is safe: every stage finds in the ledger what was
done and does only the rest. One run of this DAG at a time (`max_active_runs=1`); the stages
of any two runs on one data home never run at once (the stage lock).

**By day** the same stages run as `incubation_daytime` (below): a contact's file is answered
within minutes in office hours, not the next morning.

Runbook: `docs/operations.md`. Domain logic lives in the `incubation` package
(`src/incubation/`); this file only wires the stages together.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pendulum
from airflow.sdk import MultipleCronTriggerTimetable, dag, task

from incubation.assets import WAREHOUSE
from incubation.office_hours import daytime_crons
from incubation.settings import Settings

SETTINGS = Settings.from_env()
TIMEZONE = SETTINGS.timezone
DAYTIME_DOC = f"""
### incubation_daytime — answers within minutes in office hours

The nightly pipeline's stages (check, load, build_warehouse, publish: see
`incubation_nightly`), run every {SETTINGS.daytime_every_minutes} minutes in office hours
({SETTINGS.office_hours}, cron days {SETTINGS.office_days}, {TIMEZONE}; settings
`INCUBATION_OFFICE_HOURS`, `INCUBATION_OFFICE_DAYS`, `INCUBATION_DAYTIME_EVERY_MINUTES`).

A settled file is decided once, by whichever run sees it first: its receipt or rejection
report is in `outbox/<unit>/` minutes after it settled, its rows in the published
warehouse when the run ends, and the unit's progress report follows (`incubation_reports`).
Rules that compare a file with other files (a carrier's registry, the previous quarter)
judge it against everything accepted by then; a rejection report says which of its errors
are such comparisons. A run with nothing new ends in its first task (the others skipped) and leaves no summary.
A daytime stage that meets a stage of another run on the data home waits for it (the stage
lock); `audit.runs` names the DAG each run came from. Office hours must not include the
nightly 02:00 (a run id is unique per DAG only). Runbook: `docs/operations.md`.
"""
IO_RETRIES = {"retries": 2, "retry_delay": timedelta(seconds=20), "retry_exponential_backoff": True}


def _alert(context) -> None:
    """An alert file in outbox/_engineers and a log line; a mail through Airflow's SMTP
    provider when ``Settings.alert_emails`` (INCUBATION_ALERT_EMAILS) names any."""
    from incubation.answers.alerts import alert_failed_task

    alert_failed_task(Settings.from_env(), context)


def _stages(record_quiet: bool) -> None:
    """The pipeline's tasks, wired: the same for the night and the day. A quiet run (nothing
    new) is summarised in ``audit.runs`` only if ``record_quiet``."""

    @task.short_circuit(**IO_RETRIES)
    def check(logical_date=None, run_id=None, dag_run=None) -> dict:
        """The run's new files, then their verdicts; falsy (the rest of the run skipped)
        when nothing is new and the warehouse is current."""
        from incubation import pipeline

        settings = Settings.from_env()
        started_at = pendulum.now("UTC").isoformat()
        files = pipeline.discover(settings, run_id)
        dag_id = dag_run.dag_id
        if pipeline.quiet_night(settings, run_id, started_at, files, dag_id, record_quiet):
            return {}
        today = logical_date.in_timezone(settings.timezone).date() if logical_date else None
        verdicts = pipeline.check(settings, files, today, run_id)
        return pipeline.hand_over(settings, run_id, started_at, files, verdicts)

    @task(**IO_RETRIES)
    def load(checked: dict) -> list[dict]:
        from incubation import pipeline

        return pipeline.load(Settings.from_env(), pipeline.handed_over(checked))

    @task
    def build_warehouse(outcomes: list[dict]) -> dict:
        from incubation import pipeline

        return pipeline.build(Settings.from_env())

    @task(outlets=[WAREHOUSE], **IO_RETRIES)
    def publish(
        checked: dict, outcomes: list[dict], dbt_summary: dict, run_id=None, dag_run=None
    ) -> dict:
        """The run's summary (``audit.runs``), then the analysts' copy and the units'
        exports: the published warehouse names the run it holds."""
        from incubation import pipeline

        settings = Settings.from_env()
        summary = pipeline.summarise(
            settings,
            run_id,
            checked["started_at"],
            checked["files_seen"],
            outcomes,
            dbt_summary,
            dag_id=dag_run.dag_id,
        )
        return pipeline.record_published(summary, pipeline.publish(settings))

    checked = check()
    outcomes = load(checked)
    publish(checked, outcomes, build_warehouse(outcomes))


@dag(
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["incubation", "nightly"],
    default_args={"on_failure_callback": _alert},
)
def incubation_nightly():
    _stages(record_quiet=True)


def _daytime_schedule() -> MultipleCronTriggerTimetable | None:
    """The daytime ticks from the settings; None (no daytime runs, the night unchanged) when
    the settings cannot make a schedule: the reason is logged where the DAG is parsed."""
    try:
        crons = daytime_crons(
            SETTINGS.office_days, SETTINGS.office_hours, SETTINGS.daytime_every_minutes
        )
    except ValueError as exc:
        logging.getLogger(__name__).error("incubation_daytime not scheduled: %s", exc)
        return None
    return MultipleCronTriggerTimetable(*crons, timezone=TIMEZONE)


@dag(
    schedule=_daytime_schedule(),
    start_date=pendulum.datetime(2026, 1, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    doc_md=DAYTIME_DOC,
    tags=["incubation", "daytime"],
    default_args={"on_failure_callback": _alert},
)
def incubation_daytime():
    _stages(record_quiet=False)


incubation_nightly()
incubation_daytime()
