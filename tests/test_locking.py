"""Two processes on one session: one writer, and the lock dies with its holder;
the locks live outside the sessions folder."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from iisession.core.clock import ManualClock
from iisession.core.locking import LockedError, lock_path_for
from iisession.core.paths import resolve_folders
from iisession.core.store import ReadOnlyError, SessionStore, read_session
from iisession.core.workspace import Workspace
from iisession.tui.app import IISessionApp
from iisession.tui.screens.detail import DetailScreen
from iisession.tui.screens.review import ReviewScreen
from iisession.tui.screens.setup import SetupScreen
from tests.factories import make_session
from tests.pilot_helpers import current_screen

EXAMPLES = Path(__file__).resolve().parent.parent / "sessions"


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


def test_a_session_reached_by_another_path_is_the_same_lock(tmp_path: Path) -> None:
    """The locks are keyed by the folder's real path: a symbolic link to the
    sessions folder reaches the same lock, as a second process would."""
    handle = SessionStore(tmp_path / "real").create(make_session())
    try:
        (tmp_path / "link").symlink_to(tmp_path / "real")
        with pytest.raises(LockedError):
            SessionStore(tmp_path / "link").open(
                tmp_path / "link" / handle.path.name, allow_read_only=False
            )
    finally:
        handle.close()


def folder_contents(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``folder``, hidden ones included, with the files' bytes."""
    return {
        str(path.relative_to(folder)): None if path.is_dir() else path.read_bytes()
        for path in folder.rglob("*")
    }


async def test_the_review_leaves_the_sessions_folder_as_it_was(tmp_path: Path) -> None:
    """Reading the example sessions, even opening one to edit and leaving it
    unchanged, adds nothing to their folder: the locks live in the state folder."""
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    before = folder_contents(folder)
    app = IISessionApp(Workspace(resolve_folders(str(folder)), ManualClock()), review=True)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            if isinstance(app.screen, ReviewScreen) and app.screen.loaded:
                break
            await pilot.pause(0.02)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(current_screen(app), DetailScreen)
        await pilot.press("e")  # the first row, a planned call: the setup form
        await pilot.pause(0.3)
        assert isinstance(current_screen(app), SetupScreen)
        (held,) = app.workspace.open_files
        assert not held.read_only
        # Still one writer: another opener gets it read-only.
        with SessionStore(folder).open(held.path) as other:
            assert other.read_only
        await pilot.press("escape", "escape")
        await pilot.pause(0.3)
        await pilot.press("ctrl+q")
    assert not app.workspace.close_all()
    assert folder_contents(folder) == before
    # The lock was taken, in the state folder.
    assert lock_path_for(held.path).is_file()
    assert lock_path_for(held.path).is_relative_to(Path(os.environ["XDG_STATE_HOME"]))
