"""Files a careless or hostile contact may drop, written by the tests (no binaries committed):
each from a valid workbook with one part of its zip rewritten, or a CSV, or a name."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tests.helpers import write_xlsx

REPORT_HEADER = ["报告期", "载体编码", "期末载体面积（平方米）", "期末在孵企业数（家）", "期末在孵创业团队数（个）"]  # fmt: skip
SHEET = "xl/worksheets/sheet1.xml"


REGISTRY = [
    ["载体编码", "载体名称", "载体类型", "孵化器类别", "运营主体名称", "所属片区", "载体总面积（平方米）"],
    ["YZ-FH-0001", "甲孵化器", "科技企业孵化器", "综合", "甲运营", "电创园片区", 9000],
]  # fmt: skip


def valid_workbook(path: Path) -> Path:
    """A registry and a period report of its carrier, valid on their own (no warehouse)."""
    report = [REPORT_HEADER, ["2025Q4", "YZ-FH-0001", 1200, 10, 2]]
    return write_xlsx(path, {"登记": REGISTRY, "季报": report})


def valid_report(path: Path, carrier_id: str, period: str = "2025Q4") -> Path:
    """A one-row period report, as good as a contact's."""
    return write_xlsx(path, {"季报": [REPORT_HEADER, [period, carrier_id, 1200, 10, 2]]})


def rewrite(source: Path, target: Path, member: str, change) -> Path:
    """``target``: ``source`` with one zip member's bytes passed through ``change``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in zin.infolist():
            data = zin.read(item.filename)
            out.writestr(item, change(data) if item.filename == member else data)
    return target


DOCTYPE = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x "boom"><!ENTITY y "&x;&x;&x;">]>\n'


def with_doctype(data: bytes) -> bytes:
    """An XML part with a DOCTYPE of entities in front (Excel never writes one)."""
    return DOCTYPE + re.sub(rb"^<\?xml[^>]*\?>\s*", b"", data)


def with_entity_in_a_cell(data: bytes) -> bytes:
    """A cell's inline string using an entity nobody declared."""
    return data.replace(b"</sheetData>", b'<row r="9"><c r="A9" t="inlineStr"><is><t>&undeclared;</t></is></c></row></sheetData>', 1)  # fmt: skip


def with_far_cell(ref: bytes, row: int):
    """A sheet whose one extra cell lies at ``ref`` (the reader allocates up to it)."""

    def change(data: bytes) -> bytes:
        cell = b'<row r="%d"><c r="%s" t="inlineStr"><is><t>x</t></is></c></row>' % (row, ref)
        data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:A2"/>', data)
        return data.replace(b"</sheetData>", cell + b"</sheetData>", 1)

    return change


def with_unclosed_cells(count: int):
    """A formula (so that the cell scan reads the sheet) and ``count`` cells opened after
    the sheet's data and never closed."""

    def change(data: bytes) -> bytes:
        garbage = b"".join(b'<c r="B%d" s="%d">' % (i, i % 7) for i in range(2, count + 2))
        data = data.replace(b"</sheetData>", b"</sheetData>" + garbage, 1)
        return data.replace(b"<v>1200</v>", b"<f>600*2</f><v>1200</v>", 1)

    return change


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def unclosed_quote_csv(path: Path) -> Path:
    """A CSV whose quote opens and never closes, with more than 128 KB after it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = ",".join(REPORT_HEADER)
    path.write_text(f'{header}\n2025Q4,"YZ-FH-0001,1200,10,2\n' + "x" * 140_000 + "\n", "utf-8")
    return path
