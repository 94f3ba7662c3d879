"""The store at the edges: odd files in place of a session, times at the calendar's
limits, changes from outside that leave few traces, permissions, long names, links."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import resource
import signal
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from iisession.core import codec, paths
from iisession.core.bank import load_bank
from iisession.core.index import SessionIndex
from iisession.core.locking import SessionLock
from iisession.core.model import Person, Session
from iisession.core.naming import SUFFIX, base_name
from iisession.core.store import (
    SaveError,
    SessionFile,
    SessionFileError,
    SessionStore,
    read_session,
)
from iisession.core.templates import load_templates, templates_folder
from iisession.core.when import WhenError, read_when
from tests.factories import make_session

T = TypeVar("T")

PROMPTLY = 5.0
"""Seconds a read of an odd file may take at most: far more than it ever needs."""


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def finishes(work: Callable[[], T], fifos: tuple[Path, ...] = ()) -> T | BaseException:
    """``work``'s result (or what it raised), failing the test if it hangs.

    A hung thread blocks on a FIFO: opening the FIFO's other end frees it, so a
    failing run leaves nothing behind."""
    outcome: list[T | BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(PROMPTLY)
    if thread.is_alive():
        for fifo in fifos:
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(PROMPTLY)
        pytest.fail(f"{work} hung")
    return outcome[0]


def open_session(sessions_dir: Path) -> SessionFile:
    return SessionStore(sessions_dir).create(make_session())


# --- nothing the app reads can hang it ------------------------------------------------


def test_a_fifo_in_place_of_the_open_file_stops_the_save_promptly(sessions_dir: Path) -> None:
    with open_session(sessions_dir) as handle:
        handle.path.unlink()
        os.mkfifo(handle.path)
        handle.session.notes = "words typed during the call\n"
        error = finishes(handle.save, (handle.path,))
        assert isinstance(error, SaveError), error
        assert "is not a regular file (a FIFO)" in error.reason
        assert stat.S_ISFIFO(os.lstat(handle.path).st_mode)  # left as it was
        assert handle.session.notes == "words typed during the call\n"  # kept in memory
        assert handle.has_unsaved_changes()


def _current_vm_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def test_a_link_to_dev_zero_in_place_of_the_open_file_stops_the_save(sessions_dir: Path) -> None:
    """In a child with bounded memory and time: an endless read must not take the
    test run down with it if it ever comes back."""
    with open_session(sessions_dir) as handle:
        handle.path.unlink()
        handle.path.symlink_to("/dev/zero")
        handle.session.notes = "more words\n"
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            code = 1
            try:
                limit = _current_vm_bytes() + 256 * 1024 * 1024
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
                signal.alarm(int(PROMPTLY))
                handle.save()
            except SaveError as error:
                os.write(write_fd, error.reason.encode())
                code = 0
            except BaseException as error:
                os.write(write_fd, repr(error).encode()[:500])
            os._exit(code)
        os.close(write_fd)
        _, status = os.waitpid(pid, 0)
        message = os.read(read_fd, 1000).decode()
        os.close(read_fd)
        assert os.waitstatus_to_exitcode(status) == 0, message
        assert "is not a regular file (a character device)" in message
        assert os.readlink(handle.path) == "/dev/zero"


def test_reload_of_a_read_only_handle_refuses_a_fifo_promptly(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    with store.create(make_session()) as writer, store.open(writer.path) as reader:
        assert reader.read_only
        writer.path.unlink()
        os.mkfifo(writer.path)
        error = finishes(reader.reload, (writer.path,))
        assert isinstance(error, SessionFileError), error
        assert "is not a regular file (a FIFO)" in error.reason
        writer.path.unlink()
        writer.path.symlink_to("/dev/zero")
        error = finishes(reader.reload)
        assert isinstance(error, SessionFileError), error
        assert "is not a regular file (a character device)" in error.reason
        assert reader.session.person.name == "Maya Lindqvist"  # the model is kept


def test_a_file_swapped_for_a_fifo_after_it_was_looked_at_is_refused(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the look (stat) and the open, another program puts a FIFO there."""
    with open_session(sessions_dir) as handle:
        path = handle.path
    real_stat = os.stat

    def stat_then_swap(target: str | Path, *, follow_symlinks: bool = True) -> os.stat_result:
        st = real_stat(target, follow_symlinks=follow_symlinks)
        if str(target) == str(path) and stat.S_ISREG(st.st_mode):
            path.unlink()
            os.mkfifo(path)
        return st

    monkeypatch.setattr(os, "stat", stat_then_swap)
    error = finishes(lambda: read_session(path), (path,))
    monkeypatch.undo()
    assert isinstance(error, SessionFileError), error
    assert "is not a regular file (a FIFO)" in error.reason


