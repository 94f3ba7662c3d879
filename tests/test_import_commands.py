"""`import connections`, `import vcard`, `known` and `new --from-ics`: the user's
network and calendar invites brought in from the sample files, through the
command line (a few real processes, the rest through ``main``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from iisession.cli import main
from iisession.core.model import Person, Request, Session, SessionState
from iisession.core.people import load_network, network_path
from iisession.core.store import SessionStore, read_session

DATA = Path(__file__).resolve().parent / "data"
IMPORTS = DATA / "imports"
INVITES = DATA / "invites"
UID = "5q3k9c0v2m8b1n7h4j6g0f2d1s@google.com"
ME = "clara.whitfield@example.com"
PROFILE = f'[profile]\nname = "Clara Whitfield"\nemail = "{ME}"\n'


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The XDG folders are the test's own (conftest), and reach the child this way.
    return subprocess.run(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(folder), *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def cli(folder: Path, *args: str) -> int:
    return main(["--sessions-dir", str(folder), *args])


def sessions(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.toml"))


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    config = tmp_path / "xdg" / "xdg_config_home" / "iisession" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(PROFILE, encoding="utf-8")
    return config


@pytest.fixture
def network(sessions_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A sessions folder whose network is the connections export."""
    assert cli(sessions_dir, "import", "connections", str(IMPORTS / "connections.csv")) == 0
    capsys.readouterr()
    return network_path(sessions_dir)


# --- import ---------------------------------------------------------------------


