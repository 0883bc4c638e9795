"""The production deployment for real: `incubation deploy up` starts, from docker-compose.yml's
settings, an api-server, scheduler, dag-processor, triggerer and two Celery workers on this
machine's Postgres (the metadata database, a role and database of the deployment's own) and
Redis (the broker), exporting metrics to an OpenTelemetry receiver the test runs. The nightly
DAG is triggered through the REST API on the demo inbox and run by the Celery workers, the
reports DAG fires on the warehouse asset, the warehouse equals the embedded run's, and the
stages' metrics arrive beside Airflow's. A worker killed (its whole process tree, as a
container dies) while it runs a task: the scheduler finds the task without a heartbeat, it is
retried on the other worker, and ``deploy up`` starts the killed worker again. Where Postgres
or Redis is not reachable the tests are reported as not run (skipped with the reason), never
passed."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import psutil
import pytest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)

from incubation import deploy
from incubation.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.integration
DEMO_INBOX = PROJECT_ROOT / "include" / "demo" / "inbox"
PROGRESS = (
    "select scope, indicator, target_year, target_value, actual_value, pct_of_target,"
    " as_of_period, coverage_zh from core.fct_target_progress order by all"
)


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, base: str, password: str):
        self.base = base
        status, body = self.call("POST", "/auth/token", {"username": "admin", "password": password})
        assert status in (200, 201), body
        self.token = body["access_token"]

    def call(self, method: str, path: str, data: dict | None = None):
        headers = {"Content-Type": "application/json"}
        if getattr(self, "token", None):
            headers["Authorization"] = f"Bearer {self.token}"
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.base + path, data=body, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")


class Receiver:
    """An OTLP/HTTP metrics receiver (what a collector listens with): every data point it is
    sent, by metric name, as (service name, attributes)."""

    def __init__(self):
        self._points: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                receiver.take(ExportMetricsServiceRequest.FromString(body))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def points(self) -> dict[str, list[tuple[str, dict]]]:
        """What has arrived so far (a copy: the server's threads go on adding)."""
        with self._lock:
            return {name: list(found) for name, found in self._points.items()}

    def take(self, request) -> None:
        with self._lock:
            self._take(request)

    def _take(self, request) -> None:
        for resource in request.resource_metrics:
            service = {a.key: a.value.string_value for a in resource.resource.attributes}
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    data = getattr(metric, metric.WhichOneof("data"))
                    for point in data.data_points:
                        attributes = {a.key: a.value.string_value for a in point.attributes}
                        self._points[metric.name].append((service.get("service.name"), attributes))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_for(what: str, check, timeout: float = 600, every: float = 3):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(every)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if not (reachable(5432) and reachable(6379)):
        pytest.skip("NOT RUN: Postgres (127.0.0.1:5432) or Redis (127.0.0.1:6379) not reachable")
    home = tmp_path_factory.mktemp("deployed") / "home"
    shutil.copytree(DEMO_INBOX, home / "inbox")
    receiver = Receiver()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INCUBATION_HOME", str(home))
        patch.setenv("INCUBATION_SETTLE_SECONDS", "0")
        for name in ("AIRFLOW_HOME", "AIRFLOW__CORE__DAGS_FOLDER"):  # the deployment's own
            patch.delenv(name, raising=False)
        patch.setenv("OTEL_INTERVAL_MILLISECONDS", "2000")
        # a task whose worker died is found after 30 s without a heartbeat (Airflow's
        # default is 5 minutes); the supervisor heartbeats every 5 s
        patch.setenv("AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT", "30")
        settings = Settings.from_env()
        up = deploy.up(
            settings, workers=2, api_port=free_port(), redis_db=7, metrics=receiver.address
        )
        try:
            password = json.loads(Path(up["admin_password_file"]).read_text())["admin"]
            api = Api(up["api"], password)
            for dag_id in ("incubation_nightly", "incubation_reports"):
                wait_for(
                    f"{dag_id} parsed",
                    lambda d=dag_id: api.call("GET", f"/api/v2/dags/{d}")[0] == 200,
                )
            yield settings, api, receiver
        finally:
            stopped = deploy.down(settings, purge=True)
            receiver.close()
            assert deploy.running(deploy.Deployment(settings)) == {}
            assert set(stopped["stopped"]) == set(up["components"])


def embedded_warehouse(tmp_path: Path) -> Path:
    """The same inbox through the embedded deployment (`incubation run`)."""
    home = tmp_path / "embedded"
    shutil.copytree(DEMO_INBOX, home / "inbox")
    env = {
        **os.environ,
        "INCUBATION_HOME": str(home),
        "AIRFLOW_HOME": str(tmp_path / "embedded-airflow"),
        "INCUBATION_SETTLE_SECONDS": "0",
    }
    env.pop("AIRFLOW__CORE__DAGS_FOLDER", None)
    run = subprocess.run(
        [str(Path(sys.executable).parent / "incubation"), "run"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return home / "warehouse" / "incubation.duckdb"


def rows(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(PROGRESS).fetchall()
    finally:
        con.close()


def test_the_night_runs_on_celery_workers_with_postgres(deployment, tmp_path):
    settings, api, receiver = deployment
    status = deploy.status(settings)
    assert set(status["components"]) == {
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
        "airflow-worker-1",
        "airflow-worker-2",
    }
    assert set(status["components"].values()) == {"running"} and status["api_healthy"]
    for dag_id in ("incubation_nightly", "incubation_reports"):
        assert api.call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})[0] == 200

    # --- the night, triggered through the API, run by the Celery workers
    code, run = api.call(
        "POST", "/api/v2/dags/incubation_nightly/dagRuns", {"logical_date": None, "conf": {}}
    )
    assert code == 200, run
    run_id = run["dag_run_id"]

    def finished():
        _, found = api.call("GET", f"/api/v2/dags/incubation_nightly/dagRuns/{run_id}")
        return found["state"] if found["state"] in ("success", "failed") else None

    assert wait_for("the night", finished) == "success"

    # unpausing also started the latest scheduled night (catchup off): whichever ran first
    # took the inbox, the other found nothing new and skipped its stages
    def nights_done():
        _, found = api.call("GET", "/api/v2/dags/incubation_nightly/dagRuns")
        runs = found["dag_runs"]
        return runs if all(r["state"] in ("success", "failed") for r in runs) else None

    nights = wait_for("every night", nights_done)
    assert {r["state"] for r in nights} == {"success"}
    ran = []
    for night in nights:
        path = f"/api/v2/dags/incubation_nightly/dagRuns/{night['dag_run_id']}/taskInstances"
        tis = api.call("GET", path)[1]["task_instances"]
        assert {ti["state"] for ti in tis} <= {"success", "skipped"}
        if {ti["state"] for ti in tis} == {"success"}:
            ran.append(tis)
    (tis,) = ran  # the inbox was taken once
    assert {ti["task_id"] for ti in tis} >= {"check", "load", "build_warehouse", "publish"}
    assert {ti["executor"] or "CeleryExecutor" for ti in tis} == {"CeleryExecutor"}

    # --- the reports DAG, started by the warehouse asset the night's publish updated
    def reports_done():
        _, found = api.call("GET", "/api/v2/dags/incubation_reports/dagRuns")
        done = [r for r in found["dag_runs"] if r["run_type"] == "asset_triggered"]
        return done if done and all(r["state"] in ("success", "failed") for r in done) else None

    reports = wait_for("the reports DAG", reports_done)
    assert {r["state"] for r in reports} == {"success"}
    assert (settings.dashboard / "index.html").exists()
    assert list((settings.outbox / "sci_tech_bureau").glob("全区进度报告_*.xlsx"))

    # --- both workers ran tasks (each Celery worker logs the tasks it received)
    logs = deploy.Deployment(settings).logs
    for worker in ("airflow-worker-1", "airflow-worker-2"):
        text = (logs / f"{worker}.log").read_text("utf-8", errors="replace")
        assert "execute_workload" in text and "succeeded" in text, worker

    # --- the same warehouse as the embedded deployment makes of the same inbox
    assert rows(settings.warehouse_db) == rows(embedded_warehouse(tmp_path))

    # --- metrics: Airflow's own and the stages', exported the same way, from every process
    def exported():
        names = set(receiver.points)
        stages = {f"airflow.incubation.stage.{s}.duration" for s in ("check", "load", "publish")}
        return names if "airflow.scheduler_heartbeat" in names and stages <= names else None

    wait_for("the metrics", exported, timeout=60)
    services = {service for points in receiver.points.values() for service, _ in points}
    assert services == {"yuzhong-incubation"}
    assert ("yuzhong-incubation", {"stage": "build"}) in receiver.points[
        "airflow.incubation.stage.build.peak_rss_mb"
    ]


def worker_of(pid: int, workers: dict[str, int]) -> str | None:
    """The worker whose process tree holds ``pid`` (None once the task's process ended)."""
    for name, worker in workers.items():
        if pid in {p.pid for p in psutil.Process(worker).children(recursive=True)}:
            return name
    return None


def test_a_task_whose_worker_is_killed_is_retried_on_another(deployment):
    """Needs the night's warehouse (the test above): the reports read it."""
    settings, api, receiver = deployment
    dag_runs = "/api/v2/dags/incubation_reports/dagRuns"

    def run_done(run_id):
        found = api.call("GET", f"{dag_runs}/{run_id}")[1]
        return found["state"] if found["state"] in ("success", "failed") else None

    workers = {
        name: pid
        for name, pid in deploy.running(deploy.Deployment(settings)).items()
        if name.startswith(deploy.WORKER)
    }
    for _ in range(3):  # a task that ended between the look and the kill: another run
        code, run = api.call("POST", dag_runs, {"logical_date": None, "conf": {}})
        assert code == 200, run
        tis_path = f"{dag_runs}/{run['dag_run_id']}/taskInstances"

        def a_running_task(tis_path=tis_path):
            tis = api.call("GET", tis_path)[1]["task_instances"]
            return next((ti for ti in tis if ti["state"] == "running" and ti["pid"]), None)

        ti = wait_for("a running reports task", a_running_task, timeout=300, every=0.2)
        victim = worker_of(ti["pid"], workers)
        if victim:
            # the whole tree, as when a worker's container or host dies: the worker, its
            # pool, the task's supervisor and the task (in a process group of its own)
            tree = psutil.Process(workers[victim])
            processes = [*tree.children(recursive=True), tree]
            if ti["pid"] in {p.pid for p in processes}:
                for process in processes:
                    process.send_signal(signal.SIGKILL)
                _, left = psutil.wait_procs(processes, timeout=30)
                assert not left
                break
        wait_for("the reports run", lambda r=run["dag_run_id"]: run_done(r))
    else:
        pytest.fail("no reports task stayed running long enough to kill its worker")
    assert deploy.status(settings)["components"][victim] == "stopped"

    assert wait_for("the reports run", lambda: run_done(run["dag_run_id"])) == "success"
    retried = api.call("GET", f"{tis_path}/{ti['task_id']}")[1]
    assert (retried["state"], retried["try_number"]) == ("success", 2)
    # run again by the worker left: the killed one is still down
    assert retried["pid"] != ti["pid"]
    assert deploy.status(settings)["components"][victim] == "stopped"
    # the scheduler counted the task it found without a heartbeat
    killed = receiver.points["airflow.task_instances_without_heartbeats_killed"]
    assert ("yuzhong-incubation", {"dag_id": "incubation_reports", "task_id": ti["task_id"]}) in (
        killed
    )

    # `deploy up` on the deployment starts the killed worker again, and only it
    before = deploy.running(deploy.Deployment(settings))
    again = deploy.up(settings)
    assert set(again["components"].values()) == {"running"}
    after = deploy.running(deploy.Deployment(settings))
    assert after[victim] != workers[victim]
    assert {n: p for n, p in after.items() if n != victim} == before
