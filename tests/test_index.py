"""The sessions index: built from real files, kept current, rebuilt when it must be."""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iisession.core import index as index_module
from iisession.core import index_reading
from iisession.core.codec import dumps
from iisession.core.index import (
    INDEX_VERSION,
    MARK_END,
    MARK_START,
    TALLY_QUERY,
    SessionIndex,
    match_expression,
    read_listing,
)
from iisession.core.model import KeyPoint, Person, Referral, Session, utc_now
from iisession.core.store import SessionStore, read_session
from iisession.core.summary import summarise
from tests.factories import make_session

EXAMPLES = Path(__file__).resolve().parent.parent / "sessions"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


def make_index(folder: Path, tmp_path: Path, cache: str = "cache") -> SessionIndex:
    return SessionIndex(folder, tmp_path / cache)


def write(folder: Path, name: str, session: Session) -> Path:
    path = folder / name
    path.write_text(dumps(session), encoding="utf-8")
    return path


def answers(ix: SessionIndex) -> tuple[object, ...]:
    """Everything the index says, to compare two indexes."""
    queries = ["ana", "health", "notes", "referral", "zzz", "Lindqvist"]
    found = []
    for query in queries:
        hits, total = ix.search(query)
        found.append((query, total, sorted(h.summary.file for h in hits)))
    return (
        sorted(ix.summaries(), key=lambda s: s.file),
        ix.problems(),
        found,
        ix.digests(),
        ix.tally(),
        {key: ix.answers(key) for key in ix.tally()},
    )


def rebuilt(folder: Path, tmp_path: Path) -> tuple[object, ...]:
    """What an index built from nothing says about the folder."""
    fresh = make_index(folder, tmp_path, f"fresh-{os.urandom(4).hex()}")
    fresh.refresh()
    return answers(fresh)


# --- building and reading -----------------------------------------------------------


def test_first_refresh_indexes_every_example_session(folder: Path, tmp_path: Path) -> None:
    ix = make_index(folder, tmp_path)
    report = ix.refresh()
    files = sorted(p.name for p in folder.glob("*.toml"))
    assert len(files) >= 5
    assert report.added == len(files)
    assert report.unreadable == 0
    summaries = ix.summaries()
    # Each summary is exactly what the file says.
    for s in summaries:
        assert s == summarise(s.file, read_session(folder / s.file).session)
    # Newest first.
    assert [s.when for s in summaries] == sorted((s.when for s in summaries), reverse=True)
    assert ix.path.parent.parent == tmp_path / "cache"


def test_a_second_refresh_reads_nothing(folder: Path, tmp_path: Path) -> None:
    ix = make_index(folder, tmp_path)
    ix.refresh()
    again = make_index(folder, tmp_path).refresh()
    assert (again.added, again.updated, again.removed, again.read) == (0, 0, 0, [])


def test_files_changed_added_and_deleted_by_hand_are_picked_up(
    folder: Path, tmp_path: Path
) -> None:
    ix = make_index(folder, tmp_path)
    ix.refresh()
    [first, second, *_] = sorted(folder.glob("*.toml"))
    # Edited by hand, in place (same inode): the size changes.
    text = first.read_text(encoding="utf-8").replace("She goes by Mari.", "Zanzibar. Mari.")
    assert "Zanzibar" in text
    first.write_text(text, encoding="utf-8")
    second.unlink()
    added = write(folder, "2026-11-30-0900-new-person.toml", make_session(name="Quentin Blake"))
    report = ix.refresh()
    assert sorted(report.read) == sorted([first.name, added.name])
    assert report.removed == 1
    assert [h.summary.file for h in ix.search("zanzibar")[0]] == [first.name]
    assert second.name not in {s.file for s in ix.summaries()}
    assert [h.summary.person for h in ix.search("quentin")[0]] == ["Quentin Blake"]


