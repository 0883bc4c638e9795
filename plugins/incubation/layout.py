"""Where the table is on a sheet: merged cells filled, the header block found and joined.

Department forms put a title, a 填报单位 line and 表号 blocks above the table, use headers of
two to four merged rows (a parent "在孵企业情况" over "期末在孵企业数 | 其中：高新技术企业数"),
add a column-code row (甲 乙 1 2 3) under the header, and merge one carrier's name down over
its rows. This module turns such a sheet into a grid where every merged cell carries its
value, and finds the block of header rows whose joined labels name the most columns of one
contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .contracts import Contract, split_header_unit
from .normalise import clean_text

HEADER_SCAN_ROWS = 20
MAX_HEADER_DEPTH = 4
# A child header that means "the parent itself" (在孵企业数 over 合计 | 其中：高新技术企业).
SELF_LABELS = frozenset({"合计", "小计", "总计", "计", "数量", "总数", "数值", "本期", "期末数"})
_CODE_CELL = re.compile(r"^(?:[甲乙丙丁戊己庚辛壬癸]|[A-Z]{1,2}|\d{1,3}|列号|栏次|行次|代码)$")


@dataclass(frozen=True)
class HeaderBlock:
    contract: Contract
    first_row: int  # 0-based
    last_row: int  # 0-based, inclusive
    columns: dict[int, str]  # column index -> canonical column
    labels: dict[int, str]  # column index -> the header as written (levels joined by "/")
    units: dict[int, str | None]  # column index -> the unit written in the header, if any

    @property
    def depth(self) -> int:
        return self.last_row - self.first_row + 1


def fill_merged(
    rows: list[list[object]], merged: list[tuple[int, int, int, int]]
) -> list[list[object]]:
    """``rows`` where every cell of a merged range holds the range's value (the rows a range
    touches are copies; the others are shared with ``rows``)."""
    grid = list(rows)
    copied: set[int] = set()
    for r0, c0, r1, c1 in merged:
        if r0 >= len(grid):
            continue
        row0 = grid[r0]
        value = row0[c0] if c0 < len(row0) else None
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            if r not in copied:
                grid[r] = list(grid[r])
                copied.add(r)
            row = grid[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    row[c] = value
    return grid


def _written(cell: object) -> str:
    """A header cell as the contact wrote it (white space collapsed, nothing normalised)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


def _block_labels(grid: list[list[object]], first: int, last: int, merged: bool) -> list[list[str]]:
    """Per column, the header levels of rows first..last (blank and repeated levels dropped).

    Without merge information (CSV, or a form whose parents were typed once), a blank parent
    cell over a filled child takes the parent to its left, as the merge would have."""
    width = max((len(grid[r]) for r in range(first, last + 1)), default=0)
    levels = [
        [_written(c) for c in grid[r]] + [""] * (width - len(grid[r]))
        for r in range(first, last + 1)
    ]
    if not merged:
        for depth in range(len(levels) - 1):
            for c in range(1, width):
                if not levels[depth][c] and levels[depth + 1][c] and levels[depth][c - 1]:
                    levels[depth][c] = levels[depth][c - 1]
    columns = []
    for c in range(width):
        parts: list[str] = []
        for level in levels:
            part = level[c]
            if part and (not parts or parts[-1] != part):
                parts.append(part)
        columns.append(parts)
    return columns


def match_levels(parts: list[str], contract: Contract) -> tuple[str | None, str | None]:
    """The canonical column that the header levels name, and the unit written in them.

    Tried from the most specific: all levels joined, then without the outer levels; a child
    such as 合计 or 数量 stands for its parent."""
    labels, unit = [], None
    for part in parts:
        label, part_unit = split_header_unit(part)
        unit = part_unit or unit
        if label in SELF_LABELS and labels:
            continue
        labels.append(label)
    for start in range(len(labels)):
        for joined in ("".join(labels[start:]), "：".join(labels[start:])):
            name = contract.match_header(joined)
            if name:
                return name, unit
    return None, unit


def find_header(
    grid: list[list[object]], contracts: dict[str, Contract], merged: bool
) -> tuple[HeaderBlock | None, list[str]]:
    """The best header block of a sheet, or None and the contracts that tie for it."""
    memo: dict[tuple, tuple[str | None, str | None]] = {}
    scored: list[tuple[int, int, int, HeaderBlock]] = []
    scan = min(len(grid), HEADER_SCAN_ROWS)
    for first in range(scan):
        if scored and first > max(s[3].last_row for s in scored):
            break  # past the end of a header already found: these rows are data
        if not any(clean_text(c) for c in grid[first]):
            continue
        for depth in range(1, MAX_HEADER_DEPTH + 1):
            last = first + depth - 1
            if last >= len(grid):
                break
            columns_levels = _block_labels(grid, first, last, merged)
            for contract in contracts.values():
                block = _match_block(contract, columns_levels, first, last, memo)
                required = {c.name for c in contract.required_columns}
                if block and required <= set(block.columns.values()):
                    distinct = len(set(block.columns.values()))
                    scored.append((distinct, -depth, -first, block))
    if not scored:
        return None, []
    best = max(s[:3] for s in scored)
    winners = {s[3].contract.name: s[3] for s in scored if s[:3] == best}
    if len(winners) > 1:
        return None, sorted(winners)
    return next(iter(winners.values())), []


def _match_block(
    contract: Contract, columns_levels: list[list[str]], first: int, last: int, memo: dict
) -> HeaderBlock | None:
    columns, labels, units = {}, {}, {}
    for idx, parts in enumerate(columns_levels):
        if not parts:
            continue
        key = (contract.name, tuple(parts))
        if key not in memo:
            memo[key] = match_levels(parts, contract)
        name, unit = memo[key]
        labels[idx] = "/".join(parts)
        units[idx] = unit
        if name:
            columns[idx] = name
    if not columns:
        return None
    return HeaderBlock(contract, first, last, columns, labels, units)


def is_code_row(row: list[object]) -> bool:
    """The column-code row under a form's header: 甲 乙 1 2 3 …, A B C …, 栏次 1 2 3."""
    cells = [clean_text(c) for c in row if clean_text(c)]
    if len(cells) < 2 or not all(_CODE_CELL.match(c) for c in cells):
        return False
    numbers = [int(c) for c in cells if c.isdigit()]
    return numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def looks_transposed(grid: list[list[object]], contracts: dict[str, Contract]) -> str | None:
    """The contract whose required columns are written down the first columns (a vertical
    indicator list, 指标 | 数值), if any."""
    top = grid[:200]
    width = max((len(r) for r in top), default=0)
    columns = [list(col) for col in zip(*[r + [None] * (width - len(r)) for r in top], strict=True)]
    block, _ = find_header(columns, contracts, merged=True)
    return block.contract.name if block else None
