"""The full-screen app: wires folders, store and the first screen. Screens own behaviour."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from .clock import Clock
    from .store import SessionFile

from .paths import Folders
from .screens.home import HomeScreen


class IISessionApp(App[None]):
    """iisession's Textual application."""

    TITLE = "iisession"
    # Absolute, so subclasses defined elsewhere still find it.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS = [
        Binding("f1", "show_help_panel", "Help", id="help"),
    ]

    def __init__(
        self,
        folders: Folders,
        session: SessionFile | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__()
        self.folders = folders
        self.session_file = session
        self.clock = clock

    def on_mount(self) -> None:
        if self.session_file is not None:
            # Textual installs no handler for these: closing the terminal or a
            # plain `kill` would end the process with nothing saved.
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self._save_and_exit)

    def _save_and_exit(self) -> None:
        from .store import SaveError

        assert self.session_file is not None
        with contextlib.suppress(SaveError):  # the caller's final save reports it
            self.session_file.save()
        self.exit(return_code=1)

    def get_default_screen(self) -> Screen[None]:
        if self.session_file is not None:
            from .clock import SystemClock
            from .screens.live import LiveScreen

            return LiveScreen(self.session_file, self.clock or SystemClock())
        return HomeScreen(self.folders.sessions)

    def on_ready(self) -> None:
        # Reading the sessions folder waits until the first frame is on screen
        # and has settled (the footer draws its keys a few refreshes later): a
        # worker thread busy importing and parsing would hold them up.
        if isinstance(self.screen, HomeScreen):
            self.set_timer(0.25, self.screen.scan)
