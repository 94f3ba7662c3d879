"""Asking someone for the conversation: the request, what it meets, where it stands.

The request text is checked as it is typed against what the craft asks of it
(plain rules, shown beside the text: a column on a wide terminal, a few lines
under the text on a narrow one). F5 records what happened, as fits where it
stands: sent, followed up, agreed (the session becomes the planned call, and
the setup form opens on it, nothing retyped), declined, no reply, or the last
of these taken back. F8 shows the one follow-up, F9 edits the subject (F7 is
the text box's own: select all).

Once the call is planned or held, the request is its history: shown read
only, and nothing here changes it (e opens the call instead).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from ...core.model import Reply, Request, SessionState
from ...core.requests import (
    MAX_WORDS,
    Check,
    Stage,
    check_request,
    checks_for,
    checks_met,
    follow_up_draft,
    follow_up_subject,
    request_draft,
    stage_of,
)
from ...core.todo import ASK_NEXT_AFTER, FOLLOW_UP_AFTER, GIVE_UP_AFTER, DueKind, due_items
from ...core.workdays import describe_day, due_after
from ...core.workspace import WorkspaceError
from .. import navigation
from . import workspace_of
from .draft import DraftScreen

if TYPE_CHECKING:
    from ...core.profile import Profile
    from ...core.store import SessionFile

WIDE_FROM = 90
"""From this many columns the checks stand beside the text; below, under it."""

SHORT_LABELS = {
    "Names the connection first": "connection",
    "Asks for information and advice": "advice",
    "Does not ask for a job or position": "no job ask",
    "Says how long": "how long",
    "At their convenience": "their time",
    "More about them than you": "about them",
    "Ends with a question": "ends with ?",
}
"""The checks' labels in the one line a narrow terminal has room for."""

WORDS_LABEL = f"About {MAX_WORDS} words at most"

FOLLOW_UP_SKIPS = ("Names the connection first",)
"""Made in the request already: the follow-up is a reply in the same thread."""

WHEN_HINT = "friday 10:00, tomorrow 14:00, 2026-11-24 14:00; empty: no date yet"


def render_checks(checks: list[Check]) -> Table:
    """The checks in a column: each ✓ (met) or · (not yet), its label, and under
    it what was found (the label and detail wrap under the label, not the mark)."""
    table = Table.grid(padding=(0, 1))
    table.add_column(width=1, no_wrap=True)
    table.add_column()
    for check in checks:
        text = Text(check.label, style="" if check.ok else "bold")
        if check.detail:
            text.append("\n" + check.detail, style="dim")
        table.add_row("✓" if check.ok else "·", text)
    return table


def render_checks_short(checks: list[Check], width: int = 0) -> Text:
    """The checks in a few lines: short labels, broken between checks to fit
    ``width`` (0: one line), then only what is not met yet, with what to do."""
    items = [f"Checks {checks_met(checks)}:"]
    for check in checks:
        label = SHORT_LABELS.get(check.label, check.label)
        if check.label == WORDS_LABEL:
            label = check.detail or label  # the count itself: "84 words"
        items.append(f"{'✓' if check.ok else '·'} {label}")
    lines = [items[0]]
    for item in items[1:]:
        if width and len(lines[-1]) + 2 + len(item) > width:
            lines.append(item)
        else:
            lines[-1] += "  " + item
    text = Text("\n".join(lines))
    text.stylize("bold", 0, len(items[0]))
    for check in checks:
        if not check.ok:
            text.append(f"\n· {check.label}" + (f": {check.detail}" if check.detail else ""))
    return text


