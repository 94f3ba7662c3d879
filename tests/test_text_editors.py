"""Every text box: Ctrl+Home / Ctrl+End go to the start / end of the whole text."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import TextArea

from iisession.core.clock import ManualClock
from iisession.core.model import Person, Session
from iisession.core.paths import resolve_folders
from iisession.core.profile import Profile
from iisession.core.store import SessionStore
from iisession.core.workspace import Workspace
from iisession.tui.app import IISessionApp
from iisession.tui.screens.live import LiveScreen
from iisession.tui.screens.setup import SetupScreen
from iisession.tui.screens.thank_you import ThankYouScreen
from tests.pilot_helpers import current_screen

EXAMPLES = Path(__file__).resolve().parent.parent / "sessions"
TEXT = "First line of the text\nthe middle one\nand the last line"
END = (2, len("and the last line"))


async def start_and_end_of_the_text(pilot: Pilot[None], area: TextArea) -> None:
    area.focus()
    area.text = TEXT
    area.move_cursor((1, 4))
    await pilot.pause()
    await pilot.press("ctrl+end")
    assert area.cursor_location == END
    await pilot.press("ctrl+home")
    assert area.cursor_location == (0, 0)
    await pilot.press("ctrl+shift+end")  # selects from the cursor to the end
    assert area.selected_text == TEXT
    await pilot.press("right", "ctrl+shift+home")
    assert area.selected_text == TEXT
    assert area.cursor_location == (0, 0)


async def test_the_notes_on_the_live_screen(sessions_dir: Path) -> None:
    handle = SessionStore(sessions_dir).create(Session(person=Person(name="Maya Lindqvist")))
    app = IISessionApp(Workspace(resolve_folders(str(sessions_dir)), ManualClock()), handle)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LiveScreen)
        await pilot.press("f3")
        await start_and_end_of_the_text(pilot, app.screen.query_one("#notes", TextArea))


async def test_the_preparation_fields_of_the_setup_form(sessions_dir: Path) -> None:
    app = IISessionApp(Workspace(resolve_folders(str(sessions_dir)), ManualClock()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        screen = current_screen(app)
        assert isinstance(screen, SetupScreen)
        for field in ("introduction", "goals", "research"):
            await start_and_end_of_the_text(pilot, screen.query_one(f"#{field}", TextArea))


async def test_the_thank_you_draft(tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    workspace = Workspace(resolve_folders(str(folder)), ManualClock())
    workspace.profile = Profile(name="Clara Whitfield")  # no profile form over the draft
    app = IISessionApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        handle = workspace.open_thank_you(folder / "2026-11-04-1200-owen-pritchard.toml")
        app.push_screen(ThankYouScreen(handle))
        await pilot.pause()
        screen = current_screen(app)
        assert isinstance(screen, ThankYouScreen)
        await start_and_end_of_the_text(pilot, screen.query_one("#draft-text", TextArea))
