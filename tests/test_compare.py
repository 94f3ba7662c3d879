"""Answers across interviews (`iisession compare`): golden Markdown, matching, coverage."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from iisession.core.compare import collect, find, question_key, tally
from iisession.core.model import EventKind, Person, Question, Session, SessionState, TimelineEvent
from iisession.core.store import read_session

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "sessions"


def examples() -> list[tuple[str, Session]]:
    return [(p.name, read_session(p).session) for p in sorted(EXAMPLES.glob("*.toml"))]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(EXAMPLES), "compare", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC"},
        timeout=120,
    )


def test_answers_to_one_question_side_by_side() -> None:
    done = run("day.typical-week")
    assert done.returncode == 0, done.stderr
    golden = (ROOT / "tests" / "golden" / "compare-typical-week.md").read_text("utf-8")
    assert done.stdout == golden
    assert "## Marisol Vance, Lanternpay (2026-10-08)" in golden
    assert "Prepared but not asked: Sunniva Hart." in golden
    # The same by words from the question.
    assert run("typical", "week").stdout == golden


def test_own_questions_match_by_text_whatever_the_case_and_spacing() -> None:
    def held(name: str, text: str, answer: str) -> tuple[str, Session]:
        start = dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC)
        s = Session(
            person=Person(name=name),
            state=SessionState.ENDED,
            timeline=[TimelineEvent(EventKind.STARTED, start)],
            questions=[Question(text, topic="own", asked_at=start, answer=answer)],
        )
        return (f"{name}.toml", s)

    sessions = [
        held("Ana", "How do you  handle burnout?", "Walks."),
        held("Ben", "how do you handle burnout", "Four-day weeks."),
    ]
    asked = collect(sessions)
    [entry] = asked.values()
    assert entry.key == question_key(sessions[0][1].questions[0])
    assert [a.answer for a in entry.answers] == ["Walks.", "Four-day weeks."]
    [counted] = find(tally(asked), "burnout")
    assert (counted.key, counted.times_asked, counted.prepared) == (entry.key, 2, 2)
    assert counted.text == "How do you  handle burnout?"  # as first worded


def test_coverage_per_topic_and_never_asked() -> None:
    done = run()
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("# Questions across interviews")
    assert (
        "- What does a typical week look like for you? (`day.typical-week`): asked in 2 calls"
        in out
    )
    assert "Never asked yet" in out
    # Planned calls count for nothing yet.
    assert "theo" not in out.casefold()


def test_ambiguous_or_unknown_questions_and_output_file(tmp_path: Path) -> None:
    many = run("you")
    assert many.returncode == 1
    assert "give a bank id or more words" in many.stderr
    none = run("xylophone")
    assert none.returncode == 1
    assert "No question" in none.stderr
    target = tmp_path / "week.md"
    done = run("day.typical-week", "-o", str(target))
    assert done.returncode == 0
    assert target.read_text("utf-8").startswith("# What does a typical week look like for you?")


def test_a_screen_shows_only_the_latest_answers_and_says_so() -> None:
    def call(n: int) -> tuple[str, Session]:
        start = dt.datetime(2026, 11, n, 10, tzinfo=dt.UTC)
        s = Session(
            person=Person(name=f"Person {n}"),
            state=SessionState.ENDED,
            timeline=[TimelineEvent(EventKind.STARTED, start)],
            questions=[Question("Why?", topic="own", asked_at=start, answer=f"Answer {n}.")],
        )
        return (f"{n}.toml", s)

    [entry] = collect([call(n) for n in (1, 2, 3)]).values()
    from iisession.core.compare import answers_markdown

    full = answers_markdown(entry)
    assert all(f"Answer {n}." in full for n in (1, 2, 3))
    latest = answers_markdown(entry, latest=2)
    assert "Answer 1." not in latest
    assert "Answer 2." in latest
    assert "Answer 3." in latest
    assert "The latest 2 of 3 answers; the export has them all." in latest


def test_own_questions_by_their_text_and_never_asked_in_0_calls(tmp_path: Path) -> None:
    """One's own questions are shown by their text, never by the key that joins
    them; an answer noted without the tick counts as asked; a question prepared
    and never asked is listed as such, not as "asked in 0 calls"."""
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    sunniva = folder / "2026-11-18-1700-sunniva-hart.toml"
    text = sunniva.read_text("utf-8")
    ticked = "starred = true\nasked_at = 2026-11-18T17:05:20Z\n"
    assert ticked in text  # "How did you find your first clients ...": answered
    text = text.replace(ticked, "starred = true\n")  # the answer noted, the tick forgotten
    text += (
        "\n[[questions]]\nid = 'c55926ccfc15aef0'\n"
        "text = 'How did your clients change over the years?'\ntopic = 'own'\n"
    )
    sunniva.write_text(text, "utf-8")

    def compare(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "iisession", "--sessions-dir", str(folder), "compare", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "TZ": "UTC"},
            timeout=120,
        )

    out = compare().stdout
    assert "text:" not in out
    assert "asked in 0 calls" not in out
    first_clients = "How did you find your first clients when you went freelance?"
    assert f"- {first_clients}: asked in 1 call\n" in out
    assert (
        "Prepared but never asked (1):\n\n"
        "- How did your clients change over the years?: prepared for 1 call\n"
    ) in out
    # Bank questions keep their id, which `compare` takes.
    assert "(`day.typical-week`): asked in 2 calls" in out

    answers = compare("first", "clients")
    assert answers.returncode == 0, answers.stderr
    assert "Asked in 1 of 1 calls where it was prepared" in answers.stdout
    assert "Ex-colleagues who had moved on" in answers.stdout

    many = compare("how", "did")
    assert many.returncode == 1
    assert "text:" not in many.stderr
    assert "\n  path.getting-in: How did you first find your way into this field?\n" in many.stderr
    assert "\n  How did your clients change over the years?\n" in many.stderr


def own_questions_call(count: int) -> Session:
    """A call with ``count`` questions of one's own asked and as many kept for later."""
    at = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)
    asked = [
        Question(text=f"Own question {i:03d}?", topic="own", asked_at=at) for i in range(count)
    ]
    later = [Question(text=f"Kept for later {i:03d}?", topic="own") for i in range(count)]
    return Session(
        person=Person(name="Ana Lima"),
        state=SessionState.ENDED,
        created=at,
        planned_at=at,
        questions=asked + later,
        timeline=[
            TimelineEvent(EventKind.STARTED, at),
            TimelineEvent(EventKind.ENDED, at + dt.timedelta(minutes=30)),
        ],
    )


