"""The professional network's connections export (a CSV file), as people known.

The export starts with a few lines of notes before the header, and most
e-mails are empty (people choose whether their connections see theirs)::

    Notes:
    "When exporting your connection data, you may notice that some of the email ..."

    First Name,Last Name,URL,Email Address,Company,Position,Connected On
    Zoë,Ó Briain,https://www.linkedin.com/in/zoeobriain,,Harbour Health,"Data, Clinical",14 Mar 2023

The header is found wherever it is; columns may come in any order, with
others among them. A spreadsheet's re-save (semicolons or tabs between the
columns, UTF-16) is read too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING

from .people import ImportProblem, Known, Parsed, decode_text

KIND = "a connections export (CSV)"
ADVICE = (
    "Export it again from the network's settings (Data privacy, Get a copy of your data, "
    "Connections) and import the CSV file it holds."
)
NEEDED = ("First Name", "Last Name", "Company", "Position")
"""Every export has these; older ones have no URL, and Email Address may be missing."""
_COLUMNS = {
    "first name": "first",
    "last name": "last",
    "url": "url",
    "profile url": "url",
    "email address": "email",
    "e-mail address": "email",
    "email": "email",
    "company": "organisation",
    "position": "title",
    "connected on": "connected_on",
}
_NEEDED = {_COLUMNS[c.casefold()] for c in NEEDED}
HEADER_WITHIN = 30
"""Rows searched for the header: the export's notes take three or four."""
_DELIMITERS = (",", ";", "\t")
_FIELDS = ("first", "last", "url", "email", "organisation", "title", "connected_on")

if TYPE_CHECKING:
    from _csv import Reader


def _key(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").casefold().split())


def _columns(row: list[str]) -> dict[str, int]:
    """Where each known column is in a header row (the first of a name)."""
    found: dict[str, int] = {}
    for n, cell in enumerate(row):
        column = _COLUMNS.get(_key(cell))
        if column and column not in found:
            found[column] = n
    return found


def _no_header(text: str) -> ImportProblem:
    """Why no header was found: the nearest row to one, and what it lacks."""
    reader = csv.reader(io.StringIO(text, newline=""))
    best: tuple[int, int, list[str]] | None = None
    try:
        for n, row in enumerate(reader):
            if n >= HEADER_WITHIN:
                break
            cells = [c.strip() for c in row if c.strip()]
            score = len(_NEEDED & set(_columns(row)))
            # The row most like a header: the most needed columns, else the first
            # of several cells (the notes before the header are one cell each).
            if cells and (
                best is None
                or score > best[0]
                or (best[0] == 0 and len(cells) > 1 and len(best[2]) == 1)
            ):
                best = (score, reader.line_num, cells)
    except csv.Error:
        pass
    needed = ", ".join(NEEDED)
    if best is None:
        return ImportProblem(
            f"this is not {KIND}: it has no header row (it needs {needed}). {ADVICE}"
        )
    score, line, cells = best
    shown = ", ".join(cells[:8]) + (", ..." if len(cells) > 8 else "")
    if len(shown) > 200:
        shown = shown[:200] + "..."
    missing = [c for c in NEEDED if _COLUMNS[c.casefold()] not in _columns(cells)]
    if score:
        return ImportProblem(
            f"the header on line {line} has no {', '.join(missing)} column"
            f" (it has {shown}; an export has {needed}). {ADVICE}"
        )
    return ImportProblem(
        f"this is not {KIND}: no header row with the columns {needed}"
        f" (the nearest, line {line}, has {shown}). {ADVICE}"
    )


def parse_connections(data: bytes, *, now: dt.datetime | None = None) -> Parsed:
    """The people of a connections export, in its order, each ``added`` at
    ``now`` (the current time if not given). A row with no name is left out and
    named in ``skipped``. Raises ``ImportProblem`` for a file that is not one."""
    text = decode_text(
        data,
        KIND,
        ADVICE,
        not_utf8="If a spreadsheet saved it, save it again as CSV UTF-8, or export it again.",
    )
    added = now or dt.datetime.now(dt.UTC)
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for n, row in enumerate(reader):
                if n >= HEADER_WITHIN:
                    break
                at = _columns(row)
                if set(at) >= _NEEDED:
                    return _rows(reader, at, added)
        except csv.Error:
            continue  # not this delimiter, or not CSV: the search goes on
    raise _no_header(text)


MAX_NAME = 300
"""Characters in a first and last name together, at most: more is a broken file."""


def _rows(reader: Reader, at: dict[str, int], added: dt.datetime) -> Parsed:
    result = Parsed(people=[])
    start = reader.line_num + 1
    places = [at.get(c) for c in _FIELDS]
    width = 1 + max(n for n in places if n is not None)
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if len(row) < width:
                if not any(c.strip() for c in row):
                    continue
                row = row + [""] * (width - len(row))
            first, last, url, email, organisation, title, connected_on = (
                "" if n is None else row[n] for n in places
            )
            if first.strip().casefold() == "first name" and set(_columns(row)) >= _NEEDED:
                continue  # the header again: two exports put together
            name = f"{first} {last}"
            if "\n" in name or "\r" in name or len(name) > MAX_NAME:
                # A quote left open reads every row after it as one field: refuse
                # the file rather than save that as a person.
                raise ImportProblem(
                    f"line {line}: the name runs on over several lines (a quote left "
                    f"open?), so the rows after it cannot be told apart. {ADVICE}"
                )
            if not name.strip():
                what = organisation.strip() or url.strip() or email.strip()
                result.skipped.append(f"line {line}: no name" + (f" ({what})" if what else ""))
                continue
            result.people.append(
                Known(
                    name=name,
                    organisation=organisation,
                    title=title,
                    email=email,
                    url=url,
                    source="connections",
                    connected_on=connected_on,
                    added=added,
                )
            )
    except csv.Error as error:
        raise ImportProblem(
            f"line {reader.line_num} cannot be read as CSV ({error}). {ADVICE}"
        ) from None
    return result
