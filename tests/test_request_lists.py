"""The lists of the outreach in the app: the requests, the target organisations,
the start screen's line on requests, and the follow-ups done from the list;
driven by Pilot over real files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from iisession.core.clock import ManualClock
from iisession.core.model import Person, Reply, Request, Session, SessionState
from iisession.core.organisations import (
    Target,
    load_organisations,
    organisations_path,
    save_organisations,
)
from iisession.core.paths import resolve_folders
from iisession.core.profile import Profile
from iisession.core.store import SessionStore, read_session
from iisession.core.workspace import Workspace
from iisession.tui.app import IISessionApp
from iisession.tui.screens.folder_view import FolderView
from iisession.tui.screens.follow_ups import FollowUpsScreen
from iisession.tui.screens.organisation_form import OrganisationForm
from iisession.tui.screens.organisations import OrganisationsScreen
from iisession.tui.screens.prompts import ChoiceModal, MessageModal
from iisession.tui.screens.request import RequestScreen
from iisession.tui.screens.requests import RequestsScreen
from tests.factories import make_session
from tests.pilot_helpers import current_screen

S = TypeVar("S", bound=Screen[Any])

UTC = dt.UTC


def at(day: int, month: int = 11, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=UTC)


def asked(
    folder: Path,
    name: str,
    organisation: str,
    *,
    sent: dt.datetime | None = None,
    followed: dt.datetime | None = None,
    reply: Reply = Reply.WAITING,
) -> Path:
    """A request written as the app writes one (the app's clock says 20 November)."""
    session = Session(
        person=Person(name=name, organisation=organisation),
        state=SessionState.REQUESTED,
        created=(sent or at(10)) - dt.timedelta(hours=1),
        request=Request(
            subject="A question about your work",
            text="Would you have 30 minutes?",
            sent_at=sent,
            followed_up_at=followed,
            reply=reply,
        ),
    )
    handle = SessionStore(folder).create(session)
    handle.close()
    return handle.path


def four_requests(folder: Path) -> None:
    asked(folder, "Ana Ruiz", "Harbour Health", sent=at(2))
    asked(folder, "Ben Okoro", "Harbour Health")
    asked(folder, "Cara Lim", "Lumen Labs", sent=at(1, 10), followed=at(12, 10))
    asked(folder, "Dev Shah", "Lumen Labs", sent=at(1, 10), reply=Reply.DECLINED)


def make_app(folder: Path) -> IISessionApp:
    workspace = Workspace(resolve_folders(str(folder)), ManualClock())
    workspace.profile = Profile(name="Sam Reyes", email="sam@example.org")  # drafts are signed
    return IISessionApp(workspace, offer_resume=False)


async def shown(app: IISessionApp, pilot: Pilot[None], kind: type[S]) -> S:
    """Wait until a screen of ``kind`` is up (and, for a view, has read the folder)."""
    for _ in range(300):
        screen = current_screen(app)
        if isinstance(screen, kind) and (not isinstance(screen, FolderView) or screen.loaded):
            await pilot.pause()
            return screen
        await pilot.pause(0.02)
    raise AssertionError(f"{kind.__name__} never came up: {app.screen}")


async def requests_line(app: IISessionApp, pilot: Pilot[None]) -> Static:
    """The start screen's line on requests, once the folder (and the requests) are read."""
    start = app.start_screen
    for _ in range(200):
        if start.scanned and start.query("#requests-line") and start.requests_read:
            await pilot.pause()
            return start.query_one("#requests-line", Static)
        await pilot.pause(0.02)
    raise AssertionError("the start screen never read the requests")


def status(screen: Screen[Any]) -> str:
    return str(screen.query_one("#view-status", Static).render())


def cells(screen: Screen[Any]) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]


async def test_the_requests_list_shows_each_stage_and_next_step(sessions_dir: Path) -> None:
    four_requests(sessions_dir)
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        line = await requests_line(app, pilot)
        assert line.display
        said = str(line.render())
        # Cara to mark no reply, Ana's colleague to ask, Ben's request to send.
        assert said == "Requests: 2 waiting for a reply · 3 steps due today"

        await pilot.press("q")
        screen = await shown(app, pilot, RequestsScreen)
        rows = {row[0]: row for row in cells(screen)}
        # Open ones only, earliest step first: Cara's give-up day is long past.
        assert [row[0] for row in cells(screen)] == ["Cara Lim", "Ana Ruiz", "Ben Okoro"]
        assert rows["Ana Ruiz"][2] == "waiting"
        assert rows["Ana Ruiz"][5] == "2 Nov"  # asked
        assert rows["Ana Ruiz"][4] == "ask Ben Okoro next"  # 3 business days, no reply
        assert rows["Ben Okoro"][2] == "to ask"
        assert rows["Ben Okoro"][4:] == ["send the request", "-"]
        assert rows["Cara Lim"][2] == "followed up"
        assert rows["Cara Lim"][4] == "mark it no reply"
        assert status(screen).startswith("2 waiting · 1 to send · 1 closed")
        step = str(screen.query_one("#request-step", Static).render())
        assert step.startswith("Next: No reply from Cara Lim since the follow-up")

        await pilot.press("a")  # the closed ones too
        assert [row[0] for row in cells(screen)][-1] == "Dev Shah"
        assert cells(screen)[-1][2] == "declined"
        await pilot.press("a")
        assert "Dev Shah" not in [row[0] for row in cells(screen)]

        screen.query_one(DataTable).move_cursor(row=1)
        await pilot.press("enter")  # Ana's request, on its own screen
        request = await shown(app, pilot, RequestScreen)
        assert request.handle.session.person.name == "Ana Ruiz"
        assert request.handle.path.parent == sessions_dir


