"""Suites and domain checks through the real GX run: every problem located by file, sheet,
row and the column as headed in the contact's file."""

import datetime as dt

from incubation.checking import ACCEPTED, REJECTED, check_files

from tests.helpers import write_xlsx

ROSTER_HEADER = [
    "报告期",
    "载体编码",
    "主体类型",
    "企业（团队）名称",
    "统一社会信用代码",
    "入驻日期",
    "在孵状态",
    "毕业日期",
]
TODAY = dt.date(2026, 1, 15)


def check(paths, contracts, units, runner):
    return check_files(
        [(p, "digital_park_mc") for p in paths],
        contracts=contracts,
        units=units,
        runner=runner,
        today=TODAY,
    )


def test_good_and_bad_files_in_one_batch(tmp_path, contracts, units, runner):
    good = write_xlsx(
        tmp_path / "good.xlsx",
        {
            "名单": [
                ROSTER_HEADER,
                [
                    "2025Q4",
                    "YZ-FH-0001",
                    "企业",
                    "甲公司",
                    "91350100M000100Y43",
                    "2024-01-02",
                    "在孵",
                    None,
                ],
                ["2025Q4", "YZ-FH-0001", "创业团队", "乙团队", None, "2025-11-02", "在孵", None],
            ]
        },
    )
    bad = write_xlsx(
        tmp_path / "bad.xlsx",
        {
            "名单": [
                ROSTER_HEADER,
                [
                    "2025Q4",
                    "YZ-FH-0001",
                    "企业",
                    "甲公司",
                    "91350100M000100Y4Z",
                    "2024-01-02",
                    "在孵",
                    None,
                ],
                [
                    "2025Q4",
                    "YZ-FH-0001",
                    "企业",
                    "丙公司",
                    "91350100M000100Y42",
                    "2024-01-02",
                    "在孵",
                    None,
                ],
                [
                    "2025Q4",
                    "YZ-FH-0001",
                    "企业",
                    "丁公司",
                    None,
                    "2024-03-01",
                    "已毕业",
                    "2024-02-01",
                ],
                [
                    "2025Q4",
                    "YZ-FH-0001",
                    "公司",
                    "戊公司",
                    "91350100M000100Y43",
                    "2024-01-02",
                    "孵化中",
                    None,
                ],
                [
                    "2027Q1",
                    "YZ-FH-0001",
                    "企业",
                    "甲公司",
                    "91350100M000100Y43",
                    "2024-01-02",
                    "在孵",
                    None,
                ],
                [
                    "2025Q4",
                    "YZ-FH-0001",
                    "企业",
                    "甲公司",
                    "91350100M000100Y43",
                    "2024-01-02",
                    "在孵",
                    None,
                ],
            ]
        },
    )
    good_v, bad_v = check([good, bad], contracts, units, runner)
    assert good_v.status == ACCEPTED and good_v.problems == []
    assert bad_v.status == REJECTED
    found = {(p.row, p.column, p.rule) for p in bad_v.problems}
    assert found == {
        (2, "统一社会信用代码", "expect_column_values_to_match_regex"),  # Z not in the set
        (3, "统一社会信用代码", "uscc_check_character"),  # right shape, wrong check character
        (4, "统一社会信用代码", "uscc_required_for_enterprise"),
        (4, "毕业日期、入驻日期", "expect_column_pair_values_a_to_be_greater_than_b"),
        (5, "主体类型", "expect_column_values_to_be_in_set"),
        (5, "在孵状态", "expect_column_values_to_be_in_set"),
        (6, "报告期", "period_out_of_range"),
        # 甲公司 twice in 2025Q4 of the same carrier (rows 2 and 7), by name and by code
        (2, "载体编码、报告期、企业（团队）名称", "expect_compound_columns_to_be_unique"),
        (7, "载体编码、报告期、企业（团队）名称", "expect_compound_columns_to_be_unique"),
        # 戊公司 (row 5) carries 甲公司's code of row 7
        (5, "载体编码、报告期、统一社会信用代码", "expect_compound_columns_to_be_unique"),
        (7, "载体编码、报告期、统一社会信用代码", "expect_compound_columns_to_be_unique"),
    }
    assert all(p.sheet == "名单" for p in bad_v.problems)


def test_key_unique_within_a_file_not_across_files(tmp_path, contracts, units, runner):
    rows = [
        ["报告期", "载体编码", "期末载体面积", "期末在孵企业数", "期末在孵创业团队数"],
        ["2025Q1", "YZ-FH-0001", 100, 1, 0],
    ]
    first = write_xlsx(tmp_path / "a.xlsx", {"季报": rows})
    again = write_xlsx(tmp_path / "b.xlsx", {"季报": rows})  # a resubmission in the same night
    verdicts = check([first, again], contracts, units, runner)
    assert [v.status for v in verdicts] == [ACCEPTED, ACCEPTED]


def test_zone_values_come_from_the_seed(tmp_path, contracts, units, runner):
    header = [
        "载体编码",
        "载体名称",
        "载体类型",
        "运营主体名称",
        "所属片区",
        "载体总面积（平方米）",
    ]
    path = write_xlsx(
        tmp_path / "r.xlsx",
        {
            "登记": [
                header,
                ["YZ-FH-0001", "甲", "科技企业孵化器", "甲运营", "电创园片区", 1000],
                ["YZ-FH-0002", "乙", "科技企业孵化器", "乙运营", "观音桥", 1000],
            ]
        },
    )
    (verdict,) = check([path], contracts, units, runner)
    assert [(p.row, p.column, p.value) for p in verdict.problems] == [(3, "所属片区", "观音桥")]
