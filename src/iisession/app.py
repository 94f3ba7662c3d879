"""The full-screen app: wires folders, store and the first screen. Screens own behaviour."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

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

    def __init__(self, folders: Folders) -> None:
        super().__init__()
        self.folders = folders

    def get_default_screen(self) -> Screen[None]:
        return HomeScreen(self.folders.sessions)

    def on_ready(self) -> None:
        # Reading the sessions folder waits until the first frame is on screen
        # and has settled (the footer draws its keys a few refreshes later): a
        # worker thread busy importing and parsing would hold them up.
        if isinstance(self.screen, HomeScreen):
            self.set_timer(0.25, self.screen.scan)
