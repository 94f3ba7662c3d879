"""`list`, `show` and `search`: real processes over the example sessions."""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from iisession.core.codec import dumps
from iisession.core.model import (
    FollowUp,
    KeyPoint,
    Person,
    Preparation,
    Question,
    Referral,
    Session,
    TimelineEvent,
)
from iisession.core.store import SessionStore, read_session
from iisession.core.summary import summarise
from tests.factories import make_session

EXAMPLES = Path(__file__).resolve().parent.parent / "sessions"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(folder), *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def example_files() -> list[str]:
    return sorted(p.name for p in EXAMPLES.glob("*.toml"))


def test_the_repository_ships_at_least_five_readable_example_sessions() -> None:
    files = example_files()
    assert len(files) >= 5
    states = set()
    for name in files:
        loaded = read_session(EXAMPLES / name)
        assert loaded.unknown_keys == ()
        states.add(loaded.session.state.value)
        assert loaded.session.person.name
    assert {"planned", "ended"} <= states


# --- list ---------------------------------------------------------------------------


def test_list_prints_every_session_newest_first(folder: Path) -> None:
    done = run(folder, "list")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["DATE", "PERSON", "ORGANISATION"]
    rows = lines[1:]
    assert len(rows) == len(example_files())
    # The ID is the last column; dates descend.
    ids = [row.split()[-1] for row in rows]
    assert sorted(ids) == example_files()
    assert [row[:16] for row in rows] == sorted((row[:16] for row in rows), reverse=True)
    owen = next(row for row in rows if "Owen Pritchard" in row)
    assert "30:50 / 30" in owen
    assert "9/11" in owen
    assert "ended" in owen


