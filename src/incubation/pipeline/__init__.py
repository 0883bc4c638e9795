"""Pipeline: the nightly stages as plain functions the DAGs call (and tests call without
Airflow), their metering, the run lock and the embedded Airflow's environment.

discover -> check -> load -> build (dbt) -> summarise -> publish (the run's row in
audit.runs is published with its data). Every stage takes and
returns JSON-serialisable data, reads and writes only under the data home, and can be rerun:
a stage repeated after a crash finds what was already done in the ledger and does not redo
it.
"""

from incubation.pipeline.checking import check, hand_over, handed_over
from incubation.pipeline.discovery import discover
from incubation.pipeline.loading import load
from incubation.pipeline.publishing import build, publish
from incubation.pipeline.summary import quiet_night, record_published, summarise

__all__ = [
    "build",
    "check",
    "discover",
    "hand_over",
    "handed_over",
    "load",
    "publish",
    "quiet_night",
    "record_published",
    "summarise",
]
