"""Write a file so that it is always either the old version or the new one.

The recipe: a temporary file in the same folder (mode 0600), every byte
written, flushed and fsync'd, then ``os.replace`` over the target and an fsync
of the folder so the rename itself is durable. Any failure removes the
temporary file and leaves the target as it was.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def describe_os_error(error: OSError) -> str:
    """A short reason a person can act on."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "the folder is on a read-only disk",
        errno.EACCES: "no permission to write there",
        errno.EPERM: "no permission to write there",
        errno.EIO: "the disk reported an input/output error",
        errno.ENOENT: "the folder no longer exists",
        errno.ENAMETOOLONG: "the file name is too long",
    }
    if error.errno in reasons:
        return reasons[error.errno]
    return error.strerror or str(error)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_atomic(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Replace ``path`` with ``data`` atomically and durably.

    With ``exclusive`` the target must not exist yet (``FileExistsError``
    otherwise): the new file is linked into place, never over another.
    Raises ``OSError`` on any failure, with the target untouched.
    """
    folder = path.parent
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    temp = Path(temp_name)
    try:
        try:
            os.fchmod(fd, FILE_MODE)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if exclusive:
            os.link(temp, path)
            os.unlink(temp)
        else:
            os.replace(temp, path)
    except BaseException:
        # A failed fsync means the data may never reach the disk: drop this
        # temporary file entirely; the next attempt writes a fresh one.
        temp.unlink(missing_ok=True)
        raise
    fsync_folder(folder)


def ensure_private_folder(folder: Path) -> None:
    """Create ``folder`` (and parents) if needed; take away group and other access.

    A new folder is 0700. An existing one only loses bits: a folder its owner
    made read-only stays read-only.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    current = folder.stat().st_mode & 0o777
    if current & ~FOLDER_MODE:
        os.chmod(folder, current & FOLDER_MODE)
