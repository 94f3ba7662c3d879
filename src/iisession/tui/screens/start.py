"""The start screen: new session, upcoming calls, past sessions, the question bank.

The sessions folder is read in a thread once the first frame is up, so the
screen appears at once however many files there are.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from ...core import collector
from .. import navigation
from ..keymap import user_keys_of
from ..widgets.footer import Footer
from . import host_of, workspace_of

if TYPE_CHECKING:
    from ...core.index import Listing
    from ...core.model import Session
    from ...core.summary import Summary

RECENT = 30
"""Past sessions listed here; the review screen has them all."""

PROGRESS_FROM = 200
"""A refresh reading this many files shows its progress."""

MENU = [
    ("new", "n", "New session"),
    ("upcoming", "u", "Upcoming calls"),
    ("review", "r", "Review past sessions"),
    ("follow-ups", "f", "Follow-ups due"),
    ("network", "w", "Who led to whom"),
    ("requests", "q", "Requests and replies"),
    ("organisations", "o", "Target organisations"),
    ("compare", "a", "Answers across interviews"),
    ("bank", "b", "Question bank and templates"),
]


class StartScreen(Screen[None]):
    """What the app opens on."""

    # The menu and the list borders name these keys; a footer of seven more
    # keys costs the first frame about 50 ms.
    BINDINGS = [
        Binding(
            "n", "new_session", "New", tooltip="Set up a new session", show=False, id="start.new"
        ),
        Binding(
            "u",
            "focus_list('upcoming')",
            "Upcoming",
            tooltip="Go to the upcoming calls",
            show=False,
            id="start.upcoming",
        ),
        Binding(
            "r", "review", "Review", tooltip="Review past sessions", show=False, id="start.review"
        ),
        Binding(
            "f",
            "follow_ups",
            "Follow-ups",
            tooltip="What is due: thank-yous, outreach, confirmations",
            show=False,
            id="start.follow-ups",
        ),
        Binding(
            "w", "network", "Network", tooltip="Who led to whom", show=False, id="start.network"
        ),
        Binding(
            "q",
            "requests",
            "Requests",
            tooltip="Everyone asked for a conversation, and the next step with each",
            show=False,
            id="start.requests",
        ),
        Binding(
            "o",
            "organisations",
            "Organisations",
            tooltip="Your target organisations: motivation, advocate, postings",
            show=False,
            id="start.organisations",
        ),
        Binding(
            "a",
            "compare",
            "Compare",
            tooltip="Answers compared across interviews",
            show=False,
            id="start.compare",
        ),
        Binding(
            "b",
            "question_bank",
            "Bank",
            tooltip="Browse the question bank and templates",
            show=False,
            id="start.bank",
        ),
        Binding(
            "c",
            "confirm",
            "Confirmed",
            tooltip="Mark the highlighted upcoming call confirmed",
            show=False,
            id="start.confirm",
        ),
        Binding(
            "p",
            "practice",
            "Practice",
            tooltip="Practise the highlighted upcoming call",
            show=False,
            id="start.practice",
        ),
    ]

    HELP = """
## Start
- **n** sets up a new session (who, when, how long, your questions).
- **u** goes to the upcoming calls: **Enter** opens one to edit or start it,
  **p** starts a practice run of it, **c** marks it confirmed.
- **r** opens the review of all past sessions; **Enter** on a recent one opens it.
- **f** lists the follow-ups due: requests to send or follow up, thank-yous,
  people to contact, calls to confirm, referrers to tell, contacts to keep.
- **w** shows who led to whom: everyone you met, asked or were told about.
- **q** lists your requests for a conversation: who was asked, who has not
  replied, and the next step with each (a line here says what is waiting).
