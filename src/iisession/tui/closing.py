"""Ending on a signal: what was typed is read, everything is saved, the process ends.

Textual installs no handler for SIGHUP (the terminal closed), SIGTERM or
SIGQUIT: without these the process would end with nothing saved. The handlers
are plain Python ones (``signal.signal``), not the event loop's: the loop's
handlers are woken through the same pipe as every message from another
thread, and a burst of input can fill that pipe and drop the signal.

On a signal: save what is in memory at once; then read the input the terminal
had already delivered (a paste, keys typed just before), for at most
``READ_INPUT_SECONDS``; save again; end. A watchdog thread, woken by the
signal itself (the wake-up pipe written by the C-level handler, so a main
thread stuck in a system call does not hold it up), ends the process
``GIVE_UP_SECONDS`` after the signal whatever the event loop is doing, saving
once more if it can: a process left behind would hold its sessions' locks
for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import struct
import sys
import termios
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

from rich.text import Text

if TYPE_CHECKING:
    from textual.app import App

    from ..core.workspace import Workspace

SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGQUIT)

READ_INPUT_SECONDS = 1.5
"""How long the input already delivered may take to be read after a signal."""

GIVE_UP_SECONDS = 3.0
"""After a signal, the process ends by this time, whatever else happens."""

SAVE_SECONDS = 1.5
"""The most the watchdog waits for its own save before ending the process."""

QUIET_CHECKS = 3
"""Checks in a row (20 ms apart) with no input left: all of it has been read."""


def unread_input_bytes(fd: int) -> int:
    """Bytes the terminal has delivered that nobody has read yet (0 if unknown)."""
    try:
        raw = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
    except OSError:
        return 0
    return int(struct.unpack("i", raw)[0])


class Closing:
    """The app's handlers for the signals that end it."""

    def __init__(
        self,
        app: App[Any],
        workspace: Workspace,
        input_settled: Callable[[], bool],
        save_forms: Callable[[], str],
    ) -> None:
        """``input_settled``: no input waits anywhere in the app (the driver's
        burst, the key router, the app's queue). ``save_forms``: save what
        the screens edit that has no file yet (a form with just a name), and
        say what to tell once the app has gone (where a form's text went)."""
        self.app = app
        self.workspace = workspace
        self._input_settled = input_settled
        self._save_forms = save_forms
        self._farewell = ""
        """Said in the terminal after the app has gone (a signal that leaves one)."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._caught_signal: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._previous: dict[int, Any] = {}
        self._previous_wakeup = -1
        self._wakeup: tuple[int, int] | None = None
        self._done = threading.Event()
        """The process is ending now: the watchdog has nothing to do."""

    def install(self) -> None:
        """On the main thread, with the event loop running."""
        self._loop = asyncio.get_running_loop()
        # The C-level handler writes each signal's number to this pipe at once,
        # whatever the main thread is doing (stuck in a write, say): the
        # watchdog wakes from it, not from the Python handler.
        read_end, write_end = os.pipe()
        os.set_blocking(write_end, False)
        try:
            self._previous_wakeup = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        except ValueError:  # not the main thread (embedded): signals are not ours to take
            os.close(read_end)
            os.close(write_end)
            return
        self._wakeup = (read_end, write_end)
        threading.Thread(
            target=self._watchdog, args=(read_end,), name="iisession-exit", daemon=True
        ).start()
        for number in SIGNALS:
            self._previous[number] = signal.signal(number, self._caught)

    def uninstall(self) -> None:
        for number, previous in self._previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(number, previous)
        self._previous.clear()
        if self._wakeup is not None:
            with contextlib.suppress(ValueError):
                signal.set_wakeup_fd(self._previous_wakeup)
            if self._caught_signal is None:
                os.close(self._wakeup[1])  # the watchdog reads the end and stops
            self._wakeup = None

    def _caught(self, number: int, frame: FrameType | None) -> None:
        # Runs on the main thread between two bytecodes, possibly in the middle
        # of anything (a save): only schedule the close on the event loop.
        if self._caught_signal is not None:
            return  # already ending (the watchdog bounds it)
        self._caught_signal = number
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: the watchdog ends it
                self._loop.call_soon_threadsafe(self._begin)

    def _begin(self) -> None:
        self._task = asyncio.create_task(self._close())

    async def _close(self) -> None:
        self._save_everything()  # first of all, what is in memory is safe
        await self._read_delivered_input()
        self._save_everything()
        if self._caught_signal == signal.SIGHUP:
            # No screen to restore, and writing to a terminal that is gone can hang.
            self._end_now()
        self.app.exit(return_code=1, message=Text(self._farewell) if self._farewell else None)

    def _save_everything(self) -> None:
        with contextlib.suppress(Exception):  # a form that cannot be saved is said on screen
            self._farewell = self._save_forms() or self._farewell
        self.workspace.save_all()

    async def _read_delivered_input(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READ_INPUT_SECONDS
        fd = _stdin_fd()
        quiet = 0
        while quiet < QUIET_CHECKS and loop.time() < deadline:
            await asyncio.sleep(0.02)
            left = (fd is not None and unread_input_bytes(fd) > 0) or not self._input_settled()
            quiet = 0 if left else quiet + 1

    def _watchdog(self, read_end: int) -> None:
        """Its own thread: wakes on one of our signals, and ends the process
        ``GIVE_UP_SECONDS`` later if the event loop has not by then."""
        ours = {int(number) for number in SIGNALS}
        while True:
            try:
                received = os.read(read_end, 64)
            except OSError:
                received = b""
            if not received:  # uninstalled: the app ended by itself
                with contextlib.suppress(OSError):
                    os.close(read_end)
                return
            if ours & set(received):
                break  # the pipe stays open: other signals may still write to it
        if self._done.wait(GIVE_UP_SECONDS):
            return
        # The event loop did not get there: save from yet another thread, so a
        # save stuck in the file system (a network folder gone) cannot keep
        # the process alive either, then end whatever happened.
        try:
            saver = threading.Thread(target=self.workspace.save_all, daemon=True)
            saver.start()
            saver.join(SAVE_SECONDS)
        finally:
            self._end_now()

    def _end_now(self) -> None:
        self._done.set()
        with contextlib.suppress(Exception):
            self.workspace.release_locks()
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        os._exit(1)


def _stdin_fd() -> int | None:
    stream = sys.__stdin__
    if stream is None:
        return None
    try:
        return stream.fileno()
    except (OSError, ValueError):
        return None
