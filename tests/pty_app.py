"""The real app on a pseudo-terminal: input written in bursts, real signals.

tmux delivers keys one by one; a pseudo-terminal of our own lets a test write
a paste, or an F-key and the words after it, in one write, as a laggy link does.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import signal
import struct
import sys
import termios
import threading
import time
from pathlib import Path

F2 = "\x1b[12~"
F3 = "\x1b[13~"
F5 = "\x1b[15~"


class PtyApp:
    """``iisession new --name NAME`` on its own pseudo-terminal."""

    def __init__(self, sessions_dir: Path, name: str, width: int = 80, height: int = 24) -> None:
        self.sessions_dir = sessions_dir
        command = [sys.executable, "-m", "iisession", "--sessions-dir", str(sessions_dir)]
        command += ["new", "--name", name]
        env = dict(os.environ, TERM="xterm-256color")
        pid, fd = pty.fork()
        if pid == 0:  # the child: the app, on the terminal's other end
            try:
                size = struct.pack("HHHH", height, width, 0, 0)
                fcntl.ioctl(0, termios.TIOCSWINSZ, size)
                os.execve(command[0], command, env)
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        self.output = bytearray()
        self._status: int | None = None
        # The app's output is read all the time, as a terminal does: a terminal
        # that stops reading would block the app's writes.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.output.extend(data)

    def wait_for(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.output:
            if time.monotonic() > deadline or self.exited():
                raise AssertionError(f"{text!r} did not appear (exited: {self.exited()})")
            time.sleep(0.02)

    def write(self, text: str) -> None:
        """One write: the app reads it as one burst."""
        data = text.encode()
        while data:
            data = data[os.write(self.fd, data) :]

    def signal(self, number: int) -> None:
        os.kill(self.pid, number)

    def close_terminal(self) -> None:
        """The terminal window closes: the kernel hangs up the app's terminal."""
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def exited(self) -> bool:
        if self._status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._status = status
        return self._status is not None

    def wait_exit(self, timeout: float) -> float | None:
        """Seconds until the process ended, or None if it still runs after ``timeout``."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.exited():
                return time.monotonic() - start
            time.sleep(0.01)
        return None

    def kill(self) -> None:
        if not self.exited():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self._status = -9
        self.close_terminal()
