"""The messy-spreadsheet corpus: one case per pattern of domain-notes §4, written by the test.

Each case asserts the exact canonical rows that come out (and the problems, where the
pattern calls for a warning or a refusal). The number in each test name is the item of §4.
"""

from __future__ import annotations

import datetime as dt

import pytest

from incubation.parsing.readers import UnreadableFile, read_file
from incubation.parsing.safety import inspect
from incubation.parsing.sheets import parse_sheets
from tests.helpers import write_csv, write_openpyxl, write_xls, write_xlsx

KEY = ["source_row", "period", "carrier_id", "area_m2_eop", "incubatees_eop", "teams_eop"]
BASE_HEADER = ["报告期", "载体编码", "期末载体面积", "期末在孵企业数", "期末在孵创业团队数"]
ROSTER_HEADER = ["报告期", "载体编码", "主体类型", "企业（团队）名称", "入驻日期", "在孵状态"]


def parse(path, contracts, units):
    return parse_sheets(read_file(path), contracts, units)


def rows(frame, columns=KEY):
    """The frame's rows as plain Python lists (None for not reported)."""
    return [
        [None if _missing(v) else v for v in record]
        for record in frame[columns].astype(object).values.tolist()
    ]


def _missing(value) -> bool:
    try:
        return bool(value != value) or value is None  # NaN / pd.NA / None
    except TypeError:
        return True


def errors(result):
    return [(p.sheet, p.row, p.column, p.rule) for p in result.problems if p.is_error]


def warnings(result):
    return [(p.row, p.column, p.rule) for p in result.problems if p.severity == "W"]


def test_02_form_meta_block_above_the_table(tmp_path, contracts, units):
    path = write_xlsx(
        tmp_path / "meta.xlsx",
        {
            "表1": [
                ["表号：渝中科孵01表", None, "制表机关：渝中区科技局"],
                [
                    "批准机关：渝中区统计局",
                    None,
                    "批准文号：渝中统〔2024〕3号",
                    None,
                    "有效期至：2026年12月",
                ],
                ["填报单位（盖章）：渝中区科技局", None, "填报人：张三", "电话：63001234"],
                ["此表统计时间截止 2025年9月30日"],
                [
                    "报告期",
                    "载体编码",
                    "期末载体面积（平方米）",
                    "期末在孵企业数（家）",
                    "期末在孵创业团队数（个）",
                ],
                ["2025Q3", "YZ-FH-0001", 1000, 10, 2],
            ]
        },
    )
    result = parse(path, contracts, units)
    assert errors(result) == []
    assert rows(result.frames["carrier_period_report"]) == [
        [6, "2025Q3", "YZ-FH-0001", 1000.0, 10, 2]
    ]


# Two header rows: parents merged across their children, single columns merged down.
MERGED_HEADER = [
    ["2025年第三季度渝中区孵化载体运营情况统计表", None, None, None, None, None, None, None],
    [
        "序号",
        "报告期",
        "载体编码",
        "期末载体面积（平方米）",
        "期末在孵企业数（家）",
        None,
        "创业团队",
        "收入情况（万元）",
    ],
    [
        None,
        None,
        None,
        None,
        "合计",
        "其中：高新技术企业数",
        "期末在孵创业团队数",
        "在孵企业总收入",
    ],
    ["一", "2025Q3", "YZ-FH-0001", 1000, 10, 3, 2, 500],
    ["二", "2025Q3", "YZ-FH-0002", 2000, 20, 5, 4, 800],
]
MERGES = [(0, 0, 0, 7), (1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 2, 3), (1, 4, 1, 5)]


