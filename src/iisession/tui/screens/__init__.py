"""One screen per module."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from ..app import IISessionApp


def app_of(node: DOMNode) -> IISessionApp:
    """The running app, typed: screens ask it to open, save and switch sessions."""
    return cast("IISessionApp", node.app)