def test_a_same_size_replacement_in_the_same_instant_is_noticed(
    folder: Path, tmp_path: Path
) -> None:
    ix = make_index(folder, tmp_path)
    path = write(folder, "2026-11-30-0900-a.toml", make_session(name="Alba Moss"))
    ix.refresh()
    before = path.stat()
    # Same size, same modification time, new file (as an atomic save or a sync tool writes).
    replacement = folder / "tmp-replacement"
    write(folder, "tmp-replacement", make_session(name="Alba Mose"))
    assert replacement.stat().st_size == before.st_size
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, path)
    assert ix.refresh().read == [path.name]
    assert [h.summary.person for h in ix.search("mose")[0]] == ["Alba Mose"]


def test_damaged_files_are_listed_with_the_reason_and_never_stop_the_rest(
    folder: Path, tmp_path: Path
) -> None:
    ix = make_index(folder, tmp_path)
    (folder / "2026-01-01-0000-broken.toml").write_text("state = 'ended\n", encoding="utf-8")
    (folder / "2026-01-02-0000-empty.toml").write_bytes(b"")
    (folder / "2026-01-03-0000-folder.toml").mkdir()
    listing = read_listing(ix)
    reasons = {p.file: p.reason for p in listing.problems}
    assert set(reasons) == {
        "2026-01-01-0000-broken.toml",
        "2026-01-02-0000-empty.toml",
        "2026-01-03-0000-folder.toml",
    }
    assert "not valid TOML" in reasons["2026-01-01-0000-broken.toml"]
    assert "empty" in reasons["2026-01-02-0000-empty.toml"]
    assert "folder" in reasons["2026-01-03-0000-folder.toml"]
    assert len(listing.summaries) == len(list(EXAMPLES.glob("*.toml")))
    # Unchanged damaged files are not read again; a repaired one joins the list.
    assert ix.refresh().read == []
    write(folder, "2026-01-01-0000-broken.toml", make_session(name="Repaired Person"))
    ix.refresh()
    assert "2026-01-01-0000-broken.toml" not in {p.file for p in ix.problems()}
    assert "Repaired Person" in {s.person for s in ix.summaries()}


def test_the_first_page_counts_the_readable_and_lists_the_unreadable_from_indexes(
    folder: Path, tmp_path: Path
) -> None:
    ix = make_index(folder, tmp_path)
    readable = len(list(EXAMPLES.glob("*.toml")))
    (folder / "2026-01-01-0000-broken.toml").write_text("state = 'ended\n", encoding="utf-8")
    (folder / "2026-01-02-0000-empty.toml").write_bytes(b"")
    ix.refresh()
    first = ix.first_page(2)
    assert len(first.summaries) == 2
    assert first.count == ix.count() == readable == len(ix.summaries())
    assert [p.file for p in first.problems] == [
        "2026-01-01-0000-broken.toml",
        "2026-01-02-0000-empty.toml",
    ]
    # One repaired, one more damaged: the counts follow.
    write(folder, "2026-01-01-0000-broken.toml", make_session(name="Repaired Person"))
    (folder / "2026-01-04-0000-cut.toml").write_text("[person\n", encoding="utf-8")
    ix.refresh()
    first = ix.first_page(100)
    assert first.count == ix.count() == readable + 1 == len(first.summaries)
    assert [p.file for p in first.problems] == [
        "2026-01-02-0000-empty.toml",
        "2026-01-04-0000-cut.toml",
    ]
    # Neither the count nor the unreadable files take a pass over the table's rows,
    # which a first frame over many sessions would wait for.
    with sqlite3.connect(ix.path) as db:
        for query in (
            "SELECT count(*) FROM files",
            "SELECT count(*) FROM files WHERE problem IS NOT NULL",
            "SELECT name, problem FROM files WHERE problem IS NOT NULL ORDER BY name",
        ):
            plan = " ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {query}"))
            assert "INDEX" in plan, (query, plan)
    db.close()


