"""A second window on a session another iisession holds: read-only means it.

The holder is a real second process with the session's lock. The second
window changes nothing, runs no clock, shows who holds the session and the
session as it last saved it, and takes the session over once the holder is
gone.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from iisession.core.clock import ManualClock
from iisession.core.model import Person, Session, SessionState
from iisession.core.paths import resolve_folders
from iisession.core.store import SessionStore, read_session
from iisession.core.workspace import Workspace
from iisession.tui.app import IISessionApp
from iisession.tui.navigation import open_live
from iisession.tui.screens.live import LiveScreen
from iisession.tui.screens.prompts import ChoiceModal
from iisession.tui.widgets.countdown import CountdownPanel
from tests.pilot_helpers import current_screen

# The first window: opens the session to write, starts its clock, and saves
# notes as it is told to, until it is killed.
HOLDER = """
import sys
from pathlib import Path
from iisession.core.clock import SystemClock
from iisession.core.live import LiveCall
from iisession.core.store import SessionStore

path = Path(sys.argv[1])
handle = SessionStore(path.parent).open(path, allow_read_only=False)
LiveCall(handle.session, SystemClock()).toggle_clock()
handle.save()
print("held", flush=True)
for line in sys.stdin:
    handle.session.notes += line
    handle.save()
    print("saved", flush=True)
"""


class Holder:
    """Another iisession process that holds a session's lock."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.read() == "held"

    @property
    def pid(self) -> int:
        return self.process.pid

    def read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def write_note(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        assert self.read() == "saved"

    def kill(self) -> None:
        """As a crash would: the kernel drops its lock."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


@pytest.fixture
def held(sessions_dir: Path) -> Iterator[tuple[Path, Holder]]:
    with SessionStore(sessions_dir).create(Session(person=Person(name="Ana Ruiz"))) as handle:
        path = handle.path
    holder = Holder(path)
    try:
        yield path, holder
    finally:
        holder.kill()


def second_window(sessions_dir: Path, clock: ManualClock) -> IISessionApp:
    return IISessionApp(Workspace(resolve_folders(str(sessions_dir)), clock), offer_resume=False)


async def open_second(app: IISessionApp, path: Path) -> LiveScreen:
    open_live(app.screen, path)
    for _ in range(50):
        if isinstance(current_screen(app), LiveScreen):
            break
        await app.animator.wait_for_idle()
    screen = current_screen(app)
    assert isinstance(screen, LiveScreen)
    return screen


CHANGES = ["f4", "f5", "f6", "f7", "f8", "f10", "space", "m", "s", "a", "n"]
"""Every key that would change the session, each taken in turn."""


async def test_the_second_window_changes_nothing_and_shows_the_holder(
    sessions_dir: Path, held: tuple[Path, Holder]
) -> None:
    path, holder = held
    before = path.read_bytes()
    clock = ManualClock()
    app = second_window(sessions_dir, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        live = await open_second(app, path)
        await pilot.pause()
        assert live.handle.read_only

        # Who holds it, and the way out, are on screen.
        status = str(live.query_one("#status", Static).render())
        assert f"open in another iisession (pid {holder.pid} " in status
        assert any("Ctrl+T takes it over" in n.message for n in app._notifications)
        assert "(read-only)" in (live.title or "") or "READ-ONLY" in (live.sub_title or "")

        # Nothing that changes the session is offered, in the footer or the palette.
        keys = {key for key, active in live.active_bindings.items() if active.binding.show}
        assert keys & {"f4", "f5", "f6", "f7", "f8", "f10"} == set()
        assert "ctrl+t" in keys
        titles = [c.title for c in app.get_system_commands(live)]
        for gone in (
            "Start the clock, or pause and resume it",
            "Add a person they suggest you talk to",
            "End the call and see a summary",
            "New question",
        ):
            assert gone not in titles
        assert "Edit the session here, once the window that has it has closed it" in titles

        # And nothing does: no form, no prompt, no clock, no typing.
        notes = live.query_one("#notes", TextArea)
        assert notes.read_only
        for key in CHANGES:
            await pilot.press(key)
            await pilot.pause()
            assert current_screen(app) is live, key
        await pilot.press("f3", *"typed in the wrong window")
        assert notes.text == ""

        # No clock of its own: the holder's, as it last saved, standing still.
        panel = live.query_one(CountdownPanel)
        remaining = panel.remaining
        clock.advance(120)
        live.tick()
        await pilot.pause()
        assert not panel.running
        assert panel.remaining == remaining
        line = str(live.query_one("#clock-line", Static).render())
        assert line.startswith("READ-ONLY")
        assert "clock running there, as saved at" in line

        # What the holder saves shows here.
        holder.write_note("Uses dbt daily")
        live.tick()
        await pilot.pause()
        assert notes.text == "Uses dbt daily\n"
        assert notes.read_only

        # While the holder lives, taking over says so and changes nothing.
        await pilot.press("ctrl+t")
        assert live.handle.read_only
        assert any(
            f"still open in another iisession (pid {holder.pid}" in n.message
            for n in app._notifications
        )
        await pilot.press("ctrl+q")  # no prompt: nothing here to lose
    assert app.return_code in (None, 0)
    saved = read_session(path).session
    assert saved.notes == "Uses dbt daily\n"  # the holder's, and only the holder's
    assert path.read_bytes() != before


async def test_the_session_is_taken_over_once_the_holder_is_gone(
    sessions_dir: Path, held: tuple[Path, Holder]
) -> None:
    path, holder = held
    holder.write_note("From the first window")
    clock = ManualClock()
    app = second_window(sessions_dir, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        live = await open_second(app, path)
        await pilot.pause()
        assert live.handle.read_only

        holder.kill()  # it crashed (or was closed): the lock is free
        await pilot.press("ctrl+t")
        await pilot.pause()
        # Its clock was running there, and this window's clock cannot measure
        # for how long since: the user says whether the call went on.
        asked = app.screen
        assert isinstance(asked, ChoiceModal)
        assert "Did the call go on?" in asked.title_text
        await pilot.press("p")  # it stopped then: F5 runs it here
        assert not live.handle.read_only
        assert live.handle in app.workspace.open_files
        assert len(app.workspace.open_files) == 1  # the read-only copy is let go
        assert any("yours to edit" in n.message for n in app._notifications)
        keys = {key for key, active in live.active_bindings.items() if active.binding.show}
        assert {"f5", "f6", "f10"} <= keys
        assert "ctrl+t" not in keys

        notes = live.query_one("#notes", TextArea)
        assert not notes.read_only
        assert notes.text == "From the first window\n"
        await pilot.press("f3", "ctrl+end", *"Then ours")
        await pilot.press("f5")  # its clock runs again, in this window now
        assert live.live.countdown.running
        clock.advance(5)
        live.tick()
        saved = read_session(path).session
        assert saved.notes == "From the first window\nThen ours"
        assert saved.state is SessionState.LIVE
