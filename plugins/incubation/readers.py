"""Reading a department file into sheets of raw cell values.

.xlsx and .xls go through python-calamine (a Rust reader, several times faster than openpyxl);
.csv is decoded as UTF-8 (with or without BOM) or else GB18030, a superset of GBK, and never
silently as latin-1.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

CSV_ENCODINGS = ("utf-8-sig", "gb18030")


class UnreadableFile(Exception):
    """The file cannot be read at all; ``message_zh`` says why, for the contact."""

    def __init__(self, message_zh: str, detail: str = ""):
        super().__init__(detail or message_zh)
        self.message_zh = message_zh


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]
    hidden: bool = False
    encoding: str | None = None
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def read_file(path: Path, original_name: str | None = None) -> list[Sheet]:
    """The sheets of a file. A CSV's one sheet is named after the file as the contact named it
    (``original_name``, when the file has since been archived under another name)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [read_csv(path, Path(original_name or path.name).stem)]
    if suffix in (".xlsx", ".xls", ".xlsm"):
        return read_workbook(path)
    raise UnreadableFile(f"不支持的文件类型“{suffix}”，请提交 .xlsx、.xls 或 .csv 文件")


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        "无法识别 CSV 文件的编码（应为 UTF-8 或 GBK/GB18030），请另存为“CSV UTF-8”后重新提交"
    )


def read_csv(path: Path, sheet_name: str | None = None) -> Sheet:
    text, encoding = decode_csv_bytes(path.read_bytes())
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    return Sheet(name=sheet_name or path.stem, rows=rows, encoding=encoding)


def read_workbook(path: Path) -> list[Sheet]:
    import python_calamine as pc

    try:
        workbook = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise UnreadableFile("工作簿设置了打开密码，请取消密码后重新提交", str(exc)) from exc
    except Exception as exc:  # calamine raises several kinds for damaged files
        raise UnreadableFile(
            "文件已损坏或不是有效的 Excel 工作簿，请重新保存后提交", str(exc)
        ) from exc
    sheets = []
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False) if sheet.height else []
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            sheets.append(
                Sheet(
                    name=meta.name,
                    rows=[list(r) for r in rows],
                    hidden=meta.visible != pc.SheetVisibleEnum.Visible,
                    merged=merged,
                )
            )
    finally:
        workbook.close()
    return sheets
