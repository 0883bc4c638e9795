"""The Airflow assets the DAGs produce and are scheduled on, defined once.

Imported by the DAG files at parse time: nothing here but Airflow's ``Asset``."""

from __future__ import annotations

from airflow.sdk import Asset

# the analysts' published warehouse; `incubation_nightly` updates it, `incubation_reports`
# runs on it
WAREHOUSE = Asset(name="incubation_warehouse", uri="file:///incubation/warehouse/incubation.duckdb")
