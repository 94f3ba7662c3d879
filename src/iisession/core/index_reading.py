"""Reading session files for the index: one file to the row the index keeps of
it, and many files at once in worker processes (the first build of a large
folder). Kept apart from the database so a worker process imports only this.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .atomic import describe_os_error as describe
from .naming import SUFFIX
from .summary import search_texts, summarise

if TYPE_CHECKING:
    from .model import Session

Stamp = tuple[int, int, int, int]
"""(size, mtime_ns, inode, ctime_ns): a file whose stamp changed is read again.
The inode catches a same-size replacement within the file system's timestamp
granularity (every save here, and most sync tools, replace the file); the
ctime a change of permissions that makes an unreadable file readable."""

NOT_UTF8_NAME = "its file name is not valid UTF-8: rename it to open it"
GONE = "was removed while it was being read"


class FolderUnreadable(Exception):
    """The sessions folder itself cannot be listed (not a folder, no permission)."""

    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__(f"the sessions folder {folder} cannot be read: {reason}")
        self.folder = folder
        self.reason = reason


def _int(value: int) -> int:
    """Within SQLite's 64-bit integers (a hand-edited limit can be any size)."""
    return max(-(2**63), min(value, 2**63 - 1))


def entry(session: Session, name: str) -> tuple[Any, ...]:
    s = summarise(name, session)
    return (
        s.id,
        s.state,
        s.person,
        s.title,
        s.organisation,
        s.when,
        _int(s.limit_minutes),
        _int(s.length_seconds),
        s.asked,
        s.questions,
        s.referrals,
        int(s.thank_you_sent),
    )


QuestionRow = tuple[str, str, str, bool, str]
"""(key, text, topic, asked, answer): see ``compare.question_rows``."""

Read = tuple[str, Stamp, str | None, tuple[Any, ...], tuple[str, ...], str, list[QuestionRow]]
"""What the index keeps of one file: (name, stamp, problem or None, summary
columns, search texts, digest, question rows)."""


def read_for_index(path_text: str) -> Read:
    """What the index keeps of one file (see ``Read``).

    Module level and picklable: the first build runs it in worker processes.
    """
    from .compare import question_rows
    from .digest import encode, encode_document
    from .store import SessionFileError, read_session_and_document

    path = Path(path_text)
    try:
        # The stamp from before the read: if the file changes while it is read
        # (a sync tool writing it in place), the next refresh sees the change.
        before = _stamp(os.stat(path))
    except FileNotFoundError:
        if not os.path.islink(path):
            return (path.name, (-1, -1, -1, -1), GONE, (), (), "", [])
        before = _stamp(os.lstat(path))  # a link to nothing: listed with the reason
    except OSError:
        before = (-1, -1, -1, -1)
    try:
        loaded, document = read_session_and_document(path)
        fp = loaded.fingerprint
        after = (fp.size, fp.mtime_ns, fp.inode, fp.ctime_ns)
        return (
            path.name,
            before if after != before else after,
            None,
            entry(loaded.session, path.name),
            search_texts(loaded.session),
            (
                encode(loaded.session, as_read=True)
                if document is None
                else encode_document(document)
            ),
            question_rows(loaded.session, as_read=True),
        )
    except SessionFileError as error:
        return (path.name, before, error.reason, (), (), "", [])
    except Exception as error:  # one odd file must never stop the rest
        problem = f"cannot be read: {type(error).__name__}: {error}"
        return (path.name, before, problem, (), (), "", [])


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def _shown_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def files_on_disk(folder: Path) -> tuple[dict[str, Stamp], set[str]]:
    """Session file names with their stamps, as ``SessionStore.files`` sees them,
    and those of the names that are not UTF-8 (shown with U+FFFD)."""
    found: dict[str, Stamp] = {}
    undecodable: set[str] = set()
    try:
        entries = os.scandir(folder)
    except FileNotFoundError:
        return found, undecodable
    except OSError as error:
        raise FolderUnreadable(folder, describe(error)) from None
    with entries:
        for entry in entries:
            name = entry.name
            if not name.endswith(SUFFIX) or name.startswith("."):
                continue
            try:
                st = entry.stat()
            except OSError:
                try:  # a dangling link: listed, as unreadable
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue  # gone since the listing
            if name.isascii():  # nearly every name: nothing to decode
                shown = name
            elif (shown := _shown_name(name)) != name:
                undecodable.add(shown)
            found[shown] = _stamp(st)
    return found, undecodable


