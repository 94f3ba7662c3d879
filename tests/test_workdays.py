"""Business days: when a request's follow-ups fall due, with weekends, holidays
and the noon rule, in a real time zone (Europe/London, summer time included)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iisession.core.settings import load_settings
from iisession.core.workdays import (
    business_days_since,
    counting_from,
    describe_day,
    due_after,
    read_holidays,
)

LONDON = ZoneInfo("Europe/London")
NONE: frozenset[dt.date] = frozenset()


def at(day: str, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    """A London time on ``day`` (YYYY-MM-DD)."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute, second), LONDON)


def days(*text: str) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(d) for d in text)


# 2026-11-02 is a Monday.
@pytest.mark.parametrize(
    ("sent", "due"),
    [
        (at("2026-11-02", 10), "2026-11-05"),  # Monday morning: Thursday
        (at("2026-11-02", 14), "2026-11-06"),  # Monday afternoon counts from Tuesday: Friday
        (at("2026-11-06", 11), "2026-11-11"),  # Friday morning: over the weekend to Wednesday
        (at("2026-11-06", 15), "2026-11-12"),  # Friday afternoon counts from Monday
        (at("2026-11-07", 10), "2026-11-12"),  # Saturday counts from Monday: Thursday
        (at("2026-11-08", 23, 59), "2026-11-12"),  # Sunday night too
        (at("2026-11-02", 0, 0), "2026-11-05"),  # just after midnight is the morning
    ],
)
def test_three_business_days_fall_on_the_start_of_a_working_day(
    sent: dt.datetime, due: str
) -> None:
    expected = dt.datetime.combine(dt.date.fromisoformat(due), dt.time(9, 0), LONDON)
    assert due_after(sent, 3, NONE, LONDON) == expected
    assert due_after(sent, 3, NONE, LONDON).astimezone(LONDON).time() == dt.time(9, 0)


def test_noon_itself_counts_as_the_morning() -> None:
    """12:00:00 exactly is before noon (the day it was sent counts); a second
    later is the afternoon."""
    assert counting_from(at("2026-11-02", 12, 0, 0), NONE, LONDON) == dt.date(2026, 11, 2)
    assert counting_from(at("2026-11-02", 12, 0, 1), NONE, LONDON) == dt.date(2026, 11, 3)
    assert due_after(at("2026-11-02", 12), 3, NONE, LONDON).date() == dt.date(2026, 11, 5)
    assert due_after(at("2026-11-02", 12, 1), 3, NONE, LONDON).date() == dt.date(2026, 11, 6)


def test_a_holiday_in_between_pushes_by_a_day_and_one_at_a_weekend_changes_nothing() -> None:
    sent = at("2026-11-02", 10)
    assert due_after(sent, 3, days("2026-11-04"), LONDON).date() == dt.date(2026, 11, 6)
    assert due_after(sent, 3, days("2026-11-03", "2026-11-04"), LONDON).date() == dt.date(
        2026, 11, 9
    )
    weekend = days("2026-10-31", "2026-11-01", "2026-11-07", "2026-11-08")
    assert due_after(sent, 3, weekend, LONDON) == due_after(sent, 3, NONE, LONDON)
    assert due_after(sent, 7, weekend, LONDON) == due_after(sent, 7, NONE, LONDON)
    # Sent on a holiday morning: it counts from the next business day.
    assert due_after(sent, 3, days("2026-11-02"), LONDON).date() == dt.date(2026, 11, 6)
    # A holiday after the day it falls due changes nothing.
    assert due_after(sent, 3, days("2026-11-06"), LONDON).date() == dt.date(2026, 11, 5)


def test_across_the_year_end_with_christmas_and_new_year() -> None:
    holidays = days("2025-12-25", "2025-12-26", "2026-01-01")
    sent = at("2025-12-24", 10)  # Wednesday morning, Christmas on Thursday and Friday
    assert due_after(sent, 3, holidays, LONDON) == at("2025-12-31", 9)
    assert due_after(sent, 7, holidays, LONDON) == at("2026-01-07", 9)
    assert business_days_since(sent, at("2025-12-28", 20), holidays, LONDON) == 0
    assert business_days_since(sent, at("2026-01-01", 12), holidays, LONDON) == 3
    assert business_days_since(sent, at("2026-01-02", 12), holidays, LONDON) == 4
    # The same dates in 2026, when Boxing Day falls on a Saturday.
    sent = at("2026-12-23", 10)
    holidays = days("2026-12-25", "2026-12-26", "2027-01-01")
    assert due_after(sent, 3, holidays, LONDON) == at("2026-12-29", 9)
    assert due_after(sent, 7, holidays, LONDON) == at("2027-01-05", 9)


def test_summer_time_ending_and_starting_keeps_nine_in_the_morning() -> None:
    # Clocks go back on Sunday 25 October 2026: sent at 10:00 BST (09:00 UTC) on Friday.
    sent = at("2026-10-23", 10)
    assert sent.utcoffset() == dt.timedelta(hours=1)
    due = due_after(sent, 3, NONE, LONDON)
    assert due == at("2026-10-28", 9)
    assert due.utcoffset() == dt.timedelta(0)
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 10, 28, 9, 0, tzinfo=dt.UTC)
    # Clocks go forward on Sunday 29 March 2026: 09:00 BST is 08:00 UTC.
    due = due_after(at("2026-03-27", 10), 3, NONE, LONDON)
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)


