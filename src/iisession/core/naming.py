"""File names for sessions: date first so they sort, and a slug that stays put.

A name is ``YYYY-MM-DD-HHMM-<slug>.toml`` (local time of the planned call, or
of creation). The slug keeps letters and digits of any script, folds the rest
to hyphens and is capped in bytes, so no person's name can climb out of the
sessions folder, hide a file, or exceed a file system's name limit.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Session

SLUG_MAX_BYTES = 60
SUFFIX = ".toml"
NAME_MAX_BYTES = 255
"""The longest file name most file systems take, in bytes. The names made here
stay far below it, leaving room for what is added to them (``-2``, the fixed
length temporary names of a save)."""


def file_order(name: str) -> str:
    """The key sessions sort by: the file name less its suffix, so ``x.toml``
    comes before its conflict copy ``x.conflict-….toml``. The store lists files
    in this order and the index breaks ties by it, so both answer alike."""
    return name.removesuffix(SUFFIX)


def fit_name(stem: str, tail: str) -> str:
    """``stem + tail`` as a file name, ``stem`` shortened if it must be (a name
    the user gave may already be at the limit) so the whole fits."""
    room = NAME_MAX_BYTES - len(os.fsencode(tail))
    while len(os.fsencode(stem)) > room:
        stem = stem[:-1]
    return stem + tail


def slugify(text: str) -> str:
    """A safe, readable file-name part for ``text``; ``session`` if nothing is left."""
    text = unicodedata.normalize("NFC", text).casefold()
    out: list[str] = []
    size = 0
    for char in text:
        piece = char if char.isalnum() else "-"
        if piece == "-" and (not out or out[-1] == "-"):
            continue
        piece_size = len(piece.encode("utf-8", "replace"))
        if size + piece_size > SLUG_MAX_BYTES:
            break
        out.append(piece)
        size += piece_size
    slug = "".join(out).strip("-")
    # isalnum() admits no separator, dot or control character, but be explicit
    # about what must never reach a path.
    if not slug or any(c in slug for c in "/\\\x00.") or not slug.isprintable():
        return "session"
    return slug


def base_name(session: Session, tz: dt.tzinfo | None = None) -> str:
    """The file name stem a new session gets (before any ``-2`` to make it unique)."""
    moment = (session.planned_at or session.created).astimezone(tz)
    return f"{moment:%Y-%m-%d-%H%M}-{slugify(session.person.name)}"
