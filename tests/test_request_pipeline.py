"""One pipeline from "found" to "met", through the workspace on a real folder:
requests written and agreed, the one-at-a-time warning, requests to referrals,
what falls due in business days, the who-led-to-whom tree, and the profile in
the config file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from iisession.core import network
from iisession.core.clock import ManualClock
from iisession.core.model import MayMention, Person, Reply, Request, Session, SessionState
from iisession.core.paths import CONFIG_FILE, config_dir, resolve_folders
from iisession.core.profile import Profile, ProfileError
from iisession.core.requests import Stage, stage_of
from iisession.core.store import read_session
from iisession.core.todo import Due, DueKind, due_items
from iisession.core.workspace import Workspace
from tests.factories import make_session

LONDON = ZoneInfo("Europe/London")
HOLIDAY = dt.date(2026, 11, 4)  # a Wednesday off, in the config file
SENT = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), LONDON)


@pytest.fixture(autouse=True)
def london(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The system's zone is London: file names and the one-at-a-time warning use it."""
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at("2026-11-02", 9, 30))  # a Monday morning


def config_file() -> Path:
    return config_dir() / CONFIG_FILE


def workspace_of(sessions_dir: Path, clock: ManualClock) -> Workspace:
    return Workspace(resolve_folders(str(sessions_dir)), clock)


@pytest.fixture
def workspace(sessions_dir: Path, clock: ManualClock) -> Workspace:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"[follow_up]\nholidays = [{HOLIDAY.isoformat()}]\n", encoding="utf-8")
    ws = workspace_of(sessions_dir, clock)
    assert ws.settings.holidays == {HOLIDAY}
    return ws


def ana() -> Person:
    return Person(
        name="Ana Lima",
        title="UX Researcher",
        organisation="Acme Inc.",
        how_found="the alumni directory",
        contact="ana@example.org",
    )


def asked(
    ws: Workspace, person: Person, sent_at: dt.datetime | None = None, **changes: object
) -> Path:
    """A request written to the folder (not held); ``changes`` to its request."""
    session = ws.new_request(person, sent_at=sent_at)
    assert session.request is not None
    for key, value in changes.items():
        setattr(session.request, key, value)
    handle = ws.create(session)
    ws.release(handle)
    return handle.path


def written(ws: Workspace, session: Session) -> Path:
    handle = ws.create(session)
    ws.release(handle)
    return handle.path


def due(ws: Workspace) -> list[Due]:
    sessions = ws.read_sessions().sessions
    return due_items(sessions, holidays=ws.settings.holidays, tz=LONDON)


def by_kind(items: list[Due], kind: DueKind) -> list[Due]:
    return [item for item in items if item.kind is kind]


# --- a request on disk, and agreed -------------------------------------------------


def test_a_new_request_is_written_as_requested_with_its_request_table(
    workspace: Workspace,
) -> None:
    workspace.profile = Profile(name="Sam Reyes", email="sam@example.org")
    session = workspace.new_request(ana(), limit_minutes=20, sent_at=at("2026-11-02", 10))
    handle = workspace.create(session)
    workspace.release(handle)
    text = handle.path.read_text(encoding="utf-8")
    assert "\nstate = 'requested'\n" in text
    assert "\n[request]\n" in text
    assert "\nreply = 'waiting'\n" in text
    assert "sent_at = 2026-11-02T10:00:00Z" in text
    assert handle.path.name == "2026-11-02-0930-ana-lima.toml"  # made on Monday at 09:30
    back = read_session(handle.path).session
    assert back.state is SessionState.REQUESTED
    assert back.request is not None
    assert back.request.subject == "A short conversation about your work at Acme Inc."
    assert back.request.text.startswith("Dear Ana,\n\nI found you through the alumni directory.")
    assert back.request.text.endswith("With thanks,\nSam Reyes\nsam@example.org\n")
    assert back.limit_minutes == 20
    assert back.questions  # the bank's defaults come with it: nothing to add once agreed
    assert back.person == ana()


