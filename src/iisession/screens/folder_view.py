"""The base of the views over every session (follow-ups, network, answers compared).

They read the index's digests in a thread: when first shown, with progress if
the index is being built, and again on coming back from a session (what was
just saved is in the index already).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from . import app_of

if TYPE_CHECKING:
    from ..index import Compared, Progress, Sessions

PROGRESS_FROM = 200
"""A refresh reading this many files shows its progress."""


class FolderView(Screen[None]):
    """A screen made from every session in the folder."""

    STATUS_ID = "view-status"
    """The id of the Static that says what is shown (and the progress while reading)."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded = False

    def on_mount(self) -> None:
        self.status_line.update("Reading the sessions…")
        self.load()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.load()

    @property
    def status_line(self) -> Static:
        return self.query_one(f"#{self.STATUS_ID}", Static)

    # --- what a view does -------------------------------------------------------------

    def read(self, progress: Progress) -> Sessions | Compared:
        """In the reading thread: the sessions, through the index."""
        return app_of(self).read_sessions(progress)

    def compute(self, found: Any) -> Any:
        """In the reading thread: the view's own work on the sessions."""
        raise NotImplementedError

    def show(self, found: Any, result: Any) -> None:
        """On screen: show ``result``."""
        raise NotImplementedError

    # --- reading -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="folder-view")
    def load(self) -> None:
        found = self.read(self._progress_from_thread)
        result = self.compute(found)
        self.app.call_from_thread(self._loaded, found, result)

    def _loaded(self, found: Sessions | Compared, result: Any) -> None:
        first = not self.loaded
        self.loaded = True
        if first and found.note:
            self.notify(found.note, severity="warning", timeout=10)
        self.show(found, result)

    def _progress_from_thread(self, done: int, total: int) -> None:
        if total >= PROGRESS_FROM:
            self.app.call_from_thread(
                self.status_line.update,
                f"Indexing the sessions folder: {done:,} of {total:,} files read…",
            )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            # Never a silent "Reading..." forever: say what went wrong.
            self.status_line.update(f"The sessions could not be read: {event.worker.error}")
            self.notify(
                f"The sessions could not be read: {event.worker.error}",
                severity="error",
                timeout=20,
            )
