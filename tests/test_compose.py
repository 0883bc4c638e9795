"""docker-compose.yml checked statically (no Docker engine here): services, profiles,
secrets from an env file that is not in the repository, the data home as a volume."""

import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))


def test_services_and_profiles():
    services = compose()["services"]
    assert {
        "postgres",
        "airflow-init",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
        "redis",
        "airflow-worker",
        "otel-collector",
    } == set(services)
    assert services["redis"]["profiles"] == ["celery"]
    assert services["airflow-worker"]["profiles"] == ["celery"]
    commands = {name: s.get("command") for name, s in services.items()}
    assert commands["airflow-apiserver"] == "api-server"
    assert commands["airflow-dag-processor"] == "dag-processor"
    assert commands["airflow-worker"] == "celery worker"
    for name, service in services.items():
        if name.startswith("airflow-"):
            env = service["environment"]
            assert env["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW_EXECUTOR:-LocalExecutor}"
            assert env["INCUBATION_HOME"] == "${INCUBATION_DATA_HOME:-/data}"
            assert "incubation-data:/data" in service["volumes"]
            assert service["env_file"] == ".env"
            if name != "airflow-init":
                assert (
                    service["depends_on"]["airflow-init"]["condition"]
                    == "service_completed_successfully"
                )
    # metrics on, to the collector compose runs, whose configuration is in the repository
    env = compose()["x-airflow-common"]["environment"]
    assert env["AIRFLOW__METRICS__OTEL_ON"] == "${AIRFLOW_METRICS_ON:-true}"
    assert env["AIRFLOW__METRICS__OTEL_HOST"] == "${OTEL_HOST:-otel-collector}"
    collector = services["otel-collector"]
    (mount,) = collector["volumes"]
    config = yaml.safe_load((ROOT / mount.split(":")[0]).read_text("utf-8"))
    assert config["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(
        ":" + env["AIRFLOW__METRICS__OTEL_PORT"].split(":-")[1].rstrip("}")
    )
    assert config["service"]["pipelines"]["metrics"]["receivers"] == ["otlp"]
    assert set(compose()["volumes"]) == {
        "incubation-data",
        "postgres-data",
        "airflow-logs",
        "airflow-secrets",
    }


def test_secrets_stay_out_of_the_repository():
    text = (ROOT / "docker-compose.yml").read_text("utf-8")
    assert "change-me" not in text
    # compose refuses to start with an empty secret
    for secret in (
        "POSTGRES_PASSWORD",
        "AIRFLOW_FERNET_KEY",
        "AIRFLOW_JWT_SECRET",
        "AIRFLOW_ADMIN_PASSWORD",
    ):
        assert f"${{{secret}:?" in text, secret
        assert f"${{{secret}}}" not in text, secret
    assert "_AIRFLOW_WWW_USER" not in text  # FAB's variables: not the auth manager the image has
    example = (ROOT / ".env.example").read_text("utf-8")
    assert "AIRFLOW_FERNET_KEY=" in example and "AIRFLOW_JWT_SECRET=" in example
    ignored = subprocess.run(["git", "check-ignore", ".env"], cwd=ROOT, capture_output=True)
    assert ignored.returncode == 0, ".env must be git-ignored"


def test_image_is_built_from_the_runtime_lock_on_airflow_3_3():
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    assert dockerfile.startswith("# ") and "FROM apache/airflow:3.3." in dockerfile
    installs = [line for line in dockerfile.splitlines() if line.startswith(("COPY", "RUN"))]
    assert any("requirements.lock" in line for line in installs)
    assert "pip install --no-cache-dir -r /opt/project/requirements.lock" in dockerfile
    # the development lock (tests, linters, bench) never goes into the image
    assert not any("requirements-dev.lock" in line for line in installs)
    lock = (ROOT / "requirements.lock").read_text("utf-8")
    airflow = dockerfile.split("FROM apache/airflow:")[1].split("-")[0]
    assert f"apache-airflow=={airflow}\n" in lock


def test_the_image_has_the_production_providers():
    """Postgres as the metadata database and Celery on Redis need their providers in the
    runtime lock (the image's), not only in the official image."""
    lock = (ROOT / "requirements.lock").read_text("utf-8")
    for package in (
        "apache-airflow-providers-celery==",
        "apache-airflow-providers-postgres==",
        "psycopg2-binary==",
        "celery==",
        "redis==",
    ):
        assert package in lock, package
