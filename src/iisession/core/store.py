"""The sessions folder: reading, creating and safely saving session files.

``SessionStore`` finds and reads files; ``SessionFile`` is one open session
that holds its lock and saves with the guarantees of ``atomic.write_atomic``:
parse-back check first, never a rewrite of an unchanged session, and never a
silent overwrite of a file another program changed since we read it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import glob
import hashlib
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from . import codec
from .atomic import (
    TEMP_SUFFIX,
    describe_os_error,
    ensure_private_folder,
    fsync_folder,
    temp_prefix,
    write_atomic,
)
from .journal import Base, Journal, Recovery, journal_path_for, recover
from .locking import LockedError, SessionLock
from .model import Session, clean_time, utc_now
from .naming import SUFFIX, base_name, file_order, fit_name
from .safe_read import RefusedFile, read_regular

_BOM = b"\xef\xbb\xbf"


class SessionFileError(Exception):
    """A file in the sessions folder that cannot be read as a session."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path.name}: {reason}")


class SaveError(Exception):
    """A save did not happen; the file on disk is the previous version, whole."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"could not save {path.name}: {reason}")


class ReadOnlyError(SaveError):
    """This opener may not write the session."""


@dataclass(frozen=True)
class Fingerprint:
    """What we know of a file's bytes, to notice changes made by others."""

    size: int
    mtime_ns: int
    inode: int
    digest: str
    ctime_ns: int = 0

    @classmethod
    def of(cls, data: bytes, st: os.stat_result) -> Fingerprint:
        digest = hashlib.sha256(data).hexdigest()
        return cls(st.st_size, st.st_mtime_ns, st.st_ino, digest, st.st_ctime_ns)

    def same_stat(self, st: os.stat_result) -> bool:
        # The change time too: an edit in place can put the modification time
        # back (os.utime), never the change time. Our own writes and moves
        # take a fresh fingerprint, so they never count as changes.
        return (self.size, self.mtime_ns, self.inode, self.ctime_ns) == (
            st.st_size,
            st.st_mtime_ns,
            st.st_ino,
            st.st_ctime_ns,
        )


@dataclass(frozen=True)
class Loaded:
    """A session as read from disk."""

    path: Path
    session: Session
    fingerprint: Fingerprint
    unknown_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class SaveResult:
    """What a save did."""

    written: bool
    conflict_copy: Path | None = None
    """Where another program's version of the file was kept, if it had changed it."""
    recreated: bool = False
    """The file had been deleted, or moved out of the folder, by another
    program and was written again (see ``notice``)."""
    moved_to: Path | None = None
    """Another program had moved the file within the folder: it was saved
    there, under its new name (the handle's ``path`` now)."""

    @property
    def notice(self) -> str:
        """What to tell the user of a file that had gone from under us ("" if
        nothing had; ``conflict_copy`` is told of apart)."""
        if self.moved_to is not None:
            return (
                f"the file had been moved to {self.moved_to.name} by another program; saved there"
            )
        if self.recreated:
            return "the file had been deleted or moved away by another program; saved again"
        return ""


def read_session(path: Path) -> Loaded:
    """Read one session file, strictly. Never modifies the file.

    Raises ``SessionFileError`` with a reason a person can act on.
    """
    return read_session_and_document(path)[0]


def read_session_and_document(path: Path) -> tuple[Loaded, codec.Document | None]:
    """``read_session``, with the parsed document the session was built from when
    it was in the common form (see ``codec.Decoded.document``), else None."""
    try:
        data, st = read_regular(path)  # never hangs on a FIFO, never reads without end
    except RefusedFile as error:
        raise SessionFileError(path, error.reason) from None
    except OSError as error:
        raise SessionFileError(path, f"cannot be read: {_unreadable(path, error)}") from None
    return _decode(path, data, st)


def _unreadable(path: Path, error: OSError) -> str:
    if isinstance(error, FileNotFoundError) and os.path.islink(path):
        with contextlib.suppress(OSError):
            return f"it is a link to {os.readlink(path)}, which does not exist"
    return describe_os_error(error)


