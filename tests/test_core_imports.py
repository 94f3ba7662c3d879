"""The core (model, storage, paths, CLI for plain commands) imports no textual."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "iisession",
    "iisession.core.model",
    "iisession.core.codec",
    "iisession.core.atomic",
    "iisession.core.locking",
    "iisession.core.naming",
    "iisession.core.store",
    "iisession.core.paths",
    "iisession.cli",
    "iisession.core.clock",
    "iisession.core.countdown",
    "iisession.core.live",
    "iisession.core.autosave",
    "iisession.core.settings",
    "iisession.core.bank",
    "iisession.core.templates",
    "iisession.core.planning",
    "iisession.core.summary",
    "iisession.core.index",
    "iisession.core.lookup",
    "iisession.core.document",
    "iisession.plain",
    "iisession.core.followup",
    "iisession.core.todo",
    "iisession.core.network",
    "iisession.core.digest",
    "iisession.core.compare",
]


def test_core_modules_import_no_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_the_check_would_notice_textual() -> None:
    """The same probe sees textual when the app module is imported."""
    code = "import sys, iisession.tui.app; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
