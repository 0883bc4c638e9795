"""The production deployment on this host's own services: what docker-compose.yml runs,
natively (``incubation deploy up|down|status``).

docker-compose.yml is the one definition: its common Airflow environment (executor, metadata
database, broker, result backend, execution API, secrets, timezone, data home) and its
services' commands are read from it and filled in as compose would, with this host's
values instead of the containers' (Postgres and Redis on 127.0.0.1, the data home and the
Airflow home on disk). ``up`` makes a Postgres role and database of the deployment's own,
migrates it and starts the api-server, the scheduler, the dag-processor, the triggerer and
one or more Celery workers (CeleryExecutor); ``down`` stops every one of them and checks that
none is left; the state (secrets, process ids, logs, Airflow home) is ``deploy/`` of the data
home. ``up`` on a deployment of which a component has stopped (a worker killed, say) starts
that component again, as compose's ``restart: always`` would.

Metrics: with ``metrics`` (the ``host:port`` of an OpenTelemetry collector's OTLP/HTTP
receiver) every component exports Airflow's metrics there, and the stages their own
(``incubation.stage.*``, see ``pipeline.metering``); compose runs a collector of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from incubation.pipeline.airflow_env import airflow_env, owner_only
from incubation.settings import PROJECT_ROOT, Settings

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
# the long-running services of docker-compose.yml, in the order they start
COMPONENTS = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
)
WORKER = "airflow-worker"
ROLE = "incubation_airflow"
WORKER_LOG_PORT = 8793  # the first worker's log server; each further worker the next port
# the host values a restarted component takes from the first ``up``, not from the shell
HOSTS = (
    "POSTGRES_HOST",
    "POSTGRES_PORT",
    "REDIS_HOST",
    "REDIS_PORT",
    "OTEL_HOST",
    "OTEL_PORT",
    "OTEL_INTERVAL_MILLISECONDS",
)

_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
)


class DeployError(RuntimeError):
    """The deployment could not be started or stopped; the message says why."""


def interpolate(text: str, variables: Mapping[str, str]) -> str:
    """``text`` with compose's variables filled in: ``${VAR}``, ``${VAR:-default}``,
    ``${VAR-default}``, ``${VAR:?message}``, ``${VAR?message}``, ``$$``."""

    def fill(match: re.Match) -> str:
        if match[0] == "$$":
            return "$"
        name, op, arg = match["name"], match["op"], match["arg"]
        value = variables.get(name)
        unset = value is None or (op is not None and op.startswith(":") and value == "")
        if op in (":-", "-"):
            return arg if unset else value
        if op in (":?", "?"):
            if unset:
                raise DeployError(f"{name}: {arg}")
            return value
        return value or ""

    return _VARIABLE.sub(fill, text)


def compose_file(path: Path = COMPOSE) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))


def compose_environment(variables: Mapping[str, str], path: Path = COMPOSE) -> dict[str, str]:
    """The Airflow environment every compose service shares, filled in with ``variables``."""
    common = compose_file(path)["x-airflow-common"]["environment"]
    return {key: interpolate(str(value), variables) for key, value in common.items()}


def compose_command(service: str, path: Path = COMPOSE) -> list[str]:
    """The airflow command a compose service runs (``celery worker`` -> celery, worker)."""
    return str(compose_file(path)["services"][service]["command"]).split()


@dataclass(frozen=True)
class Deployment:
    """Where one native deployment keeps its state, under the data home."""

    settings: Settings

    @property
    def root(self) -> Path:
        return self.settings.home / "deploy"

    @property
    def airflow_home(self) -> Path:
        return self.root / "airflow"

    @property
    def secrets_dir(self) -> Path:
        return self.root / "secrets"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def state(self) -> Path:
        """What runs: the api-server's port, the Redis database, each component's pid."""
        return self.root / "running.json"

    def read_state(self) -> dict:
        if not self.state.exists():
            return {"components": {}}
        return json.loads(self.state.read_text("utf-8"))

    @property
    def variables_file(self) -> Path:
        return self.secrets_dir / "deploy.json"


def host_variables(
    deployment: Deployment, api_port: int, redis_db: int, metrics: str | None = None
) -> dict[str, str]:
    """The values compose's variables take on this host; the secrets are made once and kept
    (owner only) in ``deploy/secrets/deploy.json``. Metrics go to the collector at
    ``metrics`` (``host:port``), or nowhere (no collector runs on a bare host); how often they
    are exported is ``OTEL_INTERVAL_MILLISECONDS`` of the environment, as in compose."""
    path = deployment.variables_file
    if path.exists():
        kept = json.loads(path.read_text("utf-8"))
    else:
        from cryptography.fernet import Fernet

        kept = {
            "POSTGRES_PASSWORD": secrets.token_hex(16),
            "AIRFLOW_FERNET_KEY": Fernet.generate_key().decode(),
            "AIRFLOW_JWT_SECRET": secrets.token_hex(64),
            "AIRFLOW_ADMIN_PASSWORD": secrets.token_urlsafe(16),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        owner_only(path)
        path.write_text(json.dumps(kept), "utf-8")
    return {
        **kept,
        "AIRFLOW_EXECUTOR": "CeleryExecutor",
        "POSTGRES_USER": ROLE,
        "POSTGRES_DB": ROLE,
        "POSTGRES_HOST": os.environ.get("INCUBATION_POSTGRES_HOST", "127.0.0.1"),
        "POSTGRES_PORT": os.environ.get("INCUBATION_POSTGRES_PORT", "5432"),
        "REDIS_HOST": os.environ.get("INCUBATION_REDIS_HOST", "127.0.0.1"),
        "REDIS_PORT": os.environ.get("INCUBATION_REDIS_PORT", "6379"),
        "REDIS_DB": str(redis_db),
        "AIRFLOW_ADMIN_USER": "admin",
        "AIRFLOW_SECRETS_DIR": str(deployment.secrets_dir),
        "AIRFLOW_API_HOST": "127.0.0.1",
        "AIRFLOW_API_PORT": str(api_port),
        "INCUBATION_TIMEZONE": deployment.settings.timezone,
        "INCUBATION_DATA_HOME": str(deployment.settings.home),
        **metrics_variables(metrics),
    }


def metrics_variables(metrics: str | None) -> dict[str, str]:
    """Compose's metrics variables for a collector at ``host:port`` (or metrics off)."""
    if not metrics:
        return {"AIRFLOW_METRICS_ON": "false"}
    host, _, port = metrics.rpartition(":")
    if not host or "/" in host or not port.isdigit():
        raise DeployError(f"metrics: expected host:port of an OTLP/HTTP receiver, got {metrics!r}")
    found = {"AIRFLOW_METRICS_ON": "true", "OTEL_HOST": host, "OTEL_PORT": port}
    if os.environ.get("OTEL_INTERVAL_MILLISECONDS"):
        found["OTEL_INTERVAL_MILLISECONDS"] = os.environ["OTEL_INTERVAL_MILLISECONDS"]
    return found


