"""Where files live: sessions, config, cache and state folders.

The sessions folder comes from, in order: ``--sessions-dir``, the
``IISESSION_SESSIONS_DIR`` environment variable, ``sessions_dir`` in the user
config file, and the platform's user data folder. Nothing is created here.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from . import toml_read
from .safe_read import RefusedFile, read_text

APP_NAME = "iisession"
SESSIONS_ENV = "IISESSION_SESSIONS_DIR"
CONFIG_FILE = "config.toml"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """The user's state folder: the session locks live here, outside the sessions folder.

    On macOS platformdirs gives the data folder, which is the default sessions
    folder; the cache folder is used there instead.
    """
    if sys.platform == "darwin":
        return cache_dir()
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def default_sessions_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class Folders:
    """The folders in use, with where the sessions folder came from."""

    sessions: Path
    sessions_source: str
    config: Path
    cache: Path
    warnings: list[str] = field(default_factory=list)
    config_data: dict[str, Any] = field(default_factory=dict)
    """The config file's contents (empty if there is none)."""


def read_config(config: Path, warnings: list[str]) -> dict[str, Any]:
    """The user's config file as a table; a broken one is reported and ignored."""
    path = config / CONFIG_FILE
    try:
        return toml_read.loads(read_text(path))
    except FileNotFoundError:
        return {}
    except RefusedFile as error:
        warnings.append(f"{path}: ignored, it {error.reason}")
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        warnings.append(f"{path}: ignored, it cannot be read ({error})")
        return {}


def expand(text: str) -> Path:
    """A path as typed, ``~`` and ``~user`` expanded as a shell does: an unknown
    user (``~Desktop`` for ``~/Desktop``) is left as typed, never an error."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # no such user, or no home folder
        return Path(text)


def _sessions_from_config(data: Mapping[str, Any], path: Path, warnings: list[str]) -> Path | None:
    value = data.get("sessions_dir")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        warnings.append(f"{path}: `sessions_dir` should be a folder path in quotes; ignored")
        return None
    return expand(value)


def resolve_folders(flag: str | None, environ: Mapping[str, str] | None = None) -> Folders:
    """Work out the folders for this run."""
    env = os.environ if environ is None else environ
    config = config_dir()
    warnings: list[str] = []
    data = read_config(config, warnings)
    if flag:
        sessions, source = expand(flag), "--sessions-dir"
    elif env.get(SESSIONS_ENV, "").strip():
        sessions, source = expand(env[SESSIONS_ENV]), SESSIONS_ENV
    elif (configured := _sessions_from_config(data, config / CONFIG_FILE, warnings)) is not None:
        sessions, source = configured, str(config / CONFIG_FILE)
    else:
        sessions, source = default_sessions_dir(), "default"
    return Folders(sessions.absolute(), source, config, cache_dir(), warnings, data)
