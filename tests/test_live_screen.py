"""The live screen driven by Pilot, with an injected clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.color import Color
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Markdown, OptionList, Static, TextArea

from iisession.core.bank import Bank, builtin_questions
from iisession.core.clock import ManualClock
from iisession.core.model import EventKind, Person, Session, SessionState
from iisession.core.paths import resolve_folders
from iisession.core.settings import Settings
from iisession.core.store import SessionStore, read_session
from iisession.core.workspace import Workspace
from iisession.tui.app import IISessionApp
from iisession.tui.screens.live import LiveScreen
from iisession.tui.screens.prompts import ChoiceModal, MessageModal
from iisession.tui.widgets.countdown import CountdownPanel
from tests.pilot_helpers import current_screen


def make(sessions_dir: Path, limit: int = 30) -> tuple[IISessionApp, ManualClock, Path]:
    clock = ManualClock()
    session = Session(
        person=Person(name="Maya Lindqvist", organisation="Northwind Health"),
        limit_minutes=limit,
        questions=Bank(builtin_questions()).defaults(),
    )
    handle = SessionStore(sessions_dir).create(session)
    app = IISessionApp(Workspace(resolve_folders(str(sessions_dir)), clock), handle)
    return app, clock, handle.path


def screen(app: IISessionApp) -> LiveScreen:
    assert isinstance(app.screen, LiveScreen)
    return app.screen


async def test_live_call_from_start_to_end(sessions_dir: Path) -> None:
    app, clock, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        live = screen(app)
        assert "Maya Lindqvist" in (app.screen.title or "")
        panel = app.screen.query_one(CountdownPanel)
        assert not panel.started

        await pilot.press("f5")
        assert read_session(path).session.state is SessionState.LIVE  # saved at once
        clock.advance(65)
        live.tick()
        assert panel.remaining == 30 * 60 - 65

        await pilot.press("f6")
        saved = read_session(path).session
        assert saved.questions[0].asked_at == clock.wall()

        await pilot.press("f3")
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"Uses dbt")
        assert read_session(path).session.notes == ""  # not yet: typing is saved after a pause
        clock.advance(2)
        live.tick()
        assert read_session(path).session.notes == "Uses dbt"
        assert "saved just now" in str(app.screen.query_one("#status", Static).render())

        await pilot.press("f7")
        await pilot.press(*"Learn SQL", "enter")
        saved = read_session(path).session
        assert saved.key_points[0].text == "Learn SQL"
        assert saved.key_points[0].call_seconds == 67
        assert "[1:07] Learn SQL" in saved.notes

        await pilot.press("f8")
        await pilot.press("backspace", "backspace", "1", "5", "enter")
        assert live.live.countdown.limit_seconds == 45 * 60

        await pilot.press("f10")
        saved = read_session(path).session
        assert saved.state is SessionState.ENDED
        assert [e.kind for e in saved.timeline] == [
            EventKind.STARTED,
            EventKind.EXTENDED,
            EventKind.ENDED,
        ]
        assert isinstance(app.screen, MessageModal)
        assert "Asked 1 of 9 questions." in app.screen.body
        assert "thank-you within 24 hours" in app.screen.body


async def test_referral_form_checks_fields_and_saves(sessions_dir: Path) -> None:
    app, _, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await pilot.press("ctrl+s")
        assert "A name is needed" in str(app.screen.query_one("#name-error", Static).render())
        await pilot.press(*"Priya Raman", "tab", *"Analytics lead", "tab", *"Contoso", "tab")
        await pilot.press(*"priya@", "ctrl+s")
        assert "looks incomplete" in str(app.screen.query_one("#contact-error", Static).render())
        await pilot.press(*"contoso.org", "ctrl+s")
        assert isinstance(app.screen, LiveScreen)
        [referral] = read_session(path).session.referrals
        assert (referral.name, referral.role, referral.organisation, referral.contact) == (
            "Priya Raman",
            "Analytics lead",
            "Contoso",
            "priya@contoso.org",
        )
        listing = app.screen.query_one("#referrals", OptionList)
        assert "Priya Raman" in str(listing.get_option_at_index(0).prompt)


async def test_warnings_wrap_up_and_time_up_on_screen(sessions_dir: Path) -> None:
    app, clock, path = make(sessions_dir, limit=15)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        live = screen(app)
        await pilot.press("f5")
        clock.advance(10 * 60)
        live.tick()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("time to wrap up" in m and "No referral captured yet" in m for m in messages)
        first = live.handle.session.questions[0]
        assert first.closing  # closing questions came to the top
        clock.advance(5 * 60 + 135)
        live.tick()
        panel = app.screen.query_one(CountdownPanel)
        assert panel.has_class("-time-up")
        line = str(app.screen.query_one("#clock-line", Static).render())
        assert line == "TIME IS UP  +2:15 over"
        kinds = [e.kind for e in read_session(path).session.timeline]
        assert kinds == [EventKind.STARTED, EventKind.WARNED, EventKind.WRAP_UP, EventKind.TIME_UP]


async def test_checklist_keys(sessions_dir: Path) -> None:
    app, _, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", "space")
        assert read_session(path).session.questions[0].asked
        await pilot.press("space")
        assert not read_session(path).session.questions[0].asked
        await pilot.press("down", "m", "s")
        second = read_session(path).session.questions[1]
        assert second.priority.value == "if-time"  # it was must-ask: toggled off
        assert second.starred
        await pilot.press("a", *"Started in nursing", "enter")
        assert read_session(path).session.questions[1].answer == "Started in nursing"
        await pilot.press("shift+up")
        assert read_session(path).session.questions[0].answer == "Started in nursing"
        await pilot.press("n", *"What surprised you?", "enter")
        saved = read_session(path).session.questions
        texts = [q.text for q in saved]
        assert "What surprised you?" in texts
        first_closing = next(i for i, q in enumerate(saved) if q.closing)
        assert texts.index("What surprised you?") < first_closing


async def test_quit_during_a_call_asks_end_or_keep(sessions_dir: Path) -> None:
    app, clock, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        clock.advance(60)
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("escape")  # changed my mind
        assert isinstance(app.screen, LiveScreen)
        await pilot.press("ctrl+q", "k")
    saved = read_session(path).session
    assert saved.state is SessionState.LIVE  # kept open to resume
    assert saved.timeline[-1].kind is EventKind.PAUSED

    app, clock, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", "ctrl+q", "e")
    saved = read_session(path).session
    assert saved.state is SessionState.ENDED
    assert saved.timeline[-1].kind is EventKind.ENDED


async def test_quit_before_the_call_starts_just_saves(sessions_dir: Path) -> None:
    app, _, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *"prep notes")
        await pilot.press("ctrl+q")
    assert read_session(path).session.notes == "prep notes"
    assert read_session(path).session.state is SessionState.PLANNED


async def test_edit_and_remove_a_referral(sessions_dir: Path) -> None:
    app, _, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", *"Sam Lee", "ctrl+s")
        app.screen.query_one("#referrals").focus()
        await pilot.press("enter")
        assert app.screen.query_one("#name").value == "Sam Lee"  # type: ignore[attr-defined]
        await pilot.press("tab", *"Data engineer", "ctrl+s")
        assert read_session(path).session.referrals[0].role == "Data engineer"
        await pilot.press("delete")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("n")
        assert len(read_session(path).session.referrals) == 1
        await pilot.press("delete", "y")
        assert read_session(path).session.referrals == []


async def test_every_live_action_is_in_the_command_palette(sessions_dir: Path) -> None:
    app, _, _ = make(sessions_dir)
    async with app.run_test(size=(80, 24)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in (
            "Start the clock, or pause and resume it",
            "Mark the current question asked and move to the next",
            "Add a key point, stamped with the call time, to the notes",
            "Extend the limit when they offer more time",
            "End the call and see a summary",
            "Add a person they suggest you talk to",
            "New question",
            "Remove the highlighted referral",
        ):
            assert wanted in titles


async def test_short_terminal_gets_a_one_line_clock(sessions_dir: Path) -> None:
    app, _, _ = make(sessions_dir)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        screen(app).tick()
        assert app.screen.query_one(CountdownPanel).has_class("-short")
        assert not app.screen.query_one("#digits").display
        line = str(app.screen.query_one("#clock-line", Static).render())
        assert line.startswith("30:00")
        for part in ("#questions", "#notes", "#referrals"):
            region = app.screen.query_one(part).region
            assert region.height >= 3, part
            assert region.width >= 20, part


async def test_an_unexpected_exception_still_saves_everything(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, path = make(sessions_dir)

    def broken(self: object) -> None:
        raise RuntimeError("a bug in a handler")

    with pytest.raises(RuntimeError, match="a bug in a handler"):  # noqa: PT012 (the app re-raises it)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f5", "f3", *"typed, then a bug")  # within the 2 s pause
            monkeypatch.setattr(LiveScreen, "action_asked_next", broken)
            await pilot.press("f6")
            await pilot.pause()
    saved = read_session(path).session
    assert saved.notes == "typed, then a bug"
    assert saved.state is SessionState.LIVE


async def test_bell_only_when_turned_on(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for bell in (False, True):
        app, clock, _ = make(sessions_dir, limit=12)
        app.workspace.settings = Settings(bell=bell)
        rings: list[int] = []
        monkeypatch.setattr(app, "bell", lambda rings=rings: rings.append(1))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f5")
            clock.advance(2 * 60)  # 10 minutes left
            screen(app).tick()
        assert rings == ([1] if bell else [])


async def test_config_warnings_are_shown_in_the_app(sessions_dir: Path) -> None:
    app, _, _ = make(sessions_dir)
    app.workspace.settings_warnings.append(
        "config: `live.wrap_up` should be minutes from 1 to 60; 5 used"
    )
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert any("live.wrap_up" in n.message for n in app._notifications)


async def test_not_saved_is_persistent_then_retried_and_a_rescue_copy_can_be_written(
    sessions_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from iisession.core import atomic, store

    app, clock, path = make(sessions_dir)
    real = atomic.write_atomic  # what the store calls

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        live = screen(app)
        status = app.screen.query_one("#status", Static)
        monkeypatch.setattr(store, "write_atomic", full)
        await pilot.press("f5")  # a tick saves at once: it fails
        assert "NOT SAVED: the disk is full, retrying" in str(status.render())
        assert status.has_class("-unsaved")
        assert any("F9 writes a rescue copy" in n.message for n in app._notifications)
        await pilot.press("f3", *"words kept in memory")
        clock.advance(10)
        live.tick()  # retried, fails again: the warning stays
        assert "NOT SAVED" in str(status.render())

        rescue = tmp_path / "rescue.toml"
        monkeypatch.setattr(store, "write_atomic", real)  # the rescue target has room
        await pilot.press("f9")
        await pilot.press("ctrl+a", "ctrl+k", *str(rescue))
        await pilot.press("enter")
        assert rescue.exists(), [n.message for n in app._notifications]
        assert read_session(rescue).session.notes == "words kept in memory"

        clock.advance(3)
        live.tick()  # the folder works again: the retry saves
        assert "saved just now" in str(status.render())
        assert not status.has_class("-unsaved")
    assert read_session(path).session.notes == "words kept in memory"


async def test_pause_and_resume_on_screen(sessions_dir: Path) -> None:
    app, clock, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        live = screen(app)
        await pilot.press("f5")
        clock.advance(120)
        live.tick()
        # 28 min left, 23 before wrap-up, 3 must-ask questions
        assert "3 must-ask left, about 8 min each" in str(
            app.screen.query_one("#status", Static).render()
        )
        await pilot.press("f5")  # a phone rings: pause
        line = app.screen.query_one("#clock-line", Static)
        assert "PAUSED" in str(line.render())
        clock.advance(300)
        live.tick()
        assert app.screen.query_one(CountdownPanel).remaining == 28 * 60
        await pilot.press("f5")
        clock.advance(60)
        live.tick()
        assert "PAUSED" not in str(line.render())
        assert app.screen.query_one(CountdownPanel).remaining == 27 * 60
    kinds = [e.kind for e in read_session(path).session.timeline]
    assert kinds == [EventKind.STARTED, EventKind.PAUSED, EventKind.RESUMED]


async def test_asked_time_shows_in_the_checklist(sessions_dir: Path) -> None:
    app, clock, _ = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", "f6")
        listing = app.screen.query_one("#questions", OptionList)
        first = str(listing.get_option_at_index(0).prompt)
        assert first.startswith(f"[x] {clock.wall().astimezone():%H:%M} ")


async def test_a_second_opener_never_writes(sessions_dir: Path) -> None:
    first = SessionStore(sessions_dir).create(Session(person=Person(name="Kim")))
    second = SessionStore(sessions_dir).open(first.path)  # read-only: the lock is held
    before = first.path.read_bytes()
    app = IISessionApp(Workspace(resolve_folders(str(sessions_dir)), ManualClock()), second)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("f5", "f3", *"not mine to write")
        assert any("read-only" in n.message for n in app._notifications)
        status = str(app.screen.query_one("#status", Static).render())
        assert "Read-only: open in another iisession" in status
        assert app.screen.query_one("#notes", TextArea).text == ""  # nothing taken in
    assert first.path.read_bytes() == before
    first.close()


# --- help, an ended call, extensions, key points, warnings, the footer ---------------


def footer_keys(shown: Screen[Any]) -> list[str]:
    """The footer's keys as shown, left to right ("f1 Help", ...)."""
    keys = sorted(shown.query("FooterKey"), key=lambda key: key.region.x)
    return [str(key.render()).strip() for key in keys]


