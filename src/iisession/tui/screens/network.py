"""The network: who led to whom across every session, as a tree to walk and act on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static, Tree

from .. import navigation
from ..widgets.footer import Footer
from .folder_view import FolderView

if TYPE_CHECKING:
    from textual.widgets.tree import TreeNode

    from ...core.index import Sessions
    from ...core.network import Contact, Network, Node

EXPAND_UP_TO = 2_000
"""With more people than this, the tree opens with only its first level shown."""


class NetworkScreen(FolderView):
    """Each person met or suggested, who suggested them, and where each stands."""

    BINDINGS = [
        Binding(
            "o",
            "outreach",
            "Reach out",
            tooltip="The request to the highlighted person",
            id="network.outreach",
        ),
        Binding(
            "n",
            "call",
            "Set up a call",
            tooltip="Set up a call with the highlighted person",
            id="network.call",
        ),
        Binding("escape", "back", "Back", id="network.back"),
    ]

    HELP = """
## Who led to whom
Every person you talked to or asked, with the people they suggested under
them, and where each stands: met, call planned, asked and waiting, followed
up, declined, no reply, or the outreach to someone suggested (to contact,
contacted). Whoever referred you to a first contact is there too ("referred
you").

- **Enter** on a person opens the call held with them; for someone asked,
  or suggested and not yet met, it opens the request to them.
- **o** opens the request to the highlighted person, to send it or change
  where it stands (for someone not asked yet, a new request).
  **n** sets up a call with someone suggested, linked to the referral.
- **Space** folds or unfolds a person's suggestions. **Escape** goes back.
"""

    def __init__(self, sessions_dir: Path) -> None:
        super().__init__()
        self.sessions_dir = sessions_dir

    def compose(self) -> ComposeResult:
        yield Header()
        tree: Tree[Contact] = Tree("People", id="network")
        tree.show_root = False
        tree.auto_expand = False  # Enter opens the person; Space folds
        tree.guide_depth = 3
        yield tree
        yield Static("", id=self.STATUS_ID, markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "who led to whom"
        self.query_one(Tree).focus()

    def compute(self, found: Sessions) -> Network:
        from ...core.network import build

        return build(found.sessions)

    def show(self, found: Sessions, result: Network) -> None:
        from ...core.network import counts, forest

        tree: Tree[Contact] = self.query_one(Tree)
        kept = self.current.name if self.current is not None else None
        tree.clear()
        expand = len(result.contacts) <= EXPAND_UP_TO

        # Each person added before the people they led to, under them, with a
        # stack rather than a call per level (see ``core.network.forest``).
        stack: list[tuple[TreeNode[Contact], Node]] = [
            (tree.root, root) for root in reversed(forest(result))
        ]
        while stack:
            parent, node = stack.pop()
            if node.children:
                branch = parent.add(_label(node.contact), data=node.contact, expand=expand)
                stack.extend((branch, child) for child in reversed(node.children))
            else:
                parent.add_leaf(_label(node.contact), data=node.contact)
        tree.root.expand()
        tree.cursor_line = 0  # someone highlighted, so the keys act at once
        if kept is not None:
            for line in range(tree.last_line + 1):
                shown = tree.get_node_at_line(line)
                if shown is not None and shown.data is not None and shown.data.name == kept:
                    tree.cursor_line = line
                    break
        if not result.contacts:
            self.status_line.update(
                "No one yet: the people you talk to, and those they suggest, show here."
            )
        else:
            self.status_line.update(counts(result))

    @property
    def current(self) -> Contact | None:
        node = self.query_one(Tree).cursor_node
        return None if node is None else node.data

    # --- acting ---------------------------------------------------------------------

    @on(Tree.NodeSelected)
    def open_person(self, event: Tree.NodeSelected[Contact]) -> None:
        contact = event.node.data
        if contact is None:
            return
        if contact.session and _asked(contact):
            navigation.open_request(self, self.sessions_dir / contact.session)
        elif contact.session:
            navigation.open_detail(self, self.sessions_dir / contact.session)
        elif contact.via_file:
            navigation.open_outreach(
                self, self.sessions_dir / contact.via_file, contact.via_referral
            )

    def action_outreach(self) -> None:
        contact = self.current
        if contact is None:
            return
        if contact.session and _asked(contact):
            navigation.open_request(self, self.sessions_dir / contact.session)
        elif contact.via_file:
            where = self.sessions_dir / contact.via_file
            navigation.open_outreach(self, where, contact.via_referral)
        elif contact.session:
            self.notify(f"There is a call with {contact.name} already: Enter opens it.", timeout=4)
        else:
            # Someone who passed on a contact, with no session of their own yet.
            navigation.new_request(self, organisation=contact.organisation, name=contact.name)

    def action_call(self) -> None:
        contact = self.current
        if contact is None:
            return
        if contact.session and _asked(contact):
            self.notify(
                f"{contact.name} is asked already: Enter opens the request, and once "
                "they agree it becomes the call.",
                timeout=5,
            )
            return
        if contact.session:
            self.notify(f"There is a call with {contact.name} already: Enter opens it.", timeout=4)
            return
        if not contact.via_file:
            return
        navigation.set_up_referral(self, self.sessions_dir / contact.via_file, contact.via_referral)

    def action_back(self) -> None:
        self.dismiss()


def _asked(contact: Contact) -> bool:
    """Asked through a request, and not met nor agreed yet."""
    from ...core.network import ASKED, CALL_PLANNED, MET

    return contact.status in set(ASKED.values()) - {MET, CALL_PLANNED}


def _label(contact: Contact) -> Text:
    # Text, not markup: a name like "[bold]" shows as typed.
    # The status before the role: a long title is cut at the edge, the status never.
    label = Text(contact.name, style="bold")
    label.append(f"  {contact.status or 'unknown'}", style="italic")
    where = ", ".join(x for x in (contact.role, contact.organisation) if x)
    if where:
        label.append(f"  {where}", style="dim")
    return label
