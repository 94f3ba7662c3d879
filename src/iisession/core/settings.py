"""User settings from the config file's ``[live]`` and ``[follow_up]`` tables, checked.

    [live]
    warnings = [10, 5]        # minutes before the limit for a quiet warning
    wrap_up = 5               # minutes before the limit to wrap up (at most a third of the call)
    minutes_per_question = 2  # pacing: fewer than this per must-ask means "will not fit"
    bell = false              # ring the terminal bell at warnings (off: a call is on)
    clock = "digits"          # or "minutes": time left in whole minutes, in plain text

    [follow_up]
    keep_in_touch_weeks = 12  # weeks after the last contact before keeping in touch is due
    holidays = [2026-12-25]   # days off, skipped with weekends when requests fall due

``clock = "minutes"`` is the calm clock: the time left in words ("23 min
left"), redrawn only when the minute changes, with the warnings and time up as
lines that stay on screen; "digits" (the default) is the big clock that counts
the seconds. A bad value is reported and its default used; nothing here stops
the app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .workdays import read_holidays


@dataclass(frozen=True)
class LiveSettings:
    """When the quiet warnings come, and when wrap-up starts (minutes before the limit)."""

    warnings: tuple[int, ...] = (10, 5)
    wrap_up: int = 5
    minutes_per_question: float = 2.0
    """Below this many minutes per must-ask question, pacing says they will not all fit."""
    clock: str = "digits"
    """How the countdown is shown: one of ``CLOCK_STYLES``."""


CLOCK_STYLES = ("digits", "minutes")
"""The big clock of minutes and seconds, or the time left in whole minutes."""


KEEP_IN_TOUCH_WEEKS = 12
MAX_WEEKS = 104


@dataclass(frozen=True)
class Settings:
    live: LiveSettings = field(default_factory=LiveSettings)
    bell: bool = False
    keep_in_touch_weeks: int = KEEP_IN_TOUCH_WEEKS
    """Weeks after the last contact before a keep-in-touch note is due."""
    holidays: frozenset[dt.date] = frozenset()
    """Days off besides weekends, for the business days of a request's follow-ups."""


def _follow_up_weeks(config: Mapping[str, Any], warnings: list[str]) -> int:
    table = config.get("follow_up", {})
    if not isinstance(table, dict):
        warnings.append("config: `follow_up` should be a table ([follow_up]); defaults used")
        return KEEP_IN_TOUCH_WEEKS
    weeks = table.get("keep_in_touch_weeks", KEEP_IN_TOUCH_WEEKS)
    if not _whole(weeks, 1, MAX_WEEKS):
        warnings.append(
            f"config: `follow_up.keep_in_touch_weeks` should be whole weeks from 1 to "
            f"{MAX_WEEKS}; {KEEP_IN_TOUCH_WEEKS} used"
        )
        return KEEP_IN_TOUCH_WEEKS
    return int(weeks)


def _whole(value: Any, low: int, high: int) -> bool:
    """A whole number (not a boolean) from ``low`` to ``high``."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _holidays(config: Mapping[str, Any], warnings: list[str]) -> frozenset[dt.date]:
    table = config.get("follow_up", {})
    return read_holidays(table, warnings) if isinstance(table, dict) else frozenset()


def load_settings(config: Mapping[str, Any], warnings: list[str]) -> Settings:
    weeks = _follow_up_weeks(config, warnings)
    holidays = _holidays(config, warnings)
    table = config.get("live", {})
    if not isinstance(table, dict):
        warnings.append("config: `live` should be a table ([live]); defaults used")
        return Settings(keep_in_touch_weeks=weeks, holidays=holidays)
    defaults = LiveSettings()
    points = table.get("warnings", list(defaults.warnings))
    if not (isinstance(points, list) and all(_whole(p, 1, 180) for p in points)):
        warnings.append(
            "config: `live.warnings` should be a list of minutes from 1 to 180, "
            "like [10, 5]; defaults used"
        )
        points = list(defaults.warnings)
    wrap_up = table.get("wrap_up", defaults.wrap_up)
    if not _whole(wrap_up, 1, 60):
        warnings.append("config: `live.wrap_up` should be minutes from 1 to 60; 5 used")
        wrap_up = defaults.wrap_up
    pace = table.get("minutes_per_question", defaults.minutes_per_question)
    if isinstance(pace, bool) or not isinstance(pace, int | float) or not 0 < pace <= 30:
        warnings.append("config: `live.minutes_per_question` should be 0.5 to 30; 2 used")
        pace = defaults.minutes_per_question
    bell = table.get("bell", False)
    if not isinstance(bell, bool):
        warnings.append("config: `live.bell` should be true or false; off")
        bell = False
    clock = table.get("clock", defaults.clock)
    if clock not in CLOCK_STYLES:
        warnings.append(
            'config: `live.clock` should be "digits" or "minutes"; "digits" (the default) used'
        )
        clock = defaults.clock
    live = LiveSettings(
        warnings=tuple(sorted(set(points), reverse=True)),
        wrap_up=wrap_up,
        minutes_per_question=float(pace),
        clock=clock,
    )
    return Settings(live=live, bell=bell, keep_in_touch_weeks=weeks, holidays=holidays)
