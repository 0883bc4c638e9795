"""`incubation` — the command line of the pipeline.

incubation validate FILE --unit UNIT [--report PATH]   the nightly verdict, nothing loaded
incubation run [--date YYYY-MM-DD]                      one nightly run through Airflow
incubation progress [--db PATH]                         the district's progress table
incubation demo-inbox [--out DIR]                       write the demo department files
incubation airflow ARGS...                              airflow with the project's settings
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from incubation.settings import Settings

EXIT_ACCEPTED, EXIT_REJECTED, EXIT_ERROR = 0, 1, 2
log = logging.getLogger(__name__)


def cmd_validate(args: argparse.Namespace) -> int:
    """The night's verdict on one file: exit 0 accepted, 1 refused, 2 could not check (with
    the reason; never a traceback)."""
    try:
        return _validate(args)
    except Exception as exc:  # whatever the cause, the contact reads why, not a traceback
        log.debug("validate failed", exc_info=True)
        print(f"无法检查该文件：{type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _validate(args: argparse.Namespace) -> int:
    from incubation.answers.receipts import build_report, write_report
    from incubation.checks import reference
    from incubation.checks.suites import SuiteRunner
    from incubation.checks.verdicts import ACCEPTED, check_file
    from incubation.contracts import load_contracts, load_units
    from incubation.intake.names import display_name, path_text

    settings = Settings.from_env()
    path = Path(args.file)
    if path.is_dir():
        print(f"这是一个文件夹，不是文件: {path_text(path)}", file=sys.stderr)
        return EXIT_ERROR
    if not path.is_file():
        print(f"文件不存在: {path_text(path)}", file=sys.stderr)
        return EXIT_ERROR
    if args.unit not in reference.unit_codes(settings.seeds_dir):
        print(f"未知的单位代码: {args.unit}", file=sys.stderr)
        return EXIT_ERROR
    contracts = load_contracts(settings.contracts_dir)
    runner = SuiteRunner(settings.expectations_dir, settings.seeds_dir, list(contracts))
    verdict = check_file(
        path,
        args.unit,
        contracts=contracts,
        units=load_units(settings.contracts_dir),
        runner=runner,
        today=dt.date.today(),
        seeds_dir=settings.seeds_dir,
        context_db=settings.warehouse_db,
        limits=settings.limits,
    )
    accepted = verdict.status == ACCEPTED
    report = build_report(
        submission_id=0,
        unit_code=args.unit,
        unit_name=reference.unit_names(settings.seeds_dir)[args.unit],
        file_name=display_name(path.name),
        accepted=accepted,
        sheets=verdict.sheets,
        template_titles={n: c.title_zh for n, c in contracts.items()},
        rows=verdict.rows,
        problems=[p.to_dict() for p in verdict.problems],
        decided_at=dt.datetime.now().replace(microsecond=0).isoformat(),
        cap=settings.report_problem_cap,
        note_zh="（预检，未导入任何数据）",
    )
    if args.report:
        out = Path(args.report)
        write_report(report, out.parent, out.stem)
    if any(p.rule == "internal_error" for p in verdict.problems):
        print(
            f"{display_name(path.name)}: 无法检查（系统内部错误），请联系技术人员", file=sys.stderr
        )
        return EXIT_ERROR
    print(
        f"{display_name(path.name)}: {'可以接收' if accepted else '将被退回'} "
        f"({verdict.n_errors} 个错误, {verdict.n_warnings} 个警告, {verdict.rows} 行)"
    )
    for p in verdict.problems:
        where = " ".join(x for x in (p.sheet, p.row and f"第{p.row}行", p.column) if x)
        print(
            f"  [{p.severity}] {where}: {p.message_zh}" + (f"（值：{p.value}）" if p.value else "")
        )
    return EXIT_ACCEPTED if accepted else EXIT_REJECTED


def cmd_run(args: argparse.Namespace) -> int:
    """One nightly run through Airflow; a second run on the same data home is refused while
    the first one lasts (``locking``)."""
    from incubation.pipeline.airflow_env import airflow_env
    from incubation.pipeline.locking import DataHomeBusy, exclusive

    env = airflow_env()
    runs = Path(env["INCUBATION_HOME"]) / "runs"
    try:
        with exclusive(runs / ".run.lock", "incubation run"):
            return _run(args, env, runs)
    except DataHomeBusy as busy:
        print(f"另一个运行正在使用该数据目录，请等它结束后再运行: {busy.holder}", file=sys.stderr)
        return EXIT_ERROR


def _run(args: argparse.Namespace, env: dict, log_dir: Path) -> int:
    day = args.date or dt.date.today().isoformat()
    bin_dir = Path(sys.executable).parent
    airflow = str(bin_dir / "airflow")
    started = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    log_path = log_dir / f"airflow-{started}.log"  # each run its own log
    last = log_dir / "airflow-last-run.log"
    last.unlink(missing_ok=True)
    last.symlink_to(log_path.name)
    print(f"incubation_nightly {day}: running through Airflow (log: {log_path}) ...", flush=True)
    with log_path.open("w", encoding="utf-8") as log_file:
        # the night, then what the published warehouse starts in a deployment (the asset's
        # consumer): the dashboard, the units' workbooks and pages
        for command in (
            ["db", "migrate"],
            ["dags", "test", "incubation_nightly", day],
            ["dags", "test", "incubation_reports", day],
        ):
            since = dt.datetime.now(dt.UTC)
            result = subprocess.run(
                [airflow, *command], env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
            if result.returncode != 0:
                tail = log_path.read_text("utf-8", errors="replace").splitlines()[-40:]
                print("\n".join(tail), file=sys.stderr)
                print(f"airflow {' '.join(command)} failed; full log: {log_path}", file=sys.stderr)
                if command[2:3] == ["incubation_nightly"]:
                    _end_killed_night(env, since, result.returncode, log_path)
                return result.returncode if result.returncode > 0 else EXIT_ERROR
    summaries = sorted((Path(env["INCUBATION_HOME"]) / "runs").glob("*.json"), key=os.path.getmtime)
    if summaries:
        summary = json.loads(summaries[-1].read_text("utf-8"))
        print(
            f"run {summary['run_id']}: {summary['files_seen']} new file(s), "
            f"{summary['files_accepted']} accepted, {summary['files_refused']} refused, "
            f"{summary['files_duplicate']} duplicate(s), {summary['rows_loaded']} rows loaded, "
            f"dbt {'ok' if summary['dbt']['success'] else 'FAILED'} "
            f"({summary['dbt']['nodes']} nodes), {summary['duration_seconds']} s"
        )
        print(f"receipts and reports: {Path(env['INCUBATION_HOME']) / 'outbox'}")
        if summary.get("gx_data_docs"):
            print(f"GX Data Docs of this run: {summary['gx_data_docs']}")
        if summary["dbt"].get("docs"):
            print(f"dbt docs of the warehouse: {summary['dbt']['docs']}")
        dashboard = Path(env["INCUBATION_HOME"]) / "dashboard" / "index.html"
        if dashboard.exists():
            print(f"dashboard (open in a browser): {dashboard}")
    return 0


def _end_killed_night(env: dict, since: dt.datetime, returncode: int, log_path: Path) -> None:
    """The night's process ended without finishing its run (killed, or Airflow itself failed):
    its run and unfinished tasks are marked failed, and, as no task's failure callback could
    write one, the engineers get an alert."""
    stamp = since.isoformat()
    ended = subprocess.run(
        [sys.executable, "-m", "incubation.pipeline.airflow_runs", "incubation_nightly", stamp],
        env=env,
        capture_output=True,
        text=True,
    )
    run_ids = [line[6:] for line in ended.stdout.splitlines() if line.startswith("ended ")]
    if ended.returncode != 0:
        print(f"could not mark the run failed: {ended.stderr[-500:]}", file=sys.stderr)
    if returncode >= 0 and not run_ids:
        return  # the run ended itself, failed: its task's callback alerted
    from incubation.answers.alerts import write_alert
    from incubation.settings import Settings

    how = f"killed by signal {-returncode}" if returncode < 0 else f"exit code {returncode}"
    path = write_alert(
        Settings.from_env(env["INCUBATION_HOME"]),
        dag_id="incubation_nightly",
        task_id="(airflow dags test)",
        run_id=", ".join(run_ids) or "(none recorded)",
        error=f"the night's process ended before its run did ({how}); log: {log_path}; "
        f"runs marked failed: {', '.join(run_ids) or 'none'}",
    )
    print(f"alert written: {path}", file=sys.stderr)


def cmd_progress(args: argparse.Namespace) -> int:
    from incubation.answers.progress import fetch_progress, format_progress

    db = Path(args.db) if args.db else Settings.from_env().warehouse_db
    if not db.exists():
        print(
            f"warehouse not found: {db} (run `make demo` or `incubation run` first)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    print(format_progress(fetch_progress(db)))
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from incubation.answers.dashboard.site import build_site
    from incubation.pipeline.locking import STAGE_LOCK, DataHomeBusy, exclusive
    from incubation.store.rebuild import RebuildError, rebuild

    settings = Settings.from_env()
    try:  # no night's stage runs while the warehouse is rebuilt under it
        with exclusive(
            settings.runs / STAGE_LOCK, "incubation rebuild", settings.stage_wait_seconds
        ):
            result = rebuild(settings)
            site = build_site(settings)
    except DataHomeBusy as busy:
        print(f"另一个运行正在使用该数据目录，请等它结束后再重建: {busy.holder}", file=sys.stderr)
        return EXIT_ERROR
    except RebuildError as exc:
        print(f"rebuild failed: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(
        f"rebuilt from the archive: {result['submissions']} submissions, {result['rows']} rows, "
        f"dbt {result['dbt']['nodes']} nodes, {result['exports']} unit exports, "
        f"{site['pages']} dashboard pages"
    )
    return 0


def cmd_demo_inbox(args: argparse.Namespace) -> int:
    from incubation.demo import generate_demo_inbox

    out = (
        Path(args.out)
        if args.out
        else Settings.from_env().project_root / "include" / "demo" / "inbox"
    )
    paths = generate_demo_inbox(out)
    print(f"wrote {len(paths)} demo files under {out}")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from incubation.answers.templates import write_templates
    from incubation.contracts import load_contracts

    settings = Settings.from_env()
    out = Path(args.out) if args.out else settings.project_root / "include" / "templates"
    paths = write_templates(
        load_contracts(settings.contracts_dir), out, settings.expectations_dir, settings.seeds_dir
    )
    for path in paths:
        print(path)
    return 0


def cmd_airflow(args: argparse.Namespace) -> int:
    from incubation.pipeline.airflow_env import airflow_env

    airflow = str(Path(sys.executable).parent / "airflow")
    return subprocess.run([airflow, *args.airflow_args], env=airflow_env()).returncode


def cmd_deploy(args: argparse.Namespace) -> int:
    """The production deployment on this host's Postgres and Redis (docker-compose.yml's
    settings and components, natively)."""
    from incubation import deploy

    settings = Settings.from_env()
    try:
        if args.action == "up":
            result = deploy.up(
                settings, workers=args.workers, api_port=args.port, metrics=args.metrics
            )
        elif args.action == "down":
            result = deploy.down(settings, purge=args.purge)
        else:
            result = deploy.status(settings)
    except deploy.DeployError as exc:
        print(f"deploy {args.action} failed: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="incubation", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check a file exactly as the nightly run would")
    p.add_argument("file")
    p.add_argument("--unit", required=True, help="unit code (the inbox folder name)")
    p.add_argument("--report", help="also write the report (.xlsx and .json) to this path")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("run", help="one nightly run through Airflow (airflow dags test)")
    p.add_argument("--date", help="logical date, YYYY-MM-DD (default today)")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("rebuild", help="rebuild the warehouse from the archive (backfill)")
    p.set_defaults(func=cmd_rebuild)
    p = sub.add_parser("progress", help="print the district's progress against the plan")
    p.add_argument("--db", help="warehouse file (default: the published one)")
    p.set_defaults(func=cmd_progress)
    p = sub.add_parser("demo-inbox", help="write the demo department files")
    p.add_argument("--out", help="folder (default include/demo/inbox)")
    p.set_defaults(func=cmd_demo_inbox)
    p = sub.add_parser("templates", help="write the four blank templates from the contracts")
    p.add_argument("--out", help="folder (default include/templates)")
    p.set_defaults(func=cmd_templates)
    p = sub.add_parser(
        "deploy", help="the production deployment (Postgres, Celery workers) on this host"
    )
    p.add_argument("action", choices=["up", "down", "status"])
    p.add_argument("--workers", type=int, default=2, help="Celery workers (up)")
    p.add_argument("--port", type=int, default=8080, help="the api-server's port (up)")
    p.add_argument(
        "--metrics",
        metavar="HOST:PORT",
        help="export Airflow's and the stages' metrics to this OpenTelemetry collector (up)",
    )
    p.add_argument("--purge", action="store_true", help="also drop its database (down)")
    p.set_defaults(func=cmd_deploy)
    p = sub.add_parser("airflow", help="run airflow with the project's embedded settings")
    p.add_argument("airflow_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_airflow)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", force=True
    )
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
