"""The user's own profile: who every draft is from.

Kept in the config file's ``[profile]`` table::

    [profile]
    name = "Sam Okafor"
    email = "sam@example.org"
    introduction = "I am a data analyst moving into user research"
    signature = "Sam Okafor\\nsam@example.org"

The app writes this table the first time a draft needs it; it changes only
that table, so the comments and layout of the rest of the file are kept.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .atomic import describe_os_error, ensure_private_folder, write_atomic
from .model import clean_text
from .safe_read import RefusedFile, read_text

PROFILE_KEYS = ("name", "email", "introduction", "signature")
MAX_FIELD = 2000


class ProfileError(ValueError):
    """The profile could not be written, with what to do."""


@dataclass(frozen=True)
class Profile:
    name: str = ""
    email: str = ""
    introduction: str = ""
    """One line: who the user is and what they are exploring ("I am ...")."""
    signature: str = ""
    """The lines under the sign-off (default: the name, then the e-mail)."""

    @property
    def complete(self) -> bool:
        """Enough to sign a draft: a name."""
        return bool(self.name.strip())

    def sign_off(self) -> str:
        """The lines that end a draft."""
        if self.signature.strip():
            return self.signature.strip()
        return "\n".join(x for x in (self.name.strip(), self.email.strip()) if x)

    def cleaned(self) -> Profile:
        def one(text: str, lines: bool) -> str:
            text = clean_text(text).strip()[:MAX_FIELD].strip()  # cut, then trimmed: it stays put
            return text if lines else " ".join(text.split())

        return Profile(
            name=one(self.name, False),
            email=one(self.email, False),
            introduction=one(self.introduction, False),
            signature=one(self.signature, True),
        )


def load_profile(config: Mapping[str, Any], warnings: list[str]) -> Profile:
    """``[profile]`` from the config file; a bad value is reported and left empty."""
    table = config.get("profile", {})
    if not isinstance(table, dict):
        warnings.append("config: `profile` should be a table ([profile]); not used")
        return Profile()
    values: dict[str, str] = {}
    for key in PROFILE_KEYS:
        value = table.get(key, "")
        if not isinstance(value, str):
            warnings.append(f"config: `profile.{key}` should be text in quotes; not used")
            continue
        values[key] = value
    unknown = sorted(set(table) - set(PROFILE_KEYS))
    if unknown:
        warnings.append(
            f"config: `profile` has keys this version does not use: {', '.join(unknown)}"
        )
    return Profile(**values).cleaned()


def save_profile(config_file: Path, profile: Profile) -> None:
    """Write ``[profile]`` into the config file, keeping everything else as it is.

    Raises ``ProfileError`` (and changes nothing) when the file cannot be
    read as TOML or cannot be written.
    """
    import tomlkit  # only when writing: style-preserving, so the user's comments survive

    profile = profile.cleaned()
    try:
        text = read_text(config_file)
    except FileNotFoundError:
        text = ""
    except (RefusedFile, OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"{config_file} cannot be read ({error}); fix it first") from None
    try:
        document = tomlkit.parse(text)
        before = tomllib.loads(text)
    except (tomlkit.exceptions.ParseError, tomllib.TOMLDecodeError) as error:
        raise ProfileError(
            f"{config_file} is not valid TOML ({error}); fix it, or move it away, and save again"
        ) from None
    if "profile" in before and not isinstance(before["profile"], dict):
        raise ProfileError(f"{config_file}: `profile` is not a table; rename that key first")
    table = document.get("profile")
    if table is None:
        if text.strip():  # a blank line between what was there and the new table
            document.add(tomlkit.nl())
            if not text.endswith("\n"):
                document.add(tomlkit.nl())
        table = tomlkit.table()
        document["profile"] = table
    try:
        for f in fields(Profile):
            value = getattr(profile, f.name)
            if value:
                table[f.name] = tomlkit.string(value, multiline="\n" in value)
            elif f.name in table:
                del table[f.name]
        rendered = tomlkit.dumps(document)
        # Checked before writing: the rest of the file reads as it did, the profile as given.
        after: dict[str, Any] | None = tomllib.loads(rendered)
    except (tomlkit.exceptions.TOMLKitError, tomllib.TOMLDecodeError, ValueError, TypeError):
        after = None  # written some way the reader does not take back: refused below
    if (
        after is None
        or {k: v for k, v in after.items() if k != "profile"}
        != {k: v for k, v in before.items() if k != "profile"}
        or load_profile(after, []) != profile
    ):
        raise ProfileError(
            f"{config_file}: the profile could not be written without changing the rest of "
            "the file; write the [profile] table there by hand"
        )
    if rendered == text:
        return  # nothing changed: the file is left alone
    # A config file linked from elsewhere (a dotfiles folder) is written where it lives.
    linked = config_file.is_symlink()
    target = config_file.resolve() if linked else config_file
    try:
        if not linked:  # a folder of the user's own choosing keeps its permissions
            ensure_private_folder(target.parent)
        write_atomic(target, rendered.encode("utf-8"))
    except OSError as error:
        raise ProfileError(f"{config_file}: {describe_os_error(error)}") from None