async def test_f1_help_is_an_overlay_that_f1_or_escape_closes(sessions_dir: Path) -> None:
    app, _, _ = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        live = screen(app)
        await pilot.pause()
        widths = {part: live.query_one(part).region.width for part in ("#questions", "#notes")}
        for close in ("f1", "escape"):
            await pilot.press("f3", "f1")  # from the notes too, while typing
            await pilot.pause()
            shown = current_screen(app)
            assert isinstance(shown, ModalScreen), close
            text = shown.query_one(Markdown).source
            assert "During the call" in text  # the live screen's help
            assert "F10" in text  # and its keys
            # The live screen underneath keeps its room and its footer.
            assert not live.query("HelpPanel")
            assert {part: live.query_one(part).region.width for part in widths} == widths
            assert any(key.startswith("f10") for key in footer_keys(live))
            await pilot.press(close)
            await pilot.pause()
            assert current_screen(app) is live, close  # Escape closed the help, nothing else
        assert live.handle.session.state is SessionState.PLANNED


async def test_an_ended_call_reopens_only_when_asked_and_offers_what_applies(
    sessions_dir: Path,
) -> None:
    app, clock, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        live = screen(app)
        await pilot.press("f5")
        clock.advance(20 * 60)
        await pilot.press("f10")
        assert isinstance(current_screen(app), MessageModal)
        await pilot.press("escape")
        await pilot.pause()
        shown = footer_keys(app.screen)
        for gone in ("f6", "f7", "f8", "f10"):
            assert not any(key.startswith(gone + " ") for key in shown), shown
        assert "f5 Reopen" in shown
        titles = [c.title for c in app.get_system_commands(live)]
        for gone in (
            "End the call and see a summary",
            "Extend the limit when they offer more time",
            "Mark the current question asked and move to the next",
        ):
            assert gone not in titles
        assert "Add a person they suggest you talk to" in titles  # still applies
        assert "New question" in titles

        await pilot.press("f5")
        assert isinstance(current_screen(app), ChoiceModal)  # asked, not done
        await pilot.press("escape")
        saved = read_session(path).session
        assert saved.state is SessionState.ENDED
        assert EventKind.REOPENED not in [e.kind for e in saved.timeline]
        assert not live.live.countdown.running
        await pilot.press("f6", "f8", "f10")  # hidden keys do nothing either
        assert current_screen(app) is live
        assert read_session(path).session.timeline == saved.timeline

        await pilot.press("f5", "r")
        saved = read_session(path).session
        assert saved.state is SessionState.LIVE
        assert saved.timeline[-1].kind is EventKind.REOPENED
        assert live.live.countdown.running
        await pilot.pause()
        assert any(key.startswith("f10 ") for key in footer_keys(app.screen))


