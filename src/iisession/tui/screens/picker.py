"""The question picker: the bank on the left, your questions on the right.

It edits a list of questions in place (a session's, or a scratch list when
opened from the start screen to build templates) and reports each change,
so the session is saved as the list is edited.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from ...core.bank import (
    BUILT_IN,
    OWN_TOPIC,
    Bank,
    BankQuestion,
    insert_position,
    topic_label,
)
from ...core.model import Priority, Question
from ...core.templates import Template, TemplateError, TemplateItem
from ..widgets.footer import Footer
from . import workspace_of
from .prompts import ChoiceModal, ListChooser, TextPrompt


def chosen_line(number: int, question: Question) -> Text:
    line = Text(f"{number:>2}. ")
    if question.priority is Priority.MUST:
        line.append("! ", style="bold")
    if question.closing:
        line.append("(closing) ", style="italic")
    line.append(question.text)
    return line


def _same(question: Question, item: BankQuestion) -> bool:
    return question.bank_id == item.id


class ChosenList(OptionList):
    """Your questions, in the order they will be asked."""

    BINDINGS = [
        Binding("m", "screen.toggle_must", "Must-ask", show=False, id="picker.must"),
        Binding("c", "screen.toggle_closing", "Closing", show=False, id="picker.closing"),
        Binding("delete,backspace", "screen.remove", "Remove", show=False, id="picker.remove"),
        Binding("n", "screen.own_question", "Own question", show=False, id="picker.new"),
        Binding("shift+up", "screen.move(-1)", "Move up", show=False, id="picker.move-up"),
        Binding("shift+down", "screen.move(1)", "Move down", show=False, id="picker.move-down"),
    ]


class SearchBox(Input):
    """The search box over the bank: Down goes to the results, as Enter does."""

    BINDINGS = [
        Binding("down", "screen.to_results", "To the results", show=False, id="picker.to-results"),
    ]


class PickerScreen(Screen[None]):
    """Choose, order and mark questions; save and load templates."""

    BINDINGS = [
        Binding("escape", "done", "Done", tooltip="Back, keeping your list", id="picker.done"),
        Binding(
            "ctrl+f",
            "focus_search",
            "Search",
            tooltip="Type to search the bank",
            id="picker.search",
        ),
        Binding(
            "ctrl+n",
            "own_question",
            "Own question",
            tooltip="Write a question of your own",
            id="picker.own-question",
        ),
        Binding(
            "ctrl+s",
            "save_template",
            "Save template",
            tooltip="Save this list as a template",
            id="picker.save-template",
        ),
        Binding(
            "ctrl+o",
            "load_template",
            "Load template",
            tooltip="Use a saved template",
            id="picker.load-template",
        ),
    ]

    HELP = """
## Choosing questions
The bank is on the left: **type** in the search box to filter it, choose a
topic; **Down** or **Enter** goes from the search box to the results, and
**Enter** on a question adds it to your list (or takes it out again).
Must-ask questions go first, closing questions last.

In your list on the right: **m** must-ask on or off, **c** closing on or off,
**Shift+Up/Down** reorder, **Delete** removes, **n** writes your own question.

