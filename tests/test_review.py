"""The review, detail and search screens, driven by Pilot over real session files."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, OptionList, Static, TextArea

from iisession.core import index as index_module
from iisession.core import index_reading
from iisession.core.clock import ManualClock
from iisession.core.codec import dumps
from iisession.core.index import SessionIndex
from iisession.core.model import EventKind, SessionState, TimelineEvent, utc_now
from iisession.core.paths import resolve_folders
from iisession.core.profile import Profile
from iisession.core.store import SessionStore, read_session
from iisession.core.workspace import Workspace
from iisession.tui import navigation
from iisession.tui.app import IISessionApp
from iisession.tui.screens.detail import DetailScreen
from iisession.tui.screens.live import LiveScreen
from iisession.tui.screens.prompts import ChoiceModal, MessageModal
from iisession.tui.screens.review import ReviewScreen
from iisession.tui.screens.search import SearchScreen
from iisession.tui.screens.start import StartScreen
from iisession.tui.widgets.session_table import SessionTable
from tests.factories import make_session
from tests.pilot_helpers import current_screen, focused, type_text

EXAMPLES = Path(__file__).resolve().parent.parent / "sessions"
OWEN = "2026-11-04-1200-owen-pritchard.toml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


def make_app(folder: Path, *, review: bool = True) -> IISessionApp:
    workspace = Workspace(resolve_folders(str(folder)), ManualClock())
    workspace.profile = Profile(name="Clara Whitfield")  # no profile form over the drafts
    return IISessionApp(workspace, review=review)


async def review_screen(app: IISessionApp, pilot: Pilot[None]) -> ReviewScreen:
    for _ in range(200):
        screen = app.screen
        if isinstance(screen, ReviewScreen) and screen.loaded:
            await pilot.pause()
            return screen
        await pilot.pause(0.02)
    raise AssertionError(f"the review screen never finished loading: {app.screen}")


def people(screen: ReviewScreen) -> list[str]:
    return [row.person for row in screen.query_one(SessionTable).rows]


def status(screen: ReviewScreen) -> str:
    return str(screen.query_one("#review-status", Static).render())


def document(app: IISessionApp) -> str:
    assert isinstance(app.screen, DetailScreen), app.screen
    return app.screen.query_one(Markdown).source


async def test_review_lists_every_session_newest_first(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await review_screen(app, pilot)
        table = screen.query_one(SessionTable)
        assert people(screen) == [
            "Theo Marchetti",
            "Lucy Brennan",
            "Nadia Petrakis",
            "Priya Natarajan",
            "Sunniva Hart",
            "Owen Pritchard",
            "Ines Halvorsen",
            "Marisol Vance",
        ]
        assert status(screen) == "8 sessions · s sorts, e edits"
        # What a person sees: the heading and the rows, with every column.
        heading = table.heading(78)
        for label in ("Date ▼", "Person", "Organisation", "Length", "Asked", "Ref", "State"):
            assert label in heading
        owen = table.render_line(6).text
        assert owen.startswith("2026-11-04 Owen Pritchard")
        assert "30:50 / 30" in owen
        assert "9/11" in owen
        assert "ended" in owen


async def test_sort_by_each_column_and_reverse(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await review_screen(app, pilot)
        await pilot.press("s")  # person, A-Z
        assert people(screen) == sorted(people(screen))
        assert people(screen)[0] == "Ines Halvorsen"
        await pilot.press("S")
        assert people(screen)[0] == "Theo Marchetti"
        await pilot.press("s", "s")  # organisation, then length (longest first)
        table = screen.query_one(SessionTable)
        lengths = [row.length_seconds for row in table.rows]
        assert lengths == sorted(lengths, reverse=True)
        assert table.sort_column == "length"
        for _ in range(4):  # asked, referrals, state, and round to the date
            await pilot.press("s")
        assert table.sort_column == "date"
        # A click on a heading sorts by that column.
        await pilot.click(SessionTable, offset=(12, 0))
        assert table.sort_column == "person"


async def test_filter_by_typing_and_clear_with_escape(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await review_screen(app, pilot)
        await pilot.press("slash")
        assert app.focused is screen.query_one("#filter", Input)
        await type_text(pilot, "ashcombe")
        assert people(screen) == ["Nadia Petrakis", "Owen Pritchard"]
        assert status(screen).startswith("2 of 8 sessions match the filter")
        await type_text(pilot, " ended")  # every word must match
        assert people(screen) == ["Owen Pritchard"]
        await pilot.press("down")
        assert focused(app) is screen.query_one(SessionTable)
        await pilot.press("escape")
        assert len(people(screen)) == 8
        await type_text(pilot, "/zzz")
        assert people(screen) == []
        assert "Escape clears the filter" in status(screen)
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, StartScreen)


async def test_open_a_session_and_read_it_whole(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await review_screen(app, pilot)
        await pilot.press("down", "down", "down", "down", "down", "enter")
        await pilot.pause(0.2)
        text = document(app)
        assert text.startswith("# Owen Pritchard")
        for part in ("## Questions", "*not asked*", "## Key points", "## Notes", "## Referrals"):
            assert part in text
        assert "Nadia Petrakis" in text  # a referral
        await pilot.press("escape")
        assert app.screen is screen


async def test_mark_the_thank_you_sent_and_take_it_back(folder: Path) -> None:
    sunniva = "2026-11-18-1700-sunniva-hart.toml"
    assert read_session(folder / sunniva).session.follow_up.thank_you_sent is None
    app = make_app(folder, review=False)
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_detail(app.screen, folder / sunniva)
        await pilot.pause(0.2)
        assert "Thank-you not sent yet" in document(app)
        await pilot.press("t")
        await pilot.pause(0.2)
        assert read_session(folder / sunniva).session.follow_up.thank_you_sent is not None
        assert "Thank-you sent" in document(app)
        await pilot.press("t")  # again: asks before taking it back
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("u")
        await pilot.pause(0.2)
        assert read_session(folder / sunniva).session.follow_up.thank_you_sent is None


async def test_edit_after_the_call_saves_and_is_searchable(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await review_screen(app, pilot)
        await pilot.press("down", "down", "down", "down", "down")  # Owen, ended
        await pilot.press("e")
        await pilot.pause(0.2)
        assert isinstance(app.screen, LiveScreen)
        clock_line = str(app.screen.query_one("#clock-line", Static).render())
        assert clock_line == "CALL ENDED  30:50 of 30:00"  # no alarm when editing afterwards
        await pilot.press("f3")
        notes = app.screen.query_one(TextArea)
        notes.move_cursor(notes.document.end)
        await type_text(pilot, " Marzipan follow-up")
        app.workspace.save_all()
        saved = read_session(folder / OWEN).session
        assert "Marzipan follow-up" in saved.notes
        assert saved.state is SessionState.ENDED  # editing does not reopen the call
        # The index was told at the save: search finds it without a rescan.
        hits, _ = app.workspace.index.search("marzipan")
        assert [h.summary.file for h in hits] == [OWEN]
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert current_screen(app) is screen


async def test_resume_a_call_left_open_from_the_review(folder: Path) -> None:
    store = SessionStore(folder)
    left = make_session(name="Rosa Iversen")
    left.state = SessionState.LIVE
    left.timeline = [TimelineEvent(EventKind.STARTED, utc_now())]
    handle = store.create(left)
    handle.close()
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await review_screen(app, pilot)
        rows = screen.query_one(SessionTable).rows
        row = next(n for n, s in enumerate(rows) if s.person == "Rosa Iversen")
        assert rows[row].state == "live"
        for _ in range(row):
            await pilot.press("down")
        await pilot.press("e")
        await pilot.pause(0.2)
        # No clock mark in the file: the user says whether the call went on.
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("p")
        live = app.screen
        assert isinstance(live, LiveScreen)
        assert not live.live.countdown.running  # waits for F5
        await pilot.press("f5")
        assert live.live.countdown.running


async def test_damaged_files_are_listed_and_never_stop_the_review(folder: Path) -> None:
    (folder / "2026-01-01-0000-broken.toml").write_text("state = [", encoding="utf-8")
    (folder / "2026-01-02-0000-newer.toml").write_text("schema_version = 99\n", encoding="utf-8")
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await review_screen(app, pilot)
        assert len(people(screen)) == 8
        assert "2 unreadable (u lists them)" in status(screen)
        await pilot.press("u")
        modal = app.screen
        assert isinstance(modal, MessageModal)
        assert "2026-01-01-0000-broken.toml: not valid TOML" in modal.body
        assert "update iisession" in modal.body


async def test_search_every_session_and_open_a_hit(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await review_screen(app, pilot)
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, SearchScreen)
        await type_text(pilot, "safeguard")
        await pilot.pause(0.4)
        hits = app.screen.query_one("#hits", OptionList)
        assert hits.option_count == 1
        prompt = str(hits.get_option_at_index(0).prompt)
        assert "Owen Pritchard" in prompt
        assert "in notes" in prompt
        assert "safeguarding" in prompt.lower()
        assert "1 session matches" in str(app.screen.query_one("#search-status", Static).render())
        await pilot.press("enter", "enter")  # to the results, then open
        await pilot.pause(0.2)
        assert document(app).startswith("# Owen Pritchard")
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        assert isinstance(current_screen(app), ReviewScreen)


async def test_start_screen_r_opens_the_review_and_recent_ones_open_the_detail(
    folder: Path,
) -> None:
    app = make_app(folder, review=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            if app.start_screen.scanned:
                break
            await pilot.pause(0.05)
        await pilot.press("r")
        await review_screen(app, pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, StartScreen)
        app.start_screen.past_list.focus()
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert document(app).startswith("# Sunniva Hart")


async def test_a_first_build_shows_progress_and_the_screen_stays_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(240):
        (folder / f"2026-01-01-0000-p{n:03d}.toml").write_text(
            dumps(make_session(name=f"Person {n:03d}")),
            encoding="utf-8",
        )
    # Slow each read down, so the build is still running while we look.
    real = index_reading.read_for_index

    def slow(path: str) -> object:
        time.sleep(0.01)
        return real(path)

    monkeypatch.setattr("iisession.core.index.read_for_index", slow)
    monkeypatch.setattr(index_module, "PARALLEL_FROM", 10_000)  # in-process, so the patch holds
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        seen = ""
        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, ReviewScreen):
                seen = str(app.screen.query_one("#review-status", Static).render())
                if "Indexing" in seen:
                    break
        assert "Indexing the sessions folder" in seen
        assert "of 240 files" in seen
        await pilot.press("slash")  # the screen answers while the build runs
        assert isinstance(app.focused, Input)
        screen = await review_screen(app, pilot)
        assert len(people(screen)) == 240
        assert SessionIndex(folder, app.workspace.folders.cache).refresh().read == []


# --- the thank-you note -------------------------------------------------------------------


async def test_thank_you_note_edit_send_and_mark(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iisession.tui.screens.prompts import TextPrompt
    from iisession.tui.screens.thank_you import ThankYouScreen

    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    marisol = "2026-10-08-1600-marisol-vance.toml"
    store = SessionStore(folder)  # no draft yet, not sent: drafted afresh from the session
    handle = store.open(folder / marisol)
    handle.session.follow_up.thank_you_draft = ""
    handle.session.follow_up.thank_you_sent = None
    handle.save()
    handle.close()
    app = make_app(folder, review=False)
    opened: list[str] = []
    copied: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    app.copy_to_clipboard = lambda text: copied.append(text)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_detail(app.screen, folder / marisol)
        await pilot.pause(0.2)
        await pilot.press("y")
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, ThankYouScreen)
        area = screen.query_one(TextArea)
        assert area.text.startswith("Dear Marisol,")
        assert "Ines Halvorsen" in area.text  # thanks for the referral
        area.move_cursor(area.document.end)
        await type_text(pilot, "Clara")
        await pilot.press("f2")
        assert copied == [area.text]
        await pilot.press("f3")
        [link] = opened
        assert link.startswith(
            "mailto:marisol.vance@example.org?subject=Thank%20you%20for%20your%20time&body=Dear%20Marisol"
        )
        await pilot.press("f4")
        assert isinstance(app.screen, TextPrompt)
        prompt_box = app.screen.query_one(Input)
        prompt_box.value = str(tmp_path / "note.txt")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert (tmp_path / "note.txt").read_text(encoding="utf-8") == area.text
        await pilot.press("f6")  # no $EDITOR: says so, stays here
        assert isinstance(app.screen, ThankYouScreen)
        assert any("Set $EDITOR" in n.message for n in app._notifications)
        monkeypatch.setenv("EDITOR", "true")
        await pilot.press("f6")  # a test terminal cannot hand over: edit in place
        assert any("cannot hand over" in n.message for n in app._notifications)
        await pilot.press("f5")
        await pilot.pause(0.1)
        assert "Thank-you sent" in str(screen.query_one("#draft-status", Static).render())
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert isinstance(app.screen, DetailScreen)
    saved = read_session(folder / marisol).session.follow_up
    assert saved.thank_you_sent is not None
    assert saved.thank_you_draft.rstrip().endswith("Clara")
    assert saved.thank_you_drafted is not None


async def test_no_thank_you_before_the_call(folder: Path) -> None:
    from iisession.tui.screens.thank_you import ThankYouScreen

    app = make_app(folder, review=False)
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_detail(app.screen, folder / "2026-12-03-1730-theo-marchetti.toml")
        await pilot.pause(0.2)
        await pilot.press("y")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, ThankYouScreen)


async def test_a_thank_you_typed_just_before_quitting_is_saved(folder: Path) -> None:
    sunniva = "2026-11-18-1700-sunniva-hart.toml"
    app = make_app(folder, review=False)
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_detail(app.screen, folder / sunniva)
        await pilot.pause(0.2)
        await pilot.press("y")
        await pilot.pause(0.2)
        area = app.screen.query_one(TextArea)
        area.move_cursor(area.document.end)
        await pilot.press("P", "S")  # well inside the save pause
        await pilot.press("ctrl+q")
    draft = read_session(folder / sunniva).session.follow_up.thank_you_draft
    assert draft.endswith("PS")


async def test_set_up_a_call_with_a_referral_links_both_ways(folder: Path) -> None:
    from iisession.core.network import build
    from iisession.tui.screens.prompts import ListChooser
    from iisession.tui.screens.setup import SetupScreen

    owen = "2026-11-04-1200-owen-pritchard.toml"
    app = make_app(folder, review=False)
    async with app.run_test(size=(80, 24)) as pilot:
        navigation.open_detail(app.screen, folder / owen)
        await pilot.pause(0.2)
        await pilot.press("n")
        await pilot.pause(0.1)
        chooser = app.screen
        assert isinstance(chooser, ListChooser)
        labels = [label for label, _ in chooser.choices]
        harriet = next(n for n, label in enumerate(labels) if label.startswith("Harriet Oyelaran"))
        assert labels[harriet].endswith(": to contact")
        for _ in range(harriet):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause(0.3)
        setup = app.screen
        assert isinstance(setup, SetupScreen)
        assert setup.query_one("#name", Input).value == "Harriet Oyelaran"
        assert setup.query_one("#organisation", Input).value == "Ashcombe City Council"
        assert setup.query_one("#referred_by", Input).value == "Owen Pritchard"
        new_id = setup.session.id
        await pilot.press("escape")
        await pilot.pause(0.2)
    source = read_session(folder / owen).session
    link = next(r for r in source.referrals if r.name == "Harriet Oyelaran")
    assert link.session_id == new_id
    assert link.outreach.value == "meeting-planned"
    [created] = [p for p in folder.glob("*harriet*.toml")]
    made = read_session(created).session
    assert (made.source_session, made.source_referral) == (source.id, link.id)
    network = build((p.name, read_session(p).session) for p in folder.glob("*.toml"))
    harriet_node = next(c for c in network.contacts if c.name == "Harriet Oyelaran")
    assert (harriet_node.status, harriet_node.referred_by) == ("call planned", "Owen Pritchard")