async def test_extend_refuses_what_is_not_a_number_and_can_be_taken_back(
    sessions_dir: Path,
) -> None:
    app, clock, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        live = screen(app)
        await pilot.press("f5")
        clock.advance(25 * 60)
        await pilot.press("f8", *"abc")
        prompt = current_screen(app)
        assert prompt.query_one(Input).value == "abc"  # what was typed shows
        await pilot.press("enter")
        assert current_screen(app) is prompt  # refused: the prompt stays open
        error = str(prompt.query_one("#error", Static).render())
        assert "whole number" in error
        assert live.live.countdown.limit_seconds == 30 * 60
        await pilot.press("escape")

        await pilot.press("f8", *"15", "enter")
        assert live.live.countdown.limit_seconds == 45 * 60
        await pilot.press("f8", *"-20", "enter")  # more than was added
        prompt = current_screen(app)
        assert isinstance(prompt, ModalScreen)
        assert "15" in str(prompt.query_one("#error", Static).render())
        await pilot.press("escape")
        await pilot.press("f8", *"-5", "enter")
        assert live.live.countdown.limit_seconds == 40 * 60
        saved = read_session(path).session
        assert [(e.kind, e.minutes) for e in saved.timeline][-2:] == [
            (EventKind.EXTENDED, 15),
            (EventKind.EXTENDED, -5),
        ]


