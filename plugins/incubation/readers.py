"""Reading a department file into sheets of raw cell values.

.xlsx and .xls go through python-calamine (a Rust reader, several times faster than openpyxl);
.csv is decoded as UTF-8 (with or without BOM) or else GB18030, a superset of GBK, and never
silently as latin-1.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml.ElementTree as ET

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
    # (row, column), 0-based -> what the reader cannot give as a value: "formula" for a
    # formula saved without its computed value, or the Excel error (#DIV/0!, #REF! …)
    cell_issues: dict[tuple[int, int], str] = field(default_factory=dict)


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
    issues = cell_issues(path) if path.suffix.lower() != ".xls" else {}
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
                    rows=rows,  # to_python gives fresh lists: ours to pad and fill
                    hidden=meta.visible != pc.SheetVisibleEnum.Visible,
                    merged=merged,
                    cell_issues=issues.get(meta.name, {}),
                )
            )
    finally:
        workbook.close()
    return sheets


_CELL = re.compile(rb"<c\b([^>]*[^/])>(.*?)</c>", re.S)
_CACHED = re.compile(rb"<v>[^<]|<is>")
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


def cell_issues(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Cells of an .xlsx whose value the reader cannot give, by sheet name: formulas saved
    without a cached result (a file written by a program that never calculated it) and Excel
    error values, which the fast reader returns as empty cells. Formulas are never evaluated."""
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for name, member in _sheet_members(archive).items():
                data = archive.read(member)
                if b"<f" not in data and b't="e"' not in data:
                    continue
                for match in _CELL.finditer(data):
                    attributes, body = match.group(1), match.group(2)
                    ref = _REF.search(attributes)
                    if ref is None:
                        continue
                    if b't="e"' in attributes:
                        error = _VALUE.search(body)
                        kind = error.group(1).decode() if error else "#N/A"
                    elif b"<f" in body and not _CACHED.search(body):
                        kind = "formula"
                    else:
                        continue
                    found.setdefault(name, {})[_cell_index(ref)] = kind
    except (zipfile.BadZipFile, KeyError, ET.ParseError):
        return {}
    return found


def column_letter(idx: int) -> str:
    """Excel's name of a 0-based column: 0 -> A, 26 -> AA."""
    letters = ""
    idx += 1
    while idx:
        idx, rem = divmod(idx - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell_index(ref: re.Match) -> tuple[int, int]:
    column = 0
    for char in ref.group(1).decode():
        column = column * 26 + ord(char) - 64
    return int(ref.group(2)) - 1, column - 1


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding its XML (external entities are never resolved)."""
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    members = {}
    for sheet in workbook.iter():
        if sheet.tag.endswith("}sheet"):
            target = targets.get(sheet.get(rel_ns + "id"), "")
            members[sheet.get("name")] = (
                target.lstrip("/") if target.startswith("/") else "xl/" + target
            )
    return members
