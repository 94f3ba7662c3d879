"""Two processes on one session: one writer, and the lock dies with its holder."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from iisession.core.locking import LockedError
from iisession.core.store import ReadOnlyError, SessionStore, read_session
from tests.factories import make_session


def test_second_process_is_refused_until_the_holder_is_killed(sessions_dir: Path) -> None:
    handle = SessionStore(sessions_dir).create(make_session())
    handle.close()
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the first iisession: holds the session and keeps typing
        os.close(ready_r)
        try:
            mine = SessionStore(sessions_dir).open(handle.path, allow_read_only=False)
            mine.session.notes = "held by the child"
            mine.save()
            os.write(ready_w, b"1")
            signal.pause()
        finally:
            os._exit(1)
    os.close(ready_w)
    assert os.read(ready_r, 1) == b"1"
    try:
        store = SessionStore(sessions_dir)
        with pytest.raises(LockedError, match=f"pid {pid}"):
            store.open(handle.path, allow_read_only=False)
        with store.open(handle.path) as second:
            assert second.read_only
            assert f"pid {pid}" in second.read_only_reason
            second.session.notes = "must not be written"
            with pytest.raises(ReadOnlyError):
                second.save()
        assert read_session(handle.path).session.notes == "held by the child"
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(ready_r)
    # kill -9 released the lock: a new writer gets in.
    with SessionStore(sessions_dir).open(handle.path, allow_read_only=False) as third:
        assert not third.read_only
        third.session.notes = "after the crash"
        assert third.save().written