async def test_organisations_sort_change_at_once_and_write_the_plain_file(
    sessions_dir: Path,
) -> None:
    four_requests(sessions_dir)
    save_organisations(
        sessions_dir, [Target("Harbour Health", 1), Target("Lumen Labs", 2, postings=True)]
    )
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_screen.action_organisations()
        screen = await shown(app, pilot, OrganisationsScreen)
        assert str(organisations_path(sessions_dir)) in status(screen)
        rows = cells(screen)
        assert [row[7] for row in rows] == ["Lumen Labs", "Harbour Health"]
        # Harbour: Ana asked and waiting, Ben found, not asked yet.
        assert rows[1][:7] == ["1", "-", "-", "2", "1", "1", "-"]

        table = screen.query_one(DataTable)
        table.move_cursor(row=1)
        await pilot.press("3")  # motivation 3: first now, and still highlighted
        assert [row[7] for row in cells(screen)] == ["Harbour Health", "Lumen Labs"]
        assert table.cursor_row == 0
        await pilot.press("v")
        saved = {t.name: t for t in load_organisations(sessions_dir)}
        assert saved["Harbour Health"].motivation == 3
        assert saved["Harbour Health"].advocate
        assert not saved["Harbour Health"].postings

        # A new one: the form refuses a name listed already and a motivation of 4.
        await pilot.press("n")
        form = await shown(app, pilot, OrganisationForm)
        form.query_one("#org-name", Input).value = "harbour health ltd"
        form.query_one("#org-motivation", Input).value = "4"
        await pilot.press("ctrl+s")
        assert current_screen(app) is form
        assert "in the list already" in str(form.query_one("#org-name-error", Static).render())
        assert "0 to 3" in str(form.query_one("#org-motivation-error", Static).render())
        form.query_one("#org-name", Input).value = "Quay Systems"
        form.query_one("#org-motivation", Input).value = "2"
        await pilot.press("ctrl+s")
        await shown(app, pilot, OrganisationsScreen)
        names = [t.name for t in load_organisations(sessions_dir)]
        assert names == ["Harbour Health", "Lumen Labs", "Quay Systems"]
        assert cells(screen)[table.cursor_row][7] == "Quay Systems"

        await pilot.press("x")
        await shown(app, pilot, ChoiceModal)
        await pilot.press("y")
        await pilot.pause()
        assert [t.name for t in load_organisations(sessions_dir)] == names[:2]

        table.move_cursor(row=0)
        await pilot.press("enter")  # the people there
        people = await shown(app, pilot, MessageModal)
        assert "Ana Ruiz, Ben Okoro" in people.body


async def test_a_broken_organisations_file_is_shown_and_never_written(sessions_dir: Path) -> None:
    path = organisations_path(sessions_dir)
    path.parent.mkdir(parents=True)
    broken = b"schema_version = 1\n\n[[organisation]]\nmotivation = 9 # mine\n"
    path.write_bytes(broken)
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_screen.action_organisations()
        screen = await shown(app, pilot, OrganisationsScreen)
        said = status(screen)
        assert "cannot be used" in said
        assert "needs a `name`" in said
        assert str(path) in said
        assert screen.query_one(DataTable).row_count == 0
        await pilot.press("n", "3", "v", "p", "x", "r")
        assert current_screen(app) is screen  # no form, no question
        assert path.read_bytes() == broken


async def test_follow_ups_tell_the_referrer(sessions_dir: Path) -> None:
    handle = SessionStore(sessions_dir).create(make_session())  # Prof. Okafor referred Maya
    handle.close()
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        line = await requests_line(app, pilot)
        assert not line.display  # no requests: no line
        await pilot.press("f")
        screen = await shown(app, pilot, FollowUpsScreen)
        titles = [row[2] for row in cells(screen)]
        row = titles.index("Tell Prof. Okafor you met Maya Lindqvist")
        screen.query_one(DataTable).move_cursor(row=row)
        await pilot.pause()
        before = screen.generation
        await pilot.press("enter")
        await shown(app, pilot, ChoiceModal)
        await pilot.press("t")
        for _ in range(200):
            if screen.generation > before:
                break
            await pilot.pause(0.02)
        assert read_session(handle.path).session.follow_up.referrer_told is not None
        assert "Tell Prof. Okafor you met Maya Lindqvist" not in [r[2] for r in cells(screen)]


async def test_follow_ups_ask_the_next_person_at_the_organisation(sessions_dir: Path) -> None:
    four_requests(sessions_dir)
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_screen.action_follow_ups()
        screen = await shown(app, pilot, FollowUpsScreen)
        titles = [row[2] for row in cells(screen)]
        row = titles.index("No reply from Ana Ruiz yet: ask Ben Okoro at Harbour Health next")
        screen.query_one(DataTable).move_cursor(row=row)
        await pilot.pause()
        await pilot.press("enter")
        choice = await shown(app, pilot, ChoiceModal)
        assert ("n", "ask Ben Okoro next", "next") in choice.choices
        await pilot.press("n")  # Ben's request, drafted and not sent yet
        request = await shown(app, pilot, RequestScreen)
        assert request.handle.session.person.name == "Ben Okoro"