class RequestScreen(DraftScreen):
    """The request to one person: edit it, send it your way, say what came back."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_FROM, "-wide")]

    # Narrow (below WIDE_FROM columns) unless the screen is marked wide: the
    # first frame, before the screen knows its width, is the common 80 columns.
    DEFAULT_CSS = """
    RequestScreen #draft-body {
        layout: vertical;
    }
    RequestScreen #request-checks {
        width: 1fr;
        height: auto;
        max-height: 5;
        padding: 0 1;
    }
    RequestScreen #checks-full {
        display: none;
    }
    /* A line each for who, the subject and how they were found: the text keeps its room. */
    RequestScreen #draft-to {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    /* The footer keeps its room for the request's keys (Ctrl+P still works). */
    RequestScreen Footer .-command-palette {
        display: none;
    }
    RequestScreen.-wide #draft-body {
        layout: horizontal;
    }
    RequestScreen.-wide #request-checks {
        width: 32;
        height: 1fr;
        max-height: 100%;
        border: round $primary;
    }
    RequestScreen.-wide #checks-full {
        display: block;
    }
    RequestScreen.-wide #checks-short {
        display: none;
    }
    RequestScreen.-wide #draft-to {
        text-wrap: wrap;
    }
    RequestScreen.-wide Footer .-command-palette {
        display: block;
    }
    """

    BINDINGS = [
        # F4 (to a file) is left out of the footer, which has room at 80
        # columns for the request's own keys; F1 and Ctrl+P still list it.
        *(
            replace(b, show=False) if isinstance(b, Binding) and b.id == "draft.save" else b
            for b in DraftScreen.BINDINGS
        ),
        Binding(
            "f5",
            "reply",
            "Reply",
            priority=True,
            tooltip="Record what happened: sent, followed up, agreed, declined, no reply",
            id="request.reply",
        ),
        # F9, not F7: F7 is the text box's select-all.
        Binding(
            "f9",
            "subject",
            "Subject",
            priority=True,
            tooltip="Edit the subject line",
            id="request.subject",
        ),
        Binding(
            "f8",
            "follow_up",
            "Follow-up",
            priority=True,
            tooltip="Switch between the request and the one follow-up",
            id="request.follow-up",
        ),
        Binding(
            "f10",
            "known",
            "Known",
            priority=True,
            tooltip="Who do I know at their organisation?",
            id="request.known",
        ),
        # Only on a request that is history (its text read only, so the key
        # is not typed): the planned call, or the page of the held one.
        Binding(
            "e",
            "open_call",
            "Open call",
            tooltip="Open the planned call in the setup form, or the held call's page",
            id="request.open-call",
        ),
    ]

    HELP = """
## Asking for the conversation
The request is drafted from what you know of them and signed from your
profile. Edit it here (or **F6** in your own editor); it is kept as you type.
Beside it, what it meets of what works: short (about 100 words), the
connection first (who suggested them, or how you found them), asking for
information and advice and not a job, how long (your limit), at their
convenience, more about them than you, ending with a question.

Send it your way: **F2** copies it, **F3** opens it in your e-mail program
with its subject (**F9** edits the subject), **F4** writes it to a file.

**F5** records what happened, as fits where it stands: **s** sent it now
(until it is sent), **f** followed up now, **a** they agreed (say when, and
the setup form opens for the call), **d** declined, **n** no reply (move on),
**w** takes the last of these back.

**F10**: who do you know at their organisation? Your network and your
sessions there, each one key away from a request or an introduction.

Once the call is planned or held, the request is kept as its history, read
only: **e** opens the planned call in the setup form, or the held call's page.

