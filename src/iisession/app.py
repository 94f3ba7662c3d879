"""The full-screen app: wires folders, store and the first screen. Screens own behaviour."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from .paths import Folders
from .screens.home import HomeScreen
from .store import SessionStore


class IISessionApp(App[None]):
    """iisession's Textual application."""

    TITLE = "iisession"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("f1", "show_help_panel", "Help", id="help"),
    ]

    def __init__(self, folders: Folders) -> None:
        super().__init__()
        self.folders = folders
        self.store = SessionStore(folders.sessions)

    def get_default_screen(self) -> Screen[None]:
        return HomeScreen(self.store)
