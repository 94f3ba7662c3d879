"""The session model: everything one informational interview holds.

Plain dataclasses with no I/O and no UI. Screens only add views on top of this,
and the store (``store.py``) turns it into a TOML file and back.

Text entering the model is normalised once, so that what is saved is exactly
what is read back (see ``clean_text``). Times are timezone-aware UTC with whole
seconds, for the same reason.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from .clean import clean_text as clean_text  # where the model's users look for it
from .session_state import SessionState as SessionState  # likewise

UTC = dt.UTC


def clean_time(moment: dt.datetime) -> dt.datetime:
    """Return ``moment`` as UTC with whole seconds; a naive time is refused."""
    if moment.tzinfo is UTC and not moment.microsecond:
        return moment  # as every time read from a file is: the common case, kept quick
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times in a session must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0)


def _clean_optional_time(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else clean_time(moment)


def utc_now() -> dt.datetime:
    """The current time as the model stores it."""
    return clean_time(dt.datetime.now(UTC))


def new_id() -> str:
    """A short random identifier (64 bits), stable for the life of a record."""
    import secrets  # here: not needed before the first frame, and slow to import

    return secrets.token_hex(8)


class Priority(enum.StrEnum):
    """How much a prepared question matters."""

    MUST = "must"
    IF_TIME = "if-time"


class MayMention(enum.StrEnum):
    """May the seeker name the interviewee when contacting a referral?"""

    NOT_ASKED = "not-asked"
    YES = "yes"
    NO = "no"


class Outreach(enum.StrEnum):
    """Where the outreach to a referred person stands."""

    TO_CONTACT = "to-contact"
    CONTACTED = "contacted"
    MEETING_PLANNED = "meeting-planned"
    MET = "met"
    DECLINED = "declined"


class Reply(enum.StrEnum):
    """What came back from a request for a conversation."""

    WAITING = "waiting"
    AGREED = "agreed"
    DECLINED = "declined"
    NO_REPLY = "no-reply"
    """Given up on: followed up once, and still nothing."""


class EventKind(enum.StrEnum):
    """Things that happen to the clock of a call."""

    STARTED = "started"
    PAUSED = "paused"
    RESUMED = "resumed"
    EXTENDED = "extended"
    WARNED = "warned"
    WRAP_UP = "wrap-up"
    TIME_UP = "time-up"
    ENDED = "ended"
    REOPENED = "reopened"
    """Minutes of an extension taken back (the limit never goes below the agreed one)."""


@dataclass
class Person:
    """The person the seeker talks to."""

    name: str = ""
    title: str = ""
    organisation: str = ""
    how_found: str = ""
    referred_by: str = ""
    contact: str = ""

    def __post_init__(self) -> None:
        self.name = clean_text(self.name)
        self.title = clean_text(self.title)
        self.organisation = clean_text(self.organisation)
        self.how_found = clean_text(self.how_found)
        self.referred_by = clean_text(self.referred_by)
        self.contact = clean_text(self.contact)


@dataclass
class Preparation:
    """What the seeker prepared before the call."""

    research: str = ""
    introduction: str = ""
    goals: str = ""

    def __post_init__(self) -> None:
        self.research = clean_text(self.research)
        self.introduction = clean_text(self.introduction)
        self.goals = clean_text(self.goals)


@dataclass
class Question:
    """A prepared (or live-added) question and what came of it."""

    text: str
    id: str = field(default_factory=new_id)
    topic: str = ""
    bank_id: str = ""
    priority: Priority = Priority.IF_TIME
    closing: bool = False
    """Closing questions (who else should I talk to?) are protected from the clock."""
    starred: bool = False
    asked_at: dt.datetime | None = None
    answer: str = ""

    def __post_init__(self) -> None:
        self.text = clean_text(self.text)
        self.id = clean_text(self.id)
        self.topic = clean_text(self.topic)
        self.bank_id = clean_text(self.bank_id)
        self.priority = Priority(self.priority)
        self.asked_at = _clean_optional_time(self.asked_at)
        self.answer = clean_text(self.answer)

    @property
    def asked(self) -> bool:
        return self.asked_at is not None


@dataclass
class KeyPoint:
    """A point worth remembering, stamped with the wall time and the call time."""

    text: str
    at: dt.datetime
    call_seconds: int = 0
    """Seconds into the call (clock time, pauses excluded) when it was noted."""

    def __post_init__(self) -> None:
        self.text = clean_text(self.text)
        self.at = clean_time(self.at)


@dataclass
class Referral:
    """Someone the interviewee suggested the seeker talk to."""

    name: str
    id: str = field(default_factory=new_id)
    role: str = ""
    organisation: str = ""
    contact: str = ""
    why: str = ""
    may_mention: MayMention = MayMention.NOT_ASKED
    intro_offered: bool = False
    outreach: Outreach = Outreach.TO_CONTACT
    outreach_updated: dt.datetime | None = None
    session_id: str = ""
    """The id of the session held with this person, once there is one."""
    draft: str = ""
    """The request to this person as edited (empty: made afresh from the session)."""

    def __post_init__(self) -> None:
        self.name = clean_text(self.name)
        self.id = clean_text(self.id)
        self.role = clean_text(self.role)
        self.organisation = clean_text(self.organisation)
        self.contact = clean_text(self.contact)
        self.why = clean_text(self.why)
        self.may_mention = MayMention(self.may_mention)
        self.outreach = Outreach(self.outreach)
        self.outreach_updated = _clean_optional_time(self.outreach_updated)
        self.session_id = clean_text(self.session_id)
        self.draft = clean_text(self.draft)


@dataclass
class Request:
    """Asking someone for the conversation: the first stage of a contact.

    Kept in the session once the call is agreed (its history), so one file
    runs from "found" through "asked" to "met".
    """

    subject: str = ""
    text: str = ""
    """The request as edited (empty: not drafted yet)."""
    sent_at: dt.datetime | None = None
    """When it was sent (None: drafted, not sent)."""
    follow_up_text: str = ""
    followed_up_at: dt.datetime | None = None
    """When the one polite follow-up went out, if it did."""
    reply: Reply = Reply.WAITING
    replied_at: dt.datetime | None = None
    """When the reply (or the decision that none will come) was recorded."""

    def __post_init__(self) -> None:
        self.subject = clean_text(self.subject)
        self.text = clean_text(self.text)
        self.sent_at = _clean_optional_time(self.sent_at)
        self.follow_up_text = clean_text(self.follow_up_text)
        self.followed_up_at = _clean_optional_time(self.followed_up_at)
        self.reply = Reply(self.reply)
        self.replied_at = _clean_optional_time(self.replied_at)


@dataclass
class TimelineEvent:
    """One entry in the call's timeline."""

    kind: EventKind
    at: dt.datetime
    minutes: int = 0
    """Minutes added (extended; taken back when negative) or left (warned); else 0."""

    def __post_init__(self) -> None:
        self.kind = EventKind(self.kind)
        self.at = clean_time(self.at)


