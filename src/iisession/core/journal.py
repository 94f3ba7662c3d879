"""Typing not yet saved, kept safe between saves: one append-only journal per open session.

A save writes the whole file a few seconds after typing pauses, and at least
every few seconds while it goes on (``autosave``). Between saves, once a second
while the session has changed, a small record of the change is appended to the
session's journal and fsynced, so a crash or a power cut loses at most about a
second of typing. A save removes the journal: the file holds everything then.

Where: in the user's state folder beside the locks, never in the sessions
folder (which users sync, and which stays as it was when a session is only
read): ``journals/sessions-<key>/<file name>.journal``, the key that of the
session's lock folder; folders 0700, files 0600.

The format is JSON lines, ASCII only (anything else escaped, so a line cut
short can never split a character, and no character of the text can end a
line). The first line is the base: the exact text of the file as last read or
saved (empty when it could not be had), the sha256 of the file's bytes, and a
check of the base::

    {"journal": "iisession", "v": 1, "file": "...", "t": "2026-11-20T15:00:01Z",
     "sha256": "<64 hex>", "base": "<text>", "sum": "<16 hex>"}

Every later line is one change of the session's TOML text (as ``codec.render``
writes it) against the state before it: the common prefix kept (``at``), the
characters after it replaced (``cut``) by ``ins``, the check of the text it
gives, its number (``n``, from 1) and wall time, and any ``extra`` object the
program wants back after a crash (the last one seen is returned)::

    {"n": 1, "t": "...", "at": 1204, "cut": 0, "ins": "a new line", "sum": "..."}

A change-less record (``extra`` alone) has no ``at``/``cut``/``ins``. The check
is the first 16 hex digits of the sha256 of the text's UTF-8 bytes.

Replay rebuilds the text from the base, record by record. A last line with no
newline (a crash mid-append) is ignored; a record that does not parse, is out
of order, or does not give the text its check says stops the replay at the last
good state, and the journal is kept aside as ``.unapplied``: nothing that could
not be applied is ever deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import json
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .atomic import (
    FOLDER_MODE,
    describe_os_error,
    fsync_folder,
    make_folders,
    temp_prefix,
    write_atomic,
)
from .locking import locks_folder
from .naming import NAME_MAX_BYTES, fit_name

if TYPE_CHECKING:
    from .model import Session

JOURNAL_FOLDER = "journals"
"""In the user's state folder, a sibling of the locks folder."""
JOURNAL_SUFFIX = ".journal"
UNAPPLIED_SUFFIX = ".unapplied"
MAGIC = "iisession"
VERSION = 1

MAX_JOURNAL_BYTES = 96 * 1024 * 1024
"""A larger journal is not read (it is kept aside, untouched)."""
COMPACT_RECORDS = 600
"""After this many records (ten minutes of saves failing) the journal is written
afresh as its base and one record, so a replay stays quick."""
COMPACT_SLACK_BYTES = 1024 * 1024


def journals_folder(sessions_dir: Path) -> Path:
    """Where the journals of one sessions folder's sessions live: beside their locks."""
    locks = locks_folder(sessions_dir)
    return locks.parent.parent / JOURNAL_FOLDER / locks.name


def journal_path_for(session_path: Path) -> Path:
    name = f"{session_path.name}{JOURNAL_SUFFIX}"
    if len(os.fsencode(name)) > NAME_MAX_BYTES:
        # A session name at the limit: shortened, and told apart by a digest.
        digest = hashlib.sha256(os.fsencode(session_path.name)).hexdigest()[:16]
        name = fit_name(session_path.name, f"-{digest}{JOURNAL_SUFFIX}")
    return journals_folder(session_path.parent) / name


def check(text: str) -> str:
    """The per-record check of a text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_stamp(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, by halving (slice compares run at C speed)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[low:mid] == b[low:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def diff(old: str, new: str) -> tuple[int, int, str]:
    """``(at, cut, ins)``: ``new`` is ``old[:at] + ins + old[at + cut:]``, by the
    longest common prefix and then the longest common suffix of the rest."""
    at = _common_prefix(old, new)
    rest_old, rest_new = old[at:], new[at:]
    tail = _common_prefix(rest_old[::-1], rest_new[::-1]) if rest_old and rest_new else 0
    return at, len(rest_old) - tail, rest_new[: len(rest_new) - tail]


def _line(record: Mapping[str, Any]) -> bytes:
    # ensure_ascii: the line is ASCII; json escapes newlines, so it is one line.
    return (json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")


@dataclass(frozen=True)
class Base:
    """What a journal starts from: the file as last read or saved."""

    text: str
    """Its exact text, or "" when it could not be had (the first record then holds it all)."""
    sha256: str
    """Of the file's bytes: a replay tells by it whether the file is still this one."""
    file: str = ""