def test_agreed_it_becomes_the_planned_call_keeping_its_history(
    workspace: Workspace, clock: ManualClock
) -> None:
    path = asked(workspace, ana(), sent_at=at("2026-11-02", 10))
    before = read_session(path).session
    clock.advance(2 * 86400)  # the reply comes on Wednesday
    handle = workspace.open_writable(path)
    planned = at("2026-11-24", 14)
    moved = workspace.agree(handle, planned)
    workspace.release(handle)
    assert moved is not None
    assert moved.name == "2026-11-24-1400-ana-lima.toml"
    assert not path.exists()
    assert [p.name for p in workspace.sessions_dir.glob("*.toml")] == [moved.name]
    after = read_session(moved).session
    assert after.state is SessionState.PLANNED
    assert after.planned_at == planned
    assert after.request is not None
    assert before.request is not None
    assert after.request.sent_at == at("2026-11-02", 10)
    assert after.request.reply is Reply.AGREED
    assert after.request.replied_at == clock.wall()
    assert after.request.text == before.request.text
    # Nothing about the person retyped, nothing lost.
    assert after.id == before.id
    assert after.person == before.person
    assert after.limit_minutes == before.limit_minutes
    assert [q.text for q in after.questions] == [q.text for q in before.questions]
    # The folder's summary follows the rename.
    [summary] = workspace.read_folder().summaries
    assert summary.file == moved.name
    # Planned: no request steps are due, the confirmation is.
    assert [item.kind for item in due(workspace)] == [DueKind.CONFIRM]


def test_agreed_without_a_time_yet(workspace: Workspace) -> None:
    path = asked(workspace, ana(), sent_at=at("2026-11-02", 10))
    handle = workspace.open_writable(path)
    assert workspace.agree(handle, None) is None  # no time: the name still fits
    workspace.release(handle)
    after = read_session(path).session
    assert after.state is SessionState.PLANNED
    assert after.planned_at is None
    assert after.request is not None
    assert after.request.reply is Reply.AGREED


# --- one request at a time per organisation ----------------------------------------


def test_a_second_person_at_the_organisation_gets_a_warning_for_three_business_days(
    workspace: Workspace, clock: ManualClock
) -> None:
    path = asked(workspace, ana(), sent_at=at("2026-11-02", 10))
    first = read_session(path).session.id
    sessions = [s for _, s in workspace.read_sessions().sessions]

    def waiting(organisation: str, other_than: str = "") -> str | None:
        found = workspace.waiting_at(organisation, sessions, other_than=other_than)
        return None if found is None else found.id

    assert waiting("ACME") == first  # "Acme Inc." and "ACME" match
    assert waiting("the Acme company") == first
    found = workspace.requests_at("Acme, Inc")
    assert found is not None
    assert found.id == first
    assert waiting("Acme", other_than=first) is None  # the same request
    assert waiting("Acme Health") is None
    assert waiting("") is None
    # Monday, Tuesday, (Wednesday off), Thursday: warned until Friday morning.
    for day, warned in [("2026-11-05", True), ("2026-11-06", False), ("2026-11-09", False)]:
        clock.jump_wall((at(day, 8) - clock.wall()).total_seconds())
        assert (workspace.requests_at("ACME") is not None) is warned, day


def test_no_warning_for_a_declined_request_one_not_sent_or_a_practice_run(
    workspace: Workspace,
) -> None:
    asked(workspace, ana(), sent_at=at("2026-11-02", 9), reply=Reply.DECLINED)
    asked(workspace, dataclasses.replace(ana(), name="Ben Ode"))  # drafted, not sent
    assert workspace.requests_at("ACME") is None
    practice = workspace.new_request(dataclasses.replace(ana(), name="Cleo Park"))
    assert practice.request is not None
    practice.request.sent_at = at("2026-11-02", 9)
    practice.practice = True
    assert workspace.waiting_at("ACME", [practice]) is None
    followed = workspace.new_request(ana(), sent_at=at("2026-11-02", 9))
    assert followed.request is not None
    followed.request.followed_up_at = at("2026-11-02", 9)
    assert workspace.waiting_at("ACME", [followed]) == followed  # still waiting for a reply


