"""A real terminal for tests and benchmarks: a tmux pane at a fixed size."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Mapping, Sequence


class Tmux:
    """One detached tmux server (own socket) running one command in one pane."""

    def __init__(self, width: int = 80, height: int = 24) -> None:
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is not installed")
        self.socket = f"iisession-{uuid.uuid4().hex[:8]}"
        self.width = width
        self.height = height

    def _tmux(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check
        )
        return done.stdout

    def start(self, command: Sequence[str], env: Mapping[str, str] | None = None) -> None:
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        line = f"env {exports} {shlex.join(command)}" if exports else shlex.join(command)
        self._tmux(
            "-f", "/dev/null", "new-session", "-d", "-x", str(self.width),
            "-y", str(self.height), "-s", "t", line,
        )
        self._tmux("set-option", "-s", "escape-time", "0")
        self._tmux("set-option", "-t", "t", "remain-on-exit", "on")

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "t", *keys)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear on screen:\n{shown}")
            time.sleep(0.05)

    def pane_dead(self) -> bool:
        return self._tmux("display-message", "-p", "-t", "t", "#{pane_dead}").strip() == "1"

    def exit_status(self) -> int | None:
        text = self._tmux("display-message", "-p", "-t", "t", "#{pane_dead_status}").strip()
        return int(text) if text else None

    def pid(self) -> int:
        return int(self._tmux("display-message", "-p", "-t", "t", "#{pane_pid}").strip())

    def kill(self) -> None:
        self._tmux("kill-server", check=False)
