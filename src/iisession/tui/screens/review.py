"""The review screen: every session in a table to sort, filter and open; full-text search.

The table is filled from the index as soon as the screen is up; the index is
then brought up to date with the folder in a thread (with progress, the
first time), and the table follows.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Static
from textual.worker import Worker, WorkerState

from ...core.summary import SummaryState
from .. import navigation
from ..widgets.footer import Footer
from ..widgets.session_table import COLUMNS, SessionTable
from . import workspace_of

if TYPE_CHECKING:
    from ...core.index import Listing, Problem
    from ...core.summary import Summary

FIRST_PAGE = 60
"""Sessions shown in the first frame; the rest follow a moment later."""

SETTLE_SECONDS = 0.3
"""After the first screenful is shown, the pause before the rest is read."""

FILTER_PAUSE = 0.12
"""Seconds after the last key before the filter runs (one pass per burst of typing)."""


def haystack(summary: Summary) -> str:
    """What the filter looks through for one row."""
    return " ".join(
        (
            f"{summary.moment.astimezone():%Y-%m-%d}",
            summary.person,
            summary.title,
            summary.organisation,
            summary.state,
            summary.file,
        )
    ).casefold()


def filtered(rows: list[Summary], words: list[str], keys: dict[str, str]) -> list[Summary]:
    """The rows with every word; ``keys`` caches each row's haystack."""
    if not words:
        return rows
    if not keys:
        keys.update((row.file, haystack(row)) for row in rows)
    return [row for row in rows if all(word in keys[row.file] for word in words)]