def test_import_the_export_then_a_later_one(
    sessions_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(sessions_dir, "import", "connections", str(IMPORTS / "connections.csv"))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Added 7, updated 0, unchanged 0 (from connections.csv)\n")
    assert "  added: Zoë Ó Briain, José Álvarez, Nguyễn Thị Hà" in first.stdout
    path = network_path(sessions_dir)
    assert f"kept on this computer only, in {path} (nothing is sent anywhere)" in first.stdout
    # The row with no name, named with its line; everyone else taken.
    assert (
        first.stderr
        == "iisession import connections: left out line 12: no name (Stealth Startup)\n"
    )
    assert len(load_network(sessions_dir)) == 7

    # A month on: Zoë has a new title and Ana Lúcia is a new connection.
    assert cli(sessions_dir, "import", "connections", str(IMPORTS / "connections-later.csv")) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[:3] == [
        "Added 1, updated 1, unchanged 6 (from connections-later.csv)",
        "  added: Ana Lúcia Ferreira",
        "  updated: Zoë Ó Briain",
    ]
    assert "Your network: 8 people" in out
    people = {p.name: p for p in load_network(sessions_dir)}
    assert len(people) == 8
    assert people["Zoë Ó Briain"].title == "Director of Data, Clinical Research"
    assert people["Ana Lúcia Ferreira"].organisation == "Banco Atlântico"

    # The same file again changes nothing, down to the bytes.
    before = path.read_bytes()
    assert cli(sessions_dir, "import", "connections", str(IMPORTS / "connections-later.csv")) == 0
    assert path.read_bytes() == before


def test_cards_merge_into_the_export(
    sessions_dir: Path, network: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(sessions_dir, "import", "vcard", str(IMPORTS / "contacts.vcf")) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Added 3, updated 2, unchanged 0 (from contacts.vcf)\n")
    assert "  updated: José Álvarez, Kwame Mensah" in out
    # A card with no name and an organisation's card are named, not taken.
    assert "left out card 7 (line 83): no name (recruitment@northwind.example)" in err
    assert "left out card 8 (line 88): Harbour Health, an organisation rather than a person" in err
    people = {p.name: p for p in load_network(sessions_dir)}
    assert len(people) == 10
    # Known by the export's e-mail: the card's nickname does not make a second José.
    jose = people["José Álvarez"]
    assert (jose.phone, jose.source, jose.organisation) == (
        "+34 600 123 456",
        "connections",
        "Clínica Norte S.L.",
    )
    kwame = people["Kwame Mensah"]
    assert (kwame.email, kwame.phone) == ("kwame.mensah@volta.example", "+233 24 555 0147")
    assert kwame.title == "Operations Manager, West Africa"  # the export's, not the card's


@pytest.mark.parametrize(
    ("kind", "name", "says"),
    [
        ("connections", "profile-photo.png", "it is a PNG image"),
        ("connections", "google-contacts.csv", "no header row with the columns First Name"),
        ("vcard", "no-card.vcf", "it is a calendar (BEGIN:VCALENDAR)"),
        ("vcard", "cut-short.vcf", "the file ends inside card 2"),
        ("vcard", "", "is a folder"),
    ],
)
def test_a_bad_file_exits_2_and_leaves_the_network_as_it_was(
    sessions_dir: Path,
    network: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    name: str,
    says: str,
) -> None:
    before = network.read_bytes()
    assert cli(sessions_dir, "import", kind, str(IMPORTS / name)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"iisession import {kind}: ")
    assert says in err
    assert network.read_bytes() == before


def test_a_file_of_nameless_cards_imports_nothing(
    sessions_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cards = tmp_path / "nameless.vcf"
    cards.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:x@example.org\r\nEND:VCARD\r\n")
    assert cli(sessions_dir, "import", "vcard", str(cards)) == 2
    err = capsys.readouterr().err
    assert "left out card 1 (line 1): no name (x@example.org)" in err
    assert "no one in it has a name, so nothing was imported" in err
    assert not network_path(sessions_dir).exists()


def test_a_network_file_it_cannot_read_is_never_overwritten(
    sessions_dir: Path, network: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    network.write_text("schema_version = 1\n[[person]]\nname = 'Ann'\nshoe = 9\n", "utf-8")
    before = network.read_bytes()
    assert cli(sessions_dir, "import", "vcard", str(IMPORTS / "contacts.vcf")) == 2
    err = capsys.readouterr().err
    assert "has unknown keys: shoe; fix it, or move it away, and import again" in err
    assert network.read_bytes() == before


# --- known ----------------------------------------------------------------------


def test_known_matches_the_organisation_loosely(
    sessions_dir: Path, network: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Someone met there already, from the sessions.
    met = Session(person=Person(name="Ana Lima", organisation="Harbour Health"))
    met.state = SessionState.ENDED
    SessionStore(sessions_dir).create(met).close()

    assert cli(sessions_dir, "known", "the harbour health ltd") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "You know 2 people at the harbour health ltd:"
    assert "  Tomás Ó Murchú (Research Nurse Part-time lecturer at HARBOUR HEALTH LTD.)" in lines
    assert "  Zoë Ó Briain (Head of Data, Clinical Research at Harbour Health)" in lines
    assert "    https://www.linkedin.com/in/zoe-o-briain-4b1a2c" in lines
    assert (
        "From your sessions at the harbour health ltd: Ana Lima "
        "(1 found, 1 asked, 0 waiting, 1 met)." in lines
    )
    assert lines[-1] == f"Your network: {network}"

    # Each command, run as printed, records the request to them.
    command = next(line for line in lines if "ask" in line and "Zoë" in line)
    words = shlex.split(command)
    assert words[:4] == ["iisession", "--sessions-dir", str(sessions_dir), "ask"]
    assert words[4:] == [
        "Zoë Ó Briain",
        "--org",
        "Harbour Health",
        "--title",
        "Head of Data, Clinical Research",
        "--contact",
        "https://www.linkedin.com/in/zoe-o-briain-4b1a2c",
        "--how-found",
        "we are connected",
    ]
    assert main(words[1:]) == 0
    out = capsys.readouterr().out
    assert "Dear Zoë,\n\nWe are connected." in out


def test_known_as_json_and_for_nobody(
    sessions_dir: Path, network: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    assert cli(sessions_dir, "known", "Volta Logistics Inc.", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["file"] == str(network)
    assert data["sessions"] is None
    (kwame,) = data["people"]
    assert (kwame["name"], kwame["title"], kwame["in_sessions"]) == (
        "Kwame Mensah",
        "Operations Manager, West Africa",
        False,
    )
    assert kwame["ask"].startswith("iisession --sessions-dir ")
    assert cli(sessions_dir, "known", "Northwind") == 0
    assert capsys.readouterr().out.startswith("Nobody you know at Northwind yet.\n")


def test_known_with_no_network_says_how_to_import_one(
    sessions_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(sessions_dir, "known", "Harbour Health") == 0
    out = capsys.readouterr().out
    assert out.startswith("Nobody you know at Harbour Health yet.\n")
    assert (
        "No network yet: import your connections export with `iisession import connections" in out
    )
    assert not sessions_dir.exists()


# --- new --from-ics -------------------------------------------------------------


def test_an_invite_makes_a_session_and_its_update_updates_it(
    sessions_dir: Path, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = run(sessions_dir, "new", "--from-ics", str(INVITES / "google-invite.ics"), "--no-open")
    assert done.returncode == 0, done.stderr
    (path,) = sessions(sessions_dir)
    assert done.stdout.splitlines()[0] == f"Saved as {path.name}"
    assert "  link     https://meet.google.com/xkp-wqrt-bnm" in done.stdout
    session = read_session(path).session
    assert session.invite_uid == UID
    assert session.state is SessionState.PLANNED
    assert session.planned_at == dt.datetime(2026, 6, 18, 13, 0, tzinfo=dt.UTC)  # 14:00 London
    assert session.limit_minutes == 30
    assert (session.person.name, session.person.contact) == (
        "Zoë Ó Briain",
        "zoe.obriain@example.ie",
    )
    assert session.preparation.research == "Meeting link: https://meet.google.com/xkp-wqrt-bnm"
    assert session.questions  # the bank's default set

    # Notes typed since are kept through the update.
    handle = SessionStore(sessions_dir).open(path)
    handle.session.preparation.research += "\nRead the team's blog post."
    handle.session.person.title = "Head of Data"
    handle.save()
    handle.close()

    assert (
        cli(
            sessions_dir,
            "new",
            "--from-ics",
            str(INVITES / "google-invite-updated.ics"),
            "--no-open",
        )
        == 0
    )
    out = capsys.readouterr().out
    (moved,) = sessions(sessions_dir)  # the same session, renamed for its new time
    assert out.startswith(f"Updated {moved.name}, made from this invite before: planned ")
    assert "limit 30 -> 45 minutes" in out
    updated = read_session(moved).session
    assert updated.id == session.id
    assert updated.planned_at == dt.datetime(2026, 6, 19, 15, 30, tzinfo=dt.UTC)
    assert updated.limit_minutes == 45
    assert updated.person.title == "Head of Data"
    assert updated.preparation.research == (
        "Meeting link: https://meet.google.com/xkp-wqrt-bnm\nRead the team's blog post."
    )

    # Once more: nothing to change, and nothing written.
    before = moved.read_bytes()
    assert (
        cli(
            sessions_dir,
            "new",
            "--from-ics",
            str(INVITES / "google-invite-updated.ics"),
            "--no-open",
        )
        == 0
    )
    assert "is up to date: nothing changed" in capsys.readouterr().out
    assert moved.read_bytes() == before


def from_ics(folder: Path, name: str | Path, *flags: str) -> int:
    invite = name if isinstance(name, Path) else INVITES / name
    return cli(folder, "new", "--from-ics", str(invite), "--no-open", *flags)


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("two-events.ics", "this calendar file has 2 events: export just the one for the call"),
        ("no-event.ics", "this calendar file has no event"),
        ("not-a-calendar.ics", "this is a web page, not a calendar invite"),
        ("all-day.ics", "the event is all day, with no start time"),
        ("nowhere.ics", "there is no such file"),
    ],
)
def test_an_invite_that_gives_no_call_exits_2_and_writes_nothing(
    sessions_dir: Path, capsys: pytest.CaptureFixture[str], name: str, says: str
) -> None:
    assert from_ics(sessions_dir, name) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"iisession new: {INVITES / name}: {says}")
    assert not sessions_dir.exists()


def test_without_a_terminal_the_form_is_refused_and_nothing_written(
    sessions_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not sys.stdin.isatty()  # under pytest, as in a pipe
    assert cli(sessions_dir, "new", "--from-ics", str(INVITES / "google-invite.ics")) == 2
    assert "the full-screen app needs an interactive terminal" in capsys.readouterr().err
    assert not sessions_dir.exists()


def test_a_cancelled_invite_changes_nothing(
    sessions_dir: Path, profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert from_ics(sessions_dir, "google-invite.ics") == 0
    (path,) = sessions(sessions_dir)
    before = path.read_bytes()
    cancel = tmp_path / "cancel.ics"
    data = (INVITES / "google-invite-updated.ics").read_bytes()
    cancel.write_bytes(data.replace(b"METHOD:REQUEST", b"METHOD:CANCEL"))
    capsys.readouterr()
    assert from_ics(sessions_dir, cancel) == 0
    out = capsys.readouterr().out
    assert out.startswith("This invite cancels the call (Informational chat: Zoë Ó Briain")
    assert f"nothing changed. Its session, {path.name}, is left as it is" in out
    assert sessions(sessions_dir) == [path]
    assert path.read_bytes() == before


def test_the_flags_win_and_a_length_out_of_range_keeps_the_default(
    sessions_dir: Path, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert from_ics(sessions_dir, "long-4h.ics", "--org", "Studio Adébáyọ̀") == 0
    err = capsys.readouterr().err
    assert err == (
        "iisession new: the invite is 4 hours long, but the limit must be 5 to 180 minutes "
        "(most calls are 30 to 60); the limit is 30 minutes\n"
    )
    assert from_ics(sessions_dir, "short-15.ics", "--name", "Jürgen W.", "--limit", "20") == 0
    assert capsys.readouterr().err == ""  # the limit given: the invite's note is beside the point
    by_name = {s.person.name: s for s in (read_session(p).session for p in sessions(sessions_dir))}
    ngozi, jurgen = by_name["Ngozi Adébáyọ̀"], by_name["Jürgen W."]
    assert (ngozi.limit_minutes, ngozi.person.organisation) == (30, "Studio Adébáyọ̀")
    assert (jurgen.limit_minutes, jurgen.person.contact) == (20, "juergen.weiss@example.de")
    assert jurgen.invite_uid == "8C1F3E7A-4B2D-4F6A-9E1C-3D5B7A9F2E40"


def test_the_person_is_the_other_party_not_the_user(
    sessions_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # No profile: the organiser, who is the user, is all it can go by, and it says so.
    other = tmp_path / "other"
    assert from_ics(other, "outlook-invite.ics") == 0
    err = capsys.readouterr().err
    assert "the call is taken to be with the organiser, Whitfield, Clara; if that is you" in err
    config = tmp_path / "xdg" / "xdg_config_home" / "iisession" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(PROFILE, encoding="utf-8")
    assert from_ics(sessions_dir, "outlook-invite.ics") == 0
    assert capsys.readouterr().err == ""
    (path,) = sessions(sessions_dir)
    person = read_session(path).session.person
    assert (person.name, person.contact) == (
        "Rhys Llewellyn",
        "rhys.llewellyn@harbourhealth.example",
    )


def test_an_update_to_a_held_call_or_a_request(
    sessions_dir: Path, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = SessionStore(sessions_dir)
    held = Session(person=Person(name="Zoë Ó Briain"), invite_uid=UID, state=SessionState.ENDED)
    handle = store.create(held)
    handle.close()
    before = handle.path.read_bytes()
    assert from_ics(sessions_dir, "google-invite-updated.ics") == 0
    assert "was held already: an updated invite changes nothing in it" in capsys.readouterr().out
    assert handle.path.read_bytes() == before

    # A request that the invite answers: agreed, and the planned call.
    handle.path.unlink()
    asked = dataclasses.replace(
        held, state=SessionState.REQUESTED, request=Request(subject="A chat")
    )
    store.create(asked).close()
    assert from_ics(sessions_dir, "google-invite-updated.ics") == 0
    assert "agreed: now the planned call" in capsys.readouterr().out
    (path,) = sessions(sessions_dir)
    session = read_session(path).session
    assert session.state is SessionState.PLANNED
    assert session.request is not None
    assert session.request.reply.value == "agreed"
    assert session.planned_at == dt.datetime(2026, 6, 19, 15, 30, tzinfo=dt.UTC)


async def test_an_invite_opened_on_a_terminal_lands_on_its_setup_form(tmp_path: Path) -> None:
    from iisession.cli import _app_on_setup
    from iisession.core.clock import ManualClock
    from iisession.core.invite import read_invite_file
    from iisession.core.paths import resolve_folders
    from iisession.core.workspace import Workspace
    from iisession.tui.screens.setup import SetupScreen

    workspace = Workspace(resolve_folders(str(tmp_path / "sessions")), ManualClock())
    invite = read_invite_file(INVITES / "google-invite.ics")
    session, existing = workspace.from_invite(invite)
    assert existing is None
    handle = workspace.create(session)
    app = _app_on_setup(workspace, handle)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.session.invite_uid == invite.uid
        assert app.screen.session.person.name == session.person.name
