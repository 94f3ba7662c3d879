"""A real terminal for tests and benchmarks: a tmux pane at a fixed size."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
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
        exports = [f"{k}={v}" for k, v in (env or {}).items()]
        # exec: the pane's process is the program itself, so its pid is the pane's.
        line = "exec " + shlex.join(["env", *exports, *command])
        # Options come from a config file, so they hold before the command
        # runs: no Escape delay, and the pane stays to be read after it exits.
        with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as conf:
            conf.write("set -s escape-time 0\nset -g remain-on-exit on\nset -g status off\n")
        try:
            self._tmux(
                "-f",
                conf.name,
                "new-session",
                "-d",
                "-x",
                str(self.width),
                "-y",
                str(self.height),
                "-s",
                "t",
                line,
            )
        finally:
            os.unlink(conf.name)

    def respawn(self, command: Sequence[str]) -> None:
        """Run ``command`` in the pane again (killing whatever runs there)."""
        self._tmux("respawn-pane", "-k", "-t", "t", shlex.join(command))

    def wait_dead(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.pane_dead():
            if time.monotonic() > deadline:
                raise AssertionError(f"the program did not exit:\n{self.screen()}")
            time.sleep(0.02)

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

    def pid(self) -> int:
        return int(self._tmux("display-message", "-p", "-t", "t", "#{pane_pid}").strip())

    def kill(self) -> None:
        self._tmux("kill-server", check=False)
