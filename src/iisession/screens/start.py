"""The start screen: new session, upcoming calls, past sessions, the question bank.

The sessions folder is read in a thread once the first frame is up, so the
screen appears at once however many files there are.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from . import app_of

if TYPE_CHECKING:
    from ..model import Session
    from ..store import Loaded, Problem

MENU = [
    ("new", "n", "New session"),
    ("upcoming", "u", "Upcoming calls"),
    ("review", "r", "Review past sessions"),
    ("bank", "b", "Question bank and templates"),
]


class StartScreen(Screen[None]):
    """What the app opens on."""

    # The menu and the list borders name these keys; a footer of seven more
    # keys costs the first frame about 50 ms.
    BINDINGS = [
        Binding("n", "new_session", "New", tooltip="Set up a new session", show=False),
        Binding(
            "u",
            "focus_list('upcoming')",
            "Upcoming",
            tooltip="Go to the upcoming calls",
            show=False,
        ),
        Binding("r", "focus_list('past')", "Review", tooltip="Go to the past sessions", show=False),
        Binding(
            "b",
            "question_bank",
            "Bank",
            tooltip="Browse the question bank and templates",
            show=False,
        ),
        Binding(
            "c",
            "confirm",
            "Confirmed",
            tooltip="Mark the highlighted upcoming call confirmed",
            show=False,
        ),
        Binding(
            "p",
            "practice",
            "Practice",
            tooltip="Practise the highlighted upcoming call",
            show=False,
        ),
    ]

    HELP = """
## Start
- **n** sets up a new session (who, when, how long, your questions).
- **u** goes to the upcoming calls: **Enter** opens one to edit or start it,
  **p** starts a practice run of it, **c** marks it confirmed.
