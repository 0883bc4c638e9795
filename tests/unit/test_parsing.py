"""Parsing clean template files: the exact canonical rows come out, with lineage."""

import datetime as dt

import pytest

from incubation.parsing.readers import UnreadableFile, read_file
from incubation.parsing.sheets import parse_sheets
from tests.helpers import write_csv, write_xlsx

REPORT_HEADER = [
    "报告期",
    "载体编码",
    "期末载体面积（平方米）",
    "期末在孵企业数（家）",
    "期末在孵创业团队数（个）",
]


def parse(path, contracts, units):
    return parse_sheets(read_file(path), contracts, units)


def test_xlsx_with_title_rows(tmp_path, contracts, units):
    path = write_xlsx(
        tmp_path / "q.xlsx",
        {
            "季报": [
                ["2025年第三季度孵化载体运营情况统计表"],
                ["填报单位（盖章）：电创园管委会", None, "填报日期：2025-10-08"],
                [],
                REPORT_HEADER,
                ["2025Q3", "YZ-FH-0007", 19000, 38, 4],
                ["2025年第三季度", "YZ-ZC-0008", "3,200", "—", 0],
                ["合计", None, 22200, 38, 4],
                [],
                ["填表人：王芳", None, "联系电话：023-63001234"],
            ]
        },
    )
    result = parse(path, contracts, units)
    assert [p for p in result.problems if p.is_error] == []
    (sheet,) = result.sheets
    assert (sheet.template, sheet.header_row) == ("carrier_period_report", 4)
    rows = (
        sheet.frame[
            [
                "source_sheet",
                "source_row",
                "period",
                "carrier_id",
                "area_m2_eop",
                "incubatees_eop",
                "teams_eop",
            ]
        ]
        .astype(object)
        .where(sheet.frame.notna(), None)
        .values.tolist()
    )
    assert rows == [
        ["季报", 5, "2025Q3", "YZ-FH-0007", 19000.0, 38, 4],
        ["季报", 6, "2025Q3", "YZ-ZC-0008", 3200.0, None, 0],  # — is "not reported", 0 is zero
    ]
    assert sheet.headers["area_m2_eop"] == "期末载体面积（平方米）"


def test_header_units_are_converted(tmp_path, contracts, units):
    path = write_csv(
        tmp_path / "r.csv",
        [
            [
                "报告期",
                "载体编码",
                "载体面积（万平方米）",
                "在孵企业数",
                "创业团队数",
                "在孵企业总收入（千元）",
            ],
            ["2025Q1", "YZ-FH-0001", "1.5", "10", "2", "1234"],
        ],
    )
    frame = parse(path, contracts, units).sheets[0].frame
    assert frame.loc[0, "area_m2_eop"] == 15000.0
    assert frame.loc[0, "incubatee_revenue"] == pytest.approx(123.4)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path, contracts, units, encoding):
    path = write_csv(
        tmp_path / "r.csv", [REPORT_HEADER, ["2025Q1", "YZ-FH-0001", "100", "1", "0"]], encoding
    )
    result = parse(path, contracts, units)
    assert result.sheets[0].template == "carrier_period_report"
    assert result.sheets[0].frame.loc[0, "carrier_id"] == "YZ-FH-0001"


def test_csv_that_is_not_chinese_text_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe\x00\x81\x30\x81")
    with pytest.raises(UnreadableFile) as err:
        read_file(path)
    assert "编码" in err.value.message_zh


def test_several_templates_in_one_workbook_and_hidden_sheet(tmp_path, contracts, units):
    path = write_xlsx(
        tmp_path / "w.xlsx",
        {
            "填报说明": [["请按模板填写"], ["报告期填写如 2025Q3"]],
            "季报": [REPORT_HEADER, ["2025Q2", "YZ-FH-0001", 100, 1, 0]],
            "名单": [
                [
                    "报告期",
                    "载体编码",
                    "主体类型",
                    "企业（团队）名称",
                    "统一社会信用代码",
                    "入驻日期",
                    "在孵状态",
                ],
                [
                    "2025Q2",
                    "YZ-FH-0001",
                    "企业",
                    "重庆甲科技有限公司",
                    "91350100M000100Y43",
                    "2024-05-06",
                    "在孵",
                ],
            ],
            "旧数据": [REPORT_HEADER, ["2020Q1", "YZ-FH-0001", 1, 1, 1]],
        },
        hidden=("旧数据",),
    )
    result = parse(path, contracts, units)
    assert {s.sheet: s.template for s in result.sheets} == {
        "季报": "carrier_period_report",
        "名单": "incubatee_roster",
    }
    roster = result.sheets[1].frame
    assert roster.loc[0, "entry_date"] == dt.date(2024, 5, 6)
    assert roster.loc[0, "source_row"] == 2
    assert [p.rule for p in result.problems] == ["hidden_sheet"]


def test_missing_required_column_and_unknown_columns(tmp_path, contracts, units):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {
            "Sheet1": [
                [
                    "报告期",
                    "载体编码",
                    "期末载体面积",
                    "期末在孵企业数",
                    "期末在孵创业团队数",
                    "自定义列",
                ],
                ["2025Q1", "YZ-FH-0001", 1, 1, 1, "x"],
            ],
            "Sheet2": [
                ["报告期", "载体编码", "期末载体面积", "期末在孵企业数"],
                ["2025Q1", "YZ-FH-0001", 1, 1],
            ],
        },
    )
    result = parse(path, contracts, units)
    by_rule = {(p.sheet, p.rule): p for p in result.problems}
    assert by_rule[("Sheet1", "unknown_column")].column == "自定义列"
    # Sheet2 is the period report but for 期末在孵创业团队数: refused as it, naming the column
    missing = by_rule[("Sheet2", "missing_column")]
    assert missing.is_error
    assert (missing.row, missing.column) == (1, "期末在孵创业团队数")
    assert ("Sheet2", "unknown_template") not in by_rule


def test_bad_values_named_by_row_and_column(tmp_path, contracts, units):
    path = write_xlsx(
        tmp_path / "v.xlsx",
        {"季报": [REPORT_HEADER, ["2025Q1", "YZ-FH-0001", "很大", 2.5, "#REF!"]]},
    )
    problems = {(p.row, p.column): p for p in parse(path, contracts, units).problems}
    assert problems[(2, "期末载体面积（平方米）")].message_zh == "应为数字"
    assert problems[(2, "期末在孵企业数（家）")].message_zh == "应为整数"
    assert problems[(2, "期末在孵创业团队数（个）")].rule == "excel_error"
    assert all(p.sheet == "季报" for p in problems.values())


def test_credit_code_stored_as_number_is_refused(tmp_path, contracts, units):
    path = write_xlsx(
        tmp_path / "n.xlsx",
        {
            "名单": [
                [
                    "报告期",
                    "载体编码",
                    "主体类型",
                    "企业（团队）名称",
                    "统一社会信用代码",
                    "入驻日期",
                    "在孵状态",
                ],
                [
                    "2025Q2",
                    "YZ-FH-0001",
                    "企业",
                    "重庆甲科技有限公司",
                    913502000728319549,
                    "2024-05-06",
                    "在孵",
                ],
            ]
        },
    )
    (problem,) = [p for p in parse(path, contracts, units).problems if p.is_error]
    assert (problem.row, problem.column, problem.rule) == (2, "统一社会信用代码", "type_code")


def test_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("this is not a workbook", encoding="utf-8")
    with pytest.raises(UnreadableFile):
        read_file(path)
