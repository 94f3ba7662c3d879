"""User settings from the config file's ``[live]`` table, checked.

    [live]
    warnings = [10, 5]        # minutes before the limit for a quiet warning
    wrap_up = 5               # minutes before the limit to wrap up
    minutes_per_question = 2  # pacing: fewer than this per must-ask means "will not fit"
    bell = false              # ring the terminal bell at warnings (off: a call is on)

A bad value is reported and its default used; nothing here stops the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LiveSettings:
    """When the quiet warnings come, and when wrap-up starts (minutes before the limit)."""

    warnings: tuple[int, ...] = (10, 5)
    wrap_up: int = 5
    minutes_per_question: float = 2.0
    """Below this many minutes per must-ask question, pacing says they will not all fit."""


@dataclass(frozen=True)
class Settings:
    live: LiveSettings = field(default_factory=LiveSettings)
    bell: bool = False


def _minutes(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def load_settings(config: Mapping[str, Any], warnings: list[str]) -> Settings:
    table = config.get("live", {})
    if not isinstance(table, dict):
        warnings.append("config: `live` should be a table ([live]); defaults used")
        return Settings()
    defaults = LiveSettings()
    points = table.get("warnings", list(defaults.warnings))
    if not (isinstance(points, list) and all(_minutes(p, 1, 180) for p in points)):
        warnings.append(
            "config: `live.warnings` should be a list of minutes from 1 to 180, "
            "like [10, 5]; defaults used"
        )
        points = list(defaults.warnings)
    wrap_up = table.get("wrap_up", defaults.wrap_up)
    if not _minutes(wrap_up, 1, 60):
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
    live = LiveSettings(
        warnings=tuple(sorted(set(points), reverse=True)),
        wrap_up=wrap_up,
        minutes_per_question=float(pace),
    )
    return Settings(live=live, bell=bell)
