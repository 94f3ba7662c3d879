"""Where files live: sessions, config and cache folders.

The sessions folder comes from, in order: ``--sessions-dir``, the
``IISESSION_SESSIONS_DIR`` environment variable, ``sessions_dir`` in the user
config file, and the platform's user data folder. Nothing is created here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "iisession"
SESSIONS_ENV = "IISESSION_SESSIONS_DIR"
CONFIG_FILE = "config.toml"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


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


def _from_config(config: Path, warnings: list[str]) -> Path | None:
    path = config / CONFIG_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        warnings.append(f"{path}: ignored, it cannot be read ({error})")
        return None
    value = data.get("sessions_dir")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        warnings.append(f"{path}: `sessions_dir` should be a folder path in quotes; ignored")
        return None
    return Path(value).expanduser()


def resolve_folders(flag: str | None, environ: Mapping[str, str] | None = None) -> Folders:
    """Work out the folders for this run."""
    env = os.environ if environ is None else environ
    config = config_dir()
    warnings: list[str] = []
    if flag:
        sessions, source = Path(flag).expanduser(), "--sessions-dir"
    elif env.get(SESSIONS_ENV, "").strip():
        sessions, source = Path(env[SESSIONS_ENV]).expanduser(), SESSIONS_ENV
    elif (configured := _from_config(config, warnings)) is not None:
        sessions, source = configured, str(config / CONFIG_FILE)
    else:
        sessions, source = default_sessions_dir(), "default"
    return Folders(sessions.absolute(), source, config, cache_dir(), warnings)
