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
from dataclasses import dataclass

NULL_MARKERS = frozenset(
    {"", "-", "--", "—", "——", "－", "/", "\\", "无", "暂无", "空", "n/a", "na", "null", "none"}
)
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!"}
)
EXCEL_EPOCH = dt.date(1899, 12, 30)
MIN_SERIAL, MAX_SERIAL = 1, 2958465  # 1900-01-01 .. 9999-12-31

_CN_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "上": 1, "下": 2}
_Y = r"(?P<y>\d{4}|\d{2}(?=年))"  # 2023, or 23 when followed by 年
# Quarters: 2025Q3, 2025-Q3, 2025年Q3, 2025年第三季度, 2025年三季度, 2025年第3季度, 2025三季度
_QUARTER = re.compile(rf"^{_Y}年?[-_]?(?:Q(?P<q>[1-4])|第?(?P<qz>[1-4一二三四])季度?)$", re.I)
# Months: 2023年7月(份), 2023.07, 2023.7, 2023-7, 2023/07, 23年7月, 202307
_MONTH = re.compile(rf"^{_Y}(?:年|[-/.])(?P<m>\d{{1,2}})(?:月份?)?$")
_MONTH_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$")
# Spans within a year: 2023年1-9月, 2023年1至9月, 2023年上半年, 2023年前三季度, 2023年全年/年度
_SPAN_MONTHS = re.compile(rf"^{_Y}年?(?P<m1>\d{{1,2}})月?[-~至到](?P<m2>\d{{1,2}})月份?$")
_SPAN_HALF = re.compile(rf"^{_Y}年?(?P<h>上|下)半年度?$")
_SPAN_FIRST_QUARTERS = re.compile(rf"^{_Y}年?前(?P<n>[1-3一二三])(?:个)?季度$")
_SPAN_YEAR = re.compile(rf"^{_Y}年?(?:全年|年度|年)$")
# As of a day: 截至2023年9月30日, 截止2023-09-30, 2023年9月30日
_AS_OF = re.compile(r"^(?:截至|截止|至)?(?P<day>.+?)(?:止)?$")
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
    text = raw if isinstance(raw, str) else str(raw)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


_LONGEST_NULL = max(len(m) for m in NULL_MARKERS)


def is_null(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float):
        return math.isnan(raw)
    if not isinstance(raw, str):
        return False
    text = raw.strip()
    return not text or (len(text) <= _LONGEST_NULL and clean_text(text).lower() in NULL_MARKERS)


def excel_error(raw: object) -> str | None:
    if not isinstance(raw, str) or raw.lstrip()[:1] not in ("#", "＃"):
        return None
    text = clean_text(raw)
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
    return "".join(clean_text(raw).split()).lstrip("'").upper(), None


_APPROX_PREFIX = re.compile(r"^(约|大约|近|逾|超过|多于|不少于|>=|<=|>|<|≥|≤)")
_APPROX_SUFFIX = re.compile(r"(余|多|左右|以上|以下|\+)$")
_MAGNITUDES = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}
_NUMBER = re.compile(r"^(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)(?P<rest>.*)$", re.I)


@dataclass(frozen=True)
class Quantity:
    """A number read from a cell, with what was written around it: '约1.2万元' is
    Quantity(1.2, magnitude=10000, unit='元', approx='约')."""

    number: float
    magnitude: float = 1.0
    unit: str | None = None
    approx: str | None = None
    percent: bool = False


def read_quantity(raw: object) -> tuple[Quantity | None, str | None]:
    """The number in a cell and the markers around it; None when not reported."""
    if is_null(raw):
        return None, None
    if isinstance(raw, bool):
        return None, "应为数字"
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (math.isnan(raw) or math.isinf(raw)):
            return None, "应为数字"
        return Quantity(float(raw)), None
    text = clean_text(raw).replace(",", "").replace(" ", "").lstrip("'")
    approx = None
    prefix = _APPROX_PREFIX.match(text)
    if prefix:
        approx, text = prefix.group(1), text[prefix.end() :]
    match = _NUMBER.match(text)
    if not match:
        return None, "应为数字"
    number, rest = float(match["num"]), match["rest"]
    suffix = _APPROX_SUFFIX.search(rest)
    if suffix:
        approx, rest = approx or suffix.group(1), rest[: suffix.start()]
    percent = rest.endswith("%")
    if percent:
        rest = rest[:-1]
    magnitude = 1.0
    if rest[:1] in _MAGNITUDES and not percent:
        magnitude, rest = _MAGNITUDES[rest[0]], rest[1:]
    suffix = _APPROX_SUFFIX.search(rest)  # 1.2万余
    if suffix:
        approx, rest = approx or suffix.group(1), rest[: suffix.start()]
    if rest and not re.fullmatch(r"[A-Za-z\u4e00-\u9fff²]{1,4}", rest):
        return None, "应为数字"
    if math.isnan(number) or math.isinf(number):
        return None, "应为数字"
    return Quantity(number, magnitude, rest or None, approx, percent), None


