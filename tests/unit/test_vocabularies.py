"""Every enumeration has one home: the seed ``vocabularies`` (or a seed of its own, such as
zones). The contracts name it, the suites and the blank templates' dropdowns take their values
from it, and no suite or dbt model writes a list of its own. Expected values are read here from
the CSV files directly, not through the code under test."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from incubation.answers.templates import value_sets
from incubation.checks.reference import vocabulary
from incubation.checks.suites import load_suite_json
from incubation.contracts import load_contracts

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "dbt_project" / "seeds"
IN_SET = "expect_column_values_to_be_in_set"


def read_csv(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def expected_values(ref: str) -> list[str]:
    """A vocabulary's values in dropdown order, straight from the CSV files."""
    if ":" in ref:  # a seed's own column(s), in the seed's row order
        seed, columns = ref.split(":", 1)
        rows = read_csv(seed)
        return [row[c] for c in columns.split(",") for row in rows if row[c]]
    rows = [row for row in read_csv("vocabularies") if row["vocabulary"] == ref]
    return [row["value"] for row in sorted(rows, key=lambda row: int(row["value_order"]))]


def enum_columns(contracts):
    return [(name, col) for name, c in contracts.items() for col in c.columns if col.type == "enum"]


def test_the_seed_numbers_each_vocabulary_from_one():
    rows = read_csv("vocabularies")
    assert list(rows[0]) == ["vocabulary", "value", "value_order"]
    by_name: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        assert all(row.values()), row
        by_name.setdefault(row["vocabulary"], []).append(row)
    for name, group in by_name.items():
        assert sorted(int(r["value_order"]) for r in group) == list(range(1, len(group) + 1))
        assert len({r["value"] for r in group}) == len(group), name


def test_every_enum_column_names_a_vocabulary_that_exists(contracts):
    named = set()
    for name, col in enum_columns(contracts):
        assert col.vocabulary, (name, col.name)
        assert expected_values(col.vocabulary), (name, col.name, col.vocabulary)
        named.add(col.vocabulary)
    # and every vocabulary of the seed is some column's
    assert {r["vocabulary"] for r in read_csv("vocabularies")} <= named
    assert all(
        col.vocabulary is None
        for c in contracts.values()
        for col in c.columns
        if col.type != "enum"
    )


def test_the_suites_value_sets_are_the_contracts_vocabularies(contracts, project_settings):
    s = project_settings
    for name, contract in contracts.items():
        suite = load_suite_json(s.expectations_dir, name, s.seeds_dir)
        in_set = [e for e in suite["expectations"] if e["type"] == IN_SET]
        for exp in in_set:
            col = contract.column(exp["kwargs"]["column"])
            want = expected_values(col.vocabulary)
            assert exp["kwargs"]["value_set"] == want, (name, col.name)
            assert exp["meta"]["vocabulary"] == col.vocabulary, (name, col.name)
            fix = exp["meta"]["fix_zh"]
            assert "{value_set}" not in fix
            assert fix.endswith("、".join(want)) or fix.endswith("见模板"), (name, fix)
        assert {e["kwargs"]["column"] for e in in_set} == {
            c.name for c in contract.columns if c.type == "enum"
        }


def test_no_suite_writes_a_value_list_of_its_own():
    for path in sorted((ROOT / "expectations").glob("*.json")):
        doc = json.loads(path.read_text("utf-8"))
        for exp in doc["expectations"]:
            assert "value_set" not in exp["kwargs"], (path.name, exp["kwargs"])
            if exp["type"] == IN_SET:
                assert exp["meta"]["vocabulary"], (path.name, exp["kwargs"])
                assert "value_set_seed" not in exp["meta"]


def test_the_template_dropdowns_are_the_vocabularies(contracts, project_settings):
    s = project_settings
    for contract in contracts.values():
        sets = value_sets(contract, s.expectations_dir, s.seeds_dir)
        want = {
            col.name: expected_values(col.vocabulary)
            for col in contract.columns
            if col.type == "enum"
        }
        assert sets == want, contract.name


def test_the_dbt_models_test_vocabularies_against_the_seed():
    """No accepted_values list in the models repeats a vocabulary's values; every
    in_vocabulary test names a vocabulary of the seed."""
    names = {r["vocabulary"] for r in read_csv("vocabularies")}
    values = {r["value"] for r in read_csv("vocabularies")}
    used = set()

    def walk(node):
        if isinstance(node, dict):
            if "accepted_values" in node:
                listed = set(map(str, node["accepted_values"]["arguments"]["values"]))
                assert not listed & values, listed
            if "in_vocabulary" in node:
                used.add(node["in_vocabulary"]["arguments"]["vocabulary"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in [*(ROOT / "dbt_project" / "models").rglob("*.yml"), SEEDS / "_seeds.yml"]:
        walk(yaml.safe_load(path.read_text("utf-8")))
    assert used and used <= names, used - names


def test_a_value_added_to_the_seed_reaches_the_suite_and_the_dropdown(
    contracts, project_settings, tmp_path
):
    seeds = tmp_path / "seeds"
    shutil.copytree(project_settings.seeds_dir, seeds)
    with (seeds / "vocabularies.csv").open("a", encoding="utf-8") as fh:
        fh.write("carrier_type,概念验证中心,6\n")
    want = [*expected_values("carrier_type"), "概念验证中心"]
    assert vocabulary(seeds, "carrier_type") == want
    sets = value_sets(contracts["carrier_registry"], project_settings.expectations_dir, seeds)
    assert sets["carrier_type"] == want


def test_the_order_is_value_order_not_the_rows(tmp_path):
    (tmp_path / "vocabularies.csv").write_text(
        "vocabulary,value,value_order\nv,乙,2\nv,甲,1\nw,丙,1\n", "utf-8"
    )
    assert vocabulary(tmp_path, "v") == ["甲", "乙"]


@pytest.mark.parametrize("name", ["no_such_vocabulary", "zones:no_such_column", "nowhere:x"])
def test_an_unknown_vocabulary_is_an_error_naming_it(project_settings, name):
    with pytest.raises(ValueError, match=re.escape(repr(name))):
        vocabulary(project_settings.seeds_dir, name)


def _contracts_with(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "contracts"
    shutil.copytree(ROOT / "include" / "contracts", folder)
    path = folder / "carrier_registry.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return folder


def test_a_contract_naming_an_unknown_vocabulary_is_refused_at_load(project_settings, tmp_path):
    folder = _contracts_with(tmp_path, "vocabulary: property_type}", "vocabulary: property_kind}")
    with pytest.raises(ValueError, match=r"carrier_registry\.property_type: .*'property_kind'"):
        load_contracts(folder, project_settings.seeds_dir)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("type: enum, vocabulary: property_type}", "type: enum}"),
        (
            "{name: remarks, header: 备注, type: text}",
            "{name: remarks, header: 备注, type: text, vocabulary: property_type}",
        ),
    ],
)
def test_a_vocabulary_goes_with_an_enum_column_only(project_settings, tmp_path, old, new):
    folder = _contracts_with(tmp_path, old, new)
    with pytest.raises(ValueError, match="enum column names its vocabulary"):
        load_contracts(folder, project_settings.seeds_dir)
