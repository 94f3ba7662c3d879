"""Every key has a stable id a keymap can name, and the palette offers each screen's keys."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

import iisession.tui
from iisession.core.clock import ManualClock
from iisession.core.paths import resolve_folders
from iisession.core.workspace import Workspace
from iisession.tui.app import IISessionApp
from iisession.tui.palette import screen_commands
from iisession.tui.screens.setup import SetupScreen
from iisession.tui.screens.start import StartScreen

BINDING_ID = re.compile(r"^[a-z]+(\.[a-z0-9-]+)+$")


def tui_classes() -> Iterator[type[DOMNode]]:
    """Every Screen, Widget and App class defined in the ``iisession.tui`` package."""
    modules = [iisession.tui]
    for info in pkgutil.walk_packages(iisession.tui.__path__, "iisession.tui."):
        modules.append(importlib.import_module(info.name))
    seen: set[type[DOMNode]] = set()
    for module in modules:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, Widget | App)
                and cls.__module__.startswith("iisession.tui")
                and cls not in seen
            ):
                seen.add(cls)
                yield cls


def class_bindings(cls: type[DOMNode]) -> list[Binding]:
    """Every Binding in a class-level list of ``cls`` (BINDINGS, COMMAND_BINDINGS, ...)."""
    found: list[Binding] = []
    for name, value in vars(cls).items():
        if name.isupper() and isinstance(value, list | tuple):
            found += [item for item in value if isinstance(item, Binding)]
    return found


def test_every_binding_has_a_keymap_id() -> None:
    classes = list(tui_classes())
    assert any(issubclass(cls, Screen) for cls in classes)
    assert any(issubclass(cls, Widget) and not issubclass(cls, Screen) for cls in classes)
    assert IISessionApp in classes
    bindings: set[tuple[str, Binding]] = set()
    for cls in classes:
        actions: dict[str, str] = {}
        for binding in class_bindings(cls):
            bindings.add((cls.__qualname__, binding))
            where = f"{cls.__module__}.{cls.__qualname__}: {binding.key!r} -> {binding.action!r}"
            assert binding.id, f"{where} has no id"
            assert BINDING_ID.match(binding.id), f"{where}: id {binding.id!r}"
            first = actions.setdefault(binding.id, binding.action)
            assert first == binding.action, f"{where}: id {binding.id!r} also names {first!r}"
    assert len(bindings) >= 80, f"only {len(bindings)} bindings found"


def test_an_id_shared_by_several_classes_names_one_action() -> None:
    # A keymap entry applies wherever its id is bound, so an id used in two
    # places (a screen's keys inherited, a list key also shown in the palette)
    # must mean the same thing in both.
    actions: dict[str, tuple[str, str]] = {}
    for cls in tui_classes():
        for binding in class_bindings(cls):
            assert binding.id
            action = binding.action.removeprefix("screen.")
            where, first = actions.setdefault(binding.id, (cls.__qualname__, action))
            assert first == action, (
                f"{binding.id!r}: {where} {first!r}, {cls.__qualname__} {action!r}"
            )


def make_app(sessions_dir: Path) -> IISessionApp:
    return IISessionApp(Workspace(resolve_folders(str(sessions_dir)), ManualClock()))


async def test_palette_shows_keys_the_way_textual_does(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        helps = {command.title: command.help for command in screen_commands(app, app.screen)}
        assert helps["What is due: thank-yous, outreach, confirmations"] == "Key: f"
        assert "Key: F" not in helps.values()
        assert helps["Set up a new session"] == "Key: n"

        await pilot.press("n")
        assert isinstance(app.screen, SetupScreen)
        helps = {command.title: command.help for command in screen_commands(app, app.screen)}
        f5 = app.get_key_display(Binding("f5", "start_call"))
        assert helps["Start the call now: the live screen, clock running"] == f"Key: {f5}"
        assert (
            helps["Back to the start screen"]
            == f"Key: {app.get_key_display(Binding('escape', 'back'))}"
        )


class Keys(Screen[None]):
    BINDINGS = [
        Binding("up,k", "move", "Move", id="keys.move"),
        Binding("ctrl+o", "open", "Open", tooltip="Open the thing", id="keys.open"),
        Binding("x", "hidden", "Hidden", id="keys.hidden"),
        Binding("y", "greyed", "Greyed", id="keys.greyed"),
        Binding("f1", "app.ring", "Ring", id="keys.ring"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ran: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("keys")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return {"hidden": False, "greyed": None}.get(action, True)

    def action_move(self) -> None:
        self.ran.append("move")

    def action_open(self) -> None:
        self.ran.append("open")


class KeysApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.ringing = True

    def on_mount(self) -> None:
        self.push_screen(Keys())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.ringing if action == "ring" else True

    def action_ring(self) -> None:
        self.bell()


async def test_palette_offers_only_what_applies_and_runs_it() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Keys)
        commands = {command.title: command for command in screen_commands(app, screen)}
        assert sorted(commands) == ["Move", "Open the thing", "Ring"]
        assert commands["Move"].help == "Key: ↑"
        assert commands["Open the thing"].help == "Key: ^o"
        app.ringing = False
        assert "Ring" not in {command.title for command in screen_commands(app, screen)}

        for title in ("Move", "Open the thing"):
            ran = commands[title].callback()
            if inspect.isawaitable(ran):
                await ran
        assert screen.ran == ["move", "open"]