def test_03_multi_row_merged_header(tmp_path, contracts, units):
    path = write_xlsx(tmp_path / "merged.xlsx", {"季报": MERGED_HEADER}, merges={"季报": MERGES})
    result = parse(path, contracts, units)
    assert errors(result) == [] and warnings(result) == []
    (sheet,) = result.sheets
    assert sheet.header_row == 3
    assert sheet.headers["hnte_eop"] == "期末在孵企业数（家）/其中：高新技术企业数"
    assert sheet.headers["incubatee_revenue"] == "收入情况（万元）/在孵企业总收入"
    assert rows(sheet.frame, [*KEY, "hnte_eop", "incubatee_revenue"]) == [
        [4, "2025Q3", "YZ-FH-0001", 1000.0, 10, 2, 3, 500.0],
        [5, "2025Q3", "YZ-FH-0002", 2000.0, 20, 4, 5, 800.0],
    ]


def test_03_multi_row_header_without_merges_csv(tmp_path, contracts, units):
    """The same header typed once per parent in a CSV: the parent fills to the right."""
    path = write_csv(tmp_path / "merged.csv", [[c or "" for c in r] for r in MERGED_HEADER])
    result = parse(path, contracts, units)
    assert errors(result) == []
    assert rows(result.frames["carrier_period_report"], [*KEY, "hnte_eop"]) == [
        [4, "2025Q3", "YZ-FH-0001", 1000.0, 10, 2, 3],
        [5, "2025Q3", "YZ-FH-0002", 2000.0, 20, 4, 5],
    ]


def test_04_column_code_row_and_05_serial_numbers(tmp_path, contracts, units):
    path = write_xlsx(
        tmp_path / "codes.xlsx",
        {
            "季报": [
                [
                    "序号",
                    *BASE_HEADER,
                ],
                ["甲", "乙", "丙", 1, 2, 3],
                ["一、解放碑片区"],
                ["（一）", "2025Q3", "YZ-FH-0001", 1000, 10, 2],
                ["1.1", "2025Q3", "YZ-FH-0002", 2000, 20, 4],
                [None, "2025Q3", "YZ-FH-0003", 3000, 30, 6],
                ["二、化龙桥片区"],
                [3, "2025Q3", "YZ-FH-0004", 4000, 40, 8],
            ]
        },
    )
    result = parse(path, contracts, units)
    assert result.problems == []
    assert rows(result.frames["carrier_period_report"]) == [
        [4, "2025Q3", "YZ-FH-0001", 1000.0, 10, 2],
        [5, "2025Q3", "YZ-FH-0002", 2000.0, 20, 4],
        [6, "2025Q3", "YZ-FH-0003", 3000.0, 30, 6],
        [8, "2025Q3", "YZ-FH-0004", 4000.0, 40, 8],
    ]


def test_06_total_rows_dropped_and_compared(tmp_path, contracts, units):
    header = BASE_HEADER
    path = write_xlsx(
        tmp_path / "totals.xlsx",
        {
            "季报": [
                header,
                ["合计", None, 10000, 100, 21],  # at the top; teams really sum to 20
                ["小计", None, 3000, 30, 6],  # subtotals above their groups
                ["2025Q3", "YZ-FH-0001", 1000, 10, 2],
                ["2025Q3", "YZ-FH-0002", 2000, 20, 4],
                ["小 计", None, 7000, 71, 14],  # enterprises below sum to 70
                ["2025Q3", "YZ-FH-0003", 3000, 30, 6],
                ["2025Q3", "YZ-FH-0004", 4000, 40, 8],
            ]
        },
    )
    result = parse(path, contracts, units)
    assert errors(result) == []
    assert rows(result.frames["carrier_period_report"])[0][:3] == [4, "2025Q3", "YZ-FH-0001"]
    assert len(result.frames["carrier_period_report"]) == 4
    mismatches = [(p.row, p.column, p.value) for p in result.problems if p.rule == "total_mismatch"]
    assert mismatches == [(2, "期末在孵创业团队数", "21"), (6, "期末在孵企业数", "71")]
    (message,) = [p.message_zh for p in result.problems if p.row == 6]
    assert "71" in message and "70" in message and "2 行" in message