def _header(base: Base, now: dt.datetime) -> dict[str, Any]:
    return {
        "journal": MAGIC,
        "v": VERSION,
        "file": base.file,
        "t": _stamp(now),
        "sha256": base.sha256,
        "base": base.text,
        "sum": check(base.text),
    }


def _record(
    n: int, old: str, new: str, now: dt.datetime, extra: Mapping[str, Any] | None
) -> dict[str, Any]:
    record: dict[str, Any] = {"n": n, "t": _stamp(now)}
    if new != old:
        at, cut, ins = diff(old, new)
        record.update(at=at, cut=cut, ins=ins)
    record["sum"] = check(new)
    if extra is not None:
        record["extra"] = dict(extra)
    return record


@dataclass(frozen=True)
class Replayed:
    """A journal read back, as far as it goes."""

    base: Base
    text: str
    """The last good state."""
    started: dt.datetime | None
    time: dt.datetime | None
    """Wall time of the last good record (of the base, if none followed)."""
    records: int
    extra: dict[str, Any] | None
    """The last ``extra`` of the good records."""
    problem: str = ""
    """Why the replay stopped before the end ("" when every whole line applied)."""
    torn: bool = False
    """The last line was cut short (a crash mid-append); it is ignored."""

    @property
    def complete(self) -> bool:
        return not self.problem


class JournalError(Exception):
    """A journal that cannot be used at all (its base line is bad, or it cannot be read)."""


def parse(data: bytes) -> Replayed | None:
    """Replay a journal's bytes. None when there is nothing in it (empty, or
    only a base line cut short: nothing had been recorded yet). Raises
    ``JournalError`` when its base cannot be read."""
    lines = data.split(b"\n")
    torn = bool(lines[-1])
    whole = lines[:-1]
    if not whole:
        return None
    try:
        head = json.loads(whole[0].decode("ascii"))
    except (UnicodeDecodeError, ValueError) as error:
        raise JournalError(f"its first line is not a record ({error})") from None
    if not isinstance(head, dict) or head.get("journal") != MAGIC:
        raise JournalError("it is not an iisession journal")
    if head.get("v") != VERSION:
        raise JournalError(f"it is of another version ({head.get('v')!r})")
    text, sha, file = head.get("base"), head.get("sha256"), head.get("file", "")
    if not isinstance(text, str) or not isinstance(sha, str) or not isinstance(file, str):
        raise JournalError("its first line lacks the base")
    if head.get("sum") != check(text):
        raise JournalError("its base does not match its check")
    base = Base(text, sha, file)
    started = last_time = _parse_stamp(head.get("t"))
    extra: dict[str, Any] | None = None
    problem = ""
    count = 0
    for number, raw in enumerate(whole[1:], start=1):
        applied = _apply(raw, number, text)
        if isinstance(applied, str):
            problem = f"record {number} {applied}"
            break
        text, moment, record_extra = applied
        count = number
        last_time = moment or last_time
        if record_extra is not None:
            extra = record_extra
    return Replayed(base, text, started, last_time, count, extra, problem, torn)


