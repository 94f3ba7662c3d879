"""Setting up a session: who, when, how long, preparation and questions.

Fields are checked as they are typed; the message sits under the field.
The session is saved as soon as it has a name, then as typing pauses, like
the live screen: nothing typed here is lost either. A request given a time
here (the When field left, or the form saved) has been agreed: it becomes the
planned call, as F5 a on the request screen makes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Input, Label, Static, TextArea

from ...core.clock import Clock
from ...core.editor import Outcome, SessionEditor
from ...core.model import Priority, Reply, Session, SessionState
from ...core.planning import (
    PLANNED_HINT,
    CarryOver,
    carry_over,
    carry_over_done,
    carry_over_note,
    check_limit,
    describe_planned,
    format_planned,
    parse_planned,
    unasked_before,
)
from ...core.workspace import WorkspaceError
from .. import navigation
from ..saving import report
from ..widgets.footer import Footer
from ..widgets.text_editor import TextEditor
from . import host_of, workspace_of
from .prompts import ChoiceModal

if TYPE_CHECKING:
    from pathlib import Path

    from ...core.invite import Invite
    from ...core.store import SessionFile

PERSON_FIELDS = [
    ("name", "Name", "who the call is with (required)"),
    ("title", "Job title", ""),
    ("organisation", "Organisation", ""),
    ("how_found", "How found", "alumni list, a talk, a friend..."),
    ("referred_by", "Referred by", "who passed on the contact"),
    ("contact", "How to reach", "e-mail, phone or web address"),
]
PREPARATION_FIELDS = [
    ("introduction", "Introduction", "Who you are, what you are exploring, what you hope to learn"),
    ("goals", "Goals", "What you want to come away with"),
    ("research", "Research", "Their career, the organisation, recent news"),
]


NAME_PAUSE_SECONDS = 5.0
"""A new session's file is created once the name field is left, or after this pause."""


def confirmed_label(confirmed: bool) -> str:
    return f"Confirmed with them: {'yes' if confirmed else 'no'} (Space changes it)"


def questions_summary(session: Session) -> str:
    questions = session.questions
    must = sum(q.priority is Priority.MUST for q in questions)
    closing = sum(q.closing for q in questions)
    return f"{len(questions)} ({must} must-ask, {closing} closing): F2 chooses and orders"


