"""The live call's logic with an injected clock: no sleeping, exact points."""

from __future__ import annotations

import datetime as dt

import pytest

from iisession.core import codec
from iisession.core.autosave import AutosavePolicy, SaveTracker
from iisession.core.call_time import call_seconds, format_call_time
from iisession.core.clock import ManualClock, SystemClock
from iisession.core.countdown import Countdown, format_clock
from iisession.core.document import to_markdown
from iisession.core.live import LiveCall, NotApplicable
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
    live, clock = call(15)
    live.add_referral(Referral(name="Priya"))
    live.toggle_clock()
    clock.advance(10 * 60)
    [wrap] = [a for a in live.tick() if a.kind is EventKind.WRAP_UP]
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
    assert live.pacing() == "4 must-ask left, 5 min before wrap-up: they will not all fit, choose"
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
    assert tracker.status(11.5) == "saved just now"
    assert tracker.status(12.0) == "saved under a minute ago"
    assert tracker.status(61.5) == "saved under a minute ago"
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


@pytest.mark.parametrize(("late", "length"), [(0.2, 3109.5), (0.7, 3109.6), (0.0, 3109.0)])
def test_a_call_time_reads_the_same_in_the_summary_the_lists_and_the_export(
    late: float, length: float
) -> None:
    """One rule for every call time shown: whole seconds, rounded down, of the
    call as recorded; a fraction of a second on the steady clock changes none."""
    from iisession.core.document import to_markdown
    from iisession.core.summary import summarise
    from iisession.tui.screens.live import summary_text

    live, clock = call(30)
    clock.advance(late)  # the clock starts between two seconds of the wall clock
    live.toggle_clock()
    clock.advance(length)
    summary = live.end()
    recorded = summarise("x.toml", live.session)
    shown = recorded.length_text().split(" / ")[0]
    assert f"Call time {shown}," in summary_text(summary)
    assert f"{shown} of 30 minutes" in to_markdown(live.session)
    assert format_call_time(summary.elapsed_seconds) == shown
    assert recorded.length_seconds == call_seconds(summary.elapsed_seconds)


def test_call_times_round_down_and_add_up_with_the_countdown() -> None:
    assert [format_call_time(s) for s in (0, 0.99, 59.999, 3109.5, 3725.2)] == [
        "0:00",
        "0:00",
        "0:59",
        "51:49",
        "1:02:05",
    ]
    for used in (0.0, 0.4, 61.5, 1799.9):
        left = 30 * 60 - used
        minutes, seconds = (int(x) for x in format_clock(left).split(":"))
        assert minutes * 60 + seconds + call_seconds(used) == 30 * 60
    assert format_clock(-135.7) == "+2:15 over"


def test_pacing_for_one_must_ask_question_is_in_the_singular() -> None:
    must = Question(text="What is a typical week?", priority=Priority.MUST)
    live, clock = call(30, [must])
    live.toggle_clock()
    assert live.pacing() == "1 must-ask left, about 25 min for it"
    clock.advance(24 * 60)  # a minute before wrap-up
    assert live.pacing() == "1 must-ask left: ask it now"
    clock.advance(2 * 60)  # wrap-up time
    assert live.pacing() == "1 must-ask left: ask it now"
    two = [Question(text=f"Q{i}", priority=Priority.MUST) for i in range(2)]
    live, clock = call(30, two)
    live.toggle_clock()
    clock.advance(26 * 60)
    assert live.pacing() == (
        "2 must-ask left and it is wrap-up time: ask the one that matters most"
    )


def test_no_pacing_before_the_clock_starts_or_once_the_call_has_ended() -> None:
    live, clock = call(30, [Question(text="Q", priority=Priority.MUST)])
    assert live.pacing() == ""
    live.toggle_clock()
    clock.advance(60)
    assert live.pacing() != ""
    live.end()
    assert live.pacing() == ""
    live.reopen()  # reopened to go on: pacing again
    assert live.pacing().startswith("1 must-ask left")


@pytest.mark.parametrize("wrap_up", [1, 5, 60])
@pytest.mark.parametrize("limit", range(5, 181))
def test_wrap_up_and_pacing_agree_for_every_limit(limit: int, wrap_up: int) -> None:
    """Wrap-up starts inside the call, never in its first third, exactly once; the
    closing questions move up then, and pacing says wrap-up only from then."""
    must = Question(text="What is a typical week?", priority=Priority.MUST)
    closing = Question(text="Who else should I talk to?", closing=True)
    questions = [must, Question(text="Travel?"), closing]
    clock = ManualClock()
    settings = LiveSettings(wrap_up=wrap_up)
    live = LiveCall(Session(limit_minutes=limit, questions=questions), clock, settings)
    window = live.wrap_up_minutes()
    assert 1 <= window <= wrap_up
    assert window * 3 <= limit
    live.toggle_clock()
    assert live.tick() == []
    assert not live.wrapping_up
    assert live.pacing().startswith("1 must-ask left, about ")
    said = []
    for _ in range(limit - window - 1):  # up to a minute before wrap-up
        clock.advance(60)
        said += live.tick()
    assert all(a.kind is EventKind.WARNED and a.minutes < limit for a in said)
    clock.advance(59)
    assert [a.kind for a in live.tick()] == []
    assert live.session.questions[0] is must
    assert "wrap-up" not in live.pacing()
    clock.advance(1)  # exactly at wrap-up
    wrap = [a for a in live.tick() if a.kind is EventKind.WRAP_UP]
    assert [a.minutes for a in wrap] == [window]
    assert wrap[0].message.startswith(f"{window} minute{'' if window == 1 else 's'} left")
    assert live.session.questions[0] is closing
    assert live.wrapping_up
    assert live.pacing() == "1 must-ask left: ask it now"
    clock.advance(window * 60)
    assert EventKind.TIME_UP in [a.kind for a in live.tick()]
    kinds = [e.kind for e in live.session.timeline]
    assert kinds.count(EventKind.WRAP_UP) == 1
    assert kinds.index(EventKind.WRAP_UP) < kinds.index(EventKind.TIME_UP)