# --- requests to referrals -------------------------------------------------------


def test_asking_a_referral_links_both_ways_and_a_second_call_gives_the_same_file(
    workspace: Workspace,
) -> None:
    source = make_session(name="Ben Ode")
    source.referrals[0].name = "Dana Fox"
    source.referrals[1].name = "Eli Grant"
    source.referrals[1].may_mention = MayMention.NO
    source_path = written(workspace, source)
    referral = source.referrals[0]

    handle = workspace.ask_referral(source_path, referral.id)
    request = handle.session
    workspace.release(handle)
    assert request.state is SessionState.REQUESTED
    assert request.source_session == source.id
    assert request.source_referral == referral.id
    assert request.person.name == "Dana Fox"
    assert request.person.organisation == "Contoso Clinics"
    assert request.person.title == "Analytics Manager"
    assert request.person.referred_by == "Ben Ode"
    assert request.person.contact == referral.contact
    assert request.request is not None
    assert request.request.subject == "Ben Ode suggested I get in touch"
    assert request.request.text.startswith("Dear Dana,\n\nBen Ode suggested I get in touch")
    [linked] = [r for r in read_session(source_path).session.referrals if r.id == referral.id]
    assert linked.session_id == request.id
    assert read_session(handle.path).session.id == request.id

    again = workspace.ask_referral(source_path, referral.id)
    workspace.release(again)
    assert again.path == handle.path
    assert len(list(workspace.sessions_dir.glob("*.toml"))) == 2

    # The link in the source lost (a save that failed, an edit elsewhere): the
    # request's own link back still finds it.
    def unlink(session: Session) -> str:
        session.referrals[0].session_id = ""
        return "unlinked"

    workspace.update(source_path, unlink)
    third = workspace.ask_referral(source_path, referral.id)
    workspace.release(third)
    assert third.path == handle.path
    assert len(list(workspace.sessions_dir.glob("*.toml"))) == 2

    # A referrer the user may not name is not named in the request.
    quiet = workspace.ask_referral(source_path, source.referrals[1].id)
    workspace.release(quiet)
    assert quiet.session.request is not None
    assert "Ben" not in quiet.session.request.text + quiet.session.request.subject


# --- what falls due ---------------------------------------------------------------


def test_send_then_ask_next_then_follow_up_then_no_reply(
    workspace: Workspace, clock: ManualClock
) -> None:
    ana_path = asked(workspace, ana(), sent_at=at("2026-11-02", 10))
    clock.advance(600)
    ben_path = asked(workspace, dataclasses.replace(ana(), name="Ben Ode", organisation="ACME"))

    items = due(workspace)
    [send] = by_kind(items, DueKind.SEND_REQUEST)
    # One at a time: not before Ana's request has had its three business days.
    assert (send.file, send.title) == (
        ben_path.name,
        "Send the request to Ben Ode (once Ana Lima has had time)",
    )
    assert send.due == at("2026-11-06", 9)  # Wednesday is a day off here
    [ask_next] = by_kind(items, DueKind.ASK_NEXT)
    assert ask_next.file == ana_path.name
    assert ask_next.next_file == ben_path.name
    assert ask_next.next_referral == ""
    assert ask_next.title == "No reply from Ana Lima yet: ask Ben Ode at Acme Inc. next"
    assert ask_next.due == at("2026-11-06", 9)  # three business days, Wednesday off
    [follow_up] = by_kind(items, DueKind.FOLLOW_UP)
    assert follow_up.due == at("2026-11-12", 9)  # seven business days
    assert follow_up.title == "Follow up once with Ana Lima (asked Mon 2 Nov)"
    assert by_kind(items, DueKind.NO_REPLY) == []
    assert [i.kind for i in items] == [DueKind.ASK_NEXT, DueKind.SEND_REQUEST, DueKind.FOLLOW_UP]

    # Ana followed up on the day it fell due: then seven more business days.
    def followed_up(session: Session) -> str:
        assert session.request is not None
        session.request.followed_up_at = at("2026-11-12", 10)
        return "followed up"

    workspace.update(ana_path, followed_up)
    items = [i for i in due(workspace) if i.file == ana_path.name]
    assert [(i.kind, i.due) for i in items] == [(DueKind.NO_REPLY, at("2026-11-23", 9))]
    assert items[0].title == (
        "No reply from Ana Lima since the follow-up: mark it no reply, move on"
    )

    # Marked no reply: nothing more for Ana.
    def no_reply(session: Session) -> str:
        assert session.request is not None
        session.request.reply = Reply.NO_REPLY
        return "given up"

    workspace.update(ana_path, no_reply)
    assert [i.file for i in due(workspace)] == [ben_path.name]


