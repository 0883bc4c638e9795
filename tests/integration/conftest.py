"""Fixtures for tests that run the real DAGs: the metadata database, migrated once."""

import json
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


@pytest.fixture(scope="session")
def old_duckdb(tmp_path_factory) -> Path:
    """The Python of a separate environment holding DuckDB 1.4 (the oldest release the
    published files promise to open), installed from the package registry (as ``make test``
    installs everything); a failed install fails the test that needs it, it never skips."""
    venv = tmp_path_factory.mktemp("duckdb-1.4") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "duckdb==1.4.*"],
        capture_output=True,
        text=True,
    )
    if installed.returncode != 0:  # the registry `make test` installs from: never skipped
        pytest.fail(f"DuckDB 1.4 could not be installed: {installed.stderr[-500:]}")
    return python


def read_with(python: Path, database: Path, query: str) -> list:
    """``query``'s rows from ``database`` (read-only) as the DuckDB of ``python`` reads them;
    its error, if it cannot, raised with the message that client gave."""
    script = (
        "import duckdb, json, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "print(json.dumps([duckdb.__version__, con.execute(sys.argv[2]).fetchall()], default=str))\n"
    )
    done = subprocess.run(
        [str(python), "-c", script, str(database), query], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    version, rows = json.loads(done.stdout)
    assert version.startswith("1.4"), version
    return rows
