"""The embedded deployment's environment."""

from __future__ import annotations

import stat

from incubation.pipeline.airflow_env import airflow_env


def test_one_long_jwt_secret_for_every_component(tmp_path):
    home = tmp_path / "airflow_home"
    first = airflow_env({"AIRFLOW_HOME": str(home), "PATH": ""})
    again = airflow_env({"AIRFLOW_HOME": str(home), "PATH": ""})
    secret = first["AIRFLOW__API_AUTH__JWT_SECRET"]
    assert len(secret.encode()) >= 64  # PyJWT warns below 64 bytes for SHA-512
    assert again["AIRFLOW__API_AUTH__JWT_SECRET"] == secret  # the api-server's is the tasks'
    assert stat.S_IMODE((home / "jwt_secret").stat().st_mode) == 0o600
    other = airflow_env({"AIRFLOW_HOME": str(tmp_path / "other"), "PATH": ""})
    assert other["AIRFLOW__API_AUTH__JWT_SECRET"] != secret


def test_a_secret_set_by_the_operator_wins(tmp_path):
    env = airflow_env({"AIRFLOW_HOME": str(tmp_path), "AIRFLOW__API_AUTH__JWT_SECRET": "x" * 80})
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == "x" * 80
    assert not (tmp_path / "jwt_secret").exists()
