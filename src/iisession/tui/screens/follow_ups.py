"""Follow-ups: what is due, earliest first, each one key away from being done."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ...core.planning import CONFIRM_BEFORE
from ...core.todo import DueKind
from .. import navigation
from ..widgets.footer import Footer
from . import workspace_of
from .folder_view import FolderView

if TYPE_CHECKING:
    from ...core.index import Sessions
    from ...core.todo import Due

SOON = dt.timedelta(days=30)
"""Shown unless everything is asked for: what is overdue or due this soon."""

SHOWN_MAX = 500
"""Rows in the table at most; `iisession todo` lists everything."""


class FollowUpsScreen(FolderView):
    """Thank-yous to send, people to contact, calls to confirm, contacts to keep."""

    BINDINGS = [
        Binding(
            "o",
            "open_session",
            "Open session",
            tooltip="Read the highlighted item's session",
            id="followups.open",
        ),
        Binding(
            "a",
            "toggle_all",
            "All/soon",
            tooltip="Show everything, or what is due soon",
            id="followups.all",
        ),
        Binding(
            "x",
            "export",
            "Calendar",
            tooltip="Write the follow-ups as a calendar (.ics)",
            id="followups.export",
        ),
        Binding("escape", "back", "Back", id="followups.back"),
    ]

    HELP = """
## Follow-ups
What is due, earliest first: requests to send; on business days (weekends
and the `holidays` in the config file skipped), the next person at the same
organisation to ask after 3 days without a reply, the one follow-up after 7,
and after 7 more to mark it no reply and move on; thank-you notes not sent
(due a day after the call), referrals not contacted (within a week of the
call), planned calls to confirm (48 hours before), telling whoever referred
you that you met the person they suggested, and keeping in touch some weeks
after the last contact (`keep_in_touch_weeks` in the config file, 12 by
default).

- **Enter** does the highlighted item: opens the request to send, follow up
  or close; offers to ask the next person; writes the thank-you; opens the
  request to the referral; marks the call confirmed, the referrer told, or
  notes you were in touch today.
- **o** opens the item's session. **a** shows everything, not only what is due
  in the next 30 days. **x** writes them all as a calendar file (.ics).