def test_ask_next_only_for_the_latest_request_and_only_with_someone_left_to_ask(
    workspace: Workspace,
) -> None:
    asked(workspace, ana(), sent_at=at("2026-11-02", 10))
    assert by_kind(due(workspace), DueKind.ASK_NEXT) == []  # nobody else at Acme
    ben_path = asked(
        workspace, dataclasses.replace(ana(), name="Ben Ode"), sent_at=at("2026-11-03", 10)
    )
    assert by_kind(due(workspace), DueKind.ASK_NEXT) == []  # both asked
    cleo_path = asked(workspace, dataclasses.replace(ana(), name="Cleo Park", organisation="acme"))
    [ask_next] = by_kind(due(workspace), DueKind.ASK_NEXT)
    # Only from the latest request there: Ben's, asked after Ana.
    assert (ask_next.file, ask_next.next_file) == (ben_path.name, cleo_path.name)
    assert ask_next.due == at("2026-11-09", 9)
    # Someone suggested in a call, at the same organisation, is someone to ask too.
    source = make_session(name="Gil Moreau")
    source.referrals[0].name = "Dev Rao"
    source.referrals[0].organisation = "ACME Inc"
    source.referrals = source.referrals[:1]
    source_path = written(workspace, source)
    items = by_kind(due(workspace), DueKind.ASK_NEXT)
    assert [(i.next_file, i.next_referral) for i in items] == [(cleo_path.name, "")]

    def decline_cleo(session: Session) -> str:
        assert session.request is not None
        session.request.reply = Reply.DECLINED
        return "declined"

    workspace.update(cleo_path, decline_cleo)
    [ask_next] = by_kind(due(workspace), DueKind.ASK_NEXT)
    assert (ask_next.next_file, ask_next.next_referral) == (
        source_path.name,
        source.referrals[0].id,
    )
    assert ask_next.title == "No reply from Ben Ode yet: ask Dev Rao at Acme Inc. next"


def test_tell_the_referrer_after_meeting_the_person_they_suggested(
    workspace: Workspace,
) -> None:
    ben = make_session(name="Ben Ode")
    ben.person = dataclasses.replace(ben.person, referred_by="")
    ben.follow_up.thank_you_sent = ben.ended_at
    ben.referrals = ben.referrals[:1]
    ben.referrals[0].name = "Dana Fox"
    written(workspace, ben)
    dana = make_session(name="Dana Fox")
    dana.person = dataclasses.replace(dana.person, referred_by="Ben Ode")
    dana.follow_up.thank_you_sent = dana.ended_at
    dana.source_session, dana.source_referral = ben.id, ben.referrals[0].id
    dana.referrals = []
    dana_path = written(workspace, dana)
    items = by_kind(due(workspace), DueKind.TELL_REFERRER)
    assert [(i.file, i.title) for i in items] == [(dana_path.name, "Tell Ben Ode you met Dana Fox")]
    assert dana.ended_at is not None
    assert items[0].due == dana.ended_at + dt.timedelta(days=2)
    # Referred by someone the user has no session with: named from the person.
    eli = make_session(name="Eli Grant")
    eli.person = dataclasses.replace(eli.person, referred_by="Prof. Okafor")
    eli.referrals = []
    eli_path = written(workspace, eli)
    titles = {i.file: i.title for i in by_kind(due(workspace), DueKind.TELL_REFERRER)}
    assert titles[eli_path.name] == "Tell Prof. Okafor you met Eli Grant"
    # Told: the item is gone, and the note says so.
    assert workspace.mark_referrer_told(dana_path) == (
        "Noted: you told Ben Ode that you met Dana Fox."
    )
    told = read_session(dana_path).session.follow_up.referrer_told
    assert told is not None
    titles = {i.file: i.title for i in by_kind(due(workspace), DueKind.TELL_REFERRER)}
    assert dana_path.name not in titles
    assert eli_path.name in titles


