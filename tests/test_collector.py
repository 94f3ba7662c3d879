"""The cyclic collector held off while every session is read and worked on at once."""

from __future__ import annotations

import gc
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from iisession.core import collector, network, todo
from iisession.core.index import SessionIndex, read_sessions

EXAMPLES = Path(__file__).resolve().parent.parent / "sessions"


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection made within a ``held_off`` block, with
    a threshold so low that any work of size makes some."""
    seen: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and collector.holders():  # only within a block
            seen.append(info["generation"])

    threshold = gc.get_threshold()
    was_enabled = gc.isenabled()
    gc.enable()
    gc.set_threshold(20, 2, 2)
    gc.callbacks.append(count)
    try:
        yield seen
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)
        if not was_enabled:
            gc.disable()


def test_held_off_nests_and_leaves_the_collector_as_it_was() -> None:
    assert gc.isenabled()
    with collector.held_off():
        assert not gc.isenabled()
        with collector.held_off():
            assert not gc.isenabled()
            assert collector.holders() == 2
        assert not gc.isenabled()  # the outer block still holds it
    assert gc.isenabled()
    assert collector.holders() == 0
    gc.disable()
    try:
        with collector.held_off():
            pass
        assert not gc.isenabled()  # off stays off
    finally:
        gc.enable()


def test_an_error_in_the_block_still_lets_the_collector_run_again() -> None:
    with pytest.raises(KeyError), collector.held_off():
        raise KeyError("x")
    assert gc.isenabled()
    assert collector.holders() == 0


def test_overlapping_blocks_in_two_threads_hold_it_off_until_the_last_ends() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with collector.held_off():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector.held_off():
            second_in.set()
            first_out.wait(5)
            seen["after the first left"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"after the first left": False}
    assert gc.isenabled()


class _Node:
    """A gc-tracked object that can be put in a cycle."""

    def __init__(self) -> None:
        self.other: object = None


def _generation_of(thing: object) -> int | None:
    return next((g for g in range(3) if any(o is thing for o in gc.get_objects(g))), None)


def test_what_a_block_made_leaves_it_in_the_oldest_generation() -> None:
    """No young pass over everything the block made once it ends: what it made is
    moved, untouched, to where only the full passes look."""
    with collector.held_off():
        made = _Node()
    assert _generation_of(made) == 2
    assert gc.get_freeze_count() == 0  # moved, not left frozen
    assert gc.isenabled()
    # The control: made with the collector off but outside a block, it stays young.
    gc.disable()
    try:
        young = _Node()
        assert _generation_of(young) == 0
    finally:
        gc.enable()


def test_a_cycle_made_in_a_block_is_still_collected_by_the_next_full_pass() -> None:
    import weakref

    with collector.held_off():
        first, second = _Node(), _Node()
        first.other, second.other = second, first
        freed = threading.Event()
        weakref.finalize(first, freed.set)
        del first, second
    assert not freed.is_set()  # a cycle: reference counting alone cannot free it
    gc.collect()
    assert freed.is_set()


def _collections_per_call(tmp_path: Path, seen: list[int]) -> dict[str, int]:
    """How many collections each step of the build, the follow-ups and the
    network makes, over a copy of the example sessions."""
    folder = tmp_path / f"sessions-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(EXAMPLES, folder)
    index = SessionIndex(folder, folder.with_name(folder.name + "-cache"))
    counts: dict[str, int] = {}
    found: list[object] = []
    steps: dict[str, Callable[[], object]] = {
        "build": lambda: index.refresh(workers=1),
        "read": lambda: found.extend(read_sessions(index).sessions),
        "follow-ups": lambda: todo.due_items(found),  # type: ignore[arg-type]
        "network": lambda: network.as_text(network.build(found)),  # type: ignore[arg-type]
    }
    for name, step in steps.items():
        seen.clear()
        step()
        counts[name] = len(seen)
    assert len(found) >= 5
    return counts


def test_reading_every_session_and_working_on_them_makes_no_collection(
    tmp_path: Path, collections: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    held = _collections_per_call(tmp_path, collections)
    assert held == dict.fromkeys(held, 0)
    # The same blocks with the collector let run: it runs within each step's
    # block, so each step's work is within one.
    monkeypatch.setattr(gc, "disable", lambda: None)
    running = _collections_per_call(tmp_path, collections)
    assert min(running.values()) >= 1, running


def test_todo_and_referrals_read_and_work_in_one_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Between the read and the work the collector stays off: else its first
    pass after the read walks every digest the work is about to use."""
    from iisession import plain
    from iisession.core.paths import resolve_folders

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = tmp_path / "sessions"
    shutil.copytree(EXAMPLES, folder)
    folders = resolve_folders(str(folder))
    off_at_work: list[bool] = []
    real_due, real_build = todo.due_items, network.build

    def due_spy(*args: object, **kwargs: object) -> object:
        off_at_work.append(not gc.isenabled())
        return real_due(*args, **kwargs)  # type: ignore[arg-type]

    def build_spy(*args: object) -> object:
        off_at_work.append(not gc.isenabled())
        return real_build(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(todo, "due_items", due_spy)
    monkeypatch.setattr(network, "build", build_spy)
    assert plain.cmd_todo(folders, "text", "-", None) == 0
    assert plain.cmd_referrals(folders, "text", "-") == 0
    assert "Send a thank-you to Sunniva Hart" in capsys.readouterr().out
    assert off_at_work == [True, True]
    assert gc.isenabled()


async def test_the_views_read_work_and_fill_with_the_collector_held_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iisession.core.clock import ManualClock
    from iisession.core.paths import resolve_folders
    from iisession.core.profile import Profile
    from iisession.core.workspace import Workspace
    from iisession.tui.app import IISessionApp
    from iisession.tui.screens.follow_ups import FollowUpsScreen
    from iisession.tui.screens.network import NetworkScreen

    folder = tmp_path / "sessions"
    shutil.copytree(EXAMPLES, folder)
    off_at_work: dict[str, bool] = {}
    off_at_show: dict[str, bool] = {}
    for kind in (FollowUpsScreen, NetworkScreen):

        def spy(self: Any, found: Any, real: Any = kind.compute, name: str = kind.__name__) -> Any:
            off_at_work[name] = not gc.isenabled()
            return real(self, found)

        def spy_show(
            self: Any, found: Any, result: Any, real: Any = kind.show, name: str = kind.__name__
        ) -> None:
            off_at_show[name] = not gc.isenabled()  # filling the view, every session held
            real(self, found, result)

        monkeypatch.setattr(kind, "compute", spy)
        monkeypatch.setattr(kind, "show", spy_show)
    workspace = Workspace(resolve_folders(str(folder)), ManualClock())
    workspace.profile = Profile(name="Clara Whitfield")
    app = IISessionApp(workspace, offer_resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        for key, kind in (("f", FollowUpsScreen), ("w", NetworkScreen)):
            await pilot.press(key)
            for _ in range(300):
                if isinstance(app.screen, kind) and app.screen.loaded:
                    break
                await pilot.pause(0.02)
            assert isinstance(app.screen, kind)
            assert app.screen.loaded
            await pilot.press("escape")
            await pilot.pause()
    assert off_at_work == {"FollowUpsScreen": True, "NetworkScreen": True}
    assert off_at_show == {"FollowUpsScreen": True, "NetworkScreen": True}
    assert gc.isenabled()
