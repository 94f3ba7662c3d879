"""Answers across interviews: every answer to a question side by side, and which
questions have been asked how often, per topic."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Header, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from .. import navigation
from ..widgets.footer import Footer
from . import workspace_of
from .folder_view import FolderView

if TYPE_CHECKING:
    from ...core.bank import Bank
    from ...core.compare import Comparison, Tally
    from ...core.index import Compared, Progress

# Option ids: a prefix each, so no question key (a bank id, or hand-edited text)
# can be taken for another kind of line.
OVERVIEW = "overview"
ASKED = "asked:"
NEVER = "never:"
FILTER_PAUSE = 0.12
SHOWN_ANSWERS = 50
"""Answers to one question shown at most (the latest); an export has them all."""
SHOWN_QUESTIONS = 100
"""Questions listed per topic at most (the most asked first); the filter finds the
others. One's own questions asked once may run to thousands."""
OVERVIEW_MOST = 20
"""Questions per list in the overview on screen; its export lists them all."""
HIGHLIGHT_PAUSE = 0.1
"""Seconds a question stays highlighted before its answers are drawn (arrowing
through the list draws only where it stops)."""


class CompareScreen(FolderView):
    """Pick a question; read every answer to it. Or the overview of all of them."""

    BINDINGS = [
        Binding(
            "slash",
            "filter",
            "Filter",
            tooltip="Filter the questions by typing",
            id="compare.filter",
        ),
        Binding(
            "x",
            "export",
            "Export",
            tooltip="Write what is shown to a Markdown file",
            id="compare.export",
        ),
        Binding(
            "escape", "back", "Back", tooltip="Clear the filter, or go back", id="compare.back"
        ),
    ]

    HELP = """
## Answers across interviews
Above, every question you have asked, by topic, most asked first, with how
many calls it was asked in (the first 100 of a topic; **/** finds the others);
then the bank questions you have never asked.
Below, every answer given to the highlighted question, with who, where and
when. The first line is an overview of all topics.

A question is the same across calls when it comes from the bank; your own
questions match by their words.

- **Up/Down** pick a question. **Tab** moves to the answers to scroll them.
- **/** filters the questions by typing; **Escape** clears it.
- **x** writes what is shown (the answers, or the overview) to a Markdown file.
"""

    def __init__(self) -> None:
        super().__init__()
        self.tallies: dict[str, Tally] = {}
        self.comparison: Comparison | None = None
        self.markdown = ""
        self._filter_timer: Timer | None = None
        self._answers_timer: Timer | None = None
        self._bank: Bank | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="/ filter: words from a question", id="compare-filter", compact=True
        )
        yield OptionList(id="questions")
        with VerticalScroll(id="answers"):
            yield Markdown(id="answers-text")
        yield Static("", id=self.STATUS_ID, markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "answers across interviews"
        self._bank = navigation.bank_of(self)  # here, not in the reading thread: it may warn
        self.query_one(OptionList).focus()

    @property
    def bank(self) -> Bank:
        assert self._bank is not None
        return self._bank

    # --- reading and showing ------------------------------------------------------------

    def read(self, progress: Progress) -> Compared:
        return workspace_of(self).read_comparison(progress)

    def compute(self, found: Compared) -> dict[str, Tally]:
        return found.tallies

    def show(self, found: Compared, result: dict[str, Tally]) -> None:
        self.comparison = found.comparison
        self.tallies = result
        self.fill()
        asked = sum(1 for t in result.values() if t.times_asked)
        self.status_line.update(
            f"{asked} question{'' if asked == 1 else 's'} asked · x exports what is shown"
            if result
            else "No calls held yet: answers show here once you have asked questions."
        )

    def fill(self) -> None:
        from ...core.bank import OWN_TOPIC, TOPICS, topic_label
        from ...core.compare import by_topic

        questions = self.query_one(OptionList)
        kept = self._highlighted_id()
        words = self.query_one("#compare-filter", Input).value.casefold().split()

        def wanted(text: str) -> bool:
            return all(word in text.casefold() for word in words)

        options: list[Option] = []
        if not words:
            options.append(Option(Text("Overview: every question by topic", "bold"), id=OVERVIEW))
        for group in by_topic(self.tallies, self.bank, [*TOPICS, OWN_TOPIC]):
            matching = [e for e in [*group.asked, *group.unasked] if wanted(e.text)]
            lines = [
                Option(Text(f"{e.times_asked:>3}x  {e.text}"), id=ASKED + e.key)
                for e in matching[:SHOWN_QUESTIONS]
            ]
            if len(matching) > SHOWN_QUESTIONS:
                more = len(matching) - SHOWN_QUESTIONS
                lines.append(
                    Option(Text(f"   …  {more:,} more: / filters", "italic"), disabled=True)
                )
            lines += [
                Option(Text(f"  -   {q.text}", "dim"), id=NEVER + q.id)
                for q in group.never
                if wanted(q.text)
            ]
            if lines:
                options.append(
                    Option(Text(topic_label(group.topic), "bold underline"), disabled=True)
                )
                options += lines
        questions.clear_options()
        questions.add_options(options)
        if not options:
            questions.add_option(
                Option(
                    Text("No question matches: Escape clears the filter", "italic"), disabled=True
                )
            )
        ids = [o.id for o in options]
        if kept is not None and kept in ids:
            questions.highlighted = ids.index(kept)  # keep the place after a reload
        else:
            questions.highlighted = next((n for n, o in enumerate(options) if not o.disabled), None)
        self.show_answers()

    def _highlighted_id(self) -> str | None:
        questions = self.query_one(OptionList)
        if questions.highlighted is None or questions.option_count == 0:
            return None
        return questions.get_option_at_index(questions.highlighted).id

    @on(OptionList.OptionHighlighted, "#questions")
    def highlighted(self) -> None:
        if self._answers_timer is not None:
            self._answers_timer.stop()
        self._answers_timer = self.set_timer(HIGHLIGHT_PAUSE, self.show_answers)

    def show_answers(self) -> None:
        from ...core.bank import topic_label
        from ...core.compare import coverage_markdown
        from ...core.document import escape

        key = self._highlighted_id()
        if key is None:
            text = ""
        elif key == OVERVIEW:
            from ...core.bank import OWN_TOPIC, TOPICS

            text = coverage_markdown(
                self.tallies, self.bank, [*TOPICS, OWN_TOPIC], most=OVERVIEW_MOST
            )
        elif key.startswith(NEVER):
            q = self.bank.by_id[key.removeprefix(NEVER)]
            text = (
                f"# {escape(q.text)}\n\nNever asked yet ({topic_label(q.topic)}). "
                "Pick it for your next call in the setup form's question list, or "
                "from the question bank (b on the start screen).\n"
            )
        else:
            text = self.answers_text(key.removeprefix(ASKED))
        if text != self.markdown:
            self.markdown = text
            self.query_one("#answers-text", Markdown).update(text)
            self.query_one("#answers").scroll_home(animate=False)

    def answers_text(self, key: str, latest: int = SHOWN_ANSWERS) -> str:
        from ...core.compare import answers_markdown
        from ...core.index import IndexUnavailable

        assert self.comparison is not None
        try:
            entry = self.comparison.answers(key)
        except IndexUnavailable as error:
            return f"# Cannot be shown\n\nThe index cannot be read just now: {error}.\n"
        if entry is None:
            return "# No longer asked\n\nThe sessions changed: Escape and come back.\n"
        return answers_markdown(entry, latest=latest)

    # --- filter ---------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one("#compare-filter", Input).focus()

    @on(Input.Changed, "#compare-filter")
    def filter_changed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_PAUSE, self.fill)

    @on(Input.Submitted, "#compare-filter")
    def filter_done(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and self.focused is self.query_one("#compare-filter"):
            self.query_one(OptionList).focus()
            event.stop()

    def action_back(self) -> None:
        box = self.query_one("#compare-filter", Input)
        if box.value:
            box.value = ""
            self.fill()
            self.query_one(OptionList).focus()
        elif self.focused is box:
            self.query_one(OptionList).focus()
        else:
            self.dismiss()

    # --- export ---------------------------------------------------------------------------

    def action_export(self) -> None:
        from ...core.naming import slugify
        from .prompts import TextPrompt

        key = self._highlighted_id()
        if not self.markdown or key is None:
            self.notify("Nothing to export yet.", timeout=3)
            return
        if key == OVERVIEW:
            name = "iisession-questions.md"
        else:
            entry = self.tallies.get(key.removeprefix(ASKED))
            text = entry.text if entry else key.removeprefix(NEVER)
            name = f"iisession-answers-{slugify(text)[:40].rstrip('-')}.md"
        # What is shown, but every answer (the screen shows only the latest) and
        # every question of the overview.
        if key.startswith(ASKED):
            markdown = self.answers_text(key.removeprefix(ASKED), latest=0)
        elif key == OVERVIEW:
            from ...core.bank import OWN_TOPIC, TOPICS
            from ...core.compare import coverage_markdown

            markdown = coverage_markdown(self.tallies, self.bank, [*TOPICS, OWN_TOPIC])
        else:
            markdown = self.markdown

        def chosen(value: str | None) -> None:
            if value:
                navigation.export_text(self, value, markdown, "the comparison")

        self.app.push_screen(
            TextPrompt("Write this to a Markdown file", str(Path("~") / name)), chosen
        )
