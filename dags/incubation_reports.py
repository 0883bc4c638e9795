"""
### incubation_reports — every unit's progress workbook, when the warehouse is published

Scheduled on the `incubation_warehouse` asset that `incubation_nightly` publishes. Asset
events can collapse into one run: the task always reports on the warehouse as it is now, never
on "the last event". For every responsible unit with progress rows it writes
`outbox/<unit>/进度报告_<quarter>.xlsx` (progress against the 2023 and 2025 targets, the
quarterly trend against the on-track path, its carriers), and the district workbook for 区科技局.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from incubation.pipeline.assets import WAREHOUSE
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
