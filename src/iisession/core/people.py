"""The user's own network: the people they already know, brought in from their
professional network's connections export and their address book.

Kept as one plain file, ``lists/network.toml`` in the sessions folder, beside
``organisations.toml`` (the sessions are only the ``.toml`` files at the top
of the folder, so it is never read as one). It stays on this computer::

    schema_version = 1

    [[person]]
    name = "Zoë Ó Briain"
    organisation = "Harbour Health"
    title = "Head of Clinical Data"
    email = "zoe@harbour.example"
    url = "https://www.linkedin.com/in/zoe-o-briain"
    phone = "+353 1 555 0100"
    source = "connections"          # or "vcard"
    connected_on = "14 Mar 2023"    # as the export wrote it
    added = 2026-11-02T10:00:00+00:00

Importing again merges (see ``merge``): the same file twice changes nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import unquote

import tomli_w

from . import toml_read
from .atomic import describe_os_error, ensure_private_folder, write_atomic
from .model import clean_text, clean_time
from .organisations import LISTS_FOLDER, organisation_key
from .safe_read import RefusedFile, read_own_file, read_regular

NETWORK_FILE = "network.toml"
SCHEMA = 1
MAX_BYTES = 32 * 1024 * 1024
"""The network file: some 100,000 people; a connections export holds at most 30,000."""
IMPORT_MAX_BYTES = 128 * 1024 * 1024
"""A file to import: an address book with a photo on every card can be large."""

Source = Literal["connections", "vcard"]
SOURCES: tuple[str, ...] = get_args(Source)


class PeopleError(ValueError):
    """The network file cannot be read or written, with the path and the reason."""


class ImportProblem(ValueError):
    """A file to import cannot be used as a whole; nothing of it was taken.
    The message says what is wrong and what to do."""


def _line(text: str) -> str:
    """One line of text: line breaks and runs of spaces made one space."""
    return " ".join(clean_text(text).split()) if text else ""


@dataclass
class Known:
    """Someone the user knows."""

    name: str
    organisation: str = ""
    title: str = ""
    email: str = ""
    url: str = ""
    phone: str = ""
    source: Source = "connections"
    """"connections" once the person is in the connections export, else "vcard"."""
    connected_on: str = ""
    """The date of the connection, as the export wrote it ("14 Mar 2023")."""
    added: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    """When the person first came into the network (UTC)."""

    def __post_init__(self) -> None:
        self.name = _line(self.name)
        self.organisation = _line(self.organisation)
        self.title = _line(self.title)
        self.email = _line(self.email).removeprefix("mailto:")
        self.url = _line(self.url)
        self.phone = _line(self.phone)
        self.connected_on = _line(self.connected_on)
        if self.source not in SOURCES:
            raise ValueError(f"source should be one of {', '.join(SOURCES)}")
        self.added = clean_time(self.added)


@dataclass
class Parsed:
    """What a file to import held: the people, and a line for each record
    left out (no name), for the caller to report."""

    people: list[Known]
    skipped: list[str] = field(default_factory=list)


def network_path(sessions_dir: Path) -> Path:
    return sessions_dir / LISTS_FOLDER / NETWORK_FILE


# --- matching ---------------------------------------------------------------------


_KEYS_KEPT = 1 << 16
"""Keys remembered: a merge asks for each person's several times."""


@functools.lru_cache(maxsize=_KEYS_KEPT)
def name_key(name: str) -> str:
    """A name as matching sees it: case, accents, punctuation and spacing left
    out ("Zoë  Ó Briain" and "zoe o'briain" are one name)."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.findall(r"[^\W_]+", text)
    return " ".join(words) if words else " ".join(text.split())


_ADDRESS = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://)?(?:[^/?#@]*@)?(?P<host>[^/?#:]*)(?::\d*)?"
    r"(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=_KEYS_KEPT)
def url_key(url: str) -> str:
    """A web address as matching sees it: the scheme, the host's case and
    ``www.``, a port, a trailing slash, percent-escapes and a #fragment left out."""
    match = _ADDRESS.match(url.strip())
    host = match["host"].casefold().removeprefix("www.") if match else ""
    if not match or not host:
        return ""
    key = host + unquote(match["path"]).rstrip("/")
    return f"{key}?{match['query']}" if match["query"] else key


