"""The sessions index: a SQLite cache (with FTS5) of every session's summary and text.

The TOML files stay the truth. The index lives in the user cache folder, one
database per sessions folder, and ``refresh`` brings it up to date from the
files: a file whose size or modification time differs from what was indexed is
read again, new files are added and deleted ones dropped, so edits by hand or
by a sync tool are picked up. An index from another version of this code, or
one SQLite cannot read, is thrown away and rebuilt. Losing it costs only time.

Reading the files themselves is ``index_reading``'s. This module is long
because it is one thing: the database's schema, its refresh, and the queries
every list, search and view runs, which must change together.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import itertools
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compare import Asked, Comparison, Tally
    from .model import Session
from . import collector
from .atomic import describe_os_error as describe
from .atomic import ensure_private_folder
from .index_reading import (
    GONE,
    NOT_UTF8_NAME,
    FolderUnreadable,
    QuestionRow,
    Read,
    Stamp,
    entry,
    files_on_disk,
    parallel_reads,
    read_for_index,
)
from .naming import file_order
from .summary import SEARCH_FIELDS, Summary, SummaryState, search_texts, summarise

INDEX_VERSION = 12
"""Bump when the schema or what is extracted changes: older indexes are rebuilt."""

PARALLEL_FROM = 200
"""Read at least this many files in worker processes; fewer are read in-process."""

RANKED_AMONG = 2000
"""A search ranks at most this many matches, the latest: see ``SessionIndex.search``."""


def ranked_among(total: int) -> int:
    """How many of ``total`` matches a search ranked to choose the best."""
    return min(total, RANKED_AMONG)


BATCH = 2000
"""Files written per transaction during a refresh (fewer commits: fewer, larger
search-index segments to merge)."""

PROGRESS_EVERY = 50
"""Files read between progress reports."""

SUMMARY_COLUMNS = (
    "id",
    "state",
    "person",
    "title",
    "organisation",
    "when_utc",
    "limit_minutes",
    "length_seconds",
    "asked",
    "questions",
    "referrals",
    "thank_you_sent",
)

TEXT_COLUMNS = {"id", "state", "person", "title", "organisation", "when_utc"}

MARK_START, MARK_END = "\x02", "\x03"
"""Around each matched word in a snippet; a screen or command renders them."""

FIELD_WEIGHTS = {
    "person": 10.0,
    "notes": 1.0,
    "answers": 2.0,
    "key_points": 3.0,
    "referrals": 3.0,
    "preparation": 1.0,
    "request": 1.0,
}
"""A word in the person's name counts for more than the same word in the notes."""


Progress = Callable[[int, int], None]
"""Called with (files read, files to read) during a refresh."""


@dataclass(frozen=True)
class Problem:
    """A file in the sessions folder that could not be read, with the reason."""

    file: str
    reason: str


@dataclass(frozen=True)
class Hit:
    """A session matching a search."""

    summary: Summary
    field: str
    """Which part matched best (an entry of ``summary.SEARCH_FIELDS``)."""
    snippet: str
    """The matching passage, matched words between ``MARK_START`` and ``MARK_END``."""

    def plain_snippet(self, before: str = "", after: str = "") -> str:
        return self.snippet.replace(MARK_START, before).replace(MARK_END, after)


@dataclass
class RefreshReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unreadable: int = 0
    read: list[str] = field(default_factory=list)
    """Names of the files read in this refresh."""


class IndexUnavailable(Exception):
    """The index cannot be used (for example, the cache folder is not writable)."""


_COMPANIONS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database."""


def index_path(cache_dir: Path, sessions_dir: Path) -> Path:
    """One database per sessions folder, named after the folder's full path."""
    import hashlib

    key = hashlib.sha256(os.fsencode(sessions_dir.resolve())).hexdigest()[:16]
    return cache_dir / "index" / f"sessions-{key}.sqlite3"


_WORD = re.compile(r"\w+", re.UNICODE)


def match_expression(query: str) -> str:
    """An FTS5 query for the words typed: every word must appear, as a word prefix.

    Punctuation is dropped, so no input can be an FTS5 syntax error.
    """
    words = _WORD.findall(query)
    # A short word also as a whole word, so "ana" ranks Ana above "analysis"
    # (longer words rarely begin other words; the extra phrase costs time).
    return " AND ".join(
        f'("{word}" OR "{word}"*)' if len(word) < 5 else f'"{word}"*' for word in words
    )


