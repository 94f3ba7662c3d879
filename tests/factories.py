"""Realistic sessions for tests and benchmarks."""

from __future__ import annotations

import datetime as dt

from iisession.core.model import (
    EventKind,
    FollowUp,
    KeyPoint,
    MayMention,
    Person,
    Preparation,
    Priority,
    Question,
    Referral,
    Session,
    SessionState,
    TimelineEvent,
)

START = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


def make_session(
    name: str = "Maya Lindqvist",
    questions: int = 8,
    referrals: int = 2,
    notes: str = "Uses dbt and Airflow daily. Team of six analysts.\n",
) -> Session:
    """An ended session with every part filled in."""
    at = START
    return Session(
        person=Person(
            name=name,
            title="Senior Data Analyst",
            organisation="Northwind Health",
            how_found="Alumni directory",
            referred_by="Prof. Okafor",
            contact="maya@example.org",
        ),
        state=SessionState.ENDED,
        created=START - dt.timedelta(days=3),
        limit_minutes=30,
        planned_at=START,
        preparation=Preparation(
            research="Moved from nursing into analytics in 2019.",
            introduction="I'm finishing a statistics degree and exploring health analytics.",
            goals="Learn what entry-level analysts do all week.",
        ),
        questions=[
            Question(
                text=f"Question {i}: what does a typical week look like for you?",
                topic="day-to-day",
                bank_id=f"day-{i:02d}",
                priority=Priority.MUST if i < 3 else Priority.IF_TIME,
                closing=i == questions - 1,
                starred=i == 1,
                asked_at=at + dt.timedelta(minutes=2 * i) if i % 2 == 0 else None,
                answer="Mostly SQL and meetings with clinicians." if i % 2 == 0 else "",
            )
            for i in range(questions)
        ],
        timeline=[
            TimelineEvent(EventKind.STARTED, at),
            TimelineEvent(EventKind.WARNED, at + dt.timedelta(minutes=20), minutes=10),
            TimelineEvent(EventKind.EXTENDED, at + dt.timedelta(minutes=28), minutes=10),
            TimelineEvent(EventKind.ENDED, at + dt.timedelta(minutes=38)),
        ],
        key_points=[KeyPoint("Learn SQL window functions", at + dt.timedelta(minutes=7), 420)],
        referrals=[
            Referral(
                name=f"Referral {i}",
                role="Analytics Manager",
                organisation="Contoso Clinics",
                contact="https://example.org/in/ref",
                why="Hires juniors every spring.",
                may_mention=MayMention.YES,
                intro_offered=True,
            )
            for i in range(referrals)
        ],
        follow_up=FollowUp(thank_you_draft="Dear Maya, thank you for your time."),
        notes=notes,
    )
