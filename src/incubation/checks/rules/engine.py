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
            wanted = ["source_sheet", "source_row", *rule.columns, *filter(None, [file_column])]
            names = [c for c in dict.fromkeys(wanted) if c in frame.columns]
            found += _problems(rule, frame.loc[selected, names], headers_of, file_column)
    return found


def _problems(
    rule: Rule, part: pd.DataFrame, headers_of, file_column: str | None
) -> list[tuple[object, Problem]]:
    columns = [c for c in rule.columns if c in part.columns]
    values = _values(part, columns)
    files = part[file_column].tolist() if file_column else [None] * len(part)
    details = None
    if rule.detail is not None:
        rows = zip(*(part[c].tolist() for c in columns), strict=True)
        details = [rule.detail(dict(zip(columns, row, strict=True))) for row in rows]
    located: dict[tuple, str] = {}  # (file, sheet) -> the rule's columns' headers
    found = []
    for k, (file, sheet, row, value) in enumerate(
        zip(files, part["source_sheet"].tolist(), part["source_row"].tolist(), values, strict=True)
    ):
        if (file, sheet) not in located:
            headers = headers_of(file)
            located[file, sheet] = "、".join(headers.get((sheet, c), c) for c in rule.columns)
        problem = Problem(
            rule.severity,
            rule.id,
            rule.message_zh + details[k] if details is not None else rule.message_zh,
            rule.fix_zh,
            sheet=sheet,
            row=int(row),
            column=located[file, sheet],
            value=value,
            source="rule",
        )
        found.append((file, problem))
    return found


def _values(part: pd.DataFrame, columns: list[str]) -> list[str | None]:
    """Each row's value as the problem shows it: its columns' present values joined by " / "."""
    if not columns:
        return [None] * len(part)
    texts = [_texts(part[c]) for c in columns]
    if len(texts) == 1:
        return texts[0]
    joined = (" / ".join(t for t in row if t is not None) for row in zip(*texts, strict=True))
    return [text or None for text in joined]


def _texts(column: pd.Series) -> list[str | None]:
    """A column's values as the problem shows them: ``str`` of each, None where missing."""
    present = column.notna().to_numpy(dtype=bool)
    return [str(v) if ok else None for v, ok in zip(column.tolist(), present, strict=True)]
