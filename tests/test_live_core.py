"""The live call's logic with an injected clock: no sleeping, exact points."""

from __future__ import annotations

import datetime as dt

import pytest

from iisession.core.autosave import AutosavePolicy, SaveTracker
from iisession.core.clock import ManualClock, SystemClock
from iisession.core.countdown import Countdown, format_clock
from iisession.core.live import LiveCall
from iisession.core.model import (
    EventKind,
    Priority,
    Question,
    Referral,
    Session,
    SessionState,
    TimelineEvent,
)
from iisession.core.settings import LiveSettings


def call(limit: int = 30, questions: list[Question] | None = None) -> tuple[LiveCall, ManualClock]:
    clock = ManualClock()
    session = Session(limit_minutes=limit, questions=questions or [])
    return LiveCall(session, clock), clock


def kinds(live: LiveCall) -> list[str]:
    return [
        f"{e.kind.value}{':' + str(e.minutes) if e.minutes else ''}" for e in live.session.timeline
    ]


def test_clock_starts_only_when_asked() -> None:
    live, clock = call()
    clock.advance(120)  # the other person is late
    assert live.remaining() == 30 * 60
    assert live.tick() == []
    assert live.toggle_clock() == "Clock started"
    assert live.session.state is SessionState.LIVE
    clock.advance(61)
    assert live.remaining() == 30 * 60 - 61
    assert format_clock(live.remaining()) == "28:59"


def test_pause_resume_and_extend_go_into_the_timeline() -> None:
    live, clock = call()
    live.toggle_clock()
    clock.advance(300)
    assert live.toggle_clock() == "Clock paused"
    clock.advance(600)  # a phone rang
    assert live.elapsed() == 300
    assert live.toggle_clock() == "Clock running again"
    clock.advance(60)
    live.extend(10)
    assert live.remaining() == 40 * 60 - 360
    assert kinds(live) == ["started", "paused", "resumed", "extended:10"]
    assert live.session.timeline[1].at - live.session.timeline[0].at == dt.timedelta(seconds=300)


def test_warnings_exactly_at_their_points_then_wrap_up_then_time_up() -> None:
    closing = Question(text="Who else should I talk to?", closing=True)
    first = Question(text="What is a typical week?", priority=Priority.MUST)
    live, clock = call(30, [first, Question(text="Travel?"), closing])
    live.toggle_clock()
    clock.advance(20 * 60 - 1)
    assert live.tick() == []
    clock.advance(1)  # exactly 10:00 left
    [warning] = live.tick()
    assert (warning.kind, warning.minutes, warning.message) == (
        EventKind.WARNED,
        10,
        "10 minutes left.",
    )
    assert live.tick() == []  # said once
    clock.advance(5 * 60)
    [wrap] = live.tick()
    assert wrap.kind is EventKind.WRAP_UP
    assert "Closing questions moved to the top" in wrap.message
    assert "No referral captured yet" in wrap.message
    assert live.session.questions[0] is closing
    assert live.wrapping_up
    clock.advance(5 * 60)
    [up] = live.tick()
    assert up.kind is EventKind.TIME_UP
    clock.advance(135)
    assert format_clock(live.remaining()) == "+2:15 over"
    assert kinds(live) == ["started", "warned:10", "wrap-up:5", "time-up"]


def test_wrap_up_with_a_referral_says_nothing_about_referrals() -> None:
    live, clock = call(10)
    live.add_referral(Referral(name="Priya"))
    live.toggle_clock()
    clock.advance(5 * 60)
    [wrap] = live.tick()
    assert "referral" not in wrap.message


def test_custom_warning_points() -> None:
    clock = ManualClock()
    live = LiveCall(Session(limit_minutes=20), clock, LiveSettings(warnings=(15, 2), wrap_up=3))
    live.toggle_clock()
    seen = []
    for _ in range(20 * 60):
        clock.advance(1)
        seen += [(a.kind, a.minutes, int(live.remaining())) for a in live.tick()]
    assert seen == [
        (EventKind.WARNED, 15, 900),
        (EventKind.WRAP_UP, 3, 180),
        (EventKind.WARNED, 2, 120),
        (EventKind.TIME_UP, 0, 0),
    ]


def test_extending_rearms_points_still_ahead() -> None:
    live, clock = call(30)
    live.toggle_clock()
    clock.advance(26 * 60)
    assert [a.kind for a in live.tick()] == [EventKind.WARNED, EventKind.WRAP_UP]
    live.extend(15)  # they offered more time: 19 min left
    assert live.tick() == []
    clock.advance(9 * 60)
    assert [a.minutes for a in live.tick()] == [10]


def test_a_jump_of_the_wall_clock_does_not_move_the_countdown() -> None:
    live, clock = call(30)
    live.toggle_clock()
    clock.advance(60)
    clock.jump_wall(-3600)  # the system clock is set back an hour
    assert live.remaining() == 29 * 60
    clock.jump_wall(7200)
    assert live.remaining() == 29 * 60