def test_list_json_holds_every_summary_and_the_unreadable(folder: Path) -> None:
    (folder / "2026-01-01-0000-broken.toml").write_text("x = [", encoding="utf-8")
    done = run(folder, "list", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["folder"] == str(folder)
    expected = [
        summarise(name, read_session(folder / name).session).to_json() for name in example_files()
    ]
    assert sorted(data["sessions"], key=lambda s: s["file"]) == expected
    assert data["unreadable"] == [
        {"file": "2026-01-01-0000-broken.toml", "reason": data["unreadable"][0]["reason"]}
    ]
    assert "not valid TOML" in data["unreadable"][0]["reason"]


def test_list_reports_damaged_files_on_stderr_and_carries_on(folder: Path) -> None:
    (folder / "2026-01-01-0000-broken.toml").write_bytes(b"\xff\xfe not utf-8")
    done = run(folder, "list")
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == len(example_files()) + 1
    assert "2026-01-01-0000-broken.toml" in done.stderr
    assert "UTF-8" in done.stderr


def test_list_of_an_empty_or_missing_folder_says_how_to_start(tmp_path: Path) -> None:
    done = run(tmp_path / "nothing-here", "list")
    assert done.returncode == 0
    assert "No sessions" in done.stdout
    assert "iisession new" in done.stdout
    assert not (tmp_path / "nothing-here").exists()  # listing creates nothing


LONG_NAME = "Maximiliana Josefina Alexandra von Hohenzollern-Sigmaringen the Third"
LONG_ORGANISATION = (
    "The International Consortium for Advanced Research in Human-Centred Service Design"
)


def run_on_a_terminal(folder: Path, columns: int, *args: str) -> str:
    """What a command writes to a terminal ``columns`` wide (a pseudo-terminal)."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    attrs = termios.tcgetattr(secondary)
    attrs[1] &= ~termios.ONLCR  # lines end as written, without a carriage return
    termios.tcsetattr(secondary, termios.TCSANOW, attrs)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    with subprocess.Popen(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(folder), *args],
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=subprocess.DEVNULL,
        env=env,
    ) as child:
        os.close(secondary)
        output = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        child.wait(timeout=120)
    os.close(primary)
    return output.decode("utf-8")


def test_list_fits_the_terminal_and_writes_everything_into_a_pipe(folder: Path) -> None:
    session = make_session(name=LONG_NAME)
    session.person.organisation = LONG_ORGANISATION
    with SessionStore(folder).create(session) as handle:
        long_id = handle.path.name
    lines = run_on_a_terminal(folder, 170, "list").splitlines()
    assert lines[0].split()[:2] == ["DATE", "PERSON"]
    assert len(lines) == len(example_files()) + 2
    assert all(len(line) <= 170 for line in lines), [len(line) for line in lines]
    long = next(line for line in lines if long_id in line)  # the ID is never cut
    assert LONG_NAME not in long
    assert "Maximiliana" in long
    assert LONG_ORGANISATION not in long
    assert long.count("\u2026") == 2  # the name and the organisation, cut short
    owen = next(line for line in lines if "owen-pritchard" in line)
    assert "30:50 / 30" in owen  # the other columns stay whole
    # Narrower, the long ID no longer fits: that line alone runs past the edge.
    lines = run_on_a_terminal(folder, 120, "list").splitlines()
    assert [len(line) <= 120 for line in lines] == [long_id not in line for line in lines]
    assert sum(long_id in line for line in lines) == 1
    # Into a pipe: everything, whatever the width the environment claims.
    piped = subprocess.run(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(folder), "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        timeout=120,
    )
    long = next(line for line in piped.stdout.splitlines() if long_id in line)
    assert LONG_NAME in long
    assert LONG_ORGANISATION in long
    assert "\u2026" not in piped.stdout


def test_list_into_a_closed_pipe_is_not_an_error(folder: Path) -> None:
    done = subprocess.run(
        f"{sys.executable} -m iisession --sessions-dir {folder} list | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.startswith("DATE")
    assert "Traceback" not in done.stderr
    assert "BrokenPipe" not in done.stderr


# --- show -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ident",
    [
        "2026-11-04-1200-owen-pritchard.toml",
        "2026-11-04-1200-owen-pritchard",
        "2026-11-04",
        "2026-11-04-1200-o",
    ],
)
def test_show_takes_a_file_name_or_a_unique_prefix(folder: Path, ident: str) -> None:
    done = run(folder, "show", ident)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("# Owen Pritchard (Senior Service Designer")
    for part in ("## Questions", "## Key points", "## Notes", "## Referrals", "## Timeline"):
        assert part in out
    assert "*not asked*" in out
    assert "asked at" in out
    # Shown as typed (plain): no Markdown escapes in the user's text.
    assert "- SD looks at the whole service" in out


def test_show_latest_is_the_last_call_held(folder: Path) -> None:
    listed = json.loads(run(folder, "list", "--json").stdout)["sessions"]
    held = [s for s in listed if s["state"] not in ("planned", "requested")]
    assert any(s["state"] == "requested" for s in listed[: listed.index(held[0])])
    assert listed[0]["state"] == "planned"  # a call still to come is newer
    done = run(folder, "show", "latest", "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["file"] == held[0]["file"]


def _fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


@pytest.mark.parametrize(
    "name", ["2026-10-21-1430-ines-halvorsen.toml", "2026-12-03-1730-theo-marchetti.toml"]
)
def test_show_json_holds_every_field_of_the_session(folder: Path, name: str) -> None:
    done = run(folder, "show", name, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    # Every field of the model, empty ones included (a planned call has no
    # answers, timeline or follow-up yet: the keys are there all the same).
    assert set(data) == _fields(Session) | {"file", "schema_version", "summary", "unknown_fields"}
    assert set(data["person"]) == _fields(Person)
    assert set(data["preparation"]) == _fields(Preparation)
    assert set(data["follow_up"]) == _fields(FollowUp)
    for key, cls in (
        ("questions", Question),
        ("timeline", TimelineEvent),
        ("key_points", KeyPoint),
        ("referrals", Referral),
    ):
        for item in data[key]:
            assert set(item) == _fields(cls), key
    session = read_session(folder / name).session
    assert data["file"] == name
    assert data["id"] == session.id
    assert len(data["questions"]) == len(session.questions)
    assert data["questions"][0]["text"] == session.questions[0].text
    assert data["created"].endswith("Z")
    assert data["summary"]["file"] == name
    assert data["unknown_fields"] == []
    if session.state.value == "planned":
        assert data["follow_up"]["thank_you_sent"] is None
        assert data["timeline"] == []
        assert data["questions"][0]["answer"] == ""


def test_show_json_names_fields_this_version_does_not_know(folder: Path) -> None:
    path = folder / "2026-11-18-1700-sunniva-hart.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[extra]\nmood = 'good'\n", "utf-8")
    data = json.loads(run(folder, "show", path.name, "--json").stdout)
    assert data["unknown_fields"] == ["extra"]


def test_an_ambiguous_id_lists_the_candidates(folder: Path) -> None:
    done = run(folder, "show", "2026-1")
    assert done.returncode == 1
    assert "give more of the name" in done.stderr
    for name in example_files():
        if name.startswith("2026-1"):
            assert name in done.stderr


def test_an_unknown_id_says_what_an_id_is_and_offers_near_ones(folder: Path) -> None:
    done = run(folder, "show", "nobody")
    assert done.returncode == 1
    assert "latest" in done.stderr
    assert "file names" in done.stderr
    near = run(folder, "show", "pritchard")
    assert near.returncode == 1
    assert "Did you mean" in near.stderr
    assert "2026-11-04-1200-owen-pritchard.toml" in near.stderr


def test_show_of_an_unreadable_file_gives_the_reason(folder: Path) -> None:
    (folder / "2026-01-01-0000-broken.toml").write_text("", encoding="utf-8")
    done = run(folder, "show", "2026-01-01-0000-broken")
    assert done.returncode == 1
    assert "cannot be read" in done.stderr


# --- search ---------------------------------------------------------------------------


def test_search_prints_the_session_and_the_passage(folder: Path) -> None:
    done = run(folder, "search", "safeguarding")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "Owen Pritchard" in lines[0]
    assert "(in notes)" in lines[0]
    assert lines[0].endswith("2026-11-04-1200-owen-pritchard.toml")
    assert "safeguarding" in lines[1].lower()
    assert "\x1b" not in done.stdout  # no escape codes into a pipe


def test_search_says_when_the_best_were_chosen_among_the_latest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from iisession import cli
    from iisession.core import index as index_module

    window = index_module.RANKED_AMONG
    monkeypatch.setattr(index_module, "RANKED_AMONG", 3)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = tmp_path / "s"
    folder.mkdir()
    for n in range(1, 6):
        session = make_session(name=f"Person {n}", notes=f"budget {n}")
        (folder / f"2026-01-0{n}-p.toml").write_text(dumps(session), encoding="utf-8")
    assert cli.main(["--sessions-dir", str(folder), "search", "budget"]) == 0
    out = capsys.readouterr().out
    assert "5 sessions match; these are the best 3 of the latest 3." in out
    monkeypatch.setattr(index_module, "RANKED_AMONG", window)
    assert cli.main(["--sessions-dir", str(folder), "search", "budget"]) == 0
    out = capsys.readouterr().out
    assert "sessions match" not in out  # all five are listed
    assert out.count("Person ") == 5
    # The help says the window as it is (it cannot import the index to ask:
    # every command would pay for it at start).
    with pytest.raises(SystemExit):
        cli.main(["search", "--help"])
    assert f"the latest {window:,}" in " ".join(capsys.readouterr().out.split())


def test_search_json(folder: Path) -> None:
    done = run(folder, "search", "Ashcombe", "--json")
    data = json.loads(done.stdout)
    assert data["query"] == "Ashcombe"
    people = {hit["person"] for hit in data["hits"]}
    assert {"Owen Pritchard", "Nadia Petrakis"} <= people
    assert data["total"] == len(data["hits"])
    assert all(hit["snippet"] and hit["matched_in"] for hit in data["hits"])


def test_search_with_nothing_to_find(folder: Path) -> None:
    done = run(folder, "search", "xylophone")
    assert done.returncode == 0
    assert "Nothing matches" in done.stdout
    signs = run(folder, "search", "?!")  # no word: looked for as typed
    assert signs.returncode == 0, signs.stderr
    assert "Nothing matches '?!'" in signs.stdout
    empty = run(folder, "search", "  ")
    assert empty.returncode == 2
    assert "give a word" in empty.stderr


def test_search_for_an_emoji_finds_it_as_typed(folder: Path) -> None:
    notes = "She lit up at the zine idea \U0001f389 and loves \u2764 hand-written notes.\n"
    with SessionStore(folder).create(make_session(name="Kit Moreau", notes=notes)) as handle:
        name = handle.path.name
    done = run(folder, "search", "\U0001f389")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(f"Kit Moreau, Northwind Health  (in notes)  {name}")
    assert "the zine idea \U0001f389 and loves" in lines[1]
    data = json.loads(run(folder, "search", "\U0001f389", "--json").stdout)
    assert data["total"] == 1
    assert [(hit["file"], hit["matched_in"]) for hit in data["hits"]] == [(name, "notes")]
    assert "\U0001f389" in data["hits"][0]["snippet"]
    # With or without the emoji-style selector, typed or written.
    assert name in run(folder, "search", "\u2764\ufe0f").stdout
    assert run(folder, "search", "\u2728").stdout == "Nothing matches '\u2728'.\n"
    # With words, the words are searched for, and the emoji is said to be left out.
    mixed = run(folder, "search", "zine", "\u2728")
    assert mixed.returncode == 0
    assert name in mixed.stdout
    assert "\u2728 left out" in mixed.stderr


def test_the_commands_see_files_changed_by_hand(folder: Path) -> None:
    assert run(folder, "search", "kumquat").stdout.startswith("Nothing")
    path = folder / "2026-11-18-1700-sunniva-hart.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("Sunniva", "Kumquat"), "utf-8")
    assert "Kumquat" in run(folder, "search", "kumquat").stdout
    path.unlink()
    assert run(folder, "search", "kumquat").stdout.startswith("Nothing")
    assert "sunniva" not in run(folder, "list").stdout.lower()


def test_a_sessions_folder_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "sessions"
    not_a_folder.write_text("oops")
    for command in (["list"], ["show", "latest"], ["search", "x"]):
        done = run(not_a_folder, *command)
        assert done.returncode == 1, command
        assert "cannot be read" in done.stderr
        assert "Traceback" not in done.stderr


def test_escape_codes_in_a_session_never_reach_the_terminal(folder: Path) -> None:
    path = folder / "2026-11-18-1700-sunniva-hart.toml"
    text = path.read_text(encoding="utf-8").replace(
        "name = 'Sunniva Hart'", 'name = "Sunniva \\u001b[2J Hart"'
    )
    assert "\\u001b" in text
    path.write_text(text, encoding="utf-8")
    for command in (
        ["list"],
        ["show", path.name],
        ["search", "sunniva"],
        ["export", path.name],
        ["todo"],
        ["referrals"],
    ):
        done = run(folder, *command)
        assert done.returncode == 0, done.stderr
        assert "\x1b" not in done.stdout, command
        assert "Sunniva \ufffd" in done.stdout  # shown, and harmless


# --- export ----------------------------------------------------------------------------

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize(
    ("form", "golden"), [("md", "owen-pritchard.md"), ("json", "owen-pritchard.json")]
)
def test_export_matches_the_golden_file(folder: Path, form: str, golden: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "iisession",
            "--sessions-dir",
            str(folder),
            "export",
            "2026-11-04-1200-owen-pritchard",
            "--format",
            form,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC"},  # the Markdown shows local times
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (GOLDEN / golden).read_text(encoding="utf-8")


def test_export_to_a_file_and_the_markdown_escapes_what_was_typed(
    folder: Path, tmp_path: Path
) -> None:
    path = folder / "2026-11-18-1700-sunniva-hart.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "name = 'Sunniva Hart'", "name = '*Sunniva* [Hart](x)'"
        ),
        encoding="utf-8",
    )
    target = tmp_path / "out" / "sunniva.md"
    target.parent.mkdir()
    done = run(folder, "export", path.name, "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert f"to {target}" in done.stderr
    assert target.read_text(encoding="utf-8").startswith("# \\*Sunniva\\* \\[Hart\\](x)")


def test_export_bad_format_and_unwritable_path(folder: Path, tmp_path: Path) -> None:
    bad = run(folder, "export", "latest", "--format", "pdf")
    assert bad.returncode == 2
    assert "invalid choice: 'pdf'" in bad.stderr
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    unwritable = run(folder, "export", "latest", "-o", str(blocked / "out.md"))
    assert unwritable.returncode == 1
    assert "cannot be written" in unwritable.stderr
    assert "Traceback" not in unwritable.stderr
    unknown = run(folder, "export", "nobody")
    assert unknown.returncode == 1


def test_a_home_folder_of_an_unknown_user_is_taken_as_typed(folder: Path, tmp_path: Path) -> None:
    """`~nosuchuser/x` (a slip for `~/x`) is left as typed, as a shell does: a clear
    failure to write, or a folder of that name, never a crash."""
    target = "~no-such-user-iisession/owen.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "iisession",
            "--sessions-dir",
            str(folder),
            "export",
            "2026-11-04-1200-owen-pritchard",
            "-o",
            target,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 1
    assert "cannot be written" in done.stderr
    assert "Traceback" not in done.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "iisession", "--sessions-dir", "~no-such-user-iisession", "list"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert "Traceback" not in listed.stderr
    assert listed.returncode == 0


def test_a_table_lines_up_by_terminal_columns_wide_characters_and_all() -> None:
    from iisession.plain import _table

    rows = [
        ("NAME", "ORG", "ID"),
        ("Ana", "Acme", "a.toml"),
        ("\u5c71\u7530\u82b1\u5b50", "Cafe\u0301 Sol", "b.toml"),  # wide, and a combining mark
        ("Bo", "A very long organisation name indeed", "c.toml"),
    ]
    whole = _table(rows)
    # Each ".toml" is at terminal column 49: the wide name (4 characters) takes 8
    # columns, and the "e" with its combining accent (2 characters) takes 1.
    assert [line.index(".toml") for line in whole[1:]] == [49, 46, 49]
    assert whole[2] == "\u5c71\u7530\u82b1\u5b50  Cafe\u0301 Sol" + " " * 28 + "  b.toml"
    # 30 columns: the organisation gives way (with an ellipsis); names and IDs do not.
    fitted = _table(rows, clippable=(1,), columns=30)
    assert fitted[1:] == [
        "Ana       Acme          a.toml",
        "\u5c71\u7530\u82b1\u5b50  Cafe\u0301 Sol      b.toml",
        "Bo        A very long\u2026  c.toml",
    ]