def test_coverage_on_a_screen_lists_the_first_of_each_list_and_counts_the_rest() -> None:
    from iisession.core.bank import OWN_TOPIC, TOPICS, Bank, builtin_questions
    from iisession.core.compare import coverage_markdown

    bank = Bank(builtin_questions())
    tallies = tally(collect([("a.toml", own_questions_call(30))]))
    topics = [*TOPICS, OWN_TOPIC]
    short = coverage_markdown(tallies, bank, topics, most=5)
    assert "- Own question 004?: asked in 1 call\n" in short
    assert "Own question 005" not in short
    assert "- Kept for later 004?: prepared for 1 call\n" in short
    assert "Kept for later 005" not in short
    assert short.count("- … and 25 more (the export lists them all)\n") == 2
    assert "Prepared but never asked (30):" in short  # the whole count, still
    never = next(q for q in bank.questions if q.topic == "day-to-day")
    assert f"`{never.id}`" in short  # the bank's never asked: the first ones
    whole = coverage_markdown(tallies, bank, topics)
    assert "- Own question 029?: asked in 1 call\n" in whole
    assert "- Kept for later 029?: prepared for 1 call\n" in whole
    assert "more (the export" not in whole


def test_topics_found_only_in_the_sessions_come_after_those_given_in_order() -> None:
    from iisession.core.bank import Bank
    from iisession.core.compare import Tally, by_topic

    tallies = {
        key: Tally(key, key, topic, times_asked=1, prepared=1)
        for key, topic in (("a", "zeta"), ("b", "path"), ("c", "alpha"), ("d", "path"))
    }
    groups = by_topic(tallies, Bank([]), ["skills", "path"])
    assert [(g.topic, [t.key for t in g.asked]) for g in groups] == [
        ("path", ["b", "d"]),
        ("alpha", ["c"]),
        ("zeta", ["a"]),
    ]