def test_06_subtotals_below_each_zone_group(tmp_path, contracts, units):
    header = ["序号", "报告期", "载体编码", "期末载体面积", "期末在孵企业数", "期末在孵创业团队数"]
    path = write_csv(
        tmp_path / "zones.csv",
        [
            header,
            ["一、总部城片区", "", "", "", "", ""],
            ["1", "2025Q3", "YZ-FH-0001", "1000", "10", "2"],
            ["2", "2025Q3", "YZ-FH-0002", "2000", "20", "4"],
            ["小计", "", "", "3000", "30", "6"],
            ["二、电创园片区", "", "", "", "", ""],
            ["3", "2025Q3", "YZ-FH-0007", "4000", "40", "8"],
            ["小计", "", "", "4000", "40", "9"],  # teams: 8
            ["总计", "", "", "7000", "70", "15"],  # teams: 14
        ],
    )
    result = parse(path, contracts, units)
    assert errors(result) == []
    assert [r[:3] for r in rows(result.frames["carrier_period_report"])] == [
        [3, "2025Q3", "YZ-FH-0001"],
        [4, "2025Q3", "YZ-FH-0002"],
        [7, "2025Q3", "YZ-FH-0007"],
    ]
    mismatches = [(p.row, p.column, p.value) for p in result.problems if p.rule == "total_mismatch"]
    assert mismatches == [(9, "期末在孵创业团队数", "15"), (8, "期末在孵创业团队数", "9")]


def test_07_qizhong_columns_and_their_parent(tmp_path, contracts, units):
    path = write_xlsx(
        tmp_path / "qizhong.xlsx",
        {
            "季报": [
                [
                    *BASE_HEADER,
                    "有效知识产权数",
                    None,
                ],
                [None, None, None, None, None, "计", "其中:发明专利"],
                ["2025Q3", "YZ-FH-0001", 1000, 10, 2, 12, 3],
            ]
        },
        merges={"季报": [(0, 5, 0, 6)]},
    )
    result = parse(path, contracts, units)
    assert errors(result) == []
    assert rows(result.frames["carrier_period_report"], ["ip_valid", "ip_valid_invention"]) == [
        [12, 3]
    ]


def test_08_footer_blocks_are_cut(tmp_path, contracts, units):
    path = write_csv(
        tmp_path / "footer.csv",
        [
            BASE_HEADER,
            ["2025Q3", "YZ-FH-0001", "1000", "10", "2"],
            ["注：1. 本表由各载体运营主体填报；2. 面积按建筑面积计"],
            ["2025Q3", "不是数据", "x", "x", "x"],
            ["单位负责人：", "", "统计负责人：", "填表人：", "报出日期："],
        ],
    )
    result = parse(path, contracts, units)
    assert result.problems == []
    assert rows(result.frames["carrier_period_report"]) == [
        [2, "2025Q3", "YZ-FH-0001", 1000.0, 10, 2]
    ]


def test_09_vertically_merged_carrier_over_its_rows(tmp_path, contracts, units):
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        {
            "名单": [
                ROSTER_HEADER,
                ["2025Q3", "YZ-FH-0001", "企业", "重庆甲科技有限公司", "2024-05-06", "在孵"],
                [None, None, "团队", "乙团队", "2025-01-02", "在孵"],
                [None, None, "企业", "重庆丙科技有限公司", "2023-03-04", "已毕业"],
                ["2025Q3", "YZ-FH-0002", "企业", "重庆丁科技有限公司", "2022-01-01", "在孵"],
            ]
        },
        merges={"名单": [(1, 0, 3, 0), (1, 1, 3, 1)]},
    )
    result = parse(path, contracts, units)
    assert errors(result) == []
    assert rows(
        result.frames["incubatee_roster"], ["source_row", "period", "carrier_id", "entity_name"]
    ) == [
        [2, "2025Q3", "YZ-FH-0001", "重庆甲科技有限公司"],
        [3, "2025Q3", "YZ-FH-0001", "乙团队"],
        [4, "2025Q3", "YZ-FH-0001", "重庆丙科技有限公司"],
        [5, "2025Q3", "YZ-FH-0002", "重庆丁科技有限公司"],
    ]


