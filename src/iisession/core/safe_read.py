"""Reading a file from the user's folders without ever hanging on it.

Anything can stand where a session or config file was: a FIFO (opening or
reading it waits for a writer that never comes), a link to ``/dev/zero``
(endless), a terminal, a huge file. ``read_regular`` opens without blocking
and without taking a terminal, looks at what it opened, refuses anything but a
regular file, and reads a bounded number of bytes. Every read of a user's file
goes through it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Larger files are refused: a session with 1 MB of notes is already unusual."""

_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class RefusedFile(Exception):
    """Not read: not a regular file, or too big. ``reason`` completes a sentence
    that starts with the file's name ("is not a regular file (a FIFO)")."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(reason)


def _mib(size: int) -> str:
    return f"{size // (1024 * 1024)} MiB" if size >= 1024 * 1024 else f"{size // 1024} KiB"


def _check(path: Path, st: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise RefusedFile(path, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "something else")
        raise RefusedFile(path, f"is not a regular file ({kind})")
    if st.st_size > limit:
        raise RefusedFile(
            path, f"is too big ({st.st_size / 1e6:.1f} MB; the limit is {_mib(limit)})"
        )


def _read_up_to(fd: int, size: int, expected: int) -> bytes:
    """Up to ``size`` bytes; the first read asks for ``expected`` (the size the
    file had when looked at) and one more, so a usual file takes one read of
    its own size (asking for 1 MiB each time costs a 1 MiB buffer per file).
    A short read of exactly ``expected`` bytes ends it: the caller checks the
    size again after reading, and reads on if the file grew."""
    parts: list[bytes] = []
    left = size
    got = 0
    ask = min(max(expected + 1, 4096), 1024 * 1024)
    while left > 0:
        part = os.read(fd, min(left, ask))
        if not part:
            break
        parts.append(part)
        left -= len(part)
        got += len(part)
        if len(part) < ask and got == expected:
            break
        # Short: most likely the end, which a small read confirms.
        ask = 1024 * 1024 if len(part) >= ask else 4096
    return b"".join(parts)


def read_regular(path: Path, limit: int = MAX_FILE_BYTES) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file at ``path`` (links followed) and its status
    as read. Raises ``RefusedFile``, or ``OSError`` when it cannot be opened."""
    # A look first, so a device is never even opened (opening some has effects).
    _check(path, os.stat(path), limit)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        # What was opened may not be what was looked at: another program can
        # swap the file in between.
        opened = os.fstat(fd)
        _check(path, opened, limit)
        data = _read_up_to(fd, limit + 1, opened.st_size)
        st = os.fstat(fd)
        if st.st_size != len(data) and len(data) <= limit:
            # Written to while read (or a size that says nothing, as in /proc):
            # what is there now, to its end.
            data += _read_up_to(fd, limit + 1 - len(data), -1)
            st = os.fstat(fd)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise RefusedFile(path, f"is too big (the limit is {_mib(limit)})")
    return data, st


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """``read_regular`` decoded as UTF-8 (``UnicodeDecodeError`` if it is not)."""
    data, _ = read_regular(path, limit)
    return data.decode("utf-8")


def read_own_file(path: Path, limit: int, problem: type[Exception]) -> str | None:
    """A plain file the app keeps for the user (a list beside the sessions): its
    text, or None when there is none yet. Anything else that stops it being
    read raises ``problem`` naming the path and the reason."""
    from .atomic import describe_os_error

    try:
        data, _ = read_regular(path, limit)
    except FileNotFoundError:
        return None
    except RefusedFile as error:
        raise problem(f"{path}: it {error.reason}") from None
    except OSError as error:
        raise problem(f"{path}: {describe_os_error(error)}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise problem(f"{path}: not UTF-8 text") from None
