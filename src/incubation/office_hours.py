"""When the daytime runs happen: every few minutes in office hours, in the district's time.

``daytime_crons`` turns the settings (days, hours, interval) into the cron expressions of
Airflow's ``MultipleCronTriggerTimetable``: ticks at every multiple of the interval from
midnight, from the opening minute to the closing one, both included."""

from __future__ import annotations

import re

_HOURS = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
_DAYS = re.compile(r"^[0-7]([-,][0-7])*$")


def office_window(hours: str) -> tuple[int, int]:
    """``08:30-18:00`` as minutes from midnight (510, 1080)."""
    found = _HOURS.match(hours.strip())
    if not found:
        raise ValueError(f"office hours {hours!r}: write them as HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(x) for x in found.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if not (m1 < 60 and m2 < 60 and 0 <= start < end < 24 * 60):
        raise ValueError(f"office hours {hours!r}: the opening must come before the closing")
    return start, end


def daytime_crons(days: str, hours: str, every: int | str) -> list[str]:
    """The cron expressions of the daytime ticks: one per run of hours with the same minutes.
    A setting a cron cannot keep raises ``ValueError`` saying which."""
    if not str(every).strip().isdigit():
        raise ValueError(f"daytime interval {every!r}: minutes, a divisor of 60 (5, 10, 15 …)")
    every = int(every)
    if every < 1 or 60 % every:
        raise ValueError(f"daytime interval {every} min: it must divide an hour (5, 10, 15 …)")
    if not _DAYS.match(days.strip()):
        raise ValueError(f"office days {days!r}: a cron day-of-week such as 1-5")
    start, end = office_window(hours)
    by_hour: dict[int, list[int]] = {}
    for tick in range(-(-start // every) * every, end + 1, every):
        by_hour.setdefault(tick // 60, []).append(tick % 60)
    crons: list[str] = []
    groups: list[tuple[list[int], list[int]]] = []  # (hours, minutes) of consecutive hours
    for hour, minutes in by_hour.items():
        if groups and groups[-1][1] == minutes and groups[-1][0][-1] == hour - 1:
            groups[-1][0].append(hour)
        else:
            groups.append(([hour], minutes))
    for group_hours, minutes in groups:
        span = (
            str(group_hours[0]) if len(group_hours) == 1 else f"{group_hours[0]}-{group_hours[-1]}"
        )
        crons.append(f"{_minutes(minutes, every)} {span} * * {days.strip()}")
    return crons


def _minutes(minutes: list[int], every: int) -> str:
    if minutes == list(range(0, 60, every)):
        return "*" if every == 1 else f"*/{every}"
    return ",".join(str(m) for m in minutes)
