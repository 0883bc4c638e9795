"""The recognition types live in one seed: the GX suite, its fix text and the domain rules read
them there. Expected lists are written out here as the plan and the template name them."""

from __future__ import annotations

import datetime as dt
import shutil

from incubation.checks.reference import (
    incubator_recognition_types,
    level_of_type,
    reference_context,
)
from incubation.checks.suites import load_suite_json

TYPES = [
    "国家级科技企业孵化器",
    "国家备案众创空间",
    "国家专业化众创空间",
    "重庆市科技企业孵化器",
    "重庆市众创空间",
    "区级孵化载体",
    "大型孵化载体",
    "特色孵化载体",
    "其他",
]


def recognition_type_set(doc: dict) -> dict:
    (exp,) = [
        e
        for e in doc["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set"
        and e["kwargs"]["column"] == "recognition_type"
    ]
    return exp


def test_the_suite_takes_its_recognition_types_and_their_fix_from_the_seed(project_settings):
    s = project_settings
    exp = recognition_type_set(
        load_suite_json(s.expectations_dir, "carrier_recognition", s.seeds_dir)
    )
    assert exp["kwargs"]["value_set"] == TYPES
    assert exp["meta"]["fix_zh"] == "请从下拉选项中选择：" + "、".join(TYPES)


def test_a_type_added_to_the_seed_reaches_the_suite(project_settings, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(project_settings.seeds_dir, seeds)  # the suite reads the vocabularies too
    original = (project_settings.seeds_dir / "recognition_types.csv").read_text("utf-8")
    (seeds / "recognition_types.csv").write_text(original + "市级专业化众创空间,市级,true,,10\n")
    doc = load_suite_json(project_settings.expectations_dir, "carrier_recognition", seeds)
    exp = recognition_type_set(doc)
    assert exp["kwargs"]["value_set"] == [*TYPES, "市级专业化众创空间"]
    assert exp["meta"]["fix_zh"].endswith("、其他、市级专业化众创空间")
    assert level_of_type(seeds)["市级专业化众创空间"] == "市级"


def test_levels_and_incubator_types_from_the_seed(project_settings):
    want = {
        "国家级科技企业孵化器": "国家级",
        "国家备案众创空间": "国家级",
        "国家专业化众创空间": "国家级",
        "重庆市科技企业孵化器": "市级",
        "重庆市众创空间": "市级",
        "区级孵化载体": "区级",
    }
    assert level_of_type(project_settings.seeds_dir) == want
    assert want == reference_context(project_settings.seeds_dir, dt.date(2026, 1, 1)).level_of_type
    assert incubator_recognition_types(project_settings.seeds_dir) == set(TYPES[:5])
