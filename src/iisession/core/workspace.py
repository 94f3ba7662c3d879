"""The sessions folder as a running program holds it: one object under every screen.

The workspace owns the store and the index (every save, practice runs included,
reaches the index through the one callback wired here), the session files open
for editing and their release, save-all and close-all for quitting and signals,
the reads of the whole folder, and the domain operations that span a session
(a call set up from a referral, linked both ways; practice runs kept or
dropped; thank-you, confirmation and keeping-in-touch marks; text exported to a
file). It raises the typed errors below and never shows anything: the front end
decides how to tell the user.

It is long because it is the one door through which the app changes the
folder: which files are held, and when they are saved and let go, is decided
here alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .profile import Profile, load_profile
from .settings import Settings, load_settings

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .bank import Bank
    from .clock import Clock
    from .editor import SessionEditor
    from .index import Compared, Listing, Progress, SessionIndex, Sessions
    from .invite import Invite
    from .model import Person, Referral, Session
    from .organisations import Target
    from .paths import Folders
    from .people import Known
    from .store import Fingerprint, SessionFile, SessionStore
    from .summary import Summary
    from .templates import Template

# The model and the store are imported where used: the app builds a workspace
# before its first frame, which waits for nothing it does not show.

PRACTICE_FOLDER = ".practice"
"""Practice runs live here, out of the history, until the user keeps one."""


class WorkspaceError(Exception):
    """Something the user asked for could not be done; the message says why."""

    title = "Not done"
    """A heading for the message, in the user's words."""


class CannotOpen(WorkspaceError):
    """The session file cannot be read (damaged, gone, not a session)."""

    title = "Cannot open"

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message
        """Why, without the file's name."""


class ReadOnly(WorkspaceError):
    """The session is open elsewhere, or holds fields this version cannot keep."""

    title = "Read only"


class NotSaved(WorkspaceError):
    """A save failed; what was changed is still in memory."""

    title = "Not saved"


class Gone(WorkspaceError):
    """What was chosen is no longer there (the file changed meanwhile)."""

    title = "Not found"


class NotApplicable(WorkspaceError):
    """The operation does not fit where the session stands (nothing was changed)."""

    title = "Not possible here"


class NotWritten(WorkspaceError):
    """A file the user named could not be written."""

    title = "Not written"


@dataclass(frozen=True)
class FromReferral:
    """A new, unsaved session with someone a referral named."""

    session: Session
    not_linked: str = ""
    """Why the referral could not be linked to it, if it could not."""
    existing: Path | None = None
    """The file of the session already held, planned or asked for with them: no new
    one was made (a request still waiting was marked agreed: the planned call)."""


@dataclass(frozen=True)
class OpenCall:
    """A call left running when the app last closed (or crashed)."""

    path: Path
    session: Session
    others: int
    """How many more calls were left open."""


RESCUE_FOLDER = "rescued"
"""In the user's state folder: rescue copies of sessions the sessions folder would not take."""


@dataclass(frozen=True)
class Unsaved:
    """A session whose latest changes are in memory only."""

    session: Session
    path: Path | None
    """Its file (which lacks those changes), or None when it could not be made."""
    reason: str
    """Why it is not saved, in words that read after "not saved: "."""


Saved = Callable[[Path], None]
"""Told of every session written, after the write (on the thread that saved)."""


