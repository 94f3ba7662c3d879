"""The referral form: the name is required, everything else optional."""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from ...core.model import MayMention, Referral

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s().-]{6,}$")
_URL = re.compile(r"^(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)


def contact_problem(text: str) -> str | None:
    """A light check of how to reach someone: e-mail, phone or web address."""
    text = text.strip()
    if not text or _EMAIL.match(text) or _PHONE.match(text) or _URL.match(text):
        return None
    if "@" in text:
        return "That e-mail address looks incomplete (name@example.org)."
    return "Give an e-mail address, a phone number or a web address, or leave it empty."


class ReferralForm(ModalScreen[Referral | None]):
    """Add or edit a referral. Ctrl+S or the button saves; Escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="referral.cancel"),
        Binding("ctrl+s", "save", "Save referral", priority=True, id="referral.save"),
    ]
    AUTO_FOCUS = "#name"

    def __init__(self, referral: Referral | None = None) -> None:
        super().__init__()
        self.referral = referral

    def compose(self) -> ComposeResult:
        r = self.referral or Referral(name="")
        with VerticalScroll(classes="dialog form"):
            yield Label("Referral" if self.referral else "New referral", classes="title")
            yield Input(r.name, placeholder="Name (required)", id="name", compact=True)
            yield Static("", id="name-error", classes="error")
            yield Input(r.role, placeholder="Role", id="role", compact=True)
            yield Input(r.organisation, placeholder="Organisation", id="organisation", compact=True)
            yield Input(
                r.contact, placeholder="E-mail, phone or web address", id="contact", compact=True
            )
            yield Static("", id="contact-error", classes="error")
            yield Input(r.why, placeholder="Why talk to them", id="why", compact=True)
            yield Select(
                [
                    ("May I mention you? Not asked", MayMention.NOT_ASKED),
                    ("May I mention you? Yes", MayMention.YES),
                    ("May I mention you? No", MayMention.NO),
                ],
                value=r.may_mention,
                allow_blank=False,
                compact=True,
                id="may-mention",
            )
            yield Checkbox("Introduction offered", r.intro_offered, id="intro", compact=True)
            yield Button("Save referral (Ctrl+S)", id="save", variant="primary", compact=True)
            yield Static("Tab moves between fields. Escape cancels.", classes="hint")

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        contact = self.query_one("#contact", Input).value.strip()
        name_error = "" if name else "A name is needed, even a first name."
        self.query_one("#name-error", Static).update(name_error)
        contact_error = contact_problem(contact) or ""
        self.query_one("#contact-error", Static).update(contact_error)
        if name_error or contact_error:
            self.query_one("#name" if name_error else "#contact", Input).focus()
            return
        mention = self.query_one("#may-mention", Select).value
        result = self.referral or Referral(name=name)
        result.name = name
        result.role = self.query_one("#role", Input).value.strip()
        result.organisation = self.query_one("#organisation", Input).value.strip()
        result.contact = contact
        result.why = self.query_one("#why", Input).value.strip()
        result.may_mention = MayMention(mention) if isinstance(mention, str) else result.may_mention
        result.intro_offered = self.query_one("#intro", Checkbox).value
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
