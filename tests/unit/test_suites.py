"""A passing and a failing case for every expectation of every suite, through real GX.

One frame per template: row 0 is a valid base row, row k breaks expectation k only (a null,
a value outside the set or range, a malformed code, A < B, a repeated key). GX must flag row
k for expectation k and never row 0. Column-level expectations (a required column missing, a
column of the wrong type) are checked on frames built for them."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from incubation.checks.suites import load_suite_json
from incubation.demo import make_uscc
from incubation.parsing.sheets import to_frame
from tests.unit.test_rules import BASE

TEMPLATES = sorted(BASE)
ROW_LEVEL = {
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_be_between",
    "expect_column_values_to_match_regex",
    "expect_column_pair_values_a_to_be_greater_than_b",
    "expect_compound_columns_to_be_unique",
}


def suite(template, settings):
    return load_suite_json(settings.expectations_dir, template, settings.seeds_dir)


def base_row(template: str, k: int, rng: random.Random) -> dict:
    row = dict(BASE[template])
    row["carrier_id"] = f"YZ-FH-{k:04d}"
    if template == "carrier_registry":
        row["carrier_name"] = f"载体{k}"
    if template == "incubatee_roster":
        row["entity_name"], row["uscc"] = f"企业{k}", make_uscc(rng)
    return row


def mutate(row: dict, exp: dict, base: dict, contract) -> None:
    kw, kind = exp["kwargs"], exp["type"]
    if kind == "expect_column_values_to_not_be_null":
        row[kw["column"]] = None
    elif kind == "expect_column_values_to_be_in_set":
        row[kw["column"]] = "不在选项中"
    elif kind == "expect_column_values_to_match_regex":
        row[kw["column"]] = "格式不对!"
    elif kind == "expect_column_values_to_be_between":
        col = contract.column(kw["column"])
        if kw.get("min_value") is not None:
            value = kw["min_value"] if kw.get("strict_min") else kw["min_value"] - 1
        else:
            value = kw["max_value"] + 1
        row[kw["column"]] = float(value) if col.type == "decimal" else int(value)
    elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = contract.column(kw["column_A"]), contract.column(kw["column_B"])
        small, big = (dt.date(2020, 1, 1), dt.date(2021, 1, 1)) if a.type == "date" else (1, 2)
        row[a.name] = float(small) if a.type == "decimal" else small
        row[b.name] = float(big) if b.type == "decimal" else big
    elif kind == "expect_compound_columns_to_be_unique":
        for column in kw["column_list"]:
            if column != "file_index":
                row[column] = base[column]


def find_result(results, exp: dict):
    """The GX result of a suite expectation (GX adds defaulted kwargs to its config)."""
    matches = [
        r
        for r in results
        if r.expectation_config.type == exp["type"]
        and all(r.expectation_config.kwargs.get(k) == v for k, v in exp["kwargs"].items())
    ]
    assert len(matches) == 1, exp
    return matches[0]


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_row_expectation_flags_its_row_and_never_the_base(
    template, contracts, runner, project_settings
):
    rng = random.Random(1)
    expectations = [
        e for e in suite(template, project_settings)["expectations"] if e["type"] in ROW_LEVEL
    ]
    base = base_row(template, 0, rng)
    rows = [base]
    for k, exp in enumerate(expectations, start=1):
        row = base_row(template, k, rng)
        mutate(row, exp, base, contracts[template])
        rows.append(row)
    records = [{"source_sheet": "表", "source_row": i + 2, **r} for i, r in enumerate(rows)]
    frame = to_frame(records, contracts[template]).assign(file_index=0)
    results = runner.validate(template, frame).results
    for k, exp in enumerate(expectations, start=1):
        outcome = find_result(results, exp)
        flagged = outcome.result.get("unexpected_index_list") or []
        assert k in flagged, (exp["type"], exp["kwargs"])
        assert 0 not in flagged or exp["type"] == "expect_compound_columns_to_be_unique", exp


@pytest.mark.parametrize("template", TEMPLATES)
def test_base_frame_passes_the_whole_suite(template, contracts, runner):
    rng = random.Random(2)
    records = [
        {"source_sheet": "表", "source_row": i + 2, **base_row(template, i, rng)} for i in range(3)
    ]
    frame = to_frame(records, contracts[template]).assign(file_index=0)
    failed = [
        r.expectation_config.type for r in runner.validate(template, frame).results if not r.success
    ]
    assert failed == []


@pytest.mark.parametrize("template", TEMPLATES)
def test_column_level_expectations_fail(template, contracts, runner, project_settings):
    rng = random.Random(3)
    contract = contracts[template]
    frame = to_frame(
        [{"source_sheet": "表", "source_row": 2, **base_row(template, 1, rng)}], contract
    )
    frame = frame.assign(file_index=0)
    numeric = [c.name for c in contract.columns if c.type in ("int", "decimal")]
    wrong_types = frame.astype({c: "object" for c in numeric})
    results = runner.validate(template, wrong_types).results
    failed_types = {
        r.expectation_config.kwargs["column"]
        for r in results
        if r.expectation_config.type == "expect_column_values_to_be_in_type_list" and not r.success
    }
    assert failed_types == {c for c in numeric if frame[c].notna().any()}
    required = [c.name for c in contract.signature_columns]
    missing = frame.drop(columns=required)
    results = runner.validate(template, missing).results
    failed_exist = {
        r.expectation_config.kwargs["column"]
        for r in results
        if r.expectation_config.type == "expect_column_to_exist" and not r.success
    }
    assert failed_exist == set(required)


@pytest.mark.parametrize("template", TEMPLATES)
def test_regexes_capture_no_groups(template, settings):
    """GX matches with pandas' ``str.contains``, which warns once per process for a pattern
    with capturing groups (a warning in every check's log): groups are written ``(?:…)``."""
    import re

    patterns = [
        e["kwargs"]["regex"]
        for e in suite(template, settings)["expectations"]
        if e["type"] == "expect_column_values_to_match_regex"
    ]
    assert patterns
    assert [p for p in patterns if re.compile(p).groups] == []
