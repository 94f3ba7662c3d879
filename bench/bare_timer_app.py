"""The baseline for a running call: a bare Textual app with a 1 Hz timer."""

import time

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class BareTimerApp(App[None]):
    TITLE = "bare"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="clock")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.query_one("#clock", Static).update(time.strftime("%H:%M:%S"))


if __name__ == "__main__":
    BareTimerApp().run()
