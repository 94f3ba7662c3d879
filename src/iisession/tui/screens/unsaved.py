"""Before quitting or going back: what is still in memory only, and what saves it.

Every session open, or under edit in a screen, is saved first; if any is still
not on disk (a full disk, a session open in another iisession), one prompt says
so plainly and offers what saves it: a rescue copy in the user's state folder,
another try, or staying. Going without it takes a deliberate key pressed
twice, never Enter: the user may be in the middle of a call, typing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label, Static

from ...core.editor import SessionEditor
from ...core.paths import state_dir
from ...core.workspace import RESCUE_FOLDER, NotWritten, Unsaved
from ..key_order import AnsweredByOneKey
from . import workspace_of

Going = Literal["quit", "leave"]
"""Quitting the app, or leaving one screen."""

WORDS: dict[Going, tuple[str, str, str]] = {
    "quit": ("quitting", "quit", "stay in iisession"),
    "leave": ("going back", "go back", "stay on this screen"),
}
"""For each: doing it now, doing it, not doing it."""


def editors_of(app: App[Any]) -> list[SessionEditor]:
    """The session editors of the screens open in ``app``, bottom to top
    (a screen that edits a session keeps its editor as ``editor``)."""
    found = []
    for screen in app.screen_stack:
        editor = getattr(screen, "editor", None)
        if isinstance(editor, SessionEditor):
            found.append(editor)
    return found


def rescued_message(paths: list[Path]) -> str:
    """Said in the terminal once the app has gone, so the paths outlive the screen."""
    if not paths:
        return ""
    lines = "\n".join(f"  {path}" for path in paths)
    return (
        "iisession: some of your session was NOT SAVED in the sessions folder; "
        f"everything is in the rescue copy:\n{lines}"
    )


def settle_unsaved(
    node: Widget,
    editors: list[SessionEditor],
    proceed: Callable[[list[Path]], None],
    *,
    going: Going,
    every_open_file: bool,
) -> None:
    """Save what there is to save, then ``proceed`` (with the rescue copies
    written, if any); if anything is still in memory only, ask first, and
    proceed only if the user says so."""
    unsaved = workspace_of(node).save_and_check(editors, every_open_file=every_open_file)
    if not unsaved:
        proceed([])
        return

    def chosen(rescued: list[Path] | None) -> None:
        if rescued is not None:
            proceed(rescued)

    node.app.push_screen(
        UnsavedScreen(unsaved, editors, going=going, every_open_file=every_open_file), chosen
    )


def describe(item: Unsaved) -> str:
    """One session not saved, in two lines: whose, and why."""
    name = item.session.person.name.strip() or "A session without a name"
    where = item.path.name if item.path is not None else "no file yet"
    return f"{name} ({where})\n  not saved: {item.reason}"


class UnsavedScreen(AnsweredByOneKey, ModalScreen[list[Path] | None]):
    """What is not saved, and the keys that save it. Dismissed with the rescue
    copies written (go ahead) or None (stay)."""

    BINDINGS = [
        Binding("r", "rescue", "Rescue copy", id="unsaved.rescue"),
        Binding("t", "retry", "Try again", id="unsaved.retry"),
        Binding("escape,s", "stay", "Stay", id="unsaved.stay"),
        Binding("ctrl+d", "without", "Go without saving", id="unsaved.without"),
        Binding("enter", "go", "Go", id="unsaved.go"),
    ]

    DEFAULT_CSS = """
    UnsavedScreen #unsaved-items {
        height: auto;
        max-height: 8;
    }
    """
    """Several sessions not saved scroll, so that the keys stay in sight."""

    HELP = """
