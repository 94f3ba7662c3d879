"""A choice of a few answers in one line, each taken by one key.

The keys are shown with the answers, and the one chosen is marked by a glyph,
``(•)`` against ``( )``, and in bold: never by colour alone. Left and Right
step through the answers too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class KeyChoice(Widget, can_focus=True):
    """One answer of a few: ``choices`` are (key, label, value); ``value`` is the chosen one."""

    DEFAULT_CSS = """
    KeyChoice {
        height: 1;
        width: 1fr;
        &:focus { background: $boost; }
    }
    """

    BINDINGS = [
        Binding("left", "step(-1)", "Previous answer", show=False, id="choice.previous"),
        Binding("right", "step(1)", "Next answer", show=False, id="choice.next"),
    ]

    value: reactive[str] = reactive("")
    """The value of the answer chosen."""

    @dataclass
    class Changed(Message):
        """Another answer was chosen."""

        choice: KeyChoice
        value: str

        @property
        def control(self) -> KeyChoice:
            return self.choice

    def __init__(
        self,
        choices: Sequence[tuple[str, str, str]],
        value: str,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.choices = list(choices)
        self.set_reactive(KeyChoice.value, value)

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        for n, (key, label, value) in enumerate(self.choices):
            if n:
                line.append("  ")
            chosen = value == self.value
            line.append(key, style="bold")
            line.append(" (•) " if chosen else " ( ) ")
            # Focused, the answer chosen is in reverse: where the keys go shows without colour.
            style = ("bold reverse" if self.has_focus else "bold") if chosen else ""
            line.append(label, style=style)
        return line

    def on_key(self, event: events.Key) -> None:
        for key, _, value in self.choices:
            if key in (event.key, event.character):
                event.stop()
                event.prevent_default()
                self.value = value

    def action_step(self, offset: int) -> None:
        values = [value for _, _, value in self.choices]
        at = values.index(self.value) if self.value in values else 0
        self.value = values[(at + offset) % len(values)]

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