- **o** opens your target organisations, to rank and to find people at.
- **a** compares the answers to each question across your interviews.
- **b** opens the question bank and your templates.
- **Tab** moves between the lists. **Ctrl+Q** quits.
"""

    def __init__(self, sessions_dir: Path, *, offer_resume: bool = False) -> None:
        """With ``offer_resume``, a call left open is offered to resume once the
        folder has been read."""
        super().__init__()
        self.sessions_dir = sessions_dir
        self.offer_resume = offer_resume
        self.scanned = False
        self.scan_on_resume = False
        """Set when the app opens on another screen: read the folder when shown."""
        self.requests_read = False
        """The line on requests has been worked out (after the lists, in the same read)."""
        self.upcoming_list = OptionList(id="upcoming")
        self.past_list = OptionList(id="past")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Sessions folder: {self.sessions_dir}", id="folder", markup=False)
        # The first frame is only this: the lists are mounted once the folder is
        # read (they would be empty until then, and they slow the first frame).
        waiting = _menu_text(self)
        waiting.append("\n\nReading the sessions folder…", style="italic")
        yield Static(waiting, id="reading")
        yield Static("", id="problems", markup=False)
        yield Footer(compact=True)

    DEFAULT_CSS = """
    #requests-line {
        display: none;
        height: auto;
        padding: 0 1;
    }
    """

    def _mount_lists(self) -> None:
        menu = Static(_menu_text(self), id="menu")
        menu.border_title = "Start"
        upcoming = self.upcoming_list = OptionList(id="upcoming")
        upcoming.border_title = "Upcoming"
        upcoming.border_subtitle = "Enter open  p practise  c confirmed"
        past = self.past_list = OptionList(id="past")
        past.border_title = "Recent sessions"
        past.border_subtitle = "Enter open  r review all"
        # Not awaited: the lists are filled in at once and drawn when mounted.
        self.query_one("#reading").remove()
        self.mount(Horizontal(menu, upcoming, id="start-top"), before="#problems")
        self.mount(Static("", id="requests-line", markup=False), before="#problems")
        self.mount(past, before="#problems")
        upcoming.focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            # Never a silent "Reading..." forever: say what went wrong.
            self.notify(
                f"The sessions folder could not be listed: {event.worker.error}",
                severity="error",
                timeout=20,
            )

    def on_screen_resume(self) -> None:
        # Back from a session (or from the review the app opened on): show what changed.
        if self.scanned or self.scan_on_resume:
            self.scan()

    @work(thread=True, exit_on_error=False, group="scan", exclusive=True)
    def scan(self) -> None:
        """Bring the index up to date and read it, in a thread; the app calls this
        once the first frame is up."""
        workspace = workspace_of(self)
        found = workspace.read_folder(self._progress_from_thread)
        self.app.call_from_thread(self.show, found, workspace.pending(found))
        # After the lists are up, and only with requests: what waits on them
        # needs every session (business days, the next person to ask).
        from ...core.summary import SummaryState

        line = ""
        if any(s.state is SummaryState.REQUESTED for s in found.summaries):
            from .requests import waiting_line

            with collector.held_off():  # every session at once: see ``core.collector``
                sessions = workspace.read_sessions()
                line = waiting_line(sessions, workspace.settings, workspace.clock.wall())
        self.app.call_from_thread(self.show_requests, line)

    def show_requests(self, line: str) -> None:
        """The line on requests: what is waiting, and what is due today."""
        if not self.scanned:
            return
        shown = self.query_one("#requests-line", Static)
        shown.update(line)
        shown.display = bool(line)
        self.requests_read = True

    def _progress_from_thread(self, done: int, total: int) -> None:
        if total >= PROGRESS_FROM:
            self.app.call_from_thread(self._show_progress, done, total)

    def _show_progress(self, done: int, total: int) -> None:
        text = f"Indexing the sessions folder: {done:,} of {total:,} files read…"
        if self.scanned:
            self.sub_title = text
        else:
            waiting = _menu_text(self)
            waiting.append(f"\n\n{text}", style="italic")
            self.query_one("#reading", Static).update(waiting)

    def show(self, found: Listing, pending: dict[str, Session]) -> None:
        from ...core.planning import confirmation, describe_when, upcoming
        from ...core.summary import SummaryState

        if not self.scanned:
            self._mount_lists()
        self.scanned = True
        now = workspace_of(self).clock.wall()
        by_session = {id(session): name for name, session in pending.items()}

        soon = self.upcoming_list
        highlighted = soon.highlighted
        soon.clear_options()
        for session in upcoming(list(pending.values()), now):
            name = by_session[id(session)]
            when = (
                describe_when(session.planned_at, now)
                if session.planned_at is not None
                else "no date yet"
            )
            line = Text(f"{when}  ")
            line.append(session.person.name or "(no name)", style="bold")
            if session.person.organisation:
                line.append(f"  {session.person.organisation}")
            note = confirmation(session, now)
            if session.planned_at is not None and session.planned_at < now:
                note = "its time has passed: open it to start, or edit the date"
            if note:
                style = "bold" if note.startswith("confirm it now") else "dim"
                line.append(f"\n  {note}", style=style)
            soon.add_option(Option(line, id=name))
        if soon.option_count == 0:
            soon.add_option(
                Option(Text("Nothing planned: n sets up a call", "italic"), disabled=True)
            )
        else:
            # Keep the place after a rescan; highlight the first call otherwise.
            soon.highlighted = min(highlighted or 0, soon.option_count - 1)

        past = self.past_list
        highlighted = past.highlighted
        past.clear_options()
        held = [
            s
            for s in found.summaries
            if s.state not in (SummaryState.REQUESTED, SummaryState.PLANNED)
        ]
        for summary in held[:RECENT]:
            past.add_option(Option(_past_line(summary), id=summary.file))
        if len(held) > RECENT:
            more = Text(f"… and {len(held) - RECENT:,} more: r opens them all", "italic")
            past.add_option(Option(more, disabled=True))
        if not held:
            past.add_option(Option(Text("No calls yet.", "italic"), disabled=True))
        else:
            past.highlighted = min(highlighted or 0, past.option_count - 1)

        count = len(found.summaries)
        self.sub_title = f"{count:,} session{'' if count == 1 else 's'}"
        lines = []
        if found.note:
            lines.append(found.note)
        if found.problems:
            lines.append(f"Unreadable ({len(found.problems)}), left as they are:")
            lines += [f"  {p.file}: {p.reason}" for p in found.problems[:20]]
            if len(found.problems) > 20:
                lines.append("  … r lists them all")
        text = "\n".join(lines)
        problems_line = self.query_one("#problems", Static)
        problems_line.update(text)
        problems_line.display = bool(text)
        workspace_of(self).folder_read(found)
        host_of(self).folder_read.publish(found)
        if self.offer_resume:
            self.offer_resume = False
            self._offer_open_call(pending)

    def _offer_open_call(self, pending: dict[str, Session]) -> None:
        from ...core.call_time import format_call_time
        from ...core.countdown import (
            RAN_ON_SECONDS,
            closed_for,
            format_clock,
            from_session,
            interruption,
        )
        from ...core.workspace import Workspace
        from .prompts import ChoiceModal

        left = Workspace.open_call(pending, self.sessions_dir)
        if left is None or self.app.screen is not self:
            return
        session = left.session
        clock = from_session(session)
        started = session.started_at
        who = session.person.name + (
            f" ({session.person.organisation})" if session.person.organisation else ""
        )
        used = f"{format_call_time(clock.elapsed(0))} of {format_clock(clock.limit_seconds)} used"
        stopped = interruption(session.timeline, session.updated)
        if session.clock is not None and session.clock.running:
            stopped = session.clock.at
        gap = closed_for(session, workspace_of(self).clock)
        if stopped is None:
            clock_text = f"{used}; the clock is paused: F5 runs it."
        elif gap is not None and gap <= RAN_ON_SECONDS:
            # The time since the clock's last record, measured on the steady
            # clock: the total is exact, but not when iisession stopped within
            # it (the clock is recorded every half minute), so only the total.
            now_used = format_call_time(clock.elapsed(0) + gap)
            clock_text = (
                f"{now_used} of {format_clock(clock.limit_seconds)} used by now: iisession "
                "stopped during the call and the call went on, so the clock counts that "
                "time and runs on."
            )
        else:
            clock_text = (
                f"{used} when iisession stopped at {stopped.astimezone():%H:%M}; resuming "
                "asks whether the call went on meanwhile."
            )
        body = (
            f"With {who}"
            + (f", started {started.astimezone():%Y-%m-%d %H:%M}" if started else "")
            + f". {clock_text}"
        )
        if left.others:
            body += f"\n({left.others} more left open: see past sessions.)"

        def chosen(choice: str | None) -> None:
            if choice == "resume":
                navigation.open_live(self, left.path)
            elif choice == "end":
                navigation.done(self, lambda: workspace_of(self).end_call(left.path), timeout=5)
                self.scan()

        self.app.push_screen(
            ChoiceModal(
                "A call was left open",
                body,
                [
                    ("r", "resume it now", "resume"),
                    ("e", "end it (everything in it is kept)", "end"),
                    ("l", "later", ""),
                ],
            ),
            chosen,
        )

    # --- actions -----------------------------------------------------------

    def _path(self, list_id: str) -> Path | None:
        if not self.scanned:
            return None
        listing = self.upcoming_list if list_id == "upcoming" else self.past_list
        index = listing.highlighted
        if index is None:
            return None
        option = listing.get_option_at_index(index)
        if option.disabled or option.id is None:
            return None
        return self.sessions_dir / option.id

    def action_focus_list(self, list_id: str) -> None:
        if self.scanned:
            (self.upcoming_list if list_id == "upcoming" else self.past_list).focus()

    def action_new_session(self) -> None:
        navigation.new_session(self)

    def action_question_bank(self) -> None:
        from .picker import PickerScreen

        self.app.push_screen(PickerScreen([], navigation.bank_of(self), heading="Your list"))

    @on(OptionList.OptionSelected, "#upcoming")
    def open_upcoming(self) -> None:
        path = self._path("upcoming")
        if path is not None:
            navigation.open_setup(self, path)

    @on(OptionList.OptionSelected, "#past")
    def open_past(self) -> None:
        path = self._path("past")
        if path is not None:
            navigation.open_detail(self, path)

    def action_review(self) -> None:
        from .review import ReviewScreen

        stack = self.app.screen_stack
        if len(stack) == 2 and isinstance(stack[0], ReviewScreen):
            self.app.pop_screen()  # the review the app opened on lies under this screen
        else:
            self.app.push_screen(ReviewScreen(self.sessions_dir))

    def action_follow_ups(self) -> None:
        from .follow_ups import FollowUpsScreen

        weeks = workspace_of(self).settings.keep_in_touch_weeks
        self.app.push_screen(FollowUpsScreen(self.sessions_dir, weeks))

    def action_network(self) -> None:
        from .network import NetworkScreen

        self.app.push_screen(NetworkScreen(self.sessions_dir))

    def action_requests(self) -> None:
        from .requests import RequestsScreen

        self.app.push_screen(RequestsScreen(self.sessions_dir))

    def action_organisations(self) -> None:
        from .organisations import OrganisationsScreen

        self.app.push_screen(OrganisationsScreen(self.sessions_dir))

    def action_compare(self) -> None:
        from .compare import CompareScreen

        self.app.push_screen(CompareScreen())

    def action_practice(self) -> None:
        path = self._path("upcoming")
        if path is None:
            self.notify("Highlight an upcoming call first (u), or set one up (n).", timeout=5)
            return
        navigation.practise(self, path)

    def action_confirm(self) -> None:
        path = self._path("upcoming")
        if path is None:
            self.notify("Highlight an upcoming call first (u).", timeout=5)
            return
        if navigation.done(self, lambda: workspace_of(self).mark_confirmed(path)):
            self.scan()


def _menu_text(screen: StartScreen) -> Text:
    """The menu, with the user's own keys where they gave some (``[keys]``)."""
    own = user_keys_of(screen.app)
    keys = [own.get(f"start.{name}", key).split(",")[0] for name, key, _ in MENU]
    shown = [screen.app.get_key_display(Binding(key, "")) for key in keys]
    width = max(map(len, shown))
    gap = " " * (2 if width == 1 else 1)  # as wide as it can be in the menu's room
    return Text("\n").join(
        Text.assemble((f"{key:<{width}}{gap}", "bold"), label)
        for key, (_, _, label) in zip(shown, MENU, strict=True)
    )


def _past_line(summary: Summary) -> Text:
    from ...core.summary import SummaryState

    when = summary.moment.astimezone()
    # Text, not str: a name like "[bold]" must show as typed, not as markup.
    line = Text(f"{when:%Y-%m-%d}  ")
    line.append(summary.person or "(no name)", style="bold")
    if summary.organisation:
        line.append(f"  {summary.organisation}")
    line.append(f"  {summary.asked}/{summary.questions} asked", style="dim")
    ended = summary.state is SummaryState.ENDED
    line.append(f"  ({summary.state})", style="dim" if ended else "bold")
    return line
