"""Every request: who was asked, where it stands, and the next step with its day.

One row per contact asked (or to ask) for a conversation: the requests still
open, then the calls they led to; declined, unanswered and met ones on ``a``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ...core.requests import OPEN_STAGES, Stage
from ...core.todo import DueKind
from .. import navigation
from ..widgets.footer import Footer
from . import workspace_of
from .folder_view import FolderView

if TYPE_CHECKING:
    from ...core.index import Sessions
    from ...core.model import Session
    from ...core.settings import Settings
    from ...core.todo import Due

CLOSED = (Stage.DECLINED, Stage.NO_REPLY, Stage.MET)
"""Shown only when asked for (a)."""

STEPS = {
    DueKind.SEND_REQUEST: "send the request",
    DueKind.FOLLOW_UP: "follow up once",
    DueKind.NO_REPLY: "mark it no reply",
}
"""The next step, short: the person is in the row already."""


@dataclass(frozen=True)
class RequestRow:
    file: str
    person: str
    organisation: str
    stage: Stage
    asked: dt.datetime | None
    step: str
    """What to do next, short ("follow up once"), or what comes ("the call")."""
    due: dt.datetime | None
    item: Due | None
    """The follow-up item behind ``step``, if there is one."""

    @property
    def closed(self) -> bool:
        return self.stage in CLOSED


def next_name(item: Due, sessions: dict[str, Session]) -> str:
    """Who an ask-next item names: the referral, else the session's person."""
    source = sessions.get(item.next_file)
    if source is None:
        return ""
    if item.next_referral:
        found = next((r for r in source.referrals if r.id == item.next_referral), None)
        return found.name.strip() if found is not None else ""
    return source.person.name.strip()


def request_rows(found: Sessions, settings: Settings) -> list[RequestRow]:
    """Every request (practice runs aside), open ones first, then by the day due."""
    from ...core.model import SessionState
    from ...core.requests import stage_of
    from ...core.todo import REQUEST_KINDS, due_items

    items = due_items(found.sessions, settings.keep_in_touch_weeks, settings.holidays)
    first: dict[str, Due] = {}
    for due_item in items:  # earliest first
        if due_item.kind in REQUEST_KINDS:
            first.setdefault(due_item.file, due_item)
    by_file = dict(found.sessions)
    rows = []
    for file, s in found.sessions:
        if s.practice or (s.request is None and s.state is not SessionState.REQUESTED):
            continue
        stage = stage_of(s)
        item = first.get(file)
        step: str = ""
        due: dt.datetime | None = None
        if item is not None:
            due = item.due
            if item.kind is DueKind.ASK_NEXT:
                step = f"ask {next_name(item, by_file) or 'the next person'} next"
            else:
                step = STEPS.get(item.kind, item.title)
        elif stage is Stage.AGREED:
            step, due = "the call", s.planned_at
        rows.append(
            RequestRow(
                file=file,
                person=s.person.name.strip() or "(no name)",
                organisation=s.person.organisation.strip(),
                stage=stage,
                asked=s.request.sent_at if s.request is not None else None,
                step=step,
                due=due,
                item=item,
            )
        )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)

    def order(row: RequestRow) -> tuple[int, dt.datetime, dt.datetime, str]:
        group = 2 if row.closed else 1 if row.stage is Stage.AGREED else 0
        return (group, row.due or far, row.asked or far, row.person.casefold())

    rows.sort(key=order)
    return rows


def tally(rows: list[RequestRow]) -> str:
    """``3 waiting · 1 to send · 2 closed``: the status line's counts."""
    waiting = sum(r.stage in OPEN_STAGES for r in rows)
    to_send = sum(r.stage is Stage.TO_ASK for r in rows)
    planned = sum(r.stage is Stage.AGREED for r in rows)
    closed = sum(r.closed for r in rows)
    parts = [f"{waiting:,} waiting", f"{to_send:,} to send"]
    if planned:
        parts.append(f"{planned:,} call{'' if planned == 1 else 's'} planned")
    parts.append(f"{closed:,} closed")
    return " · ".join(parts)


