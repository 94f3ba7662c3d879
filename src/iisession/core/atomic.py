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
TEMP_SUFFIX = ".tmp"


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
    if error.errno == errno.ENOENT and isinstance(error.filename, str | os.PathLike):
        return _describe_missing(Path(error.filename))
    if error.errno in reasons:
        return reasons[error.errno]
    return error.strerror or str(error)


def _describe_missing(path: Path) -> str:
    """What is missing on the way to ``path``: a link to nothing is said to be one
    (a sessions folder on a drive that is not plugged in, say)."""
    for place in (path, *path.parents):
        if os.path.islink(place) and not os.path.exists(place):
            try:
                target = os.readlink(place)
            except OSError:
                target = "something"
            what = place.name if place == path else f"the folder {place.name}"
            return f"{what} is a link to {target}, which does not exist"
        if os.path.lexists(place):
            break
    else:
        return "the folder no longer exists"
    if place in (path, path.parent):
        return f"{path.name} no longer exists"
    return "the folder no longer exists"


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


def temp_prefix(path: Path) -> str:
    """How the temporary files of ``path`` start: short and of one length, so a
    name at the file system's limit still saves, and tied to the name, so the
    session's next opener can clean up what a killed save left."""
    import hashlib  # here: not needed before the first frame, and slow to import

    return f".{hashlib.sha256(os.fsencode(path.name)).hexdigest()[:12]}."


def write_atomic(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Replace ``path`` with ``data`` atomically and durably.

    With ``exclusive`` the target must not exist yet (``FileExistsError``
    otherwise): the new file is linked into place, never over another.
    Raises ``OSError`` on any failure, with the target untouched.
    """
    folder = path.parent
    fd, temp_name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=folder)
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
    make_folders(folder)
    current = folder.stat().st_mode & 0o777
    if current & ~FOLDER_MODE:
        os.chmod(folder, current & FOLDER_MODE)


def make_folders(folder: Path) -> None:
    """Create ``folder`` and every missing folder on the way to it, each 0700
    whatever the umask (``mkdir(parents=True)`` gives the parents the umask's mode)."""
    missing: list[Path] = []
    place = folder
    while not os.path.isdir(place) and place.parent != place:
        missing.append(place)
        place = place.parent
    for new in reversed(missing):
        try:
            os.mkdir(new, FOLDER_MODE)
        except FileExistsError:
            if os.path.isdir(new):
                continue  # made meanwhile, by another process: not ours to change
            if os.path.islink(new):  # a link to nothing: say so, not "file exists"
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(new)) from None
            raise
        os.chmod(new, FOLDER_MODE)  # a umask can take bits even from 0700
