"""A real browser for tests: headless Chromium driven by Playwright, on the page
that ``iisession serve`` serves, and the server itself as a real process."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM_ENV = "IISESSION_CHROMIUM"
"""A Chromium (or Chrome) to use, if it is not on PATH as one of the usual names."""

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The Chromium executable to drive: $IISESSION_CHROMIUM, else the first
    of the usual names on PATH; None if there is none."""
    given = os.environ.get(CHROMIUM_ENV, "").strip()
    if given:
        return given if os.access(given, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


# The page keeps its terminal (xterm.js) to itself: catch it as textual-serve's
# script stores it (``this.terminal = ...``), to read the screen as text.
CAPTURE_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {
      value, writable: true, configurable: true, enumerable: true,
    });
    window.__iisessionTerminal = value;
  },
});
"""

SCREEN_TEXT = """() => {
  const terminal = window.__iisessionTerminal;
  if (!terminal) return null;
  const buffer = terminal.buffer.active;
  const lines = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
}"""


def screen(page: Page) -> str:
    """The terminal in the page, as text (rows joined by newlines)."""
    text = page.evaluate(SCREEN_TEXT)
    if text is None:
        raise AssertionError("the page has no terminal: has textual-serve's page changed?")
    return str(text)


def wait_for(page: Page, text: str, timeout: float = 15.0) -> str:
    """The screen once it shows ``text``."""
    deadline = time.monotonic() + timeout
    while True:
        shown = screen(page)
        if text in shown:
            return shown
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never showed; the screen:\n{shown}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """``iisession serve`` running as a real process, in a process group of its
    own, as a shell runs a command (Ctrl+C there reaches the whole group)."""

    def __init__(self, sessions_dir: Path, env: Mapping[str, str], *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "iisession",
                "--sessions-dir",
                str(sessions_dir),
                "serve",
                "--port",
                str(self.port),
                *args,
            ],
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self._out: list[str] = []
        self._err: list[str] = []
        self._readers = [
            threading.Thread(target=_read, args=(self.process.stdout, self._out), daemon=True),
            threading.Thread(target=_read, args=(self.process.stderr, self._err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        deadline = time.monotonic() + 30
        while not self._out and self.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        self.first_line = self._out[0] if self._out else ""
        """What it said first: where it listens, once it does."""

    def ctrl_c(self, within: float = 15.0) -> tuple[int, str, str]:
        """Ctrl+C as a terminal sends it (to the group); the exit status and output."""
        os.killpg(self.process.pid, signal.SIGINT)
        status = self.process.wait(timeout=within)
        for reader in self._readers:
            reader.join(timeout=5)
        return status, "".join(self._out), "".join(self._err)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def apps(self) -> list[int]:
        """The app processes the server runs (one per page)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []


def _read(stream: IO[str] | None, into: list[str]) -> None:
    assert stream is not None
    for line in stream:
        into.append(line)


def process_ends(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        stat = Path(f"/proc/{pid}/stat")
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True  # exited, waiting for its parent to collect it
        except (OSError, IndexError):
            return True
        time.sleep(0.05)
    return False
