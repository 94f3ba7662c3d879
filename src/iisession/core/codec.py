"""Session <-> TOML text, with a fixed layout and strict reading.

The layout is written section by section so it never depends on content:
top-level keys, then ``[person]``, ``[preparation]``, ``[follow_up]``, ``[request]``, the
``[[questions]]``, ``[[timeline]]``, ``[[key_points]]`` and ``[[referrals]]``
arrays, and the free notes last in ``[notes]``. Empty values are omitted;
reading treats an absent key as empty.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import tomli_w

from . import toml_read
from .model import (
    DEFAULT_LIMIT_MINUTES,
    ClockMark,
    EventKind,
    FollowUp,
    KeyPoint,
    MayMention,
    Outreach,
    Person,
    Preparation,
    Priority,
    Question,
    Referral,
    Reply,
    Request,
    Session,
    SessionState,
    TimelineEvent,
    clean_text,
)

SCHEMA_VERSION = 1
"""The major version of the file format this code writes and reads."""

Document = dict[str, Any]

# Migrations from an older major schema: MIGRATIONS[n] turns a version-n
# document into a version n+1 document. Schema 1 is the first, so none yet.
MIGRATIONS: dict[int, Callable[[Document], Document]] = {}


MIN_YEAR, MAX_YEAR = 1900, 9000
"""Times outside these years are refused when read."""


class FormatError(ValueError):
    """The document is TOML but not a session this version can read."""


class NewerSchemaError(FormatError):
    """The document was written by a newer, incompatible iisession."""


@dataclass
class Decoded:
    """A session read from a document, with the keys this version did not know."""

    session: Session
    unknown_keys: list[str]
    document: Document | None = field(default=None, compare=False)
    """The parsed document the session was built from, when it was in the common
    form (the quick path: nothing to migrate, no key unknown, nothing repaired),
    else None. It and ``to_document`` of the session decode to the same session."""


# Field order is the file's key order. Each entry: (key, kind).
_PERSON = ("name", "title", "organisation", "how_found", "referred_by", "contact")
_PREPARATION = ("research", "introduction", "goals")


def _drop_empty(items: Mapping[str, Any]) -> Document:
    """Omit empty optional values: TOML has no null and we never write one."""
    return {
        k: v for k, v in items.items() if v is not None and v != "" and v is not False and v != 0
    }


def _person(p: Person) -> Document:
    return _drop_empty({k: getattr(p, k) for k in _PERSON})


def _preparation(p: Preparation) -> Document:
    return _drop_empty({k: getattr(p, k) for k in _PREPARATION})


def _follow_up(f: FollowUp) -> Document:
    return _drop_empty(
        {
            "thank_you_draft": f.thank_you_draft,
            "thank_you_drafted": f.thank_you_drafted,
            "thank_you_sent": f.thank_you_sent,
            "last_contact": f.last_contact,
            "referrer_told": f.referrer_told,
        }
    )


def _request(r: Request) -> Document:
    return {
        **_drop_empty({"subject": r.subject, "sent_at": r.sent_at}),
        "reply": r.reply.value,
        **_drop_empty(
            {
                "replied_at": r.replied_at,
                "followed_up_at": r.followed_up_at,
                "text": r.text,
                "follow_up_text": r.follow_up_text,
            }
        ),
    }


def _question(q: Question) -> Document:
    return {
        "id": q.id,
        "text": q.text,
        **_drop_empty({"topic": q.topic, "bank_id": q.bank_id}),
        "priority": q.priority.value,
        **_drop_empty(
            {
                "closing": q.closing,
                "starred": q.starred,
                "asked_at": q.asked_at,
                "answer": q.answer,
            }
        ),
    }


def _event(e: TimelineEvent) -> Document:
    return {"kind": e.kind.value, "at": e.at, **_drop_empty({"minutes": e.minutes})}


def _clock(mark: ClockMark) -> Document:
    return {
        "used_seconds": mark.used_seconds,
        "running": mark.running,
        "at": mark.at,
        **_drop_empty({"boot": mark.boot}),
        "steady": mark.steady,
    }


def _key_point(k: KeyPoint) -> Document:
    return {"at": k.at, "call_seconds": k.call_seconds, "text": k.text}


def _referral(r: Referral) -> Document:
    return {
        "id": r.id,
        "name": r.name,
        **_drop_empty(
            {"role": r.role, "organisation": r.organisation, "contact": r.contact, "why": r.why}
        ),
        "may_mention": r.may_mention.value,
        **_drop_empty({"intro_offered": r.intro_offered}),
        "outreach": r.outreach.value,
        **_drop_empty(
            {
                "outreach_updated": r.outreach_updated,
                "session_id": r.session_id,
                "draft": r.draft,
            }
        ),
    }


def to_document(session: Session, *, clean: bool = True) -> Document:
    """The session as a plain dict in file order, empty values omitted.

    ``clean=False`` skips normalising the text again, for a session known to
    be as read (its texts were cleaned as it was built).
    """
    doc: Document = {
        "schema_version": SCHEMA_VERSION,
        "id": session.id,
        "state": session.state.value,
        "revision": session.revision,
        "created": session.created,
        **_drop_empty({"updated": session.updated}),
        "limit_minutes": session.limit_minutes,
        **_drop_empty(
            {
                "planned_at": session.planned_at,
                "confirmed_at": session.confirmed_at,
                "practice": session.practice,
                "source_session": session.source_session,
                "source_referral": session.source_referral,
                "invite_uid": session.invite_uid,
            }
        ),
    }
    tables = {
        "person": _person(session.person),
        "preparation": _preparation(session.preparation),
        "follow_up": _follow_up(session.follow_up),
    }
    if session.request is not None:
        tables["request"] = _request(session.request)
    doc.update({k: v for k, v in tables.items() if v})
    arrays = {
        "questions": [_question(q) for q in session.questions],
        "timeline": [_event(e) for e in session.timeline],
        "key_points": [_key_point(k) for k in session.key_points],
        "referrals": [_referral(r) for r in session.referrals],
    }
    doc.update({k: v for k, v in arrays.items() if v})
    if session.notes:
        doc["notes"] = {"text": session.notes}
    if session.clock is not None:
        doc["clock"] = _clock(session.clock)
    if not clean:
        return doc
    cleaned: Document = _cleaned(doc)
    return cleaned


def _cleaned(value: Any) -> Any:
    """Text assigned after construction (say, from a form) is normalised here too."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value


