"""Follow-up drafts (golden files) and mailto links checked against RFC 6068."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from iisession.core.followup import mailto, thank_you_draft, thank_you_overdue
from iisession.core.model import (
    EventKind,
    Person,
    Session,
    SessionState,
    TimelineEvent,
)
from iisession.core.store import read_session

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def example(name: str) -> Session:
    return read_session(ROOT / "sessions" / name).session


def test_thank_you_cites_starred_points_and_thanks_for_referrals() -> None:
    owen = example("2026-11-04-1200-owen-pritchard.toml")
    draft = thank_you_draft(owen, "Clara Whitfield")
    assert draft == (GOLDEN / "thank-you-owen.txt").read_text(encoding="utf-8")
    assert draft.startswith("Dear Owen,")
    for name in ("Nadia Petrakis", "Harriet Oyelaran", "Leon Baptiste"):
        assert name in draft


def test_thank_you_without_points_or_referrals_stays_short() -> None:
    draft = thank_you_draft(Session(person=Person(name="Ana Ruiz")))
    assert (
        draft
        == "Dear Ana,\n\nThank you for taking the time to talk with me.\n\nWith best wishes,\n"
    )


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Thank you", "Dear Owen,\n\nThank you.\nClara"),
        ("Q&A? 100% = yes #1", "a+b & c=d?\r\nnext line\rlast"),
        ("Café — merci", "Grüße, 東京 🙂\n"),
    ],
)
def test_mailto_follows_rfc_6068(subject: str, body: str) -> None:
    link = mailto("owen.pritchard@example.org", subject, body)
    parts = urlsplit(link)
    assert parts.scheme == "mailto"
    assert parts.path == "owen.pritchard@example.org"
    assert link.isascii()
    assert " " not in link
    assert "+" not in link.split("?", 1)[1]
    fields = dict(pair.split("=", 1) for pair in parts.query.split("&"))
    assert set(fields) == {"subject", "body"}
    # Only unreserved characters and percent-escapes are left in the values.
    for value in fields.values():
        assert all(c.isalnum() or c in "-._~%" for c in value)
    assert unquote(fields["subject"]) == subject
    crlf = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    assert unquote(fields["body"]) == crlf
    if "\n" in body:
        assert "%0D%0A" in fields["body"]


@pytest.mark.parametrize(
    "address", ["", "not an address", "a@b", "x@y.z?cc=evil@example.org", "<a@b.c>"]
)
def test_mailto_leaves_out_what_is_not_an_email_address(address: str) -> None:
    link = mailto(address, "Hi", "Body")
    assert link.startswith("mailto:?subject=Hi&body=Body")


def test_a_thank_you_is_overdue_a_day_after_the_call() -> None:
    ended = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)
    session = Session(
        state=SessionState.ENDED,
        timeline=[
            TimelineEvent(EventKind.STARTED, ended - dt.timedelta(minutes=30)),
            TimelineEvent(EventKind.ENDED, ended),
        ],
    )
    assert not thank_you_overdue(session, ended + dt.timedelta(hours=23))
    assert thank_you_overdue(session, ended + dt.timedelta(hours=25))
    session.follow_up.thank_you_sent = ended + dt.timedelta(hours=2)
    assert not thank_you_overdue(session, ended + dt.timedelta(days=3))
    assert not thank_you_overdue(Session(), ended)  # no call yet: nothing due