async def test_key_point_is_stamped_when_f7_is_pressed(sessions_dir: Path) -> None:
    app, clock, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        clock.advance(109)
        await pilot.press("f7")
        assert "1:49" in str(current_screen(app).query_one(Label).render())
        clock.advance(35)  # typing takes a while
        await pilot.press(*"Learn SQL", "enter")
    saved = read_session(path).session
    assert saved.key_points[0].call_seconds == 109
    assert "[1:49] Learn SQL" in saved.notes


async def test_a_quiet_warning_stays_on_the_clock_line(sessions_dir: Path) -> None:
    app, clock, _ = make(sessions_dir, limit=15)
    async with app.run_test(size=(80, 24)) as pilot:
        live = screen(app)
        line = live.query_one("#clock-line", Static)
        await pilot.press("f5")
        clock.advance(5 * 60)  # 10 minutes left
        live.tick()
        clock.advance(90)  # looked away for a minute and a half
        live.tick()
        await pilot.pause()
        assert "10-MINUTE WARNING" in str(line.render())
        clock.advance(3 * 60 + 30)  # wrap-up: the next state
        live.tick()
        assert "10-MINUTE WARNING" not in str(line.render())
        assert "WRAP UP" in str(line.render())


async def test_colours_and_words_agree_with_the_state(sessions_dir: Path) -> None:
    app, clock, _ = make(sessions_dir, limit=15)
    async with app.run_test(size=(80, 24)) as pilot:
        live = screen(app)
        panel = live.query_one(CountdownPanel)
        bar = panel.query_one("#progress")
        line = live.query_one("#clock-line", Static)

        def colour(part: str) -> str:
            return bar.get_component_styles(part).color.hex

        def theme(name: str) -> str:
            return Color.parse(app.theme_variables[name]).hex

        await pilot.press("f5")
        clock.advance(11 * 60)  # wrap-up
        live.tick()
        await pilot.pause()
        assert panel.has_class("-warning")
        assert colour("bar--bar") == theme("warning")
        assert "WRAP UP" in str(line.render())
        clock.advance(5 * 60)  # time up
        live.tick()
        await pilot.pause()
        assert colour("bar--complete") == theme("error")  # not the green of "done"
        assert colour("bar--complete") != theme("success")
        assert "TIME IS UP" in str(line.render())


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_footer_keys_in_key_order_and_end_always_shown(
    sessions_dir: Path, size: tuple[int, int]
) -> None:
    app, _, _ = make(sessions_dir)
    async with app.run_test(size=size) as pilot:
        for focus in ("f2", "f3"):  # the notes have keys of their own
            await pilot.press(focus)
            await pilot.pause()
            keys = [key.split()[0] for key in footer_keys(app.screen) if not key.startswith("^p")]
            f_keys = [int(key[1:]) for key in keys if key.startswith("f")]
            assert f_keys == sorted(f_keys), keys
            assert keys[-1] == "esc", keys
            end = next(key for key in app.screen.query("FooterKey") if "End" in str(key.render()))
            assert end.region.right <= size[0], keys


