"""Reading a calendar invite (an .ics file) for the call it plans.

One event (VEVENT) gives what the setup form asks for: when the call starts
(in UTC, from the event's time zone), how long it is (DTEND or DURATION),
who it is with (the organiser, or the first other attendee when the user
organised it), where (LOCATION) and the meeting link. Its UID is kept in the
session (``Session.invite_uid``), so importing an updated invite (a later
SEQUENCE, a new time) updates the same session instead of making another.

Parsing is done by the icalendar library; time zones are resolved here, from
the standard names, Windows names (as Outlook writes them) and, for a name
neither knows, the VTIMEZONE the file itself gives. A file that is not a
calendar, is cut short, or holds no event or several is refused with an
``InviteProblem`` saying what to do.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import icalendar
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from .atomic import describe_os_error
from .codec import MAX_YEAR, MIN_YEAR
from .model import clean_text, clean_time
from .planning import check_limit, limit_problem
from .safe_read import RefusedFile, read_regular

MAX_INVITE_BYTES = 4 * 1024 * 1024
"""Larger files are refused: an invite is a few KiB, a few MiB with an attachment."""
MAX_INVITE_LINES = 10_000
"""Files with more properties are refused unread: an invite has a hundred or so, and
the library takes a second for every ten thousand."""

MEETING_SERVICES = (
    "zoom.us",
    "teams.microsoft.com",
    "teams.live.com",
    "meet.google.com",
    "whereby.com",
    "jit.si",
    "webex.com",
)
"""Hosts (and their subdomains) of the usual video-call services: their links win."""

# Where a meeting link can be, most specific first: the standard CONFERENCE
# property, the calendars' own properties for their meetings, then the text.
_LINK_SOURCES = (
    "CONFERENCE",
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK",
    "LOCATION",
    "URL",
    "DESCRIPTION",
)

_URL = re.compile(r"https://[^\s<>\"'`\\{}|^\[\]()]+", re.IGNORECASE)
_URL_TAIL = ".,;:!?*"
_LINK_SEARCH_CHARS = 256 * 1024
"""Links are looked for this far into a text: a meeting link is never buried deeper."""
_CONTENT_LINE = re.compile(r"\n(?![ \t])")  # a line break that is not a fold
_LINE = re.compile(r"^(BEGIN|END):(VCALENDAR|VEVENT|VCARD)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
_NOT_PEOPLE = {"ROOM", "RESOURCE"}
"""Attendee kinds (CUTYPE) that are no one to talk to: a meeting room, a projector."""


class InviteProblem(ValueError):
    """The file cannot give a call: the message says why and what to do."""


@dataclass
class Invite:
    """The call a calendar invite plans."""

    uid: str
    """The event's identifier, the same in every update of it ("" if it has none)."""
    start: dt.datetime
    """When the call starts, timezone-aware UTC with whole seconds."""
    minutes: int | None = None
    """How long it is (None: the invite gives no end or length)."""
    summary: str = ""
    organiser: tuple[str, str] = ("", "")
    """(name, e-mail); either may be empty."""
    attendees: list[tuple[str, str]] = field(default_factory=list)
    """(name, e-mail) of each person invited, rooms and equipment left out."""
    location: str = ""
    link: str = ""
    """The meeting link ("" if none was found)."""
    description: str = ""
    zone: str = ""
    """The start's time zone as the invite names it: a TZID, "UTC", or "" for a
    floating time (taken as local time)."""
    sequence: int = 0
    """The revision of the event: each update the organiser sends counts one up."""
    modified: dt.datetime | None = None
    """LAST-MODIFIED, if the invite says."""
    cancelled: bool = False
    """The invite cancels the event (METHOD:CANCEL or STATUS:CANCELLED)."""

    def person(self, self_email: str = "") -> tuple[str, str]:
        """The other party, as (name, e-mail): the organiser, unless the
        organiser is the user (matched by ``self_email``); then the first
        attendee that is not the user. ("", "") if there is no one else."""
        me = self_email.strip().casefold()

        def is_me(contact: tuple[str, str]) -> bool:
            return bool(me) and contact[1].casefold() == me

        organiser = self.organiser
        if any(organiser) and not is_me(organiser):
            return organiser
        for attendee in self.attendees:
            if any(attendee) and not is_me(attendee):
                return attendee
        return ("", "")


