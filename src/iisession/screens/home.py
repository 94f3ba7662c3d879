"""The first screen: what is in the sessions folder."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ..store import Loaded, Problem, SessionStore


class HomeScreen(Screen[None]):
    """Lists the sessions found, and the files that could not be read."""

    def __init__(self, store: SessionStore) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Sessions folder: {self.store.root}", id="folder", markup=False)
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static("", id="problems", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_columns("File", "Person", "Organisation", "State")
        table.loading = True
        self.scan()

    @work(thread=True, exit_on_error=False, group="scan")
    def scan(self) -> None:
        sessions, problems = self.store.scan()
        self.app.call_from_thread(self.show, sessions, problems)

    def show(self, sessions: list[Loaded], problems: list[Problem]) -> None:
        table = self.query_one("#sessions", DataTable)
        table.loading = False
        for loaded in sessions:
            person = loaded.session.person
            # Text, not str: a name like "[bold]" must show as typed, not as markup.
            table.add_row(
                Text(loaded.path.name),
                Text(person.name or "(no name)"),
                Text(person.organisation),
                Text(loaded.session.state.value),
            )
        self.sub_title = f"{len(sessions)} sessions"
        if problems:
            lines = [f"Unreadable ({len(problems)}):"]
            lines += [f"  {p.path.name}: {p.reason}" for p in problems]
            self.query_one("#problems", Static).update("\n".join(lines))
