"""The environment of the embedded Airflow: everything under the project, nothing phoning home."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .settings import PROJECT_ROOT


def airflow_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Airflow settings for the embedded deployment; values already set in ``base`` win."""
    env = dict(os.environ if base is None else base)
    defaults = {
        "AIRFLOW_HOME": str(PROJECT_ROOT / "airflow_home"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Shanghai",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
        "SCARF_ANALYTICS": "false",
        "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "INCUBATION_HOME": str(PROJECT_ROOT / "data"),
    }
    for key, value in defaults.items():
        env.setdefault(key, value)
    # airflow standalone starts its components as `airflow …` found on PATH: the venv's
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    return env
