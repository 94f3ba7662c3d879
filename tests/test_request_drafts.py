"""Request drafts (golden files, which every check passes) and the checks
beside the draft, on hand-written good and bad requests."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from iisession.core.followup import thank_you_draft
from iisession.core.model import Person, Request, Session, SessionState
from iisession.core.profile import Profile
from iisession.core.requests import (
    MAX_WORDS,
    NO_NAME,
    Check,
    check_request,
    checks_for,
    checks_met,
    connection_sentence,
    follow_up_draft,
    follow_up_subject,
    greeting,
    request_body,
    request_draft,
    request_subject,
    thank_you_subject,
)
from tests.factories import make_session

GOLDEN = Path(__file__).resolve().parent / "golden" / "requests"
LONDON = ZoneInfo("Europe/London")

SAM = Profile(
    name="Sam Reyes",
    email="sam@example.org",
    introduction="a data analyst moving into user research",
)
SAM_SIGNED = Profile(
    name="Sam Reyes",
    email="sam@example.org",
    introduction="I'm finishing a statistics degree and exploring health analytics",
    signature="Sam Reyes\nMSc Statistics, University of Leeds",
)


def requested(person: Person, limit: int = 30) -> Session:
    return Session(person=person, state=SessionState.REQUESTED, limit_minutes=limit)


def referred() -> Session:
    return requested(
        Person(
            name="Ana Lima",
            title="UX Researcher",
            organisation="Harbour Health",
            how_found="suggested by Ben Ode: she moved from nursing into design",
            referred_by="Ben Ode",
            contact="ana@example.org",
        )
    )


def found() -> Session:
    return requested(
        Person(
            name="Dr. Priya Natarajan",
            title="Data Scientist",
            organisation="Acme Ltd",
            how_found="the Leeds alumni network",
        ),
        limit=20,
    )


def neither() -> Session:
    return requested(Person(name="Tomás Ruiz", organisation="Lanternpay"))


def letter(subject: str, draft: str) -> str:
    return f"Subject: {subject}\n\n{draft}"


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


CASES = {
    "request-referred.txt": (referred, SAM),
    "request-how-found.txt": (found, SAM_SIGNED),
    "request-neither.txt": (neither, SAM),
    "request-no-profile.txt": (referred, Profile()),
}


def failing(checks: list[Check]) -> list[str]:
    return [c.label for c in checks if not c.ok]


@pytest.mark.parametrize("name", CASES)
def test_request_drafts_match_their_golden_files(name: str) -> None:
    make, profile = CASES[name]
    session = make()
    draft = request_draft(session, profile)
    assert letter(request_subject(session), draft) == golden(name)


@pytest.mark.parametrize("name", CASES)
def test_request_drafts_meet_the_craft(name: str) -> None:
    make, profile = CASES[name]
    session = make()
    draft = request_draft(session, profile)
    checks = checks_for(session, draft, profile)
    if session.person.referred_by or session.person.how_found:
        assert failing(checks) == []
        assert checks_met(checks) == "8 of 8"
    else:
        # Nothing to name: the one check the draft cannot meet says what to add.
        assert failing(checks) == ["Names the connection first"]
        assert checks[1].detail == "add who suggested them or how you found them"
    body = request_body(draft, profile.sign_off())
    assert len(body.split()) <= MAX_WORDS  # the drafts keep well inside the allowance
    assert body.endswith("?")
    assert draft.endswith(f"With thanks,\n{profile.sign_off() or NO_NAME}\n")
    # The same checks through the plain call the command line makes.
    person = session.person
    plain = check_request(
        draft,
        referrer=person.referred_by,
        how_found=person.how_found,
        limit_minutes=session.limit_minutes,
        signature=profile.sign_off(),
    )
    assert plain == checks


def test_the_connection_comes_first_and_the_sender_is_named() -> None:
    draft = request_draft(referred(), SAM)
    assert request_body(draft).startswith("Ben Ode suggested I get in touch with you.")
    assert "I am Sam Reyes, a data analyst moving into user research." in draft
    draft = request_draft(found(), SAM_SIGNED)
    assert draft.startswith("Dear Dr. Natarajan,\n\n")
    assert request_body(draft).startswith("I found you through the Leeds alumni network.")
    assert "I'm finishing a statistics degree" in draft  # a first-person introduction as typed
    assert "20 minutes" in draft
    assert "[your name]" in request_draft(referred(), Profile())


def test_a_referrer_the_user_may_not_name_is_nowhere_in_the_draft() -> None:
    session = referred()
    draft = request_draft(session, SAM, may_name_referrer=False)
    subject = request_subject(session, may_name_referrer=False)
    assert "Ben" not in draft + subject
    assert subject == "A short conversation about your work at Harbour Health"
    checks = checks_for(session, draft, SAM, may_name_referrer=False)
    assert failing(checks) == ["Names the connection first"]
    assert "Ben" not in checks[1].detail


def test_the_follow_up_matches_its_golden_file_and_meets_the_craft() -> None:
    session = referred()
    session.request = Request(
        subject=request_subject(session),
        text=request_draft(session, SAM),
        sent_at=dt.datetime(2026, 11, 2, 10, 0, tzinfo=LONDON),
    )
    draft = follow_up_draft(session, SAM, LONDON)
    assert letter(follow_up_subject(session.request), draft) == golden("follow-up.txt")
    assert "Monday 2 November" in draft
    assert "one follow-up" in draft
    checks = check_request(draft, limit_minutes=30, signature=SAM.sign_off())
    # A reply in the same thread: the connection was made in the request.
    assert failing(checks) == ["Names the connection first"]
    # Not sent yet, no organisation: it still reads.
    bare = requested(Person(name="Ana Lima"))
    text = follow_up_draft(bare, Profile())
    assert "I wrote to ask whether you might have 30 minutes to talk about your work;" in text
    assert follow_up_subject(Request()) == "Following up: a short conversation"
    assert follow_up_subject(Request(subject="Re: Ben suggested")) == "Re: Ben suggested"


def test_the_thank_you_is_signed_from_the_profile() -> None:
    session = make_session()
    session.referrals[0].name, session.referrals[1].name = "Nadia Petrakis", "Leon Baptiste"
    draft = thank_you_draft(session, SAM_SIGNED.sign_off())
    assert letter(thank_you_subject(session), draft) == golden("thank-you.txt")
    assert draft.endswith("With best wishes,\nSam Reyes\nMSc Statistics, University of Leeds\n")
    assert SAM.sign_off() == "Sam Reyes\nsam@example.org"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Ana Lima", "Dear Ana,"),
        ("  Ana   Lima ", "Dear Ana,"),
        ("Dr. Priya Natarajan", "Dear Dr. Natarajan,"),
        ("Prof Okafor", "Dear Prof Okafor,"),
        ("", "Hello,"),
        ("   ", "Hello,"),
        ("محمد علي", "Dear محمد,"),
        ("🦊 Fox", "Dear 🦊,"),
    ],
)
def test_greetings(name: str, said: str) -> None:
    assert greeting(name) == said


@pytest.mark.parametrize(
    "person",
    [
        Person(name=""),
        Person(name="🦊", title="🦊🦊", organisation="🦊 Ltd", how_found="🦊"),
        Person(name="محمد علي", organisation="شركة", how_found="مؤتمر في دبي", referred_by="سارة"),
        Person(name="A" * 5000, title="B" * 5000, organisation="C" * 5000, how_found="D" * 5000),
        Person(name="Ana", how_found="suggested by"),
        Person(name="Ana", how_found="?!", referred_by="   "),
        Person(name="Ana", how_found="I met you at PyCon!"),
    ],
)
def test_odd_people_give_a_draft_and_checks_without_crashing(person: Person) -> None:
    session = requested(person)
    for profile in (Profile(), SAM, Profile(introduction="🦊", signature="\n\n")):
        draft = request_draft(session, profile)
        assert draft.endswith("\n")
        assert all("  " not in line.strip() for line in draft.splitlines())
        assert len(checks_for(session, draft, profile)) == 8
        assert follow_up_draft(session, profile).startswith(greeting(person.name))


@pytest.mark.parametrize(
    ("how_found", "said"),
    [
        ("the alumni directory", "I found you through the alumni directory."),
        ("LinkedIn", "I found you through LinkedIn."),
        ("Through LinkedIn", "I found you through LinkedIn."),
        ("via the Leeds alumni list.", "I found you via the Leeds alumni list."),
        ("Met at PyCon", "We met at PyCon."),
        ("Saw your talk at PyData London", "I saw your talk at PyData London."),
        ("read your article on waiting rooms", "I read your article on waiting rooms."),
        ("I heard you on a podcast", "I heard you on a podcast."),
        ("  we   worked together at Acme  ", "We worked together at Acme."),
        ("suggested by Ben Ode: she knows the field", ""),  # a referrer not to be named
        ("", ""),
    ],
)
def test_the_connection_sentence_reads_whichever_way_how_found_was_typed(
    how_found: str, said: str
) -> None:
    session = requested(Person(name="Ana", how_found=how_found))
    assert connection_sentence(session) == said
    if said:
        assert checks_for(session, request_draft(session, SAM), SAM)[1].ok


def test_an_introduction_keeps_acronyms_and_names_as_typed() -> None:
    session = found()
    draft = request_draft(session, Profile(name="Sam", introduction="PhD student in ecology"))
    assert "I am Sam, PhD student in ecology." in draft
    draft = request_draft(session, Profile(name="Sam", introduction="A nurse moving into data"))
    assert "I am Sam, a nurse moving into data." in draft
    draft = request_draft(session, Profile(name="Sam Reyes", introduction="Sam Reyes, a nurse"))
    assert "I am Sam Reyes, a nurse." in draft
    draft = request_draft(session, Profile(name="Sam", introduction="I\u2019m a nurse"))
    assert "I\u2019m a nurse." in draft
    assert "I am Sam" not in draft


# --- the checks on hand-written requests ---------------------------------------------

GOOD = """Dear Ana,

