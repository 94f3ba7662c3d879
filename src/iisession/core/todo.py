"""What is due after (and before) the calls: requests to send and to follow up,
thank-yous, outreach, confirmations, telling referrers, keeping in touch; and
the same as an RFC 5545 calendar."""

from __future__ import annotations

import datetime as dt
import enum
import operator
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from . import collector
from .followup import THANK_YOU_DUE
from .model import Outreach, Referral, Reply, Session, SessionState
from .planning import CONFIRM_BEFORE
from .settings import KEEP_IN_TOUCH_WEEKS
from .workdays import describe_day, due_after

OUTREACH_WITHIN = dt.timedelta(days=7)
"""A referral is best contacted within a week of the call that produced it."""
TELL_REFERRER_WITHIN = dt.timedelta(days=2)
"""After meeting someone a person suggested, tell that person soon."""
ASK_NEXT_AFTER = 3
"""Business days without a reply before asking the next person at the organisation."""
FOLLOW_UP_AFTER = 7
"""Business days without a reply before the one follow-up."""
GIVE_UP_AFTER = 7
"""Business days after the follow-up before marking it no reply and moving on."""


class DueKind(enum.StrEnum):
    """What a follow-up item asks for; the value is what the calendar and JSON show."""

    SEND_REQUEST = "send-request"
    ASK_NEXT = "ask-next"
    FOLLOW_UP = "follow-up"
    NO_REPLY = "no-reply"
    THANK_YOU = "thank-you"
    OUTREACH = "outreach"
    CONFIRM = "confirm"
    TELL_REFERRER = "tell-referrer"
    KEEP_IN_TOUCH = "keep-in-touch"


REQUEST_KINDS = (DueKind.SEND_REQUEST, DueKind.ASK_NEXT, DueKind.FOLLOW_UP, DueKind.NO_REPLY)
"""Items done on the request screen of their session."""


@dataclass(frozen=True)
class Due:
    kind: DueKind
    due: dt.datetime
    title: str
    file: str
    person: str
    uid: str
    """Stable across runs, so a calendar updates an item instead of adding it again."""
    referral: str = ""
    """For outreach: the referral's id in the session."""
    next_file: str = ""
    """For ask-next: the session of the next person to ask, if they have one."""
    next_referral: str = ""
    """For ask-next: else the referral (in ``next_file``) naming them."""

    def overdue(self, now: dt.datetime) -> bool:
        return now > self.due

    def to_json(self, now: dt.datetime) -> dict[str, Any]:
        data = asdict(self)
        data["due"] = _stamp(self.due)
        data["overdue"] = self.overdue(now)
        return data


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class _Unasked:
    """Someone at an organisation not asked yet: a request not sent, or a referral."""

    name: str
    file: str
    referral: str = ""


def _organisation_keys() -> Callable[[str], str]:
    """``organisation_key``, remembered for one pass over the sessions: the same
    few organisations recur across thousands of them."""
    from .organisations import organisation_key

    known: dict[str, str] = {}

    def key_of(name: str) -> str:
        key = known.get(name)
        if key is None:
            key = known[name] = organisation_key(name)
        return key

    return key_of


