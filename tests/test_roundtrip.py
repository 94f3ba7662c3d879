"""Whole sessions with hostile text in every field survive a save and a read."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from iisession.core import codec
from iisession.core.model import EventKind, Person, Session, TimelineEvent, clean_text
from iisession.core.store import SessionStore, read_session
from tests.strategies import HOSTILE, sessions


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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


@settings(max_examples=60, deadline=None)
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