def waiting_line(found: Sessions, settings: Settings, now: dt.datetime) -> str:
    """What the requests hold for the user now, in a line (empty with no requests):
    ``Requests: 2 waiting for a reply · 1 to follow up today``."""
    rows = request_rows(found, settings)
    if not rows:
        return ""
    today = now.astimezone().date()
    due = [r for r in rows if r.item is not None and r.due and r.due.astimezone().date() <= today]
    waiting = sum(r.stage in OPEN_STAGES for r in rows)
    kinds = [r.item.kind for r in due if r.item is not None]
    steps = [
        f"{count:,} {words}"
        for kind, words in (
            (DueKind.SEND_REQUEST, "to send"),
            (DueKind.ASK_NEXT, "to ask the next person"),
            (DueKind.FOLLOW_UP, "to follow up today"),
            (DueKind.NO_REPLY, "to mark no reply"),
        )
        if (count := kinds.count(kind))
    ]
    if len(steps) > 2:  # one line, even at 60 columns: the list has the details
        steps = [f"{len(kinds):,} steps due today"]
    parts = [f"{waiting:,} waiting for a reply"] if waiting else []
    parts += steps
    if not parts:
        return ""
    return "Requests: " + " · ".join(parts)


def measure(
    headers: list[str], cells: list[list[Text]], most: list[int], short: tuple[int, ...] = ()
) -> list[int]:
    """The widest line in each column (its header too, or its ``short`` width
    for the first columns), up to ``most``."""
    widths = []
    for n, header in enumerate(headers):
        lines = [cell_len(line) for row in cells for line in row[n].plain.split("\n")]
        least = short[n] if n < len(short) else cell_len(header)
        widths.append(min(most[n], max([least, *lines])))
    return widths


def fit(wanted: list[int], least: list[int], order: list[list[int]], room: int) -> list[int]:
    """Column widths: as ``wanted``, cut until they fit in ``room`` if they can;
    the groups of columns in ``order`` one after the other, and within a group
    the widest first, none below its ``least`` (0: never cut)."""
    widths = list(wanted)
    for group in order:
        while sum(widths) > room:
            cuttable = [c for c in group if least[c] and widths[c] > least[c]]
            if not cuttable:
                break
            widths[max(cuttable, key=lambda c: widths[c])] -= 1
    return widths


def _lines(*lines: Text) -> Text:
    """One cell of several lines, each cut at the edge with an ellipsis."""
    return Text("\n", overflow="ellipsis", no_wrap=True).join(lines)


def _day(moment: dt.datetime | None) -> str:
    """``3 Dec``: the table's dates, short (the line under it has the weekday)."""
    if moment is None:
        return "-"
    local = moment.astimezone()
    return f"{local.day} {local:%b}"


