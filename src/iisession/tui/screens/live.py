"""The live screen: open during the call. Countdown, questions, notes, referrals.

Keys work from anywhere on the screen, including while typing in the notes
(they are F-keys and priority bindings). The session model lives in the
``SessionFile`` outside the widgets, and every change is saved through the
session editor: ticks and referrals at once, typing after a short pause.

Longer than most screens: every key of the call is here, so that what can be
done during a call reads in one place; the rules are in ``core.live``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static, TextArea

from ...core.call_time import format_call_time
from ...core.clock import Clock
from ...core.countdown import format_clock, interruption
from ...core.editor import Outcome, SessionEditor
from ...core.live import LiveCall, Summary, passed_text
from ...core.model import EventKind, Question, Referral, SessionState
from ...core.settings import Settings
from ...core.store import SaveError, SessionFile, SessionFileError, write_rescue_copy
from ...core.workspace import WorkspaceError
from .. import navigation
from ..keys import key_order
from ..saving import report
from ..widgets.checklist import Checklist
from ..widgets.countdown import ClockView, CountdownPanel
from ..widgets.footer import Footer
from ..widgets.referral_list import ReferralList
from ..widgets.text_editor import TextEditor
from . import workspace_of
from .prompts import ChoiceModal, MessageModal, MinutesPrompt, TextPrompt
from .referral_form import ReferralForm
from .unsaved import settle_unsaved

INTRO_SECONDS = 180
"""How long into the call the introduction stays on screen."""

EXTEND_MOST = 120
"""The most minutes one extension adds."""


def _notice(kind: EventKind, minutes: int) -> str:
    """The point the countdown last passed, in words that stay on the clock line
    until the next one: a toast is gone before a glance comes back."""
    if kind is EventKind.WARNED:
        return f"{minutes}-MINUTE WARNING"
    if kind is EventKind.WRAP_UP:
        return "WRAP UP NOW"
    return ""  # time up says so itself


def summary_text(summary: Summary) -> str:
    lines = [
        f"Asked {summary.asked} of {summary.total} questions.",
        f"Call time {format_call_time(summary.elapsed_seconds)}"
        + (
            f", {format_clock(-summary.overtime_seconds)}"
            if summary.overtime_seconds >= 1
            else ", within the limit."
        ),
        f"Referrals captured: {summary.referrals}.",
    ]
    if summary.must_missed:
        lines.append("Must-ask questions not asked:")
        lines += [f"  - {text}" for text in summary.must_missed]
    if summary.practice:
        lines += [
            "",
            "A practice run: no thank-you to send.",
            "Note what you would ask or say differently; when you leave, "
            "keep the run in your history or discard it.",
        ]
    else:
        lines += [
            "",
            "Finish your notes now, while the call is fresh.",
            "Send a thank-you within 24 hours, citing one or two things you learned.",
        ]
    return "\n".join(lines)


class LiveScreen(Screen[None]):
    """The screen kept open during the call."""

    BINDINGS = [
        Binding(
            "f1",
            "app.help",
            "Help",
            priority=True,
            id="live.help",
            tooltip="Show the keys and what they do (F1 again closes it)",
        ),
        Binding(
            "f2",
            "focus_questions",
            "Questions",
            priority=True,
            show=False,
            id="live.questions",
            tooltip="Go to the question checklist",
        ),
        Binding(
            "f3",
            "focus_notes",
            "Notes",
            priority=True,
            show=False,
            id="live.notes",
            tooltip="Go to the notes",
        ),
        Binding(
            "f4",
            "add_referral",
            "Referral",
            priority=True,
            show=False,  # named in the referrals' title, as F2 and F3 in theirs
            id="live.referral",
            tooltip="Add a person they suggest you talk to",
        ),
        Binding(
            "f5",
            "toggle_clock",
            "Clock",
            priority=True,
            id="live.clock",
            tooltip="Start the clock, or pause and resume it",
        ),
        Binding(
            "f5",
            "reopen",
            "Reopen",
            priority=True,
            id="live.reopen",
            tooltip="Reopen the ended call and run its clock again (asks first)",
        ),
        Binding(
            "f6",
            "asked_next",
            "Next",
            priority=True,
            id="live.next",
            tooltip="Mark the current question asked and move to the next",
        ),
        Binding(
            "f7",
            "key_point",
            "Point",
            priority=True,
            id="live.key-point",
            tooltip="Add a key point, stamped with the call time, to the notes",
        ),
        Binding(
            "f8",
            "extend",
            "Extend",
            priority=True,
            id="live.extend",
            tooltip="Extend the limit when they offer more time",
        ),
        Binding(
            "f10",
            "end_call",
            "End",
            priority=True,
            id="live.end",
            tooltip="End the call and see a summary",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            id="live.back",
            tooltip="Back to the start screen (asks first during a call)",
        ),
        Binding(
            "f9",
            "rescue_copy",
            "Rescue copy",
            priority=True,
            show=False,
            id="live.rescue",
            tooltip="Write a copy of the session somewhere else",
        ),
        Binding(
            "f12",
            "clock_style",
            "Clock style",
            priority=True,
            show=False,
            id="live.clock-style",
            tooltip="Switch the clock: big digits, or the minutes left in words",
        ),
        Binding(
            "ctrl+t",
            "take_over",
            "Take over",
            priority=True,
            id="live.take-over",
            tooltip="Edit the session here, once the window that has it has closed it",
        ),
    ]

    HELP = """
