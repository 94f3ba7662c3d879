"""The full-screen app: the first screen, signals, quitting, the palette, and
the user's own keys and theme from the config file.

The sessions folder and every open session file belong to the workspace (in
the UI-free core); screens do the rest. Whatever screen is showing, every open
session is saved on quit, on a closed terminal (SIGHUP), on SIGTERM and after
a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.screen import Screen
from textual.signal import Signal
from textual.widget import Widget

from .closing import Closing
from .key_order import InputBurst, KeyRouter, batching_driver
from .keymap import Keymap, checked_keymap, focus_keymap, key_names, normalised
from .screens import KeepsTyping, LeavesWithPrompt

if TYPE_CHECKING:
    from ..core.index import Listing
    from ..core.model import Session
    from ..core.store import SessionFile
    from ..core.workspace import Workspace


class IISessionApp(App[None]):
    """iisession's Textual application."""

    TITLE = "iisession"
    # Absolute, so subclasses defined elsewhere still find it.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        # Textual's own, again with ids, so that they can be given other keys too.
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            show=False,
            priority=True,
            id="app.quit",
            tooltip="Quit, after saving",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "palette",  # as Textual's own, on the right of the footer
            show=False,
            priority=True,
            id="app.palette",
            tooltip="Find any action by name",
        ),
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
        self.keys = KeyRouter(self, super().on_event)
        self._on_signal = Closing(self, workspace, self._input_settled, self._save_forms)
        self._app_loop: asyncio.AbstractEventLoop | None = None
        if session is not None:
            workspace.adopt(session)
        workspace.on_saved(self._saved)
        self.user_keys: Keymap = {}
        """The user's own keys in use (``[keys]`` in the config file, checked)."""
        self._config_warnings: list[str] = []
        self._keys_asked = self._own_keys()
        self.keys_checked = not self._keys_asked
        """Whether the user's keys have been checked against every screen's (if any)."""
        if self._keys_asked:
            self._use_keys(self._keys_asked)  # checked once the first frame is up
        self._theme_kept = self._own_theme()
        """The theme the config file has (or the default): a change is written there."""

    # --- start-up -----------------------------------------------------------------

    def get_driver_class(self) -> type[Driver]:
        # The terminal's input in bursts, not key by key (see key_order).
        base = super().get_driver_class()
        if base.__name__ == "WebDriver":  # in a browser (iisession serve)
            from .browser import BrowserDriver

            return batching_driver(BrowserDriver)
        return batching_driver(base) if base.__name__ == "LinuxDriver" else base

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
        self._app_loop = asyncio.get_running_loop()
        for warning in [*self.workspace.settings_warnings, *self._config_warnings]:
            self._say_setting(warning)
        # Textual installs no handler for the signals that end a program:
        # closing the terminal or a plain `kill` would end it with nothing saved.
        self._on_signal.install()
        from . import navigation

        if self._first_live is not None:
            navigation.live_screen(self.screen, self._first_live)
        elif self._first_setup is not None:
            navigation.setup_screen(self.screen, self._first_setup, None)

    def on_ready(self) -> None:
        # Reading the sessions folder waits until the first frame is on screen
        # and has settled (the footer draws its keys a few refreshes later): a
        # worker thread busy importing and parsing would hold them up.
        if self._keys_asked:
            self.set_timer(0.25, self._check_keys)
        if self._first_review:
            return  # the start screen reads the folder when it is first shown
        self.set_timer(0.25, self.start_screen.scan)

    def _saved(self, path: Path) -> None:
        """The workspace wrote a session: tell whoever subscribed, on this thread."""
        if not self.is_running:
            return  # no screen to tell (before the app runs, or after it)
        if threading.get_ident() == self._thread:
            self.session_saved.publish(path)
        elif self._app_loop is not None:
            # Never wait for the loop from another thread: a save made on the
            # way out (a stuck loop, a signal) must not hang on it.
            with contextlib.suppress(RuntimeError):  # the loop has closed
                self._app_loop.call_soon_threadsafe(self.session_saved.publish, path)

    # --- the user's own keys and theme ---------------------------------------------------

    def _own_keys(self) -> Keymap:
        """The config file's ``[keys]``, as far as they read as keys."""
        from ..core.preferences import read_keys

        config = self.workspace.folders.config_data
        return read_keys(config, key_names(), self._config_warnings)

    def _own_theme(self) -> str:
        """Use the config file's ``theme`` (unless ``TEXTUAL_THEME`` names one for
        this run); the theme in use."""
        from ..core.preferences import read_theme

        config = self.workspace.folders.config_data
        theme = read_theme(config, self.available_themes, self._config_warnings)
        if theme is not None and not os.environ.get("TEXTUAL_THEME"):
            self._theme_kept = theme  # before the watcher can see it
            self.theme = theme
        return self.theme

    def watch_theme(self, theme: str) -> None:
        """A theme chosen (in the palette): kept in the config file for next time."""
        from ..core.config_file import ConfigError, set_in_config

        if theme == getattr(self, "_theme_kept", theme):
            return  # the one at start, or kept already
        try:
            set_in_config(self.workspace.config_file, "theme", theme)
        except ConfigError as error:
            # As text, never markup: the message holds the file's path.
            self.notify(
                f"Not kept for next time: {error}", title="Theme", severity="warning", markup=False
            )
        else:
            self._theme_kept = theme

    def _use_keys(self, keymap: Keymap) -> None:
        self.user_keys = {key_id: ",".join(normalised(keys)) for key_id, keys in keymap.items()}
        self.set_keymap(self.user_keys)
        # The footer shows the palette's key by this name.
        palette = self.user_keys.get("app.palette", App.COMMAND_PALETTE_BINDING)
        setattr(self, "COMMAND_PALETTE_BINDING", palette.split(",")[0])  # noqa: B010

    @work(thread=True, exit_on_error=False, group="keys")
    def _check_keys(self) -> None:
        """Check the user's keys against every screen's (importing them all: off
        the app's thread), then use what is left and say what is not used."""
        try:
            keymap, warnings = checked_keymap(type(self), self._keys_asked)
        except Exception as error:  # a fault here must not cost the user the app
            keymap, warnings = self._keys_asked, [f"config: `keys` could not be checked ({error})"]
        self.call_from_thread(self._keys_are_checked, keymap, warnings)

    def _keys_are_checked(self, keymap: Keymap, warnings: list[str]) -> None:
        self.keys_checked = True
        self._use_keys(keymap)
        for warning in warnings:
            self._say_setting(warning)
        if self.focused is not None:
            self._check_focused_keys(self.focused)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self.keys_checked and self.user_keys and event.widget.is_attached:
            self._check_focused_keys(event.widget)

    def _check_focused_keys(self, widget: Widget) -> None:
        """The keys active with ``widget`` focused: a clash there leaves the user's key unused."""
        keymap, warnings = focus_keymap(widget, self.user_keys)
        if warnings:
            self._use_keys(keymap)
            for warning in warnings:
                self._say_setting(warning)

    def _say_setting(self, warning: str) -> None:
        # As text, never markup: a warning quotes the config file ("[/]" as a key).
        self.notify(warning, title="Settings", severity="warning", timeout=10, markup=False)

    # --- keys ---------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        # Keys and pastes go through the router, so that each lands where the
        # one before it left the focus (see key_order).
        if isinstance(event, InputBurst):
            await self.keys.take(event.events)
        elif isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            await self.keys.take([event])
        elif isinstance(event, events.MouseEvent) and not event.is_forwarded and self.keys.busy:
            # A click after keys still waiting their turn waits too: it may move
            # the focus, and the keys before it are not for where it goes.
            await self.keys.take([event])
        else:
            await super().on_event(event)

    def _save_forms(self) -> str:
        """Screens editing a session that has no file yet: make it, if it may be;
        small forms: save what was typed, or write it to a text file. What to
        say once the app has gone (the text files written), if anything."""
        from .screens.unsaved import editors_of

        for editor in editors_of(self):
            if editor.handle is None:
                editor.save()
        for screen in self.screen_stack:
            if isinstance(screen, KeepsTyping):
                with contextlib.suppress(Exception):  # the next form is saved all the same
                    screen.save_unasked()
        return self._forms_rescued()

    def _forms_rescued(self) -> str:
        from .screens.small_form import rescued_forms_message

        found = [s.rescued for s in self.screen_stack if isinstance(s, KeepsTyping)]
        return rescued_forms_message([path for path in found if path is not None])

    def _input_settled(self) -> bool:
        driver = self._driver
        burst = getattr(driver, "input_pending", False)
        return not burst and self.keys.idle and self._message_queue.empty()

    # --- quitting ------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit, saving first; a screen with something to settle (a live call) asks,
        and so does anything still not saved."""
        from .screens.unsaved import UnsavedScreen

        if isinstance(self.screen, UnsavedScreen):
            self.screen.quit_pressed()  # asked already: a second Ctrl+Q never drops it
            return
        # Top first: a form over a live call is settled, then the call.
        self._settle_each(
            [s for s in reversed(self.screen_stack) if isinstance(s, LeavesWithPrompt)]
        )

    def _settle_each(self, screens: list[LeavesWithPrompt]) -> None:
        if not screens:
            self._exit_saving()
            return
        first, *rest = screens
        first.confirm_leave(partial(self._settle_each, rest))

    def _exit_saving(self) -> None:
        """Save everything; quit once nothing is in memory only, or the user chose
        (a rescue copy, or going without)."""
        from .screens.unsaved import editors_of, rescued_message, settle_unsaved

        def leave(rescued: list[Path]) -> None:
            said = "\n".join(m for m in (rescued_message(rescued), self._forms_rescued()) if m)
            # As text, never markup: a file name may hold brackets.
            self.exit(message=Text(said) if said else None)

        settle_unsaved(self.screen, editors_of(self), leave, going="quit", every_open_file=True)

    def on_unmount(self) -> None:
        # Runs after a crash in a handler too (the widgets are gone by then,
        # but the sessions live outside them).
        self.workspace.save_all()
        self.workspace.off_saved(self._saved)
        self._on_signal.uninstall()

    # --- stillness -----------------------------------------------------------------------

    @on(events.DescendantFocus)
    def _steady_cursor(self, event: events.DescendantFocus) -> None:
        """With TEXTUAL_ANIMATIONS=none Textual stills its own animations, but a
        text cursor still blinks: here none does."""
        if self.animation_level != "none":
            return
        # Imported only now: importing TextArea at the first focus of every
        # start would cost the first frame some 20 ms.
        from textual.widgets import Input, TextArea

        if isinstance(event.widget, Input | TextArea):
            event.widget.cursor_blink = False

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
        yield SystemCommand(
            "Your profile",
            "Who your drafts are from: name, e-mail, introduction, signature",
            partial(self._edit_profile, screen),
        )
        yield from screen_commands(self, screen)

    def _edit_profile(self, screen: Screen[Any]) -> None:
        from . import navigation

        navigation.edit_profile(screen)