def test_system_clock_is_steady_and_utc() -> None:
    clock = SystemClock()
    a, b = clock.steady(), clock.steady()
    assert b >= a
    assert clock.wall().tzinfo is dt.UTC


def test_pacing() -> None:
    must = [Question(text=f"Q{i}", priority=Priority.MUST) for i in range(4)]
    live, clock = call(30, must)
    live.toggle_clock()
    clock.advance(13 * 60)  # 17 left, 12 before wrap-up
    assert live.pacing() == "4 must-ask left, about 3 min each"
    clock.advance(7 * 60)  # 5 min before wrap-up for 4 questions
    assert live.pacing() == "4 must-ask left, 5 min: they will not all fit, choose"
    for _ in must:
        live.mark_asked_and_next()
    assert live.pacing() == "All must-ask questions asked"


def test_checklist_actions() -> None:
    questions = [Question(text="A"), Question(text="B"), Question(text="Close", closing=True)]
    live, clock = call(30, questions)
    live.toggle_clock()
    clock.advance(90)
    assert live.current() is questions[0]
    assert live.mark_asked_and_next() is questions[1]
    assert questions[0].asked_at == clock.wall()
    live.set_asked(questions[0], False)
    assert live.current() is questions[0]
    added = live.add_question("Follow-up on B")
    assert [q.text for q in live.session.questions] == ["A", "B", "Follow-up on B", "Close"]
    live.move(added, -5)
    assert live.session.questions[0] is added
    live.toggle_must(added)
    assert added.priority is Priority.MUST
    live.toggle_star(added)
    assert added.starred


def test_key_point_is_stamped_with_call_time() -> None:
    live, clock = call()
    live.toggle_clock()
    clock.advance(420)
    point = live.key_point("Learn SQL window functions")
    assert point.call_seconds == 420
    assert point.at == clock.wall()


def test_end_summarises() -> None:
    questions = [Question(text="Must", priority=Priority.MUST), Question(text="Asked")]
    live, clock = call(10, questions)
    live.toggle_clock()
    live.set_asked(questions[1], True)
    live.add_referral(Referral(name="Sam"))
    clock.advance(12 * 60 + 5)
    summary = live.end()
    assert (summary.asked, summary.total, summary.referrals) == (1, 2, 1)
    assert summary.must_missed == ["Must"]
    assert summary.overtime_seconds == 125
    assert live.session.state is SessionState.ENDED
    assert live.session.ended_at == clock.wall()


def test_countdown_rebuilt_from_timeline_after_a_crash() -> None:
    start = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
    timeline = [
        TimelineEvent(EventKind.STARTED, start),
        TimelineEvent(EventKind.PAUSED, start + dt.timedelta(minutes=5)),
        TimelineEvent(EventKind.RESUMED, start + dt.timedelta(minutes=7)),
        TimelineEvent(EventKind.EXTENDED, start + dt.timedelta(minutes=8), 10),
    ]
    last_save = start + dt.timedelta(minutes=12)
    clock = Countdown.from_timeline(30, timeline, last_save)
    assert not clock.running
    assert clock.elapsed(0) == 10 * 60
    assert clock.limit_seconds == 40 * 60
    session = Session(limit_minutes=30, timeline=timeline, updated=last_save)
    live = LiveCall(session, ManualClock())
    assert live.elapsed() == 600
    assert live.tick() == []  # nothing due until it runs again


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1800, "30:00"),
        (0.2, "0:01"),
        (0, "0:00"),
        (-0.5, "+0:00 over"),
        (-61, "+1:01 over"),
        (3723, "1:02:03"),
    ],
)
def test_format_clock(seconds: float, text: str) -> None:
    assert format_clock(seconds) == text


def test_save_tracker_cadence_and_indicator() -> None:
    tracker = SaveTracker(AutosavePolicy(idle_seconds=2, max_wait_seconds=5, retry_seconds=3))
    assert not tracker.due(0)
    tracker.changed(0)
    assert not tracker.due(1.9)
    assert tracker.due(2.0)  # 2 s after the last keystroke
    tracker.succeeded(2.0)
    assert tracker.status(5.0) == "saved just now"
    assert tracker.status(9.5) == "saved 5 s ago"
    assert tracker.status(2.0 + 125) == "saved 2 min ago"
    for t in (10, 11, 12, 13, 14):  # typing without a pause
        tracker.changed(t)
        assert not tracker.due(t)
    tracker.changed(15)
    assert tracker.due(15)  # at least every 5 s while typing goes on
    tracker.failed(15, "the disk is full")
    assert tracker.status(16) == "NOT SAVED: the disk is full, retrying"
    assert not tracker.due(17)
    assert tracker.due(18)
    tracker.succeeded(18)
    assert tracker.status(18) == "saved just now"
    assert not tracker.dirty
