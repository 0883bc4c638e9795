"""Checks more than one template uses: credit codes and the reporting period's range."""

from __future__ import annotations

import numpy as np
import pandas as pd

from incubation.checks import uscc
from incubation.checks.problems import SEVERITY_ERROR
from incubation.checks.rules.columns import map_unique, mask
from incubation.checks.rules.model import Check, CheckContext, Detail, Rule
from incubation.parsing.normalise import period_of

FIRST_PERIOD = "2021Q1"  # the plan's first quarter


def wrong_check_character(column: str) -> Check:
    """Rows whose credit code in ``column`` fails the GB 32100-2015 check character."""

    def check(frame: pd.DataFrame, ctx: CheckContext) -> pd.Series:
        codes, uniques = pd.factorize(frame[column])
        wrong = np.append(uscc.wrong_check_character(list(uniques)), False)  # -1: no code
        return mask(pd.Series(wrong[codes], index=frame.index))

    return check


def expected_check_character(column: str) -> Detail:
    """The check character the code in ``column`` should end with."""

    def detail(row: dict) -> str:
        return f"，第 18 位应为“{uscc.expected_check_character(row[column])}”"

    return detail


def wrong_organisation_code(column: str) -> Check:
    """Rows whose credit code is valid but whose positions 9-17 (the organisation code)
    fail the GB 11714 check."""

    def check(frame: pd.DataFrame, ctx: CheckContext) -> pd.Series:
        return mask(
            map_unique(
                frame[column],
                lambda x: isinstance(x, str) and uscc.is_valid(x) and not org_code_is_valid(x),
            )
        )

    return check


def org_code_is_valid(code: str) -> bool:
    """GB 11714 check of positions 9-17 (the organisation code inside the USCC)."""
    body, check = code[8:16], code[16]
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    expected = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return {10: "X", 11: "0"}.get(expected, str(expected)) == check


def period_out_of_range(frame: pd.DataFrame, ctx: CheckContext) -> pd.Series:
    """Rows reporting a quarter before the plan's first or after the current one."""
    current = period_of(ctx.today)
    period = frame["period"]
    return mask(period.notna() & ((period > current) | (period < FIRST_PERIOD)))


# the rules the period report and the roster share, under each template's own id
def period_rule(rule_id: str) -> Rule:
    """The reporting period within the plan's quarters up to the current one."""
    return Rule(
        id=rule_id,
        severity=SEVERITY_ERROR,
        columns=("period",),
        message_zh="报告期不能早于 2021Q1，也不能是未来的季度",
        fix_zh="请核对报告期",
        check=period_out_of_range,
    )


def carrier_unknown_rule(
    rule_id: str, fix_zh: str = "请先报送该载体的基本信息表，或核对载体编码"
) -> Rule:
    """The carrier registered (in staging or in a clean registry of the same run)."""
    return Rule(
        id=rule_id,
        severity=SEVERITY_ERROR,
        columns=("carrier_id",),
        message_zh="载体编码未在孵化载体基本信息表中登记",
        fix_zh=fix_zh,
        query="carrier_unknown",
    )


def not_authorised_rule(rule_id: str) -> Rule:
    """The file's unit leads a task in the carrier's zone (or is the coordinator)."""
    return Rule(
        id=rule_id,
        severity=SEVERITY_ERROR,
        columns=("carrier_id",),
        message_zh="本单位不负责该载体所在片区，不能报送",
        fix_zh="请由负责该片区的单位报送",
        query="carrier_not_authorised",
        lists_reporting_units=True,
    )