def environment(deployment: Deployment, variables: Mapping[str, str]) -> dict[str, str]:
    """The environment of every component: compose's, then what the image sets (the DAGs and
    plugins folders, the embedded defaults of ``airflow_env``) for this checkout."""
    env = {**os.environ, **compose_environment(variables)}
    env["AIRFLOW_HOME"] = str(deployment.airflow_home)
    return airflow_env(env)


def ensure_database(variables: Mapping[str, str]) -> None:
    """The deployment's own role and database in Postgres (made if missing; the role's
    password set to the kept one). The server's superuser is ``INCUBATION_POSTGRES_ADMIN``
    (``postgres``), reached with the server's own authentication."""
    import psycopg2
    from psycopg2 import sql

    admin = os.environ.get("INCUBATION_POSTGRES_ADMIN", "postgres")
    try:
        con = psycopg2.connect(
            host=variables["POSTGRES_HOST"],
            port=variables["POSTGRES_PORT"],
            user=admin,
            dbname="postgres",
            connect_timeout=10,
        )
    except psycopg2.OperationalError as exc:
        raise DeployError(f"Postgres not reachable as {admin}: {exc}".strip()) from exc
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute("select 1 from pg_roles where rolname = %s", [ROLE])
            verb = "alter" if cur.fetchone() else "create"
            cur.execute(
                sql.SQL(verb + " role {} with login password {}").format(
                    sql.Identifier(ROLE), sql.Literal(variables["POSTGRES_PASSWORD"])
                )
            )
            cur.execute("select 1 from pg_database where datname = %s", [ROLE])
            if not cur.fetchone():
                cur.execute(
                    sql.SQL("create database {} owner {}").format(
                        sql.Identifier(ROLE), sql.Identifier(ROLE)
                    )
                )
    finally:
        con.close()


def drop_database(variables: Mapping[str, str]) -> None:
    import psycopg2
    from psycopg2 import sql

    admin = os.environ.get("INCUBATION_POSTGRES_ADMIN", "postgres")
    con = psycopg2.connect(
        host=variables["POSTGRES_HOST"],
        port=variables["POSTGRES_PORT"],
        user=admin,
        dbname="postgres",
    )
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(ROLE))
            )
    finally:
        con.close()


def _airflow() -> str:
    return str(Path(sys.executable).parent / "airflow")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie of ours is not running
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def running(deployment: Deployment) -> dict[str, int]:
    """The components of the deployment still running, by name."""
    pids = deployment.read_state()["components"]
    return {name: pid for name, pid in pids.items() if _alive(pid)}


def _health(port: str) -> bool:
    try:
        url = f"http://127.0.0.1:{port}/api/v2/monitor/health"
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def commands(workers: int) -> dict[str, list[str]]:
    """Each component's airflow command, from compose: its services, one worker per Celery
    hostname (``worker<k>@host``), each running one task at a time."""
    found = {name: compose_command(name) for name in COMPONENTS}
    for k in range(1, workers + 1):
        found[f"{WORKER}-{k}"] = [
            *compose_command(WORKER),
            *("--celery-hostname", f"worker{k}@%h", "--concurrency", "1"),
        ]
    return found


