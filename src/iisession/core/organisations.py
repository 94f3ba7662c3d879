"""The user's target organisations, kept the way The 2-Hour Job Search keeps them.

One plain file, ``lists/organisations.toml`` in the sessions folder (so it
travels with the sessions, and is never mistaken for one)::

    schema_version = 1

    [[organisation]]
    name = "Harbour Health"
    motivation = 3      # 0-3: how much the user wants to work there
    advocate = true     # the user knows someone there
    postings = false    # it has postings relevant to the user
    notes = "Their research team publishes a lot"

Sorted as that method sorts: motivation, then postings, then advocate.
Per organisation the sessions say how many people were found, asked,
are waiting for a reply, and were met.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from . import toml_read
from .atomic import describe_os_error, ensure_private_folder, write_atomic
from .model import Outreach, Session, SessionState, clean_text
from .safe_read import read_own_file

LISTS_FOLDER = "lists"
ORGANISATIONS_FILE = "organisations.toml"
SCHEMA = 1
MAX_BYTES = 4 * 1024 * 1024
MOTIVATION_MAX = 3

_LEGAL = {
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "plc", "gmbh", "ag", "sa", "sas",
    "bv", "nv", "co", "corp", "corporation", "company", "pty", "srl", "spa", "oy", "ab", "as",
    "sl", "slu", "sarl", "kk", "pte", "pvt", "lda", "ug", "kg", "se", "sro", "spzoo",
}  # fmt: skip


def organisation_key(name: str) -> str:
    """A name as matching sees it: case, accents, punctuation, a leading "the"
    and trailing legal forms ("Inc.", "Ltd") left out."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("&", " and ")
    words = re.findall(r"[^\W_]+", text)
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    while len(words) > 1:
        if words[-1] in _LEGAL:
            words.pop()
        elif (
            len(words) > 2
            and len(words[-1]) == len(words[-2]) == 1
            and (words[-2] + words[-1] in _LEGAL)
        ):
            del words[-2:]  # a form written with stops: "S.L.", "B.V.", "S.A."
        elif words[-1] == "and" and len(words) > 2:
            words.pop()  # what joined two forms: "GmbH & Co. KG"
        else:
            break
    if not words:  # a name of symbols only ("+++") is matched as written
        return " ".join(text.split())
    return " ".join(words)


class OrganisationsError(ValueError):
    """The list cannot be read or written, with the reason."""


@dataclass
class Target:
    name: str
    motivation: int = 0
    advocate: bool = False
    postings: bool = False
    notes: str = ""

    def __post_init__(self) -> None:
        self.name = " ".join(clean_text(self.name).split())
        self.notes = clean_text(self.notes).strip()
        try:
            motivation = int(self.motivation)
        except (TypeError, ValueError):
            motivation = 0
        self.motivation = max(0, min(MOTIVATION_MAX, motivation))

    @property
    def key(self) -> str:
        return organisation_key(self.name)


def organisations_path(sessions_dir: Path) -> Path:
    return sessions_dir / LISTS_FOLDER / ORGANISATIONS_FILE


def sort_targets(targets: Iterable[Target]) -> list[Target]:
    """Motivation first, then relevant postings, then an advocate; then by name."""
    return sorted(
        targets,
        key=lambda t: (-t.motivation, not t.postings, not t.advocate, t.name.casefold()),
    )


