"""A sheet that matches a template but for some of its signature columns is refused as that
template, naming each missing column, the header row and the nearest header written;
"no known template" is left for sheets that resemble none."""

import json

from incubation.cli import main
from incubation.parsing.layout import find_near_header
from incubation.parsing.readers import read_file
from incubation.parsing.sheets import parse_sheets
from tests.helpers import write_xlsx

PERIOD = "孵化载体运营情况季报"
ROSTER = "在孵企业（团队）名单"
ROSTER_HEADER = [
    "报告期",
    "载体编码",
    "主体类型",
    "企业（团队）名称",
    "统一社会信用代码",
    "入驻日期",
    "在孵状态",
]
ROSTER_ROW = [
    "2025Q2",
    "YZ-FH-0001",
    "企业",
    "重庆甲科技有限公司",
    "91350100M000100Y43",
    "2024-05-06",
    "在孵",
]


def parse(tmp_path, rows, contracts, units, merges=None):
    path = write_xlsx(tmp_path / "f.xlsx", {"表1": rows}, merges={"表1": merges or []})
    return parse_sheets(read_file(path), contracts, units)


def errors(result):
    return [
        (p.sheet, p.row, p.column, p.rule, p.message_zh, p.fix_zh)
        for p in result.problems
        if p.is_error
    ]


def test_renamed_key_column_is_named_with_the_nearest_header(tmp_path, contracts, units):
    rows = [
        ["2025年第三季度孵化载体运营情况统计表"],
        [],
        [
            "报告期",
            "载体编号",
            "期末载体面积（平方米）",
            "期末在孵企业数（家）",
            "期末在孵创业团队数（个）",
        ],
        ["2025Q3", "YZ-FH-0007", 19000, 38, 4],
    ]
    result = parse(tmp_path, rows, contracts, units)
    assert result.sheets == []
    assert errors(result) == [
        (
            "表1",
            3,
            "载体编码",
            "missing_column",
            "缺少必备列“载体编码”（按“孵化载体运营情况季报”读取，第3行表头中未找到；最接近的表头：“载体编号”）",
            "请将该列表头改为“载体编码”，或按模板补齐该列",
        )
    ]


def test_column_left_out_is_named_without_a_nearest_header(tmp_path, contracts, units):
    rows = [
        ["报告期", "载体编码", "填报人", "期末在孵企业数（家）", "期末在孵创业团队数（个）"],
        ["2025Q3", "YZ-FH-0007", "王芳", 38, 4],
    ]
    result = parse(tmp_path, rows, contracts, units)
    assert errors(result) == [
        (
            "表1",
            1,
            "期末载体面积",
            "missing_column",
            "缺少必备列“期末载体面积”（按“孵化载体运营情况季报”读取，第1行表头中未找到）",
            "请按模板补齐该列，表头写作“期末载体面积（平方米）”",
        )
    ]


def test_a_header_mapped_to_another_column_is_never_offered(tmp_path, contracts, units):
    # 本期新增在孵企业数 looks like 期末在孵企业数 but is a column of its own
    rows = [
        ["报告期", "载体编码", "期末载体面积", "本期新增在孵企业数", "期末在孵创业团队数"],
        ["2025Q3", "YZ-FH-0007", 100, 3, 4],
    ]
    (problem,) = [p for p in parse(tmp_path, rows, contracts, units).problems if p.is_error]
    assert (problem.rule, problem.column) == ("missing_column", "期末在孵企业数")
    assert problem.message_zh == (
        "缺少必备列“期末在孵企业数”（按“孵化载体运营情况季报”读取，第1行表头中未找到）"
    )


def test_roster_missing_its_status_is_refused_as_the_roster(tmp_path, contracts, units):
    rows = [ROSTER_HEADER[:-1], ROSTER_ROW[:-1]]
    result = parse(tmp_path, rows, contracts, units)
    assert errors(result) == [
        (
            "表1",
            1,
            "在孵状态",
            "missing_column",
            "缺少必备列“在孵状态”（按“在孵企业（团队）名单”读取，第1行表头中未找到）",
            "请按模板补齐该列，表头写作“在孵状态”",
        )
    ]


def test_period_report_missing_its_carrier_is_not_taken_for_the_roster(tmp_path, contracts, units):
    rows = [
        ["报告期", "期末载体面积", "期末在孵企业数", "期末在孵创业团队数", "企业名称"],
        ["2025Q3", 100, 3, 4, "x"],
    ]
    (problem,) = [p for p in parse(tmp_path, rows, contracts, units).problems if p.is_error]
    assert (problem.rule, problem.row, problem.column) == ("missing_column", 1, "载体编码")
    assert f"按“{PERIOD}”读取" in problem.message_zh and ROSTER not in problem.message_zh


