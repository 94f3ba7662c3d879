"""Answers compared across interviews, and which questions have been asked how often.

A question is the same across sessions when it has the same bank id, or (for
one's own questions) the same text, ignoring case, spacing and the final "?".
A question counts as asked in a call when it was ticked or an answer to it was
noted: an answer is never listed beside "asked in 0 calls". The key that joins
one's own questions is internal and never shown: they are shown by their text.

Two sources give the same answers: the index (one row per question of each
call held, so one question's answers are one query at any number of
sessions), and, without a usable index, the sessions themselves (``collect``).
Both take their rows from ``question_rows``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from .bank import Bank, BankQuestion, topic_label
from .document import escape
from .model import Question, Session, SessionState, clean_text

_T = TypeVar("_T")

TEXT_KEY = "text:"
"""Starts the key of a question of one's own (made from its text; never shown)."""


def question_key(question: Question) -> str:
    if question.bank_id:
        return clean_text(question.bank_id)
    return TEXT_KEY + " ".join(clean_text(question.text).casefold().split()).rstrip("?").strip()


def shown_id(key: str) -> str:
    """The id a person may see and type for a question: its bank id, or "" for
    a question of one's own (its key is internal)."""
    return "" if key.startswith(TEXT_KEY) else key


@dataclass(frozen=True)
class Answer:
    person: str
    organisation: str
    when: dt.datetime
    file: str
    asked: bool
    answer: str


@dataclass
class Asked:
    """One question across all sessions, with every answer, oldest call first."""

    key: str
    text: str
    topic: str
    answers: list[Answer] = field(default_factory=list)

    @property
    def times_asked(self) -> int:
        return sum(a.asked for a in self.answers)


@dataclass
class Tally:
    """One question across all sessions, counted: the lists need no answers."""

    key: str
    text: str
    """As worded in the oldest call it was prepared for."""
    topic: str
    times_asked: int = 0
    prepared: int = 0
    """Calls it was prepared for, asked or not."""

    @property
    def bank_id(self) -> str:
        """Its id in the bank, or "" for a question of one's own."""
        return shown_id(self.key)


class Comparison(Protocol):
    """Where the questions and answers come from (the index, or the sessions)."""

    def tally(self) -> dict[str, Tally]: ...

    def answers(self, key: str) -> Asked | None: ...


def held(session: Session) -> bool:
    """A call that took place (not a practice run, not only planned)."""
    return (
        not session.practice
        and session.state is not SessionState.PLANNED
        and session.started_at is not None
    )


def held_at(session: Session) -> dt.datetime:
    return session.started_at or session.created


def question_rows(
    session: Session, *, as_read: bool = False
) -> list[tuple[str, str, str, bool, str]]:
    """(key, text, topic, asked, answer) of each question of a call held; none for
    any other session. Asked means ticked, or with an answer noted.

    ``as_read``: the session is just as it was read from its file, its text
    already clean."""
    if not held(session):
        return []
    # Cleaned here too otherwise: a session just saved may hold text typed since
    # it was built.
    clean = _as_is if as_read else clean_text
    rows = []
    for q in session.questions:
        answer = clean(q.answer).strip()
        asked = q.asked or bool(answer)
        rows.append((question_key(q), clean(q.text), clean(q.topic), asked, answer))
    return rows


def _as_is(text: str) -> str:
    return text


def collect(sessions: Iterable[tuple[str, Session]]) -> dict[str, Asked]:
    """Every question of the calls held, with each session's answer, oldest first."""
    found: dict[str, Asked] = {}
    calls = [(f, s) for f, s in sessions if held(s)]
    for file, s in sorted(calls, key=lambda item: held_at(item[1])):
        for key, text, topic, asked, answer in question_rows(s):
            entry = found.setdefault(key, Asked(key, text, topic))
            entry.answers.append(
                Answer(s.person.name, s.person.organisation, held_at(s), file, asked, answer)
            )
    return found


def tally(asked: dict[str, Asked]) -> dict[str, Tally]:
    return {
        key: Tally(key, a.text, a.topic, a.times_asked, len(a.answers)) for key, a in asked.items()
    }


class FromSessions:
    """A comparison over sessions read in full (when the index cannot be used)."""

    def __init__(self, sessions: Iterable[tuple[str, Session]]) -> None:
        self.asked = collect(sessions)

    def tally(self) -> dict[str, Tally]:
        return tally(self.asked)

    def answers(self, key: str) -> Asked | None:
        return self.asked.get(key)


def find(tallies: dict[str, Tally], words: str) -> list[Tally]:
    """The questions a bank id or some words point to."""
    words = words.strip()
    if words in tallies:
        return [tallies[words]]
    wanted = words.casefold().split()
    return [t for t in tallies.values() if wanted and all(w in t.text.casefold() for w in wanted)]


