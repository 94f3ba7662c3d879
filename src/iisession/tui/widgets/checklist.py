"""The question checklist: an OptionList of questions, most important first."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...core.model import Priority, Question


def question_line(question: Question, current: bool) -> Text:
    """One question as the checklist shows it; state in glyphs, not colour alone."""
    mark = "[x]" if question.asked else "[ ]"
    line = Text(f"{mark} ")
    if question.asked_at is not None:
        line.append(f"{question.asked_at.astimezone():%H:%M} ", style="dim")
    if current:
        line.append("> ", style="bold")
    if question.priority is Priority.MUST:
        line.append("! ", style="bold")
    if question.closing:
        line.append("(closing) ", style="italic")
    if question.starred:
        line.append("* ", style="bold")
    line.append(question.text, style="dim" if question.asked else "")
    if question.answer:
        line.append(f"\n      {question.answer}", style="italic")
    return line


class Checklist(OptionList):
    """Shows the questions; the screen owns them and re-renders on change."""

    BINDINGS = [
        Binding("space", "screen.toggle_asked", "Tick", show=False, id="questions.tick"),
        Binding("m", "screen.toggle_must", "Must-ask", show=False, id="questions.must"),
        Binding("s", "screen.toggle_star", "Star", show=False, id="questions.star"),
        Binding("a", "screen.answer", "Answer note", show=False, id="questions.answer"),
        Binding("n", "screen.new_question", "New question", show=False, id="questions.new"),
        Binding(
            "shift+up", "screen.move_question(-1)", "Move up", show=False, id="questions.move-up"
        ),
        Binding(
            "shift+down",
            "screen.move_question(1)",
            "Move down",
            show=False,
            id="questions.move-down",
        ),
    ]

    def show(self, questions: list[Question], current: Question | None) -> None:
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(Option(question_line(q, q is current), id=q.id) for q in questions)
        if questions:
            self.highlighted = min(highlighted or 0, len(questions) - 1)
