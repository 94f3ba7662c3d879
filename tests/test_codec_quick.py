"""The codec's quick path for the many small tables gives what the checking reader gives."""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from iisession.core import codec, toml_read
from iisession.core.model import Reply, Session
from tests.factories import make_session
from tests.strategies import sessions

EXAMPLES = sorted((Path(__file__).parent.parent / "sessions").glob("*.toml"))


def both(doc: dict[str, Any]) -> tuple[Any, Any]:
    """(quick, slow) results: a Decoded, or the FormatError's message."""
    out: list[Any] = []
    for quick in (True, False):
        try:
            out.append(codec.from_document(copy.deepcopy(doc), quick=quick))
        except codec.FormatError as error:
            out.append(f"FormatError: {error}")
    return out[0], out[1]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_example_sessions_read_the_same_both_ways(path: Path) -> None:
    quick, slow = both(toml_read.loads(path.read_text(encoding="utf-8")))
    assert quick == slow


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions)
def test_any_session_reads_the_same_both_ways(session: Session) -> None:
    quick, slow = both(toml_read.loads(codec.dumps(session)))
    assert quick == slow
    assert quick.session == session


Change = Callable[[dict[str, Any]], None]


def _put(table: str, key: str, value: Any) -> Change:
    """Set ``key`` in the one table at ``table`` (made if missing)."""

    def change(doc: dict[str, Any]) -> None:
        doc.setdefault(table, {})[key] = value

    return change


def _set(table: str, key: str, value: Any, index: int = 0) -> Change:
    def change(doc: dict[str, Any]) -> None:
        doc[table][index][key] = value

    return change


def _drop(table: str, key: str) -> Change:
    def change(doc: dict[str, Any]) -> None:
        del doc[table][0][key]

    return change


def _without(*keys: str) -> Change:
    def change(doc: dict[str, Any]) -> None:
        for key in keys:
            doc.pop(key, None)

    return change