async def test_panes_use_the_room_of_a_big_terminal(sessions_dir: Path) -> None:
    app, _, _ = make(sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        live = screen(app)
        panes = live.query_one("#panes").region
        assert live.query_one("#questions").region.height == panes.height


# --- pacing and wrap-up on short calls, the summary of a practice run ------------------


async def test_pacing_leaves_the_status_line_when_the_call_ends(sessions_dir: Path) -> None:
    app, clock, _ = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        live = screen(app)
        status = app.screen.query_one("#status", Static)
        await pilot.press("f5")
        clock.advance(120)
        live.tick()
        assert "must-ask left" in str(status.render())
        await pilot.press("f10")
        assert isinstance(current_screen(app), MessageModal)
        await pilot.press("escape")
        clock.advance(5)
        live.tick()
        assert "must-ask" not in str(status.render())


async def test_a_five_minute_call_wraps_up_in_its_last_minute(sessions_dir: Path) -> None:
    app, clock, _ = make(sessions_dir, limit=5)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        live = screen(app)
        panel = app.screen.query_one(CountdownPanel)
        status = app.screen.query_one("#status", Static)
        await pilot.press("f5")
        live.tick()
        assert "4 min before wrap-up" in str(status.render())
        assert not panel.has_class("-warning")
        assert not live.handle.session.questions[0].closing
        clock.advance(4 * 60)
        live.tick()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("1 minute left: time to wrap up.") for m in messages)
        assert live.handle.session.questions[0].closing  # closing questions came up
        assert panel.has_class("-warning")


