"""What a domain rule is: a value with its template, severity, columns, Chinese text and
either a check (row rules, run on a file's frame) or a query (context rules, run as SQL in
DuckDB over the night's rows and the warehouse's staging)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from incubation.checks.problems import SEVERITY_ZH

ROW = "row"
CONTEXT = "context"


@dataclass
class CheckContext:
    """What a file is checked against besides itself: the day, and the plan's seeds (who may
    report which zone, the level each recognition type implies, the levels in order), built by
    ``checks.reference.reference_context``."""

    today: dt.date
    unit_code: str = ""
    coordinator: str = "sci_tech_bureau"
    allowed_zones: dict[str, set[str]] = field(default_factory=dict)  # unit -> zone codes
    zone_units: dict[str, list[str]] = field(default_factory=dict)  # zone -> unit names
    zone_names: dict[str, str] = field(default_factory=dict)  # zone name -> code
    level_of_type: dict[str, str] = field(default_factory=dict)  # recognition type -> level
    recognition_levels: list[str] = field(default_factory=list)  # highest first (vocabulary)


Check = Callable[[pd.DataFrame, CheckContext], pd.Series]
"""A row rule's check: the frame and the context to a boolean Series, True where a row fails."""

Detail = Callable[[dict], str]
"""Text added to a row rule's message for one failing row (a dict of the rule's columns)."""


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule of a template. Exactly one of ``check`` (a row rule) and ``query`` (a
    context rule: ``checks/context_rules/<query>.sql`` returns its failing rows) is given."""

    id: str
    severity: str
    columns: tuple[str, ...]
    message_zh: str
    fix_zh: str
    check: Check | None = None
    query: str | None = None
    detail: Detail | None = None
    lists_reporting_units: bool = False  # the message names the units that may report the zone
    seeds_only: bool = False  # a context rule that reads the plan's seeds, not other files
    template: str = ""  # set by ``registry``

    def __post_init__(self) -> None:
        if (self.check is None) == (self.query is None):
            raise ValueError(f"rule {self.id}: give either a check or a query")
        if self.severity not in SEVERITY_ZH:
            raise ValueError(f"rule {self.id}: unknown severity {self.severity!r}")
        if self.detail is not None and self.query is not None:
            raise ValueError(f"rule {self.id}: a context rule's detail comes from its query")

    @property
    def kind(self) -> str:
        return ROW if self.check is not None else CONTEXT

    @property
    def compares_files(self) -> bool:
        """Whether the rule judges a file against other files (the registry, the previous
        quarter, the rosters): what it finds depends on what was accepted before."""
        return self.kind == CONTEXT and not self.seeds_only


def registry(template: str, *rules: Rule) -> tuple[Rule, ...]:
    """The rules of one template, in the order their problems are reported."""
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{template}: a rule id is used twice")
    return tuple(dataclasses.replace(r, template=template) for r in rules)