CHANGES: dict[str, Change] = {
    "an unknown key": _set("questions", "colour", "red"),
    "text as a number": _set("questions", "text", 3),
    "a flag as text": _set("questions", "starred", "yes"),
    "a bad priority": _set("questions", "priority", "urgent"),
    "a priority as a number": _set("questions", "priority", 1),
    "no id": _drop("questions", "id"),
    "a time with an offset": _set(
        "questions",
        "asked_at",
        dt.datetime(2026, 6, 18, 14, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    ),
    "a time with microseconds": _set(
        "questions", "asked_at", dt.datetime(2026, 6, 18, 14, 0, 0, 5, tzinfo=dt.UTC)
    ),
    "a local time": _set("questions", "asked_at", dt.datetime(2026, 6, 18, 14)),
    "a date, not a time": _set("questions", "asked_at", dt.date(2026, 6, 18)),
    "a year out of range": _set("questions", "asked_at", dt.datetime(9500, 1, 1, tzinfo=dt.UTC)),
    "CRLF in an answer": _set("questions", "answer", "one\r\ntwo\rthree"),
    "non-ASCII text": _set("questions", "text", "Qu'est-ce qui a changé ?"),
    "negative minutes": _set("timeline", "minutes", -5),
    "minutes as a flag": _set("timeline", "minutes", True),
    "no event kind": _drop("timeline", "kind"),
    "a bad event kind": _set("timeline", "kind", "exploded"),
    "negative call seconds": _set("key_points", "call_seconds", -1),
    "a bad outreach": _set("referrals", "outreach", "emailed"),
    "a referral without an id": _drop("referrals", "id"),
    "intro offered as text": _set("referrals", "intro_offered", "true"),
    "a table that is text": lambda doc: doc["questions"].__setitem__(1, "not a table"),
    "an array that is a table": lambda doc: doc.__setitem__("referrals", {"id": "x"}),
    "a person's unknown key": _put("person", "shoe_size", "42"),
    "a person's name as a number": _put("person", "name", 7),
    "CRLF in a person's organisation": _put("person", "organisation", "North\r\nwind"),
    "a lone surrogate in a name": _put("person", "name", "Ana \ud800 Ruiz"),
    "a person that is text": lambda doc: doc.__setitem__("person", "Ana"),
    "research as a list": _put("preparation", "research", ["a"]),
    "a thank-you sent with an offset": _put(
        "follow_up",
        "thank_you_sent",
        dt.datetime(2026, 6, 18, 14, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ),
    "a thank-you sent as text": _put("follow_up", "thank_you_sent", "yesterday"),
    "a follow-up's unknown key": _put("follow_up", "mood", "good"),
    "a follow-up that is text": lambda doc: doc.__setitem__("follow_up", "done"),
    "a bad person and a bad clock": lambda doc: doc.update(person=3, clock="x"),
    "an unknown top-level key": lambda doc: doc.update(colour="red"),
    "an id as a number": lambda doc: doc.update(id=7),
    "a session without an id": _without("id"),
    "no creation time": _without("created"),
    "a bad state": lambda doc: doc.update(state="paused"),
    "a negative revision": lambda doc: doc.update(revision=-1),
    "a limit of 0 minutes": lambda doc: doc.update(limit_minutes=0),
    "a limit as a flag": lambda doc: doc.update(limit_minutes=True),
    "a created time with an offset": lambda doc: doc.update(
        created=dt.datetime(2026, 6, 18, 14, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    ),
    "practice as text": lambda doc: doc.update(practice="no"),
    "a schema version as text": lambda doc: doc.update(schema_version="1"),
    "no schema version": _without("schema_version"),
    "CRLF in an invite's id": lambda doc: doc.update(invite_uid="a\r\nb"),
    "no person, preparation or follow-up": _without("person", "preparation", "follow_up"),
    "no questions": _without("questions"),
    "questions as a table": lambda doc: doc.update(questions={"id": "q"}),
    "notes with an unknown key": _put("notes", "mood", "good"),
    "notes as a number": _put("notes", "text", 3),
    "notes with CRLF": _put("notes", "text", "one\r\ntwo"),
    "an empty notes table": lambda doc: doc.update(notes={}),
    "notes that are text": lambda doc: doc.update(notes="plain"),
    "a clock as written": lambda doc: doc.update(
        clock={
            "used_seconds": 61.25,
            "running": True,
            "at": dt.datetime(2026, 6, 18, tzinfo=dt.UTC),
            "boot": "b1",
            "steady": 12.34567,
        }
    ),
    "a clock with whole seconds": lambda doc: doc.update(
        clock={"used_seconds": 60, "at": dt.datetime(2026, 6, 18, tzinfo=dt.UTC), "steady": 3}
    ),
    "a clock with negative seconds": lambda doc: doc.update(
        clock={"used_seconds": -1.0, "at": dt.datetime(2026, 6, 18, tzinfo=dt.UTC)}
    ),
    "a clock with minus zero seconds": lambda doc: doc.update(
        clock={"used_seconds": -0.0, "at": dt.datetime(2026, 6, 18, tzinfo=dt.UTC)}
    ),
    "a clock with NaN seconds": lambda doc: doc.update(
        clock={"used_seconds": float("nan"), "at": dt.datetime(2026, 6, 18, tzinfo=dt.UTC)}
    ),
    "a clock with seconds as a flag": lambda doc: doc.update(
        clock={"used_seconds": True, "at": dt.datetime(2026, 6, 18, tzinfo=dt.UTC)}
    ),
    "a clock without a time": lambda doc: doc.update(clock={"used_seconds": 5.0}),
    "a request as written": lambda doc: doc.update(
        request={
            "subject": "Coffee?",
            "text": "Hello",
            "reply": "agreed",
            "sent_at": dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
        }
    ),
    "a request with a bad reply": lambda doc: doc.update(request={"reply": "maybe"}),
    "a request with an unknown key": lambda doc: doc.update(request={"tone": "warm"}),
    "an empty request": lambda doc: doc.update(request={}),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_an_odd_table_reads_or_fails_the_same_both_ways(change: Change) -> None:
    doc = toml_read.loads(codec.dumps(make_session(questions=3, referrals=2)))
    change(doc)
    quick, slow = both(doc)
    assert quick == slow


def test_the_quick_path_cleans_text_as_the_constructor_does() -> None:
    doc = toml_read.loads(codec.dumps(make_session(questions=1)))
    doc["questions"][0]["answer"] = "one\r\ntwo"
    quick = codec.from_document(doc, quick=True)
    assert isinstance(quick, codec.Decoded)
    assert quick.session.questions[0].answer == "one\ntwo"


def test_tables_as_written_take_the_quick_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # Were every table read the slow way, every test above would still pass.
    doc = toml_read.loads(codec.dumps(make_session(questions=3, referrals=2)))

    def slow(_: Any) -> Any:
        raise AssertionError("read the slow way")

    doc["clock"] = {"used_seconds": 61.25, "at": dt.datetime(2026, 6, 18, tzinfo=dt.UTC)}
    doc["request"] = {"subject": "Coffee?", "reply": "agreed"}
    names = ("_read_question", "_read_event", "_read_key_point", "_read_referral")
    for name in (*names, "_read_person", "_read_preparation", "_read_follow_up"):
        monkeypatch.setattr(codec, name, slow)
    for name in ("_read_clock", "_read_request", "_Reader"):
        monkeypatch.setattr(codec, name, slow)
    decoded = codec.from_document(doc, quick=True)
    assert decoded.session.clock is not None
    assert decoded.session.clock.used_seconds == 61.2  # as ClockMark rounds it
    assert decoded.session.request is not None
    assert decoded.session.request.reply is Reply.AGREED
    assert len(decoded.session.questions) == 3
    assert len(decoded.session.referrals) == 2
    assert decoded.session.timeline
    assert decoded.session.key_points


@pytest.mark.parametrize(
    "extra",
    [
        "[[t.a]]\n[t]\na.b.c = 1\n",
        "[[ t . a . b ]]\n[t]\na.b.c.d = 1\n",
        "[['t'.a]]\n[t]\na.b.c = 1\n",
    ],
)
def test_a_session_with_a_dotted_key_into_an_array_of_tables_is_refused_as_tomllib_refuses_it(
    extra: str,
) -> None:
    # toml-rs alone accepts these; the session's text is not searched for them
    # before parsing, only once the quick path has found a table it cannot take.
    text = codec.dumps(make_session(questions=2)) + extra
    with pytest.raises(tomllib.TOMLDecodeError) as theirs:
        tomllib.loads(text)
    with pytest.raises(codec.FormatError) as ours:
        codec.loads(text)
    assert str(ours.value) == f"not valid TOML: {theirs.value}"


def test_a_session_as_written_is_read_without_searching_its_text_for_nested_arrays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = make_session(questions=3, referrals=2)

    def search(_: str) -> bool:
        raise AssertionError("searched")

    monkeypatch.setattr(toml_read, "may_nest_arrays_of_tables", search)
    assert codec.loads(codec.dumps(session)).session == session
    # A text the quick path cannot take is searched.
    with pytest.raises(AssertionError, match="searched"):
        codec.loads(codec.dumps(session) + "colour = 'red'\n")
