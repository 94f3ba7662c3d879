"""The user's own profile: who every draft is from.

It is asked for the first time a draft needs a name to sign with, and from the
command palette ("Your profile") at any time. It is kept in the config file
(``[profile]``), the rest of which is left as it was.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static, TextArea

from ...core.profile import Profile, ProfileError
from ..widgets.text_editor import TextEditor
from . import workspace_of
from .small_form import FORM_CSS, Fields, SmallForm

INTRODUCTION_HINT = "I am a data analyst moving into user research"


class ProfileScreen(SmallForm[Profile | None]):
    """Name, e-mail, a one-line introduction and a signature: saved into the
    config file, or Escape for later. Dismissed with the profile saved."""

    WHAT = "your profile"
    KIND = "profile"

    DEFAULT_CSS = (
        FORM_CSS.format(form="#profile-form")
        + """
    #signature {
        height: 4;
        border: round $border-blurred;
        padding: 0 1;
        margin-top: 1;
        &:focus {
            border: round $border;
        }
    }
    """
    )

    BINDINGS = [
        Binding(
            "escape",
            "cancel",
            "Later",
            tooltip="Not now: drafts say [your name]",
            id="profile.cancel",
        ),
        # Not a priority key: it reaches the form after the letters typed
        # before it (a priority key would act before the field had them).
        Binding("ctrl+s", "save", "Save", tooltip="Save your profile", id="profile.save"),
    ]
    AUTO_FOCUS = "#name"

    def __init__(self, profile: Profile, *, first_time: bool = False) -> None:
        super().__init__()
        self.profile = profile
        self.first_time = first_time
        self.saved: Profile | None = None
        """The profile as last written to the config file from here."""

    def compose(self) -> ComposeResult:
        p = self.profile
        with VerticalScroll(id="profile-form", can_focus=False):
            if self.first_time:
                yield Static(
                    "Who are your drafts from? Your name signs them; the introduction "
                    "says who is writing. Escape: later.",
                    markup=False,
                )
            for key, label, value, hint in (
                ("name", "Your name", p.name, "needed to sign a draft"),
                ("email", "E-mail", p.email, "name@example.org"),
                ("introduction", "Introduction", p.introduction, INTRODUCTION_HINT),
            ):
                with Horizontal(classes="row"):
                    yield Label(label, classes="field-label")
                    yield Input(value, placeholder=hint, id=key)
            yield Static("", id="name-error", classes="error", markup=False)
            signature = TextEditor(p.signature, id="signature", soft_wrap=True)
            signature.border_title = "Signature (empty: your name, then your e-mail)"
            yield signature
            yield Static("", id="save-error", classes="error", markup=False)
            yield Button(
                "Save (Ctrl+S)", id="save", classes="save", variant="primary", compact=True
            )

    def on_mount(self) -> None:
        form = self.query_one("#profile-form")
        form.border_title = "Your profile"
        form.border_subtitle = "Tab next  Ctrl+S save  Esc later"

    def _say(self, where: str, problem: str) -> None:
        error = self.query_one(f"#{where}-error", Static)
        error.update(problem)
        error.set_class(bool(problem), "-shown")

    @on(Input.Submitted)
    def next_field(self) -> None:
        # Enter goes on down the form, as Tab does; Ctrl+S (or the button) saves.
        self.focus_next()

    def _typed_profile(self) -> Profile:
        return Profile(
            name=self.query_one("#name", Input).value,
            email=self.query_one("#email", Input).value,
            introduction=self.query_one("#introduction", Input).value,
            signature=self.query_one("#signature", TextArea).text,
        ).cleaned()

    def fields(self) -> Fields:
        return [
            ("Your name", self.query_one("#name", Input).value),
            ("E-mail", self.query_one("#email", Input).value),
            ("Introduction", self.query_one("#introduction", Input).value),
            ("Signature", self.query_one("#signature", TextArea).text),
        ]

    def save_typed(self, *, strict: bool) -> str | None:
        profile = self._typed_profile()
        if strict and not profile.complete:
            self._say("name", "Your name is needed to sign the drafts (Escape: later).")
            self.query_one("#name", Input).focus()
            return "your name is needed to sign the drafts"
        self._say("name", "")
        try:
            workspace_of(self).save_profile(profile)
        except ProfileError as error:
            self._say("save", f"Not saved: {error}")  # the form stays, with what was typed
            return str(error)
        self._say("save", "")
        self.saved = profile
        return None

    def close_saved(self) -> None:
        self.dismiss(self.saved)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.save_typed(strict=True) is None:
            self.close_saved()

    def keep_label(self, problem: str) -> str:
        if not self._typed_profile().complete:
            return "save it as it is, then quit (drafts say [your name] until you add it)"
        return super().keep_label(problem)

    def keep(self, problem: str) -> bool:
        # Without a name, what was typed still saves: the name can come later.
        if not self._typed_profile().complete and self.save_typed(strict=False) is None:
            self.close_saved()
            return True
        return super().keep(problem)
