"""Reading a date and time as people type them, in their local time zone.

Two kinds of text are understood:

- a full date and time, ``2026-11-24 14:00`` (the form the setup form shows);
- a day and a time for a near date: ``today 9:30``, ``tomorrow 14:00``, or a
  weekday name, whole or short, and a time, ``friday 10:00``, ``fri 10am``,
  ``10:30 pm thu``. A weekday is the next such day whose time is still to come
  (today's included). Times are 24-hour (``14:00``, ``9.30``), or 12-hour with
  ``am``/``pm`` (``10am``, ``2:30 pm``), or ``noon``.

What cannot be read is refused with what is wrong in words ("February 2026 has
28 days", "hours go from 0 to 23"), never only with the form to type. The
standard library is enough: the forms are few, and English like the rest of
the product.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MIN_YEAR, MAX_YEAR = 1900, 9000
"""The years a session file can hold (``codec``)."""

FORMS = "YYYY-MM-DD HH:MM, or a day and a time like tomorrow 14:00 or fri 10am"
"""The forms understood, as a hint."""

_WEEKDAYS = {
    **{name.casefold(): n for n, name in enumerate(DAY_NAMES)},
    **{name[:3].casefold(): n for n, name in enumerate(DAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_NEAR = {"today": 0, "tomorrow": 1}
_FILLERS = {"at", "on"}
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME_24 = re.compile(r"(\d{1,2})[:.](\d{2})")
_TIME_12 = re.compile(r"(\d{1,2})(?:[:.](\d{2}))? ?([ap])\.?m\.?")


class WhenError(ValueError):
    """Typed text that is not a date and time; the message says what is wrong."""


def read_when(text: str, now: dt.datetime, tz: dt.tzinfo | None = None) -> dt.datetime | None:
    """``text`` as an aware local time (in ``tz``, else the system's zone), or None
    for empty text. ``now`` (aware) is what "today" and weekdays count from.

    Raises ``WhenError``.
    """
    words = text.replace(",", " ").casefold().split()
    if not words:
        return None
    today = now.astimezone(tz)
    weekday: int | None = None
    date_match = _DATE.fullmatch(words[0])
    if date_match is not None:
        day: dt.date | None = _date(*(int(g) for g in date_match.groups()))
        rest = words[1:]
    else:
        named = [w for w in words if w in _NEAR or w in _WEEKDAYS]
        rest = [w for w in words if w not in named]
        if len(named) > 1:
            raise WhenError(f"one day at a time; use {FORMS}")
        day = None
        if named and named[0] in _NEAR:
            day = today.date() + dt.timedelta(days=_NEAR[named[0]])
        elif named:
            weekday = _WEEKDAYS[named[0]]
            day = today.date() + dt.timedelta(days=(weekday - today.weekday()) % 7)
    rest = [w for w in rest if w not in _FILLERS]
    clock = _read_time(" ".join(rest)) if rest else None
    if (rest and clock is None) or (day is None and clock is None):
        raise WhenError(f"use {FORMS}")
    if day is None or clock is None:
        raise WhenError(f"{'a day' if day is None else 'a time'} is needed too; use {FORMS}")
    naive = dt.datetime.combine(day, clock)
    if weekday is not None and naive <= today.replace(tzinfo=None):
        naive += dt.timedelta(days=7)  # that time today has passed: the same day next week
    local = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    if local.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise WhenError(
            f"no such time here: {naive:%H:%M} on {naive:%Y-%m-%d} is skipped when the "
            "clocks go forward"
        )
    if not MIN_YEAR <= local.astimezone(dt.UTC).year <= MAX_YEAR:
        # Files hold UTC: a local year within the limits can be past them there.
        raise WhenError(f"no such date here: the year must be from {MIN_YEAR} to {MAX_YEAR} in UTC")
    return local


def describe(moment: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """``Friday 5 December 2026, 10:00``: the date understood, in words."""
    local = moment.astimezone(tz)
    return (
        f"{DAY_NAMES[local.weekday()]} {local.day} {MONTH_NAMES[local.month - 1]} "
        f"{local.year}, {local:%H:%M}"
    )


def _date(year: int, month: int, day: int) -> dt.date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise WhenError(f"no such date here: the year must be from {MIN_YEAR} to {MAX_YEAR}")
    if not 1 <= month <= 12:
        raise WhenError(f"no such date: there is no month {month} (months go from 01 to 12)")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise WhenError(f"no such date: {MONTH_NAMES[month - 1]} {year} has {days} days")
    return dt.date(year, month, day)


def _read_time(text: str) -> dt.time | None:
    """A time of day, or None if ``text`` is not one; ``WhenError`` for one that
    is written as a time but cannot be (``25:00``, ``13pm``)."""
    if text == "noon":
        return dt.time(12, 0)
    match = _TIME_24.fullmatch(text)
    if match is not None:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23:
            raise WhenError(f"no such time: {text} (hours go from 0 to 23)")
        if minute > 59:
            raise WhenError(f"no such time: {text} (minutes go from 00 to 59)")
        return dt.time(hour, minute)
    match = _TIME_12.fullmatch(text)
    if match is not None:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12:
            raise WhenError(f"no such time: {text} (use 1 to 12 with am or pm, or 24-hour 13:00)")
        if minute > 59:
            raise WhenError(f"no such time: {text} (minutes go from 00 to 59)")
        pm = match.group(3) == "p"
        return dt.time(hour % 12 + (12 if pm else 0), minute)
    return None
