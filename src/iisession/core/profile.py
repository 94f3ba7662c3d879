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

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .clean import clean_text
from .config_file import ConfigError, set_in_config

PROFILE_KEYS = ("name", "email", "introduction", "signature")
MAX_FIELD = 2000


class ProfileError(ConfigError):
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
    profile = profile.cleaned()
    values = {f.name: getattr(profile, f.name) for f in fields(Profile)}
    try:
        set_in_config(config_file, "profile", values)
    except ConfigError as error:
        raise ProfileError(str(error)) from None
