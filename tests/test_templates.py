"""Question templates: human-editable TOML files in the config folder."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from iisession.core.bank import Bank, builtin_questions
from iisession.core.model import Priority, Question
from iisession.core.templates import (
    Template,
    TemplateError,
    TemplateItem,
    find_template,
    load_templates,
    save_template,
    templates_folder,
)


@pytest.fixture
def bank() -> Bank:
    return Bank(builtin_questions())


def sample(bank: Bank) -> list[Question]:
    questions = bank.defaults()
    questions.insert(1, Question('What is a résumé "red flag" for you?\n', topic="own"))
    questions[2].priority = Priority.MUST
    return questions


def test_save_then_load_keeps_order_and_marks(tmp_path: Path, bank: Bank) -> None:
    questions = sample(bank)
    path = save_template(
        tmp_path, Template("Health analytics", [TemplateItem.of(q) for q in questions])
    )
    assert path.parent == templates_folder(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["name"] == "Health analytics"
    assert data["question"][0]["bank"] == "day.typical-week"
    assert data["question"][0]["must"] is True
    warnings: list[str] = []
    [loaded] = load_templates(tmp_path, bank, warnings)
    assert warnings == []
    fresh = loaded.questions()
    assert [q.text for q in fresh] == [q.text.strip() for q in questions]
    assert [q.priority for q in fresh] == [q.priority for q in questions]
    assert [q.closing for q in fresh] == [q.closing for q in questions]
    assert [q.bank_id for q in fresh] == [q.bank_id for q in questions]
    assert {q.id for q in fresh}.isdisjoint(q.id for q in questions)  # fresh questions


def test_a_hand_edited_template_is_read_as_edited(tmp_path: Path, bank: Bank) -> None:
    folder = templates_folder(tmp_path)
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text(
        """# my own
name = "Quick phone call"

[[question]]
bank = "industry.changes"   # text comes from the bank

[[question]]
bank = "day.typical-week"
text = "Walk me through yesterday?"
must = true

[[question]]
text = "Anything else I should have asked?"
closing = true
""",
        encoding="utf-8",
    )
    [template] = load_templates(tmp_path, bank, [])
    questions = template.questions()
    assert questions[0].text == bank.by_id["industry.changes"].text
    assert questions[0].topic == "industry"
    assert questions[1].text == "Walk me through yesterday?"  # the edit wins
    assert questions[1].priority is Priority.MUST
    assert questions[2].closing
    assert questions[2].bank_id == ""
    assert find_template([template], "  quick PHONE call ") is template


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("name = [", "not valid TOML"),
        ('name = "x"', "no questions"),
        ('name = ""\n[[question]]\ntext = "a?"', "`name` should be"),
        ('name = "x"\n[[question]]\nbank = "no.such-id"', "needs `text`"),
        ('name = "x"\n[[question]]\ntext = "a?"\nwhen = 1', "unknown keys: when"),
        ('name = "x"\n[[question]]\ntext = "a?"\nmust = 1', "`must` should be"),
        ('schema_version = 3\nname = "x"\n[[question]]\ntext = "a?"', "schema_version 3"),
        (b"name = '\xff'", "not UTF-8"),
    ],
)
def test_a_broken_template_is_named_and_skipped(
    tmp_path: Path, bank: Bank, content: str | bytes, problem: str
) -> None:
    folder = templates_folder(tmp_path)
    folder.mkdir(parents=True)
    broken = folder / "broken.toml"
    if isinstance(content, bytes):
        broken.write_bytes(content)
    else:
        broken.write_text(content, encoding="utf-8")
    save_template(tmp_path, Template("Good one", [TemplateItem("Fine?")]))
    warnings: list[str] = []
    templates = load_templates(tmp_path, bank, warnings)
    assert [t.name for t in templates] == ["Good one"]
    assert len(warnings) == 1
    assert str(broken) in warnings[0]
    assert problem in warnings[0]
    assert broken.exists()  # never touched


def test_saving_over_an_existing_name_needs_asking(tmp_path: Path) -> None:
    first = save_template(tmp_path, Template("Alumni", [TemplateItem("One?")]))
    with pytest.raises(FileExistsError):
        save_template(tmp_path, Template("Alumni", [TemplateItem("Two?")]))
    save_template(tmp_path, Template("Alumni", [TemplateItem("Two?")]), replace=True)
    [template] = load_templates(tmp_path, None, [])
    assert template.path == first
    assert [i.text for i in template.items] == ["Two?"]


def test_empty_or_nameless_templates_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="name"):
        save_template(tmp_path, Template(" ", [TemplateItem("One?")]))
    with pytest.raises(TemplateError, match="at least one"):
        save_template(tmp_path, Template("Empty", []))
    assert not templates_folder(tmp_path).exists()


def test_no_templates_folder_means_no_templates(tmp_path: Path) -> None:
    warnings: list[str] = []
    assert load_templates(tmp_path, None, warnings) == []
    assert warnings == []
