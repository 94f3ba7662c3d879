"""The baseline for start-up: a bare Textual app with a Header, a Static and a Footer."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class BareApp(App[None]):
    TITLE = "bare"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Bare Textual app")
        yield Footer(compact=True)


if __name__ == "__main__":
    BareApp().run()