Counted in business days (weekends and the holidays in your config skipped;
sent after noon counts from the next day): with no reply after 3, ask the next
person at the organisation; after 7, follow up once (**F8** drafts it and
switches back); 7 after that, mark it no reply and move on. One request at a
time per organisation: sending while someone there is still waiting asks first.
"""

    def __init__(self, handle: SessionFile, *, may_name_referrer: bool = True) -> None:
        super().__init__(handle)
        self.may_name_referrer = may_name_referrer
        """Whoever suggested them said they may be named (or nobody did)."""
        self.following_up = False
        """The text shown is the follow-up, not the request."""
        self.checks: list[Check] = []
        self._checks_due = False

    @property
    def request(self) -> Request:
        request = self.handle.session.request
        assert request is not None  # given one before the screen opens
        return request

    @property
    def read_only(self) -> bool:
        """The call is planned, live or held: the request is its history."""
        return self.handle.session.state is not SessionState.REQUESTED

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("editor", "subject"):
            return not self.read_only
        if action == "open_call":
            return self.read_only
        if action == "follow_up" and self.read_only:
            return bool(self.request.follow_up_text.strip())  # none is drafted now
        return True

    # --- what the draft screen asks -------------------------------------------------

    @property
    def recipient(self) -> tuple[str, str]:
        person = self.handle.session.person
        return person.name, person.contact

    @property
    def stored(self) -> str:
        return self.request.follow_up_text if self.following_up else self.request.text

    def store_text(self, text: str) -> None:
        if self.following_up:
            self.request.follow_up_text = text
        else:
            self.request.text = text

    def mail_subject(self) -> str:
        if self.following_up:
            return follow_up_subject(self.request)
        return self.request.subject

    def about(self) -> str:
        person = self.handle.session.person
        where = ", ".join(x for x in (person.title, person.organisation) if x)
        lines = [f"Subject: {self.mail_subject() or '(none: F9)'}"]
        found = person.how_found
        referrer = person.referred_by
        if referrer and referrer.casefold() not in found.casefold():
            found = ", ".join(x for x in (found, f"referred by {referrer}") if x)
        lines.append(" · ".join(x for x in (where, found and f"Found: {found}") if x))
        return "\n".join(line for line in lines if line)

    def file_stem(self) -> str:
        from ...core.naming import slugify

        kind = "follow-up" if self.following_up else "request"
        return f"{kind}-{slugify(self.handle.session.person.name)}"

    def status(self) -> str:
        line = self.stage_line()
        if self.read_only:
            opens = "it in the setup form" if self.planned else "its page"
            return f"{line} The request is kept as the call's history, read only: e opens {opens}."
        if self.request.sent_at is None and stage_of(self.handle.session) is Stage.TO_ASK:
            return f"{line} F5 s once you have sent it."
        return line

    @property
    def planned(self) -> bool:
        return self.handle.session.state is SessionState.PLANNED

    def offer_profile(self) -> None:
        if not self.read_only:  # nothing is drafted for a request that is history
            super().offer_profile()

    def redraft(self, before: Profile) -> bool:
        if self.read_only:
            return False
        session = self.handle.session
        profile = workspace_of(self).profile
        request = self.request
        made = False
        drafted = request_draft(session, before, may_name_referrer=self.may_name_referrer)
        if request.text == drafted:
            request.text = request_draft(session, profile, may_name_referrer=self.may_name_referrer)
            made = True
        if request.follow_up_text and request.follow_up_text == follow_up_draft(session, before):
            request.follow_up_text = follow_up_draft(session, profile)
            made = True
        return made

    # --- layout ---------------------------------------------------------------------

    def compose_beside(self) -> ComposeResult:
        with Vertical(id="request-checks"):
            yield Static("", id="checks-full")
            yield Static("", id="checks-short")

    def on_mount(self) -> None:  # DraftScreen.on_mount runs as well (Textual calls both)
        self.sub_title = f"request to {self.handle.session.person.name}"
        self.query_one(TextArea).read_only = self.read_only
        self.show_which()
        self.show_checks()

    def on_resize(self) -> None:
        # The short checks break between checks, at the width there is now.
        if self.checks:
            self.call_after_refresh(self.show_checks)

    def show_which(self) -> None:
        area = self.query_one(TextArea)
        area.border_title = "Follow-up (F8: the request)" if self.following_up else "Request"
        area.border_subtitle = "" if self.following_up else "F8: the follow-up"
        if self.read_only:
            area.border_title += " (read only)"
            if not self.request.follow_up_text.strip():
                area.border_subtitle = ""  # none was written, and none is drafted now

    # --- the checks -----------------------------------------------------------------

    @on(TextArea.Changed)
    def recheck(self) -> None:
        # Once per refresh, however many changes came in a burst of keys.
        if not self._checks_due:
            self._checks_due = True
            self.call_after_refresh(self.show_checks)

    def show_checks(self) -> None:
        self._checks_due = False
        session = self.handle.session
        profile = workspace_of(self).profile
        if self.following_up:
            checks = check_request(
                self.stored,
                limit_minutes=session.limit_minutes,
                signature=profile.sign_off(),
                title=session.person.title,
                organisation=session.person.organisation,
            )
            checks = [c for c in checks if c.label not in FOLLOW_UP_SKIPS]
        else:
            checks = checks_for(
                session, self.stored, profile, may_name_referrer=self.may_name_referrer
            )
        self.checks = checks
        box = self.query_one("#request-checks", Vertical)
        box.border_title = f"Checks: {checks_met(checks)}"
        self.query_one("#checks-full", Static).update(render_checks(checks))
        short = self.query_one("#checks-short", Static)
        short.update(render_checks_short(checks, short.content_size.width))

    # --- where it stands ------------------------------------------------------------

    def stage_line(self) -> str:
        """The stage, with its dates, and the next step by the follow-up rules."""
        session = self.handle.session
        request = self.request
        workspace = workspace_of(self)
        holidays = workspace.settings.holidays
        now = workspace.clock.wall()
        org = session.person.organisation
        stage = stage_of(session)
        if stage is Stage.TO_ASK:
            return "To ask: not sent yet."
        if stage is Stage.MET:
            return "Met: the call has been held."
        if stage is Stage.AGREED:
            planned = session.planned_at
            when = f" for {planned.astimezone():%a %d %b, %H:%M}" if planned else " (no date yet)"
            return f"They agreed: call planned{when}."
        if stage in (Stage.DECLINED, Stage.NO_REPLY):
            said = "Declined" if stage is Stage.DECLINED else "No reply: moved on"
            return said + (f" {describe_day(request.replied_at)}." if request.replied_at else ".")
        sent = request.sent_at
        assert sent is not None  # waiting or followed up: sent
        if stage is Stage.FOLLOWED_UP and request.followed_up_at is not None:
            give_up = due_after(request.followed_up_at, GIVE_UP_AFTER, holidays)
            line = (
                f"Followed up {describe_day(request.followed_up_at)} (asked {describe_day(sent)}): "
            )
            if now >= give_up:
                return line + "no reply still, so mark it no reply and move on."
            return line + f"if no reply by {describe_day(give_up)}, mark it no reply and move on."
        follow = due_after(sent, FOLLOW_UP_AFTER, holidays)
        line = f"Waiting since {describe_day(sent)}: "
        if now >= follow:
            return line + "time to follow up, once (F8 drafts it)."
        later = f"follow up once from {describe_day(follow)}"
        ask = self.ask_next()
        if ask is not None:
            due, who = ask
            if now >= due:
                return line + f"ask {who} at {org} now; {later}."
            return line + f"no reply by {describe_day(due)}, ask {who} at {org}; {later}."
        return line + later + "."

    def ask_next(self) -> tuple[dt.datetime, str] | None:
        """When to ask the next person at the organisation, and who (the
        follow-ups' rule: someone there not asked yet), if anyone."""
        if not self.handle.session.person.organisation.strip():
            return None
        workspace = workspace_of(self)
        file = self.handle.path.name
        found = workspace.read_sessions().sessions
        # This one as it is here: the folder may lag a save behind.
        sessions = [(f, s) for f, s in found if f != file] + [(file, self.handle.session)]
        items = due_items(sessions, holidays=workspace.settings.holidays)
        due = next((d for d in items if d.kind is DueKind.ASK_NEXT and d.file == file), None)
        if due is None:
            return None
        them = dict(sessions).get(due.next_file)
        who = "the next person"
        if them is not None:
            referral = next((r for r in them.referrals if r.id == due.next_referral), None)
            who = referral.name if referral is not None else them.person.name
        return due.due, who or "the next person"

    # --- F9, F8, e ---------------------------------------------------------------------

    def action_subject(self) -> None:
        from .prompts import TextPrompt

        if self.read_only:
            return
        if self.following_up:
            self.notify("The follow-up goes as a reply: Re: the request's subject.", timeout=5)
            return

        def typed(value: str | None) -> None:
            if value is None or value.strip() == self.request.subject:
                return
            self.request.subject = " ".join(value.split())
            assert self.editor is not None
            self.editor.typed()  # a failed save is retried, as typing is
            self.show_heading()
            if not self.save():
                self.notify(
                    "The new subject is kept here but not saved yet; saving is retried.",
                    title="Subject not saved yet",
                    severity="warning",
                    timeout=8,
                )

        self.app.push_screen(TextPrompt("Subject", self.request.subject), typed)

    def action_editor(self) -> None:
        if not self.read_only:
            super().action_editor()

    def action_known(self) -> None:
        from .known import KnownScreen

        session = self.handle.session
        organisation = session.person.organisation.strip()
        if not organisation:
            self.notify(f"No organisation is given for {session.person.name}.", timeout=5)
            return
        self.app.push_screen(KnownScreen(organisation, current_id=session.id))

    def action_open_call(self) -> None:
        """The call this request became, in this screen's place: the planned one
        in the setup form (the same open file), the held one's page."""
        if not self.read_only:
            return
        session = self.handle.session
        if self.planned:
            assert self.editor is not None
            handle = self.editor.detach()
            assert handle is not None
            navigation.setup_screen(self, session, handle, replace=True)
            return
        path = self.handle.path
        workspace_of(self).release(self.handle)
        navigation.open_detail(self, path, replace=True)

    def action_follow_up(self) -> None:
        request = self.request
        if self.read_only and not self.following_up and not request.follow_up_text.strip():
            self.notify("No follow-up was written for this request.", timeout=4)
            return
        self.following_up = not self.following_up
        if self.following_up and not request.follow_up_text.strip():
            workspace = workspace_of(self)
            request.follow_up_text = follow_up_draft(self.handle.session, workspace.profile)
            assert self.editor is not None
            self.editor.typed()
        self.show_text()
        self.show_which()
        self.show_heading()
        self.show_checks()
        self.query_one(TextArea).focus()

    # --- F5: what happened -------------------------------------------------------------

    def reply_choices(self) -> list[tuple[str, str, str]]:
        """What F5 offers, as fits where the request stands: only what can come
        next, and taking back the last step (nothing once the call is planned)."""
        if self.read_only:
            return []
        stage = stage_of(self.handle.session)
        agreed = ("a", "they agreed: plan the call", "agreed")
        declined = ("d", "declined", "declined")
        no_reply = ("n", "no reply, move on", "no-reply")
        undo = self._undo_label()
        back = [("w", f"undo: {undo}", "undo")] if undo else []
        if stage is Stage.TO_ASK:
            return [("s", "sent it now", "sent"), agreed, declined]
        if stage is Stage.WAITING:
            return [("f", "followed up now", "followed-up"), agreed, declined, no_reply, *back]
        if stage is Stage.FOLLOWED_UP:
            return [agreed, declined, no_reply, *back]
        if stage is Stage.AGREED:  # agreed, the file not the planned call yet
            return [agreed, *back]
        return back  # declined, no reply

    def action_reply(self) -> None:
        from .prompts import ChoiceModal

        if self.read_only:
            self.notify(self.history_note(), timeout=8)
            return
        name = self.handle.session.person.name
        self.app.push_screen(
            ChoiceModal(f"The request to {name}", self.stage_line(), self.reply_choices()),
            self._replied,
        )

    def history_note(self) -> str:
        """Why F5 changes nothing: the request is the planned (or held) call's history."""
        session = self.handle.session
        replied = self.request.replied_at
        agreed = f"Agreed on {describe_day(replied)}" if replied else "Agreed"
        if self.planned:
            planned = session.planned_at
            when = f" for {planned.astimezone():%a %d %b, %H:%M}" if planned else ""
            return f"{agreed}; the call is planned{when}: e opens it in the setup form."
        return f"{agreed}; the call has been held: e opens its page."

    def _replied(self, choice: str | None) -> None:
        now = workspace_of(self).clock.wall()
        if not choice or choice not in {value for _, _, value in self.reply_choices()}:
            return  # cancelled, or no longer fits where it stands
        if choice == "sent":
            self._send()
        elif choice == "followed-up":

            def followed(r: Request) -> None:
                r.followed_up_at = now

            self._record(followed, "Follow-up recorded.")
        elif choice == "agreed":
            self._ask_when()
        elif choice in ("declined", "no-reply"):
            reply = Reply.DECLINED if choice == "declined" else Reply.NO_REPLY

            def answered(r: Request) -> None:
                r.reply = reply
                r.replied_at = now

            self._record(
                answered,
                "Recorded." + (" Time to ask someone else." if choice == "no-reply" else ""),
            )
        elif choice == "undo":
            self._record(self._undo, f"Undone: {self._undo_label()}.")

    def _undo_label(self) -> str:
        """What taking back the last step makes of it ("" when there is none)."""
        request = self.request
        back = ", back to waiting" if request.sent_at is not None else ", not sent yet"
        if request.reply is not Reply.WAITING:
            said = {Reply.DECLINED: "not declined", Reply.NO_REPLY: "not given up"}
            return said.get(request.reply, "not agreed") + back
        if request.followed_up_at is not None:
            return "not followed up"
        if request.sent_at is not None:
            return "not sent"
        return ""

    @staticmethod
    def _undo(request: Request) -> None:
        """Take back the last thing recorded, and only that."""
        if request.reply is not Reply.WAITING:
            request.reply = Reply.WAITING
            request.replied_at = None
        elif request.followed_up_at is not None:
            request.followed_up_at = None
        else:
            request.sent_at = None

    def _record(self, change: Callable[[Request], None], said: str) -> None:
        """Change where the request stands and save at once; a failed save puts it back."""
        request = self.request
        before = (request.sent_at, request.followed_up_at, request.reply, request.replied_at)
        change(request)
        if not self.save():
            request.sent_at, request.followed_up_at, request.reply, request.replied_at = before
            self.show_status()
            return
        self.show_status()
        self.notify(said, timeout=4)

    def _send(self) -> None:
        from .prompts import ChoiceModal

        session = self.handle.session
        workspace = workspace_of(self)

        def sent(r: Request) -> None:
            r.sent_at = workspace.clock.wall()
            r.reply = Reply.WAITING
            r.replied_at = None

        waiting = workspace.requests_at(session.person.organisation, other_than=session.id)
        if waiting is None or waiting.request is None or waiting.request.sent_at is None:
            self._record(sent, "Recorded as sent.")
            return
        first = waiting.person.name or "someone"
        org = waiting.person.organisation or session.person.organisation

        def chosen(choice: str | None) -> None:
            if choice == "send":
                self._record(sent, "Recorded as sent.")

        self.app.push_screen(
            ChoiceModal(
                f"{first} at {org} has not replied yet",
                f"You asked {first} {describe_day(waiting.request.sent_at)}. One request at a time "
                f"per organisation gives them {ASK_NEXT_AFTER} business days to reply "
                "before you ask someone else there.",
                [("s", "send anyway", "send"), ("w", "wait", "")],
            ),
            chosen,
        )

    def _ask_when(self, typed: str = "", problem: str = "") -> None:
        from ...core.planning import parse_planned
        from .prompts import TextPrompt

        name = self.handle.session.person.name
        workspace = workspace_of(self)

        def answered(value: str | None) -> None:
            if value is None:
                return
            try:
                planned = parse_planned(value, now=workspace.clock.wall())
            except ValueError as error:
                self._ask_when(value, str(error))
                return
            self._agree(planned)

        title = f"When is the call with {name}?"
        if problem:
            title = f"{problem[:1].upper()}{problem[1:]}. {title}"
        self.app.push_screen(TextPrompt(title, typed, placeholder=WHEN_HINT), answered)

    def _agree(self, planned: dt.datetime | None) -> None:
        """They said yes: the session becomes the planned call, and the setup
        form takes the same open file on."""
        session = self.handle.session
        request = self.request
        self.save()  # what was typed, first
        before = (request.reply, request.replied_at, session.state, session.planned_at)
        try:
            workspace_of(self).agree(self.handle, planned)
        except WorkspaceError as error:
            if session.state is not SessionState.PLANNED or self.handle.has_unsaved_changes():
                # Not done, or not saved: as it stands on disk, still a request.
                request.reply, request.replied_at, session.state, session.planned_at = before
                navigation.show_error(self, error, "Not recorded")
                self.show_status()
                return
            navigation.show_error(self, error, "File not renamed")  # saved, under its old name
        assert self.editor is not None
        handle = self.editor.detach()
        assert handle is not None
        when = f" for {planned.astimezone():%A %d %B, %H:%M}" if planned else ""
        self.notify(f"Call with {session.person.name} planned{when}.", timeout=6)
        navigation.setup_screen(self, session, handle, replace=True)
