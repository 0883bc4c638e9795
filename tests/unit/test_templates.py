"""The blank templates: in sync with the contracts, dropdowns for enumerations, codes as
text, and a filled-in template read back exactly."""

import filecmp
from pathlib import Path

import openpyxl

from incubation.answers.templates import write_templates
from incubation.parsing.readers import read_file
from incubation.parsing.sheets import parse_sheets

SHIPPED = Path(__file__).resolve().parents[2] / "include" / "templates"


def test_shipped_templates_in_sync(tmp_path, contracts, project_settings):
    paths = write_templates(
        contracts, tmp_path, project_settings.expectations_dir, project_settings.seeds_dir
    )
    assert sorted(p.name for p in paths) == sorted(p.name for p in SHIPPED.glob("*.xlsx"))
    for path in paths:
        assert filecmp.cmp(path, SHIPPED / path.name, shallow=False), "run `incubation templates`"


def test_template_layout(contracts):
    wb = openpyxl.load_workbook(SHIPPED / "在孵企业（团队）名单.xlsx")
    assert wb.sheetnames == ["_选项", "在孵企业（团队）名单", "填报说明"]
    assert wb["_选项"].sheet_state == "hidden"
    ws = wb["在孵企业（团队）名单"]
    contract = contracts["incubatee_roster"]
    assert [c.value for c in ws[1]] == [c.header_with_unit for c in contract.columns]
    assert [c.value for c in ws[2]] == contract.column_names
    assert ws.row_dimensions[2].hidden
    validated = {
        str(dv.sqref).split(":")[0].rstrip("0123456789")
        for dv in ws.data_validations.dataValidation
    }
    enum_columns = {
        openpyxl.utils.get_column_letter(i + 1)
        for i, c in enumerate(contract.columns)
        if c.type in ("enum", "bool")
    }
    assert validated == enum_columns
    index = contract.column_names.index("uscc") + 1
    (dim,) = [d for d in ws.column_dimensions.values() if d.min <= index <= d.max]
    assert dim.number_format == "@"  # typed codes stay text: no lost digits


def test_filled_template_reads_back(tmp_path, contracts, units):
    wb = openpyxl.load_workbook(SHIPPED / "孵化载体运营情况季报.xlsx")
    ws = wb["孵化载体运营情况季报"]
    contract = contracts["carrier_period_report"]
    values = {
        "period": "2025Q3",
        "carrier_id": "YZ-FH-0007",
        "area_m2_eop": 19000,
        "incubatees_eop": 38,
        "teams_eop": 4,
        "incubatee_revenue": 1234.5,
    }
    for name, value in values.items():
        ws.cell(3, contract.column_names.index(name) + 1, value)
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    result = parse_sheets(read_file(path), contracts, units)
    assert result.problems == []
    (sheet,) = result.sheets
    row = sheet.frame.iloc[0]
    assert (sheet.template, int(row["source_row"])) == ("carrier_period_report", 3)
    assert {k: row[k] for k in values} == values
