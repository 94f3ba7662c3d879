"""The core (model, storage, paths, CLI for plain commands) imports neither textual nor rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

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
