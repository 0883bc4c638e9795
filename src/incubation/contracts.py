"""Template contracts: canonical columns, Chinese headers, aliases, types and units.

A contract is data (``include/contracts/<template>.yaml``); this module only reads it and
answers questions about it. Adding a header alias is a one-line change to the YAML file.

Two kinds of column make up a template's header signature (a sheet without one of them is
refused, naming it): a ``required`` column is a key or makes the row meaningless, so a blank
value refuses the file (its ``required_because`` says why, for the engineer editing it); an
``expected`` column is a measure the plan counts, so a blank value is "not reported": NULL,
never 0, with a warning naming the cell.

Every ``enum`` column names its ``vocabulary``, the home of the values it allows (a column of
another type names none): a vocabulary of the dbt seed ``dbt_project/seeds/vocabularies.csv``
(``vocabulary: carrier_type``), or, for a list that is a seed of its own, that seed's column
(``vocabulary: "zones:zone_name_zh"``; several columns: ``units:unit_name_zh,unit_code``).
The suite's in-set expectation for the column and the blank template's dropdown get their
values from there (``checks.reference.vocabulary``). A vocabulary that names no value
(unknown, misspelt, empty) refuses the contracts at load.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import yaml

from incubation.checks.reference import vocabulary as vocabulary_values

COLUMN_TYPES = ("text", "code", "enum", "int", "decimal", "date", "period", "bool")
MATCH_CACHE = 50_000  # header spellings remembered per contract
MEASURE_KINDS = ("stock", "flow_period", "flow_ytd", "cumulative")

DUCKDB_TYPES = {
    "text": "VARCHAR",
    "code": "VARCHAR",
    "enum": "VARCHAR",
    "int": "BIGINT",
    "decimal": "DOUBLE",
    "date": "DATE",
    "period": "VARCHAR",
    "bool": "BOOLEAN",
}

# A unit at the end of a header: in brackets (载体总面积（平方米）, 收入(万元), 面积【㎡】) or
# after a slash when it looks like a unit (面积/m2, 收入/万元; not 主管/填报单位).
_UNIT_BRACKETS = re.compile(r"^(?P<label>.*?)\s*[\(\[【](?P<unit>[^\(\)\[\]【】]*)[\)\]】]\s*$")
_UNIT_SLASH = re.compile(
    r"^(?P<label>.*?)\s*/\s*(?P<unit>[A-Za-z0-9²万千亿元平方米个家人次件项场%]{1,5})\s*$"
)


def normalise_text(value: str) -> str:
    """NFKC, strip, collapse inner white space (full-width spaces included)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip()


