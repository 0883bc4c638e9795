"""Reference data transcribed from the plan, read from the dbt seeds (their one home)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from incubation.checks.rules.model import CheckContext


def read_seed(seeds_dir: Path, name: str) -> tuple[dict[str, str], ...]:
    """The seed's rows, read each time (a seed edited under a running worker is seen)."""
    with (Path(seeds_dir) / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(dict(row) for row in csv.DictReader(fh))


def seed_column(seeds_dir: Path, ref: str) -> list[str]:
    """Values of ``seed:column[,column…]`` (e.g. ``zones:zone_name_zh``)."""
    name, columns = ref.split(":", 1)
    rows = read_seed(seeds_dir, name)
    return [row[c] for c in columns.split(",") for row in rows if row[c]]


VOCABULARIES = "vocabularies"  # the seed of the enumerations' values


def vocabulary(seeds_dir: Path, name: str) -> list[str]:
    """The values an enumerated column allows, in the templates' dropdown order. ``name`` is
    a vocabulary of the seed ``vocabularies`` (``carrier_type``: its rows by ``value_order``)
    or, with a colon, a seed's own column (``zones:zone_name_zh``; ``seed_column``). A name
    that gives no value is a ``ValueError`` naming it."""
    try:
        if ":" in name:
            values = seed_column(seeds_dir, name)
        else:
            rows = [r for r in read_seed(seeds_dir, VOCABULARIES) if r["vocabulary"] == name]
            values = [r["value"] for r in sorted(rows, key=lambda r: int(r["value_order"]))]
    except (FileNotFoundError, KeyError) as exc:
        raise ValueError(f"vocabulary {name!r}: no such seed or column ({exc})") from None
    if not values:
        raise ValueError(
            f"vocabulary {name!r}: not in seed {VOCABULARIES}.csv (nor a seed:column) or empty"
        )
    return values


def unit_codes(seeds_dir: Path) -> set[str]:
    return {row["unit_code"] for row in read_seed(seeds_dir, "units")}


def unit_names(seeds_dir: Path) -> dict[str, str]:
    return {row["unit_code"]: row["unit_name_zh"] for row in read_seed(seeds_dir, "units")}


def level_of_type(seeds_dir: Path) -> dict[str, str]:
    """The level (国家级, 市级, 区级) each recognition type implies, for the types that imply
    one (seed ``recognition_types``)."""
    return {
        row["recognition_type"]: row["level"]
        for row in read_seed(seeds_dir, "recognition_types")
        if row["level"]
    }


def incubator_recognition_types(seeds_dir: Path) -> set[str]:
    """The recognition types that are a 众创空间 or 孵化器 recognition (seed
    ``recognition_types``), counted by the 市级及以上 and 国家级 indicators."""
    return {
        row["recognition_type"]
        for row in read_seed(seeds_dir, "recognition_types")
        if row["is_incubator"].lower() == "true"
    }


def reference_context(seeds_dir: Path, today: dt.date) -> CheckContext:
    """Who may submit what (design.md §3): a unit reports carriers in the zones of the
    建设内容 tasks it leads; the coordinator reports everything and alone the recognitions."""
    units = read_seed(seeds_dir, "units")
    names = {u["unit_code"]: u["unit_name_zh"] for u in units}
    coordinator = next(u["unit_code"] for u in units if u["is_coordinator"].lower() == "true")
    task_zones: dict[str, set[str]] = {}
    for row in read_seed(seeds_dir, "plan_task_zones"):
        task_zones.setdefault(row["task_code"], set()).add(row["zone_code"])
    allowed: dict[str, set[str]] = {}
    for row in read_seed(seeds_dir, "plan_task_units"):
        if row["role"] == "lead":
            allowed.setdefault(row["unit_code"], set()).update(
                task_zones.get(row["task_code"], set())
            )
    zones = read_seed(seeds_dir, "zones")
    zone_units = {
        z["zone_code"]: [
            names[coordinator],
            *sorted(
                names[u] for u, zs in allowed.items() if z["zone_code"] in zs and u != coordinator
            ),
        ]
        for z in zones
    }
    return CheckContext(
        today=today,
        level_of_type=level_of_type(seeds_dir),
        recognition_levels=vocabulary(seeds_dir, "recognition_level"),
        coordinator=coordinator,
        allowed_zones=allowed,
        zone_units=zone_units,
        zone_names={z["zone_name_zh"]: z["zone_code"] for z in zones},
    )
