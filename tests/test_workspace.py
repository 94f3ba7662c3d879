"""The workspace and the session editor: the sessions folder of a running program,
tested on real files without Textual."""

from __future__ import annotations

import datetime as dt
import errno
from collections.abc import Callable
from pathlib import Path

import pytest

from iisession.core import atomic
from iisession.core.clock import ManualClock
from iisession.core.editor import SessionEditor
from iisession.core.model import Outreach, Person, Session, SessionState
from iisession.core.paths import resolve_folders
from iisession.core.store import SessionStore, read_session
from iisession.core.workspace import (
    PRACTICE_FOLDER,
    CannotOpen,
    Gone,
    NotSaved,
    NotWritten,
    ReadOnly,
    Workspace,
)
from tests.factories import make_session


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC))


@pytest.fixture
def workspace(sessions_dir: Path, clock: ManualClock) -> Workspace:
    return Workspace(resolve_folders(str(sessions_dir)), clock)


def disk_full(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Every write of a session fails as on a full disk; the result puts it back."""
    real = atomic.write_atomic

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("iisession.core.store.write_atomic", full)
    return lambda: monkeypatch.setattr("iisession.core.store.write_atomic", real)


def written(workspace: Workspace, session: Session) -> Path:
    """A session on disk, not held."""
    handle = workspace.create(session)
    workspace.release(handle)
    return handle.path


def test_every_save_reaches_the_index_and_the_listeners(workspace: Workspace) -> None:
    heard: list[Path] = []
    workspace.on_saved(heard.append)
    handle = workspace.create(make_session(name="Ines Duarte", notes="marzipan factory\n"))
    hits, total = workspace.index.search("marzipan")
    assert total == 1
    assert hits[0].summary.file == handle.path.name
    handle.session.notes += "and a lighthouse\n"
    handle.save()
    assert workspace.index.search("lighthouse")[1] == 1
    assert heard == [handle.path, handle.path]
    # A practice run is saved through the same callback, and kept out of the index.
    practice = workspace.start_practice(handle.session)
    practice.session.notes = "rehearsal only: quince\n"
    practice.save()
    assert heard[-1] == practice.path
    assert practice.path.parent.name == PRACTICE_FOLDER
    assert workspace.index.search("quince")[1] == 0


def test_a_file_opened_elsewhere_is_wired_to_the_index_when_adopted(
    workspace: Workspace, sessions_dir: Path
) -> None:
    handle = SessionStore(sessions_dir).create(make_session(name="Theo"))
    workspace.adopt(handle)
    handle.session.notes = "persimmon\n"
    handle.save()
    assert workspace.index.search("persimmon")[1] == 1
    assert workspace.open_files == [handle]


def test_open_files_are_held_saved_and_released(workspace: Workspace) -> None:
    path = written(workspace, make_session(name="Ana"))
    handle = workspace.open(path)
    assert workspace.open_files == [handle]
    # A second opener (another window) gets it read-only, and cannot change it.
    with pytest.raises(ReadOnly, match="open in another"):
        workspace.open_writable(path)
    assert workspace.open_files == [handle]
    handle.session.notes = "saved on quit\n"
    workspace.save_all()
    assert read_session(path).session.notes == "saved on quit\n"
    handle.session.notes = "closed at the end\n"
    assert workspace.close_all() == []
    assert workspace.open_files == []
    assert read_session(path).session.notes == "closed at the end\n"
    assert handle.closed


def test_close_all_says_what_could_not_be_saved(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = written(workspace, make_session(name="Ana"))
    handle = workspace.open(path)
    handle.session.notes = "only in memory\n"
    disk_full(monkeypatch)
    [problem] = workspace.close_all()
    assert "in memory only" in problem
    assert "the disk is full" in problem


def test_damaged_and_missing_files_raise_cannot_open(
    workspace: Workspace, sessions_dir: Path
) -> None:
    sessions_dir.mkdir(parents=True, exist_ok=True)
    damaged = sessions_dir / "2026-11-01-1000-damaged.toml"
    damaged.write_text("this is = = not toml", encoding="utf-8")
    with pytest.raises(CannotOpen):
        workspace.open(damaged)
    with pytest.raises(CannotOpen):
        workspace.read(sessions_dir / "nothing-here.toml")
    assert workspace.open_files == []
    assert damaged.read_text(encoding="utf-8") == "this is = = not toml"


def test_a_call_from_a_referral_is_linked_both_ways(
    workspace: Workspace, clock: ManualClock
) -> None:
    source = make_session(name="Sunniva Berg")
    referral = source.referrals[0]
    referral.outreach = Outreach.TO_CONTACT
    path = written(workspace, source)
    made = workspace.from_referral(path, referral.id)
    assert made.not_linked == ""
    new = made.session
    assert new.person.name == referral.name
    assert new.person.referred_by == "Sunniva Berg"
    assert new.source_session == source.id
    assert new.source_referral == referral.id
    assert new.questions  # the bank's default set
    on_disk = next(r for r in read_session(path).session.referrals if r.id == referral.id)
    assert on_disk.session_id == new.id
    assert on_disk.outreach is Outreach.MEETING_PLANNED
    assert on_disk.outreach_updated == clock.wall()
    assert workspace.open_files == []
    with pytest.raises(Gone):
        workspace.from_referral(path, "no-such-referral")


def test_a_referral_in_a_session_open_elsewhere_is_set_up_without_the_link(
    workspace: Workspace,
) -> None:
    source = make_session(name="Sunniva Berg")
    path = written(workspace, source)
    holder = workspace.open(path)  # the live screen has it
    made = workspace.from_referral(path, source.referrals[0].id)
    assert "open in another" in made.not_linked
    assert made.session.source_session == source.id
    assert read_session(path).session.referrals[0].session_id == ""
    assert workspace.open_files == [holder]


def test_practice_runs_share_the_questions_and_are_kept_or_dropped(
    workspace: Workspace, sessions_dir: Path
) -> None:
    session = make_session(name="Maya")
    run = workspace.start_practice(session)
    assert run.session.practice
    assert run.session.id != session.id
    assert [q.text for q in run.session.questions] == [q.text for q in session.questions]
    assert any(q.asked for q in session.questions)
    assert not any(q.asked for q in run.session.questions)  # fresh copies, none asked
    assert all(a is not b for a, b in zip(run.session.questions, session.questions, strict=True))
    kept = workspace.keep_practice(run)
    assert kept.parent == sessions_dir
    assert read_session(kept).session.practice
    assert not run.path.exists()
    assert workspace.open_files == []
    dropped = workspace.start_practice(session)
    workspace.discard(dropped)
    assert not dropped.path.exists()
    assert workspace.open_files == []


def test_keeping_a_practice_run_that_cannot_be_written_leaves_it_where_it_is(
    workspace: Workspace, sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = workspace.start_practice(make_session(name="Maya"))
    disk_full(monkeypatch)
    with pytest.raises(NotSaved, match="stays in"):
        workspace.keep_practice(run)
    assert run.path.exists()
    assert list(sessions_dir.glob("*.toml")) == []
    assert workspace.open_files == [run]


def test_marks_use_the_workspace_clock(workspace: Workspace, clock: ManualClock) -> None:
    planned = Session(person=Person(name="Ben"), planned_at=clock.wall() + dt.timedelta(days=2))
    path = written(workspace, planned)
    clock.advance(3600)
    assert workspace.mark_confirmed(path) == "Marked confirmed: Ben"
    assert read_session(path).session.confirmed_at == clock.wall()
    assert workspace.mark_thank_you(path, sent=True) == "Thank-you to Ben marked sent."
    assert read_session(path).session.follow_up.thank_you_sent == clock.wall()
    assert workspace.mark_thank_you(path, sent=False) == "Thank-you to Ben: not sent."
    assert read_session(path).session.follow_up.thank_you_sent is None
    clock.advance(60)
    assert "In touch with Ben" in workspace.mark_in_touch(path)
    assert read_session(path).session.follow_up.last_contact == clock.wall()
    holder = workspace.open(path)
    with pytest.raises(ReadOnly):
        workspace.mark_confirmed(path)
    workspace.release(holder)


def test_confirming_a_call_again_keeps_the_first_confirmation(
    workspace: Workspace, clock: ManualClock
) -> None:
    planned = Session(person=Person(name="Ben"), planned_at=clock.wall() + dt.timedelta(days=2))
    path = written(workspace, planned)
    workspace.mark_confirmed(path)
    first = clock.wall()
    before = path.read_bytes()
    clock.advance(3 * 3600)  # `c` again, hours later, from the list or the follow-ups
    message = workspace.mark_confirmed(path)
    assert message == f"Ben: already confirmed on {first.astimezone():%Y-%m-%d %H:%M}"
    assert read_session(path).session.confirmed_at == first
    assert path.read_bytes() == before  # nothing to write


def test_a_call_left_open_is_found_and_ended(workspace: Workspace, clock: ManualClock) -> None:
    from iisession.core.live import LiveCall

    session = make_session(name="Kim")
    session.state = SessionState.PLANNED
    session.timeline = []
    handle = workspace.create(session)
    LiveCall(handle.session, clock).toggle_clock()
    handle.save()
    workspace.release(handle)
    pending = {handle.path.name: read_session(handle.path).session}
    left = Workspace.open_call(pending, handle.path.parent)
    assert left is not None
    assert left.path == handle.path
    assert left.others == 0
    assert workspace.end_call(handle.path) == "Call with Kim ended."
    assert read_session(handle.path).session.state is SessionState.ENDED


def test_thank_you_is_drafted_once(workspace: Workspace, clock: ManualClock) -> None:
    session = make_session(name="Owen")
    session.follow_up.thank_you_draft = ""
    path = written(workspace, session)
    handle = workspace.open_thank_you(path)
    assert "Owen" in handle.session.follow_up.thank_you_draft
    assert handle.session.follow_up.thank_you_drafted == clock.wall()
    handle.session.follow_up.thank_you_draft = "My own words"
    workspace.release(handle)
    again = workspace.open_thank_you(path)
    assert again.session.follow_up.thank_you_draft == "My own words"
    workspace.release(again)
    with pytest.raises(Gone):
        workspace.open_outreach(path, "no-such-referral")
    assert workspace.open_files == []


def test_export_writes_whole_or_says_why(workspace: Workspace, tmp_path: Path) -> None:
    target = workspace.export_text(str(tmp_path / "note.txt"), "Dear Owen,\n")
    assert target.read_text(encoding="utf-8") == "Dear Owen,\n"
    with pytest.raises(NotWritten, match="cannot be written"):
        workspace.export_text(str(tmp_path / "no-such-folder" / "x" / "note.txt"), "x")


def test_related_sessions_come_from_the_folder_as_last_read(workspace: Workspace) -> None:
    written(workspace, make_session(name="Maya Lindqvist"))
    planned = Session(person=Person(name="Maya Lindqvist"), planned_at=dt.datetime.now(dt.UTC))
    written(workspace, planned)
    assert workspace.related_sessions("Maya Lindqvist", "") == []  # not read yet
    workspace.folder_read(workspace.read_folder())
    related = workspace.related_sessions("maya lindqvist", "")
    assert [s.state for s in related] == [SessionState.ENDED]  # the planned call is not earlier
    assert len(workspace.related_sessions("", "Northwind Health")) == 1


# --- the session editor ----------------------------------------------------------------


def test_typing_is_saved_after_a_pause_and_at_least_every_five_seconds(
    workspace: Workspace, clock: ManualClock
) -> None:
    handle = workspace.create(make_session(name="Ana"))
    editor = SessionEditor(handle.session, clock, handle)
    for _ in range(4):  # a key every 1.5 s: never a 2 s pause
        handle.session.notes += "word "
        editor.typed()
        clock.advance(1.5)
        outcome = editor.tick()
        if outcome is not None:
            break
    assert outcome is not None
    assert outcome.saved
    assert clock.steady() - 1000.0 <= 6.0
    assert read_session(handle.path).session.notes.endswith("word ")
    handle.session.notes += "last"
    editor.typed()
    clock.advance(1.0)
    assert editor.tick() is None
    clock.advance(1.0)
    saved = editor.tick()
    assert saved is not None
    assert saved.saved
    assert read_session(handle.path).session.notes.endswith("last")
    assert editor.status() == "saved just now"


def test_a_failed_save_is_told_once_retried_and_kept(
    workspace: Workspace, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = workspace.create(make_session(name="Ana"))
    editor = SessionEditor(handle.session, clock, handle)
    restore = disk_full(monkeypatch)
    handle.session.notes = "kept in memory"
    first = editor.changed()
    assert not first.saved
    assert first.first_failure
    assert editor.failing
    assert editor.status().startswith("NOT SAVED:")
    clock.advance(1)
    assert editor.tick() is None  # the retry waits a little
    clock.advance(3)
    retry = editor.tick()
    assert retry is not None
    assert retry.error is not None
    assert not retry.first_failure
    restore()
    clock.advance(3)
    back = editor.tick()
    assert back is not None
    assert back.saved
    assert not editor.failing
    assert read_session(handle.path).session.notes == "kept in memory"


def test_a_new_session_is_created_on_its_first_save(
    workspace: Workspace, clock: ManualClock
) -> None:
    session = Session(person=Person(name="Lena"))
    editor = SessionEditor(session, clock, create=workspace.create)
    outcome = editor.save()
    assert outcome.created
    assert editor.handle is not None
    assert editor.handle in workspace.open_files
    assert read_session(editor.handle.path).session.person.name == "Lena"
    handed_on = editor.detach()
    assert handed_on is not None
    assert editor.save().saved is False  # this editor saves no more


def test_a_read_only_session_is_never_written_and_says_so(
    workspace: Workspace, clock: ManualClock
) -> None:
    path = written(workspace, make_session(name="Kim"))
    holder = workspace.open(path)
    before = path.read_bytes()
    second = SessionStore(path.parent).open(path)
    editor = SessionEditor(second.session, clock, second)
    assert editor.read_only
    assert editor.status().startswith("Read-only: open in another")
    second.session.notes = "not mine to write"
    outcome = editor.changed()
    assert not outcome.saved
    assert editor.status().startswith("NOT SAVED: open in another")
    assert path.read_bytes() == before
    second.close()
    workspace.release(holder)


def test_a_planned_call_is_renamed_after_its_planned_time_and_the_index_follows(
    workspace: Workspace, clock: ManualClock
) -> None:
    heard: list[Path] = []
    workspace.on_saved(heard.append)
    session = Session(person=Person(name="Ana"), created=clock.wall())
    handle = workspace.create(session)
    created = handle.path
    assert created.name == f"{clock.wall().astimezone():%Y-%m-%d-%H%M}-ana.toml"
    planned = clock.wall() + dt.timedelta(days=1, hours=-1)
    session.planned_at = planned
    handle.save()
    new = workspace.name_after_plan(handle)
    assert new is not None
    assert new.name == f"{planned.astimezone():%Y-%m-%d-%H%M}-ana.toml"
    assert [s.file for s in workspace.index.summaries()] == [new.name]
    assert heard[-1] == new
    assert workspace.name_after_plan(handle) is None
    # A call held (or a practice run) keeps its name whatever its planned time.
    session.state = SessionState.ENDED
    session.planned_at = planned + dt.timedelta(days=2)
    assert workspace.name_after_plan(handle) is None
    workspace.release(handle)
    assert read_session(new).session.planned_at == planned + dt.timedelta(days=2)
