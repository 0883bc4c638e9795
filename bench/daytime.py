"""How soon a contact hears back in office hours (issue 23), through a real scheduler.

    .venv/bin/python -m bench.daytime [--drops 20] [--every 5] [--span 60] [--settle 30]

On a data home holding the S=1 history (loaded by one night through ``airflow dags test``),
the project's embedded deployment (api-server, scheduler with the LocalExecutor,
dag-processor; SQLite metadata) runs ``incubation_daytime`` with office hours around the
clock, every ``--every`` minutes. Then:

  1. quiet: ``--quiet`` minutes with the daytime DAG paused, then as long unpaused with
     nothing dropped: the deployment's CPU per hour without and with the quiet runs, and
     each quiet run's wall (start to end, as the scheduler recorded it);
  2. drops: ``--drops`` drops of 1–5 files at random moments over ``--span`` minutes (the
     next quarter's files first, then corrections of history files: the same workbook with
     other bytes), each written under a temporary name and renamed into the unit's inbox.
     For each file: from the moment it settled (its mtime + ``--settle``) to its answer (the
     receipt's or report's mtime in ``outbox/<unit>/``), split into the wait for the run
     that answered it (to that run's start) and the run's processing.

With an interval shorter than the default, the p95 at the default interval is also given as
the measured processing's p95 plus 95% of the default interval (the wait is uniform over the
interval); the table says which was measured. Results: the latest in RESULTS.md (section
``bench:daytime``), every run in history.jsonl (``bench: daytime``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import duckdb

from bench.common import append_results, machine, machine_line, now, versions, versions_line
from bench.night import VENV_BIN, Scheduler, TreeMeter, env_for, inbox, night_dagtest

DAG = "incubation_daytime"
DEFAULT_EVERY = 5  # minutes, the setting's default
TIMEOUT_MINUTES = 30  # a file not answered by then is reported as such


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (``share`` 0.95 for p95)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def corrected_copy(source: Path, target: Path, n: int) -> None:
    """``source`` written to ``target`` with other bytes but the same content: an .xlsx
    with a zip comment, a CSV with trailing blank lines (read as blank rows, passed over).
    Written under a temporary name (the inbox ignores ``.part``), then renamed in."""
    part = target.with_name(target.name + ".part")
    if source.suffix == ".xlsx":
        with (
            zipfile.ZipFile(source) as old,
            zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as new,
        ):
            for item in old.infolist():
                new.writestr(item, old.read(item))
            new.comment = f"bench correction {n}".encode()
    else:
        part.write_bytes(source.read_bytes() + b"\r\n" * n)
    part.rename(target)


def drop_plan(
    data: dict, drops: int, span_s: float, rng: random.Random
) -> list[tuple[float, list[Path]]]:
    """``drops`` (offset in seconds, source files): the next quarter's files first, then
    history files, 1–5 per drop, at uniformly random moments."""
    pool = sorted(Path(data["next"]).rglob("*.*"))
    history = sorted(Path(data["history"]).rglob("*.*"))
    rng.shuffle(history)
    pool += history
    moments = sorted(rng.uniform(0, span_s) for _ in range(drops))
    plan = []
    for moment in moments:
        count = rng.randint(1, 5)
        plan.append((moment, [pool.pop(0) for _ in range(min(count, len(pool)))]))
    return plan


def answer_of(outbox: Path, unit: str, name: str) -> tuple[float, str] | None:
    """The mtime and kind of the answer to the file ``name`` in ``outbox/<unit>/``."""
    for path in (outbox / unit).glob("*.json"):
        try:
            report = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue  # being written
        if report.get("file_name") == name:
            return path.stat().st_mtime, report.get("verdict_zh", "")
    return None


def dag_runs(airflow_home: Path) -> dict[str, tuple[float, float | None]]:
    """run_id -> (start, end) of the daytime DAG's runs, epoch seconds."""
    con = sqlite3.connect(f"file:{airflow_home / 'airflow.db'}?mode=ro", uri=True, timeout=30)
    try:
        rows = con.execute(
            "select run_id, start_date, end_date from dag_run where dag_id = ?", [DAG]
        ).fetchall()
    finally:
        con.close()

    def epoch(text):
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp() if text else None

    return {run_id: (epoch(start), epoch(end)) for run_id, start, end in rows if start}


