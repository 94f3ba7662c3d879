"""What a list of sessions shows of each one, and the text a search looks through.

Both come from the session alone, so the index, the plain commands and the
screens agree on every figure.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from .call_time import call_seconds, format_call_time
from .session_state import SessionState

if TYPE_CHECKING:
    from .model import Session

SEARCH_FIELDS = (
    "person",
    "notes",
    "answers",
    "key_points",
    "referrals",
    "preparation",
    "request",
)
"""The searchable parts of a session, in the order a match is named."""

FIELD_LABELS = {
    "person": "their details",
    "notes": "notes",
    "answers": "questions and answers",
    "key_points": "key points",
    "referrals": "referrals",
    "preparation": "preparation",
    "request": "the request",
}


class SummaryState(enum.StrEnum):
    """A session's state as the lists show it: its ``SessionState``, except that a
    rehearsal that was kept is ``practice`` whatever its state.

    Not ``SessionState`` itself: ``practice`` is not a state a file can hold (a
    file keeps its state and a separate ``practice`` flag).
    """

    REQUESTED = SessionState.REQUESTED.value
    PLANNED = SessionState.PLANNED.value
    LIVE = SessionState.LIVE.value
    ENDED = SessionState.ENDED.value
    PRACTICE = "practice"

    @classmethod
    def of(cls, session: Session) -> SummaryState:
        return cls.PRACTICE if session.practice else cls(session.state.value)


@dataclass(slots=True)
class Summary:
    """One line of the sessions list."""

    file: str
    """The file name in the sessions folder: the session's ID on the command line."""
    id: str
    state: SummaryState
    person: str
    title: str
    organisation: str
    when: str
    """RFC 3339 UTC: when the call started, else when it is planned, else created."""
    limit_minutes: int
    """The agreed limit plus any extensions."""
    length_seconds: int
    """Call time so far, pauses excluded, in whole seconds (``countdown.call_seconds``)."""
    asked: int
    questions: int
    referrals: int
    thank_you_sent: bool

    @property
    def moment(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.when)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def length_text(self) -> str:
        """``32:10 / 30`` for a call that was held, ``- / 30`` for one not yet started."""
        if self.state in (SummaryState.REQUESTED, SummaryState.PLANNED) and not self.length_seconds:
            return f"- / {self.limit_minutes}"
        return f"{format_call_time(self.length_seconds)} / {self.limit_minutes}"


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def summarise(file: str, session: Session) -> Summary:
    from .countdown import from_session  # not needed to list from the index

    clock = from_session(session)
    when = session.started_at or session.planned_at or session.created
    return Summary(
        file=file,
        id=session.id,
        state=SummaryState.of(session),
        person=session.person.name,
        title=session.person.title,
        organisation=session.person.organisation,
        when=_stamp(when),
        limit_minutes=round(clock.limit_seconds / 60),
        length_seconds=call_seconds(clock.banked),
        asked=sum(q.asked for q in session.questions),
        questions=len(session.questions),
        referrals=len(session.referrals),
        thank_you_sent=session.follow_up.thank_you_sent is not None,
    )


def search_texts(session: Session) -> tuple[str, ...]:
    """The session's text, one string per entry of ``SEARCH_FIELDS``."""
    p = session.person
    # " · " between the parts, so a snippet reads "Ana Ruiz · UX Researcher · Acme".
    person = " · ".join(
        x for x in (p.name, p.title, p.organisation, p.how_found, p.referred_by) if x
    )
    answers = "\n".join(f"{q.text}\n{q.answer}" if q.answer else q.text for q in session.questions)
    key_points = "\n".join(k.text for k in session.key_points)
    referrals = "\n".join(
        " ".join(x for x in (r.name, r.role, r.organisation, r.why) if x) for r in session.referrals
    )
    prep = session.preparation
    preparation = "\n".join(x for x in (prep.research, prep.introduction, prep.goals) if x)
    asked = session.request
    request = "" if asked is None else "\n".join(x for x in (asked.subject, asked.text) if x)
    return (person, session.notes, answers, key_points, referrals, preparation, request)
