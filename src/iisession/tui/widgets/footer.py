"""Textual's footer, rebuilt once for a run of changes to the keys on offer."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as _TextualFooter


class Footer(_TextualFooter):
    """Textual's ``Footer``, which rebuilds its keys after the next refresh each
    time the screen says its bindings changed, one rebuild per change. A screen
    coming up says so several times in a row (mounted, resumed, focused, the app
    focused): opening the review rebuilt the footer five times in 150 ms, each
    rebuild mounting and styling every key again. This one rebuilds once for a
    run of changes, after the last: what it shows is read when it rebuilds."""

    _rebuild_pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        # Cleared first: a change made while it rebuilds asks for another.
        self._rebuild_pending = False
        await self.recompose()
