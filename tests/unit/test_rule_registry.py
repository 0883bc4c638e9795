"""The rules registry is data a maintainer can trust: every context rule names a query that
exists and that reports it, every query belongs to a rule, and a rule is one kind or the other."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

from incubation.checks.problems import SEVERITY_WARNING
from incubation.checks.rules import CONTEXT, REGISTRIES, ROW, RULES, Rule
from incubation.checks.rules.model import registry

QUERY_DIR = files("incubation.checks.context_rules")


def query_names() -> set[str]:
    return {p.name.removesuffix(".sql") for p in QUERY_DIR.iterdir() if p.name.endswith(".sql")}


def literal_rule_ids(name: str) -> set[str]:
    text = QUERY_DIR.joinpath(f"{name}.sql").read_text("utf-8")
    return set(re.findall(r"'((?:reg|rep|ros|rec)_[a-z_]+)'", text))


def test_one_registry_per_template_and_ids_unique():
    assert set(REGISTRIES) == {
        "carrier_registry",
        "carrier_period_report",
        "incubatee_roster",
        "carrier_recognition",
    }
    assert all(r.template == t for t, rules in REGISTRIES.items() for r in rules)
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))


def test_every_context_rule_has_its_query_and_every_query_a_rule():
    context = [r for r in RULES if r.kind == CONTEXT]
    assert {r.query for r in context} == query_names()
    for rule in context:
        text = QUERY_DIR.joinpath(f"{rule.query}.sql").read_text("utf-8")
        # the query reports this rule: by its literal id, or by the id it is given
        assert rule.id in literal_rule_ids(rule.query) or "$rule_id" in text, rule.id


@pytest.mark.parametrize("name", sorted(query_names()))
def test_a_query_reports_only_rules_that_name_it(name):
    naming = {r.id for r in RULES if r.query == name}
    assert literal_rule_ids(name) <= naming


def test_row_rules_have_a_check_and_no_query():
    for rule in RULES:
        if rule.kind == ROW:
            assert callable(rule.check) and rule.query is None, rule.id
        else:
            assert rule.check is None and rule.detail is None, rule.id


def test_a_rule_is_one_kind_only():
    fields = dict(id="x", severity=SEVERITY_WARNING, columns=("a",), message_zh="m", fix_zh="f")
    with pytest.raises(ValueError, match="either a check or a query"):
        Rule(**fields)
    with pytest.raises(ValueError, match="either a check or a query"):
        Rule(**fields, check=lambda f, c: f["a"].isna(), query="carrier_unknown")
    with pytest.raises(ValueError, match="unknown severity"):
        Rule(**{**fields, "severity": "X"}, query="carrier_unknown")
    with pytest.raises(ValueError, match="used twice"):
        registry("t", Rule(**fields, query="q"), Rule(**fields, query="q"))


def test_rules_take_keywords_only():
    with pytest.raises(TypeError):
        Rule("x", SEVERITY_WARNING, ("a",), "m", "f")  # type: ignore[misc]


def test_a_seeds_only_rule_reads_no_other_file():
    """What a rejection calls a comparison with other files (``compares_files``) is every
    context rule but those whose query reads only the file's rows and the seeds."""
    for rule in RULES:
        if rule.kind != CONTEXT:
            assert not rule.compares_files
            continue
        text = QUERY_DIR.joinpath(f"{rule.query}.sql").read_text("utf-8")
        reads_files = "ctx_" in text or re.search(r"\bcarriers\b", text) is not None
        assert rule.compares_files == reads_files, rule.id
