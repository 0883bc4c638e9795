"""Monthly and multi-month rows rolled up to quarters, by each measure's kind (design.md §4).

A row's period is a quarter ('2025Q3'), a month ('2025-08') or a span of months in one year
('2025-01~2025-09', from 2025年1-9月 or 前三季度). A quarter is taken from the rows of its last
month (a span ending on it counts): stock, year-to-date and cumulative measures are the
values at that month's end. Period flows (本期新增, 本期毕业 …) are summed over rows that cover
the quarter's three months exactly once; otherwise they cannot be split or completed, and are
left "not reported" with a warning. Rows of a quarter whose last month has not come yet are
not loaded (a warning says so): the quarter is loaded when its last month arrives.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from incubation.checks.problems import SEVERITY_INFO, SEVERITY_WARNING, Problem
from incubation.contracts import Contract

_QUARTER = re.compile(r"^\d{4}Q[1-4]$")
_MONTHS = re.compile(r"^(?P<y>\d{4})-(?P<m1>\d{2})(?:~\d{4}-(?P<m2>\d{2}))?$")


def months_of(period: str) -> tuple[int, int, int] | None:
    """(year, first month, last month) of a month or span period; None for a quarter."""
    match = _MONTHS.match(period)
    if not match:
        return None
    first = int(match["m1"])
    return int(match["y"]), first, int(match["m2"] or first)


def roll_up(
    frame: pd.DataFrame, contract: Contract, period_headers: dict[str, str]
) -> tuple[pd.DataFrame, list[Problem]]:
    """``period_headers``: sheet -> the period column's header as written, for messages."""
    if "period" not in frame or frame.empty:
        return frame, []
    periods = frame["period"]
    monthly = periods.notna() & ~periods.astype("string").str.match(_QUARTER.pattern).fillna(True)
    if not monthly.any():
        return frame, []
    problems: list[Problem] = []
    flows = [c.name for c in contract.columns if c.measure == "flow_period"]
    key_cols = [c for c in contract.key if c != "period"]
    group_cols = [c for c in contract.supersede_by if c != "period"]
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for record in frame[monthly].to_dict("records"):
        year, first, last = months_of(record["period"])
        record["_months"] = (year, first, last)
        quarter = f"{year}Q{(last + 2) // 3}"
        groups[(*(record[c] for c in group_cols), quarter)].append(record)

    out = []
    for group_key, records in groups.items():
        quarter = group_key[-1]
        end_month = int(quarter[-1]) * 3
        closing = [r for r in records if r["_months"][2] == end_month]
        if not closing:
            first = min(records, key=lambda r: r["source_row"])
            problems.append(
                _problem(
                    period_headers,
                    first,
                    SEVERITY_WARNING,
                    "period_incomplete_quarter",
                    f"报告期“{first['period']}”不是季度末月份；{quarter[:4]}年第{quarter[-1]}季度"
                    f"以 {end_month} 月末的数据为准，这些行在该月数据报来前暂不导入",
                    "季度末月份的数据报送后即可导入；如按季度填报，请填写季度末数据",
                )
            )
            continue
        by_key: dict[tuple, list[dict]] = defaultdict(list)
        for r in records:
            by_key[tuple(r[c] for c in key_cols)].append(r)
        for r in closing:
            row = dict(r)
            row["period"] = quarter
            if flows:
                covered = [
                    m
                    for x in by_key[tuple(r[c] for c in key_cols)]
                    for m in range(x["_months"][1], x["_months"][2] + 1)
                ]
                quarter_months = list(range(end_month - 2, end_month + 1))
                if sorted(covered) == quarter_months:
                    contributing = by_key[tuple(r[c] for c in key_cols)]
                    for name in flows:
                        values = [x[name] for x in contributing if not pd.isna(x[name])]
                        row[name] = sum(values) if values else None
                else:
                    reported = [name for name in flows if not pd.isna(r[name])]
                    for name in flows:
                        row[name] = None
                    if reported:
                        problems.append(
                            _problem(
                                period_headers,
                                r,
                                SEVERITY_WARNING,
                                "period_flow_not_quarterly",
                                f"报告期“{r['period']}”的本期数（如“{contract.column(reported[0]).header}”）"
                                f"不是恰好覆盖{quarter[:4]}年第{quarter[-1]}季度的三个月，无法换算为季度数，未导入",
                                "本期数请按季度或逐月填报；期末数、累计数不受影响",
                            )
                        )
            del row["_months"]
            out.append(row)

    sheets = sorted(set(frame.loc[monthly, "source_sheet"]))
    for sheet in sheets:
        problems.append(
            Problem(
                SEVERITY_INFO,
                "period_rolled_up",
                "按月（或跨月）填报的数据已汇总为季度：期末数、累计数取季度末月份，本期数按月相加",
                sheet=sheet,
                source="parse",
            )
        )
    rolled = pd.DataFrame.from_records(out, columns=frame.columns)
    rolled = rolled.astype(frame.dtypes.to_dict())
    return pd.concat([frame[~monthly], rolled], ignore_index=True), problems


def _problem(
    period_headers: dict[str, str], record: dict, severity: str, rule: str, message: str, fix: str
) -> Problem:
    return Problem(
        severity,
        rule,
        message,
        fix,
        record["source_sheet"],
        int(record["source_row"]),
        period_headers.get(record["source_sheet"], "报告期"),
        str(record["period"]),
        "parse",
    )
