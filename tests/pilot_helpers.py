"""Helpers for driving the app headless through Textual's Pilot."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type `text` key by key, then let the app catch up."""
    for char in text:
        await pilot.press("space" if char == " " else char)
    await pilot.pause(0.3)


def current_screen(app: App[Any]) -> Screen[Any]:
    """The screen on top now.

    Read through a call, so that what an earlier check found on ``app.screen``
    is not taken by the type checker to hold after more keys were pressed.
    """
    return app.screen


def focused(app: App[Any]) -> Widget | None:
    """The widget with the focus now (read through a call, as ``current_screen``)."""
    return app.focused
