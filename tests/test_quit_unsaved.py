"""Quitting with typing the sessions folder would not take: never a silent loss.

The disk is full for the sessions folder only (the atomic write the store
calls fails there with ENOSPC), or the session is open in another iisession.
Ctrl+Q then says plainly what is not saved, and offers a rescue copy in the
state folder, another try, or staying; going without it takes Ctrl+D twice.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea

from iisession.core import atomic, store
from iisession.core.clock import ManualClock
from iisession.core.model import Person, Session, SessionState
from iisession.core.paths import resolve_folders, state_dir
from iisession.core.store import SessionStore, read_session
from iisession.core.workspace import RESCUE_FOLDER, Workspace
from iisession.tui.app import IISessionApp
from iisession.tui.navigation import open_setup
from iisession.tui.screens.live import LiveScreen
from iisession.tui.screens.prompts import ChoiceModal
from iisession.tui.screens.setup import SetupScreen
from iisession.tui.screens.unsaved import UnsavedScreen
from tests.pilot_helpers import current_screen

WORDS = "call Priya"
"""Typed into the notes: every word must survive."""


def disk_full(monkeypatch: pytest.MonkeyPatch, folder: Path | None) -> Callable[[], None]:
    """Writes into ``folder`` (every write, with None) fail as on a full disk;
    the function returned frees the disk again."""
    real = atomic.write_atomic  # what the store calls

    def full(path: Path, data: bytes, *, exclusive: bool = False) -> None:
        if folder is None or path.parent == folder:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, exclusive=exclusive)

    monkeypatch.setattr(store, "write_atomic", full)
    return lambda: monkeypatch.setattr(store, "write_atomic", real)


def live_app(sessions_dir: Path) -> tuple[IISessionApp, Path]:
    handle = SessionStore(sessions_dir).create(Session(person=Person(name="Maya Lindqvist")))
    workspace = Workspace(resolve_folders(str(sessions_dir)), ManualClock())
    return IISessionApp(workspace, handle), handle.path


def shown(app: IISessionApp) -> str:
    """Every line of text on the screen on top."""
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


def says_saved(text: str) -> bool:
    """Whether the word "saved" is there on its own, not as "not saved"."""
    return re.search(r"(?<!not )\bsaved\b", text, re.IGNORECASE) is not None


def rescued() -> list[Path]:
    return sorted((state_dir() / RESCUE_FOLDER).glob("*.toml"))


async def test_quit_during_a_call_with_the_disk_full_asks_and_the_rescue_copy_has_every_word(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, path = live_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")  # the call is live
        disk_full(monkeypatch, sessions_dir)
        await pilot.press("f3", *WORDS)
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ChoiceModal)
        assert not says_saved(shown(app))  # no "saved either way" with nothing saved
        await pilot.press("k")  # keep the call open to resume
        assert isinstance(current_screen(app), UnsavedScreen)
        text = shown(app)
        assert "NOT SAVED" in text
        assert "not saved: the disk is full" in text
        assert "Maya Lindqvist" in text
        assert not says_saved(text)

        await pilot.press("enter")  # by accident: nothing happens
        assert isinstance(current_screen(app), UnsavedScreen)
        await pilot.press("r")
        [copy] = rescued()
        assert str(copy) in shown(app)  # the full path, on screen
        assert copy.stat().st_mode & 0o777 == 0o600
        assert "rescue" in copy.name
        kept = read_session(copy).session
        assert kept.notes == WORDS
        assert kept.state is SessionState.LIVE
        assert app.return_code is None
        await pilot.press("enter")  # everything is in the copy now: Enter quits
        assert app.return_code == 0
    assert read_session(path).session.notes == ""  # the file itself: as the disk left it


async def test_a_failed_rescue_says_so_and_stays_and_retry_saves_once_the_disk_has_room(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, path = live_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        disk_full(monkeypatch, None)  # the state folder is on the same full disk
        await pilot.press("f3", *WORDS, "ctrl+q", "r")
        assert isinstance(app.screen, UnsavedScreen)
        text = shown(app)
        assert "No rescue copy written" in text
        assert "the disk is full" in text
        assert not says_saved(text)
        await pilot.press("enter")  # no copy: Enter does not quit
        assert isinstance(current_screen(app), UnsavedScreen)
        assert rescued() == []

        free = disk_full(monkeypatch, sessions_dir)
        await pilot.press("t")  # the sessions folder is still full
        assert isinstance(current_screen(app), UnsavedScreen)
        assert "still not saved" in shown(app)
        free()
        await pilot.press("t")
        assert app.return_code == 0
    assert read_session(path).session.notes == WORDS
    assert rescued() == []


async def test_stay_keeps_the_app_and_the_text_and_going_without_takes_ctrl_d_twice(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, path = live_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        disk_full(monkeypatch, sessions_dir)
        await pilot.press("f3", *WORDS, "ctrl+q")
        assert isinstance(app.screen, UnsavedScreen)
        await pilot.press("escape")
        live = current_screen(app)
        assert isinstance(live, LiveScreen)
        assert live.query_one("#notes", TextArea).text == WORDS
        assert app.return_code is None

        await pilot.press("ctrl+q", "ctrl+q")  # twice in a hurry: still asked
        assert isinstance(current_screen(app), UnsavedScreen)
        await pilot.press("ctrl+d", "a")  # once, then anything else: nothing goes
        assert isinstance(current_screen(app), UnsavedScreen)
        assert app.return_code is None
        await pilot.press("ctrl+d", "ctrl+d")
        assert app.return_code == 0
    assert read_session(path).session.notes == ""
    assert rescued() == []


async def test_a_session_open_in_another_iisession_asks_before_its_typing_is_dropped(
    sessions_dir: Path,
) -> None:
    first = SessionStore(sessions_dir).create(Session(person=Person(name="Ana Ruiz")))
    before = first.path.read_bytes()
    app = IISessionApp(Workspace(resolve_folders(str(sessions_dir)), ManualClock()))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            open_setup(app.screen, first.path)  # held by the first window: read-only
            await pilot.pause()
            setup = current_screen(app)
            assert isinstance(setup, SetupScreen)
            assert setup.handle is not None
            assert setup.handle.read_only
            setup.query_one("#research", TextArea).focus()
            await pilot.press(*WORDS, "ctrl+q")
            assert isinstance(current_screen(app), UnsavedScreen)
            text = shown(app)
            assert "not saved: this session is open in another iisession" in text
            assert not says_saved(text)
            await pilot.press("r", "enter")
            assert app.return_code == 0
    finally:
        first.close()
    [copy] = rescued()
    assert read_session(copy).session.preparation.research == WORDS
    assert first.path.read_bytes() == before  # the other window's, untouched


async def test_a_new_session_whose_file_cannot_be_made_is_not_dropped_on_quit(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = IISessionApp(Workspace(resolve_folders(str(sessions_dir)), ManualClock()))
    async with app.run_test(size=(80, 24)) as pilot:
        disk_full(monkeypatch, sessions_dir)
        await pilot.press("n", *"Ana Ruiz", "tab")  # leaving the name saves: it fails
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.query_one("#name", Input).value == "Ana Ruiz"
        await pilot.press("ctrl+q")
        assert isinstance(current_screen(app), UnsavedScreen)
        assert "Ana Ruiz (no file yet)" in shown(app)
        await pilot.press("r", "enter")
        assert app.return_code == 0
    [copy] = rescued()
    assert read_session(copy).session.person.name == "Ana Ruiz"
    assert list(sessions_dir.glob("*.toml")) == []


async def test_going_back_from_the_call_with_the_disk_full_asks_too(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _ = live_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        disk_full(monkeypatch, sessions_dir)
        await pilot.press("f3", *WORDS, "escape")
        assert isinstance(current_screen(app), UnsavedScreen)
        assert "going back now would lose it" in shown(app)
        await pilot.press("escape")  # stay on the call
        live = current_screen(app)
        assert isinstance(live, LiveScreen)
        assert live.handle in app.workspace.open_files
        assert live.query_one("#notes", TextArea).text == WORDS
