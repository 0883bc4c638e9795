"""Settings read every environment variable the pipeline and the DAGs know, from one mapping."""

from __future__ import annotations

from pathlib import Path

from incubation.pipeline.airflow_env import airflow_env
from incubation.settings import Settings


def test_defaults_when_nothing_is_set(tmp_path):
    s = Settings.from_env(tmp_path, environ={})
    assert s.home == tmp_path.resolve()
    assert s.timezone == "Asia/Shanghai"
    assert (s.archive_retention_days, s.quarantine_days) == (3650.0, 30.0)
    assert s.alert_emails == ()


def test_values_from_the_environment(tmp_path):
    env = {
        "INCUBATION_HOME": str(tmp_path / "home"),
        "INCUBATION_TIMEZONE": "Asia/Urumqi",
        "INCUBATION_ARCHIVE_RETENTION_DAYS": "400",
        "INCUBATION_QUARANTINE_DAYS": "7.5",
        "INCUBATION_ALERT_EMAILS": " a@yz.gov.cn, ,b@yz.gov.cn ",
        "INCUBATION_SETTLE_SECONDS": "0",
    }
    s = Settings.from_env(environ=env)
    assert s.home == (tmp_path / "home").resolve()
    assert s.timezone == "Asia/Urumqi"
    assert (s.archive_retention_days, s.quarantine_days) == (400.0, 7.5)
    assert s.alert_emails == ("a@yz.gov.cn", "b@yz.gov.cn")
    assert s.settle_seconds == 0.0


def test_the_embedded_airflow_takes_the_settings_time_zone(tmp_path):
    base = {"AIRFLOW_HOME": str(tmp_path / "af"), "PATH": ""}
    assert airflow_env(base)["AIRFLOW__CORE__DEFAULT_TIMEZONE"] == "Asia/Shanghai"
    zoned = airflow_env({**base, "INCUBATION_TIMEZONE": "Asia/Urumqi"})
    assert zoned["AIRFLOW__CORE__DEFAULT_TIMEZONE"] == "Asia/Urumqi"
    assert Path(zoned["AIRFLOW_HOME"]) == tmp_path / "af"
