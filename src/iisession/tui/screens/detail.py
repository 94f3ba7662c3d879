"""One session, readable like a document, with edit and thank-you one key away."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from . import app_of


class DetailScreen(Screen[None]):
    """Everything in one session; reread from disk whenever the screen shows."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("e", "edit", "Edit", tooltip="Edit this session, or resume its call"),
        Binding("y", "write_thank_you", "Thank-you", tooltip="Write the thank-you note"),
        Binding("t", "thank_you", "Sent", tooltip="Mark the thank-you note sent"),
        Binding("o", "outreach", "Reach out", tooltip="Write to one of the people suggested"),
        Binding("n", "call_referral", "Call", tooltip="Set up a call with a referral"),
    ]

    HELP = """
## A session
- **e** edits it: a planned call opens in the setup form; a call left open
  resumes (the clock waits for F5); an ended call opens on the live screen to
  finish the notes and add referrals. Everything is saved as you type.
- **y** opens the thank-you note: a draft from the session to edit and send.
- **t** marks the thank-you note sent (again to take that back).
- **o** opens the request to one of the people suggested: send it, and record
  where it stands (contacted, meeting planned, met, declined).
- **n** sets up a call with one of the people suggested: the new session and
  the referral are linked, so chains show in `iisession referrals`.
- **Escape** goes back. Arrows, Page Up/Down scroll.
"""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.state = ""
        self.thanked = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Markdown(id="document")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = self.path.name
        self.query_one("#detail").focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        from ...core.document import to_markdown
        from ...core.store import SessionFileError, read_session

        try:
            session = read_session(self.path).session
        except SessionFileError as error:
            self.state = ""
            text = f"# Cannot be read\n\n{error.reason}.\n\nThe file is left as it is."
        else:
            self.state = session.state.value
            self.thanked = session.follow_up.thank_you_sent is not None
            text = to_markdown(session, self.path.name)
        self.query_one("#document", Markdown).update(text)

    def action_back(self) -> None:
        self.dismiss()

    def action_edit(self) -> None:
        if not self.state:
            self.notify("This file cannot be read, so it cannot be edited.", severity="error")
            return
        app_of(self).edit_session(self.path, self.state)

    def action_write_thank_you(self) -> None:
        if self.state in ("", "planned"):
            self.notify("A thank-you comes after the call.", timeout=4)
            return
        app_of(self).open_thank_you(self.path)

    def action_outreach(self) -> None:
        if self.state:
            app_of(self).outreach_for(self.path)

    def action_call_referral(self) -> None:
        if self.state:
            app_of(self).call_referral(self.path)

    def action_thank_you(self) -> None:
        if not self.state:
            return
        if self.state == "planned":
            self.notify("The call has not happened yet.", timeout=4)
            return
        if not self.thanked:
            if app_of(self).mark_thank_you(self.path, sent=True):
                self.reload()
            return
        from .prompts import ChoiceModal

        def chosen(choice: str | None) -> None:
            if choice == "undo" and app_of(self).mark_thank_you(self.path, sent=False):
                self.reload()

        self.app.push_screen(
            ChoiceModal(
                "Thank-you already marked sent",
                "",
                [("u", "mark it not sent", "undo"), ("k", "keep it marked sent", "")],
            ),
            chosen,
        )