def test_an_ended_call_runs_again_only_when_reopened() -> None:
    live, clock = call()
    live.toggle_clock()
    clock.advance(600)
    live.end()
    with pytest.raises(NotApplicable):
        live.toggle_clock()  # F5 by habit while finishing the notes
    with pytest.raises(NotApplicable):
        live.extend(5)
    assert live.session.state is SessionState.ENDED
    assert not live.countdown.running
    assert live.standing() is None
    assert live.reopen() == "Call reopened: the clock runs again"
    assert not live.ended
    assert live.countdown.running
    clock.advance(60)
    assert live.elapsed() == 660
    assert kinds(live) == ["started", "ended", "reopened"]
    with pytest.raises(NotApplicable):
        live.reopen()


def test_an_extension_is_taken_back_never_below_the_limit_or_the_time_used() -> None:
    live, clock = call(30)
    live.toggle_clock()
    assert live.most_to_take_back() == 0  # nothing extended
    live.extend(15)
    assert live.most_to_take_back() == 15
    live.take_back(5)
    assert live.countdown.limit_seconds == 40 * 60
    with pytest.raises(NotApplicable):
        live.take_back(11)  # below the 30 minutes agreed
    clock.advance(36 * 60 + 30)  # 36:30 used of 40
    assert live.most_to_take_back() == 3  # never below the time used
    with pytest.raises(NotApplicable):
        live.take_back(4)
    live.take_back(3)
    assert live.remaining() == 30
    assert kinds(live) == ["started", "extended:15", "extended:-5", "extended:-3"]
    # Points the limit now puts behind count as said: never twice, nor late.
    assert live.tick() == []
    # Rebuilt from the timeline (a restart), the limit is the same.
    rebuilt = Countdown.from_timeline(30, live.session.timeline, clock.wall())
    assert rebuilt.limit_seconds == 37 * 60


def test_a_taken_back_extension_is_saved_read_and_written_in_words() -> None:
    live, clock = call(30)
    live.session.person.name = "Kim"
    live.toggle_clock()
    live.extend(10)
    clock.advance(60)
    live.take_back(4)
    text = codec.dumps(live.session)
    assert "kind = 'extended'" in text
    assert "minutes = -4" in text  # read by every version of the format
    again = codec.loads(text).session
    assert again.timeline == live.session.timeline
    assert "4 min of the extension taken back" in to_markdown(again)


def test_a_file_from_before_taking_back_still_opens() -> None:
    text = """schema_version = 1
id = "0123456789abcdef"
state = "ended"
created = 2026-11-20T15:00:00Z
limit_minutes = 30

[person]
name = "Kim"

[[timeline]]
kind = "started"
at = 2026-11-20T15:00:00Z

[[timeline]]
kind = "extended"
at = 2026-11-20T15:20:00Z
minutes = 10

[[timeline]]
kind = "ended"
at = 2026-11-20T15:35:00Z
"""
    session = codec.loads(text).session
    assert Countdown.from_timeline(30, session.timeline).limit_seconds == 40 * 60
    assert "limit extended by 10 min" in to_markdown(session)


def test_the_last_point_passed_stands_until_the_next() -> None:
    live, clock = call(30)
    assert live.standing() is None
    live.toggle_clock()
    clock.advance(19 * 60)
    assert live.standing() is None
    clock.advance(60)
    live.tick()
    assert live.standing() == (EventKind.WARNED, 10)
    clock.advance(4 * 60 + 59)  # looked away for minutes: it still stands
    assert live.standing() == (EventKind.WARNED, 10)
    clock.advance(1)
    assert live.standing() == (EventKind.WRAP_UP, 5)
    clock.advance(5 * 60)
    assert live.standing() == (EventKind.TIME_UP, 0)
    live.extend(10)
    assert live.standing() == (EventKind.WARNED, 10)


def test_a_key_point_keeps_the_moment_it_was_asked_for() -> None:
    live, clock = call()
    live.toggle_clock()
    clock.advance(109)
    when = live.moment()
    clock.advance(35)  # the typing
    point = live.key_point("Learn SQL", when)
    assert point.call_seconds == 109
    assert point.at == clock.wall() - dt.timedelta(seconds=35)
