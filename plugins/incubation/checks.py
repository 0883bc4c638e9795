"""Domain checks that GX suites cannot express: check characters and cross-field rules.

Each check takes a canonical frame (with lineage columns) and returns problems, located by
sheet, Excel row and the header as the contact wrote it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from . import uscc
from .normalise import period_of
from .problems import SEVERITY_ERROR, Problem

FIRST_PERIOD = "2021Q1"

Headers = dict[tuple[str, str], str]


def _problem(row, column: str, headers: Headers, rule: str, message: str, fix: str, value):
    sheet = row["source_sheet"]
    return Problem(
        SEVERITY_ERROR,
        rule,
        message,
        fix,
        sheet=sheet,
        row=int(row["source_row"]),
        column=headers.get((sheet, column), column),
        value=None if value is None else str(value),
        source="check",
    )


def check_uscc_column(frame: pd.DataFrame, column: str, headers: Headers) -> list[Problem]:
    """A well-shaped code whose check character is wrong (the shape is the suite's job)."""
    problems = []
    for _, row in frame[frame[column].notna()].iterrows():
        code = row[column]
        if uscc.has_valid_shape(code) and not uscc.is_valid(code):
            problems.append(
                _problem(
                    row,
                    column,
                    headers,
                    "uscc_check_character",
                    f"统一社会信用代码校验位错误（按 GB 32100-2015 第 18 位应为"
                    f"“{uscc.expected_check_character(code)}”）",
                    "请对照营业执照逐位核对代码",
                    code,
                )
            )
    return problems


def check_enterprise_has_uscc(frame: pd.DataFrame, headers: Headers) -> list[Problem]:
    missing = frame[(frame["entity_kind"] == "企业") & frame["uscc"].isna()]
    return [
        _problem(
            row,
            "uscc",
            headers,
            "uscc_required_for_enterprise",
            "主体类型为“企业”的，统一社会信用代码为必填项",
            "请填写该企业营业执照上的 18 位代码；尚未注册的请将主体类型改为“创业团队”",
            None,
        )
        for _, row in missing.iterrows()
    ]


def check_period_range(frame: pd.DataFrame, headers: Headers, today: dt.date) -> list[Problem]:
    current = period_of(today)
    bad = frame[
        frame["period"].notna() & ((frame["period"] > current) | (frame["period"] < FIRST_PERIOD))
    ]
    return [
        _problem(
            row,
            "period",
            headers,
            "period_out_of_range",
            f"报告期应在 {FIRST_PERIOD} 至 {current} 之间",
            "请核对报告期，不能填报未来的季度",
            row["period"],
        )
        for _, row in bad.iterrows()
    ]


def run_checks(
    template: str, frame: pd.DataFrame, headers: Headers, today: dt.date
) -> list[Problem]:
    checks: list[Callable[[], list[Problem]]] = []
    if template == "carrier_registry":
        checks.append(lambda: check_uscc_column(frame, "operator_uscc", headers))
    if template in ("carrier_period_report", "incubatee_roster"):
        checks.append(lambda: check_period_range(frame, headers, today))
    if template == "incubatee_roster":
        checks.append(lambda: check_uscc_column(frame, "uscc", headers))
        checks.append(lambda: check_enterprise_has_uscc(frame, headers))
    return [p for check in checks for p in check()]