def test_a_requested_file_written_by_hand_without_a_request_table_is_to_send() -> None:
    session = Session(person=Person(name="Ana Lima"), state=SessionState.REQUESTED)
    assert stage_of(session) is Stage.TO_ASK
    [item] = due_items([("a.toml", session)])
    assert (item.kind, item.title) == (DueKind.SEND_REQUEST, "Send the request to Ana Lima")


@pytest.mark.parametrize(
    ("state", "the_request", "stage"),
    [
        (SessionState.REQUESTED, Request(), Stage.TO_ASK),
        (SessionState.REQUESTED, Request(sent_at=SENT), Stage.WAITING),
        (SessionState.REQUESTED, Request(sent_at=SENT, followed_up_at=SENT), Stage.FOLLOWED_UP),
        (SessionState.REQUESTED, Request(sent_at=SENT, reply=Reply.DECLINED), Stage.DECLINED),
        (SessionState.REQUESTED, Request(sent_at=SENT, reply=Reply.NO_REPLY), Stage.NO_REPLY),
        (SessionState.REQUESTED, Request(reply=Reply.AGREED), Stage.AGREED),  # said yes by phone
        (SessionState.REQUESTED, Request(reply=Reply.DECLINED), Stage.DECLINED),
        (SessionState.PLANNED, Request(sent_at=SENT, reply=Reply.AGREED), Stage.AGREED),
        (SessionState.PLANNED, None, Stage.AGREED),
        (SessionState.LIVE, None, Stage.MET),
        (SessionState.ENDED, Request(sent_at=SENT, reply=Reply.AGREED), Stage.MET),
    ],
)
def test_the_stage_of_a_contact(
    state: SessionState, the_request: Request | None, stage: Stage
) -> None:
    assert stage_of(Session(person=Person(name="Ana"), state=state, request=the_request)) is stage


# --- the network ------------------------------------------------------------------


def test_the_tree_shows_people_asked_and_whoever_referred_the_first_contact(
    workspace: Workspace,
) -> None:
    ben = make_session(name="Ben Ode")  # referred to the user by Prof. Okafor
    ben.referrals[0].name = "Ana Lima"
    ben.referrals[1].name = "Cleo Park"
    ben_path = written(workspace, ben)
    handle = workspace.ask_referral(ben_path, ben.referrals[0].id)
    assert handle.session.request is not None
    handle.session.request.sent_at = at("2026-11-02", 10)
    handle.save()
    workspace.release(handle)
    asked(workspace, Person(name="Dev Rao", organisation="Lanternpay"))
    asked(
        workspace,
        Person(name="Fay Moss", organisation="Lanternpay"),
        sent_at=at("2026-11-02", 9),
        reply=Reply.DECLINED,
    )
    tree = network.as_text(network.build(workspace.read_sessions().sessions))
    assert tree == (
        "Dev Rao (Lanternpay): to ask\n"
        "Fay Moss (Lanternpay): declined\n"
        "Prof. Okafor: referred you\n"
        "└─ Ben Ode (Senior Data Analyst, Northwind Health): met\n"
        "   ├─ Ana Lima (Analytics Manager, Contoso Clinics): asked, waiting\n"
        "   └─ Cleo Park (Analytics Manager, Contoso Clinics): to contact\n"
        "\n"
        "People met: 1. Asked, waiting for a reply: 1. Referrals waiting to be contacted: 1.\n"
    )


