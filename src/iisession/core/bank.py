"""The question bank: built-in questions plus the user's own bank file.

The built-in bank ships as ``bank.toml`` beside this module, in the same
format as the user's ``bank.toml`` in the config folder, so the shipped file
is also the example to copy. A question's ``id`` is stable: sessions keep it
as ``bank_id``, which is how answers are compared across interviews.

A broken user bank is reported (file and problem) and left out; the built-in
bank always loads.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from . import toml_read
from .model import Priority, Question, clean_text
from .safe_read import RefusedFile, read_text

BANK_FILE_NAME = "bank.toml"
BANK_SCHEMA = 1
BUILT_IN = "built-in"
"""The source of the questions that ship with iisession."""

TOPICS: dict[str, str] = {
    "day-to-day": "The job and day-to-day",
    "path": "Path and motivation",
    "skills": "Skills and preparation",
    "organisation": "Organisation and culture",
    "lifestyle": "Lifestyle",
    "industry": "Industry",
    "next-steps": "Advice and next steps",
}
"""Topic ids in the order they are offered, with their labels."""

OWN_TOPIC = "own"
"""The topic of questions the user writes during setup or a call."""


def topic_label(topic: str) -> str:
    if topic == OWN_TOPIC:
        return "Your own"
    return TOPICS.get(topic, topic or "Other")


@dataclass(frozen=True)
class BankQuestion:
    """One question in the bank."""

    id: str
    topic: str
    text: str
    default: bool = False
    """In a new session's list unless a template says otherwise."""
    must: bool = False
    closing: bool = False
    source: str = BUILT_IN
    """``BUILT_IN``, or the path of the user's bank file."""

    def to_question(self, must: bool | None = None) -> Question:
        """A fresh copy for a session (a new question id, not yet asked)."""
        priority = Priority.MUST if (self.must if must is None else must) else Priority.IF_TIME
        return Question(
            text=self.text,
            topic=self.topic,
            bank_id=self.id,
            priority=priority,
            closing=self.closing,
        )


class BankError(ValueError):
    """A bank file that cannot be used, with the reason."""


def _entry(raw: Any, where: str, source: str) -> BankQuestion:
    if not isinstance(raw, dict):
        raise BankError(f"{where} should be a table ([[question]])")
    known = {"id", "topic", "text", "default", "must", "closing"}
    extra = sorted(set(raw) - known)
    if extra:
        raise BankError(f"{where} has unknown keys: {', '.join(extra)}")
    for key in ("id", "topic", "text"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise BankError(f"{where} needs `{key}` as non-empty text")
    for key in ("default", "must", "closing"):
        if not isinstance(raw.get(key, False), bool):
            raise BankError(f"{where}: `{key}` should be true or false")
    return BankQuestion(
        id=clean_text(raw["id"]).strip(),
        topic=clean_text(raw["topic"]).strip(),
        text=clean_text(raw["text"]).strip(),
        default=raw.get("default", False),
        must=raw.get("must", False),
        closing=raw.get("closing", False),
        source=source,
    )


def parse_bank(text: str, source: str) -> list[BankQuestion]:
    """Questions from a bank file's text. Raises ``BankError`` naming the problem."""
    try:
        data = toml_read.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BankError(f"not valid TOML: {error}") from None
    schema = data.get("schema_version", BANK_SCHEMA)
    if schema != BANK_SCHEMA:
        raise BankError(f"schema_version {schema!r} is not one this version reads (1)")
    raw = data.get("question", [])
    if not isinstance(raw, list):
        raise BankError("`question` should be a list of tables ([[question]])")
    questions = [_entry(item, f"question {n}", source) for n, item in enumerate(raw, 1)]
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise BankError(f"the id {q.id!r} is used twice")
        seen.add(q.id)
    return questions


def _read_text(path: Path) -> str:
    try:
        return read_text(path)
    except UnicodeDecodeError:
        raise BankError("not UTF-8 text") from None
    except RefusedFile as error:
        raise BankError(f"it {error.reason}") from None
    except OSError as error:
        raise BankError(error.strerror or str(error)) from None


class Bank:
    """All questions on offer, by id, in bank order (built-in first)."""

    def __init__(self, questions: Iterable[BankQuestion]) -> None:
        self.questions: list[BankQuestion] = []
        self.by_id: dict[str, BankQuestion] = {}
        for q in questions:
            self.add(q)

    def add(self, question: BankQuestion) -> bool:
        """Add a question; False if its id is taken (the first one wins)."""
        if question.id in self.by_id:
            return False
        self.by_id[question.id] = question
        self.questions.append(question)
        return True

    def topics(self) -> list[str]:
        """Topics in use: the known ones in their order, then any others."""
        used = {q.topic for q in self.questions}
        known = [t for t in TOPICS if t in used]
        return known + sorted(used - set(TOPICS))

    def search(self, words: str = "", topic: str = "") -> list[BankQuestion]:
        """Questions of ``topic`` (all if empty) whose text holds every word typed."""
        needles = words.casefold().split()
        return [
            q
            for q in self.questions
            if (not topic or q.topic == topic)
            and all(n in f"{q.text} {q.id}".casefold() for n in needles)
        ]

    def defaults(self) -> list[Question]:
        """A new session's questions: the default set, must-ask first, closing last."""
        return order_questions([q.to_question() for q in self.questions if q.default])


def builtin_questions() -> list[BankQuestion]:
    text = resources.files(__package__).joinpath(BANK_FILE_NAME).read_text(encoding="utf-8")
    return parse_bank(text, BUILT_IN)


def load_bank(config_dir: Path, warnings: list[str]) -> Bank:
    """The built-in bank extended by ``bank.toml`` in the config folder, if there is one."""
    bank = Bank(builtin_questions())
    path = config_dir / BANK_FILE_NAME
    if not path.exists():
        return bank
    try:
        own = parse_bank(_read_text(path), "yours")
    except BankError as error:
        warnings.append(f"{path}: {error}; your questions were left out")
        return bank
    clashes = [q.id for q in own if not bank.add(q)]
    if clashes:
        warnings.append(
            f"{path}: ids already in the built-in bank were skipped: {', '.join(clashes[:5])}"
        )
    return bank


def order_questions(questions: list[Question]) -> list[Question]:
    """Must-ask first, then the rest, closing questions last; order kept within each."""

    def rank(q: Question) -> int:
        if q.closing:
            return 2
        return 0 if q.priority is Priority.MUST else 1

    return sorted(questions, key=rank)


def insert_position(questions: list[Question], question: Question) -> int:
    """Where a new question goes by default: after its kind (must-ask, if-time, closing)."""
    rank = 2 if question.closing else (0 if question.priority is Priority.MUST else 1)
    position = 0
    for index, q in enumerate(questions):
        q_rank = 2 if q.closing else (0 if q.priority is Priority.MUST else 1)
        if q_rank <= rank:
            position = index + 1
    return position