**Ctrl+S** saves the list as a template, **Ctrl+O** loads one (your
templates are TOML files in the config folder; edit them freely).
**Escape** goes back.
"""

    def __init__(
        self,
        questions: list[Question],
        bank: Bank,
        on_change: Callable[[], None] | None = None,
        heading: str = "Your questions",
    ) -> None:
        super().__init__()
        self.questions = questions
        self.bank = bank
        self.on_change = on_change
        self.heading = heading
        self.template_name = ""
        self.dirty = False
        """Changed since the last template save or load (scratch lists only)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="picker"):
            with Vertical(id="bank-side"):
                yield SearchBox(placeholder="Type to search the bank", id="search", compact=True)
                topics = [("All topics", "")] + [(topic_label(t), t) for t in self.bank.topics()]
                yield Select(topics, value="", allow_blank=False, compact=True, id="topic")
                yield OptionList(id="bank")
            yield ChosenList(id="chosen")
        yield Static("", id="picker-hint", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "iisession: questions"
        self.query_one("#bank").border_title = "Question bank"
        self.query_one("#bank").border_subtitle = "Enter adds or takes out"
        self.query_one("#chosen").border_title = self.heading
        self.query_one("#chosen").border_subtitle = "m must  c closing  Del  n new"
        self.refresh_bank()
        self.refresh_chosen()
        self.query_one("#search", Input).focus()

    # --- showing -----------------------------------------------------------------

    def refresh_bank(self) -> None:
        listing = self.query_one("#bank", OptionList)
        words = self.query_one("#search", Input).value
        topic = self.query_one("#topic", Select).value
        found = self.bank.search(words, topic if isinstance(topic, str) else "")
        chosen_ids = {q.bank_id for q in self.questions if q.bank_id}
        highlighted = listing.highlighted
        listing.clear_options()
        shown_topic = None
        for item in found:
            if item.topic != shown_topic:
                shown_topic = item.topic
                listing.add_option(
                    Option(Text(topic_label(item.topic), style="bold underline"), disabled=True)
                )
            mark = "+ " if item.id in chosen_ids else "  "
            line = Text(mark, style="bold")
            line.append(item.text, style="dim" if item.id in chosen_ids else "")
            if item.source != BUILT_IN:
                line.append(f"  ({item.source})", style="dim")
            listing.add_option(Option(line, id=item.id))
        if not found:
            listing.add_option(Option(Text("No question matches.", "italic"), disabled=True))
        if highlighted is not None and listing.option_count:
            listing.highlighted = min(highlighted, listing.option_count - 1)
        count = len(found)
        listing.border_title = f"Question bank ({count})"

    def refresh_chosen(self, keep: Question | None = None) -> None:
        listing = self.query_one("#chosen", ChosenList)
        highlighted = listing.highlighted
        listing.clear_options()
        for number, question in enumerate(self.questions, 1):
            listing.add_option(Option(chosen_line(number, question), id=question.id))
        if keep is not None and keep in self.questions:
            listing.highlighted = self.questions.index(keep)
        elif highlighted is not None and self.questions:
            listing.highlighted = min(highlighted, len(self.questions) - 1)
        must = sum(q.priority is Priority.MUST for q in self.questions)
        listing.border_title = f"{self.heading} ({len(self.questions)}, {must} must-ask)"
        hint = "" if self.questions else "Your list is empty: Enter on a question adds it."
        self.query_one("#picker-hint", Static).update(hint)

    def changed(self, keep: Question | None = None) -> None:
        self.dirty = True
        self.refresh_chosen(keep)
        self.refresh_bank()
        if self.on_change is not None:
            self.on_change()

    # --- the bank side -------------------------------------------------------------

    @on(Input.Changed, "#search")
    @on(Select.Changed, "#topic")
    def filter_changed(self) -> None:
        self.refresh_bank()

    @on(Input.Submitted, "#search")
    def action_to_results(self) -> None:
        listing = self.query_one("#bank", OptionList)
        listing.focus()
        for index in range(listing.option_count):
            if not listing.get_option_at_index(index).disabled:
                listing.highlighted = index
                break

    @on(OptionList.OptionSelected, "#bank")
    def bank_chosen(self, event: OptionList.OptionSelected) -> None:
        item = self.bank.by_id.get(event.option.id or "")
        if item is None:
            return
        present = next((q for q in self.questions if _same(q, item)), None)
        if present is not None:
            self.questions.remove(present)
            self.notify("Taken out of your list.", timeout=2)
            self.changed()
            return
        question = item.to_question(must=False)
        self.questions.insert(insert_position(self.questions, question), question)
        self.changed(question)

    # --- your list -------------------------------------------------------------------

    def _selected(self) -> Question | None:
        index = self.query_one("#chosen", ChosenList).highlighted
        if index is None or index >= len(self.questions):
            return None
        return self.questions[index]

    def action_toggle_must(self) -> None:
        question = self._selected()
        if question is None:
            return
        self.questions.remove(question)
        question.priority = (
            Priority.IF_TIME if question.priority is Priority.MUST else Priority.MUST
        )
        # Must-ask goes up to the other must-ask questions, by default.
        self.questions.insert(insert_position(self.questions, question), question)
        self.changed(question)

    def action_toggle_closing(self) -> None:
        question = self._selected()
        if question is None:
            return
        self.questions.remove(question)
        question.closing = not question.closing
        self.questions.insert(insert_position(self.questions, question), question)
        self.changed(question)

    def action_remove(self) -> None:
        question = self._selected()
        if question is not None:
            self.questions.remove(question)
            self.changed()

    def action_move(self, offset: int) -> None:
        question = self._selected()
        if question is None:
            return
        index = self.questions.index(question)
        target = max(0, min(len(self.questions) - 1, index + offset))
        self.questions.insert(target, self.questions.pop(index))
        self.changed(question)

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_own_question(self) -> None:
        def done(text: str | None) -> None:
            if text and text.strip():
                question = Question(text=text.strip(), topic=OWN_TOPIC)
                self.questions.insert(insert_position(self.questions, question), question)
                self.changed(question)
                self.query_one("#chosen", ChosenList).focus()

        self.app.push_screen(TextPrompt("Your own question"), done)

    # --- templates ---------------------------------------------------------------------

    def action_save_template(self) -> None:
        if not self.questions:
            self.notify("Add some questions first: a template needs at least one.")
            return

        def named(name: str | None) -> None:
            if name is not None and not name.strip():
                self.notify("A template needs a name.", severity="warning")
            elif name:
                self._save_template(name.strip(), replace=False)

        self.app.push_screen(
            TextPrompt(
                f"Save these {len(self.questions)} questions as a template named:",
                self.template_name,
            ),
            named,
        )

    def _save_template(self, name: str, replace: bool) -> None:
        existing = workspace_of(self).find_template(name)
        template = Template(name, [TemplateItem.of(q) for q in self.questions])
        if existing is not None:
            template.path = existing.path
        try:
            path = workspace_of(self).save_template(template, replace=replace)
        except FileExistsError:

            def chosen(choice: str | None) -> None:
                if choice == "replace":
                    self._save_template(name, replace=True)

            self.app.push_screen(
                ChoiceModal(
                    f"A template named {name!r} exists",
                    "",
                    [("r", "replace it with this list", "replace"), ("n", "no, keep it", "")],
                ),
                chosen,
            )
            return
        except TemplateError as error:
            self.notify(f"{error}", title="Template not saved", severity="error")
            return
        self.template_name = name
        self.dirty = False
        self.notify(f"Template saved: {path}", timeout=6)

    def action_load_template(self) -> None:
        warnings: list[str] = []
        templates = workspace_of(self).load_templates(warnings)
        for warning in warnings:
            self.notify(warning, title="Templates", severity="warning", timeout=15)
        if not templates:
            folder = workspace_of(self).templates_folder
            self.notify(
                f"No templates yet. Ctrl+S saves this list as one (they live in {folder}).",
                timeout=8,
            )
            return
        choices = [(f"{t.name}  ({len(t.items)} questions)", t.name) for t in templates]

        def picked(name: str | None) -> None:
            template = next((t for t in templates if t.name == name), None)
            if template is None:
                return
            if not self.questions:
                self._use_template(template, replace=True)
                return

            def how(choice: str | None) -> None:
                if choice:
                    self._use_template(template, replace=choice == "replace")

            self.app.push_screen(
                ChoiceModal(
                    f"Use the template {template.name!r}",
                    f"You have {len(self.questions)} questions in your list.",
                    [
                        ("r", "replace your list with it", "replace"),
                        ("a", "add to your list", "add"),
                    ],
                ),
                how,
            )

        self.app.push_screen(ListChooser("Load a template", choices), picked)

    def _use_template(self, template: Template, replace: bool) -> None:
        incoming = template.questions()
        if replace:
            self.questions[:] = incoming
        else:
            for question in incoming:
                duplicate = any(
                    (question.bank_id and q.bank_id == question.bank_id)
                    or q.text.casefold() == question.text.casefold()
                    for q in self.questions
                )
                if not duplicate:
                    self.questions.insert(insert_position(self.questions, question), question)
        self.template_name = template.name
        self.changed()
        self.dirty = False
        self.notify(f"Template {template.name!r} {'loaded' if replace else 'added'}.", timeout=4)

    # --- leaving -------------------------------------------------------------------------

    def action_done(self) -> None:
        if self.on_change is not None or not self.dirty or not self.questions:
            self.dismiss()
            return

        def chosen(choice: str | None) -> None:
            if choice == "save":
                self.action_save_template()
            elif choice == "discard":
                self.dismiss()

        self.app.push_screen(
            ChoiceModal(
                "Keep this list?",
                "It is not part of a session; a template keeps it for later.",
                [
                    ("s", "save it as a template", "save"),
                    ("d", "discard it", "discard"),
                    ("n", "stay here", ""),
                ],
            ),
            chosen,
        )
