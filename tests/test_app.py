"""The full-screen app driven by Pilot."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Header, Markdown, OptionList, Static

from iisession.core.clock import SystemClock
from iisession.core.paths import resolve_folders
from iisession.core.store import SessionStore
from iisession.core.workspace import Workspace
from iisession.tui.app import IISessionApp
from tests.factories import make_session


def make_app(sessions_dir: Path) -> IISessionApp:
    return IISessionApp(Workspace(resolve_folders(str(sessions_dir)), SystemClock()))


async def wait_for_scan(app: IISessionApp, pilot: Pilot[None]) -> None:
    """The folder is read shortly after the first frame; wait for it, at most 5 s."""
    for _ in range(100):
        start = app.start_screen
        if start.scanned and start.past_list.is_mounted and start.upcoming_list.is_mounted:
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError("the sessions folder was never read")


async def test_header_names_the_app_and_lists_sessions(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    store.create(make_session(name="[bold]Ada[/bold] \x1b[31m")).close()
    store.create(make_session(name="Grace Hopper")).close()
    sessions_dir.joinpath("broken.toml").write_bytes(b"schema_version = ")
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_scan(app, pilot)
        assert app.title == "iisession"
        header = app.screen.query_one(Header)
        assert "iisession" in header.screen_title
        listing = app.screen.query_one("#past", OptionList)
        assert listing.option_count == 2
        shown = [str(listing.get_option_at_index(i).prompt) for i in range(2)]
        assert any("[bold]Ada[/bold]" in line for line in shown)
        assert any("Grace Hopper  Northwind Health  4/8 asked  (ended)" in line for line in shown)
        problems = app.screen.query_one("#problems", Static)
        assert "broken.toml: not valid TOML" in str(problems.render())


async def test_empty_folder_is_not_created_by_looking(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_scan(app, pilot)
        past = app.screen.query_one("#past", OptionList)
        assert past.option_count == 1
        assert "No calls yet" in str(past.get_option_at_index(0).prompt)
        upcoming = app.screen.query_one("#upcoming", OptionList)
        assert "n sets up a call" in str(upcoming.get_option_at_index(0).prompt)
        assert app.screen.sub_title == "0 sessions"
    assert not sessions_dir.exists()


async def test_f1_opens_and_closes_the_help_over_the_screen(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_scan(app, pilot)
        start = app.screen
        for close in ("f1", "escape"):
            await pilot.press("f1")
            await pilot.pause()
            shown = app.screen
            assert isinstance(shown, ModalScreen), close
            text = shown.query_one(Markdown).source
            assert "sets up a new session" in text  # the start screen's own help
            assert "Ctrl+Q" in text
            await pilot.press(close)
            await pilot.pause()
            assert app.screen is start, close
            assert not start.query("HelpPanel")
