"""Whole sessions with hostile text in every field survive a save and a read."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iisession.core import codec
from iisession.core.model import (
    EventKind,
    FollowUp,
    KeyPoint,
    MayMention,
    Outreach,
    Person,
    Preparation,
    Priority,
    Question,
    Referral,
    Session,
    SessionState,
    TimelineEvent,
    clean_text,
)
from iisession.core.store import SessionStore, read_session

HOSTILE = [
    "\x00",
    "\x1b[31m",
    "\x1b]52;c;aGk=\x07",
    "\r\n",
    "\r",
    "\n",
    '"""',
    "'''",
    "\\",
    '\\"',
    "\ud800",
    "\udfff",
    "\u2028",
    "\u2029",
    "\ufeff",
    "😀",
    "👩🏽‍💻",
    "שלום",
    "\u202e",
    "مرحبا",
    "[bold]",
    "=",
    "[[questions]]",
    "\t",
    " ",
]

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE),
        st.text(st.characters(exclude_categories=())),  # surrogates and controls included
    ),
    max_size=8,
).map("".join)

# Most notes are short; some are 100 KB of hostile text.
notes_text = st.one_of(
    hostile_text,
    st.builds(
        lambda t: ((t or "x") * (100_000 // max(1, len(t or "x")) + 1))[:100_000], hostile_text
    ),
)

times = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.sampled_from(
        [
            dt.UTC,
            dt.timezone(dt.timedelta(hours=5, minutes=30)),
            dt.timezone(-dt.timedelta(hours=8)),
        ]
    ),
)
maybe_time = st.none() | times

questions = st.builds(
    Question,
    text=hostile_text,
    id=hostile_text.filter(bool),
    topic=hostile_text,
    bank_id=hostile_text,
    priority=st.sampled_from(Priority),
    closing=st.booleans(),
    starred=st.booleans(),
    asked_at=maybe_time,
    answer=hostile_text,
)
referrals = st.builds(
    Referral,
    name=hostile_text,
    id=hostile_text.filter(bool),
    role=hostile_text,
    organisation=hostile_text,
    contact=hostile_text,
    why=hostile_text,
    may_mention=st.sampled_from(MayMention),
    intro_offered=st.booleans(),
    outreach=st.sampled_from(Outreach),
    outreach_updated=maybe_time,
    session_id=hostile_text,
    draft=hostile_text,
)
events = st.builds(
    TimelineEvent,
    kind=st.sampled_from(EventKind),
    at=times,
    minutes=st.integers(0, 600),
)
key_points = st.builds(KeyPoint, text=hostile_text, at=times, call_seconds=st.integers(0, 86_400))

sessions = st.builds(
    Session,
    person=st.builds(
        Person,
        name=hostile_text,
        title=hostile_text,
        organisation=hostile_text,
        how_found=hostile_text,
        referred_by=hostile_text,
        contact=hostile_text,
    ),
    id=hostile_text.filter(bool),
    state=st.sampled_from(SessionState),
    revision=st.integers(0, 10**6),
    created=times,
    updated=maybe_time,
    limit_minutes=st.integers(1, 600),
    planned_at=maybe_time,
    confirmed_at=maybe_time,
    practice=st.booleans(),
    source_session=hostile_text,
    source_referral=hostile_text,
    preparation=st.builds(
        Preparation, research=hostile_text, introduction=hostile_text, goals=hostile_text
    ),
    follow_up=st.builds(
        FollowUp,
        thank_you_draft=hostile_text,
        thank_you_drafted=maybe_time,
        thank_you_sent=maybe_time,
        last_contact=maybe_time,
    ),
    questions=st.lists(questions, max_size=4),
    timeline=st.lists(events, max_size=4),
    key_points=st.lists(key_points, max_size=3),
    referrals=st.lists(referrals, max_size=3),
    notes=notes_text,
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions)
def test_saved_session_reads_back_equal(session: Session) -> None:
    with tempfile.TemporaryDirectory() as folder:
        handle = SessionStore(Path(folder)).create(session)
        try:
            loaded = read_session(handle.path)
        finally:
            handle.close()
    # The store set revision and updated on the model itself; all else is as built.
    assert loaded.session == session
    assert loaded.unknown_keys == ()


@settings(max_examples=300, deadline=None)
@given(sessions)
def test_text_is_stable_and_layout_fixed(session: Session) -> None:
    text = codec.dumps(session)
    assert text.startswith("schema_version = 1\n")
    again = codec.loads(text).session
    assert codec.dumps(again) == text  # a second save would write the same bytes


def test_documented_normalisation_is_only_line_endings_and_lone_surrogates() -> None:
    assert clean_text("a\r\nb\rc\nd") == "a\nb\nc\nd"
    assert clean_text("x\ud800y\udfffz") == "x\ufffdy\ufffdz"
    untouched = '\x00\x1b[0m\u2028\u2029😀שלום\t"""\\'
    assert clean_text(untouched) == untouched
    assert Person(name="A\r\nB").name == "A\nB"
    assert Session(notes="\ud83d").notes == "\ufffd"


def test_times_are_utc_whole_seconds() -> None:
    local = dt.datetime(2026, 5, 1, 9, 30, 15, 999_999, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    event = TimelineEvent(EventKind.STARTED, local)
    assert event.at == dt.datetime(2026, 5, 1, 7, 30, 15, tzinfo=dt.UTC)
    assert event.at.tzinfo is dt.UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        TimelineEvent(EventKind.STARTED, dt.datetime(2026, 5, 1))


def test_hundred_kilobyte_hostile_notes_round_trip(tmp_path: Path) -> None:
    notes = ("".join(HOSTILE) * 2000)[:100_000]
    session = Session(person=Person(name="\u202eevil\x00"), notes=notes)
    with SessionStore(tmp_path).create(session) as handle:
        loaded = read_session(handle.path)
    assert loaded.session.notes == clean_text(notes)
    assert len(loaded.session.notes) > 95_000
    assert loaded.session == session
