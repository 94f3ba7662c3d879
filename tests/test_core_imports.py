"""The core (model, storage, paths, CLI for plain commands) imports no textual."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "iisession",
    "iisession.model",
    "iisession.codec",
    "iisession.atomic",
    "iisession.locking",
    "iisession.naming",
    "iisession.store",
    "iisession.paths",
    "iisession.cli",
    "iisession.clock",
    "iisession.countdown",
    "iisession.live",
    "iisession.autosave",
    "iisession.settings",
    "iisession.bank",
    "iisession.templates",
    "iisession.planning",
    "iisession.summary",
    "iisession.index",
    "iisession.lookup",
    "iisession.document",
    "iisession.commands",
    "iisession.followup",
    "iisession.todo",
    "iisession.network",
    "iisession.digest",
    "iisession.compare",
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
    code = "import sys, iisession.app; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
