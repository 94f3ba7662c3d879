"""The command palette's share of a screen: every screen key is also a command.

A screen lists what the palette offers in ``COMMAND_BINDINGS`` when that
differs from its ``BINDINGS`` (keys bound on its lists, say); otherwise its
``BINDINGS`` are offered. A command only shows while its action applies:
one the screen's ``check_action`` turns off (``False``) or greys out
(``None``) is left out. Keys are shown the way the footer shows them, the
user's own keys (``[keys]`` in the config file) where they gave some.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any, ClassVar, Protocol, runtime_checkable

from textual.actions import parse
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from .keymap import user_keys_of


@runtime_checkable
class ListsCommands(Protocol):
    """A screen whose palette commands are not its ``BINDINGS`` (its lists' keys too)."""

    COMMAND_BINDINGS: ClassVar[list[Binding]]


def palette_bindings(screen: Screen[Any]) -> list[Binding]:
    """The bindings the palette offers on ``screen``, before ``check_action``."""
    listed = screen.COMMAND_BINDINGS if isinstance(screen, ListsCommands) else screen.BINDINGS
    return [binding for binding in listed if isinstance(binding, Binding)]


def key_of(app: App[Any], binding: Binding) -> str:
    """``binding``'s keys in use: the user's own (``[keys]``) or the default."""
    return user_keys_of(app).get(binding.id or "", binding.key)


def key_display(app: App[Any], binding: Binding) -> str:
    """How ``binding``'s key is shown: the first of several keys ("up,k" shows "up"),
    the user's own key when they gave it one."""
    keys = key_of(app, binding)
    shown = binding.key_display if keys == binding.key else None
    return app.get_key_display(binding.with_key(keys.split(",")[0].strip(), shown))


def applies(app: App[Any], screen: Screen[Any], action: str) -> bool:
    """Whether ``action``, run on ``screen``, is enabled now."""
    namespace, name, parameters = parse(action)
    target: DOMNode = app if namespace == "app" else screen
    return bool(target.check_action(name, parameters))


def screen_commands(app: App[Any], screen: Screen[Any]) -> Iterable[SystemCommand]:
    """A palette command for each key of ``screen`` whose action applies now."""
    for binding in palette_bindings(screen):
        if not applies(app, screen, binding.action):
            continue
        yield SystemCommand(
            binding.tooltip or binding.description,
            f"Key: {key_display(app, binding)}",
            partial(screen.run_action, binding.action),
        )
