"""After the call: the thank-you note and mailto links (requests, to referred
people too, are ``requests``').

Drafts are plain text a person edits before sending; they never invent facts:
they cite what the seeker starred or noted.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from .model import Session

THANK_YOU_DUE = dt.timedelta(hours=24)
"""A thank-you not sent this long after the call is overdue."""

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def first_name(full: str) -> str:
    parts = full.split()
    return parts[0] if parts else "there"


def _points(session: Session, limit: int = 2) -> list[str]:
    """What to cite: starred answers first, then key points."""
    cited = [q.answer.strip() for q in session.questions if q.starred and q.answer.strip()]
    cited += [k.text.strip() for k in session.key_points if k.text.strip()]
    return [_first_sentence(text) for text in cited[:limit]]


def _first_sentence(text: str) -> str:
    """The note's first sentence on one line, as typed (notes run on)."""
    line = " ".join(text.split())
    cut = re.search(r"(?<=[.;!?])\s", line)
    line = line[: cut.start()] if cut else line
    return line.rstrip(";") if line.endswith(";") else line


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def thank_you_draft(session: Session, sender: str = "") -> str:
    """A short thank-you from the session: who, what helped, the referrals offered."""
    from .requests import greeting  # the requests module builds on this one

    lines = [greeting(session.person.name), ""]
    lines.append("Thank you for taking the time to talk with me.")
    points = _points(session)
    if points:
        lines.append(
            "What you said has stayed with me, in particular:"
            if len(points) > 1
            else "One thing you said has stayed with me:"
        )
        lines += [f"- {point}" for point in points]
    offered = [r.name for r in session.referrals if r.name.strip()]
    if offered:
        lines.append(
            f"Thank you too for suggesting I speak with {_join(offered)}; "
            "I will let you know how it goes."
        )
    lines += ["", "With best wishes,", sender or ""]
    return "\n".join(lines).rstrip() + "\n"


def mailto(to: str, subject: str, body: str) -> str:
    """A mailto: URI per RFC 6068: every reserved or non-ASCII octet percent-encoded
    (UTF-8), line breaks as %0D%0A, spaces as %20 (never "+")."""
    address = to.strip() if _EMAIL.match(to.strip()) else ""
    crlf = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    fields = [f"subject={quote(subject, safe='')}", f"body={quote(crlf, safe='')}"]
    # The address keeps "@"; anything else reserved in it is encoded too.
    return f"mailto:{quote(address, safe='@')}?{'&'.join(fields)}"


def thank_you_overdue(session: Session, now: dt.datetime) -> bool:
    """Ended more than 24 hours ago and the thank-you not marked sent."""
    ended = session.ended_at
    if ended is None or session.practice or session.follow_up.thank_you_sent is not None:
        return False
    return now - ended > THANK_YOU_DUE
