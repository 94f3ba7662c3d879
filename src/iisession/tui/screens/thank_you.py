"""The thank-you note: a draft from the session, edited, sent and marked sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from ...core.requests import thank_you_subject
from . import workspace_of
from .draft import DraftScreen

if TYPE_CHECKING:
    from ...core.profile import Profile


class ThankYouScreen(DraftScreen):
    """Edit, send and mark the thank-you for one session."""

    BINDINGS = [
        *DraftScreen.BINDINGS,
        Binding(
            "f5",
            "mark_sent",
            "Mark sent",
            priority=True,
            tooltip="Mark the thank-you sent",
            id="thanks.sent",
        ),
    ]

    HELP = """
## Thank-you note
A draft made from the session: edit it here (or **F6** in your own editor).
Send it your way: **F2** copies it (the text stays on screen to copy by hand
where the terminal does not allow copying), **F3** opens it in your e-mail
program (with its subject), **F4** writes it to a file. Then **F5** marks it
sent. A thank-you not sent within a day of the call is listed as overdue in
the follow-ups.

It is signed from your profile (**Ctrl+P**, "Your profile").
"""

    def mail_subject(self) -> str:
        return thank_you_subject(self.handle.session)

    def about(self) -> str:
        return f"Subject: {self.mail_subject()}"

    def on_mount(self) -> None:  # DraftScreen.on_mount runs as well (Textual calls both)
        self.sub_title = "thank-you note"

    @property
    def recipient(self) -> tuple[str, str]:
        person = self.handle.session.person
        return person.name, person.contact

    @property
    def stored(self) -> str:
        return self.handle.session.follow_up.thank_you_draft

    def store_text(self, text: str) -> None:
        follow = self.handle.session.follow_up
        follow.thank_you_draft = text
        follow.thank_you_drafted = workspace_of(self).clock.wall()

    def redraft(self, before: Profile) -> bool:
        from ...core.followup import thank_you_draft

        session = self.handle.session
        follow = session.follow_up
        if follow.thank_you_draft != thank_you_draft(session, before.sign_off()):
            return False  # edited: the user's words stay
        follow.thank_you_draft = thank_you_draft(session, workspace_of(self).profile.sign_off())
        return True

    def status(self) -> str:
        sent = self.handle.session.follow_up.thank_you_sent
        return "Thank-you " + (
            f"sent {sent.astimezone():%Y-%m-%d %H:%M}." if sent else "not sent yet."
        )

    def file_stem(self) -> str:
        return f"thank-you-{self.handle.path.stem}"

    def action_mark_sent(self) -> None:
        follow = self.handle.session.follow_up
        before = follow.thank_you_sent
        follow.thank_you_sent = None if before else workspace_of(self).clock.wall()
        if not self.save():
            follow.thank_you_sent = before  # shown as it stands on disk
            self.show_status()
            return
        self.show_status("F5 again takes it back." if follow.thank_you_sent else "")
