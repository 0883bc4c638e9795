"""The verdict on files: parse every sheet, run the suites and the domain rules.

Two passes. First every file alone: parsing, the GX suites and the row-level rules; each
file's rows of a template are then written to a parquet file (``spill_dir``, with the row's
``file_index`` and ``pos``). Then, in this process, the rules that need context (known
carriers, who may report them, the previous quarter, rosters against period reports) run as
SQL in DuckDB (``checks.context``) over those rows, the build database's staging and the
seeds; the rows of files without a first-pass error are the night's context.

GX costs a fixed time per expectation per validation, whatever the row count, so files are
validated in stacks: the parsed frames of one template from many files are stacked (with a
``file_index`` column, which the suites' uniqueness expectations include) and validated in
one run, once the stack holds ``BATCH_ROWS`` rows or the files run out. Problems are then
handed back to their file.

The first pass runs in forked worker processes (the machine's cores; a night's verdicts do
not depend on how many), one file after another; so does the last step, each verdict staged
(the parquet rows copied by the sink) where it is made. Files are handed out one at a time,
largest first, to whichever worker is free (``workers.run_forked``), so that the workers end
together. The calling process writes the Data Docs index while the workers stage.

A file's fate is its own: whatever it raises while it is read, parsed or checked refuses it
alone (the traceback kept in the verdict's ``incidents``); a stack of files whose suite run
fails is validated again file by file; and a worker that dies on a file, or passes the
file's time or the worker's memory budget (``safety.Limits``), is stopped, that file is
refused with the reason, and the files it had claimed besides are checked by a new worker.
The first pass always runs in a worker (reading is where a hostile file can exhaust the
machine); the staging step, where the rows stay in memory (no sink), runs here.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from incubation.checks.context import NightRows, context_problems
from incubation.checks.problems import (
    ACCEPTED,
    REJECTED,
    SEVERITY_ERROR,
    SEVERITY_WARNING,
    Problem,
    count,
)
from incubation.checks.reference import reference_context
from incubation.checks.rules import CheckContext, run_rules_stacked
from incubation.checks.suites import SuiteRunner
from incubation.checks.workers import Lost, run_forked
from incubation.contracts import Contract, UnitTable
from incubation.parsing.readers import UnreadableFile, read_file
from incubation.parsing.safety import Limits, inspect
from incubation.parsing.sheets import ParseResult, parse_sheets

log = logging.getLogger(__name__)
# a GX run has a fixed cost whatever its rows: fewer, larger stacks are cheaper, up to where
# a stack's memory starts to show in the check's peak (docs/decisions/0006)
BATCH_ROWS = 200_000
HOLD_ROWS = 2 * BATCH_ROWS  # rows waiting for a suite: then every template's is run
# a worker per ~20k rows of .xlsx: smaller nights stay in one process, where forking a
# second would cost more than it saves
WORKER_BYTES = 2**20
FILE_INDEX = "file_index"


@dataclass
class Verdict:
    path: Path
    unit_code: str
    status: str
    problems: list[Problem]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)  # sheet -> template
    columns: list[dict] = field(default_factory=list)  # column lineage, see ParseResult
    parse_seconds: float = 0.0
    validate_seconds: float = 0.0
    staged: object = None  # what the sink made of it
    # rows the first pass wrote to parquet (with ``file_index`` and ``pos``): template ->
    # (path, rows)
    spilled: dict[str, tuple[str, int]] = field(default_factory=dict)
    n_errors: int = 0
    n_warnings: int = 0
    incidents: list[str] = field(default_factory=list)  # for the engineers: tracebacks

    @property
    def rows(self) -> int:
        return sum(len(f) for f in self.frames.values()) + sum(n for _, n in self.spilled.values())


@dataclass
class _Parsed:
    path: Path
    unit_code: str
    result: ParseResult | None
    problems: list[Problem]
    headers: dict[tuple[str, str], str]
    frames: dict[str, pd.DataFrame]
    seconds: float
    validate_seconds: float = 0.0
    spilled: dict[str, tuple[str, int]] = field(default_factory=dict)  # see ``Verdict``
    waiting: set[str] = field(default_factory=set)  # templates not through the first pass yet
    incidents: list[str] = field(default_factory=list)  # for the engineers: tracebacks

    def fail(self, rule: str, message_zh: str, incident: str | None = None) -> None:
        """The file is refused for a reason of its own handling (a budget, an internal
        error), whatever else was found in it."""
        self.problems.append(Problem(SEVERITY_ERROR, rule, message_zh, source="file"))
        if incident:
            self.incidents.append(incident)


# Why a file's handling stopped, for the contact; the engineers get the detail (``Lost``)
LOST_ZH = {
    "died": "处理该文件时程序异常退出（文件内容异常，或所需内存超出机器承受范围），该文件未导入；"
    "技术人员已收到记录",
    "timeout": "处理该文件超过时间上限仍未完成，已停止处理，该文件未导入；"
    "请检查文件中是否有大量多余的内容或格式后重新提交",
    "memory": "处理该文件所需内存超过上限，已停止处理，该文件未导入；"
    "请删除文件中多余的内容或拆分后重新提交",
}
INTERNAL_ZH = "系统处理该文件时发生内部错误，该文件未导入；技术人员已收到记录，会尽快处理并联系您"


def _parse(path: Path, unit_code: str, contracts, units, limits: Limits | None) -> _Parsed:
    """Reading and parsing one file: whatever goes wrong with it refuses it alone."""
    started = time.perf_counter()
    limits = limits or Limits()
    try:
        parsed = _read_and_parse(path, unit_code, contracts, units, limits)
    except MemoryError:
        parsed = _Parsed(path, unit_code, None, [], {}, {}, 0.0)
        parsed.fail("file_out_of_memory", LOST_ZH["memory"], traceback.format_exc())
    except Exception:
        parsed = _Parsed(path, unit_code, None, [], {}, {}, 0.0)
        parsed.fail("internal_error", INTERNAL_ZH, traceback.format_exc())
    parsed.seconds = time.perf_counter() - started
    return parsed


def _read_and_parse(path: Path, unit_code: str, contracts, units, limits: Limits) -> _Parsed:
    refusal = inspect(path, limits)
    if refusal is not None:
        problem = Problem(SEVERITY_ERROR, refusal.rule, refusal.message_zh, source="file")
        return _Parsed(path, unit_code, None, [problem], {}, {}, 0.0)
    try:
        result = parse_sheets(read_file(path, max_cells=limits.max_sheet_cells), contracts, units)
    except UnreadableFile as exc:
        problem = Problem(SEVERITY_ERROR, exc.rule, exc.message_zh, source="read")
        return _Parsed(path, unit_code, None, [problem], {}, {}, 0.0)
    headers = {(s.sheet, c): h for s in result.sheets for c, h in s.headers.items()}
    unvalidatable = {p.sheet for p in result.problems if p.rule == "missing_column"}
    frames = {
        template: frame[~frame["source_sheet"].isin(unvalidatable)].reset_index(drop=True)
        if unvalidatable
        else frame
        for template, frame in result.frames.items()
    }
    result.frames = {}  # one copy of the rows: the _Parsed's own
    for sheet in result.sheets:
        sheet.frame = None
    return _Parsed(
        path,
        unit_code,
        result,
        list(result.problems),
        headers,
        {t: f for t, f in frames.items() if not f.empty},
        0.0,
    )


def check_files(
    files: list[tuple[Path, str]],
    *,
    contracts: dict[str, Contract],
    units: UnitTable,
    runner: SuiteRunner,
    today: dt.date,
    seeds_dir: Path,
    context_db: Path | None = None,
    limits: Limits | None = None,
    context_read_only: bool = True,
    spill_dir: Path | None = None,
    sink: Callable[[int, Verdict], None] | None = None,
    workers: int = 1,
) -> list[Verdict]:
    """Verdicts for ``(path, unit_code)`` pairs, in the same order.

    Memory follows the largest stack of files, not the night: files are parsed and validated
    in stacks of about ``BATCH_ROWS`` rows of a template (see ``_FirstPass.run``); with a
    ``sink`` and a ``spill_dir`` each file's rows then wait there as parquet files, which the
    context rules' SQL reads and the sink stages (``Verdict.spilled``); each verdict is
    handed to the sink as soon as it is final. Without a sink the verdicts keep their rows as
    frames (nothing is spilled).

    With ``workers`` > 1 and a ``spill_dir``, the first pass runs in up to that many forked
    processes (see ``_processes``), each claiming the next file when it is free (see
    ``_Claims``); what they bring back is taken in file order, so the verdicts are those of
    one process. With a ``sink`` too, the verdicts are staged in workers: each verdict is
    handed to the sink in the worker that made it (the sink's return value is the verdict's
    ``staged``), and comes back without its rows and problems (it keeps their counts)."""
    reference = reference_context(seeds_dir, today)
    if sink is None:
        spill_dir = None  # verdicts keep their rows: frames, not parquet files
    first = _FirstPass(files, contracts, units, runner, reference, limits, spill_dir)
    parsed: list[_Parsed | None] = [None] * len(files)
    clean: set[int] = set()  # files without an error after the first pass
    if spill_dir is None or len(files) < 2:
        workers = 1  # workers hand rows back through the spill folder
    processes = _processes(files, workers)
    validations = []
    log.info("first pass: %d files, %d processes", len(files), processes)
    started = time.perf_counter()
    for outcome in _outcomes(first, _order(files, processes), processes, limits, isolate=True):
        for i, p in outcome.parsed.items():
            parsed[i] = p
        clean |= outcome.clean
        validations += outcome.validations
    log.info("first pass done in %.1f s", time.perf_counter() - started)

    started = time.perf_counter()
    night = _night_rows(parsed, clean)
    found = _context(
        night, parsed, lambda n: context_problems(n, reference, context_db, context_read_only)
    )
    share = (time.perf_counter() - started) / max(1, len(files))
    for i, p in enumerate(parsed):
        p.problems += found.get(i, [])
        p.validate_seconds += share
    log.info("context rules in %.1f s", time.perf_counter() - started)
    second = _SecondPass(parsed, sink)
    if sink is None:
        processes = 1  # without a sink the verdicts keep their rows: they stay in this process
    started = time.perf_counter()
    verdicts: list[Verdict | None] = [None] * len(files)
    # the Data Docs index (seconds of GX rendering) is written while the workers run
    for part in _outcomes(
        second,
        _order(files, processes),
        processes,
        limits,
        isolate=sink is not None,
        meanwhile=lambda: runner.index(validations),
    ):
        for i, verdict in part:
            verdicts[i] = verdict
    if spill_dir is not None and spill_dir.exists():  # staged by now
        for folder in spill_dir.iterdir():
            shutil.rmtree(folder, ignore_errors=True)
    log.info("verdicts staged in %.1f s", time.perf_counter() - started)
    return verdicts


def _context(night: NightRows, parsed: list[_Parsed], run: Callable) -> dict[int, list[Problem]]:
    """The context rules' problems over the night. Should the queries fail over the whole
    night, each file is tried alone to find the ones they fail on: those are refused (an
    internal error, with the traceback for the engineers) and the rest of the night is run
    again without them. A failure no single file causes refuses every file checked."""
    try:
        return run(night)
    except Exception:
        detail = traceback.format_exc()
    failing = set()
    for i in night.units:
        try:
            run(_only(night, {i}))
        except Exception:
            failing.add(i)
            parsed[i].fail("internal_error", INTERNAL_ZH, traceback.format_exc())
    if failing:
        try:
            return run(_only(night, set(night.units) - failing))
        except Exception:
            detail = traceback.format_exc()
    for i in set(night.units) - failing:
        parsed[i].fail("internal_error", INTERNAL_ZH, detail)
    return {}


def _only(night: NightRows, keep: set[int]) -> NightRows:
    """The night with the given files' rows only."""
    return NightRows(
        rows={t: {i: r for i, r in files.items() if i in keep} for t, files in night.rows.items()},
        units={i: u for i, u in night.units.items() if i in keep},
        headers={i: h for i, h in night.headers.items() if i in keep},
        clean=night.clean & keep,
    )