def test_an_index_from_another_version_is_rebuilt(folder: Path, tmp_path: Path) -> None:
    ix = make_index(folder, tmp_path)
    ix.refresh()
    with sqlite3.connect(ix.path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'version'", (str(INDEX_VERSION - 1),))
    fresh = make_index(folder, tmp_path)
    report = fresh.refresh()
    assert report.added == len(list(folder.glob("*.toml")))
    assert answers(fresh) == rebuilt(folder, tmp_path)


def test_an_index_of_version_10_is_rebuilt_and_counts_questions_from_their_index_alone(
    folder: Path, tmp_path: Path
) -> None:
    # Version 10 indexed the questions by key alone, so counting them looked up
    # every question in its table: time that grew faster than the sessions.
    ix = make_index(folder, tmp_path)
    ix.refresh()
    with sqlite3.connect(ix.path) as db:
        db.execute("DROP INDEX questions_by_key")
        db.execute("CREATE INDEX questions_by_key ON questions (key)")
        db.execute("UPDATE meta SET value = '10' WHERE key = 'version'")
    fresh = make_index(folder, tmp_path)
    assert fresh.refresh().added == len(list(folder.glob("*.toml")))
    with sqlite3.connect(fresh.path) as db:
        plan = " ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {TALLY_QUERY}"))
    assert plan == "SCAN questions USING COVERING INDEX questions_by_key"
    assert answers(fresh) == rebuilt(folder, tmp_path)


