"""Reading a column at once (``cells.read_column``) gives, cell for cell, what reading each
cell alone gives: the same value, the same problems, at the same positions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incubation.contracts import Column, load_units
from incubation.parsing.cells import read_column, typed_array
from incubation.parsing.sheets import _read_cell, _Spec

UNITS = load_units(Path(__file__).parents[2] / "include" / "contracts")

# Values that collide under Python equality (1 == 1.0 == True), plain and marked numbers,
# digit strings, full-width and spaced text, null markers, error values, dates in forms.
TRICKY = [
    None,
    "",
    " ",
    "—",
    "无",
    "N/A",
    0,
    1,
    1.0,
    True,
    False,
    2.5,
    -3,
    1e20,
    float("inf"),
    "12",
    "0012",
    "12.50",
    "1,234",
    "１２",
    "12 ",
    "约50",
    "1.2万",
    "3个",
    "12%",
    "1e5",
    "nan",
    "#DIV/0!",
    "＃REF!",
    "'91500103MA5U000000",
    "91500103ma5u 000000",
    "ＡＢＣ　公司",
    "  重庆  数字  ",
    "是",
    "否",
    "2023-07-01",
    "2023-02-30",
    "2023/7/1",
    "2023年7月1日",
    "20230701",
    20230701,
    45000,
    2023.1,
    dt.date(2023, 7, 1),
    dt.datetime(2023, 7, 1, 12, 30),
    "2025Q3",
    "2025年第三季度",
]
KINDS = ["int", "decimal", "text", "enum", "code", "date", "period", "bool"]


def _spec(kind: str, factor: float) -> _Spec:
    unit = {"int": "人", "decimal": "万元"}.get(kind)
    col = Column("x", "指标", kind, unit=unit)
    return _Spec(0, "x", col, "指标", unit, factor)


def _one_by_one(raw: list, spec: _Spec):
    read = [_read_cell(v, spec, None, UNITS) for v in raw]
    cells = np.empty(len(read), dtype=object)
    cells[:] = [v for v, _f in read]
    values = pd.Series(typed_array(cells, spec.col.type))
    return values, {i: f for i, (_v, f) in enumerate(read) if f}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(TRICKY), max_size=40),
    st.sampled_from(KINDS),
    st.sampled_from([1.0, 10_000.0, 0.1]),
)
def test_a_column_reads_as_its_cells_do(raw, kind, factor):
    spec = _spec(kind, factor)
    column = read_column(raw, kind, factor, lambda v: _read_cell(v, spec, None, UNITS))
    expected, found = _one_by_one(raw, spec)
    got = pd.Series(column.values, dtype=expected.dtype)
    pd.testing.assert_series_equal(got, expected, check_names=False)
    assert column.found == found


@pytest.mark.parametrize("kind", KINDS)
def test_every_tricky_value_in_one_column(kind):
    spec = _spec(kind, 10_000.0)
    raw = TRICKY * 3
    column = read_column(raw, kind, 10_000.0, lambda v: _read_cell(v, spec, None, UNITS))
    expected, found = _one_by_one(raw, spec)
    pd.testing.assert_series_equal(
        pd.Series(column.values, dtype=expected.dtype), expected, check_names=False
    )
    assert column.found == found
