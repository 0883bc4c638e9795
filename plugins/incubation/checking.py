"""The verdict on files: parse every sheet, run the suites and the domain rules.

Two passes. First every file alone: parsing, the GX suites and the row-level rules. Then the
rules that need context (known carriers, who may report them, the previous quarter, rosters
against period reports), with the warehouse's accepted data plus the rows of this night's
files that passed the first pass.

GX costs about 12 ms per expectation per validation, whatever the row count, so files are
validated in batches: the parsed frames of one template from many files are stacked (with a
``file_index`` column, which the suites' uniqueness expectations include) and validated in
one run, up to ``BATCH_ROWS`` rows at a time. Problems are then handed back to their file.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .context import add_batch, add_warehouse, reference_context
from .contracts import Contract, UnitTable
from .parsing import ParseResult, parse_sheets
from .problems import SEVERITY_ERROR, SEVERITY_WARNING, Problem, count
from .readers import UnreadableFile, read_file
from .rules import run_rules
from .safety import Limits, inspect
from .validation import SuiteRunner

ACCEPTED = "accepted"
REJECTED = "rejected"
BATCH_ROWS = 200_000
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

    @property
    def n_errors(self) -> int:
        return count(self.problems, SEVERITY_ERROR)

    @property
    def n_warnings(self) -> int:
        return count(self.problems, SEVERITY_WARNING)

    @property
    def rows(self) -> int:
        return sum(len(f) for f in self.frames.values())


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


def _parse(path: Path, unit_code: str, contracts, units, limits: Limits | None) -> _Parsed:
    started = time.perf_counter()
    refusal = inspect(path, limits)
    if refusal is not None:
        problem = Problem(SEVERITY_ERROR, refusal.rule, refusal.message_zh, source="file")
        return _Parsed(path, unit_code, None, [problem], {}, {}, time.perf_counter() - started)
    try:
        result = parse_sheets(read_file(path), contracts, units)
    except UnreadableFile as exc:
        problem = Problem(SEVERITY_ERROR, "unreadable_file", exc.message_zh, source="read")
        return _Parsed(path, unit_code, None, [problem], {}, {}, time.perf_counter() - started)
    headers = {(s.sheet, c): h for s in result.sheets for c, h in s.headers.items()}
    unvalidatable = {p.sheet for p in result.problems if p.rule == "missing_column"}
    frames = {
        template: frame[~frame["source_sheet"].isin(unvalidatable)].reset_index(drop=True)
        for template, frame in result.frames_by_template().items()
    }
    return _Parsed(
        path,
        unit_code,
        result,
        list(result.problems),
        headers,
        {t: f for t, f in frames.items() if not f.empty},
        time.perf_counter() - started,
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
) -> list[Verdict]:
    """Verdicts for ``(path, unit_code)`` pairs, in the same order."""
    parsed = [_parse(path, unit, contracts, units, limits) for path, unit in files]
    ctx = reference_context(seeds_dir, today)
    for template in contracts:
        members = [(i, p.frames[template]) for i, p in enumerate(parsed) if template in p.frames]
        for batch in _batches(members):
            started = time.perf_counter()
            stacked = pd.concat(
                [frame.assign(**{FILE_INDEX: i}) for i, frame in batch], ignore_index=True
            )
            headers = {k: v for i, _ in batch for k, v in parsed[i].headers.items()}
            for file_index, problem in runner.problems(template, stacked, headers, FILE_INDEX):
                parsed[file_index].problems.append(problem)
            for i, frame in batch:
                parsed[i].problems += run_rules(template, frame, parsed[i].headers, ctx, False)
            share = (time.perf_counter() - started) / len(batch)
            for i, _ in batch:
                parsed[i].validate_seconds += share
    _check_in_context(parsed, ctx, context_db, context_read_only)
    return [_verdict(p) for p in parsed]


def _check_in_context(parsed: list[_Parsed], ctx, context_db: Path | None, read_only: bool) -> None:
    started = time.perf_counter()
    periods = {
        period
        for p in parsed
        for frame in p.frames.values()
        if "period" in frame
        for period in frame["period"].dropna().unique()
    }
    if context_db is not None:
        add_warehouse(ctx, context_db, periods, read_only)
    clean: dict[str, list[pd.DataFrame]] = {}
    for p in parsed:
        if not any(x.is_error for x in p.problems):
            for template, frame in p.frames.items():
                clean.setdefault(template, []).append(frame)
    add_batch(ctx, clean)
    for p in parsed:
        ctx.unit_code = p.unit_code
        for template, frame in p.frames.items():
            p.problems += run_rules(template, frame, p.headers, ctx, True)
    share = (time.perf_counter() - started) / max(1, len(parsed))
    for p in parsed:
        p.validate_seconds += share


def _batches(members: list[tuple[int, pd.DataFrame]]):
    batch, rows = [], 0
    for item in members:
        if batch and rows + len(item[1]) > BATCH_ROWS:
            yield batch
            batch, rows = [], 0
        batch.append(item)
        rows += len(item[1])
    if batch:
        yield batch


def _verdict(p: _Parsed) -> Verdict:
    status = REJECTED if any(x.is_error for x in p.problems) else ACCEPTED
    return Verdict(
        path=p.path,
        unit_code=p.unit_code,
        status=status,
        problems=sorted(p.problems, key=_problem_order),
        frames=p.frames,
        sheets={s.sheet: s.template for s in p.result.sheets} if p.result else {},
        columns=p.result.column_lineage() if p.result else [],
        parse_seconds=p.seconds,
        validate_seconds=p.validate_seconds,
    )


def check_file(path: Path, unit_code: str, **kwargs) -> Verdict:
    return check_files([(path, unit_code)], **kwargs)[0]


def _problem_order(p: Problem) -> tuple:
    return (p.severity != SEVERITY_ERROR, p.sheet or "", p.row or 0, p.column or "")
