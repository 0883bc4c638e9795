"""Property-based tests (hypothesis) for period, date and number parsing."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from incubation.parsing import normalise as n
from incubation.parsing.rollup import months_of

YEARS = st.integers(min_value=2000, max_value=2099)
QUARTERS = st.integers(min_value=1, max_value=4)
MONTHS = st.integers(min_value=1, max_value=12)
CN = {1: "一", 2: "二", 3: "三", 4: "四"}
FULL_WIDTH = str.maketrans("0123456789QQ-./", "０１２３４５６７８９ＱＱ－．／")


@given(YEARS, QUARTERS, st.booleans())
def test_every_quarter_spelling_gives_the_quarter(year, quarter, full_width):
    spellings = [
        f"{year}Q{quarter}",
        f"{year}q{quarter}",
        f"{year}-Q{quarter}",
        f"{year}年Q{quarter}",
        f"{year}年第{CN[quarter]}季度",
        f"{year}年{CN[quarter]}季度",
        f"{year}年第{quarter}季度",
        f"{year % 100:02d}年第{CN[quarter]}季度",
    ]
    for text in spellings:
        text = text.translate(FULL_WIDTH) if full_width else text
        assert n.parse_period(text) == (f"{year}Q{quarter}", None), text


@given(YEARS, MONTHS)
def test_every_month_spelling_gives_the_month_or_its_quarter(year, month):
    expected = f"{year}Q{month // 3}" if month % 3 == 0 else f"{year}-{month:02d}"
    month_only = f"{year}-{month:02d}"
    spellings = [
        f"{year}年{month}月",
        f"{year}年{month}月份",
        f"{year}.{month:02d}",
        f"{year}-{month}",
        f"{year}/{month:02d}",
        f"{year}{month:02d}",
        f"{year % 100:02d}年{month}月",
    ]
    for text in spellings:
        assert n.parse_period(text) == (month_only, None), text
    last_day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    assert n.parse_period(f"截至{year}年{month}月{last_day}日") == (expected, None)


@given(YEARS, MONTHS, MONTHS)
def test_spans_cover_their_months(year, first, last):
    first, last = min(first, last), max(first, last)
    period, error = n.parse_period(f"{year}年{first}-{last}月")
    assert error is None
    assert months_of(period) == (year, first, last)


@given(st.text(max_size=20))
def test_period_parsing_never_raises_and_always_says_why(text):
    value, error = n.parse_period(text)
    assert value is None or error is None
    if value is not None:
        assert months_of(value) is not None or value[4] == "Q"


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2099, 12, 31)))
def test_dates_in_every_form(day):
    serial = (day - dt.date(1899, 12, 30)).days
    forms = [
        serial,
        float(serial),
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        int(day.strftime("%Y%m%d")),
        dt.datetime.combine(day, dt.time(9, 30)),
    ]
    for raw in forms:
        assert n.parse_date(raw) == (day, None), raw


@given(st.text(max_size=20) | st.floats(allow_nan=True) | st.integers())
def test_date_parsing_never_raises(raw):
    value, error = n.parse_date(raw)
    assert value is None or isinstance(value, dt.date)
    assert value is None or error is None


@given(st.decimals(min_value=-1e9, max_value=1e9, places=2, allow_nan=False))
def test_numbers_with_separators_and_full_width_digits(value):
    written = f"{value:,.2f}"
    assert n.parse_decimal(written) == (float(round(value, 2)), None)
    full = written.translate(str.maketrans("0123456789,.-", "０１２３４５６７８９，．－"))
    assert n.parse_decimal(full) == (float(round(value, 2)), None)


@given(st.integers(min_value=0, max_value=10**12))
def test_integers_as_text_and_numbers(value):
    assert n.parse_int(str(value)) == (value, None)
    assert n.parse_int(f"{value:,}") == (value, None)
    assert n.parse_int(float(value)) == (value, None)
    assert n.parse_int(f"'{value}") == (value, None)


@given(
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
    st.sampled_from(["约", "近", ">", ""]),
    st.sampled_from(["余", "多", "左右", ""]),
    st.sampled_from(["万", "亿", ""]),
)
def test_markers_around_numbers_are_read_and_kept(number, prefix, suffix, magnitude):
    quantity, error = n.read_quantity(f"{prefix}{number}{magnitude}{suffix}")
    assert error is None
    assert quantity.number == float(number)
    assert quantity.magnitude == {"万": 1e4, "亿": 1e8, "": 1.0}[magnitude]
    assert quantity.approx == (prefix or suffix or None)
    plain = n.parse_decimal(f"{prefix}{number}{magnitude}{suffix}")
    # the strict parser (codes, totals) takes only plain numbers
    assert plain == ((None, "应为数字") if prefix or suffix or magnitude else (float(number), None))


@given(st.text(max_size=20))
def test_number_parsing_never_raises(text):
    quantity, error = n.read_quantity(text)
    assert quantity is None or error is None
