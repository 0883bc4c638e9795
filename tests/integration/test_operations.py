"""Operations guarantees through the real DAG: analysts reading during a publish, a rerun
that changes nothing, and a rebuild from the archive that equals what the nights built."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pendulum
import pytest

from incubation.demo import build_world, write_inbox
from incubation.store.rebuild import rebuild

pytestmark = pytest.mark.integration
READER = Path(__file__).with_name("reader.py")
SCHEMAS = ("raw", "audit", "reference", "staging", "snapshots", "core", "marts")


def checksums(path: Path) -> dict[str, tuple]:
    """Row count and an order-independent hash of every table (audit.runs aside: each run
    adds its own row)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ? and table_type = 'BASE TABLE'",
            [list(SCHEMAS)],
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(
                f"select count(*), sum(hash(x)::hugeint) from {s}.{t} x"
            ).fetchone()
            for s, t in tables
            if (s, t) != ("audit", "runs")
        }
    finally:
        con.close()


def run_night(dag, day: int):
    run = dag.test(logical_date=pendulum.datetime(2026, 1, day, 2, tz="Asia/Shanghai"))
    assert run.state == "success"


def start_reader(settings, tmp_path, mode):
    stop, out = tmp_path / f"stop-{mode}", tmp_path / f"seen-{mode}.json"
    proc = subprocess.Popen(
        [sys.executable, str(READER), str(settings.warehouse_db), mode, str(stop), str(out)]
    )
    return proc, stop, out


def test_readers_idempotency_and_rebuild(settings, contracts, nightly_dag, tmp_path):
    # night 1: two quarters
    write_inbox(
        build_world(seed=3, quarters=("2025Q2", "2025Q3"), scale=0.4), settings.inbox, contracts
    )
    run_night(nightly_dag, 10)
    old = checksums(settings.warehouse_db)

    # night 2: a new quarter (earlier files again, changed registry) with two analyst
    # sessions open throughout: one held, one reconnecting every 50 ms
    readers = [start_reader(settings, tmp_path, mode) for mode in ("held", "fresh")]
    time.sleep(1.0)
    write_inbox(
        build_world(seed=3, quarters=("2025Q2", "2025Q3", "2025Q4"), scale=0.4),
        settings.inbox,
        contracts,
    )
    run_night(nightly_dag, 11)
    time.sleep(1.0)
    results = {}
    for proc, stop, out in readers:
        stop.touch()
        proc.wait(timeout=60)
        results[out.stem] = json.loads(out.read_text("utf-8"))
    new_state = (
        duckdb.connect(str(settings.warehouse_db), read_only=True)
        .execute(Path(READER).read_text("utf-8").split('STATE = """')[1].split('"""')[0])
        .fetchone()
    )
    held, fresh = results["seen-held"], results["seen-fresh"]
    assert held["errors"] == [] and fresh["errors"] == []
    first = held["seen"][0]
    assert first[0] == "2025Q3" and next(iter(new_state)) == "2025Q4"
    assert all(s == first for s in held["seen"])  # a held session keeps its night
    assert {tuple(s) for s in fresh["seen"]} <= {tuple(first), tuple(new_state)}  # never a mix
    assert fresh["seen"][0] == first and fresh["seen"][-1] == list(new_state)
    after_two = checksums(settings.warehouse_db)
    assert after_two != old
    history = (
        duckdb.connect(str(settings.warehouse_db), read_only=True)
        .execute(
            "select count(*) from snapshots.snp_carrier_registry where dbt_valid_to is not null"
        )
        .fetchone()[0]
    )
    assert history > 0  # the registry changed on night 2: the snapshot kept the old version

    # night 3: nothing new — an identical warehouse
    run_night(nightly_dag, 12)
    assert checksums(settings.warehouse_db) == after_two

    # rebuild from the archive: the same warehouse as the nights built
    result = rebuild(settings)
    assert result["submissions"] > 0
    rebuilt = checksums(settings.warehouse_db)
    assert rebuilt == after_two, {k for k in rebuilt if rebuilt.get(k) != after_two.get(k)}


RELEASED = """
import os, sys
from incubation.settings import Settings
from incubation.store.warehouse import release_dbt, run_dbt
run_dbt(Settings.from_env(sys.argv[1]), "parse")
if sys.argv[2] == "release":
    release_dbt()
sys.stderr.flush()
os._exit(0)  # as a task process under the scheduler leaves
"""


@pytest.mark.parametrize("release", [True, False])
def test_dbt_semaphores_released_before_a_task_leaves(tmp_path, release):
    """dbt's locks are named semaphores (spawn context): left to the resource tracker, they
    make an error line in the build task's log. ``release_dbt`` unlinks them."""
    done = subprocess.run(
        [sys.executable, "-c", RELEASED, str(tmp_path), "release" if release else "keep"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert ("leaked semaphore" in done.stderr) is not release


FREED = """
import subprocess, sys
import duckdb
from incubation.contracts import load_contracts
from incubation.settings import Settings
from incubation.store import ledger
from incubation.store.warehouse import run_dbt
settings = Settings.from_env(sys.argv[1])
settings.ensure_dirs()
with ledger.connect(settings.build_db, load_contracts(settings.contracts_dir)):
    pass
run_dbt(settings, "build")
run_dbt(settings, "docs", "generate", "--no-compile")
# another configuration in this process: refused while dbt's DuckDB is still open here
duckdb.connect(str(settings.build_db), read_only=True).close()
# another process writing: refused while this one holds the file's lock
other = "import duckdb, sys; duckdb.connect(sys.argv[1]).close()"
subprocess.run([sys.executable, "-c", other, str(settings.build_db)], check=True)
print("free")
"""


def test_the_build_database_is_free_once_dbt_returns(tmp_path):
    """After ``run_dbt`` (a full build and the docs, as the build stage runs them), the build
    database opens read-only in the same process and read-write from another: nothing of
    dbt's still holds it."""
    done = subprocess.run(
        [sys.executable, "-c", FREED, str(tmp_path / "home")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("free")
