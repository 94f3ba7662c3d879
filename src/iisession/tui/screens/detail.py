"""One session, readable like a document, with edit and thank-you one key away."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Markdown

from ...core.model import SessionState
from .. import navigation
from ..widgets.footer import Footer
from . import workspace_of


class DetailScreen(Screen[None]):
    """Everything in one session; reread from disk whenever the screen shows."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="detail.back"),
        Binding(
            "e", "edit", "Edit", tooltip="Edit this session, or resume its call", id="detail.edit"
        ),
        Binding(
            "y",
            "write_thank_you",
            "Thank-you",
            tooltip="Write the thank-you note",
            id="detail.write-thank-you",
        ),
        Binding(
            "t",
            "thank_you",
            "Sent",
            tooltip="Mark the thank-you note sent",
            id="detail.thank-you-sent",
        ),
        Binding(
            "o",
            "outreach",
            "Reach out",
            tooltip="Write to one of the people suggested",
            id="detail.outreach",
        ),
        Binding(
            "n", "call_referral", "Call", tooltip="Set up a call with a referral", id="detail.call"
        ),
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
        self.state: SessionState | None = None
        """None while the file cannot be read."""
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
        from ...core.workspace import CannotOpen

        self.path = workspace_of(self).where_now(self.path)  # renamed after its planned time
        self.sub_title = self.path.name
        try:
            session = workspace_of(self).read(self.path)
        except CannotOpen as error:
            self.state = None
            text = f"# Cannot be read\n\n{error.reason}.\n\nThe file is left as it is."
        else:
            self.state = session.state
            self.thanked = session.follow_up.thank_you_sent is not None
            text = to_markdown(session, self.path.name)
        self.query_one("#document", Markdown).update(text)

    def action_back(self) -> None:
        self.dismiss()

    def action_edit(self) -> None:
        if self.state is None:
            self.notify("This file cannot be read, so it cannot be edited.", severity="error")
            return
        navigation.edit_session(
            self, self.path, self.state in (SessionState.REQUESTED, SessionState.PLANNED)
        )

    def action_write_thank_you(self) -> None:
        if self.state in (None, SessionState.REQUESTED, SessionState.PLANNED):
            self.notify("A thank-you comes after the call.", timeout=4)
            return
        navigation.open_thank_you(self, self.path)

    def action_outreach(self) -> None:
        if self.state is not None:
            navigation.outreach_for(self, self.path)

    def action_call_referral(self) -> None:
        if self.state is not None:
            navigation.call_referral(self, self.path)

    def action_thank_you(self) -> None:
        if self.state is None:
            return
        if self.state in (SessionState.REQUESTED, SessionState.PLANNED):
            self.notify("The call has not happened yet.", timeout=4)
            return
        if not self.thanked:
            if self._mark(sent=True):
                self.reload()
            return
        from .prompts import ChoiceModal

        def chosen(choice: str | None) -> None:
            if choice == "undo" and self._mark(sent=False):
                self.reload()

        self.app.push_screen(
            ChoiceModal(
                "Thank-you already marked sent",
                "",
                [("u", "mark it not sent", "undo"), ("k", "keep it marked sent", "")],
            ),
            chosen,
        )

    def _mark(self, *, sent: bool) -> bool:
        workspace = workspace_of(self)
        return navigation.done(self, lambda: workspace.mark_thank_you(self.path, sent=sent))