def _apply(
    raw: bytes, number: int, text: str
) -> tuple[str, dt.datetime | None, dict[str, Any] | None] | str:
    """The text after one record, its time and extra; or what is wrong with it."""
    try:
        record = json.loads(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return "is not a record"
    if not isinstance(record, dict):
        return "is not a record"
    if record.get("n") != number:
        return f"is numbered {record.get('n')!r}"
    if "at" in record:
        at, cut, ins = record.get("at"), record.get("cut"), record.get("ins")
        if (
            type(at) is not int
            or type(cut) is not int
            or not isinstance(ins, str)
            or at < 0
            or cut < 0
            or at + cut > len(text)
        ):
            return "does not fit the text"
        text = text[:at] + ins + text[at + cut :]
    if record.get("sum") != check(text):
        return "does not give the text its check says"
    extra = record.get("extra")
    if extra is not None and not isinstance(extra, dict):
        return "has an extra that is not an object"
    return text, _parse_stamp(record.get("t")), extra


def read(path: Path) -> Replayed | None:
    """Replay the journal at ``path``: None if there is none, or nothing in it.
    Raises ``JournalError``; ``FileNotFoundError`` is None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise JournalError(f"it cannot be read: {describe_os_error(error)}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise JournalError("it is not a regular file")
        if st.st_size > MAX_JOURNAL_BYTES:
            raise JournalError(f"it is too big ({st.st_size / 1e6:.0f} MB)")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    except OSError as error:
        raise JournalError(f"it cannot be read: {describe_os_error(error)}") from None
    finally:
        os.close(fd)
    return parse(b"".join(chunks))


def peek(session_path: Path) -> Session | None:
    """The session as its journal would bring it back on the next open for
    writing, if it has one and the file is still the one it started from;
    else None. Reads only: the journal and the file stay as they are (for a
    view that does not open the session, such as the offer to resume a call)."""
    from . import codec
    from .safe_read import RefusedFile, read_regular

    try:
        replayed = read(journal_path_for(session_path))
        if replayed is None or replayed.records == 0:
            return None
        data, _ = read_regular(session_path, MAX_JOURNAL_BYTES)
    except (JournalError, RefusedFile, OSError):
        return None
    if hashlib.sha256(data).hexdigest() != replayed.base.sha256:
        return None
    try:
        return codec.loads(replayed.text).session
    except (codec.FormatError, ValueError, OverflowError, RecursionError):
        return None


def set_aside(path: Path) -> Path | None:
    """Keep a journal that could not be applied as ``<name>.unapplied`` (``-2``…);
    it is never deleted. The new path, or None if it could not be moved."""
    for n in range(1, 1000):
        target = path.with_name(path.name + UNAPPLIED_SUFFIX + ("" if n == 1 else f"-{n}"))
        if os.path.lexists(target):
            continue
        try:
            os.link(path, target)  # never over another: link, then unlink
            os.unlink(path)
        except FileExistsError:
            continue
        except OSError:
            try:  # a file system without hard links: the name was seen free just now
                os.rename(path, target)
            except OSError:
                return None
        with contextlib.suppress(OSError):
            fsync_folder(path.parent)
        return target
    return None


def _remove(path: Path) -> None:
    """Remove a journal whose content is on disk in the session file, durably (a
    journal coming back after a power cut would look like unsaved typing)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    fsync_folder(path.parent)


def _ensure_folder(folder: Path) -> None:
    """``journals/sessions-<key>``, both private (0700); an existing one only loses bits."""
    for part in (folder.parent, folder):
        if not part.is_dir():
            make_folders(part)  # 0700 all the way, whatever the umask
            fsync_folder(part.parent)  # the new folder survives a power cut
        current = part.stat().st_mode & 0o777
        if current & ~FOLDER_MODE:
            os.chmod(part, current & FOLDER_MODE)


def _remove_stale_temps(path: Path) -> None:
    """Temporary files of a journal written afresh by a process that was killed
    mid-way; only called with the session's lock held, so none is live."""
    for temp in path.parent.glob(f"{glob.escape(temp_prefix(path))}*.tmp"):
        with contextlib.suppress(OSError):
            temp.unlink()


class Journal:
    """The journal of one session open for writing (the holder of its lock).

    ``record`` appends the session's text as it is now; ``clear`` drops the
    journal once a save wrote it all. Nothing is written until something needs
    recording, so a session only looked at never gets one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.text: str | None = None
        """The state last recorded; None when there is no journal of ours on disk."""
        self._next = 1
        self._size = 0
        self._fresh_size = 0
        """The size of the journal as last written afresh (base and one record)."""
        self._base: Base | None = None
        self._extra: dict[str, Any] | None = None
        """The last ``extra`` recorded: kept when the journal is written afresh."""
        self._owned = False
        """A file at ``path`` is ours (written or taken over by this object)."""

    @property
    def active(self) -> bool:
        return self.text is not None

    def record(
        self,
        text: str,
        base: Callable[[], Base],
        now: dt.datetime,
        extra: Mapping[str, Any] | None = None,
        *,
        durable: bool = True,
    ) -> bool:
        """Append ``text`` as the latest state and fsync; False when it is the
        state last recorded and there is no ``extra``. ``base`` is asked for
        only when a journal starts. ``durable=False`` skips the fsync of an
        append (the next durable record's fsync takes it too): it survives a
        crash of the program, not a power cut. Raises ``OSError``: the journal
        on disk is then as it was before the call (or gone, to be started afresh)."""
        if self.text is None:
            self._start(base(), text, now, extra)
            return True
        if text == self.text and extra is None:
            return False
        if self._next > COMPACT_RECORDS or self._size > 2 * self._fresh_size + COMPACT_SLACK_BYTES:
            self._compact(text, now, extra)
            return True
        line = _line(_record(self._next, self.text, text, now, extra))
        self._append(line, durable)
        self.text = text
        self._next += 1
        self._size += len(line)
        if extra is not None:
            self._extra = dict(extra)
        return True

    def _append(self, line: bytes, durable: bool = True) -> None:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW)
        except FileNotFoundError:
            # Removed behind our back: the next record starts a new journal.
            self.text = None
            raise
        try:
            try:
                _write_all(fd, line)
                if durable:
                    os.fsync(fd)
            except OSError:
                # Take the part-written line back, so the next record follows a
                # whole one; if even that fails, start afresh next time.
                try:
                    os.ftruncate(fd, self._size)
                    os.fsync(fd)
                except OSError:
                    self.text = None
                raise
        finally:
            os.close(fd)

    def _start(
        self, base: Base, text: str, now: dt.datetime, extra: Mapping[str, Any] | None
    ) -> None:
        """A new journal: the base and one record, written whole or not at all."""
        _ensure_folder(self.path.parent)
        if not self._owned and os.path.lexists(self.path):
            # Not ours (left by a file that no longer exists, say): never overwritten.
            set_aside(self.path)
        self._rewrite(base, text, now, extra)

    def _compact(self, text: str, now: dt.datetime, extra: Mapping[str, Any] | None) -> None:
        assert self._base is not None
        self._rewrite(self._base, text, now, extra if extra is not None else self._extra)

    def _rewrite(
        self, base: Base, text: str, now: dt.datetime, extra: Mapping[str, Any] | None
    ) -> None:
        data = _line(_header(base, now)) + _line(_record(1, base.text, text, now, extra))
        write_atomic(self.path, data)  # 0600, fsynced, the folder too
        self._owned = True
        self._base = base
        self._extra = dict(extra) if extra is not None else None
        self.text = text
        self._next = 2
        self._size = self._fresh_size = len(data)

    def resume(self, replayed: Replayed, now: dt.datetime) -> None:
        """Carry on from a journal replayed into the session: written afresh as
        its base and one record (the torn end, if any, gone), so a second crash
        recovers the same. Raises ``OSError``."""
        _ensure_folder(self.path.parent)
        self._rewrite(replayed.base, replayed.text, replayed.time or now, replayed.extra)

    def clear(self) -> None:
        """The file holds everything now: the journal goes. Raises ``OSError``
        (the journal stays; the next record starts a new one over it)."""
        if self.text is None:
            return
        self.text = None
        self._base = None
        self._extra = None
        _remove(self.path)

    def move(self, path: Path) -> None:
        """The session's file was renamed: its journal follows."""
        if path == self.path:
            return
        if self.text is not None:
            _ensure_folder(path.parent)
            try:
                os.replace(self.path, path)
                fsync_folder(path.parent)
            except FileNotFoundError:
                self.text = None
        self.path = path


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


# --- recovery on open --------------------------------------------------------------------


@dataclass(frozen=True)
class Recovery:
    """What a session's journal held when it was opened for writing."""

    time: dt.datetime | None
    """Wall time (UTC) of the last record recovered."""
    what: str = ""
    """What had changed, in a few words ("the notes (+42 characters)"); "" if nothing."""
    copy: Path | None = None
    """The file had changed since (another program): the recovered version is here."""
    unapplied: Path | None = None
    """A journal, or its end, that could not be applied: kept here, untouched."""
    problem: str = ""
    """Why it could not be applied."""
    extra: dict[str, Any] | None = None
    """The last ``extra`` recorded."""

    @property
    def changed(self) -> bool:
        """Typing was recovered (into the session, or into ``copy``)."""
        return bool(self.what)

    @property
    def in_session(self) -> bool:
        """The recovered typing is in the session now, unsaved (the next save writes it)."""
        return self.changed and self.copy is None


@dataclass(frozen=True)
class Recovered:
    """The outcome of ``recover``."""

    recovery: Recovery | None
    session: Session | None = None
    """The session to put in the handle, as an unsaved change; None to keep the file's."""


_PARTS = {
    "notes": "the notes",
    "questions": "the questions and answers",
    "referrals": "the referrals",
    "key_points": "the key points",
    "timeline": "the call's timeline",
    "person": "the person's details",
    "preparation": "the preparation",
    "follow_up": "the follow-up",
    "request": "the request",
    "clock": "the call's clock",
}


CLOCK_ONLY = _PARTS["clock"]
"""What ``describe`` says when only the call's clock moved on."""


def describe(before: Session, after: Session) -> str:
    """What differs between two versions of a session, in a few words."""
    from . import codec

    old, new = codec.to_document(before), codec.to_document(after)
    keys = [k for k in dict.fromkeys([*old, *new]) if k not in ("revision", "updated")]
    changed = [k for k in keys if old.get(k) != new.get(k)]
    if not changed:
        return ""
    if len(changed) > 1 and "clock" in changed:
        changed.remove("clock")  # the clock moved on with the typing: the typing is the news
    words = []
    for key in changed:
        word = _PARTS.get(key, "the session")
        if key == "notes":
            grown = len(after.notes) - len(before.notes)
            word += f" ({grown:+d} characters)" if grown else ""
        if word not in words:
            words.append(word)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def recover(
    journal: Journal,
    *,
    session_path: Path,
    current: Session,
    digest: str,
    decode: Callable[[str], Session],
    holds: Callable[[Session], bool],
    now: dt.datetime | None = None,
) -> Recovered:
    """Replay the journal of a session just opened for writing (its lock held).

    ``current`` is the session as the file now holds it, ``digest`` the sha256
    of the file's bytes; ``decode`` reads a session's text as a normal open
    does (raising on anything it would refuse); ``holds`` says whether the file
    already holds a session. If the file is still the journal's base, the
    recovered session comes back to go in the handle as an unsaved change;
    if another program changed the file since, the recovered version is
    written next to it as ``<stem>.recovered-YYYYMMDD-HHMMSS.toml``. A journal
    that cannot be applied is kept as ``.unapplied``.
    """
    now = now or dt.datetime.now(dt.UTC)
    path = journal.path
    _remove_stale_temps(path)
    try:
        replayed = read(path)
    except JournalError as error:
        return Recovered(_unapplied(path, str(error), None))
    if replayed is None:
        # Nothing recorded (a crash while the first record was written).
        with contextlib.suppress(OSError):
            _remove(path)
        return Recovered(None)
    try:
        session = decode(replayed.text)
    except Exception as error:  # anything the reader refuses: keep the journal
        return Recovered(_unapplied(path, f"what it holds does not read back: {error}", replayed))
    if session.id != current.id:
        # Journals go by file name: this one is of another session that had
        # the name once (moved away after a crash, say). Kept, never applied.
        who = session.person.name or session.id
        return Recovered(
            _unapplied(path, f"it is of another session ({who}) that had this name", replayed)
        )
    unapplied: Path | None = None
    problem = replayed.problem
    if problem:
        # The good part is used; the rest is kept as it was.
        unapplied = set_aside(path)
    if holds(session):
        # The file has it all already (a save was not followed by the journal's removal).
        if unapplied is None:
            with contextlib.suppress(OSError):
                _remove(path)
        if unapplied is None and replayed.extra is None:
            return Recovered(None)
        return Recovered(Recovery(replayed.time, "", None, unapplied, problem, replayed.extra))
    what = describe(current, session) or "the session"
    if replayed.base.sha256 == digest:
        try:
            journal.resume(replayed, now)
        except OSError:
            if unapplied is None:
                unapplied = set_aside(path)
        recovery = Recovery(replayed.time, what, None, unapplied, problem, replayed.extra)
        return Recovered(recovery, session)
    try:
        copy = _write_copy(session_path, replayed.text, replayed.time or now)
    except OSError as error:
        reason = f"the recovered version could not be written: {describe_os_error(error)}"
        if unapplied is None:
            return Recovered(_unapplied(path, reason, replayed))
        return Recovered(Recovery(replayed.time, "", None, unapplied, reason, replayed.extra))
    if unapplied is None:
        with contextlib.suppress(OSError):
            _remove(path)
    return Recovered(Recovery(replayed.time, what, copy, unapplied, problem, replayed.extra))


def _unapplied(path: Path, problem: str, replayed: Replayed | None) -> Recovery:
    kept = set_aside(path)
    return Recovery(
        replayed.time if replayed else None,
        "",
        None,
        kept or path,
        problem,
        replayed.extra if replayed else None,
    )


def _write_copy(session_path: Path, text: str, moment: dt.datetime) -> Path:
    from .naming import SUFFIX

    stem = session_path.name.removesuffix(SUFFIX)
    stamp = moment.astimezone().strftime("%Y%m%d-%H%M%S")
    data = text.encode("utf-8")
    for n in range(1, 1000):
        name = fit_name(stem, f".recovered-{stamp}{'' if n == 1 else f'-{n}'}{SUFFIX}")
        try:
            write_atomic(session_path.with_name(name), data, exclusive=True)
        except FileExistsError:
            continue
        return session_path.with_name(name)
    raise FileExistsError(f"too many recovered copies of {session_path.name}")


__all__ = [
    "Base",
    "Journal",
    "JournalError",
    "Recovered",
    "Recovery",
    "Replayed",
    "diff",
    "journal_path_for",
    "journals_folder",
    "parse",
    "read",
    "recover",
]
