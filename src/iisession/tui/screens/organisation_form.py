"""One target organisation to add or change: name, motivation, advocate, postings, notes.

A small panel: a label beside each field, one line each; a problem with what
is typed is said under the field at once. Advocate and postings take one key
each (y, n). The form stays open, with what was typed, until the list takes
it: a file broken or changed meanwhile, or a full disk, is said on the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from ...core.organisations import MOTIVATION_MAX, Target, organisation_key
from ..widgets.key_choice import KeyChoice
from .small_form import Fields, SmallForm

YES_NO = [("y", "yes", "yes"), ("n", "no", "no")]

Store = Callable[[Target, str | None], str | None]
"""Writes a target into the list in place of the one with that key (None: as a
new one); None once written, else why not."""


class OrganisationName(Validator):
    """A name, and not one already in the list (matched as the list matches them)."""

    def __init__(self, taken: dict[str, str]) -> None:
        """``taken``: the names of the other organisations, by ``organisation_key``."""
        super().__init__()
        self.taken = taken

    def validate(self, value: str) -> ValidationResult:
        key = organisation_key(value)
        if not key:
            return self.failure("A name is needed.")
        if key in self.taken:
            return self.failure(f"{self.taken[key]} is in the list already.")
        return self.success()


class Motivation(Validator):
    """How much the user wants to work there: a whole number from 0 to 3."""

    def validate(self, value: str) -> ValidationResult:
        typed = value.strip()
        if typed.isdigit() and 0 <= int(typed) <= MOTIVATION_MAX:
            return self.success()
        wanted = (
            f"a number from 0 to {MOTIVATION_MAX} ({MOTIVATION_MAX}: where you most want to work)"
        )
        if not typed:
            return self.failure(wanted[:1].upper() + wanted[1:] + ".")
        return self.failure(f"{typed} will not do: {wanted}.")


class OrganisationForm(SmallForm[Target | None]):
    """Add or edit one organisation. Enter or Ctrl+S saves; Escape cancels.
    Dismissed with the organisation as written to the list, or None."""

    WHAT = "the organisation"
    KIND = "organisation"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="organisation.cancel"),
        Binding("ctrl+s", "save", "Save", priority=True, id="organisation.save"),
    ]
    AUTO_FOCUS = "#org-name"

    DEFAULT_CSS = """
    #organisation-form {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        padding: 0 1;
        border: round $primary;
        background: $surface;

        .org-row { height: 1; }
        .org-label { width: 16; color: $text-muted; }
        Input {
            width: 1fr;
            height: 1;
            padding: 0 1;
            border: none;
            border-left: vkey $border-blurred;
            border-right: vkey $border-blurred;
            &:focus {
                border-left: vkey $border;
                border-right: vkey $border;
            }
            &.-invalid {
                border-left: vkey $error;
                border-right: vkey $error;
            }
        }
        .org-error {
            display: none;
            height: auto;
            padding-left: 16;
            color: $error;
            text-style: bold;
        }
        .org-error.-shown { display: block; }
        .org-hint { height: auto; color: $text-muted; }
    }
    """

    def __init__(self, target: Target | None, taken: dict[str, str], *, store: Store) -> None:
        """``taken``: the other organisations' names, by ``organisation_key``;
        ``store`` writes what is saved into the list."""
        super().__init__()
        self.target = target
        self.taken = taken
        self.store = store
        self.was = target.key if target is not None else None
        """The key of the organisation in the list that saving replaces (None: a new one)."""
        self.written: Target | None = None

    def compose(self) -> ComposeResult:
        t = self.target or Target(name="")
        checked: list[Literal["changed", "submitted"]] = ["changed", "submitted"]
        name = Input(
            t.name, validators=[OrganisationName(self.taken)], validate_on=checked, id="org-name"
        )
        motivation = Input(
            str(t.motivation), validators=[Motivation()], validate_on=checked, id="org-motivation"
        )
        fields = [
            ("Name", name),
            (f"Motivation 0-{MOTIVATION_MAX}", motivation),
            ("Know someone?", KeyChoice(YES_NO, "yes" if t.advocate else "no", id="org-advocate")),
            ("Postings?", KeyChoice(YES_NO, "yes" if t.postings else "no", id="org-postings")),
            ("Notes", Input(t.notes, id="org-notes")),
        ]
        with VerticalScroll(id="organisation-form", can_focus=False):
            for label, field in fields:
                with Horizontal(classes="org-row"):
                    yield Label(label, classes="org-label")
                    yield field
                if field.id in ("org-name", "org-motivation"):
                    yield Static("", id=f"{field.id}-error", classes="org-error", markup=False)
            yield Static("", id="org-save-error", classes="org-error", markup=False)
            yield Static(
                "Know someone: an advocate there. Postings: relevant to you.\n"
                "Tab next field  Enter or Ctrl+S save  Esc cancel",
                classes="org-hint",
            )

    def on_mount(self) -> None:
        form = self.query_one("#organisation-form")
        form.border_title = "Organisation" if self.target else "New organisation"

    def _say(self, field: str, result: ValidationResult | None) -> bool:
        """Show what is wrong with ``field``, if anything; True if it will do."""
        problems = [] if result is None else result.failure_descriptions
        error = self.query_one(f"#{field}-error", Static)
        error.update("\n".join(problems))
        error.set_class(bool(problems), "-shown")
        return not problems

    @on(Input.Changed, "#org-name, #org-motivation")
    def typed(self, event: Input.Changed) -> None:
        if event.input.id:
            self._say(event.input.id, event.validation_result)

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    def fields(self) -> Fields:
        return [
            ("Name", self.query_one("#org-name", Input).value),
            ("Motivation", self.query_one("#org-motivation", Input).value),
            ("Know someone", self.query_one("#org-advocate", KeyChoice).value),
            ("Postings", self.query_one("#org-postings", KeyChoice).value),
            ("Notes", self.query_one("#org-notes", Input).value),
        ]

    def save_typed(self, *, strict: bool) -> str | None:
        name = self.query_one("#org-name", Input)
        motivation = self.query_one("#org-motivation", Input)
        checked = [name.validate(name.value), motivation.validate(motivation.value)]
        name_ok = self._say("org-name", checked[0])
        motivation_ok = self._say("org-motivation", checked[1])
        if not (name_ok and motivation_ok):
            (motivation if name_ok else name).focus()
            problems = [p for result in checked if result for p in result.failure_descriptions]
            return problems[0] if problems else "the name or the motivation will not do"
        target = Target(
            name=name.value,
            motivation=int(motivation.value.strip()),
            advocate=self.query_one("#org-advocate", KeyChoice).value == "yes",
            postings=self.query_one("#org-postings", KeyChoice).value == "yes",
            notes=self.query_one("#org-notes", Input).value,
        )
        problem = self.store(target, self.was)
        error = self.query_one("#org-save-error", Static)
        error.update(f"Not saved: {problem}" if problem else "")
        error.set_class(bool(problem), "-shown")
        if problem:
            return problem
        self.was = target.key  # saved again (on a signal), it replaces itself
        self.written = target
        return None

    def close_saved(self) -> None:
        self.dismiss(self.written)

    def action_save(self) -> None:
        if self.save_typed(strict=True) is None:
            self.close_saved()
