"""Cell values to typed values: nulls are not zeros, codes must be text, periods and dates."""

import datetime as dt

import pytest

from incubation.parsing import normalise as n


@pytest.mark.parametrize("raw", ["", "—", "-", "/", "无", "暂无", "  ", None, "N/A"])
def test_null_markers_are_not_reported(raw):
    assert n.parse_int(raw) == (None, None)
    assert n.parse_decimal(raw) == (None, None)


def test_zero_is_a_reported_zero():
    assert n.parse_int("0") == (0, None)
    assert n.parse_decimal(0.0) == (0.0, None)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("12,345.5", 12345.5), ("１２，３４５．５", 12345.5), (" 7 ", 7.0), (3, 3.0)],
)
def test_decimals(raw, value):
    assert n.parse_decimal(raw) == (value, None)


def test_int_refuses_fractions_and_words():
    assert n.parse_int("2.5")[1] == "应为整数"
    assert n.parse_int("十二")[1] == "应为整数"
    assert n.parse_int(12.0) == (12, None)


@pytest.mark.parametrize(
    ("raw", "period"),
    [
        ("2025Q3", "2025Q3"),
        ("2025-Q3", "2025Q3"),
        ("2025 q1", "2025Q1"),
        ("2025年第三季度", "2025Q3"),
        ("2025年三季度", "2025Q3"),
        ("2025年Q4", "2025Q4"),
        ("２０２５Ｑ２", "2025Q2"),
    ],
)
def test_periods(raw, period):
    assert n.parse_period(raw) == (period, None)


def test_period_refused_with_reason():
    value, error = n.parse_period("下半年")
    assert value is None and "2025Q3" in error


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        (45108, dt.date(2023, 7, 1)),  # Excel serial (domain-notes §4.21)
        (45108.0, dt.date(2023, 7, 1)),
        ("2023-07-01", dt.date(2023, 7, 1)),
        ("2023/7/1", dt.date(2023, 7, 1)),
        ("2023年7月1日", dt.date(2023, 7, 1)),
        ("20230701", dt.date(2023, 7, 1)),
        (dt.datetime(2023, 7, 1, 9, 30), dt.date(2023, 7, 1)),
    ],
)
def test_dates(raw, day):
    assert n.parse_date(raw) == (day, None)


def test_impossible_date_refused():
    assert n.parse_date("2023-02-30")[1] == "不是有效的日期"


def test_code_stored_as_number_is_refused():
    value, error = n.parse_code(9.13502000728319e17)
    assert value is None and "文本" in error


def test_code_is_normalised_text():
    assert n.parse_code(" ９１３５０１００m000100y43 ") == ("91350100M000100Y43", None)


@pytest.mark.parametrize(("raw", "value"), [("是", True), ("否", False), ("Y", True), (True, True)])
def test_booleans(raw, value):
    assert n.parse_bool(raw) == (value, None)


def test_quarter_end_and_period_of():
    assert n.quarter_end("2025Q1") == dt.date(2025, 3, 31)
    assert n.quarter_end("2024Q4") == dt.date(2024, 12, 31)
    assert n.period_of(dt.date(2025, 8, 15)) == "2025Q3"


@pytest.mark.parametrize("raw", ["'", "截至", "年", "Q"])
def test_period_fragments_are_refused_not_raised(raw):
    value, error = n.parse_period(raw)
    assert value is None and "2025Q3" in error
