"""Business days: when a request's follow-ups fall due.

Saturdays, Sundays and the holidays in the config file are skipped::

    [follow_up]
    holidays = [2026-12-25, 2026-12-28, 2027-01-01]   # TOML dates (or "YYYY-MM-DD")

A request sent after noon (local time), or on a day off, counts from the next
business day: nobody reads a late-afternoon e-mail as "today's".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

NOON = dt.time(12, 0)
DUE_AT = dt.time(9, 0)
"""A step that falls due on a day is due at the start of that working day."""
MAX_HOLIDAYS = 1000


def is_business_day(day: dt.date, holidays: frozenset[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def next_business_day(day: dt.date, holidays: frozenset[dt.date]) -> dt.date:
    """The first business day after ``day``."""
    day += dt.timedelta(days=1)
    while not is_business_day(day, holidays):
        day += dt.timedelta(days=1)
    return day


def counting_from(sent: dt.datetime, holidays: frozenset[dt.date], tz: dt.tzinfo | None) -> dt.date:
    """Day 0 of the count: the day it was sent if that is a business day and it
    went before noon, else the next business day."""
    local = sent.astimezone(tz)
    day = local.date()
    if is_business_day(day, holidays) and local.time() <= NOON:
        return day
    return next_business_day(day, holidays)


def add_business_days(day: dt.date, count: int, holidays: frozenset[dt.date]) -> dt.date:
    """The ``count``-th business day after ``day`` (``day`` itself for 0)."""
    for _ in range(count):
        day = next_business_day(day, holidays)
    return day


def due_after(
    sent: dt.datetime,
    count: int,
    holidays: frozenset[dt.date],
    tz: dt.tzinfo | None = None,
) -> dt.datetime:
    """When ``count`` business days have passed since ``sent``: the start (09:00,
    local) of that business day, as an aware time."""
    day = add_business_days(counting_from(sent, holidays, tz), count, holidays)
    local = dt.datetime.combine(day, DUE_AT)
    if tz is None:
        return local.astimezone()  # the system's zone on that day (summer time included)
    return local.replace(tzinfo=tz)


def business_days_since(
    sent: dt.datetime,
    now: dt.datetime,
    holidays: frozenset[dt.date],
    tz: dt.tzinfo | None = None,
) -> int:
    """Whole business days from day 0 of the count to ``now`` (0 on day 0 or before)."""
    day = counting_from(sent, holidays, tz)
    today = now.astimezone(tz).date()
    passed = 0
    while day < today:
        day = next_business_day(day, holidays)
        if day <= today:
            passed += 1
    return passed


def _one_holiday(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None  # a date-time is not a day off
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def read_holidays(table: Mapping[str, Any], warnings: list[str]) -> frozenset[dt.date]:
    """``follow_up.holidays``: each bad entry reported and skipped."""
    raw = table.get("holidays", [])
    if not isinstance(raw, list):
        warnings.append(
            "config: `follow_up.holidays` should be a list of dates, like "
            "[2026-12-25, 2027-01-01]; none used"
        )
        return frozenset()
    days: set[dt.date] = set()
    bad: list[str] = []
    for value in raw[:MAX_HOLIDAYS]:
        day = _one_holiday(value)
        if day is None:
            shown = value if isinstance(value, str) else repr(value)
            bad.append(f'"{shown[:40]}"' if isinstance(value, str) else shown[:40])
        else:
            days.add(day)
    if bad:
        shown = ", ".join(bad[:3]) + (" and more" if len(bad) > 3 else "")
        warnings.append(
            f"config: `follow_up.holidays` has entries that are not dates ({shown}); "
            "write them as 2026-12-25; skipped"
        )
    if len(raw) > MAX_HOLIDAYS:
        warnings.append(f"config: `follow_up.holidays`: only the first {MAX_HOLIDAYS} used")
    return frozenset(days)


def describe_day(moment: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """``Thu 3 Dec``: short, for a reminder line."""
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b}"


def holidays_text(holidays: Iterable[dt.date]) -> str:
    return ", ".join(day.isoformat() for day in sorted(holidays))
