"""Hypothesis strategies shared by the property tests: whole sessions with hostile text."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from iisession.core.model import (
    EventKind,
    FollowUp,
    KeyPoint,
    MayMention,
    Outreach,
    Person,
    Preparation,
    Priority,
    Question,
    Referral,
    Session,
    SessionState,
    TimelineEvent,
)

HOSTILE = [
    "\x00",
    "\x1b[31m",
    "\x1b]52;c;aGk=\x07",
    "\r\n",
    "\r",
    "\n",
    '"""',
    "'''",
    "\\",
    '\\"',
    "\ud800",
    "\udfff",
    "\u2028",
    "\u2029",
    "\ufeff",
    "😀",
    "👩🏽‍💻",
    "שלום",
    "\u202e",
    "مرحبا",
    "[bold]",
    "=",
    "[[questions]]",
    "\t",
    " ",
]

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE),
        st.text(st.characters(exclude_categories=())),  # surrogates and controls included
    ),
    max_size=8,
).map("".join)

# Most notes are short; some are 100 KB of hostile text.
notes_text = st.one_of(
    hostile_text,
    st.builds(
        lambda t: ((t or "x") * (100_000 // max(1, len(t or "x")) + 1))[:100_000], hostile_text
    ),
)

times = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.sampled_from(
        [
            dt.UTC,
            dt.timezone(dt.timedelta(hours=5, minutes=30)),
            dt.timezone(-dt.timedelta(hours=8)),
        ]
    ),
)
maybe_time = st.none() | times

questions = st.builds(
    Question,
    text=hostile_text,
    id=hostile_text.filter(bool),
    topic=hostile_text,
    bank_id=hostile_text,
    priority=st.sampled_from(Priority),
    closing=st.booleans(),
    starred=st.booleans(),
    asked_at=maybe_time,
    answer=hostile_text,
)
referrals = st.builds(
    Referral,
    name=hostile_text,
    id=hostile_text.filter(bool),
    role=hostile_text,
    organisation=hostile_text,
    contact=hostile_text,
    why=hostile_text,
    may_mention=st.sampled_from(MayMention),
    intro_offered=st.booleans(),
    outreach=st.sampled_from(Outreach),
    outreach_updated=maybe_time,
    session_id=hostile_text,
    draft=hostile_text,
)
events = st.builds(
    TimelineEvent,
    kind=st.sampled_from(EventKind),
    at=times,
    minutes=st.integers(0, 600),
)
key_points = st.builds(KeyPoint, text=hostile_text, at=times, call_seconds=st.integers(0, 86_400))

sessions = st.builds(
    Session,
    person=st.builds(
        Person,
        name=hostile_text,
        title=hostile_text,
        organisation=hostile_text,
        how_found=hostile_text,
        referred_by=hostile_text,
        contact=hostile_text,
    ),
    id=hostile_text.filter(bool),
    state=st.sampled_from(SessionState),
    revision=st.integers(0, 10**6),
    created=times,
    updated=maybe_time,
    limit_minutes=st.integers(1, 600),
    planned_at=maybe_time,
    confirmed_at=maybe_time,
    practice=st.booleans(),
    source_session=hostile_text,
    source_referral=hostile_text,
    invite_uid=hostile_text,
    preparation=st.builds(
        Preparation, research=hostile_text, introduction=hostile_text, goals=hostile_text
    ),
    follow_up=st.builds(
        FollowUp,
        thank_you_draft=hostile_text,
        thank_you_drafted=maybe_time,
        thank_you_sent=maybe_time,
        last_contact=maybe_time,
    ),
    questions=st.lists(questions, max_size=4),
    timeline=st.lists(events, max_size=4),
    key_points=st.lists(key_points, max_size=3),
    referrals=st.lists(referrals, max_size=3),
    notes=notes_text,
)
