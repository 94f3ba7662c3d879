"""Before the call, driven by Pilot: start screen, setup form, picker, templates,
carry-over, practice runs and resuming a call left open."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from iisession.core.clock import ManualClock
from iisession.core.model import (
    EventKind,
    Person,
    Priority,
    Question,
    Session,
    SessionState,
    TimelineEvent,
    utc_now,
)
from iisession.core.paths import resolve_folders
from iisession.core.store import SessionStore, read_session
from iisession.core.templates import Template, TemplateItem, save_template
from iisession.core.workspace import PRACTICE_FOLDER, Workspace
from iisession.tui.app import IISessionApp
from iisession.tui.screens.live import LiveScreen
from iisession.tui.screens.picker import PickerScreen
from iisession.tui.screens.prompts import ChoiceModal, ListChooser
from iisession.tui.screens.setup import SetupScreen
from iisession.tui.screens.start import StartScreen
from iisession.tui.widgets.countdown import CountdownPanel
from tests.pilot_helpers import current_screen, focused


class Recorder:
    """Keeps what the app told the user."""

    def __init__(self, app: IISessionApp) -> None:
        self.messages: list[str] = []
        original = app.notify

        def notify(message: str, *args: Any, **kwargs: Any) -> None:
            self.messages.append(f"{kwargs.get('title', '')}: {message}")
            original(message, *args, **kwargs)

        app.notify = notify  # type: ignore[method-assign]

    def saw(self, text: str) -> bool:
        return any(text in m for m in self.messages)


def make_app(sessions_dir: Path, clock: ManualClock | None = None) -> IISessionApp:
    return IISessionApp(Workspace(resolve_folders(str(sessions_dir)), clock or ManualClock()))


async def scanned(app: IISessionApp, pilot: Pilot[None]) -> StartScreen:
    start = app.start_screen
    for _ in range(100):
        if start.scanned and start.past_list.is_mounted and start.upcoming_list.is_mounted:
            await pilot.pause()
            return start
        await pilot.pause(0.05)
    raise AssertionError("the sessions folder was never read")


def lines(app: IISessionApp, list_id: str) -> list[str]:
    listing = app.screen.query_one(f"#{list_id}", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def note(app: IISessionApp, field: str) -> str:
    widget = app.screen.query_one(f"#{field}-note", Static)
    return str(widget.render()) if widget.display else ""


def setup_screen(app: IISessionApp) -> SetupScreen:
    assert isinstance(app.screen, SetupScreen), app.screen
    return app.screen


async def type_into(pilot: Pilot[None], app: IISessionApp, field: str, text: str) -> None:
    widget = app.screen.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text) if text else await pilot.pause()
    await pilot.pause()


def session_files(sessions_dir: Path) -> list[Path]:
    return sorted(sessions_dir.glob("*.toml")) if sessions_dir.exists() else []


# --- the start screen ------------------------------------------------------------


async def test_start_screen_offers_everything_and_upcoming_calls(sessions_dir: Path) -> None:
    clock = ManualClock()  # "soon" and "later" are by the app's clock, not today's date
    store = SessionStore(sessions_dir)
    soon = Session(person=Person(name="Ana Ruiz", organisation="Acme"))
    soon.planned_at = clock.wall() + dt.timedelta(hours=20)
    later = Session(person=Person(name="Ben Okafor"))
    later.planned_at = clock.wall() + dt.timedelta(days=9)
    store.create(soon).close()
    store.create(later).close()
    app = make_app(sessions_dir, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await scanned(app, pilot)
        menu = str(app.screen.query_one("#menu", Static).render())
        for entry in ("n  New session", "u  Upcoming calls", "r  Review past", "b  Question bank"):
            assert entry in menu
        upcoming = lines(app, "upcoming")
        assert "Ana Ruiz" in upcoming[0]
        assert "confirm it now" in upcoming[0]
        assert "Ben Okafor" in upcoming[1]
        assert "confirm it " in upcoming[1]
        assert "No calls yet" in lines(app, "past")[0]

        await pilot.press("u", "c")  # the first upcoming call: confirmed
        await pilot.pause(0.3)
        [ana] = [p for p in session_files(sessions_dir) if "ana" in p.name]
        confirmed = read_session(ana).session.confirmed_at
        assert confirmed == clock.wall()
        assert "confirmed" in lines(app, "upcoming")[0]
        clock.advance(3600)
        await pilot.press("c")  # again, an hour later: the first confirmation stays
        await pilot.pause(0.3)
        assert read_session(ana).session.confirmed_at == confirmed

        await pilot.press("enter")  # opens it in the setup form
        setup = setup_screen(app)
        assert setup.query_one("#name", Input).value == "Ana Ruiz"
        await pilot.press("escape")
        assert isinstance(app.screen, StartScreen)


# --- the setup form ------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "abc", "4", "0", "181", "-30", "2.5", "999"])
async def test_bad_limits_are_refused_at_the_field(sessions_dir: Path, typed: str) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        setup = setup_screen(app)
        await type_into(pilot, app, "limit", typed)
        assert "5 to 180" in note(app, "limit")
        assert setup.session.limit_minutes == 30  # unchanged
        await type_into(pilot, app, "name", "Ana")
        await pilot.press("f5")  # refused while the limit is wrong
        assert isinstance(app.screen, SetupScreen)
        assert app.focused is setup.query_one("#limit")


async def test_limits_outside_the_norm_get_a_gentle_note(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        setup = setup_screen(app)
        await type_into(pilot, app, "limit", "20")
        assert "short" in note(app, "limit")
        assert setup.session.limit_minutes == 20
        await type_into(pilot, app, "limit", "75")
        assert "longer than most" in note(app, "limit")
        assert setup.session.limit_minutes == 75
        await type_into(pilot, app, "limit", "45")
        assert note(app, "limit") == ""
        assert setup.session.limit_minutes == 45


async def test_a_session_needs_a_name_and_is_saved_once_it_has_one(sessions_dir: Path) -> None:
    clock = ManualClock()
    app = make_app(sessions_dir, clock)
    recorder = Recorder(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        setup = setup_screen(app)
        assert "name is needed" in note(app, "name")
        await pilot.press("f5")
        assert recorder.saw("Give a name before starting the call")
        assert isinstance(app.screen, SetupScreen)
        assert session_files(sessions_dir) == []

        await pilot.press(*"Ana Ruiz", "tab")  # leaving the field saves
        await pilot.press(*"Data analyst", "tab", *"Acme Health")
        [path] = session_files(sessions_dir)
        assert path.name.endswith("-ana-ruiz.toml")
        assert note(app, "name") == ""

        await type_into(pilot, app, "when", "next tuesday")
        assert "YYYY-MM-DD HH:MM" in note(app, "when")
        assert setup_screen(app).session.planned_at is None
        await type_into(pilot, app, "when", "2031-02-31 14:30")
        assert note(app, "when") == "No such date: February 2031 has 28 days."
        assert setup_screen(app).session.planned_at is None
        await type_into(pilot, app, "when", "wed 10am")  # the clock's today: Fri 20 Nov 2026
        assert note(app, "when") == "Wednesday 25 November 2026, 10:00"
        await type_into(pilot, app, "when", "2031-03-04 14:30")
        assert note(app, "when") == "Tuesday 4 March 2031, 14:30"
        assert setup.session.planned_at is not None
        setup.query_one("#introduction").focus()
        await pilot.pause()
        # Leaving the field: the file is named after the planned time now.
        [path] = session_files(sessions_dir)
        assert path.name == "2031-03-04-1430-ana-ruiz.toml"
        assert setup.sub_title == path.name
        await pilot.press(*"Statistics student exploring health analytics.")
        clock.advance(3)
        setup.tick()
        saved = read_session(path).session
        assert saved.person.title == "Data analyst"
        assert saved.person.organisation == "Acme Health"
        assert saved.preparation.introduction == "Statistics student exploring health analytics."
        assert saved.planned_at is not None
        assert saved.planned_at.astimezone().strftime("%Y-%m-%d %H:%M") == "2031-03-04 14:30"
        assert saved.state is SessionState.PLANNED
        assert len(saved.questions) == 9  # the default set

        await pilot.press("escape")
        start = await scanned(app, pilot)
        assert isinstance(app.screen, StartScreen)
        await pilot.pause(0.3)
        assert any("Ana Ruiz" in line for line in lines(app, "upcoming"))
        assert start.scanned


async def test_emptying_the_name_keeps_the_last_one(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Ana", "tab")
        setup = setup_screen(app)
        await type_into(pilot, app, "name", "")
        assert "name is needed" in note(app, "name")
        assert setup.session.person.name == "Ana"


async def test_a_form_without_a_name_is_never_saved_however_long_it_waits(
    sessions_dir: Path,
) -> None:
    """Its file is named after the person: none is made before there is a name,
    however long the form sits there, and then it is named after them."""
    clock = ManualClock()
    app = make_app(sessions_dir, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        setup = setup_screen(app)
        for _ in range(3):
            clock.advance(10)
            setup.tick()
        await type_into(pilot, app, "organisation", "Acme")
        for _ in range(3):
            clock.advance(10)
            setup.tick()
        assert session_files(sessions_dir) == []
        await pilot.press("escape")
        assert isinstance(app.screen, ChoiceModal)  # unnamed: offered to be dropped
        await pilot.press("n")
        await type_into(pilot, app, "name", "Ana Ruiz")
        clock.advance(10)
        setup.tick()
        [path] = session_files(sessions_dir)
        assert path.name.endswith("-ana-ruiz.toml")
        assert setup.sub_title == path.name


async def test_an_unnamed_draft_is_dropped_only_when_asked(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await type_into(pilot, app, "organisation", "Acme")
        await pilot.press("escape")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("n")  # go back and give a name
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("escape", "d")
        assert isinstance(app.screen, StartScreen)
    assert session_files(sessions_dir) == []


async def test_f5_starts_the_call_now_with_the_clock_running(sessions_dir: Path) -> None:
    clock = ManualClock()
    app = make_app(sessions_dir, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Ana", "tab")
        setup = setup_screen(app)
        setup.query_one("#introduction").focus()
        await pilot.press(*"Hello, I am a student.")
        await pilot.press("f5")
        assert isinstance(app.screen, LiveScreen)
        intro = app.screen.query_one("#intro", Static)
        assert intro.display
        assert "Hello, I am a student." in str(intro.render())
        panel = app.screen.query_one(CountdownPanel)
        assert panel.started  # the user pressed start: started
        assert panel.running
        [path] = session_files(sessions_dir)
        saved = read_session(path).session
        assert saved.preparation.introduction == "Hello, I am a student."
        assert saved.state is SessionState.LIVE  # saved at once
        assert [e.kind for e in saved.timeline] == [EventKind.STARTED]
        clock.advance(200)
        app.screen.tick()
        assert not intro.display  # the opening minutes are over


# --- the picker ------------------------------------------------------------------------


async def test_picker_search_topic_add_order_and_own_question(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Ana", "tab", "f2")
        assert isinstance(app.screen, PickerScreen)
        picker = app.screen
        questions = picker.questions
        assert len(questions) == 9

        await pilot.press(*"salary")
        found = [line for line in lines(app, "bank") if "pay" in line or "salary" in line]
        assert len(found) == 1
        await pilot.press("enter", "enter")  # to the results, then add
        added = next(q for q in questions if q.bank_id == "life.salary-range")
        first_closing = next(i for i, q in enumerate(questions) if q.closing)
        assert questions.index(added) == first_closing - 1  # if-time: before the closing block

        await pilot.press("tab")  # to your list
        chosen = picker.query_one("#chosen", OptionList)
        chosen.highlighted = questions.index(added)
        await pilot.press("m")  # must-ask goes up to the other must-ask questions
        musts = [q for q in questions if q.priority is Priority.MUST and not q.closing]
        assert questions.index(added) == len(musts) - 1
        await pilot.press("shift+up")
        assert questions.index(added) == len(musts) - 2
        await pilot.press("n", *"What surprised you most?", "enter")
        own = next(q for q in questions if q.text == "What surprised you most?")
        assert own.topic == "own"
        assert own.priority is Priority.IF_TIME
        assert questions.index(own) < next(i for i, q in enumerate(questions) if q.closing)
        chosen.highlighted = questions.index(own)
        await pilot.press("delete")
        assert own not in questions

        picker.query_one("#search", Input).value = ""
        await pilot.pause()
        picker.query_one("#topic").value = "lifestyle"  # type: ignore[attr-defined]
        await pilot.pause()
        shown = [line for line in lines(app, "bank") if line.startswith(("+ ", "  "))]
        assert len(shown) == 8  # the lifestyle questions, one of them chosen
        assert sum(line.startswith("+ ") for line in shown) == 1

        await pilot.press("escape")
        setup = setup_screen(app)
        assert "10 (4 must-ask" in str(setup.query_one("#questions-summary", Static).render())
        [path] = session_files(sessions_dir)
        saved = read_session(path).session.questions
        assert [q.text for q in saved] == [q.text for q in questions]


async def test_down_from_the_picker_search_goes_to_the_results(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")  # the bank from the start screen: a scratch list
        picker = current_screen(app)
        assert isinstance(picker, PickerScreen)
        assert focused(app) is picker.query_one("#search", Input)
        await pilot.press(*"typical week", "down")
        bank = picker.query_one("#bank", OptionList)
        assert focused(app) is bank
        assert bank.highlighted is not None
        assert bank.get_option_at_index(bank.highlighted).id == "day.typical-week"
        await pilot.press("enter")  # adds the question highlighted
        assert [q.bank_id for q in picker.questions] == ["day.typical-week"]


async def test_templates_save_load_and_a_broken_one(sessions_dir: Path, tmp_path: Path) -> None:
    app = make_app(sessions_dir)
    recorder = Recorder(app)
    config = app.workspace.folders.config
    broken = config / "templates" / "broken.toml"
    broken.parent.mkdir(parents=True)
    broken.write_text("name = 'x'\n[[question]]\nwhen = 3\n", encoding="utf-8")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")  # the bank from the start screen: a scratch list
        assert isinstance(app.screen, PickerScreen)
        await pilot.press(*"typical week", "enter", "enter")
        await pilot.press("ctrl+s", *"Quick call", "enter")
        saved = config / "templates" / "quick-call.toml"
        data = tomllib.loads(saved.read_text(encoding="utf-8"))
        assert data["name"] == "Quick call"
        assert [q["bank"] for q in data["question"]] == ["day.typical-week"]
        await pilot.press("escape")
        assert isinstance(app.screen, StartScreen)

        await pilot.press("n", *"Ben", "tab", "f2", "ctrl+o")
        assert isinstance(app.screen, ListChooser)
        assert recorder.saw(str(broken))
        assert recorder.saw("unknown keys: when")
        assert [label for label, _ in app.screen.choices] == ["Quick call  (1 questions)"]
        await pilot.press("enter")
        # The list is not empty: replace or add?
        assert isinstance(current_screen(app), ChoiceModal)
        await pilot.press("r")
        picker = current_screen(app)
        assert isinstance(picker, PickerScreen)
        assert [q.bank_id for q in picker.questions] == ["day.typical-week"]
        await pilot.press("escape")
        [path] = [p for p in session_files(sessions_dir) if "ben" in p.name]
        assert [q.bank_id for q in read_session(path).session.questions] == ["day.typical-week"]


async def test_saving_a_template_over_an_existing_name_asks(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    save_template(app.workspace.folders.config, Template("Alumni", [TemplateItem("Old?")]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Ana", "tab", "f2", "ctrl+s", *"alumni", "enter")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("r")
    [template] = app.workspace.load_templates([])
    assert len(template.items) == 9


# --- carry-over ----------------------------------------------------------------------------


async def test_carry_over_offers_unasked_questions_of_the_last_call(sessions_dir: Path) -> None:
    earlier = Session(
        person=Person(name="Ana Ruiz", organisation="Acme"),
        state=SessionState.ENDED,
        questions=[
            Question("Asked already?", asked_at=utc_now()),
            Question("Which teams hire juniors?"),
            Question("What would you read first?"),
        ],
        timeline=[TimelineEvent(EventKind.STARTED, utc_now() - dt.timedelta(days=20))],
    )
    SessionStore(sessions_dir).create(earlier).close()
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await scanned(app, pilot)
        await pilot.press("n", *"ana ruiz", "tab")
        setup = setup_screen(app)
        assert "2 questions went unasked in your last call with ana ruiz" in note(app, "carry")
        await pilot.press("f7")
        texts = [q.text for q in setup.session.questions]
        assert "Which teams hire juniors?" in texts
        assert "What would you read first?" in texts
        assert "Asked already?" not in texts
        assert note(app, "carry") == ""
        [path] = [
            p for p in session_files(sessions_dir) if read_session(p).session.id == setup.session.id
        ]
        assert "Which teams hire juniors?" in [q.text for q in read_session(path).session.questions]


async def test_carry_over_says_what_is_true_once_a_template_holds_the_questions(
    sessions_dir: Path,
) -> None:
    unasked = ["Which teams hire juniors?", "What would you read first?"]
    earlier = Session(
        person=Person(name="Ana Ruiz"),
        state=SessionState.ENDED,
        questions=[Question(text) for text in unasked],
        timeline=[TimelineEvent(EventKind.STARTED, utc_now() - dt.timedelta(days=20))],
    )
    SessionStore(sessions_dir).create(earlier).close()
    app = make_app(sessions_dir)
    recorder = Recorder(app)
    template = Template("Juniors", [TemplateItem(text=text) for text in unasked])
    save_template(app.workspace.folders.config, template, replace=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await scanned(app, pilot)
        await pilot.press("n", *"Ana Ruiz", "tab")
        setup = setup_screen(app)
        assert note(app, "carry").startswith("2 questions went unasked in your last call")
        await pilot.press("f2", "ctrl+o", "enter", "a")  # the template, added to the list
        await pilot.press("escape")
        assert isinstance(app.screen, SetupScreen)
        before = len(setup.session.questions)
        assert note(app, "carry") == ""  # no offer: nothing left to add
        await pilot.press("f7")
        assert recorder.saw(
            "The 2 questions left unasked in your last call with Ana Ruiz are in your list already."
        )
        assert len(setup.session.questions) == before


# --- practice runs ------------------------------------------------------------------------


async def test_a_practice_run_stays_out_of_the_history_unless_kept(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Ana", "tab")
        await type_into(pilot, app, "limit", "20")
        await pilot.press("f6")
        live = app.screen
        assert isinstance(live, LiveScreen)
        assert "PRACTICE RUN" in (live.title or "")
        assert live.handle.session.practice
        assert live.handle.session.limit_minutes == 20
        assert "PRACTICE" in str(live.query_one("#clock-line", Static).render())
        practice_file = live.handle.path
        assert practice_file.parent == sessions_dir / PRACTICE_FOLDER
        await pilot.press("f5", "f6")
        assert read_session(practice_file).session.questions[0].asked

        await pilot.press("escape")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("d")
        assert isinstance(app.screen, SetupScreen)
        assert not practice_file.exists()
        assert len(session_files(sessions_dir)) == 1  # only the real session

        await pilot.press("f6", "f5", "escape", "k")
        assert isinstance(app.screen, SetupScreen)
        files = session_files(sessions_dir)
        kept = [read_session(p).session for p in files if read_session(p).session.practice]
        assert len(kept) == 1
        assert kept[0].state is SessionState.ENDED
        assert list((sessions_dir / PRACTICE_FOLDER).glob("*.toml")) == []
        real = [read_session(p).session for p in files if not read_session(p).session.practice]
        assert real[0].state is SessionState.PLANNED  # the rehearsal did not touch it
        assert not any(q.asked for q in real[0].questions)


async def test_practise_an_upcoming_call_from_the_start_screen(sessions_dir: Path) -> None:
    SessionStore(sessions_dir).create(Session(person=Person(name="Ana"), limit_minutes=45)).close()
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await scanned(app, pilot)
        await pilot.press("u", "p")
        assert isinstance(app.screen, LiveScreen)
        assert app.screen.handle.session.practice
        assert app.screen.handle.session.limit_minutes == 45
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ChoiceModal)  # keep or discard before quitting
        await pilot.press("d")
    assert list((sessions_dir / PRACTICE_FOLDER).glob("*.toml")) == []


# --- a call left open ------------------------------------------------------------------------


def left_open(sessions_dir: Path) -> Path:
    """A call whose app crashed 10 minutes in (no pause, no end in the timeline)."""
    started = utc_now() - dt.timedelta(hours=1)
    session = Session(
        person=Person(name="Ana Ruiz", organisation="Acme"),
        state=SessionState.LIVE,
        limit_minutes=30,
        timeline=[TimelineEvent(EventKind.STARTED, started)],
        notes="typed before the crash",
    )
    handle = SessionStore(sessions_dir).create(session)
    handle.close()
    # The last save the crashed app made, 10 minutes into the call.
    text = handle.path.read_text(encoding="utf-8")
    updated = (started + dt.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines_ = [
        f"updated = {updated}" if line.startswith("updated = ") else line
        for line in text.splitlines()
    ]
    handle.path.write_text("\n".join(lines_) + "\n", encoding="utf-8")
    return handle.path


async def test_resume_a_call_left_open_with_its_countdown(sessions_dir: Path) -> None:
    path = left_open(sessions_dir)
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await scanned(app, pilot)
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        assert "A call was left open" in app.screen.title_text
        assert "10:00 of 30:00 used" in app.screen.body
        assert "asks whether the call went on" in app.screen.body
        await pilot.press("r")
        await pilot.pause()
        # An hour ago, in a file with no clock mark: whether the call went on
        # cannot be known, so the user is asked.
        asked = app.screen
        assert isinstance(asked, ChoiceModal)
        assert "Did the call go on?" in asked.title_text
        await pilot.press("p")  # it stopped then
        live = app.screen
        assert isinstance(live, LiveScreen)
        panel = live.query_one(CountdownPanel)
        assert panel.started
        assert not panel.running
        assert panel.remaining == 20 * 60
        assert "PAUSED" in str(live.query_one("#clock-line", Static).render())
        await pilot.press("f5")  # running again
        saved = read_session(path).session
        assert [e.kind for e in saved.timeline] == [
            EventKind.STARTED,
            EventKind.PAUSED,
            EventKind.RESUMED,
        ]
        assert saved.notes == "typed before the crash"


async def test_a_call_that_went_on_while_closed_counts_the_time_since(
    sessions_dir: Path,
) -> None:
    path = left_open(sessions_dir)
    app = make_app(sessions_dir, ManualClock(utc_now()))
    async with app.run_test(size=(80, 24)) as pilot:
        await scanned(app, pilot)
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("g")  # it went on: 50 minutes more, by the wall clock
        live = app.screen
        assert isinstance(live, LiveScreen)
        assert live.live.countdown.running
        assert 60 * 60 <= live.live.elapsed() < 61 * 60
        saved = read_session(path).session
        assert [e.kind for e in saved.timeline][:1] == [EventKind.STARTED]
        assert EventKind.PAUSED not in [e.kind for e in saved.timeline]
        assert saved.clock is not None
        assert saved.clock.running


async def test_a_call_left_open_can_be_ended_from_the_offer(sessions_dir: Path) -> None:
    path = left_open(sessions_dir)
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await scanned(app, pilot)
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause(0.3)
        assert isinstance(app.screen, StartScreen)
        saved = read_session(path).session
        assert saved.state is SessionState.ENDED
        assert saved.timeline[-1].kind is EventKind.ENDED
        assert any("(ended)" in line for line in lines(app, "past"))


async def test_later_leaves_it_open_and_offers_only_once(sessions_dir: Path) -> None:
    path = left_open(sessions_dir)
    before = path.read_bytes()
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await scanned(app, pilot)
        await pilot.pause()
        await pilot.press("l")
        assert isinstance(app.screen, StartScreen)
        app.start_screen.scan()
        await pilot.pause(0.3)
        assert isinstance(app.screen, StartScreen)
    assert path.read_bytes() == before


async def test_quitting_from_the_form_saves_what_was_typed(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Ana", "tab")
        setup = setup_screen(app)
        setup.query_one("#research").focus()
        await pilot.press(*"Led the 2024 data platform move.")
        await pilot.press("ctrl+q")
    [path] = session_files(sessions_dir)
    assert read_session(path).session.preparation.research == "Led the 2024 data platform move."


async def test_a_sessions_page_follows_its_file_when_a_new_planned_time_renames_it(
    sessions_dir: Path,
) -> None:
    """Edited from its page, a planned call gets a new time and so a new name:
    back on the page, it is shown from the new name, not "cannot be read"."""
    from iisession.tui import navigation
    from iisession.tui.screens.detail import DetailScreen

    clock = ManualClock()
    planned = Session(person=Person(name="Ana Ruiz"))
    planned.planned_at = clock.wall() + dt.timedelta(days=3)
    handle = SessionStore(sessions_dir).create(planned)
    handle.close()
    app = make_app(sessions_dir, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_detail(app.screen, handle.path)
        await pilot.pause()
        await pilot.press("e")
        assert isinstance(current_screen(app), SetupScreen)
        await type_into(pilot, app, "when", "2031-03-04 14:30")
        await pilot.press("escape")
        await pilot.pause()
        page = current_screen(app)
        assert isinstance(page, DetailScreen)
        [path] = session_files(sessions_dir)
        assert path.name == "2031-03-04-1430-ana-ruiz.toml"
        assert page.path == path
        assert page.state is SessionState.PLANNED  # read, not "cannot be read"
