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
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from . import codec
from .atomic import describe_os_error, ensure_private_folder, fsync_folder, write_atomic
from .locking import LockedError, SessionLock
from .model import Session, clean_time, utc_now
from .naming import SUFFIX, base_name, file_order

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Larger files are refused: a session with 1 MB of notes is already unusual."""

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
        return (self.size, self.mtime_ns, self.inode) == (st.st_size, st.st_mtime_ns, st.st_ino)


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
    """The file had been deleted by someone else and was written again."""


def read_session(path: Path) -> Loaded:
    """Read one session file, strictly. Never modifies the file.

    Raises ``SessionFileError`` with a reason a person can act on.
    """
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise SessionFileError(path, "is a folder, not a session file")
        if not stat.S_ISREG(st.st_mode):
            raise SessionFileError(path, "is not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            raise SessionFileError(
                path,
                f"is too big ({st.st_size / 1e6:.1f} MB; the limit is "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MiB)",
            )
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
            st = os.fstat(handle.fileno())
    except OSError as error:
        raise SessionFileError(path, f"cannot be read: {describe_os_error(error)}") from None
    if len(data) > MAX_FILE_BYTES:
        raise SessionFileError(path, "is too big")
    return _decode(path, data, st)


def _decode(path: Path, data: bytes, st: os.stat_result) -> Loaded:
    if not data.strip():
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
    return Loaded(path, decoded.session, Fingerprint.of(data, st), tuple(decoded.unknown_keys))


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
        self.session = loaded.session
        self._fingerprint = loaded.fingerprint
        self._saved_body = _body(codec.to_document(loaded.session))
        return True

    def save(self, now: dt.datetime | None = None) -> SaveResult:
        """Write the session if it changed. Raises ``SaveError``; the model is kept.

        The revision counter and ``updated`` time change only when a write
        succeeds. ``updated`` is ``now``: pass the clock the session's events
        come from (the current time when none is given).
        """
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
            return SaveResult(written=False)

        conflict_copy: Path | None = None
        recreated = False
        if self._fingerprint is not None:
            current = _stat_or_none(self.path)
            recreated = current is None
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
            same = tomllib.loads(text) == doc
        except (TypeError, ValueError) as error:  # TOMLDecodeError is a ValueError
            raise SaveError(
                self.path, f"the session could not be written as TOML: {error}"
            ) from None
        if not same:
            raise SaveError(self.path, "the file would not read back as written (a bug)")
        try:
            write_atomic(self.path, data, exclusive=self._fingerprint is None)
            st = os.stat(self.path)
        except OSError as error:
            raise SaveError(self.path, describe_os_error(error)) from None
        self.session.revision = revision
        self.session.updated = updated
        self._fingerprint = Fingerprint.of(data, st)
        self._saved_body = body
        if self.on_written is not None:
            # The file is written: whatever the listener does, this save succeeded.
            with contextlib.suppress(Exception):
                self.on_written(self.path, self.session, self._fingerprint)
        return SaveResult(written=True, conflict_copy=conflict_copy, recreated=recreated)

    def _keep_outside_version(self) -> Path | None:
        """Another program changed the file: keep its version as a conflict copy.

        Returns the copy's path, or None when the bytes are the same as ours
        (a touch, or a sync tool rewriting identical content).
        """
        try:
            data = self.path.read_bytes()
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
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
            copy = self.path.with_name(f"{stem}.conflict-{_now_stamp()}{extra}{SUFFIX}")
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
    """Temporary files of this session left by a save that was killed mid-way.

    Only called with the session's lock held, so no live save owns them.
    """
    for temp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            temp.unlink()


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
        return SessionFile(
            path,
            loaded.session,
            loaded.fingerprint,
            lock if lock.held else None,
            reason,
            on_written=self.on_written,
            held_by=holder,
        )


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