- **r** goes to the past sessions: **Enter** opens one.
- **b** opens the question bank and your templates.
- **Tab** moves between the lists. **Ctrl+Q** quits.
"""

    def __init__(self, sessions_dir: Path) -> None:
        super().__init__()
        self.sessions_dir = sessions_dir
        self.loaded: list[Loaded] = []
        self.scanned = False
        self.upcoming_list = OptionList(id="upcoming")
        self.past_list = OptionList(id="past")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Sessions folder: {self.sessions_dir}", id="folder", markup=False)
        # The first frame is only this: the lists are mounted once the folder is
        # read (they would be empty until then, and they slow the first frame).
        waiting = _menu_text()
        waiting.append("\n\nReading the sessions folder…", style="italic")
        yield Static(waiting, id="reading")
        yield Static("", id="problems", markup=False)
        yield Footer(compact=True)

    def _mount_lists(self) -> None:
        menu = Static(_menu_text(), id="menu")
        menu.border_title = "Start"
        upcoming = self.upcoming_list = OptionList(id="upcoming")
        upcoming.border_title = "Upcoming"
        upcoming.border_subtitle = "Enter open  p practise  c confirmed"
        past = self.past_list = OptionList(id="past")
        past.border_title = "Past sessions"
        # Not awaited: the lists are filled in at once and drawn when mounted.
        self.query_one("#reading").remove()
        self.mount(Horizontal(menu, upcoming, id="start-top"), before="#problems")
        self.mount(past, before="#problems")
        upcoming.focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            # Never a silent "Reading..." forever: say what went wrong.
            self.notify(
                f"The sessions folder could not be listed: {event.worker.error}",
                severity="error",
                timeout=20,
            )

    def on_screen_resume(self) -> None:
        # Back from a session: show what changed.
        if self.scanned:
            self.scan()

    @work(thread=True, exit_on_error=False, group="scan", exclusive=True)
    def scan(self) -> None:
        """Read the folder in a thread; the app calls this once the first frame is up."""
        from ..store import SessionStore  # kept out of start-up

        sessions, problems = SessionStore(self.sessions_dir).scan()
        self.app.call_from_thread(self.show, sessions, problems)

    def show(self, loaded: list[Loaded], problems: list[Problem]) -> None:
        from ..model import SessionState, utc_now
        from ..planning import confirmation, describe_when, upcoming

        if not self.scanned:
            self._mount_lists()
        self.loaded = loaded
        self.scanned = True
        now = utc_now()
        by_id = {id(item.session): item for item in loaded}
        sessions = [item.session for item in loaded]

        soon = self.upcoming_list
        highlighted = soon.highlighted
        soon.clear_options()
        for session in upcoming(sessions, now):
            path = by_id[id(session)].path
            when = (
                describe_when(session.planned_at, now)
                if session.planned_at is not None
                else "no date yet"
            )
            line = Text(f"{when}  ")
            line.append(session.person.name or "(no name)", style="bold")
            if session.person.organisation:
                line.append(f"  {session.person.organisation}")
            note = confirmation(session, now)
            if session.planned_at is not None and session.planned_at < now:
                note = "its time has passed: open it to start, or edit the date"
            if note:
                style = "bold" if note.startswith("confirm it now") else "dim"
                line.append(f"\n  {note}", style=style)
            soon.add_option(Option(line, id=path.name))
        if soon.option_count == 0:
            soon.add_option(
                Option(Text("Nothing planned: n sets up a call", "italic"), disabled=True)
            )
        else:
            # Keep the place after a rescan; highlight the first call otherwise.
            soon.highlighted = min(highlighted or 0, soon.option_count - 1)

        past = self.past_list
        highlighted = past.highlighted
        past.clear_options()
        held = [item for item in loaded if item.session.state is not SessionState.PLANNED]
        held.sort(key=lambda item: _when(item.session), reverse=True)
        for item in held:
            past.add_option(Option(_past_line(item.session), id=item.path.name))
        if not held:
            past.add_option(Option(Text("No calls yet.", "italic"), disabled=True))
        else:
            past.highlighted = min(highlighted or 0, past.option_count - 1)

        self.sub_title = f"{len(loaded)} session{'' if len(loaded) == 1 else 's'}"
        text = ""
        if problems:
            lines = [f"Unreadable ({len(problems)}), left as they are:"]
            lines += [f"  {p.path.name}: {p.reason}" for p in problems]
            text = "\n".join(lines)
        problems_line = self.query_one("#problems", Static)
        problems_line.update(text)
        problems_line.display = bool(text)
        app_of(self).sessions_scanned(loaded)

    # --- actions -----------------------------------------------------------

    def _path(self, list_id: str) -> Path | None:
        if not self.scanned:
            return None
        listing = self.upcoming_list if list_id == "upcoming" else self.past_list
        index = listing.highlighted
        if index is None:
            return None
        option = listing.get_option_at_index(index)
        if option.disabled or option.id is None:
            return None
        return self.sessions_dir / option.id

    def action_focus_list(self, list_id: str) -> None:
        if self.scanned:
            (self.upcoming_list if list_id == "upcoming" else self.past_list).focus()

    def action_new_session(self) -> None:
        app_of(self).new_session()

    def action_question_bank(self) -> None:
        app_of(self).open_bank()

    @on(OptionList.OptionSelected, "#upcoming")
    def open_upcoming(self) -> None:
        path = self._path("upcoming")
        if path is not None:
            app_of(self).open_setup(path)

    @on(OptionList.OptionSelected, "#past")
    def open_past(self) -> None:
        path = self._path("past")
        if path is not None:
            app_of(self).open_live(path)

    def action_practice(self) -> None:
        path = self._path("upcoming")
        if path is None:
            self.notify("Highlight an upcoming call first (u), or set one up (n).", timeout=5)
            return
        app_of(self).practise(path)

    def action_confirm(self) -> None:
        path = self._path("upcoming")
        if path is None:
            self.notify("Highlight an upcoming call first (u).", timeout=5)
            return
        if app_of(self).mark_confirmed(path):
            self.scan()


def _menu_text() -> Text:
    return Text("\n").join(Text.assemble((f"{key}  ", "bold"), label) for _, key, label in MENU)


def _when(session: Session) -> dt.datetime:
    return session.started_at or session.planned_at or session.created


def _past_line(session: Session) -> Text:
    when = _when(session).astimezone()
    # Text, not str: a name like "[bold]" must show as typed, not as markup.
    line = Text(f"{when:%Y-%m-%d}  ")
    line.append(session.person.name or "(no name)", style="bold")
    if session.person.organisation:
        line.append(f"  {session.person.organisation}")
    asked = sum(q.asked for q in session.questions)
    line.append(f"  {asked}/{len(session.questions)} asked", style="dim")
    state = "practice" if session.practice else session.state.value
    line.append(f"  ({state})", style="dim" if state == "ended" else "bold")
    return line
