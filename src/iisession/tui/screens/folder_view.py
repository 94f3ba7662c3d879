"""The base of the views over every session (follow-ups, network, answers compared).

They read the index in a thread: when first shown, with progress if the index
is being built, and again on coming back to them after anything was saved
(what was just saved is in the index already).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from ...core import collector
from . import host_of, workspace_of

if TYPE_CHECKING:
    from ...core.index import Compared, Progress, Sessions

PROGRESS_FROM = 200
"""A refresh reading this many files shows its progress."""


class FolderView(Screen[None]):
    """A screen made from every session in the folder."""

    BINDINGS = [
        Binding(
            "ctrl+r",
            "reload",
            "Read again",
            tooltip="Read the sessions folder again (after changes made elsewhere)",
            show=False,
            id="folder.reload",
        ),
    ]

    STATUS_ID = "view-status"
    """The id of the Static that says what is shown (and the progress while reading)."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded = False
        self.generation = 0
        """How many times the view has been filled (tests wait on it)."""
        self._stale = False
        """A session was saved since the view was last read."""

    def on_mount(self) -> None:  # a subclass's on_mount runs as well (Textual calls both)
        host_of(self).session_saved.subscribe(self, self._session_saved, immediate=True)
        self.status_line.update("Reading the sessions…")
        self.load()

    def _session_saved(self, _path: object) -> None:
        self._stale = True

    def on_screen_resume(self) -> None:
        # Back from a session, a note or a dialog: read again only if something
        # was saved meanwhile (at 10,000 sessions a read takes a second or two).
        if self.loaded and self._stale:
            self.load()

    @property
    def status_line(self) -> Static:
        return self.query_one(f"#{self.STATUS_ID}", Static)

    # --- what a view does -------------------------------------------------------------

    def read(self, progress: Progress) -> Sessions | Compared:
        """In the reading thread: the sessions, through the index."""
        return workspace_of(self).read_sessions(progress)

    def compute(self, found: Any) -> Any:
        """In the reading thread: the view's own work on the sessions."""
        raise NotImplementedError

    def show(self, found: Any, result: Any) -> None:
        """On screen: show ``result``."""
        raise NotImplementedError

    # --- reading -----------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load()

    def load(self) -> None:
        self._stale = False
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="folder-view")
    def _load(self) -> None:
        from textual.worker import get_current_worker

        # Every session read and worked on at once: see ``core.collector``.
        with collector.held_off():
            found = self.read(self._progress_from_thread)
            result = self.compute(found)
        if not get_current_worker().is_cancelled:  # a newer read, or the screen has gone
            self.app.call_from_thread(self._loaded, found, result)

    def _loaded(self, found: Sessions | Compared, result: Any) -> None:
        first = not self.loaded
        self.loaded = True
        self.generation += 1
        if first and found.note:
            self.notify(found.note, severity="warning", timeout=10)
        # Filling the view makes an object or more per row (the network's tree,
        # 40,000 nodes at 50,000 sessions), with every session still held: left
        # to run, the collector walked them all again meanwhile (at 50,000, the
        # view's filling grew 7x what it took at 10,000).
        with collector.held_off():
            self.show(found, result)

    def _progress_from_thread(self, done: int, total: int) -> None:
        if total >= PROGRESS_FROM:
            self.app.call_from_thread(self._progress, done, total)

    def _progress(self, done: int, total: int) -> None:
        if self.is_mounted:
            self.status_line.update(
                f"Indexing the sessions folder: {done:,} of {total:,} files read…"
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
