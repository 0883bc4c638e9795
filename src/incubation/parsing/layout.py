"""Where the table is on a sheet: merged cells filled, the header block found and joined.

Department forms put a title, a 填报单位 line and 表号 blocks above the table, use headers of
two to four merged rows (a parent "在孵企业情况" over "期末在孵企业数 | 其中：高新技术企业数"),
add a column-code row (甲 乙 1 2 3) under the header, and merge one carrier's name down over
its rows. This module turns such a sheet into a grid where every merged cell carries its
value, and finds the block of header rows whose joined labels name the most columns of one
contract.

A sheet whose best block lacks some of a contract's signature columns is a near match of that
contract (``find_near_header``): it is refused as that template, naming each column missing
and the header written nearest to it, rather than as a sheet of no known template.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from incubation.contracts import Column, Contract, header_key, split_header_unit
from incubation.parsing.normalise import clean_text

HEADER_SCAN_ROWS = 20
MAX_HEADER_DEPTH = 4
# A child header that means "the parent itself" (在孵企业数 over 合计 | 其中：高新技术企业).
SELF_LABELS = frozenset({"合计", "小计", "总计", "计", "数量", "总数", "数值", "本期", "期末数"})
# A near match maps at least this share of the contract's signature columns, and at least
# NEAR_MIN_COLUMNS of them: a roster (6 signature columns) that lost one maps 5/6, while its
# 报告期 and 载体编码 are only 2/5 of the period report's; a sheet of unrelated headers that
# happens to hold 载体编码 maps one column and stays "no known template".
NEAR_MIN_SHARE = 0.5
NEAR_MIN_COLUMNS = 2
# The nearest header is offered only from this SequenceMatcher ratio (normalised labels): one
# character off in four (载体编号 for 载体编码) is 0.75; headers sharing little more than an
# ending (本期新增企业数 against 期末在孵企业数 0.57, against 在孵企业数 0.5) are not offered.
NEAREST_MIN_RATIO = 0.6
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


@dataclass(frozen=True)
class NearMatch:
    """A header block that names part of a contract's signature: what it lacks, and per
    missing column the header written in the block that looks most like it (if any)."""

    block: HeaderBlock
    missing: tuple[Column, ...]
    nearest: dict[str, str]  # missing column name -> an unmapped header as written

    @property
    def rows(self) -> tuple[int, int]:
        """The header block's first and last row, 1-based as Excel shows them."""
        return self.block.first_row + 1, self.block.last_row + 1


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
                required = {c.name for c in contract.signature_columns}
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


def find_near_header(
    grid: list[list[object]], contracts: dict[str, Contract], merged: bool
) -> tuple[NearMatch | None, list[str]]:
    """For a sheet ``find_header`` found no header on: the contract whose signature a header
    block names most of (ranked by the share of signature columns found, then by the distinct
    columns mapped), or None and the contracts that tie for it. Only blocks that pass
    NEAR_MIN_SHARE and NEAR_MIN_COLUMNS count."""
    memo: dict[tuple, tuple[str | None, str | None]] = {}
    best: dict[str, tuple[tuple, HeaderBlock]] = {}  # per contract: its best block
    for first in range(min(len(grid), HEADER_SCAN_ROWS)):
        if not any(clean_text(c) for c in grid[first]):
            continue
        for last in range(first, min(first + MAX_HEADER_DEPTH, len(grid))):
            columns_levels = _block_labels(grid, first, last, merged)
            for contract in contracts.values():
                block = _match_block(contract, columns_levels, first, last, memo)
                score = _near_score(contract, block) if block else None
                if score and (contract.name not in best or score > best[contract.name][0]):
                    best[contract.name] = (score, block)
    if not best:
        return None, []
    top = max(score[:2] for score, _block in best.values())
    winners = sorted(name for name, (score, _b) in best.items() if score[:2] == top)
    if len(winners) > 1:
        return None, winners
    return _near_match(best[winners[0]][1]), []


def _near_score(contract: Contract, block: HeaderBlock) -> tuple | None:
    """(share of signature columns found, distinct columns mapped, -depth, -first row), or
    None when the block is not a near match of the contract."""
    signature = {c.name for c in contract.signature_columns}
    mapped = set(block.columns.values())
    found = len(signature & mapped)
    if found < max(NEAR_MIN_COLUMNS, math.ceil(NEAR_MIN_SHARE * len(signature))):
        return None
    return found / len(signature), len(mapped), -block.depth, -block.first_row


def _near_match(block: HeaderBlock) -> NearMatch:
    mapped = set(block.columns.values())
    missing = tuple(c for c in block.contract.signature_columns if c.name not in mapped)
    unmapped = {i: label for i, label in block.labels.items() if i not in block.columns}
    return NearMatch(block, missing, nearest_headers(missing, unmapped))


def nearest_headers(missing: tuple[Column, ...], unmapped: dict[int, str]) -> dict[str, str]:
    """Per missing column, the unmapped header (levels joined by "/") most like one of its
    spellings, from NEAREST_MIN_RATIO; each header is offered for one column at most."""
    pairs = sorted(
        (
            (-_similarity(col, label), i, n, col.name, label)
            for n, col in enumerate(missing)
            for i, label in unmapped.items()
        )
    )
    nearest: dict[str, str] = {}
    offered: set[int] = set()
    for negative_ratio, idx, _n, name, label in pairs:
        if -negative_ratio < NEAREST_MIN_RATIO:
            break
        if name not in nearest and idx not in offered:
            nearest[name] = label
            offered.add(idx)
    return nearest


def _similarity(col: Column, label: str) -> float:
    """How much a written header looks like a column: the best SequenceMatcher ratio of it,
    its last level or all its levels joined (units taken off) to the column's spellings."""
    parts = [split_header_unit(part)[0] for part in label.split("/")]
    written = {
        header_key(split_header_unit(label)[0]),
        header_key(parts[-1]),
        header_key("".join(parts)),
    }
    spellings = {header_key(s) for s in col.spellings()}
    return max(SequenceMatcher(None, w, s).ratio() for w in written for s in spellings)


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
