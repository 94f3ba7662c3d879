"""The sessions table of the review screen: thousands of rows, drawn a screen at a time.

A ``DataTable`` takes about 2.6 s to add 10,000 rows here and as long again
for every re-sort or filter, because it builds every row up front. This
widget keeps the rows as a list and draws only the lines on screen (Textual's
line API), so sorting and filtering are list operations and stay instant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core.summary import Summary

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    # A name pasted with a stray escape code must not reach the terminal.
    return _CONTROL.sub("\ufffd", text)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    """Cells; 0 shares out the width left over."""
    cell: Callable[[Summary], str]
    sort_key: Callable[[Summary], Any]
    descending_first: bool = False


def _date(s: Summary) -> str:
    return f"{s.moment.astimezone():%Y-%m-%d}"


COLUMNS: tuple[Column, ...] = (
    Column("date", "Date", 10, _date, lambda s: (s.when, s.file), descending_first=True),
    Column("person", "Person", 0, lambda s: s.person or "(no name)", lambda s: s.person.casefold()),
    Column(
        "organisation",
        "Organisation",
        0,
        lambda s: s.organisation,
        lambda s: s.organisation.casefold(),
    ),
    Column("length", "Length", 10, Summary.length_text, lambda s: s.length_seconds, True),
    Column("asked", "Asked", 5, lambda s: f"{s.asked}/{s.questions}", lambda s: s.asked, True),
    Column("referrals", "Ref", 3, lambda s: str(s.referrals), lambda s: s.referrals, True),
    Column("state", "State", 9, lambda s: s.state, lambda s: s.state),
)
GAP = 1


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells, cut with an ellipsis if it is longer."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class SessionTable(ScrollView, can_focus=True):
    """Rows of sessions with a cursor; Enter says which was chosen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False, id="sessions.up"),
        Binding("down", "cursor(1)", "Down", show=False, id="sessions.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="sessions.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="sessions.page-down"),
        Binding("home", "jump(0)", "First", show=False, id="sessions.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="sessions.last"),
        Binding(
            "enter", "choose", "Open", tooltip="Open the highlighted session", id="sessions.open"
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "session-table--header",
        "session-table--cursor",
        "session-table--even",
    }

    DEFAULT_CSS = """
    SessionTable {
        height: 1fr;
        scrollbar-gutter: stable;
    }
    SessionTable > .session-table--header {
        text-style: bold;
        color: $text-accent;
    }
    SessionTable > .session-table--cursor {
        background: $block-cursor-blurred-background;
    }
    SessionTable:focus > .session-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    SessionTable > .session-table--even {
        background: $surface-lighten-1 20%;
    }
    """

    class Chosen(Message):
        """Enter (or a click on the highlighted row) on a session."""

        def __init__(self, summary: Summary) -> None:
            super().__init__()
            self.summary = summary

    class Sorted(Message):
        """A click on a column heading asked for a sort."""

        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Summary] = []
        self.cursor = 0
        self.sort_column = "date"
        self.sort_reverse = True

    # --- data -----------------------------------------------------------------------

    def show(self, rows: Sequence[Summary]) -> None:
        """Show these rows, keeping the cursor on the same session if it is there."""
        current = self.current
        self.rows = list(rows)
        self.cursor = 0
        if current is not None:
            for n, row in enumerate(self.rows):
                if row.file == current.file:
                    self.cursor = n
                    break
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self._keep_cursor_visible()
        self.refresh()

    @property
    def current(self) -> Summary | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    # --- layout ---------------------------------------------------------------------

    def _widths(self, total: int) -> list[int]:
        fixed = sum(c.width for c in COLUMNS) + GAP * (len(COLUMNS) - 1)
        shared = [c for c in COLUMNS if c.width == 0]
        spare = max(0, total - fixed)
        each, extra = divmod(spare, len(shared))
        widths = []
        flexible = 0
        for column in COLUMNS:
            if column.width:
                widths.append(column.width)
            else:
                widths.append(max(6, each + (1 if flexible < extra else 0)))
                flexible += 1
        return widths

    def _line(self, cells: Sequence[str], width: int) -> str:
        widths = self._widths(width)
        parts = [fit(_clean(text), w) for text, w in zip(cells, widths, strict=True)]
        return set_cell_size((" " * GAP).join(parts), width)

    def heading(self, width: int) -> str:
        cells = []
        for column in COLUMNS:
            label = column.label
            if column.key == self.sort_column:
                label += " ▼" if self.sort_reverse else " ▲"
            cells.append(label)
        return self._line(cells, width)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            # The heading stays put while the rows scroll under it.
            heading = self.get_component_rich_style("session-table--header")
            return Strip([Segment(self.heading(width), heading)], width)
        scroll_y = round(self.scroll_offset.y)
        index = scroll_y + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        text = self._line([column.cell(row) for column in COLUMNS], width)
        style: Style = self.rich_style
        if index == self.cursor:
            style += self.get_component_rich_style("session-table--cursor")
        elif index % 2:
            style += self.get_component_rich_style("session-table--even")
        return Strip([Segment(text, style)], width)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    # --- moving -----------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def _keep_cursor_visible(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)

    def _move_to(self, index: int) -> None:
        if not self.rows:
            return
        self.cursor = max(0, min(index, len(self.rows) - 1))
        self._keep_cursor_visible()
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self._move_to(self.cursor + step)

    def action_page(self, step: int) -> None:
        self._move_to(self.cursor + step * self._page)

    def action_jump(self, where: int) -> None:
        self._move_to(len(self.rows) - 1 if where < 0 else 0)

    def action_choose(self) -> None:
        if self.current is not None:
            self.post_message(self.Chosen(self.current))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            # A heading: sort by the column under the pointer.
            x = 0
            for column, width in zip(COLUMNS, self._widths(self.size.width), strict=True):
                if x <= event.x < x + width + GAP:
                    self.post_message(self.Sorted(column.key))
                    return
                x += width + GAP
            return
        index = round(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor or event.chain > 1:
                self.post_message(self.Chosen(self.rows[index]))
            self._move_to(index)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.refresh()
