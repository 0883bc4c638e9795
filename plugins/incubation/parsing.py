"""From raw sheets to canonical rows: template detection, header mapping, typed values.

Each sheet's template is detected from its header row (the row, among the first rows, whose
cells name every required column of exactly one contract). Values are parsed by the
contract's column type and converted from the unit written in the header to the canonical
unit. Every row keeps its lineage: sheet name and the row number the contact sees in Excel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .contracts import Contract, UnitTable, normalise_text, split_header_unit
from .normalise import PARSERS, clean_text, excel_error, is_null
from .problems import SEVERITY_ERROR, SEVERITY_INFO, SEVERITY_WARNING, Problem
from .readers import Sheet

HEADER_SCAN_ROWS = 20
TOTAL_MARKERS = ("合计", "总计", "小计")
FOOTER_MARKERS = ("填表人", "单位负责人", "统计负责人", "报出日期", "注:", "注：", "说明:")
INSTRUCTION_SHEETS = ("填报说明", "说明", "填表说明", "instructions")
LINEAGE_COLUMNS = ("source_sheet", "source_row")

PANDAS_DTYPES = {
    "text": "object",
    "code": "object",
    "enum": "object",
    "period": "object",
    "date": "object",
    "int": "Int64",
    "decimal": "Float64",
    "bool": "boolean",
}


@dataclass
class ParsedSheet:
    sheet: str
    template: str
    header_row: int  # 1-based, as in Excel
    headers: dict[str, str]  # canonical column -> header as written
    frame: pd.DataFrame


@dataclass
class ParseResult:
    sheets: list[ParsedSheet] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def frames_by_template(self) -> dict[str, pd.DataFrame]:
        grouped: dict[str, list[pd.DataFrame]] = {}
        for parsed in self.sheets:
            grouped.setdefault(parsed.template, []).append(parsed.frame)
        return {
            name: pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            for name, frames in grouped.items()
        }


def _cell_str(value: object) -> str:
    return "" if value is None else clean_text(value)


def _match_row(row: list[object], contract: Contract) -> dict[int, str]:
    """Column index -> canonical column for the cells of ``row`` that name a column."""
    matched = {}
    for idx, cell in enumerate(row):
        if not isinstance(cell, str) or not cell.strip():
            continue
        name = contract.match_header(cell)
        if name:
            matched[idx] = name
    return matched


def detect_template(
    sheet: Sheet, contracts: dict[str, Contract]
) -> tuple[Contract | None, int | None, dict[int, str], list[str]]:
    """The contract and header row (0-based) of a sheet, or the names of contracts that fit."""
    best: list[tuple[int, int, Contract, dict[int, str]]] = []
    for row_idx, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        for contract in contracts.values():
            matched = _match_row(row, contract)
            required = {c.name for c in contract.required_columns}
            if required and required <= set(matched.values()):
                best.append((len(matched), row_idx, contract, matched))
    if not best:
        return None, None, {}, []
    top = max(b[0] for b in best)
    winners = {b[2].name: b for b in best if b[0] == top}
    if len(winners) > 1:
        return None, None, {}, sorted(winners)
    _score, row_idx, contract, matched = next(iter(winners.values()))
    return contract, row_idx, matched, [contract.name]


def _is_blank(row: list[object]) -> bool:
    return all(is_null(c) or _cell_str(c) == "" for c in row)


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
    contract, header_idx, matched, candidates = detect_template(sheet, contracts)
    if contract is None:
        if normalise_text(sheet.name).lower() in INSTRUCTION_SHEETS:
            return None, problems
        if candidates:
            problem(
                SEVERITY_ERROR,
                "ambiguous_template",
                "表头同时符合多个模板：" + "、".join(contracts[c].title_zh for c in candidates),
                "请每个工作表只填写一种模板",
            )
        else:
            problem(
                SEVERITY_ERROR,
                "unknown_template",
                "无法识别该工作表对应的模板：表头中找不到任何模板的全部必填列",
                "请使用区科技局下发的模板，保留表头原文",
            )
        return None, problems

    header_row = sheet.rows[header_idx]
    headers: dict[str, str] = {}
    factors: dict[str, float] = {}
    columns_at: dict[int, str] = {}
    for idx, cell in enumerate(header_row):
        if not _cell_str(cell):
            continue
        written = " ".join(str(cell).split())  # as the contact wrote it (not normalised)
        name = matched.get(idx)
        if name is None:
            problem(
                SEVERITY_WARNING,
                "unknown_column",
                f"未识别的列“{written}”，其内容未导入",
                "如该列应导入，请使用模板中的列名",
                row=header_idx + 1,
                column=written,
            )
            continue
        if name in headers:
            problem(
                SEVERITY_ERROR,
                "duplicate_column",
                f"列“{written}”与列“{headers[name]}”是同一指标，重复出现",
                "请删除重复的列",
                row=header_idx + 1,
                column=written,
            )
            continue
        col = contract.column(name)
        _label, unit = split_header_unit(written)
        factor = 1.0
        if col.unit and unit and units.dimension_of(unit) is not None:
            converted = units.factor(unit, col.unit)
            if converted is None:
                problem(
                    SEVERITY_ERROR,
                    "unit_mismatch",
                    f"列“{written}”的单位“{unit}”与指标要求的“{col.unit}”不是同一类单位",
                    f"请按“{col.unit}”填写",
                    row=header_idx + 1,
                    column=written,
                )
                continue
            factor = converted
        headers[name] = written
        factors[name] = factor
        columns_at[idx] = name

    for col in contract.required_columns:
        if col.name not in headers:
            problem(
                SEVERITY_ERROR,
                "missing_column",
                f"缺少必填列“{col.header_with_unit}”",
                "请按模板补齐该列",
                row=header_idx + 1,
                column=col.header,
            )

    names = set(contract.column_names)
    records: list[dict[str, object]] = []
    for offset, row in enumerate(sheet.rows[header_idx + 1 :]):
        excel_row = header_idx + 2 + offset
        if _is_blank(row):
            continue
        if offset == 0 and {_cell_str(c) for c in row if _cell_str(c)} <= names:
            continue  # the templates' (hidden) row of canonical column names
        first = next((_cell_str(c) for c in row if _cell_str(c)), "")
        if any(first.startswith(m) for m in FOOTER_MARKERS):
            break
        if any(first.replace(" ", "").startswith(m) for m in TOTAL_MARKERS):
            continue
        record: dict[str, object] = {"source_sheet": sheet.name, "source_row": excel_row}
        for idx, name in columns_at.items():
            raw = row[idx] if idx < len(row) else None
            col = contract.column(name)
            err_value = excel_error(raw)
            if err_value:
                problem(
                    SEVERITY_ERROR,
                    "excel_error",
                    f"单元格是 Excel 错误值 {err_value}",
                    "请修正公式或直接填写数值",
                    excel_row,
                    headers[name],
                    err_value,
                )
                record[name] = None
                continue
            value, error = PARSERS[col.type](raw)
            if error:
                problem(
                    SEVERITY_ERROR,
                    f"type_{col.type}",
                    error,
                    _fix_for_type(col.type),
                    excel_row,
                    headers[name],
                    _cell_str(raw),
                )
            elif value is not None and factors[name] != 1.0:
                value = value * factors[name]
                if col.type == "int":
                    value = round(value)
            record[name] = value
        records.append(record)

    frame = to_frame(records, contract)
    return ParsedSheet(sheet.name, contract.name, header_idx + 1, headers, frame), problems


def to_frame(records: list[dict[str, object]], contract: Contract) -> pd.DataFrame:
    """Canonical frame: every contract column (missing ones empty) plus lineage."""
    frame = pd.DataFrame.from_records(records, columns=[*LINEAGE_COLUMNS, *contract.column_names])
    frame["source_row"] = frame["source_row"].astype("Int64")
    for col in contract.columns:
        frame[col.name] = frame[col.name].astype(PANDAS_DTYPES[col.type])
    return frame


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
