"""The plugin's pages through a real embedded api-server: the dashboard, the dbt docs and the
latest GX Data Docs for a logged-in user, nothing for an anonymous request, and the three
menu entries in the UI's plugin list."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from incubation.pipeline.airflow_env import airflow_env

pytestmark = pytest.mark.integration
AIRFLOW = str(Path(sys.executable).parent / "airflow")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, token: str | None = None, data: dict | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def write_sites(home: Path) -> dict[str, bytes]:
    """A page in each site, as the pipeline would have left them."""
    pages = {
        "dashboard/index.html": "<h1>全区</h1>".encode(),
        "dashboard/zones/hq_city.html": "<h1>总部城</h1>".encode(),
        "dbt/target/index.html": b"<title>dbt docs</title>",
        "dbt/target/manifest.json": b"{}",
        "dbt/target/run_results.json": b"{}",
        "docs/gx/run-1/index.html": b"old run",
        "docs/gx/run-2/index.html": b"<title>Data Docs</title>",
    }
    for path, body in pages.items():
        (home / path).parent.mkdir(parents=True, exist_ok=True)
        (home / path).write_bytes(body)
    os.utime(home / "docs/gx/run-1/index.html", (1_000_000, 1_000_000))
    return pages


@pytest.fixture(scope="module")
def api_server(airflow_db, tmp_path_factory):
    home = tmp_path_factory.mktemp("pages-home")
    pages = write_sites(home)
    port = free_port()
    env = airflow_env({**os.environ, "INCUBATION_HOME": str(home)})
    env["AIRFLOW__API__PORT"] = str(port)
    log = (home / "api-server.log").open("w")
    server = subprocess.Popen(
        [AIRFLOW, "api-server", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while fetch_or_none(f"{base}/api/v2/monitor/health") != 200:
        if server.poll() is not None or time.time() > deadline:
            server.kill()
            pytest.fail(
                f"the api-server did not start: {(home / 'api-server.log').read_text()[-3000:]}"
            )
        time.sleep(1)
    passwords = json.loads(
        Path(env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]).read_text()
    )
    status, body = fetch(
        f"{base}/auth/token", data={"username": "admin", "password": passwords["admin"]}
    )
    assert status in (200, 201), body
    yield base, json.loads(body)["access_token"], pages
    os.killpg(server.pid, 15)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, 9)
    log.close()


def fetch_or_none(url: str) -> int | None:
    try:
        return fetch(url)[0]
    except OSError:
        return None


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("/incubation/dashboard/", "dashboard/index.html"),
        ("/incubation/dashboard/zones/hq_city.html", "dashboard/zones/hq_city.html"),
        ("/incubation/dbt-docs/", "dbt/target/index.html"),
        ("/incubation/dbt-docs/manifest.json", "dbt/target/manifest.json"),
        ("/incubation/gx-docs/", "docs/gx/run-2/index.html"),
    ],
)
def test_a_logged_in_user_gets_the_pages(api_server, url, page):
    base, token, pages = api_server
    assert fetch(base + url, token) == (200, pages[page])


@pytest.mark.parametrize(
    "url",
    ["/incubation/dashboard/", "/incubation/dbt-docs/", "/incubation/gx-docs/"],
)
def test_an_anonymous_request_is_refused(api_server, url):
    base, _token, _pages = api_server
    status, body = fetch(base + url)
    assert status == 401, (status, body)
    assert "全区".encode() not in body


@pytest.mark.parametrize(
    "url",
    [
        "/incubation/dashboard/../../api-server.log",
        "/incubation/dashboard/%2e%2e/%2e%2e/api-server.log",
        "/incubation/dbt-docs/run_results.json",
        "/incubation/elsewhere/index.html",
    ],
)
def test_nothing_else_of_the_data_home_is_served(api_server, url):
    base, token, _pages = api_server
    status, _body = fetch(base + url, token)
    assert status == 404


def test_the_three_pages_are_menu_entries(api_server):
    base, token, _pages = api_server
    status, body = fetch(f"{base}/api/v2/plugins", token)
    assert status == 200
    (plugin,) = [p for p in json.loads(body)["plugins"] if p["name"] == "incubation_pages"]
    views = {v["href"]: v for v in plugin["external_views"]}
    assert set(views) == {
        "incubation/dashboard/",
        "incubation/dbt-docs/",
        "incubation/gx-docs/",
    }
    assert {v["category"] for v in views.values()} == {"渝中孵化载体"}
