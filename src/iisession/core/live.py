"""A live call: the countdown, the checklist and the records, free of any UI.

The live screen calls these methods and shows the results; everything that
happens goes into the session model (and its timeline), which the screen's
owner saves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .call_time import call_seconds
from .clock import Clock
from .countdown import (
    RAN_ON_SECONDS,
    Countdown,
    closed_for,
    from_session,
    interruption,
    since_mark,
)
from .model import (
    ClockMark,
    EventKind,
    KeyPoint,
    Priority,
    Question,
    Referral,
    Reply,
    Session,
    SessionState,
    TimelineEvent,
)
from .settings import LiveSettings


class NotApplicable(ValueError):
    """An action that does not apply to the call as it stands (the screen
    offers only those that do, so this is a slip of the caller's)."""


@dataclass(frozen=True)
class Moment:
    """A point in the call, as its records keep it."""

    at: dt.datetime
    """The wall time."""
    call_seconds: int
    """The call time (pauses excluded), in whole seconds."""


@dataclass(frozen=True)
class Alert:
    """Something the countdown says once: a warning, wrap-up, or time up."""

    kind: EventKind
    minutes: int
    message: str


@dataclass(frozen=True)
class Summary:
    """What the call came to, shown when it ends."""

    asked: int
    total: int
    must_missed: list[str]
    referrals: int
    elapsed_seconds: float
    overtime_seconds: float
    practice: bool = False
    """A rehearsal: nobody to thank, nothing to follow up."""


@dataclass
class LiveCall:
    """The state and actions of one call."""

    session: Session
    clock: Clock
    settings: LiveSettings = field(default_factory=LiveSettings)
    read_only: bool = False
    """The session is another window's: shown as it is, never changed here."""
    countdown: Countdown = field(init=False)
    _fired: set[tuple[EventKind, int]] = field(init=False, default_factory=set)

    ran_on: float | None = field(init=False, default=None)
    """Seconds the clock was counted on while iisession was closed (a crash,
    a restart), for the user to be told; None if it was not running."""
    stopped_at: dt.datetime | None = field(init=False, default=None)
    """iisession closed with the clock running this long ago or longer, or the
    gap cannot be measured: the clock is paused there until the user says
    whether the call went on (``went_on``)."""
    _pause: TimelineEvent | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        session = self.session
        self.countdown = from_session(session)
        stopped = interruption(session.timeline, session.updated)
        if stopped is not None and not self.ended and not self.read_only:
            gap = closed_for(session, self.clock)
            if gap is not None and gap <= RAN_ON_SECONDS:
                # The conversation went on while the app was down: so does the clock.
                self.countdown.banked += gap
                self.countdown.start(self.now())
                self.ran_on = gap
            else:
                # Whether the call went on cannot be known: paused where it
                # stopped until the user says (the screen asks).
                if session.clock is not None and session.clock.running:
                    stopped = session.clock.at
                self._pause = TimelineEvent(EventKind.PAUSED, stopped)
                session.timeline.append(self._pause)
                self.stopped_at = stopped
        # Points already passed in an earlier run of the app are not said again.
        self._rearm(self.remaining())

    def went_on(self) -> str:
        """The user says the call went on while iisession was closed: count
        the time since it stopped, and run the clock."""
        if self.stopped_at is None or self._pause is None or self.countdown.running:
            raise NotApplicable("the clock did not stop with iisession")
        mark = self.session.clock
        gap = since_mark(mark, self.clock) if mark is not None and mark.running else None
        if gap is None:  # another run of the computer: only the wall clock can say
            gap = max(0.0, (self.clock.wall() - self.stopped_at).total_seconds())
        if self._pause in self.session.timeline:
            self.session.timeline.remove(self._pause)
        self.countdown.banked += gap
        self.countdown.start(self.now())
        self.stopped_at = self._pause = None
        self.mark()
        self._rearm(self.remaining())
        counted = _minutes(gap / 60, nearest=True)
        return f"Clock running: {counted} counted for the time iisession was closed"

    def mark(self) -> None:
        """Keep the clock's state in the session (saved with it, and journaled
        between saves), so a crash or a restart loses none of it."""
        if self.read_only:
            return
        self.session.clock = ClockMark(
            used_seconds=self.elapsed(),
            running=self.countdown.running,
            at=self.clock.wall(),
            boot=self.clock.boot(),
            steady=self.now(),
        )

    # --- the clock ------------------------------------------------------------

    def now(self) -> float:
        return self.clock.steady()

    def elapsed(self) -> float:
        return self.countdown.elapsed(self.now())

    def remaining(self) -> float:
        return self.countdown.remaining(self.now())

    def _record(self, kind: EventKind, minutes: int = 0) -> None:
        self.session.timeline.append(TimelineEvent(kind, self.clock.wall(), minutes))
        self.mark()

    @property
    def ended(self) -> bool:
        """The call is over. Its notes and referrals can still be finished; its
        clock runs again only if the call is reopened (``reopen``)."""
        return self.session.state is SessionState.ENDED

    def toggle_clock(self) -> str:
        """Start, pause or resume; returns what happened, for the user.

        Never on an ended call: a key pressed out of habit while finishing the
        notes must not reopen it. That takes ``reopen``, once the user said so.
        """
        if self.ended:
            raise NotApplicable("the call has ended: reopen it to run the clock again")
        now = self.now()
        if self.countdown.running:
            self.countdown.pause(now)
            self._record(EventKind.PAUSED)
            return "Clock paused"
        kind = EventKind.RESUMED if self.countdown.started else EventKind.STARTED
        self.countdown.start(now)
        self.session.state = SessionState.LIVE
        self._record(kind)
        request = self.session.request
        if request is not None and request.reply is not Reply.AGREED:
            # The call is happening: whatever the request's record said, they agreed.
            request.reply = Reply.AGREED
            request.replied_at = request.replied_at or self.clock.wall()
        return "Clock started" if kind is EventKind.STARTED else "Clock running again"

    def reopen(self) -> str:
        """Go on with an ended call: the clock runs again from the time used."""
        if not self.ended:
            raise NotApplicable("only an ended call can be reopened")
        self.countdown.start(self.now())
        self.session.state = SessionState.LIVE
        self._record(EventKind.REOPENED)
        # A point the clock passed before the call ended is not said now.
        self._rearm(self.remaining())
        return "Call reopened: the clock runs again"

    def extend(self, minutes: int) -> None:
        if self.ended:
            raise NotApplicable("the call has ended: its limit no longer changes")
        self.countdown.extend(minutes * 60)
        self._record(EventKind.EXTENDED, minutes)
        self._rearm(self.remaining())

    def most_to_take_back(self) -> int:
        """Whole minutes of extension that can be taken back now: the limit
        never goes below the one agreed, nor below the time already used."""
        if self.ended:
            return 0
        floor = max(self.session.limit_minutes * 60.0, self.elapsed())
        return max(0, int((self.countdown.limit_seconds - floor) // 60))

    def take_back(self, minutes: int) -> None:
        """Take back ``minutes`` of an extension (one typed wrong, say).

        It is kept as an ``extended`` event of minus ``minutes``, which every
        version of the file format reads. Points the limit now puts behind (a
        warning, wrap-up) count as said: the clock is in sight, and wrap-up
        (closing questions moved up) must not come twice.
        """
        most = self.most_to_take_back()
        if not 1 <= minutes <= most:
            raise NotApplicable(f"{minutes} min cannot be taken back (at most {most})")
        self.countdown.take_back(minutes * 60)
        self._record(EventKind.EXTENDED, -minutes)
        self._fired |= {p for p in self._points() if self.remaining() <= p[1] * 60}

    def wrap_up_minutes(self) -> int:
        """How long before the limit wrap-up starts: the setting (``live.wrap_up``),
        but never more than a third of the call (and at least a minute), so a
        short call has most of its time for its questions: 5 minutes of a
        30-minute call, 1 of a 5-minute one. Extensions count."""
        third = int(self.countdown.limit_seconds // 60) // 3
        return max(1, min(self.settings.wrap_up, third))

    def _points(self) -> list[tuple[EventKind, int]]:
        wrap_up = self.wrap_up_minutes()
        within = self.countdown.limit_seconds / 60
        points = [(EventKind.WARNED, m) for m in self.settings.warnings if m < within]
        points = [p for p in points if p[1] != wrap_up]
        points.append((EventKind.WRAP_UP, wrap_up))
        points.append((EventKind.TIME_UP, 0))
        return points

    def _rearm(self, remaining: float) -> None:
        """Points still ahead may fire; points behind are marked as said."""
        self._fired = {p for p in self._points() if remaining <= p[1] * 60}

    def tick(self) -> list[Alert]:
        """Call often (say once a second): returns the alerts that are now due
        (none once the call has ended: its time is over and done with)."""
        if not self.countdown.started or self.ended:
            return []
        if self.countdown.running:
            self.mark()
        remaining = self.remaining()
        due = [p for p in self._points() if p not in self._fired and remaining <= p[1] * 60]
        alerts: list[Alert] = []
        for point in sorted(due, key=lambda p: -p[1]):  # nearly always none
            kind, minutes = point
            self._fired.add(point)
            self._record(kind, minutes)
            alerts.append(Alert(kind, minutes, self._message(kind, minutes)))
        return alerts

    def _message(self, kind: EventKind, minutes: int) -> str:
        if kind is EventKind.TIME_UP:
            return "Time is up. Thank them and offer to end the call."
        if kind is EventKind.WRAP_UP:
            moved = self.closing_first()
            text = f"{_minutes_left(minutes)}: time to wrap up."
            if moved:
                text += " Closing questions moved to the top."
            if not self.session.referrals:
                text += " No referral captured yet: ask who else you should talk to."
            return text
        return f"{_minutes_left(minutes)}."

    def standing(self) -> tuple[EventKind, int] | None:
        """The last point the countdown has passed (a warning, wrap-up, time
        up): it holds until the next one, so it can stay in view. None before
        the first, and once the call has ended."""
        passed = self.passed()
        return passed[-1] if passed else None

    def passed(self) -> list[tuple[EventKind, int]]:
        """Every point the countdown has passed, in the order it passed them
        (warnings, wrap-up, time up), for a clock that keeps them all in view.
        Empty before the clock starts and once the call has ended; a point an
        extension puts ahead again is no longer passed."""
        if not self.countdown.started or self.ended:
            return []
        remaining = self.remaining()
        passed = [p for p in self._points() if remaining <= p[1] * 60]
        return sorted(passed, key=lambda p: -p[1])

    @property
    def wrapping_up(self) -> bool:
        return self.countdown.started and self.remaining() <= self.wrap_up_minutes() * 60

    # --- the checklist -------------------------------------------------------

    def current(self) -> Question | None:
        """The next question to ask: the first one not asked yet."""
        return next((q for q in self.session.questions if not q.asked), None)

    def mark_asked_and_next(self) -> Question | None:
        """Tick the current question; returns the one that follows, if any."""
        question = self.current()
        if question is not None:
            question.asked_at = self.clock.wall()
        return self.current()

    def set_asked(self, question: Question, asked: bool) -> None:
        question.asked_at = self.clock.wall() if asked else None

    def move(self, question: Question, offset: int) -> None:
        questions = self.session.questions
        index = questions.index(question)
        target = max(0, min(len(questions) - 1, index + offset))
        questions.insert(target, questions.pop(index))

    def add_question(self, text: str, must: bool = False) -> Question:
        """A question added live goes before the closing ones that are still unasked."""
        question = Question(text=text, priority=Priority.MUST if must else Priority.IF_TIME)
        questions = self.session.questions
        at = next((i for i, q in enumerate(questions) if q.closing and not q.asked), len(questions))
        questions.insert(at, question)
        return question

    def toggle_must(self, question: Question) -> None:
        question.priority = (
            Priority.IF_TIME if question.priority is Priority.MUST else Priority.MUST
        )

    def toggle_star(self, question: Question) -> None:
        question.starred = not question.starred

    def closing_first(self) -> bool:
        """Bring unasked closing questions to the top; True if the order changed."""
        questions = self.session.questions
        closing = [q for q in questions if q.closing and not q.asked]
        rest = [q for q in questions if not (q.closing and not q.asked)]
        reordered = closing + rest
        if reordered == questions:
            return False
        questions[:] = reordered
        return True

    def pacing(self) -> str:
        """How the must-ask questions fit in the time before wrap-up, in plain
        words; nothing before the clock starts or once the call has ended."""
        if not self.countdown.started or self.ended:
            return ""
        left = [q for q in self.session.questions if q.priority is Priority.MUST and not q.asked]
        if not left:
            return "All must-ask questions asked"
        minutes = (self.remaining() - self.wrap_up_minutes() * 60) / 60
        count = len(left)
        each = minutes / count
        if count == 1:
            if each < self.settings.minutes_per_question:
                return "1 must-ask left: ask it now"
            return f"1 must-ask left, about {_minutes(minutes)} for it"
        if minutes <= 0:
            return f"{count} must-ask left and it is wrap-up time: ask the one that matters most"
        if each < self.settings.minutes_per_question:
            return (
                f"{count} must-ask left, {_minutes(minutes)} before wrap-up: "
                "they will not all fit, choose"
            )
        return f"{count} must-ask left, about {_minutes(each, nearest=True)} each"

    # --- notes and referrals ------------------------------------------------

    def moment(self) -> Moment:
        """Now, as the call's records keep it."""
        return Moment(self.clock.wall(), call_seconds(self.elapsed()))

    def key_point(self, text: str, when: Moment | None = None) -> KeyPoint:
        """Note ``text`` at ``when``: the moment it was asked for (the key
        pressed, not the typing done), or now."""
        when = when or self.moment()
        point = KeyPoint(text=text, at=when.at, call_seconds=when.call_seconds)
        self.session.key_points.append(point)
        return point

    def add_referral(self, referral: Referral) -> None:
        self.session.referrals.append(referral)

    def remove_referral(self, referral: Referral) -> None:
        self.session.referrals.remove(referral)

    # --- the end ---------------------------------------------------------------

    def end(self) -> Summary:
        now = self.now()
        if self.session.state is not SessionState.ENDED:
            self.countdown.pause(now)
            self._record(EventKind.ENDED)
            self.session.state = SessionState.ENDED
            # The call's length is now what its records hold, as every list and
            # document will show it: the steady clock's fraction of a second
            # must not make the summary differ from them.
            self.countdown = from_session(self.session)
        questions = self.session.questions
        elapsed = self.countdown.elapsed(now)
        return Summary(
            asked=sum(q.asked for q in questions),
            total=len(questions),
            must_missed=[q.text for q in questions if q.priority is Priority.MUST and not q.asked],
            referrals=len(self.session.referrals),
            elapsed_seconds=elapsed,
            overtime_seconds=max(0.0, elapsed - self.countdown.limit_seconds),
            practice=self.session.practice,
        )


def passed_text(kind: EventKind, minutes: int) -> str:
    """A point passed, as a line that stays on the calm clock: plain words."""
    if kind is EventKind.TIME_UP:
        return "Time is up: thank them and offer to end the call."
    if kind is EventKind.WRAP_UP:
        return f"Wrap up now ({minutes} min before the limit): time for the closing questions."
    return f"{minutes}-minute warning."


def _minutes(minutes: float, *, nearest: bool = False) -> str:
    """``12 min``, or ``under a minute``: time left rounded down (it is not there
    yet), an estimate (``nearest``) to the nearest minute."""
    if minutes < 1:
        return "under a minute"
    return f"{int(minutes + 0.5) if nearest else int(minutes)} min"


def _minutes_left(minutes: int) -> str:
    return f"{minutes} minute{'' if minutes == 1 else 's'} left"