_organisation_key = functools.lru_cache(maxsize=_KEYS_KEPT)(organisation_key)


def _profile(person: Known) -> str:
    """The address that can stand for the person: one with a path. A bare
    site ("https://harbour.example") is the organisation's, shared by all."""
    key = url_key(person.url)
    return key if "/" in key else ""


def _both_from_export(a: Known, b: Known) -> bool:
    return a.source == "connections" and b.source == "connections"


def _same_by_url(a: Known, b: Known) -> bool:
    # The export's URL is the person's own profile: it holds through a change of
    # name. A card's URL is often their employer's page, so it needs the name too.
    return _both_from_export(a, b) or name_key(a.name) == name_key(b.name)


def _different_profiles(a: Known, b: Known) -> bool:
    """Two people of one name at one organisation, told apart by the export."""
    pa, pb = _profile(a), _profile(b)
    return _both_from_export(a, b) and bool(pa) and bool(pb) and pa != pb


class _Index:
    def __init__(self) -> None:
        self.url: dict[str, list[int]] = {}
        self.email: dict[str, list[int]] = {}
        self.name: dict[tuple[str, str], list[int]] = {}
        self.named: dict[str, list[int]] = {}

    def add(self, n: int, person: Known) -> None:
        name = name_key(person.name)
        for table, key in (
            (self.url, _profile(person)),
            (self.email, person.email.casefold()),
            (self.named, name),
        ):
            if key and n not in table.setdefault(key, []):
                table[key].append(n)
        pair = (name, _organisation_key(person.organisation))
        if name and n not in self.name.setdefault(pair, []):
            self.name[pair].append(n)

    def find(self, people: list[Known], record: Known) -> int | None:
        profile = _profile(record)
        for n in self.url.get(profile, []) if profile else []:
            if _same_by_url(people[n], record):
                return n
        for n in self.email.get(record.email.casefold(), []) if record.email else []:
            # A shared mailbox (team@, a couple's address) is not one person: the
            # names must agree too, or one side have none.
            if _names_agree(people[n].name, record.name) and not _different_profiles(
                people[n], record
            ):
                return n
        name, organisation = name_key(record.name), _organisation_key(record.organisation)
        for n in self.name.get((name, organisation), []):
            if not _different_profiles(people[n], record):
                return n
        # No organisation on one side (a card with a name and a number): the one
        # person of that name, if there is just one.
        same = [
            n
            for n in self.named.get(name, [])
            if (not organisation or not people[n].organisation)
            and not _different_profiles(people[n], record)
        ]
        return same[0] if len(same) == 1 else None


def _names_agree(one: str, other: str) -> bool:
    """Could these be one person's names? The same, one missing, or the same
    first or last word ("Pepe Álvarez" in an address book for "José Álvarez")."""
    a, b = name_key(one).split(), name_key(other).split()
    return not a or not b or a == b or a[-1] == b[-1] or a[0] == b[0]


def _absorb(person: Known, record: Known) -> None:
    """Bring what ``record`` says of ``person`` into it: empty fields filled,
    title and organisation renewed, nothing dropped. A card does not renew
    what the export says: the export is kept up to date by the person
    themselves, an address book by whoever typed it, maybe years ago."""
    renews = record.source == "connections" or person.source == "vcard"
    for name in ("title", "organisation"):
        value = getattr(record, name)
        if value and (renews or not getattr(person, name)):
            setattr(person, name, value)
    for name in ("email", "url", "phone", "connected_on"):
        if not getattr(person, name):
            setattr(person, name, getattr(record, name))
    if record.source == "connections":
        person.source = "connections"


