"""Small typed modals: one line of text, one number, a message to read."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..key_order import AnsweredByOneKey


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text. Enter accepts, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="text")
            yield Static("Enter to keep, Escape to cancel", classes="hint")

    @on(Input.Submitted)
    def accept(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Minutes(Validator):
    """A whole number of minutes from ``low`` to ``high``, never 0 (it changes nothing)."""

    def __init__(self, low: int, high: int, hint: str) -> None:
        super().__init__()
        self.low = low
        self.high = high
        self.hint = hint

    def validate(self, value: str) -> ValidationResult:
        typed = value.strip()
        try:
            minutes = int(typed)
        except ValueError:
            if not typed:
                return self.failure("Type a number of minutes.")
            return self.failure(f"{typed!r} is not a whole number of minutes.")
        if minutes == 0 or not self.low <= minutes <= self.high:
            return self.failure(f"{minutes} will not do: {self.hint}")
        return self.success()


class MinutesPrompt(ModalScreen[int | None]):
    """Ask for a whole number of minutes. What is typed shows as typed, and a
    problem with it is said under the field at once; Enter keeps the prompt
    open until the number will do."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="minutes.cancel")]

    def __init__(
        self, title: str, default: int, low: int = 1, high: int = 120, hint: str = ""
    ) -> None:
        """``hint`` says what may be typed (by default, ``low`` to ``high`` minutes)."""
        super().__init__()
        self.title_text = title
        self.default = default
        self.low = low
        self.high = high
        self.hint = hint or f"{low} to {high} minutes."

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, markup=False)
            # Not type="integer": it drops letters without a word, and Enter
            # would then take the default as if it had been typed.
            yield Input(
                str(self.default),
                validators=[Minutes(self.low, self.high, self.hint)],
                validate_on=["changed", "submitted"],
                id="minutes",
            )
            yield Static("", id="error", classes="error", markup=False)
            yield Static(
                f"{self.hint} Enter to keep, Escape to cancel", classes="hint", markup=False
            )

    def _show_problem(self, result: ValidationResult | None) -> bool:
        """Say what is wrong with the number, if anything; True if it will do."""
        problems = [] if result is None else result.failure_descriptions
        self.query_one("#error", Static).update("\n".join(problems))
        return not problems

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        self._show_problem(event.validation_result)

    @on(Input.Submitted)
    def accept(self, event: Input.Submitted) -> None:
        if self._show_problem(event.validation_result):
            self.dismiss(int(event.value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


class MessageModal(AnsweredByOneKey, ModalScreen[None]):
    """A message to read; any of Enter or Escape closes it."""

    BINDINGS = [Binding("escape,enter", "close", "Close", id="message.close")]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title", markup=False)
            yield Static(self.body, markup=False)
            yield Static("Enter or Escape to close", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


class ChoiceModal(AnsweredByOneKey, ModalScreen[str | None]):
    """A question with a few answers, each on its own key. Escape cancels."""

    BINDINGS = [Binding("escape", "choose('')", "Cancel", id="choice.cancel")]

    def __init__(self, title: str, body: str, choices: list[tuple[str, str, str]]) -> None:
        """``choices``: (key, label, value) for each answer."""
        super().__init__()
        self.title_text = title
        self.body = body
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title", markup=False)
            if self.body:
                yield Static(self.body, markup=False)
            for key, label, _ in self.choices:
                yield Static(f"  {key}  {label}", markup=False)
            yield Static("  Esc  cancel", classes="hint")

    def on_key(self, event: events.Key) -> None:
        for key, _, value in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(value)

    def action_choose(self, value: str) -> None:
        self.dismiss(value or None)


class ListChooser(ModalScreen[str | None]):
    """Pick one item from a list: Enter picks, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="chooser.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        """``choices``: (label, value) for each item."""
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title", markup=False)
            yield OptionList(
                *[Option(Text(label), id=str(n)) for n, (label, _) in enumerate(self.choices)],
                id="choices",
            )
            yield Static("Enter to pick, Escape to cancel", classes="hint")

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)