def _night_rows(parsed: list[_Parsed], clean: set[int]) -> NightRows:
    """What the context rules read of the first pass: every file's rows, as frames or the
    parquet files they were spilled to."""
    rows: dict[str, dict[int, pd.DataFrame | Path]] = {}
    for i, p in enumerate(parsed):
        for template, frame in p.frames.items():
            rows.setdefault(template, {})[i] = frame
        for template, (path, _n) in p.spilled.items():
            rows.setdefault(template, {})[i] = Path(path)
    checked = {i for found in rows.values() for i in found}
    return NightRows(
        rows=rows,
        units={i: parsed[i].unit_code for i in sorted(checked)},
        headers={i: parsed[i].headers for i in checked},
        clean=clean & checked,
    )


@dataclass
class _SecondPass:
    """Each file's verdict (every rule has run), handed to the sink (which stages it) in the
    process that made it."""

    parsed: list[_Parsed]
    sink: Callable[[int, Verdict], object] | None

    def run(self, claims: Iterable[int]) -> list[tuple[int, Verdict]]:
        """``(index, verdict)`` of each file claimed; a sink's ``close`` (if it has one) is
        called at the end, so that a worker process leaves nothing open."""
        try:
            return [self._final(i, self.parsed[i])[0] for i in claims]
        finally:
            getattr(self.sink, "close", lambda: None)()

    def lost(self, item: Lost) -> list[tuple[int, Verdict]]:
        """The verdict of a file whose worker did not come back with it."""
        p = self.parsed[item.index]
        p.fail(f"file_{item.reason}", LOST_ZH[item.reason], item.detail)
        try:
            return self._final(item.index, p)
        finally:
            getattr(self.sink, "close", lambda: None)()  # staged here, in the calling process

    def _final(self, i: int, p: _Parsed):
        verdict = _verdict(p, p.frames)
        if self.sink is not None:
            verdict.staged = self.sink(i, verdict)
            # staged: the rows and the problems are on disk now (140k warnings at S=10 were
            # 0.5 s to hand back from the workers, after the last one was done)
            verdict.frames, verdict.spilled, verdict.problems = {}, {}, []
        p.frames = {}
        return [(i, verdict)]


