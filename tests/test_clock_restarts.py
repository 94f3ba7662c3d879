"""The call's clock across crashes, restarts and wall-clock steps, on real
files: what was saved (or journaled) is reopened by a fresh store, as the next
run of the program would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iisession.core.clock import ManualClock
from iisession.core.countdown import RAN_ON_SECONDS, from_session
from iisession.core.editor import SessionEditor
from iisession.core.journal import journal_path_for
from iisession.core.live import LiveCall
from iisession.core.model import EventKind, Person, Session, SessionState
from iisession.core.store import SessionStore, read_session
from iisession.core.summary import summarise


def running_call(sessions_dir: Path, clock: ManualClock) -> tuple[LiveCall, Path]:
    session = Session(person=Person(name="Kim Ito"), limit_minutes=30)
    handle = SessionStore(sessions_dir).create(session)
    live = LiveCall(handle.session, clock)
    live.toggle_clock()
    handle.save(now=clock.wall())
    handle.close()  # the lock goes with the process: as after kill -9
    return live, handle.path


def run_for(live: LiveCall, clock: ManualClock, seconds: int) -> None:
    for _ in range(seconds):
        clock.advance(1)
        live.tick()


def saved(live: LiveCall, path: Path, clock: ManualClock) -> None:
    """What the last save (or journal record) before a crash holds."""
    handle = SessionStore(path.parent).open(path)
    handle.session = live.session
    handle.save(now=clock.wall())
    handle.close()


def reopened(path: Path, clock: ManualClock) -> LiveCall:
    return LiveCall(SessionStore(path.parent).open(path).session, clock)


def test_a_call_reopened_soon_after_a_crash_runs_on_and_counts_the_gap(
    sessions_dir: Path,
) -> None:
    clock = ManualClock()
    live, path = running_call(sessions_dir, clock)
    run_for(live, clock, 58)
    saved(live, path, clock)
    run_for(live, clock, 2)  # then the crash: these 2 s reach no file
    clock.advance(20)  # the program is started again
    again = reopened(path, clock)
    assert again.countdown.running
    assert again.ran_on == 22
    assert again.elapsed() == 80  # the conversation went on all along
    assert again.stopped_at is None
    assert [e.kind for e in again.session.timeline] == [EventKind.STARTED]


def test_a_wall_clock_step_in_the_call_is_not_call_time(sessions_dir: Path) -> None:
    for step in (3600, -3600):
        clock = ManualClock()
        folder = sessions_dir / str(step)
        folder.mkdir(parents=True)
        live, path = running_call(folder, clock)
        run_for(live, clock, 20)
        clock.jump_wall(step)  # NTP, a time zone set by hand
        run_for(live, clock, 20)
        saved(live, path, clock)
        again = reopened(path, clock)
        assert again.elapsed() == 40, step
        assert again.remaining() == 30 * 60 - 40, step
        # And once ended, every list shows the call's real length.
        again.end()
        assert summarise(path.name, again.session).length_seconds == 40


def test_after_the_computer_restarted_the_user_says_whether_the_call_went_on(
    sessions_dir: Path,
) -> None:
    clock = ManualClock()
    live, path = running_call(sessions_dir, clock)
    run_for(live, clock, 100)
    saved(live, path, clock)
    stopped = clock.wall()
    clock.restart_computer()
    clock.advance(300)  # five minutes later, by the wall clock too
    again = reopened(path, clock)
    assert not again.countdown.running
    assert again.stopped_at == stopped
    assert again.elapsed() == 100  # paused where it stopped, until the user says
    message = again.went_on()
    assert again.countdown.running
    assert again.elapsed() == 400
    assert "5 min" in message
    assert [e.kind for e in again.session.timeline] == [EventKind.STARTED]


def test_a_long_gap_is_asked_about_and_can_be_left_paused(sessions_dir: Path) -> None:
    clock = ManualClock()
    live, path = running_call(sessions_dir, clock)
    run_for(live, clock, 60)
    saved(live, path, clock)
    clock.advance(RAN_ON_SECONDS + 1)
    again = reopened(path, clock)
    assert again.stopped_at is not None
    assert not again.countdown.running
    assert again.elapsed() == 60
    assert [e.kind for e in again.session.timeline] == [EventKind.STARTED, EventKind.PAUSED]
    again.toggle_clock()  # F5: it stopped then, and goes on from here
    run_for(again, clock, 5)
    assert again.elapsed() == 65


def test_the_clock_mark_is_kept_in_the_file_and_read_back(sessions_dir: Path) -> None:
    clock = ManualClock()
    live, path = running_call(sessions_dir, clock)
    run_for(live, clock, 7)
    saved(live, path, clock)
    on_disk = read_session(path).session
    assert on_disk.clock is not None
    assert on_disk.clock.used_seconds == 7
    assert on_disk.clock.running
    assert on_disk.clock.boot == clock.boot()
    assert "[clock]" in path.read_text()
    assert from_session(on_disk).elapsed(0) == 7
    assert on_disk.state is SessionState.LIVE


def test_it_went_on_counts_the_steady_gap_whatever_the_wall_clock_did(
    sessions_dir: Path,
) -> None:
    clock = ManualClock()
    live, path = running_call(sessions_dir, clock)
    run_for(live, clock, 60)
    saved(live, path, clock)
    clock.advance(RAN_ON_SECONDS + 60)  # 11 minutes closed: the user is asked
    clock.jump_wall(3600)  # and the wall clock was put forward meanwhile
    again = reopened(path, clock)
    assert again.stopped_at is not None
    again.went_on()
    assert again.elapsed() == 60 + RAN_ON_SECONDS + 60  # not an hour more


def test_a_read_only_view_of_a_running_call_changes_nothing(sessions_dir: Path) -> None:
    clock = ManualClock()
    live, path = running_call(sessions_dir, clock)
    run_for(live, clock, 30)
    saved(live, path, clock)
    clock.restart_computer()  # a gap nobody can measure: a writer would ask
    session = read_session(path).session
    view = LiveCall(session, clock, read_only=True)
    assert view.stopped_at is None
    assert [e.kind for e in session.timeline] == [EventKind.STARTED]
    view.tick()
    assert session.clock == read_session(path).session.clock


class EditedCall:
    """A call with its clock running, saved once, under an editor that ticks
    about once a second (never exactly), as the live screen's does."""

    def __init__(self, sessions_dir: Path, *, boot_id: str = "manual") -> None:
        self.clock = ManualClock()
        self.clock.boot_id = boot_id
        session = Session(person=Person(name="Kim Ito"), limit_minutes=30)
        self.handle = SessionStore(sessions_dir).create(session)
        self.editor = SessionEditor(self.handle.session, self.clock, self.handle)
        self.live = LiveCall(self.handle.session, self.clock)
        self.live.toggle_clock()
        assert self.editor.changed().saved

    def second(self) -> None:
        self.clock.advance(0.999)
        self.live.tick()
        self.editor.clock_moved()
        self.editor.tick()