## Not saved
What is listed is in memory only: the session file could not be written.
- **r** writes a rescue copy, a complete session file, to your state folder.
- **t** tries saving the session file again (once the disk has room, say).
- **Escape** or **s** stays, with everything as it is.
- **Ctrl+D**, then **Ctrl+D** again, goes without saving: what is listed is lost.
"""

    def __init__(
        self,
        unsaved: list[Unsaved],
        editors: list[SessionEditor],
        *,
        going: Going = "quit",
        every_open_file: bool = True,
    ) -> None:
        super().__init__()
        self.unsaved = unsaved
        self.editors = editors
        self.going: Going = going
        self.every_open_file = every_open_file
        self.rescued: list[Path] = []
        """Rescue copies written of everything now listed: Enter goes ahead."""
        self.armed = False
        """Ctrl+D pressed once: pressed again, it goes without saving."""

    # --- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="unsaved"):
            yield Label(self._title(), id="unsaved-title", classes="title")
            with VerticalScroll(id="unsaved-items"):
                yield Static(self._listed(), id="unsaved-list", markup=False)
            yield Static("", id="unsaved-rescued", markup=False)
            yield Static("", id="unsaved-note", markup=False)
            yield Static(self._keys(), id="unsaved-keys", markup=False)

    def on_mount(self) -> None:
        # The toasts of failed saves would cover the keys: this says it all.
        self.app.clear_notifications()
        self._note("")
        self.query_one("#unsaved-rescued").display = False

    def _title(self) -> str:
        if self.rescued:
            return "NOT SAVED in its file, but all of it is in a rescue copy"
        doing, _, _ = WORDS[self.going]
        return f"NOT SAVED: {doing} now would lose it"

    def _listed(self) -> str:
        return "\n" + "\n".join(describe(item) for item in self.unsaved)

    def _keys(self) -> str:
        _, do, stay = WORDS[self.going]
        if self.rescued:
            lines = [
                f"Enter   {do} now: the rescue copy holds it all",
                "t       try saving the session file again",
                f"Esc     {stay}",
            ]
        else:
            lines = [
                "r       write a rescue copy in",
                f"        {state_dir() / RESCUE_FOLDER}/",
                "t       try saving again",
                f"Esc     {stay}",
                f"Ctrl+D  {do} without saving (asks again)",
            ]
        return "\n" + "\n".join(f"  {line}" for line in lines)

    def _note(self, text: str, *, problem: bool = False) -> None:
        note = self.query_one("#unsaved-note", Static)
        note.update(f"\n{text}" if text else "")
        note.display = bool(text)
        note.set_class(problem, "error")

    def _show(self) -> None:
        self.query_one("#unsaved-title", Label).update(self._title())
        self.query_one("#unsaved-list", Static).update(self._listed())
        self.query_one("#unsaved-keys", Static).update(self._keys())
        rescued = self.query_one("#unsaved-rescued", Static)
        rescued.display = bool(self.rescued)
        paths = "\n".join(str(path) for path in self.rescued)
        rescued.update(
            f"\nRescue copy written, a complete session file:\n{paths}\n"
            "The session file itself still lacks it."
        )

    # --- keys ---------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        # Ctrl+D once, then anything but Ctrl+D: nothing goes, whatever the key.
        if self.armed and event.key not in self.active_bindings:
            event.stop()
            event.prevent_default()
            self._disarm()

    def _disarm(self) -> bool:
        """Ctrl+D was pressed once: undo it (True) instead of doing what was asked."""
        if not self.armed:
            return False
        self.armed = False
        _, do, _ = WORDS[self.going]
        self._note(f"Did not {do}: nothing is lost. Choose a key below.")
        return True

    def quit_pressed(self) -> None:
        """Ctrl+Q again while this is asked: it never quits by itself."""
        self.armed = False
        _, do, _ = WORDS[self.going]
        self._note(
            f"Ctrl+Q does not {do} from here: choose a key below "
            f"(Ctrl+D twice to {do} without saving).",
            problem=True,
        )

    def action_rescue(self) -> None:
        if self._disarm():
            return
        try:
            self.rescued = workspace_of(self).rescue(self.unsaved)
        except NotWritten as error:
            self.rescued = []
            why = str(error)
            self._note(
                f"{why[:1].upper()}{why[1:]}. Nothing is lost yet: free some room and "
                "press t, or stay.",
                problem=True,
            )
        else:
            self._note("")
        self._show()

    def action_retry(self) -> None:
        if self._disarm():
            return
        self.unsaved = workspace_of(self).save_and_check(
            self.editors, every_open_file=self.every_open_file
        )
        if not self.unsaved:
            self.notify("Saved.", timeout=3)
            self.dismiss([])
            return
        self._note("Tried again: still not saved.", problem=True)
        self._show()

    def action_stay(self) -> None:
        if self._disarm():
            return
        self.dismiss(None)

    def action_go(self) -> None:
        if self._disarm() or not self.rescued:
            return  # before a rescue copy, Enter does nothing: it is too easy to press
        self._go()

    def _go(self) -> None:
        if self.rescued and self.going == "leave":
            # The app goes on: the path stays in sight a while longer. (Quitting
            # says it in the terminal once the screen is gone.)
            paths = "\n".join(str(path) for path in self.rescued)
            self.notify(paths, title="Rescue copy written", timeout=30)
        self.dismiss(self.rescued)

    def action_without(self) -> None:
        _, do, _ = WORDS[self.going]
        if not self.armed:
            self.armed = True
            self._note(
                f"Press Ctrl+D again to {do} and lose what is listed; any other key keeps it.",
                problem=True,
            )
            return
        self._go()