def left_out(query: str) -> list[str]:
    """The emoji and signs of a query with words in it, which the word search
    leaves out (punctuation only separates words and is not listed)."""
    if not _WORD.search(query):
        return []
    runs = re.findall(r"[^\w\s]+", query)
    return [run for run in runs if any(unicodedata.category(c).startswith("S") for c in run)]


_VARIATION_SELECTORS = str.maketrans("", "", "\ufe0e\ufe0f")

SNIPPET_CONTEXT = 40
"""Characters either side of a match in the snippet of a plain text search."""


def text_needle(query: str) -> str:
    """What a query without a word in it (an emoji, a sign) is looked for as:
    the text typed, without the variation selectors that tell text from emoji
    style (so "❤️" finds "❤" and the other way round)."""
    return query.strip().translate(_VARIATION_SELECTORS)


def text_snippet(text: str, needle: str) -> str:
    """The passage around the first ``needle`` in ``text``, matches marked as
    the index's snippets are, cut at spaces, "…" where text was left out."""
    at = text.find(needle)
    start = max(0, at - SNIPPET_CONTEXT)
    end = min(len(text), at + len(needle) + SNIPPET_CONTEXT)
    if start > 0 and (space := text.find(" ", start, at)) >= 0:
        start = space + 1
    if end < len(text) and (space := text.rfind(" ", at + len(needle), end)) >= 0:
        end = space
    passage = text[start:end].replace(needle, f"{MARK_START}{needle}{MARK_END}")
    return ("…" if start > 0 else "") + " ".join(passage.split()) + ("…" if end < len(text) else "")


_STATES = {state.value: state for state in SummaryState}


def _summary(file: str, row: Sequence[Any]) -> Summary:
    # By position, in the order of SUMMARY_COLUMNS: a listing makes tens of
    # thousands, and naming every field costs a third more.
    (sid, state, person, title, org, when, limit, length, asked, questions, refs, ty) = row
    return Summary(
        file,
        sid,
        _STATES.get(state) or SummaryState(state),  # an unknown one raises as ever
        person,
        title,
        org,
        when,
        limit,
        length,
        asked,
        questions,
        refs,
        bool(ty),
    )


TALLY_QUERY = (
    "SELECT key, text, topic, sum(asked != 0), count(*), "
    "min(held || char(1) || stem || char(1) || printf('%010d', position)) "
    "FROM questions GROUP BY key"
)
"""Every question counted, in the order of ``questions_by_key``, which holds
all it reads."""

