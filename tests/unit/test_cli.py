"""`incubation validate`: the nightly verdict without loading; exit 0 accepted, 1 refused,
2 could not run; the report written where asked."""

import json

from incubation.cli import main
from tests.helpers import write_xlsx

# fmt: off
REGISTRY = [
    ["载体编码", "载体名称", "载体类型", "孵化器类别", "运营主体名称", "所属片区", "详细地址", "载体总面积（平方米）"],
    ["YZ-FH-0001", "甲孵化器", "科技企业孵化器", "综合", "甲运营", "电创园片区", "上清寺1号", 9000],
]
# fmt: on


def test_validate_exit_codes_and_report(settings, tmp_path, capsys):
    good = write_xlsx(tmp_path / "good.xlsx", {"登记": REGISTRY})
    assert main(["validate", str(good), "--unit", "dianchuang_park_mc"]) == 0
    # the same file from a unit that does not lead the zone's task is refused
    report = tmp_path / "out" / "r.xlsx"
    assert (
        main(["validate", str(good), "--unit", "historic_district_mc", "--report", str(report)])
        == 1
    )
    data = json.loads(report.with_suffix(".json").read_text("utf-8"))
    assert data["accepted"] is False
    assert [(p["sheet"], p["row"], p["column"], p["rule"]) for p in data["problems"]] == [
        ("登记", 2, "所属片区", "reg_not_authorised")
    ]
    assert report.exists()
    out = capsys.readouterr().out
    assert "将被退回" in out and "电创园管委会" in out
    assert main(["validate", str(tmp_path / "missing.xlsx"), "--unit", "sci_tech_bureau"]) == 2
    assert main(["validate", str(good), "--unit", "no_such_unit"]) == 2
    assert not settings.build_db.exists()  # nothing was loaded anywhere


def test_validate_never_shows_a_traceback(settings, tmp_path, capsys, monkeypatch):
    """Files that once escaped as tracebacks (or a Rust abort) are refused with their reason
    (exit 1); what cannot be checked at all exits 2 with a reason, never a traceback."""
    import os

    from incubation.checks import verdicts as checking
    from tests import hostile

    valid = hostile.valid_report(tmp_path / "valid.xlsx", "YZ-FH-0001")
    sheet = hostile.SHEET
    refused = {
        hostile.unclosed_quote_csv(tmp_path / "q.csv"): "malformed_csv",
        hostile.rewrite(
            valid, tmp_path / "r.xlsx", "xl/_rels/workbook.xml.rels", hostile.with_doctype
        ): "unsafe_xml",
        hostile.rewrite(valid, tmp_path / "e.xlsx", sheet, hostile.with_entity_in_a_cell): (
            "corrupt_file"
        ),
        hostile.rewrite(
            valid, tmp_path / "far.xlsx", sheet, hostile.with_far_cell(b"XFD1048576", 1048576)
        ): "sheet_too_large",
    }
    for path, rule in refused.items():
        report = tmp_path / "reports" / path.stem
        args = ["validate", str(path), "--unit", "sci_tech_bureau", "--report", str(report)]
        assert main(args) == 1, path
        data = json.loads(report.with_suffix(".json").read_text("utf-8"))
        assert rule in {p["rule"] for p in data["problems"]}, (path, data["problems"])
    folder = tmp_path / "a_folder.xlsx"
    folder.mkdir()
    assert main(["validate", str(folder), "--unit", "sci_tech_bureau"]) == 2
    # a file whose reader dies takes its worker down, not the command
    read_file = checking.read_file
    monkeypatch.setattr(
        checking,
        "read_file",
        lambda p, *a, **k: os.abort() if p.name == "dies.xlsx" else read_file(p, *a, **k),
    )
    dies = hostile.valid_report(tmp_path / "dies.xlsx", "YZ-FH-0001")
    assert main(["validate", str(dies), "--unit", "sci_tech_bureau"]) == 1
    # an internal error: could not check
    monkeypatch.setattr(checking, "parse_sheets", lambda *a, **k: 1 / 0)
    assert main(["validate", str(valid), "--unit", "sci_tech_bureau"]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "这是一个文件夹" in captured.err and "程序异常退出" in captured.out
    assert "无法检查" in captured.err
