"""`ask`, `requests` and `organisations`, and requests in `todo`: real processes on
real files, with dates placed in business days back from today."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import icalendar
import pytest

from iisession.cli import main
from iisession.core.model import Person, Request, Session, SessionState
from iisession.core.organisations import organisations_path
from iisession.core.requests import check_request, checks_met
from iisession.core.store import SessionStore, read_session
from iisession.core.todo import FOLLOW_UP_AFTER
from iisession.core.workdays import business_days_since, describe_day, due_after, next_business_day
from tests.factories import make_session

GOLDEN = Path(__file__).resolve().parent / "golden" / "ask"

PROFILE = """\
[profile]
name = "Sam Okafor"
email = "sam@example.org"
introduction = "a data analyst moving into user research"

[follow_up]
holidays = [{holiday}]
"""

ORGANISATIONS = """\
schema_version = 1

[[organisation]]
name = "Acme Inc"
motivation = 2

[[organisation]]
name = "Low Ltd"
motivation = 0
postings = true
advocate = true

[[organisation]]
name = "Harbour Health"
motivation = 2
advocate = true
notes = "Their research team publishes a lot"

[[organisation]]
name = "Zed Labs"
motivation = 2
postings = true

[[organisation]]
name = "Quiet Co"
motivation = 3
"""


def run(folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(folder), *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def private_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "IISESSION_SESSIONS_DIR"}
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(root / name.lower())
    return env


def business_days_back(count: int, holidays: frozenset[dt.date] = frozenset()) -> dt.datetime:
    """10:00 local on the latest day at least ``count`` business days before now."""
    now = dt.datetime.now().astimezone()
    day = now.date()
    while True:
        moment = dt.datetime.combine(day, dt.time(10, 0)).astimezone()
        if business_days_since(moment, now, holidays) >= count:
            return moment
        day -= dt.timedelta(days=1)


@dataclass
class Asked:
    """A folder where three people at one organisation were asked."""

    folder: Path
    env: dict[str, str]
    holidays: frozenset[dt.date]
    ana_sent: dt.datetime
    ana: subprocess.CompletedProcess[str]
    ben: subprocess.CompletedProcess[str]
    cleo: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def asked(tmp_path_factory: pytest.TempPathFactory) -> Asked:
    root = tmp_path_factory.mktemp("asked")
    env = private_env(root)
    folder = root / "sessions"
    # A holiday right after the day Ana's count starts: her follow-up falls a day later.
    ana_sent = business_days_back(FOLLOW_UP_AFTER + 2)
    holiday = next_business_day(ana_sent.date(), frozenset())
    holidays = frozenset({holiday})
    assert business_days_since(ana_sent, dt.datetime.now().astimezone(), holidays) > 7
    config = Path(env["XDG_CONFIG_HOME"]) / "iisession"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(PROFILE.format(holiday=holiday.isoformat()))
    lists = organisations_path(folder)
    lists.parent.mkdir(parents=True)
    lists.write_text(ORGANISATIONS)
    met = make_session("Ravi Shah", referrals=0)
    met.person.organisation = "Harbour Health"
    SessionStore(folder).create(met).close()

    sent = f"{ana_sent:%Y-%m-%d %H:%M}"
    ana = run(
        folder,
        env,
        *("ask", "Ana Lima", "--org", "ACME", "--title", "UX Researcher"),
        *("--how-found", "the alumni directory", "--contact", "ana@example.org"),
        *("--sent-at", sent),
    )
    # Ben a minute ago (still waiting), so that Cleo is the latest asked at Acme.
    minute_ago = f"{dt.datetime.now() - dt.timedelta(minutes=1):%Y-%m-%d %H:%M}"
    ben = run(
        folder,
        env,
        *("ask", "Ben Ode", "--org", "ACME", "--referred-by", "Maya Lindqvist"),
        *("--sent-at", minute_ago),
    )
    cleo = run(folder, env, "ask", "Cleo Park", "--org", "Acme Inc.", "--limit", "20")
    # Found at Acme, not asked yet: the one to ask next if Cleo does not reply.
    gil = Session(
        person=Person(name="Gil Moreau", organisation="Acme"),
        state=SessionState.REQUESTED,
        request=Request(subject="A short conversation", text="Dear Gil,\n"),
    )
    SessionStore(folder).create(gil).close()
    return Asked(folder, env, holidays, ana_sent, ana, ben, cleo)


def request_files(folder: Path) -> dict[str, Path]:
    found = {}
    for path in folder.glob("*.toml"):
        session = read_session(path).session
        if session.request is not None:
            found[session.person.name] = path
    return found


def test_ask_records_the_request_and_prints_the_signed_draft(asked: Asked) -> None:
    done = asked.ana
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # a profile, and nobody else asked at ACME
    files = request_files(asked.folder)
    path = files["Ana Lima"]
    assert done.stdout.startswith(f"Saved as {path.name}\n\nSubject: ")
    session = read_session(path).session
    assert session.state is SessionState.REQUESTED
    request = session.request
    assert request is not None
    assert request.sent_at == asked.ana_sent
    assert session.person.contact == "ana@example.org"
    assert session.questions  # the bank's defaults, ready for the call
    # Subject and draft as the golden file has them, and as saved; signed from the profile.
    printed, checks = done.stdout.split("\n", 2)[2].split("\n\nChecks: ")
    assert printed + "\n" == (GOLDEN / "ana-lima.txt").read_text("utf-8")
    assert printed == f"Subject: {request.subject}\n\n{request.text.rstrip()}"
    assert "I am Sam Okafor, a data analyst moving into user research." in printed
    assert printed.endswith("With thanks,\nSam Okafor\nsam@example.org")
    # Beside it, what the draft meets: one line each, as the core checks it.
    expected = check_request(
        request.text,
        how_found="the alumni directory",
        signature="Sam Okafor\nsam@example.org",
        title="UX Researcher",
        organisation="ACME",
    )
    shown = checks.split("\n\nNext: ")[0].splitlines()
    assert shown[0] == f"{checks_met(expected)} met"
    assert [line.split("  ")[1:3] for line in shown[1:]] == [
        ["ok" if c.ok else "--", c.label] for c in expected
    ]
    assert "  ok  Names the connection first" in checks
    # Eight business days ago (a holiday between): the follow-up was due on the seventh.
    due = due_after(asked.ana_sent, FOLLOW_UP_AFTER, asked.holidays)
    assert done.stdout.endswith(
        f"Next: follow up once: due since {describe_day(due)} (7 business days without a reply).\n"
    )


def test_one_request_at_a_time_per_organisation(asked: Asked) -> None:
    # Ana was asked long enough ago: no warning for Ben at the same organisation.
    assert asked.ben.returncode == 0, asked.ben.stderr
    assert asked.ben.stderr == ""
    assert "Maya Lindqvist suggested I get in touch with you." in asked.ben.stdout
    # "Acme Inc." is ACME: Ben, asked just now, is named, and Cleo is recorded all the same.
    assert asked.cleo.returncode == 0, asked.cleo.stderr
    files = request_files(asked.folder)
    assert {"Ana Lima", "Ben Ode", "Cleo Park"} <= set(files)
    ben = read_session(files["Ben Ode"]).session.request
    assert ben is not None
    assert ben.sent_at is not None
    warning = asked.cleo.stderr
    assert f"you asked Ben Ode at ACME on {describe_day(ben.sent_at)}" in warning
    assert "Ana Lima" not in warning
    assert "Recorded all the same." in warning
    assert "Would you have 20 minutes for a call" in asked.cleo.stdout


def test_requests_text_json_and_csv_agree(asked: Asked) -> None:
    text = run(asked.folder, asked.env, "requests")
    as_json = run(asked.folder, asked.env, "requests", "--format", "json")
    as_csv = run(asked.folder, asked.env, "requests", "--format", "csv")
    for done in (text, as_json, as_csv):
        assert done.returncode == 0, done.stderr
    records = json.loads(as_json.stdout)
    # Newest first; the call already held (no request) is not one of them.
    assert [r["person"] for r in records] == ["Gil Moreau", "Cleo Park", "Ben Ode", "Ana Lima"]
    assert {tuple(r) for r in records} == {
        ("person", "organisation", "stage", "sent", "reply", "next", "due", "file")
    }
    gil, cleo, ben, ana = records
    assert (gil["stage"], gil["sent"], gil["next"]) == ("to ask", None, "send the request")
    assert cleo["next"] == "ask Gil Moreau next"  # the latest asked at Acme
    assert ben["next"] == "follow up once"
    assert ana["stage"] == "waiting"
    assert ana["reply"] == "waiting"
    assert ana["sent"] == asked.ana_sent.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    assert ana["next"] == "follow up once"
    due = due_after(asked.ana_sent, FOLLOW_UP_AFTER, asked.holidays)
    assert dt.datetime.fromisoformat(ana["due"]) == due
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert rows == [{k: "" if v is None else str(v) for k, v in r.items()} for r in records]
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["SENT", "PERSON", "ORGANISATION", "STAGE", "NEXT", "DUE", "FILE"]
    assert len(lines) == 5
    for line, record in zip(lines[1:], records, strict=True):
        assert line.endswith(record["file"])
        assert record["person"] in line
        assert record["next"] in line
        assert f"{dt.datetime.fromisoformat(record['due']).astimezone():%Y-%m-%d}" in line


def test_todo_lists_a_requests_follow_up_counting_the_holidays(
    asked: Asked, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    done = run(asked.folder, asked.env, "todo", "--format", "json")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    follow = [i for i in items if i["kind"] == "follow-up" and i["person"] == "Ana Lima"]
    assert len(follow) == 1
    assert follow[0]["overdue"] is True
    due = due_after(asked.ana_sent, FOLLOW_UP_AFTER, asked.holidays)
    assert due != due_after(asked.ana_sent, FOLLOW_UP_AFTER, frozenset())
    assert dt.datetime.fromisoformat(follow[0]["due"]) == due
    # Text and calendar, in this process, with the same config file.
    monkeypatch.setenv("XDG_CONFIG_HOME", asked.env["XDG_CONFIG_HOME"])
    assert main(["--sessions-dir", str(asked.folder), "todo"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "Ana Lima" in x)
    assert line.split()[:4] == ["OVERDUE", f"{due:%Y-%m-%d}", f"{due:%H:%M}", "follow-up"]
    target = asked.folder.parent / "due.ics"
    args = ["--sessions-dir", str(asked.folder), "todo", "--format", "ics", "-o", str(target)]
    assert main(args) == 0
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    ana = [e for e in events if str(e["SUMMARY"]).startswith("Follow up once with Ana Lima")]
    assert len(ana) == 1
    assert ana[0].decoded("DTSTART") == due


def test_organisations_are_sorted_with_the_people_at_each(asked: Asked) -> None:
    done = run(asked.folder, asked.env, "organisations")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:4] == ["ORGANISATION", "MOTIVATION", "POSTINGS", "ADVOCATE"]
    rows = {line.split("  ")[0]: line.split() for line in lines[1:6]}
    # Motivation first, then postings, then an advocate.
    assert list(rows) == ["Quiet Co", "Zed Labs", "Harbour Health", "Acme Inc", "Low Ltd"]
    # Found, asked, waiting, met: ACME and "Acme Inc." are the list's "Acme Inc".
    assert rows["Acme Inc"][2:9] == ["2/3", "no", "no", "4", "3", "3", "0"]
    assert lines[4].endswith("Ana Lima, Ben Ode, Cleo Park, Gil Moreau")
    assert rows["Harbour Health"][2:9] == ["2/3", "no", "yes", "1", "1", "0", "1"]
    assert rows["Quiet Co"][2:] == ["3/3", "no", "no", "0", "0", "0", "0", "-"]
    assert lines[-1] == f"Edit the list in {organisations_path(asked.folder)}"


def test_without_a_profile_the_draft_says_so(tmp_path: Path) -> None:
    env = private_env(tmp_path)
    folder = tmp_path / "sessions"
    empty = run(folder, env, "requests")
    assert empty.returncode == 0, empty.stderr
    assert empty.stdout == "No requests yet: `iisession ask NAME` records one.\n"
    done = run(folder, env, "ask", "Ana Lima")
    assert done.returncode == 0, done.stderr
    assert "With thanks,\n[your name]\n" in done.stdout
    assert "[profile]" in done.stderr
    assert str(Path(env["XDG_CONFIG_HOME"]) / "iisession" / "config.toml") in done.stderr
    assert "or open the app" in done.stderr
    assert "(7 business days): follow up once." in done.stdout  # no organisation to ask at


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["   "], "give the name of the person you asked"),
        (["Ana", "--sent-at", "last week"], "YYYY-MM-DD HH:MM"),
        (["Ana", "--sent-at", "2026-02-30 10:00"], "February 2026 has 28 days"),
        (["Ana", "--sent-at", "{ahead}"], "is in the future; give when it was sent"),
        (["Ana", "--limit", "500"], "5 to 180 minutes"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    ahead = dt.datetime.now() + dt.timedelta(days=3)
    args = [a.format(ahead=f"{ahead:%Y-%m-%d %H:%M}") for a in args]
    folder = tmp_path / "sessions"
    with pytest.raises(SystemExit) as stopped:
        main(["--sessions-dir", str(folder), "ask", *args])
    assert stopped.value.code == 2
    assert said in capsys.readouterr().err
    assert not folder.exists()


def test_organisations_without_a_file_or_with_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "sessions"
    path = organisations_path(folder)
    assert main(["--sessions-dir", str(folder), "organisations"]) == 0
    out = capsys.readouterr().out
    assert f"Write them in {path}, for example:" in out
    assert '    name = "Harbour Health"\n' in out
    path.parent.mkdir(parents=True)
    path.write_text('[[organisation]]\nname = "Acme"\nmotivation = 7\n')
    assert main(["--sessions-dir", str(folder), "organisations"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "`motivation` should be 0, 1, 2 or 3" in captured.err