@dataclass
class Merged:
    """The network after an import, and what the import did to it. Each person
    the import names is in one of ``added``, ``updated`` or ``unchanged``."""

    people: list[Known]
    added: list[Known] = field(default_factory=list)
    updated: list[Known] = field(default_factory=list)
    unchanged: list[Known] = field(default_factory=list)


def merge(existing: Iterable[Known], incoming: Iterable[Known]) -> Merged:
    """``incoming`` merged into ``existing`` (neither is changed). A record is
    the same person as someone known when they have the same profile address,
    else the same e-mail, else the same name at the same organisation (both
    matched loosely), else the same name with no organisation on one side and
    only one person of that name. Two records of one person in ``incoming``
    become one."""
    before = list(existing)
    people = [copy.copy(p) for p in before]
    index = _Index()
    for at, person in enumerate(people):
        index.add(at, person)
    named: dict[int, None] = {}  # in the order first named
    for record in incoming:
        found = index.find(people, record)
        if found is None:
            people.append(copy.copy(record))
            n = len(people) - 1
        else:
            n = found
            _absorb(people[n], record)
        index.add(n, people[n])
        named[n] = None
    result = Merged(people=sort_people(people))
    for n in named:
        if n >= len(before):
            result.added.append(people[n])
        elif people[n] != before[n]:
            result.updated.append(people[n])
        else:
            result.unchanged.append(people[n])
    return result


def _order(person: Known) -> tuple[str, ...]:
    return (
        name_key(person.name),
        person.name,
        _organisation_key(person.organisation),
        person.email.casefold(),
        url_key(person.url),
        person.title,
        person.phone,
        person.added.isoformat(),
    )


def sort_people(people: Iterable[Known]) -> list[Known]:
    """By name (loosely, then as written), then organisation: the file's order."""
    return sorted(people, key=_order)


def known_at(people: Iterable[Known], organisation: str) -> list[Known]:
    """The people known at ``organisation``, matched loosely ("Harbour Health
    Ltd" finds "harbour health"), by name."""
    key = _organisation_key(organisation)
    if not key:
        return []
    return sort_people(p for p in people if _organisation_key(p.organisation) == key)


# --- the file ---------------------------------------------------------------------

_TEXT_KEYS = ("name", "organisation", "title", "email", "url", "phone", "source", "connected_on")
_KEYS = (*_TEXT_KEYS, "added")


def _person(raw: Any, where: str) -> Known:
    if not isinstance(raw, dict):
        raise PeopleError(f"{where} should be a table ([[person]])")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise PeopleError(f"{where} needs a `name`")
    where = f"{where} ({_line(name)})"
    extra = sorted(set(raw) - set(_KEYS))
    if extra:
        # Refused, not skipped: saving the file again would drop what they hold.
        raise PeopleError(f"{where} has unknown keys: {', '.join(extra)}")
    for key in _TEXT_KEYS:
        if not isinstance(raw.get(key, ""), str):
            raise PeopleError(f"{where}: `{key}` should be text")
    source = raw.get("source", "connections")
    if source not in SOURCES:
        raise PeopleError(f"{where}: `source` should be {' or '.join(repr(s) for s in SOURCES)}")
    added = raw.get("added")
    if not isinstance(added, dt.datetime) or added.utcoffset() is None:
        raise PeopleError(f"{where}: `added` should be a time with its zone (2026-11-02T10:00:00Z)")
    return Known(**{k: raw[k] for k in _TEXT_KEYS if k in raw}, added=added)


def parse_network(text: str) -> list[Known]:
    try:
        data = toml_read.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PeopleError(f"not valid TOML: {error}") from None
    extra = sorted(set(data) - {"schema_version", "person"})
    if extra:
        raise PeopleError(f"unknown keys: {', '.join(extra)} (each person is a [[person]] table)")
    schema = data.get("schema_version", SCHEMA)
    if isinstance(schema, bool) or schema != SCHEMA:
        raise PeopleError(f"schema_version {schema!r} is not one this version reads (1)")
    raw = data.get("person", [])
    if not isinstance(raw, list):
        raise PeopleError("`person` should be a list of tables ([[person]])")
    return [_person(entry, f"person {n}") for n, entry in enumerate(raw, 1)]


