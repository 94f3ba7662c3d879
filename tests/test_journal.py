"""The journal: typing kept between saves, replayed when a session is opened for writing."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, cast

import pytest
from textual.widget import Widget

from iisession.core import codec, journal
from iisession.core.clock import ManualClock
from iisession.core.editor import SessionEditor
from iisession.core.journal import diff, journal_path_for, journals_folder
from iisession.core.locking import locks_folder
from iisession.core.model import Session
from iisession.core.store import SessionFile, SessionStore, read_session
from iisession.tui.navigation import tell_recovered
from tests.factories import make_session


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def typing(
    sessions_dir: Path, words: int = 3, store: SessionStore | None = None
) -> tuple[SessionFile, SessionEditor, ManualClock]:
    """A session being typed into, a tick after each word, never saved: then
    its lock is let go as a crash would (no save)."""
    store = store or SessionStore(sessions_dir)
    handle = store.create(make_session(notes="Before.\n"))
    clock = ManualClock()
    editor = SessionEditor(handle.session, clock, handle)
    for i in range(words):
        handle.session.notes += f"word{i} "
        editor.typed()
        clock.advance(1)
        assert editor.tick() is None  # not due yet: journaled, not saved
    return handle, editor, clock


def crash(handle: SessionFile) -> None:
    handle.close()  # the kernel drops the lock of a killed process


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", ""),
        ("", "abc"),
        ("abc", ""),
        ("hello world", "hello brave world"),
        ("aaaa", "aaaaa"),
        ("x\r\ny", "x\r\n\u2028y😀"),
        ("left \udc80 right", "left \udc80\udc81 right"),
        ("same", "same"),
    ],
)
def test_diff_applies_and_records_round_trip(old: str, new: str) -> None:
    at, cut, ins = diff(old, new)
    assert old[:at] + ins + old[at + cut :] == new
    line = journal._line({"at": at, "cut": cut, "ins": ins})
    assert line.isascii()
    assert line.count(b"\n") == 1
    assert json.loads(line)["ins"] == ins


def test_typing_is_journaled_beside_the_locks_and_a_save_removes_it(sessions_dir: Path) -> None:
    handle, editor, clock = typing(sessions_dir)
    path = journal_path_for(handle.path)
    assert path.parent == journals_folder(sessions_dir)
    assert path.parent.name == locks_folder(sessions_dir).name
    assert path.parent.parent.parent == locks_folder(sessions_dir).parent.parent
    assert mode(path) == 0o600
    assert mode(path.parent) == mode(path.parent.parent) == 0o700
    assert sorted(p.name for p in sessions_dir.iterdir()) == [handle.path.name]
    lines = path.read_bytes().splitlines()
    head = json.loads(lines[0])
    assert head["base"] == handle.path.read_text(encoding="utf-8")
    assert len(lines) == 4  # the base and a record per tick
    assert all(len(line) < 200 for line in lines[1:])  # small records
    clock.advance(0.5)
    editor.tick()  # nothing typed since the last record: nothing appended
    assert len(path.read_bytes().splitlines()) == 4
    clock.advance(5)
    outcome = editor.tick()
    assert outcome is not None
    assert outcome.saved
    assert not path.exists()
    assert read_session(handle.path).session.notes == "Before.\nword0 word1 word2 "
    handle.close()


def test_a_crash_before_the_save_is_recovered_as_an_unsaved_change(sessions_dir: Path) -> None:
    handle, _, _ = typing(sessions_dir)
    crash(handle)
    assert read_session(handle.path).session.notes == "Before.\n"  # never saved
    reopened = SessionStore(sessions_dir).open(handle.path)
    assert reopened.session.notes == "Before.\nword0 word1 word2 "
    assert reopened.has_unsaved_changes()
    recovery = reopened.recovered
    assert recovery is not None
    assert recovery.in_session
    assert recovery.what == "the notes (+18 characters)"
    assert recovery.time == ManualClock().wall().replace(second=3)
    # A second crash before the save recovers the same again.
    crash(reopened)
    again = SessionStore(sessions_dir).open(handle.path)
    assert again.session.notes == "Before.\nword0 word1 word2 "
    # The screen's editor saves it after the usual pause; the journal goes.
    clock = ManualClock()
    editor = SessionEditor(again.session, clock, again)
    clock.advance(2.5)
    outcome = editor.tick()
    assert outcome is not None
    assert outcome.saved
    assert not journal_path_for(handle.path).exists()
    again.close()
    assert read_session(handle.path).session.notes == "Before.\nword0 word1 word2 "
    assert SessionStore(sessions_dir).open(handle.path).recovered is None


def test_a_torn_last_line_is_ignored(sessions_dir: Path) -> None:
    handle, _, _ = typing(sessions_dir)
    crash(handle)
    path = journal_path_for(handle.path)
    with open(path, "ab") as f:
        f.write(b'{"n":4,"t":"2026-11-20T15:00:04Z","at":3,"cut":0,"ins":"wor')
    reopened = SessionStore(sessions_dir).open(handle.path)
    assert reopened.session.notes == "Before.\nword0 word1 word2 "
    assert reopened.recovered is not None
    assert reopened.recovered.unapplied is None
    assert not path.read_bytes().endswith(b"wor")  # written afresh, the torn end gone


def test_a_bad_record_stops_at_the_last_good_state_and_is_kept(sessions_dir: Path) -> None:
    handle, _, _ = typing(sessions_dir)
    crash(handle)
    path = journal_path_for(handle.path)
    lines = path.read_bytes().splitlines(keepends=True)
    record = json.loads(lines[2])
    record["ins"] = "other"  # applies, but does not give the text its check says
    lines[2] = (json.dumps(record) + "\n").encode()
    path.write_bytes(b"".join(lines))
    reopened = SessionStore(sessions_dir).open(handle.path)
    assert reopened.session.notes == "Before.\nword0 "
    recovery = reopened.recovered
    assert recovery is not None
    assert recovery.in_session
    assert "record 2" in recovery.problem
    assert recovery.unapplied == path.with_name(path.name + ".unapplied")
    assert recovery.unapplied.read_bytes() == b"".join(lines)  # kept as it was


def test_a_journal_that_cannot_be_read_is_kept_aside(sessions_dir: Path) -> None:
    handle, _, _ = typing(sessions_dir)
    crash(handle)
    path = journal_path_for(handle.path)
    path.write_bytes(b"not a journal\n")
    reopened = SessionStore(sessions_dir).open(handle.path)
    assert reopened.session.notes == "Before.\n"
    assert reopened.recovered is not None
    assert not reopened.recovered.changed
    assert reopened.recovered.unapplied == path.with_name(path.name + ".unapplied")
    assert reopened.recovered.unapplied.read_bytes() == b"not a journal\n"
    assert not path.exists()


def test_a_file_changed_since_gets_the_recovered_version_beside_it(sessions_dir: Path) -> None:
    handle, _, _ = typing(sessions_dir)
    crash(handle)
    theirs = make_session(notes="Edited elsewhere.\n")
    theirs.id = handle.session.id
    handle.path.write_text(codec.dumps(theirs), encoding="utf-8")
    reopened = SessionStore(sessions_dir).open(handle.path)
    assert reopened.session.notes == "Edited elsewhere.\n"  # the file as it is
    assert not reopened.has_unsaved_changes()
    recovery = reopened.recovered
    assert recovery is not None
    assert recovery.copy is not None
    assert not recovery.in_session
    assert recovery.copy.parent == sessions_dir
    assert recovery.copy.name.startswith(handle.path.stem + ".recovered-")
    assert mode(recovery.copy) == 0o600
    assert read_session(recovery.copy).session.notes == "Before.\nword0 word1 word2 "
    assert not journal_path_for(handle.path).exists()


def test_a_journal_of_another_session_under_the_same_name_is_kept_not_applied(
    sessions_dir: Path,
) -> None:
    handle, _, _ = typing(sessions_dir)
    crash(handle)
    handle.path.unlink()  # moved away after the crash; another session takes the name
    other = make_session(notes="Someone else.\n")
    handle.path.write_text(codec.dumps(other), encoding="utf-8")
    reopened = SessionStore(sessions_dir).open(handle.path)
    assert reopened.session.id == other.id
    assert reopened.session.notes == "Someone else.\n"
    assert not reopened.has_unsaved_changes()
    recovery = reopened.recovered
    assert recovery is not None
    assert recovery.copy is None
    assert recovery.unapplied is not None
    assert "another session" in recovery.problem
    assert not list(sessions_dir.glob("*.recovered-*"))
    kept = journal.read(recovery.unapplied)
    assert kept is not None
    assert "word2" in kept.text  # the typing is still there, untouched


def test_a_read_only_open_never_replays(sessions_dir: Path) -> None:
    handle, _, _ = typing(sessions_dir)
    path = journal_path_for(handle.path)
    before = path.read_bytes()
    other = SessionStore(sessions_dir).open(handle.path)  # held: read-only
    assert other.read_only
    assert other.recovered is None
    assert other.session.notes == "Before.\n"
    assert not other.journal()
    assert path.read_bytes() == before
    handle.close()


def test_extra_is_recorded_without_a_change_and_comes_back(sessions_dir: Path) -> None:
    handle, editor, _ = typing(sessions_dir, words=1)
    assert editor.journal(extra={"clock": 61})
    assert handle.journal(extra={"clock": 62})
    assert not handle.journal()  # nothing changed and no extra: nothing appended
    crash(handle)
    reopened = SessionStore(sessions_dir).open(handle.path)
    assert reopened.recovered is not None
    assert reopened.recovered.extra == {"clock": 62}


def test_undoing_the_typing_before_a_save_drops_the_journal(sessions_dir: Path) -> None:
    handle, editor, _ = typing(sessions_dir, words=1)
    handle.session.notes = "Before.\n"
    editor.typed()
    assert editor.save().saved  # nothing to write: the file holds it all
    assert not journal_path_for(handle.path).exists()
    crash(handle)
    assert SessionStore(sessions_dir).open(handle.path).recovered is None


def test_a_practice_run_has_its_own_journal_and_a_form_without_a_file_none(
    sessions_dir: Path,
) -> None:
    practice = SessionStore(sessions_dir / ".practice")
    handle, _, _ = typing(sessions_dir, store=practice)
    assert journal_path_for(handle.path).parent == journals_folder(sessions_dir / ".practice")
    assert journals_folder(sessions_dir / ".practice") != journals_folder(sessions_dir)
    crash(handle)
    assert practice.open(handle.path).session.notes == "Before.\nword0 word1 word2 "
    # The setup form before the session has a name: no file, so no journal either.
    form = SessionEditor(Session(), ManualClock(), None)
    form.typed()
    assert form.tick() is None
    assert not form.journal()
    assert not journals_folder(sessions_dir).exists()


def test_the_journal_follows_a_rename(sessions_dir: Path) -> None:
    handle, editor, clock = typing(sessions_dir, words=1)
    old = journal_path_for(handle.path)
    handle.rename(handle.path.with_name("renamed.toml"))
    handle.session.notes += "after "
    editor.typed()
    clock.advance(1)
    editor.tick()
    assert not old.exists()
    assert journal_path_for(handle.path).exists()
    crash(handle)
    reopened = SessionStore(sessions_dir).open(handle.path)
    assert reopened.session.notes == "Before.\nword0 after "


def test_a_failing_journal_never_interrupts_typing(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle, editor, clock = typing(sessions_dir, words=1)

    def broken(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as patched:
        patched.setattr(os, "fsync", broken)
        handle.session.notes += "kept in memory "
        editor.typed()
        clock.advance(1)
        assert editor.tick() is None
        assert editor.journal_error == "the disk reported an input/output error"
    clock.advance(0.5)
    assert editor.tick() is None  # no save due yet: the record is tried again
    assert editor.journal_error == ""
    crash(handle)
    assert SessionStore(sessions_dir).open(handle.path).session.notes.endswith("kept in memory ")


def test_the_screen_says_once_what_was_recovered(sessions_dir: Path) -> None:
    handle, _, _ = typing(sessions_dir)
    crash(handle)
    reopened = SessionStore(sessions_dir).open(handle.path)
    told: list[tuple[str, dict[str, Any]]] = []

    class Node:
        def notify(self, message: str, **options: Any) -> None:
            told.append((message, options))

    node = cast(Widget, Node())
    tell_recovered(node, reopened)
    tell_recovered(node, reopened)
    [(message, options)] = told
    assert message.startswith("Recovered typing from ")
    assert "that had not been saved: the notes (+18 characters)" in message
    assert options["title"] == "Recovered"


# --- a real kill -9 -----------------------------------------------------------------------

TYPIST = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from iisession.core.clock import SystemClock
    from iisession.core.editor import SessionEditor
    from iisession.core.store import SessionStore

    handle = SessionStore(Path(sys.argv[1])).open(Path(sys.argv[2]))
    editor = SessionEditor(handle.session, SystemClock(), handle)
    start = time.monotonic()
    next_tick, next_key, i = start + 1.0, start, 0
    while True:
        now = time.monotonic()
        if now >= next_tick:  # the screens' 1 s timer
            editor.tick()
            next_tick += 1.0
        if now >= next_key:  # a word every 0.1 s
            handle.session.notes += f"w{i:04d} "
            editor.typed()
            os.write(1, f"{i} {time.time():.6f}\\n".encode())
            i += 1
            next_key += 0.1
        time.sleep(max(0.0, min(next_tick, next_key) - time.monotonic()))
    """
)