def limit_from(invite: Invite) -> tuple[int | None, str]:
    """The call limit the invite gives: (minutes, note), as the setup form reads a
    typed limit (a gentle note outside 30-60 minutes), or (None, why not)."""
    minutes = invite.minutes
    if minutes is None:
        return None, "the invite gives no end time or length: set the limit yourself"
    if minutes <= 0:
        return None, "the invite ends when it starts (or before): set the limit yourself"
    problem = limit_problem(minutes)
    if problem:
        return None, f"the invite is {_length(minutes)} long, but {problem}"
    return check_limit(str(minutes))


def _length(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and not rest:
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def read_invite_file(path: Path, tz: dt.tzinfo | None = None) -> Invite:
    """``read_invite`` on the file at ``path``; the problem names the file."""
    try:
        data, _ = read_regular(path, MAX_INVITE_BYTES)
    except RefusedFile as error:
        raise InviteProblem(f"{path}: it {error.reason}") from None
    except FileNotFoundError:
        raise InviteProblem(f"{path}: there is no such file") from None
    except PermissionError:
        raise InviteProblem(f"{path}: no permission to read it") from None
    except OSError as error:
        raise InviteProblem(f"{path}: {describe_os_error(error)}") from None
    try:
        return read_invite(data, tz)
    except InviteProblem as problem:
        raise InviteProblem(f"{path}: {problem}") from None


def read_invite(data: bytes, tz: dt.tzinfo | None = None) -> Invite:
    """The call planned by the one event in the iCalendar ``data``.

    A floating time (no time zone) is taken as local time in ``tz`` (the
    system's when None). Raises ``InviteProblem`` for anything that does not
    give a call.
    """
    if len(data) > MAX_INVITE_BYTES:
        raise InviteProblem(
            f"this file is too big for a calendar invite (over {MAX_INVITE_BYTES // 2**20} MiB)"
        )
    text = _decode(data)
    _check_shape(text)
    try:
        with warnings.catch_warnings():
            # What the library warns of (a guessed time zone, say) is not for the user.
            warnings.simplefilter("ignore")
            calendars = icalendar.Calendar.from_ical(text, multiple=True)
        events = [event for calendar in calendars for event in calendar.walk("VEVENT")]
        if not events:
            raise InviteProblem(_NO_EVENT)
        if len(events) > 1:
            raise InviteProblem(_several(len(events)))
        return _invite(events[0], calendars, tz)
    except InviteProblem:
        raise
    except Exception as error:  # whatever the library meets in a broken file
        raise InviteProblem(
            f"this calendar file cannot be read ({_short(error)}): export the invite again"
        ) from None


_NO_EVENT = "this calendar file has no event: export the invite for the call"


def _several(count: int) -> str:
    return f"this calendar file has {count} events: export just the one for the call"


def _short(error: Exception) -> str:
    reason = " ".join(str(error).split()) or type(error).__name__
    return reason if len(reason) <= 120 else reason[:119] + "…"


def _decode(data: bytes) -> str:
    if b"\0" in data:
        raise InviteProblem(_NOT_CALENDAR)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # iCalendar is UTF-8, but older programs wrote their own code page.
        return data.decode("cp1252", errors="replace")


_NOT_CALENDAR = "this is not a calendar file: an invite (.ics) starts with BEGIN:VCALENDAR"


def _check_shape(text: str) -> None:
    """Refuse what is plainly not one invite before the library reads it: the
    messages can then say what the file is, and a calendar of thousands of
    events is not parsed only to be refused."""
    first = text.lstrip().split("\n", 1)[0].strip().upper()
    if first == "BEGIN:VCARD":
        raise InviteProblem("this is a contact card (vCard), not a calendar invite")
    if first.startswith("<"):
        raise InviteProblem(
            "this is a web page, not a calendar invite: save the invite from the e-mail "
            "or the calendar again"
        )
    if first not in ("BEGIN:VCALENDAR", "BEGIN:VEVENT"):
        raise InviteProblem(_NOT_CALENDAR)
    marks = [(m[1].upper(), m[2].upper()) for m in _LINE.finditer(text)]
    opened = first.removeprefix("BEGIN:")
    if ("END", opened) not in marks:
        raise InviteProblem(
            f"this calendar file is cut short (it has no END:{opened}): export the invite again"
        )
    events = marks.count(("BEGIN", "VEVENT"))
    if events > 1:
        raise InviteProblem(_several(events))
    if events != marks.count(("END", "VEVENT")):
        raise InviteProblem(
            "this calendar file is damaged (its event has no END:VEVENT): export the invite again"
        )
    lines = len(_CONTENT_LINE.findall(text))
    if lines > MAX_INVITE_LINES:
        raise InviteProblem(
            f"this calendar file is too long for one invite ({lines} lines): "
            "export just the event for the call"
        )


# --- one event --------------------------------------------------------------


def _broken(value: Any) -> bool:
    """A value the library could not read, kept as text (its type differs by version)."""
    return type(value).__name__ == "vBroken"


def _first(component: Any, name: str) -> Any:
    """The property's value (the first, if it is there more than once), or None."""
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return None if _broken(value) else value


def _text(component: Any, name: str) -> str:
    value = _first(component, name)
    return "" if value is None else clean_text(str(value)).strip()


def _invite(event: Any, calendars: list[Any], tz: dt.tzinfo | None) -> Invite:
    start_prop = event.get("DTSTART")
    if isinstance(start_prop, list):
        start_prop = start_prop[0] if start_prop else None
    if start_prop is None:
        raise InviteProblem("the event has no start time (DTSTART): export the invite again")
    if _broken(start_prop):
        raise InviteProblem(
            f"the event's start time cannot be read ({start_prop}): export the invite again"
        )
    value = start_prop.dt
    if not isinstance(value, dt.datetime):
        raise InviteProblem(
            "the event is all day, with no start time, and a call needs one: "
            "give it a time in your calendar and export it again, or type the time in"
        )
    zone, zone_name = _zone_of(start_prop, value, calendars, tz)
    start = _in_utc(value, zone)
    if start is None or not MIN_YEAR <= start.year <= MAX_YEAR:
        raise InviteProblem(
            f"the event's start ({value:%Y-%m-%d %H:%M}) is not between the years "
            f"{MIN_YEAR} and {MAX_YEAR}: correct it in your calendar and export it again"
        )
    method = str(_first(calendars[0], "METHOD") or "").upper() if calendars else ""
    return Invite(
        uid=_text(event, "UID"),
        start=clean_time(start),
        minutes=_minutes(event, start, calendars, tz),
        summary=_text(event, "SUMMARY"),
        organiser=_contact(_first(event, "ORGANIZER")),
        attendees=_attendees(event),
        location=_text(event, "LOCATION"),
        link=_link(event),
        description=_text(event, "DESCRIPTION"),
        zone=zone_name,
        sequence=_sequence(event),
        modified=_modified(event),
        cancelled=method == "CANCEL" or _text(event, "STATUS").upper() == "CANCELLED",
    )


def _zone_of(
    prop: Any, value: dt.datetime, calendars: list[Any], tz: dt.tzinfo | None
) -> tuple[dt.tzinfo | None, str]:
    """The time zone a date-time property is in, and its name: (None, "") for a
    floating time, which is local time in ``tz``."""
    tzid = prop.params.get("TZID") if getattr(prop, "params", None) else None
    if tzid:
        name = str(tzid)
        return _zone_named(name, calendars), name
    if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0):
        return dt.UTC, "UTC"
    if value.tzinfo is not None:  # not written by iCalendar's rules, but unambiguous
        return value.tzinfo, ""
    return tz, ""


