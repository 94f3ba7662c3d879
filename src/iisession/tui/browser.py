"""The app in a web browser (``iisession serve``): Textual's web driver, ended as a
terminal is.

textual-serve runs the app with ``TEXTUAL_DRIVER`` naming Textual's web driver:
the screen goes to the page through the server, and the page's keys come back on
standard input, in packets. The page can go away in three ways, and each ends
the app as closing its terminal does (SIGHUP, see ``closing``): everything is
saved, what was typed just before included, and the process ends, freeing its
sessions' locks.

- The tab is closed (or reloaded): the server sends "quit". Textual's driver
  would post ``ExitApp``, which ends the app without the forms that have no
  file yet, nor the input still on its way.
- The server stops (Ctrl+C where it runs): it closes every page first, and the
  key reaches the app too, since a shell puts both in one process group.
- The server dies (``kill -9``): the app's input ends. Textual's driver would
  go on drawing for nobody, holding the locks for good.
"""

from __future__ import annotations

import asyncio
import os
import signal
from types import FrameType

from textual.drivers.web_driver import WebDriver


def hang_up() -> None:
    """End the app as if its terminal had closed: the app's own handler saves
    everything and ends the process (before it is installed, SIGHUP ends it)."""
    os.kill(os.getpid(), signal.SIGHUP)


def _interrupted(number: int, frame: FrameType | None) -> None:
    hang_up()


class BrowserDriver(WebDriver):
    """Textual's web driver, ending the app as a closed terminal does."""

    def start_application_mode(self) -> None:
        super().start_application_mode()
        # Textual's driver ends the app on SIGINT and SIGTERM through the event
        # loop, without saving the forms: the app's handlers (installed on
        # mount) take SIGTERM, and Ctrl+C where the server runs is a hang-up.
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(number)
        signal.signal(signal.SIGINT, _interrupted)

    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        if packet_type == "quit":  # the page closed, or the server is stopping
            hang_up()
            return
        super().on_meta(packet_type, payload)

    def run_input_thread(self) -> None:
        super().run_input_thread()
        if not self.exit_event.is_set():
            hang_up()  # the input ended with the app running: the server has gone