def test_10_sheets_one_per_month_and_leftover_sheets(tmp_path, contracts, units):
    header = [
        "统计期",
        "载体编码",
        "期末载体面积",
        "期末在孵企业数",
        "期末在孵创业团队数",
        "本期新增在孵企业数",
    ]
    path = write_xlsx(
        tmp_path / "months.xlsx",
        {
            "7月": [header, ["2025年7月", "YZ-FH-0001", 1000, 10, 2, 1]],
            "8月": [header, ["2025年8月", "YZ-FH-0001", 1000, 11, 2, 1]],
            "9月": [header, ["2025年9月", "YZ-FH-0001", 1200, 12, 3, 2]],
            "Sheet1": [],
            "透视": [["行标签", "求和项:期末在孵企业数"], ["YZ-FH-0001", 33]],
        },
        hidden=("透视",),
    )
    result = parse(path, contracts, units)
    assert errors(result) == []
    assert rows(result.frames["carrier_period_report"], [*KEY, "incubatees_new"]) == [
        [2, "2025Q3", "YZ-FH-0001", 1200.0, 12, 3, 4]
    ]
    assert {p.rule for p in result.problems} == {"hidden_sheet", "period_rolled_up"}


def test_11_transposed_layout_is_refused(tmp_path, contracts, units):
    path = write_xlsx(
        tmp_path / "vertical.xlsx",
        {
            "表": [
                ["报告期", "2025Q3"],
                ["载体编码", "YZ-FH-0001"],
                ["期末载体面积", 1000],
                ["期末在孵企业数", 10],
                ["期末在孵创业团队数", 2],
            ]
        },
    )
    result = parse(path, contracts, units)
    assert errors(result) == [("表", None, None, "transposed_layout")]


def test_12_units_in_headers_and_section_units(tmp_path, contracts, units):
    path = write_xlsx(
        tmp_path / "units.xlsx",
        {
            "季报": [
                [
                    "报告期",
                    "载体编码",
                    "载体面积/万m2",
                    "在孵企业（家）",
                    "创业团队数【个】",
                    "收入（单位：千元）",
                    None,
                ],
                [None, None, None, None, None, "在孵企业总收入", "载体运营总收入"],
                ["2025Q3", "YZ-FH-0001", 1.5, 10, 2, 1234, 50],
            ]
        },
        merges={"季报": [(0, 5, 0, 6)]},
    )
    result = parse(path, contracts, units)
    assert errors(result) == []
    frame = result.frames["carrier_period_report"]
    assert rows(frame, [*KEY, "incubatee_revenue", "carrier_revenue"]) == [
        [3, "2025Q3", "YZ-FH-0001", 15000.0, 10, 2, pytest.approx(123.4), 5.0]
    ]


def test_13_and_18_units_and_markers_inside_cells(tmp_path, contracts, units):
    header = [
        *BASE_HEADER,
        "在孵企业从业人员",
        "在孵企业总收入（万元）",
    ]
    path = write_csv(
        tmp_path / "markers.csv",
        [
            header,
            ["2025Q3", "YZ-FH-0001", "1.2万", "约50", "3个", "500余", "1.5亿元"],
            ["2025Q3", "YZ-FH-0002", "800平方米", "12家", "2", ">100", "3000元"],
            ["2025Q3", "YZ-FH-0003", "35%", "5人次", "2", "1.5", "1"],
        ],
    )
    result = parse(path, contracts, units)
    frame = result.frames["carrier_period_report"]
    assert rows(frame, [*KEY, "employees", "incubatee_revenue"])[:2] == [
        [2, "2025Q3", "YZ-FH-0001", 12000.0, 50, 3, 500, 15000.0],
        [3, "2025Q3", "YZ-FH-0002", 800.0, 12, 2, 100, pytest.approx(0.3)],
    ]
    assert errors(result) == [
        ("markers", 4, "期末载体面积", "type_decimal"),  # a percentage is not an area
        ("markers", 4, "在孵企业从业人员", "type_int"),  # 1.5 people
    ]
    marked = {(p.row, p.column) for p in result.problems if p.rule == "value_marker"}
    assert marked == {
        (2, "期末载体面积"),
        (2, "期末在孵企业数"),
        (2, "在孵企业从业人员"),
        (2, "在孵企业总收入（万元）"),
        (3, "在孵企业从业人员"),
        (3, "在孵企业总收入（万元）"),
    }
    # 人次 counts the same dimension as 家: accepted as written
    assert frame.loc[2, "incubatees_eop"] == 5


