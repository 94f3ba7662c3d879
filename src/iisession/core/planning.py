"""Before the call: planned times, confirmation reminders, upcoming calls, carry-over.

Planned times are typed and shown in the user's local time zone and stored
in UTC (the model's rule).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Question, Session, SessionState, clean_time, utc_now

PLANNED_FORMAT = "%Y-%m-%d %H:%M"
PLANNED_HINT = "2026-11-24 14:00, tomorrow 14:00, fri 10am"
"""Examples of what the When field takes (``when`` reads it)."""
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


def parse_planned(
    text: str, tz: dt.tzinfo | None = None, now: dt.datetime | None = None
) -> dt.datetime | None:
    """A typed local date and time as a stored (UTC) time; empty text is None.

    ``2026-11-24 14:00``, or a near day and a time (``tomorrow 14:00``, ``fri
    10am``), counted from ``now`` (the current time when not given): see
    ``when``. Raises ``ValueError`` (a ``WhenError``) saying what is wrong.
    """
    from .when import read_when

    moment = read_when(text, now if now is not None else utc_now(), tz)
    return None if moment is None else clean_time(moment)


def describe_planned(moment: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """The planned time as understood, in words: ``Friday 5 December 2026, 10:00``."""
    from .when import describe

    return describe(moment, tz)


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
    """Those not in the current list yet: what carrying over adds."""
    already: int = 0
    """Those left unasked there that the current list holds already."""


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
    found = unasked_before(earlier, name, organisation, current)
    return found if found is not None and found.questions else None


def unasked_before(
    earlier: Iterable[Session],
    name: str,
    organisation: str,
    current: Session | None = None,
) -> CarryOver | None:
    """As ``carry_over``, but also when nothing is left to add (every question
    was asked, or those that were not are in ``current`` already), so the user
    can be told which; ``None`` only when there is no earlier call held."""
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
    have = list(current.questions) if current is not None else []
    offered: list[Question] = []
    already = 0
    for q in source.questions:
        if q.asked:
            continue
        if any(_same_question(q, h) for h in have):
            already += 1
            continue
        copy = Question(
            text=q.text, topic=q.topic, bank_id=q.bank_id, priority=q.priority, closing=q.closing
        )
        offered.append(copy)
        have.append(copy)  # the same question twice there is offered once
    return CarryOver(source, reason, offered, already)


def carry_over_note(offer: CarryOver, tz: dt.tzinfo | None = None) -> str:
    """What the setup form says of an offer (there is something to add)."""
    count = len(offer.questions)
    held = (offer.source.started_at or offer.source.created).astimezone(tz)
    what = "1 question" if count == 1 else f"{count} questions"
    rest = "is not in your list: F7 adds it" if count == 1 else "are not in your list: F7 adds them"
    return f"{what} went unasked in {offer.reason} ({held:%Y-%m-%d}) and {rest}."


def carry_over_done(found: CarryOver | None) -> str:
    """What carrying over did (``found`` as it stood when asked, from ``unasked_before``)."""
    if found is None:
        return "No earlier call with this person or organisation to carry questions over from."
    count = len(found.questions)
    if count:
        what = "1 question" if count == 1 else f"{count} questions"
        return f"Added {what} from {found.reason}."
    if found.already == 1:
        return f"The question left unasked in {found.reason} is in your list already."
    if found.already:
        return (
            f"The {found.already} questions left unasked in {found.reason} "
            "are in your list already."
        )
    return f"Every question of {found.reason} was asked: nothing to carry over."
