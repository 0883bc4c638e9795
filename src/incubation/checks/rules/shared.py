"""Checks more than one template uses: credit codes and the reporting period's range."""

from __future__ import annotations

import numpy as np
import pandas as pd

from incubation.checks import uscc
from incubation.checks.rules.columns import map_unique, mask
from incubation.checks.rules.model import Check, CheckContext, Detail
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