def test_14_15_16_full_width_separators_text_numbers_and_nulls(tmp_path, contracts, units):
    path = write_csv(
        tmp_path / "text.csv",
        [
            [
                *BASE_HEADER,
                "本期新增在孵企业数",
                "备注",
            ],
            [
                "２０２５Ｑ３",
                "ＹＺ－ＦＨ－０００１",
                "１２，３４５．６７",
                "'10",
                "0",
                "—",
                "数据为估算；含XX分园",
            ],
            ["2025Q3", " YZ-FH-0002 ", " 1,000 ", "暂无", "N/A", "/", ""],
        ],
        encoding="gb18030",
    )
    result = parse(path, contracts, units)
    assert errors(result) == []
    assert rows(result.frames["carrier_period_report"], [*KEY, "incubatees_new", "remarks"]) == [
        [2, "2025Q3", "YZ-FH-0001", 12345.67, 10, 0, None, "数据为估算;含XX分园"],
        [3, "2025Q3", "YZ-FH-0002", 1000.0, None, None, None, None],
    ]


def test_17_excel_errors_and_formulas_without_cached_values(tmp_path, contracts, units):
    path = write_openpyxl(
        tmp_path / "formulas.xlsx",
        [
            BASE_HEADER,
            ["2025Q3", "YZ-FH-0001", 1000, 10, "#DIV/0!"],
            ["2025Q3", "YZ-FH-0002", "=C2*2", 20, 4],
        ],
        title="季报",
    )
    result = parse(path, contracts, units)
    assert errors(result) == [
        ("季报", 2, "期末在孵创业团队数", "excel_error"),
        ("季报", 3, "期末载体面积", "formula_without_value"),
    ]
    (formula,) = [p for p in result.problems if p.rule == "formula_without_value"]
    assert "C3" in formula.message_zh


@pytest.mark.parametrize(
    ("written", "months"),
    [
        (["2025年7月", "2025.08", "2025-9"], None),
        (["2025/07", "202508", "25年9月"], None),
    ],
)
def test_19_20_monthly_file_rolled_up_by_measure_kind(tmp_path, contracts, units, written, months):
    header = [
        *BASE_HEADER,
        "本期新增在孵企业数",
        "在孵企业总收入",
        "累计毕业企业数",
    ]
    path = write_csv(
        tmp_path / "monthly.csv",
        [
            header,
            [written[0], "YZ-FH-0001", "1000", "10", "2", "1", "100", "5"],
            [written[1], "YZ-FH-0001", "1000", "11", "2", "2", "220", "5"],
            [written[2], "YZ-FH-0001", "1100", "12", "3", "3", "350", "6"],
        ],
    )
    result = parse(path, contracts, units)
    assert errors(result) == [] and warnings(result) == []
    assert rows(
        result.frames["carrier_period_report"],
        [*KEY, "incubatees_new", "incubatee_revenue", "graduates_cum"],
    ) == [
        # stock, year-to-date and cumulative: September's; period flow: the three months summed
        [4, "2025Q3", "YZ-FH-0001", 1100.0, 12, 3, 6, 350.0, 6]
    ]


