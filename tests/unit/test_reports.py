"""The rejection report opens in Excel with every problem, and never runs formulas; many
reports written by forked writers are the same as written one by one."""

from pathlib import Path

import openpyxl

from incubation.answers.receipts import build_report, write_report, write_reports


def test_report_workbook_lists_every_problem(tmp_path):
    problems = [
        {
            "severity": "E",
            "rule": "r",
            "sheet": "名单",
            "row": 5,
            "column": "在孵状态",
            "value": '=HYPERLINK("http://x")',
            "message_zh": "“在孵状态”只能填写规定的选项",
            "fix_zh": "请选择",
        },
        {
            "severity": "W",
            "rule": "w",
            "sheet": "季报",
            "row": 3,
            "column": "载体总面积",
            "value": "250000",
            "message_zh": "面积过大",
            "fix_zh": "请核对",
        },
    ]
    report = build_report(
        submission_id=7,
        unit_code="sci_tech_bureau",
        unit_name="区科技局",
        file_name="a.xlsx",
        accepted=False,
        sheets={"名单": "incubatee_roster"},
        template_titles={"incubatee_roster": "在孵企业（团队）名单"},
        rows=10,
        problems=problems,
        decided_at="2026-01-01T02:00:00",
        cap=1,
    )
    assert (
        report["errors"],
        report["warnings"],
        report["problems_total"],
        report["problems_shown"],
    ) == (1, 1, 2, 1)
    path = write_report(report, tmp_path, "r")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["结果摘要", "问题清单"]
    rows = list(wb["问题清单"].iter_rows(values_only=True))
    assert rows[0][:4] == ("级别", "工作表", "行号", "列（表头）")
    assert rows[1][:5] == ("错误", "名单", 5, "在孵状态", '=HYPERLINK("http://x")')
    assert wb["问题清单"].cell(2, 5).data_type == "s"  # text, not a formula
    summary = dict(wb["结果摘要"].iter_rows(values_only=True))
    assert summary["处理结果"] == "已退回" and summary["问题总数"] == "2"
    assert (tmp_path / "r.json").exists()


def test_reports_written_by_forked_writers_are_the_ones_written_in_order(tmp_path):
    jobs = []
    for i in range(20):
        report = build_report(
            submission_id=i,
            unit_code="sci_tech_bureau",
            unit_name="区科技局",
            file_name=f"{i}.xlsx",
            accepted=i % 2 == 0,
            sheets={},
            template_titles={},
            rows=i,
            problems=[],
            decided_at="2026-01-01T02:00:00",
            cap=10,
        )
        jobs.append((report, tmp_path / f"w{{}}/u{i % 3}", f"r{i}"))
    one = write_reports([(r, Path(str(f).format(1)), s) for r, f, s in jobs], workers=1)
    two = write_reports([(r, Path(str(f).format(2)), s) for r, f, s in jobs], workers=2)
    assert [p.relative_to(tmp_path / "w1") for p in one] == [
        p.relative_to(tmp_path / "w2") for p in two
    ]
    for a, b in zip(one, two, strict=True):
        assert a.with_suffix(".json").read_text("utf-8") == b.with_suffix(".json").read_text(
            "utf-8"
        )
        assert openpyxl.load_workbook(b).sheetnames == ["结果摘要", "问题清单"]
