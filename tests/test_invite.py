"""Calendar invites (.ics): each sample read field by field, an updated invite
keeping its UID, the limit notes, and every kind of bad file refused with a reason."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from iisession.core import codec
from iisession.core.invite import (
    MAX_INVITE_BYTES,
    MAX_INVITE_LINES,
    Invite,
    InviteProblem,
    limit_from,
    read_invite,
    read_invite_file,
)
from iisession.core.model import Person, Session

INVITES = Path(__file__).resolve().parent / "data" / "invites"
ME = "clara.whitfield@example.com"
TORONTO = ZoneInfo("America/Toronto")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


def sample(name: str) -> bytes:
    return (INVITES / name).read_bytes()


def read(name: str) -> Invite:
    return read_invite_file(INVITES / name, TORONTO)


@dataclass
class Expected:
    uid: str
    start: dt.datetime
    minutes: int | None
    summary: str
    person: tuple[str, str]
    link: str
    zone: str
    location: str = ""


ZOE = ("Zoë Ó Briain", "zoe.obriain@example.ie")
TEAMS_JOIN = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ1ZTk4YzItMWE3Mi00ZDhlLWI5"
    "NzQtMmY1YzNkOGE2YjQx%40thread.v2/0?context=%7b%22Tid%22%3a%228f1c2d3e-4b5a-4c6d-9e8f"
    "-0a1b2c3d4e5f%22%2c%22Oid%22%3a%22b7e6d5c4-3a2b-4c1d-8e9f-1a2b3c4d5e6f%22%7d"
)
ZOOM = "https://us02web.zoom.us/j/83746592011?pwd=bG9va2luZ0ZvcndhcmQ"

SAMPLES = {
    # British Summer Time: 14:00 in London is 13:00 UTC.
    "google-invite.ics": Expected(
        uid="5q3k9c0v2m8b1n7h4j6g0f2d1s@google.com",
        start=utc(2026, 6, 18, 13, 0),
        minutes=30,
        summary="Informational chat: Zoë Ó Briain / Clara Whitfield",
        person=ZOE,
        link="https://meet.google.com/xkp-wqrt-bnm",
        zone="Europe/London",
    ),
    # Outlook's Windows zone name; the user organised it, so the person is the guest.
    "outlook-invite.ics": Expected(
        uid="040000008200E00074C5B7101A82E00800000000D0A8C6A3F2FBDC0100000000000000001000"
        "0000B6B2C3B6A4E34B4C9A0E3B9B7F1E5A21",
        start=utc(2026, 9, 23, 9, 0),
        minutes=45,
        summary="Informational interview: Rhys Llewellyn (Harbour Health)",
        person=("Rhys Llewellyn", "rhys.llewellyn@harbourhealth.example"),
        link=TEAMS_JOIN,
        zone="GMT Standard Time",
        location="Microsoft Teams Meeting",
    ),
    "utc-duration.ics": Expected(
        uid="7f3c2a10-5d8e-4b61-9a0f-2c4e6b8d1a35@booking.example.com",
        start=utc(2026, 10, 15, 8, 0),
        minutes=45,
        summary="Conversa informativa com Mateus Conceição",
        person=("Mateus Conceição", "mateus.conceicao@example.pt"),
        link=ZOOM,
        zone="UTC",
        location=ZOOM,
    ),
    # No time zone: 15:00 local time, here Toronto (EST, UTC-5 in November).
    "floating.ics": Expected(
        uid="aroha-ngata-call-2026-11-20",
        start=utc(2026, 11, 20, 20, 0),
        minutes=30,
        summary="Call with Aroha Ngata (Te Whatu Ora)",
        person=("Aroha Ngata", "aroha.ngata@example.nz"),
        link="https://docs.example.org/aroha-call-agenda",  # no service: the first link
        zone="",
        location="Phone: +64 4 555 0192",
    ),
    # Central European Time in November: 09:30 in Berlin is 08:30 UTC.
    "short-15.ics": Expected(
        uid="8C1F3E7A-4B2D-4F6A-9E1C-3D5B7A9F2E40",
        start=utc(2026, 11, 5, 8, 30),
        minutes=15,
        summary="Kurzes Gespräch: Jürgen / Clara",
        person=("Jürgen Weiß", "juergen.weiss@example.de"),
        link="https://whereby.com/juergen-weiss",
        zone="Europe/Berlin",
        location="https://whereby.com/juergen-weiss",
    ),
    "long-4h.ics": Expected(
        uid="c1d2e3f4-a5b6-4789-8abc-def012345678",
        start=utc(2026, 11, 10, 13, 0),
        minutes=240,
        summary="Portfolio review workshop with Ngozi Adébáyọ̀",
        person=("Ngozi Adébáyọ̀", "ngozi@studio.example.ng"),
        link="https://meet.jit.si/PortfolioReviewNov10",
        zone="UTC",
        location="Online",
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_sample_reads_as_its_calendar_meant(name: str) -> None:
    invite = read(name)
    want = SAMPLES[name]
    assert invite.uid == want.uid
    assert invite.start == want.start
    assert invite.start.tzinfo is dt.UTC
    assert invite.minutes == want.minutes
    assert invite.summary == want.summary
    assert invite.person(ME) == want.person
    assert invite.link == want.link
    assert invite.zone == want.zone
    assert invite.location == want.location
    assert not invite.cancelled


def test_the_samples_are_shaped_as_real_exports() -> None:
    google = sample("google-invite.ics")
    assert google.count(b"\r\n") == google.count(b"\n")  # CRLF throughout
    assert b"\r\n " in google  # folded lines
    assert max(len(line) for line in google.split(b"\r\n")) <= 75
    assert b"CN=Zo\xc3\xab \xc3\x93 Briain" in google  # UTF-8, not escaped
    assert b"\r\n" not in sample("floating.ics")  # typed by hand: LF only


def test_the_google_invite_in_full() -> None:
    invite = read("google-invite.ics")
    assert invite.organiser == ZOE
    # Google names a guest it knows no name for by the address: no name, then.
    assert invite.attendees == [ZOE, ("", ME)]
    assert invite.sequence == 0
    assert invite.modified == utc(2026, 6, 10, 9, 15, 11)
    # The team's page comes first in the text, but the meeting link wins.
    assert "https://www.example.ie/blog/how-we-design-with-patients" in invite.description
    assert "looking forward to our chat!" in invite.description
    assert "\r" not in invite.description


def test_the_updated_invite_keeps_the_uid_and_moves_the_time() -> None:
    first, updated = read("google-invite.ics"), read("google-invite-updated.ics")
    assert updated.uid == first.uid
    assert (first.sequence, updated.sequence) == (0, 1)
    assert updated.start == utc(2026, 6, 19, 15, 30)  # 16:30 in London
    assert updated.minutes == 45
    assert first.modified == utc(2026, 6, 10, 9, 15, 11)
    assert updated.modified == utc(2026, 6, 12, 15, 42, 9)


def test_outlook_rooms_are_not_people_and_the_organiser_may_be_the_user() -> None:
    invite = read("outlook-invite.ics")
    assert invite.organiser == ("Whitfield, Clara", ME)
    assert invite.attendees == [("Rhys Llewellyn", "rhys.llewellyn@harbourhealth.example")]
    # Without the user's address the organiser is all it can go by.
    assert invite.person() == ("Whitfield, Clara", ME)
    assert invite.person(ME.upper()) == invite.attendees[0]  # addresses match in any case


def test_person_skips_the_user_among_the_attendees() -> None:
    me, other = ("Clara Whitfield", ME), ("Priya Raman", "priya@example.in")
    invite = Invite(uid="u", start=utc(2026, 11, 3, 10), organiser=me, attendees=[me, other])
    assert invite.person(ME) == other
    alone = Invite(uid="u", start=utc(2026, 11, 3, 10), organiser=me, attendees=[me])
    assert alone.person(ME) == ("", "")
    nobody = Invite(uid="u", start=utc(2026, 11, 3, 10))
    assert nobody.person(ME) == ("", "")


def test_a_floating_time_is_local_time_in_the_zone_given() -> None:
    data = sample("floating.ics")
    assert read_invite(data, dt.UTC).start == utc(2026, 11, 20, 15, 0)
    assert read_invite(data, ZoneInfo("Pacific/Auckland")).start == utc(2026, 11, 20, 2, 0)


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("google-invite.ics", (30, "")),
        ("utc-duration.ics", (45, "")),
        ("short-15.ics", (15, "15 minutes is short: fine for a quick phone call")),
        (
            "long-4h.ics",
            (
                None,
                "the invite is 4 hours long, but the limit must be 5 to 180 minutes "
                "(most calls are 30 to 60)",
            ),
        ),
    ],
)
def test_the_limit_from_the_invite(name: str, limit: tuple[int | None, str]) -> None:
    assert limit_from(read(name)) == limit


def test_limit_notes_for_lengths_the_samples_do_not_have() -> None:
    start = utc(2026, 11, 3, 10)
    assert limit_from(Invite(uid="", start=start, minutes=120)) == (
        120,
        "120 minutes is longer than most (30 to 60): fine if they offered",
    )
    assert limit_from(Invite(uid="", start=start, minutes=None)) == (
        None,
        "the invite gives no end time or length: set the limit yourself",
    )
    assert limit_from(Invite(uid="", start=start, minutes=0))[0] is None
    assert limit_from(Invite(uid="", start=start, minutes=181)) == (
        None,
        "the invite is 181 minutes long, but the limit must be 5 to 180 minutes "
        "(most calls are 30 to 60)",
    )


def with_event(lines: str, calendar: str = "") -> bytes:
    """A calendar around one event made of ``lines`` (one property a line)."""
    body = "".join(f"{line}\r\n" for line in lines.split("\n"))
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{calendar}"
        f"BEGIN:VEVENT\r\nUID:u-1\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_no_end_and_no_duration_gives_no_limit() -> None:
    invite = read_invite(with_event("DTSTART:20261103T100000Z"))
    assert invite.minutes is None
    assert limit_from(invite)[0] is None


def test_a_negative_duration_gives_no_limit() -> None:
    invite = read_invite(with_event("DTSTART:20261103T100000Z\nDURATION:-PT30M"))
    assert invite.minutes == -30
    assert limit_from(invite) == (
        None,
        "the invite ends when it starts (or before): set the limit yourself",
    )


def test_a_cancelled_invite_says_so() -> None:
    data = sample("google-invite-updated.ics").replace(b"METHOD:REQUEST", b"METHOD:CANCEL")
    assert read_invite(data).cancelled
    status = with_event("DTSTART:20261103T100000Z\nSTATUS:CANCELLED")
    assert read_invite(status).cancelled


def test_a_time_zone_only_the_file_describes_is_read_from_that_file() -> None:
    def zone(offset: str) -> str:
        return (
            "BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\nBEGIN:STANDARD\r\n"
            f"DTSTART:16010101T000000\r\nTZOFFSETFROM:{offset}\r\nTZOFFSETTO:{offset}\r\n"
            "END:STANDARD\r\nEND:VTIMEZONE\r\n"
        )

    event = "DTSTART;TZID=Customized Time Zone:20261103T100000"
    # The same name meaning two zones in two files: each file is read by its own.
    assert read_invite(with_event(event, zone("+0530"))).start == utc(2026, 11, 3, 4, 30)
    assert read_invite(with_event(event, zone("-0300"))).start == utc(2026, 11, 3, 13, 0)


def test_a_session_keeps_the_invite_uid_after_source_referral() -> None:
    made = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    session = Session(
        person=Person(name="Zoë Ó Briain"),
        created=made,
        source_referral="r1",
        invite_uid="5q3k9c0v2m8b1n7h4j6g0f2d1s@google.com",
    )
    text = codec.dumps(session)
    lines = text.splitlines()
    at = lines.index("invite_uid = '5q3k9c0v2m8b1n7h4j6g0f2d1s@google.com'")
    assert lines[at - 1] == "source_referral = 'r1'"
    assert at < lines.index("[person]")
    back = codec.loads(text)
    assert back.session.invite_uid == session.invite_uid
    assert back.unknown_keys == []
    assert "invite_uid" not in codec.dumps(Session(created=made))  # empty: left out


def test_an_invite_uid_that_is_not_text_is_refused() -> None:
    text = codec.dumps(Session(created=utc(2026, 11, 1, 9))).replace(
        "limit_minutes = 30\n", "limit_minutes = 30\ninvite_uid = 7\n"
    )
    with pytest.raises(codec.FormatError, match="`invite_uid` should be text"):
        codec.loads(text)


# --- bad files --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("two-events.ics", "this calendar file has 2 events: export just the one for the call"),
        ("no-event.ics", "this calendar file has no event"),
        ("all-day.ics", "the event is all day, with no start time, and a call needs one"),
        ("not-a-calendar.ics", "this is a web page, not a calendar invite"),
    ],
)
def test_each_bad_sample_is_refused_with_a_reason(name: str, message: str) -> None:
    path = INVITES / name
    with pytest.raises(InviteProblem) as caught:
        read_invite_file(path)
    assert str(caught.value).startswith(f"{path}: {message}")


GOOGLE = sample("google-invite.ics")

BAD = {
    "csv": (
        "First Name,Last Name,URL,Email Address\r\nZoë,Ó Briain,,zoe@example.ie\r\n".encode(),
        "this is not a calendar file: an invite (.ics) starts with BEGIN:VCALENDAR",
    ),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "this is not a calendar file"),
    "empty": (b"", "this is not a calendar file"),
    "vcard": (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zo\xc3\xab\r\nEND:VCARD\r\n",
        "this is a contact card (vCard), not a calendar invite",
    ),
    "cut short": (
        GOOGLE[: len(GOOGLE) // 2],
        "this calendar file is cut short (it has no END:VCALENDAR): export the invite again",
    ),
    "event not ended": (
        GOOGLE.replace(b"END:VEVENT\r\n", b""),
        "this calendar file is damaged (its event has no END:VEVENT)",
    ),
    "bad start": (
        with_event("DTSTART:2026-11-03 10:00"),
        "the event's start time cannot be read",
    ),
    "no start": (with_event("SUMMARY:Chat"), "the event has no start time (DTSTART)"),
    "unknown zone": (
        with_event("DTSTART;TZID=Mars/Olympus_Mons:20261103T100000"),
        "the event's time zone (Mars/Olympus_Mons) is not a known one, and the file "
        "does not describe it",
    ),
    "far future": (
        with_event("DTSTART:95001103T100000Z"),
        "the event's start (9500-11-03 10:00) is not between the years 1900 and 9000",
    ),
    "garbage line": (
        with_event("DTSTART:20261103T100000Z", "this line is no property\r\n"),
        "this calendar file cannot be read (",
    ),
    "too big": (
        b"BEGIN:VCALENDAR\r\n" + b" " * MAX_INVITE_BYTES,
        "this file is too big for a calendar invite (over 4 MiB)",
    ),
    "too many lines": (
        with_event("\n".join(["DTSTART:20261103T100000Z"] + ["X-A:1"] * MAX_INVITE_LINES)),
        "this calendar file is too long for one invite (",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_data_is_refused_with_a_reason(kind: str) -> None:
    data, message = BAD[kind]
    with pytest.raises(InviteProblem) as caught:
        read_invite(data, dt.UTC)
    assert str(caught.value).startswith(message)


def test_a_windows_code_page_file_still_reads() -> None:
    # iCalendar is UTF-8, but older programs write their own code page.
    data = with_event("DTSTART:20261103T100000Z\nORGANIZER;CN=Zoë Ó Briain:mailto:z@example.ie")
    invite = read_invite(data.decode("utf-8").encode("cp1252"))
    assert invite.organiser == ("Zoë Ó Briain", "z@example.ie")


def test_what_is_not_a_readable_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InviteProblem, match="is a folder, not a file"):
        read_invite_file(tmp_path)
    with pytest.raises(InviteProblem, match="there is no such file"):
        read_invite_file(tmp_path / "missing.ics")
    fifo = tmp_path / "invite.ics"
    os.mkfifo(fifo)
    with pytest.raises(InviteProblem, match=r"is not a regular file \(a FIFO\)"):
        read_invite_file(fifo)  # refused at once, never waiting for a writer


def test_odd_lines_inside_the_event_are_passed_over() -> None:
    # Lines some programs write that are not iCalendar: the event still reads.
    data = with_event(
        "DTSTART:20261103T100000Z\nDURATION:PT30M\nX-WEIRD;X=1:\nnot a property at all\n"
        "LAST-MODIFIED:yesterday\nSEQUENCE:two"
    )
    invite = read_invite(data)
    assert (invite.start, invite.minutes) == (utc(2026, 11, 3, 10, 0), 30)
    assert (invite.sequence, invite.modified) == (0, None)


def test_a_vendor_time_zone_name_is_read_as_the_standard_one(
    recwarn: pytest.WarningsRecorder,
) -> None:
    # As Evolution writes it, here with no VTIMEZONE: the name ends in a standard one.
    start = "DTSTART;TZID=/freeassociation.sourceforge.net/Tzfile/Europe/London:20260618T140000"
    invite = read_invite(with_event(start))
    assert invite.start == utc(2026, 6, 18, 13, 0)
    assert invite.zone == "/freeassociation.sourceforge.net/Tzfile/Europe/London"
    assert not recwarn.list  # nothing the library says reaches the user's terminal
