"""Real-terminal tests: the app in a tmux pane at 80x24, as a person sees it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from iisession.core.store import SessionStore, read_session
from tests.factories import make_session
from tests.tmux import Tmux

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def start_live_call(term: Tmux, sessions_dir: Path, name: str) -> str:
    """`iisession new` in the pane; returns the first screen."""
    term.start(
        [
            sys.executable,
            "-m",
            "iisession",
            "--sessions-dir",
            str(sessions_dir),
            "new",
            "--name",
            name,
        ],
        env={"TERM": "xterm-256color"},
    )
    return term.wait_for("F5 starts the clock")


def process_ends(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return True  # exited, waiting for its parent to collect it
        time.sleep(0.05)
    return False


@pytest.fixture
def term() -> Iterator[Tmux]:
    tmux = Tmux(80, 24)
    yield tmux
    tmux.kill()


def test_first_screen_at_80x24_and_ctrl_q_quits(
    term: Tmux, sessions_dir: Path, tmp_path: Path
) -> None:
    SessionStore(sessions_dir).create(make_session(name="Grace Hopper")).close()
    status_file = tmp_path / "status"
    app = shlex.join([sys.executable, "-m", "iisession", "--sessions-dir", str(sessions_dir)])
    # The shell records how the app ended (tmux's own record of it is not reliable).
    term.start(
        ["sh", "-c", f"{app}; echo $? > {shlex.quote(str(status_file))}"],
        env={"TERM": "xterm-256color"},
    )
    screen = term.wait_for("Grace Hopper")
    lines = screen.splitlines()
    assert "iisession" in lines[0]
    assert "1 session" in lines[0]
    assert "1 sessions" not in lines[0]
    assert "Sessions folder:" in screen
    assert "f1 Help" in lines[-1], screen
    time.sleep(0.5)  # a person reads the screen before quitting
    term.send("C-q")
    deadline = time.monotonic() + 10
    while not status_file.exists() or not status_file.read_text().strip():
        assert time.monotonic() < deadline, term.screen()
        time.sleep(0.05)
    assert status_file.read_text().strip() == "0"


def test_live_call_survives_the_terminal_closing(term: Tmux, sessions_dir: Path) -> None:
    """Start, tick, type, add a referral, then close the terminal (SIGHUP)."""
    screen = start_live_call(term, sessions_dir, "Maya Lindqvist")
    for part in ("Questions (F2)", "Notes (F3)", "Referrals (F4", "not started"):
        assert part in screen  # all four parts at 80x24
    term.send("F5")
    term.wait_for("left")
    term.send("F6")
    term.send("F4")
    term.wait_for("New referral")
    term.send("Priya Raman")
    time.sleep(0.2)
    term.send("C-s")
    term.wait_for("Referral added")
    term.send("F3")
    time.sleep(0.2)
    term.send("typed just before the terminal closed")
    term.wait_for("closed")
    pid = term.pid()
    term.kill()  # the terminal goes away: SIGHUP, well inside the 2 s autosave pause
    deadline = time.monotonic() + 10
    [path] = list(sessions_dir.glob("*.toml"))
    while True:
        session = read_session(path).session
        if session.notes or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert session.notes == "typed just before the terminal closed"
    assert session.questions[0].asked
    assert [r.name for r in session.referrals] == ["Priya Raman"]
    # And the app is gone: a process left behind would hold the session's lock.
    assert process_ends(pid), f"iisession (pid {pid}) still running after SIGHUP"
    assert not SessionStore(sessions_dir).open(path).read_only


def test_kill_9_while_typing_loses_no_more_than_the_autosave_pause(
    term: Tmux, sessions_dir: Path
) -> None:
    start_live_call(term, sessions_dir, "Kim Ito")
    term.send("F5")
    term.send("F3")
    time.sleep(0.2)
    term.send("First thought, saved by the pause.")
    term.wait_for("saved by the pause")
    time.sleep(3.5)  # more than the 2 s pause: autosaved
    term.send(" Second thought")
    term.wait_for("Second thought")
    pids = subprocess.run(
        ["pgrep", "-f", f"sessions-dir {sessions_dir} new"], capture_output=True, text=True
    ).stdout.split()
    assert pids
    for pid in pids:
        os.kill(int(pid), signal.SIGKILL)
    [path] = list(sessions_dir.glob("*.toml"))
    notes = read_session(path).session.notes
    # What was typed before the last pause is on disk; at most the last few
    # seconds of typing are lost.
    assert notes.startswith("First thought, saved by the pause.")
    assert read_session(path).session.state.value == "live"


def test_sigterm_while_typing_saves_everything(term: Tmux, sessions_dir: Path) -> None:
    start_live_call(term, sessions_dir, "Lee Park")
    term.send("F5")
    term.send("F3")
    time.sleep(0.2)
    term.send("typed right before kill")
    term.wait_for("right before kill")
    os.kill(term.pid(), signal.SIGTERM)  # well inside the 2 s autosave pause
    term.wait_dead()
    [path] = list(sessions_dir.glob("*.toml"))
    session = read_session(path).session
    assert session.notes == "typed right before kill"
    assert session.state.value == "live"


def iisession(sessions_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "iisession", "--sessions-dir", str(sessions_dir), *args]


def test_after_a_crash_the_call_is_offered_and_runs_on(term: Tmux, sessions_dir: Path) -> None:
    """kill -9 in a running call left untouched: the clock's state was journaled
    when it started, and the call resumes running, the time since counted on the
    steady clock."""
    start_live_call(term, sessions_dir, "Kim Ito")
    term.send("F5")
    term.wait_for("left of 30:00")
    term.send("F6")
    time.sleep(5.5)  # untouched: nothing typed, no save since the tick
    os.kill(term.pid(), signal.SIGKILL)
    term.wait_dead()
    killed = time.monotonic()
    time.sleep(3)  # closed a while: the prompt's total must count it
    term.respawn(["env", "TERM=xterm-256color", *iisession(sessions_dir)])
    screen = term.wait_for("A call was left open")
    assert "With Kim Ito" in screen
    assert "the call went on" in " ".join(screen.split()), screen
    used = re.search(r"(\d+):(\d\d) of 30:00 used by", screen)
    assert used is not None, screen
    # The 5.5 s before the crash and the time since, none of it lost (less
    # the rounding down, and a little for the prompt's drawing and this look).
    shown = int(used.group(1)) * 60 + int(used.group(2))
    assert shown >= 5 + int(time.monotonic() - killed) - 2, screen
    term.send("r")
    screen = term.wait_for("Call resumed")
    assert "[x]" in screen  # the tick made before the crash
    assert "PAUSED" not in screen
    closed = time.monotonic() - killed
    [path] = list(sessions_dir.glob("*.toml"))
    term.send("F5")  # pause: the clock is saved as it stands
    term.wait_for("PAUSED")
    session = read_session(path).session
    assert [e.kind.value for e in session.timeline] == ["started", "paused"]
    assert session.clock is not None
    # The 5.5 s before the crash and the time it was closed: the call went on
    # all along, and no record in between was needed to count it.
    assert session.clock.used_seconds >= 5.5 + closed


def test_new_with_a_template_goes_straight_to_the_live_screen(
    term: Tmux, sessions_dir: Path, tmp_path: Path
) -> None:
    from iisession.core.templates import Template, TemplateItem, save_template

    config = tmp_path / "xdg" / "xdg_config_home" / "iisession"
    save_template(
        config,
        Template(
            "Alumni",
            [
                TemplateItem("What did the programme not teach you?", must=True),
                TemplateItem("Who else from our year should I ask?", closing=True),
            ],
        ),
    )
    term.start(
        iisession(sessions_dir, "new", "--name", "Ana Ruiz", "--template", "alumni"),
        env={"TERM": "xterm-256color"},
    )
    screen = term.wait_for("F5 starts the clock")
    assert "> ! What did the programme not" in screen  # wrapped at 80 columns
    assert "(closing) Who else from our" in screen  # wrapped: every word shown
    assert "year should I ask?" in screen
    assert "typical week" not in screen  # not the default set
    assert "call with Ana Ruiz" in screen


def test_new_with_a_time_opens_the_form_and_lists_the_call(term: Tmux, sessions_dir: Path) -> None:
    term.start(
        iisession(sessions_dir, "new", "--name", "Ben Okafor", "--at", "2031-01-02 10:00"),
        env={"TERM": "xterm-256color"},
    )
    screen = term.wait_for("set up a call")
    assert "Ben Okafor" in screen
    assert "2031-01-02 10:00" in screen
    term.send("Escape")
    screen = term.wait_for("Upcoming")
    screen = term.wait_for("Ben Okafor")
    assert "2031 10:00" in screen
    assert "confirm it" in screen
    [path] = list(sessions_dir.glob("*.toml"))
    assert path.name.startswith("2031-01-02-")
    assert read_session(path).session.state.value == "planned"


def test_review_the_example_sessions_in_a_real_terminal(term: Tmux, tmp_path: Path) -> None:
    """The README demo: `iisession --sessions-dir sessions review`, then search and open."""
    examples = tmp_path / "examples"
    shutil.copytree(Path(__file__).resolve().parent.parent / "sessions", examples)
    term.start(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(examples), "review"],
        env={"TERM": "xterm-256color"},
    )
    screen = term.wait_for("8 sessions")
    lines = screen.splitlines()
    assert "review" in lines[0]
    assert lines[3].startswith("Date ▼     Person")
    assert lines[4].startswith("2026-12-03 Theo Marchetti")
    assert "2026-11-04 Owen Pritchard     Ashcombe City Co… 30:50 / 30 9/11  3   ended" in screen
    priya = "2026-11-24 Priya Natarajan    Harbour Health    - / 30     0/9   0   requested"
    assert priya in screen
    term.send("C-f")
    term.wait_for("Search every session")
    for char in "safeguard":
        term.send("-l", char)
        time.sleep(0.03)
    term.wait_for("1 session matches")
    screen = term.wait_for("in notes: ")
    assert "Owen Pritchard" in screen
    term.send("Enter")
    time.sleep(0.2)
    term.send("Enter")
    screen = term.wait_for("Preparation")
    assert "Owen Pritchard (Senior Service Designer" in screen
    term.send("Escape")
    term.wait_for("1 session matches")
    term.send("Escape")
    term.wait_for("8 sessions")
    term.send("Escape")  # the review the app opened on: back to the start screen
    term.wait_for("Recent sessions")
    screen = term.wait_for("Nadia Petrakis")  # upcoming
    assert "Sunniva Hart" in screen  # recent
    term.send("r")  # and back to the same review
    term.wait_for("8 sessions")
    term.send("C-q")
    term.wait_dead()


def test_follow_up_a_referral_from_the_start_screen_in_a_real_terminal(
    term: Tmux, tmp_path: Path
) -> None:
    """Follow-ups, the request to a referral (the profile asked for first), sent;
    then the network shows them asked."""
    examples = tmp_path / "examples"
    shutil.copytree(Path(__file__).resolve().parent.parent / "sessions", examples)
    # An editor that adds a line, as a person would in their own editor.
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "Written in my editor.\\n" >> "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    term.start(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(examples)],
        env={"TERM": "xterm-256color", "EDITOR": str(editor), "VISUAL": ""},
    )
    term.wait_for("Recent sessions")
    term.send("f")
    term.wait_for("· Enter does it")
    screen = term.wait_for("OVERDUE  Send a thank-you to Sunniva Hart")
    assert "OVERDUE  Contact Amara Nwosu (suggested by Ines Halvorsen)" in screen
    row = next(n for n, line in enumerate(screen.splitlines()) if "Contact Amara" in line)
    term.send(*["Down"] * (row - 2), "Enter")  # the rows start on the third line
    term.wait_for("Who are your drafts from?")  # the first draft: the profile first
    term.send("Clara Whitfield", "C-s")
    term.wait_for("F5 s once you have sent it")
    screen = term.wait_for("Dear Amara,")  # once the profile's note has gone
    assert "To: Amara Nwosu <amara.nwosu@example.org>" in screen
    term.wait_for("Checks ")  # under the text, at 80 columns
    term.wait_for("Clara Whitfield")  # the draft signed from it
    term.send("F6")  # the text goes to $EDITOR and comes back with its line
    term.wait_for("Written in my editor.")
    term.send("F5")
    term.wait_for("they agreed")
    term.send("s")
    term.wait_for("Waiting since")
    term.send("Escape")
    screen = term.wait_for("Follow up once with Amara Nwosu")  # read again: asked now
    assert "Contact Amara" not in screen
    term.send("Escape")
    term.wait_for("Recent sessions")
    term.send("w")
    screen = term.wait_for("Asked, waiting for a reply: 3.")
    assert "Amara Nwosu  asked, waiting" in screen
    term.send("C-q")
    term.wait_dead()
    ines = read_session(examples / "2026-10-21-1430-ines-halvorsen.toml").session
    amara = next(r for r in ines.referrals if r.name == "Amara Nwosu")
    [asked] = [
        loaded.session
        for loaded in SessionStore(examples).scan()[0]
        if loaded.session.id == amara.session_id
    ]
    assert asked.request is not None
    assert asked.request.sent_at is not None
    assert asked.request.text.startswith("Dear Amara,")
    assert asked.request.text.endswith("Written in my editor.\n")