@dataclass
class FollowUp:
    """What happened after the call."""

    thank_you_draft: str = ""
    thank_you_drafted: dt.datetime | None = None
    thank_you_sent: dt.datetime | None = None
    last_contact: dt.datetime | None = None
    """The last time the seeker was in touch, for keep-in-touch reminders."""
    referrer_told: dt.datetime | None = None
    """When the person who referred the seeker here was told the call happened."""

    def __post_init__(self) -> None:
        self.thank_you_draft = clean_text(self.thank_you_draft)
        self.thank_you_drafted = _clean_optional_time(self.thank_you_drafted)
        self.thank_you_sent = _clean_optional_time(self.thank_you_sent)
        self.last_contact = _clean_optional_time(self.last_contact)
        self.referrer_told = _clean_optional_time(self.referrer_told)


@dataclass
class ClockMark:
    """The call's clock as it last stood, measured on the steady clock.

    Kept on every save, and between saves in the journal: after a crash or a
    restart the countdown is rebuilt from this, not from the wall times of
    the timeline (a wall clock put forward an hour mid-call is not an hour of
    call), and the time since it, when it can be known, is counted on the
    same steady clock (``boot`` and ``steady``).
    """

    used_seconds: float
    """Call time used, pauses left out."""
    running: bool
    at: dt.datetime
    """When the mark was taken (wall clock, for the user)."""
    boot: str = ""
    """Which run of the computer ``steady`` belongs to ("" if unknown)."""
    steady: float = 0.0
    """The steady clock's reading when the mark was taken."""

    def __post_init__(self) -> None:
        self.at = clean_time(self.at)
        self.used_seconds = max(0.0, round(float(self.used_seconds), 1))
        self.steady = round(float(self.steady), 3)


DEFAULT_LIMIT_MINUTES = 30


@dataclass
class Session:
    """One informational interview, from preparation to follow-up."""

    person: Person = field(default_factory=Person)
    id: str = field(default_factory=new_id)
    state: SessionState = SessionState.PLANNED
    revision: int = 0
    """How many times this session has been written; the store bumps it."""
    created: dt.datetime = field(default_factory=utc_now)
    updated: dt.datetime | None = None
    limit_minutes: int = DEFAULT_LIMIT_MINUTES
    planned_at: dt.datetime | None = None
    confirmed_at: dt.datetime | None = None
    """When the seeker confirmed the planned call with the person."""
    practice: bool = False
    """A rehearsal: kept out of the history unless the user keeps it."""
    source_session: str = ""
    """Id of the session in which this person was suggested (a referral chain)."""
    source_referral: str = ""
    """Id of that referral within the source session."""
    invite_uid: str = ""
    """The UID of the calendar invite the call was planned from: importing an
    updated invite updates this session instead of making another."""
    preparation: Preparation = field(default_factory=Preparation)
    follow_up: FollowUp = field(default_factory=FollowUp)
    questions: list[Question] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    key_points: list[KeyPoint] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    notes: str = ""
    clock: ClockMark | None = None
    """The call's clock when last saved (None before it first ran)."""
    request: Request | None = None
    """The request for this conversation, if it was asked for through the app."""

    def __post_init__(self) -> None:
        self.id = clean_text(self.id)
        self.state = SessionState(self.state)
        self.source_session = clean_text(self.source_session)
        self.source_referral = clean_text(self.source_referral)
        self.invite_uid = clean_text(self.invite_uid)
        self.created = clean_time(self.created)
        self.updated = _clean_optional_time(self.updated)
        self.planned_at = _clean_optional_time(self.planned_at)
        self.confirmed_at = _clean_optional_time(self.confirmed_at)
        self.notes = clean_text(self.notes)

    @property
    def started_at(self) -> dt.datetime | None:
        """When the clock was first started, if it was."""
        for event in self.timeline:
            if event.kind is EventKind.STARTED:
                return event.at
        return None

    @property
    def ended_at(self) -> dt.datetime | None:
        """When the call was last ended, if it was."""
        for event in reversed(self.timeline):
            if event.kind is EventKind.ENDED:
                return event.at
        return None