class RequestsScreen(FolderView):
    """Who was asked for a conversation, where each stands, and what comes next."""

    BINDINGS = [
        Binding("n", "new_request", "New", tooltip="Ask someone new", id="requests.new"),
        Binding(
            "o",
            "open_session",
            "Session",
            tooltip="Read the highlighted request's session",
            id="requests.open",
        ),
        Binding(
            "a",
            "toggle_closed",
            "Closed",
            tooltip="Show the declined, unanswered and met ones too, or hide them",
            id="requests.all",
        ),
        Binding("escape", "back", "Back", id="requests.back"),
    ]

    HELP = """
## Requests
Everyone you asked (or mean to ask) for a conversation: where each request
stands (to ask, waiting, followed up, call planned) and the next step, on
business days: ask the next person at the same organisation after 3 days
without a reply, follow up once after 7, and after 7 more give it up as no
reply. Open requests come first, earliest step first.

- **Enter** opens the highlighted request: its draft, what it meets, and
  what came back.
- **n** asks someone new. **o** opens the request's session.
- **a** shows the closed ones too (declined, no reply, met), or hides them.
- **Escape** goes back.
"""

    def __init__(self, sessions_dir: Path) -> None:
        super().__init__()
        self.sessions_dir = sessions_dir
        self.show_closed = False
        self.all_rows: list[RequestRow] = []
        self.rows: dict[str, RequestRow] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="requests", cursor_type="row", zebra_stripes=True)
        yield Static("", id="request-step", markup=False)
        yield Static("", id=self.STATUS_ID, markup=False)
        yield Footer(compact=True)

    DEFAULT_CSS = """
    #requests { height: 1fr; }
    #request-step { height: auto; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.sub_title = "requests"
        self.query_one(DataTable).focus()

    # --- reading and showing ---------------------------------------------------------

    def compute(self, found: Sessions) -> list[RequestRow]:
        return request_rows(found, workspace_of(self).settings)

    def show(self, found: Sessions, result: list[RequestRow]) -> None:
        self.all_rows = result
        self.fill()

    def fill(self) -> None:
        now = workspace_of(self).clock.wall()
        table = self.query_one(DataTable)
        kept = self.current.file if self.current is not None else None
        listed = [r for r in self.all_rows if self.show_closed or not r.closed]
        cells = [
            [
                Text(r.person, style="bold", overflow="ellipsis", no_wrap=True),
                Text(r.organisation or "-", overflow="ellipsis", no_wrap=True),
                Text(str(r.stage), style="dim" if r.closed else ""),
                Text(_day(r.due), style="bold" if r.due and r.due <= now else ""),
                Text(r.step or "-", overflow="ellipsis", no_wrap=True),
                Text(_day(r.asked)),
            ]
            for r in listed
        ]
        # Widths set here, not measured by the table (see the follow-ups), and
        # made to fit the screen: the longer of the name and the organisation is
        # cut first, then the step. Where six columns cannot fit, three do, of
        # two lines each.
        headers = ["Person", "Organisation", "Stage", "Due", "Next step", "Asked"]
        room = self.size.width - 2 - 2 * len(headers)  # the scrollbar, the cells' padding
        widths = fit(
            measure(headers, cells, [24, 24, 12, 6, 26, 6], (6, 6)),
            [10, 8, 0, 0, 12, 0],
            [[0, 1], [4]],
            room,
        )
        height = 1
        if sum(widths) > room:
            headers = ["Person", "Stage", "Next step"]
            cells = [
                [
                    _lines(who, where),
                    _lines(stage, Text(f"asked {asked}" if r.asked else "")),
                    _lines(due, step),
                ]
                for r, (who, where, stage, due, step, asked) in zip(listed, cells, strict=True)
            ]
            room = self.size.width - 2 - 2 * len(headers)
            widths = fit(measure(headers, cells, [24, 13, 26]), [8, 0, 8], [[0], [2]], room)
            height = 2
        if widths[1] < len(headers[1]):
            headers[1] = "Org"
        table.clear(columns=True)
        for header, size in zip(headers, widths, strict=True):
            table.add_column(header, key=header.casefold(), width=size)
        self.rows = {}
        for row, line in zip(listed, cells, strict=True):
            self.rows[row.file] = row
            table.add_row(*line, key=row.file, height=height)
        if kept in self.rows:
            table.move_cursor(row=table.get_row_index(kept))
        self.say()

    def say(self) -> None:
        """The counts, and the highlighted row's next step in full."""
        from ...core.workdays import describe_day

        if not self.all_rows:
            self.status_line.update(
                "No requests yet: n asks someone for a conversation (or `iisession ask`)."
            )
            self.query_one("#request-step", Static).update("")
            return
        parts = [tally(self.all_rows)]
        hidden = sum(r.closed for r in self.all_rows)
        if hidden and not self.show_closed:
            parts.append("a shows the closed")
        elif self.show_closed:
            parts.append("a hides the closed")
        if self.rows:
            parts.append("Enter opens")
        self.status_line.update(" · ".join(parts))
        row = self.current
        step = ""
        if row is not None and row.item is not None:
            step = f"Next: {row.item.title}, due {describe_day(row.item.due)}."
        self.query_one("#request-step", Static).update(step)

    def on_resize(self) -> None:
        if self.loaded:
            self.fill()

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        if self.all_rows:
            self.say()

    @property
    def current(self) -> RequestRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key or "")

    # --- doing -----------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def open_request(self) -> None:
        row = self.current
        if row is not None:
            navigation.open_request(self, self.sessions_dir / row.file)

    def action_new_request(self) -> None:
        navigation.new_request(self)

    def action_open_session(self) -> None:
        row = self.current
        if row is not None:
            navigation.open_detail(self, self.sessions_dir / row.file)

    def action_toggle_closed(self) -> None:
        self.show_closed = not self.show_closed
        self.fill()

    def action_back(self) -> None:
        self.dismiss()
