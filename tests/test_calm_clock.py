"""The calm clock (``[live] clock = "minutes"``), switching clocks during a call,
and a screen that holds still: no redraw between minutes, no blinking cursor in
the notes, none anywhere with TEXTUAL_ANIMATIONS=none."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from textual.types import AnimationLevel
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from iisession.core.bank import Bank, builtin_questions
from iisession.core.clock import ManualClock
from iisession.core.countdown import format_clock, format_minutes_left
from iisession.core.live import LiveCall
from iisession.core.model import EventKind, Person, Session
from iisession.core.paths import resolve_folders
from iisession.core.settings import Settings, load_settings
from iisession.core.store import SessionStore
from iisession.core.workspace import Workspace
from iisession.tui.app import IISessionApp
from iisession.tui.palette import screen_commands
from iisession.tui.screens.live import LiveScreen
from iisession.tui.widgets.countdown import CountdownPanel
from tests.pilot_helpers import current_screen, focused

# --- the setting ------------------------------------------------------------------


def test_the_clock_setting_is_read_and_a_bad_one_is_reported() -> None:
    warnings: list[str] = []
    assert Settings().live.clock == "digits"
    assert load_settings({"live": {"clock": "minutes"}}, warnings).live.clock == "minutes"
    assert load_settings({"live": {"clock": "digits"}}, warnings).live.clock == "digits"
    assert warnings == []
    for bad in ("seconds", "Minutes", 3, ["minutes"]):
        warnings.clear()
        assert load_settings({"live": {"clock": bad}}, warnings).live.clock == "digits"
        [warning] = warnings
        assert "live.clock" in warning
        assert '"digits" or "minutes"' in warning


# --- the words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1800, "30 min left"),
        (1799.5, "30 min left"),  # the countdown still shows 30:00
        (1799, "29 min left"),
        (23 * 60, "23 min left"),
        (60, "1 min left"),
        (59.5, "1 min left"),  # the countdown shows 1:00
        (59, "less than a minute left"),
        (0.2, "less than a minute left"),
        (0, "time is up"),
        (-59.9, "time is up"),
        (-60, "time is up, 1 min over"),
        (-150, "time is up, 2 min over"),
    ],
)
def test_minutes_left_in_words(seconds: float, words: str) -> None:
    assert format_minutes_left(seconds) == words


def test_the_words_change_when_the_countdown_passes_a_whole_minute() -> None:
    # The minutes said are those the big clock shows, its seconds left off.
    for tenth in range(-3600, 2 * 3600 * 10, 37):
        seconds = tenth / 10
        shown = format_clock(seconds).removeprefix("+").removesuffix(" over").split(":")
        minutes = int(shown[-2]) + 60 * (int(shown[0]) if len(shown) == 3 else 0)
        words = format_minutes_left(seconds)
        if seconds > 0:
            expected = f"{minutes} min left" if minutes else "less than a minute left"
        else:
            expected = f"time is up, {minutes} min over" if minutes else "time is up"
        assert words == expected, (seconds, format_clock(seconds))


def test_every_point_passed_is_kept_in_order_until_an_extension_puts_it_ahead() -> None:
    clock = ManualClock()
    live = LiveCall(Session(limit_minutes=15), clock)
    assert live.passed() == []
    live.toggle_clock()
    assert live.passed() == []
    clock.advance(5 * 60)  # 10 minutes left
    assert live.passed() == [(EventKind.WARNED, 10)]
    clock.advance(5 * 60)
    assert live.passed() == [(EventKind.WARNED, 10), (EventKind.WRAP_UP, 5)]
    clock.advance(5 * 60 + 1)
    assert live.passed() == [
        (EventKind.WARNED, 10),
        (EventKind.WRAP_UP, 5),
        (EventKind.TIME_UP, 0),
    ]
    assert live.standing() == (EventKind.TIME_UP, 0)
    live.extend(10)  # 9:59 left again
    assert live.passed() == [(EventKind.WARNED, 10)]
    live.end()
    assert live.passed() == []


# --- the live screen ------------------------------------------------------------------


def make(
    sessions_dir: Path, clock_style: str = "", limit: int = 30
) -> tuple[IISessionApp, ManualClock]:
    """The app on a live call, with the clock set in a real config file."""
    if clock_style:
        config = Path(os.environ["XDG_CONFIG_HOME"]) / "iisession"
        config.mkdir(parents=True, exist_ok=True)
        (config / "config.toml").write_text(f'[live]\nclock = "{clock_style}"\n')
    clock = ManualClock()
    session = Session(
        person=Person(name="Maya Lindqvist", organisation="Northwind Health"),
        limit_minutes=limit,
        questions=Bank(builtin_questions()).defaults(),
    )
    handle = SessionStore(sessions_dir).create(session)
    return IISessionApp(Workspace(resolve_folders(str(sessions_dir)), clock), handle), clock


def live_screen(app: IISessionApp) -> LiveScreen:
    shown = current_screen(app)
    assert isinstance(shown, LiveScreen)
    return shown


def text(widget: Widget) -> str:
    return str(widget.render())


def count_refreshes(widgets: list[Widget]) -> dict[str, int]:
    """How many times each of ``widgets`` asks to be redrawn from now on."""
    counts = {str(w.id): 0 for w in widgets}
    for widget in widgets:
        original = widget.refresh

        def counted(*args: Any, _w: Widget = widget, _o: Any = original, **kwargs: Any) -> Any:
            counts[str(_w.id)] += 1
            return _o(*args, **kwargs)

        widget.refresh = counted  # type: ignore[method-assign]
    return counts


async def test_the_minutes_clock_is_redrawn_only_when_the_minute_changes(
    sessions_dir: Path,
) -> None:
    app, clock = make(sessions_dir, "minutes")
    async with app.run_test(size=(80, 24)) as pilot:
        live = live_screen(app)
        panel = live.query_one(CountdownPanel)
        assert panel.clock_style == "minutes"
        assert not panel.digits.display
        assert not live.query_one("#progress").display
        line = live.query_one("#clock-line", Static)
        assert text(line) == "30 min call, not started: F5 starts the clock"
        await pilot.press("f5", "f3")  # the clock runs, the notes have the focus
        await pilot.pause()
        assert text(line) == "30 min left"
        parts: list[Widget] = [panel, panel.digits, *panel.query("*")]
        counts = count_refreshes(parts)
        renders = 0
        original_render = line.render

        def render() -> Any:
            nonlocal renders
            renders += 1
            return original_render()

        line.render = render  # type: ignore[method-assign]
        shown = []
        for _ in range(150):  # two and a half minutes, a tick a second, each drawn
            clock.advance(1)
            live.tick()
            await pilot.pause()
            shown.append(str(line.content))
        assert shown[0] == "29 min left"
        assert shown[-1] == "27 min left"
        assert len(set(shown)) == 3
        # The line was redrawn once for each minute shown, and nothing else of
        # the clock at all.
        assert counts == {
            "countdown": 0,
            "digits": 0,
            "clock-line": 3,
            "clock-notes": 0,
            "progress": 0,
        }
        assert renders == 3


async def test_warnings_and_time_up_stay_on_screen_as_lines(sessions_dir: Path) -> None:
    app, clock = make(sessions_dir, "minutes", limit=15)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        live = live_screen(app)
        line = live.query_one("#clock-line", Static)
        notes = live.query_one("#clock-notes", Static)
        await pilot.press("f5")
        assert not notes.display  # no room taken before there is a line to show
        clock.advance(5 * 60)
        live.tick()
        await pilot.pause()
        assert text(line) == "10 min left"
        assert text(notes) == "10-minute warning."
        assert notes.display
        clock.advance(9 * 60 + 30)  # long after the warning's toast is gone: still there
        live.tick()
        assert text(line) == "less than a minute left"
        assert text(notes).splitlines() == [
            "10-minute warning.",
            "Wrap up now (5 min before the limit): time for the closing questions.",
        ]
        clock.advance(30 + 2 * 60)
        live.tick()
        await pilot.pause()
        assert text(line) == "time is up, 2 min over"
        assert text(notes).splitlines()[-1] == "Time is up: thank them and offer to end the call."
        assert live.query_one(CountdownPanel).has_class("-time-up")
        # The toasts still come, beside the lines that stay.
        assert any(n.message.startswith("Time is up") for n in app._notifications)
        await pilot.press("f5")
        assert text(line) == "time is up, 2 min over, paused: F5 resumes"
        await pilot.press("f10")
        await pilot.press("escape")
        assert text(line) == "call ended after 17 min, of 15 min"
        assert not notes.display


async def test_f12_switches_the_clock_during_the_call_even_while_typing(
    sessions_dir: Path,
) -> None:
    app, clock = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        live = live_screen(app)
        panel = live.query_one(CountdownPanel)
        line = live.query_one("#clock-line", Static)
        await pilot.press("f5")
        clock.advance(65)
        live.tick()
        assert panel.clock_style == "digits"
        assert panel.digits.display
        assert text(line) == "left of 30:00"
        await pilot.press("f3", "a", "f12", "b")
        assert isinstance(focused(app), TextArea)
        assert live.query_one("#notes", TextArea).text == "ab"  # F12 typed nothing
        await pilot.pause()
        assert panel.clock_style == "minutes"
        assert not panel.digits.display
        assert text(line) == "28 min left"
        await pilot.press("f12")
        await pilot.pause()
        assert panel.clock_style == "digits"
        assert panel.digits.display
        assert text(line) == "left of 30:00"
        titles = [command.title for command in screen_commands(app, live)]
        assert "Switch the clock: big digits, or the minutes left in words" in titles


@pytest.mark.parametrize("level", ["full", "none"])
async def test_no_cursor_blinks_in_the_notes_and_none_anywhere_with_animations_off(
    sessions_dir: Path, level: AnimationLevel
) -> None:
    app, _ = make(sessions_dir)
    app.animation_level = level  # as TEXTUAL_ANIMATIONS sets it
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", "f3")
        notes = focused(app)
        assert isinstance(notes, TextArea)
        assert not notes.cursor_blink  # never, during a call
        await pilot.press("f7")  # a key point: a prompt with a text box
        await pilot.pause()
        box = focused(app)
        assert isinstance(box, Input)
        assert box.cursor_blink is (level != "none")


async def test_the_big_digits_give_way_when_the_terminal_is_made_shorter(
    sessions_dir: Path,
) -> None:
    app, clock = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        live = live_screen(app)
        panel = live.query_one(CountdownPanel)
        line = live.query_one("#clock-line", Static)
        await pilot.press("f5")
        clock.advance(65)
        live.tick()
        await pilot.pause()
        assert panel.digits.display
        await pilot.resize_terminal(80, 20)
        await pilot.pause()
        assert not panel.digits.display
        assert text(line) == "28:55 left of 30:00"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert panel.digits.display
        assert text(line) == "left of 30:00"
