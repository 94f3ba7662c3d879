"""The views after the call (follow-ups, requests to referrals, the network, answers
compared), driven by Pilot over real session files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import icalendar
import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Markdown, OptionList, Static, TextArea, Tree

from iisession.core.clock import ManualClock
from iisession.core.compare import answers_markdown, collect
from iisession.core.model import MayMention, Reply, Request, SessionState
from iisession.core.paths import resolve_folders
from iisession.core.profile import Profile
from iisession.core.store import SessionStore, read_session
from iisession.core.workspace import Workspace
from iisession.tui import navigation
from iisession.tui.app import IISessionApp
from iisession.tui.screens.compare import CompareScreen
from iisession.tui.screens.detail import DetailScreen
from iisession.tui.screens.folder_view import FolderView
from iisession.tui.screens.follow_ups import FollowUpsScreen
from iisession.tui.screens.network import NetworkScreen
from iisession.tui.screens.prompts import ChoiceModal, ListChooser, TextPrompt
from iisession.tui.screens.request import RequestScreen
from iisession.tui.screens.setup import SetupScreen
from iisession.tui.screens.thank_you import ThankYouScreen
from tests.pilot_helpers import type_text

EXAMPLES = Path(__file__).resolve().parent.parent / "sessions"
OWEN = "2026-11-04-1200-owen-pritchard.toml"
INES = "2026-10-21-1430-ines-halvorsen.toml"
SUNNIVA = "2026-11-18-1700-sunniva-hart.toml"
THEO = "2026-12-03-1730-theo-marchetti.toml"
MARISOL = "2026-10-08-1600-marisol-vance.toml"

S = TypeVar("S", bound=Screen[Any])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


def make_app(folder: Path) -> IISessionApp:
    workspace = Workspace(resolve_folders(str(folder)), ManualClock())
    workspace.profile = Profile(name="Clara Whitfield")  # no profile form over the drafts
    return IISessionApp(workspace, offer_resume=False)


async def shown(app: IISessionApp, pilot: Pilot[None], kind: type[S]) -> S:
    """Wait until a screen of ``kind`` is up (and, for a view, has read the folder)."""
    for _ in range(300):
        screen = app.screen
        if isinstance(screen, kind) and (not isinstance(screen, FolderView) or screen.loaded):
            await pilot.pause()
            return screen
        await pilot.pause(0.02)
    raise AssertionError(f"{kind.__name__} never came up: {app.screen}")


async def reloaded(pilot: Pilot[None], view: FolderView, before: int) -> None:
    """Wait until ``view`` has been filled again since generation ``before``."""
    for _ in range(300):
        if view.generation > before:
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"{type(view).__name__} was not read again")


def status(screen: Screen[None]) -> str:
    return str(screen.query_one("#view-status", Static).render())


def titles(screen: FollowUpsScreen) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(table.get_row_at(n)[2]) for n in range(table.row_count)]


async def to_row(pilot: Pilot[None], screen: FollowUpsScreen, words: str) -> None:
    """Move the cursor to the row whose title starts with ``words``."""
    table = screen.query_one(DataTable)
    target = next(n for n, title in enumerate(titles(screen)) if title.startswith(words))
    table.move_cursor(row=target)
    await pilot.pause()


# --- follow-ups ------------------------------------------------------------------------


async def test_follow_ups_list_what_is_due_and_each_is_done_from_the_list(
    folder: Path, tmp_path: Path
) -> None:
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("f")
        screen = await shown(app, pilot, FollowUpsScreen)
        table = screen.query_one(DataTable)
        rows = titles(screen)
        assert "Send a thank-you to Sunniva Hart" in rows
        assert "Contact Amara Nwosu (suggested by Ines Halvorsen)" in rows
        assert "Confirm the call with Theo Marchetti" in rows
        assert not any("Nadia" in r for r in rows)  # confirmed already
        flags = {str(table.get_row_at(n)[2]): str(table.get_row_at(n)[1]) for n in range(len(rows))}
        # The app's clock says 20 November: Sunniva's call was on the 18th.
        assert flags["Send a thank-you to Sunniva Hart"] == "OVERDUE"
        assert flags["Confirm the call with Theo Marchetti"] == ""  # due 1 December
        assert "overdue" in status(screen)

        # The thank-you: Enter opens the note.
        await to_row(pilot, screen, "Send a thank-you to Sunniva")
        await pilot.press("enter")
        await shown(app, pilot, ThankYouScreen)
        await pilot.press("escape")
        screen = await shown(app, pilot, FollowUpsScreen)

        # A referral: Enter opens the request to them; F5 then s records it sent.
        await to_row(pilot, screen, "Contact Amara Nwosu")
        before = screen.generation
        await pilot.press("enter")
        request = await shown(app, pilot, RequestScreen)
        assert request.handle.session.person.name == "Amara Nwosu"
        await pilot.press("f5")
        await shown(app, pilot, ChoiceModal)
        await pilot.press("s")
        await pilot.pause(0.1)
        assert "Waiting since" in str(request.query_one("#draft-status", Static).render())
        await pilot.press("escape")
        screen = await shown(app, pilot, FollowUpsScreen)
        await reloaded(pilot, screen, before)  # something was saved: read again
        assert not any(r.startswith("Contact Amara") for r in titles(screen))
        amara = next(r for r in read_session(folder / INES).session.referrals if "Amara" in r.name)
        asked = read_session(request.handle.path).session
        assert amara.session_id == asked.id
        assert asked.request is not None
        assert asked.request.sent_at == app.workspace.clock.wall()

        # A call to confirm: Enter, then c.
        await to_row(pilot, screen, "Confirm the call with Theo")
        await pilot.press("enter")
        await shown(app, pilot, ChoiceModal)
        await pilot.press("c")
        await pilot.pause(0.5)
        assert read_session(folder / THEO).session.confirmed_at is not None
        assert not any("Theo" in r for r in titles(screen))

        # Keeping in touch: everything (a), then Enter and t.
        await pilot.press("a")
        await to_row(pilot, screen, "Keep in touch with Marisol")
        contacted = read_session(folder / MARISOL).session.follow_up.last_contact
        await pilot.press("enter")
        await shown(app, pilot, ChoiceModal)
        await pilot.press("t")
        await pilot.pause(0.5)
        after = read_session(folder / MARISOL).session.follow_up.last_contact
        assert after is not None
        assert contacted is None or after > contacted

        # o opens the session of the highlighted item.
        await to_row(pilot, screen, "Send a thank-you to Sunniva")
        await pilot.press("o")
        detail = await shown(app, pilot, DetailScreen)
        assert detail.path.name == SUNNIVA
        await pilot.press("escape")
        screen = await shown(app, pilot, FollowUpsScreen)

        # x writes every item as a calendar a real parser reads.
        await pilot.press("x")
        prompt = await shown(app, pilot, TextPrompt)
        prompt.query_one(Input).value = str(tmp_path / "due.ics")
        await pilot.press("enter")
        await pilot.pause(0.2)
        calendar = icalendar.Calendar.from_ical((tmp_path / "due.ics").read_bytes())
        summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
        assert summaries == {item.title for item in screen.items}
        assert "Send a thank-you to Sunniva Hart" in summaries


async def test_a_calendar_that_cannot_be_written_is_reported(folder: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_screen.action_follow_ups()
        screen = await shown(app, pilot, FollowUpsScreen)
        await pilot.press("x")
        prompt = await shown(app, pilot, TextPrompt)
        prompt.query_one(Input).value = str(blocked / "due.ics")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is screen
        [note] = [n for n in app._notifications if "cannot be written" in n.message]
        assert note.severity == "error"


async def test_nothing_due_says_so(tmp_path: Path) -> None:
    app = make_app(tmp_path / "empty")
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_screen.action_follow_ups()
        screen = await shown(app, pilot, FollowUpsScreen)
        assert screen.query_one(DataTable).row_count == 0
        assert status(screen).startswith("Nothing due")
        await pilot.press("enter", "o")  # nothing highlighted: nothing happens, no error
        assert app.screen is screen


# --- outreach ---------------------------------------------------------------------------


async def choose_referral(app: IISessionApp, pilot: Pilot[None], name: str) -> None:
    chooser = await shown(app, pilot, ListChooser)
    labels = [label for label, _ in chooser.choices]
    target = next(n for n, label in enumerate(labels) if label.startswith(name))
    for _ in range(target):
        await pilot.press("down")
    await pilot.press("enter")


async def test_outreach_drafts_send_and_the_edited_text_is_kept(
    folder: Path, tmp_path: Path
) -> None:
    app = make_app(folder)
    opened: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_detail(app.screen, folder / OWEN)
        await shown(app, pilot, DetailScreen)
        await pilot.press("o")
        await choose_referral(app, pilot, "Harriet Oyelaran")
        screen = await shown(app, pilot, RequestScreen)
        heading = str(screen.query_one("#draft-to", Static).render())
        assert "To: Harriet Oyelaran" in heading
        assert "suggested by Owen Pritchard" in heading
        area = screen.query_one(TextArea)
        # Owen said he may be named: the request says who suggested the call.
        assert area.text.startswith("Dear Harriet,")
        assert "Owen Pritchard" in area.text
        assert "not asking about jobs" in area.text
        assert "30 minutes" in area.text
        await pilot.press("f3")
        [link] = opened
        assert "subject=Owen%20Pritchard%20suggested%20I%20get%20in%20touch" in link
        area.move_cursor(area.document.end)
        await type_text(pilot, "Clara")
        await pilot.press("f4")
        prompt = await shown(app, pilot, TextPrompt)
        prompt.query_one(Input).value = str(tmp_path / "request.txt")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert (tmp_path / "request.txt").read_text(encoding="utf-8") == area.text
        await pilot.press("escape")
        await shown(app, pilot, DetailScreen)
        saved = read_session(screen.handle.path).session.request
        assert saved is not None
        assert saved.text.rstrip().endswith("Clara")
        assert saved.sent_at is None  # writing it is not sending it
        # Opened again: the edited text, not a fresh draft.
        await pilot.press("o")
        await choose_referral(app, pilot, "Harriet Oyelaran")
        again = await shown(app, pilot, RequestScreen)
        assert again.handle.path == screen.handle.path
        assert again.query_one(TextArea).text.rstrip().endswith("Clara")


async def test_a_referrer_not_to_be_named_is_left_out(folder: Path) -> None:
    app = make_app(folder)
    opened: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        source = read_session(folder / SUNNIVA).session
        joanna = next(r for r in source.referrals if r.name == "Joanna Pike")
        assert joanna.may_mention is MayMention.NOT_ASKED
        navigation.open_outreach(app.screen, folder / SUNNIVA, joanna.id)
        screen = await shown(app, pilot, RequestScreen)
        text = screen.query_one(TextArea).text
        assert "Sunniva" not in text
        assert "not asking about jobs" in text
        await pilot.press("f3")
        assert "Sunniva" not in opened[0]
        assert "suggested" not in opened[0]
        # Not to be named: nor by the check on the connection.
        connection = next(c for c in screen.checks if c.label == "Names the connection first")
        assert "Sunniva" not in connection.detail
        # Every step, in turn, is recorded with its time; w takes the last one back.
        now = app.workspace.clock.wall()
        steps: tuple[tuple[str, Callable[[Request], bool]], ...] = (
            ("s", lambda r: r.sent_at == now and r.reply is Reply.WAITING),
            ("f", lambda r: r.followed_up_at == now),
            ("d", lambda r: r.reply is Reply.DECLINED and r.replied_at == now),
            ("w", lambda r: r.reply is Reply.WAITING and r.replied_at is None),
            ("n", lambda r: r.reply is Reply.NO_REPLY),
        )
        for key, holds in steps:
            await pilot.press("f5")
            await shown(app, pilot, ChoiceModal)
            await pilot.press(key)
            await pilot.pause(0.1)
            saved = read_session(screen.handle.path).session.request
            assert saved is not None
            assert holds(saved), key
        # The referral is linked to its request, which keeps where it stands.
        referral = next(
            r for r in read_session(folder / SUNNIVA).session.referrals if r.id == joanna.id
        )
        assert referral.session_id == screen.handle.session.id
        assert referral.draft == ""


async def test_outreach_on_a_session_open_elsewhere_is_refused_with_the_reason(
    folder: Path,
) -> None:
    elsewhere = SessionStore(folder).open(folder / SUNNIVA)  # holds the session's lock
    try:
        app = make_app(folder)
        async with app.run_test(size=(80, 24)) as pilot:
            joanna = elsewhere.session.referrals[0]
            navigation.open_outreach(app.screen, folder / SUNNIVA, joanna.id)
            await pilot.pause(0.2)
            assert not isinstance(app.screen, RequestScreen)
            assert any(n.title == "Read only" for n in app._notifications)
            navigation.open_outreach(app.screen, folder / OWEN, "no-such-referral")
            await pilot.pause(0.1)
            assert not isinstance(app.screen, RequestScreen)
            assert any("no longer in the session" in n.message for n in app._notifications)
    finally:
        elsewhere.close()


# --- the network ---------------------------------------------------------------------------


async def move_to(pilot: Pilot[None], screen: NetworkScreen, name: str) -> None:
    tree = screen.query_one(Tree)
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and node.data is not None and node.data.name == name:
            tree.cursor_line = line
            await pilot.pause()
            return
    raise AssertionError(f"{name} is not in the tree")


async def test_the_network_shows_who_led_to_whom_and_acts_on_each_person(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("w")
        screen = await shown(app, pilot, NetworkScreen)
        tree = screen.query_one(Tree)
        # Whoever passed Marisol on is in the tree too, above her.
        tom = next(n for n in tree.root.children if n.data and n.data.name == "Tom Achterberg")
        assert "referred you" in str(tom.label)
        marisol = next(n for n in tom.children if n.data and n.data.name == "Marisol Vance")
        ines = next(n for n in marisol.children if n.data and n.data.name == "Ines Halvorsen")
        assert [c.data.name for c in ines.children if c.data] == [
            "Tobias Ferreira",
            "Amara Nwosu",
        ]
        assert "met" in str(ines.label)
        assert status(screen).startswith(
            "People met: 4. Asked, waiting for a reply: 2. Referrals waiting to be contacted: 3."
        )

        # Someone suggested and not met: Enter opens the request to them.
        await move_to(pilot, screen, "Harriet Oyelaran")
        before = screen.generation
        await pilot.press("enter")
        request = await shown(app, pilot, RequestScreen)
        assert request.handle.session.person.name == "Harriet Oyelaran"
        await pilot.press("f5")
        await shown(app, pilot, ChoiceModal)
        await pilot.press("s")
        await pilot.pause(0.1)
        await pilot.press("escape")
        screen = await shown(app, pilot, NetworkScreen)
        await reloaded(pilot, screen, before)
        # Harriet is asked now: waiting for her reply, no longer a referral to contact.
        assert status(screen).startswith(
            "People met: 4. Asked, waiting for a reply: 3. Referrals waiting to be contacted: 2."
        )

        # A dialog opened and closed, nothing saved: not read again.
        before = screen.generation
        await pilot.press("ctrl+p")  # the command palette: a screen over this one
        await pilot.pause(0.2)
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert app.screen is screen
        assert screen.generation == before

        # Someone met, with people under them: Enter opens the call, and leaves the
        # branch as it was (Space folds it).
        await move_to(pilot, screen, "Ines Halvorsen")
        branch = screen.query_one(Tree).cursor_node
        assert branch is not None
        assert branch.is_expanded
        await pilot.press("enter")
        await shown(app, pilot, DetailScreen)
        await pilot.press("escape")
        screen = await shown(app, pilot, NetworkScreen)
        assert branch.is_expanded
        await pilot.press("space")
        assert branch.is_collapsed

        # Someone with a call planned: Enter opens that session.
        await move_to(pilot, screen, "Nadia Petrakis")
        await pilot.press("enter")
        detail = await shown(app, pilot, DetailScreen)
        assert "nadia" in detail.path.name
        await pilot.press("escape")
        screen = await shown(app, pilot, NetworkScreen)

        # n sets up a call with someone suggested, linked to the referral.
        await move_to(pilot, screen, "Joanna Pike")
        await pilot.press("n")
        setup = await shown(app, pilot, SetupScreen)
        assert setup.query_one("#name", Input).value == "Joanna Pike"
        assert setup.session.source_session == read_session(folder / SUNNIVA).session.id


# --- answers across interviews -----------------------------------------------------------------


async def test_answers_compared_across_interviews_and_exported(
    folder: Path, tmp_path: Path
) -> None:
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("a")
        screen = await shown(app, pilot, CompareScreen)
        questions = screen.query_one(OptionList)
        labels = [
            str(questions.get_option_at_index(n).prompt) for n in range(questions.option_count)
        ]
        assert labels[0].startswith("Overview")
        assert "The job and day-to-day" in labels
        assert "  2x  What does a typical week look like for you?" in labels
        # The overview first: per topic, most asked first, and never asked.
        overview = screen.query_one(Markdown).source
        assert overview.startswith("# Questions across interviews")
        assert "Never asked yet" in overview

        # One question: every answer, with who, where and when.
        await pilot.press("down")
        await pilot.pause(0.2)
        typical = screen.query_one(Markdown).source
        sessions = [(p.name, read_session(p).session) for p in sorted(folder.glob("*.toml"))]
        assert typical == answers_markdown(collect(sessions)["day.typical-week"])
        assert "Owen Pritchard" in typical

        # Filter by words; Escape clears it.
        await pilot.press("slash")
        await type_text(pilot, "decisions")
        shown_now = [
            str(questions.get_option_at_index(n).prompt) for n in range(questions.option_count)
        ]
        assert all("decisions" in label.casefold() for label in shown_now if "  " in label)
        assert any("decisions" in label for label in shown_now)
        await pilot.press("enter")  # back to the list
        assert screen.focused is questions
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert questions.option_count == len(labels)

        # Export what is shown.
        questions.highlighted = labels.index("  2x  What does a typical week look like for you?")
        await pilot.pause(0.1)
        await pilot.press("x")
        prompt = await shown(app, pilot, TextPrompt)
        assert prompt.query_one(Input).value.endswith(".md")
        prompt.query_one(Input).value = str(tmp_path / "week.md")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert (tmp_path / "week.md").read_text(encoding="utf-8") == typical


async def test_many_own_questions_list_the_first_and_the_filter_finds_the_rest(
    tmp_path: Path,
) -> None:
    import datetime as dt

    from iisession.core.model import EventKind, Person, Question, Session, TimelineEvent
    from iisession.tui.screens.compare import OVERVIEW_MOST, SHOWN_QUESTIONS

    at = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)
    many = SHOWN_QUESTIONS + 30
    call = Session(
        person=Person(name="Ana Lima"),
        state=SessionState.ENDED,
        created=at,
        planned_at=at,
        questions=[
            Question(text=f"Own question {i:03d}?", topic="own", asked_at=at) for i in range(many)
        ],
        timeline=[
            TimelineEvent(EventKind.STARTED, at),
            TimelineEvent(EventKind.ENDED, at + dt.timedelta(minutes=30)),
        ],
    )
    SessionStore(tmp_path / "sessions").create(call).close()
    app = make_app(tmp_path / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_screen.action_compare()
        screen = await shown(app, pilot, CompareScreen)
        questions = screen.query_one(OptionList)

        def labels() -> list[str]:
            return [
                str(questions.get_option_at_index(n).prompt) for n in range(questions.option_count)
            ]

        own = [label for label in labels() if label.startswith("  1x  Own question")]
        assert len(own) == SHOWN_QUESTIONS  # the first of them, in order
        assert own[-1] == f"  1x  Own question {SHOWN_QUESTIONS - 1:03d}?"
        assert "   …  30 more: / filters" in labels()
        overview = screen.query_one(Markdown).source
        assert f"Own question {OVERVIEW_MOST - 1:03d}?" in overview
        assert f"Own question {OVERVIEW_MOST:03d}?" not in overview
        assert f"- … and {many - OVERVIEW_MOST} more (the export lists them all)" in overview

        # The export of the overview lists every question.
        await pilot.press("x")
        prompt = await shown(app, pilot, TextPrompt)
        prompt.query_one(Input).value = str(tmp_path / "questions.md")
        await pilot.press("enter")
        await pilot.pause(0.2)
        written = (tmp_path / "questions.md").read_text(encoding="utf-8")
        assert f"- Own question {many - 1:03d}?: asked in 1 call" in written

        # The filter looks through them all.
        await pilot.press("slash")
        await type_text(pilot, f"{many - 1}")
        assert [label for label in labels() if "Own question" in label] == [
            f"  1x  Own question {many - 1:03d}?"
        ]


async def test_no_calls_yet_compare_and_network_say_so(tmp_path: Path) -> None:
    app = make_app(tmp_path / "empty")
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_screen.action_compare()
        screen = await shown(app, pilot, CompareScreen)
        assert status(screen).startswith("No calls held yet")
        await pilot.press("escape")
        app.start_screen.action_network()
        network = await shown(app, pilot, NetworkScreen)
        assert status(network).startswith("No one yet")
        await pilot.press("enter", "o", "n")
        assert app.screen is network


# --- odd input ---------------------------------------------------------------------------------


async def test_a_conflict_copy_is_listed_beside_its_session(folder: Path) -> None:
    sunniva = folder / SUNNIVA
    shutil.copy(sunniva, folder / "2026-11-18-1700-sunniva-hart.conflict-20261119-100000.toml")
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_screen.action_follow_ups()
        screen = await shown(app, pilot, FollowUpsScreen)
        rows = titles(screen)
        assert rows.count("Send a thank-you to Sunniva Hart") == 2  # the same id, two files
        assert "could not be read" not in status(screen)


async def test_an_export_path_with_an_unknown_user_is_refused_not_fatal(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_screen.action_compare()
        screen = await shown(app, pilot, CompareScreen)
        await pilot.press("x")
        prompt = await shown(app, pilot, TextPrompt)
        # A slip for ~/Desktop: like a shell, "~Desktop" is not expanded.
        prompt.query_one(Input).value = "~Desktop/questions.md"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is screen
        assert any("cannot be written" in n.message for n in app._notifications)
        (tmp_path / "~Desktop").mkdir()
        await pilot.press("x")
        prompt = await shown(app, pilot, TextPrompt)
        prompt.query_one(Input).value = "~Desktop/questions.md"
        await pilot.press("enter")
        await pilot.pause(0.2)
        written = (tmp_path / "~Desktop" / "questions.md").read_text(encoding="utf-8")
        assert written.startswith("# Questions across interviews")


async def test_a_request_that_cannot_be_saved_stays_on_screen(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iisession.core.store import SaveError, SessionFile

    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        joanna = read_session(folder / SUNNIVA).session.referrals[0]
        navigation.open_outreach(app.screen, folder / SUNNIVA, joanna.id)
        screen = await shown(app, pilot, RequestScreen)
        area = screen.query_one(TextArea)
        area.move_cursor(area.document.end)
        await type_text(pilot, "PS")

        def failing(self: SessionFile, now: object = None) -> None:
            raise SaveError(self.path, "the disk is full")

        monkeypatch.setattr(SessionFile, "save", failing)
        await pilot.press("f5")
        await shown(app, pilot, ChoiceModal)
        await pilot.press("s")
        await pilot.pause(0.1)
        # Not saved, so not shown as done.
        assert screen.request.sent_at is None
        assert "To ask: not sent yet" in str(screen.query_one("#draft-status", Static).render())
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert app.screen is screen  # the text is still here to copy or write out
        assert any("Not saved" in (n.title or "") for n in app._notifications)
        monkeypatch.undo()
        await pilot.press("escape")  # saves now, and leaves
        await pilot.pause(0.2)
        assert app.screen is not screen
    saved = read_session(screen.handle.path).session
    assert saved.state is SessionState.REQUESTED
    assert saved.request is not None
    assert saved.request.text.rstrip().endswith("PS")
    assert saved.request.sent_at is None


async def test_hand_edited_question_ids_never_pass_for_other_lines(folder: Path) -> None:
    marisol = folder / MARISOL
    text = marisol.read_text(encoding="utf-8")
    text = text.replace("bank_id = 'day.typical-week'", "bank_id = 'never:x'", 1)
    text = text.replace("bank_id = 'path.getting-in'", "bank_id = 'overview'", 1)
    marisol.write_text(text, encoding="utf-8")
    assert "'never:x'" in text
    assert "'overview'" in text
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_screen.action_compare()
        screen = await shown(app, pilot, CompareScreen)
        questions = screen.query_one(OptionList)
        for n in range(questions.option_count):
            if not questions.get_option_at_index(n).disabled:
                questions.highlighted = n
                await pilot.pause()
                assert screen.markdown.startswith("# ")
        assert screen.query_one(Markdown).source.startswith("# ")
