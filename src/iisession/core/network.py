"""Who led to whom: the people met, asked and suggested, across all sessions.

A referral and the session later held with that person (or the request to
them) are one person: they are joined by the ids the app records
(``Referral.session_id`` and ``Session.source_session``/``source_referral``),
else by the same name. Whoever passed on a first contact (``referred_by`` with
no session of theirs) is a person in the tree too.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import collector
from .document import OUTREACH_WORDS
from .model import Outreach, Session, SessionState
from .requests import Stage, stage_of

MET = OUTREACH_WORDS[Outreach.MET]
"""The status of someone a call was held with, and of a referral marked met."""
CALL_PLANNED = "call planned"
"""The status of someone a call is planned with."""
REFERRED_YOU = "referred you"
"""The status of someone who passed on a contact, with no session of their own."""
ASKED = {
    Stage.TO_ASK: "to ask",
    Stage.WAITING: "asked, waiting",
    Stage.FOLLOWED_UP: "followed up, waiting",
    Stage.DECLINED: "declined",
    Stage.NO_REPLY: "no reply",
    Stage.AGREED: CALL_PLANNED,
    Stage.MET: MET,
}
"""The status of someone asked through a request, by its stage."""
WAITING_WORDS = (ASKED[Stage.WAITING], ASKED[Stage.FOLLOWED_UP])
_RANK = {MET: 3, CALL_PLANNED: 2}


@dataclass(slots=True)  # tens of thousands at once: no dict each
class Contact:
    name: str
    organisation: str = ""
    role: str = ""
    status: str = ""
    """met, call planned, where a request to them stands (``ASKED``), the outreach
    status of a referral, or "referred you"."""
    referred_by: str = ""
    referred: list[str] = field(default_factory=list)
    session: str = ""
    """The file of the call held (or planned) with them, if any."""
    via_file: str = ""
    """The file of the session in which they were suggested, if they were."""
    via_referral: str = ""
    """The id of that referral, for its outreach."""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "organisation": self.organisation,
            "role": self.role,
            "status": self.status,
            "referred_by": self.referred_by,
            "referred": list(self.referred),
            "session": self.session or None,
        }


@dataclass
class Network:
    contacts: list[Contact]

    @property
    def met(self) -> int:
        return sum(c.status == MET for c in self.contacts)

    @property
    def waiting(self) -> int:
        """Referrals not yet contacted."""
        return sum(c.status == OUTREACH_WORDS[Outreach.TO_CONTACT] for c in self.contacts)

    @property
    def asked(self) -> int:
        """People asked who have not answered yet."""
        return sum(c.status in WAITING_WORDS for c in self.contacts)


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


class _Keys(dict[str, str]):
    """Each name's key (``_key``), worked out once: names recur."""

    def __missing__(self, name: str) -> str:
        key = self[name] = _key(name)
        return key


@collector.held_off()
def build(sessions: Iterable[tuple[str, Session]]) -> Network:
    contacts: dict[str, Contact] = {}
    key_of = _Keys().__getitem__
    referred: dict[str, set[str]] = {}  # each giver's referred, to look up

    def contact(name: str) -> Contact:
        key = key_of(name)
        found = contacts.get(key)
        if found is None:
            found = contacts[key] = Contact(name=name.strip())
        return found

    def refer(giver: Contact, name: str) -> None:
        given = referred.setdefault(key_of(giver.name), set())
        if name not in given:
            given.add(name)
            giver.referred.append(name)

    # The people the calls were with (or asked for one), in one pass over the
    # sessions: at tens of thousands, each pass costs more in reaching them in
    # memory than in the work. Who referred them waits until every id is known.
    by_id: dict[str, tuple[str, Session]] = {}
    sources: list[tuple[Contact, Session]] = []
    suggesting: list[tuple[str, Session]] = []  # held calls that named people
    for file, s in sessions:
        person = s.person
        if s.practice or not person.name.strip():
            continue
        by_id[s.id] = (file, s)
        c = contact(person.name)
        c.organisation = c.organisation or person.organisation
        c.role = c.role or person.title
        status = ASKED[stage_of(s)]
        if _RANK.get(status, 1) > _RANK.get(c.status, 0 if c.status in ("", REFERRED_YOU) else 1):
            c.status, c.session = status, file
        if s.source_session or person.referred_by:
            sources.append((c, s))
        if s.referrals and s.state not in (SessionState.REQUESTED, SessionState.PLANNED):
            suggesting.append((file, s))
    for c, s in sources:
        source = by_id.get(s.source_session)
        if source is not None:
            c.referred_by = source[1].person.name.strip()
        elif s.person.referred_by.strip() and not c.referred_by:
            c.referred_by = s.person.referred_by.strip()
    # Whoever passed on a contact and has no session: a person too.
    for c in list(contacts.values()):
        if c.referred_by and key_of(c.referred_by) != key_of(c.name):
            giver = contact(c.referred_by)
            giver.status = giver.status or REFERRED_YOU
            refer(giver, c.name)
    # The people they suggested.
    for file, s in suggesting:
        referrer = s.person.name.strip()
        for r in s.referrals:
            if not r.name.strip():
                continue
            linked = by_id.get(r.session_id)
            c = contact(linked[1].person.name if linked else r.name)
            c.organisation = c.organisation or r.organisation
            c.role = c.role or r.role
            c.referred_by = c.referred_by or referrer
            if not c.via_file:
                c.via_file, c.via_referral = file, r.id
            if not c.status or c.status == REFERRED_YOU:  # suggested in a call: say how that stands
                c.status = OUTREACH_WORDS[r.outreach]
            refer(contact(referrer), c.name)
    return Network(sorted(contacts.values(), key=lambda c: key_of(c.name)))