def answers_markdown(entry: Asked, tz: dt.tzinfo | None = None, latest: int = 0) -> str:
    """Every answer to one question, side by side with who, where and when; with
    ``latest``, only that many of the most recent (a screen cannot show thousands)."""
    lines = [f"# {escape(entry.text)}", ""]
    given = [a for a in entry.answers if a.asked or a.answer]
    lines.append(
        f"Asked in {entry.times_asked} of {len(entry.answers)} calls where it was prepared"
        f" ({topic_label(entry.topic)})."
    )
    lines.append("")
    if latest and len(given) > latest:
        lines += [f"The latest {latest} of {len(given)} answers; the export has them all.", ""]
        given = given[-latest:]
    for a in given:
        who = escape(a.person or "(no name)") + (
            f", {escape(a.organisation)}" if a.organisation else ""
        )
        lines.append(f"## {who} ({a.when.astimezone(tz):%Y-%m-%d})")
        lines.append("")
        lines.append(escape(a.answer) if a.answer else "*Asked; no answer noted.*")
        lines.append("")
    not_asked = [a for a in entry.answers if not a.asked and not a.answer]
    if not_asked:
        names = ", ".join(escape(a.person or "(no name)") for a in not_asked)
        lines += [f"Prepared but not asked: {names}.", ""]
    return "\n".join(lines).rstrip() + "\n"


@dataclass
class Topic:
    """One topic's questions: those asked (most first), bank questions never asked,
    and others prepared but never asked (one's own, or ids the bank no longer has)."""

    topic: str
    asked: list[Tally]
    never: list[BankQuestion]
    unasked: list[Tally] = field(default_factory=list)


def by_topic(tallies: dict[str, Tally], bank: Bank, topics: Sequence[str]) -> list[Topic]:
    """Per topic (in the order given, then any other topic found in the sessions):
    the questions asked, most asked first, and those never asked: the bank's,
    and, apart, the others prepared but never asked (never among the asked)."""
    # Grouped first, in one pass: a pass per topic would grow with topics times
    # questions, and both grow with the sessions (files edited by hand bring topics).
    grouped: dict[str, list[Tally]] = {}
    for t in tallies.values():
        grouped.setdefault(t.topic, []).append(t)
    in_bank: dict[str, list[BankQuestion]] = {}
    for q in bank.by_id.values():
        in_bank.setdefault(q.topic, []).append(q)
    order = list(topics) + sorted(set(grouped) - set(topics))
    found = []
    for topic in order:
        mine = grouped.get(topic, [])
        entries = [t for t in mine if t.times_asked]
        entries.sort(key=lambda t: (-t.times_asked, t.text.casefold()))
        never = [
            q
            for q in in_bank.get(topic, [])
            if q.id not in tallies or not tallies[q.id].times_asked
        ]
        unasked = [t for t in mine if not t.times_asked and t.key not in bank.by_id]
        unasked.sort(key=lambda t: t.text.casefold())
        if entries or never or unasked:
            found.append(Topic(topic, entries, never, unasked))
    return found


def _calls(n: int) -> str:
    return f"{n} call{'' if n == 1 else 's'}"


def _with_id(t: Tally) -> str:
    """The question's text, and its bank id if it has one (never an internal key)."""
    return escape(t.text) + (f" (`{t.bank_id}`)" if t.bank_id else "")


def coverage_markdown(
    tallies: dict[str, Tally], bank: Bank, topics: Sequence[str], most: int = 0
) -> str:
    """Per topic: the questions answered most and least, and bank questions never
    asked; with ``most``, only that many of each list (a screen cannot show
    thousands of one's own questions; the export has them all)."""

    def listed(items: Sequence[_T], line: Callable[[_T], str]) -> list[str]:
        shown = items[:most] if most else items
        lines = [line(item) for item in shown]
        if len(items) > len(shown):
            lines.append(f"- … and {len(items) - len(shown):,} more (the export lists them all)")
        return lines

    lines = ["# Questions across interviews", ""]
    for group in by_topic(tallies, bank, topics):
        lines += [f"## {topic_label(group.topic)}", ""]
        lines += listed(group.asked, lambda t: f"- {_with_id(t)}: asked in {_calls(t.times_asked)}")
        if group.never:
            lines += ["", f"Never asked yet ({len(group.never)}):", ""]
            lines += listed(group.never, lambda q: f"- {escape(q.text)} (`{q.id}`)")
        if group.unasked:
            lines += ["", f"Prepared but never asked ({len(group.unasked)}):", ""]
            lines += listed(
                group.unasked, lambda t: f"- {_with_id(t)}: prepared for {_calls(t.prepared)}"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
