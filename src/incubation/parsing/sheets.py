"""From raw sheets to canonical rows: template detection, header mapping, typed values.

Each sheet's template is detected from its header row (the row, among the first rows, whose
cells name every signature column of exactly one contract); a sheet whose header names most
of one contract's signature is refused as that template, each missing column named. Values
are parsed by the contract's column type and converted from the unit written in the header
to the canonical unit. Every row keeps its lineage: sheet name and the row number the
contact sees in Excel.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from incubation.checks.problems import SEVERITY_ERROR, SEVERITY_INFO, SEVERITY_WARNING, Problem
from incubation.contracts import Column, Contract, UnitTable, normalise_text, split_header_unit
from incubation.parsing.cells import MAX_INT, read_column, typed_array
from incubation.parsing.layout import (
    HeaderBlock,
    NearMatch,
    fill_merged,
    find_header,
    find_near_header,
    is_code_row,
    looks_transposed,
)
from incubation.parsing.normalise import PARSERS, clean_text, excel_error, is_null, read_quantity
from incubation.parsing.readers import Sheet, column_letter
from incubation.parsing.rollup import roll_up
from incubation.parsing.totals import Totals

TOTAL_MARKERS = ("合计", "总计", "小计")  # tuples: str.startswith takes them whole
FOOTER_MARKERS = (
    "填表人",
    "单位负责人",
    "统计负责人",
    "报出日期",
    "注:",
    "注：",
    "说明:",
    "填表说明",
)
INSTRUCTION_SHEETS = ("填报说明", "说明", "填表说明", "instructions")
# Columns a form carries that are not data: 序号 in any style, row codes.
IGNORED_HEADERS = ("序号", "行号", "行次", "栏次", "列号", "代码")
# A group heading row: 一、解放碑片区 / （二）化龙桥片区 / 第三部分
_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[部分类])"
)


@dataclass
class ParsedSheet:
    sheet: str
    template: str
    header_row: int  # 1-based, as in Excel
    headers: dict[str, str]  # canonical column -> header as written
    frame: pd.DataFrame | None  # dropped once the file's frames are taken (checking)
    units: dict[str, str | None] = field(default_factory=dict)  # column -> unit as written
    factors: dict[str, float] = field(default_factory=dict)  # column -> factor to canonical


@dataclass
class ParseResult:
    sheets: list[ParsedSheet] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # by template, rolled up

    def column_lineage(self) -> list[dict]:
        """Per sheet and canonical column: the header as the contact wrote it, its unit and
        the factor applied to reach the contract's unit."""
        return [
            {
                "sheet": s.sheet,
                "template": s.template,
                "header_row": s.header_row,
                "column_name": name,
                "header": header,
                "unit": s.units.get(name),
                "factor": s.factors.get(name, 1.0),
            }
            for s in self.sheets
            for name, header in s.headers.items()
        ]


def _is_blank(row: list[object]) -> bool:
    return all(is_null(c) or clean_text(c) == "" for c in row)


