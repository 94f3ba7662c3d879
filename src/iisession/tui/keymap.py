"""The user's own keys: the config file's ``[keys]`` table, applied as Textual's keymap.

Every binding in this package has a stable id (``live.next``), and the table
maps ids to keys. Reading the table (spellings, unknown ids) is the core's
(``core.preferences``); here is what only the app knows: the ids there are,
and where keys are active together. Textual applies a keymap to each node's
keys on its own, and lets a key moved onto another's quietly replace it; here
a key of the user's that would land where another action already is, on the
keys active at once (the app's with a screen's, a widget's with those of the
screens and containers around it), is a clash: it is reported, and the user's
keys for the ids that moved there are not used, so each keeps its default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import KEY_ALIASES, KEY_NAME_REPLACEMENTS, Keys
from textual.widget import Widget

Keymap = dict[str, str]
"""Binding ids to keys (comma-separated), as Textual's ``App.set_keymap`` takes them."""


@dataclass(frozen=True)
class Clash:
    """Actions that the user's keys would put on one key where they are active together."""

    key: str
    ids: tuple[str, ...]
    """Every id on the key there (sorted)."""
    built_in: tuple[str, ...]
    """What Textual's own keys there (which have no id) do, by their description."""
    moved: tuple[str, ...]
    """The ids the user's keys moved onto it: their keys are not used."""
    where: str
    """Where they meet ("the live screen")."""


@cache
def key_names() -> frozenset[str]:
    """The names of keys that are not one character (``f12``, ``pageup``, ``slash``)."""
    names = {key.value for key in Keys} | set(KEY_NAME_REPLACEMENTS.values()) | set(KEY_ALIASES)
    return frozenset(name for name in names if "+" not in name and not name.startswith("<"))


def package_classes() -> list[type[DOMNode]]:
    """Every App, Screen and Widget class defined in this package (importing all of it)."""
    import importlib
    import inspect
    import pkgutil

    package = __name__.rpartition(".")[0]
    found: dict[type[DOMNode], None] = {}
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                found[cls] = None
    return list(found)


def listed_bindings(cls: type[DOMNode]) -> Iterator[Binding]:
    """The bindings ``cls`` itself lists: its ``BINDINGS`` and any other upper-case
    list of bindings (``COMMAND_BINDINGS``, the keys the palette offers)."""
    for name, value in vars(cls).items():
        if name.isupper() and isinstance(value, list | tuple):
            yield from Binding.make_bindings(
                item for item in value if isinstance(item, Binding) or name == "BINDINGS"
            )


@cache
def bindings_of(cls: type[DOMNode]) -> tuple[Binding, ...]:
    """The keys an instance of ``cls`` has, one binding per key, merged as Textual
    merges them: each class's ``BINDINGS`` over its bases', a key bound again
    replacing the base's bindings of that key."""
    keys: dict[str, list[Binding]] = {}
    for base in reversed(cls.__mro__):
        if issubclass(base, DOMNode):
            own: dict[str, list[Binding]] = {}
            for binding in Binding.make_bindings(base.__dict__.get("BINDINGS", [])):
                own.setdefault(binding.key, []).append(binding)
            keys.update(own)
    return tuple(binding for bindings in keys.values() for binding in bindings)


def known_ids(classes: Iterable[type[DOMNode]]) -> dict[str, list[Binding]]:
    """Every id bound in ``classes``, with its bindings (one per class and key)."""
    ids: dict[str, list[Binding]] = {}
    for cls in classes:
        for binding in listed_bindings(cls):
            if binding.id:
                ids.setdefault(binding.id, []).append(binding)
    return ids


def normalised(keys: str) -> list[str]:
    """``keys`` (comma-separated) as Textual names them in bindings (``?`` is
    ``question_mark``), a sign after modifiers too (``ctrl+/`` is ``ctrl+slash``,
    as Textual names the key pressed: ``ctrl+/`` would never match it)."""
    return [_sign_named(b.key) for b in Binding.make_bindings([Binding(keys, "")])]


def _sign_named(key: str) -> str:
    """``key`` with the one sign after its modifiers named (``ctrl++`` is ``ctrl+plus``)."""
    if len(key) < 3 or key[-2] != "+" or key[-1].isalnum():
        return key
    import unicodedata

    try:
        name = unicodedata.name(key[-1]).lower().replace("-", "_").replace(" ", "_")
    except ValueError:  # a control character: it has no name
        return key
    return f"{key[:-1]}{KEY_NAME_REPLACEMENTS.get(name, name)}"


def find_clashes(where: str, bindings: Iterable[Binding], keymap: Mapping[str, str]) -> list[Clash]:
    """The clashes among ``bindings`` (keys active together) under ``keymap``:
    two actions on one key, one of them moved there by the keymap. The app's own
    shared keys (F5 to start a call or to reopen one) are not clashes."""
    defaults: dict[str, set[str]] = {}
    on_key: dict[str, list[Binding]] = {}
    for binding in bindings:
        if binding.id:
            defaults.setdefault(binding.id, set()).add(binding.key)
        mapped = keymap.get(binding.id) if binding.id else None
        for key in normalised(mapped) if mapped else [binding.key]:
            on_key.setdefault(key, []).append(binding)
    clashes: list[Clash] = []
    for key, there in on_key.items():
        if len({_action(binding) for binding in there}) < 2:
            continue
        moved = sorted(
            {b.id for b in there if b.id and b.id in keymap and key not in defaults[b.id]}
        )
        if moved:
            ids = tuple(sorted({binding.id for binding in there if binding.id}))
            built_in = tuple(sorted({b.description or b.action for b in there if not b.id}))
            clashes.append(Clash(key, ids, built_in, tuple(moved), where))
    return clashes