Ben Ode suggested I get in touch with you. I am exploring a move into user research, \
and your path from nursing into design interests me. I would value your advice on \
what you wish you had known at the start. I am not looking for a position. Would you \
have 30 minutes for a call, at a time that suits you?

With thanks,
Sam
"""

LABELS = [
    "About 100 words at most",
    "Names the connection first",
    "Asks for information and advice",
    "Does not ask for a job or position",
    "Says how long",
    "At their convenience",
    "More about them than you",
    "Ends with a question",
]


def checked(text: str) -> list[Check]:
    return check_request(text, referrer="Ben Ode", how_found="suggested by Ben Ode")


def test_a_good_request_meets_every_check() -> None:
    checks = checked(GOOD)
    assert [c.label for c in checks] == LABELS
    assert failing(checks) == []
    assert checks[0].detail == "62 words"
    assert checks[1].detail == "Ben Ode, at the start"
    assert checks[4].detail == "30 minutes"
    assert checks[6].detail == "you 7, I/me/my 5"


LONG = (
    " Your team's study of waiting rooms, the paper on rural clinics, the podcast on "
    "accessible forms and the talk at the spring conference all stood out to your "
    "readers for good reasons, and the newsletter your group sends each month is read "
    "widely across the field by designers, nurses and researchers alike."
)


@pytest.mark.parametrize(
    ("label", "old", "new"),
    [
        (LABELS[0], " I would value", LONG + " I would value"),
        (LABELS[1], "Ben Ode suggested I get in touch with you.", "I hope you are well."),
        (LABELS[2], "your advice on", "your view on"),
        (LABELS[3], "I am not looking for a position.", "I am also looking for a position."),
        (LABELS[4], "have 30 minutes for a call", "have time for a call"),
        (LABELS[5], "at a time that suits you?", "this week?"),
        (
            LABELS[6],
            "I am not looking",
            "I think I am ready, my notes say so, and I am not looking",
        ),
        (LABELS[7], "suits you?", "suits you."),
    ],
)
def test_each_check_fails_alone(label: str, old: str, new: str) -> None:
    text = GOOD.replace(old, new)
    assert text != GOOD
    checks = checked(text)
    assert failing(checks) == [label]
    [bad] = [c for c in checks if not c.ok]
    assert bad.detail  # each says what to do, or what it found


@pytest.mark.parametrize(
    "sentence",
    [
        "I'm not looking for a position.",
        "I\u2019m not looking for a job, just your advice.",
        "I am not asking about jobs; I would value your advice.",
        "I loved hearing how your job as a nurse changed over the years.",
        "Your first job sounds like it taught you a lot.",
        "Ana's job sounds fascinating.",
        "If you are in a position to share a little, I would be grateful.",
        "I would love to know what it is like to work at your company.",
        "Would a call at a time that works for you be possible?",
        "Your work as Hiring Manager at Jobs Ltd interests me.",
        "I loved the opening of your talk.",
        "Never mind vacancies: your advice is what I am after.",
    ],
)
def test_job_words_that_do_not_ask_for_a_job(sentence: str) -> None:
    checks = check_request(sentence)
    assert checks[3].ok, checks[3]


@pytest.mark.parametrize(
    "sentence",
    [
        "Are you hiring?",
        "I know you're not hiring, but do you have any openings?",
        "I am looking for a position in your team.",
        "Could I apply for a job on your team?",
        "Are there any vacancies at Acme?",
        "I would love to work for you.",
        "I would like to join your team.",
        "Do you have an internship this summer?",
        "It's a position I would love.",
        "No pressure, but is there a job going?",
        "I have not been in touch before, and I would welcome any employment opportunities.",
    ],
)
def test_job_words_that_ask_for_a_job(sentence: str) -> None:
    checks = check_request(sentence)
    assert not checks[3].ok
    assert checks[3].detail.startswith('reword: "')


def test_the_person_title_and_organisation_are_not_asking_for_a_job() -> None:
    text = "I would love to hear about your work as hiring manager at job studio."
    assert not check_request(text)[3].ok
    assert check_request(text, title="hiring manager", organisation="Job Studio")[3].ok


def test_first_person_words_are_counted_as_words_never_inside_one() -> None:
    text = "Ian, Iris and Ivy in Italy use iPhones; I think you would know."
    checks = check_request(text)
    assert checks[6].detail == "you 1, I/me/my 1"
    assert check_request("I'm here, I\u2019ve been, my, me, mine.")[6].detail == "you 0, I/me/my 5"


@pytest.mark.parametrize(
    ("text", "limit", "ok", "detail"),
    [
        ("Would 20-30 minutes work?", 30, True, "30 minutes"),
        ("Would 20 to 30 minutes work?", 20, True, "20 minutes"),
        ("Could we talk for half an hour?", 30, True, "30 minutes"),
        ("Could we talk for twenty minutes?", 20, True, "20 minutes"),
        ("Could we talk for a 15-minute call?", 15, True, "15 minutes"),
        ("Could we talk for an hour?", 30, True, "60 minutes; the limit is 30"),
        ("Could we talk for a few minutes?", 30, False, "ask for 30 minutes"),
    ],
)
def test_says_how_long(text: str, limit: int, ok: bool, detail: str) -> None:
    check = check_request(text, limit_minutes=limit)[4]
    assert (check.ok, check.detail) == (ok, detail)


@pytest.mark.parametrize(
    "text",
    [
        "Could we talk at your convenience?",
        "Could we talk whenever you're free?",
        "Could we talk at a time that works for you?",
        "I am happy to fit around your diary.",
        "Could we talk whenever suits?",
    ],
)
def test_at_their_convenience(text: str) -> None:
    assert check_request(text)[5].ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Would you have 30 minutes? 🙂", True),
        ("Would you have 30 minutes (at a time that suits you?)", True),
        ("هل لديك ثلاثون دقيقة؟", True),
        ("お時間はありますか\uff1f", True),
        ("Would you have 30 minutes?.", False),
        ("Thanks.", False),
    ],
)
def test_ends_with_a_question(text: str, ok: bool) -> None:
    assert check_request(text)[7].ok is ok


def test_the_greeting_and_sign_off_are_left_out_however_they_are_laid_out() -> None:
    one_line = "Hi Ana, Ben Ode suggested I write. Would you have 30 minutes?\nBest,\nSam"
    assert request_body(one_line) == "Ben Ode suggested I write. Would you have 30 minutes?"
    subject = "Subject: Hello\nDear Ana,\n\nWould you have 30 minutes?\n\nSam Reyes\nsam@x.org"
    assert request_body(subject, "Sam Reyes\nsam@x.org") == "Would you have 30 minutes?"
    dashes = "Would you have 30 minutes?\n-- \nSam"
    assert request_body(dashes) == "Would you have 30 minutes?"
    crlf = "Dear Ana,\r\n\r\nWould you have 30 minutes?\r\n\r\nThanks!\r\nSam\r\n"
    assert request_body(crlf) == "Would you have 30 minutes?"
    assert request_body("") == ""
    assert request_body("Dear Ana,\n\nWith thanks,\nSam") == ""


def test_odd_texts_never_crash_and_long_ones_are_quick() -> None:
    for text in ("", " \n\n ", "?", "Dear Ana,", "🦊" * 50, "\x00\x1b[2J", "I" * 10000):
        assert len(check_request(text)) == 8
    empty = check_request("")
    assert not empty[0].ok
    assert empty[0].detail == "0 words"
    long = "Would you have 30 minutes, at a time that suits you, for your advice? " * 5000
    started = time.perf_counter()
    checks = check_request(long, how_found="x")
    assert time.perf_counter() - started < 2
    assert not checks[0].ok
    assert checks[0].detail == "70000 words"