def test_19_spans_and_incomplete_quarters(tmp_path, contracts, units):
    header = [
        *BASE_HEADER,
        "本期新增在孵企业数",
        "在孵企业总收入",
    ]
    path = write_csv(
        tmp_path / "spans.csv",
        [
            header,
            ["2025年1-9月", "YZ-FH-0001", "1000", "10", "2", "9", "900"],
            ["截至2025年6月30日", "YZ-FH-0002", "2000", "20", "4", "", "400"],
            ["2025年上半年", "YZ-FH-0003", "3000", "30", "6", "6", "600"],
            ["2025年10月", "YZ-FH-0004", "4000", "40", "8", "1", "10"],
            ["2025年第四季度", "YZ-FH-0005", "5000", "50", "9", "5", "50"],
        ],
    )
    result = parse(path, contracts, units)
    assert errors(result) == []
    assert sorted(
        rows(result.frames["carrier_period_report"], [*KEY, "incubatees_new", "incubatee_revenue"])
    ) == [
        [2, "2025Q3", "YZ-FH-0001", 1000.0, 10, 2, None, 900.0],  # nine months cannot be split
        [3, "2025Q2", "YZ-FH-0002", 2000.0, 20, 4, None, 400.0],
        [4, "2025Q2", "YZ-FH-0003", 3000.0, 30, 6, None, 600.0],
        [6, "2025Q4", "YZ-FH-0005", 5000.0, 50, 9, 5, 50.0],
    ]
    assert sorted(warnings(result)) == [
        (2, "报告期", "period_flow_not_quarterly"),
        (4, "报告期", "period_flow_not_quarterly"),
        (5, "报告期", "period_incomplete_quarter"),
    ]


def test_21_dates_serials_chinese_and_ambiguous_year_month(tmp_path, contracts, units):
    path = write_xlsx(
        tmp_path / "dates.xlsx",
        {
            "名单": [
                ROSTER_HEADER,
                ["2025Q3", "YZ-FH-0001", "企业", "甲公司", 45108, "在孵"],
                ["2025Q3", "YZ-FH-0001", "企业", "乙公司", "2023年7月1日", "在孵"],
                ["2025Q3", "YZ-FH-0001", "企业", "丙公司", 20230701, "在孵"],
                ["2025Q3", "YZ-FH-0001", "企业", "丁公司", 2023.1, "在孵"],
                [2025.1, "YZ-FH-0001", "企业", "戊公司", "2023/7/1", "在孵"],
            ]
        },
    )
    result = parse(path, contracts, units)
    frame = result.frames["incubatee_roster"]
    assert rows(frame, ["source_row", "entry_date"])[:3] == [
        [2, dt.date(2023, 7, 1)],
        [3, dt.date(2023, 7, 1)],
        [4, dt.date(2023, 7, 1)],
    ]
    assert errors(result) == [
        ("名单", 5, "入驻日期", "type_date"),
        ("名单", 6, "报告期", "type_period"),
    ]
    assert all("10" in p.message_zh for p in result.problems if p.is_error)


def test_22_credit_codes_full_width_spaced_and_as_numbers(tmp_path, contracts, units):
    header = [*ROSTER_HEADER, "统一社会信用代码"]
    path = write_xlsx(
        tmp_path / "uscc.xlsx",
        {
            "名单": [
                header,
                [
                    "2025Q3",
                    "YZ-FH-0001",
                    "企业",
                    "甲公司",
                    "2024-01-01",
                    "在孵",
                    "９１３５０１００ｍ０００１００ｙ４３",
                ],
                [
                    "2025Q3",
                    "YZ-FH-0001",
                    "企业",
                    "乙公司",
                    "2024-01-01",
                    "在孵",
                    "9135 0100 M000 100Y43",
                ],
                [
                    "2025Q3",
                    "YZ-FH-0001",
                    "企业",
                    "丙公司",
                    "2024-01-01",
                    "在孵",
                    913502000728319549,
                ],
            ]
        },
    )
    result = parse(path, contracts, units)
    assert rows(result.frames["incubatee_roster"], ["uscc"])[:2] == [
        ["91350100M000100Y43"],
        ["91350100M000100Y43"],
    ]
    assert errors(result) == [("名单", 4, "统一社会信用代码", "type_code")]