@dataclass
class _Outcome:
    """What the first pass hands back of the files one process claimed, by index."""

    parsed: dict[int, _Parsed] = field(default_factory=dict)
    clean: set[int] = field(default_factory=set)  # files without an error: the night's context
    validations: list = field(default_factory=list)  # GX results, their Data Docs pages written


@dataclass
class _FirstPass:
    """Parsing, the GX suites and the row-level rules, file by file and stack by stack."""

    files: list[tuple[Path, str]]
    contracts: dict[str, Contract]
    units: UnitTable
    runner: SuiteRunner
    reference: CheckContext  # for the row-level rules
    limits: Limits | None
    spill_dir: Path | None  # where each file's rows wait (parquet) for the context rules
    con: duckdb.DuckDBPyConnection | None = None  # writes them: opened in the worker

    def run(self, claims: Iterable[int]) -> _Outcome:
        """The files claimed, one after another (their index in the night names their spill
        folder).

        Each template's rows wait in a stack until it holds ``BATCH_ROWS`` rows, or the
        claims run out: the template's suite then runs once over the stack. A GX run costs a
        fixed time per expectation whatever its rows, so a small template (the period report's
        suite) is validated once a process, not once with every stack of
        rosters, though each workbook holds both. A file's rows of a template are spilled
        (with a ``spill_dir``) as soon as that stack is validated; should the stacks hold
        ``HOLD_ROWS`` rows in all, every one is validated."""
        outcome = _Outcome()
        parsed = outcome.parsed
        stacks: dict[str, list[int]] = {}  # template -> the files whose rows of it wait
        for i in claims:
            path, unit = self.files[i]
            parsed[i] = _parse(path, unit, self.contracts, self.units, self.limits)
            parsed[i].waiting = set(parsed[i].frames)
            for template in parsed[i].frames:
                stacks.setdefault(template, []).append(i)
            rows = {t: sum(len(parsed[k].frames[t]) for k in m) for t, m in stacks.items()}
            held = sum(rows.values()) >= HOLD_ROWS
            self._validate(outcome, stacks, [t for t, n in rows.items() if held or n >= BATCH_ROWS])
        self._validate(outcome, stacks, list(stacks))
        outcome.validations = self.runner.render_pages()
        if self.con is not None:
            self.con.close()
            self.con = None
        return outcome

    def _validate(self, outcome: _Outcome, stacks: dict[str, list[int]], templates) -> None:
        """The suites and the row-level rules of ``templates``, each over its stack: problems
        handed back to their file; then the rows out of memory (spilled)."""
        parsed = outcome.parsed
        for template in [t for t in self.contracts if t in templates and t in stacks]:
            members = stacks.pop(template)
            started = time.perf_counter()
            stacked = pd.concat(
                [parsed[i].frames[template].assign(**{FILE_INDEX: i}) for i in members],
                ignore_index=True,
            )
            headers = {i: parsed[i].headers for i in members}  # as each file wrote them
            try:
                found = self._problems(template, stacked, headers)
            except Exception:  # one file's rows can fail a stack: each file alone, then
                found = []
                for i in members:
                    alone = stacked[stacked[FILE_INDEX] == i].reset_index(drop=True)
                    try:
                        found += self._problems(template, alone, {i: headers[i]})
                    except Exception:
                        parsed[i].fail("internal_error", INTERNAL_ZH, traceback.format_exc())
            for file_index, problem in found:
                parsed[file_index].problems.append(problem)
            del stacked
            share = (time.perf_counter() - started) / len(members)
            for i in members:
                parsed[i].validate_seconds += share
                self._validated(outcome, i, template)

    def _problems(self, template: str, stacked: pd.DataFrame, headers) -> list[tuple[int, Problem]]:
        """``(file index, problem)`` of a stack: its suite, then its row-level rules."""
        return [
            *self.runner.problems(template, stacked, headers, FILE_INDEX),
            *run_rules_stacked(template, stacked, headers, self.reference, FILE_INDEX),
        ]

    def lost(self, item: Lost) -> _Outcome:
        """What the pass holds of a file whose worker did not come back with it."""
        path, unit = self.files[item.index]
        parsed = _Parsed(path, unit, None, [], {}, {}, 0.0)
        parsed.fail(f"file_{item.reason}", LOST_ZH[item.reason], item.detail)
        return _Outcome(parsed={item.index: parsed})

    def _validated(self, outcome: _Outcome, i: int, template: str) -> None:
        """A file's rows of a template, through the first pass: spilled (with a
        ``spill_dir``); the file counts as context for the others once every template of
        it is through, if no error was found."""
        p = outcome.parsed[i]
        if self.spill_dir is not None:
            if self.con is None:
                self.con = duckdb.connect()  # in the worker: none shared across a fork
            _spill(self.con, self.spill_dir, i, p, template)
        p.waiting.discard(template)
        if not p.waiting and not any(x.is_error for x in p.problems):
            outcome.clean.add(i)


