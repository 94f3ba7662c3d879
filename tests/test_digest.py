"""What the index keeps for the views after the call: a digest of each session (the
follow-ups, the network) and a row per question (the comparison).

Each check compares what the index answers with what the full files answer,
so a field a view needs and the index dropped cannot go unnoticed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from iisession.core import codec, compare, network, todo
from iisession.core.codec import dumps
from iisession.core.digest import decode, digest, encode, encode_document
from iisession.core.index import SessionIndex, read_comparison, read_sessions
from iisession.core.model import Outreach, Person, Referral, Session, utc_now
from iisession.core.store import SessionStore, read_session, read_session_and_document
from tests.factories import make_session
from tests.strategies import sessions as any_session

EXAMPLES = Path(__file__).resolve().parent.parent / "sessions"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def full(folder: Path) -> list[tuple[str, Session]]:
    """Every readable session, read in full from its file, in the store's order."""
    loaded, _ = SessionStore(folder).scan()
    return [(item.path.name, item.session) for item in loaded]


def views(pairs: list[tuple[str, Session]]) -> tuple[list[dict[str, Any]], str, str]:
    """Everything the follow-ups and the network show, as plain values."""
    return (
        [item.to_json(NOW) for item in todo.due_items(pairs, 6)],
        network.as_text(network.build(pairs)),
        network.as_csv(network.build(pairs)),
    )


def compared(source: compare.Comparison) -> tuple[object, ...]:
    """Everything the comparison shows: the counts, and every answer to every question."""
    tallies = source.tally()
    return tallies, {key: source.answers(key) for key in tallies}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_session)
def test_a_digest_reads_back_as_the_session_less_its_long_texts(session: Session) -> None:
    back = decode(encode(session))
    assert back == digest(session)
    assert back.notes == ""
    assert back.key_points == []
    assert back.preparation.research == ""
    assert len(back.timeline) <= 2
    assert back.questions == []  # kept in the index's own table
    # What the views read is all there.
    assert [(r.id, r.name, r.outreach, r.session_id) for r in back.referrals] == [
        (r.id, r.name, r.outreach, r.session_id) for r in session.referrals
    ]
    assert (back.started_at, back.ended_at) == (session.started_at, session.ended_at)
    assert back.follow_up.thank_you_sent == session.follow_up.thank_you_sent