SENT_TOGETHER = 20
"""Reads a worker sends in one message: fewer messages, so fewer system calls,
thread hand-offs and turns of the queue. With the question rows of a session as
read not cleaned again, this took a first build of 10,000 from 4.53 s to 3.95 s."""


def parallel_reads(paths: Sequence[str], workers: int) -> Iterator[Any]:
    """``read_for_index`` of every path, in ``workers`` child processes, as they finish.

    Plain subprocesses, not multiprocessing: inside the full-screen app the
    standard streams are Textual's, which multiprocessing cannot hand on, and a
    fork of a threaded process can deadlock. Each child reads NUL-separated
    paths from stdin and writes length-prefixed pickles of reads to stdout. Paths a
    child did not answer for (it died, say) are read here, so the result is
    always complete.
    """
    # Only a first build needs these: kept out of the review's start-up.
    import pickle
    import queue
    import subprocess

    chunks = [list(paths[n::workers]) for n in range(workers)]
    results: queue.Queue[Any] = queue.Queue()
    done = object()
    children: list[subprocess.Popen[bytes]] = []

    def feed(child: subprocess.Popen[bytes], chunk: list[str]) -> None:
        assert child.stdin is not None
        # NUL cannot be in a file name; a newline can.
        with contextlib.suppress(OSError):
            child.stdin.write(b"\0".join(os.fsencode(p) for p in chunk))
        with contextlib.suppress(OSError):
            child.stdin.close()

    def drain(child: subprocess.Popen[bytes]) -> None:
        assert child.stdout is not None
        try:
            while header := child.stdout.read(8):
                if len(header) < 8:
                    break
                body = child.stdout.read(int.from_bytes(header, "big"))
                results.put(pickle.loads(body))  # a list of reads (see _worker)
        except (OSError, EOFError, pickle.UnpicklingError):
            pass
        finally:
            results.put(done)

    try:
        for chunk in chunks:
            if not chunk:
                continue
            try:
                child = subprocess.Popen(
                    # -P: never import modules from the current folder.
                    [sys.executable, "-P", "-m", "iisession.core.index_reading", "--worker"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except OSError:
                break  # no child processes here: what they did not read is read below
            children.append(child)
            threading.Thread(target=feed, args=(child, chunk), daemon=True).start()
            threading.Thread(target=drain, args=(child,), daemon=True).start()
        answered: set[str] = set()
        running = len(children)
        while running:
            item = results.get()
            if item is done:
                running -= 1
                continue
            for read in item:
                answered.add(read[0])
                yield read
        for path in paths:
            if os.path.basename(path) not in answered:
                yield read_for_index(path)
    finally:
        # Also when the caller stops early (an error while writing): no child
        # is left running or unreaped.
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait()


def _worker() -> None:
    """The child side of ``parallel_reads``."""
    import pickle

    out = sys.stdout.buffer
    reads: list[Read] = []

    def send() -> None:
        body = pickle.dumps(reads, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(len(body).to_bytes(8, "big") + body)
        out.flush()
        reads.clear()

    for raw in sys.stdin.buffer.read().split(b"\0"):
        if raw:
            reads.append(read_for_index(os.fsdecode(raw)))
            if len(reads) == SENT_TOGETHER:
                send()
    if reads:
        send()


# --- queries --------------------------------------------------------------------


if __name__ == "__main__" and sys.argv[1:] == ["--worker"]:
    _worker()
