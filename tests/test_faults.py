"""Fault injection with real processes: kill -9 mid-save, full disks, failing fsync."""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest

from iisession.core import atomic
from iisession.core.model import Session
from iisession.core.store import SaveError, SessionStore, read_session
from tests.factories import make_session

# --- helpers ---------------------------------------------------------------


def fork_child(body: Callable[[], None]) -> int:
    """Run ``body`` in a forked child that exits 0 (or is killed)."""
    pid = os.fork()
    if pid == 0:
        try:
            body()
        except BaseException:
            os._exit(70)
        os._exit(0)
    return pid


def wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return status


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def old_and_new(sessions_dir: Path) -> tuple[Path, Session]:
    session = make_session(notes="OLD " * 5000)
    handle = SessionStore(sessions_dir).create(session)
    handle.close()
    return handle.path, session


# Each step: which os function to wrap, and when to die relative to the real call.
# "before" dies instead of calling; "after" calls, then dies; "half" writes half.
STEPS = {
    "temp file created": ("fchmod", "before", 1),
    "half the bytes written": ("write", "half", 1),
    "all written, before fsync": ("fsync", "before", 1),
    "fsync'd, before rename": ("replace", "before", 1),
    "renamed, before folder fsync": ("replace", "after", 1),
    "folder fsync'd": ("fsync", "after", 2),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_kill_9_at_each_step_leaves_old_or_new_whole(sessions_dir: Path, step: str) -> None:
    path, _ = old_and_new(sessions_dir)
    old_bytes = path.read_bytes()
    name, when, nth = STEPS[step]

    def child() -> None:
        real = getattr(os, name)
        calls = 0

        def wrapped(*args: object) -> object:
            nonlocal calls
            calls += 1
            if calls < nth:
                return real(*args)
            if when == "before":
                die()
            if when == "half":
                fd, data = cast("tuple[int, bytes | memoryview]", args)
                real(fd, bytes(data)[: len(data) // 2])
                die()
            result = real(*args)
            die()
            return result

        with SessionStore(sessions_dir).open(path, allow_read_only=False) as handle:
            handle.session.notes = "NEW " * 5000
            setattr(os, name, wrapped)
            handle.save()

    status = wait(fork_child(child))
    assert os.WIFSIGNALED(status)
    assert os.WTERMSIG(status) == signal.SIGKILL

    loaded = read_session(path)
    after_rename = step in ("renamed, before folder fsync", "folder fsync'd")
    if after_rename:
        assert loaded.session.notes == "NEW " * 5000
        assert loaded.session.revision == 2
    else:
        assert path.read_bytes() == old_bytes
    # The lock died with the child; the next writer clears its temp file.
    with SessionStore(sessions_dir).open(path, allow_read_only=False) as handle:
        assert not handle.read_only
    assert not list(sessions_dir.glob(".*.tmp"))


def _version_notes(n: int) -> str:
    # Versions differ in size, so a torn write would show as a mismatch.
    return f"version {n}\n" + ("words " * (200 + (n * 37) % 3000))


@pytest.mark.slow
def test_hundred_random_kills_of_a_saving_child(sessions_dir: Path) -> None:
    rng = random.Random(20261122)
    handle = SessionStore(sessions_dir).create(make_session(notes=_version_notes(1)))
    handle.close()
    path = handle.path
    versions_seen = set()
    for _ in range(100):
        start = read_session(path).session.revision

        def child(start: int = start) -> None:
            with SessionStore(sessions_dir).open(path, allow_read_only=False) as mine:
                n = start
                while True:
                    n += 1
                    mine.session.notes = _version_notes(n)
                    mine.save()

        pid = fork_child(child)
        # Once the child is saving (on a busy machine it may take a while to
        # start), at a random moment of its saves.
        deadline = time.monotonic() + 20
        while read_session(path).session.revision == start and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(rng.uniform(0.0, 0.03))
        os.kill(pid, signal.SIGKILL)
        wait(pid)
        loaded = read_session(path)  # every file still loads...
        revision = loaded.session.revision
        # ...as one whole version: notes and revision were written together.
        assert loaded.session.notes == _version_notes(revision), revision
        versions_seen.add(revision)
    assert len(versions_seen) > 50  # the kills really landed at different moments


# --- disk full and I/O errors ------------------------------------------------


def test_disk_full_keeps_old_file_and_raises(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SessionStore(sessions_dir).create(make_session()) as handle:
        old = handle.path.read_bytes()
        real_write = os.write
        written: list[int] = []

        def full(fd: int, data: bytes) -> int:
            if written:
                raise OSError(errno.ENOSPC, "No space left on device")
            written.append(real_write(fd, bytes(data)[:100]))
            return written[-1]

        monkeypatch.setattr(os, "write", full)
        handle.session.notes = "lots of new text " * 1000
        with pytest.raises(SaveError, match="the disk is full"):
            handle.save()
        monkeypatch.setattr(os, "write", real_write)
        assert handle.path.read_bytes() == old
        assert handle.session.revision == 1
        assert handle.has_unsaved_changes()
        assert not list(sessions_dir.glob(".*.tmp"))
        # Space comes back: the retry writes the whole file.
        assert handle.save().written
        assert read_session(handle.path).session.notes == "lots of new text " * 1000


def test_eio_on_fsync_keeps_old_file_and_raises(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SessionStore(sessions_dir).create(make_session()) as handle:
        old = handle.path.read_bytes()
        real_fsync = os.fsync

        def broken(fd: int) -> None:
            raise OSError(errno.EIO, "Input/output error")

        monkeypatch.setattr(os, "fsync", broken)
        handle.session.notes = "after the error"
        with pytest.raises(SaveError, match="input/output error"):
            handle.save()
        assert handle.path.read_bytes() == old
        assert not list(sessions_dir.glob(".*.tmp"))
        monkeypatch.setattr(os, "fsync", real_fsync)
        assert handle.save().written
        assert read_session(handle.path).session.notes == "after the error"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KiB tmpfs; needs root and mount rights."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_real_full_disk(small_disk: Path) -> None:
    folder = small_disk / "sessions"
    with SessionStore(folder).create(make_session(notes="first version\n")) as handle:
        old = handle.path.read_bytes()
        handle.session.notes = "x" * 400_000  # more than the disk holds
        with pytest.raises(SaveError, match="the disk is full"):
            handle.save()
        assert handle.path.read_bytes() == old
        assert not list(folder.glob(".*.tmp"))
        handle.session.notes = "smaller, fits"
        assert handle.save().written
        assert read_session(handle.path).session.notes == "smaller, fits"


def test_failed_parse_back_check_writes_nothing(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SessionStore(sessions_dir).create(make_session()) as handle:
        old = handle.path.read_bytes()
        from iisession.core import codec

        real = codec.render
        monkeypatch.setattr(codec, "render", lambda doc: real(doc).replace("Maya", "Mayb"))
        handle.session.notes = "changed"
        with pytest.raises(SaveError, match="would not read back"):
            handle.save()
        assert handle.path.read_bytes() == old


def test_atomic_write_refuses_to_clobber_in_exclusive_mode(tmp_path: Path) -> None:
    target = tmp_path / "x.toml"
    target.write_bytes(b"theirs")
    with pytest.raises(FileExistsError):
        atomic.write_atomic(target, b"ours", exclusive=True)
    assert target.read_bytes() == b"theirs"
    assert not list(tmp_path.glob(".*.tmp"))


def test_eio_injected_into_a_real_process_by_strace(sessions_dir: Path) -> None:
    """The kernel itself answers fsync with EIO (strace's fault injection)."""
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed")
    with SessionStore(sessions_dir).create(make_session()) as handle:
        pass
    old = handle.path.read_bytes()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from iisession.core.store import SaveError, SessionStore\n"
        "path = Path(sys.argv[1])\n"
        "with SessionStore(path.parent).open(path, allow_read_only=False) as h:\n"
        "    h.session.notes = 'typed while the disk failed'\n"
        "    try:\n"
        "        h.save()\n"
        "    except SaveError as error:\n"
        "        print(error)\n"
        "        sys.exit(0 if h.session.revision == 1 else 3)\n"
        "sys.exit(4)\n"
    )
    done = subprocess.run(
        [
            "strace",
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "trace=fsync",
            "-e",
            "inject=fsync:error=EIO",
            sys.executable,
            "-c",
            script,
            str(handle.path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if "ptrace" in done.stderr and done.returncode != 0:
        pytest.skip(f"ptrace is not allowed here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the disk reported an input/output error" in done.stdout
    assert handle.path.read_bytes() == old
    assert not list(sessions_dir.glob(".*.tmp"))
