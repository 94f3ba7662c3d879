"""Small typed modals: one line of text, one number, a message to read."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.validation import Integer
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option


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
            yield Input(self.value, placeholder=self.placeholder, id="text", compact=True)
            yield Static("Enter to keep, Escape to cancel", classes="hint")

    @on(Input.Submitted)
    def accept(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MinutesPrompt(ModalScreen[int | None]):
    """Ask for a whole number of minutes, checked at the field."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="minutes.cancel")]

    def __init__(self, title: str, default: int, low: int = 1, high: int = 120) -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.low = low
        self.high = high

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, markup=False)
            yield Input(
                str(self.default),
                type="integer",
                validators=[Integer(minimum=self.low, maximum=self.high)],
                id="minutes",
                compact=True,
            )
            yield Static("", id="error", classes="error")
            yield Static(
                f"{self.low} to {self.high} minutes. Enter to keep, Escape to cancel",
                classes="hint",
            )

    @on(Input.Submitted)
    def accept(self, event: Input.Submitted) -> None:
        result = event.validation_result
        if result is not None and not result.is_valid:
            message = f"Type a whole number of minutes from {self.low} to {self.high}."
            self.query_one("#error", Static).update(message)
            return
        self.dismiss(int(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class MessageModal(ModalScreen[None]):
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


class ChoiceModal(ModalScreen[str | None]):
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
