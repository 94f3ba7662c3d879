"""Hermetic tests: every test gets its own data, config and cache folders."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from hypothesis import settings
from textual.pilot import Pilot

from iisession.tui.key_order import KeyRouter

_wait_for_screen = Pilot._wait_for_screen


async def _wait_for_screen_and_keys(self: Pilot[object], timeout: float = 30.0) -> bool:
    """Pilot waits for the screen after each key; the app's key router hands keys
    on one at a time, each once the one before it settled, so wait for it too
    (on a loaded machine it may still be settling when the screen is)."""
    done = await _wait_for_screen(self, timeout)
    keys = getattr(self.app, "keys", None)
    if isinstance(keys, KeyRouter) and keys.busy:
        deadline = time.monotonic() + 5
        while keys.busy and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        done = await _wait_for_screen(self, timeout)  # what the keys handed on led to
    return done


Pilot._wait_for_screen = _wait_for_screen_and_keys  # type: ignore[method-assign, assignment]


@pytest.fixture(autouse=True)
def _private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))
    monkeypatch.delenv("IISESSION_SESSIONS_DIR", raising=False)


@pytest.fixture
def sessions_dir(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


# Under CI the property tests run a fixed set of examples, so a red run can be
# reproduced; locally they explore new ones each time.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