def _action(binding: Binding) -> str:
    """The action, wherever it is written from (``app.help`` on a screen is ``help``)."""
    return binding.action.removeprefix("app.").removeprefix("screen.")


def settle(
    scopes: Sequence[tuple[str, Sequence[Binding]]], keymap: Mapping[str, str]
) -> tuple[Keymap, list[Clash]]:
    """``keymap`` without the ids that clash in any of ``scopes`` (where, keys
    active together), and the clashes. Again until none is left: an id given
    back its default key may clash with another's new one."""
    kept = dict(keymap)
    found: list[Clash] = []
    while kept:
        clashes = [c for where, bindings in scopes for c in find_clashes(where, bindings, kept)]
        if not clashes:
            break
        found += clashes
        for clash in clashes:
            for binding_id in clash.moved:
                kept.pop(binding_id, None)
    return kept, found


def class_scopes(
    app: type[DOMNode], classes: Iterable[type[DOMNode]]
) -> list[tuple[str, Sequence[Binding]]]:
    """The keys active together that are known before anything runs: the app's
    with each screen's, and with each widget's (the widgets' neighbours are
    checked once they have the focus: see ``focus_scope``)."""
    app_keys = bindings_of(app)
    scopes: list[tuple[str, Sequence[Binding]]] = []
    for cls in classes:
        if issubclass(cls, Widget) and bindings_of(cls):  # a screen, or a widget
            scopes.append((describe(cls), app_keys + bindings_of(cls)))
    return scopes


def focus_scope(focused: Widget) -> tuple[str, Sequence[Binding]]:
    """The keys active while ``focused`` has the focus: its own, those of every
    node around it up to its screen, and the app's."""
    bindings: list[Binding] = []
    for node in focused.ancestors_with_self:
        bindings += bindings_of(type(node))
    return f"{describe(type(focused.screen))}, in the {describe(type(focused))}", bindings


def describe(cls: type[DOMNode]) -> str:
    """``LiveScreen``: "live screen"; ``SessionTable``: "session table"."""
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", cls.__name__)
    return " ".join(word.lower() for word in words) or cls.__name__


def clash_warnings(clashes: Iterable[Clash], defaults: Mapping[str, str]) -> list[str]:
    """What to tell the user of ``clashes``: for each id of theirs not used, the
    keys taken and by what, where; ``defaults`` gives each id's own keys."""
    taken: dict[str, dict[str, list[str]]] = {}
    for clash in clashes:
        for moved in clash.moved:
            names = [f"`{i}`" for i in clash.ids if i != moved]
            names += [f'the built-in "{what}"' for what in clash.built_in]
            by = f"{' and '.join(names)} on the {clash.where}"
            places = taken.setdefault(moved, {}).setdefault(clash.key, [])
            if by not in places:
                places.append(by)
    return [
        f'config: `keys."{moved}"`: '
        + "; ".join(f"{key} is taken (by {', '.join(by)})" for key, by in keys.items())
        + f"; not used, it keeps {defaults.get(moved, 'its own key')}"
        for moved, keys in taken.items()
    ]


def default_keys(ids: Mapping[str, Sequence[Binding]]) -> dict[str, str]:
    """Each id's keys as bound in the code (``f1,escape``)."""
    return {i: ",".join(dict.fromkeys(b.key for b in bindings)) for i, bindings in ids.items()}


def checked_keymap(app: type[DOMNode], asked: Mapping[str, str]) -> tuple[Keymap, list[str]]:
    """The keys the user asked for (read by ``core.preferences.read_keys``),
    without unknown ids and clashes, and what to tell them. Imports every
    screen of the app: run it once the first frame is up."""
    from ..core.preferences import known_ids as keep_known

    classes = package_classes()
    ids = known_ids(classes)
    warnings: list[str] = []
    keymap = keep_known(asked, ids, warnings)
    keymap, clashes = settle(class_scopes(app, classes), keymap)
    defaults = default_keys(ids)
    warnings += clash_warnings(clashes, defaults)
    return keymap, warnings


def focus_keymap(focused: Widget, keymap: Mapping[str, str]) -> tuple[Keymap, list[str]]:
    """``keymap`` without the ids that clash while ``focused`` has the focus, and
    what to tell the user of them."""
    where, bindings = focus_scope(focused)
    kept, clashes = settle([(where, bindings)], keymap)
    ids: dict[str, list[Binding]] = {}
    for binding in bindings:
        if binding.id:
            ids.setdefault(binding.id, []).append(binding)
    return kept, clash_warnings(clashes, default_keys(ids))


KEY_WORDS = {
    "pageup": "Page Up",
    "pagedown": "Page Down",
    "slash": "/",
    "backslash": "\\",
    "minus": "-",
    "plus": "+",
}


def key_words(keys: str) -> str:
    """``keys`` as a person writes them: ``ctrl+shift+home,f1`` is "Ctrl+Shift+Home, F1"."""
    import unicodedata

    spoken = []
    for key in keys.split(","):
        *modifiers, base = key.strip().split("+")
        if base in KEY_WORDS:
            base = KEY_WORDS[base]
        elif base in key_names():
            base = base.capitalize()
        elif len(base) > 1:
            try:
                base = unicodedata.lookup(base.replace("_", " "))
            except KeyError:
                base = base.capitalize()
        elif modifiers:
            base = base.upper()
        spoken.append("+".join([*(m.capitalize() for m in modifiers), base]))
    return ", ".join(spoken)


def user_keys_of(app: App[Any]) -> Mapping[str, str]:
    """The keymap in use on ``app`` (empty for an app with none)."""
    keys = getattr(app, "user_keys", None)
    return keys if isinstance(keys, dict) else {}