def header_key(value: str) -> str:
    """The form headers are compared in: NFKC, no white space, ASCII brackets."""
    return re.sub(r"\s+", "", normalise_text(value)).lower()


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    type: str
    aliases: tuple[str, ...] = ()
    unit: str | None = None
    measure: str | None = None
    required: bool = False
    required_because: str | None = None
    expected: bool = False
    vocabulary: str | None = None  # enum only: a vocabulary of seed vocabularies, or seed:column

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]

    @property
    def header_with_unit(self) -> str:
        return f"{self.header}（{self.unit}）" if self.unit else self.header

    def spellings(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class Contract:
    name: str
    title_zh: str
    description: str
    key: tuple[str, ...]
    supersede_by: tuple[str, ...]
    columns: tuple[Column, ...]
    _by_header: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _matched: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[Column]:
        """Columns whose blank value refuses the file (keys, what makes a row meaningless)."""
        return [c for c in self.columns if c.required]

    @property
    def signature_columns(self) -> list[Column]:
        """Columns a sheet must have to be read as this template: the required ones and the
        expected measures (whose blank value is "not reported")."""
        return [c for c in self.columns if c.required or c.expected]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    def match_header(self, header: str) -> str | None:
        """The canonical column a header names, or None. Trailing bracketed parts are taken
        off one at a time, so '在孵企业使用面积（含公共服务面积）（平方米）' matches too."""
        if header not in self._matched:  # the same headers come back in every file
            if len(self._matched) >= MATCH_CACHE:  # header detection tries data rows too
                self._matched.clear()
            self._matched[header] = self._match_header(header)
        return self._matched[header]

    def _match_header(self, header: str) -> str | None:
        text = normalise_text(header)
        while True:
            found = self._by_header.get(header_key(text))
            if found:
                return found
            label, _unit = split_header_unit(text)
            if label == text or not label:
                return None
            text = label


@dataclass(frozen=True)
class UnitTable:
    """Unit spellings by dimension, with the factor to the canonical unit."""

    dimensions: dict[str, dict]
    _keyed: dict[str, dict[str, float]] = field(
        default_factory=dict, compare=False, repr=False
    )  # dimension -> header_key(spelling) -> factor

    def __post_init__(self):
        for dim, spec in self.dimensions.items():
            self._keyed[dim] = {header_key(k): float(v) for k, v in spec["spellings"].items()}

    def dimension_of(self, unit: str) -> str | None:
        key = header_key(unit)
        for dim, spellings in self._keyed.items():
            if key in spellings:
                return dim
        return None

    def factor(self, from_unit: str, to_unit: str) -> float | None:
        """Multiply a value in ``from_unit`` by this to get ``to_unit``; None if unrelated."""
        src_key, dst_key = header_key(from_unit), header_key(to_unit)
        for spellings in self._keyed.values():
            src, dst = spellings.get(src_key), spellings.get(dst_key)
            if src is not None and dst is not None:
                return src / dst
        return None


@lru_cache(maxsize=65_536)  # the same headers come back in every file and for every contract
def split_header_unit(header: str) -> tuple[str, str | None]:
    """Split '载体总面积（平方米）' into ('载体总面积', '平方米'). Units are found after NFKC."""
    text = normalise_text(header)
    match = _UNIT_BRACKETS.match(text) or _UNIT_SLASH.match(text)
    if not match:
        return text, None
    unit = re.sub(r"^单位[:：]\s*", "", match.group("unit").strip())
    return match.group("label").strip(), unit or None


def _build(raw: dict) -> Contract:
    columns = []
    for spec in raw["columns"]:
        if spec["type"] not in COLUMN_TYPES:
            raise ValueError(f"{raw['name']}.{spec['name']}: unknown type {spec['type']!r}")
        if spec.get("measure") and spec["measure"] not in MEASURE_KINDS:
            raise ValueError(f"{raw['name']}.{spec['name']}: unknown measure {spec['measure']!r}")
        if spec.get("required") and not spec.get("required_because"):
            raise ValueError(f"{raw['name']}.{spec['name']}: required without required_because")
        if spec.get("required") and spec.get("expected"):
            raise ValueError(f"{raw['name']}.{spec['name']}: both required and expected")
        if (spec["type"] == "enum") != bool(spec.get("vocabulary")):
            raise ValueError(
                f"{raw['name']}.{spec['name']}: an enum column names its vocabulary, "
                "and only an enum column does"
            )
        columns.append(
            Column(
                name=spec["name"],
                header=spec["header"],
                type=spec["type"],
                aliases=tuple(spec.get("aliases", ())),
                unit=spec.get("unit"),
                measure=spec.get("measure"),
                required=bool(spec.get("required", False)),
                required_because=spec.get("required_because"),
                expected=bool(spec.get("expected", False)),
                vocabulary=spec.get("vocabulary"),
            )
        )
    by_header: dict[str, str] = {}
    for col in columns:
        for spelling in col.spellings():
            key = header_key(spelling)
            if key in by_header and by_header[key] != col.name:
                raise ValueError(
                    f"{raw['name']}: header {spelling!r} names both {by_header[key]} and {col.name}"
                )
            by_header[key] = col.name
    names = [c.name for c in columns]
    for key_col in [*raw["key"], *raw.get("supersede_by", raw["key"])]:
        if key_col not in names:
            raise ValueError(f"{raw['name']}: key column {key_col!r} is not a column")
    return Contract(
        name=raw["name"],
        title_zh=raw["title_zh"],
        description=" ".join(str(raw.get("description", "")).split()),
        key=tuple(raw["key"]),
        supersede_by=tuple(raw.get("supersede_by", raw["key"])),
        columns=tuple(columns),
        _by_header=by_header,
    )


def _check_vocabularies(contract: Contract, seeds_dir: Path) -> None:
    for col in contract.columns:
        if col.vocabulary:
            try:
                vocabulary_values(seeds_dir, col.vocabulary)
            except ValueError as exc:
                raise ValueError(f"{contract.name}.{col.name}: {exc} in {seeds_dir}") from None


@cache
def load_contracts(contracts_dir: Path, seeds_dir: Path | None = None) -> dict[str, Contract]:
    """Every template contract in the folder, by name (files starting with '_' are not).
    Their vocabularies are looked up in ``seeds_dir``, by default the dbt seeds of the project
    the folder belongs to (``<project>/include/contracts`` → ``<project>/dbt_project/seeds``)."""
    contracts_dir = Path(contracts_dir)
    if seeds_dir is None:
        seeds_dir = contracts_dir.parents[1] / "dbt_project" / "seeds"
    contracts = {}
    for path in sorted(contracts_dir.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        contract = _build(yaml.safe_load(path.read_text(encoding="utf-8")))
        if contract.name != path.stem:
            raise ValueError(f"{path}: contract name {contract.name!r} differs from file name")
        _check_vocabularies(contract, Path(seeds_dir))
        contracts[contract.name] = contract
    return contracts


@cache
def load_units(contracts_dir: Path) -> UnitTable:
    raw = yaml.safe_load((Path(contracts_dir) / "_units.yaml").read_text(encoding="utf-8"))
    return UnitTable(dimensions=raw)