def _decode(path: Path, data: bytes, st: os.stat_result) -> tuple[Loaded, codec.Document | None]:
    decoded = _read_back(path, data)
    loaded = Loaded(path, decoded.session, Fingerprint.of(data, st), tuple(decoded.unknown_keys))
    return loaded, decoded.document


def _read_back(path: Path, data: bytes) -> codec.Decoded:
    """The bytes of a session file as every open reads them; ``SessionFileError``
    if they are not one. A save checks what it is about to write with this too."""
    if not data or data.isspace():  # isspace: no stripped copy of the whole file
        raise SessionFileError(path, "is empty")
    if data.startswith(_BOM):
        raise SessionFileError(
            path, "starts with a byte-order mark (BOM); save it as UTF-8 without one"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SessionFileError(
            path, f"is not UTF-8 text (bad byte at offset {error.start})"
        ) from None
    try:
        decoded = codec.loads(text)
    except codec.FormatError as error:
        raise SessionFileError(path, str(error)) from None
    except (ValueError, OverflowError, RecursionError) as error:
        # OverflowError: a time at the very edge of the calendar, say.
        raise SessionFileError(path, f"has a bad value: {error}") from None
    return decoded


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _now_stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


Written = Callable[[Path, Session, "Fingerprint"], None]
"""Told of every write (the app keeps the search index current with it); must not raise."""


class SessionFile:
    """One open session: its model, its lock and its save logic.

    The model lives here, outside any widget, so it can be saved after the
    screen that edited it is gone.
    """

    def __init__(
        self,
        path: Path,
        session: Session,
        fingerprint: Fingerprint | None,
        lock: SessionLock | None,
        read_only_reason: str = "",
        on_written: Written | None = None,
        *,
        held_by: str = "",
    ) -> None:
        """``held_by``: who holds the lock, when another iisession has the session."""
        self.path = path
        self.on_written = on_written
        self.session = session
        self._fingerprint = fingerprint
        self._lock = lock
        self.read_only_reason = read_only_reason
        self.held_by = held_by
        """Another iisession that holds the session ("pid 123 on host"), if one does."""
        self.closed = False
        self._writing = threading.RLock()
        """Held while the file or its journal is written (see ``save``)."""
        self.recovered: Recovery | None = None
        """What the session's journal held when it was opened for writing, if
        anything: typing a crash cut off before it was saved (see ``replay_journal``)."""
        self.recovery_told = False
        """The user has been told of ``recovered`` (a screen says so once)."""
        self.journal_error = ""
        """Why the last record of the journal failed ("" when it worked)."""
        self._journal: Journal | None = None
        self._journal_for: Path | None = None
        self._saved_text: tuple[str, str] | None = None
        """The text last written and the sha256 of its bytes: a new journal's base."""
        # None for a session not yet on disk: its first save always writes.
        self._saved_body = _body(codec.to_document(session)) if fingerprint is not None else None

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason)

    @property
    def fingerprint(self) -> Fingerprint | None:
        """The file as last read, written or moved; None before its first save."""
        return self._fingerprint

    def has_unsaved_changes(self) -> bool:
        return _body(codec.to_document(self.session)) != self._saved_body

    def reload(self) -> bool:
        """Read-only: read the file again if it changed since it was read (the
        iisession that holds it saved). True if ``session`` is now a new model,
        as the file now is; False if nothing changed, the file is gone, or this
        session is not read-only (what it holds is its own). Raises
        ``SessionFileError`` for a file that cannot be read, keeping the model."""
        if not self.read_only or self.closed:
            return False
        try:
            current = _stat_or_none(self.path)
        except OSError:
            return False  # the folder cannot be seen just now (a network folder dropping)
        if current is None or (
            self._fingerprint is not None and self._fingerprint.same_stat(current)
        ):
            return False
        loaded = read_session(self.path)
        before, self._fingerprint = self._fingerprint, loaded.fingerprint
        if before is not None and before.digest == loaded.fingerprint.digest:
            return False  # the same bytes: only its times or mode changed
        self.session = loaded.session
        self._saved_body = _body(codec.to_document(loaded.session))
        return True

    def save(self, now: dt.datetime | None = None) -> SaveResult:
        """Write the session if it changed. Raises ``SaveError``; the model is kept.

        The revision counter and ``updated`` time change only when a write
        succeeds. ``updated`` is ``now``: pass the clock the session's events
        come from (the current time when none is given). One save at a time:
        a save on the way out may come from another thread.
        """
        with self._writing:
            return self._save(now)

    def _save(self, now: dt.datetime | None) -> SaveResult:
        if self.read_only:
            raise ReadOnlyError(self.path, self.read_only_reason)
        if self.closed:
            # Its lock is gone: another process may own the file now.
            return SaveResult(written=False)
        doc = codec.to_document(self.session)
        body = _body(doc)
        if body == self._saved_body:
            # Nothing of ours to write. If another program changed the file
            # meanwhile, its version stays as it is.
            self._journal_saved(None)
            return SaveResult(written=False)

        conflict_copy: Path | None = None
        recreated = False
        moved_to: Path | None = None
        if self._fingerprint is not None:
            current = self._stat_now()
            if current is None:
                # Gone from its name: moved within the folder (followed), or
                # deleted or moved away (written again, and said).
                moved_to = self._follow_move()
                current = None if moved_to is None else self._stat_now()
                recreated = moved_to is None
            if current is not None and not self._fingerprint.same_stat(current):
                conflict_copy = self._keep_outside_version()

        revision = self.session.revision + 1
        updated = utc_now() if now is None else clean_time(now)
        doc["revision"] = revision
        doc["updated"] = updated
        doc = _in_file_order(doc)
        try:
            text = codec.render(doc)
            data = text.encode("utf-8")
        except (TypeError, ValueError) as error:
            raise SaveError(
                self.path, f"the session could not be written as TOML: {error}"
            ) from None
        self._check_reads_back(data, doc)
        try:
            # Through a link, if the file is one: the link stays, its target changes.
            write_atomic(_write_target(self.path), data, exclusive=self._fingerprint is None)
            st = os.stat(self.path)
        except OSError as error:
            raise SaveError(self.path, describe_os_error(error)) from None
        self.session.revision = revision
        self.session.updated = updated
        self._fingerprint = Fingerprint.of(data, st)
        self._saved_body = body
        self._journal_saved(text)
        if self.on_written is not None:
            # The file is written: whatever the listener does, this save succeeded.
            with contextlib.suppress(Exception):
                self.on_written(self.path, self.session, self._fingerprint)
        return SaveResult(
            written=True, conflict_copy=conflict_copy, recreated=recreated, moved_to=moved_to
        )

    def _stat_now(self) -> os.stat_result | None:
        """The file's status now; None if nothing is at its name."""
        try:
            return _stat_or_none(self.path)
        except OSError as error:  # the folder is not a folder any more, say
            raise SaveError(self.path, describe_os_error(error)) from None

    def _check_reads_back(self, data: bytes, doc: codec.Document) -> None:
        """Read what is about to be written as the next open will: a save never
        makes a readable file unreadable (a time past the limits in UTC, say)."""
        try:
            decoded = _read_back(self.path, data)
        except SessionFileError as error:
            raise SaveError(self.path, f"the file would not open again: {error.reason}") from None
        if decoded.unknown_keys or codec.to_document(decoded.session, clean=False) != doc:
            raise SaveError(self.path, "the file would not read back as written (a bug)")

    def _follow_move(self) -> Path | None:
        """The file is gone from its name. If another program moved it within
        the folder, take the new name's lock (as ``rename`` does) and make it
        this handle's name, so the folder never holds the session twice; the
        new path. None when it is not in the folder: deleted, or moved away."""
        assert self._fingerprint is not None
        new = _find_moved(self.path, self._fingerprint, self.session.id)
        if new is None:
            return None
        lock = SessionLock(new)
        try:
            lock.acquire()
        except LockedError as error:
            raise SaveError(
                self.path,
                f"another program moved it to {new.name}, which another iisession has "
                f"open ({error.holder}); it was not saved over",
            ) from None
        except OSError as error:
            raise SaveError(
                self.path,
                f"another program moved it to {new.name}, whose lock cannot be taken: "
                f"{describe_os_error(error)}",
            ) from None
        if self._lock is not None:
            self._lock.release()  # its file stays: lock files are never deleted
        self._lock = lock
        self.path = new
        return new

    def _keep_outside_version(self) -> Path | None:
        """Another program changed the file: keep its version as a conflict copy.

        Returns the copy's path, or None when the bytes are the same as ours
        (a touch, or a sync tool rewriting identical content).
        """
        try:
            data, st = read_regular(self.path)  # a FIFO or a device there must not hang us
        except FileNotFoundError:
            return None
        except RefusedFile as error:
            raise SaveError(
                self.path,
                f"another program put something else in its place: it {error.reason}; "
                "that was left as it is",
            ) from None
        except OSError as error:
            raise SaveError(
                self.path,
                f"it was changed by another program and cannot be read to keep a copy: "
                f"{describe_os_error(error)}",
            ) from None
        assert self._fingerprint is not None
        if hashlib.sha256(data).hexdigest() == self._fingerprint.digest:
            self._fingerprint = Fingerprint.of(data, st)
            return None
        stem = self.path.name.removesuffix(SUFFIX)
        for n in range(1, 1000):
            extra = "" if n == 1 else f"-{n}"
            # A name at the length limit still leaves room for the copy's.
            copy = self.path.with_name(fit_name(stem, f".conflict-{_now_stamp()}{extra}{SUFFIX}"))
            try:
                write_atomic(copy, data, exclusive=True)
            except FileExistsError:
                continue
            except OSError as error:
                raise SaveError(
                    self.path,
                    f"it was changed by another program and its version could not be "
                    f"kept: {describe_os_error(error)}",
                ) from None
            # Their version is safe now: if our write fails, a retry must not
            # copy it a second time.
            self._fingerprint = Fingerprint.of(data, st)
            return copy
        raise SaveError(self.path, "too many conflict copies")

    def rename(self, path: Path) -> Fingerprint:
        """Move the session's file to ``path``, in the same folder, keeping it locked.

        The lock of the new name is taken first (``LockedError`` if another
        iisession holds it); with both locks held, no iisession can create or
        write either name, so once the new name is seen to be free
        (``FileExistsError`` if not) one atomic rename moves the file: a crash
        leaves it under exactly one of the two names, never both. Only then is
        the old lock released. The file's bytes, inode and modification time
        stay as they were. Raises ``OSError`` with the file where it was.
        """
        if self.read_only or self.closed or self._fingerprint is None:
            raise ReadOnlyError(self.path, self.read_only_reason or "not open for writing")
        if path.parent != self.path.parent:
            raise ValueError(f"{path} is not in the folder of {self.path.name}")
        lock = SessionLock(path)
        lock.acquire()
        try:
            if os.path.lexists(path):
                raise FileExistsError(errno.EEXIST, "the name is taken", str(path))
            os.rename(self.path, path)
        except BaseException:
            lock.release()
            raise
        # Moved: from here on the handle is the new name's, whatever follows.
        if self._lock is not None:
            self._lock.release()  # its file stays: lock files are never deleted
        self._lock = lock
        self.path = path
        with contextlib.suppress(OSError):  # the move is done; the next save syncs
            fsync_folder(path.parent)
        try:
            st = os.stat(path)
        except OSError:
            return self._fingerprint
        self._fingerprint = dataclasses.replace(
            self._fingerprint, inode=st.st_ino, mtime_ns=st.st_mtime_ns, ctime_ns=st.st_ctime_ns
        )
        return self._fingerprint

    # --- the journal: typing kept safe between saves (see ``journal``) ----------------------

    def journal(
        self,
        now: dt.datetime | None = None,
        extra: Mapping[str, Any] | None = None,
        *,
        durable: bool = True,
    ) -> bool:
        """Append the session as it is now to its journal, and fsync: a crash
        or a power cut then loses nothing recorded (``durable=False``: no
        fsync, so only a crash of the program; see ``Journal.record``). Only a session open for
        writing has one. True if a record was appended: the session had
        changed since the last one, or ``extra`` was given (it comes back in
        ``recovered.extra`` after a crash). Never raises for the disk:
        ``journal_error`` says why a record failed, and the next one tries again."""
        with self._writing:
            return self._append_to_journal(now, extra, durable)

    def _append_to_journal(
        self, now: dt.datetime | None, extra: Mapping[str, Any] | None, durable: bool = True
    ) -> bool:
        if self.read_only or self.closed or self._fingerprint is None or self._lock is None:
            return False
        try:
            journal = self._journal_here()
            text = codec.render(codec.to_document(self.session))
            moment = now if now is not None else dt.datetime.now(dt.UTC)
            appended = journal.record(text, self._journal_base, moment, extra, durable=durable)
        except OSError as error:
            self.journal_error = describe_os_error(error)
            return False
        except (TypeError, ValueError) as error:  # a value TOML cannot hold: saving fails too
            self.journal_error = str(error)
            return False
        self.journal_error = ""
        return appended

    def replay_journal(self) -> Recovery | None:
        """Opened for writing: recover what the journal holds, once, before any
        edit. If the file is still the one the journal started from, the
        recovered session replaces ``session`` as an unsaved change (the next
        save writes it); if another program changed it since, the recovered
        version is written next to it (``recovered.copy``); a journal that
        cannot be applied is kept as ``.unapplied``. Sets ``recovered``."""
        if self.read_only or self.closed or self._fingerprint is None or self._lock is None:
            return None
        digest = self._fingerprint.digest
        saved_body = self._saved_body
        try:
            outcome = recover(
                self._journal_here(),
                session_path=self.path,
                current=self.session,
                digest=digest,
                decode=self._decode_text,
                holds=lambda session: _body(codec.to_document(session)) == saved_body,
            )
        except Exception as error:  # opening must never fail for the journal's sake
            self.recovered = Recovery(
                None, unapplied=journal_path_for(self.path), problem=f"it was not replayed: {error}"
            )
            return self.recovered
        if outcome.session is not None:
            self.session = outcome.session
        self.recovered = outcome.recovery
        return self.recovered

    def drop_journal(self) -> None:
        """The session is thrown away (a practice run not kept): its journal goes too."""
        if self._journal is not None:
            with contextlib.suppress(OSError):
                self._journal.clear()

    def _journal_here(self) -> Journal:
        """The journal, under the file's current name (it follows a rename)."""
        if self._journal is None or self._journal_for != self.path:
            path = journal_path_for(self.path)
            if self._journal is None:
                self._journal = Journal(path)
            else:
                self._journal.move(path)
            self._journal_for = self.path
        return self._journal

    def _journal_saved(self, text: str | None) -> None:
        """A save succeeded (``text`` written; None: the file already held the
        session): the journal's content is in the file, so it goes."""
        if text is not None and self._fingerprint is not None:
            self._saved_text = (text, self._fingerprint.digest)
        self.journal_error = ""
        if self._journal is not None and self._journal.active:
            with contextlib.suppress(OSError):  # the next record replaces it
                self._journal_here().clear()

    def _journal_base(self) -> Base:
        """What a new journal starts from: the exact text of the file as last
        saved or read, and the sha256 of its bytes."""
        assert self._fingerprint is not None
        digest = self._fingerprint.digest
        if self._saved_text is not None and self._saved_text[1] == digest:
            return Base(self._saved_text[0], digest, self.path.name)
        text = ""
        with contextlib.suppress(OSError, RefusedFile, UnicodeDecodeError):
            data, _ = read_regular(self.path)
            if hashlib.sha256(data).hexdigest() == digest:
                text = data.decode("utf-8")
        # Not the file as read (changed since): the first record holds the whole text.
        self._saved_text = (text, digest) if text else None
        return Base(text, digest, self.path.name)

    def _decode_text(self, text: str) -> Session:
        """Read a recovered text as a normal open reads the file (raises as it does)."""
        return _decode(self.path, text.encode("utf-8"), os.stat_result((0,) * 10))[0].session

    def close(self) -> None:
        """Release the lock; later saves write nothing. Saving first is the caller's business."""
        self.closed = True
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> SessionFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _body(doc: codec.Document) -> codec.Document:
    """What counts as a change: everything but the save bookkeeping."""
    return {k: v for k, v in doc.items() if k not in ("revision", "updated")}