def test_fifos_among_the_users_own_files_are_skipped_with_a_warning(tmp_path: Path) -> None:
    config = paths.config_dir()
    templates = templates_folder(config)
    templates.mkdir(parents=True)
    fifos = (config / paths.CONFIG_FILE, config / "bank.toml", templates / "stuck.toml")
    for fifo in fifos:
        os.mkfifo(fifo)
    warnings: list[str] = []
    finishes(lambda: paths.read_config(config, warnings), fifos)
    finishes(lambda: load_bank(config, warnings), fifos)
    finishes(lambda: load_templates(config, None, warnings), fifos)
    assert len(warnings) == 3, warnings
    assert all("not a regular file (a FIFO)" in w for w in warnings), warnings


# --- what is read can be written, and what is written can be read -------------------


def with_created(sessions_dir: Path, value: str) -> Path:
    sessions_dir.mkdir(parents=True, exist_ok=True)
    text = codec.dumps(make_session()).replace(
        "created = 2026-11-17T15:00:00Z", f"created = {value}"
    )
    assert f"created = {value}" in text
    path = sessions_dir / "2026-11-20-1500-edge.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "value",
    [
        "9000-12-31T23:59:59-23:59",
        "1900-01-01T00:00:00+23:59",
        "9000-12-31T23:59:59Z",
        "1900-01-01T00:00:00Z",
        "9000-12-31T10:00:00+14:00",
    ],
)
def test_a_time_at_the_edge_is_refused_at_read_or_saves_and_reads_again(
    sessions_dir: Path, value: str
) -> None:
    path = with_created(sessions_dir, value)
    try:
        handle = SessionStore(sessions_dir).open(path)
    except SessionFileError as error:
        refused = error.reason
    else:
        refused = ""
    if refused:
        assert "between the years 1900 and 9000" in refused
        return
    with handle:
        handle.session.notes += "one more line\n"
        assert handle.save().written
    assert read_session(path).session.notes.endswith("one more line\n")


def test_the_year_limit_is_checked_in_utc(sessions_dir: Path) -> None:
    path = with_created(sessions_dir, "9000-12-31T23:59:59-23:59")
    with pytest.raises(SessionFileError) as caught:
        read_session(path)
    assert "`created`" in caught.value.reason
    assert "9001-01-01T23:58:59Z" in caught.value.reason  # what it is, in UTC


def test_a_save_that_would_not_open_again_is_refused(sessions_dir: Path) -> None:
    written: list[Path] = []
    store = SessionStore(sessions_dir, on_written=lambda path, *_: written.append(path))
    with store.create(make_session()) as handle:
        before = handle.path.read_bytes()
        written.clear()
        handle.session.planned_at = dt.datetime(9001, 1, 1, 4, 30, tzinfo=dt.UTC)
        with pytest.raises(SaveError) as caught:
            handle.save()
        assert "would not open again" in caught.value.reason
        assert "`planned_at`" in caught.value.reason
        assert handle.path.read_bytes() == before  # the old file, whole
        assert written == []  # the index is not told of a write that did not happen
        assert handle.session.revision == 1


def test_a_typed_date_past_the_limit_in_utc_is_refused() -> None:
    west = dt.timezone(dt.timedelta(hours=-5))
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(WhenError, match="9000"):
        read_when("9000-12-31 23:30", now, west)
    assert read_when("9000-12-31 18:00", now, west) is not None


# --- outside changes that leave few traces ------------------------------------------


