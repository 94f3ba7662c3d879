"""One writer per session: an advisory lock on a separate lock file.

``fcntl.flock`` on a lock file of its own is released by the kernel when the
holder dies, even on kill -9, and survives the ``os.replace`` of the session
file (a lock on the data file itself would not). Lock files are never deleted:
deleting one while another process waits on it would let two writers in.

The lock files live in the user's state folder, one folder per sessions folder
named after its full path (symbolic links resolved, as the index is keyed), so
opening a session never adds a file to the sessions folder: a folder that is
only read, like the example sessions in a clone, stays as it was.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
from pathlib import Path

from .atomic import ensure_private_folder
from .naming import NAME_MAX_BYTES, fit_name
from .paths import state_dir

LOCK_FOLDER = "locks"
"""In the user's state folder."""


class LockedError(Exception):
    """Another process holds the session's lock."""

    def __init__(self, path: Path, holder: str) -> None:
        self.path = path
        self.holder = holder
        super().__init__(f"{path.name} is open in another iisession ({holder})")


def locks_folder(sessions_dir: Path) -> Path:
    """Where the locks of one sessions folder's sessions live: keyed by the
    folder itself (device and inode), so every path that reaches it (a link, a
    bind mount, another letter case) shares them; by its real path while it
    does not exist yet."""
    try:
        st = os.stat(sessions_dir)
        identity = f"{st.st_dev}:{st.st_ino}".encode()
    except OSError:
        identity = os.fsencode(sessions_dir.resolve())
    key = hashlib.sha256(identity).hexdigest()[:16]
    return state_dir() / LOCK_FOLDER / f"sessions-{key}"


def lock_path_for(session_path: Path) -> Path:
    if os.path.islink(session_path):
        # A session that is a link: locked as the file it leads to, so the link
        # and its target cannot be open for writing in two windows.
        session_path = Path(os.path.realpath(session_path))
    name = f"{session_path.name}.lock"
    if len(os.fsencode(name)) > NAME_MAX_BYTES:
        # A session name at the limit: shortened, and told apart by a digest
        # (names that fit keep the plain form other versions also use).
        digest = hashlib.sha256(os.fsencode(session_path.name)).hexdigest()[:16]
        name = fit_name(session_path.name, f"-{digest}.lock")
    return locks_folder(session_path.parent) / name


class SessionLock:
    """An exclusive, non-blocking lock held until ``release`` or process death."""

    def __init__(self, session_path: Path) -> None:
        self.path = lock_path_for(session_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise ``LockedError`` naming the holder."""
        ensure_private_folder(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise LockedError(self.path, holder) from None
        except BaseException:
            os.close(fd)
            raise
        # Who holds it, for the message the next opener sees.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "another process"