# Text without control characters goes out as a TOML literal string: it reads
# as typed (no escapes for quotes or backslashes) and tomllib parses it at C
# speed. Anything else is a basic string, escaped by tomli-w.
_NOT_LITERAL_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f']")
_NOT_LITERAL_BLOCK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|'''|'\Z")


def _text(value: str) -> str:
    if "\n" in value:
        if not _NOT_LITERAL_BLOCK.search(value):
            return f"'''\n{value}'''"
    elif not _NOT_LITERAL_LINE.search(value):
        return f"'{value}'"
    # tomli-w writes a lone scalar as exactly `v = <value>\n`.
    return tomli_w.dumps({"v": value}, multiline_strings=True)[4:-1]


def _value(value: object) -> str:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)  # Python's shortest round-trip form is valid TOML
    if isinstance(value, dt.datetime):
        # The model holds UTC only; write it in RFC 3339's short form.
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"cannot write {type(value).__name__} to a session file")


def _lines(table: Mapping[str, Any]) -> str:
    return "".join(f"{key} = {_value(value)}\n" for key, value in table.items())


def render(doc: Document) -> str:
    """TOML text for a document from ``to_document``, in a layout that never varies.

    Keys are our own bare names; every value is a string, integer, finite
    float, boolean or UTC date-time; tables and arrays of tables nest one level only.
    """
    parts = [_lines({k: v for k, v in doc.items() if not isinstance(v, dict | list)})]
    for key, value in doc.items():
        if isinstance(value, dict):
            parts.append(f"\n[{key}]\n{_lines(value)}")
        elif isinstance(value, list):
            parts.extend(f"\n[[{key}]]\n{_lines(record)}" for record in value)
    return "".join(parts)


def dumps(session: Session) -> str:
    """The session as TOML text."""
    return render(to_document(session))


# --- reading -------------------------------------------------------------

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")


class _Reader:
    """Reads one table, checking types and remembering which keys it used."""

    def __init__(self, table: Mapping[str, Any], where: str, unknown: list[str]) -> None:
        self.table = table
        self.where = where
        self.unknown = unknown
        self.used: set[str] = set()

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _get(self, key: str) -> Any:
        self.used.add(key)
        return self.table.get(key)

    def _bad(self, key: str, expected: str) -> FormatError:
        value = self.table.get(key)
        return FormatError(f"`{self._path(key)}` should be {expected}, not {_describe(value)}")

    def text(self, key: str, *, required: bool = False) -> str:
        value = self._get(key)
        if value is None:
            if required:
                raise FormatError(f"`{self._path(key)}` is missing")
            return ""
        if not isinstance(value, str):
            raise self._bad(key, "text")
        return value

    def integer(self, key: str, default: int = 0, minimum: int | None = None) -> int:
        value = self._get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._bad(key, "a whole number")
        if minimum is not None and value < minimum:
            raise self._bad(key, f"a whole number of at least {minimum}")
        return value

    def seconds(self, key: str) -> float:
        """A non-negative, finite number of seconds (a whole number or not); 0 if absent."""
        value = self._get(key)
        if value is None:
            return 0.0
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self._bad(key, "a number of seconds")
        if not 0 <= value < 1e12:  # NaN and infinities fail this too
            raise self._bad(key, "a number of seconds, 0 or more")
        return float(value)

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self._bad(key, "true or false")
        return value

    def time(self, key: str) -> dt.datetime | None:
        value = self._get(key)
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise self._bad(key, "a date and time with a UTC offset")
        utc = _in_utc(value)
        if utc is None or not MIN_YEAR <= utc.year <= MAX_YEAR:
            # Shown in local time everywhere: a year at the calendar's edge
            # cannot be, so it is refused here, once, with a reason. Checked
            # in UTC, as it is written: a time that reads is a time that saves.
            shown = value.isoformat() if utc is None else _value(utc)
            raise FormatError(
                f"`{self._path(key)}` should be a date between the years {MIN_YEAR} and "
                f"{MAX_YEAR} (in UTC), not {shown}"
            )
        return value

    def required_time(self, key: str) -> dt.datetime:
        value = self.time(key)
        if value is None:
            raise FormatError(f"`{self._path(key)}` is missing")
        return value

    def choice(self, key: str, kind: type[E], default: E | None = None) -> E:
        value = self._get(key)
        if value is None:
            if default is None:
                raise FormatError(f"`{self._path(key)}` is missing")
            return default
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in kind)
            raise self._bad(key, f"one of {allowed}") from None

    def table_at(self, key: str) -> _Reader:
        value = self._get(key)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise self._bad(key, "a table")
        return _Reader(value, self._path(key), self.unknown)

    def tables_at(self, key: str) -> list[_Reader]:
        value = self._get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self._bad(key, "an array of tables")
        return [_Reader(v, f"{self._path(key)}[{i}]", self.unknown) for i, v in enumerate(value)]

    def done(self) -> None:
        """Record keys present in the table that nothing read."""
        self.unknown.extend(self._path(k) for k in self.table if k not in self.used)


def _in_utc(value: dt.datetime) -> dt.datetime | None:
    """``value`` in UTC; None past the end of the calendar."""
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        return None


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def _read_question(r: _Reader) -> Question:
    q = Question(
        id=r.text("id", required=True),
        text=r.text("text"),
        topic=r.text("topic"),
        bank_id=r.text("bank_id"),
        priority=r.choice("priority", Priority, Priority.IF_TIME),
        closing=r.flag("closing"),
        starred=r.flag("starred"),
        asked_at=r.time("asked_at"),
        answer=r.text("answer"),
    )
    r.done()
    return q


def _read_event(r: _Reader) -> TimelineEvent:
    e = TimelineEvent(
        kind=r.choice("kind", EventKind),
        at=r.required_time("at"),
        minutes=r.integer("minutes"),
    )
    r.done()
    return e


def _read_clock(r: _Reader) -> ClockMark:
    mark = ClockMark(
        used_seconds=r.seconds("used_seconds"),
        running=r.flag("running"),
        at=r.required_time("at"),
        boot=r.text("boot"),
        steady=r.seconds("steady"),
    )
    r.done()
    return mark


def _read_request(r: _Reader) -> Request:
    request = Request(
        subject=r.text("subject"),
        text=r.text("text"),
        sent_at=r.time("sent_at"),
        follow_up_text=r.text("follow_up_text"),
        followed_up_at=r.time("followed_up_at"),
        reply=r.choice("reply", Reply, Reply.WAITING),
        replied_at=r.time("replied_at"),
    )
    r.done()
    return request


def _read_key_point(r: _Reader) -> KeyPoint:
    k = KeyPoint(
        at=r.required_time("at"),
        call_seconds=r.integer("call_seconds", minimum=0),
        text=r.text("text"),
    )
    r.done()
    return k


def _read_referral(r: _Reader) -> Referral:
    ref = Referral(
        id=r.text("id", required=True),
        name=r.text("name"),
        role=r.text("role"),
        organisation=r.text("organisation"),
        contact=r.text("contact"),
        why=r.text("why"),
        may_mention=r.choice("may_mention", MayMention, MayMention.NOT_ASKED),
        intro_offered=r.flag("intro_offered"),
        outreach=r.choice("outreach", Outreach, Outreach.TO_CONTACT),
        outreach_updated=r.time("outreach_updated"),
        session_id=r.text("session_id"),
        draft=r.text("draft"),
    )
    r.done()
    return ref


# --- the quick path -------------------------------------------------------
#
# Nearly every table read is as this module wrote it: known keys, each of its
# type, times in UTC. Such a table is built directly, and so is a session all of
# whose tables are; anything else (a key missing or unknown, a value of another
# type, a time with an offset or out of range) goes through ``_Reader``, which
# decides and names what is wrong. The result is the same either way
# (``tests/test_codec_quick.py``).


@dataclass(frozen=True)
class _AtLeast:
    """A whole number of at least ``minimum`` (None: any)."""

    minimum: int | None


@dataclass(frozen=True)
class _Seconds:
    """A number of seconds from 0 up to 1e12, made what the model makes of it
    (``expression`` of ``{v}``)."""

    expression: str


@dataclass(frozen=True)
class _Sub:
    """A table built by the quick path too (``many``: an array of them)."""

    spec: _Spec
    many: bool = False


_NOTES: Any = object()
"""The kind of ``[notes]``: a table holding only ``text``."""


@dataclass(frozen=True)
class _Fresh:
    """A default made anew for each object (a list, a table's object)."""

    factory: Callable[[], Any]


@dataclass(frozen=True)
class _Spec:
    """How a table of one kind looks in the common form: each key's kind, the
    defaults of those that may be left out, and those that may not. A kind is
    ``str``, ``bool``, ``int`` (a count, 0 or more), ``dt.datetime`` (a UTC
    time), an enum's {value: member}, or one of the classes above."""

    cls: type[Any]
    kinds: dict[str, Any]
    defaults: dict[str, Any]
    required: frozenset[str]
    fields: dict[str, str | None]
    """The object's field each key fills (None: none), in the object's order."""
    checks: dict[tuple[str, ...], Any] = field(default_factory=dict, compare=False)
    """The check for each order of keys met (see ``_check_for``), None for one
    that is never quick."""


def _spec(cls: type[Any], **keys: tuple[Any, Any]) -> _Spec:
    kinds = {
        k: (_members(kind) if isinstance(kind, enum.EnumType) else kind)
        for k, (kind, _) in keys.items()
    }
    defaults = {k: d for k, (_, d) in keys.items() if d is not _REQUIRED}
    required = frozenset(k for k, (_, d) in keys.items() if d is _REQUIRED)
    order = [f.name for f in dataclasses.fields(cls)]
    # The quick path fills an object's fields without its __post_init__ (the
    # values are already as it would leave them): every field must be read.
    assert set(keys) - {"schema_version"} == set(order), cls
    fields: dict[str, str | None] = {k: k for k in order}
    if "schema_version" in keys:
        fields["schema_version"] = None
    return _Spec(cls, kinds, defaults, required, fields)


def _members(kind: Any) -> dict[str, Any]:
    return {m.value: m for m in kind}


_CHECKS_KEPT = 64
"""Orders of keys remembered per kind of table: odd files cannot fill the memory."""

_Check = Callable[[dict[str, Any]], Any]
"""Builds the object of a table with one order of keys, or gives None."""

_UNSEEN: Any = object()


def _quick(table: dict[str, Any], spec: _Spec) -> Any:
    """The table's object, or None if it is not in the common form (then
    ``_Reader`` reads it and says what is wrong)."""
    keys = tuple(table)
    check = spec.checks.get(keys, _UNSEEN)
    if check is _UNSEEN:
        check = _remember(spec, keys)
    return None if check is None else check(table)


def _quick_all(tables: Any, spec: _Spec) -> list[Any] | None:
    """The objects of an array of tables, or None unless every one is quick."""
    if type(tables) is not list:
        return None
    checks = spec.checks
    items = []
    for table in tables:
        if type(table) is not dict:
            return None
        keys = tuple(table)
        check = checks.get(keys, _UNSEEN)
        if check is _UNSEEN:
            check = _remember(spec, keys)
        item = None if check is None else check(table)
        if item is None:
            return None
        items.append(item)
    return items


def _quick_notes(table: dict[str, Any]) -> str | None:
    text = table.get("text", "")
    if len(table) != ("text" in table) or type(text) is not str:
        return None
    return text if text.isascii() and "\r" not in text else clean_text(text)


def _remember(spec: _Spec, keys: tuple[str, ...]) -> _Check | None:
    check = _check_for(spec, keys)
    if len(spec.checks) < _CHECKS_KEPT:
        spec.checks[keys] = check
    return check


def _check_for(spec: _Spec, keys: tuple[str, ...]) -> _Check | None:
    """A check of tables with exactly these keys in this order, written out key
    by key (as ``dataclasses`` writes ``__init__``): a loop deciding each key's
    kind cost more than the rest of reading a table. None if such a table can
    never be quick (a key unknown, or one required missing)."""
    if not spec.required <= set(keys) or not all(k in spec.kinds for k in keys):
        return None
    names: dict[str, Any] = {
        "datetime": dt.datetime,
        "utc": dt.UTC,
        "clean_text": clean_text,
        "new": object.__new__,
        "cls": spec.cls,
        "quick": _quick,
        "quick_all": _quick_all,
        "quick_notes": _quick_notes,
    }
    body = [f"    v{i} = table[{key!r}]" for i, key in enumerate(keys)]
    values: dict[str, str] = {}
    for i, key in enumerate(keys):
        kind, v = spec.kinds[key], f"v{i}"
        if kind is str:
            body.append(f"    if type({v}) is not str: return None")
            values[key] = f"{v} if {v}.isascii() and '\\r' not in {v} else clean_text({v})"
        elif kind is bool:
            body.append(f"    if type({v}) is not bool: return None")
        elif kind is int or isinstance(kind, _AtLeast):
            least = kind.minimum if isinstance(kind, _AtLeast) else 0
            body.append(f"    if type({v}) is not int: return None")
            if least is not None:
                body.append(f"    if {v} < {least}: return None")
        elif kind is dt.datetime:
            body.append(
                f"    if type({v}) is not datetime or {v}.tzinfo is not utc or {v}.microsecond"
                f" or not {MIN_YEAR} <= {v}.year <= {MAX_YEAR}: return None"
            )
        elif isinstance(kind, _Seconds):
            body.append(f"    if type({v}) is not float and type({v}) is not int: return None")
            body.append(f"    if not 0 <= {v} < 1e12: return None")  # NaN fails this too
            values[key] = kind.expression.format(v=v)
        elif isinstance(kind, _Sub):
            names[f"spec{i}"] = kind.spec
            if kind.many:
                body.append(f"    {v} = quick_all({v}, spec{i})")
            else:
                body.append(f"    {v} = quick({v}, spec{i}) if type({v}) is dict else None")
            body.append(f"    if {v} is None: return None")
        elif kind is _NOTES:
            body.append(f"    {v} = quick_notes({v}) if type({v}) is dict else None")
            body.append(f"    if {v} is None: return None")
        else:  # an enum's {value: member}
            names[f"members{i}"] = kind
            body.append(f"    {v} = members{i}.get({v}) if type({v}) is str else None")
            body.append(f"    if {v} is None: return None")
        values.setdefault(key, v)
    # Filled without __init__ and __post_init__: the values are as they would
    # leave them (every field is in the spec), in the order __init__ sets them.
    filled = []
    for key, name in spec.fields.items():
        if name is None:
            continue
        if key in values:
            filled.append(f"{name!r}: {values[key]}")
        else:
            default = spec.defaults[key]
            names[f"d_{name}"] = default.factory if isinstance(default, _Fresh) else default
            call = "()" if isinstance(default, _Fresh) else ""
            filled.append(f"{name!r}: d_{name}{call}")
    body.append("    item = new(cls)")
    body.append(f"    item.__dict__.update({{{', '.join(filled)}}})")
    source = "\n".join(["def check(table):", *body, "    return item"])
    exec(compile(source, f"<quick check of {', '.join(keys)}>", "exec"), names)
    return names["check"]  # type: ignore[no-any-return]


_REQUIRED = object()
_QUESTION = _spec(
    Question,
    id=(str, _REQUIRED),
    text=(str, ""),
    topic=(str, ""),
    bank_id=(str, ""),
    priority=(Priority, Priority.IF_TIME),
    closing=(bool, False),
    starred=(bool, False),
    asked_at=(dt.datetime, None),
    answer=(str, ""),
)
_EVENT = _spec(
    TimelineEvent, kind=(EventKind, _REQUIRED), at=(dt.datetime, _REQUIRED), minutes=(int, 0)
)
_KEY_POINT = _spec(KeyPoint, at=(dt.datetime, _REQUIRED), call_seconds=(int, 0), text=(str, ""))
_REFERRAL = _spec(
    Referral,
    id=(str, _REQUIRED),
    name=(str, ""),
    role=(str, ""),
    organisation=(str, ""),
    contact=(str, ""),
    why=(str, ""),
    may_mention=(MayMention, MayMention.NOT_ASKED),
    intro_offered=(bool, False),
    outreach=(Outreach, Outreach.TO_CONTACT),
    outreach_updated=(dt.datetime, None),
    session_id=(str, ""),
    draft=(str, ""),
)
_PERSON_SPEC = _spec(Person, **{k: (str, "") for k in _PERSON})
_PREPARATION_SPEC = _spec(Preparation, **{k: (str, "") for k in _PREPARATION})
_FOLLOW_UP_SPEC = _spec(
    FollowUp,
    thank_you_draft=(str, ""),
    thank_you_drafted=(dt.datetime, None),
    thank_you_sent=(dt.datetime, None),
    last_contact=(dt.datetime, None),
    referrer_told=(dt.datetime, None),
)
_REQUEST_SPEC = _spec(
    Request,
    subject=(str, ""),
    text=(str, ""),
    sent_at=(dt.datetime, None),
    follow_up_text=(str, ""),
    followed_up_at=(dt.datetime, None),
    reply=(Reply, Reply.WAITING),
    replied_at=(dt.datetime, None),
)
_CLOCK_SPEC = _spec(
    ClockMark,
    # As ClockMark's __post_init__ leaves them.
    used_seconds=(_Seconds("max(0.0, round(float({v}), 1))"), 0.0),
    running=(bool, False),
    at=(dt.datetime, _REQUIRED),
    boot=(str, ""),
    steady=(_Seconds("round(float({v}), 3)"), 0.0),
)
_SESSION_SPEC = _spec(
    Session,
    schema_version=(_AtLeast(None), None),
    id=(str, _REQUIRED),
    state=(SessionState, SessionState.PLANNED),
    revision=(int, 0),
    created=(dt.datetime, _REQUIRED),
    updated=(dt.datetime, None),
    limit_minutes=(_AtLeast(1), DEFAULT_LIMIT_MINUTES),
    planned_at=(dt.datetime, None),
    confirmed_at=(dt.datetime, None),
    practice=(bool, False),
    source_session=(str, ""),
    source_referral=(str, ""),
    invite_uid=(str, ""),
    person=(_Sub(_PERSON_SPEC), _Fresh(Person)),
    preparation=(_Sub(_PREPARATION_SPEC), _Fresh(Preparation)),
    follow_up=(_Sub(_FOLLOW_UP_SPEC), _Fresh(FollowUp)),
    request=(_Sub(_REQUEST_SPEC), None),
    clock=(_Sub(_CLOCK_SPEC), None),
    questions=(_Sub(_QUESTION, many=True), _Fresh(list)),
    timeline=(_Sub(_EVENT, many=True), _Fresh(list)),
    key_points=(_Sub(_KEY_POINT, many=True), _Fresh(list)),
    referrals=(_Sub(_REFERRAL, many=True), _Fresh(list)),
    notes=(_NOTES, ""),
)


def _many(
    top: _Reader, key: str, spec: _Spec, slow: Callable[[_Reader], T], quick: bool
) -> list[T]:
    """The array of tables at ``key``, each built quickly where it can be."""
    value = top.table.get(key)
    if not quick or type(value) is not list or not all(type(v) is dict for v in value):
        return [slow(r) for r in top.tables_at(key)]
    top.used.add(key)
    items: list[T] = []
    for i, table in enumerate(value):
        item = _quick(table, spec)
        if item is None:
            item = slow(_Reader(table, f"{top._path(key)}[{i}]", top.unknown))
        items.append(item)
    return items


def _read_person(r: _Reader) -> Person:
    return Person(**{k: r.text(k) for k in _PERSON})


def _read_preparation(r: _Reader) -> Preparation:
    return Preparation(**{k: r.text(k) for k in _PREPARATION})


def _read_follow_up(r: _Reader) -> FollowUp:
    return FollowUp(
        thank_you_draft=r.text("thank_you_draft"),
        thank_you_drafted=r.time("thank_you_drafted"),
        thank_you_sent=r.time("thank_you_sent"),
        last_contact=r.time("last_contact"),
        referrer_told=r.time("referrer_told"),
    )


def _one(top: _Reader, key: str, spec: _Spec, quick: bool) -> Any:
    """The table at ``key`` built quickly, or its reader when it cannot be."""
    value = top.table.get(key)
    if quick and type(value) is dict:
        item = _quick(value, spec)
        if item is not None:
            top.used.add(key)
            return item
    return top.table_at(key)


QUICK_TABLES = True
"""The quick path on; the benchmarks turn it off to measure reading without it."""


def from_document(doc: Document, *, quick: bool | None = None) -> Decoded:
    """Build a session from a parsed document of the current schema.

    Raises ``FormatError`` naming the first field that is wrong. ``quick=False``
    reads every table the slow, checking way (the tests compare the two).
    """
    if quick is None:
        quick = QUICK_TABLES
    if quick:
        session = _quick(doc, _SESSION_SPEC)
        if session is not None:
            return Decoded(session, [], doc)
    unknown: list[str] = []
    top = _Reader(doc, "", unknown)
    top.integer("schema_version")
    person = _one(top, "person", _PERSON_SPEC, quick)
    prep = _one(top, "preparation", _PREPARATION_SPEC, quick)
    follow = _one(top, "follow_up", _FOLLOW_UP_SPEC, quick)
    notes = top.table_at("notes")
    clock = _one(top, "clock", _CLOCK_SPEC, quick) if "clock" in doc else None
    if isinstance(clock, _Reader):
        clock = _read_clock(clock)
    request = _one(top, "request", _REQUEST_SPEC, quick) if "request" in doc else None
    if isinstance(request, _Reader):
        request = _read_request(request)
    session = Session(
        id=top.text("id", required=True),
        state=top.choice("state", SessionState, SessionState.PLANNED),
        revision=top.integer("revision", minimum=0),
        created=top.required_time("created"),
        updated=top.time("updated"),
        limit_minutes=top.integer("limit_minutes", DEFAULT_LIMIT_MINUTES, minimum=1),
        planned_at=top.time("planned_at"),
        confirmed_at=top.time("confirmed_at"),
        practice=top.flag("practice"),
        source_session=top.text("source_session"),
        source_referral=top.text("source_referral"),
        invite_uid=top.text("invite_uid"),
        person=_read_person(person) if isinstance(person, _Reader) else person,
        preparation=_read_preparation(prep) if isinstance(prep, _Reader) else prep,
        follow_up=_read_follow_up(follow) if isinstance(follow, _Reader) else follow,
        questions=_many(top, "questions", _QUESTION, _read_question, quick),
        timeline=_many(top, "timeline", _EVENT, _read_event, quick),
        key_points=_many(top, "key_points", _KEY_POINT, _read_key_point, quick),
        referrals=_many(top, "referrals", _REFERRAL, _read_referral, quick),
        notes=notes.text("text"),
        clock=clock,
        request=request,
    )
    for reader in (person, prep, follow, notes, top):
        if isinstance(reader, _Reader):
            reader.done()
    return Decoded(session, unknown)


def migrate(doc: Document) -> Document:
    """Bring a document of any readable schema up to ``SCHEMA_VERSION``."""
    if "schema_version" not in doc:
        raise FormatError("not an iisession session file (it has no `schema_version`)")
    version = doc["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise FormatError("`schema_version` should be a whole number")
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"written by a newer iisession (schema {version}; this version reads up to "
            f"{SCHEMA_VERSION}): update iisession to open it"
        )
    if version < 1:
        raise FormatError(f"unknown `schema_version` {version}")
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise FormatError(f"no migration from schema {version}")
        doc = step(doc)
        version += 1
        doc["schema_version"] = version
    return doc


def _parse(text: str, *, arrays_checked_after: bool = False) -> Document:
    try:
        return toml_read.loads(text, arrays_checked_after=arrays_checked_after)
    except tomllib.TOMLDecodeError as error:
        raise FormatError(f"not valid TOML: {error}") from None


def loads(text: str) -> Decoded:
    """Parse, migrate and decode session text. Raises ``FormatError``."""
    if not QUICK_TABLES:
        return from_document(migrate(_parse(text)))
    # Not searched for an array of tables inside another table first (see
    # toml_read.loads): a session the quick path builds has none, every value
    # of its tables being of its kind; any other text is searched, and parsed
    # again with tomllib's rules if it may hold one.
    doc = _parse(text, arrays_checked_after=True)
    if doc.get("schema_version") == SCHEMA_VERSION:  # nothing to migrate
        session = _quick(doc, _SESSION_SPEC)
        if session is not None:
            return Decoded(session, [], doc)
    if toml_read.may_nest_arrays_of_tables(text):
        doc = _parse(text)
    return from_document(migrate(doc))
