"""The question bank: the built-in one, the user's own file, search and order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iisession.core.bank import (
    TOPICS,
    Bank,
    BankQuestion,
    builtin_questions,
    insert_position,
    load_bank,
    order_questions,
)
from iisession.core.model import Priority, Question

CLOSING_IDEAS = ["do next", "talk to", "touch again", "résumé"]


def test_builtin_bank_has_60_questions_across_every_topic() -> None:
    questions = builtin_questions()
    assert len(questions) >= 60
    by_topic = {t: [q for q in questions if q.topic == t] for t in TOPICS}
    assert all(len(qs) >= 4 for qs in by_topic.values()), {t: len(q) for t, q in by_topic.items()}
    assert {q.topic for q in questions} == set(TOPICS)
    ids = [q.id for q in questions]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+\.[a-z0-9-]+", i) for i in ids)
    assert all(q.text.endswith("?") and q.text == q.text.strip() for q in questions)
    assert len({q.text.casefold() for q in questions}) == len(questions)


def test_closing_block_is_in_the_default_set() -> None:
    bank = Bank(builtin_questions())
    defaults = bank.defaults()
    closing = [q for q in defaults if q.closing]
    texts = " ".join(q.text for q in closing)
    for idea in CLOSING_IDEAS:
        assert idea in texts, idea
    who_else = next(q for q in closing if "talk to" in q.text)
    assert who_else.priority is Priority.MUST
    assert "mention" in who_else.text
    # Must-ask first, closing last; every default carries its bank id.
    ranks = [2 if q.closing else (0 if q.priority is Priority.MUST else 1) for q in defaults]
    assert ranks == sorted(ranks)
    assert all(q.bank_id in bank.by_id for q in defaults)
    assert len({q.id for q in defaults}) == len(defaults)


def test_each_copy_is_fresh() -> None:
    bank = Bank(builtin_questions())
    first, second = bank.defaults(), bank.defaults()
    assert {q.id for q in first}.isdisjoint(q.id for q in second)
    assert not any(q.asked for q in first)


def test_search_by_words_and_topic() -> None:
    bank = Bank(builtin_questions())
    assert bank.search("", "lifestyle") == [q for q in bank.questions if q.topic == "lifestyle"]
    found = bank.search("TYPICAL week")
    assert [q.id for q in found] == ["day.typical-week"]
    assert bank.search("salary")  # the id counts too
    assert bank.search("week", "industry") == []
    assert bank.search("no such words here") == []


def write_user_bank(config: Path, text: str | bytes) -> Path:
    config.mkdir(parents=True, exist_ok=True)
    path = config / "bank.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_user_bank_extends_the_builtin_one(tmp_path: Path) -> None:
    write_user_bank(
        tmp_path,
        """
schema_version = 1
[[question]]
id = "mine.portfolio"
topic = "skills"
text = "Which portfolio pieces would catch your eye?"
[[question]]
id = "mine.unions"
topic = "union work"
text = "How do unions shape the work here?"
default = true
must = true
""",
    )
    warnings: list[str] = []
    bank = load_bank(tmp_path, warnings)
    assert warnings == []
    assert len(bank.questions) == len(builtin_questions()) + 2
    assert bank.by_id["mine.portfolio"].source == "yours"
    assert bank.topics()[-1] == "union work"  # unknown topics come after the known ones
    defaults = bank.defaults()
    assert defaults[0].bank_id == "mine.unions" or "mine.unions" in [q.bank_id for q in defaults]
    assert next(q for q in defaults if q.bank_id == "mine.unions").priority is Priority.MUST


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[[question]\nid = 1", "not valid TOML"),
        ("schema_version = 7", "schema_version 7"),
        ("question = 3", "`question` should be a list"),
        ('[[question]]\nid = "a.b"\ntopic = "x"', "question 1 needs `text`"),
        ('[[question]]\nid = "a.b"\ntopic = "x"\ntext = "?"\nmust = "yes"', "`must` should be"),
        ('[[question]]\nid = "a.b"\ntopic = "x"\ntext = "?"\ncolour = 1', "unknown keys: colour"),
        (
            '[[question]]\nid = "a.b"\ntopic = "x"\ntext = "1?"\n'
            '[[question]]\nid = "a.b"\ntopic = "x"\ntext = "2?"',
            "used twice",
        ),
        (b"\xff\xfe not text", "not UTF-8"),
    ],
)
def test_broken_user_bank_is_named_and_left_out(
    tmp_path: Path, content: str | bytes, problem: str
) -> None:
    path = write_user_bank(tmp_path, content)
    warnings: list[str] = []
    bank = load_bank(tmp_path, warnings)
    assert len(bank.questions) == len(builtin_questions())  # the built-in bank still loads
    assert len(warnings) == 1
    assert str(path) in warnings[0]
    assert problem in warnings[0]


def test_user_ids_clashing_with_builtin_ones_are_skipped(tmp_path: Path) -> None:
    write_user_bank(
        tmp_path,
        '[[question]]\nid = "day.typical-week"\ntopic = "x"\ntext = "Mine?"\n'
        '[[question]]\nid = "mine.ok"\ntopic = "x"\ntext = "Fine?"',
    )
    warnings: list[str] = []
    bank = load_bank(tmp_path, warnings)
    assert bank.by_id["day.typical-week"].source == "built-in"
    assert "mine.ok" in bank.by_id
    assert "day.typical-week" in warnings[0]


def test_new_questions_go_after_their_kind() -> None:
    must = Question("M?", priority=Priority.MUST)
    maybe = Question("I?")
    closing = Question("C?", closing=True)
    questions = [must, maybe, closing]
    assert insert_position(questions, Question("M2?", priority=Priority.MUST)) == 1
    assert insert_position(questions, Question("I2?")) == 2
    assert insert_position(questions, Question("C2?", closing=True)) == 3
    assert insert_position([], Question("x?")) == 0
    assert order_questions([closing, maybe, must]) == [must, maybe, closing]


def test_bank_question_copies_its_marks() -> None:
    item = BankQuestion("a.b", "skills", "What?", must=True, closing=True)
    question = item.to_question()
    assert (question.bank_id, question.topic, question.priority, question.closing) == (
        "a.b",
        "skills",
        Priority.MUST,
        True,
    )
    assert item.to_question(must=False).priority is Priority.IF_TIME
