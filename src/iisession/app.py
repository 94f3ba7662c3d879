"""The full-screen app: wires folders, store and the first screen. Screens own behaviour."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from .clock import Clock
    from .store import SessionFile

from .paths import Folders
from .screens.home import HomeScreen
from .settings import load_settings


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
        self.config_warnings: list[str] = []
        self.settings = load_settings(folders.config_data, self.config_warnings)

    def on_mount(self) -> None:
        for warning in self.config_warnings:
            self.notify(warning, title="Settings", severity="warning", timeout=10)
        if self.session_file is not None:
            # Textual installs no handler for these: closing the terminal or a
            # plain `kill` would end the process with nothing saved.
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self._save_and_exit)

    def on_unmount(self) -> None:
        # Runs after a crash in a handler too (the widgets are gone by then,
        # but the session lives outside them).
        self._save_quietly()

    def _save_and_exit(self) -> None:
        self._save_quietly()
        self.exit(return_code=1)

    async def action_quit(self) -> None:
        """Quit, saving first; during a live call, ask what to do with the call."""
        from .model import SessionState

        handle = self.session_file
        if handle is None or handle.session.state is not SessionState.LIVE:
            self._save_quietly()
            self.exit()
            return
        from .screens.prompts import ChoiceModal

        def chosen(choice: str | None) -> None:
            screen = self.screen
            if choice is None:
                return
            end_or_keep = getattr(screen, "quit_call", None)
            if callable(end_or_keep):
                end_or_keep(choice == "end")
            self._save_quietly()
            self.exit()

        await self.push_screen(
            ChoiceModal(
                "The call is live",
                "Your notes are saved either way.",
                [
                    ("e", "end the call and quit", "end"),
                    ("k", "keep it open to resume later, and quit", "keep"),
                ],
            ),
            chosen,
        )

    def _save_quietly(self) -> None:
        """The final save before exit; a failure is reported by the command line."""
        from .store import SaveError

        if self.session_file is not None:
            with contextlib.suppress(SaveError):
                self.session_file.save()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # Every live-screen key is also a command in the palette.
        for binding in getattr(screen, "COMMAND_BINDINGS", ()):
            yield SystemCommand(
                binding.tooltip or binding.description,
                f"Key: {binding.key.upper() if binding.key.startswith('f') else binding.key}",
                partial(screen.run_action, binding.action),
            )

    def get_default_screen(self) -> Screen[None]:
        if self.session_file is not None:
            from .clock import SystemClock
            from .screens.live import LiveScreen

            return LiveScreen(self.session_file, self.clock or SystemClock(), self.settings)
        return HomeScreen(self.folders.sessions)

    def on_ready(self) -> None:
        # Reading the sessions folder waits until the first frame is on screen
        # and has settled (the footer draws its keys a few refreshes later): a
        # worker thread busy importing and parsing would hold them up.
        if isinstance(self.screen, HomeScreen):
            self.set_timer(0.25, self.screen.scan)
