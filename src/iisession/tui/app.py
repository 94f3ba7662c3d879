"""The full-screen app: owns the open session files and moves between screens.

Screens own behaviour; the app is where sessions are opened, created, locked
and released, so that whatever screen is showing, every open session is
saved on quit, on a closed terminal (SIGHUP), on SIGTERM and after a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from ..core.bank import Bank
    from ..core.clock import Clock
    from ..core.index import Compared, Listing, Progress, SessionIndex, Sessions
    from ..core.model import Session
    from ..core.store import Fingerprint, SessionFile, SessionStore
    from ..core.summary import Summary
    from ..core.templates import Template

from ..core.paths import Folders
from ..core.settings import load_settings

EXIT_GRACE_SECONDS = 5.0
"""After SIGTERM, how long a normal shutdown may take before the process ends anyway."""

PRACTICE_FOLDER = ".practice"
"""Practice runs live here, out of the history, until the user keeps one."""


class IISessionApp(App[None]):
    """iisession's Textual application."""

    TITLE = "iisession"
    # Absolute, so subclasses defined elsewhere still find it.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS = [
        Binding("f1", "show_help_panel", "Help", id="help"),
    ]

    def __init__(
        self,
        folders: Folders,
        session: SessionFile | None = None,
        clock: Clock | None = None,
        *,
        setup: Session | None = None,
        offer_resume: bool | None = None,
        review: bool = False,
    ) -> None:
        """Opens on the start screen; with ``session``, on its live screen; with
        ``setup``, on the form for that (unsaved) session."""
        super().__init__()
        self.folders = folders
        self._clock = clock
        self.open_files: list[SessionFile] = []
        self._first_live = session
        self._first_setup = setup
        self._first_review = review
        self.offer_resume = (
            (session is None and setup is None) if offer_resume is None else offer_resume
        )
        self.summaries: list[Summary] = []
        self._related: dict[str, Session] = {}
        self._bank: Bank | None = None
        self._index: SessionIndex | None = None
        self.saves = 0
        """Sessions saved since start-up (any thread may add one)."""
        self.config_warnings: list[str] = []
        self.settings = load_settings(folders.config_data, self.config_warnings)
        if session is not None:
            self.open_files.append(session)

    # --- start-up -----------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        from .screens.start import StartScreen

        self.start_screen = StartScreen(self.folders.sessions)
        if self._first_review:
            # Straight to the review, without building the start screen first
            # (a quicker first frame): it comes in when the review is left.
            from .screens.review import ReviewScreen

            self.start_screen.scan_on_resume = True
            self.offer_resume = False
            return ReviewScreen(self.folders.sessions)
        return self.start_screen

    def on_mount(self) -> None:
        for warning in self.config_warnings:
            self.notify(warning, title="Settings", severity="warning", timeout=10)
        # Textual installs no handler for these: closing the terminal or a plain
        # `kill` would end the process with nothing saved.
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGHUP, self._terminal_gone)
        loop.add_signal_handler(signal.SIGTERM, self._save_and_exit)
        if self._first_live is not None:
            self.push_screen(self._live_screen(self._first_live))
        elif self._first_setup is not None:
            self._push_setup(self._first_setup, None)

    def on_ready(self) -> None:
        # Reading the sessions folder waits until the first frame is on screen
        # and has settled (the footer draws its keys a few refreshes later): a
        # worker thread busy importing and parsing would hold them up.
        if self._first_review:
            return  # the start screen reads the folder when it is first shown
        self.set_timer(0.25, self.start_screen.scan)

    @property
    def clock(self) -> Clock:
        if self._clock is None:
            from ..core.clock import SystemClock

            self._clock = SystemClock()
        return self._clock

    # --- what is in the folder ------------------------------------------------------

    def read_folder(self, progress: Progress | None = None) -> Listing:
        """The folder through the index (any thread): summaries and unreadable files."""
        from ..core.index import read_listing

        return read_listing(self.index, progress)

    def sessions_scanned(self, found: Listing, pending: dict[str, Session]) -> None:
        """The start screen read the folder: remember it, and offer an open call once."""
        from .screens.setup import SetupScreen

        self.summaries = found.summaries
        self._related.clear()
        for screen in self.screen_stack:
            if isinstance(screen, SetupScreen):
                screen.update_carry_over()
        if self.offer_resume:
            self.offer_resume = False
            self._offer_open_call(pending)

    def related_sessions(self, name: str, organisation: str) -> list[Session]:
        """Earlier calls with this person or at this organisation, read from disk."""
        from ..core.store import SessionFileError, read_session

        keys = {name.strip().casefold(), organisation.strip().casefold()} - {""}
        found = []
        for summary in self.summaries:
            if summary.state == "planned":
                continue
            if {summary.person.strip().casefold(), summary.organisation.strip().casefold()} & keys:
                if summary.file not in self._related:
                    try:
                        path = self.folders.sessions / summary.file
                        self._related[summary.file] = read_session(path).session
                    except SessionFileError:
                        continue
                found.append(self._related[summary.file])
        return found

    def _offer_open_call(self, pending: dict[str, Session]) -> None:
        from ..core.countdown import Countdown, format_clock
        from ..core.model import SessionState
        from .screens.prompts import ChoiceModal

        open_calls = [
            (name, session)
            for name, session in pending.items()
            if session.state is SessionState.LIVE and not session.practice
        ]
        if not open_calls or self.screen is not self.start_screen:
            return
        name, session = max(open_calls, key=lambda item: item[1].updated or item[1].created)
        path = self.folders.sessions / name
        clock = Countdown.from_timeline(session.limit_minutes, session.timeline, session.updated)
        started = session.started_at
        who = session.person.name + (
            f" ({session.person.organisation})" if session.person.organisation else ""
        )
        body = (
            f"With {who}"
            + (f", started {started.astimezone():%Y-%m-%d %H:%M}" if started else "")
            + f". {format_clock(clock.elapsed(0))} of {format_clock(clock.limit_seconds)} "
            "used when it stopped; the clock stays paused until you press F5."
        )
        if len(open_calls) > 1:
            body += f"\n({len(open_calls) - 1} more left open: see past sessions.)"

        def chosen(choice: str | None) -> None:
            if choice == "resume":
                self.open_live(path)
            elif choice == "end":
                self._end_open_call(path)

        self.push_screen(
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

    def _end_open_call(self, path: Path) -> None:
        from ..core.live import LiveCall
        from ..core.store import SaveError

        handle = self._open(path)
        if handle is None:
            return
        try:
            LiveCall(handle.session, self.clock).end()
            handle.save()
        except SaveError as error:
            self.notify(str(error), title="Not saved", severity="error")
        else:
            self.notify(f"Call with {handle.session.person.name} ended.", timeout=5)
        finally:
            handle.close()
        self.start_screen.scan()

    # --- opening and closing session files ---------------------------------------------

    @property
    def store(self) -> SessionStore:
        from ..core.store import SessionStore

        return SessionStore(self.folders.sessions, on_written=self.index_written)

    @property
    def index(self) -> SessionIndex:
        if self._index is None:
            from ..core.index import SessionIndex

            self._index = SessionIndex(self.folders.sessions, self.folders.cache)
        return self._index

    def index_written(self, path: Path, session: Session, written: Fingerprint) -> None:
        """Keep the search index current as sessions are saved.

        A failure here is never a failed save: the file is written, and the
        next refresh of the index reads it from disk.
        """
        self.saves += 1  # the views over every session read again when next shown
        stamp = (written.size, written.mtime_ns, written.inode, written.ctime_ns)
        # Anything at all: the save has happened and must be reported as such.
        with contextlib.suppress(Exception):
            self.index.record(path, session, stamp)

    def _open(self, path: Path) -> SessionFile | None:
        from ..core.store import SessionFileError

        try:
            return self.store.open(path)
        except SessionFileError as error:
            self.notify(str(error), title="Cannot open", severity="error", timeout=10)
            return None

    def _open_writable(self, path: Path, title: str) -> SessionFile | None:
        """Open a session to change it; a read-only one (open elsewhere, say) is
        closed again with the reason shown under ``title``."""
        handle = self._open(path)
        if handle is not None and handle.read_only:
            self.notify(handle.read_only_reason, title=title, severity="warning")
            handle.close()
            return None
        return handle

    def create_session(self, session: Session) -> SessionFile:
        """Write a new session and keep it open. Raises ``SaveError``."""
        handle = self.store.create(session)
        self.open_files.append(handle)
        return handle

    def release(self, handle: SessionFile) -> None:
        """Save (quietly: the screen has shown any failure) and close."""
        self._save_quietly(handle)
        handle.close()
        if handle in self.open_files:
            self.open_files.remove(handle)

    def discard(self, handle: SessionFile) -> None:
        """Close and delete a session file (a practice run not kept)."""
        handle.close()
        if handle in self.open_files:
            self.open_files.remove(handle)
        with contextlib.suppress(FileNotFoundError):
            handle.path.unlink()

    # --- screens ----------------------------------------------------------------------

    def _live_screen(self, handle: SessionFile) -> Screen[None]:
        from .screens.live import LiveScreen

        return LiveScreen(handle, self.clock, self.settings)

    def _push_setup(self, session: Session, handle: SessionFile | None) -> None:
        from .screens.setup import SetupScreen

        self.push_screen(SetupScreen(session, handle, self.clock))

    def new_session(self) -> None:
        from ..core.model import Session

        self._push_setup(Session(questions=self.bank.defaults()), None)

    def open_setup(self, path: Path) -> None:
        handle = self._open(path)
        if handle is not None:
            self.open_files.append(handle)
            self._push_setup(handle.session, handle)

    def open_live(self, path: Path) -> None:
        handle = self._open(path)
        if handle is not None:
            self.open_files.append(handle)
            self.push_screen(self._live_screen(handle))

    def open_review(self) -> None:
        from .screens.review import ReviewScreen

        stack = self.screen_stack
        if len(stack) == 2 and isinstance(stack[0], ReviewScreen):
            self.pop_screen()  # the review the app opened on lies under the start screen
        else:
            self.push_screen(ReviewScreen(self.folders.sessions))

    def leave_review(self, review: Screen[None]) -> None:
        """Back from the review: to the screen under it, or the start screen."""
        if self.screen_stack[0] is review:
            self.push_screen(self.start_screen)
        else:
            review.dismiss()

    def open_detail(self, path: Path) -> None:
        from .screens.detail import DetailScreen

        self.push_screen(DetailScreen(path))

    def edit_session(self, path: Path, state: str) -> None:
        """A planned call opens in the setup form; any other on the live screen
        (a call left open resumes with its clock paused; an ended one is edited)."""
        if state == "planned":
            self.open_setup(path)
        else:
            self.open_live(path)

    def call_referral(self, path: Path) -> None:
        """Set up a call with someone this session's person suggested, linked both ways
        (the new session names its source; the referral, the new session)."""
        self._choose_referral(path, "Set up a call with", partial(self.set_up_referral, path))

    def outreach_for(self, path: Path) -> None:
        """Reach out to one of the people this session's person suggested."""
        self._choose_referral(path, "Reach out to", partial(self.open_outreach, path))

    def _choose_referral(self, path: Path, title: str, then: Callable[[str], None]) -> None:
        from ..core.document import OUTREACH_WORDS
        from ..core.store import SessionFileError, read_session
        from .screens.prompts import ListChooser

        try:
            source = read_session(path).session
        except SessionFileError as error:
            self.notify(str(error), title="Cannot open", severity="error")
            return
        choices = [
            (
                f"{r.name}"
                + (
                    f" ({', '.join(x for x in (r.role, r.organisation) if x)})"
                    if r.role or r.organisation
                    else ""
                )
                + f": {OUTREACH_WORDS[r.outreach]}",
                r.id,
            )
            for r in source.referrals
            if r.name.strip()
        ]
        if not choices:
            self.notify("No referrals in this session.", timeout=4)
            return

        def chosen(referral_id: str | None) -> None:
            if referral_id:
                then(referral_id)

        self.push_screen(ListChooser(title, choices), chosen)

    def set_up_referral(self, path: Path, referral_id: str) -> None:
        from ..core.model import Outreach, Person, Session, utc_now
        from ..core.store import SaveError

        handle = self._open(path)
        if handle is None:
            return
        source = handle.session
        referral = next((r for r in source.referrals if r.id == referral_id), None)
        if referral is None:  # the file changed meanwhile
            handle.close()
            self.notify("That referral is no longer in the session.", severity="warning")
            return
        session = Session(
            person=Person(
                name=referral.name,
                title=referral.role,
                organisation=referral.organisation,
                contact=referral.contact,
                how_found=f"suggested by {source.person.name}"
                + (f": {referral.why}" if referral.why else ""),
                referred_by=source.person.name,
            ),
            source_session=source.id,
            source_referral=referral.id,
            questions=self.bank.defaults(),
        )
        try:
            if not handle.read_only:
                referral.session_id = session.id
                if referral.outreach in (Outreach.TO_CONTACT, Outreach.CONTACTED):
                    referral.outreach = Outreach.MEETING_PLANNED
                    referral.outreach_updated = utc_now()
                handle.save()
        except SaveError as error:
            self.notify(f"{error}; the link back is not recorded", severity="warning")
        finally:
            handle.close()
        self._push_setup(session, None)

    def open_thank_you(self, path: Path) -> None:
        """The thank-you note of a session: drafted from it the first time."""
        from ..core.followup import thank_you_draft
        from ..core.model import utc_now
        from .screens.thank_you import ThankYouScreen

        handle = self._open_writable(path, "Read only")
        if handle is None:
            return
        follow = handle.session.follow_up
        if not follow.thank_you_draft.strip():
            follow.thank_you_draft = thank_you_draft(handle.session)
            follow.thank_you_drafted = utc_now()
        self.open_files.append(handle)
        self.push_screen(ThankYouScreen(handle))

    def open_outreach(self, path: Path, referral_id: str) -> None:
        """The request to one referred person, and where it stands."""
        from .screens.outreach import OutreachScreen

        handle = self._open_writable(path, "Read only")
        if handle is None:
            return
        if not any(r.id == referral_id for r in handle.session.referrals):
            handle.close()  # the file changed since the list was made
            self.notify("That referral is no longer in the session.", severity="warning")
            return
        self.open_files.append(handle)
        self.push_screen(OutreachScreen(handle, referral_id))

    def update_session(self, path: Path, change: Callable[[Session], str]) -> bool:
        """Open a session, change it, save and close it. ``change`` returns what to
        tell the user; a failure is shown and nothing is changed on disk."""
        from ..core.store import SaveError

        handle = self._open_writable(path, "Not changed")
        if handle is None:
            return False
        try:
            message = change(handle.session)
            handle.save()
        except SaveError as error:
            self.notify(str(error), title="Not saved", severity="error")
            return False
        finally:
            handle.close()
        if message:
            self.notify(message, timeout=4)
        return True

    def mark_thank_you(self, path: Path, *, sent: bool) -> bool:
        from ..core.model import utc_now

        def change(session: Session) -> str:
            session.follow_up.thank_you_sent = utc_now() if sent else None
            who = session.person.name
            return f"Thank-you to {who} marked sent." if sent else f"Thank-you to {who}: not sent."

        return self.update_session(path, change)

    def mark_in_touch(self, path: Path) -> bool:
        """Record being in touch today: the keep-in-touch reminder starts again."""
        from ..core.model import utc_now

        def change(session: Session) -> str:
            session.follow_up.last_contact = utc_now()
            return f"In touch with {session.person.name} today: noted."

        return self.update_session(path, change)

    def start_call(self, handle: SessionFile) -> None:
        """From the setup form to the live screen, with the same open file."""
        if handle not in self.open_files:
            self.open_files.append(handle)
        self.switch_screen(self._live_screen(handle))

    def pick_questions(self, session: Session, done: Callable[[None], None]) -> None:
        from .screens.picker import PickerScreen

        setup = self.screen
        on_change = getattr(setup, "changed", None)
        name = session.person.name or "this call"
        self.push_screen(
            PickerScreen(
                session.questions,
                self.bank,
                on_change=on_change if callable(on_change) else None,
                heading=f"For {name}",
            ),
            done,
        )

    def open_bank(self) -> None:
        from .screens.picker import PickerScreen

        self.push_screen(PickerScreen([], self.bank, heading="Your list"))

    # --- practice runs ----------------------------------------------------------------

    def practise(self, path: Path) -> None:
        from ..core.store import SessionFileError, read_session

        try:
            session = read_session(path).session
        except SessionFileError as error:
            self.notify(str(error), title="Cannot open", severity="error")
            return
        self.practise_session(session)

    def practise_session(self, session: Session) -> None:
        """A rehearsal: same person, limit, preparation and questions, kept apart."""
        from ..core.model import Question, Session
        from ..core.store import SaveError, SessionStore

        copy = Session(
            person=session.person,
            limit_minutes=session.limit_minutes,
            practice=True,
            preparation=session.preparation,
            questions=[
                Question(
                    text=q.text,
                    topic=q.topic,
                    bank_id=q.bank_id,
                    priority=q.priority,
                    closing=q.closing,
                )
                for q in session.questions
            ],
        )
        try:
            handle = SessionStore(self.folders.sessions / PRACTICE_FOLDER).create(copy)
        except SaveError as error:
            self.notify(str(error), title="Practice run not started", severity="error")
            return
        self.open_files.append(handle)
        self.push_screen(self._live_screen(handle))

    def keep_practice(self, handle: SessionFile) -> Path | None:
        """Move a practice run into the history; None (and a message) if it failed."""
        from ..core.store import SaveError

        try:
            kept = self.store.create(handle.session)
        except SaveError as error:
            self.notify(
                f"{error}; the practice run stays in {handle.path.parent}",
                title="Not kept",
                severity="error",
            )
            return None
        kept.close()
        self.discard(handle)
        return kept.path

    def mark_confirmed(self, path: Path) -> bool:
        from ..core.model import utc_now

        def change(session: Session) -> str:
            session.confirmed_at = utc_now()
            return f"Marked confirmed: {session.person.name}"

        return self.update_session(path, change)

    # --- after the call: follow-ups, the network, answers compared -------------------------

    def export_text(self, where: str, text: str, what: str) -> bool:
        """Write ``text`` (a note, a calendar, a comparison) to the file the user
        typed, whole or not at all, and say where it went or why it did not."""
        from ..core.atomic import describe_os_error, write_atomic
        from ..core.paths import expand

        if not where.strip():
            return False
        target = expand(where.strip())

        try:
            write_atomic(target, text.encode("utf-8"))
        except OSError as error:
            self.notify(
                f"{target} cannot be written: {describe_os_error(error)}",
                title="Not written",
                severity="error",
                timeout=10,
            )
            return False
        self.notify(f"Wrote {what} to {target}", timeout=6)
        return True

    def read_sessions(self, progress: Progress | None = None) -> Sessions:
        """Every session's digest through the index (any thread)."""
        from ..core.index import read_sessions

        return read_sessions(self.index, progress)

    def read_comparison(self, progress: Progress | None = None) -> Compared:
        """Questions and answers across the calls held, through the index (any thread)."""
        from ..core.index import read_comparison

        return read_comparison(self.index, progress)

    def open_follow_ups(self) -> None:
        from .screens.follow_ups import FollowUpsScreen

        self.push_screen(FollowUpsScreen(self.folders.sessions, self.settings.keep_in_touch_weeks))

    def open_network(self) -> None:
        from .screens.network import NetworkScreen

        self.push_screen(NetworkScreen(self.folders.sessions))

    def open_compare(self) -> None:
        from .screens.compare import CompareScreen

        self.push_screen(CompareScreen())

    # --- bank and templates -------------------------------------------------------------

    @property
    def bank(self) -> Bank:
        if self._bank is None:
            from ..core.bank import load_bank

            warnings: list[str] = []
            self._bank = load_bank(self.folders.config, warnings)
            for warning in warnings:
                self.notify(warning, title="Question bank", severity="warning", timeout=15)
        return self._bank

    def load_templates(self) -> list[Template]:
        from ..core.templates import load_templates

        warnings: list[str] = []
        templates = load_templates(self.folders.config, self.bank, warnings)
        for warning in warnings:
            self.notify(warning, title="Templates", severity="warning", timeout=15)
        return templates

    def find_template(self, name: str) -> Template | None:
        from ..core.templates import find_template, load_templates

        return find_template(load_templates(self.folders.config, self.bank, []), name)

    # --- quitting ------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit, saving first; a screen with something to settle (a live call) asks."""
        for screen in reversed(self.screen_stack):
            confirm = getattr(screen, "confirm_leave", None)
            if callable(confirm):
                confirm(self._exit_saving)
                return
        self._exit_saving()

    def _exit_saving(self) -> None:
        self.save_all()
        self.exit()

    def _save_and_exit(self) -> None:
        self.save_all()
        # If shutting down hangs (the terminal half gone), end anyway: all is saved,
        # and a process left behind would hold its sessions' locks for good.
        watchdog = threading.Timer(EXIT_GRACE_SECONDS, self._end_now)
        watchdog.daemon = True  # a normal exit does not wait for it
        watchdog.start()
        self.exit(return_code=1)

    def _terminal_gone(self) -> None:
        """SIGHUP: the terminal was closed. Save, and end at once: there is no
        screen to restore, and writing to a terminal that is gone can hang."""
        self.save_all()
        self._end_now()

    def _end_now(self) -> None:
        for handle in self.open_files:
            handle.close()  # releases its lock
        os._exit(1)

    def on_unmount(self) -> None:
        # Runs after a crash in a handler too (the widgets are gone by then,
        # but the sessions live outside them).
        self.save_all()

    def save_all(self) -> None:
        for handle in self.open_files:
            self._save_quietly(handle)

    @staticmethod
    def _save_quietly(handle: SessionFile) -> None:
        """A save whose failure was shown already, or is reported by the command line."""
        from ..core.store import SaveError

        if not handle.read_only:
            with contextlib.suppress(SaveError):
                handle.save()

    def close_all(self) -> list[str]:
        """After the app has run: save and close every open file; the problems, if any."""
        from ..core.store import SaveError

        problems: list[str] = []
        for handle in self.open_files:
            if not handle.read_only:
                try:
                    handle.save()
                except SaveError as error:
                    problems.append(f"{error}; this session was in memory only")
            handle.close()
        return problems

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # Every screen key is also a command in the palette.
        bindings: list[Any] = getattr(screen, "COMMAND_BINDINGS", None) or list(
            getattr(screen, "BINDINGS", None) or ()
        )
        for binding in bindings:
            if not isinstance(binding, Binding):
                continue
            yield SystemCommand(
                binding.tooltip or binding.description,
                f"Key: {binding.key.upper() if binding.key.startswith('f') else binding.key}",
                partial(screen.run_action, binding.action),
            )
