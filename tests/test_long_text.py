"""Long questions and answers wrap in full in every list, at every width."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from iisession.core.bank import Bank, builtin_questions
from iisession.core.clock import ManualClock
from iisession.core.model import Person, Question, Session
from iisession.core.paths import resolve_folders
from iisession.core.store import SessionStore
from iisession.core.workspace import Workspace
from iisession.tui.app import IISessionApp
from iisession.tui.screens.picker import PickerScreen

WIDTHS = (60, 80, 100, 120, 160, 200)

LONG_QUESTION = (
    "Looking back over the last few years, which of the decisions you made about "
    "training, jobs and the people you worked with turned out to matter most, and why?"
)
LONG_ANSWER = (
    "Saying yes to the data team's rota in her first year; it taught her SQL, the "
    "hospital's systems and who to ask, faster than any course she took."
)


def drawn(listing: OptionList) -> str:
    """Every line the list draws, first to last, scrolled or not, as one run of words."""
    top = listing.scroll_offset.y
    lines = [listing.render_line(y - top).text for y in range(listing.virtual_size.height)]
    return " ".join(" ".join(lines).split())


def words(text: str) -> str:
    return " ".join(text.split())


def questions() -> list[Question]:
    found = Bank(builtin_questions()).defaults()
    found.insert(1, Question(text=LONG_QUESTION, answer=LONG_ANSWER))
    return found


def missing(listing: OptionList, texts: list[str]) -> list[str]:
    shown = drawn(listing)
    return [text for text in texts if words(text) not in shown]


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_live_checklist_shows_every_word(sessions_dir: Path, width: int) -> None:
    session = Session(person=Person(name="Ana Ruiz"), questions=questions())
    handle = SessionStore(sessions_dir).create(session)
    app = IISessionApp(Workspace(resolve_folders(str(sessions_dir)), ManualClock()), handle)
    texts = [q.text for q in session.questions] + [LONG_ANSWER]
    async with app.run_test(size=(width, 24)) as pilot:
        checklist = app.screen.query_one("#questions", OptionList)
        await pilot.pause()
        assert missing(checklist, texts) == []
        # Every change draws the list again: the clock started, a question asked.
        for key in ("f5", "f6", "f6"):
            await pilot.press(key)
            await pilot.pause()
            assert missing(checklist, texts) == [], key
        await pilot.resize_terminal(width, 40)
        await pilot.pause()
        assert missing(checklist, texts) == []


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_pickers_chosen_list_shows_every_word(sessions_dir: Path, width: int) -> None:
    app = IISessionApp(Workspace(resolve_folders(str(sessions_dir)), ManualClock()))
    chosen = questions()
    texts = [q.text for q in chosen]
    async with app.run_test(size=(width, 24)) as pilot:
        await app.push_screen(PickerScreen(chosen, Bank(builtin_questions())))
        await pilot.pause()
        listing = app.screen.query_one("#chosen", OptionList)
        assert missing(listing, texts) == []
        listing.focus()
        await pilot.press("end", "m")  # marked must-ask: the list is drawn again
        await pilot.pause()
        assert missing(listing, texts) == []
