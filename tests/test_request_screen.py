"""The request screen, driven by Pilot over real session files: the checks as
the text is typed, what F5 offers and records at each stage, an agreed request
becoming the planned call (from F5 or from a time typed in the setup form), a
planned or held call's request kept as history, the profile asked for once, a
referral's outreach as a request that does not name a referrer who asked not
to be."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from pathlib import Path
from typing import Any, TypeVar

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from iisession.core.clock import ManualClock
from iisession.core.model import Person, Reply, Session, SessionState
from iisession.core.paths import resolve_folders
from iisession.core.profile import Profile
from iisession.core.requests import NO_NAME, Stage, stage_of
from iisession.core.store import SaveError, SessionFile, SessionStore, read_session
from iisession.core.todo import REQUEST_KINDS, due_items
from iisession.core.workspace import Workspace
from iisession.tui import navigation
from iisession.tui.app import IISessionApp
from iisession.tui.screens.detail import DetailScreen
from iisession.tui.screens.profile import ProfileScreen
from iisession.tui.screens.prompts import ChoiceModal, TextPrompt
from iisession.tui.screens.request import RequestScreen
from iisession.tui.screens.request_form import RequestForm
from iisession.tui.screens.setup import SetupScreen
from tests.pilot_helpers import type_text

EXAMPLES = Path(__file__).resolve().parent.parent / "sessions"
INES = "2026-10-21-1430-ines-halvorsen.toml"
CLARA = Profile(name="Clara Whitfield", email="clara@example.org")

S = TypeVar("S", bound=Screen[Any])


def make_app(folder: Path, profile: Profile | None = CLARA) -> IISessionApp:
    workspace = Workspace(resolve_folders(str(folder)), ManualClock())
    if profile is not None:
        workspace.profile = profile
    return IISessionApp(workspace, offer_resume=False)


async def shown(app: IISessionApp, pilot: Pilot[None], kind: type[S]) -> S:
    for _ in range(200):
        if isinstance(app.screen, kind):
            await pilot.pause()
            return app.screen
        await pilot.pause(0.02)
    raise AssertionError(f"{kind.__name__} never came up: {app.screen}")


def a_request(
    app: IISessionApp,
    name: str = "Ana Ruiz",
    organisation: str = "Acme",
    sent_at: dt.datetime | None = None,
) -> Path:
    """A request on disk (not held), drafted as the app drafts one."""
    workspace = app.workspace
    person = Person(name=name, organisation=organisation, how_found="the alumni directory")
    handle = workspace.create(workspace.new_request(person, sent_at=sent_at))
    workspace.forget(handle)
    return handle.path


def rendered(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def keys(modal: ChoiceModal) -> list[str]:
    return [key for key, _, _ in modal.choices]


async def test_the_checks_follow_the_text_as_it_is_typed(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_request(app.screen, a_request(app))
        screen = await shown(app, pilot, RequestScreen)
        job = "Does not ask for a job or position"
        assert {c.label: c.ok for c in screen.checks}[job]
        met_before = sum(c.ok for c in screen.checks)
        area = screen.query_one(TextArea)
        area.move_cursor((0, 0))
        await pilot.press("down", "down")  # the body's first line
        await type_text(pilot, "Any job ")
        assert not {c.label: c.ok for c in screen.checks}[job]
        assert sum(c.ok for c in screen.checks) == met_before - 1
        # Narrow (80 columns): the checks under the text, the unmet one with what to do.
        assert f"· {job}: reword" in rendered(screen, "#checks-short")
        box = screen.query_one("#request-checks")
        assert box.region.y > area.region.y
        assert box.border_title == f"Checks: {met_before - 1} of {len(screen.checks)}"
        # The text is kept as typed.
        await pilot.press("escape")
        await pilot.pause(0.1)
    [path] = sessions_dir.glob("*.toml")
    request = read_session(path).session.request
    assert request is not None
    assert "Any job I found" in request.text


async def test_one_at_a_time_the_first_asked_is_named_and_sent_is_saved(
    sessions_dir: Path,
) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        now = app.workspace.clock.wall()
        a_request(app, "Ana Ruiz", "Acme", sent_at=now)
        # Someone else at Acme: the form says who is waiting, and so does F5 s.
        navigation.new_request(app.screen, organisation="ACME Ltd")
        form = await shown(app, pilot, RequestForm)
        assert form.query_one("#organisation", Input).value == "ACME Ltd"
        await type_text(pilot, "Ben")
        await pilot.press("ctrl+s")
        screen = await shown(app, pilot, RequestScreen)
        assert any("Ana Ruiz" in n.message for n in app._notifications)
        await pilot.press("f5")
        choices = await shown(app, pilot, ChoiceModal)
        assert keys(choices) == ["s", "a", "d"]  # to ask: nothing to follow up or undo
        await pilot.press("s")
        warning = await shown(app, pilot, ChoiceModal)
        assert "Ana Ruiz" in warning.title_text
        path = screen.handle.path
        assert read_session(path).session.request.sent_at is None  # type: ignore[union-attr]
        await pilot.press("s")  # send anyway
        await pilot.pause(0.1)
        saved = read_session(path).session
        assert saved.person.name == "Ben"
        assert saved.request is not None
        assert saved.request.sent_at == now
        assert "Waiting since" in rendered(screen, "#draft-status")
        # Waiting: what F5 offers now (as the modal above lists it). Sent cannot
        # be recorded again: its date would be lost.
        assert [key for key, _, _ in screen.reply_choices()] == ["f", "a", "d", "n", "w"]
        assert screen.reply_choices()[-1][1] == "undo: not sent"
        clock = app.workspace.clock
        assert isinstance(clock, ManualClock)
        clock.advance(3600)
        screen._replied("sent")
        screen._replied("followed-up")
        later = read_session(path).session.request
        assert later is not None
        assert (later.sent_at, later.followed_up_at) == (now, now + dt.timedelta(hours=1))
        # Followed up: no "sent it now" either; w takes the follow-up back, and only that.
        assert [key for key, _, _ in screen.reply_choices()] == ["a", "d", "n", "w"]
        assert screen.reply_choices()[-1][1] == "undo: not followed up"
        screen._replied("undo")
        undone = read_session(path).session.request
        assert undone is not None
        assert (undone.sent_at, undone.followed_up_at, undone.reply) == (now, None, Reply.WAITING)


async def test_agreed_becomes_the_planned_call_in_the_setup_form(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_request(app.screen, a_request(app))
        screen = await shown(app, pilot, RequestScreen)
        text = screen.request.text
        await pilot.press("f5")
        await shown(app, pilot, ChoiceModal)
        await pilot.press("a")
        prompt = await shown(app, pilot, TextPrompt)
        prompt.query_one(Input).value = "tomorrow 10:00"
        await pilot.press("enter")
        setup = await shown(app, pilot, SetupScreen)
        assert setup.query_one("#name", Input).value == "Ana Ruiz"
        assert setup.handle is screen.handle  # the same open file: nothing retyped
        path = setup.handle.path
        saved = read_session(path).session
        assert saved.state is SessionState.PLANNED
        assert saved.planned_at is not None
        tomorrow = app.workspace.clock.wall().astimezone().date() + dt.timedelta(days=1)
        assert saved.planned_at.astimezone().date() == tomorrow
        assert saved.request is not None
        assert saved.request.reply is Reply.AGREED
        assert saved.request.text == text  # its history kept
        assert [p.name for p in sessions_dir.glob("*.toml")] == [path.name]


async def test_the_first_draft_asks_for_the_profile_and_is_signed_from_it(
    sessions_dir: Path,
) -> None:
    app = make_app(sessions_dir, profile=None)
    async with app.run_test(size=(80, 24)) as pilot:
        path = a_request(app)
        assert NO_NAME in read_session(path).session.request.text  # type: ignore[union-attr]
        navigation.open_request(app.screen, path)
        await shown(app, pilot, ProfileScreen)
        await type_text(pilot, "Clara")
        await pilot.press("enter")
        form = await shown(app, pilot, ProfileScreen)
        assert form.focused is form.query_one("#email")
        form.query_one("#email", Input).value = "clara@example.org"
        await pilot.press("ctrl+s")
        screen = await shown(app, pilot, RequestScreen)
        await pilot.pause(0.1)
        text = screen.query_one(TextArea).text
        assert NO_NAME not in text
        assert text.rstrip().endswith("Clara\nclara@example.org")
        config = tomllib.loads(app.workspace.config_file.read_text(encoding="utf-8"))
        assert config["profile"] == {"name": "Clara", "email": "clara@example.org"}
        saved = read_session(path).session.request
        assert saved is not None
        assert saved.text == text


async def test_a_referrals_outreach_is_a_request_linked_both_ways(tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    app = make_app(folder)
    ines = read_session(folder / INES).session
    amara = next(r for r in ines.referrals if r.name == "Amara Nwosu")
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_outreach(app.screen, folder / INES, amara.id)
        screen = await shown(app, pilot, RequestScreen)
        assert "To: Amara Nwosu" in rendered(screen, "#draft-to")
        assert "Ines Halvorsen" in rendered(screen, "#draft-to")
        path = screen.handle.path
        await pilot.press("escape")
        await pilot.pause(0.1)
        made = read_session(path).session
        assert made.state is SessionState.REQUESTED
        assert (made.source_session, made.source_referral) == (ines.id, amara.id)
        linked = next(r for r in read_session(folder / INES).session.referrals if r.id == amara.id)
        assert linked.session_id == made.id
        # Asked again: the same request, not a second one. Made before requests
        # were kept (no request in it), it is drafted now: Amara's referrer asked
        # not to be named, and is not, in the text or the subject.
        old = SessionStore(folder).open(path)
        old.session.request = None
        old.save()
        old.close()
        navigation.open_outreach(app.screen, folder / INES, amara.id)
        again = await shown(app, pilot, RequestScreen)
        assert again.handle.path == path
        assert not again.may_name_referrer
        drafted = again.request
        assert drafted.text.startswith("Dear Amara,")
        assert "Ines" not in drafted.text
        assert "Ines" not in drafted.subject
        assert "Halvorsen" not in drafted.text + drafted.subject


@pytest.mark.parametrize("size", [(100, 30)])
async def test_wide_the_checks_stand_beside_and_the_follow_up_is_a_reply(
    sessions_dir: Path, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(sessions_dir)
    opened: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=size) as pilot:
        navigation.open_request(app.screen, a_request(app))
        screen = await shown(app, pilot, RequestScreen)
        area = screen.query_one(TextArea)
        box = screen.query_one("#request-checks")
        assert box.region.x >= area.region.right
        column = screen.query_one("#checks-full", Static)
        lines = [strip.text for strip in column.render_lines(column.region.reset_offset)]
        assert "✓ Names the connection first" in "\n".join(lines)
        assert box.border_title == f"Checks: 8 of {len(screen.checks)}"
        await pilot.press("f7")  # the text box's own: select all
        assert area.selected_text == area.text
        assert not isinstance(app.screen, TextPrompt)

        def failing(self: SessionFile, now: object = None) -> None:
            raise SaveError(self.path, "the disk is full")

        monkeypatch.setattr(SessionFile, "save", failing)
        await pilot.press("f9")
        prompt = await shown(app, pilot, TextPrompt)
        prompt.query_one(Input).value = "Your work at Acme"
        await pilot.press("enter")
        await pilot.pause(0.1)
        # Not saved: kept as typed (saving is retried), and said so.
        assert screen.request.subject == "Your work at Acme"
        assert "Subject: Your work at Acme" in rendered(screen, "#draft-to")
        assert any("not saved yet" in n.message for n in app._notifications)
        monkeypatch.undo()
        await pilot.press("f8")
        await pilot.pause(0.1)
        assert area.text.startswith("Dear Ana,")
        assert "one follow-up" in area.text
        await pilot.press("f3")
        assert "subject=Re%3A%20Your%20work%20at%20Acme" in opened[-1]
        await pilot.press("escape")
        await pilot.pause(0.1)
    [path] = sessions_dir.glob("*.toml")
    request = read_session(path).session.request
    assert request is not None
    assert request.subject == "Your work at Acme"
    assert "one follow-up" in request.follow_up_text


async def test_a_planned_or_held_calls_request_is_its_history(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    workspace = app.workspace
    now = workspace.clock.wall()
    person = Person(name="Ana Ruiz", organisation="Acme", how_found="the alumni directory")
    session = workspace.new_request(person, sent_at=now - dt.timedelta(days=6))
    assert session.request is not None
    session.request.reply = Reply.AGREED
    session.request.replied_at = now - dt.timedelta(days=1)
    session.state = SessionState.PLANNED
    session.planned_at = now + dt.timedelta(days=4)
    handle = workspace.create(session)
    workspace.forget(handle)
    held = workspace.create(Session(person=Person(name="Ben Okoro"), state=SessionState.ENDED))
    workspace.forget(held)
    files = {p: p.read_bytes() for p in (handle.path, held.path)}
    async with app.run_test(size=(80, 24)) as pilot:
        # A held call with no request: its page opens, and no request is made for it.
        navigation.open_request(app.screen, held.path)
        await shown(app, pilot, DetailScreen)
        await pilot.press("escape")
        navigation.open_request(app.screen, handle.path)
        screen = await shown(app, pilot, RequestScreen)
        area = screen.query_one(TextArea)
        assert area.read_only
        assert "read only: e opens it in the setup form" in rendered(screen, "#draft-status")
        await pilot.press("f5")  # nothing to record: it says where the call is instead
        assert app.screen is screen
        said = app._notifications
        assert any(n.message.startswith("Agreed on Thu 19 Nov; the call is planned") for n in said)
        await pilot.press("s", "f9")
        assert area.text == session.request.text
        assert not screen.handle.has_unsaved_changes()  # so leaving writes nothing
        assert {p: p.read_bytes() for p in files} == files
        await pilot.press("e")
        setup = await shown(app, pilot, SetupScreen)
        assert setup.handle is screen.handle  # the same open file, in the form


async def test_a_request_given_a_time_in_the_setup_form_becomes_the_planned_call(
    sessions_dir: Path,
) -> None:
    app = make_app(sessions_dir)
    now = app.workspace.clock.wall()
    async with app.run_test(size=(80, 24)) as pilot:
        path = a_request(app, sent_at=now - dt.timedelta(days=1))
        navigation.edit_session(app.screen, path, True)  # e on its page, or in the review
        setup = await shown(app, pilot, SetupScreen)
        when = setup.query_one("#when", Input)
        when.focus()
        when.value = "tomorrow 10:00"
        await pilot.press("tab")  # the When field left
        await pilot.pause(0.1)
        assert setup.handle is not None
        moved = setup.handle.path
        saved = read_session(moved).session
        assert saved.state is SessionState.PLANNED
        assert saved.request is not None
        assert (saved.request.reply, saved.request.replied_at) == (Reply.AGREED, now)
        assert saved.request.sent_at == now - dt.timedelta(days=1)  # its history kept
        assert stage_of(saved) is Stage.AGREED
        # The file takes the planned call's name; the follow-ups stop asking.
        tomorrow = now.astimezone().date() + dt.timedelta(days=1)
        assert moved.name.startswith(f"{tomorrow.isoformat()}-1000-")
        assert not path.exists()
        items = due_items([(moved.name, saved)], holidays=frozenset())
        assert not [d for d in items if d.kind in REQUEST_KINDS]
        await pilot.press("escape")
        await pilot.pause(0.1)
    told = [n for n in app._notifications if "now the planned call" in n.message]
    assert len(told) == 1
