"""The core (model, storage, paths, CLI for plain commands) imports neither textual nor rich."""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import iisession.core

UI_PACKAGES = ("textual", "rich")


def ui_free_modules() -> list[str]:
    """Every module of the core, found by walking the package, and the plain front end."""
    core = [info.name for info in pkgutil.walk_packages(iisession.core.__path__, "iisession.core.")]
    return ["iisession", "iisession.core", *sorted(core), "iisession.plain", "iisession.cli"]


def loaded_ui_packages(modules: list[str]) -> list[str]:
    """The UI packages' modules loaded by importing `modules` in a fresh interpreter."""
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.partition('.')[0] in {UI_PACKAGES!r})\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [name for name in done.stdout.strip().split(",") if name]


def test_the_walk_finds_the_core_modules() -> None:
    modules = ui_free_modules()
    assert {"iisession.core.model", "iisession.core.store", "iisession.core.index"} <= set(modules)
    assert len(modules) >= 20


def test_core_modules_import_no_textual_nor_rich() -> None:
    assert loaded_ui_packages(ui_free_modules()) == []


def test_the_check_would_notice_textual_and_rich() -> None:
    """The same probe sees both when the app module is imported."""
    loaded = {name.partition(".")[0] for name in loaded_ui_packages(["iisession.tui.app"])}
    assert loaded == set(UI_PACKAGES)


# What the first frame of the start screen waits for: the session model, its file
# format, the store and the index come in with the folder's reading, after it.
AFTER_FIRST_FRAME = (
    "iisession.core.model",
    "iisession.core.codec",
    "iisession.core.store",
    "iisession.core.index",
)


def modules_at_start(
    sessions_dir: str, then_scan: bool, *, review: bool = False, env: dict[str, str] | None = None
) -> set[str]:
    """The package's modules loaded in a fresh interpreter once the real app, run
    headless, is ready (its first frame is up); with ``then_scan``, once it has
    also read the sessions folder. With ``review``, the app opens on the review,
    which must have shown sessions from the index in that first frame."""
    code = (
        "import asyncio, sys\n"
        "from iisession import cli\n"
        f"folders = cli.resolve_folders({sessions_dir!r})\n"
        "from iisession.tui.app import IISessionApp\n"
        f"app = IISessionApp(cli._workspace(folders), review={review!r})\n"
        "async def main():\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        seen = set(sys.modules)\n"
        f"        if {review!r}:\n"
        "            assert app.screen.total > 0, 'no sessions in the first frame'\n"
        f"        if {then_scan!r}:\n"
        "            for _ in range(200):\n"
        "                if app.start_screen.scanned:\n"
        "                    break\n"
        "                await pilot.pause(0.05)\n"
        "            seen = set(sys.modules)\n"
        "    print(','.join(sorted(m for m in seen if m.startswith('iisession'))))\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return set(done.stdout.strip().split(","))


def test_the_start_screen_comes_up_before_the_session_model_is_imported(tmp_path: Path) -> None:
    at_start = modules_at_start(str(tmp_path / "sessions"), then_scan=False)
    assert "iisession.tui.screens.start" in at_start
    assert at_start.isdisjoint(AFTER_FIRST_FRAME)
    # The same probe sees them once the folder has been read.
    assert set(AFTER_FIRST_FRAME) <= modules_at_start(str(tmp_path / "sessions"), then_scan=True)


# The review's first frame comes from the index alone: the model, its file format
# and the store come in with the rest of the table, read after it.
AFTER_REVIEW_FIRST_FRAME = (
    "iisession.core.model",
    "iisession.core.codec",
    "iisession.core.store",
)


def test_the_review_comes_up_from_the_index_before_the_session_model_is_imported(
    tmp_path: Path,
) -> None:
    sessions = tmp_path / "sessions"
    shutil.copytree(Path(__file__).resolve().parent.parent / "sessions", sessions)
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_STATE_HOME": str(tmp_path / "state")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    # The index built by a plain command first, as by an earlier run of the app.
    listed = subprocess.run(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(sessions), "list"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    assert listed.returncode == 0, listed.stderr
    at_start = modules_at_start(str(sessions), then_scan=False, review=True, env=env)
    assert {"iisession.tui.screens.review", "iisession.core.index"} <= at_start
    assert at_start.isdisjoint(AFTER_REVIEW_FIRST_FRAME), at_start & set(AFTER_REVIEW_FIRST_FRAME)
