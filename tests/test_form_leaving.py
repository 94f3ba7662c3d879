"""Leaving a small form never loses what was typed in it: the profile, a new
request, an organisation, a referral. Ctrl+Q saves it as Save does, or asks;
Escape with something typed asks; a refused save keeps the form open; on a
signal, what will not save goes to a text file. Driven by Pilot over real
files, and once as a real process on a pseudo-terminal with a real signal."""

from __future__ import annotations

import signal
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static

from iisession.core.bank import Bank, builtin_questions
from iisession.core.clock import ManualClock
from iisession.core.model import Person, Session, SessionState
from iisession.core.organisations import (
    Target,
    load_organisations,
    organisations_path,
    save_organisations,
)
from iisession.core.paths import CONFIG_FILE, resolve_folders, state_dir
from iisession.core.profile import Profile
from iisession.core.store import SessionStore, read_session
from iisession.core.workspace import RESCUE_FOLDER, Workspace
from iisession.tui import navigation
from iisession.tui.app import IISessionApp
from iisession.tui.screens.organisation_form import OrganisationForm
from iisession.tui.screens.organisations import OrganisationsScreen
from iisession.tui.screens.profile import ProfileScreen
from iisession.tui.screens.prompts import ChoiceModal
from iisession.tui.screens.referral_form import ReferralForm
from iisession.tui.screens.request_form import RequestForm
from tests.pilot_helpers import current_screen
from tests.pty_app import PtyApp


def make_app(folder: Path) -> IISessionApp:
    workspace = Workspace(resolve_folders(str(folder)), ManualClock())
    workspace.profile = Profile(name="Sam Reyes", email="sam@example.org")
    return IISessionApp(workspace, offer_resume=False)


def config_profile(app: IISessionApp) -> dict[str, str] | None:
    path = app.workspace.config_file
    if not path.exists():
        return None
    profile: dict[str, str] | None = tomllib.loads(path.read_text("utf-8")).get("profile")
    return profile


def rescued_texts() -> list[str]:
    return [p.read_text("utf-8") for p in sorted((state_dir() / RESCUE_FOLDER).glob("*.txt"))]


def requests_on_disk(folder: Path) -> list[Session]:
    return [read_session(p).session for p in sorted(folder.glob("*.toml"))]


