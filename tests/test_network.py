"""The referral network (`iisession referrals`): a golden tree, JSON, CSV, loops."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from iisession.core.model import Outreach, Person, Referral, Session, SessionState
from iisession.core.network import (
    DRAWN_DEPTH,
    Contact,
    Network,
    Node,
    as_csv,
    as_text,
    build,
    counts,
    describe,
    forest,
)
from iisession.core.store import read_session

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "sessions"


def examples() -> list[tuple[str, Session]]:
    return [(p.name, read_session(p).session) for p in sorted(EXAMPLES.glob("*.toml"))]


def test_the_example_network_as_a_tree() -> None:
    network = build(examples())
    assert as_text(network) == (ROOT / "tests" / "golden" / "referrals.txt").read_text("utf-8")
    assert (network.met, network.waiting, network.asked) == (4, 3, 2)
    ines = next(c for c in network.contacts if c.name == "Ines Halvorsen")
    # One person, whether seen as Marisol's referral or as the call held with her.
    assert (ines.status, ines.referred_by) == ("met", "Marisol Vance")
    assert ines.session == "2026-10-21-1430-ines-halvorsen.toml"
    assert ines.referred == ["Tobias Ferreira", "Amara Nwosu"]
    nadia = next(c for c in network.contacts if c.name == "Nadia Petrakis")
    assert (nadia.status, nadia.referred_by) == ("call planned", "Owen Pritchard")


def test_csv_and_json_hold_the_same_people() -> None:
    network = build(examples())
    rows = list(csv.DictReader(io.StringIO(as_csv(network))))
    assert [r["name"] for r in rows] == [c.name for c in network.contacts]
    assert next(r for r in rows if r["name"] == "Ines Halvorsen")["referred"] == (
        "Tobias Ferreira; Amara Nwosu"
    )


def test_a_loop_of_referrals_ends_and_shows_everyone() -> None:
    a = Session(person=Person(name="Ada Byron"), state=SessionState.ENDED)
    b = Session(person=Person(name="Ben Okafor"), state=SessionState.ENDED)
    a.referrals = [Referral(name="Ben Okafor", outreach=Outreach.MET, session_id=b.id)]
    b.referrals = [Referral(name="Ada Byron", outreach=Outreach.MET, session_id=a.id)]
    text = as_text(build([("a.toml", a), ("b.toml", b)]))
    assert text.count("Ada Byron") == 1
    assert text.count("Ben Okafor") == 1
    assert "People met: 2." in text


def test_who_referred_someone_is_found_wherever_their_session_comes() -> None:
    # The network is built in one pass over the sessions; the call that led to
    # someone may come after theirs, in a folder's order or a generator's.
    ada = Session(person=Person(name="Ada Byron"), state=SessionState.ENDED)
    ben = Session(
        person=Person(name="Ben Okafor", referred_by="someone at a meetup"),
        state=SessionState.ENDED,
        source_session=ada.id,
    )
    cleo = Session(person=Person(name="Cleo Park", referred_by="Ben Okafor"))
    ada.referrals = [Referral(name="Ben Okafor", outreach=Outreach.MET, session_id=ben.id)]
    planned = Session(person=Person(name="Dev Rao"), state=SessionState.PLANNED)
    planned.referrals = [Referral(name="Not Yet Suggested")]
    practice = Session(person=Person(name="Practice Partner"), practice=True)
    files = [("b.toml", ben), ("c.toml", cleo), ("p.toml", planned), ("x.toml", practice)]
    network = build(f for f in [*files, ("a.toml", ada)])
    people = {c.name: c for c in network.contacts}
    # The call that led to Ben wins over the words typed for him.
    assert people["Ben Okafor"].referred_by == "Ada Byron"
    assert people["Ada Byron"].referred == ["Ben Okafor"]
    assert people["Ben Okafor"].referred == ["Cleo Park"]
    assert people["Cleo Park"].referred_by == "Ben Okafor"
    # A planned call has suggested no one yet; a practice call is no one met.
    assert set(people) == {"Ada Byron", "Ben Okafor", "Cleo Park", "Dev Rao"}
    assert build(reversed([*files, ("a.toml", ada)])).contacts == network.contacts


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(EXAMPLES), "referrals", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )


def test_referrals_command(tmp_path: Path) -> None:
    data = json.loads(run("--format", "json").stdout)
    assert data["counts"] == {"met": 4, "asked": 2, "waiting": 3}
    assert {p["name"] for p in data["people"]} >= {"Marisol Vance", "Joanna Pike"}
    target = tmp_path / "network.csv"
    assert run("--format", "csv", "-o", str(target)).returncode == 0
    assert target.read_text(encoding="utf-8").startswith("name,organisation,role,status")
    assert run("--format", "xml").returncode == 2
    blocked = tmp_path / "file"
    blocked.write_text("x")
    failed = run("-o", str(blocked / "n.csv"))
    assert failed.returncode == 1
    assert "cannot be written" in failed.stderr


def _chain(length: int) -> Network:
    """Person 0 suggested person 1, who suggested person 2, and so on."""
    names = [f"Person {n}" for n in range(length)]
    return Network(
        [
            Contact(
                name,
                status="met",
                referred_by=names[n - 1] if n else "",
                referred=[names[n + 1]] if n + 1 < length else [],
            )
            for n, name in enumerate(names)
        ]
    )


def test_a_chain_deeper_than_the_recursion_limit_is_drawn_whole() -> None:
    length = sys.getrecursionlimit() + 4000
    trees = forest(_chain(length))
    assert len(trees) == 1
    text = as_text(_chain(length)).splitlines()
    assert text[0] == "Person 0: met"
    assert text[1] == "└─ Person 1: met"
    drawn = [line.lstrip(" │├└─") for line in text]
    # Everyone is there, once in the tree; those a section continues from are
    # also the first line of their section.
    for n in range(length):
        expected = 2 if n % DRAWN_DEPTH == 0 and 0 < n < length - 1 else 1
        assert drawn.count(f"Person {n}: met") == expected, n
    # The indentation never passes the cap however long the chain: the widest
    # line is the pointer to a section.
    widest = 3 * DRAWN_DEPTH + len(f"└─ … continued below, under Person {length}")
    assert max(len(line) for line in text[:-1]) <= widest
    assert text[-1].startswith("People met: ")


def test_a_branch_past_the_cap_goes_on_in_a_section_named_after_its_person() -> None:
    text = as_text(_chain(DRAWN_DEPTH + 3)).splitlines()
    last = DRAWN_DEPTH
    indent = " " * (3 * (last - 1))
    assert text[last] == f"{indent}└─ Person {last}: met"
    assert text[last + 1] == f"{indent}   └─ … continued below, under Person {last}"
    assert text[last + 2 : last + 7] == [
        "",
        f"Person {last}, continued ({last} steps from Person 0):",
        f"Person {last}: met",
        f"└─ Person {last + 1}: met",
        f"   └─ Person {last + 2}: met",
    ]
    # A chain exactly as deep as the cap needs no section.
    whole = as_text(_chain(DRAWN_DEPTH + 1))
    assert "continued" not in whole
    assert whole.splitlines()[DRAWN_DEPTH].endswith(f"└─ Person {DRAWN_DEPTH}: met")


def test_sections_of_a_branching_tree_follow_their_tree_in_order() -> None:
    # Two long branches from one root, then a second tree: each branch's rest
    # is a section after the first tree, in the order the branches are drawn,
    # and the second tree comes after both.
    depth = DRAWN_DEPTH + 2
    left = [f"L{n}" for n in range(1, depth + 1)]
    right = [f"R{n}" for n in range(1, depth + 1)]

    def line_of(names: list[str], top: str) -> list[Contact]:
        return [
            Contact(
                name,
                status="met",
                referred_by=names[n - 1] if n else top,
                referred=[names[n + 1]] if n + 1 < len(names) else [],
            )
            for n, name in enumerate(names)
        ]

    network = Network(
        [
            Contact("A", status="met", referred=["L1", "R1"]),
            *line_of(left, "A"),
            *line_of(right, "A"),
            Contact("Z", status="met"),
        ]
    )
    text = as_text(network).splitlines()
    headers = [line for line in text if line.endswith("from A):")]
    assert headers == [
        f"L{DRAWN_DEPTH}, continued ({DRAWN_DEPTH} steps from A):",
        f"R{DRAWN_DEPTH}, continued ({DRAWN_DEPTH} steps from A):",
    ]
    assert text.index(headers[1]) < text.index("Z: met")
    # The left branch's glyphs still show the right branch below it.
    assert text[1] == "├─ L1: met"
    assert text[2] == "│  └─ L2: met"
    assert f"│  {'   ' * (DRAWN_DEPTH - 1)}└─ … continued below, under L{DRAWN_DEPTH}" in text
    for name in ["A", *left, *right, "Z"]:
        assert f"{name}: met" in [line.lstrip(" │├└─") for line in text], name


def _drawn_by_recursion(network: Network) -> str:
    """The drawing as it was written before (a call per level), to compare with
    on networks shallower than the cap."""
    lines: list[str] = []

    def draw(node: Node, prefix: str, last: bool, top: bool) -> None:
        branch = "" if top else ("└─ " if last else "├─ ")
        lines.append(prefix + branch + describe(node.contact))
        inner = prefix + ("" if top else ("   " if last else "│  "))
        for n, child in enumerate(node.children):
            draw(child, inner, n == len(node.children) - 1, False)

    for root in forest(network):
        draw(root, "", True, True)
    return "\n".join([*lines, "", counts(network)]) + "\n"


def test_branches_and_loops_are_drawn_as_before() -> None:
    # A suggested B and C; B suggested D and A (a loop); C suggested D again and
    # E; E suggested F; G stands alone; H and I suggested each other (a loop
    # with no one outside it).
    referred = {
        "A": ["B", "C"],
        "B": ["D", "A"],
        "C": ["D", "E"],
        "E": ["F"],
        "H": ["I"],
        "I": ["H"],
    }
    by = {"B": "A", "C": "A", "D": "B", "E": "C", "F": "E", "A": "B", "I": "H", "H": "I"}
    network = Network(
        [Contact(n, referred_by=by.get(n, ""), referred=referred.get(n, [])) for n in "ABCDEFGHI"]
    )
    assert as_text(network) == _drawn_by_recursion(network)
    assert as_text(build(examples())) == _drawn_by_recursion(build(examples()))
