"""Full-text search across every session, with the matching passage shown."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from ...core.summary import FIELD_LABELS
from .. import navigation
from ..widgets.footer import Footer
from . import workspace_of

if TYPE_CHECKING:
    from ...core.index import Hit

SEARCH_PAUSE = 0.15
"""Seconds after the last key before searching."""


def hit_prompt(hit: Hit) -> Text:
    from ...core.index import MARK_END, MARK_START

    s = hit.summary
    line = Text(f"{s.moment.astimezone():%Y-%m-%d}  ")
    line.append(s.person or "(no name)", style="bold")
    if s.organisation:
        line.append(f"  {s.organisation}")
    # Where it matched starts the second line, so the first fits at 80 columns.
    line.append(f"\n  in {FIELD_LABELS[hit.field]}: ", style="dim")
    # Matched words in reverse video: visible without colour too.
    for n, part in enumerate(hit.snippet.replace(MARK_END, MARK_START).split(MARK_START)):
        line.append(part, style="reverse" if n % 2 else "")
    return line


class SearchScreen(Screen[None]):
    """Type to search; Enter (or Down) goes to the results; Enter opens one."""

    BINDINGS = [Binding("escape", "back", "Back", id="search.back")]

    HELP = """
## Search
Type words: sessions where every word appears (as a word or the start of one)
are listed, best first, with the passage that matched. Case and accents do
not matter. **Down** or **Enter** goes to the results, **Enter** opens one,
**Escape** goes back.
"""

    def __init__(self, sessions_dir: Path, query: str = "") -> None:
        super().__init__()
        self.sessions_dir = sessions_dir
        self.initial = query
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            self.initial,
            placeholder="Search every session: names, notes, answers, referrals…",
            id="query",
            compact=True,
        )
        yield OptionList(id="hits")
        yield Static("", id="search-status", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "search"
        self.query_one("#query").focus()
        if self.initial:
            self.run_search(self.initial)

    @on(Input.Changed, "#query")
    def changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        query = event.value
        self._timer = self.set_timer(SEARCH_PAUSE, lambda: self.run_search(query))

    @work(thread=True, exit_on_error=False, group="search", exclusive=True)
    def run_search(self, query: str) -> None:
        from ...core.index import IndexUnavailable

        try:
            hits, total = workspace_of(self).index.search(query)
        except IndexUnavailable as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.show, query, hits, total)

    def show(self, query: str, hits: list[Hit], total: int) -> None:
        from ...core.index import ranked_among

        if query != self.query_one("#query", Input).value:
            return  # typing went on; a newer search is coming
        listing = self.query_one("#hits", OptionList)
        listing.clear_options()
        listing.add_options(Option(hit_prompt(hit), id=hit.summary.file) for hit in hits)
        if hits:
            listing.highlighted = 0
        status = self.query_one("#search-status", Static)
        if not query.strip():
            status.update("")
        elif not hits:
            status.update(f"Nothing matches {query.strip()!r}.")
        elif total > ranked_among(total):
            status.update(
                f"{total:,} sessions match; the best {len(hits)} of the latest "
                f"{ranked_among(total):,} are listed."
            )
        elif total > len(hits):
            status.update(f"{total:,} sessions match; the best {len(hits)} are listed.")
        else:
            status.update("1 session matches." if total == 1 else f"{total:,} sessions match.")

    @on(Input.Submitted, "#query")
    def to_results(self) -> None:
        self.query_one("#hits").focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and self.focused is self.query_one("#query"):
            self.query_one("#hits").focus()
            event.stop()

    @on(OptionList.OptionSelected, "#hits")
    def open_hit(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            navigation.open_detail(self, self.sessions_dir / event.option.id)

    def action_back(self) -> None:
        self.dismiss()