async def paste(pilot: Pilot[None], text: str) -> None:
    """Into the field with the focus, as a terminal delivers a paste (quicker in
    a test than key by key, each of which the key router lets settle)."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def test_the_profile_form_asks_before_dropping_and_ctrl_q_saves_it(
    sessions_dir: Path,
) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        start = current_screen(app)
        navigation.edit_profile(app.screen)
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: closes, nothing asked
        assert current_screen(app) is start

        navigation.edit_profile(app.screen)
        await pilot.pause()
        form = current_screen(app)
        assert isinstance(form, ProfileScreen)
        await pilot.press("end", "space", "Q")  # after the name shown
        await pilot.press("escape")
        asked = current_screen(app)
        assert isinstance(asked, ChoiceModal)
        assert asked.title_text == "Your profile is not saved"
        await pilot.press("escape")  # stay: the form, as it was
        assert current_screen(app) is form
        assert form.query_one("#name", Input).value == "Sam Reyes Q"
        await pilot.press("escape", "s")  # save it
        assert current_screen(app) is start
        assert config_profile(app) == {"name": "Sam Reyes Q", "email": "sam@example.org"}

        navigation.edit_profile(app.screen)
        await pilot.pause()
        await pilot.press("backspace", "tab")  # no name (focus selects it all), an e-mail
        await paste(pilot, "ada@example.org")
        await pilot.press("ctrl+q")
        asked = current_screen(app)
        assert isinstance(asked, ChoiceModal)  # Save wants a name: asked, not dropped
        assert "Your name is needed" in asked.body
        assert app.return_code is None
        await pilot.press("s")  # save it as it is
        assert app.return_code == 0
    assert config_profile(app) == {"email": "ada@example.org"}


async def test_ctrl_q_on_a_new_request_makes_it_or_asks_and_escape_asks(
    sessions_dir: Path,
) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        start = current_screen(app)
        navigation.new_request(app.screen, organisation="Acme")
        await pilot.pause()
        await pilot.press("escape")  # prefilled only: nothing typed
        assert current_screen(app) is start
        navigation.new_request(app.screen)
        await pilot.pause()
        assert isinstance(current_screen(app), RequestForm)
        await pilot.press(*"Ben")
        await pilot.press("escape")
        assert isinstance(current_screen(app), ChoiceModal)
        await pilot.press("d")  # dropped, as asked
        assert current_screen(app) is start

        navigation.new_request(app.screen)
        await pilot.pause()
        await pilot.press("tab", "tab")
        await paste(pilot, "Lumen Labs")  # the organisation, and no name
        await pilot.press("ctrl+q")
        asked = current_screen(app)
        assert isinstance(asked, ChoiceModal)
        assert "A name is needed" in asked.body
        assert app.return_code is None
        await pilot.press("s")  # to a text file, then quit
        assert app.return_code == 0
    [text] = rescued_texts()
    assert "Organisation: Lumen Labs" in text
    assert "A name is needed" in text
    assert requests_on_disk(sessions_dir) == []

    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.new_request(app.screen, organisation="Acme")
        await pilot.pause()
        await paste(pilot, "Ben Okoro")
        await pilot.press("ctrl+q")
        assert app.return_code == 0
    [made] = requests_on_disk(sessions_dir)
    assert made.person.name == "Ben Okoro"
    assert made.person.organisation == "Acme"
    assert made.state is SessionState.REQUESTED
    assert made.request is not None


async def test_a_refused_organisation_stays_open_until_saved_and_ctrl_q_saves_it(
    sessions_dir: Path,
) -> None:
    save_organisations(sessions_dir, [Target("Harbour Health", 1)])
    path = organisations_path(sessions_dir)
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_screen.action_organisations()
        for _ in range(200):
            screen = current_screen(app)
            if isinstance(screen, OrganisationsScreen) and screen.loaded:
                break
            await pilot.pause(0.02)
        await pilot.press("n")
        form = current_screen(app)
        assert isinstance(form, OrganisationForm)
        await paste(pilot, "Orbit")
        form.query_one("#org-notes", Input).value = "met them at the fair"
        # Added meanwhile elsewhere: the form's own check did not know it.
        save_organisations(sessions_dir, [Target("Harbour Health", 1), Target("Orbit Ltd", 3)])
        await pilot.press("ctrl+s")
        assert current_screen(app) is form  # open, with all of it
        error = form.query_one("#org-save-error", Static)
        assert "Orbit Ltd is in the list already" in str(error.render())
        assert form.query_one("#org-notes", Input).value == "met them at the fair"

        form.query_one("#org-name", Input).value = "Quay Systems"
        broken = b"schema_version = 1\n[[organisation]]\nmotivation = 9\n"
        path.write_bytes(broken)  # broken meanwhile, in an editor
        await pilot.press("ctrl+s")
        assert current_screen(app) is form
        assert "cannot be used" in str(error.render())
        assert path.read_bytes() == broken  # never written over

        path.unlink()  # mended: the editor's change undone
        save_organisations(sessions_dir, [Target("Harbour Health", 1)])
        await pilot.press("ctrl+q")  # saved as Save saves it, then quit
        assert app.return_code == 0
    saved = {t.name: t for t in load_organisations(sessions_dir)}
    assert set(saved) == {"Harbour Health", "Quay Systems"}
    assert saved["Quay Systems"].notes == "met them at the fair"


async def test_ctrl_q_during_a_call_adds_the_referral_typed_then_asks_about_the_call(
    sessions_dir: Path,
) -> None:
    session = Session(
        person=Person(name="Ana Ruiz", organisation="Contoso"),
        questions=Bank(builtin_questions()).defaults(),
    )
    handle = SessionStore(sessions_dir).create(session)
    app = IISessionApp(Workspace(resolve_folders(str(sessions_dir)), ManualClock()), handle)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", "f4")  # the call is live; a new referral
        assert isinstance(current_screen(app), ReferralForm)
        await paste(pilot, "Priya Natarajan")
        await pilot.press("ctrl+q")
        asked = current_screen(app)
        assert isinstance(asked, ChoiceModal)  # the call's own question comes next
        assert asked.title_text == "The call is live"
        on_disk = read_session(handle.path).session.referrals
        assert [r.name for r in on_disk] == ["Priya Natarajan"]  # before it is answered
        await pilot.press("k")  # keep it open to resume
        assert app.return_code == 0
    saved = read_session(handle.path).session
    assert [r.name for r in saved.referrals] == ["Priya Natarajan"]


# --- a real process, a real signal ---------------------------------------------------

CTRL_P = "\x10"


@pytest.fixture
def profile_form(sessions_dir: Path) -> Iterator[PtyApp]:
    app = PtyApp(sessions_dir, "Form Test")
    try:
        app.wait_for("starts the clock")
        app.write(CTRL_P)
        app.wait_for("Search for commands")
        app.write("Your profile")
        app.wait_for("Who your drafts are from")
        app.write("\r")
        app.wait_for("Esc later")
        yield app
    finally:
        app.kill()


def test_a_closed_terminal_writes_the_profile_typed(
    profile_form: PtyApp, sessions_dir: Path
) -> None:
    profile_form.write("Ada Lovelace")
    profile_form.wait_for("Lovelace")
    profile_form.signal(signal.SIGHUP)
    assert profile_form.wait_exit(timeout=4.0) is not None
    config = resolve_folders(str(sessions_dir)).config / CONFIG_FILE
    assert tomllib.loads(config.read_text("utf-8"))["profile"] == {"name": "Ada Lovelace"}


def test_sigterm_writes_what_will_not_save_to_a_text_file_and_says_where(
    profile_form: PtyApp, sessions_dir: Path
) -> None:
    config = resolve_folders(str(sessions_dir)).config / CONFIG_FILE
    config.parent.mkdir(parents=True, exist_ok=True)
    broken = b"[profile\nname = 'x'\n"
    config.write_bytes(broken)  # not TOML: the profile cannot go in it
    profile_form.write("Ada Lovelace")
    profile_form.wait_for("Lovelace")
    profile_form.signal(signal.SIGTERM)
    assert profile_form.wait_exit(timeout=4.0) is not None
    assert config.read_bytes() == broken
    [text] = rescued_texts()
    assert "Your name: Ada Lovelace" in text
    said = bytes(profile_form.output).decode(errors="replace")
    assert "NOT BE SAVED" in said
