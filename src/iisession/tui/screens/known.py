"""Who do I know at an organisation? The people of the user's network there
(from the connections export and the address book), and the people the
sessions know there, each one key away from a request.

The craft starts with the people one knows already: ask them for a
conversation, or to introduce you to someone at the organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static
from textual.worker import Worker, WorkerState

from ...core import collector
from ...core.model import Person, SessionState
from ...core.organisations import organisation_key
from ...core.people import Known, PeopleError, name_key
from ...core.requests import Stage, introduction_request_draft, stage_of
from ..key_order import AnsweredByOneKey
from . import workspace_of

if TYPE_CHECKING:
    from ...core.model import Session

HOW_FOUND = {
    "connections": "we are connected (connections export)",
    "vcard": "from my address book",
}
"""How they were found, as the request form takes it, by where they came from."""

SOURCE_WORDS = {"connections": "connections export", "vcard": "address book"}
SHORT_SOURCE = {"connections": "connections"}
"""Where they came from, in the table's column (the line under it has it whole)."""

IMPORT_HINT = "`iisession import connections FILE` brings in your network"

WIDTH = 78
"""The dialog's width: it fits an 80-column terminal."""

ANYONE = "\0anyone"
"""The chooser's answer for an introduction to whoever they suggest."""


@dataclass
class Row:
    """One person in the list: from the network, a session, or a session's referral."""

    name: str
    title: str
    how: str
    known: Known | None = None
    file: str = ""
    """The session with them (its file name in the sessions folder), if any."""
    session: Session | None = None
    referral_id: str = ""
    """A referral of ``file``'s session, not asked yet."""


def _connected(person: Known, *, short: bool = False) -> str:
    how = SOURCE_WORDS.get(person.source, person.source)
    if short:
        how = SHORT_SOURCE.get(person.source, how)
    return f"{how}, {person.connected_on}" if person.connected_on else how


def rows_at(
    organisation: str, network: list[Known], sessions: list[tuple[str, Session]]
) -> list[Row]:
    """The network's people at ``organisation`` (with their session, if they have
    one), then the others the sessions know there: people and referrals."""
    key = organisation_key(organisation)
    here = [
        (file, s)
        for file, s in sessions
        if not s.practice and key and organisation_key(s.person.organisation) == key
    ]
    by_name = {name_key(s.person.name): (file, s) for file, s in here if s.person.name.strip()}
    rows: list[Row] = []
    taken: set[str] = set()
    for person in network:
        file, session = by_name.get(name_key(person.name), ("", None))
        how = _connected(person, short=True)
        if session is not None:
            how += f" · {stage_of(session).value}"
            taken.add(file)
        rows.append(Row(person.name, person.title, how, person, file, session))
    for file, s in here:
        if file not in taken and s.person.name.strip():
            how = f"your sessions, {stage_of(s).value}"
            rows.append(Row(s.person.name, s.person.title, how, None, file, s))
    # Referrals not asked yet (a request to them is a session of its own, above).
    linked = {s.id for _, s in sessions}
    asked = {(s.source_session, s.source_referral) for _, s in sessions if s.source_referral}
    for file, s in sessions:
        if s.practice or s.state in (SessionState.PLANNED, SessionState.REQUESTED):
            continue
        for r in s.referrals:
            if not key or organisation_key(r.organisation) != key or not r.name.strip():
                continue
            if r.session_id in linked or (s.id, r.id) in asked:
                continue
            suggested = f"suggested by {s.person.name}" if s.person.name else "a referral"
            rows.append(Row(r.name, r.role, suggested, None, file, s, r.id))
    return rows


