"""A generated sessions folder for the scale benchmarks: realistic, varied sessions.

`python bench/corpus.py DIR [COUNT]` writes COUNT (10,000) sessions of about 9 KB.
Names, organisations and words vary, so searches match few or many files as real
ones would. Besides the calls held (most of them) there are planned calls, requests
(sent and waiting, followed up, not sent yet, declined), practice runs, people met
through a referral made in an earlier call (linked both ways, as the app links
them), first contacts passed on by someone, one's own questions beside the bank's
(some reused across calls, some asked once), and thank-yous sent or not: the
follow-ups, the network and the comparison all have real work to do. Half the
names are common ones, half nearly unique, so there are about half as many
people as sessions, and a search for a common surname still finds many.

Every session is made from its own seeded generator, so the same seed always
gives the same folder (ids included), sessions can be made in parallel, and a
folder already made (``cached``) is used again.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from iisession.core.codec import dumps  # noqa: E402
from iisession.core.model import (  # noqa: E402
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
    Reply,
    Request,
    Session,
    SessionState,
    TimelineEvent,
)
from iisession.core.naming import base_name  # noqa: E402

VERSION = 3
"""Bump when what is generated changes: cached folders of other versions are not used."""

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


OWN_QUESTIONS = [
    f"What would you {verb} if you started {when}?"
    for verb in ("learn first", "do differently", "read", "ask about", "avoid", "practise")
    for when in ("again", "today", "in this field", "on this team", "as a junior", "at forty")
]
"""One's own questions, reused across calls as a template would."""

START = dt.datetime(2020, 1, 6, 9, tzinfo=dt.UTC)
HOURS_APART = 5
FOLLOWED_AFTER = 37
"""A referral made in call ``i`` may become the session ``i + FOLLOWED_AFTER``."""


SYLLABLES = [
    "ka", "lo", "mi", "ren", "sa", "to", "vi", "dar", "el", "fen",
    "gor", "hal", "is", "jun", "kor", "lem", "mar", "nor", "os", "pel",
]  # fmt: skip


def person_name(rng: random.Random) -> str:
    """Half of the names from a few common surnames (so a search for one finds
    many), half from thousands: as many people as sessions, nearly."""
    if rng.random() < 0.5:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    surname = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    return f"{rng.choice(FIRST)} {surname}"


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _rng(seed: int, i: int, part: str = "") -> random.Random:
    return random.Random(f"{seed}:{i}:{part}")


def session_id(seed: int, i: int) -> str:
    return f"{_rng(seed, i, 'id').getrandbits(64):016x}"


def state_of(i: int) -> SessionState:
    if i % 50 == 49:
        return SessionState.PLANNED
    if i % 10 == 4:
        return SessionState.REQUESTED
    return SessionState.ENDED


def referrals_of(seed: int, i: int) -> list[Referral]:
    """The people suggested in call ``i`` (none if it was not held), links aside."""
    if state_of(i) is not SessionState.ENDED:
        return []
    rng = _rng(seed, i, "referrals")
    return [
        Referral(
            name=person_name(rng),
            id=f"{rng.getrandbits(64):016x}",
            role=rng.choice(TITLES),
            organisation=rng.choice(ORGS),
            why=sentence(rng, 8),
            may_mention=rng.choice((MayMention.YES, MayMention.YES, MayMention.NOT_ASKED)),
            outreach=rng.choice(
                (Outreach.TO_CONTACT, Outreach.TO_CONTACT, Outreach.CONTACTED, Outreach.DECLINED)
            ),
        )
        for _ in range(rng.randrange(3))
    ]


def followed_up(i: int) -> bool:
    """Whether the first referral of call ``i`` is met, asked or planned later on."""
    return i % 3 == 0


