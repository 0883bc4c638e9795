"""What a night costs, against the DuckDB floor (issue 7).

    .venv/bin/python -m bench.night --scale 1 [--scale 10] [--modes dagtest scheduler]

For each scale S it writes a synthetic inbox (bench/generate.py: 60·S carriers, 2021Q1–2025Q4
of registry, period reports and rosters, .xlsx and .csv, every file valid) and measures:

  a) cold: the whole history, first night on an empty data home;
  b) incremental: one new quarter (2026Q1) on top of it;
  c) no-op: nothing new;
  d) floor: the same history rows loaded by DuckDB straight from CSV (one read_csv per
     template, explicit columns) plus the same ``dbt build``; run before the nights, after
     each mode's nights (and again up to ``FLOOR_RUNS``), the median run taken: its dbt build
     alone moved by a fifth between runs minutes apart, and so did the nights with the hour.

a–c run twice: through ``airflow dags test`` (one process, as ``make demo`` runs it) and
through a real scheduler with the LocalExecutor (every task its own process), triggered from
the CLI and timed from the trigger to the run's end. Each night gives wall, CPU and peak
memory in total (the whole process tree, sampled; PSS once there are several processes, so
that pages shared by fork are counted once) and per stage (``runs/metrics.jsonl``, written by
the stages themselves). Each night measured is appended to bench/history.jsonl (one JSON
object a night, the floor included) and the run's tables replace the latest run in
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from bench.common import append_results, machine, machine_line, now, versions, versions_line
from bench.generate import generate
from incubation.pipeline.airflow_env import airflow_env
from incubation.pipeline.metering import tree_memory

VENV_BIN = Path(sys.executable).parent
PROJECT = Path(__file__).resolve().parents[1]
NIGHT_DATE = "2026-04-08"
STAGES = ("discover", "check", "load", "build", "publish", "summarise")
POLL_SECONDS = 0.2  # a read of the metadata database is cheap next to the night it polls


# ------------------------------------------------------------------ process measurement
class TreeMeter:
    """Peak memory and CPU of process trees, sampled. Memory as ``metering.tree_memory``
    counts it: a process's RSS alone, or with descendants (forked task processes and check
    workers share pages with their parent) the sum of their proportional set sizes; over
    several trees (the scheduler's deployment) summed at each sample.

    The meter runs on the machine it measures: reading every process's memory costs
    milliseconds each (a process's proportional set size is read by walking its page tables
    under its memory map's lock), so it samples no more often than keeps it under ``budget``
    of a CPU, and one meter serves the three trees of the deployment. At that budget the
    tree's peak is sampled every few seconds and may miss a short one; each stage's own peak
    (the memory a night needs) is measured inside the stage. Why that budget:
    docs/decisions/0006-docs-for-readers.md."""

    def __init__(self, *root_pids: int, interval: float = 0.2, budget: float = 0.005):
        import psutil

        self.roots = [psutil.Process(pid) for pid in root_pids]
        self.interval = interval
        self.budget = budget
        self.peak = 0
        self.cpu: dict[int, float] = {}  # CPU seconds while metered, by process (on exit)
        # what the processes running already had spent (the deployment's start-up)
        self._before = {proc.pid: self._spent(proc) for proc in self._procs()}
        self._reaped = _reaped_cpu()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _procs(self):
        procs = []
        for root in self.roots:
            try:
                procs += [root, *root.children(recursive=True)]
            except Exception:
                continue
        return procs

    @staticmethod
    def _spent(proc) -> float | None:
        """The process's CPU and that of the children it has reaped (a task process, its
        check workers): what ended is counted where it was waited for, once."""
        try:
            times = proc.cpu_times()
        except Exception:  # ended between listing and reading
            return None
        return times.user + times.system + times.children_user + times.children_system

    def _run(self) -> None:
        pause = self.interval
        while not self._stop.is_set():
            started = time.perf_counter()
            total = 0
            for root in self.roots:
                with contextlib.suppress(Exception):  # a root ended between listing and reading
                    total += tree_memory(root)
            self.peak = max(self.peak, total)
            pause = max(self.interval, (time.perf_counter() - started) / self.budget)
            self._stop.wait(pause)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        """CPU read once, at the end: of the processes still running (the deployment), or,
        when the metered processes have ended and this one reaped them (``dags test``, the
        floor), what this process's children spent meanwhile."""
        self._stop.set()
        self._thread.join()
        if any(root.is_running() for root in self.roots):
            for proc in self._procs():
                spent = self._spent(proc)
                if spent is not None:
                    self.cpu[proc.pid] = spent - (self._before.get(proc.pid) or 0.0)
        else:
            self.cpu = {self.roots[0].pid: _reaped_cpu() - self._reaped}

    @property
    def peak_mb(self) -> float:
        return round(self.peak / 2**20, 1)


def _reaped_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def env_for(home: Path, airflow_home: Path, **extra: str) -> dict[str, str]:
    env = airflow_env(
        {**os.environ, "INCUBATION_HOME": str(home), "AIRFLOW_HOME": str(airflow_home)}
    )
    env.update(
        INCUBATION_SETTLE_SECONDS="0",
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__LOGGING__LOGGING_LEVEL="WARNING",
        **extra,
    )
    return env


def stage_metrics(home: Path, since_line: int) -> tuple[list[dict], int]:
    path = home / "runs" / "metrics.jsonl"
    if not path.exists():
        return [], since_line
    lines = path.read_text("utf-8").splitlines()
    return [json.loads(x) for x in lines[since_line:]], len(lines)


def run_summary(home: Path) -> dict:
    summaries = sorted((home / "runs").glob("*.json"), key=os.path.getmtime)
    return json.loads(summaries[-1].read_text("utf-8")) if summaries else {}


# ------------------------------------------------------------------------ the nights
def night_dagtest(home: Path, env: dict[str, str], log: Path) -> dict:
    """One night through `airflow dags test` (dag.test() in one process)."""
    cmd = [str(VENV_BIN / "airflow"), "dags", "test", "incubation_nightly", NIGHT_DATE]
    started = time.perf_counter()
    with log.open("a") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT)
        with TreeMeter(proc.pid) as meter:
            code = proc.wait()
    wall = time.perf_counter() - started
    if code != 0:
        raise RuntimeError(f"airflow dags test failed ({code}); see {log}")
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(sum(meter.cpu.values()), 1),
        "peak_rss_mb": meter.peak_mb,
    }


