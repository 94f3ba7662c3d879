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

from ..keymap import bindings_of, key_words
from ..keys import key_order
from ..palette import applies, key_display, key_of, palette_bindings

GENERAL = """
## Everywhere
- **{help}** shows this help, and **{close}** closes it again.
- **{palette}** finds any action by name. **{quit}** quits, after saving.
"""


def help_text(app: App[Any], screen: Screen[Any]) -> str:
    """The Markdown shown for ``screen``: its ``HELP``, then the keys that apply now."""
    parts = [str(getattr(screen, "HELP", "") or "").strip()]
    rows, own = [], []
    for binding in sorted(palette_bindings(screen), key=lambda b: key_order(key_of(app, b))):
        if applies(app, screen, binding.action):
            key = key_display(app, binding).replace("*", "")
            rows.append(f"- **{key}** {binding.tooltip or binding.description}")
            if (mine := key_of(app, binding)) != binding.key:
                own.append(f"**{key_words(mine)}** for **{key_words(binding.key)}**")
    if own:
        # The text above names the keys as they come; these are the user's.
        parts.insert(0, "Your own keys are in use here: " + ", ".join(own) + ".")
    if rows:
        parts.append("## Keys here now\n\n" + "\n".join(rows))
    parts.append(everywhere(app))
    return "\n\n".join(part for part in parts if part)


def everywhere(app: App[Any]) -> str:
    """The keys of every screen, the user's own where they gave some."""
    keys = {"help": "F1", "palette": "Ctrl+P", "quit": "Ctrl+Q"}  # as they come
    for binding in bindings_of(type(app)):
        name = (binding.id or "").removeprefix("app.")
        if name in keys:
            keys[name] = key_words(key_of(app, binding).split(",")[0])
    return GENERAL.strip().format_map({**keys, "close": closing_keys(app)})


def closing_keys(app: App[Any]) -> str:
    """The keys that close the help ("F1 or Escape")."""
    [close] = HelpScreen.BINDINGS
    assert isinstance(close, Binding)
    return key_words(key_of(app, close)).replace(", ", " or ")


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
            yield Static(f"{closing_keys(self.app)} closes it; Up/Down scroll", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
