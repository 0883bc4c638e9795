"""Reference data transcribed from the plan, read from the dbt seeds (their one home)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path


@cache
def read_seed(seeds_dir: Path, name: str) -> tuple[dict[str, str], ...]:
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
