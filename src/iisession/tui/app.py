"""The full-screen app: the first screen, signals, quitting, and the palette.

The sessions folder and every open session file belong to the workspace (in
the UI-free core); screens do the rest. Whatever screen is showing, every open
session is saved on quit, on a closed terminal (SIGHUP), on SIGTERM and after
a crash.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal

from .screens import LeavesWithPrompt

if TYPE_CHECKING:
    from ..core.index import Listing
    from ..core.model import Session
    from ..core.store import SessionFile
    from ..core.workspace import Workspace

EXIT_GRACE_SECONDS = 5.0
"""After SIGTERM, how long a normal shutdown may take before the process ends anyway."""


class IISessionApp(App[None]):
    """iisession's Textual application."""

    TITLE = "iisession"
    # Absolute, so subclasses defined elsewhere still find it.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
    ]

    def __init__(
        self,
        workspace: Workspace,
        session: SessionFile | None = None,
        *,
        setup: Session | None = None,
        offer_resume: bool | None = None,
        review: bool = False,
    ) -> None:
        """Opens on the start screen; with ``session``, on its live screen; with
        ``setup``, on the form for that (unsaved) session; with ``review``, on
        the review of past sessions."""
        super().__init__()
        self.workspace = workspace
        self.session_saved: Signal[Path] = Signal(self, "session-saved")
        self.folder_read: Signal[Listing] = Signal(self, "folder-read")
        self._first_live = session
        self._first_setup = setup
        self._first_review = review
        self._offer_resume = (
            (session is None and setup is None) if offer_resume is None else offer_resume
        )
        self._thread = 0
        """The thread the app runs on (set once it does)."""
        if session is not None:
            workspace.adopt(session)
        workspace.on_saved(self._saved)

    # --- start-up -----------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        from .screens.start import StartScreen

        self.start_screen = StartScreen(
            self.workspace.sessions_dir,
            offer_resume=self._offer_resume and not self._first_review,
        )
        if self._first_review:
            # Straight to the review, without building the start screen first
            # (a quicker first frame): it comes in when the review is left.
            from .screens.review import ReviewScreen

            self.start_screen.scan_on_resume = True
            return ReviewScreen(self.workspace.sessions_dir, start=self.start_screen)
        return self.start_screen

    def on_mount(self) -> None:
        self._thread = threading.get_ident()
        for warning in self.workspace.settings_warnings:
            self.notify(warning, title="Settings", severity="warning", timeout=10)
        # Textual installs no handler for these: closing the terminal or a plain
        # `kill` would end the process with nothing saved.
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGHUP, self._terminal_gone)
        loop.add_signal_handler(signal.SIGTERM, self._save_and_exit)
        from . import navigation

        if self._first_live is not None:
            navigation.live_screen(self.screen, self._first_live)
        elif self._first_setup is not None:
            navigation.setup_screen(self.screen, self._first_setup, None)

    def on_ready(self) -> None:
        # Reading the sessions folder waits until the first frame is on screen
        # and has settled (the footer draws its keys a few refreshes later): a
        # worker thread busy importing and parsing would hold them up.
        if self._first_review:
            return  # the start screen reads the folder when it is first shown
        self.set_timer(0.25, self.start_screen.scan)

    def _saved(self, path: Path) -> None:
        """The workspace wrote a session: tell whoever subscribed, on this thread."""
        if not self.is_running:
            return  # no screen to tell (before the app runs, or after it)
        if threading.get_ident() == self._thread:
            self.session_saved.publish(path)
        else:
            self.call_from_thread(self.session_saved.publish, path)

    # --- quitting ------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit, saving first; a screen with something to settle (a live call) asks."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, LeavesWithPrompt):
                screen.confirm_leave(self._exit_saving)
                return
        self._exit_saving()

    def _exit_saving(self) -> None:
        self.workspace.save_all()
        self.exit()

    def _save_and_exit(self) -> None:
        self.workspace.save_all()
        # If shutting down hangs (the terminal half gone), end anyway: all is saved,
        # and a process left behind would hold its sessions' locks for good.
        watchdog = threading.Timer(EXIT_GRACE_SECONDS, self._end_now)
        watchdog.daemon = True  # a normal exit does not wait for it
        watchdog.start()
        self.exit(return_code=1)

    def _terminal_gone(self) -> None:
        """SIGHUP: the terminal was closed. Save, and end at once: there is no
        screen to restore, and writing to a terminal that is gone can hang."""
        self.workspace.save_all()
        self._end_now()

    def _end_now(self) -> None:
        self.workspace.release_locks()
        os._exit(1)

    def on_unmount(self) -> None:
        # Runs after a crash in a handler too (the widgets are gone by then,
        # but the sessions live outside them).
        self.workspace.save_all()
        self.workspace.off_saved(self._saved)

    # --- help ---------------------------------------------------------------------------

    def action_help(self) -> None:
        """F1: the help over the current screen, or closed again if it is showing."""
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.screen))

    # --- the command palette -------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from .palette import screen_commands

        for command in super().get_system_commands(screen):
            if command.title == "Keys":  # Textual's key panel: our help instead (F1)
                yield SystemCommand(
                    "Help", "What this screen is for, and its keys", self.action_help
                )
            else:
                yield command
        yield from screen_commands(self, screen)