def parse_decimal(raw: object) -> Result:
    """A plain number (thousands separators and full-width digits allowed, no unit)."""
    quantity, error = read_quantity(raw)
    if error or quantity is None:
        return None, error
    if quantity.unit or quantity.approx or quantity.percent or quantity.magnitude != 1.0:
        return None, "应为数字"
    return quantity.number, None


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
        if 1900 <= raw < 2100 and not float(raw).is_integer():
            return (
                None,
                f"数字 {raw} 像是“年.月”，无法判断具体日期（2023.1 也可能是 2023.10）；请填写完整日期，如 2023-10-01",
            )
        if 19000101 <= raw <= 21001231 and float(raw).is_integer():
            raw = str(int(raw))  # 20230701 typed as a number
        elif MIN_SERIAL <= raw <= MAX_SERIAL:
            return EXCEL_EPOCH + dt.timedelta(days=int(raw)), None
        else:
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


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _span(year: int, first: int, last: int) -> str:
    return f"{year}-{first:02d}" if first == last else f"{year}-{first:02d}~{year}-{last:02d}"


def parse_period(raw: object) -> Result:
    """A reporting period: 'YYYYQn' for a quarter, 'YYYY-MM' for a month, 'YYYY-MM~YYYY-MM'
    for a span of months within a year (上半年, 1-9月). ``rollup`` turns months and spans
    into quarters by each measure's kind."""
    if is_null(raw):
        return None, None
    if isinstance(raw, (dt.date, dt.datetime)):
        return _period_of_day(raw if isinstance(raw, dt.date) else raw.date())
    if isinstance(raw, float) and not raw.is_integer():
        # Excel drops the trailing zero of 2023.10, so a typed 2023.1 may mean October.
        if f"{raw:.2f}".endswith(".10"):
            return None, (
                f"报告期 {raw} 是数字，无法判断是 1 月还是 10 月；"
                "请将该列设为文本格式，按 2023-10 或 2023Q4 填写"
            )
        raw = f"{raw:.2f}".rstrip("0")
    text = clean_text(raw).replace(" ", "").lstrip("'")
    match = _QUARTER.match(text)
    if match:
        quarter = (
            int(match["q"]) if match["q"] else _CN_NUMERALS.get(match["qz"]) or int(match["qz"])
        )
        return f"{_year(match['y'])}Q{quarter}", None
    match = _MONTH.match(text) or _MONTH_COMPACT.match(text)
    if match and 1 <= int(match["m"]) <= 12:
        return f"{_year(match['y'])}-{int(match['m']):02d}", None
    match = _SPAN_MONTHS.match(text)
    if match and 1 <= int(match["m1"]) <= int(match["m2"]) <= 12:
        return _span(_year(match["y"]), int(match["m1"]), int(match["m2"])), None
    match = _SPAN_HALF.match(text)
    if match:
        first = 1 if match["h"] == "上" else 7
        return _span(_year(match["y"]), first, first + 5), None
    match = _SPAN_FIRST_QUARTERS.match(text)
    if match:
        n = _CN_NUMERALS.get(match["n"]) or int(match["n"])
        return _span(_year(match["y"]), 1, 3 * n), None
    match = _SPAN_YEAR.match(text)
    if match:
        return _span(_year(match["y"]), 1, 12), None
    as_of = _AS_OF.match(text)
    day, _error = parse_date(as_of["day"]) if as_of else (None, None)
    if day is not None:
        return _period_of_day(day)
    return None, "不是可识别的报告期，请按 2025Q3（或“2025年第三季度”“2025年9月”）填写"


def _period_of_day(day: dt.date) -> Result:
    """'截至2023年9月30日': the quarter or month that ends on that day."""
    month_end = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1) - dt.timedelta(days=1)
    if day != month_end:
        return None, f"截止日期 {day.isoformat()} 不是月末，无法对应到报告期"
    if day.month % 3 == 0:
        return f"{day.year}Q{day.month // 3}", None
    return f"{day.year}-{day.month:02d}", None


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
