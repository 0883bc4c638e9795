"""A sheet's data rows found column by column (``sheets._data_rows``) are the rows the
row-by-row reading finds: the reference below is that reading, kept as the test's oracle, run
on random sheets of data rows, blank rows, 合计 and 小计 rows, group headings, code rows,
the names row, footers and cells with issues (some past the last row read)."""

from __future__ import annotations

import random

import pytest

from incubation.parsing import sheets
from incubation.parsing.layout import is_code_row
from incubation.parsing.normalise import clean_text, is_null
from incubation.parsing.totals import Totals

CONTRACT = "carrier_period_report"


def reference_rows(grid, first, specs, issues, names, totals, total_values) -> list[int]:
    """The row-by-row reading, as ``_data_rows`` was written before it worked by columns."""
    width = max((s.idx for s in specs), default=-1) + 1
    at = [s.idx for s in specs]
    issue_rows = {r for r, _c in issues}
    rows: list[int] = []
    first_data = True
    for row_idx in range(first, len(grid)):
        row = grid[row_idx]
        if len(row) < width:
            row.extend([None] * (width - len(row)))
        if row_idx not in issue_rows and all(
            row[i] is None or row[i] == "" or is_null(row[i]) for i in at
        ):
            if sheets._label(row).startswith(sheets.FOOTER_MARKERS):
                break
            continue
        if first_data:
            first_data = False
            if is_code_row(row):
                continue
            if {clean_text(c) for c in row if clean_text(c)} <= names:
                continue
        if not sheets._may_be_marked(row):
            rows.append(row_idx)
            totals.data_row()
            continue
        label = sheets._label(row)
        if label.startswith(sheets.FOOTER_MARKERS):
            break
        compact = label.replace(" ", "")
        if compact.startswith(sheets.TOTAL_MARKERS):
            totals.total_row(
                compact, row_idx + 1, total_values({s.name: row[s.idx] for s in specs})
            )
            continue
        if sheets._SECTION.match(compact) and sum(not is_null(row[i]) for i in at) <= 1:
            totals.section()
            continue
        rows.append(row_idx)
        totals.data_row()
    return rows


def random_sheet(rng: random.Random, specs) -> tuple[list[list], dict]:
    width = max(s.idx for s in specs) + 1
    grid = [["载体编码", "报告期", "期末在孵企业数"][:width] + [None] * (width - 3)]
    kinds = ["data"] * 12 + ["blank", "nan", "total", "subtotal", "section", "dash", "short"]
    if rng.random() < 0.3:
        grid.append(["甲", "乙", *range(1, width - 1)])
    if rng.random() < 0.2:
        grid.append([s.name for s in specs] + [None] * (width - len(specs)))
    for _ in range(rng.randint(0, 40)):
        kind = rng.choice(kinds)
        row = {
            "data": lambda: [f"YZ-FH-{rng.randint(1, 99):04d}", "2025Q3", rng.randint(0, 50)],
            "blank": lambda: [None, "", None],
            "nan": lambda: [float("nan"), None, "  "],
            "total": lambda: ["合计", None, rng.randint(0, 500)],
            "subtotal": lambda: ["小 计", None, rng.randint(0, 90)],
            "section": lambda: [
                rng.choice(["一、孵化器", "（二）众创空间", "第三部分"]),
                None,
                None,
            ],
            "dash": lambda: ["—", "无", None],
            "short": lambda: ["YZ-JS-0003"],
        }[kind]()
        grid.append(row + [None] * (width - len(row)) if rng.random() < 0.7 else row)
    if rng.random() < 0.3:
        grid.append([rng.choice(["填表人：张三", "单位负责人：李四"]), None, None])
        grid.append(["YZ-FH-0009", "2025Q3", 3])  # after the footer: not data
    issues = {
        (rng.randint(1, len(grid) + 3), rng.randint(0, width - 1)): "#DIV/0!"
        for _ in range(rng.randint(0, 3))
    }
    return grid, issues


@pytest.mark.parametrize("seed", range(300))
def test_column_by_column_finds_the_rows_row_by_row_finds(seed, contracts):
    contract = contracts[CONTRACT]
    columns = {c.name: c for c in contract.columns}
    specs = [
        sheets._Spec(i, name, columns[name], name, None, 1.0)
        for i, name in enumerate(("carrier_id", "period", "incubatees_eop"))
    ]
    rng = random.Random(seed)
    grid, issues = random_sheet(rng, specs)
    names = {s.name for s in specs}

    def total_values(values):
        return {k: v for k, v in values.items() if isinstance(v, int)}

    got_totals, want_totals = Totals(contract, {}), Totals(contract, {})
    want = reference_rows(
        [list(r) for r in grid], 1, specs, issues, names, want_totals, total_values
    )
    got = sheets._data_rows(
        [list(r) for r in grid], 1, specs, issues, names, got_totals, total_values
    )
    assert got == want
    assert vars(got_totals).keys() == vars(want_totals).keys()
    assert repr(vars(got_totals)) == repr(vars(want_totals))
