"""The thank-you note: a draft from the session, edited here or in $EDITOR, then sent
the user's way (clipboard, an e-mail program, a file) and marked sent.

The draft lives in the session file and is saved as it is typed (after a short
pause) and on leaving, with the same guarantees as every other save.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static, TextArea

from ..store import SaveError
from . import app_of

if TYPE_CHECKING:
    from ..store import SessionFile

SAVE_PAUSE = 2.0
"""Seconds after the last key before the draft is saved."""


class ThankYouScreen(Screen[None]):
    """Edit, send and mark the thank-you for one session."""

    BINDINGS = [
        Binding("f2", "copy", "Copy", tooltip="Copy the note to the clipboard"),
        Binding("f3", "email", "E-mail", tooltip="Open the note in your e-mail program"),
        Binding("f4", "save_file", "Save as file", tooltip="Write the note to a text file"),
        Binding("f5", "mark_sent", "Mark sent", tooltip="Mark the thank-you sent"),
        Binding("f6", "editor", "$EDITOR", tooltip="Edit the note in your own editor"),
        Binding("escape", "back", "Back", tooltip="Save and go back"),
    ]

    HELP = """
## Thank-you note
A draft made from the session: edit it here (or **F6** in your own editor).
Send it your way: **F2** copies it (the text stays on screen to copy by hand
where the terminal does not allow copying), **F3** opens it in your e-mail
program, **F4** writes it to a file. Then **F5** marks it sent. A thank-you
not sent within a day of the call is listed as overdue by `iisession todo`.
"""

    def __init__(self, handle: SessionFile) -> None:
        super().__init__()
        self.handle = handle
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        person = self.handle.session.person
        to = person.name + (f" <{person.contact}>" if person.contact else "")
        yield Header()
        yield Static(f"To: {to}", id="thank-you-to", markup=False)
        yield TextArea(self.handle.session.follow_up.thank_you_draft, id="thank-you-text")
        yield Static("", id="thank-you-status", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "thank-you note"
        self.query_one(TextArea).focus()
        self.show_status()

    def show_status(self, note: str = "") -> None:
        sent = self.handle.session.follow_up.thank_you_sent
        state = f"sent {sent.astimezone():%Y-%m-%d %H:%M}" if sent else "not sent yet"
        self.query_one("#thank-you-status", Static).update(
            f"Thank-you {state}." + (f" {note}" if note else "")
        )

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    # --- saving -------------------------------------------------------------------

    @on(TextArea.Changed)
    def typed(self) -> None:
        from ..model import utc_now

        # Into the model at once, so a quit or a closed terminal saves every key;
        # to disk after a pause.
        follow = self.handle.session.follow_up
        if follow.thank_you_draft != self.text:
            follow.thank_you_draft = self.text
            follow.thank_you_drafted = utc_now()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_PAUSE, self.save)

    def save(self) -> bool:
        try:
            self.handle.save()
        except SaveError as error:
            self.notify(f"{error}; it stays on screen", title="Not saved", severity="error")
            return False
        return True

    def action_back(self) -> None:
        self.save()
        app_of(self).release(self.handle)
        self.dismiss()

    # --- sending --------------------------------------------------------------------

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify(
            "Copied, where your terminal allows it; the note is on screen to copy by hand too.",
            timeout=6,
        )

    def action_email(self) -> None:
        from ..followup import mailto

        person = self.handle.session.person
        link = mailto(person.contact, "Thank you", self.text)
        self.app.open_url(link)
        where = person.contact if "@" in person.contact else "(add their address there)"
        self.notify(f"Opening your e-mail program, to {where}.", timeout=6)

    def action_save_file(self) -> None:
        from .prompts import TextPrompt

        name = self.handle.path.stem
        default = str(Path("~") / f"thank-you-{name}.txt")

        def chosen(value: str | None) -> None:
            if value:
                self.write_file(Path(value.strip()).expanduser())

        self.app.push_screen(TextPrompt("Save the note as", default), chosen)

    def write_file(self, target: Path) -> None:
        from ..atomic import describe_os_error, write_atomic

        try:
            write_atomic(target, self.text.encode("utf-8"))
        except OSError as error:
            self.notify(
                f"{target} cannot be written: {describe_os_error(error)}",
                title="Not saved",
                severity="error",
            )
            return
        self.notify(f"Written to {target}", timeout=6)

    def action_mark_sent(self) -> None:
        from ..model import utc_now

        follow = self.handle.session.follow_up
        follow.thank_you_sent = None if follow.thank_you_sent else utc_now()
        if self.save():
            self.show_status("F5 again takes it back." if follow.thank_you_sent else "")

    def action_editor(self) -> None:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ""
        if not editor:
            self.notify("Set $EDITOR to edit in your own editor; edit here meanwhile.")
            return
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as draft:
            draft.write(self.text)
        try:
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(editor), draft.name], check=False)
            except SuspendNotSupported:
                self.notify("This terminal cannot hand over to an editor; edit here.")
                return
            except OSError as error:
                self.notify(f"{editor} could not be started: {error}", severity="error")
                return
            edited = Path(draft.name).read_text(encoding="utf-8")
        finally:
            Path(draft.name).unlink(missing_ok=True)
        self.query_one(TextArea).text = edited
        self.save()
