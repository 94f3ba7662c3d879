"""The user's own keys and theme, from the config file, checked::

    theme = "nord"               # as chosen in the command palette

    [keys]
    "live.next" = "f12"          # a key's id (the README lists them) = the keys for it
    "app.quit" = "ctrl+q,ctrl+x"

What the front end knows (the ids of its keys, its themes, the names of keys)
is given to these functions: this module knows no UI. A problem is reported
and left out, the default used; nothing here stops the app.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from typing import Any

MODIFIERS = frozenset({"alt", "ctrl", "hyper", "meta", "shift", "super"})
"""Written in this order (alphabetical), as the terminal's keys are named."""

MODIFIER_SPELLINGS = {"control": "ctrl", "ctl": "ctrl", "option": "alt", "cmd": "super"}
KEY_SPELLINGS = {
    "esc": "escape",
    "return": "enter",
    "del": "delete",
    "ins": "insert",
    "pgup": "pageup",
    "page_up": "pageup",
    "pgdn": "pagedown",
    "pgdown": "pagedown",
    "page_down": "pagedown",
    "spacebar": "space",
    "bs": "backspace",
}
"""Other ways people write the names of keys, and the name the app uses."""

_MODIFIER = re.compile(r"([A-Za-z]+)[+-](.+)")


class KeyProblem(ValueError):
    """A key that cannot be read, with what is wrong."""


def read_key(text: str, named: Collection[str]) -> str:
    """One key as typed (``Ctrl+N``, ``F12``, ``esc``, ``?``) in the spelling the
    app uses (``ctrl+n``, ``f12``, ``escape``, ``?``). ``named`` are the names of
    keys that are not a single character (``f12``, ``home``, ``question_mark``).
    Raises ``KeyProblem``."""
    rest = text.strip()
    if not rest:
        raise KeyProblem("an empty key (the space bar is `space`)")
    modifiers: set[str] = set()
    while (found := _MODIFIER.fullmatch(rest)) is not None:
        word = found[1].lower()
        word = MODIFIER_SPELLINGS.get(word, word)
        if word not in MODIFIERS:
            break
        modifiers.add(word)
        rest = found[2]
    if any(c.isspace() for c in rest):
        raise KeyProblem(f"{text.strip()!r} has a space in it (join keys with +, like ctrl+n)")
    if len(rest) == 1:
        if modifiers == {"shift"} and rest.isalpha():
            return rest.upper()  # the terminal sends Shift+A as "A"
        base = rest.lower() if modifiers and rest.isalpha() else rest
    else:
        base = rest.lower()
        base = KEY_SPELLINGS.get(base, base)
        if base not in named and not _character_name(base):
            raise KeyProblem(f"{text.strip()!r} is not a key this app knows")
    return "+".join([*sorted(modifiers), base])


def _character_name(name: str) -> bool:
    """``question_mark``: the name of one character, as keys of signs are named."""
    try:
        unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return False
    return True


def read_keys(
    config: Mapping[str, Any], named: Collection[str], warnings: list[str]
) -> dict[str, str]:
    """The ``[keys]`` table: each id with its keys, comma-separated, as the app
    spells them. A value that cannot be read is reported and left out. The ids
    are checked by ``known_ids``."""
    table = config.get("keys", {})
    if not isinstance(table, dict):
        warnings.append('config: `keys` should be a table ([keys], then "id" = "key"); not used')
        return {}
    keymap: dict[str, str] = {}
    for binding_id, value in table.items():
        where = f'config: `keys."{binding_id}"`'
        if not isinstance(value, str):
            warnings.append(f'{where} should be keys in quotes, like "f12" or "ctrl+n"; not used')
            continue
        try:
            keys = [read_key(part, named) for part in value.split(",")]
        except KeyProblem as problem:
            warnings.append(f"{where}: {problem}; not used")
            continue
        keymap[binding_id] = ",".join(dict.fromkeys(keys))
    return keymap


def known_ids(
    keymap: Mapping[str, str], ids: Collection[str], warnings: list[str]
) -> dict[str, str]:
    """``keymap`` without the ids that name no key, each reported (with the
    nearest id, when one is close)."""
    import difflib

    kept: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id in ids:
            kept[binding_id] = keys
            continue
        near = difflib.get_close_matches(binding_id, list(ids), n=1)
        hint = f" (did you mean `{near[0]}`?)" if near else ""
        warnings.append(
            f'config: `keys."{binding_id}"`: no key has that id{hint}; not used. '
            'The README\'s "Your keys" lists them'
        )
    return kept


def read_theme(
    config: Mapping[str, Any], themes: Collection[str], warnings: list[str]
) -> str | None:
    """The ``theme`` the config file names, if it is one of ``themes``; an unknown
    one is reported (naming those there are) and None returned: the default."""
    theme = config.get("theme")
    if theme is None:
        return None
    if isinstance(theme, str) and theme in themes:
        return theme
    shown = f'"{theme}"' if isinstance(theme, str) else "it"
    warnings.append(
        f"config: `theme` {shown} is not a theme here; the default is used. "
        f"The themes: {', '.join(sorted(themes))}"
    )
    return None
