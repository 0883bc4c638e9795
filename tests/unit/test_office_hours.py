"""The daytime schedule from the settings: cron expressions and the office-hours window."""

from __future__ import annotations

import pytest

from incubation.office_hours import daytime_crons, office_window
from incubation.settings import Settings


def test_default_office_hours_every_five_minutes():
    assert daytime_crons("1-5", "08:30-18:00", 5) == [
        "30,35,40,45,50,55 8 * * 1-5",
        "*/5 9-17 * * 1-5",
        "0 18 * * 1-5",
    ]


def test_whole_hours_and_other_intervals():
    assert daytime_crons("1-5", "08:00-18:00", 15) == ["*/15 8-17 * * 1-5", "0 18 * * 1-5"]
    assert daytime_crons("0-6", "00:00-23:59", 1) == ["* 0-23 * * 0-6"]
    assert daytime_crons("1,3", "09:10-09:40", 10) == ["10,20,30,40 9 * * 1,3"]


@pytest.mark.parametrize(
    ("days", "hours", "every", "says"),
    [
        ("1-5", "08:30-18:00", 7, "divide an hour"),
        ("1-5", "18:00-08:30", 5, "before the closing"),
        ("1-5", "8.30-18", 5, "HH:MM-HH:MM"),
        ("mon-fri", "08:30-18:00", 5, "day-of-week"),
        ("1-5", "08:30-18:00", "5min", "a divisor of 60"),
    ],
)
def test_settings_a_cron_cannot_keep_are_refused(days, hours, every, says):
    with pytest.raises(ValueError, match=says):
        daytime_crons(days, hours, every)


def test_office_window_in_minutes():
    assert office_window("08:30-18:00") == (510, 1080)


def test_office_hours_come_from_the_environment(tmp_path):
    settings = Settings.from_env(
        tmp_path,
        environ={
            "INCUBATION_OFFICE_DAYS": "1-6",
            "INCUBATION_OFFICE_HOURS": "09:00-17:00",
            "INCUBATION_DAYTIME_EVERY_MINUTES": "10",
        },
    )
    assert (settings.office_days, settings.office_hours, settings.daytime_every_minutes) == (
        "1-6",
        "09:00-17:00",
        "10",
    )
    assert daytime_crons(settings.office_days, settings.office_hours, 10) == [
        "*/10 9-16 * * 1-6",
        "0 17 * * 1-6",
    ]
