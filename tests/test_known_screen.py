"""Who do I know there, and a calendar invite in the setup form: driven by Pilot
over real files (a network file, sessions, the sample invites)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import DataTable, Input, Static

from iisession.core.clock import ManualClock
from iisession.core.invite import read_invite_file
from iisession.core.model import Person, Session, SessionState
from iisession.core.organisations import Target, save_organisations
from iisession.core.paths import resolve_folders
from iisession.core.people import Known, save_network
from iisession.core.requests import check_request, introduction_request_draft
from iisession.core.store import SessionStore, read_session
from iisession.core.workspace import Workspace
from iisession.tui import navigation
from iisession.tui.app import IISessionApp
from iisession.tui.screens.known import KnownScreen
from iisession.tui.screens.organisations import OrganisationsScreen
from iisession.tui.screens.prompts import ChoiceModal, ListChooser, TextPrompt
from iisession.tui.screens.request import RequestScreen
from iisession.tui.screens.request_form import FIELDS, RequestForm
from iisession.tui.screens.setup import SetupScreen
from tests.pilot_helpers import current_screen
from tests.test_request_lists import asked, cells, make_app, shown

INVITES = Path(__file__).parent / "data" / "invites"
ADDED = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def network(folder: Path) -> None:
    save_network(
        folder,
        [
            Known(
                "Zoë Ó Briain",
                "Harbour Health Ltd",
                "Head of Clinical Data",
                email="zoe@harbour.example",
                connected_on="14 Mar 2023",
                added=ADDED,
            ),
            Known(
                "Rhys Llewellyn",
                "harbour health",
                "Data Engineer",
                url="https://rhys.example/about",
                source="vcard",
                added=ADDED,
            ),
            Known("Priya Natarajan", "Lumen Labs", "Researcher", added=ADDED),
        ],
    )


async def known_screen(app: IISessionApp, pilot: object) -> KnownScreen:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    screen = await shown(app, pilot, KnownScreen)
    for _ in range(200):
        if screen.loaded:
            break
        await pilot.pause(0.02)
    return screen


async def test_who_is_known_at_a_target_organisation_and_asked_from_there(
    sessions_dir: Path,
) -> None:
    network(sessions_dir)
    asked(sessions_dir, "Ben Okoro", "Harbour Health")  # found by the sessions, not asked yet
    save_organisations(sessions_dir, [Target("Harbour Health", 2), Target("Lumen Labs", 1)])
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_screen.action_organisations()
        orgs = await shown(app, pilot, OrganisationsScreen)
        harbour = next(row for row in cells(orgs) if row[7] == "Harbour Health")
        assert harbour[8] == "2"  # Known: both, however the organisation is spelt

        await pilot.press("k")
        screen = await known_screen(app, pilot)
        listed = cells(screen)
        assert [row[0] for row in listed] == ["Rhys Llewellyn", "Zoë Ó Briain", "Ben Okoro"]
        assert listed[1][1:] == ["Head of Clinical Data", "connections, 14 Mar 2023"]
        assert listed[0][2] == "address book"
        assert listed[2][2] == "your sessions, to ask"

        screen.query_one(DataTable).move_cursor(row=1)
        await pilot.press("enter")  # Zoë: a request to her, every field filled
        form = await shown(app, pilot, RequestForm)
        typed = {key: form.query_one(f"#{key}", Input).value for key, _, _ in FIELDS}
        assert typed == {
            "name": "Zoë Ó Briain",
            "title": "Head of Clinical Data",
            "organisation": "Harbour Health",
            "how_found": "we are connected (connections export)",
            "referred_by": "",
            "contact": "zoe@harbour.example",
        }
        await pilot.press("escape")  # untouched: closed at once, nothing made
        await shown(app, pilot, OrganisationsScreen)

        app.push_screen(KnownScreen("Quay Systems"))
        screen = await known_screen(app, pilot)
        note = str(screen.query_one("#known-note", Static).render())
        assert note.startswith("Nobody you know at Quay Systems yet:")
        assert "iisession import connections FILE" in note
        assert screen.query_one(DataTable).row_count == 0
        screen.dismiss()

        path = sessions_dir / "lists" / "network.toml"
        path.write_text("schema_version = 1\n[[person]]\ntitle = 'no name'\n", encoding="utf-8")
        app.push_screen(KnownScreen("Harbour Health"))
        screen = await known_screen(app, pilot)
        note = str(screen.query_one("#known-note", Static).render())
        assert note.startswith("Your network cannot be read:")
        assert "needs a `name`" in note
        assert [row[0] for row in cells(screen)] == ["Ben Okoro"]  # the sessions still


async def test_someone_known_is_asked_for_an_introduction_from_a_request(
    sessions_dir: Path,
) -> None:
    network(sessions_dir)
    ben = asked(sessions_dir, "Ben Okoro", "Harbour Health")
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        navigation.open_request(app.screen, ben)
        await shown(app, pilot, RequestScreen)
        await pilot.press("f10")  # the request's text box has the focus
        screen = await known_screen(app, pilot)
        assert [row[0] for row in cells(screen)] == ["Rhys Llewellyn", "Zoë Ó Briain", "Ben Okoro"]
        await pilot.press("i")  # Rhys, to introduce the user to Ben
        chooser = await shown(app, pilot, ListChooser)
        assert [label for label, _ in chooser.choices] == [
            "Ben Okoro",
            "whoever Rhys Llewellyn suggests",
        ]
        await pilot.press("enter")
        form = await shown(app, pilot, RequestForm)
        assert form.query_one("#how_found", Input).value == "from my address book"
        assert form.query_one("#contact", Input).value == "https://rhys.example/about"
        await pilot.press("ctrl+s")
        request = await shown(app, pilot, RequestScreen)
        made = request.handle.session
        assert made.person.name == "Rhys Llewellyn"
        profile = app.workspace.profile
        expected = introduction_request_draft(
            "Rhys Llewellyn", "Harbour Health", profile, "Ben Okoro", limit_minutes=30
        )
        on_disk = read_session(request.handle.path).session.request
        assert on_disk is not None
        assert on_disk.text == expected
        assert on_disk.subject == "Would you introduce me to Ben Okoro?"
        assert request.text == expected  # on screen
        checks = {c.label: c for c in check_request(expected, signature=profile.sign_off())}
        assert checks["About 100 words at most"].ok, checks["About 100 words at most"].detail
        assert checks["Ends with a question"].ok


def new_form(folder: Path, name: str = "") -> IISessionApp:
    workspace = Workspace(resolve_folders(str(folder)), ManualClock())
    session = Session(person=Person(name=name), created=ManualClock().wall())
    return IISessionApp(workspace, setup=session, offer_resume=False)


async def invite_path(app: IISessionApp, pilot: object, path: Path) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("f8")
    prompt = await shown(app, pilot, TextPrompt)
    prompt.query_one(Input).value = str(path)
    await pilot.press("enter")
    await pilot.pause()


async def test_an_invite_fills_the_setup_form_and_its_uid_is_kept(sessions_dir: Path) -> None:
    invite = read_invite_file(INVITES / "google-invite.ics")  # 14:00 Europe/London, 30 minutes
    app = new_form(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await shown(app, pilot, SetupScreen)
        await invite_path(app, pilot, INVITES / "two-events.ics")
        assert current_screen(app) is form
        assert {i.id: i.value for i in form.query(Input)} == {
            "name": "",
            "title": "",
            "organisation": "",
            "how_found": "",
            "referred_by": "",
            "contact": "",
            "limit": "30",
            "when": "",
        }
        [said] = [n for n in app._notifications if n.title == "Invite not used"]
        assert said.severity == "error"
        assert "2 events" in said.message
        assert form.session.invite_uid == ""
        assert not SessionStore(sessions_dir).files()

        await invite_path(app, pilot, INVITES / "google-invite.ics")
        assert current_screen(app) is form
        assert form.query_one("#name", Input).value == "Zoë Ó Briain"
        assert form.query_one("#contact", Input).value == "zoe.obriain@example.ie"
        assert form.query_one("#limit", Input).value == "30"
        assert form.session.planned_at == invite.start
        assert "meet.google.com/xkp-wqrt-bnm" in form.session.preparation.research
        assert form.handle is not None
        path = form.handle.path
        saved = read_session(path).session
        assert saved.invite_uid == "5q3k9c0v2m8b1n7h4j6g0f2d1s@google.com"
        assert saved.planned_at == invite.start
        assert saved.limit_minutes == 30


async def test_an_invite_held_by_another_session_offers_that_one(sessions_dir: Path) -> None:
    invite = read_invite_file(INVITES / "google-invite.ics")
    earlier = Session(
        person=Person(name="Zoë Ó Briain"),
        state=SessionState.PLANNED,
        planned_at=invite.start,
        invite_uid=invite.uid,
        created=ManualClock().wall(),
    )
    held = SessionStore(sessions_dir).create(earlier)
    held.close()
    app = new_form(sessions_dir, "Rhys Llewellyn")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await shown(app, pilot, SetupScreen)
        before = {i.id: i.value for i in form.query(Input)}
        # The same call, updated: its session is offered, and this form is left as it was.
        form._invite_typed(str(INVITES / "google-invite-updated.ics"))  # as the prompt gives it
        offer = await shown(app, pilot, ChoiceModal)
        assert held.path.name in offer.body
        assert ("o", "open that session instead", "open") in offer.choices
        assert {i.id: i.value for i in form.query(Input)} == before
        assert form.session.invite_uid == ""
        await pilot.press("o")
        opened = await shown(app, pilot, SetupScreen)
        assert opened is not form
        assert opened.handle is not None
        assert opened.handle.path == held.path
        assert len(SessionStore(sessions_dir).files()) == 2  # Rhys's form, kept; Zoë's
