"""Reading a department file into sheets of raw cell values.

.xlsx and .xls go through python-calamine (a Rust reader, much faster than openpyxl);
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

import defusedxml
import defusedxml.ElementTree as ET

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
# cells (rows × columns of the used range) a sheet may span: 10M cells are ~1 GB once read
MAX_SHEET_CELLS = 10_000_000


class UnreadableFile(Exception):
    """The file cannot be read at all; ``message_zh`` says why, for the contact, and ``rule``
    names the reason."""

    def __init__(self, message_zh: str, detail: str = "", rule: str = "unreadable_file"):
        super().__init__(detail or message_zh)
        self.message_zh = message_zh
        self.rule = rule


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


def read_file(
    path: Path, original_name: str | None = None, max_cells: int = MAX_SHEET_CELLS
) -> list[Sheet]:
    """The sheets of a file. A CSV's one sheet is named after the file as the contact named it
    (``original_name``, when the file has since been archived under another name)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [read_csv(path, Path(original_name or path.name).stem)]
    if suffix in (".xlsx", ".xls", ".xlsm"):
        return read_workbook(path, max_cells)
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
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = [list(r) for r in reader]
    except csv.Error as exc:  # an unclosed quote swallowing the rest, a cell over 128 KB
        raise UnreadableFile(
            f"CSV 文件第 {reader.line_num} 行附近格式错误（引号未闭合，或单元格内容超过 128 KB），"
            "请检查该行后重新导出",
            str(exc),
            rule="malformed_csv",
        ) from exc
    return Sheet(name=sheet_name or path.stem, rows=rows, encoding=encoding)


CORRUPT_ZH = "文件已损坏或不是有效的 Excel 工作簿，请重新保存后提交"


def read_workbook(path: Path, max_cells: int = MAX_SHEET_CELLS) -> list[Sheet]:
    import python_calamine as pc

    issues = scan_xlsx(path, max_cells) if path.suffix.lower() != ".xls" else {}
    try:
        workbook = _open_workbook(pc, path)
    except pc.PasswordError as exc:
        raise UnreadableFile("工作簿设置了打开密码，请取消密码后重新提交", str(exc)) from exc
    except Exception as exc:  # calamine raises several kinds for damaged files
        raise UnreadableFile(CORRUPT_ZH, str(exc), rule="corrupt_file") from exc
    try:
        return _sheets(pc, workbook, issues)
    except Exception as exc:  # a sheet's XML the reader cannot parse (an undeclared entity …)
        raise UnreadableFile(CORRUPT_ZH, str(exc), rule="corrupt_file") from exc
    finally:
        workbook.close()


def _open_workbook(pc, path: Path):
    """The reader on the file; a name that is not valid UTF-8 (GBK bytes, say) is opened here
    and handed over as a file, since the reader takes only text paths."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        with path.open("rb") as fh:
            return pc.CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))
    return pc.CalamineWorkbook.from_path(str(path))


def _sheets(pc, workbook, issues: dict[str, dict[tuple[int, int], str]]) -> list[Sheet]:
    sheets = []
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
    return sheets


# a cell with a body; the body stops at the next cell's start, so that an unclosed <c …>
# costs the scan one cell, not the rest of the sheet (linear, whatever the file)
_CELL = re.compile(rb"<c\b([^>]*[^/])>((?:(?!<c\b|</c>).)*)</c>", re.S)
_CACHED = re.compile(rb"<v>[^<]|<is>")
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


_ROW = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
# a cell reference in columns AA and beyond: the attribute r (of <c>; <row>'s r is a number)
# found by its literal start, the whitespace before it checked on the rare match
_WIDE_REF = re.compile(rb'r="([A-Z]{2,})\d')
_SPACE = b" \t\r\n"


def scan_xlsx(path: Path, max_cells: int = MAX_SHEET_CELLS) -> dict[str, dict]:
    """What must be known of an .xlsx before the reader allocates its sheets: a DOCTYPE in any
    XML part, or a sheet spanning more than ``max_cells``, refuses it (``UnreadableFile``);
    otherwise the cells whose value the reader cannot give, by sheet name (``cell_issues``).
    Each part is decompressed once; nothing is parsed as XML but the workbook's index."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = [m.filename for m in archive.infolist() if m.filename.endswith(XML_PARTS)]
            sheets = _sheet_members(archive, [p for p in parts if not p.startswith(SHEETS)])
            # each sheet decompressed once, for its DOCTYPE, its extent and its cells
            for part in parts:
                if part.startswith(SHEETS) and part not in sheets.values():
                    _refuse_doctype(archive.read(part), part)
            found = {}
            for name, member in sheets.items():
                data = archive.read(member)
                _refuse_doctype(data, member)
                rows, columns = sheet_extent(data, max_cells)
                if rows * columns > max_cells:
                    raise UnreadableFile(
                        f"工作表“{name}”的数据区域过大（{rows} 行 × {columns} 列，"
                        f"上限 {max_cells:,} 个单元格），请删除表格之外多余的内容或格式后重新提交",
                        rule="sheet_too_large",
                    )
                found[name] = cell_issues(data)
            return found
    except (zipfile.BadZipFile, KeyError, ET.ParseError) as exc:
        raise UnreadableFile(CORRUPT_ZH, repr(exc), rule="corrupt_file") from exc
    except defusedxml.DefusedXmlException as exc:
        raise UnreadableFile(UNSAFE_ZH, repr(exc), rule="unsafe_xml") from exc


UNSAFE_ZH = (
    "工作簿含有 Excel 不会写入的 XML 声明（DOCTYPE/ENTITY），出于安全原因未打开，请重新保存后提交"
)


def sheet_extent(data: bytes, max_cells: int = MAX_SHEET_CELLS) -> tuple[int, int]:
    """At least the rows and columns a sheet's XML spans (the last row and column its cells
    name, or its count of rows), as the reader will allocate them. Columns past Z are found
    by a scan of their refs alone; single-letter ones only when 26 of them could matter."""
    rows = max(max((int(r) for r in _ROW.findall(data)), default=0), data.count(b"<row"))
    wide = {m[1] for m in _WIDE_REF.finditer(data) if data[m.start() - 1] in _SPACE}
    if wide:
        return rows, max(_column_number(c) for c in wide)
    if rows * 26 <= max_cells:
        return rows, 26
    return rows, max((_column_number(m[0]) for m in _REF.findall(data)), default=1)


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters.decode():
        number = number * 26 + ord(char) - 64
    return number


def cell_issues(data: bytes) -> dict[tuple[int, int], str]:
    """Cells of a sheet's XML whose value the reader cannot give: formulas saved without a
    cached result (a file written by a program that never calculated it) and Excel error
    values, which the fast reader returns as empty cells. Formulas are never evaluated."""
    found: dict[tuple[int, int], str] = {}
    if b"<f" not in data and b't="e"' not in data:
        return found
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
        found[_cell_index(ref)] = kind
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


XML_PARTS = (".xml", ".rels")
SHEETS = "xl/worksheets/"


def _refuse_doctype(data: bytes, part: str) -> None:
    if b"<!DOCTYPE" in data:
        raise UnreadableFile(UNSAFE_ZH, part, rule="unsafe_xml")


def _sheet_members(archive: zipfile.ZipFile, parts: list[str]) -> dict[str, str]:
    """Sheet name -> the zip member holding its XML, once ``parts`` (every XML part but the
    sheets) are known to declare no DOCTYPE (external entities are never resolved)."""
    for part in parts:
        _refuse_doctype(archive.read(part), part)
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
