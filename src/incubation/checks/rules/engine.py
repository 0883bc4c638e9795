"""Running the row rules of a template over a frame (or many files' frames stacked) and
turning their failing rows into problems located by sheet, row and the contact's header."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from incubation.checks.problems import Problem
from incubation.checks.rules.model import ROW, CheckContext, Rule

Headers = dict[tuple[str, str], str]  # (sheet, column) -> the header as the contact wrote it


def failing_rows(
    rules: tuple[Rule, ...],
    frame: pd.DataFrame,
    headers_of: Callable[[object], Headers],
    ctx: CheckContext,
    file_column: str | None = None,
) -> list[tuple[object, Problem]]:
    """``(file, problem)`` for every failing row of every row rule, in the rules' order, then
    the rows'. ``file`` is the row's ``file_column`` value (None without one); ``headers_of``
    gives that file's headers."""
    found = []
    for rule in rules:
        if rule.kind != ROW:
            continue
        failing = rule.check(frame, ctx).reindex(frame.index, fill_value=False)
        selected = failing.to_numpy(dtype=bool)
        if selected.any():
            found += _problems(rule, frame.loc[selected], headers_of, file_column)
    return found


def _problems(
    rule: Rule, part: pd.DataFrame, headers_of, file_column: str | None
) -> list[tuple[object, Problem]]:
    columns = [c for c in rule.columns if c in part.columns]
    values = {c: part[c].tolist() for c in columns}
    files = part[file_column].tolist() if file_column else [None] * len(part)
    located: dict[tuple, str] = {}  # (file, sheet) -> the rule's columns' headers
    found = []
    for k, (file, sheet, row) in enumerate(
        zip(files, part["source_sheet"].tolist(), part["source_row"].tolist(), strict=True)
    ):
        if (file, sheet) not in located:
            headers = headers_of(file)
            located[file, sheet] = "、".join(headers.get((sheet, c), c) for c in rule.columns)
        present = [values[c][k] for c in columns if _present(values[c][k])]
        message = rule.message_zh
        if rule.detail is not None:
            message += rule.detail({c: values[c][k] for c in columns})
        problem = Problem(
            rule.severity,
            rule.id,
            message,
            rule.fix_zh,
            sheet=sheet,
            row=int(row),
            column=located[file, sheet],
            value=" / ".join(str(v) for v in present) or None,
            source="rule",
        )
        found.append((file, problem))
    return found


def _present(value) -> bool:
    return value is not None and not pd.isna(value)
