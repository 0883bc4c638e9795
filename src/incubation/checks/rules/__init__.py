"""The domain rules GX suites cannot express, as data: one registry per template.

Each template's module (``carrier_registry``, ``carrier_period_report``, ``incubatee_roster``,
``carrier_recognition``) lists its rules in the order their problems are reported. A rule is
either a row rule (a ``check`` on the file's frame, run here) or a context rule (a ``query``
in ``checks/context_rules/``, run by ``checks.context`` in DuckDB over the night's rows and
the warehouse's staging)."""

from __future__ import annotations

import pandas as pd

from incubation.checks.problems import Problem
from incubation.checks.rules import (
    carrier_period_report,
    carrier_recognition,
    carrier_registry,
    incubatee_roster,
)
from incubation.checks.rules.engine import Headers, failing_rows
from incubation.checks.rules.model import CONTEXT, ROW, CheckContext, Rule

REGISTRIES: dict[str, tuple[Rule, ...]] = {
    module.RULES[0].template: module.RULES
    for module in (carrier_registry, carrier_period_report, incubatee_roster, carrier_recognition)
}
RULES: tuple[Rule, ...] = tuple(rule for rules in REGISTRIES.values() for rule in rules)

__all__ = [
    "CONTEXT",
    "REGISTRIES",
    "ROW",
    "RULES",
    "CheckContext",
    "Rule",
    "rules_for",
    "run_rules",
    "run_rules_stacked",
]


def rules_for(template: str, kind: str | None = None) -> tuple[Rule, ...]:
    """The template's rules, or only those of one kind (``ROW`` or ``CONTEXT``)."""
    return tuple(r for r in REGISTRIES.get(template, ()) if kind is None or r.kind == kind)


def run_rules(
    template: str, frame: pd.DataFrame, headers: Headers, ctx: CheckContext
) -> list[Problem]:
    """The row rules' problems of one file's frame (the context rules: ``checks.context``)."""
    found = failing_rows(rules_for(template, ROW), frame, lambda _file: headers, ctx)
    return [problem for _file, problem in found]


def run_rules_stacked(
    template: str,
    stacked: pd.DataFrame,
    headers: dict[int, Headers],
    ctx: CheckContext,
    file_column: str,
) -> list[tuple[int, Problem]]:
    """The row rules over the frames of many files stacked, each row's file index in
    ``file_column``: one pandas pass per rule, not one per file."""
    found = failing_rows(
        rules_for(template, ROW), stacked, lambda file: headers[file], ctx, file_column
    )
    return [(int(file), problem) for file, problem in found]
