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
