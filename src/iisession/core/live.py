"""A live call: the countdown, the checklist and the records, free of any UI.

The live screen calls these methods and shows the results; everything that
happens goes into the session model (and its timeline), which the screen's
owner saves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .clock import Clock
from .countdown import Countdown, interruption
from .model import (
    EventKind,
    KeyPoint,
    Priority,
    Question,
    Referral,
    Session,
    SessionState,
    TimelineEvent,
)
from .settings import LiveSettings


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


@dataclass
class LiveCall:
    """The state and actions of one call."""

    session: Session
    clock: Clock
    settings: LiveSettings = field(default_factory=LiveSettings)
    countdown: Countdown = field(init=False)
    _fired: set[tuple[EventKind, int]] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.countdown = Countdown.from_timeline(
            self.session.limit_minutes, self.session.timeline, self.session.updated
        )
        stopped = interruption(self.session.timeline, self.session.updated)
        if stopped is not None:
            # The app closed with the clock running: the time until it is resumed
            # is not call time, so the timeline says where it stopped.
            self.session.timeline.append(TimelineEvent(EventKind.PAUSED, stopped))
        # Points already passed in an earlier run of the app are not said again.
        self._rearm(self.remaining())

    # --- the clock ------------------------------------------------------------

    def now(self) -> float:
        return self.clock.steady()

    def elapsed(self) -> float:
        return self.countdown.elapsed(self.now())

    def remaining(self) -> float:
        return self.countdown.remaining(self.now())

    def _record(self, kind: EventKind, minutes: int = 0) -> None:
        self.session.timeline.append(TimelineEvent(kind, self.clock.wall(), minutes))

    def toggle_clock(self) -> str:
        """Start, pause or resume; returns what happened, for the user."""
        now = self.now()
        if self.countdown.running:
            self.countdown.pause(now)
            self._record(EventKind.PAUSED)
            return "Clock paused"
        kind = EventKind.RESUMED if self.countdown.started else EventKind.STARTED
        if self.session.state is SessionState.ENDED:
            kind = EventKind.REOPENED
        self.countdown.start(now)
        self.session.state = SessionState.LIVE
        self._record(kind)
        return "Clock started" if kind is EventKind.STARTED else "Clock running again"

    def extend(self, minutes: int) -> None:
        self.countdown.extend(minutes * 60)
        self._record(EventKind.EXTENDED, minutes)
        self._rearm(self.remaining())

    def _points(self) -> list[tuple[EventKind, int]]:
        points = [(EventKind.WARNED, m) for m in self.settings.warnings]
        points = [p for p in points if p[1] != self.settings.wrap_up]
        points.append((EventKind.WRAP_UP, self.settings.wrap_up))
        points.append((EventKind.TIME_UP, 0))
        return points

    def _rearm(self, remaining: float) -> None:
        """Points still ahead may fire; points behind are marked as said."""
        self._fired = {p for p in self._points() if remaining <= p[1] * 60}

    def tick(self) -> list[Alert]:
        """Call often (say once a second): returns the alerts that are now due."""
        if not self.countdown.started:
            return []
        remaining = self.remaining()
        alerts: list[Alert] = []
        for point in sorted(self._points(), key=lambda p: -p[1]):
            kind, minutes = point
            if point in self._fired or remaining > minutes * 60:
                continue
            self._fired.add(point)
            self._record(kind, minutes)
            alerts.append(Alert(kind, minutes, self._message(kind, minutes)))
        return alerts

    def _message(self, kind: EventKind, minutes: int) -> str:
        if kind is EventKind.TIME_UP:
            return "Time is up. Thank them and offer to end the call."
        if kind is EventKind.WRAP_UP:
            moved = self.closing_first()
            text = f"{minutes} minutes left: time to wrap up."
            if moved:
                text += " Closing questions moved to the top."
            if not self.session.referrals:
                text += " No referral captured yet: ask who else you should talk to."
            return text
        return f"{minutes} minutes left."

    @property
    def wrapping_up(self) -> bool:
        return self.countdown.started and self.remaining() <= self.settings.wrap_up * 60

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
        """How the must-ask questions fit in the time before wrap-up."""
        left = [q for q in self.session.questions if q.priority is Priority.MUST and not q.asked]
        if not left:
            return "All must-ask questions asked"
        minutes = (self.remaining() - self.settings.wrap_up * 60) / 60
        count = f"{len(left)} must-ask left"
        if minutes <= 0:
            return f"{count}, and it is wrap-up time"
        each = minutes / len(left)
        if each < self.settings.minutes_per_question:
            return f"{count}, {minutes:.0f} min: they will not all fit, choose"
        return f"{count}, about {each:.0f} min each"

    # --- notes and referrals ------------------------------------------------

    def key_point(self, text: str) -> KeyPoint:
        point = KeyPoint(text=text, at=self.clock.wall(), call_seconds=int(self.elapsed()))
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
        questions = self.session.questions
        elapsed = self.countdown.elapsed(now)
        return Summary(
            asked=sum(q.asked for q in questions),
            total=len(questions),
            must_missed=[q.text for q in questions if q.priority is Priority.MUST and not q.asked],
            referrals=len(self.session.referrals),
            elapsed_seconds=elapsed,
            overtime_seconds=max(0.0, elapsed - self.countdown.limit_seconds),
        )
