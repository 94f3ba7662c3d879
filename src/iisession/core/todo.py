"""What is due after (and before) the calls: thank-yous, outreach, confirmations,
keeping in touch; and the same as an RFC 5545 calendar."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from .followup import THANK_YOU_DUE
from .model import Outreach, Session, SessionState
from .planning import CONFIRM_BEFORE
from .settings import KEEP_IN_TOUCH_WEEKS

OUTREACH_WITHIN = dt.timedelta(days=7)
"""A referral is best contacted within a week of the call that produced it."""


class DueKind(enum.StrEnum):
    """What a follow-up item asks for; the value is what the calendar and JSON show."""

    THANK_YOU = "thank-you"
    OUTREACH = "outreach"
    CONFIRM = "confirm"
    KEEP_IN_TOUCH = "keep-in-touch"


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

    def overdue(self, now: dt.datetime) -> bool:
        return now > self.due

    def to_json(self, now: dt.datetime) -> dict[str, Any]:
        data = asdict(self)
        data["due"] = _stamp(self.due)
        data["overdue"] = self.overdue(now)
        return data


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def due_items(
    sessions: Iterable[tuple[str, Session]],
    keep_in_touch_weeks: int = KEEP_IN_TOUCH_WEEKS,
) -> list[Due]:
    """Everything due, earliest first. Practice runs are left out."""
    items: list[Due] = []
    for file, s in sessions:
        if s.practice:
            continue
        name = s.person.name or "(no name)"
        ended = s.ended_at
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
        for r in s.referrals:
            if r.outreach is Outreach.TO_CONTACT and r.name.strip():
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
    items.sort(key=lambda item: (item.due, item.kind, item.uid))
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
