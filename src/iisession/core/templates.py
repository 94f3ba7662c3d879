"""Question templates: a named, ordered set of questions kept in the config folder.

One human-editable TOML file per template in ``<config>/templates/``::

    schema_version = 1
    name = "Product roles"

    [[question]]
    bank = "day.typical-week"      # the bank id, if it came from the bank
    text = "What does a typical week look like for you?"
    topic = "day-to-day"
    must = true                    # omitted when false
    closing = true                 # omitted when false

The text is kept even for bank questions so a template reads on its own and
an edited text wins; ``bank`` keeps answers comparable across interviews.
A broken file is reported by name and skipped.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from . import toml_read
from .atomic import describe_os_error, ensure_private_folder, write_atomic
from .bank import Bank
from .model import Priority, Question, clean_text
from .naming import slugify
from .safe_read import RefusedFile, read_regular

TEMPLATES_FOLDER = "templates"
TEMPLATE_SCHEMA = 1
MAX_TEMPLATE_BYTES = 1024 * 1024


class TemplateError(ValueError):
    """A template that cannot be used, with the reason."""


@dataclass(frozen=True)
class TemplateItem:
    text: str
    topic: str = ""
    bank_id: str = ""
    must: bool = False
    closing: bool = False

    def to_question(self) -> Question:
        return Question(
            text=self.text,
            topic=self.topic,
            bank_id=self.bank_id,
            priority=Priority.MUST if self.must else Priority.IF_TIME,
            closing=self.closing,
        )

    @classmethod
    def of(cls, question: Question) -> TemplateItem:
        return cls(
            text=question.text.strip(),
            topic=question.topic,
            bank_id=question.bank_id,
            must=question.priority is Priority.MUST,
            closing=question.closing,
        )


@dataclass
class Template:
    name: str
    items: list[TemplateItem] = field(default_factory=list)
    path: Path | None = None

    def questions(self) -> list[Question]:
        """Fresh questions for a session, in the template's order."""
        return [item.to_question() for item in self.items]


def templates_folder(config_dir: Path) -> Path:
    return config_dir / TEMPLATES_FOLDER


def _item(raw: Any, where: str, bank: Bank | None) -> TemplateItem:
    if not isinstance(raw, dict):
        raise TemplateError(f"{where} should be a table ([[question]])")
    extra = sorted(set(raw) - {"bank", "text", "topic", "must", "closing"})
    if extra:
        raise TemplateError(f"{where} has unknown keys: {', '.join(extra)}")
    for key in ("bank", "text", "topic"):
        if not isinstance(raw.get(key, ""), str):
            raise TemplateError(f"{where}: `{key}` should be text")
    for key in ("must", "closing"):
        if not isinstance(raw.get(key, False), bool):
            raise TemplateError(f"{where}: `{key}` should be true or false")
    bank_id = clean_text(raw.get("bank", "")).strip()
    text = clean_text(raw.get("text", "")).strip()
    topic = clean_text(raw.get("topic", "")).strip()
    known = bank.by_id.get(bank_id) if bank is not None and bank_id else None
    if not text:
        if known is None:
            raise TemplateError(f"{where} needs `text` (or the id of a bank question in `bank`)")
        text = known.text
    if not topic and known is not None:
        topic = known.topic
    return TemplateItem(
        text=text,
        topic=topic,
        bank_id=bank_id,
        must=raw.get("must", False),
        closing=raw.get("closing", False),
    )


def parse_template(text: str, path: Path, bank: Bank | None = None) -> Template:
    try:
        data = toml_read.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"not valid TOML: {error}") from None
    schema = data.get("schema_version", TEMPLATE_SCHEMA)
    if schema != TEMPLATE_SCHEMA:
        raise TemplateError(f"schema_version {schema!r} is not one this version reads (1)")
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        raise TemplateError("`name` should be non-empty text")
    raw = data.get("question", [])
    if not isinstance(raw, list):
        raise TemplateError("`question` should be a list of tables ([[question]])")
    items = [_item(entry, f"question {n}", bank) for n, entry in enumerate(raw, 1)]
    if not items:
        raise TemplateError("it has no questions")
    return Template(clean_text(name).strip(), items, path)


def read_template(path: Path, bank: Bank | None = None) -> Template:
    try:
        data, _ = read_regular(path, MAX_TEMPLATE_BYTES)
    except RefusedFile as error:
        raise TemplateError(f"it {error.reason}; not a template") from None
    except OSError as error:
        raise TemplateError(describe_os_error(error)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError("not UTF-8 text") from None
    return parse_template(text, path, bank)


def load_templates(config_dir: Path, bank: Bank | None, warnings: list[str]) -> list[Template]:
    """Every readable template, by name; each broken file adds a warning naming it."""
    folder = templates_folder(config_dir)
    try:
        paths = sorted(p for p in folder.iterdir() if p.suffix == ".toml")
    except FileNotFoundError:
        return []
    except OSError as error:
        warnings.append(f"{folder}: {describe_os_error(error)}; no templates loaded")
        return []
    found: list[Template] = []
    names: set[str] = set()
    for path in paths:
        if path.name.startswith("."):
            continue
        try:
            template = read_template(path, bank)
        except TemplateError as error:
            warnings.append(f"template {path}: {error}; skipped")
            continue
        if template.name.casefold() in names:
            warnings.append(f"template {path}: the name {template.name!r} is used twice; skipped")
            continue
        names.add(template.name.casefold())
        found.append(template)
    return sorted(found, key=lambda t: t.name.casefold())


def find_template(templates: list[Template], name: str) -> Template | None:
    wanted = name.strip().casefold()
    for template in templates:
        if template.name.casefold() == wanted:
            return template
    return None


def render_template(template: Template) -> str:
    questions: list[dict[str, Any]] = []
    for item in template.items:
        entry: dict[str, Any] = {}
        if item.bank_id:
            entry["bank"] = item.bank_id
        entry["text"] = item.text
        if item.topic:
            entry["topic"] = item.topic
        if item.must:
            entry["must"] = True
        if item.closing:
            entry["closing"] = True
        questions.append(entry)
    body = tomli_w.dumps(
        {"schema_version": TEMPLATE_SCHEMA, "name": template.name, "question": questions}
    )
    header = (
        "# An iisession question template. Edit freely: questions are asked in this order;\n"
        "# `must = true` marks must-ask, `closing = true` the closing block, `bank` the id\n"
        "# of a bank question (keeps answers comparable across interviews).\n"
    )
    return header + body


def save_template(config_dir: Path, template: Template, *, replace: bool = False) -> Path:
    """Write the template; an existing one of the same name is replaced only if asked.

    Raises ``FileExistsError`` when it exists and ``replace`` is False, and
    ``TemplateError`` with the reason when it cannot be written.
    """
    if not template.name.strip():
        raise TemplateError("a template needs a name")
    if not template.items:
        raise TemplateError("a template needs at least one question")
    folder = templates_folder(config_dir)
    path = template.path if template.path is not None else folder / f"{slugify(template.name)}.toml"
    if path.exists() and not replace:
        raise FileExistsError(path)
    try:
        ensure_private_folder(folder)
        write_atomic(path, render_template(template).encode("utf-8"))
    except OSError as error:
        raise TemplateError(describe_os_error(error)) from None
    template.path = path
    return path
