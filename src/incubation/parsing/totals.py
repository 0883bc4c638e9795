"""合计 / 总计 / 小计 rows: never loaded as facts, but compared with the rows they total.

A 合计 or 总计 row totals every data row of its sheet, wherever it stands (top or bottom). 小计
rows stand either all above or all below their groups; the first one tells which (no data
row since the start or the last group heading: above). Below, a 小计 totals the rows since
the previous 小计 or group heading; above, the rows after it up to the next. A mismatch is a
warning: the rows are loaded, the contact is asked to look.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from incubation.checks.problems import SEVERITY_WARNING
from incubation.contracts import Contract

ABS_TOLERANCE = 0.01
REL_TOLERANCE = 1e-4


@dataclass
class _Total:
    label: str
    row: int
    values: dict[str, float]
    start: int = 0  # the data rows it totals: positions start..end-1 in the sheet's frame
    end: int = 0


class Totals:
    """Fed the sheet's rows in order (data rows by count only), then compared with the
    sheet's frame of data rows."""

    def __init__(self, contract: Contract, headers: dict[str, str]):
        self.headers = headers
        self.numeric = {c.name for c in contract.columns if c.type in ("int", "decimal")}
        self.rows = 0
        self.grand: list[_Total] = []
        self.subtotals: list[_Total] = []
        self._segment = 0  # where the current group's data rows start
        self._waiting: _Total | None = None  # a 小计 at the top of its group
        self._top: bool | None = None  # are this sheet's 小计 rows above their groups?

    def data_row(self) -> None:
        self.rows += 1
        if self._waiting is not None:
            self._waiting.end = self.rows

    def data_rows(self, count: int) -> None:
        """``count`` data rows in a row (``data_row`` that many times)."""
        if count > 0:
            self.rows += count
            if self._waiting is not None:
                self._waiting.end = self.rows

    def section(self) -> None:
        self._segment = self.rows
        self._waiting = None

    def total_row(self, label: str, row: int, values: dict[str, float]) -> None:
        total = _Total(label[:2], row, values, self.rows, self.rows)
        if label.startswith("小计"):
            if self._top is None:  # the first 小计 tells the sheet's style
                self._top = self._segment == self.rows
            if self._top:
                self._waiting = total
            else:
                total.start = self._segment
            self.subtotals.append(total)
            self._segment = self.rows
        else:
            self.grand.append(total)
            self.section()

    def mismatches(self, frame: pd.DataFrame):
        for total in self.grand:
            total.start, total.end = 0, self.rows
        for total in [*self.grand, *self.subtotals]:
            for name, expected in total.values.items():
                if name not in self.numeric:
                    continue
                found = float(frame[name].iloc[total.start : total.end].astype("Float64").sum())
                if abs(found - expected) > max(ABS_TOLERANCE, REL_TOLERANCE * abs(expected)):
                    header = self.headers[name]
                    yield (
                        SEVERITY_WARNING,
                        "total_mismatch",
                        f"{total.label}行的“{header}”为 {_fmt(expected)}，"
                        f"而对应 {total.end - total.start} 行明细之和为 {_fmt(found)}",
                        "请核对合计行或明细行（合计行本身不导入）",
                        total.row,
                        header,
                        _fmt(expected),
                    )


def _fmt(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")
