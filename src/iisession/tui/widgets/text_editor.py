"""A TextArea with the keys editors have for the start and end of the whole text.

Textual's TextArea moves to the start or end of a line (Home, End) but has no
key for the whole text: here Ctrl+Home and Ctrl+End go there, and with Shift
they select up to there. Every text box the user types in is one of these.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import TextArea


class TextEditor(TextArea):
    """A text box: TextArea's keys, and Ctrl+Home / Ctrl+End for the whole text."""

    BINDINGS = [
        Binding("ctrl+home", "text_start", "Start of text", show=False, id="text.start"),
        Binding("ctrl+end", "text_end", "End of text", show=False, id="text.end"),
        Binding(
            "ctrl+shift+home",
            "text_start(True)",
            "Select to start",
            show=False,
            id="text.select-to-start",
        ),
        Binding(
            "ctrl+shift+end",
            "text_end(True)",
            "Select to end",
            show=False,
            id="text.select-to-end",
        ),
    ]

    def action_text_start(self, select: bool = False) -> None:
        """To the very start of the text (selecting from where the cursor was)."""
        self.move_cursor(self.document.start, select=select)

    def action_text_end(self, select: bool = False) -> None:
        """To the very end of the text (selecting from where the cursor was)."""
        self.move_cursor(self.document.end, select=select)