async def test_a_practice_run_ends_without_a_thank_you_to_send(sessions_dir: Path) -> None:
    clock = ManualClock()
    session = Session(person=Person(name="Maya Lindqvist"), practice=True)
    handle = SessionStore(sessions_dir / ".practice").create(session)
    app = IISessionApp(Workspace(resolve_folders(str(sessions_dir)), clock), handle)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        clock.advance(600)
        await pilot.press("f10")
        shown = current_screen(app)
        assert isinstance(shown, MessageModal)
        assert "Call time 10:00, within the limit." in shown.body
        assert "thank-you within 24 hours" not in shown.body
        assert "A practice run: no thank-you to send." in shown.body


async def test_the_status_line_wraps_and_never_hides_the_save_indicator(
    sessions_dir: Path,
) -> None:
    """At 60 columns a long pacing line takes two lines: the save indicator at
    its end stays in sight."""
    app, clock, _ = make(sessions_dir, limit=5)
    async with app.run_test(size=(60, 20)) as pilot:
        live = screen(app)
        status = app.screen.query_one("#status", Static)
        await pilot.press("f5")
        clock.advance(2)
        live.tick()
        await pilot.pause()
        text = str(status.render())
        assert "will not all fit" in text
        assert len(text) > status.content_size.width  # more than one line's worth
        drawn = " ".join(status.render_line(y).text for y in range(status.size.height))
        assert "saved" in drawn
        assert "choose" in drawn


async def test_taking_back_more_than_the_clock_now_allows_takes_what_it_can(
    sessions_dir: Path,
) -> None:
    """The clock runs on while the F8 prompt is open: a number that was allowed
    when it opened takes back what still may be, never ends the app."""
    app, clock, path = make(sessions_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        live = screen(app)
        await pilot.press("f5", "f8", "enter")  # the 10 minutes offered
        clock.advance(34 * 60 + 50)  # 34:50 of 40:00: 5 min may be taken back
        await pilot.press("f8", "backspace", "backspace", *"-5")
        clock.advance(15)  # ... and 15 s later, only 4
        await pilot.press("enter")
        assert live.live.countdown.limit_seconds == 36 * 60
        assert any("4 min taken back" in n.message for n in app._notifications)
    saved = read_session(path).session
    assert [(e.kind, e.minutes) for e in saved.timeline][-1] == (EventKind.EXTENDED, -4)
