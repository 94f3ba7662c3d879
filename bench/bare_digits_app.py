"""The baseline for a running clock: a bare Textual app counting down an hour in
``Digits``, redrawn once a second, between a Header and a Footer."""

import math
import time

from textual.app import App, ComposeResult
from textual.widgets import Digits, Footer, Header

LIMIT_SECONDS = 60 * 60


class BareDigitsApp(App[None]):
    TITLE = "bare digits"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Digits("", id="clock")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.started = time.monotonic()
        self.tick()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        left = max(0, math.ceil(LIMIT_SECONDS - (time.monotonic() - self.started)))
        minutes, seconds = divmod(left, 60)
        self.query_one("#clock", Digits).update(f"{minutes}:{seconds:02d}")


if __name__ == "__main__":
    BareDigitsApp().run()