class Scheduler:
    """A real Airflow deployment: api-server, scheduler (LocalExecutor), dag-processor, with
    ``dags`` unpaused once parsed."""

    def __init__(
        self, env: dict[str, str], log: Path, dags: tuple[str, ...] = ("incubation_nightly",)
    ):
        self.env = env
        self.log = log
        self.dags = dags
        self.procs: list[subprocess.Popen] = []

    def airflow(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            [str(VENV_BIN / "airflow"), *args], env=self.env, capture_output=True, text=True
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)}: {result.stderr[-2000:]}")
        return result.stdout

    def __enter__(self):
        self.airflow("db", "migrate")
        with self.log.open("a") as fh:
            for component in ("api-server", "scheduler", "dag-processor"):
                self.procs.append(
                    subprocess.Popen(
                        [str(VENV_BIN / "airflow"), component],
                        env=self.env,
                        stdout=fh,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        deadline = time.time() + 300
        while time.time() < deadline:
            listed = self.airflow("dags", "list", "-o", "plain", check=False)
            if all(dag in listed for dag in self.dags):
                break
            time.sleep(3)
        else:
            raise RuntimeError(f"the dag-processor did not parse {self.dags} in 5 min")
        for dag in self.dags:
            self.airflow("dags", "unpause", dag)
        self.warm()
        return self

    def warm(self) -> None:
        """What a deployment that has been up for a while has done already: the api-server
        builds its execution API (cadwyn's versioned routes) at its first request. Unwarmed,
        a fresh deployment's first night would pay it inside its first task."""
        url = self.env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].rstrip("/") + "/health"
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    response.read()
                return
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(1)

    def __exit__(self, *exc):
        import signal

        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    def run_state(self, run_id: str) -> tuple[str | None, float | None]:
        """The run's state and, once it ended, when (epoch seconds), read from the metadata
        database. Not with ``airflow dags list-runs``: every CLI call imports Airflow, and
        polling that way would keep a core busy for the whole night and slow the tasks it
        is timing."""
        db = Path(self.env["AIRFLOW_HOME"]) / "airflow.db"
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        try:
            row = con.execute(
                "select state, end_date from dag_run"
                " where dag_id = 'incubation_nightly' and run_id = ?",
                [run_id],
            ).fetchone()
        finally:
            con.close()
        if not row:
            return None, None
        ended = row[1] and dt.datetime.fromisoformat(row[1]).replace(tzinfo=dt.UTC)
        return row[0], ended.timestamp() if ended else None

    def night(self) -> dict:
        run_id = f"bench__{time.time_ns()}"
        with TreeMeter(*(p.pid for p in self.procs)) as meter:
            started = time.time()
            self.airflow("dags", "trigger", "incubation_nightly", "--run-id", run_id)
            state, ended = None, None
            while state not in ("success", "failed"):
                time.sleep(POLL_SECONDS)
                state, ended = self.run_state(run_id)
            # to the run's end as the scheduler recorded it, not to the poll that saw it
            wall = (ended or time.time()) - started
        if state != "success":
            raise RuntimeError(f"run {run_id} failed; see {self.log}")
        return {
            "wall_s": round(wall, 1),
            # CPU of the tasks (their own lines) is reported per stage; the deployment's
            # processes (api-server, scheduler, dag-processor) are listed as the total here
            "cpu_s": round(sum(meter.cpu.values()), 1),
            "peak_rss_mb": meter.peak_mb,
        }


def nights(mode: str, data: dict, workdir: Path) -> dict[str, dict]:
    home = workdir / f"home-{mode}"
    airflow_home = home / "airflow"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    log = workdir / f"{mode}.log"
    extra = {}
    if mode == "scheduler":
        extra = {
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__API__PORT": "28080",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": "http://localhost:28080/execution/",
        }
    env = env_for(home, airflow_home, **extra)
    results: dict[str, dict] = {}
    line = 0

    def one(label: str, run) -> None:
        nonlocal line
        figures = run()
        metrics, line = stage_metrics(home, line)
        summary = run_summary(home)
        figures["stages"] = {m["stage"]: m for m in metrics}
        figures["rows_loaded"] = summary.get("rows_loaded")
        figures["files"] = summary.get("files_seen")
        results[label] = figures
        print(f"  {mode} {label}: {_short(figures)}", flush=True)

    inbox = home / "inbox"
    shutil.copytree(data["history"], inbox)
    if mode == "dagtest":
        subprocess.run(
            [str(VENV_BIN / "airflow"), "db", "migrate"], env=env, check=True, capture_output=True
        )
        one("a_cold", lambda: night_dagtest(home, env, log))
        shutil.copytree(data["next"], inbox, dirs_exist_ok=True)
        one("b_incremental", lambda: night_dagtest(home, env, log))
        one("c_noop", lambda: night_dagtest(home, env, log))
    else:
        with Scheduler(env, log) as scheduler:
            one("a_cold", scheduler.night)
            shutil.copytree(data["next"], inbox, dirs_exist_ok=True)
            one("b_incremental", scheduler.night)
            one("c_noop", scheduler.night)
    return results


FLOOR_RUNS = 3


def median_floor(done: list[dict]) -> dict:
    """The median of the floors run (by wall time), with every run's wall in ``walls_s``, in
    the order they ran. Cheap next to a night, and it divides every ratio: one slow or fast
    floor would move a/d as much as a real change does. Run before, between and after the
    nights, so that the floor sees the same hour of this shared machine as the nights it
    divides."""
    middle = sorted(done, key=lambda f: f["wall_s"])[len(done) // 2]
    return {**middle, "walls_s": [f["wall_s"] for f in done]}


def floor(data: dict, workdir: Path) -> dict:
    """d) DuckDB reading the same rows from CSV, then the same dbt build (own process)."""
    home = workdir / "home-floor"
    shutil.rmtree(home, ignore_errors=True)
    env = {**os.environ, "INCUBATION_HOME": str(home)}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.floor", str(data["floor_csv"])],
        env=env,
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        text=True,
    )
    with TreeMeter(proc.pid) as meter:
        out, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError("floor failed")
    figures = json.loads(out.strip().splitlines()[-1])
    figures.update(
        wall_s=round(time.perf_counter() - started, 1),
        cpu_s=round(sum(meter.cpu.values()), 1),
        peak_rss_mb=meter.peak_mb,
    )
    print(f"  floor: {_short(figures)}", flush=True)
    return figures


def _short(f: dict) -> str:
    return f"{f['wall_s']} s wall, {f['cpu_s']} s CPU, {f['peak_rss_mb']} MB peak"


def inbox(scale: int, out: Path, reuse: bool) -> dict:
    """The generated inbox (made again unless ``reuse`` and one is there)."""
    saved = out / "data.json"
    if reuse and saved.exists():
        data = json.loads(saved.read_text("utf-8"))
        for key in ("history", "next", "floor_csv"):
            data[key] = Path(data[key])
        return data
    data = generate(scale, out)
    saved.write_text(json.dumps(data, default=str), "utf-8")
    return data


# ------------------------------------------------------------------------- reporting
def report(scale: int, data: dict, results: dict, floor_figures: dict) -> list[str]:
    lines = [
        f"### S={scale}: {data['carriers']} carriers, {data['files_history']} history files "
        f"+ {data['files_next']} new, {data['rows']['incubatee_roster']:,} roster rows "
        f"({data['rows_total']:,} rows in all templates)",
        "",
        "Wall from start (dagtest) or trigger (scheduler) to the run's end. CPU spent during the",
        "night and peak memory (RSS of one process; PSS summed once it has children, so pages",
        "shared by fork count once) of the whole process tree: for the scheduler that is the",
        "deployment (api-server with its workers, scheduler, dag-processor, and the task",
        "processes), sampled together at most 0.5% of a CPU; the largest stage's own",
        "peak is the memory a night needs. Per stage: wall/CPU seconds (with the check's",
        "workers), peak MB of the process and its workers.",
        "",
        "| mode | night | wall s | CPU s | tree peak MB | largest stage MB | rows loaded | "
        + " | ".join(f"{s}" for s in STAGES)
        + " |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | "
        + " | ".join("---:" for _ in STAGES)
        + " |",
    ]
    for mode, nights_ in results.items():
        for label, f in nights_.items():
            cells = []
            for stage in STAGES:
                m = f["stages"].get(stage)
                cells.append(
                    f"{m['wall_s']:.1f}/{m['cpu_s']:.1f}, {m['peak_rss_mb']:.0f}" if m else ""
                )
            largest = max((m["peak_rss_mb"] for m in f["stages"].values()), default=0)
            lines.append(
                f"| {mode} | {label} | {f['wall_s']} | {f['cpu_s']} | {f['peak_rss_mb']} | "
                f"{largest:.0f} | {f.get('rows_loaded')} | " + " | ".join(cells) + " |"
            )
    lines.append(
        f"| floor | d, median of {' / '.join(map(str, floor_figures['walls_s']))} s in the "
        f"order run (read_csv {floor_figures['load_s']} s + dbt build {floor_figures['dbt_s']} s) | "
        f"{floor_figures['wall_s']} | {floor_figures['cpu_s']} | {floor_figures['peak_rss_mb']} | "
        f"{floor_figures['peak_rss_mb']:.0f} | {floor_figures['rows']} | "
        + " | ".join("" for _ in STAGES)
        + " |"
    )
    d = floor_figures["wall_s"]
    lines.append("")
    for mode, n in results.items():
        a, b, c = n["a_cold"]["wall_s"], n["b_incremental"]["wall_s"], n["c_noop"]["wall_s"]
        lines.append(
            f"- {mode}: a/d = {a / d:.2f} (target ≤ 3), b/d = {b / d:.2f}, c = {c} s (target ≤ 30 s)"
        )
    return lines


def history_records(
    scale: int, data: dict, results: dict, floor_figures: dict, common: dict
) -> list[dict]:
    """One object a night measured (and one for the floor), for bench/history.jsonl: the
    whole night's wall, CPU and tree peak, and each stage's wall, CPU and peak."""
    base = {
        **common,
        "bench": "night",
        "scale": scale,
        "carriers": data["carriers"],
        "rows_total": data["rows_total"],
    }
    records = []
    for mode, nights_ in results.items():
        for label, f in nights_.items():
            stages = {
                stage: {"wall_s": m["wall_s"], "cpu_s": m["cpu_s"], "peak_mb": m["peak_rss_mb"]}
                for stage, m in f["stages"].items()
            }
            records.append(
                {
                    **base,
                    "mode": mode,
                    "night": label,
                    "wall_s": f["wall_s"],
                    "cpu_s": f["cpu_s"],
                    "peak_mb": f["peak_rss_mb"],
                    "largest_stage_mb": max((s["peak_mb"] for s in stages.values()), default=0),
                    "rows_loaded": f.get("rows_loaded"),
                    "stages": stages,
                }
            )
    records.append(
        {
            **base,
            "mode": "floor",
            "night": "d_floor",
            "wall_s": floor_figures["wall_s"],
            "cpu_s": floor_figures["cpu_s"],
            "peak_mb": floor_figures["peak_rss_mb"],
            "largest_stage_mb": floor_figures["peak_rss_mb"],
            "rows_loaded": floor_figures["rows"],
            "stages": {},
            "walls_s": floor_figures["walls_s"],
            "load_s": floor_figures["load_s"],
            "dbt_s": floor_figures["dbt_s"],
        }
    )
    return records


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, nargs="+", default=[1])
    parser.add_argument(
        "--modes", nargs="+", default=["dagtest", "scheduler"], choices=["dagtest", "scheduler"]
    )
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--no-record",
        action="store_true",
        help="leave bench/RESULTS.md and bench/history.jsonl as they are",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the inbox generated in --workdir before"
    )
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="incubation-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    info, found, when = machine(), versions(), now()
    out = [machine_line(info, when), versions_line(found), ""]
    measured: list[dict] = []
    b_by_scale: dict[int, dict[str, float]] = {}
    for scale in args.scale:
        print(f"S={scale}: generating in {workdir}", flush=True)
        data = inbox(scale, workdir / f"s{scale}", args.reuse)
        here = workdir / f"s{scale}"
        ran = [floor(data, here)]  # before the nights, then after each mode's
        results = {}
        for mode in args.modes:
            results[mode] = nights(mode, data, here)
            ran.append(floor(data, here))
        ran += [floor(data, here) for _ in range(FLOOR_RUNS - len(ran))]
        floor_figures = median_floor(ran)
        out += [*report(scale, data, results, floor_figures), ""]
        common = {"date": when.isoformat(timespec="minutes"), "machine": info, "versions": found}
        measured += history_records(scale, data, results, floor_figures, common)
        b_by_scale[scale] = {m: r["b_incremental"]["wall_s"] for m, r in results.items()}
        (workdir / f"s{scale}" / "results.json").write_text(
            json.dumps(
                {
                    "data": {k: str(v) for k, v in data.items()},
                    "nights": results,
                    "floor": floor_figures,
                },
                indent=1,
            )
        )
    if 1 in b_by_scale and 10 in b_by_scale:
        for mode in args.modes:
            growth = b_by_scale[10][mode] / b_by_scale[1][mode]
            out.append(f"- {mode}: b(S=10)/b(S=1) = {growth:.2f} (target ≤ 1.5)")
    print("\n".join(out))
    if not args.no_record:
        append_results(
            "night", f"A night against the DuckDB floor (issue 7), S={args.scale}", out, measured
        )


if __name__ == "__main__":
    main()
