"""One screen per module.

Screens reach what they share through ``host_of``: the workspace (the sessions
folder, in the UI-free core) and the app's signals. They push the screens they
lead to themselves (``tui.navigation`` has the ones several screens open).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from textual.dom import DOMNode

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.signal import Signal

    from ...core.index import Listing
    from ...core.workspace import Workspace


class Host(Protocol):
    """What the app offers every screen."""

    @property
    def workspace(self) -> Workspace:
        """The sessions folder of this run."""
        ...

    @property
    def session_saved(self) -> Signal[Path]:
        """Published after every session written (the path written)."""
        ...

    @property
    def folder_read(self) -> Signal[Listing]:
        """Published when the start screen has read the sessions folder."""
        ...


def host_of(node: DOMNode) -> Host:
    """The running app, as screens see it."""
    return cast("Host", node.app)


def workspace_of(node: DOMNode) -> Workspace:
    """The workspace of the running app."""
    return host_of(node).workspace


@runtime_checkable
class LeavesWithPrompt(Protocol):
    """A screen with something to settle before it is left or the app quits
    (a live call to end or keep, a name-less form to drop, a small form's
    text to save). On quit, each in the stack is asked, top first."""

    def confirm_leave(self, proceed: Callable[[], None]) -> None:
        """Settle what needs settling (asking, if need be), then call ``proceed``;
        or never call it, if the user chose to stay."""
        ...


@runtime_checkable
class KeepsTyping(Protocol):
    """A small form whose fields are all there is of what was typed until it is
    saved (a profile, a new request, an organisation, a referral)."""

    rescued: Path | None
    """The text file what was typed went to, when it could not be saved."""

    def save_unasked(self) -> None:
        """With no one to ask (a signal): save what was typed if it will do, else
        write it to a text file (``rescued``). Runs again with what was typed since."""
        ...
