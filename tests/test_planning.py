"""Before the call: limits, planned times, confirmation reminders, carry-over."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from iisession.core.clock import ManualClock
from iisession.core.countdown import Countdown, interruption
from iisession.core.live import LiveCall
from iisession.core.model import (
    EventKind,
    Person,
    Question,
    Session,
    SessionState,
    TimelineEvent,
)
from iisession.core.planning import (
    carry_over,
    carry_over_done,
    carry_over_note,
    check_limit,
    confirmation,
    describe_planned,
    format_planned,
    parse_planned,
    unasked_before,
    upcoming,
)

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
CET = dt.timezone(dt.timedelta(hours=1))


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "enter a whole number of minutes, from 5 to 180"),
        ("abc", "'abc' is not a whole number of minutes"),
        ("30.5", "'30.5' is not a whole number"),
        ("1e3", "'1e3' is not a whole number"),
        ("4", "must be 5 to 180 minutes"),
        ("0", "must be 5 to 180 minutes"),
        ("-30", "must be 5 to 180 minutes"),
        ("181", "must be 5 to 180 minutes"),
        ("99999", "must be 5 to 180 minutes"),
    ],
)
def test_bad_limits_are_refused_with_the_rule(typed: str, problem: str) -> None:
    minutes, message = check_limit(typed)
    assert minutes is None
    assert problem in message


@pytest.mark.parametrize(
    ("typed", "minutes", "note"),
    [
        ("30", 30, ""),
        (" 60 ", 60, ""),
        ("45", 45, ""),
        ("5", 5, "short"),
        ("20", 20, "short"),
        ("75", 75, "longer than most"),
        ("180", 180, "longer than most"),
    ],
)
def test_allowed_limits_outside_the_norm_get_a_gentle_note(
    typed: str, minutes: int, note: str
) -> None:
    got, message = check_limit(typed)
    assert got == minutes
    assert (note in message) if note else message == ""


def test_planned_times_are_typed_locally_and_stored_in_utc() -> None:
    moment = parse_planned("2026-11-24 14:00", CET)
    assert moment == dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC)
    assert format_planned(moment, CET) == "2026-11-24 14:00"
    assert parse_planned("  2026-11-24   14:00 ", CET) == moment
    assert parse_planned("", CET) is None
    for bad in ("24/11/2026 14:00", "2026-11-24", "tomorrow", "next tuesday", "14:00"):
        with pytest.raises(ValueError, match="YYYY-MM-DD HH:MM"):
            parse_planned(bad, CET, NOW)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("2026-02-31 10:00", "no such date: February 2026 has 28 days"),
        ("2028-02-30 10:00", "no such date: February 2028 has 29 days"),
        ("2026-04-31 10:00", "no such date: April 2026 has 30 days"),
        ("2026-13-01 10:00", "no such date: there is no month 13"),
        ("2026-11-24 25:00", "no such time: 25:00 (hours go from 0 to 23)"),
        ("2026-11-24 10:61", "no such time: 10:61 (minutes go from 00 to 59)"),
        ("fri 13pm", "no such time: 13pm (use 1 to 12 with am or pm"),
        ("tomorrow", "a time is needed too"),
        ("14:00", "a day is needed too"),
        ("fri sat 10:00", "one day at a time"),
    ],
)
def test_a_time_that_cannot_be_says_what_is_wrong(typed: str, problem: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(problem)):
        parse_planned(typed, CET, NOW)


# NOW is Sunday 22 November 2026, 10:00 in CET.
@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("tomorrow 14:00", "Monday 23 November 2026, 14:00"),
        ("Tomorrow  2pm", "Monday 23 November 2026, 14:00"),
        ("today 9:30", "Sunday 22 November 2026, 09:30"),  # passed: the note says so
        ("today noon", "Sunday 22 November 2026, 12:00"),
        ("friday 10:00", "Friday 27 November 2026, 10:00"),
        ("fri 10am", "Friday 27 November 2026, 10:00"),
        ("Fri, 10 AM", "Friday 27 November 2026, 10:00"),
        ("on friday at 10.00", "Friday 27 November 2026, 10:00"),
        ("10:30 pm thu", "Thursday 26 November 2026, 22:30"),
        ("thurs 12am", "Thursday 26 November 2026, 00:00"),
        ("sun 11:00", "Sunday 22 November 2026, 11:00"),  # today, still to come
        ("sun 9am", "Sunday 29 November 2026, 09:00"),  # today's has passed: next week
        ("mon 12pm", "Monday 23 November 2026, 12:00"),
        ("2026-12-05 10:00", "Saturday 5 December 2026, 10:00"),
    ],
)
def test_the_forms_people_type_for_a_near_date(typed: str, meant: str) -> None:
    moment = parse_planned(typed, CET, NOW)
    assert moment is not None
    assert moment.tzinfo is dt.UTC
    assert describe_planned(moment, CET) == meant


def test_a_local_time_skipped_by_the_clocks_going_forward_is_refused() -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone data")
    with pytest.raises(ValueError, match="skipped when the clocks go forward"):
        parse_planned("2027-03-28 02:30", berlin, NOW)
    assert parse_planned("2027-03-28 03:30", berlin, NOW) == dt.datetime(
        2027, 3, 28, 1, 30, tzinfo=dt.UTC
    )


def planned(hours_ahead: float, **kwargs: object) -> Session:
    return Session(
        person=Person(name="Ana"),
        planned_at=NOW + dt.timedelta(hours=hours_ahead),
        **kwargs,  # type: ignore[arg-type]
    )


def test_confirm_about_48_hours_before() -> None:
    assert confirmation(planned(24), NOW).startswith("confirm it now")
    assert confirmation(planned(47.9), NOW).startswith("confirm it now")
    far = confirmation(planned(72), NOW, dt.UTC)
    assert far == "confirm it tomorrow 09:00"
    assert confirmation(planned(24, confirmed_at=NOW), NOW) == "confirmed"
    assert confirmation(planned(-1), NOW) == ""  # past: nothing to confirm
    assert confirmation(planned(24, practice=True), NOW) == ""
    assert confirmation(planned(24, state=SessionState.ENDED), NOW) == ""
    assert confirmation(Session(), NOW) == ""


def test_upcoming_lists_planned_calls_soonest_first_then_undated() -> None:
    later, sooner, undated = planned(50), planned(3), Session(person=Person(name="B"))
    held = planned(1, state=SessionState.ENDED)
    rehearsal = planned(2, practice=True)
    assert upcoming([later, held, undated, sooner, rehearsal], NOW) == [sooner, later, undated]


def held_call(name: str, org: str, days_ago: int, asked: list[bool]) -> Session:
    start = NOW - dt.timedelta(days=days_ago)
    questions = [
        Question(f"{name} question {i}?", bank_id=f"q.{i}", asked_at=start if done else None)
        for i, done in enumerate(asked)
    ]
    return Session(
        person=Person(name=name, organisation=org),
        state=SessionState.ENDED,
        questions=questions,
        timeline=[TimelineEvent(EventKind.STARTED, start), TimelineEvent(EventKind.ENDED, start)],
    )


def test_carry_over_offers_what_went_unasked_with_the_same_person() -> None:
    old = held_call("Ana Ruiz", "Acme", 30, [True, False, False])
    latest = held_call("Ana Ruiz", "Acme", 3, [True, True, False, False])
    other = held_call("Ben Okafor", "Acme", 1, [False])
    offer = carry_over([old, latest, other], "  ana RUIZ ", "")
    assert offer is not None
    assert offer.source is latest
    assert [q.text for q in offer.questions] == ["Ana Ruiz question 2?", "Ana Ruiz question 3?"]
    assert not any(q.asked for q in offer.questions)
    assert {q.id for q in offer.questions}.isdisjoint(q.id for q in latest.questions)
    assert "last call with ana RUIZ" in offer.reason


def test_carry_over_falls_back_to_the_organisation_and_skips_what_you_have() -> None:
    at_acme = held_call("Ben Okafor", "Acme", 2, [False, False])
    current = Session(
        person=Person(name="Cleo", organisation="ACME"),
        questions=[Question("Something else?", bank_id="q.0")],  # same bank id as question 0
    )
    offer = carry_over([at_acme, current], "Cleo", "acme", current)
    assert offer is not None
    assert offer.reason == "your last call at acme"
    assert [q.bank_id for q in offer.questions] == ["q.1"]


def test_no_carry_over_without_an_earlier_held_call() -> None:
    never_held = Session(person=Person(name="Ana"), questions=[Question("Q?")])
    all_asked = held_call("Ana", "", 2, [True])
    rehearsal = held_call("Ana", "", 1, [False])
    rehearsal.practice = True
    assert carry_over([never_held, all_asked, rehearsal], "Ana", "") is None
    assert carry_over([all_asked], "", "") is None


def test_carry_over_counts_only_what_the_list_does_not_hold() -> None:
    earlier = held_call("Ana Ruiz", "Acme", 5, [False, False, False, True])
    from_template = [Question(q.text, bank_id=q.bank_id) for q in earlier.questions[:3]]
    current = Session(person=Person(name="Ana Ruiz"), questions=from_template)
    assert carry_over([earlier], "Ana Ruiz", "", current) is None  # no offer when none
    found = unasked_before([earlier], "Ana Ruiz", "", current)
    assert found is not None
    assert (found.questions, found.already) == ([], 3)
    assert carry_over_done(found) == (
        "The 3 questions left unasked in your last call with Ana Ruiz are in your list already."
    )
    current.questions = from_template[:2]
    offer = carry_over([earlier], "Ana Ruiz", "", current)
    assert offer is not None
    assert [q.bank_id for q in offer.questions] == ["q.2"]
    assert carry_over_note(offer, dt.UTC) == (
        "1 question went unasked in your last call with Ana Ruiz (2026-11-17) "
        "and is not in your list: F7 adds it."
    )
    assert carry_over_done(offer) == "Added 1 question from your last call with Ana Ruiz."
    all_asked = held_call("Ana Ruiz", "", 1, [True])
    assert carry_over_done(unasked_before([all_asked], "Ana Ruiz", "")) == (
        "Every question of your last call with Ana Ruiz was asked: nothing to carry over."
    )
    assert carry_over_done(None).startswith("No earlier call with this person or organisation")


def test_a_call_left_running_is_paused_where_it_stopped() -> None:
    start = NOW - dt.timedelta(hours=2)
    last_save = start + dt.timedelta(minutes=12)
    session = Session(
        limit_minutes=30,
        state=SessionState.LIVE,
        timeline=[TimelineEvent(EventKind.STARTED, start)],
        updated=last_save,
    )
    assert interruption(session.timeline, session.updated) == last_save
    clock = ManualClock(NOW)
    live = LiveCall(session, clock)
    assert session.timeline[-1] == TimelineEvent(EventKind.PAUSED, last_save)
    assert interruption(session.timeline, session.updated) is None
    assert live.elapsed() == 12 * 60
    # Resumed two hours later: the gap is not call time, now or after another crash.
    live.toggle_clock()
    clock.advance(60)
    rebuilt = Countdown.from_timeline(30, session.timeline, clock.wall())
    assert rebuilt.elapsed(0) == 13 * 60


def test_a_call_started_and_stopped_within_a_second_still_counts_as_started() -> None:
    session = Session(
        state=SessionState.LIVE,
        timeline=[TimelineEvent(EventKind.STARTED, NOW)],
        updated=NOW,  # the app was killed within the second
    )
    live = LiveCall(session, ManualClock(NOW))
    assert live.countdown.started
    assert not live.countdown.running
    assert live.elapsed() == 0
