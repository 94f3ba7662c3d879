"""The help over any screen: what the screen is for, and its keys.

A modal, so the screen beneath keeps all its room (a docked help panel would
narrow a live call's panes and push keys out of its footer). F1 opens it and
F1 or Escape closes it; the screen's clock and saving go on underneath.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Markdown, Static

from ..keys import key_order
from ..palette import applies, key_display, palette_bindings

GENERAL = """
## Everywhere
- **F1** shows this help and closes it again (so does **Escape**).
- **Ctrl+P** finds any action by name. **Ctrl+Q** quits, after saving.
"""


def help_text(app: App[Any], screen: Screen[Any]) -> str:
    """The Markdown shown for ``screen``: its ``HELP``, then the keys that apply now."""
    parts = [str(getattr(screen, "HELP", "") or "").strip()]
    rows = []
    for binding in sorted(palette_bindings(screen), key=lambda b: key_order(b.key)):
        if applies(app, screen, binding.action):
            key = key_display(app, binding).replace("*", "")
            rows.append(f"- **{key}** {binding.tooltip or binding.description}")
    if rows:
        parts.append("## Keys here now\n\n" + "\n".join(rows))
    parts.append(GENERAL.strip())
    return "\n\n".join(part for part in parts if part)


class HelpScreen(ModalScreen[None]):
    """Help for the screen beneath. F1 or Escape closes it."""

    BINDINGS = [Binding("f1,escape", "close", "Close", id="help.close")]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help"):
            yield Label("Help", classes="title")
            with VerticalScroll(id="help-scroll"):
                yield Markdown(help_text(self.app, self.under), id="help-text")
            yield Static("F1 or Escape closes it; Up/Down scroll", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