def measure_quiet(scheduler: Scheduler, minutes: float) -> dict:
    """CPU per hour of the idle deployment with the daytime DAG paused, then unpaused with
    nothing to do, and the quiet runs' walls."""
    pids = [p.pid for p in scheduler.procs]
    scheduler.airflow("dags", "pause", DAG)
    time.sleep(20)  # a run started before the pause ends
    with TreeMeter(*pids) as meter:
        time.sleep(minutes * 60)
    paused = sum(meter.cpu.values()) / minutes * 60
    scheduler.airflow("dags", "unpause", DAG)
    started = time.time()
    with TreeMeter(*pids) as meter:
        time.sleep(minutes * 60)
    unpaused = sum(meter.cpu.values()) / minutes * 60
    runs = dag_runs(Path(scheduler.env["AIRFLOW_HOME"]))
    walls = [end - start for start, end in runs.values() if end and start >= started]
    return {
        "cpu_s_per_hour_paused": round(paused, 1),
        "cpu_s_per_hour_quiet_runs": round(unpaused, 1),
        "quiet_runs": len(walls),
        "quiet_wall_p50_s": _round(percentile(walls, 0.5)),
        "quiet_wall_max_s": _round(max(walls) if walls else None),
    }


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def run_drops(scheduler: Scheduler, home: Path, plan, settle: float) -> list[dict]:
    """Drop the plan's files at their moments; wait for every answer (or the timeout)."""
    inbox_dir, outbox = home / "inbox", home / "outbox"
    dropped: list[dict] = []
    start = time.time()
    for n, (moment, sources) in enumerate(plan, start=1):
        time.sleep(max(0.0, start + moment - time.time()))
        for k, source in enumerate(sources):
            unit = source.parent.name
            target = inbox_dir / unit / f"{source.stem}_更正{n}-{k}{source.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            corrected_copy(source, target, n)
            mtime = target.stat().st_mtime
            dropped.append(
                {"drop": n, "unit": unit, "name": target.name, "settled": mtime + settle}
            )
    deadline = time.time() + TIMEOUT_MINUTES * 60
    waiting = list(dropped)
    while waiting and time.time() < deadline:
        time.sleep(2)
        for item in list(waiting):
            found = answer_of(outbox, item["unit"], item["name"])
            if found:
                item["answered"], item["verdict"] = found
                waiting.remove(item)
    return dropped


def split_latencies(dropped: list[dict], home: Path) -> None:
    """Each answered file's latency, and its wait (to the start of the run that answered
    it) and processing (from that start to the answer), from the published ledger."""
    con = duckdb.connect(str(home / "warehouse" / "incubation.duckdb"), read_only=True)
    try:
        run_of = dict(con.execute("select file_name, run_id from audit.file_ledger").fetchall())
    finally:
        con.close()
    runs = dag_runs(home / "airflow")
    for item in dropped:
        if "answered" not in item:
            continue
        item["latency_s"] = item["answered"] - item["settled"]
        run = runs.get(run_of.get(item["name"], ""))
        if run:
            item["wait_s"] = max(0.0, run[0] - item["settled"])
            item["processing_s"] = item["answered"] - max(run[0], item["settled"])


