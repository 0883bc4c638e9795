"""Reader benchmark: python-calamine vs openpyxl vs fastexcel, and the whole parse.

    .venv/bin/python -m bench.readers [--rows 10000 100000] [--repeat 3]

Writes roster files of N rows (.xlsx and .csv, the demo's columns), times reading their cells
with each reader (best of --repeat) and the full parse (read + header detection + typed
values). Each case is appended to bench/history.jsonl (with the machine, date and versions),
and the run's table replaces the latest reader run in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import math
import tempfile
import time
from pathlib import Path

from bench.common import append_results, machine, machine_line, now, versions, versions_line
from bench.generate import HISTORY, ROSTER_SCALE
from incubation.contracts import load_contracts, load_units
from incubation.demo import build_world, write_xlsx
from incubation.parsing.readers import read_file
from incubation.parsing.sheets import parse_sheets
from incubation.settings import Settings


def roster_rows(n: int) -> list[dict]:
    """``n`` roster rows of the benchmark world (distinct enterprises, dates and codes, as a
    real inbox has: repeating rows would flatter a parser that remembers values it has seen)."""
    copies = max(1, math.ceil(n / 14_000))
    world = build_world(quarters=HISTORY, scale=ROSTER_SCALE, copies=copies)
    rows = [r for rows in world.rosters.values() for r in rows]
    if len(rows) < n:
        raise ValueError(f"the world has {len(rows)} roster rows, fewer than {n}")
    return rows[:n]


def write_files(n: int, folder: Path, contracts) -> dict[str, Path]:
    roster = contracts["incubatee_roster"]
    rows = roster_rows(n)
    xlsx = write_xlsx(folder / f"roster_{n}.xlsx", [("名单", roster, rows, None)])
    sheet = read_file(xlsx)[0]
    path_csv = folder / f"roster_{n}.csv"
    with path_csv.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["" if c is None else c for c in r] for r in sheet.rows])
    return {"xlsx": xlsx, "csv": path_csv}


def path_size(path: Path) -> float:
    return path.stat().st_size / 1e6


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def read_calamine(path: Path):
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_index(0).to_python()


def read_openpyxl(path: Path):
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return rows


def read_fastexcel(path: Path):
    """Cells loaded into fastexcel's Arrow buffers (getting them into Python objects needs
    pyarrow or polars, neither in the lock: this is the reader's floor, not a full read)."""
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    return reader.load_sheet(0, header_row=None, dtypes="string").height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings.from_env()
    contracts = load_contracts(settings.contracts_dir)
    units = load_units(settings.contracts_dir)
    info, found, when = machine(), versions(), now()
    common = {"date": when.isoformat(timespec="minutes"), "machine": info, "versions": found}
    measured: list[dict] = []
    lines = [
        "| rows | file | reader / stage | seconds | rows/s |",
        "| ---: | --- | --- | ---: | ---: |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.rows:
            files = write_files(n, Path(tmp), contracts)
            xlsx = files["xlsx"]
            size = xlsx.stat().st_size / 1e6
            cases = [
                ("xlsx", "python-calamine (cells)", lambda p=xlsx: read_calamine(p)),
                (
                    "xlsx",
                    "fastexcel (cells into Arrow, not Python)",
                    lambda p=xlsx: read_fastexcel(p),
                ),
                ("xlsx", "openpyxl read-only (cells)", lambda p=xlsx: read_openpyxl(p)),
            ]
            for kind, path in files.items():
                cases.append(
                    (
                        kind,
                        "full parse (read_file + parse_sheets)",
                        lambda p=path: parse_sheets(read_file(p), contracts, units),
                    )
                )
            for kind, label, fn in cases:
                repeat = 1 if "openpyxl" in label and n > 50_000 else args.repeat
                seconds = best(fn, repeat)
                lines.append(f"| {n:,} | {kind} | {label} | {seconds:.2f} | {n / seconds:,.0f} |")
                measured.append(
                    {
                        **common,
                        "bench": "readers",
                        "rows": n,
                        "file": kind,
                        "file_mb": round(path_size(files[kind]), 1),
                        "case": label,
                        "seconds": round(seconds, 3),
                        "rows_per_s": round(n / seconds),
                    }
                )
                print(lines[-1], flush=True)
            lines.append(f"| {n:,} | xlsx | (file size {size:.1f} MB) | | |")
    append_results(
        "readers",
        "Reader and parse throughput (issue 3)",
        [machine_line(info, when), versions_line(found), "", *lines],
        measured,
    )


if __name__ == "__main__":
    main()
