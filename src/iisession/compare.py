"""Answers compared across interviews, and which questions have been asked how often.

A question is the same across sessions when it has the same bank id, or (for
one's own questions) the same text, ignoring case, spacing and the final "?".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .bank import Bank, BankQuestion, topic_label
from .document import escape
from .model import Question, Session, SessionState


def question_key(question: Question) -> str:
    if question.bank_id:
        return question.bank_id
    return "text:" + " ".join(question.text.casefold().split()).rstrip("?").strip()


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
    """One question across all sessions."""

    key: str
    text: str
    topic: str
    answers: list[Answer] = field(default_factory=list)

    @property
    def times_asked(self) -> int:
        return sum(a.asked for a in self.answers)


def _held(sessions: Iterable[tuple[str, Session]]) -> list[tuple[str, Session]]:
    return [
        (f, s)
        for f, s in sessions
        if not s.practice and s.state is not SessionState.PLANNED and s.started_at is not None
    ]


def collect(sessions: Iterable[tuple[str, Session]]) -> dict[str, Asked]:
    """Every question of the calls held, with each session's answer, oldest first."""
    found: dict[str, Asked] = {}
    for file, s in sorted(_held(sessions), key=lambda item: item[1].started_at or item[1].created):
        when = s.started_at or s.created
        for q in s.questions:
            key = question_key(q)
            entry = found.setdefault(key, Asked(key, q.text, q.topic))
            entry.answers.append(
                Answer(
                    s.person.name,
                    s.person.organisation,
                    when,
                    file,
                    q.asked,
                    q.answer.strip(),
                )
            )
    return found


def find(asked: dict[str, Asked], words: str) -> list[Asked]:
    """The questions a bank id or some words point to."""
    words = words.strip()
    if words in asked:
        return [asked[words]]
    wanted = words.casefold().split()
    return [a for a in asked.values() if wanted and all(w in a.text.casefold() for w in wanted)]


def answers_markdown(entry: Asked, tz: dt.tzinfo | None = None) -> str:
    """Every answer to one question, side by side with who, where and when."""
    lines = [f"# {escape(entry.text)}", ""]
    given = [a for a in entry.answers if a.asked or a.answer]
    lines.append(
        f"Asked in {entry.times_asked} of {len(entry.answers)} calls where it was prepared"
        f" ({topic_label(entry.topic)})."
    )
    lines.append("")
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
    """One topic's questions: those asked (most first), and bank questions never asked."""

    topic: str
    asked: list[Asked]
    never: list[BankQuestion]


def by_topic(asked: dict[str, Asked], bank: Bank, topics: Sequence[str]) -> list[Topic]:
    """Per topic (in the order given, then any other topic found in the sessions):
    the questions asked, most asked first, and the bank questions never asked.
    A question prepared but never asked counts under "never asked" if it is in
    the bank, and as asked 0 times if it is one's own."""
    order = list(topics) + sorted({e.topic for e in asked.values()} - set(topics))
    found = []
    for topic in order:
        entries = [
            e
            for e in asked.values()
            if e.topic == topic and (e.times_asked or e.key not in bank.by_id)
        ]
        entries.sort(key=lambda e: (-e.times_asked, e.text.casefold()))
        never = [
            q
            for q in bank.by_id.values()
            if q.topic == topic and (q.id not in asked or not asked[q.id].times_asked)
        ]
        if entries or never:
            found.append(Topic(topic, entries, never))
    return found


def coverage_markdown(asked: dict[str, Asked], bank: Bank, topics: Sequence[str]) -> str:
    """Per topic: the questions answered most and least, and bank questions never asked."""
    lines = ["# Questions across interviews", ""]
    for group in by_topic(asked, bank, topics):
        lines += [f"## {topic_label(group.topic)}", ""]
        for e in group.asked:
            calls = f"{e.times_asked} call{'' if e.times_asked == 1 else 's'}"
            lines.append(f"- {escape(e.text)} (`{e.key}`): asked in {calls}")
        if group.never:
            lines += ["", f"Never asked yet ({len(group.never)}):", ""]
            lines += [f"- {escape(q.text)} (`{q.id}`)" for q in group.never]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
