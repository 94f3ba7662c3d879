"""Before the call: planned times, confirmation reminders, upcoming calls, carry-over.

Planned times are typed and shown in the user's local time zone and stored
in UTC (the model's rule).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Question, Session, SessionState, clean_time

PLANNED_FORMAT = "%Y-%m-%d %H:%M"
PLANNED_HINT = "YYYY-MM-DD HH:MM, like 2026-11-24 14:00"
CONFIRM_BEFORE = dt.timedelta(hours=48)
"""Confirm a planned call about this long before it."""

LIMIT_MIN, LIMIT_MAX = 5, 180
NORM_MIN, NORM_MAX = 30, 60


def limit_problem(minutes: int) -> str | None:
    """Why a call limit is refused, or None if it is allowed."""
    if not LIMIT_MIN <= minutes <= LIMIT_MAX:
        return f"the limit must be {LIMIT_MIN} to {LIMIT_MAX} minutes (most calls are 30 to 60)"
    return None


def check_limit(text: str) -> tuple[int | None, str]:
    """Read a typed limit: (minutes, "") or (None, why it is refused).

    An allowed limit outside the usual 30-60 comes back with a gentle note
    as the second item.
    """
    text = text.strip()
    try:
        minutes = int(text)
    except ValueError:
        shown = f"{text!r} is not" if text else "enter"
        return None, f"{shown} a whole number of minutes, from {LIMIT_MIN} to {LIMIT_MAX}"
    problem = limit_problem(minutes)
    if problem:
        return None, problem
    if minutes < NORM_MIN:
        return minutes, f"{minutes} minutes is short: fine for a quick phone call"
    if minutes > NORM_MAX:
        return minutes, f"{minutes} minutes is longer than most (30 to 60): fine if they offered"
    return minutes, ""


def parse_planned(text: str, tz: dt.tzinfo | None = None) -> dt.datetime | None:
    """A typed local date and time as a stored (UTC) time; empty text is None.

    Raises ``ValueError`` with a message saying what to type.
    """
    text = " ".join(text.split())
    if not text:
        return None
    try:
        naive = dt.datetime.strptime(text, PLANNED_FORMAT)
    except ValueError:
        raise ValueError(f"use {PLANNED_HINT}") from None
    local = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    return clean_time(local)


def format_planned(moment: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    """A stored time as the form shows it (local time), or empty."""
    return "" if moment is None else moment.astimezone(tz).strftime(PLANNED_FORMAT)


def describe_when(moment: dt.datetime, now: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """``Tue 24 Nov 14:00`` with ``today``/``tomorrow`` where that is clearer."""
    local = moment.astimezone(tz)
    days = (local.date() - now.astimezone(tz).date()).days
    day = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(days, f"{local:%a %d %b %Y}")
    return f"{day} {local:%H:%M}"


def confirmation(session: Session, now: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """What to do about confirming a planned call, or "" when nothing is due."""
    when = session.planned_at
    if session.state is not SessionState.PLANNED or when is None or session.practice:
        return ""
    if session.confirmed_at is not None:
        return "confirmed"
    if now >= when:
        return ""
    due = when - CONFIRM_BEFORE
    if now >= due:
        return "confirm it now (the call is within 48 hours)"
    return f"confirm it {describe_when(due, now, tz)}"


def upcoming(sessions: Iterable[Session], now: dt.datetime) -> list[Session]:
    """Calls not yet held: dated ones soonest first (past dates included), then undated."""
    planned = [s for s in sessions if s.state is SessionState.PLANNED and not s.practice]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(planned, key=lambda s: (s.planned_at or far, s.created))


@dataclass
class CarryOver:
    """Questions not asked in an earlier call with the same person or organisation."""

    source: Session
    reason: str
    questions: list[Question]


def _held_at(session: Session) -> dt.datetime:
    return session.started_at or session.planned_at or session.created


def _same_question(a: Question, b: Question) -> bool:
    if a.bank_id and a.bank_id == b.bank_id:
        return True
    return a.text.strip().casefold() == b.text.strip().casefold()


def carry_over(
    earlier: Iterable[Session],
    name: str,
    organisation: str,
    current: Session | None = None,
) -> CarryOver | None:
    """The last held call with this person (else this organisation), and what went unasked.

    Questions already in ``current`` are left out; ``None`` when there is
    nothing to offer.
    """
    name_key = name.strip().casefold()
    org_key = organisation.strip().casefold()
    held = [
        s
        for s in earlier
        if s.started_at is not None and not s.practice and (current is None or s.id != current.id)
    ]
    held.sort(key=_held_at, reverse=True)
    source, reason = None, ""
    if name_key:
        source = next((s for s in held if s.person.name.strip().casefold() == name_key), None)
        reason = f"your last call with {name.strip()}"
    if source is None and org_key:
        source = next(
            (s for s in held if s.person.organisation.strip().casefold() == org_key), None
        )
        reason = f"your last call at {organisation.strip()}"
    if source is None:
        return None
    have = current.questions if current is not None else []
    offered = [
        Question(
            text=q.text,
            topic=q.topic,
            bank_id=q.bank_id,
            priority=q.priority,
            closing=q.closing,
        )
        for q in source.questions
        if not q.asked and not any(_same_question(q, h) for h in have)
    ]
    if not offered:
        return None
    return CarryOver(source, reason, offered)
