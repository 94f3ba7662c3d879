"""Input that arrives in bursts: a signal right after a paste, keys right after
an F-key. On a real pseudo-terminal with real signals, and in Pilot with every
key posted before the first is handled (as a burst from the terminal is)."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual import events
from textual.message import Message
from textual.widgets import Input

from iisession.core.store import read_session
from iisession.tui.screens.prompts import ChoiceModal, MinutesPrompt
from tests.pilot_helpers import current_screen
from tests.pty_app import F2, F3, F5, PtyApp
from tests.test_live_screen import make, screen


def burst_text(length: int) -> str:
    return " ".join(f"w{i:04d}" for i in range(length // 6 + 1))[:length]


@pytest.fixture
def started(sessions_dir: Path) -> Iterator[PtyApp]:
    app = PtyApp(sessions_dir, "Burst Test")
    try:
        app.wait_for("starts the clock")
        app.write(F5)
        app.wait_for("left of")
        yield app
    finally:
        app.kill()


def notes_on_disk(sessions_dir: Path) -> str:
    [path] = list(sessions_dir.glob("*.toml"))
    return read_session(path).session.notes


@pytest.mark.parametrize("ending", ["SIGTERM", "SIGQUIT", "terminal closed"])
def test_a_signal_right_after_a_paste_reads_all_of_it_saves_and_ends(
    started: PtyApp, sessions_dir: Path, ending: str
) -> None:
    started.write(F3)
    started.wait_for("Notes (F3)")
    text = burst_text(1800)
    started.write(text)  # a paste, delivered as typed keys
    # A signal 50 ms after a paste, as a person could: a terminal that closes
    # sooner can take unread input with it (the kernel drops it on hang-up).
    time.sleep(0.05)
    if ending == "terminal closed":
        started.close_terminal()
    else:
        started.signal(getattr(signal, ending))
    seconds = started.wait_exit(timeout=4.0)
    assert seconds is not None, f"still running 4 s after {ending}"
    # Ended by the signal's own path, well before the watchdog would have (3 s).
    assert seconds < 2.5, f"{ending}: {seconds:.2f} s"
    assert notes_on_disk(sessions_dir) == text


def test_words_written_with_f_keys_in_one_write_land_in_the_notes_in_order(
    started: PtyApp, sessions_dir: Path
) -> None:
    words = [f"word{i:02d}" for i in range(6)]
    # Questions, tick, notes, a word: over and over, with no pause at all.
    started.write("".join(f"{F2} {F3}{word} " for word in words))
    expected = "".join(f"{word} " for word in words)
    deadline = time.monotonic() + 15
    while notes_on_disk(sessions_dir) != expected and time.monotonic() < deadline:
        time.sleep(0.1)  # saved 2 s after the last keystroke
    assert notes_on_disk(sessions_dir) == expected


def keys(*names: str) -> list[events.Key]:
    """Key events as the terminal sends them: names, or single characters."""
    out = []
    for name in names:
        if len(name) == 1:
            out.append(events.Key("space" if name == " " else name, name))
        else:
            out.append(events.Key(name, None))
    return out


async def test_keys_posted_together_go_where_each_one_before_left_the_focus(
    sessions_dir: Path,
) -> None:
    app, _clock, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        live = screen(app)
        # All posted before the first is handled: F3 moves the focus to the
        # notes, and the text after it must follow; Backspace must delete
        # before the digit after it goes in.
        for event in keys("f3", *"hello", "f8", *"12", "backspace", "backspace", "7", "enter"):
            app.post_message(event)
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert live.handle.session.notes == "hello"
        assert live.live.countdown.limit_seconds == (30 + 7) * 60
    assert read_session(path).session.notes == "hello"


async def burst_into_a_busy_prompt(sessions_dir: Path) -> tuple[bool, str, float]:
    """The burst of the test above, with the minutes prompt busy as the last
    Backspace comes in: whether it was, the notes and the limit."""
    app, _clock, _path = make(sessions_dir)
    backspaces = 0
    busied = False

    async def redraw() -> None:
        await asyncio.sleep(0.05)

    def busy(screen: MinutesPrompt, message: Message) -> None:
        nonlocal backspaces, busied
        if isinstance(message, events.Key) and message.key == "backspace":
            backspaces += 1
            # The last one, which a digit follows, behind a message queued there.
            if backspaces == 2 and len(screen._message_queue.values) > 1:
                screen._invoke_later(redraw, screen)
                screen._on_timer_update()  # the update timer fires: what waited runs next
                busied = True

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        # The start screen beneath reads the folder a moment after start-up:
        # done before the keys, it cannot make their timing vary.
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        live = screen(app)
        for event in keys("f3", *"hello", "f8", *"12", "backspace", "backspace", "7", "enter"):
            app.post_message(event)
        prompt: MinutesPrompt | None = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (
            prompt is not None and app.keys.idle and current_screen(app) is live
        ):
            if prompt is None and isinstance(app.screen, MinutesPrompt):
                prompt = app.screen

                def post_message(
                    message: Message,
                    prompt: MinutesPrompt = prompt,
                    post: Callable[[Message], bool] = prompt.post_message,
                ) -> bool:
                    posted = post(message)
                    busy(prompt, message)
                    return posted

                prompt.post_message = post_message  # type: ignore[method-assign]
            await asyncio.sleep(0)
        await pilot.pause()
        return busied, live.handle.session.notes, live.live.countdown.limit_seconds


async def test_a_key_waits_for_the_one_before_it_while_a_prompt_is_busy_redrawing(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a loaded machine a screen's update timer can fire just as a Backspace
    bubbles into it behind a message already queued there: what waits for the
    refresh (a footer's recompose, say) then runs, and awaits, in the screen's
    message loop with the Backspace taken up next but not yet handled. The digit
    after the Backspace must still wait for it."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)  # no blink timer's timing
    # Whether the Backspace finds a message queued ahead of it depends on the
    # order the loop runs the pumps in: almost always it does.
    for attempt in range(5):
        busied, notes, limit = await burst_into_a_busy_prompt(sessions_dir / str(attempt))
        if busied:
            break
    assert busied
    assert notes == "hello"
    assert limit == (30 + 7) * 60


async def test_keys_typed_before_a_one_key_question_showed_never_answer_it(
    sessions_dir: Path,
) -> None:
    app, _clock, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", "f3")
        live = screen(app)
        # Escape (back) asks "end the call or keep it?", answered by one key;
        # "e" would end the call. The text after Escape was typed before the
        # question showed: it is for the notes, once the question is answered.
        for event in keys(*"so ", "escape", *"the team"):
            app.post_message(event)
        await pilot.pause(0.5)
        asked = current_screen(app)
        assert isinstance(asked, ChoiceModal)
        assert not live.live.ended
        assert live.handle.session.notes == "so "
        await pilot.press("escape")  # keep the call
        await pilot.pause(0.3)
        assert current_screen(app) is live
        assert live.handle.session.notes == "so the team"
        assert not live.live.ended
    assert read_session(path).session.notes == "so the team"


async def test_a_form_saved_in_the_same_burst_as_its_typing_keeps_every_letter(
    sessions_dir: Path,
) -> None:
    app, _clock, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", "f4")  # the clock, then the referral form
        await pilot.pause(0.2)
        # Ctrl+S is a priority key: it must not act before the letters typed
        # just before it are in the field.
        for event in keys(*"Dana Fox", "ctrl+s"):
            app.post_message(event)
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        live = screen(app)
        assert [r.name for r in live.handle.session.referrals] == ["Dana Fox"]
    assert [r.name for r in read_session(path).session.referrals] == ["Dana Fox"]
