"""The native deployment reads docker-compose.yml's own settings and commands: what is tested
natively is what compose runs."""

import json
import os
from pathlib import Path

import pytest
import yaml

from incubation import deploy
from incubation.settings import PROJECT_ROOT, Settings


@pytest.mark.parametrize(
    ("text", "variables", "filled"),
    [
        ("${A}", {"A": "x"}, "x"),
        ("${A:-d}", {}, "d"),
        ("${A:-d}", {"A": ""}, "d"),
        ("${A-d}", {"A": ""}, ""),
        ("${A:?set A}", {"A": "x"}, "x"),
        ("a$$b", {}, "a$b"),
        ("redis://${H:-redis}:${P:-6379}/0", {"H": "127.0.0.1"}, "redis://127.0.0.1:6379/0"),
    ],
)
def test_variables_are_filled_in_as_compose_does(text, variables, filled):
    assert deploy.interpolate(text, variables) == filled


def test_an_unset_required_variable_is_refused():
    with pytest.raises(deploy.DeployError, match="set POSTGRES_PASSWORD"):
        deploy.interpolate("${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}", {})


def test_the_native_deployment_runs_composes_settings_and_components(tmp_path):
    deployment = deploy.Deployment(Settings(home=tmp_path))
    variables = deploy.host_variables(deployment, api_port=18080, redis_db=3)
    env = deploy.environment(deployment, variables)
    spec = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text("utf-8"))
    assert set(spec["x-airflow-common"]["environment"]) <= set(env)  # every compose setting
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith(
        "postgresql+psycopg2://incubation_airflow:"
    )
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://127.0.0.1:6379/3"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18080/execution/"
    assert env["INCUBATION_HOME"] == str(tmp_path)
    assert Path(env["AIRFLOW__CORE__PLUGINS_FOLDER"]) == PROJECT_ROOT / "plugins"
    services = spec["services"]
    for name in (*deploy.COMPONENTS, deploy.WORKER):
        assert deploy.compose_command(name) == services[name]["command"].split()
    # the secrets are made once and kept by the owner alone
    again = deploy.host_variables(deployment, api_port=18080, redis_db=3)
    assert again["AIRFLOW_JWT_SECRET"] == variables["AIRFLOW_JWT_SECRET"]
    assert deployment.variables_file.stat().st_mode & 0o077 == 0


def test_metrics_go_to_the_collector_given_or_nowhere(tmp_path, monkeypatch):
    deployment = deploy.Deployment(Settings(home=tmp_path))
    monkeypatch.setenv("OTEL_INTERVAL_MILLISECONDS", "2000")
    on = deploy.environment(
        deployment, deploy.host_variables(deployment, 18080, 3, metrics="127.0.0.1:4318")
    )
    assert on["AIRFLOW__METRICS__OTEL_ON"] == "true"
    assert (on["AIRFLOW__METRICS__OTEL_HOST"], on["AIRFLOW__METRICS__OTEL_PORT"]) == (
        "127.0.0.1",
        "4318",
    )
    assert on["AIRFLOW__METRICS__OTEL_INTERVAL_MILLISECONDS"] == "2000"
    assert on["AIRFLOW__METRICS__OTEL_SERVICE"] == "yuzhong-incubation"
    off = deploy.environment(deployment, deploy.host_variables(deployment, 18080, 3))
    assert off["AIRFLOW__METRICS__OTEL_ON"] == "false"
    for wrong in ("collector", "http://collector:4318"):
        with pytest.raises(deploy.DeployError, match="host:port"):
            deploy.host_variables(deployment, 18080, 3, metrics=wrong)


def test_up_on_a_running_deployment_is_refused(tmp_path, monkeypatch):
    deployment = deploy.Deployment(Settings(home=tmp_path))
    deployment.root.mkdir(parents=True)
    state = {"api_port": "1", "redis_db": 0, "components": {"airflow-scheduler": os.getpid()}}
    deployment.state.write_text(json.dumps(state))
    with pytest.raises(deploy.DeployError, match="already running"):
        deploy.up(Settings(home=tmp_path))


def test_up_starts_again_only_what_stopped_as_it_was_started(tmp_path, monkeypatch):
    """A state written before the commands were kept: the stopped worker is started with the
    worker command, after what is left of its process group is killed; the component that
    runs is left alone; the host values are the first ``up``'s, not this shell's."""
    settings = Settings(home=tmp_path)
    deployment = deploy.Deployment(settings)
    deployment.logs.mkdir(parents=True)
    dead = 2**22 + 12345  # above the kernel's pid range: no such process
    state = {
        "api_port": "18080",
        "redis_db": 3,
        "components": {"airflow-scheduler": os.getpid(), "airflow-worker-1": dead},
        "hosts": {"REDIS_HOST": "10.0.0.9"},
    }
    deployment.state.write_text(json.dumps(state))
    monkeypatch.setenv("INCUBATION_REDIS_HOST", "127.0.0.1")
    started, killed = {}, []

    def start(deployment, name, command, env):
        started[name] = (command, env["AIRFLOW__CELERY__BROKER_URL"])
        return 4242

    monkeypatch.setattr(deploy, "_start", start)
    monkeypatch.setattr(deploy, "_signal_group", lambda pid, sig: killed.append(pid))
    monkeypatch.setattr(deploy, "status", lambda settings: {"ok": True})
    assert deploy.up(settings, workers=5) == {"ok": True}
    (command, broker) = started.pop("airflow-worker-1")
    assert started == {}  # the scheduler runs: not started twice
    assert command[:2] == deploy.compose_command(deploy.WORKER)
    assert "worker1@%h" in command
    assert broker == "redis://10.0.0.9:6379/3"
    assert killed == [dead]
    kept = json.loads(deployment.state.read_text())
    assert kept["components"] == {"airflow-scheduler": os.getpid(), "airflow-worker-1": 4242}
    assert set(kept["commands"]) == {"airflow-scheduler", "airflow-worker-1"}