def test_someone_who_referred_the_user_and_was_suggested_in_a_call_shows_the_outreach() -> None:
    ben = make_session(name="Ben Ode")  # referred by Prof. Okafor
    gil = make_session(name="Gil Moreau")
    gil.person = dataclasses.replace(gil.person, referred_by="")
    gil.referrals = gil.referrals[:1]
    gil.referrals[0].name = "prof.  okafor"  # the same person, typed another way
    built = network.build([("b.toml", ben), ("g.toml", gil)])
    [okafor] = [c for c in built.contacts if c.name.casefold().startswith("prof")]
    assert okafor.status == "to contact"
    assert okafor.referred == ["Ben Ode"]
    assert okafor.referred_by == "Gil Moreau"
    assert network.as_text(built).splitlines()[:3] == [
        "Gil Moreau (Senior Data Analyst, Northwind Health): met",
        "└─ Prof. Okafor (Analytics Manager, Contoso Clinics): to contact",
        "   └─ Ben Ode (Senior Data Analyst, Northwind Health): met",
    ]


# --- the profile in the config file ---------------------------------------------------

CONFIG = """\
# My iisession settings: keep this comment.
sessions_dir = "~/Notes/calls"   # where the calls live

[live]
# warn at these minutes
warnings = [5, 1]

[follow_up]
keep_in_touch_weeks = 10
"""

SAM = Profile(
    name="Sam Reyes",
    email="sam@example.org",
    introduction="a data analyst moving into user research",
    signature="Sam Reyes\nsam@example.org",
)


def test_save_profile_keeps_the_rest_of_the_config_file(
    sessions_dir: Path, clock: ManualClock
) -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG, encoding="utf-8")
    ws = workspace_of(sessions_dir, clock)
    assert ws.config_file == path
    ws.save_profile(SAM)
    text = path.read_text(encoding="utf-8")
    assert text == CONFIG + (
        "\n[profile]\n"
        'name = "Sam Reyes"\n'
        'email = "sam@example.org"\n'
        'introduction = "a data analyst moving into user research"\n'
        'signature = """Sam Reyes\nsam@example.org"""\n'
    )
    assert ws.profile == SAM
    assert workspace_of(sessions_dir, clock).profile == SAM
    # Changed again, in place: its comment and the keys around it stay.
    path.write_text(text.replace('name = "Sam Reyes"', 'name = "Sam"  # short'), "utf-8")
    ws.save_profile(dataclasses.replace(SAM, name="Sam R.", email=""))
    again = path.read_text(encoding="utf-8")
    assert again.startswith(CONFIG)
    assert 'name = "Sam R."  # short\n' in again
    assert "email" not in again.split("[profile]")[1]
    # The same profile again: the file is not written.
    stamp = path.stat().st_mtime_ns
    ws.save_profile(dataclasses.replace(SAM, name="Sam R.", email=""))
    assert path.stat().st_mtime_ns == stamp


def test_save_profile_creates_the_config_file(sessions_dir: Path, clock: ManualClock) -> None:
    ws = workspace_of(sessions_dir, clock)
    assert not ws.config_file.exists()
    ws.save_profile(Profile(name="  Sam   Reyes ", introduction="🦊 محمد"))
    assert ws.config_file.read_text(encoding="utf-8") == (
        '[profile]\nname = "Sam Reyes"\nintroduction = "🦊 محمد"\n'
    )
    assert ws.profile == Profile(name="Sam Reyes", introduction="🦊 محمد")


@pytest.mark.parametrize(
    "broken",
    [
        'sessions_dir = "~/calls\n[live]\n',  # an unclosed string
        'profile = "x"\n',
        "[[profile]]\nname = 'a'\n",
        "\ufeffname = 1\n",
    ],
)
def test_save_profile_refuses_a_file_it_cannot_edit_and_changes_nothing(
    sessions_dir: Path, clock: ManualClock, broken: str
) -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(broken, encoding="utf-8")
    ws = workspace_of(sessions_dir, clock)
    before = ws.profile
    assert before == Profile()
    if broken.startswith(("profile", "[[profile")):
        assert "config: `profile` should be a table ([profile]); not used" in ws.settings_warnings
    with pytest.raises(ProfileError) as caught:
        ws.save_profile(SAM)
    assert str(path) in str(caught.value)
    assert path.read_text(encoding="utf-8") == broken
    assert ws.profile == before