def test_a_same_size_edit_with_the_time_put_back_is_kept(sessions_dir: Path) -> None:
    with open_session(sessions_dir) as handle:
        time.sleep(0.02)  # past the file system's clock tick, as any later edit is
        st = os.stat(handle.path)
        theirs = handle.path.read_bytes().replace(b"Team of six", b"Team of ten")
        with open(handle.path, "r+b") as file:  # in place: the same inode, the same size
            file.write(theirs)
        os.utime(handle.path, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert os.stat(handle.path).st_mtime_ns == st.st_mtime_ns

        handle.session.notes = "ours\n"
        result = handle.save()

        assert result.conflict_copy is not None
        assert result.conflict_copy.read_bytes() == theirs
        assert read_session(handle.path).session.notes == "ours\n"


def test_a_change_of_metadata_only_makes_no_conflict_copy(sessions_dir: Path) -> None:
    with open_session(sessions_dir) as handle:
        os.chmod(handle.path, 0o600)  # the same mode: only the change time moves
        handle.session.notes = "ours\n"
        result = handle.save()
        assert result.written
        assert result.conflict_copy is None
        assert result.notice == ""
        assert not list(sessions_dir.glob("*.conflict-*"))


def test_a_removed_file_is_saved_again_and_the_caller_is_told(sessions_dir: Path) -> None:
    with open_session(sessions_dir) as handle:
        path = handle.path
        path.unlink()
        handle.session.notes = "ours\n"
        result = handle.save()
        assert result.written
        assert result.recreated
        assert result.moved_to is None
        assert "deleted or moved away by another program; saved again" in result.notice
        assert read_session(path).session.notes == "ours\n"


def ids_in(folder: Path) -> list[str]:
    return sorted(read_session(p).session.id for p in folder.glob("*.toml"))


def test_a_file_moved_within_the_folder_is_followed(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    with store.create(make_session()) as handle:
        old = handle.path
        new = sessions_dir / "renamed-by-hand.toml"
        os.rename(old, new)
        handle.session.notes = "ours\n"
        result = handle.save()

        assert result.moved_to == new
        assert not result.recreated
        assert result.conflict_copy is None  # only moved: nothing of theirs to keep
        assert new.name in result.notice
        assert handle.path == new
        assert not old.exists()
        assert ids_in(sessions_dir) == [handle.session.id]  # one file, one id
        assert read_session(new).session.notes == "ours\n"
        # The new name is held now, the old one is free.
        with store.open(new) as other:
            assert other.read_only
        old_lock = SessionLock(old)
        old_lock.acquire()
        old_lock.release()
        handle.session.notes += "more\n"
        assert handle.save().moved_to is None  # followed once, then saved as usual


def test_a_file_copied_edited_and_removed_is_followed_by_its_id(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    with store.create(make_session()) as handle:
        old = handle.path
        # A conflict copy of an earlier change holds the same id: never followed.
        handle.path.write_bytes(handle.path.read_bytes().replace(b"six", b"seventeen"))
        handle.session.notes = "first\n"
        assert handle.save().conflict_copy is not None
        new = sessions_dir / "copied.toml"
        theirs = old.read_bytes().replace(b"Senior", b"Principal")
        new.write_bytes(theirs)  # a new inode: found by the id
        old.unlink()
        handle.session.notes = "ours\n"
        result = handle.save()

        assert result.moved_to == new
        assert result.conflict_copy is not None
        assert result.conflict_copy.read_bytes() == theirs
        assert not old.exists()
        assert read_session(new).session.notes == "ours\n"
        assert len([p for p in sessions_dir.glob("*.toml") if ".conflict-" not in p.name]) == 1


def test_a_move_to_a_name_open_elsewhere_is_not_saved_over(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    with store.create(make_session()) as handle:
        old = handle.path
        new = sessions_dir / "renamed-by-hand.toml"
        os.rename(old, new)
        held = SessionLock(new)
        held.acquire()  # another iisession has the file under its new name
        try:
            handle.session.notes = "ours\n"
            with pytest.raises(SaveError, match=new.name):
                handle.save()
            assert not old.exists()
            assert handle.path == old
        finally:
            held.release()
        result = handle.save()  # the retry follows the move
        assert result.moved_to == new


# --- permissions, long names, links ----------------------------------------------


@contextlib.contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def test_every_folder_and_index_file_made_under_umask_0_is_private(tmp_path: Path) -> None:
    sessions = tmp_path / "made" / "on the way" / "sessions"
    with umask(0):
        with SessionStore(sessions).create(make_session()):
            pass
        index = SessionIndex(sessions, paths.cache_dir())
        index.refresh()
        db = sqlite3.connect(index.path)  # a reader keeps the companions in place
        try:
            db.execute("SELECT count(*) FROM files").fetchone()
            companions = [Path(f"{index.path}{s}") for s in ("-wal", "-shm")]
            assert all(c.exists() for c in companions)
            files = [index.path, index.lock_path, *companions]
            assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        finally:
            db.close()
    made = [tmp_path / "made", tmp_path / "made" / "on the way", sessions]
    made += [p for p in (tmp_path / "xdg").rglob("*") if p.is_dir()]
    made.append(tmp_path / "xdg")
    assert {str(p): mode(p) for p in made} == {str(p): 0o700 for p in made}


def test_an_index_made_before_is_made_private(sessions_dir: Path) -> None:
    index = SessionIndex(sessions_dir, paths.cache_dir())
    index.path.parent.mkdir(parents=True)
    sqlite3.connect(index.path).close()
    os.chmod(index.path, 0o644)
    index.refresh()
    assert mode(index.path) == 0o600


def name_of_bytes(size: int) -> str:
    stem = "2026-11-20-1500-"
    fill = size - len(stem) - len(SUFFIX)
    return stem + "é" * (fill // 2) + "a" * (fill % 2) + SUFFIX


@pytest.mark.parametrize("size", [250, 255])
def test_a_long_file_name_reads_changes_and_saves(sessions_dir: Path, size: int) -> None:
    sessions_dir.mkdir()
    path = sessions_dir / name_of_bytes(size)
    assert len(os.fsencode(path.name)) == size
    path.write_text(codec.dumps(make_session()), encoding="utf-8")
    with SessionStore(sessions_dir).open(path) as handle:
        assert not handle.read_only, handle.read_only_reason
        handle.session.notes = "ours\n"
        assert handle.save().written
        assert read_session(path).session.notes == "ours\n"
        # Another program's version still finds room for its copy.
        path.write_bytes(path.read_bytes().replace(b"Senior", b"Principal"))
        handle.session.notes += "more\n"
        copy = handle.save().conflict_copy
        assert copy is not None
        assert len(os.fsencode(copy.name)) <= 255
        assert read_session(copy).session.person.title == "Principal Data Analyst"
    assert not list(sessions_dir.glob(".*"))  # no temporary file left


def test_temporary_files_have_short_names_and_stale_ones_are_removed(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    with store.create(make_session()) as handle:
        path = handle.path
    made: list[str] = []
    real = os.open

    def remember(file: str, *args: int, **kwargs: int) -> int:
        made.append(os.path.basename(file))
        return real(file, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "open", remember)
        with store.open(path) as handle:
            handle.session.notes = "ours\n"
            handle.save()
    temps = [n for n in made if n.endswith(".tmp")]
    assert temps
    assert all(len(n) == len(temps[0]) <= 32 for n in temps), temps
    # One left by a save that was killed is cleaned when the session is next opened.
    stale = sessions_dir / temps[0]
    stale.write_bytes(b"half a save")
    other = sessions_dir / f".{'x' * 12}.abcdefgh.tmp"  # not this session's
    other.write_bytes(b"not ours")
    with store.open(path):
        assert not stale.exists()
        assert other.exists()


def test_new_names_leave_room_for_temporary_files() -> None:
    session = Session(person=Person(name="Ǻ" * 200), created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    longest = f"{base_name(session, dt.UTC)}-9999{SUFFIX}"
    assert len(os.fsencode(longest)) + 32 <= 255


def test_a_dangling_link_is_reported_as_what_it_is(sessions_dir: Path, tmp_path: Path) -> None:
    sessions_dir.mkdir()
    link = sessions_dir / "2026-01-01-0000-gone.toml"
    link.symlink_to(tmp_path / "nowhere.toml")
    with pytest.raises(SessionFileError) as caught:
        read_session(link)
    assert "is a link to" in caught.value.reason
    assert "nowhere.toml, which does not exist" in caught.value.reason
    assert "the folder no longer exists" not in caught.value.reason

    folder_link = tmp_path / "linked sessions"
    folder_link.symlink_to(tmp_path / "unplugged drive")
    with pytest.raises(SaveError) as saving:
        SessionStore(folder_link).create(make_session())
    assert "linked sessions is a link to" in saving.value.reason
    assert "unplugged drive, which does not exist" in saving.value.reason


def test_a_session_folder_link_that_breaks_while_open_is_reported(tmp_path: Path) -> None:
    real = tmp_path / "drive" / "sessions"
    real.mkdir(parents=True)
    folder_link = tmp_path / "sessions"
    folder_link.symlink_to(real)
    with SessionStore(folder_link).create(make_session()) as handle:
        (tmp_path / "drive").rename(tmp_path / "drive, unplugged")
        handle.session.notes = "ours\n"
        with pytest.raises(SaveError) as caught:
            handle.save()
        assert "sessions is a link to" in caught.value.reason
        assert "which does not exist" in caught.value.reason


def test_saving_a_linked_session_writes_through_the_link(
    sessions_dir: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "synced"
    elsewhere.mkdir()
    target = elsewhere / "maya.toml"
    target.write_text(codec.dumps(make_session()), encoding="utf-8")
    os.chmod(target, 0o600)
    sessions_dir.mkdir()
    link = sessions_dir / "2026-11-20-1500-maya.toml"
    link.symlink_to(target)
    with SessionStore(sessions_dir).open(link) as handle:
        for words in ("ours\n", "ours again\n"):
            handle.session.notes = words
            result = handle.save()
            assert result.written
            assert result.conflict_copy is None  # our own write is no outside change
            assert os.readlink(link) == str(target)
            assert read_session(target).session.notes == words
    assert mode(target) == 0o600
    assert sorted(p.name for p in elsewhere.iterdir()) == ["maya.toml"]  # no temp left
    assert sorted(p.name for p in sessions_dir.iterdir()) == [link.name]
