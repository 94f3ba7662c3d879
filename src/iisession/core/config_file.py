"""Changing one key of the user's config file, keeping everything else as it is.

The app writes the config file only for something the user chose in it (their
profile, a theme): one top-level key or one table, through a style-preserving
TOML editor, so comments, order and layout stay. A file that cannot be read
as TOML is never written over, and one linked from elsewhere (a dotfiles
folder) is written where it lives.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import toml_read
from .atomic import describe_os_error, ensure_private_folder, write_atomic
from .safe_read import RefusedFile, read_text


class ConfigError(ValueError):
    """The config file could not be changed, with what to do; it is as it was."""


def set_in_config(config_file: Path, key: str, value: str | Mapping[str, str]) -> None:
    """Set the top-level ``key`` of ``config_file`` to ``value``: a text, or a
    table whose values are set (an empty one removed; other keys of the table
    are kept). The file is made if there is none, and left alone when it would
    not change.

    Raises ``ConfigError`` (and changes nothing) when the file cannot be read
    as TOML, holds ``key`` as another kind of value, or cannot be written.
    """
    import tomlkit  # only when writing: style-preserving, so the user's comments survive

    try:
        text = read_text(config_file)
    except FileNotFoundError:
        text = ""
    except (RefusedFile, OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{config_file} cannot be read ({error}); fix it first") from None
    try:
        document = tomlkit.parse(text)
        before = toml_read.loads(text)
    except (tomlkit.exceptions.ParseError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(
            f"{config_file} is not valid TOML ({error}); fix it, or move it away, and save again"
        ) from None
    table = isinstance(value, Mapping)
    if key in before and isinstance(before[key], dict) != table:
        kind = "not a table" if table else "a table"
        raise ConfigError(f"{config_file}: `{key}` is {kind}; rename that key first")
    expected: Any = value
    try:
        if isinstance(value, Mapping):
            _set_table(document, key, value, text)
            merged = {**before.get(key, {}), **value}
            expected = {k: v for k, v in merged.items() if v != ""}
        else:
            document[key] = value
        rendered = tomlkit.dumps(document)
        # Checked before writing: the rest of the file reads as it did, the key as given.
        after: dict[str, Any] | None = toml_read.loads(rendered)
    except (tomlkit.exceptions.TOMLKitError, tomllib.TOMLDecodeError, ValueError, TypeError):
        after = None  # written some way the reader does not take back: refused below
    if (
        after is None
        or {k: v for k, v in after.items() if k != key}
        != {k: v for k, v in before.items() if k != key}
        or after.get(key) != expected
    ):
        what = f"the [{key}] table" if table else f"`{key}`"
        raise ConfigError(
            f"{config_file}: {what} could not be written without changing the rest of "
            "the file; write it there by hand"
        )
    if rendered == text:
        return  # nothing changed: the file is left alone
    linked = config_file.is_symlink()
    target = config_file.resolve() if linked else config_file
    try:
        if not linked:  # a folder of the user's own choosing keeps its permissions
            ensure_private_folder(target.parent)
        write_atomic(target, rendered.encode("utf-8"))
    except OSError as error:
        raise ConfigError(f"{config_file}: {describe_os_error(error)}") from None


def _set_table(document: Any, key: str, values: Mapping[str, str], text: str) -> None:
    """Set ``values`` in the table ``key`` of the tomlkit ``document`` (made at
    the end if missing), removing those that are empty."""
    import tomlkit

    table = document.get(key)
    if table is None:
        if text.strip():  # a blank line between what was there and the new table
            document.add(tomlkit.nl())
            if not text.endswith("\n"):
                document.add(tomlkit.nl())
        table = tomlkit.table()
        document[key] = table
    for name, value in values.items():
        if value:
            table[name] = tomlkit.string(value, multiline="\n" in value)
        elif name in table:
            del table[name]