def test_multi_row_header_names_its_rows(tmp_path, contracts, units):
    rows = [
        ["报告期", "载体编号", "期末载体面积", "在孵企业", None, "期末在孵创业团队数"],
        [None, None, None, "合计", "其中：高新技术企业数", None],
        ["2025Q3", "YZ-FH-0007", 100, 3, 1, 4],
    ]
    merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 4), (0, 5, 1, 5)]
    result = parse(tmp_path, rows, contracts, units, merges)
    assert [(p.row, p.column, p.message_zh) for p in result.problems if p.is_error] == [
        (
            2,
            "载体编码",
            "缺少必备列“载体编码”（按“孵化载体运营情况季报”读取，第1至2行表头中未找到；最接近的表头：“载体编号”）",
        )
    ]


def test_unrelated_headers_stay_unknown_template(tmp_path, contracts, units):
    rows = [["姓名", "年龄", "电话"], ["张三", 30, "023-63001234"]]
    result = parse(tmp_path, rows, contracts, units)
    assert [(p.rule, p.message_zh) for p in result.problems] == [
        ("unknown_template", "无法识别该工作表对应的模板：表头中找不到任何模板的全部必填列")
    ]


def test_one_template_column_is_too_little_for_a_near_match(tmp_path, contracts, units):
    rows = [["载体编码", "姓名", "电话"], ["YZ-FH-0001", "张三", "023-63001234"]]
    result = parse(tmp_path, rows, contracts, units)
    assert [p.rule for p in result.problems] == ["unknown_template"]


def test_equal_near_matches_of_two_templates_stay_ambiguous(tmp_path, contracts, units):
    # 3 of the period report's 5 signature columns, and 3 of the recognition list's 5
    rows = [
        ["报告期", "载体编码", "期末载体面积", "认定类别", "认定级别"],
        ["2025Q3", "YZ-FH-0001", 100, "孵化器", "国家级"],
    ]
    result = parse(tmp_path, rows, contracts, units)
    assert [(p.rule, p.message_zh) for p in result.problems] == [
        (
            "ambiguous_template",
            "表头与多个模板都部分相符，无法确定按哪个模板读取：孵化载体运营情况季报、孵化载体认定与荣誉名单",
        )
    ]


def test_exact_templates_still_parse(tmp_path, contracts, units):
    rows = [
        [
            "报告期",
            "载体编码",
            "期末载体面积（平方米）",
            "期末在孵企业数（家）",
            "期末在孵创业团队数（个）",
        ],
        ["2025Q3", "YZ-FH-0007", 19000, 38, 4],
    ]
    result = parse(tmp_path, rows, contracts, units)
    assert result.problems == []
    (sheet,) = result.sheets
    assert (sheet.template, sheet.header_row) == ("carrier_period_report", 1)
    roster = parse(tmp_path, [ROSTER_HEADER, ROSTER_ROW], contracts, units)
    assert [p for p in roster.problems if p.is_error] == []
    assert [s.template for s in roster.sheets] == ["incubatee_roster"]


def test_find_near_header_data_out(contracts):
    grid = [
        ["说明"],
        ["报告期", "载体编号", "期末在孵企业数", "期末在孵创业团队数"],
        ["2025Q3", "YZ-FH-0001", 1, 2],
    ]
    near, ties = find_near_header(grid, contracts, merged=False)
    assert ties == []
    assert near.block.contract.name == "carrier_period_report"
    assert near.rows == (2, 2)
    assert [c.name for c in near.missing] == ["carrier_id", "area_m2_eop"]
    assert near.nearest == {"carrier_id": "载体编号"}
    assert find_near_header([["姓名", "年龄", "电话"]], contracts, merged=False) == (None, [])


def test_validate_names_the_missing_column(settings, tmp_path, capsys):
    path = write_xlsx(
        tmp_path / "季报.xlsx",
        {
            "季报": [
                ["2025年第三季度孵化载体运营情况统计表"],
                [],
                [
                    "报告期",
                    "载体编号",
                    "期末载体面积（平方米）",
                    "期末在孵企业数（家）",
                    "期末在孵创业团队数（个）",
                ],
                ["2025Q3", "YZ-FH-0001", 19000, 38, 4],
            ]
        },
    )
    report = tmp_path / "out" / "r.xlsx"
    code = main(["validate", str(path), "--unit", "dianchuang_park_mc", "--report", str(report)])
    assert code == 1
    out = capsys.readouterr().out
    assert "将被退回" in out
    assert (
        "  [E] 季报 第3行 载体编码: 缺少必备列“载体编码”（按“孵化载体运营情况季报”读取，"
        "第3行表头中未找到；最接近的表头：“载体编号”）"
    ) in out.splitlines()
    assert "无法识别该工作表对应的模板" not in out
    data = json.loads(report.with_suffix(".json").read_text("utf-8"))
    assert data["accepted"] is False
    assert [(p["sheet"], p["row"], p["column"], p["rule"]) for p in data["problems"]] == [
        ("季报", 3, "载体编码", "missing_column")
    ]
