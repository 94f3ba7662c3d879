"""The store on real files: naming, permissions, saving rules, damaged files."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import tempfile
import traceback
from pathlib import Path

import pytest

from iisession.core import atomic, codec
from iisession.core.locking import LockedError, SessionLock, lock_path_for
from iisession.core.model import Person, Session
from iisession.core.naming import slugify
from iisession.core.store import (
    ReadOnlyError,
    SaveError,
    SessionFileError,
    SessionStore,
    read_session,
)
from tests.factories import make_session


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_create_writes_a_date_first_file_that_reads_back(sessions_dir: Path) -> None:
    session = make_session()
    with SessionStore(sessions_dir).create(session, tz=dt.UTC) as handle:
        assert handle.path.name == "2026-11-20-1500-maya-lindqvist.toml"
        text = handle.path.read_text(encoding="utf-8")
        assert text.startswith("schema_version = 1\n")
        assert read_session(handle.path).session == session
        assert session.revision == 1


def test_same_name_same_minute_gets_a_distinct_file(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    first = store.create(make_session(), tz=dt.UTC)
    second = store.create(make_session(), tz=dt.UTC)
    assert first.path != second.path
    assert second.path.name == "2026-11-20-1500-maya-lindqvist-2.toml"
    assert [p.name for p in store.files()] == [first.path.name, second.path.name]
    first.close()
    second.close()


def test_keys_in_fixed_order_and_empty_values_omitted(sessions_dir: Path) -> None:
    session = Session(person=Person(name="Sam"))
    with SessionStore(sessions_dir).create(session) as handle:
        text = handle.path.read_text(encoding="utf-8")
    keys = [line.split(" = ")[0] for line in text.splitlines() if " = " in line]
    assert keys == [
        "schema_version",
        "id",
        "state",
        "revision",
        "created",
        "updated",
        "limit_minutes",
        "name",
    ]
    assert "None" not in text
    assert '""' not in text

    full = make_session()
    text = codec.dumps(full)
    headers = [line for line in text.splitlines() if line.startswith("[")]
    assert headers[:3] == ["[person]", "[preparation]", "[follow_up]"]
    assert headers[-1] == "[notes]"
    order = [h for i, h in enumerate(headers) if h not in headers[:i]]
    assert order == [
        "[person]",
        "[preparation]",
        "[follow_up]",
        "[[questions]]",
        "[[timeline]]",
        "[[key_points]]",
        "[[referrals]]",
        "[notes]",
    ]


def test_unchanged_session_is_not_rewritten(sessions_dir: Path) -> None:
    session = make_session()
    with SessionStore(sessions_dir).create(session) as handle:
        before = os.stat(handle.path)
        result = handle.save()
        assert not result.written
        assert os.stat(handle.path).st_mtime_ns == before.st_mtime_ns
        assert session.revision == 1
        session.notes += "More."
        assert handle.has_unsaved_changes()
        assert handle.save().written
        assert session.revision == 2
        assert read_session(handle.path).session.notes.endswith("More.")


def test_opening_and_saving_untouched_file_keeps_its_bytes(sessions_dir: Path) -> None:
    sessions_dir.mkdir(mode=0o700)
    path = sessions_dir / "hand-written.toml"
    original = (
        "# written by hand; tomli-w would drop this comment\n"
        'schema_version = 1\nid = "abc"\ncreated = 2026-01-01T10:00:00Z\n'
        '[person]\nname = "Kim"\n'
    )
    path.write_text(original, encoding="utf-8")
    with SessionStore(sessions_dir).open(path) as handle:
        assert handle.session.person.name == "Kim"
        assert not handle.save().written
    assert path.read_text(encoding="utf-8") == original


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_private_permissions_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        pre_made = tmp_path / "pre-made"
        pre_made.mkdir(mode=0o755)
        os.chmod(pre_made, 0o755)
        for folder in (tmp_path / "fresh" / "nested", pre_made):
            with SessionStore(folder).create(make_session()) as handle:
                handle.session.notes += "again"
                handle.save()
                assert mode(folder) == 0o700
                assert mode(handle.path) == 0o600
                assert mode(lock_path_for(handle.path).parent) == 0o700
                assert not (folder / ".locks").exists()  # the locks live in the state folder
    finally:
        os.umask(old)


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "..",
        ".",
        ".hidden",
        "a/b\\c",
        "nul\x00byte",
        "\x1b[31mred",
        "😀" * 300,
        "é" * 300,
        "Ω" * 31 + "/..",
        "",
        "   ",
        "CON",
        "王伟",
        "José Müller-Ødegaard",
    ],
)
def test_names_never_leave_the_folder(sessions_dir: Path, name: str) -> None:
    with SessionStore(sessions_dir).create(Session(person=Person(name=name))) as handle:
        assert handle.path.parent == sessions_dir
        assert handle.path.resolve().parent == sessions_dir.resolve()
        assert not handle.path.name.startswith(".")
        assert len(handle.path.name.encode()) <= 100
        assert read_session(handle.path).session.person.name == name
    assert [p.name for p in sessions_dir.iterdir() if not p.name.startswith(".")] == [
        handle.path.name
    ]


def test_slug_keeps_readable_letters() -> None:
    assert slugify("José Müller-Ødegaard") == "josé-müller-ødegaard"
    assert slugify("王伟") == "王伟"
    assert slugify("../..") == "session"
    assert slugify("") == "session"


def test_resolve_refuses_paths_outside(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    assert store.resolve("x.toml") == (sessions_dir / "x.toml").resolve()
    for bad in ("../x.toml", "/etc/passwd", "a/b.toml", "..", ""):
        with pytest.raises(ValueError, match="not a file name"):
            store.resolve(bad)


# --- damaged and foreign files --------------------------------------------

VALID = codec.dumps(make_session()).encode()
DAMAGED: dict[str, tuple[bytes | None, str]] = {
    "empty.toml": (b"", "is empty"),
    "blank.toml": (b"\n  \n", "is empty"),
    # Cut mid-value, as an interrupted copy does (a cut exactly at a line end
    # leaves valid TOML that no reader could tell from a shorter file).
    "truncated.toml": (VALID[: VALID.index(b"Northwind") + 4], "not valid TOML"),
    "latin1.toml": (
        'schema_version = 1\nid = "x"\nnotes = "caf\xe9"\n'.encode("latin-1"),
        "not UTF-8",
    ),
    "bom.toml": (b"\xef\xbb\xbf" + VALID, "byte-order mark"),
    "binary.toml": (bytes(range(256)) * 4, "not UTF-8"),
    "foreign.toml": (b'[tool.poetry]\nname = "x"\n', "not an iisession session"),
    "newer.toml": (VALID.replace(b"schema_version = 1", b"schema_version = 9"), "newer iisession"),
    "schema-text.toml": (
        VALID.replace(b"schema_version = 1", b'schema_version = "1"'),
        "whole number",
    ),
    "schema-zero.toml": (
        VALID.replace(b"schema_version = 1", b"schema_version = 0"),
        "unknown `schema_version`",
    ),
    "bad-state.toml": (
        VALID.replace(b"state = 'ended'", b"state = 'paused'"),
        "`state` should be one of",
    ),
    "bad-time.toml": (
        VALID.replace(b"limit_minutes = 30", b'limit_minutes = "half an hour"'),
        "`limit_minutes` should be a whole number",
    ),
    "naive-time.toml": (VALID.replace(b"Z\n", b"\n"), "UTC offset"),
    "no-id.toml": (b"schema_version = 1\ncreated = 2026-01-01T00:00:00Z\n", "`id` is missing"),
    "questions-table.toml": (
        b'schema_version = 1\nid = "x"\ncreated = 2026-01-01T00:00:00Z\nquestions = "none"\n',
        "array of tables",
    ),
    "huge.toml": (None, "too big"),
    "folder.toml": (None, "is a folder"),
    "fifo.toml": (None, "not a regular file"),
}


def _make_damaged(folder: Path) -> dict[Path, bytes | None]:
    folder.mkdir(mode=0o700, exist_ok=True)
    made: dict[Path, bytes | None] = {}
    for name, (data, _) in DAMAGED.items():
        path = folder / name
        if name == "huge.toml":
            with open(path, "wb") as handle:
                handle.truncate(17 * 1024 * 1024)
        elif name == "folder.toml":
            path.mkdir()
        elif name == "fifo.toml":
            os.mkfifo(path)
        else:
            assert data is not None
            path.write_bytes(data)
        made[path] = data
    return made


def test_damaged_files_are_reported_never_modified(sessions_dir: Path) -> None:
    made = _make_damaged(sessions_dir)
    good = SessionStore(sessions_dir).create(make_session(name="Good One"))
    good.close()
    before = {p: (os.lstat(p).st_mtime_ns, os.lstat(p).st_size) for p in made}

    sessions, problems = SessionStore(sessions_dir).scan()

    assert [s.path for s in sessions] == [good.path]
    reasons = {p.path.name: p.reason for p in problems}
    assert set(reasons) == set(DAMAGED)
    for name, (_, expected) in DAMAGED.items():
        assert expected in reasons[name], (name, reasons[name])
    for path, data in made.items():
        assert (os.lstat(path).st_mtime_ns, os.lstat(path).st_size) == before[path]
        if data is not None:
            assert path.read_bytes() == data


def test_opening_a_damaged_file_raises_a_readable_error(sessions_dir: Path) -> None:
    _make_damaged(sessions_dir)
    for name in ("truncated.toml", "newer.toml", "bom.toml"):
        with pytest.raises(SessionFileError) as caught:
            SessionStore(sessions_dir).open(sessions_dir / name)
        assert str(caught.value).startswith(f"{name}: ")
    # The failed opens released their locks: a writer is not told "locked".
    with pytest.raises(SessionFileError):
        SessionStore(sessions_dir).open(sessions_dir / "truncated.toml", allow_read_only=False)


def test_newer_schema_message_says_to_update(sessions_dir: Path) -> None:
    _make_damaged(sessions_dir)
    with pytest.raises(
        SessionFileError,
        match=r"newer iisession \(schema 9; this version reads "
        r"up to 1\): update iisession",
    ):
        read_session(sessions_dir / "newer.toml")


def test_older_schema_is_migrated_on_read(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pretend the current schema is 2 with a real migration step from 1."""

    def rename_limit(doc: codec.Document) -> codec.Document:
        doc["limit_minutes"] = doc.pop("agreed_minutes")
        return doc

    monkeypatch.setattr(codec, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(codec.MIGRATIONS, 1, rename_limit)
    sessions_dir.mkdir(mode=0o700)
    path = sessions_dir / "old.toml"
    path.write_text(
        'schema_version = 1\nid = "old"\ncreated = 2020-01-01T00:00:00Z\nagreed_minutes = 45\n',
        encoding="utf-8",
    )
    loaded = read_session(path)
    assert loaded.session.limit_minutes == 45
    assert loaded.unknown_keys == ()
    assert "agreed_minutes" in path.read_text(encoding="utf-8")  # reading changed nothing


def test_unknown_fields_open_read_only_so_they_are_not_lost(sessions_dir: Path) -> None:
    sessions_dir.mkdir(mode=0o700)
    path = sessions_dir / "future.toml"
    original = (
        'schema_version = 1\nid = "f"\ncreated = 2026-01-01T00:00:00Z\nmood = "great"\n'
        '[person]\nname = "Lee"\npronouns = "they"\n'
    )
    path.write_text(original, encoding="utf-8")
    with SessionStore(sessions_dir).open(path) as handle:
        assert handle.read_only
        assert "mood" in handle.read_only_reason
        assert "person.pronouns" in handle.read_only_reason
        handle.session.notes = "typed"
        with pytest.raises(ReadOnlyError):
            handle.save()
    assert path.read_text(encoding="utf-8") == original


def test_second_opener_in_same_process_is_read_only(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    first = store.create(make_session())
    second = store.open(first.path)
    assert second.read_only
    assert "open in another iisession" in second.read_only_reason
    assert f"pid {os.getpid()}" in second.read_only_reason
    with pytest.raises(LockedError):
        store.open(first.path, allow_read_only=False)
    second.session.notes = "second writer"
    with pytest.raises(ReadOnlyError):
        second.save()
    first.close()
    with store.open(first.path, allow_read_only=False) as third:
        assert not third.read_only


def test_stale_temp_files_are_cleared_by_the_next_writer(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    handle = store.create(make_session())
    handle.close()
    stale = sessions_dir / f".{handle.path.name}.abc123.tmp"
    stale.write_bytes(b"half a sav")
    with store.open(handle.path):
        assert not stale.exists()
    assert [p.name for p in store.files()] == [handle.path.name]


# --- another program changes the file ----------------------------------------


def test_outside_change_is_kept_as_conflict_copy(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    handle = store.create(make_session())
    theirs = handle.path.read_bytes().replace(b"Team of six", b"Team of SEVEN")
    os.utime(handle.path, ns=(1, 1))
    handle.path.write_bytes(theirs)  # an editor or a sync tool

    handle.session.notes = "Our notes, typed during the call."
    result = handle.save()

    assert result.written
    assert result.conflict_copy is not None
    assert result.conflict_copy.parent == sessions_dir
    assert ".conflict-" in result.conflict_copy.name
    assert result.conflict_copy.read_bytes() == theirs
    assert mode(result.conflict_copy) == 0o600
    assert read_session(handle.path).session.notes == "Our notes, typed during the call."
    assert read_session(result.conflict_copy).session.notes.startswith("Uses dbt")
    # The next save has nothing new to report.
    handle.session.notes += " More."
    assert handle.save().conflict_copy is None
    handle.close()


def test_outside_change_with_nothing_of_ours_is_left_alone(sessions_dir: Path) -> None:
    with SessionStore(sessions_dir).create(make_session()) as handle:
        theirs = handle.path.read_bytes().replace(b"Team of six", b"Team of eight")
        handle.path.write_bytes(theirs)
        result = handle.save()  # an autosave with no new typing
        assert not result.written
        assert handle.path.read_bytes() == theirs
        assert not list(sessions_dir.glob("*.conflict-*"))


def test_touch_with_same_bytes_is_not_a_conflict(sessions_dir: Path) -> None:
    with SessionStore(sessions_dir).create(make_session()) as handle:
        data = handle.path.read_bytes()
        handle.path.write_bytes(data)
        os.utime(handle.path, ns=(5, 5))
        handle.session.notes += "x"
        result = handle.save()
        assert result.written
        assert result.conflict_copy is None
        assert len(list(sessions_dir.glob("*.conflict-*"))) == 0


def test_deleted_file_is_written_again_and_said(sessions_dir: Path) -> None:
    with SessionStore(sessions_dir).create(make_session()) as handle:
        handle.path.unlink()
        handle.session.notes += "x"
        result = handle.save()
        assert result.written
        assert result.recreated
        assert read_session(handle.path).session.notes.endswith("x")


# --- failures ---------------------------------------------------------------


def test_unwritable_folder_raises_and_keeps_old_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as an unprivileged user in a child: root ignores permissions."""
    # pytest's tmp_path is private to root; nobody must be able to reach this one.
    base = Path(tempfile.mkdtemp(prefix="iisession-ro-"))
    os.chmod(base, 0o755)
    monkeypatch.setenv("XDG_STATE_HOME", str(base / "state"))  # the locks, the child's too
    sessions_dir = base / "sessions"
    handle = SessionStore(sessions_dir).create(make_session())
    handle.close()
    old = handle.path.read_bytes()
    if os.geteuid() == 0:
        nobody = 65534
        os.chown(sessions_dir, nobody, nobody)
        os.chown(handle.path, nobody, nobody)
        for owned in (base / "state", *(base / "state").rglob("*")):
            os.chown(owned, nobody, nobody)
    os.chmod(sessions_dir, 0o500)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        code = 0
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            with SessionStore(sessions_dir).open(handle.path) as mine:
                mine.session.notes = "new words"
                try:
                    mine.save()
                    code = 10
                except SaveError as error:
                    os.write(write_fd, str(error).encode())
                    code = 0 if mine.session.revision == 1 else 11
        except BaseException:
            os.write(write_fd, traceback.format_exc().encode())
            code = 12
        os._exit(code)
    os.close(write_fd)
    _, status = os.waitpid(pid, 0)
    message = os.read(read_fd, 1000).decode()
    os.close(read_fd)
    os.chmod(sessions_dir, 0o700)
    assert os.waitstatus_to_exitcode(status) == 0, message
    assert "no permission to write there" in message
    assert "lock" not in message  # the save was refused, not the lock
    assert handle.path.read_bytes() == old
    shutil.rmtree(base)


# --- renaming an open session after its planned time ------------------------------------


def planned_later(store: SessionStore, name: str = "Ana") -> tuple[Session, Path]:
    """A session created now (named after now), then given a planned time."""
    session = Session(
        person=Person(name=name), created=dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
    )
    handle = store.create(session, tz=dt.UTC)
    assert handle.path.name == f"2026-11-20-1500-{name.lower()}.toml"
    session.planned_at = dt.datetime(2026, 11, 21, 14, 0, tzinfo=dt.UTC)
    handle.save()
    handle.close()
    return session, handle.path


def test_a_rename_moves_the_file_and_its_lock(sessions_dir: Path) -> None:
    store = SessionStore(sessions_dir)
    _, old = planned_later(store)
    handle = store.open(old)
    data = old.read_bytes()
    new = store.rename_to_fit(handle, tz=dt.UTC)
    assert new == sessions_dir / "2026-11-21-1400-ana.toml"
    assert handle.path == new
    assert not old.exists()
    assert new.read_bytes() == data
    assert store.rename_to_fit(handle, tz=dt.UTC) is None  # it fits now
    # The new name is held: a second opener gets it read-only, as before the move.
    other = store.open(new)
    assert other.read_only
    other.close()
    # The old name's lock is free again (its lock file stays, as lock files do).
    assert lock_path_for(old).exists()
    old_lock = SessionLock(old)
    old_lock.acquire()
    old_lock.release()
    with pytest.raises(SessionFileError):
        SessionStore(sessions_dir).open(old)  # nothing there to open any more
    # Saves go on under the new name, with no conflict seen with our own move.
    handle.session.notes = "after the move\n"
    result = handle.save()
    assert result.written
    assert result.conflict_copy is None
    assert read_session(new).session.notes == "after the move\n"
    assert sorted(p.name for p in sessions_dir.glob("*.toml")) == [new.name]
    handle.close()


def test_a_rename_never_replaces_another_file_nor_takes_a_locked_name(
    sessions_dir: Path,
) -> None:
    store = SessionStore(sessions_dir)
    _, old = planned_later(store)
    taken = sessions_dir / "2026-11-21-1400-ana.toml"
    taken.write_bytes(b"someone else's file\n")
    # The next name is locked by another iisession about to create it.
    lock = SessionLock(sessions_dir / "2026-11-21-1400-ana-2.toml")
    lock.acquire()
    handle = store.open(old)
    with pytest.raises(FileExistsError):
        handle.rename(taken)
    assert handle.path == old
    assert old.exists()
    assert store.rename_to_fit(handle, tz=dt.UTC) == sessions_dir / "2026-11-21-1400-ana-3.toml"
    assert taken.read_bytes() == b"someone else's file\n"
    assert not (sessions_dir / "2026-11-21-1400-ana-2.toml").exists()
    lock.release()
    handle.close()


def test_a_failed_rename_leaves_the_file_where_it_was(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SessionStore(sessions_dir)
    _, old = planned_later(store)
    handle = store.open(old)

    def refused(*_: object) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr("iisession.core.store.os.rename", refused)
    with pytest.raises(SaveError, match="no permission"):
        store.rename_to_fit(handle, tz=dt.UTC)
    assert handle.path == old
    assert old.exists()
    assert list(sessions_dir.glob("2026-11-21-*")) == []
    handle.session.notes = "still saved\n"
    handle.save()
    assert read_session(old).session.notes == "still saved\n"
    handle.close()


def test_a_move_is_one_rename_and_a_failure_after_it_leaves_the_handle_on_the_new_name(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never two names for one session (a crash between a link and an unlink
    would leave two, each with a lock of its own); and once moved, the handle
    is the new name's, even if syncing the folder then fails."""
    store = SessionStore(sessions_dir)
    _, old = planned_later(store)
    handle = store.open(old)

    def no_links(*_: object) -> None:
        raise AssertionError("a move must not pass through two names")

    def sync_fails(*_: object) -> None:
        raise OSError(5, "Input/output error")

    real_sync = atomic.fsync_folder
    monkeypatch.setattr("iisession.core.store.os.link", no_links)
    monkeypatch.setattr("iisession.core.store.fsync_folder", sync_fails)
    new = store.rename_to_fit(handle, tz=dt.UTC)
    assert new == sessions_dir / "2026-11-21-1400-ana.toml"
    assert handle.path == new
    assert not old.exists()
    monkeypatch.setattr("iisession.core.store.fsync_folder", real_sync)
    handle.session.notes = "after the move\n"
    handle.save()
    assert read_session(new).session.notes == "after the move\n"
    assert not old.exists()  # not written again under the old name
    second = store.open(new)
    assert second.read_only  # the new name's lock is held
    second.close()
    handle.close()
