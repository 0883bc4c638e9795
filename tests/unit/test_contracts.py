"""Contracts: four templates, consistent keys, headers and aliases matched, units known;
suites only name columns their contract has."""

import json

import pytest

from incubation.contracts import split_header_unit

TEMPLATES = {"carrier_registry", "carrier_period_report", "incubatee_roster", "carrier_recognition"}


def test_all_four_templates(contracts):
    assert set(contracts) == TEMPLATES


def test_headers_and_aliases_match(contracts):
    report = contracts["carrier_period_report"]
    assert report.match_header("期末在孵企业数") == "incubatees_eop"
    assert report.match_header("在孵企业数") == "incubatees_eop"  # alias
    assert report.match_header("  期末在孵企业数 ") == "incubatees_eop"
    assert report.match_header("不存在的列") is None


@pytest.mark.parametrize(
    ("header", "label", "unit"),
    [
        ("载体总面积（平方米）", "载体总面积", "平方米"),
        ("载体总面积(万平方米)", "载体总面积", "万平方米"),
        ("面积【㎡】", "面积", "m2"),
        ("在孵企业总收入（单位：千元）", "在孵企业总收入", "千元"),
        ("备注", "备注", None),
    ],
)
def test_split_header_unit(header, label, unit):
    assert split_header_unit(header) == (label, unit)


def test_unit_factors(units):
    assert units.factor("万平方米", "平方米") == 10000
    assert units.factor("㎡", "平方米") == 1  # NFKC turns ㎡ into m2
    assert units.factor("m2", "平方米") == 1
    assert units.factor("千元", "万元") == pytest.approx(0.1)
    assert units.factor("元", "平方米") is None


def test_every_unit_in_contracts_is_known(contracts, units):
    for contract in contracts.values():
        for col in contract.columns:
            if col.unit:
                assert units.dimension_of(col.unit), (contract.name, col.name, col.unit)


def test_suites_name_only_contract_columns(contracts, project_settings):
    for name, contract in contracts.items():
        suite = json.loads((project_settings.expectations_dir / f"{name}.json").read_text("utf-8"))
        assert suite["name"] == name
        allowed = set(contract.column_names) | {"file_index"}
        for exp in suite["expectations"]:
            kw = exp["kwargs"]
            named = [
                kw.get("column"),
                kw.get("column_A"),
                kw.get("column_B"),
                *kw.get("column_list", []),
            ]
            for column in filter(None, named):
                assert column in allowed, (name, exp["type"], column)
            assert exp["meta"]["rule_zh"], (name, exp["type"])
            assert exp["severity"] in ("critical", "warning", "info")


def test_suites_cover_required_enums_ranges_and_keys(contracts, project_settings):
    for name, contract in contracts.items():
        suite = json.loads((project_settings.expectations_dir / f"{name}.json").read_text("utf-8"))
        types = {e["type"] for e in suite["expectations"]}
        assert {
            "expect_column_to_exist",
            "expect_column_values_to_not_be_null",
            "expect_column_values_to_be_between",
            "expect_column_values_to_be_in_type_list",
            "expect_compound_columns_to_be_unique",
        } <= types, name
        enums = {c.name for c in contract.columns if c.type == "enum"}
        in_set = {
            e["kwargs"]["column"]
            for e in suite["expectations"]
            if e["type"] == "expect_column_values_to_be_in_set"
        }
        assert enums == in_set, name  # every enumeration has its value set
        existing = {
            e["kwargs"]["column"]
            for e in suite["expectations"]
            if e["type"] == "expect_column_to_exist"
        }
        assert existing == {c.name for c in contract.signature_columns}
        not_null = {
            e["kwargs"]["column"]: e["severity"]
            for e in suite["expectations"]
            if e["type"] == "expect_column_values_to_not_be_null"
        }
        # a blank key refuses the file; a blank expected measure is "not reported" (a warning)
        assert not_null == {
            **{c.name: "critical" for c in contract.required_columns},
            **{c.name: "warning" for c in contract.columns if c.expected},
        }, name
        keys = [
            e["kwargs"]["column_list"]
            for e in suite["expectations"]
            if e["type"] == "expect_compound_columns_to_be_unique"
        ]
        assert ["file_index", *contract.key] in keys


def test_header_with_a_bracket_that_is_not_a_unit(contracts):
    registry = contracts["carrier_registry"]
    assert registry.match_header("在孵企业使用面积（含公共服务面积）（平方米）") == "tenant_area_m2"
    assert registry.match_header("在孵企业使用面积（含公共服务面积）") == "tenant_area_m2"
    assert registry.match_header("主管/填报单位") == "reporting_unit"


def test_slash_inside_a_header_is_not_a_unit(contracts):
    assert split_header_unit("本期迁出/注销企业数（家）") == ("本期迁出/注销企业数", "家")
    assert split_header_unit("面积/m2") == ("面积", "m2")
    assert split_header_unit("主管/填报单位") == ("主管/填报单位", None)
    report = contracts["carrier_period_report"]
    assert report.match_header("本期迁出/注销企业数（家）") == "exits_period"


def test_only_keys_and_what_makes_a_row_meaningless_are_required(contracts):
    """The E requirements kept (issue: "not reported" is not an error), each with its reason;
    every key column is one of them, and the plan's headline measures are expected."""
    required = {name: {c.name for c in c_.required_columns} for name, c_ in contracts.items()}
    assert required == {
        "carrier_period_report": {"period", "carrier_id"},
        "carrier_registry": {"carrier_id", "carrier_name", "carrier_type", "zone"},
        "incubatee_roster": {"period", "carrier_id", "entity_kind", "entity_name", "status"},
        "carrier_recognition": {
            "carrier_id",
            "recognition_type",
            "level",
            "recognized_date",
            "status",
        },
    }
    for contract in contracts.values():
        assert set(contract.key) <= required[contract.name], contract.name
        for col in contract.required_columns:
            assert col.required_because and len(col.required_because) > 20, (contract.name, col)
    expected = {name: {c.name for c in c_.columns if c.expected} for name, c_ in contracts.items()}
    assert expected["carrier_period_report"] == {"area_m2_eop", "incubatees_eop", "teams_eop"}
    assert expected["carrier_registry"] == {"operator_name", "total_area_m2"}