@dataclass(slots=True)
class Node:
    """A person in the tree, with the people they led to."""

    contact: Contact
    children: list[Node] = field(default_factory=list)


@collector.held_off()
def forest(network: Network) -> list[Node]:
    """Who led to whom: a tree from each person with no known referrer (then
    anyone only reachable through a loop); each person appears once."""
    key_of = _Keys().__getitem__
    by_key = {key_of(c.name): c for c in network.contacts}
    shown: set[str] = set()

    def grow(top: Contact) -> Node:
        # Depth first, with a stack of its own rather than a call per level: a
        # chain of referrals a thousand long would pass Python's recursion limit.
        # Each person's referrals are looked at in order, once the subtree of the
        # one before is grown, so a loop (A suggested B, B suggested A) ends where
        # it comes back.
        shown.add(key_of(top.name))
        root = Node(top)
        stack = [(root, iter(top.referred))]
        while stack:
            node, names = stack[-1]
            for name in names:
                key = key_of(name)
                if key not in shown:
                    shown.add(key)
                    child = by_key[key]
                    grown = Node(child)
                    node.children.append(grown)
                    stack.append((grown, iter(child.referred)))
                    break
            else:
                stack.pop()
        return root

    roots = [c for c in network.contacts if key_of(c.referred_by) not in by_key]
    return [grow(c) for c in roots + network.contacts if key_of(c.name) not in shown]


def describe(c: Contact) -> str:
    """Name (role, organisation): status."""
    where = ", ".join(x for x in (c.role, c.organisation) if x)
    return f"{c.name}" + (f" ({where})" if where else "") + f": {c.status or 'unknown'}"


def counts(network: Network) -> str:
    return (
        f"People met: {network.met}. Asked, waiting for a reply: {network.asked}. "
        f"Referrals waiting to be contacted: {network.waiting}."
    )


# How many steps below its root a drawn tree goes before the rest of a branch is
# drawn as a section of its own: a chain of referrals hundreds long would
# otherwise be indented off any screen, and the text would grow with the square
# of the chain.
DRAWN_DEPTH = 10


@collector.held_off()
def as_text(network: Network) -> str:
    """The forest drawn as a tree, then the counts. A branch deeper than
    ``DRAWN_DEPTH`` goes on in a section after its tree, named by the person it
    continues from."""
    lines: list[str] = []
    for tree in forest(network):
        # (person the section starts from, steps from the tree's root)
        sections: deque[tuple[Node, int]] = deque([(tree, 0)])
        while sections:
            start, steps = sections.popleft()
            if steps:
                lines += [
                    "",
                    f"{start.contact.name}, continued ({steps} steps from {tree.contact.name}):",
                ]
            _draw(start, steps, lines, sections)
    lines += ["", counts(network)]
    return "\n".join(lines) + "\n"


def _draw(start: Node, steps: int, lines: list[str], sections: deque[tuple[Node, int]]) -> None:
    # Each person before the people they led to, with a stack rather than a call
    # per level (see ``forest``): (node, prefix, last of its siblings, depth).
    stack: list[tuple[Node, str, bool, int]] = [(start, "", True, 0)]
    while stack:
        node, prefix, last, depth = stack.pop()
        branch = "" if not depth else ("└─ " if last else "├─ ")
        lines.append(prefix + branch + describe(node.contact))
        inner = prefix + ("" if not depth else ("   " if last else "│  "))
        if depth == DRAWN_DEPTH and node.children:
            lines.append(f"{inner}└─ … continued below, under {node.contact.name}")
            sections.append((node, steps + depth))
            continue
        final = len(node.children) - 1
        stack.extend(
            (child, inner, n == final, depth + 1)
            for n, child in reversed(list(enumerate(node.children)))
        )


def as_csv(network: Network) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["name", "organisation", "role", "status", "referred_by", "referred", "session"]
    )
    for c in network.contacts:
        writer.writerow(
            [
                c.name,
                c.organisation,
                c.role,
                c.status,
                c.referred_by,
                "; ".join(c.referred),
                c.session,
            ]
        )
    return out.getvalue()
