"""The full-screen app driven by Pilot."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Header, Static

from iisession.app import IISessionApp
from iisession.paths import resolve_folders
from iisession.store import SessionStore
from tests.factories import make_session


def make_app(sessions_dir: Path) -> IISessionApp:
    return IISessionApp(resolve_folders(str(sessions_dir)))


async def test_header_names_the_app_and_lists_sessions(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    store.create(make_session(name="[bold]Ada[/bold] \x1b[31m")).close()
    store.create(make_session(name="Grace Hopper")).close()
    sessions_dir.joinpath("broken.toml").write_bytes(b"schema_version = ")
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.title == "iisession"
        header = app.screen.query_one(Header)
        assert "iisession" in header.screen_title
        table = app.screen.query_one("#sessions", DataTable)
        assert table.row_count == 2
        people = sorted(str(table.get_row_at(i)[1]) for i in range(2))
        assert people == ["Grace Hopper", "[bold]Ada[/bold] \x1b[31m"]
        problems = app.screen.query_one("#problems", Static)
        assert "broken.toml: not valid TOML" in str(problems.render())


async def test_empty_folder_is_not_created_by_looking(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#sessions", DataTable).row_count == 0
        assert app.screen.sub_title == "0 sessions"
    assert not sessions_dir.exists()


async def test_help_panel_opens_with_f1(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