- **Escape** goes back.
"""

    def __init__(self, sessions_dir: Path, weeks: int) -> None:
        super().__init__()
        self.sessions_dir = sessions_dir
        self.weeks = weeks
        self.show_all = False
        self.items: list[Due] = []
        self.rows: dict[str, Due] = {}
        self.asking: dict[str, tuple[str, str]] = {}
        """For each ask-next item (by uid): who to ask next, and the organisation."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="follow-ups", cursor_type="row")
        # The highlighted item whole: a long title is cut at the table's edge.
        yield Static("", id="follow-up-whole", markup=False)
        yield Static("", id=self.STATUS_ID, markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "follow-ups"
        self.query_one(DataTable).focus()

    # --- reading and showing ---------------------------------------------------------

    def compute(self, found: Sessions) -> tuple[list[Due], dict[str, tuple[str, str]]]:
        from ...core.todo import due_items
        from .requests import next_name

        items = due_items(found.sessions, self.weeks, workspace_of(self).settings.holidays)
        by_file = dict(found.sessions)
        asking = {}
        for item in items:
            if item.kind is DueKind.ASK_NEXT and item.file in by_file:
                organisation = by_file[item.file].person.organisation.strip()
                asking[item.uid] = (next_name(item, by_file), organisation)
        return items, asking

    def show(self, found: Sessions, result: tuple[list[Due], dict[str, tuple[str, str]]]) -> None:
        self.items, self.asking = result
        self.fill()

    @staticmethod
    def row_key(item: Due) -> str:
        # The file too: a conflict copy of a session has the same id.
        return f"{item.file}\n{item.uid}"

    def fill(self) -> None:
        now = workspace_of(self).clock.wall()
        table = self.query_one(DataTable)
        kept = self.row_key(self.current) if self.current is not None else None
        shown = self.items if self.show_all else [i for i in self.items if i.due - now <= SOON]
        listed = shown[:SHOWN_MAX]
        # Widths set here, not measured by the table: its measuring waits for an
        # idle moment, and a refill before then left the titles cut to 4 columns.
        table.clear(columns=True)
        table.add_column("Due", key="due", width=10)
        table.add_column("", key="flag", width=7)
        table.add_column("What", key="title", width=max([4, *(cell_len(i.title) for i in listed)]))
        self.rows = {}
        for item in listed:
            key = self.row_key(item)
            self.rows[key] = item
            if item.overdue(now):
                flag = Text("OVERDUE", style="bold")
            elif item.due.astimezone().date() == now.astimezone().date():
                flag = Text("today", style="bold")
            else:
                flag = Text("")
            table.add_row(
                f"{item.due.astimezone():%Y-%m-%d}",
                flag,
                Text(item.title),
                key=key,
            )
        if kept in self.rows:
            table.move_cursor(row=table.get_row_index(kept))
        overdue = sum(i.overdue(now) for i in self.items)
        later = len(self.items) - len(shown)
        count = len(self.items)
        parts = [f"{count:,} follow-up{'' if count == 1 else 's'}" if count else "Nothing due"]
        if overdue:
            parts.append(f"{overdue:,} overdue")
        if later > 0:
            parts.append(f"{later:,} more after 30 days (a)")
        elif self.show_all and count:
            parts.append("all shown (a: next 30 days)")
        if len(shown) > SHOWN_MAX:
            parts.append(f"the first {SHOWN_MAX} listed (x writes all to a calendar)")
        if self.rows:
            parts.append("Enter does it")
        self.status_line.update(" · ".join(parts))
        self.show_whole()

    @on(DataTable.RowHighlighted)
    def show_whole(self) -> None:
        item = self.current
        whole = self.query_one("#follow-up-whole", Static)
        if item is None:
            whole.update("")
            return
        when = f"{item.due.astimezone():%a %d %b %H:%M}"
        whole.update(f"{when}: {item.title}")

    @property
    def current(self) -> Due | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key or "")

    # --- doing -----------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def do_it(self) -> None:
        from .prompts import ChoiceModal

        item = self.current
        if item is None:
            return
        workspace = workspace_of(self)
        path = self.sessions_dir / item.file
        if item.kind in (DueKind.SEND_REQUEST, DueKind.FOLLOW_UP, DueKind.NO_REPLY):
            navigation.open_request(self, path)
        elif item.kind is DueKind.ASK_NEXT:
            self.ask_next(item, path)
        elif item.kind is DueKind.TELL_REFERRER:

            def told(choice: str | None) -> None:
                if choice == "told" and navigation.done(
                    self, lambda: workspace.mark_referrer_told(path)
                ):
                    self.load()
                elif choice == "open":
                    navigation.open_detail(self, path)

            self.app.push_screen(
                ChoiceModal(
                    item.title,
                    "A short note is enough: that you met, and what came of it. People "
                    "who pass on a contact like to hear it helped.",
                    [("t", "I told them", "told"), ("o", "open the session", "open")],
                ),
                told,
            )
        elif item.kind is DueKind.THANK_YOU:
            navigation.open_thank_you(self, path)
        elif item.kind is DueKind.OUTREACH:
            navigation.open_outreach(self, path, item.referral)
        elif item.kind is DueKind.CONFIRM:

            def confirm(choice: str | None) -> None:
                if choice == "confirm" and navigation.done(
                    self, lambda: workspace.mark_confirmed(path)
                ):
                    self.load()
                elif choice == "open":
                    navigation.open_setup(self, path)

            when = f"{(item.due + CONFIRM_BEFORE).astimezone():%A %d %B, %H:%M}"
            self.app.push_screen(
                ChoiceModal(
                    f"The call with {item.person}",
                    f"Planned for {when}. Confirm it with them a day or two before.",
                    [("c", "mark it confirmed", "confirm"), ("o", "open it to edit", "open")],
                ),
                confirm,
            )
        else:

            def touch(choice: str | None) -> None:
                if choice == "touch" and navigation.done(
                    self, lambda: workspace.mark_in_touch(path)
                ):
                    self.load()
                elif choice == "open":
                    navigation.open_detail(self, path)

            last = f"{(item.due - dt.timedelta(weeks=self.weeks)).astimezone():%d %B %Y}"
            self.app.push_screen(
                ChoiceModal(
                    f"Keep in touch with {item.person}",
                    f"Last in touch {last}. A short note is enough: what you did with "
                    "their advice, or how your search is going.",
                    [("t", "I was in touch today", "touch"), ("o", "open the session", "open")],
                ),
                touch,
            )

    def ask_next(self, item: Due, path: Path) -> None:
        """No reply yet: ask the next person at the organisation, or go back to the request."""
        from .prompts import ChoiceModal

        name, organisation = self.asking.get(item.uid, ("", ""))

        def chosen(choice: str | None) -> None:
            if choice == "next":
                if item.next_referral:
                    where = self.sessions_dir / item.next_file
                    navigation.open_outreach(self, where, item.next_referral)
                elif item.next_file:
                    navigation.open_request(self, self.sessions_dir / item.next_file)
                else:
                    navigation.new_request(self, organisation=organisation)
            elif choice == "open":
                navigation.open_request(self, path)

        at = f" at {organisation}" if organisation else ""
        if item.overdue(workspace_of(self).clock.wall()):
            why = (
                f"Three business days have passed. One request at a time{at}: now is "
                "the time to ask the next person there, and to keep waiting on this one."
            )
        else:
            why = (
                f"Three business days after the request, from {item.due.astimezone():%A %d %B}, "
                f"it is time to ask the next person there (one request at a time{at}). "
                "Their request can be ready before then."
            )
        self.app.push_screen(
            ChoiceModal(
                f"No reply from {item.person} yet",
                why,
                [
                    ("n", f"ask {name or 'the next person'} next", "next"),
                    ("o", f"open the request to {item.person}", "open"),
                ],
            ),
            chosen,
        )

    def action_open_session(self) -> None:
        item = self.current
        if item is not None:
            navigation.open_detail(self, self.sessions_dir / item.file)

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.fill()

    def action_export(self) -> None:
        from .prompts import TextPrompt

        def chosen(value: str | None) -> None:
            if value:
                self.export(value)

        default = str(Path("~") / "iisession-follow-ups.ics")
        self.app.push_screen(TextPrompt("Write the follow-ups as a calendar", default), chosen)

    def export(self, where: str) -> None:
        from ...core.todo import to_ics

        text = to_ics(self.items, workspace_of(self).clock.wall())
        count = len(self.items)
        navigation.export_text(self, where, text, f"{count} follow-up{'' if count == 1 else 's'}")

    def action_back(self) -> None:
        self.dismiss()
