"""
### incubation_reports — the dashboard, and every unit's workbook and page, when the warehouse is published

Starts whenever `incubation_nightly` (or `incubation_daytime`) publishes the warehouse (the
`incubation_warehouse` asset), not on a clock. Several publishes can collapse into one run:
the tasks always report on the warehouse as it is now. Three tasks, each on its own:

- **dashboard** — the site under the data home (`dashboard/`): the district page (every plan
  indicator against its 2023 and 2025 targets, on track or behind, the coverage of reports),
  a page per zone (its carriers, who has not reported) and per responsible unit, with the
  quarterly trajectories against the on-track path. The Airflow UI serves it (menu 渝中孵化载体,
  plugin `incubation_pages`).
- **unit_reports** — `outbox/<unit>/进度报告_<quarter>.xlsx` for every responsible unit with
  progress rows (progress against the 2023 and 2025 targets, each figure's coverage with ※
  where it rests on incomplete reports, the quarterly trend, the unit's carriers), and the
  district workbook (全区进度报告) for 区科技局.
- **unit_pages** — `outbox/<unit>/进度看板_<quarter>.html`, the unit's own dashboard page,
  made from the unit's export alone, its scripts in `outbox/<unit>/assets/`.

Rerunning it rewrites the same files from the same warehouse. It only reads the published
copy and the exports, so it never blocks the nightly. Runbook: `docs/operations.md`.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

from incubation.assets import WAREHOUSE
from incubation.settings import Settings

TIMEZONE = Settings.from_env().timezone
RETRIES = {"retries": 2, "retry_delay": timedelta(seconds=20), "retry_exponential_backoff": True}


def _alert(context) -> None:
    """An alert file in outbox/_engineers and a log line (and a mail, as for the nightly)."""
    from incubation.answers.alerts import alert_failed_task

    alert_failed_task(Settings.from_env(), context)


@dag(
    schedule=[WAREHOUSE],
    start_date=pendulum.datetime(2026, 1, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["incubation"],
    default_args={"on_failure_callback": _alert},
)
def incubation_reports():
    @task(**RETRIES)
    def dashboard() -> dict:
        from incubation.answers.dashboard.site import build_site

        return build_site(Settings.from_env())

    @task(**RETRIES)
    def unit_reports() -> dict[str, str]:
        from incubation.answers.unit_workbooks import write_all_unit_reports

        return write_all_unit_reports(Settings.from_env())

    @task(**RETRIES)
    def unit_pages() -> dict[str, str]:
        from incubation.answers.dashboard.site import write_unit_pages

        return write_unit_pages(Settings.from_env())

    dashboard()
    unit_reports()
    unit_pages()


incubation_reports()