def test_a_running_clock_is_journaled_every_half_minute_and_comes_back_whole_after_a_crash(
    sessions_dir: Path,
) -> None:
    # The steady clock bridges the crash (a boot id): the time since the last
    # record is counted on it, so records in between would add nothing.
    call = EditedCall(sessions_dir)
    handle = call.handle
    for _ in range(40):
        call.second()
    records = journal_path_for(handle.path).read_text(encoding="utf-8").splitlines()
    assert len(records) == 1 + 2  # the header, then the ticks at about 1 s and 31 s
    handle.close()  # kill -9: nothing saved since the start
    assert read_session(handle.path).session.clock.used_seconds == 0  # type: ignore[union-attr]
    again = reopened(handle.path, call.clock)
    assert again.elapsed() == pytest.approx(40 * 0.999, abs=0.1)  # none of it lost
    assert again.countdown.running


def test_without_a_boot_id_the_clock_is_journaled_every_two_ticks(sessions_dir: Path) -> None:
    # Without one, the steady clock cannot say how long the program was down:
    # the last record is where the clock stands after a crash.
    call = EditedCall(sessions_dir, boot_id="")
    handle = call.handle
    for _ in range(20):
        call.second()
    records = journal_path_for(handle.path).read_text(encoding="utf-8").splitlines()
    assert len(records) == 1 + 10  # the header, then every other tick
    handle.close()  # kill -9
    again = reopened(handle.path, call.clock)
    assert again.elapsed() >= 20 * 0.999 - 2
    assert again.stopped_at is not None  # whether the call went on is asked


