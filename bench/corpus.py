"""A generated sessions folder for the scale benchmarks: realistic, varied sessions.

`python bench/corpus.py DIR [COUNT]` writes COUNT (10,000) sessions of about 9 KB.
Names, organisations and words vary, so searches match few or many files as real
ones would. The same seed always gives the same folder.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from iisession.core.codec import dumps  # noqa: E402
from iisession.core.model import (  # noqa: E402
    EventKind,
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
from iisession.core.naming import base_name  # noqa: E402

FIRST = [
    "Ana",
    "Ben",
    "Chloé",
    "Dmitri",
    "Esther",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemi",
    "Lars",
    "Maya",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sami",
    "Tomas",
    "Uma",
    "Vera",
    "Wen",
    "Xavier",
    "Yara",
    "Zoltan",
]
LAST = [
    "Ruiz",
    "Okafor",
    "Lindqvist",
    "Haddad",
    "Novak",
    "Tanaka",
    "Moreau",
    "Schmidt",
    "Adeyemi",
    "Kowalski",
    "Silva",
    "Nguyen",
    "Brennan",
    "Petrov",
    "Costa",
    "Iversen",
    "Mensah",
    "Duarte",
    "Fischer",
    "Quinn",
]
ORGS = [
    "Northwind Health",
    "Contoso Clinics",
    "Fabrikam Energy",
    "Tailspin Transit",
    "Litware Labs",
    "Adatum Bank",
    "Proseware",
    "Woodgrove Trust",
    "Alpine Ski House",
    "Blue Yonder Air",
    "Coho Vineyard",
    "Graphic Design Institute",
    "Lucerne Publishing",
    "Margie's Travel",
    "Wide World Importers",
    "City Council",
    "Riverside Library",
    "Harbour Museum",
    "Open Data Cooperative",
    "Green Valley School",
]
TITLES = [
    "UX Researcher",
    "Product Manager",
    "Data Analyst",
    "Service Designer",
    "Engineering Manager",
    "Policy Adviser",
    "Curator",
    "Grant Writer",
    "Content Strategist",
    "Research Scientist",
]
WORDS = [
    "research",
    "interviews",
    "stakeholders",
    "roadmap",
    "hiring",
    "portfolio",
    "mentoring",
    "budget",
    "analysis",
    "community",
    "workshop",
    "prototype",
    "survey",
    "metrics",
    "onboarding",
    "training",
    "culture",
    "feedback",
    "strategy",
    "reporting",
    "dashboards",
    "accessibility",
    "compliance",
    "procurement",
    "funding",
    "outreach",
    "volunteers",
    "conference",
    "certificate",
    "apprenticeship",
    "internship",
    "networking",
    "clients",
    "deadlines",
    "travel",
    "remote",
    "hybrid",
    "salary",
    "promotion",
    "manager",
    "team",
    "colleagues",
    "juniors",
    "spreadsheets",
    "python",
    "statistics",
    "writing",
    "editing",
    "design",
    "sketching",
    "fieldwork",
    "archives",
]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def make(rng: random.Random, i: int) -> Session:
    start = dt.datetime(2020, 1, 6, 9, tzinfo=dt.UTC) + dt.timedelta(hours=5 * i + rng.randrange(4))
    limit = rng.choice((20, 30, 30, 45, 60))
    length = limit + rng.randrange(-5, 4)
    state = SessionState.PLANNED if i % 50 == 49 else SessionState.ENDED
    questions = [
        Question(
            text=sentence(rng, 9).rstrip(".") + "?",
            topic=rng.choice(("day-to-day", "path", "skills", "industry", "next-steps")),
            bank_id=f"bank.q{rng.randrange(60)}",
            priority=Priority.MUST if q < 3 else Priority.IF_TIME,
            closing=q >= 10,
            asked_at=start + dt.timedelta(minutes=2 * q) if state is SessionState.ENDED else None,
            answer=sentence(rng, 18) if state is SessionState.ENDED and q % 4 else "",
        )
        for q in range(12)
    ]
    timeline = (
        [
            TimelineEvent(EventKind.STARTED, start),
            TimelineEvent(EventKind.WARNED, start + dt.timedelta(minutes=limit - 10), minutes=10),
            TimelineEvent(EventKind.ENDED, start + dt.timedelta(minutes=length)),
        ]
        if state is SessionState.ENDED
        else []
    )
    return Session(
        person=Person(
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            title=rng.choice(TITLES),
            organisation=rng.choice(ORGS),
            how_found="alumni list",
            contact=f"person{i}@example.org",
        ),
        state=state,
        created=start - dt.timedelta(days=3),
        limit_minutes=limit,
        planned_at=start,
        preparation=Preparation(
            research=sentence(rng, 30), introduction=sentence(rng, 25), goals=sentence(rng, 15)
        ),
        questions=questions,
        timeline=timeline,
        key_points=[
            KeyPoint(sentence(rng, 8), start + dt.timedelta(minutes=k * 5), k * 300)
            for k in range(1, 4)
        ]
        if state is SessionState.ENDED
        else [],
        referrals=[
            Referral(
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                role=rng.choice(TITLES),
                organisation=rng.choice(ORGS),
                why=sentence(rng, 8),
                may_mention=MayMention.YES,
            )
            for _ in range(rng.randrange(3))
        ],
        notes="\n".join(sentence(rng, 14) for _ in range(28)),
    )


def generate(folder: Path, count: int = 10_000, seed: int = 7) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        session = make(rng, i)
        path = folder / f"{base_name(session, dt.UTC)}-{i}.toml"
        path.write_text(dumps(session), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1])
    made = generate(target, int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
    size = sum(p.stat().st_size for p in made) / len(made)
    print(f"{len(made)} sessions in {target}, {size / 1024:.1f} KB on average")