def _in_file_order(doc: codec.Document) -> codec.Document:
    """``updated`` may have been absent: put it back in its place after ``created``."""
    order = list(doc)
    if order.index("updated") != order.index("created") + 1:
        order.remove("updated")
        order.insert(order.index("created") + 1, "updated")
    return {k: doc[k] for k in order}


def _remove_stale_temps(path: Path) -> None:
    """Temporary files of this session left by a save that was killed mid-way
    (beside its link's target too, where a linked session is written).

    Only called with the session's lock held, so no live save owns them.
    """
    for place in {path, _write_target(path)}:
        # Also the longer names older versions gave them.
        for pattern in (temp_prefix(place), f".{glob.escape(place.name)}."):
            for temp in place.parent.glob(f"{pattern}*{TEMP_SUFFIX}"):
                with contextlib.suppress(OSError):
                    temp.unlink()


def _write_target(path: Path) -> Path:
    """Where a save writes: the file a link points to (so the link stays a
    link), else the path itself."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


_KEPT_COPY = re.compile(r"\.(conflict|recovered)-\d{8}-\d{6}(-\d+)?" + re.escape(SUFFIX) + r"\Z")
"""The names of the copies kept beside a session (another program's version, a
recovered journal's): they hold the session's id too."""


def _find_moved(path: Path, fingerprint: Fingerprint, session_id: str) -> Path | None:
    """Where in its folder a session's file went, if it is there: the file with
    its inode (a rename), else one changed since that holds the same session
    (a copy, then a delete). Copies kept beside it hold the id too: never taken."""
    try:
        with os.scandir(path.parent) as listing:
            entries = [e for e in listing if _may_be_session(e.name) and e.name != path.name]
    except OSError:
        return None
    by_inode = [e for e in entries if _inode(e) == fingerprint.inode]
    changed = [e for e in entries if e not in by_inode and _ctime(e) >= fingerprint.ctime_ns]
    changed.sort(key=_ctime, reverse=True)  # the newest first: where it most likely went
    for entry in [*by_inode, *changed]:
        candidate = path.parent / entry.name
        with contextlib.suppress(SessionFileError):
            if read_session(candidate).session.id == session_id:
                return candidate
    return None


_SYNC_COPY = re.compile(r"conflict", re.IGNORECASE)
"""Sync tools' copies of a file they could not merge ("sync-conflict",
"conflicted copy"): the same session too, but never the one that moved."""


def _may_be_session(name: str) -> bool:
    return (
        name.endswith(SUFFIX)
        and not name.startswith(".")
        and not _KEPT_COPY.search(name)
        and not _SYNC_COPY.search(name)
    )


def _inode(entry: os.DirEntry[str]) -> int:
    try:
        return entry.inode()
    except OSError:
        return -1


def _ctime(entry: os.DirEntry[str]) -> int:
    try:
        return entry.stat().st_ctime_ns
    except OSError:
        return -1


@dataclass(frozen=True)
class Problem:
    """A file in the sessions folder that could not be read."""

    path: Path
    reason: str


class SessionStore:
    """The sessions folder. Creates nothing until something is saved."""

    def __init__(self, root: Path, on_written: Written | None = None) -> None:
        self.root = root
        self.on_written = on_written

    def files(self) -> list[Path]:
        """Session files in name order; hidden and temporary files are skipped."""
        try:
            entries = list(self.root.iterdir())
        except FileNotFoundError:
            return []
        found = (p for p in entries if p.suffix == SUFFIX and not p.name.startswith("."))
        return sorted(found, key=lambda p: file_order(p.name))

    def scan(self) -> tuple[list[Loaded], list[Problem]]:
        """Read every session; unreadable files are listed with the reason."""
        sessions: list[Loaded] = []
        problems: list[Problem] = []
        for path in self.files():
            try:
                sessions.append(read_session(path))
            except SessionFileError as error:
                problems.append(Problem(path, error.reason))
        return sessions, problems

    def resolve(self, name: str) -> Path:
        """A path inside the folder for a file name; anything else is refused."""
        candidate = (self.root / name).resolve()
        if candidate.parent != self.root.resolve() or name != candidate.name:
            raise ValueError(f"{name!r} is not a file name in the sessions folder")
        return candidate

    def create(
        self, session: Session, tz: dt.tzinfo | None = None, now: dt.datetime | None = None
    ) -> SessionFile:
        """Write a new session under a fresh name and return it open and locked.
        ``now`` stamps ``updated``, as in ``SessionFile.save``."""
        try:
            ensure_private_folder(self.root)
        except OSError as error:
            raise SaveError(self.root, describe_os_error(error)) from None
        stem = base_name(session, tz)
        for n in range(1, 10_000):
            path = self.root / f"{stem}{'' if n == 1 else f'-{n}'}{SUFFIX}"
            if path.exists():
                continue
            lock = SessionLock(path)
            try:
                lock.acquire()
            except LockedError:
                continue
            except OSError as error:
                raise SaveError(path, describe_os_error(error)) from None
            handle = SessionFile(path, session, None, lock, on_written=self.on_written)
            try:
                handle.save(now=now)
            except SaveError as error:
                lock.release()
                if path.exists():  # another process took the name meanwhile
                    continue
                raise error
            return handle
        raise SaveError(self.root / stem, "no free file name")

    def rename_to_fit(self, handle: SessionFile, tz: dt.tzinfo | None = None) -> Path | None:
        """Give an open session the name it would get if created now (after its
        planned time, else its creation time), if its name no longer fits; the
        new path, or None when the name already fits. A name taken, or locked
        by another iisession, is skipped for the next (``-2``...). Raises
        ``SaveError`` with the file under its old name."""
        stem = base_name(handle.session, tz)
        current = handle.path.name.removesuffix(SUFFIX)
        if current == stem or re.fullmatch(re.escape(stem) + r"-\d+", current):
            return None
        for n in range(1, 10_000):
            path = self.root / f"{stem}{'' if n == 1 else f'-{n}'}{SUFFIX}"
            if os.path.lexists(path):
                continue
            try:
                handle.rename(path)
            except (FileExistsError, LockedError):
                continue  # taken meanwhile
            except OSError as error:
                raise SaveError(handle.path, describe_os_error(error)) from None
            return path
        raise SaveError(handle.path, "no free file name")

    def open(self, path: Path, *, allow_read_only: bool = True) -> SessionFile:
        """Open a session for editing, holding its lock.

        If another iisession holds it, the session opens read-only (or
        ``LockedError`` is raised when ``allow_read_only`` is False). A file
        with fields this version does not know opens read-only, so saving can
        never drop them. Raises ``SessionFileError`` for an unreadable file.
        """
        with contextlib.suppress(OSError):  # a read-only folder can still be read
            ensure_private_folder(path.parent)
        lock = SessionLock(path)
        reason = ""
        holder = ""
        try:
            lock.acquire()
        except LockedError as error:
            if not allow_read_only:
                raise
            holder = error.holder
            reason = f"open in another iisession ({holder}); opened read-only"
        except OSError as error:
            # A read-only folder: the session can still be read.
            if not allow_read_only:
                raise SaveError(path, describe_os_error(error)) from None
            reason = f"the lock cannot be taken ({describe_os_error(error)}); opened read-only"
        if lock.held:
            _remove_stale_temps(path)
        try:
            loaded = read_session(path)
        except BaseException:
            lock.release()
            raise
        if loaded.unknown_keys and not reason:
            lock.release()
            reason = (
                "it has fields this version does not know ("
                + ", ".join(loaded.unknown_keys[:5])
                + "); opened read-only so they are not lost"
            )
        handle = SessionFile(
            path,
            loaded.session,
            loaded.fingerprint,
            lock if lock.held else None,
            reason,
            on_written=self.on_written,
            held_by=holder,
        )
        if lock.held:
            # Open for writing: typing a crash cut off before it was saved comes back.
            handle.replay_journal()
        return handle


def write_rescue_copy(session: Session, path: Path) -> None:
    """Write the session to a file of the user's choosing, when the folder will not take it.

    Raises ``SaveError`` with the reason.
    """
    try:
        data = codec.dumps(session).encode("utf-8")
        write_atomic(path, data)
    except (OSError, ValueError) as error:
        reason = describe_os_error(error) if isinstance(error, OSError) else str(error)
        raise SaveError(path, reason) from None
