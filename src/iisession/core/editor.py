"""One session being edited: its file, when what is typed is saved, what a failed
save means. The live screen, the setup form and the drafts all edit through it.

Typing is saved after a pause and at least every few seconds while it goes on
(``autosave``); between saves, each tick (once a second) while the session has
changed since appends the change to the session's journal and fsyncs it, so a
crash loses at most about a second of typing (``journal``); a discrete change
(a tick, a referral) is saved at once; a failed save is retried, the session
stays in memory (and in the journal), and the first failure of a run of them is
the one to tell the user about. A read-only session (open in
another window, say) is never written: the store refuses, and the indicator
says what is on screen is not saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .autosave import AutosavePolicy, SaveTracker
from .store import SaveError, SessionFile

if TYPE_CHECKING:
    from .clock import Clock
    from .model import Session


@dataclass(frozen=True)
class Outcome:
    """What one attempt to save did."""

    saved: bool
    """The session on disk is what is in memory (written now, or nothing to write)."""
    error: SaveError | None = None
    first_failure: bool = False
    """This failure starts a run of them: tell the user (later ones are retries)."""
    conflict_copy: Path | None = None
    """Another program had changed the file; its version was kept here."""
    created: bool = False
    """The file was created by this save."""
    notice: str = ""
    """Something another program did that the user must hear of (the file was
    deleted, or moved, and saved again)."""
    moved_to: Path | None = None
    """Another program had moved the file: it was saved there."""


HEARTBEAT_SECONDS = 2.0
"""How often a running call's clock is journaled when nothing else changes, on
a computer whose steady clock cannot be told apart from one run to the next
(no boot id, see ``Clock.boot``): a crash of the program then loses at most
this much of the clock."""

DURABLE_CLOCK_SECONDS = 30.0
"""How often such a clock-only record is fsynced. The others are written
without (the fsync was most of an idle call's CPU): a power cut loses at most
this much of the clock. Typing is always fsynced.

With a boot id, the clock is journaled only this often: a record in between
would add nothing. After a crash, the time since the last mark is counted on
the same steady clock (``countdown.since_mark``), and the mark's time used plus
the time since it is the same whichever mark of a running clock it is. The
records between were most of what an idle call did each second."""

NOTHING = Outcome(saved=False)
"""Nothing was tried (no file yet, and none to create)."""


class SessionEditor:
    """The file of one session under edit, and its save cadence."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        handle: SessionFile | None = None,
        *,
        create: Callable[[Session], SessionFile] | None = None,
        ready: Callable[[Session], bool] | None = None,
        policy: AutosavePolicy | None = None,
        journal: bool = True,
    ) -> None:
        """``create`` makes the file on the first save when there is no ``handle``
        yet, once ``ready`` says the session may be (a form that is saved only
        once it has a name: its file is named after the person). Until there is
        a file there is no journal either: what is typed is in memory only.
        ``journal=False`` keeps none (to measure what it costs)."""
        self.session = session
        self.clock = clock
        self.handle = handle
        self._create = create
        self._ready = ready
        self.tracker = SaveTracker(policy)
        self._journaling = journal
        self._unjournaled = False
        """Changed since the last record (or save): the next tick records it."""
        self._last_heartbeat: float | None = None
        self._clock_only = False
        """What is unjournaled is only the clock's run (no typing, no change)."""
        self._last_durable: float | None = None
        if (
            handle is not None
            and handle.recovered is not None
            and not handle.read_only
            and handle.has_unsaved_changes()
        ):
            # Typing recovered from the journal: saved after the usual pause.
            self.tracker.changed(clock.steady())

    @property
    def read_only(self) -> bool:
        return self.handle is not None and self.handle.read_only

    @property
    def read_only_reason(self) -> str:
        return self.handle.read_only_reason if self.handle is not None else ""

    @property
    def failing(self) -> bool:
        """The last save failed: what is on screen is in memory only."""
        return bool(self.tracker.error)

    def typed(self) -> None:
        """Text changed: journaled at the next tick, saved after a pause (see ``tick``)."""
        self.tracker.changed(self.clock.steady())
        self._unjournaled = True
        self._clock_only = False

    def clock_moved(self) -> None:
        """The call's clock ran on (its mark is in the session, see
        ``LiveCall.mark``): journaled, never saved for that alone, every
        ``HEARTBEAT_SECONDS``, or every ``DURABLE_CLOCK_SECONDS`` where the
        steady clock bridges a crash (a boot id), so a crash loses none of it."""
        now = self.clock.steady()
        every = DURABLE_CLOCK_SECONDS if self.clock.boot() else HEARTBEAT_SECONDS
        # Ticks come about once a second, never exactly: a little slack, or
        # one a hair early would stretch the gap to three seconds.
        due = every - 0.25
        if self._last_heartbeat is None or now - self._last_heartbeat >= due:
            self._last_heartbeat = now
            if not self._unjournaled:
                self._clock_only = True
            self._unjournaled = True

    def changed(self) -> Outcome:
        """A discrete change: saved at once."""
        self.typed()
        return self.save()

    def tick(self) -> Outcome | None:
        """Once a second or so: a save if one is due, else None; between saves,
        what changed since the last tick goes to the journal."""
        if not self.tracker.due(self.clock.steady()):
            self.journal()
            return None
        outcome = self.save()
        if not outcome.saved:
            self.journal()  # the file cannot be written just now: the journal keeps it
        return outcome

    def journal(self, extra: dict[str, Any] | None = None) -> bool:
        """Record what changed since the last record or save in the session's
        journal (fsynced); with ``extra``, a record even if nothing changed.
        Cheap when nothing changed: the session is not even rendered. Never
        raises: a failed record is tried again at the next tick. True if a
        record was appended."""
        if self.handle is None or not self._journaling:
            return False
        if not self._unjournaled and extra is None:
            return False
        steady = self.clock.steady()
        durable = (
            not self._clock_only
            or extra is not None
            or self._last_durable is None
            or steady - self._last_durable >= DURABLE_CLOCK_SECONDS - 0.25
        )
        appended = self.handle.journal(now=self.clock.wall(), extra=extra, durable=durable)
        self._unjournaled = bool(self.handle.journal_error)
        if not self._unjournaled:
            self._clock_only = False
            if durable:
                self._last_durable = steady
        return appended

    @property
    def journal_error(self) -> str:
        """Why the last journal record failed ("" when it worked, or none was needed)."""
        return self.handle.journal_error if self.handle is not None else ""

    def save(self) -> Outcome:
        """Save now (creating the file if need be and possible)."""
        now = self.clock.steady()
        created = False
        if self.handle is None:
            if self._create is None or (self._ready is not None and not self._ready(self.session)):
                return NOTHING
            try:
                self.handle = self._create(self.session)
            except SaveError as error:
                return self._failed(now, error)
            created = True
            result = None
        else:
            try:
                result = self.handle.save(now=self.clock.wall())
            except SaveError as error:
                return self._failed(now, error)
        self.tracker.succeeded(now)
        self._unjournaled = False  # the file holds it all; the save dropped the journal
        self._clock_only = False
        self._last_durable = now
        return Outcome(
            saved=True,
            created=created,
            conflict_copy=result.conflict_copy if result is not None else None,
            notice=result.notice if result is not None else "",
            moved_to=result.moved_to if result is not None else None,
        )

    def _failed(self, now: float, error: SaveError) -> Outcome:
        first = not self.tracker.error
        self.tracker.failed(now, error.reason)
        return Outcome(saved=False, error=error, first_failure=first)

    def status(self) -> str:
        """The save indicator: always says whether what is on screen is on disk."""
        if self.read_only and not self.tracker.dirty:
            return f"Read-only: {self.read_only_reason}"
        return self.tracker.status(self.clock.steady())

    def detach(self) -> SessionFile | None:
        """Hand the file on (to another screen); this editor saves no more."""
        handle, self.handle = self.handle, None
        self._create = None
        return handle