def test_kill_9_while_typing_loses_at_most_about_a_second(sessions_dir: Path) -> None:
    """A real process types at a steady rate with the real clock, ticking once a
    second; it is killed at a random moment, before its first save is due (5 s)."""
    handle = SessionStore(sessions_dir).create(make_session(notes=""))
    handle.close()
    seed = random.randrange(1 << 30)
    delay = random.Random(seed).uniform(1.5, 4.0)
    child = subprocess.Popen(
        [sys.executable, "-c", TYPIST, str(sessions_dir), str(handle.path)],
        stdout=subprocess.PIPE,
    )
    assert child.stdout is not None
    first = child.stdout.readline()  # the first word typed
    assert first, "the typing process did not start"
    typed_from = float(first.split()[1])
    time.sleep(max(0.0, typed_from + delay - time.time()))
    killed_at = time.time()
    os.kill(child.pid, signal.SIGKILL)
    rest = child.stdout.read()
    child.wait()
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    typed = {int(i): float(t) for i, t in (line.split() for line in [first, *rest.splitlines()])}
    notes = SessionStore(sessions_dir).open(handle.path).session.notes
    kept = {int(word[1:]) for word in notes.split()}
    missing = [i for i in typed if i not in kept]
    lost = killed_at - typed[missing[0]] if missing else 0.0
    assert kept == set(range(len(kept))), "what is kept is what was typed, in order"
    assert lost <= 1.2, f"{lost:.2f} s of typing lost (killed {delay:.2f} s in, seed {seed})"
