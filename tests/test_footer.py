"""The footer rebuilds once for a run of binding changes, and shows the last."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from iisession.tui.widgets.footer import Footer


class Probe(Screen[None]):
    BINDINGS = [Binding("f5", "go", "Go"), Binding("f6", "stay", "Stay")]
    offered = False

    def compose(self) -> ComposeResult:
        yield Static("probe")
        yield Footer(show_command_palette=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.offered if action == "go" else True

    def action_go(self) -> None: ...

    def action_stay(self) -> None: ...


class ProbeApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Probe())


def keys_shown(screen: Screen[None]) -> list[str]:
    return [key.key for key in screen.query(FooterKey)]


async def test_a_run_of_binding_changes_rebuilds_the_footer_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rebuilds = 0
    recompose = Footer.recompose

    async def counted(self: Footer) -> None:
        nonlocal rebuilds
        rebuilds += 1
        await recompose(self)

    monkeypatch.setattr(Footer, "recompose", counted)
    app = ProbeApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Probe)
        assert keys_shown(screen) == ["f6"]
        rebuilds = 0
        for _ in range(4):
            screen.refresh_bindings()
        screen.offered = True
        screen.refresh_bindings()  # the last of the run: what the footer shows
        await pilot.pause()
        assert rebuilds == 1  # Textual's own footer rebuilds five times
        assert keys_shown(screen) == ["f5", "f6"]
        # A change after the rebuild rebuilds it again.
        screen.offered = False
        screen.refresh_bindings()
        await pilot.pause()
        assert rebuilds == 2
        assert keys_shown(screen) == ["f6"]