def load_network(sessions_dir: Path) -> list[Known]:
    """The network as written (an absent file is an empty one). Raises
    ``PeopleError`` with the path and the reason for a file that cannot be used."""
    path = network_path(sessions_dir)
    text = read_own_file(path, MAX_BYTES, PeopleError)
    if text is None:
        return []
    try:
        return parse_network(text)
    except PeopleError as error:
        raise PeopleError(f"{path}: {error}") from None


HEADER = (
    "# The people you know, for iisession: brought in from your connections export\n"
    "# and your address book, and kept only here. Edit freely; importing again merges.\n"
)


def render_network(people: Iterable[Known]) -> str:
    entries: list[dict[str, Any]] = []
    for person in sort_people(people):
        entry: dict[str, Any] = {k: getattr(person, k) for k in _TEXT_KEYS if getattr(person, k)}
        entry["added"] = person.added
        entries.append(entry)
    return HEADER + tomli_w.dumps({"schema_version": SCHEMA, "person": entries})


def save_network(sessions_dir: Path, people: Iterable[Known]) -> Path:
    """Write the network, atomically. Raises ``PeopleError``, and then changes
    nothing, for a file on disk that cannot be read (the user's edits in it
    would be lost). A network the file already holds is not written again,
    so the user's comments in it stay."""
    path = network_path(sessions_dir)
    ordered = sort_people(people)
    if any(not p.name for p in ordered):
        raise PeopleError("a person needs a name")
    try:
        if sort_people(load_network(sessions_dir)) == ordered:
            return path
    except PeopleError as error:
        raise PeopleError(f"{error}; fix it, or move it away, and import again") from None
    try:
        ensure_private_folder(path.parent)
        write_atomic(path, render_network(ordered).encode("utf-8"))
    except OSError as error:
        raise PeopleError(f"{path}: {describe_os_error(error)}") from None
    return path


# --- files to import --------------------------------------------------------------

_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)


def read_import(path: Path) -> bytes:
    """The bytes of a file to import. Raises ``ImportProblem``."""
    try:
        data, _ = read_regular(path, IMPORT_MAX_BYTES)
    except RefusedFile as error:
        raise ImportProblem(f"{path} {error.reason}") from None
    except OSError as error:
        raise ImportProblem(f"{path}: {describe_os_error(error)}") from None
    return data


def refuse_binary(data: bytes, kind: str, advice: str) -> None:
    """Raise ``ImportProblem`` for ``data`` that is no text at all, naming what
    it seems to be. ``kind`` is what was expected ("a CSV file"); ``advice``
    says how to get a good one."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportProblem(f"the file is empty. {advice}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text, which has NUL bytes in it
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            extra = " (if it is the download, unpack it first)" if "zip" in what else ""
            raise ImportProblem(f"this is not {kind}: it is {what}{extra}. {advice}")
    if b"\x00" in data[:65536]:
        raise ImportProblem(f"this is not {kind}: it holds binary data, not text. {advice}")


def decode_text(data: bytes, kind: str, advice: str, *, not_utf8: str = "") -> str:
    """``data`` as text: UTF-8 (a byte order mark left out), or UTF-16 with its
    byte order mark. Raises ``ImportProblem`` for anything else; ``not_utf8``,
    if given, says what to do with text in another encoding instead of ``advice``."""
    refuse_binary(data, kind, advice)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise ImportProblem(f"this is not {kind}: it is not readable text. {advice}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportProblem(
            f"this is not UTF-8 text (line {line} has a byte UTF-8 does not use). "
            f"{not_utf8 or advice}"
        ) from None
    return text.removeprefix("\ufeff")