def test_24_header_synonyms_from_the_contract(tmp_path, contracts, units):
    path = write_csv(
        tmp_path / "aliases.csv",
        [
            ["统计期", "载体代码", "孵化器名称", "孵化面积（㎡）", "在孵企业", "创业团队数"],
            ["2025Q3", "YZ-FH-0001", "渝中创新港", "1000", "10", "2"],
        ],
    )
    result = parse(path, contracts, units)
    assert errors(result) == []
    assert rows(result.frames["carrier_period_report"], [*KEY, "carrier_name"]) == [
        [2, "2025Q3", "YZ-FH-0001", 1000.0, 10, 2, "渝中创新港"]
    ]


def test_25_gb18030_only_characters(tmp_path, contracts, units):
    name = "重庆䶮€科技有限公司"  # neither character exists in GBK
    path = write_csv(
        tmp_path / "gb18030.csv",
        [ROSTER_HEADER, ["2025Q3", "YZ-FH-0001", "企业", name, "2024-01-01", "在孵"]],
        encoding="gb18030",
    )
    (sheet,) = read_file(path)
    assert sheet.encoding == "gb18030"
    result = parse(path, contracts, units)
    assert result.frames["incubatee_roster"].loc[0, "entity_name"] == name


def test_26_legacy_xls(tmp_path, contracts, units):
    path = write_xls(
        tmp_path / "old.xls",
        {
            "季报": [
                ["渝中区孵化载体季报"],
                [
                    "报告期",
                    "载体编码",
                    "期末载体面积（万平方米）",
                    "期末在孵企业数",
                    "期末在孵创业团队数",
                ],
                ["2025Q3", "YZ-FH-0001", 0.12, 10, 2],
                ["合计", None, 0.12, 10, 2],
            ]
        },
    )
    assert inspect(path, None) is None
    result = parse(path, contracts, units)
    assert result.problems == []
    assert rows(result.frames["carrier_period_report"]) == [
        [3, "2025Q3", "YZ-FH-0001", 1200.0, 10, 2]
    ]


def test_26_wps_and_other_formats_are_refused(tmp_path):
    path = tmp_path / "表.et"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(UnreadableFile) as err:
        read_file(path)
    assert ".xlsx" in err.value.message_zh


def test_28_remarks_kept_verbatim(tmp_path, contracts, units):
    path = write_csv(
        tmp_path / "remarks.csv",
        [
            [*ROSTER_HEADER, "备注"],
            [
                "2025Q3",
                "YZ-FH-0001",
                "团队",
                "丙团队",
                "2024-01-01",
                "在孵",
                "团队未注册（拟 2026 年注册）",
            ],
        ],
    )
    result = parse(path, contracts, units)
    assert result.frames["incubatee_roster"].loc[0, "remarks"] == "团队未注册(拟 2026 年注册)"


def test_column_lineage_names_the_headers_as_written(tmp_path, contracts, units):
    path = write_xlsx(tmp_path / "merged.xlsx", {"季报": MERGED_HEADER}, merges={"季报": MERGES})
    lineage = {c["column_name"]: c for c in parse(path, contracts, units).column_lineage()}
    assert lineage["hnte_eop"]["header"] == "期末在孵企业数（家）/其中：高新技术企业数"
    assert lineage["incubatee_revenue"]["unit"] == "万元"
    assert lineage["area_m2_eop"] | {"header_row": 3} == {
        "sheet": "季报",
        "template": "carrier_period_report",
        "header_row": 3,
        "column_name": "area_m2_eop",
        "header": "期末载体面积（平方米）",
        "unit": "平方米",
        "factor": 1.0,
    }
