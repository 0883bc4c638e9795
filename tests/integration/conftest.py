"""Fixtures for tests that run the real DAGs: the metadata database, migrated once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="session")
def airflow_db():
    airflow = str(Path(sys.executable).parent / "airflow")
    subprocess.run(
        [airflow, "db", "migrate"],
        check=True,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture(scope="session")
def dagbag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


@pytest.fixture(scope="session")
def nightly_dag(dagbag):
    return dagbag.dags["incubation_nightly"]


@pytest.fixture(scope="session")
def reports_dag(dagbag):
    return dagbag.dags["incubation_reports"]


@pytest.fixture(scope="session")
def daytime_dag(dagbag):
    return dagbag.dags["incubation_daytime"]
