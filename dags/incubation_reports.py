"""
### incubation_reports — every unit's progress workbook, when the warehouse is published

Starts whenever `incubation_nightly` publishes the warehouse (the `incubation_warehouse`
asset), not on a clock. Several publishes can collapse into one run: the task always reports
on the warehouse as it is now. For every responsible unit with progress rows it writes
`outbox/<unit>/进度报告_<quarter>.xlsx` (progress against the 2023 and 2025 targets, each
figure's coverage with ※ where it rests on incomplete reports, the quarterly trend against
the on-track path, the unit's carriers), and the district workbook (全区进度报告) for 区科技局.

Rerunning it rewrites the same workbooks from the same warehouse. It only reads the
published copy, so it never blocks the nightly. Runbook: `docs/operations.md`.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from incubation.assets import WAREHOUSE
from incubation.settings import Settings

TIMEZONE = Settings.from_env().timezone


@dag(
    schedule=[WAREHOUSE],
    start_date=pendulum.datetime(2026, 1, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["incubation"],
)
def incubation_reports():
    @task(retries=2)
    def unit_reports() -> dict[str, str]:
        from incubation.answers.unit_workbooks import write_all_unit_reports

        return write_all_unit_reports(Settings.from_env())

    unit_reports()


incubation_reports()