@dataclass
class _Columns:
    """The columns a sheet's header maps: index -> canonical name, header as written, factor."""

    at: dict[int, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    units: dict[str, str | None] = field(default_factory=dict)
    factors: dict[str, float] = field(default_factory=dict)


def _map_columns(block: HeaderBlock, units: UnitTable, problem) -> _Columns:
    mapped = _Columns()
    header_row = block.last_row + 1
    for idx, written in sorted(block.labels.items()):
        name = block.columns.get(idx)
        if name is None:
            if split_header_unit(written.split("/")[-1])[0] in IGNORED_HEADERS:
                continue
            problem(
                SEVERITY_WARNING,
                "unknown_column",
                f"未识别的列“{written}”，其内容未导入",
                "如该列应导入，请使用模板中的列名",
                row=header_row,
                column=written,
            )
            continue
        if name in mapped.headers:
            problem(
                SEVERITY_ERROR,
                "duplicate_column",
                f"列“{written}”与列“{mapped.headers[name]}”是同一指标，重复出现",
                "请删除重复的列",
                row=header_row,
                column=written,
            )
            continue
        col = block.contract.column(name)
        unit = block.units.get(idx)
        factor = 1.0
        if col.unit and unit and units.dimension_of(unit) is not None:
            converted = units.factor(unit, col.unit)
            if converted is None:
                problem(
                    SEVERITY_ERROR,
                    "unit_mismatch",
                    f"列“{written}”的单位“{unit}”与指标要求的“{col.unit}”不是同一类单位",
                    f"请按“{col.unit}”填写",
                    row=header_row,
                    column=written,
                )
                continue
            factor = converted
        mapped.headers[name] = written
        mapped.units[name] = unit or col.unit
        mapped.factors[name] = factor
        mapped.at[idx] = name
    return mapped


def _quantity_value(
    raw: object, col: Column, header_unit: str | None, header_factor: float, units: UnitTable
) -> tuple[object, str | None, str | None]:
    """A number cell in the contract's unit: (value, error, warning)."""
    quantity, error = read_quantity(raw)
    if error or quantity is None:
        return None, error and ("应为整数" if col.type == "int" else "应为数字"), None
    notes = []
    if quantity.percent:
        if col.unit != "%":
            return None, "该列不是百分比，请填写数值本身", None
        value = quantity.number
    elif quantity.unit:
        written = ("万" if quantity.magnitude == 1e4 else "") + quantity.unit
        known = written if units.dimension_of(written) else quantity.unit
        factor = units.factor(known, col.unit) if col.unit else None
        if factor is None:
            return (
                None,
                f"单元格中的单位“{quantity.unit}”与该列的单位“{col.unit or '无'}”不符",
                None,
            )
        magnitude = 1.0 if known == written and written != quantity.unit else quantity.magnitude
        value = quantity.number * magnitude * factor
        if header_unit and units.factor(known, header_unit) != 1.0:
            notes.append(f"单元格中写明单位“{written}”，已按该单位换算为 {_fmt(value)}{col.unit}")
    else:
        value = quantity.number * quantity.magnitude * header_factor
        if quantity.magnitude != 1.0:
            notes.append(f"已按 {_fmt(quantity.number * quantity.magnitude)} 读取")
    if quantity.approx:
        notes.append(f"“{quantity.approx}”表示约数，已按 {_fmt(value)} 读取，请尽量填写准确数值")
    if col.type == "int":
        if abs(value - round(value)) > 1e-6:
            return None, "应为整数", None
        if abs(value) >= MAX_INT:
            return None, "数值过大，请核对（是否多输入了数字或单位有误）", None
        value = round(value)
    return value, None, "；".join(notes) or None


def _fmt(value: float) -> str:
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def parse_sheet(
    sheet: Sheet, contracts: dict[str, Contract], units: UnitTable
) -> tuple[ParsedSheet | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(severity, rule, message, fix="", row=None, column=None, value=None):
        problems.append(
            Problem(severity, rule, message, fix, sheet.name, row, column, value, "parse")
        )

    if sheet.hidden:
        if not sheet.name.startswith("_"):  # the templates' own option lists are hidden too
            problem(SEVERITY_INFO, "hidden_sheet", "隐藏的工作表未读取")
        return None, problems
    if all(_is_blank(r) for r in sheet.rows):
        return None, problems
    if normalise_text(sheet.name).lower() in INSTRUCTION_SHEETS:
        return None, problems
    grid = fill_merged(sheet.rows, sheet.merged)
    block, candidates = find_header(grid, contracts, bool(sheet.merged))
    if block is None:
        _no_template(sheet, grid, contracts, candidates, problem)
        return None, problems
    contract = block.contract
    mapped = _map_columns(block, units, problem)
    for col in contract.signature_columns:
        if col.name not in mapped.headers:
            problem(
                SEVERITY_ERROR,
                "missing_column",
                f"缺少必填列“{col.header_with_unit}”",
                "请按模板补齐该列",
                row=block.last_row + 1,
                column=col.header,
            )

    issues = sheet.cell_issues
    names = set(contract.column_names)
    specs = [
        _Spec(
            idx,
            name,
            contract.column(name),
            mapped.headers[name],
            mapped.units[name],
            mapped.factors[name],
        )
        for idx, name in mapped.at.items()
    ]
    totals = Totals(contract, mapped.headers)
    data_rows = _data_rows(
        grid,
        block.last_row + 1,
        specs,
        issues,
        names,
        totals,
        lambda cells: _total_values(cells, mapped, contract, units),
    )
    frame = _read_columns(sheet.name, grid, data_rows, specs, issues, contract, units, problem)
    for severity, rule, message, fix, row, column, value in totals.mismatches(frame):
        problem(severity, rule, message, fix, row, column, value)
    parsed = ParsedSheet(
        sheet.name,
        contract.name,
        block.last_row + 1,
        mapped.headers,
        frame,
        mapped.units,
        mapped.factors,
    )
    return parsed, problems


@dataclass(frozen=True)
class _Spec:
    """A mapped column of a sheet: where it is, what it is, how it was headed."""

    idx: int
    name: str
    col: Column
    header: str
    unit: str | None
    factor: float


def _data_rows(
    grid: list[list[object]],
    first: int,
    specs: list[_Spec],
    issues: dict[tuple[int, int], str],
    names: set[str],
    totals: Totals,
    total_values: Callable[[dict[str, object]], dict[str, float]],
) -> list[int]:
    """The grid rows under the header that hold data (0-based). Blank rows, the code row,
    group headings and 合计 rows are passed over (合计 rows to ``totals``); a footer ends the
    table. Rows are padded to the header's width.

    Most rows are plain data: not blank and with a first cell that cannot be a mark. Those
    are found column by column (``_blank``, ``_marked``); only the others are looked at one
    by one, in order."""
    width = max((s.idx for s in specs), default=-1) + 1
    at = [s.idx for s in specs]
    for row in grid[first:]:
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    count = max(0, len(grid) - first)
    blank = _blank(grid, first, at, count)
    for r, _c in issues:
        if first <= r < first + count:  # an issue's row may lie past the cells read
            blank[r - first] = False  # a cell with an issue is a cell with content
    special = blank | _marked(grid, first, count)
    filled = np.flatnonzero(~blank)
    if len(filled):
        special[filled[0]] = True  # the code row or the names row may come first
    rows: list[int] = []
    first_data = True
    done = first  # rows before this one are decided

    def plain_until(end: int) -> None:
        rows.extend(range(done, end))
        totals.data_rows(end - done)

    for k in np.flatnonzero(special).tolist():
        row_idx = first + k
        plain_until(row_idx)
        done = row_idx + 1
        row = grid[row_idx]
        if blank[k]:
            if _label(row).startswith(FOOTER_MARKERS):
                return rows
            continue
        if first_data:
            first_data = False
            if is_code_row(row):
                continue  # 甲 乙 1 2 3 under the header
            if {clean_text(c) for c in row if clean_text(c)} <= names:
                continue  # the templates' (hidden) row of canonical column names
        if not _may_be_marked(row):
            rows.append(row_idx)
            totals.data_row()
            continue
        label = _label(row)
        if label.startswith(FOOTER_MARKERS):
            return rows
        compact = label.replace(" ", "")
        if compact.startswith(TOTAL_MARKERS):
            totals.total_row(
                compact, row_idx + 1, total_values({s.name: row[s.idx] for s in specs})
            )
            continue
        if _SECTION.match(compact) and sum(not is_null(row[i]) for i in at) <= 1:
            totals.section()
            continue
        rows.append(row_idx)
        totals.data_row()
    plain_until(first + count)
    return rows


def _blank(grid: list[list[object]], first: int, at: list[int], count: int) -> np.ndarray:
    """Whether each row from ``first`` on is blank in every column of ``at``: column by
    column, each distinct value judged once, only over the rows still blank."""
    blank = np.ones(count, dtype=bool)
    for i in at:
        still = np.flatnonzero(blank)
        if not len(still):
            break
        values = np.empty(len(still), dtype=object)
        values[:] = [grid[first + k][i] for k in still.tolist()]
        codes, uniques = pd.factorize(values)  # None and NaN: -1
        empty = np.append([v == "" or is_null(v) for v in uniques], True).astype(bool)
        blank[still] = empty[codes]
    return blank


def _marked(grid: list[list[object]], first: int, count: int) -> np.ndarray:
    """Whether each row's first cell may be a total, footer or heading (``_may_be_marked``),
    each distinct first cell judged once."""
    values = np.empty(count, dtype=object)
    values[:] = [row[0] if row else None for row in grid[first : first + count]]
    codes, uniques = pd.factorize(values)
    marked = np.append([_may_be_marked([v]) for v in uniques], True).astype(bool)
    return marked[codes]


def _read_columns(
    sheet_name: str,
    grid: list[list[object]],
    data_rows: list[int],
    specs: list[_Spec],
    issues: dict[tuple[int, int], str],
    contract: Contract,
    units: UnitTable,
    problem,
) -> pd.DataFrame:
    """The canonical frame of a sheet's data rows, read column by column (``cells``)."""
    excel_rows = np.asarray(data_rows, dtype=np.int64) + 1
    position = {r: p for p, r in enumerate(data_rows)} if issues else {}
    columns: dict[str, object] = {}
    cell_problems: list[tuple] = []
    by_column = list(zip(*[grid[r] for r in data_rows], strict=False))  # rows padded to specs
    for spec in specs:
        raw = list(by_column[spec.idx]) if by_column else []
        read = read_column(
            raw, spec.col.type, spec.factor, lambda v, s=spec: _read_cell(v, s, None, units)
        )
        values, found = read.values, dict(read.found)
        for (r, c), issue in issues.items():
            if c == spec.idx and r in position:
                values[position[r]] = None
                found[position[r]] = _read_cell(raw[position[r]], spec, issue, units)[1]
        cell_problems += [(pos, spec.idx, spec, f) for pos, fs in found.items() for f in fs]
        columns[spec.name] = values
    for pos, idx, spec, (severity, rule, message, fix, shown) in sorted(
        cell_problems, key=lambda x: x[:2]
    ):  # row by row, as the contact reads the sheet
        excel_row = int(excel_rows[pos])
        cell = f"{column_letter(idx)}{excel_row}"
        problem(severity, rule, message.replace("{cell}", cell), fix, excel_row, spec.header, shown)
    return _canonical([sheet_name] * len(data_rows), excel_rows, columns, contract)


def _canonical(
    sheets: list[str], rows, columns: dict[str, object], contract: Contract
) -> pd.DataFrame:
    """The canonical frame: lineage, then every contract column in the contract's order
    (typed by ``cells.typed_array``; the ones ``columns`` lacks are empty)."""
    index = pd.RangeIndex(len(sheets))
    arrays = {
        "source_sheet": pd.array(sheets, dtype="str"),
        "source_row": pd.array(rows, dtype="Int64"),
    }
    for col in contract.columns:
        arrays[col.name] = columns.get(col.name)
        if arrays[col.name] is None:
            arrays[col.name] = typed_array(np.full(len(index), None, dtype=object), col.type)
    return pd.DataFrame(  # object stays object: pandas would infer ``str`` from plain arrays
        {
            name: pd.Series(values, index=index, dtype=values.dtype, copy=False)
            for name, values in arrays.items()
        },
        copy=False,
    )


_MARK_STARTS = frozenset(
    m[0] for m in (*TOTAL_MARKERS, *FOOTER_MARKERS, *"一二三四五六七八九十", "(", "第")
)


def _may_be_marked(row: list[object]) -> bool:
    """Whether the row's label may be a total, footer or group heading; False only when its
    first cell is text that starts otherwise (so the common data row skips ``_label``)."""
    first = row[0] if row else None
    if type(first) is not str:
        return first is None or first == ""
    head = first.lstrip()[:1]
    if not head:
        return True
    return head in _MARK_STARTS or (not head.isascii() and clean_text(head)[:1] in _MARK_STARTS)


def _label(row: list[object]) -> str:
    """The first filled cell of a row (where 合计, 注： and 填表人 are written)."""
    for cell in row:
        text = clean_text(cell)
        if text:
            return text
    return ""


def _read_cell(raw: object, spec: _Spec, issue: str | None, units: UnitTable):
    """A cell's value in the contract's type and unit, and its problems as
    (severity, rule, message, fix, value shown) — ``{cell}`` in a message is its address."""
    if issue == "formula":
        return None, [
            (
                SEVERITY_ERROR,
                "formula_without_value",
                "单元格 {cell} 是公式，但文件中没有保存计算结果",
                "请在 Excel 中打开该文件、保存后重新提交（或把公式改为数值）",
                None,
            )
        ]
    err_value = issue or excel_error(raw)
    if err_value:
        return None, [
            (
                SEVERITY_ERROR,
                "excel_error",
                f"单元格是 Excel 错误值 {err_value}",
                "请修正公式或直接填写数值",
                err_value,
            )
        ]
    col = spec.col
    found = []
    if col.type in ("int", "decimal"):
        value, error, note = _quantity_value(raw, col, spec.unit, spec.factor, units)
        if note:
            found.append(
                (
                    SEVERITY_WARNING,
                    "value_marker",
                    note,
                    "请填写不带单位和文字的数值",
                    clean_text(raw),
                )
            )
    else:
        value, error = PARSERS[col.type](raw)
    if error:
        found.append(
            (SEVERITY_ERROR, f"type_{col.type}", error, _fix_for_type(col.type), clean_text(raw))
        )
    return value, found


def _total_values(
    cells, mapped: _Columns, contract: Contract, units: UnitTable
) -> dict[str, float]:
    values = {}
    for name, raw in cells.items():
        col = contract.column(name)
        if col.type in ("int", "decimal") and not excel_error(raw):
            value, error, _note = _quantity_value(
                raw, col, mapped.units[name], mapped.factors[name], units
            )
            if value is not None and not error:
                values[name] = float(value)
    return values


def _no_template(sheet: Sheet, grid, contracts, candidates: list[str], problem) -> None:
    """Why a sheet was read as no template: the templates it matches at once, a vertical
    layout, the template it nearly matches (each missing column named), or none at all."""
    if candidates:
        problem(
            SEVERITY_ERROR,
            "ambiguous_template",
            "表头同时符合多个模板：" + "、".join(contracts[c].title_zh for c in candidates),
            "请每个工作表只填写一种模板",
        )
        return
    if (transposed := looks_transposed(grid, contracts)) is not None:
        problem(
            SEVERITY_ERROR,
            "transposed_layout",
            f"该表为纵向排列（指标在行、数值在列），不能按“{contracts[transposed].title_zh}”读取",
            "请使用模板：每行一个载体（或企业），每列一个指标",
        )
        return
    near, ties = find_near_header(grid, contracts, bool(sheet.merged))
    if near is not None:
        for rule, message, fix, row, column in _near_problems(near):
            problem(SEVERITY_ERROR, rule, message, fix, row=row, column=column)
    elif ties:
        problem(
            SEVERITY_ERROR,
            "ambiguous_template",
            "表头与多个模板都部分相符，无法确定按哪个模板读取："
            + "、".join(contracts[c].title_zh for c in ties),
            "请每个工作表只填写一种模板，并保留模板的表头原文",
        )
    else:
        problem(
            SEVERITY_ERROR,
            "unknown_template",
            "无法识别该工作表对应的模板：表头中找不到任何模板的全部必填列",
            "请使用区科技局下发的模板，保留表头原文",
        )


def _near_problems(near: NearMatch) -> list[tuple[str, str, str, int, str]]:
    """(rule, message, fix, row, column) per signature column a nearly matching header
    lacks; the row is the header's last row, as for the other header problems."""
    first, last = near.rows
    rows = f"第{last}行" if first == last else f"第{first}至{last}行"
    title = near.block.contract.title_zh
    found = []
    for col in near.missing:
        nearest = near.nearest.get(col.name)
        where = f"按“{title}”读取，{rows}表头中未找到"
        if nearest:
            message = f"缺少必备列“{col.header}”（{where}；最接近的表头：“{nearest}”）"
            fix = f"请将该列表头改为“{col.header_with_unit}”，或按模板补齐该列"
        else:
            message = f"缺少必备列“{col.header}”（{where}）"
            fix = f"请按模板补齐该列，表头写作“{col.header_with_unit}”"
        found.append(("missing_column", message, fix, last, col.header))
    return found


def to_frame(records: list[dict[str, object]], contract: Contract) -> pd.DataFrame:
    """The canonical frame of rows given as dicts (lineage and canonical column names), as
    a parsed sheet gives it."""

    def column(name: str) -> np.ndarray:
        values = np.empty(len(records), dtype=object)
        values[:] = [r.get(name) for r in records]
        return values

    typed = {c.name: typed_array(column(c.name), c.type) for c in contract.columns}
    return _canonical(list(column("source_sheet")), column("source_row"), typed, contract)


def _fix_for_type(kind: str) -> str:
    return {
        "int": "请填写不带单位的整数，未填报的请留空或填“—”",
        "decimal": "请填写不带单位的数字，未填报的请留空或填“—”",
        "date": "请填写日期，如 2025-03-31",
        "period": "请填写报告期，如 2025Q3",
        "bool": "请填写“是”或“否”",
        "code": "请将该列设为文本格式，重新录入完整的代码",
    }.get(kind, "请按模板说明填写")


def parse_sheets(
    sheets: list[Sheet], contracts: dict[str, Contract], units: UnitTable
) -> ParseResult:
    result = ParseResult()
    for sheet in sheets:
        parsed, problems = parse_sheet(sheet, contracts, units)
        result.problems.extend(problems)
        if parsed is not None:
            result.sheets.append(parsed)
    grouped: dict[str, list[pd.DataFrame]] = {}
    for parsed in result.sheets:
        grouped.setdefault(parsed.template, []).append(parsed.frame)
    for name, frames in grouped.items():
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        headers = {s.sheet: s.headers.get("period", "报告期") for s in result.sheets}
        result.frames[name], problems = roll_up(frame, contracts[name], headers)
        result.problems.extend(problems)
    if not result.sheets and not any(p.is_error for p in result.problems):
        result.problems.append(
            Problem(
                SEVERITY_ERROR,
                "empty_file",
                "文件中没有可导入的数据",
                "请在模板中填写数据后重新提交",
            )
        )
    return result
