"""Turning one spreadsheet cell into a typed value, or a reason why not.

Every function takes the raw cell (str, int, float, bool, date or datetime, as the readers
give it) and returns ``(value, error)``: ``value`` is None when the cell is "not reported",
``error`` is a Chinese reason when the cell cannot be read safely.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

NULL_MARKERS = frozenset(
    {"", "-", "--", "—", "——", "－", "/", "\\", "无", "暂无", "空", "n/a", "na", "null", "none"}
)
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!"}
)
EXCEL_EPOCH = dt.date(1899, 12, 30)
MIN_SERIAL, MAX_SERIAL = 1, 2958465  # 1900-01-01 .. 9999-12-31

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})\s*[-_ ]?\s*Q(?P<q>[1-4])$", re.I),
    re.compile(r"^(?P<y>\d{4})年?\s*第?(?P<q>[1-4一二三四])季度?$"),
    re.compile(r"^(?P<y>\d{4})年\s*Q(?P<q>[1-4])$", re.I),
]
_DATE_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
]
_TRUE = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "有"})
_FALSE = frozenset({"否", "n", "no", "false", "0", "×", "✗", "无"})

Result = tuple[object, str | None]


def clean_text(raw: object) -> str:
    """NFKC-normalised text of a cell with white space collapsed and trimmed."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = unicodedata.normalize("NFKC", str(raw))
    return re.sub(r"\s+", " ", text).strip()


def is_null(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and clean_text(raw).lower() in NULL_MARKERS


def excel_error(raw: object) -> str | None:
    text = clean_text(raw) if isinstance(raw, str) else ""
    return text if text.upper() in EXCEL_ERRORS else None


def parse_text(raw: object) -> Result:
    if is_null(raw):
        return None, None
    return clean_text(raw), None


def parse_code(raw: object) -> Result:
    """Identifiers (credit codes, carrier codes, phone numbers) must arrive as text."""
    if is_null(raw):
        return None, None
    if isinstance(raw, (bool, int, float)):
        return (
            None,
            "该单元格以数字形式存储，长代码的末几位可能已被 Excel 截断；请将该列设为“文本”格式后重新录入",
        )
    return re.sub(r"\s+", "", clean_text(raw)).upper(), None


def parse_decimal(raw: object) -> Result:
    if is_null(raw):
        return None, None
    if isinstance(raw, bool):
        return None, "应为数字"
    if isinstance(raw, (int, float)):
        return float(raw), None
    text = clean_text(raw).replace(",", "").replace(" ", "")
    try:
        value = float(text)
    except ValueError:
        return None, "应为数字"
    if math.isnan(value) or math.isinf(value):
        return None, "应为数字"
    return value, None


def parse_int(raw: object) -> Result:
    value, error = parse_decimal(raw)
    if error or value is None:
        return None, error and "应为整数"
    if not float(value).is_integer():
        return None, "应为整数"
    return int(value), None


def parse_bool(raw: object) -> Result:
    if isinstance(raw, bool):
        return raw, None
    if raw is None or (isinstance(raw, str) and clean_text(raw) == ""):
        return None, None
    text = clean_text(raw).lower()
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return None, "应填“是”或“否”"


def parse_date(raw: object) -> Result:
    if is_null(raw):
        return None, None
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if MIN_SERIAL <= raw <= MAX_SERIAL:
            return EXCEL_EPOCH + dt.timedelta(days=int(raw)), None
        return None, "不是有效的日期"
    text = clean_text(raw)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"])), None
            except ValueError:
                return None, "不是有效的日期"
    return None, "不是可识别的日期，请按 2025-03-31 的格式填写"


def parse_period(raw: object) -> Result:
    """A reporting quarter as 'YYYYQn'."""
    if is_null(raw):
        return None, None
    text = clean_text(raw).replace(" ", "")
    for pattern in _QUARTER_PATTERNS:
        match = pattern.match(text)
        if match:
            return f"{match['y']}Q{_CN_DIGITS[match['q']]}", None
    return None, "不是可识别的报告期，请按 2025Q3（或“2025年第三季度”）填写"


PARSERS = {
    "text": parse_text,
    "enum": parse_text,
    "code": parse_code,
    "int": parse_int,
    "decimal": parse_decimal,
    "date": parse_date,
    "period": parse_period,
    "bool": parse_bool,
}


def quarter_end(period: str) -> dt.date:
    year, quarter = int(period[:4]), int(period[-1])
    month = quarter * 3
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    return next_month - dt.timedelta(days=1)


def period_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"