def test_the_views_from_digests_equal_the_views_from_the_files(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    shutil.copytree(EXAMPLES, folder)
    # A chain, with one of each outreach state, so every branch of the views runs.
    a = make_session(name="Ada Byron", referrals=0)
    b = make_session(name="Ben Okafor", referrals=0)
    b.source_session = a.id
    a.referrals = [
        Referral(name="Ben Okafor", outreach=Outreach.MET, session_id=b.id),
        *(Referral(name=f"Person {state.value}", outreach=state) for state in Outreach),
    ]
    for n, s in enumerate((a, b)):
        (folder / f"2026-01-0{n + 1}-1200-chain.toml").write_text(dumps(s), encoding="utf-8")
    # A conflict copy (as the store keeps when another program changed a file): the
    # same id and times as the session, so every tie is broken by the file name.
    sunniva = folder / "2026-11-18-1700-sunniva-hart.toml"
    copy = read_session(sunniva).session
    copy.questions[0].answer = "The conflict copy's answer."
    copy.questions[0].asked_at = copy.started_at
    (folder / "2026-11-18-1700-sunniva-hart.conflict-20261119-100000.toml").write_text(
        dumps(copy), encoding="utf-8"
    )
    found = read_sessions(SessionIndex(folder, tmp_path / "cache"))
    assert found.note == ""
    assert found.problems == []
    assert [name for name, _ in found.sessions] == [name for name, _ in full(folder)]
    assert views(found.sessions) == views(full(folder))
    assert "Ben Okafor" in views(found.sessions)[1]
    # The person is reached through the session itself, not its conflict copy.
    joanna = next(c for c in network.build(found.sessions).contacts if c.name == "Joanna Pike")
    assert joanna.via_file == sunniva.name
    indexed = read_comparison(SessionIndex(folder, tmp_path / "cache"))
    assert compared(indexed.comparison) == compared(compare.FromSessions(full(folder)))
    assert indexed.comparison.answers("day.typical-week") is not None


def test_text_typed_since_a_session_was_built_is_indexed_as_the_file_holds_it(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "sessions"
    ix = SessionIndex(folder, tmp_path / "cache")

    def index_it(path: Path, session: Session, fp: object) -> None:
        ix.record(path, session, (fp.size, fp.mtime_ns, fp.inode, fp.ctime_ns))  # type: ignore[attr-defined]

    handle = SessionStore(folder, on_written=index_it).create(make_session(referrals=1))
    # As a form or a paste assigns it: after construction, with CR line ends.
    handle.session.questions[0].answer = "First line\r\nsecond line\rthird"
    handle.session.questions[0].text = "Edited\r\nquestion"
    handle.save()
    handle.close()
    assert ix.refresh().read == []  # the index holds the file as written
    from_files = compared(compare.FromSessions(full(folder)))
    assert compared(ix) == from_files
    [answer] = ix.answers("day-00").answers  # type: ignore[union-attr]
    assert answer.answer == "First line\nsecond line\nthird"
    assert ix.tally()["day-00"].text == "Edited\nquestion"


def test_a_save_recorded_in_the_index_updates_its_digest(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    ix = SessionIndex(folder, tmp_path / "cache")

    def index_it(path: Path, session: Session, fp: object) -> None:
        ix.record(path, session, (fp.size, fp.mtime_ns, fp.inode, fp.ctime_ns))  # type: ignore[attr-defined]

    handle = SessionStore(folder, on_written=index_it).create(make_session(referrals=1))
    ix.refresh()
    handle.session.referrals[0].outreach = Outreach.DECLINED
    handle.session.referrals[0].outreach_updated = utc_now()
    handle.save()
    handle.close()
    [(name, kept)] = ix.digests()
    assert name == handle.path.name
    assert kept.referrals[0].outreach is Outreach.DECLINED
    assert ix.refresh().read == []  # the recorded digest stands for the file as written


def test_a_digest_that_cannot_be_read_falls_back_to_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    shutil.copytree(EXAMPLES, folder)
    ix = SessionIndex(folder, tmp_path / "cache")
    ix.refresh()
    db = sqlite3.connect(ix.path)
    db.execute(
        "UPDATE digests SET body = 'not json' "
        "WHERE file = (SELECT rowid FROM files WHERE name LIKE '%owen%')"
    )
    db.execute(
        "DELETE FROM digests WHERE file = (SELECT rowid FROM files WHERE name LIKE '%ines%')"
    )
    db.commit()
    db.close()
    assert views(ix.digests()) == views(full(folder))


def test_without_a_usable_cache_every_file_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    shutil.copytree(EXAMPLES, folder)
    (folder / "2026-01-01-0000-broken.toml").write_text("nonsense", encoding="utf-8")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    found = read_sessions(SessionIndex(folder, blocked))
    assert "every file was read" in found.note
    assert [p.file for p in found.problems] == ["2026-01-01-0000-broken.toml"]
    assert views(found.sessions) == views(full(folder))
    fallback = read_comparison(SessionIndex(folder, blocked))
    assert "every file was read" in fallback.note
    assert compared(fallback.comparison) == compared(compare.FromSessions(full(folder)))


def test_practice_and_planned_sessions_keep_what_the_views_need(tmp_path: Path) -> None:
    planned = Session(person=Person(name="Theo Marsh"), planned_at=NOW + dt.timedelta(days=1))
    assert decode(encode(planned)).planned_at == planned.planned_at
    practice = make_session()
    practice.practice = True
    assert decode(encode(practice)).practice


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_session)
def test_the_digest_made_from_a_files_document_is_the_digest_of_its_session(
    session: Session,
) -> None:
    """A first build makes each digest from the document as parsed: it must read
    back as the one made from the session the file decodes to."""
    decoded = codec.loads(dumps(session))
    assert decoded.document is not None  # a file as the app writes it: the quick path
    assert decode(encode_document(decoded.document)) == digest(decoded.session)
    assert encode_document(decoded.document) == encode(decoded.session, as_read=True)


def test_a_hand_edited_file_gives_the_same_digest_from_its_document(tmp_path: Path) -> None:
    """Defaults written out, keys in another order, text to be cleaned (a carriage
    return, a combining accent), drafts, and more than one start and end."""
    text = """schema_version = 1
id = "hand-edited"
state = "ended"
revision = 4
created = 2026-11-20T09:00:00Z
limit_minutes = 30
practice = false
source_session = ""

[person]
organisation = "Cafe\u0301 Ltd"
name = "Zoe\u0301 Park"
title = ""

[preparation]
research = "Read their blog\\r\\nand the talk"

[follow_up]
thank_you_draft = "Dear Zoe,\\r\\nthank you"
last_contact = 2026-11-20T10:00:00Z

[request]
subject = "A question"
reply = "agreed"
text = "Would you have 30 minutes?"
follow_up_text = "Just following up"

[[questions]]
id = "q1"
text = "What is a typical week?"
asked_at = 2026-11-20T09:05:00Z
answer = "Meetings\\r\\nand code"

[[timeline]]
kind = "started"
at = 2026-11-20T09:00:00Z

[[timeline]]
kind = "paused"
at = 2026-11-20T09:10:00Z

[[timeline]]
kind = "ended"
at = 2026-11-20T09:20:00Z

[[timeline]]
kind = "reopened"
at = 2026-11-20T09:21:00Z

[[timeline]]
kind = "started"
at = 2026-11-20T09:22:00Z

[[timeline]]
kind = "ended"
at = 2026-11-20T09:40:00Z

[[referrals]]
id = "r1"
name = "Ana Ruiz"
draft = "Hello Ana,\\r\\nZoe suggested"
outreach = "to-contact"

[notes]
text = "Long notes\\r\\n"
"""
    path = tmp_path / "hand-edited.toml"
    path.write_text(text, encoding="utf-8")
    loaded, document = read_session_and_document(path)
    assert document is not None
    from_document = decode(encode_document(document))
    assert from_document == digest(loaded.session)
    assert from_document == decode(encode(loaded.session, as_read=True))
    assert [e.kind.value for e in from_document.timeline] == ["started", "ended"]
    assert from_document.timeline[1].at == dt.datetime(2026, 11, 20, 9, 40, tzinfo=dt.UTC)
    assert from_document.person == loaded.session.person
    assert from_document.referrals[0].draft == ""
    assert from_document.request is not None
    assert (from_document.request.text, from_document.request.subject) == ("", "A question")
