"""A session as a readable document (Markdown): the detail view, `show` and exports.

Everything the user typed is escaped, so a note that starts with "#" or holds
"[x](y)" reads as typed instead of turning into a heading or a link.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from .call_time import format_call_time
from .codec import SCHEMA_VERSION
from .model import EventKind, MayMention, Outreach, Priority, Reply, Session, SessionState
from .summary import summarise

_INLINE = re.compile(r"([\\`*_\[\]<])")
_LINE_START = re.compile(r"^(\s*)([-+=#>]|\d+(?=[.)]))", re.MULTILINE)

EVENT_WORDS = {
    EventKind.STARTED: "call started",
    EventKind.PAUSED: "paused",
    EventKind.RESUMED: "resumed",
    EventKind.EXTENDED: "limit extended by {minutes} min",
    EventKind.WARNED: "{minutes} minutes left",
    EventKind.WRAP_UP: "wrap-up",
    EventKind.TIME_UP: "time up",
    EventKind.ENDED: "call ended",
    EventKind.REOPENED: "reopened",
}

MENTION_WORDS = {
    MayMention.YES: "may mention the referrer",
    MayMention.NO: "do not mention the referrer",
    MayMention.NOT_ASKED: "not asked whether the referrer may be mentioned",
}

REPLY_WORDS = {
    Reply.WAITING: "waiting",
    Reply.AGREED: "agreed",
    Reply.DECLINED: "declined",
    Reply.NO_REPLY: "no reply",
}

OUTREACH_WORDS = {
    Outreach.TO_CONTACT: "to contact",
    Outreach.CONTACTED: "contacted",
    Outreach.MEETING_PLANNED: "meeting planned",
    Outreach.MET: "met",
    Outreach.DECLINED: "declined",
}


def _escape_line_start(match: re.Match[str]) -> str:
    indent, mark = match.group(1), match.group(2)
    if mark[0].isdigit():
        return f"{indent}{mark}\\"  # "1." -> "1\." : the dot is what makes a list
    return f"{indent}\\{mark}"


def escape(text: str) -> str:
    """User text made safe for Markdown, line breaks kept."""
    text = _INLINE.sub(r"\\\1", text)
    text = _LINE_START.sub(_escape_line_start, text)
    # A hard line break (two spaces) keeps the lines as typed.
    return "  \n".join(text.split("\n"))


def _as_typed(text: str) -> str:
    return text


def local(moment: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def _call_time(session: Session, moment: dt.datetime) -> str:
    """Minutes into the call, if it had started by then."""
    start = session.started_at
    if start is None or moment < start:
        return local(moment)
    return format_call_time((moment - start).total_seconds())


def to_markdown(
    session: Session, file: str = "", tz: dt.tzinfo | None = None, *, plain: bool = False
) -> str:
    """The whole session as Markdown; ``plain`` leaves the user's text unescaped,
    for reading in a terminal (``iisession show``)."""
    esc = _as_typed if plain else escape
    s = summarise(file, session)
    p = session.person
    lines: list[str] = []
    title = esc(p.name or "(no name)")
    role = ", ".join(esc(x) for x in (p.title, p.organisation) if x)
    lines.append(f"# {title}" + (f" ({role})" if role else ""))
    lines.append("")
    state = "practice run" if session.practice else session.state.value
    when = session.started_at or session.planned_at
    facts = [f"**{state.capitalize()}**"]
    if when is not None:
        facts.append(local(when, tz))
    if session.started_at is not None:
        facts.append(f"{format_call_time(s.length_seconds)} of {s.limit_minutes} minutes")
    else:
        facts.append(f"limit {s.limit_minutes} minutes")
    facts.append(f"{s.asked} of {s.questions} questions asked")
    facts.append(f"{s.referrals} referral{'' if s.referrals == 1 else 's'}")
    lines.append(" · ".join(facts))
    lines.append("")
    details = [
        ("How found", p.how_found),
        ("Referred by", p.referred_by),
        ("How to reach", p.contact),
    ]
    for label, value in details:
        if value:
            lines.append(f"- {label}: {esc(value)}")
    if session.confirmed_at is not None:
        lines.append(f"- Confirmed: {local(session.confirmed_at, tz)}")
    if file:
        lines.append(f"- File: `{file}`")
    lines.append("")

    request = session.request
    if request is not None:
        from .requests import stage_of

        lines += ["## Request", "", f"- Stands: {stage_of(session).value}"]
        for label, moment in (
            ("Sent", request.sent_at),
            ("Followed up", request.followed_up_at),
            (f"Reply ({REPLY_WORDS[request.reply]})", request.replied_at),
        ):
            if moment is not None:
                lines.append(f"- {label}: {local(moment, tz)}")
        if request.subject:
            lines.append(f"- Subject: {esc(request.subject)}")
        if request.text.strip():
            lines += ["", "**The request:**", "", esc(request.text.strip())]
        if request.follow_up_text.strip():
            lines += ["", "**The follow-up:**", "", esc(request.follow_up_text.strip())]
        lines.append("")

    prep = session.preparation
    if prep.research or prep.introduction or prep.goals:
        lines.append("## Preparation")
        lines.append("")
        for label, value in (
            ("Introduction", prep.introduction),
            ("Goals", prep.goals),
            ("Research", prep.research),
        ):
            if value:
                lines += [f"**{label}:** {esc(value)}", ""]

    if session.questions:
        lines.append("## Questions")
        lines.append("")
        for n, q in enumerate(session.questions, 1):
            marks = []
            if q.priority is Priority.MUST:
                marks.append("must-ask")
            if q.closing:
                marks.append("closing")
            if q.starred:
                marks.append("★")
            tick = "asked" if q.asked else "not asked"
            if q.asked_at is not None:
                tick += f" at {_call_time(session, q.asked_at)}"
            extra = f" ({', '.join(marks)})" if marks else ""
            lines.append(f"{n}. **{esc(q.text)}**{extra}: *{tick}*")
            if q.answer:
                lines.append("")
                lines.append("   " + esc(q.answer).replace("\n", "\n   "))
            lines.append("")

    if session.key_points:
        lines.append("## Key points")
        lines.append("")
        for k in session.key_points:
            lines.append(f"- {format_call_time(k.call_seconds)}: {esc(k.text)}")
        lines.append("")

    if session.notes.strip():
        lines += ["## Notes", "", esc(session.notes.strip()), ""]

    if session.referrals:
        lines.append("## Referrals")
        lines.append("")
        for r in session.referrals:
            who = ", ".join(esc(x) for x in (r.role, r.organisation) if x)
            line = f"- **{esc(r.name)}**" + (f" ({who})" if who else "")
            if r.contact:
                line += f": {esc(r.contact)}"
            lines.append(line)
            if r.why:
                lines.append(f"  - Why: {esc(r.why)}")
            detail = MENTION_WORDS[r.may_mention]
            if r.intro_offered:
                detail += "; an introduction was offered"
            lines.append(f"  - {detail.capitalize()}")
            lines.append(f"  - Outreach: {OUTREACH_WORDS[r.outreach]}")
        lines.append("")

    follow = session.follow_up
    if session.state not in (SessionState.REQUESTED, SessionState.PLANNED):
        lines.append("## Follow-up")
        lines.append("")
        if follow.thank_you_sent is not None:
            lines.append(f"- Thank-you sent {local(follow.thank_you_sent, tz)}")
        else:
            lines.append("- Thank-you not sent yet")
        if follow.last_contact is not None:
            lines.append(f"- Last in touch {local(follow.last_contact, tz)}")
        if follow.referrer_told is not None:
            lines.append(
                f"- Told {esc(p.referred_by) or 'the referrer'} {local(follow.referrer_told, tz)}"
            )
        if follow.thank_you_draft:
            lines += ["", "**Thank-you draft:**", "", esc(follow.thank_you_draft)]
        lines.append("")

    if session.timeline:
        lines.append("## Timeline")
        lines.append("")
        for e in session.timeline:
            if e.kind is EventKind.EXTENDED and e.minutes < 0:
                words = f"{-e.minutes} min of the extension taken back"
            else:
                words = EVENT_WORDS[e.kind].format(minutes=e.minutes)
            lines.append(f"- {local(e.at, tz)}: {words}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def json_document(
    session: Session, file: str = "", unknown_fields: Sequence[str] = ()
) -> dict[str, Any]:
    """Every field of the session, empty ones too (times as RFC 3339 text, a time
    not set as null), with its file name, the figures the lists show, and the
    names of any fields in the file this version does not know."""
    doc: dict[str, Any] = {"file": file} if file else {}
    doc.update(_jsonable(dataclasses.asdict(session)))
    doc["schema_version"] = SCHEMA_VERSION
    doc["summary"] = summarise(file, session).to_json()
    doc["unknown_fields"] = list(unknown_fields)
    return doc
