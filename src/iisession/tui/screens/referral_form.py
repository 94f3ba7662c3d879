"""The referral form: the name is required, everything else optional.

A panel along the bottom of the screen, so the clock above it stays in sight
while a referral is taken down. Every field has a label beside it that stays
when the field is filled; "May I mention you?" and "Intro offered" take one
key each (y, n, ?). What was typed is never dropped unasked (see ``SmallForm``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from ...core.model import MayMention, Referral
from ..widgets.key_choice import KeyChoice
from .small_form import Fields, SmallForm

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


CONTACT_HINT = "e-mail, phone or web address"

MENTION = [
    ("y", "yes", MayMention.YES.value),
    ("n", "no", MayMention.NO.value),
    ("?", "not asked", MayMention.NOT_ASKED.value),
]
"""May I say you referred me: one key each."""

INTRO = [("y", "yes", "yes"), ("n", "no", "no")]
"""Did they offer to introduce me: one key each."""


class ReferralForm(SmallForm[Referral | None]):
    """Add or edit a referral. Ctrl+S or the button saves; Escape cancels.
    Dismissed with the referral (the one edited, changed in place), or None."""

    WHAT = "the referral"
    KIND = "referral"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="referral.cancel"),
        Binding("ctrl+s", "save", "Save referral", priority=True, id="referral.save"),
    ]
    AUTO_FOCUS = "#name"

    def __init__(
        self, referral: Referral | None = None, take: Callable[[Referral], None] | None = None
    ) -> None:
        super().__init__()
        self.referral = referral
        self.take = take
        self.taken: Referral | None = None
        """The referral as handed to whoever opened the form, before it closed."""

    def compose(self) -> ComposeResult:
        r = self.referral or Referral(name="")
        intro = "yes" if r.intro_offered else "no"
        fields = [
            ("Name (required)", Input(r.name, id="name")),
            ("Role", Input(r.role, id="role")),
            ("Organisation", Input(r.organisation, id="organisation")),
            ("How to reach them", Input(r.contact, placeholder=CONTACT_HINT, id="contact")),
            ("Why talk to them", Input(r.why, id="why")),
            ("May I mention you?", KeyChoice(MENTION, r.may_mention.value, id="may-mention")),
            ("Intro offered", KeyChoice(INTRO, intro, id="intro-offered")),
        ]
        with VerticalScroll(id="referral-form", can_focus=False):
            for label, field in fields:
                with Horizontal(classes="row"):
                    yield Label(label, classes="field-label")
                    yield field
                if field.id in ("name", "contact"):
                    yield Static("", id=f"{field.id}-error", classes="error", markup=False)
            yield Button("Save referral (Ctrl+S)", id="save", variant="primary", compact=True)

    def on_mount(self) -> None:
        form = self.query_one("#referral-form")
        form.border_title = "Referral" if self.referral else "New referral"
        form.border_subtitle = "Tab next field  Ctrl+S save  Esc cancel"

    def _say(self, field: str, problem: str) -> None:
        error = self.query_one(f"#{field}-error", Static)
        error.update(problem)
        error.set_class(bool(problem), "-shown")

    def fields(self) -> Fields:
        return [
            ("Name", self.query_one("#name", Input).value),
            ("Role", self.query_one("#role", Input).value),
            ("Organisation", self.query_one("#organisation", Input).value),
            ("How to reach them", self.query_one("#contact", Input).value),
            ("Why talk to them", self.query_one("#why", Input).value),
            ("May I mention you", self.query_one("#may-mention", KeyChoice).value),
            ("Intro offered", self.query_one("#intro-offered", KeyChoice).value),
        ]

    def _checked(self) -> tuple[Referral | None, str]:
        """The referral typed (the one edited, changed in place), or why it will not do."""
        name = self.query_one("#name", Input).value.strip()
        contact = self.query_one("#contact", Input).value.strip()
        name_error = "" if name else "A name is needed, even a first name."
        self._say("name", name_error)
        contact_error = contact_problem(contact) or ""
        self._say("contact", contact_error)
        if name_error or contact_error:
            self.query_one("#name" if name_error else "#contact", Input).focus()
            return None, name_error or contact_error
        result = self.referral or self.taken or Referral(name=name)
        result.name = name
        result.role = self.query_one("#role", Input).value.strip()
        result.organisation = self.query_one("#organisation", Input).value.strip()
        result.contact = contact
        result.why = self.query_one("#why", Input).value.strip()
        result.may_mention = MayMention(self.query_one("#may-mention", KeyChoice).value)
        result.intro_offered = self.query_one("#intro-offered", KeyChoice).value == "yes"
        return result, ""

    def save_typed(self, *, strict: bool) -> str | None:
        result, problem = self._checked()
        if result is None:
            return problem
        if self.taken is None and not self._hand_over(result):
            return "it could not be added to the session"
        self.taken = result  # from now on changed in place, where the session holds it
        return None

    def _hand_over(self, result: Referral) -> bool:
        """Give ``result`` to whoever opened the form now, not only when it closes:
        on quit the call's prompt and save come next, and on a signal the process
        ends first. ``take`` must accept the same referral again (closing the
        form hands it over too)."""
        if self.take is None:
            return False
        self.take(result)
        return True

    def close_saved(self) -> None:
        self.dismiss(self.taken)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        result, _ = self._checked()
        if result is not None:
            self.dismiss(result)
