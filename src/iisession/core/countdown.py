"""The call's countdown: elapsed time against an agreed (and extendable) limit.

Pure arithmetic on a steady clock reading passed in by the caller. After a
restart it is rebuilt from the session's clock mark (``from_session``), or
for older files from the wall times of its timeline.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .call_time import call_seconds, clock_text, format_call_time
from .model import EventKind, TimelineEvent

if TYPE_CHECKING:
    from .clock import Clock
    from .model import ClockMark, Session


@dataclass
class Countdown:
    """Elapsed call time, excluding pauses, against ``limit_seconds``."""

    limit_seconds: float
    banked: float = 0.0
    """Seconds elapsed in runs that have ended (by a pause)."""
    run_started: float | None = None
    """Steady-clock reading when the current run began; None while stopped."""
    ever_started: bool = False
    """Started at some point (a run shorter than a second still counts)."""

    @property
    def running(self) -> bool:
        return self.run_started is not None

    @property
    def started(self) -> bool:
        return self.ever_started

    def start(self, now: float) -> None:
        self.ever_started = True
        if self.run_started is None:
            self.run_started = now

    def pause(self, now: float) -> None:
        if self.run_started is not None:
            self.banked += max(0.0, now - self.run_started)
            self.run_started = None

    def extend(self, seconds: float) -> None:
        self.limit_seconds += seconds

    def take_back(self, seconds: float) -> None:
        """Undo part of an extension; the caller keeps the limit where it may be."""
        self.limit_seconds -= seconds

    def elapsed(self, now: float) -> float:
        if self.run_started is None:
            return self.banked
        return self.banked + max(0.0, now - self.run_started)

    def remaining(self, now: float) -> float:
        """Seconds left; negative once the limit has passed (overtime)."""
        return self.limit_seconds - self.elapsed(now)

    @classmethod
    def from_timeline(
        cls,
        limit_minutes: int,
        timeline: list[TimelineEvent],
        interrupted_at: dt.datetime | None = None,
    ) -> Countdown:
        """Rebuild the countdown of a call from its timeline, stopped.

        Runs are measured between the recorded wall times. A call that was
        still running when the app was closed or crashed is taken to have
        stopped at ``interrupted_at`` (say, the session's last save) or at its
        last record, whichever is later; the caller decides whether to resume.
        """
        clock = cls(limit_minutes * 60.0)
        run_from: dt.datetime | None = None
        last_seen = interrupted_at
        for event in timeline:
            if last_seen is None or event.at > last_seen:
                last_seen = event.at
            if event.kind in (EventKind.STARTED, EventKind.RESUMED, EventKind.REOPENED):
                clock.ever_started = True
                if run_from is None:
                    run_from = event.at
            elif event.kind in (EventKind.PAUSED, EventKind.ENDED):
                if run_from is not None:
                    clock.banked += max(0.0, (event.at - run_from).total_seconds())
                    run_from = None
            elif event.kind is EventKind.EXTENDED:
                clock.extend(event.minutes * 60.0)
        if run_from is not None and last_seen is not None:
            clock.banked += max(0.0, (last_seen - run_from).total_seconds())
        return clock


def from_session(session: Session) -> Countdown:
    """The countdown of a session's call, stopped, as it stood when last saved.

    The time used comes from the clock mark (steady-clock time, kept on every
    save) where there is one; files without one are measured between the
    timeline's wall times.
    """
    clock = Countdown.from_timeline(session.limit_minutes, session.timeline, session.updated)
    if session.clock is not None:
        clock.banked = session.clock.used_seconds
        clock.ever_started = clock.ever_started or session.clock.used_seconds > 0
    return clock


RAN_ON_SECONDS = 10 * 60.0
"""A call left running is taken to have gone on while iisession was closed, if
it was closed for no longer than this (a crash, a restart). Longer, or a gap
that cannot be measured, and the user is asked."""


def closed_for(session: Session, clock: Clock) -> float | None:
    """How long iisession was closed with the session's clock running, measured
    on the steady clock; None if it was not running, or that cannot be known
    (no mark, another run of the computer)."""
    mark = session.clock
    if mark is None or not mark.running or interruption(session.timeline) is None:
        return None
    return since_mark(mark, clock)


def since_mark(mark: ClockMark, clock: Clock) -> float | None:
    """Seconds since ``mark`` on the steady clock, if it is the same run of the
    computer's (else None: only the wall clock could say, and it can be wrong)."""
    boot = clock.boot()
    if not boot or boot != mark.boot:
        return None
    gap = clock.steady() - mark.steady
    return gap if gap >= 0 else None


def interruption(
    timeline: list[TimelineEvent], interrupted_at: dt.datetime | None = None
) -> dt.datetime | None:
    """When a call left running (the app closed or crashed) stopped, else None.

    That is the later of ``interrupted_at`` and the last record, as in
    ``Countdown.from_timeline``.
    """
    running = False
    last_seen = interrupted_at
    for event in timeline:
        if last_seen is None or event.at > last_seen:
            last_seen = event.at
        if event.kind in (EventKind.STARTED, EventKind.RESUMED, EventKind.REOPENED):
            running = True
        elif event.kind in (EventKind.PAUSED, EventKind.ENDED):
            running = False
    return last_seen if running else None


def format_clock(seconds: float) -> str:
    """The countdown: ``12:34`` left (rounded up); ``1:02:03`` past an hour;
    ``+2:15 over`` in overtime (a call time: rounded down, as ``format_call_time``)."""
    if seconds < 0:
        return f"+{format_call_time(-seconds)} over"
    return clock_text(math.ceil(seconds))


def format_minutes_left(seconds: float) -> str:
    """The calm clock, in whole minutes: ``23 min left``, ``less than a minute
    left``, ``time is up``, ``time is up, 2 min over``.

    The minutes are those of the countdown (``format_clock``) with the seconds
    left off: ``23 min left`` while it shows ``23:59`` down to ``23:00``, so the
    words change once a minute, as the digits leave a whole minute. Time is up
    at the limit; the minutes over are those completed.
    """
    if seconds > 0:
        whole = math.ceil(seconds) // 60
        return f"{whole} min left" if whole else "less than a minute left"
    over = call_seconds(-seconds) // 60
    return f"time is up, {over} min over" if over else "time is up"
