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

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static, TextArea

from ...core.clock import Clock
from ...core.countdown import format_clock
from ...core.editor import Outcome, SessionEditor
from ...core.live import LiveCall, Summary
from ...core.model import Question, Referral, SessionState
from ...core.settings import Settings
from ...core.store import SaveError, SessionFile, write_rescue_copy
from ...core.workspace import WorkspaceError
from .. import navigation
from ..saving import report
from ..widgets.checklist import Checklist
from ..widgets.countdown import CountdownPanel
from ..widgets.referral_list import ReferralList
from . import workspace_of
from .prompts import ChoiceModal, MessageModal, MinutesPrompt, TextPrompt
from .referral_form import ReferralForm

INTRO_SECONDS = 180
"""How long into the call the introduction stays on screen."""


def summary_text(summary: Summary) -> str:
    lines = [
        f"Asked {summary.asked} of {summary.total} questions.",
        f"Call time {format_clock(summary.elapsed_seconds)}"
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
            "app.show_help_panel",
            "Help",
            priority=True,
            id="live.help",
            tooltip="Show the keys and what they do",
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
    ]

    HELP = """
## During the call
- **F5** starts the clock when the call begins; again to pause or resume.
- **F6** marks the current question asked and moves to the next.
- **F7** adds a key point, stamped with the call time, to the notes.
- **F8** extends the limit when they offer more time. **F10** ends the call.
- **F2** questions, **F3** notes, **F4** add a referral.
- **F9** writes a rescue copy of the session elsewhere (when saving keeps failing).

In the questions: **Space** ticks or unticks, **m** must-ask, **s** star,
**a** a short answer note, **n** a new question, **Shift+Up/Down** reorder.
In the referrals: **Enter** edits, **Delete** removes.
**Escape** goes back to the start screen and **Ctrl+Q** quits, both after
saving; during a call they ask whether to end it first.
Your introduction shows at the top until a few minutes into the call.
Every action is also in the command palette (**Ctrl+P**).
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

    def __init__(self, handle: SessionFile, clock: Clock, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.handle = handle
        self.live = LiveCall(handle.session, clock, self.settings.live)
        self.clock = clock
        self.editor = SessionEditor(handle.session, clock, handle)
        self._status_line = ""

    # --- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield CountdownPanel(id="countdown")
        yield Static("", id="status", markup=False)
        yield Static(self._intro_text(), id="intro", markup=False)
        with Horizontal(id="panes"):
            yield Checklist(id="questions")
            with Vertical(id="right"):
                yield TextArea(self.handle.session.notes, id="notes", soft_wrap=True)
                yield ReferralList(id="referrals")
        yield Footer(compact=True)

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
        self.query_one(CountdownPanel).practice = practice
        self.query_one("#intro").border_title = "Your introduction (a minute, not twenty)"
        self.sub_title = person.organisation
        self.query_one("#questions").border_title = "Questions (F2)"
        # The footer keeps to the F-keys; the list's own keys are named here.
        self.query_one("#questions").border_subtitle = "Space tick  a answer  n new"
        self.query_one("#notes").border_title = "Notes (F3)"
        self.query_one("#referrals").border_title = "Referrals (F4 adds)"
        self.query_one("#referrals").border_subtitle = "Enter edit  Del remove"
        if self.handle.read_only:
            self.notify(self.handle.read_only_reason, title="Read-only", severity="warning")
        countdown = self.live.countdown
        if (
            countdown.started
            and not countdown.running
            and self.handle.session.state is SessionState.LIVE
        ):
            self.notify(
                f"Call resumed: {format_clock(self.live.elapsed())} used; F5 runs the clock again.",
                timeout=8,
            )
        self.refresh_all()
        self.set_interval(1.0, self.tick)
        self.query_one("#questions", Checklist).focus()

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
        self.query_one("#referrals", ReferralList).show(self.handle.session.referrals)

    def refresh_clock(self) -> None:
        intro = self.query_one("#intro", Static)
        # The introduction is for the opening minutes; then the room goes to notes.
        show_intro = bool(self._intro_text()) and (
            not self.live.countdown.started or self.live.elapsed() < INTRO_SECONDS
        )
        if intro.display != show_intro:
            intro.display = show_intro
        panel = self.query_one(CountdownPanel)
        panel.limit = self.live.countdown.limit_seconds
        panel.started = self.live.countdown.started
        panel.running = self.live.countdown.running
        panel.ended = (
            self.live.session.state is SessionState.ENDED and not self.live.countdown.running
        )
        panel.remaining = self.live.remaining()
        status = self.editor.status()
        pace = self.live.pacing() if self.live.countdown.started else ""
        line = " | ".join(x for x in (pace, status) if x)
        widget = self.query_one("#status", Static)
        if line != self._status_line:  # a one-line widget: no layout pass
            self._status_line = line
            widget.update(line, layout=False)
        widget.set_class(self.editor.failing, "-unsaved")

    def tick(self) -> None:
        for alert in self.live.tick():
            self.notify(alert.message, title="Time", timeout=8)
            if self.settings.bell:
                self.app.bell()
            self.refresh_questions()
            self.changed_now()
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
        self.handle.session.notes = event.text_area.text
        self.editor.typed()

    # --- actions --------------------------------------------------------------

    def action_focus_questions(self) -> None:
        self.query_one("#questions").focus()

    def action_focus_notes(self) -> None:
        self.query_one("#notes").focus()

    def action_toggle_clock(self) -> None:
        self.notify(self.live.toggle_clock(), timeout=3)
        self.changed_now()
        self.refresh_all()

    def action_asked_next(self) -> None:
        following = self.live.mark_asked_and_next()
        self.changed_now()
        self.refresh_questions()
        checklist = self.query_one("#questions", Checklist)
        if following is not None:
            checklist.highlighted = self.handle.session.questions.index(following)

    def action_key_point(self) -> None:
        stamp = format_clock(self.live.elapsed())

        def done(text: str | None) -> None:
            if not text:
                return
            point = self.live.key_point(text)
            notes = self.query_one("#notes", TextArea)
            prefix = "" if not notes.text or notes.text.endswith("\n") else "\n"
            notes.insert(f"{prefix}[{stamp}] {point.text}\n", notes.document.end)
            self.handle.session.notes = notes.text  # before its Changed message arrives
            self.changed_now()

        self.app.push_screen(TextPrompt(f"Key point at {stamp} into the call"), done)

    def action_extend(self) -> None:
        def done(minutes: int | None) -> None:
            if minutes:
                self.live.extend(minutes)
                self.notify(f"Limit extended by {minutes} min", timeout=3)
                self.changed_now()
                self.refresh_clock()

        self.app.push_screen(MinutesPrompt("Extend the call by how many minutes?", 10), done)

    def action_add_referral(self) -> None:
        def done(referral: Referral | None) -> None:
            if referral is not None:
                self.live.add_referral(referral)
                self.changed_now()
                self.refresh_referrals()
                self.notify(f"Referral added: {referral.name}", timeout=3)

        self.app.push_screen(ReferralForm(), done)

    def action_end_call(self) -> None:
        summary = self.live.end()
        self.changed_now()
        self.refresh_all()
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

        def done(result: Referral | None) -> None:
            if result is not None:
                self.changed_now()
                self.refresh_referrals()

        self.app.push_screen(ReferralForm(referral), done)

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

        self.app.push_screen(
            ChoiceModal(
                "The call is live",
                "Your notes are saved either way.",
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
        workspace = workspace_of(self)
        if self.handle in workspace.open_files:
            workspace.release(self.handle)
        self.dismiss()

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