class ReviewScreen(Screen[None]):
    """Every session: sort, filter, open, search."""

    BINDINGS = [
        Binding(
            "slash", "filter", "Filter", tooltip="Filter the table by typing", id="review.filter"
        ),
        Binding(
            "ctrl+f",
            "search",
            "Search text",
            tooltip="Search the text of every session",
            id="review.search",
        ),
        Binding(
            "s", "sort", "Sort", tooltip="Sort by the next column", show=False, id="review.sort"
        ),
        Binding(
            "S",
            "reverse",
            "Reverse",
            tooltip="Reverse the sort order",
            show=False,
            id="review.reverse",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            tooltip="Edit the highlighted session (notes, referrals)",
            show=False,
            id="review.edit",
        ),
        Binding(
            "u",
            "unreadable",
            "Unreadable",
            tooltip="List the files that cannot be read",
            show=False,
            id="review.unreadable",
        ),
        Binding("escape", "back", "Back", tooltip="Clear the filter, or go back", id="review.back"),
    ]

    HELP = """
## Review
Every session, newest first.

- **Enter** opens the highlighted session to read it in full.
- **/** filters by typing: every word must appear in the date, person, title,
  organisation, state or file name. **Enter** or **Down** goes back to the table,
  **Escape** clears the filter.
- **s** sorts by the next column, **S** reverses (a click on a heading sorts too).
- **Ctrl+F** searches the text of every session: notes, answers, key points,
  referrals, names.
- **e** edits the highlighted session: finish the notes, add referrals.
- **u** lists files that cannot be read, with the reason.
"""

    def __init__(self, sessions_dir: Path, *, start: Screen[None] | None = None) -> None:
        """``start``: the screen to go to when this review, the first screen the
        app showed, is left."""
        super().__init__()
        self.sessions_dir = sessions_dir
        self._start = start
        self.all_rows: list[Summary] = []
        self.total = 0
        self.keys: dict[str, str] = {}
        self.problems: list[Problem] = []
        self._filter_timer: Timer | None = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="/ filter: type words from a name, organisation, date…",
            id="filter",
            compact=True,
        )
        yield SessionTable(id="sessions")
        yield Static("Reading the index…", id="review-status", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        from ...core.index import IndexUnavailable

        self.sub_title = "review"
        self.query_one(SessionTable).focus()
        # The newest screenful at once, read here (a few milliseconds); the rest,
        # and bringing the index up to date, in a thread once the frame is up.
        shown = False
        index = workspace_of(self).index
        if os.path.exists(index.path):  # False, not an error, if it cannot be seen
            with contextlib.suppress(IndexUnavailable):
                first = index.first_page(FIRST_PAGE)
                if first.count or first.problems:  # else: being built, progress follows
                    self.show(first, False)
                    shown = True
        self.load(settle=shown)

    def on_screen_resume(self) -> None:
        # Back from a session: show what changed.
        if self.loaded:
            self.load()

    @property
    def table(self) -> SessionTable:
        return self.query_one(SessionTable)

    # --- reading ----------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="review", exclusive=True)
    def load(self, settle: bool = False) -> None:
        from ...core.index import IndexUnavailable, Listing

        index = workspace_of(self).index
        if settle:
            # Let the first frame settle (footer and all) before the rest is
            # read: this thread would hold it up.
            time.sleep(SETTLE_SECONDS)
        if not self.loaded:
            # What the index already holds; then bring it up to date.
            with contextlib.suppress(IndexUnavailable):
                self.app.call_from_thread(
                    self.show, Listing(index.summaries(), index.problems()), False
                )
        listing = workspace_of(self).read_folder(self._progress_from_thread)
        self.app.call_from_thread(self.show, listing, True)

    def _progress_from_thread(self, done: int, total: int) -> None:
        if total >= 200:
            self.app.call_from_thread(self._progress, done, total)

    def _progress(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        self.query_one("#review-status", Static).update(
            f"Indexing the sessions folder: {done:,} of {total:,} files ({percent}%)… "
            "you can use the table meanwhile."
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.notify(
                f"The sessions folder could not be read: {event.worker.error}",
                severity="error",
                timeout=20,
            )

    def show(self, listing: Listing, current: bool) -> None:
        self.all_rows = listing.summaries
        self.total = listing.count
        self.keys = {}  # made at the first filter: not needed to show the table
        self.problems = listing.problems
        if current:
            self.loaded = True
            if listing.note:
                self.notify(listing.note, severity="warning", timeout=10)
        self.apply()

    def apply(self) -> None:
        """Filter and sort the rows into the table, and say what is shown."""
        words = self.query_one("#filter", Input).value.casefold().split()
        rows = filtered(self.all_rows, words, self.keys)
        table = self.table
        if (table.sort_column, table.sort_reverse) != ("date", True):
            # Newest first is the order they come in: no need to sort for it.
            column = next(c for c in COLUMNS if c.key == table.sort_column)
            rows = sorted(rows, key=column.sort_key, reverse=table.sort_reverse)
        table.show(rows)
        total = self.total
        text = f"{total:,} session{'' if total == 1 else 's'}"
        if words:
            text = f"{len(rows):,} of {text} match the filter"
        if self.problems:
            text += f" · {len(self.problems)} unreadable (u lists them)"
        if total:
            text += " · s sorts, e edits"
        if not total and self.loaded:
            text = "No sessions yet: Escape, then n sets one up."
        elif not rows and words:
            text += ": Escape clears the filter"
        self.query_one("#review-status", Static).update(text)

    # --- filter -------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_PAUSE, self.apply)

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.table.focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and self.focused is self.query_one("#filter"):
            self.table.focus()
            event.stop()

    def action_back(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
            self.apply()
            self.table.focus()
        elif self.focused is box:
            self.table.focus()
        else:
            self._leave()

    def _leave(self) -> None:
        """To the screen under this one; or, if it is the app's first, the start screen."""
        if self._start is not None and self.app.screen_stack[0] is self:
            self.app.push_screen(self._start)
        else:
            self.dismiss()

    # --- sort ----------------------------------------------------------------------------

    def sort_by(self, key: str) -> None:
        table = self.table
        column = next(c for c in COLUMNS if c.key == key)
        if table.sort_column == key:
            table.sort_reverse = not table.sort_reverse
        else:
            table.sort_column = key
            table.sort_reverse = column.descending_first
        self.apply()

    def action_sort(self) -> None:
        keys = [c.key for c in COLUMNS]
        following = keys[(keys.index(self.table.sort_column) + 1) % len(keys)]
        self.sort_by(following)
        label = next(c.label for c in COLUMNS if c.key == following)
        self.notify(f"Sorted by {label.lower()}; S reverses", timeout=2)

    def action_reverse(self) -> None:
        self.sort_by(self.table.sort_column)

    @on(SessionTable.Sorted)
    def heading_clicked(self, event: SessionTable.Sorted) -> None:
        self.sort_by(event.column)

    # --- open ----------------------------------------------------------------------------

    @on(SessionTable.Chosen)
    def chosen(self, event: SessionTable.Chosen) -> None:
        navigation.open_detail(self, self.sessions_dir / event.summary.file)

    def action_edit(self) -> None:
        current = self.table.current
        if current is None:
            self.notify("No session highlighted.", timeout=3)
            return
        planned = current.state in (SummaryState.REQUESTED, SummaryState.PLANNED)
        navigation.edit_session(self, self.sessions_dir / current.file, planned)

    def action_search(self) -> None:
        from .search import SearchScreen

        self.app.push_screen(SearchScreen(self.sessions_dir))

    def action_unreadable(self) -> None:
        from .prompts import MessageModal

        if not self.problems:
            self.notify("Every file in the folder can be read.", timeout=3)
            return
        lines = [f"{p.file}: {p.reason}" for p in self.problems]
        body = "\n".join(lines) + (
            "\n\nThey are left as they are. Fix or move them, and they are read again."
        )
        self.app.push_screen(MessageModal(f"Unreadable files ({len(lines)})", body))
