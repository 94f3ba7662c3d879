"""Real-terminal tests: the app in a tmux pane at 80x24, as a person sees it."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from iisession.store import SessionStore
from tests.factories import make_session
from tests.tmux import Tmux

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.fixture
def term() -> Iterator[Tmux]:
    tmux = Tmux(80, 24)
    yield tmux
    tmux.kill()


def test_first_screen_at_80x24_and_ctrl_q_quits(term: Tmux, sessions_dir: Path) -> None:
    SessionStore(sessions_dir).create(make_session(name="Grace Hopper")).close()
    term.start(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(sessions_dir)],
        env={"TERM": "xterm-256color"},
    )
    screen = term.wait_for("Grace Hopper")
    lines = screen.splitlines()
    assert "iisession" in lines[0]
    assert "1 sessions" in lines[0]
    assert "Sessions folder:" in screen
    assert "f1 Help" in lines[-1], screen
    term.send("C-q")
    deadline = time.monotonic() + 10
    while not term.pane_dead():
        assert time.monotonic() < deadline, term.screen()
        time.sleep(0.05)
    assert term.exit_status() == 0
