"""Screens take "now" from the app's clock, never from the system: every time they
record, and every time they compare with, is the injected clock's."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any, TypeVar

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Static

from iisession.core.clock import ManualClock
from iisession.core.model import Outreach
from iisession.core.paths import resolve_folders
from iisession.core.profile import Profile
from iisession.core.store import read_session
from iisession.core.workspace import Workspace
from iisession.tui import navigation
from iisession.tui.app import IISessionApp
from iisession.tui.screens.prompts import ChoiceModal
from iisession.tui.screens.request import RequestScreen
from iisession.tui.screens.setup import SetupScreen
from iisession.tui.screens.thank_you import ThankYouScreen
from tests.pilot_helpers import type_text

EXAMPLES = Path(__file__).resolve().parent.parent / "sessions"
SUNNIVA = "2026-11-18-1700-sunniva-hart.toml"
INES = "2026-10-21-1430-ines-halvorsen.toml"
THEO = "2026-12-03-1730-theo-marchetti.toml"

FAR_OFF = dt.datetime(2031, 3, 14, 9, 26, 53, tzinfo=dt.UTC)
"""The clock's time in these tests: years from any real "today"."""

S = TypeVar("S", bound=Screen[Any])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


def make_app(folder: Path, clock: ManualClock) -> IISessionApp:
    workspace = Workspace(resolve_folders(str(folder)), clock)
    workspace.profile = Profile(name="Clara Whitfield")  # no profile form over the drafts
    return IISessionApp(workspace, offer_resume=False)


async def shown(app: IISessionApp, pilot: Pilot[None], kind: type[S]) -> S:
    for _ in range(300):
        if isinstance(app.screen, kind):
            await pilot.pause()
            return app.screen
        await pilot.pause(0.02)
    raise AssertionError(f"{kind.__name__} never came up: {app.screen}")


async def test_the_thank_you_is_drafted_and_marked_sent_at_the_clocks_time(folder: Path) -> None:
    clock = ManualClock(FAR_OFF)
    app = make_app(folder, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_thank_you(app.screen, folder / SUNNIVA)
        screen = await shown(app, pilot, ThankYouScreen)
        await type_text(pilot, "PS")
        clock.advance(90)
        await pilot.press("f5")
        await pilot.pause(0.1)
        assert "Thank-you sent" in str(screen.query_one("#draft-status", Static).render())
        await pilot.press("escape")
        await pilot.pause(0.2)
    saved = read_session(folder / SUNNIVA).session
    assert saved.follow_up.thank_you_drafted == FAR_OFF
    assert saved.follow_up.thank_you_sent == FAR_OFF + dt.timedelta(seconds=90)
    assert saved.updated == clock.wall()  # the file's own stamp: the same clock


async def test_an_outreach_request_is_dated_by_the_clock(folder: Path) -> None:
    clock = ManualClock(FAR_OFF)
    app = make_app(folder, clock)
    amara = next(r for r in read_session(folder / INES).session.referrals if "Amara" in r.name)
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_outreach(app.screen, folder / INES, amara.id)
        screen = await shown(app, pilot, RequestScreen)
        path = screen.handle.path
        clock.advance(90)
        await pilot.press("f5")
        await shown(app, pilot, ChoiceModal)
        await pilot.press("s")
        await pilot.pause(0.1)
        await pilot.press("escape")
        await pilot.pause(0.2)
    saved = next(r for r in read_session(folder / INES).session.referrals if r.id == amara.id)
    assert saved.outreach is Outreach.TO_CONTACT  # where it stands is the request's now
    assert saved.outreach_updated == FAR_OFF  # linked to its request then
    made = read_session(path).session
    assert made.created == FAR_OFF
    assert made.request is not None
    assert made.request.sent_at == FAR_OFF + dt.timedelta(seconds=90)


async def test_the_setup_form_confirms_and_judges_dates_by_the_clock(folder: Path) -> None:
    # Theo's call (3 December 2026) is long past by this clock.
    clock = ManualClock(FAR_OFF)
    app = make_app(folder, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_setup(app.screen, folder / THEO)
        setup = await shown(app, pilot, SetupScreen)
        when = setup.query_one("#when", Input)
        when.value += " "  # checked again as if typed (the space is ignored)
        await pilot.pause()
        assert "that time has passed" in str(setup.query_one("#when-note", Static).render())
        box = setup.query_one("#confirmed", Checkbox)
        assert not box.value
        box.value = True
        await pilot.pause(0.2)
        await pilot.press("escape")
        await pilot.pause(0.2)
    assert read_session(folder / THEO).session.confirmed_at == FAR_OFF

    # By a clock before the call, the same date is still to come.
    early = ManualClock(dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC))
    app = make_app(folder, early)
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_setup(app.screen, folder / THEO)
        setup = await shown(app, pilot, SetupScreen)
        when = setup.query_one("#when", Input)
        when.value += " "
        await pilot.pause()
        note = setup.query_one("#when-note", Static)
        assert not note.display or "passed" not in str(note.render())
