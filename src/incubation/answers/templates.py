"""Blank department templates written from the contracts (and the suites' value lists).

Each template: a data sheet with one Chinese header row (units in full-width brackets), a
hidden second row with the canonical column names, dropdowns for every enumeration, text
format for codes (credit codes, carrier codes, phones) so Excel never turns them into
numbers; and a 填报说明 sheet with the rules and one example row. The pipeline reads the
templates back: the hidden row of names is skipped, the instruction sheet is not data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from incubation.checks.suites import load_suite_json
from incubation.contracts import Contract
from incubation.parsing.readers import column_letter

EXAMPLES = {
    "carrier_id": "YZ-FH-0007",
    "carrier_name": "环球互联网产业园孵化器",
    "period": "2025Q3",
    "zone": "电创园片区",
    "carrier_type": "科技企业孵化器",
    "operator_name": "重庆某某运营管理有限公司",
    "uscc": "91500103MA5U1234X0",
    "operator_uscc": "91500103MA5U1234X0",
    "entity_kind": "企业",
    "entity_name": "重庆某某科技有限公司",
    "status": "在孵",
    "recognition_type": "重庆市科技企业孵化器",
    "level": "市级",
}
KIND_ZH = {
    "stock": "期末存量",
    "flow_period": "本期发生",
    "flow_ytd": "年初至本期末累计",
    "cumulative": "开业以来累计",
}
TYPE_ZH = {
    "text": "文字",
    "code": "代码（文本格式）",
    "enum": "下拉选项",
    "int": "整数",
    "decimal": "数字",
    "date": "日期，如 2025-03-31",
    "period": "季度，如 2025Q3",
    "bool": "是/否",
}


def value_sets(contract: Contract, expectations_dir: Path, seeds_dir: Path) -> dict[str, list[str]]:
    suite = load_suite_json(expectations_dir, contract.name, seeds_dir)
    return {
        e["kwargs"]["column"]: list(e["kwargs"]["value_set"])
        for e in suite["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set"
    }


def write_template(contract: Contract, out: Path, expectations_dir: Path, seeds_dir: Path) -> Path:
    import xlsxwriter

    sets = value_sets(contract, expectations_dir, seeds_dir)
    path = out / f"{contract.title_zh}.xlsx"
    out.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    wb.set_properties(
        {"title": contract.title_zh, "created": dt.datetime(2026, 1, 1), "author": "渝中区科技局"}
    )
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    required = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True})
    text = wb.add_format({"num_format": "@"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    lists = wb.add_worksheet("_选项")
    ws = wb.add_worksheet(contract.title_zh[:31])
    ws.activate()
    for j, col in enumerate(contract.columns):
        signature = col.required or col.expected
        ws.write_string(0, j, col.header_with_unit, required if signature else head)
        ws.write_string(1, j, col.name)
        ws.set_column(
            j,
            j,
            max(12, min(30, len(col.header_with_unit) * 2)),
            text
            if col.type in ("code", "period", "text", "enum")
            else date
            if col.type == "date"
            else None,
        )
        if sets.get(col.name):
            for i, value in enumerate(sets[col.name]):
                lists.write_string(i, j, value)
            ref = f"='_选项'!${column_letter(j)}$1:${column_letter(j)}${len(sets[col.name])}"
            ws.data_validation(
                2,
                j,
                5000,
                j,
                {"validate": "list", "source": ref, "error_message": "请从下拉选项中选择"},
            )
        elif col.type == "bool":
            ws.data_validation(2, j, 5000, j, {"validate": "list", "source": ["是", "否"]})
    ws.set_row(1, None, None, {"hidden": True})
    ws.freeze_panes(2, 0)
    lists.hide()
    guide = wb.add_worksheet("填报说明")
    guide.set_column(0, 0, 36)
    guide.set_column(1, 4, 24)
    guide.write_string(0, 0, f"{contract.title_zh} 填报说明", head)
    guide.write_string(1, 0, contract.description)
    guide.write_string(
        2,
        0,
        "橙色表头为必备列，不得删除或改名；“必填”的单元格不得为空，"
        "“应填”的单元格未填报请留空或填“—”（视为未报送，不要填 0）；金额单位万元，面积单位平方米。",
    )
    for j, h in enumerate(["表头", "类型", "统计口径", "填报要求", "示例"]):
        guide.write_string(4, j, h, head)
    for i, col in enumerate(contract.columns, start=5):
        guide.write_string(i, 0, col.header_with_unit)
        guide.write_string(i, 1, TYPE_ZH[col.type])
        guide.write_string(i, 2, KIND_ZH.get(col.measure, ""))
        guide.write_string(i, 3, "必填" if col.required else "应填" if col.expected else "")
        guide.write_string(i, 4, EXAMPLES.get(col.name, ""))
    wb.close()
    return path


def write_templates(
    contracts: dict[str, Contract], out: Path, expectations_dir: Path, seeds_dir: Path
) -> list[Path]:
    return [write_template(c, out, expectations_dir, seeds_dir) for c in contracts.values()]