def _request_items(
    file: str,
    s: Session,
    name: str,
    unasked: dict[str, list[_Unasked]],
    latest_sent: dict[str, dt.datetime],
    holidays: frozenset[dt.date],
    tz: dt.tzinfo | None,
    waiting_since: dict[str, tuple[dt.datetime, str]],
    organisation_key: Callable[[str], str],
) -> list[Due]:
    request = s.request
    if request is not None and request.reply is not Reply.WAITING:
        return []
    if request is None or request.sent_at is None:  # a file written by hand may have no [request]
        due, title = s.created, f"Send the request to {name}"
        # One request at a time per organisation: not before the one waiting
        # there has had its three business days.
        waiting = waiting_since.get(organisation_key(s.person.organisation))
        if waiting is not None:
            after = due_after(waiting[0], ASK_NEXT_AFTER, holidays, tz)
            if after > due:
                due, title = after, f"Send the request to {name} (once {waiting[1]} has had time)"
        return [Due(DueKind.SEND_REQUEST, due, title, file, name, f"send-request-{s.id}@iisession")]
    sent = request.sent_at
    items: list[Due] = []
    key = organisation_key(s.person.organisation)
    # Only the first other person there is named: found without listing them all
    # (an organisation may have thousands, and every request there looks).
    nxt = (
        next((u for u in unasked.get(key, ()) if u.file != file or u.referral), None)
        if key and latest_sent.get(key) == sent and request.followed_up_at is None
        else None
    )
    if nxt is not None:
        items.append(
            Due(
                DueKind.ASK_NEXT,
                due_after(sent, ASK_NEXT_AFTER, holidays, tz),
                f"No reply from {name} yet: ask {nxt.name} at {s.person.organisation} next",
                file,
                name,
                f"ask-next-{s.id}@iisession",
                next_file=nxt.file,
                next_referral=nxt.referral,
            )
        )
    if request.followed_up_at is None:
        items.append(
            Due(
                DueKind.FOLLOW_UP,
                due_after(sent, FOLLOW_UP_AFTER, holidays, tz),
                f"Follow up once with {name} (asked {describe_day(sent, tz)})",
                file,
                name,
                f"follow-up-{s.id}@iisession",
            )
        )
    else:
        items.append(
            Due(
                DueKind.NO_REPLY,
                due_after(request.followed_up_at, GIVE_UP_AFTER, holidays, tz),
                f"No reply from {name} since the follow-up: mark it no reply, move on",
                file,
                name,
                f"no-reply-{s.id}@iisession",
            )
        )
    return items


def _referrer_of(s: Session, by_id: dict[str, Session]) -> str:
    source = by_id.get(s.source_session)
    if source is not None and source.person.name.strip():
        return source.person.name.strip()
    return s.person.referred_by.strip()


