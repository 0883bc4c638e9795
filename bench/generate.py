"""The synthetic inbox of the night benchmark, at scale S.

S=1: 60 carriers (the demo's ten, six times over, in the same zones and units) × 20 quarters
(2021Q1–2025Q4) of period reports and rosters of 20–200 entities (about 100k roster rows),
one registry per unit and the recognitions list; S=10: 600 carriers, about 1M roster rows.
Files are what the units send: one workbook (季报 + 在孵名单) per unit and quarter, CSV for
one unit's reports (UTF-8 with BOM) and another's registry (GBK). Every file is valid.

The next quarter (2026Q1) is written apart, for the incremental night; and every history row
again as one CSV per template in canonical columns, for the DuckDB floor.

    .venv/bin/python -m bench.generate --scale 1 --out /tmp/bench-s1
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import shutil
from pathlib import Path

from incubation.contracts import Contract, load_contracts
from incubation.demo import build_world, write_inbox
from incubation.settings import Settings

HISTORY = tuple(f"{y}Q{q}" for y in range(2021, 2026) for q in range(1, 5))
NEXT_QUARTER = "2026Q1"
ROSTER_SCALE = 2.0  # entities per carrier: 20–200 a quarter
COPIES_PER_SCALE = 6  # 6 × the demo's 10 carriers = 60 at S=1


def generate(scale: int, out: Path) -> dict:
    settings = Settings.from_env()
    contracts = load_contracts(settings.contracts_dir)
    world = build_world(
        quarters=(*HISTORY, NEXT_QUARTER), scale=ROSTER_SCALE, copies=COPIES_PER_SCALE * scale
    )
    shutil.rmtree(out, ignore_errors=True)
    everything = out / "all"
    files = write_inbox(world, everything, contracts, faults=False)
    history, upcoming = out / "history", out / "next"
    for path in files:
        target = upcoming if path.name.startswith(NEXT_QUARTER) else history
        dest = target / path.relative_to(everything)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, dest)
    shutil.rmtree(everything)
    floor_csv = out / "floor_csv"
    floor_csv.mkdir(parents=True)
    tables = {
        "carrier_registry": world.carriers,
        "carrier_recognition": world.recognitions,
        "carrier_period_report": [r for (_, q), r in world.reports.items() if q in HISTORY],
        "incubatee_roster": [
            r for (_, q), rows in world.rosters.items() if q in HISTORY for r in rows
        ],
    }
    rows = {}
    for name, records in tables.items():
        rows[name] = write_canonical_csv(floor_csv / f"{name}.csv", contracts[name], records)
    return {
        "history": history,
        "next": upcoming,
        "floor_csv": floor_csv,
        "carriers": len(world.carriers),
        "files_history": sum(1 for p in history.rglob("*") if p.is_file()),
        "files_next": sum(1 for p in upcoming.rglob("*") if p.is_file()),
        "rows": rows,
        "rows_total": sum(rows.values()),
    }


def write_canonical_csv(path: Path, contract: Contract, records: list[dict]) -> int:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(contract.column_names)
        for record in records:
            writer.writerow([_csv_value(record.get(c)) for c in contract.column_names])
    return len(records)


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    data = generate(args.scale, args.out)
    print({k: str(v) for k, v in data.items()})


if __name__ == "__main__":
    main()