def test_an_ended_call_says_no_more_time_points(sessions_dir: Path) -> None:
    clock = ManualClock()
    live, _ = running_call(sessions_dir, clock)
    clock.advance(25 * 60)  # no tick in between: the 10-minute warning is due
    live.end()
    kinds = [e.kind for e in live.session.timeline]
    clock.advance(1)
    assert live.tick() == []
    assert [e.kind for e in live.session.timeline] == kinds
    live.reopen()  # points the clock passed before the end are not said now either
    clock.advance(1)
    assert live.tick() == []


def journal_fsyncs(monkeypatch: pytest.MonkeyPatch, journal: Path) -> list[int]:
    """Filled as ``journal`` is fsynced: its number of lines at each fsync."""
    synced: list[int] = []
    real_fsync = os.fsync

    def counting(fd: int) -> None:
        if os.path.realpath(f"/proc/self/fd/{fd}") == str(journal.resolve()):
            synced.append(len(journal.read_bytes().splitlines()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting)
    return synced


def test_clock_only_records_are_fsynced_every_half_minute_and_typing_always(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An idle call's fsync every two seconds was most of its CPU: the clock's
    # records are fsynced every 30 s (a power cut loses at most that much of
    # the clock); whatever was typed is fsynced with its record at once.
    call = EditedCall(sessions_dir, boot_id="")  # a record every two seconds
    handle, editor, second = call.handle, call.editor, call.second
    journal = journal_path_for(handle.path)
    synced = journal_fsyncs(monkeypatch, journal)
    for _ in range(62):
        second()
    lines = journal.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 31  # a record every other second, as before
    # The first record starts the journal (written whole, fsynced, under
    # another name); of the appends, those at about 31 s and 61 s are fsynced.
    assert synced == [1 + 16, 1 + 31]
    editor.session.notes = "she said the team is hiring"
    editor.typed()
    second()
    lines = journal.read_text(encoding="utf-8").splitlines()
    assert "hiring" in lines[-1]
    assert synced[-1] == len(lines) == 1 + 32  # typing: fsynced at once
    handle.close()  # kill -9: what was written without fsync is still in the file
    again = reopened(handle.path, call.clock)
    assert again.session.notes == "she said the team is hiring"
    assert again.elapsed() >= 63 * 0.999 - 2


def test_with_a_boot_id_each_clock_record_is_fsynced_and_typing_is_journaled_at_once(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = EditedCall(sessions_dir)
    handle, editor, second = call.handle, call.editor, call.second
    journal = journal_path_for(handle.path)
    synced = journal_fsyncs(monkeypatch, journal)
    for _ in range(62):
        second()
    lines = journal.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 3  # at about 1 s, 31 s and 61 s
    assert synced == [1 + 2, 1 + 3]  # the first started the journal (fsynced whole)
    editor.session.notes = "she said the team is hiring"
    editor.typed()
    second()  # the next tick: typing never waits for the clock's half minute
    lines = journal.read_text(encoding="utf-8").splitlines()
    assert "hiring" in lines[-1]
    assert synced[-1] == len(lines) == 1 + 4
    handle.close()  # kill -9
    again = reopened(handle.path, call.clock)
    assert again.session.notes == "she said the team is hiring"
    assert again.elapsed() == pytest.approx(63 * 0.999, abs=0.1)