class KnownScreen(AnsweredByOneKey, ModalScreen[None]):
    """The people known at one organisation: Enter or a asks one of them, i asks
    them for an introduction, Escape closes."""

    DEFAULT_CSS = """
    KnownScreen #known-table { height: auto; max-height: 12; }
    KnownScreen #known-note, KnownScreen #known-detail { height: auto; }
    KnownScreen #known-note.-problem { color: $error; text-style: bold; }
    KnownScreen .hint { margin-top: 1; }
    """

    BINDINGS = [
        Binding("a", "ask", "Ask", tooltip="Ask them for a conversation", id="known.ask"),
        Binding(
            "i",
            "introduce",
            "Introduction",
            tooltip="Ask them to introduce you to someone there",
            id="known.introduce",
        ),
        Binding("escape", "close", "Close", id="known.close"),
    ]

    def __init__(
        self,
        organisation: str,
        *,
        sessions: list[tuple[str, Session]] | None = None,
        current_id: str = "",
    ) -> None:
        """``sessions``: the folder's, if the caller has read them (else read
        here, in a thread); ``current_id``: the session the caller shows."""
        super().__init__()
        self.organisation = " ".join(organisation.split())
        self.sessions = sessions
        self.current_id = current_id
        self.rows: list[Row] = []
        self.problem = ""
        """Why the network file cannot be used, if it cannot."""
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="known", classes="dialog"):
            yield Label(f"Who do I know at {self.organisation}?", classes="title", markup=False)
            yield Static("Reading your network…", id="known-note", markup=False)
            table: DataTable[Text] = DataTable(id="known-table", cursor_type="row")
            table.add_column("Name", width=20, key="name")
            table.add_column("Title", width=20, key="title")
            table.add_column("How you know them", width=24, key="how")
            yield table
            yield Static("", id="known-detail", markup=False)
            yield Static(
                "Enter or a: ask them · i: ask them for an introduction · Esc: close",
                classes="hint",
            )

    def on_mount(self) -> None:
        # Wider than other dialogs (set here: the app's dialog width wins over
        # a screen's own CSS): three columns of names and titles.
        self.query_one("#known").styles.width = WIDTH
        table = self.query_one(DataTable)
        table.display = False
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        from textual.worker import get_current_worker

        workspace = workspace_of(self)
        problem = ""
        try:
            network = workspace.known_at(self.organisation)
        except PeopleError as error:
            network, problem = [], str(error)
        sessions = self.sessions
        with collector.held_off():  # every session at once: see ``core.collector``
            if sessions is None:
                sessions = workspace.read_sessions().sessions
            rows = rows_at(self.organisation, network, sessions)
        if not get_current_worker().is_cancelled:  # closed meanwhile
            self.app.call_from_thread(self.show, rows, problem, sessions)

    def show(self, rows: list[Row], problem: str, sessions: list[tuple[str, Session]]) -> None:
        if not self.is_attached:
            return
        self.rows, self.problem, self.sessions = rows, problem, sessions
        table = self.query_one(DataTable)
        table.clear()
        table.display = bool(rows)
        for n, row in enumerate(rows):
            cells = (row.name, row.title or "-", row.how)
            table.add_row(*(Text(c, overflow="ellipsis", no_wrap=True) for c in cells), key=str(n))
        note = self.query_one("#known-note", Static)
        in_network = sum(row.known is not None for row in rows)
        if problem:
            said = f"Your network cannot be read: {problem}"
        elif not in_network:
            said = f"Nobody you know at {self.organisation} yet: {IMPORT_HINT}."
        else:
            said = f"{in_network} in your network there."
        others = len(rows) - in_network
        if others:
            said += f" {others} more from your sessions."
        note.update(said)
        note.set_class(bool(problem), "-problem")
        self.loaded = True
        self.show_detail()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:  # never "Reading..." for ever
            note = self.query_one("#known-note", Static)
            note.update(f"The sessions could not be read: {event.worker.error}")
            note.set_class(True, "-problem")

    @property
    def current(self) -> Row | None:
        table = self.query_one(DataTable)
        if not self.rows or table.row_count == 0 or table.cursor_row < 0:
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        """The highlighted person whole: the table cuts long names and titles."""
        row = self.current
        detail = self.query_one("#known-detail", Static)
        if row is None:
            detail.update("")
            return
        known = row.known
        parts = [row.name, row.title]
        if known is not None:
            parts += [known.email or known.url or known.phone, _connected(known)]
            if row.session is not None:
                parts.append(f"in your sessions: {stage_of(row.session).value}")
        else:
            parts.append(row.how)
        detail.update(" · ".join(p for p in parts if p))

    # --- asking -----------------------------------------------------------------------

    def _leave_then(self, go: Callable[[Widget], None]) -> None:
        """Close, then ``go`` on the screen under this one (what opens next
        comes back there, not here)."""
        below = self.app.screen_stack[-2]
        self.dismiss()
        # From the app, not from here: a form opened now answers whoever opened
        # it, and this screen has gone by then.
        self.app.call_later(go, below)

    def _person(self, known: Known) -> Person:
        return Person(
            name=known.name,
            title=known.title,
            organisation=self.organisation or known.organisation,
            how_found=HOW_FOUND.get(known.source, ""),
            contact=known.email or known.url or known.phone,
        )

    @on(DataTable.RowSelected)
    def action_ask(self) -> None:
        row = self.current
        if row is None:
            return
        if row.session is not None and row.session.id == self.current_id:
            self.notify(f"{row.name}: that is the session you came from.", timeout=4)
            self.dismiss()
            return
        from .. import navigation

        folder = workspace_of(self).sessions_dir
        if row.referral_id:
            file, referral = row.file, row.referral_id
            self._leave_then(lambda node: navigation.open_outreach(node, folder / file, referral))
            return
        if row.session is not None:
            # Asked (or met) already: their session, never a second one.
            path, state = folder / row.file, row.session.state
            if state is SessionState.REQUESTED:
                self._leave_then(lambda node: navigation.open_request(node, path))
            elif state is SessionState.PLANNED:
                self._leave_then(lambda node: navigation.open_setup(node, path))
            else:
                self._leave_then(lambda node: navigation.open_detail(node, path))
            return
        assert row.known is not None
        person = self._person(row.known)
        self._leave_then(lambda node: navigation.new_request(node, person=person))

    def action_introduce(self) -> None:
        row = self.current
        if row is None:
            return
        known = row.known
        if known is None:
            self.notify(
                "i asks someone you know for an introduction: pick one of your network.",
                timeout=5,
            )
            return
        if row.session is not None:
            self.notify(
                f"You have a session with {row.name} already ({stage_of(row.session).value}): "
                "Enter opens it.",
                timeout=6,
            )
            return
        # Whom to be introduced to: someone the sessions found there, not asked
        # yet (first, the one of the session this was opened from).
        found = [
            r
            for r in self.rows
            if r.known is None
            and (r.referral_id or (r.session is not None and stage_of(r.session) is Stage.TO_ASK))
        ]
        if not found:
            self._introduction(known, "")
            return
        from .prompts import ListChooser

        found.sort(key=lambda r: r.session is None or r.session.id != self.current_id)
        choices = [(r.name, r.name) for r in found]
        choices.append((f"whoever {known.name} suggests", ANYONE))

        def chosen(whom: str | None) -> None:
            if whom is not None:
                self._introduction(known, "" if whom == ANYONE else whom)

        self.app.push_screen(
            ListChooser(f"{known.name}: an introduction to whom?", choices), chosen
        )

    def _introduction(self, known: Known, whom: str) -> None:
        from .. import navigation

        organisation = self.organisation or known.organisation
        person = self._person(known)
        workspace = workspace_of(self)

        def drafted(session: Session) -> None:
            request = session.request
            if request is None:
                return
            request.text = introduction_request_draft(
                known.name,
                organisation,
                workspace.profile,
                whom,
                limit_minutes=session.limit_minutes,
            )
            request.subject = f"Would you introduce me to {whom or f'someone at {organisation}'}?"

        self._leave_then(lambda node: navigation.new_request(node, person=person, drafted=drafted))

    def action_close(self) -> None:
        self.dismiss()