@collector.held_off()
def due_items(
    sessions: Iterable[tuple[str, Session]],
    keep_in_touch_weeks: int = KEEP_IN_TOUCH_WEEKS,
    holidays: frozenset[dt.date] = frozenset(),
    tz: dt.tzinfo | None = None,
) -> list[Due]:
    """Everything due, earliest first. Practice runs are left out. Request
    steps count business days (weekends and ``holidays`` skipped) in ``tz``
    (default: the system's zone)."""
    from .requests import OPEN_STAGES, stage_of

    organisation_key = _organisation_keys()
    # What the items need to know of all the sessions, gathered in one pass: at
    # 50,000 sessions each pass is a walk through hundreds of megabytes.
    kept: list[tuple[str, Session]] = []
    by_id: dict[str, Session] = {}
    asked: set[tuple[str, str]] = set()  # the referrals someone has asked already
    unasked: dict[str, list[_Unasked]] = {}  # people not asked yet, by organisation
    suggested: list[tuple[str, str, Referral]] = []  # referrals maybe not asked yet
    latest_sent: dict[str, dt.datetime] = {}
    waiting_since: dict[str, tuple[dt.datetime, str]] = {}
    for file, s in sessions:
        if s.practice:
            continue
        kept.append((file, s))
        by_id[s.id] = s
        if s.source_referral:
            asked.add((s.source_session, s.source_referral))
        request = s.request
        sent = None if request is None else request.sent_at
        if s.state is SessionState.REQUESTED:
            if (
                sent is None
                and (request is None or request.reply is Reply.WAITING)
                and (person := s.person.name.strip())
                and (key := organisation_key(s.person.organisation))
            ):
                unasked.setdefault(key, []).append(_Unasked(person, file))
        elif s.state is not SessionState.PLANNED:
            suggested += [
                (file, s.id, r)
                for r in s.referrals
                if r.outreach is Outreach.TO_CONTACT and r.name.strip()
            ]
        if sent is not None and (key := organisation_key(s.person.organisation)):
            if key not in latest_sent or sent > latest_sent[key]:
                latest_sent[key] = sent
            if stage_of(s) in OPEN_STAGES and (
                key not in waiting_since or sent > waiting_since[key][0]
            ):
                waiting_since[key] = (sent, s.person.name.strip() or "the first")
    # After the requests not sent, at each organisation: the referrals no one has
    # met or asked yet (known only once every session has been seen).
    for file, sid, r in suggested:
        if (
            r.session_id not in by_id
            and (sid, r.id) not in asked
            and (key := organisation_key(r.organisation))
        ):
            unasked.setdefault(key, []).append(_Unasked(r.name.strip(), file, r.id))
    items: list[Due] = []
    for file, s in kept:
        name = s.person.name or "(no name)"
        ended = s.ended_at
        if s.state is SessionState.REQUESTED:
            items += _request_items(
                file, s, name, unasked, latest_sent, holidays, tz, waiting_since, organisation_key
            )
            continue
        if s.state is SessionState.PLANNED:
            if s.planned_at is not None and s.confirmed_at is None:
                items.append(
                    Due(
                        DueKind.CONFIRM,
                        s.planned_at - CONFIRM_BEFORE,
                        f"Confirm the call with {name}",
                        file,
                        name,
                        f"confirm-{s.id}@iisession",
                    )
                )
            continue
        if ended is None:
            continue
        if s.follow_up.thank_you_sent is None:
            items.append(
                Due(
                    DueKind.THANK_YOU,
                    ended + THANK_YOU_DUE,
                    f"Send a thank-you to {name}",
                    file,
                    name,
                    f"thank-you-{s.id}@iisession",
                )
            )
        referrer = _referrer_of(s, by_id)
        if referrer and s.follow_up.referrer_told is None:
            items.append(
                Due(
                    DueKind.TELL_REFERRER,
                    ended + TELL_REFERRER_WITHIN,
                    f"Tell {referrer} you met {name}",
                    file,
                    name,
                    f"tell-referrer-{s.id}@iisession",
                )
            )
        for r in s.referrals:
            if (
                r.outreach is Outreach.TO_CONTACT
                and r.name.strip()
                and r.session_id not in by_id
                and (s.id, r.id) not in asked
            ):
                items.append(
                    Due(
                        DueKind.OUTREACH,
                        ended + OUTREACH_WITHIN,
                        f"Contact {r.name} (suggested by {name})",
                        file,
                        r.name,
                        f"outreach-{s.id}-{r.id}@iisession",
                        r.id,
                    )
                )
        last = s.follow_up.last_contact or s.follow_up.thank_you_sent or ended
        items.append(
            Due(
                DueKind.KEEP_IN_TOUCH,
                last + dt.timedelta(weeks=keep_in_touch_weeks),
                f"Keep in touch with {name}",
                file,
                name,
                f"keep-in-touch-{s.id}@iisession",
            )
        )
    items.sort(key=operator.attrgetter("due", "kind", "uid"))
    return items


# --- RFC 5545 ------------------------------------------------------------------------


def _escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (3.1), never
    splitting a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def to_ics(items: Iterable[Due], now: dt.datetime) -> str:
    """A calendar of the items: one event each at its due time, with a reminder."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//iisession//follow-ups//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for item in items:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_escape(item.uid)}",
            f"DTSTAMP:{_utc(now)}",
            f"DTSTART:{_utc(item.due)}",
            f"DTEND:{_utc(item.due + dt.timedelta(minutes=15))}",
            f"SUMMARY:{_escape(item.title)}",
            f"DESCRIPTION:{_escape(f'iisession: {item.kind}, session {item.file}')}",
            f"CATEGORIES:{_escape(item.kind)}",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_escape(item.title)}",
            "TRIGGER:-PT0M",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