class Workspace:
    """The sessions folder of one running program."""

    def __init__(self, folders: Folders, clock: Clock) -> None:
        self.folders = folders
        self.clock = clock
        self.open_files: list[SessionFile] = []
        self._saving = threading.RLock()
        """Held while ``save_all`` runs: a save on a signal may come from another thread."""
        self.settings_warnings: list[str] = []
        self.settings: Settings = load_settings(folders.config_data, self.settings_warnings)
        self.profile: Profile = load_profile(folders.config_data, self.settings_warnings)
        """Who the drafts are from (``[profile]`` in the config file)."""
        self.bank_warnings: list[str] = []
        """What loading the question bank had to say, once it is loaded."""
        self.summaries: list[Summary] = []
        """The folder as last read (see ``folder_read``)."""
        self._related: dict[str, Session] = {}
        self._bank: Bank | None = None
        self._index: SessionIndex | None = None
        self._listeners: list[Saved] = []
        self.moved: dict[Path, Path] = {}
        """Files renamed in this run (old path to new), for screens holding a path."""

    # --- the store and the index ------------------------------------------------------

    @property
    def sessions_dir(self) -> Path:
        return self.folders.sessions

    @property
    def store(self) -> SessionStore:
        """The history: every save reaches the index."""
        from .store import SessionStore

        return SessionStore(self.folders.sessions, on_written=self._written)

    @property
    def practice_store(self) -> SessionStore:
        """Practice runs, kept apart (their saves reach the index too, which skips them)."""
        from .store import SessionStore

        return SessionStore(self.folders.sessions / PRACTICE_FOLDER, on_written=self._written)

    @property
    def index(self) -> SessionIndex:
        if self._index is None:
            from .index import SessionIndex

            self._index = SessionIndex(self.folders.sessions, self.folders.cache)
        return self._index

    def on_saved(self, listener: Saved) -> None:
        """Call ``listener`` after every session written through this workspace."""
        self._listeners.append(listener)

    def off_saved(self, listener: Saved) -> None:
        """No longer call ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _written(self, path: Path, session: Session, written: Fingerprint) -> None:
        """Keep the index current as sessions are saved.

        A failure here is never a failed save: the file is written, and the
        next refresh of the index reads it from disk.
        """
        if path.parent == self.folders.sessions:
            stamp = (written.size, written.mtime_ns, written.inode, written.ctime_ns)
            # Anything at all: the save has happened and must be reported as such.
            with contextlib.suppress(Exception):
                self.index.record(path, session, stamp)
        for listener in self._listeners:
            listener(path)

    # --- reading the folder -----------------------------------------------------------

    def read_folder(self, progress: Progress | None = None) -> Listing:
        """Summaries and unreadable files, through the index (any thread)."""
        from .index import read_listing

        return read_listing(self.index, progress)

    def read_sessions(self, progress: Progress | None = None) -> Sessions:
        """Every session's digest, through the index (any thread)."""
        from .index import read_sessions

        return read_sessions(self.index, progress)

    def read_comparison(self, progress: Progress | None = None) -> Compared:
        """Questions and answers across the calls held, through the index (any thread)."""
        from .index import read_comparison

        return read_comparison(self.index, progress)

    def folder_read(self, listing: Listing) -> None:
        """Remember the folder as just read, for ``related_sessions``."""
        self.summaries = listing.summaries
        self._related.clear()

    def related_sessions(self, name: str, organisation: str) -> list[Session]:
        """Earlier calls with this person or at this organisation, read from disk."""
        from .store import SessionFileError, read_session
        from .summary import SummaryState

        keys = {name.strip().casefold(), organisation.strip().casefold()} - {""}
        found = []
        for summary in self.summaries:
            if summary.state in (SummaryState.REQUESTED, SummaryState.PLANNED):
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

    def pending(self, listing: Listing) -> dict[str, Session]:
        """The calls still to come or left open, read in full (a few files), by
        file name; one changed since it was indexed is left for the next read."""
        from .store import SessionFileError, read_session
        from .summary import SummaryState

        found: dict[str, Session] = {}
        for summary in listing.summaries:
            if summary.state in (SummaryState.PLANNED, SummaryState.LIVE):
                try:
                    found[summary.file] = read_session(self.sessions_dir / summary.file).session
                except SessionFileError:
                    continue
        return found

    @staticmethod
    def open_call(pending: dict[str, Session], sessions_dir: Path) -> OpenCall | None:
        """The call to offer to resume: the latest of those left live, practice aside."""
        from .model import SessionState

        open_calls = [
            (name, session)
            for name, session in pending.items()
            if session.state is SessionState.LIVE and not session.practice
        ]
        if not open_calls:
            return None
        from .journal import peek

        name, session = max(open_calls, key=lambda item: item[1].updated or item[1].created)
        path = sessions_dir / name
        # What the journal kept since the last save (the clock ran on, say)
        # is what resuming will open.
        return OpenCall(path, peek(path) or session, len(open_calls) - 1)

    # --- opening and closing session files ----------------------------------------------

    def open(self, path: Path) -> SessionFile:
        """Open a session to edit, held until ``release``. Raises ``CannotOpen``;
        one open elsewhere comes back read-only (``handle.read_only``)."""
        from .store import SessionFileError

        try:
            handle = self.store.open(path)
        except SessionFileError as error:
            raise CannotOpen(str(error), error.reason) from error
        self.open_files.append(handle)
        return handle

    def open_writable(self, path: Path) -> SessionFile:
        """Open a session to change it. Raises ``CannotOpen`` or ``ReadOnly``."""
        handle = self.open(path)
        if handle.read_only:
            self.forget(handle)
            raise ReadOnly(handle.read_only_reason)
        return handle

    def read(self, path: Path) -> Session:
        """A session as it is on disk, not held. Raises ``CannotOpen``."""
        from .store import SessionFileError, read_session

        try:
            return read_session(path).session
        except SessionFileError as error:
            raise CannotOpen(str(error), error.reason) from error

    def create(self, session: Session) -> SessionFile:
        """Write a new session and keep it open. Raises ``SaveError``, as the store
        does (a session editor retries it)."""
        handle = self.store.create(session, now=self.clock.wall())
        self.open_files.append(handle)
        return handle

    def adopt(self, handle: SessionFile) -> None:
        """Hold a file opened elsewhere: saved on quit, its saves reaching the index."""
        handle.on_written = self._written
        if handle not in self.open_files:
            self.open_files.append(handle)

    def forget(self, handle: SessionFile) -> None:
        """Close without saving (what there was to save was saved, or cannot be)."""
        handle.close()
        if handle in self.open_files:
            self.open_files.remove(handle)

    def release(self, handle: SessionFile) -> None:
        """Save (quietly: the screen has shown any failure) and close."""
        self._save_quietly(handle)
        self.forget(handle)

    def name_after_plan(self, handle: SessionFile) -> Path | None:
        """A planned call whose planned time was set or changed after its file was
        made: the file takes the name it would get now (``2026-11-24-1400-ana``),
        moved under its lock; the index follows. The new path, or None when the
        name fits already (or the session is not a planned one of the history).
        Raises ``NotSaved``: the file keeps its old name, whole."""
        from .model import SessionState
        from .store import SaveError

        session = handle.session
        if (
            handle.read_only
            or handle.closed
            or session.state is not SessionState.PLANNED
            or session.practice
            or handle.path.parent != self.folders.sessions
        ):
            return None
        old = handle.path
        try:
            new = self.store.rename_to_fit(handle)
        except SaveError as error:
            raise NotSaved(f"{error}; it keeps its name {old.name}") from error
        if new is not None:
            self.moved[old] = new
            if handle.fingerprint is not None:
                with contextlib.suppress(Exception):  # the next refresh reads the folder anyway
                    self.index.forget(old)
                self._written(new, session, handle.fingerprint)
        return new

    def where_now(self, path: Path) -> Path:
        """Where a session file seen at ``path`` is now, after renames in this run."""
        seen = {path}
        while path in self.moved and self.moved[path] not in seen:
            path = self.moved[path]
            seen.add(path)
        return path

    def discard(self, handle: SessionFile) -> None:
        """Close and delete a session file (a practice run not kept)."""
        handle.drop_journal()
        self.forget(handle)
        with contextlib.suppress(FileNotFoundError):
            handle.path.unlink()

    def save_all(self, *, timeout: float | None = None) -> bool:
        """Save every open session; failures were shown as they happened.

        A save from another thread (a watchdog ending a stuck process) waits
        at most ``timeout`` for one under way; False if it did not get its turn.
        """
        if not self._saving.acquire(timeout=-1 if timeout is None else timeout):
            return False
        try:
            for handle in list(self.open_files):
                self._save_quietly(handle)
        finally:
            self._saving.release()
        return True

    def close_all(self) -> list[str]:
        """Save and close every open file; the problems, if any, in words."""
        from .store import SaveError

        problems: list[str] = []
        for handle in list(self.open_files):
            if not handle.read_only:
                try:
                    handle.save(now=self.clock.wall())
                except SaveError as error:
                    problems.append(f"{error}; this session was in memory only")
            self.forget(handle)
        return problems

    def release_locks(self) -> None:
        """Close every file without saving: for an exit that cannot wait."""
        for handle in self.open_files:
            handle.close()

    def _save_quietly(self, handle: SessionFile) -> None:
        from .store import SaveError

        if not handle.read_only:
            with contextlib.suppress(SaveError):
                handle.save(now=self.clock.wall())

    # --- what is in memory only, and rescue copies ----------------------------------------

    def save_and_check(
        self, editors: Iterable[SessionEditor] = (), *, every_open_file: bool = True
    ) -> list[Unsaved]:
        """Save the sessions under edit in ``editors`` (making the file of one
        whose file could not be made before) and, with ``every_open_file``,
        every open session; what is still in memory only, and why. It raises
        nothing: before quitting, a failure is an answer, not an error."""
        from .store import SaveError

        unsaved: list[Unsaved] = []
        seen: list[SessionFile] = []
        for editor in editors:
            handle = editor.handle
            if handle is None:
                if not editor.failing:
                    continue  # nothing of it was ever to be saved (a form with no name)
                outcome = editor.save()
                if not outcome.saved:
                    reason = outcome.error.reason if outcome.error else "it has no file yet"
                    unsaved.append(Unsaved(editor.session, None, reason))
                elif editor.handle is not None:
                    seen.append(editor.handle)
                continue
            seen.append(handle)
            if handle.closed:
                continue  # let go (saved, kept elsewhere or discarded) by its screen
            if handle.read_only:
                if handle.has_unsaved_changes():
                    unsaved.append(Unsaved(handle.session, handle.path, self._not_ours(handle)))
                continue
            outcome = editor.save()
            if outcome.error is not None and handle.has_unsaved_changes():
                unsaved.append(Unsaved(handle.session, handle.path, outcome.error.reason))
        for handle in self.open_files if every_open_file else []:
            if handle in seen or handle.closed:
                continue
            if handle.read_only:
                if handle.has_unsaved_changes():
                    unsaved.append(Unsaved(handle.session, handle.path, self._not_ours(handle)))
                continue
            try:
                handle.save(now=self.clock.wall())
            except SaveError as error:
                unsaved.append(Unsaved(handle.session, handle.path, error.reason))
        return unsaved

    @staticmethod
    def _not_ours(handle: SessionFile) -> str:
        """Why a read-only session's changes cannot be saved, in plain words."""
        if handle.held_by:
            return f"this session is open in another iisession ({handle.held_by})"
        return handle.read_only_reason

    @property
    def rescue_folder(self) -> Path:
        """Where what cannot be saved where it belongs goes: the user's state folder."""
        from .paths import state_dir

        return state_dir() / RESCUE_FOLDER

    def rescue_text(self, kind: str, text: str, *, over: Path | None = None) -> Path:
        """What was typed in a form that cannot be saved, as a text file in the
        rescue folder (``over``: that file again, with what was typed since).
        Raises ``NotWritten``."""
        from .atomic import describe_os_error, ensure_private_folder, write_atomic

        where = self.rescue_folder
        # Lone surrogates (pasted bytes) are kept readable rather than refused.
        data = text.encode("utf-8", "backslashreplace")
        try:
            ensure_private_folder(where)
            if over is not None:
                write_atomic(over, data)
                return over
            stamp = self.clock.wall().astimezone().strftime("%Y%m%d-%H%M%S")
            target = where / f"iisession-rescue-{kind}-{stamp}.txt"
            n = 1
            while os.path.lexists(target):
                n += 1
                target = where / f"iisession-rescue-{kind}-{stamp}-{n}.txt"
            write_atomic(target, data, exclusive=True)
        except OSError as error:
            raise NotWritten(f"nothing written in {where} ({describe_os_error(error)})") from error
        return target

    def rescue(self, unsaved: Iterable[Unsaved], folder: Path | None = None) -> list[Path]:
        """Write each session as a rescue copy (a complete session file, checked
        to read back as one) into ``folder``, by default ``rescued/`` in the
        user's state folder: somewhere other than the sessions folder that will
        not take them. The copies' paths. Raises ``NotWritten``, naming any
        copies written before the one that failed."""
        from .atomic import describe_os_error, ensure_private_folder
        from .naming import SUFFIX, base_name, fit_name
        from .paths import state_dir
        from .store import SaveError, SessionFileError, read_session, write_rescue_copy

        where = folder if folder is not None else state_dir() / RESCUE_FOLDER
        try:
            ensure_private_folder(where)
        except OSError as error:
            raise NotWritten(
                f"no rescue copy written: {where} cannot be made ({describe_os_error(error)})"
            ) from error
        stamp = self.clock.wall().astimezone().strftime("%Y%m%d-%H%M%S")
        written: list[Path] = []
        for item in unsaved:
            stem = item.path.stem if item.path is not None else base_name(item.session)
            before = f" (written before it: {', '.join(map(str, written))})" if written else ""
            try:
                # Shortened if need be: a session name may already be at the limit.
                name = fit_name(f"iisession-rescue-{stem}", f"-{stamp}{SUFFIX}")
                target = where / name
                n = 1
                while os.path.lexists(target):
                    n += 1
                    target = where / fit_name(f"iisession-rescue-{stem}", f"-{stamp}-{n}{SUFFIX}")
                write_rescue_copy(item.session, target)
                read_session(target)  # a copy that does not read back rescues nothing
            except (SaveError, SessionFileError) as error:
                raise NotWritten(
                    f"no rescue copy written in {where}: {error.reason}{before}"
                ) from error
            except OSError as error:
                raise NotWritten(
                    f"no rescue copy written in {where}: {describe_os_error(error)}{before}"
                ) from error
            written.append(target)
        return written

    # --- changes to one session -----------------------------------------------------------

    def update(self, path: Path, change: Callable[[Session], str]) -> str:
        """Open a session, change it, save and close it; what ``change`` returns,
        for the user. Raises ``CannotOpen``, ``ReadOnly`` or ``NotSaved`` (and
        then nothing is changed on disk)."""
        from .store import SaveError

        handle = self.open_writable(path)
        try:
            message = change(handle.session)
            handle.save(now=self.clock.wall())
        except SaveError as error:
            raise NotSaved(str(error)) from error
        finally:
            self.forget(handle)
        return message

    def mark_thank_you(self, path: Path, *, sent: bool) -> str:
        now = self.clock.wall()

        def change(session: Session) -> str:
            session.follow_up.thank_you_sent = now if sent else None
            who = session.person.name
            return f"Thank-you to {who} marked sent." if sent else f"Thank-you to {who}: not sent."

        return self.update(path, change)

    def mark_in_touch(self, path: Path) -> str:
        """Being in touch today: the keep-in-touch reminder starts again."""
        now = self.clock.wall()

        def change(session: Session) -> str:
            session.follow_up.last_contact = now
            return f"In touch with {session.person.name} today: noted."

        return self.update(path, change)

    def mark_confirmed(self, path: Path) -> str:
        """Mark a planned call confirmed; one confirmed already keeps the time it
        was first confirmed (and its file is not rewritten)."""
        now = self.clock.wall()

        def change(session: Session) -> str:
            if session.confirmed_at is not None:
                when = session.confirmed_at.astimezone()
                return f"{session.person.name}: already confirmed on {when:%Y-%m-%d %H:%M}"
            session.confirmed_at = now
            return f"Marked confirmed: {session.person.name}"

        return self.update(path, change)

    def end_call(self, path: Path) -> str:
        """End a call left open; everything in it is kept."""
        from .live import LiveCall

        def change(session: Session) -> str:
            LiveCall(session, self.clock).end()
            return f"Call with {session.person.name} ended."

        return self.update(path, change)

    def open_thank_you(self, path: Path) -> SessionFile:
        """A session held for its thank-you note, drafted from it the first time."""
        from .followup import thank_you_draft

        handle = self.open_writable(path)
        follow = handle.session.follow_up
        if not follow.thank_you_draft.strip():
            follow.thank_you_draft = thank_you_draft(handle.session, self.profile.sign_off())
            follow.thank_you_drafted = self.clock.wall()
        return handle

    def open_outreach(self, path: Path, referral_id: str) -> SessionFile:
        """A session held for the request to one of its referrals."""
        handle = self.open_writable(path)
        if not any(r.id == referral_id for r in handle.session.referrals):
            self.forget(handle)  # the file changed since the list was made
            raise Gone("That referral is no longer in the session.")
        return handle

    def referrals(self, path: Path) -> list[Referral]:
        """The named referrals of a session on disk. Raises ``CannotOpen``."""
        return [r for r in self.read(path).referrals if r.name.strip()]

    def from_referral(self, path: Path, referral_id: str) -> FromReferral:
        """A new call with someone a session's person suggested, linked both ways:
        the new session names its source, and the referral (saved at once) the
        new session. Raises ``CannotOpen`` or ``Gone``."""
        from .model import Outreach, Person, Session
        from .store import SaveError

        handle = self.open(path)
        try:
            source = handle.session
            referral = next((r for r in source.referrals if r.id == referral_id), None)
            if referral is None:  # the file changed meanwhile
                raise Gone("That referral is no longer in the session.")
            linked = self._linked_to(source, referral)
            if linked is not None:
                return self._agreed_already(linked)
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
                created=self.clock.wall(),
            )
            not_linked = ""
            if handle.read_only:
                not_linked = handle.read_only_reason
            else:
                referral.session_id = session.id
                if referral.outreach in (Outreach.TO_CONTACT, Outreach.CONTACTED):
                    referral.outreach = Outreach.MEETING_PLANNED
                    referral.outreach_updated = self.clock.wall()
                try:
                    handle.save(now=self.clock.wall())
                except SaveError as error:
                    not_linked = str(error)
        finally:
            self.forget(handle)
        return FromReferral(session, not_linked)

    # --- requests: asking for the conversation -----------------------------------------

    @property
    def config_file(self) -> Path:
        from .paths import CONFIG_FILE

        return self.folders.config / CONFIG_FILE

    def save_profile(self, profile: Profile) -> None:
        """Keep the profile in the config file and use it from now on. Raises
        ``ProfileError`` (the profile in use is unchanged)."""
        from .profile import save_profile

        save_profile(self.config_file, profile)
        self.profile = profile.cleaned()

    def new_request(
        self,
        person: Person,
        *,
        limit_minutes: int | None = None,
        sent_at: dt.datetime | None = None,
        may_name_referrer: bool = True,
    ) -> Session:
        """A request to ``person``, drafted from the profile (not written yet):
        the bank's default questions come with it, so an agreed call needs
        nothing retyped."""
        from .model import DEFAULT_LIMIT_MINUTES, Preparation, Request, Session, SessionState
        from .requests import request_draft, request_subject

        session = Session(
            person=person,
            state=SessionState.REQUESTED,
            limit_minutes=limit_minutes or DEFAULT_LIMIT_MINUTES,
            questions=self.bank.defaults(),
            created=self.clock.wall(),
            # The profile's line about the user starts the spiel for the call.
            preparation=Preparation(introduction=self.profile.introduction),
        )
        session.request = Request(
            subject=request_subject(session, may_name_referrer=may_name_referrer),
            text=request_draft(session, self.profile, may_name_referrer=may_name_referrer),
            sent_at=sent_at,
        )
        return session

    def waiting_at(
        self, organisation: str, sessions: Iterable[Session], *, other_than: str = ""
    ) -> Session | None:
        """A request sent to someone at ``organisation`` fewer than three business
        days ago with no reply yet (the first such), if there is one."""
        from .organisations import organisation_key
        from .requests import OPEN_STAGES, stage_of
        from .todo import ASK_NEXT_AFTER
        from .workdays import business_days_since

        key = organisation_key(organisation)
        if not key:
            return None
        now = self.clock.wall()
        for s in sessions:
            if s.id == other_than or s.practice or s.request is None or not s.request.sent_at:
                continue
            if organisation_key(s.person.organisation) != key or stage_of(s) not in OPEN_STAGES:
                continue
            if business_days_since(s.request.sent_at, now, self.settings.holidays) < ASK_NEXT_AFTER:
                return s
        return None

    def requests_at(self, organisation: str, *, other_than: str = "") -> Session | None:
        """``waiting_at`` over the sessions folder as it is now."""
        sessions = [s for _, s in self.read_sessions().sessions]
        return self.waiting_at(organisation, sessions, other_than=other_than)

    def file_of(self, session_id: str) -> Path | None:
        """The file holding the session with this id, if the folder has one."""
        if not session_id:
            return None
        for summary in self.read_folder().summaries:
            if summary.id == session_id:
                return self.folders.sessions / summary.file
        return None

    def ask_referral(self, path: Path, referral_id: str) -> SessionFile:
        """The request to someone a session's person suggested, held open: the one
        made before if there is one, else a new one linked both ways (the
        referral, saved at once, names it). Raises ``CannotOpen``, ``ReadOnly``,
        ``Gone`` or ``NotSaved``."""
        from .model import MayMention, Person
        from .store import SaveError

        source_handle = self.open(path)
        try:
            source = source_handle.session
            referral = next((r for r in source.referrals if r.id == referral_id), None)
            if referral is None:
                raise Gone("That referral is no longer in the session.")
            existing = self._linked_to(source, referral)
            if existing is not None:
                return self.open_writable(existing)
            if source_handle.read_only:
                raise ReadOnly(source_handle.read_only_reason)
            why = f": {referral.why}" if referral.why else ""
            session = self.new_request(
                Person(
                    name=referral.name,
                    title=referral.role,
                    organisation=referral.organisation,
                    contact=referral.contact,
                    how_found=f"suggested by {source.person.name}{why}",
                    referred_by=source.person.name,
                ),
                may_name_referrer=referral.may_mention is MayMention.YES,
            )
            assert session.request is not None
            if referral.draft.strip():  # edited before requests were their own stage
                session.request.text = referral.draft
            _carry_over_outreach(session, referral)
            session.source_session = source.id
            session.source_referral = referral.id
            try:
                handle = self.create(session)
            except SaveError as error:
                raise NotSaved(str(error)) from error
            referral.session_id = session.id
            referral.outreach_updated = self.clock.wall()
            # Best effort: the request names its source, which is enough to join them.
            with contextlib.suppress(SaveError):
                source_handle.save(now=self.clock.wall())
            return handle
        finally:
            self.forget(source_handle)

    def _linked_to(self, source: Session, referral: Referral) -> Path | None:
        """The file of the session with this referral's person, if there is one."""
        return self.file_of(referral.session_id) or next(
            # The link back, for a source that could not be saved with its link.
            (
                self.folders.sessions / file
                for file, s in self.read_sessions().sessions
                if s.source_session == source.id and s.source_referral == referral.id
            ),
            None,
        )

    def _agreed_already(self, path: Path) -> FromReferral:
        """A call to set up with someone asked before: their request (if still one)
        becomes the planned call, rather than a second session being made."""
        from .model import SessionState

        handle = self.open_writable(path)
        try:
            if handle.session.state is SessionState.REQUESTED:
                moved = self.agree(handle, None)
                path = moved or path
            return FromReferral(handle.session, existing=path)
        finally:
            self.release(handle)

    def agree(self, handle: SessionFile, planned_at: dt.datetime | None) -> Path | None:
        """They said yes: the request becomes the planned call (its history kept),
        saved; the file takes its planned name. Raises ``NotSaved``."""
        from .model import Reply, SessionState
        from .store import SaveError

        session = handle.session
        if session.state is not SessionState.REQUESTED:
            raise NotApplicable(
                "Only a request can be agreed: this call is "
                f"{'planned already' if session.state is SessionState.PLANNED else 'held'}."
            )
        now = self.clock.wall()
        if session.request is not None:
            session.request.reply = Reply.AGREED
            session.request.replied_at = session.request.replied_at or now
        if session.state is SessionState.REQUESTED:
            session.state = SessionState.PLANNED
        if planned_at is not None:
            session.planned_at = planned_at
        try:
            handle.save(now=now)
        except SaveError as error:
            raise NotSaved(str(error)) from error
        return self.name_after_plan(handle)

    def mark_referrer_told(self, path: Path) -> str:
        now = self.clock.wall()

        def change(session: Session) -> str:
            session.follow_up.referrer_told = now
            who = session.person.referred_by.strip() or "the person who referred you"
            return f"Noted: you told {who} that you met {session.person.name}."

        return self.update(path, change)

    def organisations(self) -> list[Target]:
        """The target organisations. Raises ``OrganisationsError``."""
        from .organisations import load_organisations, sort_targets

        return sort_targets(load_organisations(self.folders.sessions))

    def save_organisations(self, targets: Iterable[Target]) -> Path:
        """Raises ``OrganisationsError``."""
        from .organisations import save_organisations

        return save_organisations(self.folders.sessions, targets)

    # --- the user's network ---------------------------------------------------------------

    def network(self) -> list[Known]:
        """The people the user knows (none while there is no network file).
        Raises ``PeopleError``."""
        from .people import load_network

        return load_network(self.folders.sessions)

    def known_at(self, organisation: str) -> list[Known]:
        """The people of the network at ``organisation`` (matched loosely), by name.
        Raises ``PeopleError``."""
        from .people import known_at

        return known_at(self.network(), organisation)

    # --- practice runs ------------------------------------------------------------------

    def start_practice(self, session: Session) -> SessionFile:
        """A rehearsal: same person, limit, preparation and questions, kept apart.
        Raises ``NotSaved``."""
        from .model import Question, Session
        from .store import SaveError

        copy = Session(
            created=self.clock.wall(),
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
            handle = self.practice_store.create(copy, now=self.clock.wall())
        except SaveError as error:
            raise NotSaved(str(error)) from error
        self.open_files.append(handle)
        return handle

    def keep_practice(self, handle: SessionFile) -> Path:
        """Move a practice run into the history. Raises ``NotSaved`` (it stays
        where it was)."""
        from .store import SaveError

        try:
            kept = self.store.create(handle.session, now=self.clock.wall())
        except SaveError as error:
            raise NotSaved(f"{error}; the practice run stays in {handle.path.parent}") from error
        kept.close()
        self.discard(handle)
        return kept.path

    # --- bringing people in (invites) ---------------------------------------------------

    def invite_file(self, uid: str) -> Path | None:
        """The file of the session planned from the calendar invite with this UID
        (an earlier import of it), if the folder holds one."""
        if not uid.strip():
            return None
        for file, session in self.read_sessions().sessions:
            if session.invite_uid == uid:
                return self.folders.sessions / file
        return None

    def from_invite(self, invite: Invite) -> tuple[Session, Path | None]:
        """The call a calendar invite plans, not written. An earlier import of it
        (the same UID): that session with its file, updated in memory (the planned
        time, the limit, the meeting link, and the person's name and e-mail where
        they were empty). Else a new session, with no file. Raises ``CannotOpen``
        for the earlier file that cannot be read, and ``NotApplicable`` when its
        call was held already."""
        from .invite import limit_from
        from .model import DEFAULT_LIMIT_MINUTES, Person, Preparation, Reply, Session, SessionState

        name, email = invite.person(self.profile.email)
        minutes, _ = limit_from(invite)
        path = self.invite_file(invite.uid)
        if path is None:
            session = Session(
                person=Person(name=name, contact=email),
                limit_minutes=minutes or DEFAULT_LIMIT_MINUTES,
                planned_at=invite.start,
                questions=self.bank.defaults(),
                created=self.clock.wall(),
                invite_uid=invite.uid,
                preparation=Preparation(research=self._with_link("", invite.link)),
            )
            return session, None
        session = self.read(path)
        if session.state in (SessionState.LIVE, SessionState.ENDED):
            who = session.person.name or "them"
            raise NotApplicable(
                f"The call with {who} ({path.name}) was held already: "
                "an updated invite changes nothing in it."
            )
        if session.state is SessionState.REQUESTED:  # an invite for the call is a yes
            session.state = SessionState.PLANNED
            if session.request is not None:
                session.request.reply = Reply.AGREED
                session.request.replied_at = session.request.replied_at or self.clock.wall()
        session.planned_at = invite.start
        if minutes is not None:
            session.limit_minutes = minutes
        session.person.name = session.person.name or name
        session.person.contact = session.person.contact or email
        session.preparation.research = self._with_link(session.preparation.research, invite.link)
        return session, path

    @staticmethod
    def _with_link(research: str, link: str) -> str:
        """The research notes with the meeting link as their first line: an earlier
        invite's link line is replaced; a link already in the notes is left be."""
        mark = "Meeting link: "
        if not link:
            return research
        first, newline, rest = research.partition("\n")
        if first.startswith(mark):
            return f"{mark}{link}{newline}{rest}"
        if link in research:
            return research
        return f"{mark}{link}\n{research}" if research else f"{mark}{link}"

    # --- writing text the user takes away -------------------------------------------------

    def export_text(self, where: str, text: str) -> Path:
        """Write ``text`` to the file the user typed, whole or not at all.
        Raises ``NotWritten``."""
        from .atomic import describe_os_error, write_atomic
        from .paths import expand

        target = expand(where.strip())
        try:
            write_atomic(target, text.encode("utf-8"))
        except OSError as error:
            raise NotWritten(f"{target} cannot be written: {describe_os_error(error)}") from error
        return target

    # --- the question bank and templates --------------------------------------------------

    @property
    def bank(self) -> Bank:
        if self._bank is None:
            from .bank import load_bank

            self._bank = load_bank(self.folders.config, self.bank_warnings)
        return self._bank

    def load_templates(self, warnings: list[str]) -> list[Template]:
        from .templates import load_templates

        return load_templates(self.folders.config, self.bank, warnings)

    def find_template(self, name: str) -> Template | None:
        from .templates import find_template

        return find_template(self.load_templates([]), name)

    @property
    def templates_folder(self) -> Path:
        from .templates import templates_folder

        return templates_folder(self.folders.config)

    def save_template(self, template: Template, *, replace: bool) -> Path:
        """Write a template to the templates folder. Raises ``FileExistsError``
        (one of that name exists, and ``replace`` is false) or ``TemplateError``."""
        from .templates import save_template

        return save_template(self.folders.config, template, replace=replace)


def _carry_over_outreach(session: Session, referral: Referral) -> None:
    """What an older version recorded of the outreach to a referral (a status
    and when it changed), as the new request's history: a referral marked
    contacted was sent then, so its follow-ups count from that day."""
    from .model import Outreach, Reply, SessionState

    request = session.request
    if request is None or referral.outreach is Outreach.TO_CONTACT:
        return
    when = referral.outreach_updated or session.created
    request.sent_at = when
    if referral.outreach is Outreach.DECLINED:
        request.reply, request.replied_at = Reply.DECLINED, when
    elif referral.outreach in (Outreach.MEETING_PLANNED, Outreach.MET):
        # They said yes outside the app: the call to plan (a met one was held
        # elsewhere, and is planned here so its notes have a home).
        request.reply, request.replied_at = Reply.AGREED, when
        session.state = SessionState.PLANNED
