"""Capturing during the call: the referral form leaves the clock in sight, every
field keeps its label, the mention choice takes one key; every prompt's text box
is drawn as a box, so it shows without colour too."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input, Label

from iisession.core.bank import Bank, builtin_questions
from iisession.core.clock import ManualClock
from iisession.core.model import MayMention, Person, Session
from iisession.core.paths import resolve_folders
from iisession.core.store import SessionStore, read_session
from iisession.core.workspace import Workspace
from iisession.tui.app import IISessionApp
from iisession.tui.screens.live import LiveScreen
from iisession.tui.screens.picker import PickerScreen
from iisession.tui.screens.prompts import MinutesPrompt, TextPrompt
from iisession.tui.screens.referral_form import ReferralForm
from iisession.tui.widgets.countdown import CountdownPanel
from iisession.tui.widgets.key_choice import KeyChoice
from tests.pilot_helpers import current_screen

SIZES = [(80, 24), (60, 20), (120, 40)]

LABELS = [
    "Name (required)",
    "Role",
    "Organisation",
    "How to reach them",
    "Why talk to them",
    "May I mention you?",
    "Intro offered",
]


def make(sessions_dir: Path) -> tuple[IISessionApp, Path]:
    session = Session(
        person=Person(name="Ana Ruiz", organisation="Contoso"),
        questions=Bank(builtin_questions()).defaults(),
    )
    handle = SessionStore(sessions_dir).create(session)
    app = IISessionApp(Workspace(resolve_folders(str(sessions_dir)), ManualClock()), handle)
    return app, handle.path


def drawn(widget: Widget) -> list[str]:
    """The lines ``widget`` draws, border and all, as text (no colour)."""
    width, height = widget.outer_size
    return [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]


def label_of(field: Widget) -> str:
    """The text of the label beside ``field``, if it is shown."""
    assert field.parent is not None
    label = field.parent.query_one(Label)
    assert label.region.width > 0
    assert label.region.height == 1
    return str(label.render())


@pytest.mark.parametrize("size", SIZES)
async def test_the_referral_form_leaves_the_clock_in_sight(
    sessions_dir: Path, size: tuple[int, int]
) -> None:
    app, _ = make(sessions_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f5", "f4")
        await pilot.pause()
        form = current_screen(app)
        assert isinstance(form, ReferralForm)
        panel = form.query_one("#referral-form")
        clock = app.screen_stack[-2].query_one(CountdownPanel)
        # The clock's rows are above the form, none of them under it.
        assert clock.region.height >= 2
        assert panel.region.y >= clock.region.bottom
        # And the whole form fits below it: nothing to scroll to.
        assert panel.region.bottom <= size[1]
        assert panel.max_scroll_y == 0
        for field in form.query("Input, KeyChoice"):
            assert panel.region.contains_region(field.region), field.id
        # Every answer and its key in full, the last one too.
        [mention] = drawn(form.query_one("#may-mention", KeyChoice))
        assert "? (•) not asked" in mention


async def test_every_field_keeps_its_label_once_filled(sessions_dir: Path) -> None:
    app, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        form = current_screen(app)
        assert isinstance(form, ReferralForm)
        fields = list(form.query("Input, KeyChoice"))
        assert [label_of(field) for field in fields] == LABELS
        typed = ["Priya Raman", "Analytics lead", "Contoso", "priya@contoso.org", "Runs the team"]
        for text in typed:
            await pilot.press(*text, "tab")
        for field in form.query(Input):
            assert field.value  # filled: no placeholder in sight
        assert [label_of(field) for field in fields] == LABELS
        await pilot.press("ctrl+s")
        assert isinstance(current_screen(app), LiveScreen)
        [referral] = read_session(path).session.referrals
        assert referral.why == "Runs the team"


@pytest.mark.parametrize(
    ("key", "mention"),
    [("y", MayMention.YES), ("n", MayMention.NO), ("question_mark", MayMention.NOT_ASKED)],
)
async def test_may_i_mention_you_takes_one_key(
    sessions_dir: Path, key: str, mention: MayMention
) -> None:
    app, path = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", *"Priya", *["tab"] * 5)
        choice = current_screen(app).query_one("#may-mention", KeyChoice)
        assert app.focused is choice
        [shown] = drawn(choice)
        # The keys are on screen, and the answer standing is marked by a glyph.
        for part in ("y ( ) yes", "n ( ) no", "? (•) not asked"):
            assert part in shown
        if mention is not MayMention.NOT_ASKED:
            await pilot.press("question_mark")  # from another answer
        await pilot.press(key)
        [shown] = drawn(choice)
        assert f"(•) {'not asked' if key == 'question_mark' else mention.value}" in shown
        assert shown.count("(•)") == 1
        await pilot.press("tab", "y", "ctrl+s")  # and the introduction offered, one key too
        [referral] = read_session(path).session.referrals
        assert referral.may_mention is mention
        assert referral.intro_offered


def assert_boxed(field: Input) -> None:
    lines = drawn(field)
    assert len(lines) == 3, lines
    top, middle, bottom = lines
    assert (top[0], top[-1]) == ("╭", "╮"), lines
    assert (middle[0], middle.rstrip()[-1]) == ("│", "│"), lines
    assert (bottom[0], bottom[-1]) == ("╰", "╯"), lines


@pytest.mark.parametrize(
    ("keys", "prompt"),
    [
        (("f7",), TextPrompt),  # a key point
        (("a",), TextPrompt),  # an answer note
        (("n",), TextPrompt),  # a question of one's own
        (("f8",), MinutesPrompt),
    ],
)
async def test_every_live_prompt_draws_a_box_to_type_in(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch, keys: tuple[str, ...], prompt: type
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app, _ = make(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
        screen = current_screen(app)
        assert isinstance(screen, prompt)
        assert_boxed(screen.query_one(Input))


async def test_the_pickers_prompts_draw_a_box_to_type_in(sessions_dir: Path) -> None:
    app = IISessionApp(Workspace(resolve_folders(str(sessions_dir)), ManualClock()))
    async with app.run_test(size=(60, 20)) as pilot:
        questions = Bank(builtin_questions()).defaults()
        await app.push_screen(PickerScreen(questions, app.workspace.bank))
        for key in ("ctrl+n", "ctrl+s"):  # a question of one's own; a template's name
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(current_screen(app), TextPrompt)
            assert_boxed(current_screen(app).query_one(Input))
            await pilot.press("escape")