def _entry(raw: Any, where: str) -> Target:
    if not isinstance(raw, dict):
        raise OrganisationsError(f"{where} should be a table ([[organisation]])")
    extra = sorted(set(raw) - {"name", "motivation", "advocate", "postings", "notes"})
    if extra:
        raise OrganisationsError(f"{where} has unknown keys: {', '.join(extra)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise OrganisationsError(f"{where} needs a `name`")
    motivation = raw.get("motivation", 0)
    if isinstance(motivation, bool) or not isinstance(motivation, int):
        raise OrganisationsError(f"{where} ({name}): `motivation` should be 0, 1, 2 or 3")
    if not 0 <= motivation <= MOTIVATION_MAX:
        raise OrganisationsError(f"{where} ({name}): `motivation` should be 0, 1, 2 or 3")
    for key in ("advocate", "postings"):
        if not isinstance(raw.get(key, False), bool):
            raise OrganisationsError(f"{where} ({name}): `{key}` should be true or false")
    if not isinstance(raw.get("notes", ""), str):
        raise OrganisationsError(f"{where} ({name}): `notes` should be text")
    return Target(
        name=name,
        motivation=motivation,
        advocate=raw.get("advocate", False),
        postings=raw.get("postings", False),
        notes=raw.get("notes", ""),
    )


def parse_organisations(text: str) -> list[Target]:
    try:
        data = toml_read.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise OrganisationsError(f"not valid TOML: {error}") from None
    extra = sorted(set(data) - {"schema_version", "organisation"})
    if extra:
        # Refused, not skipped: saving the list again would drop what they hold.
        raise OrganisationsError(
            f"unknown keys: {', '.join(extra)} (each organisation is an [[organisation]] table)"
        )
    schema = data.get("schema_version", SCHEMA)
    if isinstance(schema, bool) or schema != SCHEMA:
        raise OrganisationsError(f"schema_version {schema!r} is not one this version reads (1)")
    raw = data.get("organisation", [])
    if not isinstance(raw, list):
        raise OrganisationsError("`organisation` should be a list of tables ([[organisation]])")
    targets = [_entry(entry, f"organisation {n}") for n, entry in enumerate(raw, 1)]
    seen: dict[str, str] = {}
    for target in targets:
        if target.key in seen:
            raise OrganisationsError(
                f"{target.name!r} is listed twice (as {seen[target.key]!r} too); keep one"
            )
        seen[target.key] = target.name
    return targets


def load_organisations(sessions_dir: Path) -> list[Target]:
    """The list, as written (an absent file is an empty list). Raises
    ``OrganisationsError`` with the reason for a file that cannot be used."""
    path = organisations_path(sessions_dir)
    text = read_own_file(path, MAX_BYTES, OrganisationsError)
    if text is None:
        return []
    try:
        return parse_organisations(text)
    except OrganisationsError as error:
        raise OrganisationsError(f"{path}: {error}") from None


HEADER = (
    "# Your target organisations, for iisession. Edit freely; the app keeps this order\n"
    "# of keys. motivation: 0-3; advocate: you know someone there; postings: it has\n"
    "# postings relevant to you. Sorted by motivation, then postings, then advocate.\n"
)


def render_organisations(targets: Iterable[Target]) -> str:
    entries: list[dict[str, Any]] = []
    for t in targets:
        entry: dict[str, Any] = {
            "name": t.name,
            "motivation": t.motivation,
            "advocate": t.advocate,
            "postings": t.postings,
        }
        if t.notes:
            entry["notes"] = t.notes
        entries.append(entry)
    return HEADER + tomli_w.dumps({"schema_version": SCHEMA, "organisation": entries})


def save_organisations(sessions_dir: Path, targets: Iterable[Target]) -> Path:
    """Write the list (sorted). Raises ``OrganisationsError``, and then changes
    nothing: for two entries of the same name, one without a name, or a file
    on disk that cannot be read (the user's edits in it would be lost). A list
    the file already holds is not written again, so its comments stay."""
    path = organisations_path(sessions_dir)
    ordered = sort_targets(targets)
    if any(not t.name for t in ordered):
        raise OrganisationsError("an organisation needs a name")
    seen: dict[str, str] = {}
    for target in ordered:
        if target.key in seen:
            raise OrganisationsError(
                f"{target.name!r} and {seen[target.key]!r} are the same organisation; keep one"
            )
        seen[target.key] = target.name
    try:
        if sort_targets(load_organisations(sessions_dir)) == ordered:
            return path
    except OrganisationsError as error:
        raise OrganisationsError(f"{error}; fix it, or move it away, and save again") from None
    try:
        ensure_private_folder(path.parent)
        write_atomic(path, render_organisations(ordered).encode("utf-8"))
    except OSError as error:
        raise OrganisationsError(f"{path}: {describe_os_error(error)}") from None
    return path


# --- the people at each organisation ---------------------------------------------


@dataclass
class AtOrganisation:
    """What the sessions say of one organisation."""

    found: list[str] = field(default_factory=list)
    """Everyone known there: asked or not, met or not."""
    asked: int = 0
    waiting: int = 0
    met: int = 0


def _add(names: list[str], name: str) -> None:
    if name.strip().casefold() not in {n.casefold() for n in names}:
        names.append(name.strip())


_ASKED, _WAITING, _MET = 1, 2, 3
"""How far one person got, for counting each person once (the furthest)."""
_OUTREACH_LEVEL = {Outreach.TO_CONTACT: 0, Outreach.CONTACTED: _WAITING, Outreach.MET: _MET}


def people_at(sessions: Iterable[tuple[str, Session]]) -> dict[str, AtOrganisation]:
    """By ``organisation_key``: the people of the sessions and of their referrals,
    each counted once, at the furthest they got (met over waiting over asked)."""
    from .requests import OPEN_STAGES, Stage, stage_of

    found: dict[str, AtOrganisation] = {}
    furthest: dict[tuple[str, str], int] = {}
    held = [(f, s) for f, s in sessions if not s.practice]
    linked = {s.id for _, s in held}
    asked = {(s.source_session, s.source_referral) for _, s in held if s.source_referral}

    def seen(key: str, name: str, level: int) -> None:
        at = found.setdefault(key, AtOrganisation())
        _add(at.found, name)
        person = (key, " ".join(name.casefold().split()))
        furthest[person] = max(furthest.get(person, 0), level)

    for _, s in held:
        key = organisation_key(s.person.organisation)
        if not key or not s.person.name.strip():
            continue
        stage = stage_of(s)
        # Past "to ask" they were asked, through the app or not (a call agreed by phone).
        level = _MET if stage is Stage.MET else _WAITING if stage in OPEN_STAGES else 0
        seen(key, s.person.name, level or (_ASKED if stage is not Stage.TO_ASK else 0))
    for _, s in held:
        if s.state is SessionState.PLANNED or s.state is SessionState.REQUESTED:
            continue
        for r in s.referrals:
            key = organisation_key(r.organisation)
            if not key or not r.name.strip() or r.session_id in linked or (s.id, r.id) in asked:
                continue
            seen(key, r.name, _OUTREACH_LEVEL.get(r.outreach, _ASKED))
    for (key, _), level in furthest.items():
        at = found[key]
        at.asked += level >= _ASKED
        at.waiting += level == _WAITING
        at.met += level == _MET
    return found