def test_noon_is_local_noon() -> None:
    """11:30 UTC on a summer day is 12:30 in London: the afternoon there."""
    sent = dt.datetime(2026, 6, 1, 11, 30, tzinfo=dt.UTC)  # a Monday
    assert counting_from(sent, NONE, dt.UTC) == dt.date(2026, 6, 1)
    assert counting_from(sent, NONE, LONDON) == dt.date(2026, 6, 2)
    assert due_after(sent, 3, NONE, LONDON) == at("2026-06-05", 9)


def test_business_days_since_counts_whole_days_by_date() -> None:
    sent = at("2026-11-02", 10)
    assert business_days_since(sent, at("2026-11-02", 17), NONE, LONDON) == 0
    assert business_days_since(sent, at("2026-11-03", 8), NONE, LONDON) == 1
    assert business_days_since(sent, at("2026-11-05", 8), NONE, LONDON) == 3
    assert business_days_since(sent, at("2026-11-07", 12), NONE, LONDON) == 4  # Saturday
    assert business_days_since(sent, at("2026-11-09", 12), NONE, LONDON) == 5
    assert business_days_since(sent, at("2026-10-30", 12), NONE, LONDON) == 0  # before it
    # Sent in the afternoon: the Monday is not counted.
    assert business_days_since(at("2026-11-02", 15), at("2026-11-05", 12), NONE, LONDON) == 2


_HOLIDAY_POOL = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(0, 400, 3)]


@settings(max_examples=60, deadline=None)
@given(
    sent=st.datetimes(
        min_value=dt.datetime(2026, 1, 1),
        max_value=dt.datetime(2026, 12, 31),
        timezones=st.just(LONDON),
    ),
    count=st.integers(0, 15),
    later=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=40)),
    holidays=st.frozensets(st.sampled_from(_HOLIDAY_POOL), max_size=25),
)
def test_business_days_since_agrees_with_due_after(
    sent: dt.datetime, count: int, later: dt.timedelta, holidays: frozenset[dt.date]
) -> None:
    due = due_after(sent, count, holidays, LONDON)
    local = due.astimezone(LONDON)
    assert local.time() == dt.time(9, 0)
    assert local.weekday() < 5
    assert local.date() not in holidays
    assert business_days_since(sent, due, holidays, LONDON) == count
    assert due_after(sent, count + 1, holidays, LONDON) > due
    if count:
        assert due > sent
        # Counted from any later moment: the days have passed once their day has come.
        now = sent + later
        passed = business_days_since(sent, now, holidays, LONDON)
        assert (passed >= count) == (now.astimezone(LONDON).date() >= local.date())


def test_holidays_from_a_real_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        "[follow_up]\n"
        "keep_in_touch_weeks = 10\n"
        'holidays = [2026-12-25, "2026-12-28", " 2027-01-01 ", "Boxing Day", '
        "2026-12-24T12:00:00Z, 7, 12:00:00, 2026-12-25]\n",
        encoding="utf-8",
    )
    warnings: list[str] = []
    found = load_settings(tomllib.loads(config.read_text(encoding="utf-8")), warnings)
    assert found.holidays == days("2026-12-25", "2026-12-28", "2027-01-01")
    assert found.keep_in_touch_weeks == 10
    assert len(warnings) == 1
    assert '"Boxing Day"' in warnings[0]
    assert "skipped" in warnings[0]
    assert "and more" in warnings[0]  # four bad entries, three shown


@pytest.mark.parametrize(
    ("table", "expected", "warned"),
    [
        ({}, NONE, ""),
        ({"holidays": []}, NONE, ""),
        ({"holidays": "2026-12-25"}, NONE, "should be a list of dates"),
        ({"holidays": {"a": 1}}, NONE, "should be a list of dates"),
        ({"holidays": [dt.date(2026, 12, 25), "x" * 500]}, days("2026-12-25"), "x" * 40 + '"'),
        ({"holidays": [None, True]}, NONE, "None, True"),
        ({"holidays": ["2026-02-30"]}, NONE, '"2026-02-30"'),
    ],
)
def test_read_holidays_reports_and_skips_bad_entries(
    table: dict[str, object], expected: frozenset[dt.date], warned: str
) -> None:
    warnings: list[str] = []
    assert read_holidays(table, warnings) == expected
    if warned:
        assert len(warnings) == 1
        assert warned in warnings[0]
        assert "x" * 41 not in warnings[0]  # a long entry is cut short in the message
    else:
        assert warnings == []


def test_too_many_holidays_are_cut_with_a_warning() -> None:
    many = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(1200)]
    warnings: list[str] = []
    assert len(read_holidays({"holidays": many}, warnings)) == 1000
    assert warnings == ["config: `follow_up.holidays`: only the first 1000 used"]


def test_a_follow_up_table_that_is_not_a_table_gives_no_holidays() -> None:
    warnings: list[str] = []
    assert load_settings({"follow_up": "soon"}, warnings).holidays == NONE


def test_every_day_off_for_a_month_still_ends() -> None:
    sent = at("2026-11-02", 10)
    month = frozenset(dt.date(2026, 11, 3) + dt.timedelta(days=n) for n in range(30))
    assert due_after(sent, 1, month, LONDON) == at("2026-12-03", 9)


def test_describe_day() -> None:
    assert describe_day(at("2026-11-05", 9), LONDON) == "Thu 5 Nov"
    # Late in the evening in London is already the next day in Tokyo.
    assert describe_day(at("2026-11-05", 22), ZoneInfo("Asia/Tokyo")) == "Fri 6 Nov"
