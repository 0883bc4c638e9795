"""Writing fixture spreadsheets from readable Python rows (no binaries committed)."""

from __future__ import annotations

import csv
import re
from pathlib import Path


def write_xlsx(
    path: Path,
    sheets: dict[str, list[list[object]]],
    hidden: tuple[str, ...] = (),
    merges: dict[str, list[tuple[int, int, int, int]]] | None = None,
) -> Path:
    """Cells as given: str written as text, numbers as numbers, None left empty.
    ``merges``: per sheet, (first_row, first_col, last_row, last_col) ranges (0-based) merged
    the way Excel stores them: the value in the top-left cell, the others empty."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    for name, rows in sheets.items():
        ws = workbook.add_worksheet(name)
        if name in hidden:
            ws.hide()
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(i, j, value)
                else:
                    ws.write_string(i, j, str(value))
        for r0, c0, r1, c1 in (merges or {}).get(name, []):
            top_left = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else None
            ws.merge_range(r0, c0, r1, c1, "" if top_left is None else top_left)
    workbook.close()
    return path


def write_xls(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A BIFF8 .xls workbook, as older Excel and WPS save it."""
    import xlwt

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = workbook.add_sheet(name)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None:
                    ws.write(i, j, value)
    workbook.save(str(path))
    return path


def write_openpyxl(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    """An .xlsx as openpyxl writes it: formulas ('=…') are saved without a computed value."""
    import openpyxl

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = title
    for row in rows:
        ws.append(row)
    workbook.save(str(path))
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


# the views of every unit's schema mart_<unit> and the tables of its export (macro unit_marts)
UNIT_MARTS = {
    "progress",
    "trajectory",
    "carriers_latest",
    "submissions",
    "submissions_quarterly",
    "missing_reports",
    "tasks",
}


def canonical(name: str) -> str:
    """A distribution's name as the package index compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    """The ``name==version`` lines of a lock or constraints file, by canonical name."""
    return {
        canonical(m.group(1)): m.group(2)
        for m in re.finditer(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)", text, re.M)
    }
