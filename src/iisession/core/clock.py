"""Time for the call: a steady clock for durations and a wall clock for records.

Durations come from CLOCK_BOOTTIME where the system has it, which keeps
counting while a laptop sleeps (CLOCK_MONOTONIC stops), and never from
counting timer ticks. Tests inject ``ManualClock`` and never sleep.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol


class Clock(Protocol):
    def steady(self) -> float:
        """Seconds from an arbitrary origin; never goes back, counts through suspend."""
        ...

    def wall(self) -> dt.datetime:
        """The current time, UTC, for the session's records."""
        ...

    def boot(self) -> str:
        """Which run of the computer ``steady`` counts in ("" if unknown): two
        readings of the same run can be subtracted, across processes too."""
        ...


def _steady_source() -> int:
    return getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC)


class SystemClock:
    """The real clocks."""

    def __init__(self) -> None:
        self._source = _steady_source()
        self._boot: str | None = None

    def steady(self) -> float:
        return time.clock_gettime(self._source)

    def wall(self) -> dt.datetime:
        # As the model keeps times: UTC, whole seconds.
        return dt.datetime.now(dt.UTC).replace(microsecond=0)

    def boot(self) -> str:
        if self._boot is None:
            self._boot = _boot_id() if self._source != time.CLOCK_MONOTONIC else ""
        return self._boot


BOOT_ID = "/proc/sys/kernel/random/boot_id"
"""Linux: a new random id each time the computer starts."""


def _boot_id() -> str:
    try:
        with open(BOOT_ID, encoding="ascii") as handle:
            return handle.read(64).strip()
    except (OSError, UnicodeDecodeError):
        return ""


class ManualClock:
    """A clock that moves only when told to: for tests."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._steady = 1000.0
        self.boot_id = "manual"
        self._wall = start or dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)

    def steady(self) -> float:
        return self._steady

    def wall(self) -> dt.datetime:
        return self._wall.astimezone(dt.UTC).replace(microsecond=0)

    def boot(self) -> str:
        return self.boot_id

    def restart_computer(self) -> None:
        """The computer starts again: steady readings from before mean nothing now."""
        self.boot_id = f"manual-{int(self._steady)}-{id(self)}"
        self._steady = 1000.0

    def advance(self, seconds: float) -> None:
        self._steady += seconds
        self._wall += dt.timedelta(seconds=seconds)

    def jump_wall(self, seconds: float) -> None:
        """The wall clock is changed (NTP, a time zone trip); steady time is not."""
        self._wall += dt.timedelta(seconds=seconds)
