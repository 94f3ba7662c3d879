"""A message to someone (a thank-you, a request for a conversation): edited here
or in $EDITOR, then sent the user's way (clipboard, an e-mail program, a file).

The text lives in the session file: every key goes into the model at once (so a
quit or a closed terminal saves it), and to disk through the session editor, as
typing is everywhere (after a pause, at least every few seconds, retried).
Subclasses say where in the session the text lives and what F5 does.

Every draft is signed from the user's profile: the first time one opens
without a name to sign it with, the profile form comes up (Escape leaves it
for later, and the draft keeps its placeholder).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import weakref
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Static, TextArea

from ...core.editor import SessionEditor
from .. import navigation
from ..saving import report
from ..widgets.footer import Footer
from ..widgets.text_editor import TextEditor
from . import workspace_of

if TYPE_CHECKING:
    from ...core.profile import Profile
    from ...core.store import SessionFile
    from ...core.workspace import Workspace

_PROFILE_ASKED: weakref.WeakSet[Workspace] = weakref.WeakSet()
"""The workspaces whose user was offered the profile form this run: once is enough."""


class DraftScreen(Screen[None]):
    """Edit and send one message kept in a session."""

    DEFAULT_CSS = """
    DraftScreen #draft-body {
        height: 1fr;
    }
    """

    # priority: the text box has keys of its own (F6 selects a line), and these
    # must work whichever widget has focus, as on the live screen.
    BINDINGS = [
        Binding(
            "f2",
            "copy",
            "Copy",
            priority=True,
            tooltip="Copy the text to the clipboard",
            id="draft.copy",
        ),
        Binding(
            "f3",
            "email",
            "E-mail",
            priority=True,
            tooltip="Open the text in your e-mail program",
            id="draft.email",
        ),
        Binding(
            "f4",
            "save_file",
            "Save",
            priority=True,
            tooltip="Write the text to a file",
            id="draft.save",
        ),
        Binding(
            "f6",
            "editor",
            "Editor",
            priority=True,
            tooltip="Edit the text in your own editor",
            id="draft.editor",
        ),
        Binding("escape", "back", "Back", tooltip="Save and go back", id="draft.back"),
    ]

    def __init__(self, handle: SessionFile) -> None:
        super().__init__()
        self.handle = handle
        self.editor: SessionEditor | None = None
        """Made with the widgets (it needs the app's clock)."""
        self._leave_unsaved = False
        """Set when leaving failed to save: a second Escape leaves anyway."""

    # --- what subclasses say --------------------------------------------------------

    @property
    def recipient(self) -> tuple[str, str]:
        """(name, contact) of the person the text is for."""
        raise NotImplementedError

    @property
    def stored(self) -> str:
        """The text as kept in the session."""
        raise NotImplementedError

    def store_text(self, text: str) -> None:
        """Keep ``text`` in the session (in memory; saving is done here)."""
        raise NotImplementedError

    def status(self) -> str:
        """The line under the text: where the message stands."""
        raise NotImplementedError

    def mail_subject(self) -> str:
        """The e-mail subject F3 fills in."""
        return ""

    def about(self) -> str:
        """Lines above the text (after To:), or nothing."""
        return ""

    def file_stem(self) -> str:
        """The suggested file name for F4, without ".txt"."""
        return self.handle.path.stem

    def compose_beside(self) -> ComposeResult:
        """Widgets beside the text (a subclass's), or none."""
        yield from ()

    def redraft(self, before: Profile) -> bool:
        """The profile changed from ``before``: make the draft afresh from the new
        one if it is still as it was made (in the session; the screen follows).
        True if it was."""
        return False

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.editor = SessionEditor(self.handle.session, workspace_of(self).clock, self.handle)
        yield Header()
        yield Static(self.heading(), id="draft-to", markup=False)
        with Horizontal(id="draft-body"):
            yield TextEditor(self.stored, id="draft-text")
            yield from self.compose_beside()
        yield Static("", id="draft-status", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.show_status()
        self.set_interval(1.0, self.tick)
        # After the first frame: the draft is on screen under the form.
        self.call_after_refresh(self.offer_profile)

    def heading(self) -> str:
        name, contact = self.recipient
        heading = f"To: {name}" + (f" <{contact}>" if contact else "")
        if self.about():
            heading += "\n" + self.about()
        return heading

    def show_heading(self) -> None:
        self.query_one("#draft-to", Static).update(self.heading())

    def show_status(self, note: str = "") -> None:
        self.query_one("#draft-status", Static).update(self.status() + (f" {note}" if note else ""))

    def show_text(self) -> None:
        """The text box shows the stored text again (it changed other than by typing)."""
        area = self.query_one(TextArea)
        if area.text != self.stored:
            area.text = self.stored

    # --- the profile drafts are signed with ---------------------------------------------

    def offer_profile(self) -> None:
        """The first draft of the run with no name to sign it: the profile form."""
        workspace = workspace_of(self)
        if workspace.profile.complete or workspace in _PROFILE_ASKED or not self.is_current:
            return
        _PROFILE_ASKED.add(workspace)
        navigation.edit_profile(self, first_time=True)

    def profile_changed(self, before: Profile) -> None:
        """The profile was saved: an untouched draft is signed afresh, and kept."""
        if not self.redraft(before):
            return
        self.show_text()
        self.show_heading()
        if self.save():
            self.notify("The draft is signed from your profile now.", timeout=5)

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    # --- saving -----------------------------------------------------------------------

    @on(TextArea.Changed)
    def typed(self) -> None:
        if self.stored != self.text:
            self.store_text(self.text)
            assert self.editor is not None
            self.editor.typed()

    def tick(self) -> None:
        assert self.editor is not None
        report(self, self.editor.tick(), "It stays on screen, and saving is retried.")

    def save(self) -> bool:
        """Save now; a failure is shown (each time: the user asked for this save)."""
        assert self.editor is not None
        self._leave_unsaved = False
        outcome = self.editor.save()
        if outcome.error is not None and not outcome.first_failure:
            outcome = replace(outcome, first_failure=True)
        report(self, outcome, "It stays on screen.")
        return outcome.saved

    def action_back(self) -> None:
        if not self.save() and not self._leave_unsaved:
            # Stay: the text is on screen, and F2 or F4 can still take it away.
            self._leave_unsaved = True
            self.notify(
                "Not saved, so still here: F4 writes the text to a file, F2 copies it. "
                "Escape again leaves without it.",
                title="Not saved",
                severity="error",
                timeout=15,
            )
            return
        workspace_of(self).release(self.handle)
        self.dismiss()

    # --- sending ----------------------------------------------------------------------

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        # In a browser (iisession serve) the page copies it, where the browser
        # lets a page use the clipboard: over https or this computer's own address.
        where = "your browser" if self.app.is_web else "your terminal"
        self.notify(
            f"Copied, where {where} allows it; the text is on screen to copy by hand too.",
            timeout=6,
        )

    def action_email(self) -> None:
        from ...core.followup import mailto

        _, contact = self.recipient
        self.app.open_url(mailto(contact, self.mail_subject(), self.text))
        where = contact if "@" in contact else "(add their address there)"
        self.notify(f"Opening your e-mail program, to {where}.", timeout=6)

    def action_save_file(self) -> None:
        from .prompts import TextPrompt

        default = str(Path("~") / f"{self.file_stem()}.txt")

        def chosen(value: str | None) -> None:
            if value:
                navigation.export_text(self, value, self.text, "the text")

        self.app.push_screen(TextPrompt("Save the text as", default), chosen)

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
            except (OSError, ValueError) as error:  # not found; a $EDITOR shlex cannot split
                self.notify(f"{editor} could not be started: {error}", severity="error")
                return
            edited = Path(draft.name).read_text(encoding="utf-8", errors="replace")
        finally:
            Path(draft.name).unlink(missing_ok=True)
        self.query_one(TextArea).text = edited
        self.save()
