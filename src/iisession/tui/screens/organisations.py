"""The target organisations: ranked the way The 2-Hour Job Search ranks them, and edited.

The list is a plain file in the sessions folder; every change here is written
to it at once. Each change reads the file again first and applies itself to
what is there, so an edit made meanwhile in another program is kept; a file
that cannot be read is never written over.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ...core.organisations import (
    AtOrganisation,
    OrganisationsError,
    Target,
    organisations_path,
    sort_targets,
)
from .. import navigation
from ..widgets.footer import Footer
from . import workspace_of
from .folder_view import FolderView

if TYPE_CHECKING:
    from ...core.index import Sessions
    from ...core.model import Session

EDITS = {"new", "edit", "remove", "motivation", "toggle_advocate", "toggle_postings", "ask"}
"""The actions that need a list read well (none while the file is broken)."""

WIDE = 80
"""From this many columns, each count has a column of its own."""

KNOWN_WIDTH = 5
"""The column of the people of the user's network there (wide terminals only)."""


class Refused(Exception):
    """A change that cannot be made, with what to tell the user."""


def _count(number: int) -> str:
    return str(number) if number else "-"


class OrganisationsScreen(FolderView):
    """Where the user wants to work, ranked, with the people known at each."""

    BINDINGS = [
        Binding("n", "new", "New", tooltip="Add an organisation", id="organisations.new"),
        Binding(
            "e",
            "edit",
            "Edit",
            tooltip="Edit the highlighted organisation",
            id="organisations.edit",
        ),
        Binding(
            "x,delete",
            "remove",
            "Remove",
            tooltip="Remove the highlighted organisation from the list",
            show=False,
            id="organisations.remove",
        ),
        Binding(
            "0",
            "motivation(0)",
            "Motivation",
            key_display="0-3",
            tooltip="Motivation 0: not interested for now",
            id="organisations.motivation-0",
        ),
        Binding(
            "1",
            "motivation(1)",
            "Motivation 1",
            tooltip="Motivation 1: some interest",
            show=False,
            id="organisations.motivation-1",
        ),
        Binding(
            "2",
            "motivation(2)",
            "Motivation 2",
            tooltip="Motivation 2: keen",
            show=False,
            id="organisations.motivation-2",
        ),
        Binding(
            "3",
            "motivation(3)",
            "Motivation 3",
            tooltip="Motivation 3: where you most want to work",
            show=False,
            id="organisations.motivation-3",
        ),
        Binding(
            "v",
            "toggle_advocate",
            "Advocate",
            tooltip="You know someone there (an advocate), or not",
            id="organisations.advocate",
        ),
        Binding(
            "p",
            "toggle_postings",
            "Postings",
            tooltip="It has postings relevant to you, or not",
            id="organisations.postings",
        ),
        Binding(
            "r",
            "ask",
            "Ask",
            tooltip="A new request to someone at the highlighted organisation",
            show=False,
            id="organisations.request",
        ),
        Binding(
            "k",
            "known",
            "Known",
            tooltip="Who do I know at the highlighted organisation?",
            id="organisations.known",
        ),
        Binding("escape", "back", "Back", show=False, id="organisations.back"),
    ]

    HELP = """
## Target organisations
Where you would like to work, ranked the way The 2-Hour Job Search ranks
them: by your motivation (0-3), then whether they have relevant postings,
then whether you know someone there (an advocate). Beside each, the people
your sessions know there: found, asked, waiting for a reply, met (in a
narrow terminal, one column: F/A/W/M), and how many of your network work
there (Known: from your connections export and address book).

The list is a plain file, `lists/organisations.toml` in the sessions folder:
every change here is written to it at once, and you may edit it in any
editor (Ctrl+R reads it again).

- **Enter** shows the people at the highlighted organisation.
- **n** adds an organisation; **e** edits the highlighted one; **x** or
  **Delete** removes it (asked first).
- **0**, **1**, **2**, **3** set its motivation at once; **v** says you know
  someone there, or not; **p** that it has relevant postings, or not.
- **r** asks someone there for a conversation (a new request).
- **k**: who do you know there? Your network and your sessions, each one
  key away from a request, or from asking them for an introduction.
- **Escape** goes back.
"""

    DEFAULT_CSS = """
    #organisations { height: 1fr; }
    /* Below 80 columns the footer keeps its room for the keys of the list. */
    OrganisationsScreen.-narrow Footer .-command-palette { display: none; }
    """

    def __init__(self, sessions_dir: Path) -> None:
        super().__init__()
        self.sessions_dir = sessions_dir
        self.path = organisations_path(sessions_dir)
        self.targets: list[Target] = []
        self.people: dict[str, AtOrganisation] = {}
        self.sessions: list[tuple[str, Session]] = []
        self.known: dict[str, int] = {}
        """How many of the user's network are at each organisation, by key."""
        self.network_problem = ""
        self.problem = ""
        """Why the file cannot be used (then nothing here changes it)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="organisations", cursor_type="row", zebra_stripes=True)
        yield Static("", id=self.STATUS_ID, markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "target organisations"
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        self.set_class(self.size.width < WIDE, "-narrow")
        if self.loaded and not self.problem:
            self.fill()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing to change before the list is read, or while its file is broken.
        return not (action in EDITS and (not self.loaded or self.problem))

    # --- reading and showing ---------------------------------------------------------

    def compute(self, found: Sessions) -> tuple[Any, ...]:
        from ...core.organisations import organisation_key, people_at
        from ...core.people import PeopleError

        workspace = workspace_of(self)
        targets: list[Target] | str
        try:
            targets = workspace.organisations()
        except OrganisationsError as error:
            targets = str(error)
        known: Counter[str] = Counter()
        problem = ""
        try:
            known.update(organisation_key(p.organisation) for p in workspace.network())
        except PeopleError as error:
            problem = str(error)
        return targets, people_at(found.sessions), known, problem

    def show(self, found: Sessions, result: Any) -> None:
        targets, self.people, self.known, problem = result
        self.sessions = found.sessions
        if problem and problem != self.network_problem:
            self.notify(problem, title="Your network", severity="warning", timeout=10)
        self.network_problem = problem
        if isinstance(targets, str):
            self.broken(targets)
        else:
            self.problem = ""
            self.targets = targets
            self.fill()
        self.refresh_bindings()

    def broken(self, problem: str) -> None:
        """The file cannot be used: show why, and nothing to edit."""
        first = self.problem != problem
        self.problem = problem
        self.targets = []
        self.query_one(DataTable).clear(columns=True)
        self.status_line.update(
            f"The list of organisations cannot be used: {problem}\n"
            f"Nothing here changes it. Fix the file ({self.path}) in an editor, "
            "then Ctrl+R reads it again."
        )
        if first:
            self.notify(problem, title="Organisations file", severity="error", timeout=15)
        self.refresh_bindings()

    def fill(self, keep: str | None = None) -> None:
        """The table from ``targets``; the cursor on ``keep`` (a key), else where it was."""
        table = self.query_one(DataTable)
        if keep is None and self.current is not None:
            keep = self.current.key
        table.clear(columns=True)
        # Below 80 columns the four counts share one column (f/a/w/m), so
        # that the names keep their room.
        narrow = self.size.width < WIDE
        widths = [("Mot", 3), ("Adv", 3), ("Post", 4)]
        if narrow:
            widths.append(("F/A/W/M", 7))
        else:
            widths += [("Found", 5), ("Asked", 5), ("Wait", 4), ("Met", 3)]
        for label, width in widths:
            table.add_column(label, key=label.casefold(), width=width)
        # The name fills what is left, cut at the edge rather than scrolled to.
        room = self.size.width - 2 - 2 * (len(widths) + 1) - sum(w for _, w in widths)
        if not narrow:
            room -= KNOWN_WIDTH + 2
        longest = max([12, *(cell_len(t.name) for t in self.targets)])
        table.add_column("Organisation", key="name", width=max(12, min(longest, room)))
        if not narrow:
            # After the name: the counts before it keep their places.
            table.add_column("Known", key="known", width=KNOWN_WIDTH)
        for t in self.targets:
            at = self.people.get(t.key, AtOrganisation())
            counts = [len(at.found), at.asked, at.waiting, at.met]
            if narrow:
                people = [Text("/".join(map(str, counts)) if any(counts) else "-")]
            else:
                people = [Text(_count(n)) for n in counts]
            table.add_row(
                Text(str(t.motivation), style="bold" if t.motivation == 3 else ""),
                Text("yes" if t.advocate else "-"),
                Text("yes" if t.postings else "-"),
                *people,
                Text(t.name, style="bold", overflow="ellipsis", no_wrap=True),
                *([] if narrow else [Text(_count(self.known.get(t.key, 0)))]),
                key=t.key,
            )
        keys = [t.key for t in self.targets]
        if keep in keys:
            table.move_cursor(row=keys.index(keep))
        count = len(self.targets)
        if count:
            told = f"{count:,} organisation{'' if count == 1 else 's'}"
        else:
            told = "No organisations yet: n adds one"
        self.status_line.update(f"{told} · a plain file you may edit too: {self.path}")

    @property
    def current(self) -> Target | None:
        table = self.query_one(DataTable)
        if not self.targets or table.cursor_row < 0 or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((t for t in self.targets if t.key == key), None)

    # --- changing the list ------------------------------------------------------------

    def change(
        self, edit: Callable[[list[Target]], str], keep: str, *, tell: bool = True
    ) -> str | None:
        """Read the file again, apply ``edit`` to it, write it; the cursor on ``keep``.
        None once written, else why nothing was (also told, with ``tell``: a
        form that asked for the change says it itself)."""
        workspace = workspace_of(self)
        try:
            targets = workspace.organisations()
        except OrganisationsError as error:
            self.broken(str(error))
            return f"the list of organisations cannot be used: {error}"
        try:
            message = edit(targets)
        except Refused as refusal:
            if tell:
                self.notify(str(refusal), severity="warning", timeout=6)
            self.targets = targets  # what the file holds now
            self.fill()
            return str(refusal)
        try:
            workspace.save_organisations(targets)
        except OrganisationsError as error:
            if tell:
                self.notify(str(error), title="Not saved", severity="error", timeout=12)
            return str(error)
        self.targets = sort_targets(targets)
        self.fill(keep)
        if message:
            self.notify(message, timeout=3)
        return None

    def _on_current(self, alter: Callable[[Target], str]) -> None:
        """``alter`` the highlighted organisation, as the file holds it now."""
        target = self.current
        if target is None:
            return
        key = target.key

        def edit(targets: list[Target]) -> str:
            found = next((t for t in targets if t.key == key), None)
            if found is None:
                raise Refused(f"{target.name} is no longer in the file.")
            return alter(found)

        self.change(edit, key)

    def action_motivation(self, level: int) -> None:
        def alter(t: Target) -> str:
            t.motivation = level
            return ""

        self._on_current(alter)

    def action_toggle_advocate(self) -> None:
        def alter(t: Target) -> str:
            t.advocate = not t.advocate
            return f"{t.name}: " + ("you know someone there." if t.advocate else "no advocate.")

        self._on_current(alter)

    def action_toggle_postings(self) -> None:
        def alter(t: Target) -> str:
            t.postings = not t.postings
            return f"{t.name}: " + ("relevant postings." if t.postings else "no postings.")

        self._on_current(alter)

    def _taken(self, other_than: str = "") -> dict[str, str]:
        return {t.key: t.name for t in self.targets if t.key != other_than}

    def store(self, target: Target, was: str | None) -> str | None:
        """Write ``target`` into the list in place of the organisation keyed ``was``
        (None: as a new one). None once written, else why not: the form that
        asked keeps what was typed and says it."""

        def edit(targets: list[Target]) -> str:
            clash = next((t for t in targets if t.key == target.key and t.key != was), None)
            if clash is not None:
                raise Refused(f"{clash.name} is in the list already.")
            if was is None:
                targets.append(target)
                return f"Added {target.name}."
            at = next((n for n, t in enumerate(targets) if t.key == was), None)
            if at is None:
                raise Refused("this organisation is no longer in the file (removed meanwhile).")
            targets[at] = target
            return ""

        return self.change(edit, target.key, tell=False)

    def action_new(self) -> None:
        from .organisation_form import OrganisationForm

        # Written by the form itself: it stays open until the list takes it.
        self.app.push_screen(OrganisationForm(None, self._taken(), store=self.store))

    def action_edit(self) -> None:
        from .organisation_form import OrganisationForm

        current = self.current
        if current is None:
            return
        form = OrganisationForm(current, self._taken(current.key), store=self.store)
        self.app.push_screen(form)

    def action_remove(self) -> None:
        from .prompts import ChoiceModal

        current = self.current
        if current is None:
            return
        key = current.key

        def chosen(choice: str | None) -> None:
            if choice != "remove":
                return

            def edit(targets: list[Target]) -> str:
                kept = [t for t in targets if t.key != key]
                if len(kept) == len(targets):
                    raise Refused(f"{current.name} is no longer in the file.")
                targets[:] = kept
                return f"Removed {current.name} (the sessions with people there are kept)."

            rows = [t.key for t in self.targets]
            at = rows.index(key)
            after = rows[at + 1] if at + 1 < len(rows) else rows[at - 1] if at else ""
            self.change(edit, after)

        self.app.push_screen(
            ChoiceModal(
                f"Remove {current.name}?",
                "From the list of target organisations only: sessions with people there are kept.",
                [("y", "remove it", "remove"), ("n", "keep it", "")],
            ),
            chosen,
        )

    def action_ask(self) -> None:
        target = self.current
        if target is not None:
            navigation.new_request(self, organisation=target.name)

    def action_known(self) -> None:
        from .known import KnownScreen

        target = self.current
        if target is not None and not self.problem:
            self.app.push_screen(KnownScreen(target.name, sessions=self.sessions))

    @on(DataTable.RowSelected)
    def action_people(self) -> None:
        from .prompts import MessageModal

        target = self.current
        if target is None or self.problem:
            return
        at = self.people.get(target.key, AtOrganisation())
        if at.found:
            lines = [", ".join(at.found) + "."]
            lines.append(
                f"Asked {at.asked}, waiting for a reply {at.waiting}, met {at.met}. "
                "r asks someone else there."
            )
        else:
            lines = ["No one there in your sessions yet: r asks someone for a conversation."]
        if target.notes:
            lines.append(f"Notes: {target.notes}")
        self.app.push_screen(MessageModal(f"People at {target.name}", "\n\n".join(lines)))

    def action_back(self) -> None:
        self.dismiss()
