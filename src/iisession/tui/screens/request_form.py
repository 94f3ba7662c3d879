"""A new request: who to ask, how they were found, how long to ask for.

Keyboard only: Tab or Enter to the next field (Enter on the last one saves),
Ctrl+S saves from anywhere, Escape cancels (asking first if anything was
typed). Saving makes the session file, a request drafted from the profile,
and the request screen opens on it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from ...core.model import DEFAULT_LIMIT_MINUTES, Person
from ...core.planning import check_limit
from ...core.store import SaveError, SessionFile
from ...core.workdays import describe_day
from . import workspace_of
from .referral_form import CONTACT_HINT, contact_problem
from .small_form import FORM_CSS, Fields, SmallForm

FIELDS = [
    ("name", "Name", "who to ask (required)"),
    ("title", "Job title", ""),
    ("organisation", "Organisation", ""),
    ("how_found", "How found", "alumni list, a talk, a search..."),
    ("referred_by", "Referred by", "who suggested them, if anyone"),
    ("contact", "How to reach", CONTACT_HINT),
]


class RequestForm(SmallForm[SessionFile | None]):
    """Who to ask: dismissed with the new request's file, held open, or None."""

    WHAT = "the new request"
    KIND = "request"

    DEFAULT_CSS = FORM_CSS.format(form="#request-form")

    BINDINGS = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            tooltip="Cancel: nothing is made (asked first if anything was typed)",
            id="request.form-cancel",
        ),
        # Not a priority key: it reaches the form after the letters typed
        # before it (a priority key would act before the field had them).
        Binding(
            "ctrl+s",
            "save",
            "Save",
            tooltip="Make the request and open it",
            id="request.form-save",
        ),
    ]
    AUTO_FOCUS = "#name"

    def __init__(self, *, organisation: str = "", name: str = "") -> None:
        super().__init__()
        self.person = Person(name=name, organisation=organisation)
        self.made: SessionFile | None = None
        """The request's file, once made (held open)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="request-form", can_focus=False):
            for key, label, hint in FIELDS:
                with Horizontal(classes="row"):
                    yield Label(label, classes="field-label")
                    yield Input(getattr(self.person, key), placeholder=hint, id=key)
                if key in ("name", "contact"):
                    yield Static("", id=f"{key}-error", classes="error", markup=False)
            with Horizontal(classes="row"):
                yield Label("Limit, minutes", classes="field-label")
                yield Input(str(DEFAULT_LIMIT_MINUTES), id="limit", max_length=4)
            yield Static("", id="limit-error", classes="error", markup=False)
            yield Static("", id="save-error", classes="error", markup=False)
            yield Button("Make the request (Ctrl+S)", id="save", classes="save", compact=True)

    def on_mount(self) -> None:
        form = self.query_one("#request-form")
        form.border_title = "Ask someone for a conversation"
        form.border_subtitle = "Tab/Enter next  Ctrl+S save  Esc cancel"
        if self.person.name:
            self.query_one("#title", Input).focus()

    def _say(self, field: str, problem: str) -> None:
        error = self.query_one(f"#{field}-error", Static)
        error.update(problem)
        error.set_class(bool(problem), "-shown")

    @on(Input.Changed, "#limit")
    def limit_typed(self, event: Input.Changed) -> None:
        minutes, note = check_limit(event.value)
        self._say("limit", "" if minutes is not None else note)

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "limit":
            self.action_save()
        else:
            self.focus_next()

    def _value(self, key: str) -> str:
        return " ".join(self.query_one(f"#{key}", Input).value.split())

    def fields(self) -> Fields:
        labels = [(key, label) for key, label, _ in FIELDS] + [("limit", "Limit, minutes")]
        return [(label, self.query_one(f"#{key}", Input).value) for key, label in labels]

    def save_typed(self, *, strict: bool) -> str | None:
        name = self._value("name")
        name_error = "" if name else "A name is needed, even a first name."
        self._say("name", name_error)
        contact_error = contact_problem(self._value("contact")) or ""
        self._say("contact", contact_error)
        minutes, note = check_limit(self._value("limit"))
        self._say("limit", "" if minutes is not None else note)
        for field, problem in (
            ("name", name_error),
            ("contact", contact_error),
            ("limit", "" if minutes is not None else note),
        ):
            if problem:
                self.query_one(f"#{field}", Input).focus()
                return problem
        person = Person(**{key: self._value(key) for key, _, _ in FIELDS})
        workspace = workspace_of(self)
        session = workspace.new_request(person, limit_minutes=minutes)
        if self.made is not None:
            # Made already (on a signal, with keys still coming): the same file
            # takes what was typed since, drafted afresh (nothing of it is sent).
            kept = self.made.session
            kept.person = person
            kept.limit_minutes = session.limit_minutes
            kept.request = session.request
            return None
        try:
            self.made = workspace.create(session)
        except SaveError as error:
            self._say("save", f"Not saved: {error}")  # the form stays, with what was typed
            return f"not saved: {error}"
        self._say("save", "")
        return None

    def close_saved(self) -> None:
        handle = self.made
        assert handle is not None
        person = handle.session.person
        workspace = workspace_of(self)
        waiting = workspace.requests_at(person.organisation, other_than=handle.session.id)
        if waiting is not None and waiting.request is not None and waiting.request.sent_at:
            # One at a time per organisation: a word, not a stop (it is not sent yet).
            self.notify(
                f"{waiting.person.name} at {waiting.person.organisation} was asked "
                f"{describe_day(waiting.request.sent_at)} and has not replied yet: give them "
                "a few business days before sending this one.",
                title="One at a time",
                severity="warning",
                timeout=12,
            )
        self.dismiss(handle)

    def close_quitting(self) -> None:
        # Open until the app has gone: closing opens the request's own screen.
        # Should the user stay after all, Save or Escape opens it then.
        pass

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.save_typed(strict=True) is None:
            self.close_saved()

    def action_cancel(self) -> None:
        if self.made is not None and not self.touched():
            self.close_saved()  # made already (on the way out): never left held unseen
        else:
            super().action_cancel()