@pytest.mark.parametrize(
    "garbage", [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\x07" * 5000]
)
def test_a_damaged_index_file_is_thrown_away_and_rebuilt(
    folder: Path, tmp_path: Path, garbage: bytes
) -> None:
    ix = make_index(folder, tmp_path)
    ix.refresh()
    for suffix in ("-wal", "-shm"):
        Path(f"{ix.path}{suffix}").unlink(missing_ok=True)
    ix.path.write_bytes(garbage)
    fresh = make_index(folder, tmp_path)
    fresh.refresh()
    assert answers(fresh) == rebuilt(folder, tmp_path)


def test_without_a_usable_cache_folder_the_folder_is_read_directly(
    folder: Path, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    listing = read_listing(SessionIndex(folder, blocked))
    assert "Searching is off" in listing.note
    assert {s.file for s in listing.summaries} == {p.name for p in folder.glob("*.toml")}


def test_record_makes_a_save_searchable_at_once(folder: Path, tmp_path: Path) -> None:
    ix = make_index(folder, tmp_path)
    ix.refresh()
    written: list[str] = []

    def index_it(path: Path, session: Session, fp: object) -> None:
        written.append(path.name)
        ix.record(path, session, (fp.size, fp.mtime_ns, fp.inode, fp.ctime_ns))  # type: ignore[attr-defined]

    handle = SessionStore(folder, on_written=index_it).create(
        Session(person=Person(name="Wen Okafor", organisation="Tidewater Archive"))
    )
    handle.session.key_points.append(KeyPoint("Archivists need cataloguing skills", utc_now()))
    handle.save()
    handle.close()
    assert written == [handle.path.name, handle.path.name]
    [hit], _ = ix.search("cataloguing")
    assert (hit.summary.person, hit.field) == ("Wen Okafor", "key_points")
    # The recorded stamp is the file's: a refresh has nothing to read.
    assert ix.refresh().read == []


def test_a_file_indexed_by_another_process_during_a_build_is_written_once(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A build skips looking for old rows of files that were not in the index
    # when it began; another program may have indexed one meanwhile.
    ix = make_index(folder, tmp_path)
    other = make_index(folder, tmp_path)
    real = index_reading.read_for_index
    recorded: list[str] = []

    def read_while_another_records(path_text: str) -> index_reading.Read:
        path = Path(path_text)
        if not recorded:
            loaded = read_session(path)
            fp = loaded.fingerprint
            other.record(path, loaded.session, (fp.size, fp.mtime_ns, fp.inode, fp.ctime_ns))
            recorded.append(path.name)
        return real(path_text)

    monkeypatch.setattr(index_module, "read_for_index", read_while_another_records)
    assert ix.count() == 0
    with sqlite3.connect(ix.path) as db:  # gone if the database is thrown away
        db.execute("INSERT INTO meta VALUES ('mark', 'kept')")
    db.close()
    report = ix.refresh()
    assert recorded
    assert recorded[0] in report.read
    # Not taken for a damaged database, thrown away and built again.
    with sqlite3.connect(ix.path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'mark'").fetchall() == [("kept",)]
    db.close()
    fresh = make_index(folder, tmp_path, cache="fresh")
    fresh.refresh()
    assert answers(ix) == answers(fresh)
    assert ix.count() == len(list(folder.glob("*.toml")))


def test_the_first_build_of_many_files_runs_in_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools: list[int] = []
    real = index_reading.parallel_reads

    def spy(paths: list[str], workers: int) -> object:
        pools.append(workers)
        return real(paths, workers)

    monkeypatch.setattr("iisession.core.index.parallel_reads", spy)
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(index_module.PARALLEL_FROM + 10):
        write(folder, f"2026-01-01-0000-p{n:03d}.toml", make_session(name=f"Person {n:03d}"))
    write(folder, "2026-01-01-0000-zz-broken.toml", Session())
    (folder / "2026-01-01-0000-zz-broken.toml").write_text("nonsense", encoding="utf-8")
    seen: list[tuple[int, int]] = []
    ix = make_index(folder, tmp_path)
    report = ix.refresh(progress=lambda done, total: seen.append((done, total)), workers=2)
    serial = make_index(folder, tmp_path, "serial")
    serial.refresh(workers=1)
    assert pools == [2]  # the serial build used no pool
    assert report.added == index_module.PARALLEL_FROM + 11
    assert answers(ix) == answers(serial)
    total = index_module.PARALLEL_FROM + 11
    assert seen[0] == (0, total)
    assert seen[-1] == (total, total)
    assert len(seen) >= 3  # progress on the way, not only at the end


def _questions_index_made(db: sqlite3.Connection) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'questions_by_key'"
    return db.execute(query).fetchone() is not None


def _tally_plan(ix: SessionIndex) -> str:
    with sqlite3.connect(ix.path) as db:
        return " ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {TALLY_QUERY}"))


def test_a_first_build_makes_the_questions_index_once_at_the_end(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of two, so the examples make a first build of several batches.
    monkeypatch.setattr(index_module, "BATCH", 2)
    made_during: list[bool] = []
    synced: list[int] = []
    real = SessionIndex._write

    def spy(self: SessionIndex, db: sqlite3.Connection, *args: Any) -> None:
        made_during.append(_questions_index_made(db))
        synced.append(db.execute("PRAGMA synchronous").fetchone()[0])
        real(self, db, *args)

    monkeypatch.setattr(SessionIndex, "_write", spy)
    ix = make_index(folder, tmp_path)
    ix.refresh()
    assert len(made_during) >= 3
    assert made_during == [False] * len(made_during)  # no batch wrote into it
    assert synced == [0] * len(made_during)  # OFF: no wait for the disk at each batch
    assert _tally_plan(ix) == "SCAN questions USING COVERING INDEX questions_by_key"
    # The same as an index that took the files one at a time, into its index.
    one_by_one = tmp_path / "one-by-one"
    one_by_one.mkdir()
    grown = make_index(one_by_one, tmp_path, "grown")
    made_during.clear()
    for path in sorted(folder.glob("*.toml")):
        shutil.copy2(path, one_by_one / path.name)
        grown.refresh()
    assert made_during == [True] * len(made_during)
    assert synced[-len(made_during) :] == [1] * len(made_during)  # NORMAL, as ever after
    assert answers(grown) == answers(ix)


def test_a_first_build_that_stops_short_gets_the_questions_index_at_the_next_refresh(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "BATCH", 2)
    real = SessionIndex._write
    writes: list[int] = []

    class Stopped(Exception):
        pass

    def stops_at_the_second(self: SessionIndex, *args: Any) -> None:
        writes.append(1)
        if len(writes) == 2:
            raise Stopped
        real(self, *args)

    monkeypatch.setattr(SessionIndex, "_write", stops_at_the_second)
    ix = make_index(folder, tmp_path)
    with pytest.raises(Stopped):
        ix.refresh()
    with sqlite3.connect(ix.path) as db:
        assert not _questions_index_made(db)
    # Meanwhile a reader gets the same answers as with the index, more slowly.
    tally, asked = ix.tally(), {key: ix.answers(key) for key in ix.tally()}
    assert tally
    assert all(asked.values())
    with sqlite3.connect(ix.path) as db:
        db.execute(index_module._QUESTIONS_BY_KEY)
    assert (ix.tally(), {key: ix.answers(key) for key in ix.tally()}) == (tally, asked)
    with sqlite3.connect(ix.path) as db:
        db.execute("DROP INDEX questions_by_key")
    monkeypatch.setattr(SessionIndex, "_write", real)
    report = make_index(folder, tmp_path).refresh()
    assert report.added == len(list(folder.glob("*.toml"))) - 2
    assert _tally_plan(ix) == "SCAN questions USING COVERING INDEX questions_by_key"
    assert answers(ix) == rebuilt(folder, tmp_path)


def test_a_refresh_with_nothing_to_do_writes_nothing(folder: Path, tmp_path: Path) -> None:
    ix = make_index(folder, tmp_path)
    ix.refresh()
    with sqlite3.connect(ix.path) as db:
        before = db.execute("PRAGMA data_version").fetchone()
        make_index(folder, tmp_path).refresh()
        # data_version moves when another connection commits a change.
        assert db.execute("PRAGMA data_version").fetchone() == before


# 8 files: each child sends fewer reads than it sends together; 70: several messages each.
@pytest.mark.parametrize("files", [8, 3 * index_reading.SENT_TOGETHER + 10])
def test_worker_processes_answer_for_every_file(
    files: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The children really read the files: the parent's own reading, which covers
    for a child that died, is never needed, and what they send is what it gives."""
    folder = tmp_path / "many"
    store = SessionStore(folder)
    for n in range(files - 1):
        store.create(make_session(name=f"Person {n}", referrals=n % 3)).close()
    (folder / "2026-01-01-0000-broken.toml").write_text("nonsense", encoding="utf-8")
    paths = sorted(str(path) for path in folder.glob("*.toml"))
    assert len(paths) == files
    expected = {Path(path).name: index_reading.read_for_index(path) for path in paths}
    assert expected["2026-01-01-0000-broken.toml"][2] is not None  # read as a problem

    def not_in_the_parent(path_text: str) -> index_reading.Read:
        raise AssertionError(f"no worker process answered for {path_text}")

    monkeypatch.setattr(index_reading, "read_for_index", not_in_the_parent)
    results = list(index_reading.parallel_reads(paths, 3))
    assert sorted(result[0] for result in results) == sorted(expected)
    assert {result[0]: result for result in results} == expected


def test_what_a_worker_that_died_had_not_sent_is_read_by_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child cut off in the middle of a message (its output ends there, as when
    it is killed): the reads it sent whole are kept, every other file is read
    here, none twice."""
    folder = tmp_path / "many"
    store = SessionStore(folder)
    for n in range(4 * index_reading.SENT_TOGETHER):
        store.create(make_session(name=f"Person {n}")).close()
    paths = sorted(str(path) for path in folder.glob("*.toml"))
    expected = {Path(path).name: index_reading.read_for_index(path) for path in paths}
    first = [expected[Path(path).name] for path in paths[: index_reading.SENT_TOGETHER]]
    one_message = 8 + len(pickle.dumps(first, protocol=pickle.HIGHEST_PROTOCOL))
    # The "interpreter" the parent starts: the real one, its output cut short.
    cut = tmp_path / "python-cut-short"
    cut.write_text(f'#!/bin/sh\n"{sys.executable}" "$@" | head -c {one_message * 3 // 2}\n')
    cut.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(cut))
    in_the_parent: list[str] = []
    real = index_reading.read_for_index

    def counted(path_text: str) -> index_reading.Read:
        in_the_parent.append(path_text)
        return real(path_text)

    monkeypatch.setattr(index_reading, "read_for_index", counted)
    results = list(index_reading.parallel_reads(paths, 2))
    assert sorted(result[0] for result in results) == sorted(expected)  # each once
    assert {result[0]: result for result in results} == expected
    assert 0 < len(in_the_parent) < len(paths)  # some came from the children


# --- search ---------------------------------------------------------------------------


def test_search_finds_every_part_and_shows_where(folder: Path, tmp_path: Path) -> None:
    ix = make_index(folder, tmp_path)
    session = make_session(name="Chloé Durand", notes="She swears by the Feynman technique.\n")
    session.person.organisation = "Tidewater Archive"
    session.questions[0].answer = "Mostly cataloguing and digitisation."
    session.key_points = [KeyPoint("Volunteer at the county records office", utc_now())]
    session.referrals = [Referral(name="Idris Bell", role="Conservator", why="Runs internships")]
    session.preparation.research = "Published on parchment repair."
    write(folder, "2026-11-30-0900-chloe.toml", session)
    ix.refresh()
    expected = {
        "chloe": "person",  # accents do not matter
        "tidewater": "person",
        "feynman": "notes",
        "digitis": "answers",  # the start of a word
        "county records": "key_points",
        "idris": "referrals",
        "parchment": "preparation",
    }
    for query, field in expected.items():
        hits, total = ix.search(query)
        assert total == 1, query
        [hit] = hits
        assert hit.summary.person == "Chloé Durand"
        assert hit.field == field, query
        assert MARK_START in hit.snippet
        assert MARK_END in hit.snippet
    # Every word must appear.
    assert ix.search("feynman parchment")[1] == 1
    assert ix.search("feynman nonexistentword")[1] == 0


@pytest.mark.parametrize(
    "query",
    ['"', "'", "AND", "OR NOT", "(", ")", "*", "a*b", "NEAR(a b)", "col:val", "^", "-x", "\\"],
)
def test_no_query_is_a_syntax_error(folder: Path, tmp_path: Path, query: str) -> None:
    ix = make_index(folder, tmp_path)
    ix.refresh()
    hits, total = ix.search(query)
    assert total == len(hits)


def test_a_query_without_words_matches_nothing() -> None:
    assert match_expression("  ?! ") == ""


def test_a_name_ranks_above_words_that_merely_start_alike(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    write(folder, "a.toml", make_session(name="Ana Ruiz", notes="Short note.\n"))
    write(
        folder,
        "b.toml",
        make_session(name="Ben Ruiz", notes="Analysis, analytics and anaesthesia.\n" * 5),
    )
    ix = make_index(folder, tmp_path)
    ix.refresh()
    hits, _ = ix.search("ana ruiz")
    assert [h.summary.person for h in hits] == ["Ana Ruiz", "Ben Ruiz"]


def test_a_common_word_is_ranked_among_the_latest_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ranking costs per match: a word in most sessions is ranked among the
    # latest RANKED_AMONG only, so a search stays as fast as the folder grows.
    monkeypatch.setattr(index_module, "RANKED_AMONG", 4)
    folder = tmp_path / "s"
    folder.mkdir()
    # The oldest file (first by name, so first read) matches best of all.
    write(folder, "2020-01-01-best.toml", make_session(name="Old Best", notes="budget " * 40))
    for n in range(2, 10):
        write(folder, f"2020-01-0{n}-x.toml", make_session(name=f"P{n}", notes=f"budget {n}"))
    ix = make_index(folder, tmp_path)
    ix.refresh()
    hits, total = ix.search("budget", limit=3)
    assert total == 9
    assert index_module.ranked_among(total) == 4
    assert "Old Best" not in [h.summary.person for h in hits]
    assert {h.summary.person for h in hits} <= {"P6", "P7", "P8", "P9"}
    assert len(hits) == 3
    # A save indexes the file again: it is among the latest, and best.
    path = folder / "2020-01-01-best.toml"
    session = read_session(path).session
    session.notes += "budget\n"
    write(folder, path.name, session)
    ix.refresh()
    hits, total = ix.search("budget", limit=3)
    assert total == 9
    assert hits[0].summary.person == "Old Best"
    # Few matches: all are ranked, as before.
    assert index_module.ranked_among(3) == 3


# --- the index answers as a fresh rebuild would ----------------------------------------

NAMES = ["Ana Ruiz", "Ben Okafor", "Maya Lindqvist", "Health Person", "Quinn Notes"]

operation = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 9), st.sampled_from(NAMES)),
    st.tuples(st.just("edit"), st.integers(0, 9), st.sampled_from(NAMES)),
    st.tuples(st.just("delete"), st.integers(0, 9), st.just("")),
    st.tuples(st.just("damage"), st.integers(0, 9), st.just("")),
    st.tuples(st.just("refresh"), st.just(0), st.just("")),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=st.lists(operation, min_size=1, max_size=14))
def test_after_any_changes_the_index_answers_as_a_fresh_rebuild(
    tmp_path_factory: pytest.TempPathFactory, operations: list[tuple[str, int, str]]
) -> None:
    root = tmp_path_factory.mktemp("prop")
    folder = root / "sessions"
    folder.mkdir()
    ix = SessionIndex(folder, root / "kept")
    ix.refresh()
    tick = 1_700_000_000_000_000_000
    for kind, slot, name in operations:
        path = folder / f"2026-01-01-0000-slot{slot}.toml"
        if kind in ("add", "edit"):
            if kind == "edit" and not path.exists():
                continue
            write(folder, path.name, make_session(name=name, notes=f"{name} {slot} notes\n" * slot))
        elif kind == "delete":
            path.unlink(missing_ok=True)
        elif kind == "damage":
            path.write_text(f"broken = [{slot}", encoding="utf-8")
        else:
            ix.refresh()
            continue
        # Each change at a later time, as in life (timestamps can be coarser than
        # a loop iteration); same-instant replacement has its own test.
        tick += 1_000_000_000
        if path.exists():
            os.utime(path, ns=(tick, tick))
    ix.refresh()
    fresh = SessionIndex(folder, root / f"fresh-{len(operations)}")
    fresh.refresh()
    assert answers(ix) == answers(fresh)
    assert {s.file for s in ix.summaries()} | {p.file for p in ix.problems()} == {
        p.name for p in folder.glob("*.toml")
    }


# --- odd folders and files ---------------------------------------------------------------


def test_odd_file_names_and_values_are_listed_never_fatal(folder: Path, tmp_path: Path) -> None:
    raw = os.fsencode(folder) + b"/2026-01-01-0000-caf\xe9.toml"
    with open(raw, "wb") as handle:  # a name that is not UTF-8
        handle.write(dumps(make_session(name="Latin One")).encode())
    huge = make_session(name="Huge Limit")
    text = dumps(huge).replace("limit_minutes = 30", "limit_minutes = 9223372036854775807")
    (folder / "2026-01-02-0000-huge.toml").write_text(text, encoding="utf-8")
    (folder / "2026-01-03-0000-dangling.toml").symlink_to(folder / "nowhere.toml")
    (folder / "2026-01-04-0000-edge.toml").write_text(
        dumps(make_session(name="Edge")).replace(
            "created = 2026-11-17T15:00:00Z", "created = 0001-01-01T00:00:00Z"
        ),
        encoding="utf-8",
    )
    ix = make_index(folder, tmp_path)
    listing = read_listing(ix)
    reasons = {p.file: p.reason for p in listing.problems}
    assert reasons["2026-01-01-0000-caf\ufffd.toml"].startswith("its file name is not valid UTF-8")
    assert "cannot be read" in reasons["2026-01-03-0000-dangling.toml"]
    assert "between the years 1900 and 9000" in reasons["2026-01-04-0000-edge.toml"]
    huge_row = next(s for s in listing.summaries if s.person == "Huge Limit")
    assert huge_row.limit_minutes == 2**63 - 1  # kept within SQLite's integers
    assert len(listing.summaries) == len(list(EXAMPLES.glob("*.toml"))) + 1
    assert ix.refresh().read == []  # and none of them is read again for nothing


def test_a_file_changing_while_it_is_read_is_read_again(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = folder / "2026-01-01-0000-synced.toml"
    path.write_text("half a fi", encoding="utf-8")  # a sync tool is writing it
    real = os.stat  # the index reads the stamp through os.stat
    calls = {"n": 0}

    def finish_after_first_stat(
        target: int | str | bytes | os.PathLike[str] | os.PathLike[bytes], **kwargs: Any
    ) -> os.stat_result:
        result = real(target, **kwargs)
        if str(target) == str(path) and calls["n"] == 0:
            calls["n"] += 1
            write(folder, path.name, make_session(name="Synced Later"))
        return result

    monkeypatch.setattr(os, "stat", finish_after_first_stat)
    ix = make_index(folder, tmp_path)
    ix.refresh()
    monkeypatch.undo()
    # Whatever was caught mid-write, the next refresh reads the finished file.
    ix.refresh()
    assert "Synced Later" in {s.person for s in ix.summaries()}


def test_a_change_of_permissions_alone_gets_the_file_read_again(
    folder: Path, tmp_path: Path
) -> None:
    """A file unreadable for its permissions, once fixed with chmod, is read again:
    chmod changes neither size nor mtime, only the ctime in the stamp."""
    path = write(folder, "2026-01-01-0000-private.toml", make_session(name="Kept Private"))
    ix = make_index(folder, tmp_path)
    ix.refresh()
    before = path.stat()
    time.sleep(0.01)
    path.chmod(0o644)
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert ix.refresh().read == [path.name]


def test_a_sessions_folder_that_is_not_a_folder(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(index_reading.FolderUnreadable, match="cannot be read"):
        read_listing(SessionIndex(not_a_folder, tmp_path / "cache"))


def test_many_threads_opening_a_new_index_at_once_all_see_everything(
    folder: Path, tmp_path: Path
) -> None:
    import threading

    expected = len(list(folder.glob("*.toml")))
    for trial in range(25):
        cache = tmp_path / f"cache-{trial}"
        barrier = threading.Barrier(4)
        counts: list[int] = []
        errors: list[BaseException] = []

        def use(
            cache: Path = cache,
            barrier: threading.Barrier = barrier,
            counts: list[int] = counts,
            errors: list[BaseException] = errors,
        ) -> None:
            try:
                barrier.wait()
                counts.append(len(read_listing(SessionIndex(folder, cache)).summaries))
            except BaseException as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=use) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert counts == [expected] * 4


def test_worker_processes_take_odd_names_and_ignore_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(index_module.PARALLEL_FROM + 5):
        write(folder, f"2026-01-01-0000-p{n:03d}.toml", make_session(name=f"Person {n:03d}"))
    write(folder, "2026-01-02-0000-line\nbreak.toml", make_session(name="New Line"))
    # A module in the folder the user runs from must never be imported by a worker.
    trap = tmp_path / "here"
    trap.mkdir()
    marker = tmp_path / "imported"
    (trap / "pickle.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.chdir(trap)
    ix = make_index(folder, tmp_path)
    report = ix.refresh(workers=2)
    assert not marker.exists()
    assert report.unreadable == 0
    assert "New Line" in {s.person for s in ix.summaries()}
    assert len(ix.summaries()) == index_module.PARALLEL_FROM + 6
