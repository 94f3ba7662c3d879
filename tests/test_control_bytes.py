"""No control character reaches the terminal: not from a session's text, not from a
file or folder name, not from an argument echoed in a message, in text or in JSON."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from iisession.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "sessions"

CLEAR = "\x1b[2J"
CLIPBOARD = "\x1b]52;c;ZWNobyBoaQ==\x07"  # OSC 52: write to the clipboard
BELL = "\x07"

CLEARING = f"2026-11-18-1700-sunniva{CLEAR}-hart.toml"  # readable
COPYING = f"2026-11-19-1000-clip{CLIPBOARD}-x.toml"  # not valid TOML
RINGING = f"2026-11-19-1100-bell{BELL}-y.toml"  # not valid TOML

OWEN = "2026-11-04-1200-owen-pritchard.toml"
NAME = "Owen \x85 \x9b2J Pritchard \u2028 x\x7f"
"""NEL, CSI (C1), a line separator and DEL: in Owen's name and organisation."""
ORGANISATION = f"Zebra Council {NAME}"

BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""What must never be printed: C0 but for tab and line feed, DEL, C1."""


def shown(name: str) -> str:
    """A name as a message shows it: each control character a replacement mark."""
    return BAD.sub("\ufffd", name)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Example sessions, one under a name that clears the screen, two unreadable ones
    under names that write the clipboard and ring the bell, and Owen's session with
    control characters in his name and organisation; in a folder whose own name
    clears the screen."""
    target = tmp_path / f"sessions{CLEAR}"
    shutil.copytree(EXAMPLES, target)
    (target / "2026-11-18-1700-sunniva-hart.toml").rename(target / CLEARING)
    (target / COPYING).write_text("not = [toml\n", encoding="utf-8")
    (target / RINGING).write_text("broken =\n", encoding="utf-8")
    owen = target / OWEN
    text = owen.read_text(encoding="utf-8")
    escaped = json.dumps(NAME)  # a TOML basic string takes the same escapes
    text = text.replace("name = 'Owen Pritchard'", f"name = {escaped}", 1)
    old = "organisation = 'Ashcombe City Council, Digital Services'"
    text = text.replace(old, f"organisation = {json.dumps(ORGANISATION)}", 1)
    assert text.count("\\u0085") == 2
    owen.write_text(text, encoding="utf-8")
    return target


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``iisession ARGS`` in this process: exit status, stdout, stderr."""
    try:
        status = main(list(args))
    except SystemExit as stop:  # argparse's errors and --help
        status = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def assert_clean(text: str, what: object, *, crlf: bool = False) -> None:
    if crlf:
        text = text.replace("\r\n", "\n")
    found = sorted({f"U+{ord(c):04X}" for c in BAD.findall(text)})
    assert not found, f"{what}: {found} in {text!r}"
    raw = text.encode("utf-8", "surrogateescape")
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", raw), what


def test_messages_that_name_files_show_their_control_characters_harmlessly(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = {
        ("show", "2026-11-1"): [CLEARING, COPYING, RINGING],  # ambiguous: lists them
        ("show", "hart"): [CLEARING],  # unknown: offers near ones
        ("show", "zzz"): [CLEARING],  # unknown: offers the latest
        ("show", COPYING): [COPYING],  # unreadable
        ("show", "2026-11-19-10"): [COPYING],  # unreadable, by a prefix
        ("export", RINGING): [RINGING],
        ("export", "2026-11-19-11", "--format", "json"): [RINGING],
    }
    for args, names in cases.items():
        status, out, err = call(capsys, "--sessions-dir", str(folder), *args)
        assert status == 1, args
        assert out == "", args
        assert_clean(err, args)
        for name in names:
            assert shown(name) in err, (args, name)
    status, out, err = call(capsys, "--sessions-dir", str(folder), "list")
    assert status == 0
    assert_clean(out + err, "list")
    assert shown(COPYING) in err
    assert shown(RINGING) in err
    assert shown(CLEARING) in out


def test_json_escapes_del_c1_and_line_separators_and_keeps_the_values(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def parsed(*args: str) -> tuple[str, Any]:
        status, out, err = call(capsys, "--sessions-dir", str(folder), *args)
        assert status == 0, (args, err)
        assert_clean(out + err, args)
        assert not re.search("[\u2028\u2029]", out), args
        return out, json.loads(out)

    out, listing = parsed("list", "--json")
    assert {"\\u0085", "\\u009b", "\\u2028", "\\u007f"} <= set(re.findall(r"\\u[0-9a-f]{4}", out))
    assert NAME in [s["person"] for s in listing["sessions"]]
    assert CLEARING in [s["file"] for s in listing["sessions"]]
    assert {COPYING, RINGING} == {p["file"] for p in listing["unreadable"]}
    assert listing["folder"] == str(folder)

    for form in (["show", OWEN, "--json"], ["export", OWEN, "--format", "json"]):
        out, document = parsed(*form)
        assert "\\u009b" in out
        assert document["person"]["name"] == NAME
        assert document["person"]["organisation"] == ORGANISATION
    _, document = parsed("show", CLEARING, "--json")
    assert document["file"] == CLEARING

    out, found = parsed("search", "zebra", "--json")
    assert [hit["person"] for hit in found["hits"]] == [NAME]
    assert found["hits"][0]["organisation"] == ORGANISATION
    assert "\x9b2J" in found["hits"][0]["snippet"]  # its spaces made one

    _, items = parsed("todo", "--format", "json")
    assert CLEARING in {item["file"] for item in items}
    _, network = parsed("referrals", "--format", "json")
    assert NAME in {person["name"] for person in network["people"]}


def test_every_command_and_message_names_a_strange_folder_harmlessly(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The folder's own name clears the screen: `where`, an empty folder, a folder
    that is a file, an output file, all name it without the escape code."""
    every = [
        ["list"],
        ["show", OWEN],
        ["show", CLEARING],
        ["search", "zebra"],
        ["search", "sunniva"],
        ["export", OWEN],
        ["todo"],
        ["todo", "--format", "ics"],
        ["referrals"],
        ["referrals", "--format", "csv"],
        ["compare"],
        ["compare", "typical", "week"],
        ["compare", CLEAR],
        ["where"],
    ]
    for args in every:
        status, out, err = call(capsys, "--sessions-dir", str(folder), *args)
        assert status in (0, 1), (args, err)
        assert_clean(out + err, args, crlf=args[-1] == "ics")
    _, out, _ = call(capsys, "--sessions-dir", str(folder), "where")
    assert shown(str(folder)) in out

    empty = tmp_path / f"empty{CLIPBOARD}"
    status, out, err = call(capsys, "--sessions-dir", str(empty), "list")
    assert status == 0
    assert_clean(out + err, "empty")
    assert shown(str(empty)) in out

    a_file = tmp_path / f"file{BELL}"
    a_file.write_text("oops", encoding="utf-8")
    for args in (["list"], ["show", "latest"], ["search", "x"]):
        status, out, err = call(capsys, "--sessions-dir", str(a_file), *args)
        assert status == 1, args
        assert_clean(out + err, args)
        assert "cannot be read" in err
        assert f"file{chr(0xFFFD)}" in err

    blocked = tmp_path / f"blocked{CLEAR}"
    blocked.write_text("x", encoding="utf-8")
    target = blocked / "out.md"
    status, out, err = call(
        capsys, "--sessions-dir", str(folder), "export", "-o", str(target), OWEN
    )
    assert status == 1
    assert_clean(out + err, "unwritable")
    assert shown(str(target)) in err
    assert "cannot be written" in err

    written = tmp_path / f"out{BELL}.md"
    status, out, err = call(
        capsys, "--sessions-dir", str(folder), "export", CLEARING, "-o", str(written)
    )
    assert status == 0, err
    assert_clean(out + err, "written")
    assert f"Exported {shown(CLEARING)} to {shown(str(written))}" in err
    assert "Sunniva Hart" in written.read_text(encoding="utf-8")


def test_usage_errors_do_not_echo_control_characters(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [
        ["list", CLEAR],  # unrecognized arguments
        ["show", OWEN, f"--json{CLIPBOARD}"],
        ["export", OWEN, "--format", f"md{CLEAR}"],  # invalid choice
        ["todo", "--weeks", f"2{BELL}"],
        ["new", "--limit", f"\x9b{BELL}"],
        ["new", "--at", f"tomorrow{CLEAR}"],
        [f"nosuchcommand{CLEAR}"],
    ]
    for args in cases:
        status, out, err = call(capsys, "--sessions-dir", str(folder), *args)
        assert status == 2, args
        assert_clean(out + err, args)
        assert "error:" in err, args
    _, _, err = call(capsys, "list", CLEAR)
    assert f"unrecognized arguments: {shown(CLEAR)}" in err


def test_a_real_process_writes_no_control_bytes_to_stderr(folder: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(folder), "show", "2026-11-1"],
        capture_output=True,
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stdout == b""
    assert not re.search(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", done.stderr), done.stderr
    err = done.stderr.decode("utf-8")
    for name in (CLEARING, COPYING, RINGING):
        assert shown(name) in err
