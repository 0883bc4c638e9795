"""Ending the runs a killed ``airflow dags test`` left behind.

``incubation run`` runs the night in an ``airflow dags test`` process. When that process is
killed (the kernel's out-of-memory killer, a signal, a power cut of the task), nothing in it
can mark its run: the run and its unfinished tasks stay ``running`` in the metadata database
for ever, and no failure callback writes an alert. The caller holds the data home's run lock,
so a run of the nightly DAG created since this call began that is still unfinished after its process
ended is the killed one: this module marks it and its unfinished tasks failed.

Run as ``python -m incubation.pipeline.airflow_runs DAG_ID SINCE`` (SINCE an ISO timestamp
with its time zone) with the Airflow environment of the run; it prints ``ended RUN_ID`` for
each run it ended.
"""

from __future__ import annotations

import datetime as dt
import sys


def fail_unfinished_runs(dag_id: str, since: dt.datetime) -> list[str]:
    """Mark failed every run of ``dag_id`` created at or after ``since`` that is not finished,
    and its unfinished task instances; return their run ids."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState, State, TaskInstanceState

    ended = []
    with create_session() as session:
        runs = (
            session.query(DagRun)
            .filter(DagRun.dag_id == dag_id, DagRun.created_at >= since)
            .filter(DagRun.state.in_([DagRunState.RUNNING, DagRunState.QUEUED]))
            .all()
        )
        for run in runs:
            for ti in run.get_task_instances(state=list(State.unfinished), session=session):
                ti.state = TaskInstanceState.FAILED
                ti.end_date = ti.end_date or dt.datetime.now(dt.UTC)
            run.set_state(DagRunState.FAILED)
            ended.append(run.run_id)
    return ended


def main(argv: list[str]) -> int:
    dag_id, since = argv
    for run_id in fail_unfinished_runs(dag_id, dt.datetime.fromisoformat(since)):
        print(f"ended {run_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
