"""Writing fixture spreadsheets from readable Python rows (no binaries committed)."""

from __future__ import annotations

import csv
from pathlib import Path


def write_xlsx(
    path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()
) -> Path:
    """Cells as given: str written as text, numbers as numbers, None left empty."""
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
    workbook.close()
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path