def report(args, dropped: list[dict], quiet: dict) -> tuple[list[str], dict]:
    answered = [d for d in dropped if "latency_s" in d]
    latency = [d["latency_s"] / 60 for d in answered]
    wait = [d["wait_s"] / 60 for d in answered if "wait_s" in d]
    processing = [d["processing_s"] / 60 for d in answered if "processing_s" in d]
    figures = {
        "every_min": args.every,
        "settle_s": args.settle,
        "drops": args.drops,
        "files": len(dropped),
        "answered": len(answered),
        "latency_p50_min": _round(percentile(latency, 0.5), 2),
        "latency_p95_min": _round(percentile(latency, 0.95), 2),
        "latency_max_min": _round(max(latency) if latency else None, 2),
        "wait_p95_min": _round(percentile(wait, 0.95), 2),
        "processing_p50_min": _round(percentile(processing, 0.5), 2),
        "processing_p95_min": _round(percentile(processing, 0.95), 2),
        **quiet,
    }
    p95_processing = percentile(processing, 0.95)
    if args.every != DEFAULT_EVERY and p95_processing is not None:
        figures["projected_p95_min_at_default"] = round(0.95 * DEFAULT_EVERY + p95_processing, 2)
    lines = [
        f"{args.drops} drops ({len(dropped)} files, {len(answered)} answered) over {args.span} min "
        f"on the S=1 history; a daytime run every {args.every} min; files settle after "
        f"{args.settle:g} s. Minutes from a file settling to its answer in the outbox:",
        "",
        "| measured | p50 | p95 | max |",
        "| --- | ---: | ---: | ---: |",
        f"| settled → answer | {figures['latency_p50_min']} | {figures['latency_p95_min']} | "
        f"{figures['latency_max_min']} |",
        f"| of which the wait for the run | | {figures['wait_p95_min']} | |",
        f"| of which the run's processing | {figures['processing_p50_min']} | "
        f"{figures['processing_p95_min']} | |",
        "",
    ]
    if "projected_p95_min_at_default" in figures:
        lines += [
            f"- p95 at the default {DEFAULT_EVERY}-min interval, projected (processing p95 + "
            f"0.95 × {DEFAULT_EVERY} min): {figures['projected_p95_min_at_default']} min "
            "(target ≤ 10)",
        ]
    else:
        lines += [
            f"- p95 at the default interval, measured: {figures['latency_p95_min']} min (target ≤ 10)"
        ]
    lines += [
        f"- quiet runs: {quiet['quiet_runs']}, wall p50 {quiet['quiet_wall_p50_s']} s, max "
        f"{quiet['quiet_wall_max_s']} s (target ≤ 5 s)",
        f"- the deployment's CPU per hour: {quiet['cpu_s_per_hour_paused']} s idle with the "
        f"daytime DAG paused, {quiet['cpu_s_per_hour_quiet_runs']} s with its quiet runs",
    ]
    return lines, figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--drops", type=int, default=20)
    parser.add_argument("--every", type=int, default=DEFAULT_EVERY, help="minutes")
    parser.add_argument("--span", type=float, default=60, help="minutes the drops spread over")
    parser.add_argument("--settle", type=float, default=30, help="seconds")
    parser.add_argument("--quiet", type=float, default=10, help="minutes, each quiet phase")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="reuse the S=1 inbox in --workdir")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="incubation-daytime-"))
    workdir.mkdir(parents=True, exist_ok=True)
    info, found, when = machine(), versions(), now()
    data = inbox(1, workdir / "s1", args.reuse)
    home = workdir / "home-daytime"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(data["history"], home / "inbox")
    log = workdir / "daytime.log"
    env = env_for(
        home,
        home / "airflow",
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE="True",
        AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="True",
        AIRFLOW__API__PORT="28081",
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://localhost:28081/execution/",
        INCUBATION_OFFICE_DAYS="0-6",
        INCUBATION_OFFICE_HOURS="00:00-23:59",
        INCUBATION_DAYTIME_EVERY_MINUTES=str(args.every),
    )
    print("loading the S=1 history (one night, dag.test)", flush=True)
    subprocess.run(
        [str(VENV_BIN / "airflow"), "db", "migrate"], env=env, check=True, capture_output=True
    )
    night_dagtest(home, env, log)  # settle 0 (env_for): every history file tonight
    env["INCUBATION_SETTLE_SECONDS"] = f"{args.settle:g}"
    plan = drop_plan(data, args.drops, args.span * 60, random.Random(args.seed))
    with Scheduler(env, log, dags=(DAG,)) as scheduler:
        print(f"quiet: {args.quiet:g} min paused, {args.quiet:g} min unpaused", flush=True)
        quiet = measure_quiet(scheduler, args.quiet)
        print(f"  {quiet}", flush=True)
        print(f"drops: {len(plan)} over {args.span:g} min", flush=True)
        dropped = run_drops(scheduler, home, plan, args.settle)
        time.sleep(args.every * 60 + 30)  # the run that answered the last drop has published
    split_latencies(dropped, home)
    lines, figures = report(args, dropped, quiet)
    (workdir / "daytime.json").write_text(
        json.dumps({"figures": figures, "files": dropped}, indent=1)
    )
    print("\n".join(lines), flush=True)
    if not args.no_record:
        record = {
            "date": when.isoformat(timespec="minutes"),
            "machine": info,
            "versions": found,
            "bench": "daytime",
            **figures,
        }
        append_results(
            "daytime",
            "Contacts hear back in office hours (issue 23), through the scheduler",
            [machine_line(info, when), versions_line(found), "", *lines],
            [record],
        )


if __name__ == "__main__":
    main()