def test_a_long_signature_round_trips(sessions_dir: Path, clock: ManualClock) -> None:
    ws = workspace_of(sessions_dir, clock)
    signature = ("x" * 1999) + " \n" + "tail"  # cut at 2000 characters, then trimmed
    ws.save_profile(Profile(name="Sam", signature=signature))
    assert ws.profile.signature == "x" * 1999
    assert workspace_of(sessions_dir, clock).profile == ws.profile
    tricky = 'Sam """quoted"""\nback\\slash\ttab'
    ws.save_profile(Profile(name="Sam", signature=tricky))
    assert workspace_of(sessions_dir, clock).profile.signature == tricky


# --- what an older version recorded, and calls set up with people asked ------------------


def test_outreach_recorded_by_an_older_version_becomes_the_requests_history(
    workspace: Workspace,
) -> None:
    from iisession.core.model import Outreach

    source = make_session(name="Ben Ode")
    source.referrals[0].name = "Dana Fox"
    source.referrals[0].outreach = Outreach.CONTACTED
    source.referrals[0].outreach_updated = at("2026-11-02", 11)
    source.referrals[1].name = "Eli Grant"
    source.referrals[1].outreach = Outreach.DECLINED
    source.referrals[1].outreach_updated = at("2026-11-03", 15)
    source_path = written(workspace, source)

    dana = workspace.ask_referral(source_path, source.referrals[0].id)
    workspace.release(dana)
    assert dana.session.request is not None
    assert dana.session.request.sent_at == at("2026-11-02", 11)
    assert stage_of(read_session(dana.path).session) is Stage.WAITING
    # Its follow-ups count from the day it was contacted, not from today.
    [follow_up] = [i for i in due(workspace) if i.kind is DueKind.FOLLOW_UP]
    assert follow_up.due == at("2026-11-12", 9)  # seven business days, Wednesday 4th off

    eli = workspace.ask_referral(source_path, source.referrals[1].id)
    workspace.release(eli)
    assert stage_of(read_session(eli.path).session) is Stage.DECLINED
    assert not [i for i in due(workspace) if i.file == eli.path.name]


def test_only_a_request_can_be_agreed(workspace: Workspace) -> None:
    from iisession.core.workspace import NotApplicable

    path = asked(workspace, ana(), sent_at=at("2026-11-02", 10))
    handle = workspace.open_writable(path)
    moved = workspace.agree(handle, at("2026-11-20", 14)) or path
    before = moved.read_bytes()
    with pytest.raises(NotApplicable):
        workspace.agree(handle, at("2027-01-05", 9))
    workspace.release(handle)
    assert moved.read_bytes() == before  # the planned call kept its time and history


def test_setting_up_a_call_with_a_referral_already_asked_uses_that_request(
    workspace: Workspace,
) -> None:
    source = make_session(name="Ben Ode")
    source.referrals[0].name = "Dana Fox"
    source_path = written(workspace, source)
    asked_first = workspace.ask_referral(source_path, source.referrals[0].id)
    workspace.release(asked_first)

    made = workspace.from_referral(source_path, source.referrals[0].id)
    assert made.existing is not None
    assert made.session.state is SessionState.PLANNED  # they agreed: the call to plan
    assert made.session.request is not None
    assert made.session.request.reply is Reply.AGREED
    assert len(list(workspace.sessions_dir.glob("*.toml"))) == 2  # no second session
    assert read_session(made.existing).session.id == asked_first.session.id


def test_save_profile_writes_through_a_linked_config_file(
    sessions_dir: Path, clock: ManualClock, tmp_path: Path
) -> None:
    ws = workspace_of(sessions_dir, clock)
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "iisession.toml"
    real.write_text("# mine\n[live]\nbell = true\n", encoding="utf-8")
    ws.config_file.parent.mkdir(parents=True, exist_ok=True)
    ws.config_file.symlink_to(real)
    ws.save_profile(Profile(name="Sam Reyes"))
    assert ws.config_file.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("# mine\n[live]\nbell = true\n")
    assert 'name = "Sam Reyes"' in real.read_text(encoding="utf-8")