def make(seed: int, i: int, count: int) -> Session:
    rng = _rng(seed, i)
    start = START + dt.timedelta(hours=HOURS_APART * i + rng.randrange(4))
    limit = rng.choice((20, 30, 30, 45, 60))
    length = limit + rng.randrange(-5, 4)
    state = state_of(i)
    held = state is SessionState.ENDED
    person = Person(
        name=person_name(rng),
        title=rng.choice(TITLES),
        organisation=rng.choice(ORGS),
        how_found="alumni list",
        contact=f"person{i}@example.org",
        referred_by=person_name(rng) if i % 7 == 0 else "",
    )
    source_session = source_referral = ""
    origin = i - FOLLOWED_AFTER
    if origin >= 0 and followed_up(origin) and (suggested := referrals_of(seed, origin)):
        # This person was suggested in an earlier call: the app links both ways.
        first = suggested[0]
        person.name, person.organisation, person.title = first.name, first.organisation, first.role
        person.referred_by = ""
        source_session, source_referral = session_id(seed, origin), first.id
    referrals = referrals_of(seed, i)
    later = i + FOLLOWED_AFTER
    if referrals and followed_up(i) and later < count:
        referrals[0].session_id = session_id(seed, later)
        referrals[0].outreach = (
            Outreach.MET if state_of(later) is SessionState.ENDED else (Outreach.CONTACTED)
        )
    questions = []
    for q in range(12):
        own = q in (5, 9)
        if q == 5:
            text = rng.choice(OWN_QUESTIONS)
        elif q == 9:
            text = sentence(rng, 7).rstrip(".") + "?"  # asked once, in this call only
        else:
            text = sentence(rng, 9).rstrip(".") + "?"
        questions.append(
            Question(
                text=text,
                id=f"{rng.getrandbits(64):016x}",
                topic="own"
                if own
                else rng.choice(("day-to-day", "path", "skills", "industry", "next-steps")),
                bank_id="" if own else f"bank.q{rng.randrange(60)}",
                priority=Priority.MUST if q < 3 else Priority.IF_TIME,
                closing=q >= 10,
                asked_at=start + dt.timedelta(minutes=2 * q) if held and q != 9 else None,
                answer=sentence(rng, 18) if held and q % 4 else "",
            )
        )
    timeline = (
        [
            TimelineEvent(EventKind.STARTED, start),
            TimelineEvent(EventKind.WARNED, start + dt.timedelta(minutes=limit - 10), minutes=10),
            TimelineEvent(EventKind.ENDED, start + dt.timedelta(minutes=length)),
        ]
        if held
        else []
    )
    ended = start + dt.timedelta(minutes=length)
    follow_up = FollowUp()
    if held and i % 4:
        follow_up = FollowUp(
            thank_you_sent=ended + dt.timedelta(hours=20),
            referrer_told=ended + dt.timedelta(days=1) if source_session and i % 2 else None,
        )
    request = None
    created = start - dt.timedelta(days=3)
    if state is SessionState.REQUESTED:
        sent = None if i % 30 == 24 else created + dt.timedelta(hours=2)
        request = Request(
            subject=f"A short conversation about your work at {person.organisation}?",
            text="\n\n".join(sentence(rng, 20) for _ in range(4)),
            sent_at=sent,
            follow_up_text=sentence(rng, 25) if sent is not None and i % 20 == 14 else "",
            followed_up_at=sent + dt.timedelta(days=9)
            if sent is not None and i % 20 == 14
            else None,
            reply=Reply.DECLINED if i % 70 == 64 else Reply.WAITING,
        )
    elif source_session or i % 5 == 0:
        request = Request(  # the request that became this call: kept as its history
            subject="A short conversation?",
            text="\n\n".join(sentence(rng, 20) for _ in range(3)),
            sent_at=created - dt.timedelta(days=5),
            reply=Reply.AGREED,
            replied_at=created,
        )
    return Session(
        person=person,
        id=session_id(seed, i),
        state=state,
        created=created,
        limit_minutes=limit,
        planned_at=None if state is SessionState.REQUESTED else start,
        practice=i % 97 == 50,
        source_session=source_session,
        source_referral=source_referral,
        preparation=Preparation(
            research=sentence(rng, 30), introduction=sentence(rng, 25), goals=sentence(rng, 15)
        ),
        follow_up=follow_up,
        questions=questions,
        timeline=timeline,
        key_points=[
            KeyPoint(sentence(rng, 8), start + dt.timedelta(minutes=k * 5), k * 300)
            for k in range(1, 4)
        ]
        if held
        else [],
        referrals=referrals,
        notes="\n".join(sentence(rng, 14) for _ in range(28 if held else 6)),
        request=request,
    )


def _write(folder: Path, seed: int, count: int, first: int, stop: int) -> list[str]:
    names = []
    for i in range(first, stop):
        session = make(seed, i, count)
        name = f"{base_name(session, dt.UTC)}-{i}.toml"
        (folder / name).write_text(dumps(session), encoding="utf-8")
        names.append(name)
    return names


def generate(folder: Path, count: int = 10_000, seed: int = 7, workers: int = 0) -> list[Path]:
    """Write ``count`` sessions into ``folder``, in ``workers`` processes (one per
    core by default); the paths, in the order made."""
    folder.mkdir(parents=True, exist_ok=True)
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers == 1 or count < 500:
        names = _write(folder, seed, count, 0, count)
    else:
        step = -(-count // (workers * 4))
        with ProcessPoolExecutor(workers) as pool:
            parts = [
                pool.submit(_write, folder, seed, count, first, min(first + step, count))
                for first in range(0, count, step)
            ]
            names = [name for part in parts for name in part.result()]
    return [folder / name for name in names]


def cache_root() -> Path:
    """Where generated folders are kept between runs (the system's temporary folder)."""
    return Path(tempfile.gettempdir()) / "iisession-bench"


def cached(count: int, seed: int = 7) -> tuple[Path, bool]:
    """A folder of ``count`` generated sessions, made once and kept: the folder,
    and whether it was made now. Only a complete folder is used again."""
    folder = cache_root() / f"corpus-v{VERSION}-seed{seed}-{count}"
    done = folder / ".complete"
    if done.exists():
        return folder / "sessions", False
    shutil.rmtree(folder, ignore_errors=True)
    made = generate(folder / "sessions", count, seed)
    assert len(made) == count
    done.write_text(f"{count}\n", encoding="utf-8")
    return folder / "sessions", True


if __name__ == "__main__":
    target = Path(sys.argv[1])
    made = generate(target, int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
    size = sum(p.stat().st_size for p in made) / len(made)
    print(f"{len(made)} sessions in {target}, {size / 1024:.1f} KB on average")