def _order(files: list[tuple[Path, str]], processes: int) -> list[int]:
    """The order files are claimed in: across processes the largest first (ties in file
    order), so that the small ones even out the end and the workers finish together; in one
    process, the files' own order."""
    if processes < 2:
        return list(range(len(files)))
    sizes = [_size(path) for path, _ in files]
    return sorted(range(len(files)), key=lambda i: (-sizes[i], i))


def _processes(files: list[tuple[Path, str]], workers: int) -> int:
    """How many processes check the files: up to ``workers``, one per ``WORKER_BYTES`` of
    files (a worker costs a fork, and each of its stacks a GX run), never more than files."""
    if workers < 2:
        return 1
    return max(1, min(workers, len(files), sum(_size(path) for path, _ in files) // WORKER_BYTES))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # refused later, with a message, by the file's own check
        return 0


def _outcomes(
    job: _FirstPass | _SecondPass,
    order: list[int],
    processes: int,
    limits: Limits | None,
    isolate: bool,
    meanwhile: Callable[[], None] | None = None,
):
    """``job.run`` over the files of ``order``: here, or (``isolate``, or more than one
    process) in workers forked with what the pass holds already loaded, each watched within
    the budgets, and a file whose worker did not come back with it answered by
    ``job.lost``. ``meanwhile`` runs here while they work. Nothing in a pass logs: a
    worker's records would not reach the task's log."""
    if processes <= 1 and not isolate:
        if meanwhile is not None:
            meanwhile()
        yield job.run(order)
        return
    limits = limits or Limits()
    results, lost = run_forked(
        job.run,
        order,
        processes,
        seconds=limits.max_file_seconds,
        memory_mb=limits.max_worker_mb,
        meanwhile=meanwhile,
    )
    yield from results
    for item in lost:
        yield job.lost(item)


def _spill(con, spill_dir: Path, i: int, p: _Parsed, template: str) -> None:
    """A file's rows of one template to a parquet file, with its ``file_index`` and each
    row's ``pos``: the context rules read them there, and the stager copies them."""
    folder = spill_dir / f"{i:06d}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{template}.parquet"
    frame = p.frames.pop(template)  # ours: the two columns are added in place
    frame["file_index"] = i
    frame["pos"] = np.arange(len(frame), dtype="int64")
    con.register("spilled_frame", frame)
    try:
        con.execute(f"copy spilled_frame to '{target}' (format parquet)")
    finally:
        con.unregister("spilled_frame")
    p.spilled[template] = (str(target), len(frame))


def _verdict(p: _Parsed, frames: dict[str, pd.DataFrame]) -> Verdict:
    status = REJECTED if any(x.is_error for x in p.problems) else ACCEPTED
    return Verdict(
        path=p.path,
        unit_code=p.unit_code,
        status=status,
        problems=sorted(p.problems, key=_problem_order),
        frames=frames,
        spilled=dict(p.spilled),
        sheets={s.sheet: s.template for s in p.result.sheets} if p.result else {},
        columns=p.result.column_lineage() if p.result else [],
        parse_seconds=p.seconds,
        validate_seconds=p.validate_seconds,
        n_errors=count(p.problems, SEVERITY_ERROR),
        n_warnings=count(p.problems, SEVERITY_WARNING),
        incidents=p.incidents,
    )


def check_file(path: Path, unit_code: str, **kwargs) -> Verdict:
    return check_files([(path, unit_code)], **kwargs)[0]


def _problem_order(p: Problem) -> tuple:
    return (p.severity != SEVERITY_ERROR, p.sheet or "", p.row or 0, p.column or "")
