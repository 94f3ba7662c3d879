"""Asking for the conversation: the request draft, what it meets, and where it stands.

A request is the first stage of a contact (``Session.request``, state
``requested``): drafted, sent, perhaps followed up once, and then agreed (the
session becomes the planned call), declined, or given up as no reply.

The draft follows the craft: the connection first, information and advice
(not a job), how long and at their convenience, short, more about them than
about the writer, ending with a question. ``check_request`` says which of
these a text meets, by plain rules a person can follow, so the user sees why.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from .model import DEFAULT_LIMIT_MINUTES, Reply, Request, Session, SessionState, clean_text
from .profile import Profile

MAX_WORDS = 100
NO_NAME = "[your name]"
"""Where the sender goes in a draft while the profile has no name."""


class Stage(enum.StrEnum):
    """Where a contact stands, from found to met; the value is what lists show."""

    TO_ASK = "to ask"
    WAITING = "waiting"
    FOLLOWED_UP = "followed up"
    AGREED = "call planned"
    MET = "met"
    DECLINED = "declined"
    NO_REPLY = "no reply"


OPEN_STAGES = (Stage.WAITING, Stage.FOLLOWED_UP)
"""A reply may still come."""


def stage_of(session: Session) -> Stage:
    """The reply, once there is one, decides; a request not sent is still to ask."""
    if session.state is SessionState.ENDED or session.state is SessionState.LIVE:
        return Stage.MET
    if session.state is SessionState.PLANNED:
        return Stage.AGREED
    request = session.request
    if request is None:
        return Stage.TO_ASK
    if request.reply is Reply.DECLINED:
        return Stage.DECLINED
    if request.reply is Reply.NO_REPLY:
        return Stage.NO_REPLY
    if request.reply is Reply.AGREED:
        return Stage.AGREED  # agreed by phone, say, before the file became the planned call
    if request.sent_at is None:
        return Stage.TO_ASK
    return Stage.FOLLOWED_UP if request.followed_up_at is not None else Stage.WAITING


# --- drafts ----------------------------------------------------------------------


def _sentence(text: str) -> str:
    """One line, capitalised, ending with a full stop (unless it ends ``!`` or ``?``)."""
    text = " ".join(text.split()).rstrip(" .,;:")
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in "!?" else text + "."


_FIRST_PERSON_START = ("i ", "i'", "i\u2019", "we ", "we'", "we\u2019", "my ", "our ")
_VERB_START = ("met ", "saw ", "read ", "heard ", "found ", "came ", "listened ", "watched ")
_PLACE_START = ("through ", "via ", "on ", "at ", "in ", "from ")
_LOWER_FIRST = {"a", "an", "the", "currently", "now", "recently", "just", "still"}
"""Words that start an introduction and read lower-case after "I am Sam,": any
other first word ("PhD", "UX", "Oxford") is kept as typed."""
_HONORIFICS = {"dr", "prof", "professor", "mr", "mrs", "ms", "mx", "miss", "rev"}


def greeting(name: str) -> str:
    """``Dear Ana,``; ``Dear Dr. Silva,`` for a name that starts with a title;
    ``Hello,`` with no name."""
    parts = name.split()
    if not parts:
        return "Hello,"
    if parts[0].rstrip(".").casefold() in _HONORIFICS and len(parts) > 1:
        return f"Dear {parts[0]} {parts[-1]},"
    return f"Dear {parts[0]},"


def _continuing(text: str) -> str:
    """``text`` as the rest of a sentence: "A data analyst" reads "a data analyst"."""
    first = text.split(maxsplit=1)[0] if text.split() else ""
    if first.casefold() in _LOWER_FIRST and first == first.capitalize():
        return text[:1].lower() + text[1:]
    return text


def connection_sentence(session: Session, *, may_name_referrer: bool = True) -> str:
    """The opening line: who suggested them, else how the user found them."""
    person = session.person
    referrer = " ".join(person.referred_by.split())
    if referrer and may_name_referrer:
        return f"{referrer} suggested I get in touch with you."
    how = " ".join(person.how_found.split())
    if not how or how.casefold().startswith("suggested by"):
        return ""  # a referrer the user may not name is not named this way either
    low = how.casefold()
    if low.startswith(_FIRST_PERSON_START):
        return _sentence(how)
    if re.match(r"met (?:at|in|on|through|during|via)\b", low):
        return _sentence("We " + low[:1] + how[1:])  # "Met at PyCon": we met there
    if low.startswith(_VERB_START):
        return _sentence("I " + low[:1] + how[1:])
    if low.startswith(_PLACE_START):
        return _sentence("I found you " + low[:1] + how[1:])  # "Through LinkedIn"
    return _sentence("I found you through " + how)


def _introduction(profile: Profile) -> str:
    intro = " ".join(profile.introduction.split())
    name = " ".join(profile.name.split())
    low = intro.casefold()
    if low.startswith(_FIRST_PERSON_START):
        return _sentence(intro)
    if intro and name and low.startswith(name.casefold()):
        return _sentence(f"I am {intro}")  # "Sam Okafor, a data analyst ..."
    if intro and name:
        return _sentence(f"I am {name}, {_continuing(intro)}")
    if intro:
        return _sentence(f"I am {_continuing(intro)}")
    return f"I am {name}." if name else ""


def _their_work(session: Session) -> str:
    title = " ".join(session.person.title.split())
    organisation = " ".join(session.person.organisation.split())
    if title and organisation:
        return f"your work as {title} at {organisation}"
    if title:
        return f"your work as {title}"
    if organisation:
        return f"your work at {organisation}"
    return "your work"


def request_subject(session: Session, *, may_name_referrer: bool = True) -> str:
    referrer = " ".join(session.person.referred_by.split())
    if referrer and may_name_referrer:
        return f"{referrer} suggested I get in touch"
    organisation = " ".join(session.person.organisation.split())
    if organisation:
        return f"A short conversation about your work at {organisation}"
    return "A short conversation about your work"


def sign_off(profile: Profile) -> str:
    return profile.sign_off() or NO_NAME


def _letter(session: Session, profile: Profile, body: str) -> str:
    return f"{greeting(session.person.name)}\n\n{body}\n\nWith thanks,\n{sign_off(profile)}\n"


def request_draft(session: Session, profile: Profile, *, may_name_referrer: bool = True) -> str:
    """The request for a conversation, from what the session knows of the person."""
    work = _their_work(session)
    lines = [
        connection_sentence(session, may_name_referrer=may_name_referrer),
        _introduction(profile),
        f"{work[:1].upper() + work[1:]} is what I hope to learn about: how you came to it, "
        "and what you wish you had known at the start.",
        "I am not asking about jobs; I would value your advice and experience.",
        f"Would you have {session.limit_minutes} minutes for a call, at a time that suits you?",
    ]
    return _letter(session, profile, " ".join(line for line in lines if line))


def introduction_request_draft(
    known_name: str,
    organisation: str,
    profile: Profile,
    session_person_name: str = "",
    *,
    limit_minutes: int = DEFAULT_LIMIT_MINUTES,
) -> str:
    """A request to someone the user knows at ``organisation``: would they
    introduce the user to ``session_person_name`` there (or to whoever they
    think the user should talk to)? Short, and ending with a question."""
    organisation = " ".join(organisation.split())
    person = " ".join(session_person_name.split())
    lines = [
        # Someone the user knows: the connection is that they have been in touch.
        "It has been a while since we were last in touch, and I hope you are well.",
        _introduction(profile),
        f"You know {organisation or 'your organisation'} far better than I could from outside, "
        "and your word would mean a lot.",
        f"I would value {limit_minutes} minutes with {person or 'someone there'} to hear about "
        "their work: advice and experience, not a job.",
        f"Would you be willing to introduce us{'' if person else ', or tell me who to ask'}, "
        "if it suits you?",
    ]
    body = " ".join(line for line in lines if line)
    return f"{greeting(known_name)}\n\n{body}\n\nWith thanks,\n{sign_off(profile)}\n"


def follow_up_subject(request: Request) -> str:
    subject = " ".join(request.subject.split())
    if not subject:
        return "Following up: a short conversation"
    return subject if subject.casefold().startswith("re:") else f"Re: {subject}"


def follow_up_draft(session: Session, profile: Profile, tz: dt.tzinfo | None = None) -> str:
    """The one polite follow-up, a week or so after the request."""
    request = session.request
    sent = request.sent_at.astimezone(tz) if request is not None and request.sent_at else None
    when = f" on {sent:%A} {sent.day} {sent:%B}" if sent is not None else ""
    organisation = " ".join(session.person.organisation.split())
    about = f"your work at {organisation}" if organisation else "your work"
    body = (
        f"I wrote{when} to ask whether you might have {session.limit_minutes} minutes "
        f"to talk about {about}; I would still value your advice. Your days must be "
        "full, so this is my one follow-up, and I will understand if now is not a good "
        "time. Would a short call in the coming weeks, at a time that suits you, be possible?"
    )
    return _letter(session, profile, body)


def thank_you_subject(session: Session) -> str:
    return "Thank you for your time"


# --- the checks -------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str = ""


_GREETING = re.compile(r"^(dear|hi|hello|hey|good (morning|afternoon|evening))\b", re.IGNORECASE)
_CLOSING = re.compile(
    r"^(?:(?:with |many |warm(?:est)? |kind(?:est)? |best )?(?:thanks|regards|wishes)|"
    r"thank you(?: again)?|best|cheers|(?:yours )?sincerely|yours(?: truly)?|all the best)"
    r"[,.!]?$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[\u3002\uff01\uff1f\u061f])\s*")
_QUESTION_END = re.compile(r"[?\uff1f\u061f][^\w.]*$")
"""A question mark ("?", the full-width one, the Arabic one), then perhaps a
bracket, a quote or an emoji."""
_JOB = re.compile(
    r"\b(?:jobs?|positions?|vacanc(?:y|ies)|openings|(?:an|any) opening|hiring|hire me|"
    r"employment opportunit(?:y|ies)|internships?|open roles?|"
    r"to (?:work (?:for|with|at)|join) (?:you|your))\b",
    re.IGNORECASE,
)
_NOT_A_JOB = re.compile(
    r"\bin a position to\b|\b(?:is|it['\u2019]s|be) like to (?:work|join)\b", re.IGNORECASE
)
"""Idioms the job words turn up in: "if you are in a position to", "what it is like to work"."""
_POSSESSIVE = re.compile(
    r"(?:\b(?:your|my|his|her|their|our|its)|"
    r"(?<!\bit)(?<!\bthat)(?<!\bthere)(?<!\bwhat)(?<!\bhere)(?<!\bwho)(?<!\bhe)(?<!\bshe)"
    r"(?<!\blet)['\u2019]s)\s+(?:[^\W\d_]+\s+)?$",
    re.IGNORECASE,
)
"""Just before a job word: "your job", "my current position", "Ana's role"."""
_NEGATION = re.compile(r"\b(?:not|no|never|nor|without)\b|n['\u2019]t\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:\u2013\u2014()]|\bbut\b", re.IGNORECASE)
NEGATION_REACH = 6
"""Words before a job word in which a "not" still governs it."""
_ADVICE = re.compile(
    r"\b(advice|advise|learn|learning|hear|hearing|information|insights?|experience|"
    r"perspective|ask you about)\b",
    re.IGNORECASE,
)
_NUMBER = r"\d{1,3}|five|ten|fifteen|twenty(?:[- ]five)?|thirty|forty(?:[- ]five)?|sixty|ninety"
_LENGTH = re.compile(
    rf"\b({_NUMBER})(?:\s*(?:-|\u2013|to|or)\s*({_NUMBER}))?\s*(?:-\s*)?(?:minutes?|mins?)\b|"
    r"\b(half an hour|half[- ]hour|an hour|quarter of an hour|quarter[- ]hour)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30,
    "forty": 40, "forty-five": 45, "sixty": 60, "ninety": 90,
    "half an hour": 30, "half-hour": 30, "an hour": 60, "quarter of an hour": 15,
    "quarter-hour": 15,
}  # fmt: skip
_CONVENIENCE = re.compile(
    r"\b(?:suits? you|suit your|convenien(?:t|ce)|works? (?:best )?for you|"
    r"your (?:diary|schedule|calendar|availability)|"
    r"when(?:ever)? (?:you(?:['\u2019]re| are) free|you have|you can|it suits|suits)|"
    r"fits? (?:in )?(?:around|with) (?:you|your)|in your own time|(?:easiest|best) for you)\b",
    re.IGNORECASE,
)
_ME = {"i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll"}
_YOU = {"you", "your", "yours", "yourself", "you're", "you've", "you'd", "you'll"}
_NOT_A_NAME = _HONORIFICS | {
    "a", "an", "the", "and", "of", "at", "in", "on", "by", "to", "for", "from", "with", "via",
    "through", "suggested", "found", "met", "your", "you", "my", "me", "i",
}  # fmt: skip
"""Words of a referrer's name or of how they were found that say nothing of the
connection when the opening has them."""


def _drop_greeting(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    if not lines:
        return lines
    first = lines[0].strip()
    if first.endswith(",") and len(first.split()) <= 4:
        return lines[1:]  # "Dear Ana," and "Ana,"
    if _GREETING.match(first):
        if len(first.split()) <= 4:
            return lines[1:]  # "Hi Ana" with no comma
        head, comma, rest = first.partition(",")
        if comma and len(head.split()) <= 4:
            return [rest.strip(), *lines[1:]]  # "Hi Ana, Ben suggested ..." on one line
    return lines


def _drop_sign_off(lines: list[str], signature: str) -> list[str]:
    """Without the closing ("With thanks,") and the lines under it: the
    earliest closing among the short lines at the end."""
    sign = " ".join(signature.split())
    cut_at = len(lines)
    for cut in range(len(lines) - 1, max(0, len(lines) - 10), -1):
        line = lines[cut].strip()
        after = lines[cut + 1 :]
        if any(len(x.split()) > 8 or x.rstrip().endswith("?") for x in after):
            break  # what follows is not a signature: no sign-off above it
        if (
            line in ("--", "-- ")
            or _CLOSING.match(line)
            or (line.endswith(",") and len(line.split()) <= 5)
            or (sign and " ".join(" ".join(lines[cut:]).split()) == sign)
        ):
            cut_at = cut
    return lines[:cut_at]


def request_body(text: str, signature: str = "") -> str:
    """The text without its subject and greeting lines and its sign-off: what the
    checks read."""
    lines = clean_text(text).strip().split("\n")
    if lines and lines[0].strip().casefold().startswith("subject:"):
        lines = lines[1:]
    lines = _drop_sign_off(_drop_greeting(lines), signature)
    return "\n".join(lines).strip()


def _words(text: str) -> list[str]:
    return [w.casefold().replace("\u2019", "'") for w in _WORD.findall(text)]


def _sentences(body: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(" ".join(body.split())) if s]


def _mentions(opening: str, words: list[str]) -> bool:
    """Any of ``words`` in ``opening``: as a word, or inside it for a script
    written without spaces."""
    found = set(_words(opening))
    low = opening.casefold()
    return any(w in found or (not w.isascii() and w in low) for w in words)


def _names_connection(opening: str, referrer: str, how_found: str) -> Check:
    label = "Names the connection first"
    referrer = " ".join(referrer.split())
    how_found = " ".join(how_found.split())
    if referrer:
        parts = [w for w in _words(referrer) if w not in _NOT_A_NAME] or _words(referrer)
        if parts and _mentions(opening, parts):
            return Check(label, True, f"{referrer}, at the start")
        return Check(label, False, f"say at the start that {referrer} suggested them")
    how = [w for w in _words(how_found) if len(w) > 1 and w not in _NOT_A_NAME]
    if how and _mentions(opening, how):
        return Check(label, True, "how you found them, at the start")
    if not how_found:
        return Check(label, False, "add who suggested them or how you found them")
    return Check(label, False, f"say at the start how you found them ({how_found[:60]})")


def _asks_for_a_job(sentence: str, about: list[str]) -> bool:
    """A job word, not negated shortly before it in its clause, not describing
    someone's work ("your job as ..."), not part of a name or title written with
    capitals ("Hiring Manager", "Jobs Ltd"), nor of the person's own title or
    organisation (``about``)."""
    text = _NOT_A_JOB.sub(" ", sentence)
    for part in about:
        if part:
            text = re.sub(re.escape(part), " ", text, flags=re.IGNORECASE)
    for m in _JOB.finditer(text):
        before = text[: m.start()]
        if m.group()[:1].isupper() and before.strip():
            continue
        if _POSSESSIVE.search(before):
            continue
        clause = _CLAUSE_BREAK.split(before)[-1]
        if _NEGATION.search(" ".join(clause.split()[-NEGATION_REACH:])):
            continue
        return True
    return False


def _length(body: str, limit_minutes: int) -> Check:
    label = "Says how long"
    said: list[int] = []
    for m in _LENGTH.finditer(body):
        for group in m.groups():
            if group:
                word = " ".join(group.casefold().split()).replace(" five", "-five")
                number = int(word) if word.isdigit() else _NUMBER_WORDS.get(word)
                if number is not None:
                    said.append(number)
    if not said:
        return Check(label, False, f"ask for {limit_minutes} minutes")
    if limit_minutes in said or min(said) <= limit_minutes <= max(said):
        return Check(label, True, f"{limit_minutes} minutes")
    return Check(label, True, f"{said[0]} minutes; the limit is {limit_minutes}")


def check_request(
    text: str,
    *,
    referrer: str = "",
    how_found: str = "",
    limit_minutes: int = 30,
    signature: str = "",
    title: str = "",
    organisation: str = "",
) -> list[Check]:
    """What the request meets, in the order the craft gives, without guessing.

    Plain rules a person can follow: the words are counted without the greeting
    and the sign-off, and "about 100" allows ten more. The connection counts
    when the first two sentences name the referrer (any part of the name) or a
    word of how the user found them. A job word counts as asking for a job
    unless a "not" comes shortly before it in its clause ("I am not looking for
    a position"), it describes someone's work ("your job as ..."), or it is part
    of a name or title (written with capitals mid-sentence, or the ``title`` and
    ``organisation`` given). "I" is counted as a word, never inside one.
    """
    body = request_body(text, signature)
    words = _words(body)
    sentences = _sentences(body)
    opening = " ".join(sentences[:2])
    checks = [
        Check(
            f"About {MAX_WORDS} words at most",
            0 < len(words) <= MAX_WORDS + 10,
            f"{len(words)} word{'' if len(words) == 1 else 's'}",
        ),
        _names_connection(opening, referrer, how_found),
    ]
    advice = bool(_ADVICE.search(body))
    checks.append(
        Check(
            "Asks for information and advice",
            advice,
            "" if advice else "say you would value their advice or experience",
        )
    )
    about = [" ".join(title.split()), " ".join(organisation.split())]
    asking = [s for s in sentences if _asks_for_a_job(s, about)]
    checks.append(
        Check(
            "Does not ask for a job or position",
            not asking,
            f'reword: "{asking[0][:60]}"' if asking else "",
        )
    )
    checks.append(_length(body, limit_minutes))
    convenient = bool(_CONVENIENCE.search(body))
    checks.append(
        Check(
            "At their convenience",
            convenient,
            "" if convenient else 'add "at a time that suits you"',
        )
    )
    me = sum(w in _ME for w in words)
    you = sum(w in _YOU for w in words)
    checks.append(Check("More about them than you", you >= me, f"you {you}, I/me/my {me}"))
    question = bool(_QUESTION_END.search(body))
    checks.append(
        Check(
            "Ends with a question",
            question,
            "" if question else "end with a question they can say yes to",
        )
    )
    return checks


def checks_for(
    session: Session, text: str, profile: Profile, *, may_name_referrer: bool = True
) -> list[Check]:
    """``check_request`` with what the session knows of the person."""
    person = session.person
    how_found = person.how_found
    if not may_name_referrer and how_found.strip().casefold().startswith("suggested by"):
        how_found = ""
    return check_request(
        text,
        referrer=person.referred_by if may_name_referrer else "",
        how_found=how_found,
        limit_minutes=session.limit_minutes,
        signature=profile.sign_off(),
        title=person.title,
        organisation=person.organisation,
    )


def checks_met(checks: list[Check]) -> str:
    met = sum(c.ok for c in checks)
    return f"{met} of {len(checks)}"
