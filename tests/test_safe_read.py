"""Reading a user's file in bounded reads: all of it, whatever its size said."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iisession.core.safe_read import MAX_FILE_BYTES, RefusedFile, _read_up_to, read_regular


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 9_500, 1024 * 1024, 3 * 1024 * 1024 + 7])
def test_a_file_of_any_size_is_read_whole(tmp_path: Path, size: int) -> None:
    path = tmp_path / "s.toml"
    data = os.urandom(size)
    path.write_bytes(data)
    got, st = read_regular(path)
    assert got == data
    assert st.st_size == size


@pytest.mark.parametrize("expected", [0, 10, 9_499, 9_500, 50_000])
def test_a_file_longer_or_shorter_than_its_size_said_is_read_whole(
    tmp_path: Path, expected: int
) -> None:
    # What the size said at the look (a file in /proc says 0; another program
    # may write meanwhile) only sets the first read: the rest is read too.
    path = tmp_path / "s.toml"
    data = os.urandom(9_500)
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _read_up_to(fd, MAX_FILE_BYTES + 1, expected) == data
    finally:
        os.close(fd)


def test_the_limit_still_holds_when_the_size_said_less(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(b"x" * 10_000)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert len(_read_up_to(fd, 5_001, 100)) == 5_001
    finally:
        os.close(fd)


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(b"x" * 5_000)
    with pytest.raises(RefusedFile, match="too big"):
        read_regular(path, limit=4_096)


def test_a_file_that_grows_while_it_is_read_is_read_to_its_new_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first read takes exactly the size looked at, and so ends; the size
    # looked at again after it says more came meanwhile, which is read too.
    path = tmp_path / "s.toml"
    first, more = os.urandom(9_500), os.urandom(3_000)
    path.write_bytes(first)
    real_read = os.read
    reads: list[int] = []

    def read_then_grow(fd: int, n: int) -> bytes:
        part = real_read(fd, n)
        if not reads:
            with path.open("ab") as out:
                out.write(more)
        reads.append(len(part))
        return part

    monkeypatch.setattr(os, "read", read_then_grow)
    got, st = read_regular(path)
    assert reads[0] == len(first)
    assert got == first + more
    assert st.st_size == len(first) + len(more)


def test_a_usual_file_takes_one_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.toml"
    data = os.urandom(9_500)
    path.write_bytes(data)
    real_read = os.read
    reads: list[int] = []

    def counted(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", counted)
    assert read_regular(path)[0] == data
    assert reads == [len(data) + 1]