def _zone_named(tzid: str, calendars: list[Any]) -> dt.tzinfo:
    """A TZID as a time zone: a standard name, a Windows name, else the file's own
    VTIMEZONE (read afresh: the library's cache is shared by every file read),
    else the standard name at the end of a vendor's one
    ("/freeassociation.sourceforge.net/Europe/London")."""
    name = tzid.strip()
    zone = _standard_zone(name) or _standard_zone(WINDOWS_TO_OLSON.get(name, ""))
    if zone is not None:
        return zone
    for calendar in calendars:
        for vtimezone in calendar.walk("VTIMEZONE"):
            if str(vtimezone.get("TZID", "")) == tzid:
                described: dt.tzinfo = vtimezone.to_tz(tzp, lookup_tzid=False)
                return described
    if name.startswith("/"):
        parts = name.strip("/").split("/")
        for cut in range(1, len(parts)):
            zone = _standard_zone("/".join(parts[cut:]))
            if zone is not None:
                return zone
    raise InviteProblem(
        f"the event's time zone ({tzid}) is not a known one, and the file does not "
        "describe it: export the invite again, or type the time in"
    )


def _standard_zone(name: str) -> dt.tzinfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):
        return None


def _in_utc(value: dt.datetime, zone: dt.tzinfo | None) -> dt.datetime | None:
    """``value`` read in ``zone`` (local time when None), in UTC; None past the
    calendar's end."""
    wall = value.replace(tzinfo=None)
    try:
        local = wall.astimezone() if zone is None else wall.replace(tzinfo=zone)
        return local.astimezone(dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _minutes(
    event: Any, start: dt.datetime, calendars: list[Any], tz: dt.tzinfo | None
) -> int | None:
    """The length in whole minutes, from DTEND or else DURATION; None when neither
    gives one that can be read."""
    end_prop = _first(event, "DTEND")
    seconds: float | None = None
    if end_prop is not None and isinstance(end_prop.dt, dt.datetime):
        try:
            zone, _ = _zone_of(end_prop, end_prop.dt, calendars, tz)
        except InviteProblem:
            return None
        end = _in_utc(end_prop.dt, zone)
        seconds = None if end is None else (end - start).total_seconds()
    elif end_prop is None:
        duration = _first(event, "DURATION")
        if duration is not None and isinstance(duration.dt, dt.timedelta):
            seconds = duration.dt.total_seconds()
    return None if seconds is None else round(seconds / 60)


def _contact(address: Any) -> tuple[str, str]:
    """(name, e-mail) of an ORGANIZER or ATTENDEE; a name that is only the
    address (as some calendars write when they know no name) is left empty."""
    if address is None:
        return ("", "")
    value = clean_text(str(address)).strip()
    if value[:7].casefold() == "mailto:":
        email = value[7:].strip()
    else:
        email = value if "@" in value and ":" not in value else ""
    params = getattr(address, "params", None) or {}
    name = clean_text(str(params.get("CN", ""))).strip()
    if name.casefold() == email.casefold():
        name = ""
    return (name, email)


def _attendees(event: Any) -> list[tuple[str, str]]:
    found = event.get("ATTENDEE")
    if found is None:
        return []
    attendees: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for address in found if isinstance(found, list) else [found]:
        if _broken(address):
            continue
        params = getattr(address, "params", None) or {}
        if str(params.get("CUTYPE", "")).upper() in _NOT_PEOPLE:
            continue
        contact = _contact(address)
        if any(contact) and contact not in seen:
            seen.add(contact)
            attendees.append(contact)
    return attendees


def _link(event: Any) -> str:
    """The meeting link: the first link of a known meeting service, else the first
    https link, looking in ``_LINK_SOURCES`` in order."""
    first = ""
    for name in _LINK_SOURCES:
        values = event.get(name)
        for value in values if isinstance(values, list) else [values]:
            if value is None or _broken(value):
                continue
            for match in _URL.finditer(str(value), 0, _LINK_SEARCH_CHARS):
                link = _clean_link(match[0])
                if len(link) <= len("https://"):
                    continue
                if _is_meeting(link):
                    return link
                first = first or link
    return first


def _clean_link(link: str) -> str:
    # An HTML description writes & as &amp; and may end a link with &gt;.
    link = link.replace("&amp;", "&").removesuffix("&gt;").rstrip(_URL_TAIL)
    return clean_text(link)


def _is_meeting(link: str) -> bool:
    try:
        host = (urlsplit(link).hostname or "").casefold()
    except ValueError:
        return False
    return any(host == service or host.endswith("." + service) for service in MEETING_SERVICES)


def _sequence(event: Any) -> int:
    value = _first(event, "SEQUENCE")
    try:
        return max(0, int(value)) if value is not None else 0
    except (TypeError, ValueError):
        return 0


def _modified(event: Any) -> dt.datetime | None:
    value = _first(event, "LAST-MODIFIED")
    moment = getattr(value, "dt", None)
    if not isinstance(moment, dt.datetime):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)  # RFC 5545 has it in UTC
    try:
        modified = moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    return clean_time(modified) if MIN_YEAR <= modified.year <= MAX_YEAR else None