_QUESTIONS_BY_KEY = """
-- Covering the tally (see ``tally``): read in key order from the index alone,
-- never a lookup into the table per question, which grew faster than the calls.
CREATE INDEX IF NOT EXISTS questions_by_key
    ON questions (key, held, stem, position, asked, topic, text)
"""

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    rowid INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    problem TEXT,
    {", ".join(f"{c} {'TEXT' if c in TEXT_COLUMNS else 'INTEGER'}" for c in SUMMARY_COLUMNS)}
);
CREATE INDEX IF NOT EXISTS files_newest ON files (when_utc DESC, name DESC);
-- The unreadable files, few if any: listed, and counted out of every file, without
-- a pass over the table's rows (a first frame waits for both).
CREATE INDEX IF NOT EXISTS files_unreadable ON files (name) WHERE problem IS NOT NULL;
CREATE TABLE IF NOT EXISTS digests (file INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    file INTEGER NOT NULL,
    position INTEGER NOT NULL,
    key TEXT NOT NULL,
    text TEXT NOT NULL,
    topic TEXT NOT NULL,
    asked INTEGER NOT NULL,
    answer TEXT NOT NULL,
    held TEXT NOT NULL,
    stem TEXT NOT NULL,
    PRIMARY KEY (file, position)
) WITHOUT ROWID;
{_QUESTIONS_BY_KEY};
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    {", ".join(SEARCH_FIELDS)},
    tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO fts (fts, rank) VALUES (
    'rank', 'bm25({", ".join(str(FIELD_WEIGHTS[f]) for f in SEARCH_FIELDS)})'
);
"""


_REFRESH_LOCKS: dict[Path, threading.Lock] = {}
_REFRESH_LOCKS_GUARD = threading.Lock()


def _refresh_lock(path: Path) -> threading.Lock:
    with _REFRESH_LOCKS_GUARD:
        return _REFRESH_LOCKS.setdefault(path, threading.Lock())


_INSERT_FILE = (
    "INSERT INTO files (name, size, mtime_ns, inode, ctime_ns, problem, "
    f"{', '.join(SUMMARY_COLUMNS)}) "
    f"VALUES (?, ?, ?, ?, ?, ?, {', '.join('?' * len(SUMMARY_COLUMNS))})"
)
_INSERT_FTS = (
    f"INSERT INTO fts (rowid, {', '.join(SEARCH_FIELDS)}) "
    f"VALUES (?, {', '.join('?' * len(SEARCH_FIELDS))})"
)
_WHEN = SUMMARY_COLUMNS.index("when_utc")


class _Pending:
    """The search texts, digests and question rows of a batch of files, written
    with one statement each: a first build writes a few thousand files at once."""

    def __init__(self) -> None:
        self.texts: list[tuple[Any, ...]] = []
        self.digests: list[tuple[int | None, str]] = []
        self.questions: list[tuple[Any, ...]] = []

    def add(
        self,
        rowid: int | None,
        texts: Sequence[str],
        digest: str,
        questions: list[tuple[Any, ...]],
    ) -> None:
        self.texts.append((rowid, *texts))
        # Beside the row, not in it: the lists and searches read every row of
        # `files`, and would read the digests with it.
        self.digests.append((rowid, digest))
        self.questions.extend(questions)

    def write(self, db: sqlite3.Connection) -> None:
        db.executemany(_INSERT_FTS, self.texts)
        db.executemany("INSERT INTO digests VALUES (?, ?)", self.digests)
        db.executemany("INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", self.questions)
        self.texts.clear()
        self.digests.clear()
        self.questions.clear()


class SessionIndex:
    """The index of one sessions folder. Each call uses its own connection, so
    any thread may use it; several processes may share the database."""

    def __init__(self, sessions_dir: Path, cache_dir: Path) -> None:
        self.sessions_dir = sessions_dir
        self.path = index_path(cache_dir, sessions_dir)
        self._ready = False

    # --- connection -------------------------------------------------------------
    #
    # Every use holds a shared lock on a lock file beside the database; creating
    # the tables, or throwing away a damaged database, takes it exclusively. So
    # no thread or process ever drops or deletes what another is reading.

    @property
    def lock_path(self) -> Path:
        return self.path.with_suffix(".lock")

    def _lock(self, *, wait: bool = True) -> int:
        try:
            ensure_private_folder(self.path.parent)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as error:
            raise IndexUnavailable(
                f"the index folder {self.path.parent} cannot be used: {describe(error)}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | (0 if wait else fcntl.LOCK_NB))
        except OSError as error:
            os.close(fd)
            raise IndexUnavailable(f"the index is busy: {describe(error)}") from None
        return fd

    def _private_files(self) -> None:
        """The database holds the sessions' text: 0600 whatever the umask. SQLite
        gives its -wal, -shm and -journal files the database file's mode, so the
        file is made here, before SQLite would make it with the umask's."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            if not os.fstat(fd).st_mode & 0o077:
                return  # the usual case
            os.fchmod(fd, 0o600)  # made by an older version, or another program
        finally:
            os.close(fd)
        for suffix in _COMPANIONS:
            with contextlib.suppress(FileNotFoundError):
                os.chmod(f"{self.path}{suffix}", 0o600)

    def _connect(self, timeout: float = 30) -> sqlite3.Connection:
        try:
            self._private_files()
            db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            # A cache: losing the last transaction in a power cut only means a re-read.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise IndexUnavailable(f"the index is busy: {error}") from None
            raise
        return db

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        fd = self._lock()
        try:
            if not self._ready:
                self._prepare(fd)
            db = self._connect()
            try:
                yield db
            finally:
                db.close()
        finally:
            os.close(fd)  # releases the lock

    def _prepare(self, fd: int) -> None:
        """Create the tables if they are missing or from another version."""
        if self._current():
            self._ready = True  # the usual case: nothing to do
            return
        fcntl.flock(fd, fcntl.LOCK_EX)  # wait until nobody else is using it
        try:
            if not self._current():  # another may have done it meanwhile
                db = self._connect()
                try:
                    self._reset(db)
                    db.executescript(_SCHEMA)
                    db.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('version', ?), ('folder', ?)",
                        (str(INDEX_VERSION), str(self.sessions_dir.absolute())),
                    )
                finally:
                    db.close()
        finally:
            fcntl.flock(fd, fcntl.LOCK_SH)
        self._ready = True

    def _current(self) -> bool:
        """The database holds this version's tables."""
        if not self.path.exists():
            return False
        db = self._connect()
        try:
            return self._meta(db, "version") == str(INDEX_VERSION)
        finally:
            db.close()

    @staticmethod
    def _meta(db: sqlite3.Connection, key: str) -> str | None:
        try:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                return None
            raise
        return None if row is None else str(row[0])

    @staticmethod
    def _reset(db: sqlite3.Connection) -> None:
        for table in ("fts", "digests", "questions", "files", "meta"):
            db.execute(f"DROP TABLE IF EXISTS {table}")

    def _discard_file(self) -> None:
        """Throw away a database SQLite cannot read (it is only a cache), once
        nobody else has it open."""
        fd = self._lock()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            for suffix in ("", *_COMPANIONS):
                try:
                    os.unlink(f"{self.path}{suffix}")
                except FileNotFoundError:
                    pass
                except OSError as error:
                    raise IndexUnavailable(
                        f"the damaged index at {self.path} cannot be removed: {describe(error)}"
                    ) from None
        finally:
            os.close(fd)
        self._ready = False

    def _with_retry(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run ``work``; a database SQLite cannot read is rebuilt once, from the files."""
        for attempt in (1, 2):
            try:
                with self._db() as db:
                    return work(db)
            except sqlite3.DatabaseError as error:
                text = str(error)
                if "locked" in text or "busy" in text:
                    raise IndexUnavailable(f"the index is busy: {text}") from None
                if attempt == 2:
                    raise IndexUnavailable(
                        f"the index at {self.path} cannot be used: {text}"
                    ) from None
                if "no such table" in text:
                    self._ready = False  # replaced by another version meanwhile
                else:
                    self._discard_file()  # corrupt, or not a database
            except OSError as error:
                raise IndexUnavailable(
                    f"the index at {self.path} cannot be used: {describe(error)}"
                ) from None
        raise AssertionError("unreachable")

    # --- keeping it current -----------------------------------------------------

    @collector.held_off()  # a first build makes every session's rows at once
    def refresh(
        self, progress: Progress | None = None, workers: int | None = None
    ) -> RefreshReport:
        """Bring the index up to date with the folder; returns what changed.

        Refreshes of one index in one process take turns: the second finds
        the work done instead of doing it again.
        """
        with _refresh_lock(self.path):
            return self._with_retry(lambda db: self._refresh(db, progress, workers))  # type: ignore[no-any-return]

    def _refresh(
        self, db: sqlite3.Connection, progress: Progress | None, workers: int | None
    ) -> RefreshReport:
        report = RefreshReport()
        self._questions_index(db)  # after a first build that stopped short
        on_disk, undecodable = files_on_disk(self.sessions_dir)
        known = {
            name: ((size, mtime, inode, ctime), rowid)
            for rowid, name, size, mtime, inode, ctime in db.execute(
                "SELECT rowid, name, size, mtime_ns, inode, ctime_ns FROM files"
            )
        }
        gone = [known[name][1] for name in known.keys() - on_disk.keys()]
        if gone:
            db.execute("BEGIN")
            db.executemany("DELETE FROM fts WHERE rowid = ?", [(r,) for r in gone])
            db.executemany("DELETE FROM questions WHERE file = ?", [(r,) for r in gone])
            db.executemany("DELETE FROM digests WHERE file = ?", [(r,) for r in gone])
            db.executemany("DELETE FROM files WHERE rowid = ?", [(r,) for r in gone])
            db.execute("COMMIT")
            report.removed = len(gone)
        stale = sorted(
            name for name, stamp in on_disk.items() if name not in known or known[name][0] != stamp
        )
        total = len(stale)
        if progress is not None:
            progress(0, total)
        if not stale:
            return report
        # Names that are not UTF-8 cannot be stored or shown as they are: listed
        # as unreadable, with what to do, and never read.
        named: list[Read] = [
            (n, on_disk[n], NOT_UTF8_NAME, (), (), "", []) for n in stale if n in undecodable
        ]
        first_build = False
        if not known and total >= BATCH:
            # A first build: the questions' index made once at the end, from
            # every row (a sort), rather than row by row. Inserted in the order
            # of their keys, the rows of each batch land all over it: every
            # batch wrote most of its pages again, so the build grew faster
            # than the sessions (at 50,000, 9 of its 26 s). Readers meanwhile
            # get the same answers, more slowly; the index is made again at
            # the start of the next refresh if this one stops short.
            db.execute("DROP INDEX IF EXISTS questions_by_key")
            # Nor a wait for the disk at each batch: the index is only partly
            # there until the build is done, and it is a cache. A crash of the
            # program loses nothing this way; one of the computer itself may
            # damage the file, which SQLite then refuses: it is thrown away and
            # built again (_with_retry). The build ends with one synced checkpoint.
            db.execute("PRAGMA synchronous=OFF")
            first_build = True
        folder = str(self.sessions_dir)
        paths = [os.path.join(folder, name) for name in stale if name not in undecodable]
        cores = workers if workers is not None else (os.cpu_count() or 1)
        if len(paths) >= PARALLEL_FROM and cores > 1:
            results: Iterable[Any] = itertools.chain(named, parallel_reads(paths, cores))
        else:
            results = itertools.chain(named, map(read_for_index, paths))
        batch: list[Any] = []
        for done, result in enumerate(results, 1):
            batch.append(result)
            if len(batch) >= BATCH:
                self._write(db, batch, known, report)
                batch.clear()
            if progress is not None and done % PROGRESS_EVERY == 0 and done < total:
                progress(done, total)
        if batch:
            self._write(db, batch, known, report)
        self._questions_index(db)
        if first_build:
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if progress is not None:
            progress(total, total)
        return report

    def _write(
        self,
        db: sqlite3.Connection,
        results: Sequence[Any],
        known: dict[str, tuple[Stamp, int]],
        report: RefreshReport,
    ) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            pending = _Pending()
            for name, stamp, problem, entry, texts, digest, questions in results:
                if problem == GONE:
                    self._drop(db, name)
                    continue
                self._put(
                    db,
                    name,
                    stamp,
                    problem,
                    entry,
                    texts,
                    digest,
                    questions,
                    pending,
                    known=name in known,
                )
                report.read.append(name)
                if problem is not None:
                    report.unreadable += 1
                if name in known:
                    report.updated += 1
                else:
                    report.added += 1
            pending.write(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @staticmethod
    def _questions_index(db: sqlite3.Connection) -> None:
        """The questions' index made if it is missing (see ``_refresh``); looked
        up first, so that a refresh with nothing to do writes nothing."""
        query = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'questions_by_key'"
        if db.execute(query).fetchone() is None:
            db.execute(_QUESTIONS_BY_KEY)

    @staticmethod
    def _drop(db: sqlite3.Connection, name: str) -> None:
        row = db.execute("SELECT rowid FROM files WHERE name = ?", (name,)).fetchone()
        if row is not None:
            db.execute("DELETE FROM fts WHERE rowid = ?", row)
            db.execute("DELETE FROM questions WHERE file = ?", row)
            db.execute("DELETE FROM digests WHERE file = ?", row)
            db.execute("DELETE FROM files WHERE rowid = ?", row)

    @staticmethod
    def _put(
        db: sqlite3.Connection,
        name: str,
        stamp: Stamp,
        problem: str | None,
        entry: Sequence[Any],
        texts: Sequence[str],
        digest: str,
        questions: Sequence[QuestionRow],
        pending: _Pending | None = None,
        *,
        known: bool = True,
    ) -> None:
        """Write one file's rows. With ``pending``, all but the ``files`` row wait
        there, to be written for the whole batch at once (``_Pending.write``).
        ``known=False``: the file was not in the index when the refresh began, so
        there are no old rows to look for (a first build skips 10,000 lookups)."""
        values = tuple(entry) if problem is None else (None,) * len(SUMMARY_COLUMNS)
        row = (name, *stamp, problem, *values)
        if known:
            SessionIndex._drop(db, name)
            cursor = db.execute(_INSERT_FILE, row)
        else:
            try:
                cursor = db.execute(_INSERT_FILE, row)
            except sqlite3.IntegrityError:  # another process indexed it meanwhile
                SessionIndex._drop(db, name)
                cursor = db.execute(_INSERT_FILE, row)
        if problem is None:
            rowid = cursor.lastrowid
            # With the call's time and file: the order of calls, without a join.
            when, stem = entry[_WHEN], file_order(name)
            rows = [(rowid, n, *row, when, stem) for n, row in enumerate(questions)]
            if pending is None:
                pending = _Pending()
                pending.add(rowid, texts, digest, rows)
                pending.write(db)
            else:
                pending.add(rowid, texts, digest, rows)

    def record(self, path: Path, session: Session, stamp: Stamp) -> None:
        """Index a session the app has just written (so the next search finds it).

        ``stamp`` is the file's as it was written: if anything changes the
        file after that, the next refresh reads it again.
        """
        from .compare import question_rows
        from .digest import encode

        def work(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                self._put(
                    db,
                    path.name,
                    stamp,
                    None,
                    entry(session, path.name),
                    search_texts(session),
                    encode(session),
                    question_rows(session),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

        self._with_retry(work)

    def forget(self, path: Path) -> None:
        """Take out a file the app has just moved away (the next search must
        not find it under its old name)."""

        def work(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                self._drop(db, path.name)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

        self._with_retry(work)

    # --- reading ----------------------------------------------------------------

    def summaries(self, limit: int = -1) -> list[Summary]:
        """Every readable session (or the newest ``limit``), newest first."""

        def work(db: sqlite3.Connection) -> list[Summary]:
            rows = db.execute(
                f"SELECT name, {', '.join(SUMMARY_COLUMNS)} FROM files "
                "WHERE problem IS NULL ORDER BY when_utc DESC, name DESC LIMIT ?",
                (limit,),
            )
            return [_summary(row[0], row[1:]) for row in rows]

        return self._with_retry(work)  # type: ignore[no-any-return]

    def first_page(self, limit: int) -> Listing:
        """The newest ``limit`` sessions, the unreadable files and the count, at once.

        For a first frame: it waits at most a moment for a busy database
        (raising ``IndexUnavailable``) instead of holding the screen up.
        """
        fd = self._lock(wait=False)
        try:
            self._private_files()
            db = sqlite3.connect(self.path, timeout=0.25, isolation_level=None)
            try:
                db.execute("BEGIN")  # one snapshot: the rows, the unreadable and the count agree
                if self._meta(db, "version") != str(INDEX_VERSION):
                    return Listing([], [], total=0)  # nothing usable yet: a refresh builds it
                rows = db.execute(
                    f"SELECT name, {', '.join(SUMMARY_COLUMNS)} FROM files "
                    "WHERE problem IS NULL ORDER BY when_utc DESC, name DESC LIMIT ?",
                    (limit,),
                )
                first = [_summary(row[0], row[1:]) for row in rows]
                problems = [
                    Problem(name, reason)
                    for name, reason in db.execute(
                        "SELECT name, problem FROM files WHERE problem IS NOT NULL ORDER BY name"
                    )
                ]
                (files,) = db.execute("SELECT count(*) FROM files").fetchone()
                return Listing(first, problems, total=int(files) - len(problems))
            finally:
                db.close()
        except sqlite3.Error as error:
            raise IndexUnavailable(str(error)) from None
        except OSError as error:
            raise IndexUnavailable(describe(error)) from None
        finally:
            os.close(fd)

    def count(self) -> int:
        """How many readable sessions the index holds."""

        def work(db: sqlite3.Connection) -> int:
            # Every file less the unreadable, from two indexes: no pass over the rows.
            (n,) = db.execute(
                "SELECT (SELECT count(*) FROM files)"
                " - (SELECT count(*) FROM files WHERE problem IS NOT NULL)"
            ).fetchone()
            return int(n)

        return self._with_retry(work)  # type: ignore[no-any-return]

    @collector.held_off()
    def digests(self) -> list[tuple[str, Session]]:
        """Every readable session's digest (see ``digest.py``) with its file name,
        by file name."""
        from .digest import decode
        from .store import SessionFileError, read_session

        def work(db: sqlite3.Connection) -> list[tuple[str, str | None]]:
            return db.execute(
                "SELECT f.name, d.body FROM files AS f LEFT JOIN digests AS d ON d.file = f.rowid "
                "WHERE f.problem IS NULL"
            ).fetchall()

        found: list[tuple[str, Session]] = []
        for name, text in sorted(self._with_retry(work), key=lambda row: file_order(row[0])):
            try:
                found.append((name, decode(text)))
            except (TypeError, ValueError):
                # Never expected (the digest was checked as it was made): read the file.
                with contextlib.suppress(SessionFileError):
                    found.append((name, read_session(self.sessions_dir / name).session))
        return found

    def tally(self) -> dict[str, Tally]:
        """Every question of the calls held, counted (see ``compare.Tally``)."""
        from .compare import Tally

        def work(db: sqlite3.Connection) -> list[tuple[str, str, str, int, int]]:
            # Grouped by the key's index, never sorted. A question keeps the wording
            # of the first call it was prepared for (as ``compare.collect``): SQLite
            # takes the bare columns from the row holding the min(). Char 1 stands
            # between the parts, below any character a file name would hold.
            return db.execute(TALLY_QUERY).fetchall()

        return {
            key: Tally(key, text, topic, int(asked), int(prepared))
            for key, text, topic, asked, prepared, _ in self._with_retry(work)
        }

    @collector.held_off()
    def answers(self, key: str) -> Asked | None:
        """Every answer to one question, oldest call first."""
        from .compare import Answer, Asked

        def work(db: sqlite3.Connection) -> list[tuple[Any, ...]]:
            return db.execute(
                "SELECT q.held, f.name, q.position, q.text, q.topic, q.asked, q.answer, "
                "f.person, f.organisation FROM questions AS q "
                "JOIN files AS f ON f.rowid = q.file WHERE q.key = ? "
                "ORDER BY q.held, q.stem, q.position",
                (key,),
            ).fetchall()

        rows = self._with_retry(work)
        if not rows:
            return None
        entry = Asked(key, rows[0][3], rows[0][4])
        for when, name, _, _, _, asked, answer, person, organisation in rows:
            moment = dt.datetime.fromisoformat(when)
            entry.answers.append(Answer(person, organisation, moment, name, bool(asked), answer))
        return entry

    def problems(self) -> list[Problem]:
        def work(db: sqlite3.Connection) -> list[Problem]:
            rows = db.execute(
                "SELECT name, problem FROM files WHERE problem IS NOT NULL ORDER BY name"
            )
            return [Problem(name, reason) for name, reason in rows]

        return self._with_retry(work)  # type: ignore[no-any-return]

    def search(self, query: str, limit: int = 200) -> tuple[list[Hit], int]:
        """The best ``limit`` matches for the words in ``query``, and how many match in all.

        The best are chosen among the ``RANKED_AMONG`` latest matches (the
        files indexed last: a first build reads them in name order, which is
        the order of their dates, and every save indexes a file again), so a
        word found in most sessions costs the same at 50,000 as at 5,000.
        ``ranked_among(total)`` says how many were ranked.

        A query without a word in it (only emoji, signs or punctuation, which
        the word index leaves out) is looked for as plain text: see ``search_text``.
        """
        expression = match_expression(query)
        if not expression:
            return self.search_text(text_needle(query), limit)
        snippets = ", ".join(
            f"snippet(fts, {n}, '{MARK_START}', '{MARK_END}', '…', 12)"
            for n in range(len(SEARCH_FIELDS))
        )

        def work(db: sqlite3.Connection) -> tuple[list[Hit], int]:
            # `rank` is bm25 with FIELD_WEIGHTS (set at creation). The best are
            # chosen first (ties by file name; among the same latest matches
            # the answer never depends on the order files were indexed), then
            # snippets are made for those only. Ranking costs per match (bm25
            # reads each one's positions): the latest few thousand, which FTS5
            # finds by rowid without ranking.
            chosen = db.execute(
                "WITH latest AS ("
                "  SELECT rowid AS id, rank AS score FROM fts"
                "  WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ?"
                ") "
                "SELECT latest.id, latest.score, f.name"
                " FROM latest JOIN files AS f ON f.rowid = latest.id"
                " ORDER BY latest.score, f.name LIMIT ?",
                (expression, RANKED_AMONG, limit),
            ).fetchall()
            # The matches scanned and the best picked out of them by key: FTS5
            # looking each best one up by rowid sets up a word prefix's
            # postings anew each time (seen: five to ten times slower).
            db.execute("DROP TABLE IF EXISTS temp.best")
            db.execute("CREATE TEMP TABLE best (id INTEGER PRIMARY KEY, score REAL, name TEXT)")
            db.executemany("INSERT INTO temp.best VALUES (?, ?, ?)", chosen)
            rows = db.execute(
                f"SELECT f.name, {', '.join('f.' + c for c in SUMMARY_COLUMNS)}, {snippets} "
                "FROM fts CROSS JOIN temp.best AS b ON b.id = fts.rowid "
                "JOIN files AS f ON f.rowid = b.id "
                # From the lowest of them on only: FTS5 skips the older matches.
                "WHERE fts MATCH ? AND fts.rowid >= ? ORDER BY b.score, b.name",
                (expression, min((row[0] for row in chosen), default=0)),
            ).fetchall()
            hits = []
            width = len(SUMMARY_COLUMNS)
            for row in rows:
                summary = _summary(row[0], row[1 : width + 1])
                parts = row[width + 1 :]
                # The first part (in SEARCH_FIELDS order) with a matched word.
                best = next((n for n, text in enumerate(parts) if text and MARK_START in text), 0)
                snippet = " ".join((parts[best] or "").split())
                hits.append(Hit(summary, SEARCH_FIELDS[best], snippet))
            if len(rows) < min(limit, RANKED_AMONG):
                return hits, len(rows)  # fewer than the window holds: these are all
            (count,) = db.execute(
                "SELECT count(*) FROM fts WHERE fts MATCH ?", (expression,)
            ).fetchone()
            return hits, int(count)

        return self._with_retry(work)  # type: ignore[no-any-return]

    def search_text(self, needle: str, limit: int = 200) -> tuple[list[Hit], int]:
        """The sessions whose text holds ``needle`` as it is (a substring: an emoji
        in the notes, a "+1"), best first: occurrences, weighted by where they
        are as the word search weighs them. Reads every session's text."""
        if not needle:
            return [], 0
        found = " OR ".join(f"instr(fts.{name}, :needle) > 0" for name in SEARCH_FIELDS)

        def work(db: sqlite3.Connection) -> list[tuple[Any, ...]]:
            return db.execute(
                f"SELECT f.name, {', '.join('f.' + c for c in SUMMARY_COLUMNS)}, "
                f"{', '.join('fts.' + name for name in SEARCH_FIELDS)} "
                f"FROM fts JOIN files AS f ON f.rowid = fts.rowid WHERE {found}",
                {"needle": needle},
            ).fetchall()

        width = len(SUMMARY_COLUMNS)
        scored = []
        for row in self._with_retry(work):
            texts = [text or "" for text in row[width + 1 :]]
            counts = [text.count(needle) for text in texts]
            score = sum(FIELD_WEIGHTS[f] * n for f, n in zip(SEARCH_FIELDS, counts, strict=True))
            best = next(n for n, count in enumerate(counts) if count)
            scored.append((-score, row[0], row, best, texts[best]))
        scored.sort(key=lambda item: (item[0], item[1]))
        hits = [
            Hit(
                _summary(name, row[1 : width + 1]),
                SEARCH_FIELDS[best],
                text_snippet(text, needle),
            )
            for _, name, row, best, text in scored[:limit]
        ]
        return hits, len(scored)


@dataclass
class Listing:
    """Everything in a sessions folder, as the lists show it."""

    summaries: list[Summary]
    """Newest first."""
    problems: list[Problem]
    note: str = ""
    """Said when the index could not be used and the folder was read directly."""
    total: int = -1
    """How many sessions there are, when ``summaries`` holds only the newest few."""

    @property
    def count(self) -> int:
        return self.total if self.total >= 0 else len(self.summaries)


@dataclass
class Sessions:
    """Every readable session of a folder (digests, from the index) by file name."""

    sessions: list[tuple[str, Session]]
    problems: list[Problem]
    note: str = ""
    """Said when the index could not be used and the folder was read directly."""


@collector.held_off()
def read_sessions(index: SessionIndex, progress: Progress | None = None) -> Sessions:
    """Every session's digest through the index, brought up to date first; for
    the follow-ups and the network. Without a usable index, every file is read
    directly."""
    try:
        index.refresh(progress)
        return Sessions(index.digests(), index.problems())
    except IndexUnavailable as error:
        return _read_directly(index.sessions_dir, error)


@collector.held_off()
def _read_directly(folder: Path, error: IndexUnavailable) -> Sessions:
    from .store import SessionStore

    try:
        loaded, problems = SessionStore(folder).scan()
    except OSError as failure:
        raise FolderUnreadable(folder, describe(failure)) from None
    return Sessions(
        [(item.path.name, item.session) for item in loaded],
        [Problem(p.path.name, p.reason) for p in problems],
        f"The index is off, so every file was read: {error}",
    )


@dataclass
class Compared:
    """Questions and answers across the calls held, and the files left out."""

    comparison: Comparison
    tallies: dict[str, Tally]
    """Every question, counted."""
    problems: list[Problem]
    note: str = ""


def read_comparison(index: SessionIndex, progress: Progress | None = None) -> Compared:
    """The comparison through the index, brought up to date first (one question's
    answers are then one query); without a usable index, from every file."""
    from .compare import FromSessions

    try:
        index.refresh(progress)
        return Compared(index, index.tally(), index.problems())
    except IndexUnavailable as error:
        found = _read_directly(index.sessions_dir, error)
    comparison = FromSessions(found.sessions)
    return Compared(comparison, comparison.tally(), found.problems, found.note)


def read_listing(index: SessionIndex, progress: Progress | None = None) -> Listing:
    """The folder's sessions through the index, brought up to date first.

    Without a usable index (say, a read-only cache folder) every file is read
    directly: slower, but the same answer.
    """
    try:
        index.refresh(progress)
        return Listing(index.summaries(), index.problems())
    except IndexUnavailable as error:
        note = f"Searching is off: {error}"
    from .store import SessionStore

    try:
        loaded, problems = SessionStore(index.sessions_dir).scan()
    except OSError as error:
        raise FolderUnreadable(index.sessions_dir, describe(error)) from None
    summaries = [summarise(item.path.name, item.session) for item in loaded]
    summaries.sort(key=lambda s: (s.when, s.file), reverse=True)
    return Listing(summaries, [Problem(p.path.name, p.reason) for p in problems], note)
