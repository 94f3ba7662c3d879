"""The first screen: what is in the sessions folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from ..store import Loaded, Problem


class HomeScreen(Screen[None]):
    """Lists the sessions found, and the files that could not be read."""

    def __init__(self, sessions_dir: Path) -> None:
        super().__init__()
        self.sessions_dir = sessions_dir

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Sessions folder: {self.sessions_dir}", id="folder", markup=False)
        yield OptionList("Reading the sessions folder…", id="sessions")
        yield Static("", id="problems", markup=False)
        yield Footer(compact=True)

    @work(thread=True, exit_on_error=False, group="scan")
    def scan(self) -> None:
        """Read the folder in a thread; the app calls this once the first frame is up."""
        from ..store import SessionStore  # kept out of start-up

        sessions, problems = SessionStore(self.sessions_dir).scan()
        self.app.call_from_thread(self.show, sessions, problems)

    def show(self, sessions: list[Loaded], problems: list[Problem]) -> None:
        listing = self.query_one("#sessions", OptionList)
        listing.clear_options()
        for loaded in sessions:
            session = loaded.session
            person = session.person
            when = (session.planned_at or session.created).astimezone()
            # Text, not str: a name like "[bold]" must show as typed, not as markup.
            line = Text(f"{when:%Y-%m-%d}  ")
            line.append(person.name or "(no name)", style="bold")
            if person.organisation:
                line.append(f"  {person.organisation}")
            line.append(f"  ({session.state.value})", style="dim")
            listing.add_option(Option(line, id=loaded.path.name))
        if not sessions:
            hint = "No sessions yet. Start one from a shell: iisession new --name NAME"
            listing.add_option(Option(Text(hint, style="italic"), disabled=True))
        self.sub_title = f"{len(sessions)} sessions"
        if problems:
            lines = [f"Unreadable ({len(problems)}):"]
            lines += [f"  {p.path.name}: {p.reason}" for p in problems]
            self.query_one("#problems", Static).update("\n".join(lines))