class SetupScreen(Screen[None]):
    """The form for one session, before the call."""

    BINDINGS = [
        Binding(
            "f2",
            "questions",
            "Questions",
            priority=True,
            tooltip="Choose and order questions",
            id="setup.questions",
        ),
        Binding(
            "f5",
            "start_call",
            "Start call",
            priority=True,
            tooltip="Start the call now: the live screen, clock running",
            id="setup.start",
        ),
        Binding(
            "f6",
            "practice",
            "Practice",
            priority=True,
            tooltip="Rehearse with a practice run",
            id="setup.practice",
        ),
        Binding(
            "f7",
            "carry_over",
            "Carry over",
            priority=True,
            tooltip="Add the questions not asked in the last call with them",
            id="setup.carry-over",
        ),
        # F8 and F10 are left out of the footer, which has no room for them at
        # 80 columns; F1 and Ctrl+P list them.
        Binding(
            "f8",
            "from_invite",
            "From invite",
            show=False,
            priority=True,
            tooltip="Fill the form from a calendar invite (an .ics file)",
            id="setup.from-invite",
        ),
        Binding(
            "f10",
            "known",
            "Known",
            show=False,
            priority=True,
            tooltip="Who do I know at the organisation typed here?",
            id="setup.known",
        ),
        Binding("escape", "back", "Back", tooltip="Back to the start screen", id="setup.back"),
    ]

    HELP = """
## Setting up a session
**Tab** and **Shift+Tab** move between fields; everything is saved as you type
once the session has a name.
- **F2** chooses, orders and marks the questions (the question bank, templates).
- **F5** starts the call now: the live screen opens with the clock running.
- **F6** starts a practice run with the same questions and limit.
- **F7** adds the questions left unasked in your last call with this person or
  organisation, when there are any.
- **F8** fills the form from a calendar invite (an .ics file): the planned
  time, the limit from its length, and the name, e-mail and meeting link
  where the form has none. An updated invite for the same call updates it.
- **F10**: who do you know at the organisation? Your network and your
  sessions there, each one key away from a request or an introduction.
- **Escape** goes back to the start screen.
"""

    def __init__(self, session: Session, handle: SessionFile | None, clock: Clock) -> None:
        super().__init__()
        self.session = session
        self.clock = clock
        self.editor = SessionEditor(session, clock, handle)
        self.created_here = handle is None
        self.offer: CarryOver | None = None
        self.problems: dict[str, str] = {}
        self._name_typed_at = 0.0
        self._committed_limit = session.limit_minutes
        self._named_after = session.planned_at
        """The planned time the file's name was made from (as far as this form knows)."""

    # --- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        s = self.session
        yield Header()
        with VerticalScroll(id="setup-form"):
            for key, label, placeholder in PERSON_FIELDS:
                with Horizontal(classes="row"):
                    yield Label(label, classes="field-label")
                    yield Input(
                        getattr(s.person, key), placeholder=placeholder, id=key, compact=True
                    )
                if key == "name":
                    yield Static("", id="name-note", classes="field-note", markup=False)
            with Horizontal(classes="row"):
                yield Label("Limit, minutes", classes="field-label")
                yield Input(str(s.limit_minutes), id="limit", compact=True, max_length=4)
            yield Static("", id="limit-note", classes="field-note", markup=False)
            with Horizontal(classes="row"):
                yield Label("When", classes="field-label")
                yield Input(
                    format_planned(s.planned_at),
                    placeholder=f"optional: {PLANNED_HINT}",
                    id="when",
                    compact=True,
                )
            yield Static("", id="when-note", classes="field-note", markup=False)
            yield Checkbox(
                confirmed_label(s.confirmed_at is not None),
                s.confirmed_at is not None,
                id="confirmed",
                compact=True,
            )
            with Horizontal(classes="row"):
                yield Label("Questions", classes="field-label")
                yield Static(questions_summary(s), id="questions-summary", markup=False)
            yield Static("", id="carry-note", classes="field-note", markup=False)
            for key, label, placeholder in PREPARATION_FIELDS:
                area = TextEditor(
                    getattr(s.preparation, key),
                    id=key,
                    soft_wrap=True,
                    placeholder=placeholder,
                    classes="prep",
                )
                area.border_title = label
                yield area
        yield Static("", id="setup-status", markup=False)
        yield Footer(compact=True)

    @property
    def handle(self) -> SessionFile | None:
        """The session's file; None until it has a name and is saved."""
        return self.editor.handle

    def on_mount(self) -> None:
        if self.editor.handle is None:
            self.editor = SessionEditor(
                self.session,
                self.clock,
                create=workspace_of(self).create,
                ready=lambda session: bool(session.person.name.strip()),
            )
        host_of(self).folder_read.subscribe(self, lambda _: self.update_carry_over())
        self.title = "iisession: set up a call"
        self._show_name()
        self._show_limit(str(self.session.limit_minutes))
        self._show_when()
        self.update_carry_over()
        if self.handle is None and self.session.person.name.strip():
            self.save()  # named on the command line: keep it from the start
        self.set_interval(1.0, self.tick)
        self.query_one("#name", Input).focus()
        self.refresh_status()

    # --- checking and copying fields into the model ------------------------------

    def _note(self, field: str, text: str, problem: bool) -> None:
        note = self.query_one(f"#{field}-note", Static)
        note.update(text)
        note.set_class(problem, "-problem")
        note.display = bool(text)
        if problem:
            self.problems[field] = text
        else:
            self.problems.pop(field, None)

    def _show_name(self) -> None:
        if self.session.person.name.strip():
            self._note("name", "", False)
        else:
            self._note("name", "A name is needed (even a first name) before this is saved.", True)

    def _show_limit(self, text: str) -> None:
        minutes, note = check_limit(text)
        if minutes is None:
            # Typing 181 passes through 18: the limit falls back to the one the
            # field had before, not to whatever was typed on the way.
            self.session.limit_minutes = self._committed_limit
            self._note(
                "limit", f"{note}; it stays {self._committed_limit} until this is fixed.", True
            )
            return
        self.session.limit_minutes = minutes
        self._note("limit", note, False)

    @on(Input.Blurred, "#limit")
    def limit_left(self) -> None:
        if "limit" not in self.problems:
            self._committed_limit = self.session.limit_minutes

    def _show_when(self) -> None:
        text = self.query_one("#when", Input).value
        now = self.clock.wall()
        try:
            moment = parse_planned(text, now=now)
        except ValueError as error:
            why = str(error)
            self._note("when", f"{why[:1].upper()}{why[1:]}.", True)
            return
        self.session.planned_at = moment
        note = ""
        if moment is not None:
            # The date understood, in words: "fri 10am" is checked at a glance.
            note = describe_planned(moment)
            if moment < now:
                note += ": that time has passed; fine for a call you are about to hold."
        self._note("when", note, False)

    @on(Input.Changed)
    def field_typed(self, event: Input.Changed) -> None:
        key = event.input.id or ""
        value = event.value
        if key == "limit":
            self._show_limit(value)
        elif key == "when":
            self._show_when()
        elif key == "name":
            self._name_typed_at = self.clock.steady()
            # An emptied name keeps the last one in the file: a session needs a name.
            if value.strip():
                self.session.person.name = value.strip()
            self._note(
                "name",
                "" if value.strip() else "A name is needed (even a first name).",
                not value.strip(),
            )
        elif hasattr(self.session.person, key):
            setattr(self.session.person, key, value.strip())
        self.changed()

    @on(Input.Blurred, "#name, #organisation")
    def who_changed(self) -> None:
        self.update_carry_over()

    @on(Checkbox.Changed, "#confirmed")
    def confirmed(self, event: Checkbox.Changed) -> None:
        self.session.confirmed_at = self.clock.wall() if event.value else None
        # In words too: the box alone shows its state only in colour.
        event.checkbox.label = confirmed_label(event.value)
        self.changed(at_once=True)

    @on(TextArea.Changed, ".prep")
    def prep_typed(self, event: TextArea.Changed) -> None:
        setattr(self.session.preparation, event.text_area.id or "", event.text_area.text)
        self.changed()

    # --- saving ------------------------------------------------------------------

    def changed(self, at_once: bool = False) -> None:
        self.editor.typed()
        if at_once:
            self.save()
        self.refresh_status()

    def tick(self) -> None:
        now = self.clock.steady()
        typing_name = self.handle is None and self.focused is self.query_one("#name")
        if typing_name and now - self._name_typed_at < NAME_PAUSE_SECONDS:
            return  # the file is named after the person: wait until the name is typed
        self._report(self.editor.tick())
        self.refresh_status()

    @on(Input.Blurred, "#name")
    def name_left(self) -> None:
        if self.handle is None and self.session.person.name.strip():
            self.save()
            self.refresh_status()

    @on(Input.Blurred, "#when")
    def when_left(self) -> None:
        if self.handle is not None:
            self.save()  # and the file takes the name of the planned time
            self.refresh_status()

    def save(self) -> bool:
        """Save now (creating the file once there is a name); False if it did not.

        Saves made now (not those of typing) also rename the file after the
        planned time when it was set or changed since the file was named, and
        make a request with a time the planned call."""
        self._agreed_if_planned()
        outcome = self.editor.save()
        self._report(outcome)
        if outcome.saved and self.handle is not None:
            self._name_after_plan(self.handle)
        return outcome.saved

    def _agreed_if_planned(self) -> None:
        """A request given a time has been agreed: it becomes the planned call
        (in the follow-ups' eyes too), and its file takes the planned name."""
        session = self.session
        if session.state is not SessionState.REQUESTED or session.planned_at is None:
            return
        if self.editor.read_only or "when" in self.problems:
            return
        if session.request is not None:
            session.request.reply = Reply.AGREED
            session.request.replied_at = session.request.replied_at or self.clock.wall()
        session.state = SessionState.PLANNED
        self._named_after = None  # named as a request: the planned name is due
        self.editor.typed()  # saved now, or retried as typing is
        self.notify("They agreed: this is now the planned call.", timeout=6)

    def _name_after_plan(self, handle: SessionFile) -> None:
        """The planned time changed since the file was named: rename it to match."""
        planned = self.session.planned_at
        if planned == self._named_after:
            return  # a file named otherwise (by hand, say) keeps its name
        try:
            renamed = workspace_of(self).name_after_plan(handle)
        except WorkspaceError as error:
            navigation.show_error(self, error, "File not renamed")
            return
        self._named_after = planned
        if renamed is not None:
            self.sub_title = renamed.name

    def _report(self, outcome: Outcome | None) -> None:
        report(self, outcome, "What you typed is kept here and saving is retried.")
        if outcome is not None and outcome.created and self.handle is not None:
            self.sub_title = self.handle.path.name
            self._named_after = self.session.planned_at  # the new file's name says it

    def refresh_status(self) -> None:
        status = self.query_one("#setup-status", Static)
        if self.handle is None:
            text = "Not saved yet: give a name and it is saved as you type."
        else:
            text = self.editor.status()
        status.update(text, layout=False)
        status.set_class(self.editor.failing, "-unsaved")

    # --- questions -----------------------------------------------------------------

    def refresh_questions(self) -> None:
        self.query_one("#questions-summary", Static).update(questions_summary(self.session))

    def update_carry_over(self) -> None:
        """Offer what went unasked last time with this person or organisation."""
        person = self.session.person
        earlier = workspace_of(self).related_sessions(person.name, person.organisation)
        self.offer = carry_over(earlier, person.name, person.organisation, self.session)
        self._note("carry", "" if self.offer is None else carry_over_note(self.offer), False)

    def action_carry_over(self) -> None:
        from ...core.bank import insert_position

        # Against the list as it is now: only what it does not hold yet.
        person = self.session.person
        earlier = workspace_of(self).related_sessions(person.name, person.organisation)
        found = unasked_before(earlier, person.name, person.organisation, self.session)
        for question in found.questions if found is not None else []:
            questions = self.session.questions
            questions.insert(insert_position(questions, question), question)
        self.notify(carry_over_done(found))
        self.offer = None
        self._note("carry", "", False)
        if found is not None and found.questions:
            self.refresh_questions()
            self.changed(at_once=True)

    def action_questions(self) -> None:
        def done(_: None) -> None:
            self.refresh_questions()
            self.update_carry_over()
            self.changed(at_once=True)

        from .picker import PickerScreen

        name = self.session.person.name or "this call"
        picker = PickerScreen(
            self.session.questions,
            navigation.bank_of(self),
            on_change=self.changed,
            heading=f"For {name}",
        )
        self.app.push_screen(picker, done)

    # --- the people known there, and calendar invites -------------------------------

    def action_known(self) -> None:
        from .known import KnownScreen

        organisation = self.query_one("#organisation", Input).value.strip()
        if not organisation:
            self.notify("Type the organisation first.", timeout=4)
            self.query_one("#organisation", Input).focus()
            return
        self.app.push_screen(KnownScreen(organisation, current_id=self.session.id))

    def action_from_invite(self) -> None:
        from .prompts import TextPrompt

        if self.editor.read_only:
            self.notify(self.editor.read_only_reason, title="Read only", severity="warning")
            return
        self.app.push_screen(
            TextPrompt(
                "Fill the form from a calendar invite: the path of its .ics file",
                placeholder="~/Downloads/invite.ics",
            ),
            self._invite_typed,
        )

    def _invite_typed(self, typed: str | None) -> None:
        from ...core.invite import InviteProblem, read_invite_file
        from ...core.paths import expand

        where = (typed or "").strip().strip("'\"")  # a path dropped in comes quoted
        if not where:
            return
        try:
            invite = read_invite_file(expand(where))
        except InviteProblem as problem:
            self.notify(str(problem), title="Invite not used", severity="error", timeout=12)
            return
        if invite.cancelled:
            self.notify(
                "This invite cancels the event: nothing here is changed.",
                title="Invite not used",
                severity="warning",
                timeout=8,
            )
            return
        held = [
            (file, s)
            for file, s in workspace_of(self).read_sessions().sessions
            if invite.uid and s.invite_uid == invite.uid and s.id != self.session.id
        ]
        if not held:
            self.fill_from_invite(invite)
            return
        file, other = held[0]
        path = workspace_of(self).sessions_dir / file

        def chosen(choice: str | None) -> None:
            if choice == "open":
                self.confirm_leave(lambda: self._open_instead(path, other.state))

        self.app.push_screen(
            ChoiceModal(
                "This invite is in another session already",
                f"{other.person.name or 'A session'} ({file}) was set up from it."
                + (
                    " An updated invite belongs there too: F8 there takes it."
                    if other.state is SessionState.PLANNED
                    else ""
                ),
                [("o", "open that session instead", "open"), ("n", "change nothing", "")],
            ),
            chosen,
        )

    def _open_instead(self, path: Path, state: SessionState) -> None:
        below = self.app.screen_stack[-2]
        self._leave()
        if state is SessionState.PLANNED:
            navigation.open_setup(below, path)
        elif state is SessionState.REQUESTED:
            navigation.open_request(below, path)
        else:
            navigation.open_detail(below, path)

    def fill_from_invite(self, invite: Invite) -> None:
        """The invite's time and length; its person's name, e-mail and the meeting
        link where the form has none; its UID, so an update finds this session."""
        from ...core.invite import limit_from
        from ...core.workspace import Workspace

        session = self.session
        name, email = invite.person(workspace_of(self).profile.email)
        filled: list[str] = []
        for key, value in (("name", name), ("contact", email)):
            field = self.query_one(f"#{key}", Input)
            if value and not field.value.strip():
                field.value = value
                setattr(session.person, key, value)
                filled.append("the name" if key == "name" else "the e-mail")
        session.planned_at = invite.start
        self.query_one("#when", Input).value = format_planned(invite.start)
        self._show_when()  # now, not once the field says it changed: saved below
        minutes, note = limit_from(invite)
        told = [describe_planned(invite.start)]
        if minutes is not None:
            self.query_one("#limit", Input).value = str(minutes)
            self._show_limit(str(minutes))
            self._committed_limit = minutes
            told.append(f"{minutes} minutes")
        else:
            note = f"{note[:1].upper()}{note[1:]}; the limit stays {session.limit_minutes}."
            self._note("limit", note, False)
        research = Workspace._with_link(session.preparation.research, invite.link)
        if research != session.preparation.research:
            session.preparation.research = research
            self.query_one("#research", TextArea).text = research
            filled.append("the meeting link")
        session.invite_uid = invite.uid
        self.save()
        self.refresh_status()
        said = "From the invite: " + ", ".join(told)
        if filled:
            listed = ", ".join(filled[:-1]) + " and " if len(filled) > 1 else ""
            said += f"; filled in: {listed}{filled[-1]}"
        self.notify(said + (f". {note}" if note else "."), timeout=8)

    # --- leaving -------------------------------------------------------------------

    def _ready(self, purpose: str) -> bool:
        if not self.session.person.name.strip():
            self.notify(f"Give a name before {purpose}.", severity="warning")
            self.query_one("#name", Input).focus()
            return False
        if self.problems:
            field, problem = next(iter(self.problems.items()))
            self.notify(f"{problem}", title=f"Check the {field} first", severity="warning")
            self.query_one(f"#{field}" if field != "carry" else "#name").focus()
            return False
        return True

    def action_start_call(self) -> None:
        if not self._ready("starting the call"):
            return
        if not self.save():
            self.notify("The session could not be saved; see the message above.", severity="error")
            return
        handle = self.editor.detach()
        assert handle is not None
        # The same open file goes on to the live screen, in this screen's place,
        # with the clock running: the user asked to start the call now.
        navigation.live_screen(self, handle, replace=True, start=True)

    def action_practice(self) -> None:
        if self._ready("a practice run"):
            self.save()
            navigation.practise_session(self, self.session)

    def confirm_leave(self, proceed: Callable[[], None]) -> None:
        """Before going back or quitting: a new, unnamed session is offered to be dropped."""
        if self.handle is not None:
            self.save()
            proceed()
            return
        typed = any(
            (
                self.session.preparation.introduction,
                self.session.preparation.goals,
                self.session.preparation.research,
                self.session.person.organisation,
                self.session.person.title,
            )
        )
        if not typed:
            proceed()
            return

        def chosen(choice: str | None) -> None:
            if choice == "discard":
                proceed()

        self.app.push_screen(
            ChoiceModal(
                "This session has no name, so it is not saved",
                "Give a name to keep what you typed.",
                [("d", "discard what I typed", "discard"), ("n", "go back and give a name", "")],
            ),
            chosen,
        )

    def action_back(self) -> None:
        self.confirm_leave(self._leave)

    def _leave(self) -> None:
        handle = self.editor.detach()
        if handle is not None:
            workspace_of(self).release(handle)
        self.dismiss()
