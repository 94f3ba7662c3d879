"""What is due (`iisession todo`), and its calendar checked with a real RFC 5545 parser."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from iisession.core.model import (
    EventKind,
    MayMention,
    Person,
    Referral,
    Session,
    SessionState,
    TimelineEvent,
)
from iisession.core.store import read_session
from iisession.core.todo import due_items, to_ics

EXAMPLES = Path(__file__).resolve().parent.parent / "sessions"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def examples() -> list[tuple[str, Session]]:
    return [(p.name, read_session(p).session) for p in sorted(EXAMPLES.glob("*.toml"))]


def test_due_items_from_the_example_sessions() -> None:
    items = due_items(examples())
    kinds = [(i.kind, i.person) for i in items]
    # Sunniva's thank-you was drafted, never sent: due a day after the call.
    assert ("thank-you", "Sunniva Hart") in kinds
    thank = next(i for i in items if i.kind == "thank-you")
    assert thank.overdue(NOW)
    # Every referral still "to contact" is an outreach item; contacted ones are not.
    outreach = {i.person for i in items if i.kind == "outreach"}
    assert outreach == {"Amara Nwosu", "Harriet Oyelaran", "Joanna Pike"}
    # The unconfirmed planned call, 48 hours before; the confirmed one is not listed.
    confirms = [i for i in items if i.kind == "confirm"]
    assert [c.person for c in confirms] == ["Theo Marchetti"]
    assert confirms[0].due == dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.UTC)
    # Keeping in touch: one per person met, 12 weeks after the last contact.
    assert {i.person for i in items if i.kind == "keep-in-touch"} == {
        "Marisol Vance",
        "Ines Halvorsen",
        "Owen Pritchard",
        "Sunniva Hart",
    }
    # The two requests waiting: the one follow-up each, seven business days after.
    follow_ups = [(i.person, i.due) for i in items if i.kind == "follow-up"]
    assert [person for person, _ in follow_ups] == ["Priya Natarajan", "Lucy Brennan"]
    # The referrers were told (Marisol's and Ines's calls record it).
    assert not [i for i in items if i.kind == "tell-referrer"]
    assert [i.due for i in items] == sorted(i.due for i in items)
    assert len({i.uid for i in items}) == len(items)
    assert [i.uid for i in due_items(examples())] == [i.uid for i in items]  # stable


def test_practice_runs_and_calls_not_held_owe_nothing() -> None:
    practice = Session(person=Person(name="Rehearsal"), practice=True, state=SessionState.ENDED)
    practice.timeline = [TimelineEvent(EventKind.ENDED, NOW)]
    assert due_items([("p.toml", practice), ("n.toml", Session())]) == []


def test_the_calendar_is_valid_rfc_5545() -> None:
    session = Session(
        person=Person(name='Zoë "Z" O\'Brien; Ph.D., Café\nLab'),
        state=SessionState.ENDED,
        timeline=[TimelineEvent(EventKind.ENDED, NOW - dt.timedelta(days=2))],
        referrals=[
            Referral(name="Ана Петрова, MBA; 東京", may_mention=MayMention.YES),
        ],
    )
    items = due_items([("2026-11-21-zoe.toml", session)], keep_in_touch_weeks=6)
    text = to_ics(items, NOW)
    raw = text.encode("utf-8")
    # CRLF everywhere, no bare LF; every line at most 75 octets.
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(text)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(items) == 3
    for event, item in zip(events, items, strict=True):
        assert str(event["UID"]) == item.uid
        assert event.decoded("DTSTAMP") == NOW
        assert event.decoded("DTSTART") == item.due
        # Commas, semicolons, quotes, newlines and any script come back as written.
        assert str(event["SUMMARY"]) == item.title
        assert list(event.walk("VALARM"))
    titles = [str(e["SUMMARY"]) for e in events]
    assert 'Send a thank-you to Zoë "Z" O\'Brien; Ph.D., Café\nLab' in titles
    assert any("Ана Петрова, MBA; 東京" in t for t in titles)


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(folder), "todo", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )


def test_todo_command_text_json_ics_and_bad_input(tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    text = run(folder)
    assert text.returncode == 0, text.stderr
    assert "Send a thank-you to Sunniva Hart" in text.stdout
    assert "OVERDUE" in text.stdout
    data = json.loads(run(folder, "--format", "json").stdout)
    assert {d["kind"] for d in data} == {
        "thank-you",
        "outreach",
        "confirm",
        "follow-up",
        "keep-in-touch",
    }
    assert all(d["due"].endswith("Z") for d in data)
    target = tmp_path / "due.ics"
    written = run(folder, "--format", "ics", "-o", str(target))
    assert written.returncode == 0, written.stderr
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    assert len(list(calendar.walk("VEVENT"))) == len(data)
    assert b"\r\n" in target.read_bytes()
    assert run(folder, "--format", "pdf").returncode == 2
    assert run(folder, "--weeks", "0").returncode == 2
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    unwritable = run(folder, "-o", str(blocked / "x.ics"))
    assert unwritable.returncode == 1
    assert "cannot be written" in unwritable.stderr


@pytest.mark.parametrize("weeks", ["6", "104"])
def test_keep_in_touch_weeks_are_the_users(tmp_path: Path, weeks: str) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    data = json.loads(run(folder, "--format", "json", "--weeks", weeks).stdout)
    owen = next(d for d in data if d["kind"] == "keep-in-touch" and d["person"] == "Owen Pritchard")
    last = read_session(folder / owen["file"]).session.follow_up.last_contact
    assert last is not None
    due = dt.datetime.fromisoformat(owen["due"])
    assert due == last + dt.timedelta(weeks=int(weeks))


def test_keep_in_touch_weeks_come_from_the_config_file_unless_given(tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "iisession"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text("[follow_up]\nkeep_in_touch_weeks = 3\n")

    def owen_due(*args: str) -> dt.timedelta:
        done = run(folder, "--format", "json", *args)
        assert done.returncode == 0, done.stderr
        data = json.loads(done.stdout)
        owen = next(
            d for d in data if d["kind"] == "keep-in-touch" and d["person"] == "Owen Pritchard"
        )
        last = read_session(folder / owen["file"]).session.follow_up.last_contact
        assert last is not None
        return dt.datetime.fromisoformat(owen["due"]) - last

    assert owen_due() == dt.timedelta(weeks=3)
    assert owen_due("--weeks", "5") == dt.timedelta(weeks=5)
    (config / "config.toml").write_text("[follow_up]\nkeep_in_touch_weeks = 0\n")
    done = run(folder)
    assert done.returncode == 0
    assert "follow_up.keep_in_touch_weeks" in done.stderr
    assert owen_due() == dt.timedelta(weeks=12)


def test_many_to_ask_at_one_organisation_the_latest_request_names_the_first() -> None:
    from iisession.core.model import Reply, Request
    from iisession.core.todo import DueKind

    sent = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)

    def request(name: str, organisation: str, at: dt.datetime | None) -> Session:
        return Session(
            person=Person(name=name, organisation=organisation),
            state=SessionState.REQUESTED,
            created=sent - dt.timedelta(days=1),
            request=Request(sent_at=at, reply=Reply.WAITING),
        )

    waiting = [(f"w{i}.toml", request(f"Waiting {i}", "Acme Inc.", sent)) for i in range(50)]
    latest = ("latest.toml", request("Ana Lima", "the ACME ltd", sent + dt.timedelta(hours=1)))
    to_ask = [(f"t{i}.toml", request(f"To Ask {i}", "acme", None)) for i in range(300)]
    suggested = dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC)
    call = Session(
        person=Person(name="Gil Moreau"),
        state=SessionState.ENDED,
        created=suggested,
        timeline=[
            TimelineEvent(EventKind.STARTED, suggested),
            TimelineEvent(EventKind.ENDED, suggested + dt.timedelta(minutes=30)),
        ],
        referrals=[Referral(name=f"Ref {i}", organisation="ACME Inc") for i in range(100)],
    )
    items = due_items([*waiting, latest, ("call.toml", call), *to_ask])
    [ask_next] = [i for i in items if i.kind is DueKind.ASK_NEXT]
    # Requests not sent come first, in the order given; the referrals after them.
    assert (ask_next.file, ask_next.next_file, ask_next.next_referral) == (
        "latest.toml",
        "t0.toml",
        "",
    )
    assert ask_next.title == "No reply from Ana Lima yet: ask To Ask 0 at the ACME ltd next"
    assert sum(i.kind is DueKind.SEND_REQUEST for i in items) == 300
    assert sum(i.kind is DueKind.FOLLOW_UP for i in items) == 51


def test_ask_next_skips_referrals_already_asked_and_those_from_calls_not_held() -> None:
    from iisession.core.model import Reply, Request
    from iisession.core.todo import DueKind

    sent = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)
    ana = Session(
        person=Person(name="Ana Lima", organisation="Acme"),
        state=SessionState.REQUESTED,
        created=sent - dt.timedelta(days=1),
        request=Request(sent_at=sent, reply=Reply.WAITING),
    )
    held = dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC)
    call = Session(
        person=Person(name="Gil Moreau"),
        state=SessionState.ENDED,
        created=held,
        timeline=[
            TimelineEvent(EventKind.STARTED, held),
            TimelineEvent(EventKind.ENDED, held + dt.timedelta(minutes=30)),
        ],
        referrals=[
            Referral(name="Dev Rao", organisation="Acme"),
            Referral(name="Eve Sol", organisation="Acme"),
        ],
    )
    dev, eve = call.referrals
    # Dev was asked from the referral (the request points back at it), under
    # another organisation's name, before the referral itself was linked.
    dev_asked = Session(
        person=Person(name="Dev Rao", organisation="Rao Consulting"),
        state=SessionState.PLANNED,
        created=held + dt.timedelta(days=2),
        source_session=call.id,
        source_referral=dev.id,
    )
    # A call still to come: the people suggested in its notes are not referrals yet.
    planned = Session(
        person=Person(name="Hal Ng"),
        state=SessionState.PLANNED,
        created=held,
        referrals=[Referral(name="Pia Vos", organisation="Acme")],
    )
    sessions = [
        ("planned.toml", planned),
        ("call.toml", call),
        ("dev.toml", dev_asked),
        ("ana.toml", ana),
    ]
    [ask_next] = [i for i in due_items(sessions) if i.kind is DueKind.ASK_NEXT]
    assert (ask_next.next_file, ask_next.next_referral) == ("call.toml", eve.id)
    assert ask_next.title == "No reply from Ana Lima yet: ask Eve Sol at Acme next"
    # Once Eve has a session of her own, no one at Acme is left to ask.
    eve_call = Session(
        person=Person(name="Eve Sol", organisation="Sol Studio"),
        state=SessionState.PLANNED,
        created=held + dt.timedelta(days=3),
    )
    eve.session_id = eve_call.id
    sessions.append(("eve.toml", eve_call))
    assert [i for i in due_items(sessions) if i.kind is DueKind.ASK_NEXT] == []