## During the call
- **F5** starts the clock when the call begins; again to pause or resume.
- **F6** marks the current question asked and moves to the next.
- **F7** adds a key point to the notes, stamped with the call time when F7 is pressed.
- **F8** extends the limit when they offer more time; a minus (**-5**) takes
  minutes of an extension back. **F10** ends the call.
- Once the call has ended, finish the notes and referrals; **F5** reopens it
  (it asks first).
- **F2** questions, **F3** notes, **F4** add a referral.
- **F9** writes a rescue copy of the session elsewhere (when saving keeps failing).
- **F12** switches the clock between big digits and the minutes left in words
  ("23 min left"), which change once a minute, with each warning as a line
  that stays (`clock` in the config file's `[live]` sets the one to start with).

In the questions: **Space** ticks or unticks, **m** must-ask, **s** star,
**a** a short answer note, **n** a new question, **Shift+Up/Down** reorder.
In the referrals: **Enter** edits, **Delete** removes.
**Escape** goes back to the start screen and **Ctrl+Q** quits, both after
saving; during a call they ask whether to end it first. If something cannot
be saved, they say so and offer a rescue copy, another try, or staying.
Your introduction shows at the top until a few minutes into the call.
Every action is also in the command palette (**Ctrl+P**).

A session open in another window opens here **read-only**: it shows the
session as that window last saved it, and nothing here changes it. Once that
window has closed it, **Ctrl+T** takes it over to edit here.
"""

    COMMAND_BINDINGS = [
        *BINDINGS[1:],
        # Keys as shown in the palette; they are bound on the lists themselves.
        Binding(
            "space", "toggle_asked", "Tick or untick the highlighted question", id="questions.tick"
        ),
        Binding(
            "m",
            "toggle_must",
            "Must-ask on or off for the highlighted question",
            id="questions.must",
        ),
        Binding("s", "toggle_star", "Star the highlighted question", id="questions.star"),
        Binding("a", "answer", "Answer note on the highlighted question", id="questions.answer"),
        Binding("n", "new_question", "New question", id="questions.new"),
        Binding(
            "delete", "remove_referral", "Remove the highlighted referral", id="referrals.remove"
        ),
    ]
    """What the command palette offers on this screen."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    """Below 80 columns the footer keeps its room for the keys of the call."""

    AFTER_THE_CALL = frozenset({"toggle_clock", "asked_next", "key_point", "extend", "end_call"})
    """Actions of a call in progress: off once it has ended (F5 then reopens it)."""

    CHANGES = AFTER_THE_CALL | {
        "reopen",
        "add_referral",
        "remove_referral",
        "toggle_asked",
        "toggle_must",
        "toggle_star",
        "move_question",
        "answer",
        "new_question",
    }
    """Actions that change the session: off while it is read-only."""

    def __init__(
        self,
        handle: SessionFile,
        clock: Clock,
        settings: Settings | None = None,
        *,
        start_clock: bool = False,
    ) -> None:
        """``start_clock``: the user asked to start the call now (F5 in the setup
        form), so the clock runs from the moment the screen opens."""
        super().__init__()
        self.settings = settings or Settings()
        self.handle = handle
        self._running_there = self._clock_running_there()
        self.live = LiveCall(handle.session, clock, self.settings.live, read_only=handle.read_only)
        self.clock = clock
        self.editor = SessionEditor(handle.session, clock, handle)
        self._status_line = ""
        self._shown_failing = False
        self._has_intro = bool(self._intro_text())
        self._intro_shown = True
        self._start_clock = start_clock
        self.clock_style = self.settings.live.clock
        """How the countdown is shown: "digits" or "minutes" (F12 switches)."""

    # --- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        panel = CountdownPanel(id="countdown")
        # The big digits on their own above the rest, which is in one container:
        # the frame that redraws them each second draws nothing else.
        yield panel.digits
        with Vertical(id="call-body"):
            yield panel
            yield Static("", id="status", markup=False)
            yield Static(self._intro_text(), id="intro", markup=False)
            with Horizontal(id="panes"):
                yield Checklist(id="questions")
                with Vertical(id="right"):
                    yield TextEditor(
                        self.handle.session.notes,
                        id="notes",
                        soft_wrap=True,
                        read_only=self.handle.read_only,
                    )
                    yield ReferralList(id="referrals")
        yield Footer(compact=True)

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(CountdownPanel).fit(event.size.height)

    def _intro_text(self) -> str:
        prep = self.handle.session.preparation
        parts = [prep.introduction.strip()]
        if prep.goals.strip():
            parts.append(f"Goals: {prep.goals.strip()}")
        return "\n".join(p for p in parts if p)

    def on_mount(self) -> None:
        person = self.handle.session.person
        practice = self.handle.session.practice
        kind = "PRACTICE RUN with" if practice else "call with"
        self.title = f"iisession: {kind} {person.name or 'someone'}"
        self._panel = self.query_one(CountdownPanel)
        self._intro = self.query_one("#intro", Static)
        self._status = self.query_one("#status", Static)
        self._panel.practice = practice
        self._panel.use(self.clock_style)
        # A steady cursor in the notes: no blinking at the edge of sight during
        # a call, and no redraw twice a second while nobody types.
        self.query_one("#notes", TextArea).cursor_blink = False
        self.query_one("#intro").border_title = "Your introduction (a minute, not twenty)"
        self.sub_title = person.organisation
        self.query_one("#questions").border_title = "Questions (F2)"
        self.query_one("#notes").border_title = "Notes (F3)"
        self._label_panes()
        if self.handle.read_only:
            self.notify(
                f"{self.handle.read_only_reason}: nothing here can be changed. "
                + self._take_over_hint(),
                title="Read-only",
                severity="warning",
                timeout=15,
            )
        countdown = self.live.countdown
        self._tell_how_the_clock_resumed()
        self.refresh_all()
        if self._start_clock and not self.handle.read_only and not countdown.started:
            self.action_toggle_clock()
        self.set_interval(1.0, self.tick)
        self.query_one("#questions", Checklist).focus()

    def _tell_how_the_clock_resumed(self, title: str = "Call resumed") -> None:
        """A call taken up again (after a restart, or taken over from another
        window): where its clock stands, and the question if it is one."""
        countdown = self.live.countdown
        if self.handle.read_only or self.handle.session.state is not SessionState.LIVE:
            return
        used = format_call_time(self.live.elapsed())
        if self.live.stopped_at is not None:
            self.call_after_refresh(self._ask_whether_the_call_went_on)
        elif self.live.ran_on is not None:
            self.notify(
                f"The clock ran on while iisession was closed: "
                f"{format_call_time(self.live.ran_on)} counted, {used} used in all.",
                title=title,
                timeout=10,
            )
        elif countdown.started and not countdown.running:
            self.notify(f"{used} used; F5 runs the clock again.", title=title, timeout=8)

    def _ask_whether_the_call_went_on(self) -> None:
        """iisession closed with the clock running, and for how long cannot be
        known (or it was long): the user says whether the call went on."""
        stopped = self.live.stopped_at
        if stopped is None or self.live.countdown.running:
            return
        used = format_call_time(self.live.elapsed())

        def chosen(choice: str | None) -> None:
            if choice == "went-on" and self.live.stopped_at is not None:
                self.notify(self.live.went_on(), timeout=6)
                self.changed_now()
                self.refresh_all()

        ago = max(0.0, (self.live.clock.wall() - stopped).total_seconds())
        self.app.push_screen(
            ChoiceModal(
                "Did the call go on?",
                f"iisession stopped at {stopped.astimezone():%H:%M} "
                f"({format_call_time(ago)} ago) with the clock running, {used} into the "
                "call. The clock is paused there for now.",
                [
                    ("g", "It went on: count the time since", "went-on"),
                    ("p", "It stopped then: stay paused (F5 runs it)", "paused"),
                ],
            ),
            chosen,
        )

    # --- what applies ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_over":
            # Only a window held elsewhere can be taken over; a file with fields
            # this version does not know stays read-only whoever holds it.
            return bool(self.handle.held_by)
        if self.handle.read_only and action in self.CHANGES:
            return False  # another window has the session: nothing here may change it
        if action == "reopen":
            return self.live.ended
        if action in self.AFTER_THE_CALL:
            return not self.live.ended
        return True

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in the order they are read, F1 to F10 then the rest: the
        focused widget's own keys would otherwise come first in the footer."""
        return dict(sorted(super().active_bindings.items(), key=lambda item: key_order(item[0])))

    # --- showing ---------------------------------------------------------------

    def refresh_all(self) -> None:
        self.refresh_questions()
        self.refresh_referrals()
        self.refresh_clock()

    def refresh_questions(self) -> None:
        self.query_one("#questions", Checklist).show(
            self.handle.session.questions, self.live.current()
        )

    def refresh_referrals(self) -> None:
        empty = "none yet" if self.handle.read_only else "none yet: F4 adds one"
        self.query_one("#referrals", ReferralList).show(self.handle.session.referrals, empty)

    def refresh_clock(self) -> None:
        """Once a second and after every change: only what changed is redrawn,
        and little is worked out (it runs all through a call)."""
        live = self.live
        countdown = live.countdown
        remaining = live.remaining()
        # The introduction is for the opening minutes; then the room goes to notes.
        show_intro = self._has_intro and (
            not countdown.started or countdown.limit_seconds - remaining < INTRO_SECONDS
        )
        if show_intro != self._intro_shown:
            self._intro_shown = show_intro
            self._intro.display = show_intro
        points = live.passed()
        minutes = self.clock_style == "minutes"
        self._panel.show(
            ClockView(
                remaining=remaining,
                limit=countdown.limit_seconds,
                started=countdown.started,
                running=countdown.running,
                ended=live.ended,
                notice="" if minutes or not points else _notice(*points[-1]),
                passed=tuple(passed_text(*point) for point in points) if minutes else (),
                held=self._held_text() if self.handle.read_only else "",
                wrap_up=live.wrap_up_minutes() * 60.0,
            )
        )
        if self.handle.read_only:
            status, pace = self._held_status(), ""
        else:
            status = self.editor.status()
            pace = live.pacing()  # nothing before the clock starts or after the end
        line = f"{pace} | {status}" if pace and status else pace or status
        if line != self._status_line:
            widget = self._status
            # Wrapped, never cut (the save indicator is at its end); a layout
            # pass only when the line count changes, not at every word of it.
            width = max(1, widget.content_size.width)
            relayout = -(-len(line) // width) != -(-len(self._status_line) // width)
            self._status_line = line
            widget.update(line, layout=relayout)
        failing = self.editor.failing
        if failing != self._shown_failing:
            self._shown_failing = failing
            self._status.set_class(failing, "-unsaved")

    def _label_panes(self) -> None:
        """The lists' own keys in their borders (the footer keeps to the F-keys),
        or, read-only, that none of them applies."""
        read_only = self.handle.read_only
        questions = self.query_one("#questions")
        questions.border_subtitle = "read-only" if read_only else "Space tick  a answer  n new"
        self.query_one("#notes").border_subtitle = "read-only" if read_only else ""
        referrals = self.query_one("#referrals")
        referrals.border_title = "Referrals" if read_only else "Referrals (F4 adds)"
        referrals.border_subtitle = "read-only" if read_only else "Enter edit  Del remove"
        self.sub_title = self.handle.session.person.organisation
        if read_only:
            self.sub_title = f"READ-ONLY {self.sub_title}".strip()

    # --- read-only: another window has the session ---------------------------------

    def _clock_running_there(self) -> bool:
        """Read-only: the other window's clock was running when it last saved."""
        session = self.handle.session
        stopped = interruption(session.timeline, session.updated)
        return self.handle.read_only and stopped is not None

    def _held_text(self) -> str:
        """Read-only: the other window's clock as it last saved, for the clock line
        (this window runs no clock of its own)."""
        if not self.handle.read_only:
            return ""
        session = self.handle.session
        if session.state is SessionState.ENDED:
            state = "call ended there"
        elif self._running_there:
            state = "clock running there"
        elif self.live.countdown.started:
            state = "clock paused there"
        else:
            state = "not started there"
        if session.updated is None:
            return state
        return f"{state}, as saved at {session.updated.astimezone():%H:%M:%S}"

    def _held_status(self) -> str:
        if self.handle.held_by:
            return f"Read-only: open in another iisession ({self.handle.held_by})"
        return f"Read-only: {self.handle.read_only_reason}"

    def _take_over_hint(self) -> str:
        if not self.handle.held_by:
            return ""
        return "Once that window has closed it, Ctrl+T takes it over to edit here."

    def _follow_holder(self) -> None:
        """Read-only: show the session as the window that has it last saved it."""
        try:
            changed = self.handle.reload()
        except SessionFileError:
            return  # unreadable for now: the last version read stays on screen
        if changed:
            self._show(self.handle)

    def _show(self, handle: SessionFile) -> None:
        """Show ``handle``'s session afresh: a newer save of its holder, or the
        session taken over."""
        self.handle = handle
        self._running_there = self._clock_running_there()
        self.live = LiveCall(
            handle.session, self.clock, self.settings.live, read_only=handle.read_only
        )
        self.editor = SessionEditor(handle.session, self.clock, handle)
        notes = self.query_one("#notes", TextArea)
        notes.read_only = handle.read_only
        if notes.text != handle.session.notes:
            notes.load_text(handle.session.notes)
        self._has_intro = bool(self._intro_text())
        self.query_one("#intro", Static).update(self._intro_text())
        self._label_panes()
        self.refresh_all()
        self.refresh_bindings()

    def action_take_over(self) -> None:
        """Edit the session here, once the window that had it has let it go."""
        workspace = workspace_of(self)
        try:
            handle = workspace.open(self.handle.path)
        except WorkspaceError as error:
            navigation.show_error(self, error, "Not taken over")
            return
        if handle.read_only:
            workspace.forget(handle)
            self.notify(
                f"It is still open in another iisession ({handle.held_by}): close it "
                "there first. Meanwhile this window shows it as that one saves it."
                if handle.held_by
                else handle.read_only_reason,
                title="Still read-only",
                severity="warning",
                timeout=10,
            )
            return
        workspace.forget(self.handle)  # the read-only copy: nothing of it to save
        self._show(handle)
        navigation.tell_recovered(self, handle)  # what the other window's journal held
        self.notify(
            "The session is yours to edit here; what you change is saved.",
            title="Taken over",
            timeout=10,
        )
        self._tell_how_the_clock_resumed(title="Taken over")

    def tick(self) -> None:
        if self.handle.read_only:
            self._follow_holder()  # no clock of its own, nothing of its own to save
            return
        for alert in self.live.tick():
            self.notify(alert.message, title="Time", timeout=8)
            if self.settings.bell:
                self.app.bell()
            self.refresh_questions()
            self.changed_now()
        if self.live.countdown.running:
            self.editor.clock_moved()
        self._report(self.editor.tick())
        self.refresh_clock()

    # --- saving ----------------------------------------------------------------

    def save(self) -> None:
        """Save now; a failure is shown and retried, and the data stays in memory."""
        self._report(self.editor.save())
        self.refresh_clock()

    def _report(self, outcome: Outcome | None) -> None:
        report(
            self,
            outcome,
            "Your session is kept in memory and saving is retried; "
            "F9 writes a rescue copy somewhere else.",
        )

    def changed_now(self) -> None:
        """A discrete change (a tick, a referral): saved at once."""
        self._report(self.editor.changed())
        self.refresh_clock()

    @on(TextArea.Changed, "#notes")
    def notes_typed(self, event: TextArea.Changed) -> None:
        if self.handle.read_only:
            return  # the notes as their holder saved them: nothing typed here
        self.handle.session.notes = event.text_area.text
        self.editor.typed()

    # --- actions --------------------------------------------------------------

    def action_focus_questions(self) -> None:
        self.query_one("#questions").focus()

    def action_focus_notes(self) -> None:
        self.query_one("#notes").focus()

    def action_clock_style(self) -> None:
        """Big digits, or the minutes left in words: for this call, from now."""
        self.clock_style = "digits" if self.clock_style == "minutes" else "minutes"
        self._panel.use(self.clock_style)
        self.refresh_clock()
        self.notify(
            "Clock: the minutes left, in words"
            if self.clock_style == "minutes"
            else "Clock: minutes and seconds, in big digits",
            timeout=3,
        )

    def action_toggle_clock(self) -> None:
        self.notify(self.live.toggle_clock(), timeout=3)
        self.changed_now()
        self.refresh_all()

    def action_reopen(self) -> None:
        used = format_call_time(self.live.elapsed())

        def chosen(choice: str | None) -> None:
            if choice == "reopen" and self.live.ended:
                self.notify(self.live.reopen(), timeout=3)
                self.changed_now()
                self.refresh_all()
                self.refresh_bindings()

        self.app.push_screen(
            ChoiceModal(
                "Reopen the call?",
                f"It ended after {used}. Reopened, its clock runs again from there "
                "and the timeline says so. Notes and referrals need no reopening.",
                [("r", "reopen the call", "reopen"), ("n", "no, keep it ended", "")],
            ),
            chosen,
        )

    def action_asked_next(self) -> None:
        following = self.live.mark_asked_and_next()
        self.changed_now()
        self.refresh_questions()
        checklist = self.query_one("#questions", Checklist)
        if following is not None:
            checklist.highlighted = self.handle.session.questions.index(following)

    def action_key_point(self) -> None:
        when = self.live.moment()  # the point was made now, however long the typing takes
        stamp = format_call_time(when.call_seconds)

        def done(text: str | None) -> None:
            if not text:
                return
            point = self.live.key_point(text, when)
            notes = self.query_one("#notes", TextArea)
            prefix = "" if not notes.text or notes.text.endswith("\n") else "\n"
            notes.insert(f"{prefix}[{stamp}] {point.text}\n", notes.document.end)
            self.handle.session.notes = notes.text  # before its Changed message arrives
            self.changed_now()

        self.app.push_screen(TextPrompt(f"Key point at {stamp} into the call"), done)

    def action_extend(self) -> None:
        most = self.live.most_to_take_back()

        def done(minutes: int | None) -> None:
            if not minutes or self.live.ended:
                return
            if minutes > 0:
                self.live.extend(minutes)
                self.notify(f"Limit extended by {minutes} min", timeout=3)
            else:
                # The clock ran on while the prompt was open: what may be taken
                # back can only have shrunk, so take what still may be, and say so.
                taken = min(-minutes, self.live.most_to_take_back())
                if taken < 1:
                    self.notify("Nothing can be taken back now: the time used has reached it.")
                    return
                self.live.take_back(taken)
                limit = format_clock(self.live.countdown.limit_seconds)
                self.notify(f"{taken} min taken back: the limit is {limit}", timeout=3)
            self.changed_now()
            self.refresh_clock()

        hint = f"1 to {EXTEND_MOST} adds minutes"
        hint += f"; -1 to -{most} takes them back." if most else "."
        self.app.push_screen(
            MinutesPrompt(
                "Extend the call by how many minutes?",
                10,
                low=-most or 1,
                high=EXTEND_MOST,
                hint=hint,
            ),
            done,
        )

    def action_add_referral(self) -> None:
        def done(referral: Referral | None) -> None:
            if referral is None:
                return
            if not any(r is referral for r in self.handle.session.referrals):
                # Handed over early on a quit or a signal, then again as the form closes.
                self.live.add_referral(referral)
                self.notify(f"Referral added: {referral.name}", timeout=3)
            self.changed_now()
            self.refresh_referrals()

        self.app.push_screen(ReferralForm(take=done), done)

    def action_end_call(self) -> None:
        summary = self.live.end()
        self.changed_now()
        self.refresh_all()
        self.refresh_bindings()  # the footer and palette now offer what applies after a call
        self.app.push_screen(MessageModal("Call ended", summary_text(summary)))

    # --- checklist keys ---------------------------------------------------------

    def _selected_question(self) -> Question | None:
        index = self.query_one("#questions", Checklist).highlighted
        questions = self.handle.session.questions
        return questions[index] if index is not None and index < len(questions) else None

    def _question_changed(self, question: Question) -> None:
        self.changed_now()
        self.refresh_questions()
        checklist = self.query_one("#questions", Checklist)
        checklist.highlighted = self.handle.session.questions.index(question)

    def action_toggle_asked(self) -> None:
        question = self._selected_question()
        if question is not None:
            self.live.set_asked(question, not question.asked)
            self._question_changed(question)

    def action_toggle_must(self) -> None:
        question = self._selected_question()
        if question is not None:
            self.live.toggle_must(question)
            self._question_changed(question)

    def action_toggle_star(self) -> None:
        question = self._selected_question()
        if question is not None:
            self.live.toggle_star(question)
            self._question_changed(question)

    def action_move_question(self, offset: int) -> None:
        question = self._selected_question()
        if question is not None:
            self.live.move(question, offset)
            self._question_changed(question)

    def action_answer(self) -> None:
        question = self._selected_question()
        if question is None:
            return

        def done(text: str | None) -> None:
            if text is not None:
                question.answer = text.strip()
                self._question_changed(question)

        self.app.push_screen(TextPrompt(f"Answer note: {question.text}", question.answer), done)

    def action_new_question(self) -> None:
        def done(text: str | None) -> None:
            if text and text.strip():
                self._question_changed(self.live.add_question(text.strip()))

        self.app.push_screen(TextPrompt("New question"), done)

    # --- referrals: edit and remove --------------------------------------------

    def _selected_referral(self) -> Referral | None:
        index = self.query_one("#referrals", ReferralList).highlighted
        referrals = self.handle.session.referrals
        return referrals[index] if index is not None and index < len(referrals) else None

    @on(OptionList.OptionSelected, "#referrals")
    def edit_referral(self) -> None:
        referral = self._selected_referral()
        if referral is None:
            return
        if self.handle.read_only:
            self.notify(self._held_status(), title="Not changed", severity="warning", timeout=5)
            return

        def done(result: Referral | None) -> None:
            if result is not None:
                self.changed_now()
                self.refresh_referrals()

        self.app.push_screen(ReferralForm(referral, take=done), done)

    def action_remove_referral(self) -> None:
        referral = self._selected_referral()
        if referral is None:
            return

        def done(choice: str | None) -> None:
            if choice == "remove":
                self.live.remove_referral(referral)
                self.changed_now()
                self.refresh_referrals()
                self.notify(f"Referral removed: {referral.name}", timeout=3)

        self.app.push_screen(
            ChoiceModal(
                f"Remove {referral.name}?",
                "",
                [("y", "yes, remove this referral", "remove"), ("n", "no, keep it", "")],
            ),
            done,
        )

    # --- leaving -------------------------------------------------------------------

    def quit_call(self, end: bool) -> None:
        """Before leaving during a call: end it, or pause it to resume later."""
        if end:
            self.live.end()
        elif self.live.countdown.running:
            self.live.toggle_clock()  # paused: closed time does not count

    def confirm_leave(self, proceed: Callable[[], None]) -> None:
        """Before going back or quitting: settle a live call or a practice run first."""
        session = self.handle.session
        if self.handle.read_only:
            proceed()
            return
        if session.practice:

            def kept(choice: str | None) -> None:
                if choice is None:
                    return
                if session.state is SessionState.LIVE:
                    self.live.end()
                self.save()
                if choice == "keep":
                    try:
                        path = workspace_of(self).keep_practice(self.handle)
                    except WorkspaceError as error:
                        navigation.show_error(self, error, "Not kept")
                        return
                    self.notify(f"Practice run kept: {path.name}", timeout=5)
                else:
                    workspace_of(self).discard(self.handle)
                proceed()

            self.app.push_screen(
                ChoiceModal(
                    "End the practice run",
                    "Practice runs stay out of your history unless you keep them.",
                    [("d", "discard it", "discard"), ("k", "keep it in my history", "keep")],
                ),
                kept,
            )
            return
        if session.state is not SessionState.LIVE:
            self.save()
            proceed()
            return

        def chosen(choice: str | None) -> None:
            if choice is None:
                return
            self.quit_call(choice == "end")
            self.save()
            proceed()

        self.save()  # first, so that what the question says of saving is true
        if self.editor.failing:
            self.app.clear_notifications()  # its toast would cover the keys: this says it
            saving = (
                f"Your notes are NOT SAVED: {self.editor.tracker.error}. Either way, "
                "you choose next how to keep them."
            )
        else:
            saving = "Your notes are saved either way."
        self.app.push_screen(
            ChoiceModal(
                "The call is live",
                saving,
                [
                    ("e", "end the call", "end"),
                    ("k", "keep it open to resume later (the clock pauses)", "keep"),
                ],
            ),
            chosen,
        )

    def action_back(self) -> None:
        self.confirm_leave(self._leave)

    def _leave(self) -> None:
        def go(_: list[Path]) -> None:
            workspace = workspace_of(self)
            if self.handle in workspace.open_files:
                workspace.release(self.handle)
            self.dismiss()

        # What the folder would not take is never dropped without asking.
        settle_unsaved(self, [self.editor], go, going="leave", every_open_file=False)

    # --- a copy elsewhere when the folder will not take saves ---------------

    def action_rescue_copy(self) -> None:
        stamp = self.clock.wall().strftime("%Y%m%d-%H%M%S")
        default = Path.home() / f"iisession-rescue-{self.handle.path.stem}-{stamp}.toml"

        def done(text: str | None) -> None:
            if not text:
                return
            from ...core.paths import expand

            target = expand(text)
            try:
                write_rescue_copy(self.handle.session, target)
            except SaveError as error:
                self.notify(str(error), title="Rescue copy not written", severity="error")
            else:
                self.notify(f"Rescue copy written: {target}", timeout=10)

        self.app.push_screen(TextPrompt("Write a rescue copy to:", str(default)), done)