def _start(deployment: Deployment, name: str, command: list[str], env: Mapping[str, str]) -> int:
    """Start one component in a session of its own, its output appended to its log."""
    component_env = dict(env)
    if name.startswith(WORKER):  # each worker's log server on its own port
        component_env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(
            WORKER_LOG_PORT + int(name.rsplit("-", 1)[1]) - 1
        )
    with (deployment.logs / f"{name}.log").open("a") as log:
        process = subprocess.Popen(
            [_airflow(), *command],
            env=component_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process.pid


def up(
    settings: Settings,
    workers: int = 2,
    api_port: int = 8080,
    redis_db: int = 0,
    metrics: str | None = None,
) -> dict:
    """Start the deployment; what runs, where. On a deployment of which some component has
    stopped, start those again as they were started (the other arguments are then those of
    the first ``up``); on one that runs whole, refuse."""
    deployment = Deployment(settings)
    state = deployment.read_state()
    alive = running(deployment)
    if alive:
        # as first started: its commands (a state from before they were kept: compose's, for
        # the components it names) and its host values, whatever this shell's environment says
        known = state.get("commands") or {
            name: command
            for name, command in commands(
                sum(name.startswith(WORKER) for name in state["components"])
            ).items()
            if name in state["components"]
        }
        stopped = [name for name in known if name not in alive]
        if not stopped:
            raise DeployError(f"already running: {sorted(alive)} ({deployment.root})")
        variables = {
            **host_variables(
                deployment, int(state["api_port"]), state["redis_db"], state.get("metrics")
            ),
            **state.get("hosts", {}),
        }
        env = environment(deployment, variables)
        for name in stopped:
            if name in state["components"]:  # what is left of it (its pool, its log server)
                _signal_group(state["components"][name], signal.SIGKILL)
            state["components"][name] = _start(deployment, name, known[name], env)
        state["commands"] = known
        deployment.state.write_text(json.dumps(state), "utf-8")
        return status(settings)
    variables = host_variables(deployment, api_port, redis_db, metrics)
    ensure_database(variables)
    env = environment(deployment, variables)
    settings.ensure_dirs()
    deployment.logs.mkdir(parents=True, exist_ok=True)
    passwords = Path(env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
    owner_only(passwords)  # as airflow-init writes it from .env
    passwords.write_text(json.dumps({"admin": variables["AIRFLOW_ADMIN_PASSWORD"]}), "utf-8")
    migrate = subprocess.run([_airflow(), "db", "migrate"], env=env, capture_output=True, text=True)
    if migrate.returncode != 0:
        raise DeployError(f"airflow db migrate failed: {migrate.stderr[-2000:]}")
    pids: dict[str, int] = {}
    state = {
        "api_port": variables["AIRFLOW_API_PORT"],
        "redis_db": redis_db,
        "metrics": metrics,
        "components": pids,
        "commands": commands(workers),
        "hosts": {name: variables[name] for name in HOSTS if name in variables},
    }
    for name, command in state["commands"].items():
        pids[name] = _start(deployment, name, command, env)
        deployment.state.write_text(json.dumps(state), "utf-8")
    deadline = time.monotonic() + 180
    while not _health(variables["AIRFLOW_API_PORT"]):
        stopped = sorted(set(pids) - set(running(deployment)))
        if stopped or time.monotonic() > deadline:
            down(settings)
            raise DeployError(
                f"the deployment did not come up (stopped: {stopped or 'none'}); logs in "
                f"{deployment.logs}"
            )
        time.sleep(1)
    return status(settings)


def status(settings: Settings) -> dict:
    """Each component running or stopped, and whether the api-server answers."""
    deployment = Deployment(settings)
    state = deployment.read_state()
    alive = running(deployment)
    port = state.get("api_port")
    return {
        "components": {n: "running" if n in alive else "stopped" for n in state["components"]},
        "api": f"http://127.0.0.1:{port}" if port else None,
        "api_healthy": bool(alive and port and _health(port)),
        "admin_password_file": str(deployment.secrets_dir / "passwords.json"),
        "logs": str(deployment.logs),
    }


def down(settings: Settings, purge: bool = False) -> dict:
    """Stop every component (SIGTERM, then SIGKILL after 30 s), check none is left; with
    ``purge`` also drop its database and empty its Redis database."""
    deployment = Deployment(settings)
    state = deployment.read_state()
    pids = state["components"]
    for pid in pids.values():
        _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.5)
    for pid in pids.values():
        _signal_group(pid, signal.SIGKILL)
    time.sleep(0.5)
    left = sorted(name for name, pid in pids.items() if _alive(pid))
    if left:
        raise DeployError(f"still running after SIGKILL: {left}")
    deployment.state.unlink(missing_ok=True)
    if purge and deployment.variables_file.exists():
        variables = host_variables(deployment, 0, state.get("redis_db", 0))
        drop_database(variables)
        import redis

        redis.Redis(
            host=variables["REDIS_HOST"],
            port=int(variables["REDIS_PORT"]),
            db=int(variables["REDIS_DB"]),
        ).flushdb()
    return {"stopped": sorted(pids)}


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
