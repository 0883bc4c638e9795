"""Shared fixtures. Airflow reads its configuration when first imported, so the embedded
settings (a throw-away AIRFLOW_HOME, examples off) are put in the environment here, first."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_AIRFLOW_HOME = tempfile.mkdtemp(prefix="incubation-airflow-")
os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(Path(__file__).resolve().parents[1] / "dags")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("SCARF_ANALYTICS", "false")

from incubation.contracts import load_contracts, load_units  # noqa: E402
from incubation.settings import Settings  # noqa: E402


@pytest.fixture(scope="session")
def project_settings() -> Settings:
    """Settings whose project files (contracts, suites, seeds) are the repository's."""
    return Settings.from_env(tempfile.mkdtemp(prefix="incubation-home-"))


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    """A fresh, empty data home for one test (also exported as INCUBATION_HOME)."""
    monkeypatch.setenv("INCUBATION_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("INCUBATION_SETTLE_SECONDS", "0")
    s = Settings.from_env()
    s.ensure_dirs()
    return s


@pytest.fixture(scope="session")
def contracts(project_settings):
    return load_contracts(project_settings.contracts_dir)


@pytest.fixture(scope="session")
def units(project_settings):
    return load_units(project_settings.contracts_dir)


@pytest.fixture(scope="session")
def runner(project_settings, contracts):
    """One GX context for the session (importing GX costs seconds)."""
    from incubation.checks.suites import SuiteRunner

    return SuiteRunner(
        project_settings.expectations_dir, project_settings.seeds_dir, list(contracts)
    )
