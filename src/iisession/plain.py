"""The plain commands (`list`, `show`, `search`, `todo`, `ask`, `requests` and the
rest), for scripts and screen readers.

They print to stdout (text, or JSON with ``--json``) and messages to stderr,
and read the folder through the same index as the app.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .core import collector
from .core.index import Listing, Problem, Progress, SessionIndex, ranked_among, read_listing
from .core.lookup import UnknownSession, resolve
from .core.paths import Folders, expand
from .core.summary import FIELD_LABELS, Summary

# ``show`` and ``export`` read a session file; the session model, its codec and
# the store are imported there, not by every command (``list`` needs none).

if TYPE_CHECKING:
    import datetime as dt

    from .core.model import Person, Session
    from .core.people import Known
    from .core.todo import Due
    from .core.workspace import Workspace


def _progress(stream: TextIO) -> Progress | None:
    """A one-line counter on a terminal during a first index build; silent otherwise."""
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total >= 200:
            end = "\n" if done == total else ""
            stream.write(f"\rIndexing the sessions folder: {done:,} of {total:,} files{end}")
            stream.flush()

    return show


def _listing(folders: Folders) -> Listing:
    listing = read_listing(SessionIndex(folders.sessions, folders.cache), _progress(sys.stderr))
    if listing.note:
        print(safe(f"iisession: {listing.note}"), file=sys.stderr)
    return listing


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    """Text for a terminal: a stray escape code in a note, a file name or an
    argument must not reach it. Every message goes through here."""
    return _CONTROL.sub("\ufffd", text)


_JSON_ESCAPED = re.compile(r"[\x7f-\x9f\u2028\u2029]")


def _unicode_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def to_json(data: Any) -> str:
    """``data`` as JSON text, non-ASCII text as typed, but no control character in it:
    json escapes C0 itself; DEL, C1 and the line and paragraph separators (U+2028,
    U+2029) become ``\\u`` escapes too. The same value, parsed."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # They can only stand inside a string, where an escape means the same.
    return _JSON_ESCAPED.sub(_unicode_escape, text) + "\n"


def _dump(data: Any) -> None:
    sys.stdout.write(to_json(data))


def _date(summary: Summary) -> str:
    """When the session was, in local time, to the minute."""
    moment = summary.moment
    try:
        # The same local time as ``astimezone()`` gives, in half the time: a
        # listing formats tens of thousands of them.
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(moment.timestamp()))
    except (OverflowError, OSError, ValueError):  # beyond what the C library converts
        return f"{moment.astimezone():%Y-%m-%d %H:%M}"


GAP = "  "
"""Between the columns of a table."""

MIN_CLIPPED = 8
"""A column cut to fit the terminal keeps at least this many columns."""


def _width(text: str) -> int:
    """The terminal columns ``text`` takes: wide characters two, combining marks none."""
    if text.isascii():
        return len(text)  # nearly every cell: counted without a look at each character
    return sum(
        0
        if unicodedata.combining(char) or char == "\u200d"
        else 2
        if unicodedata.east_asian_width(char) in ("W", "F")
        else 1
        for char in text
    )


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, ending in an ellipsis if it was cut."""
    if _width(text) <= width:
        return text
    if text.isascii():  # a column a character
        return text[: max(width - 1, 0)].rstrip() + "\u2026"
    kept: list[str] = []
    used = 0
    for char in text:
        used += _width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "\u2026"


def _fit(widths: Sequence[int], clippable: Sequence[int], columns: int) -> list[int]:
    """Column widths for a line of at most ``columns``: the ``clippable`` columns
    give way, the widest first, down to ``MIN_CLIPPED``; the others never do."""
    fitted = list(widths)
    excess = sum(fitted) + len(GAP) * (len(fitted) - 1) - columns
    while excess > 0:
        widest = max(clippable, key=lambda n: fitted[n])
        if fitted[widest] <= MIN_CLIPPED:
            break
        fitted[widest] -= 1
        excess -= 1
    return fitted


def _table(
    rows: Sequence[Sequence[str]], clippable: Sequence[int] = (), columns: int = 0
) -> list[str]:
    """Rows as aligned columns; with ``columns``, the ``clippable`` columns are cut
    (with an ellipsis) so that each line fits that many columns, as far as they can.

    Other cells are never cut. The last column needs no padding, so only the rows
    (the first, a header, aside) whose last cell can fit at all count: one whose
    last cell (a file name, say) is too long for the terminal runs past it,
    without squeezing every other row.
    """
    # Each cell's width counted once: a listing has tens of thousands of cells,
    # and nearly every row is ASCII, a column a character.
    plain = ["".join(row).isascii() for row in rows]
    cell_widths = [
        list(map(len, row)) if ascii else [_width(cell) for cell in row]
        for row, ascii in zip(rows, plain, strict=True)
    ]
    full = [max(column) for column in zip(*cell_widths, strict=True)]
    widths = full
    if columns and clippable:
        narrowest = [min(w, MIN_CLIPPED) if n in clippable else w for n, w in enumerate(widths)]
        room = columns - sum(narrowest[:-1]) - len(GAP) * (len(widths) - 1)
        last = [row[-1] for row in cell_widths[1:] or cell_widths]
        fitting = [w for w in last if w <= room]
        widths = _fit([*widths[:-1], max(fitting, default=min(last))], clippable, columns)
    cut = [n for n in clippable if widths[n] < full[n]]  # the columns some cells are cut in
    lines = []
    for row, row_widths, ascii in zip(rows, cell_widths, plain, strict=True):
        if ascii and not (cut and any(row_widths[n] > widths[n] for n in cut)):
            # Nothing to cut, and padding by characters is padding by columns.
            lines.append(GAP.join(map(str.ljust, row, widths)).rstrip())
            continue
        padded = []
        for n, (cell, used, width) in enumerate(zip(row, row_widths, widths, strict=True)):
            if used > width and n in clippable:
                cell = _clip(cell, width)
                used = _width(cell)
            padded.append(cell + " " * (width - used))
        lines.append(GAP.join(padded).rstrip())
    return lines


def cmd_list(folders: Folders, as_json: bool) -> int:
    listing = _listing(folders)
    if as_json:
        _dump(
            {
                "folder": str(folders.sessions),
                "sessions": [s.to_json() for s in listing.summaries],
                "unreadable": [{"file": p.file, "reason": p.reason} for p in listing.problems],
            }
        )
        return 0
    if listing.summaries:
        header = ("DATE", "PERSON", "ORGANISATION", "LENGTH", "ASKED", "REFERRALS", "STATE", "ID")
        rows = [header] + [
            (
                _date(s),
                s.person or "(no name)",  # made safe with the whole table, below
                s.organisation or "-",
                s.length_text(),
                f"{s.asked}/{s.questions}",
                str(s.referrals),
                s.state,
                s.file,
            )
            for s in listing.summaries
        ]
        # On a terminal each line fits its width: long names and organisations are
        # cut short. Into a pipe or a file, everything is written whole.
        columns = shutil.get_terminal_size().columns if sys.stdout.isatty() else 0
        print(safe("\n".join(_table(rows, clippable=(1, 2), columns=columns))))
    else:
        print(safe(f"No sessions in {folders.sessions} yet: `iisession new` sets one up."))
    if listing.problems:
        print(f"\nUnreadable files ({len(listing.problems)}), left as they are:", file=sys.stderr)
        for problem in listing.problems:
            print(safe(f"  {problem.file}: {problem.reason}"), file=sys.stderr)
    return 0


def cmd_show(folders: Folders, ident: str, as_json: bool) -> int:
    from .core.document import json_document, to_markdown
    from .core.store import SessionFileError, read_session

    listing = _listing(folders)
    try:
        name = resolve(ident, listing.summaries, [p.file for p in listing.problems])
    except UnknownSession as error:
        print(safe(f"iisession show: {error}"), file=sys.stderr)
        return 1
    try:
        loaded = read_session(folders.sessions / name)
    except SessionFileError as error:
        print(safe(f"iisession show: {error}"), file=sys.stderr)
        return 1
    session = loaded.session
    if as_json:
        _dump(json_document(session, name, loaded.unknown_keys))
    else:
        sys.stdout.write(safe(to_markdown(session, name, plain=True)))
    return 0


def _skipped(command: str, note: str, problems: Sequence[Problem]) -> None:
    """Name on stderr what could not be used, and why."""
    if note:
        print(safe(f"iisession {command}: {note}"), file=sys.stderr)
    for problem in problems:
        print(
            safe(f"iisession {command}: skipped {problem.file}: {problem.reason}"),
            file=sys.stderr,
        )


def _read_all(folders: Folders, command: str) -> list[tuple[str, Session]]:
    """Every readable session (through the index) by file name; the others named
    on stderr."""
    from .core.index import read_sessions

    found = read_sessions(SessionIndex(folders.sessions, folders.cache), _progress(sys.stderr))
    _skipped(command, found.note, found.problems)
    return found.sessions


def _emit(command: str, text: str, output: str, done: str, *, crlf: bool = False) -> int:
    """``text`` to stdout (made safe for a terminal) or to the file ``output``."""
    from .core.atomic import describe_os_error, write_atomic

    if output in ("", "-"):
        # A calendar keeps its CRLF line ends; the rest of its text is made safe.
        lines = text.split("\r\n") if crlf else [text]
        sys.stdout.write("\r\n".join(safe(line) for line in lines))
        return 0
    target = expand(output)
    try:
        write_atomic(target, text.encode("utf-8"))  # the bytes as they are
    except OSError as error:
        print(
            safe(f"iisession {command}: {target} cannot be written: {describe_os_error(error)}"),
            file=sys.stderr,
        )
        return 1
    print(safe(f"{done} to {target}"), file=sys.stderr)
    return 0


def cmd_export(folders: Folders, ident: str, form: str, output: str) -> int:
    """One session as a Markdown document or JSON, to stdout or a file."""
    from .core.document import json_document, to_markdown
    from .core.store import SessionFileError, read_session

    listing = _listing(folders)
    try:
        name = resolve(ident, listing.summaries, [p.file for p in listing.problems])
        loaded = read_session(folders.sessions / name)
    except (UnknownSession, SessionFileError) as error:
        print(safe(f"iisession export: {error}"), file=sys.stderr)
        return 1
    if form == "md":
        text = to_markdown(loaded.session, name)
    else:
        text = to_json(json_document(loaded.session, name, loaded.unknown_keys))
    return _emit("export", text, output, f"Exported {name}")


@collector.held_off()
def cmd_referrals(folders: Folders, form: str, output: str) -> int:
    """The referral network: each person, who referred them, whom they referred."""
    from .core.network import as_csv, as_text, build

    network = build(_read_all(folders, "referrals"))
    if form == "json":
        data = {
            "people": [c.to_json() for c in network.contacts],
            "counts": {"met": network.met, "asked": network.asked, "waiting": network.waiting},
        }
        text = to_json(data)
    elif form == "csv":
        text = as_csv(network)
    else:
        text = as_text(network)
    return _emit("referrals", text, output, f"Wrote {len(network.contacts)} people")


@collector.held_off()
def cmd_compare(folders: Folders, words: str, output: str) -> int:
    """Answers to one question across interviews, or how often each was asked (Markdown)."""
    from .core.bank import OWN_TOPIC, TOPICS, load_bank
    from .core.compare import answers_markdown, coverage_markdown, find
    from .core.index import IndexUnavailable, read_comparison

    compared = read_comparison(SessionIndex(folders.sessions, folders.cache), _progress(sys.stderr))
    _skipped("compare", compared.note, compared.problems)
    tallies = compared.tallies
    if words.strip():
        matches = find(tallies, words)
        if len(matches) != 1:
            listed = "\n".join(
                f"  {m.bank_id}: {m.text}" if m.bank_id else f"  {m.text}" for m in matches[:15]
            )
            message = (
                f"{len(matches)} questions match {words!r}; give a bank id or more words:\n{listed}"
                if matches
                else f"No question asked so far matches {words!r}."
            )
            print(safe(f"iisession compare: {message}"), file=sys.stderr)
            return 1
        try:
            entry = compared.comparison.answers(matches[0].key)
        except IndexUnavailable as error:
            print(safe(f"iisession compare: {error}"), file=sys.stderr)
            return 1
        if entry is None:  # changed on disk between the two reads
            message = f"{words!r} is no longer in any session."
            print(safe(f"iisession compare: {message}"), file=sys.stderr)
            return 1
        text = answers_markdown(entry)
    else:
        warnings: list[str] = []
        bank = load_bank(folders.config, warnings)
        for warning in warnings:
            print(safe(f"iisession: {warning}"), file=sys.stderr)
        text = coverage_markdown(tallies, bank, [*TOPICS, OWN_TOPIC])
    return _emit("compare", text, output, "Wrote the comparison")


@collector.held_off()
def cmd_todo(folders: Folders, form: str, output: str, weeks: int | None) -> int:
    """What is due: thank-yous, outreach, confirmations, keeping in touch."""
    from .core.model import utc_now
    from .core.settings import load_settings
    from .core.todo import due_items, to_ics

    warnings: list[str] = []
    settings = load_settings(folders.config_data, warnings)  # as the app reads it
    for warning in warnings:
        if "follow_up" in warning:
            print(safe(f"iisession todo: {warning}"), file=sys.stderr)
    if weeks is None:
        weeks = settings.keep_in_touch_weeks

    sessions = _read_all(folders, "todo")
    now = utc_now()
    items = due_items(sessions, weeks, settings.holidays)
    if form == "ics":
        text = to_ics(items, now)
    elif form == "json":
        text = to_json([i.to_json(now) for i in items])
    elif not items:
        text = "Nothing due.\n"
    else:
        rows = [
            (
                "OVERDUE" if i.overdue(now) else "",
                f"{i.due.astimezone():%Y-%m-%d %H:%M}",
                i.kind,
                i.title,
                i.file,
            )
            for i in items
        ]
        text = "\n".join(_table(rows)) + "\n"
    return _emit(
        "todo",
        text,
        output,
        f"Wrote {len(items)} item{'' if len(items) == 1 else 's'}",
        crlf=form == "ics",
    )


# --- requests: ask, requests, organisations ----------------------------------------

PROFILE_HINT = (
    "the draft is signed [your name]: add your profile to {config}, like\n"
    "  [profile]\n"
    '  name = "Sam Okafor"\n'
    '  email = "sam@example.org"\n'
    '  introduction = "I am a data analyst moving into user research"\n'
    '  signature = "Sam Okafor\\nsam@example.org"\n'
    "or open the app (`iisession`), which asks for it the first time a draft needs it."
)


def _say_err(text: str) -> None:
    print(safe(text), file=sys.stderr)


def next_step(
    organisation: str,
    sent: dt.datetime,
    now: dt.datetime,
    holidays: frozenset[dt.date],
    tz: dt.tzinfo | None = None,
) -> str:
    """What to do if no reply comes, in words, with the business days it falls due on."""
    from .core.todo import ASK_NEXT_AFTER, FOLLOW_UP_AFTER
    from .core.workdays import describe_day, due_after

    ask = due_after(sent, ASK_NEXT_AFTER, holidays, tz)
    follow = due_after(sent, FOLLOW_UP_AFTER, holidays, tz)
    if now >= follow:
        return (
            f"Next: follow up once: due since {describe_day(follow, tz)} "
            f"({FOLLOW_UP_AFTER} business days without a reply)."
        )
    follow_up = f"follow up once on {describe_day(follow, tz)}"
    if not organisation:
        return (
            f"Next: no reply by {describe_day(follow, tz)} "
            f"({FOLLOW_UP_AFTER} business days): follow up once."
        )
    if now >= ask:
        return (
            f"Next: ask the next person at {organisation} (due since "
            f"{describe_day(ask, tz)}, {ASK_NEXT_AFTER} business days), or {follow_up}."
        )
    return (
        f"Next: no reply by {describe_day(ask, tz)} ({ASK_NEXT_AFTER} business days): "
        f"ask the next person at {organisation}, or {follow_up}."
    )


def _waiting_warning(earlier: Session, holidays: frozenset[dt.date]) -> str:
    from .core.todo import ASK_NEXT_AFTER
    from .core.workdays import describe_day, due_after

    assert earlier.request is not None
    sent = earlier.request.sent_at
    assert sent is not None
    org = earlier.person.organisation
    after = describe_day(due_after(sent, ASK_NEXT_AFTER, holidays))
    return (
        f"iisession ask: you asked {earlier.person.name or '(no name)'} at {org} on "
        f"{describe_day(sent)} and no reply has come yet. One request at a time per "
        f"organisation is kinder: {ASK_NEXT_AFTER} business days (until {after}) is the "
        "usual wait before asking the next person. Recorded all the same."
    )


def cmd_ask(
    workspace: Workspace,
    person: Person,
    *,
    limit_minutes: int | None = None,
    sent_at: dt.datetime | None = None,
) -> int:
    """Record a request (sent now, or at ``sent_at``) and print its draft, the
    checks it meets and the next step."""
    from .core.requests import check_request, checks_met
    from .core.store import SaveError

    for warning in workspace.settings_warnings:
        if "profile" in warning or "follow_up" in warning:
            _say_err(f"iisession ask: {warning}")
    now = workspace.clock.wall()
    session = workspace.new_request(
        person, limit_minutes=limit_minutes, sent_at=sent_at if sent_at is not None else now
    )
    for warning in workspace.bank_warnings:
        _say_err(f"iisession: {warning}")
    request = session.request
    assert request is not None
    assert request.sent_at is not None
    earlier = workspace.requests_at(person.organisation, other_than=session.id)
    try:
        handle = workspace.create(session)
    except SaveError as error:
        _say_err(f"iisession ask: {error}")
        return 1
    name = handle.path.name
    workspace.release(handle)

    profile = workspace.profile
    checks = check_request(
        request.text,
        referrer=person.referred_by,
        how_found=person.how_found,
        limit_minutes=session.limit_minutes,
        signature=profile.sign_off(),
        title=person.title,
        organisation=person.organisation,
    )
    rows = [("ok" if c.ok else "--", c.label, c.detail) for c in checks]
    holidays = workspace.settings.holidays
    lines = [
        f"Saved as {name}",
        "",
        f"Subject: {request.subject}",
        "",
        request.text.rstrip("\n"),
        "",
        f"Checks: {checks_met(checks)} met",
        *("  " + line for line in _table(rows)),
        "",
        next_step(person.organisation, request.sent_at, now, holidays),
    ]
    sys.stdout.write(safe("\n".join(lines) + "\n"))
    sys.stdout.flush()  # the warnings below come after it on a terminal too
    first = earlier.request.sent_at if earlier is not None and earlier.request else None
    # A request recorded after the fact, sent before the waiting one, came first.
    if earlier is not None and first is not None and first <= request.sent_at:
        _say_err(_waiting_warning(earlier, holidays))
    if not profile.complete:
        _say_err("iisession ask: " + PROFILE_HINT.format(config=workspace.config_file))
    return 0


REQUEST_FIELDS = ("person", "organisation", "stage", "sent", "reply", "next", "due", "file")
"""The keys of each request in JSON, and the columns of the CSV, in this order."""


def _stamp(moment: dt.datetime | None) -> str | None:
    import datetime as dt

    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _step_text(step: Due, by_file: dict[str, Session]) -> str:
    """A due request step, short, for a table that names the person already."""
    from .core.todo import DueKind

    if step.kind is DueKind.ASK_NEXT:
        source = by_file.get(step.next_file)
        name = ""
        if source is not None and step.next_referral:
            name = next((r.name for r in source.referrals if r.id == step.next_referral), "")
        elif source is not None:
            name = source.person.name
        return f"ask {name.strip()} next" if name.strip() else "ask the next person there"
    return {
        DueKind.SEND_REQUEST: "send the request",
        DueKind.FOLLOW_UP: "follow up once",
        DueKind.NO_REPLY: "mark it no reply, move on",
    }.get(step.kind, step.title)


def _request_row(
    file: str, s: Session, steps: dict[str, Due], by_file: dict[str, Session], now: dt.datetime
) -> dict[str, Any]:
    """One request as data: where it stands and its next step."""
    from .core.planning import describe_when
    from .core.requests import Stage, stage_of

    stage = stage_of(s)
    request = s.request
    step = steps.get(file)
    due: dt.datetime | None = None
    if step is not None:
        text, due = _step_text(step, by_file), step.due
    elif stage is Stage.AGREED:
        due = s.planned_at
        text = "call planned" + (f" for {describe_when(due, now)}" if due else ", no date yet")
    elif stage is Stage.MET:
        text = "met"
    else:
        text = ""
    return {
        "person": s.person.name,
        "organisation": s.person.organisation,
        "stage": stage.value,
        "sent": _stamp(request.sent_at if request is not None else None),
        "reply": request.reply.value if request is not None else "",
        "next": text,
        "due": _stamp(due),
        "file": file,
    }


def _local_date(stamp: str | None) -> str:
    import datetime as dt

    if stamp is None:
        return "-"
    return f"{dt.datetime.fromisoformat(stamp).astimezone():%Y-%m-%d}"


def _cell(value: Any) -> str:
    """A CSV cell: lists joined with "; ", flags as true/false (as JSON writes them)."""
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _csv(fields: Sequence[str], records: Sequence[dict[str, Any]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: _cell(v) for k, v in record.items()})
    return out.getvalue()


def _columns(output: str) -> int:
    """The terminal's width when the table goes to one, else 0 (nothing is cut)."""
    if output in ("", "-") and sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return 0


@collector.held_off()
def cmd_requests(folders: Folders, form: str, output: str) -> int:
    """Every request for a conversation, where it stands and what is next."""
    from .core.model import SessionState, utc_now
    from .core.settings import load_settings
    from .core.todo import REQUEST_KINDS, due_items

    warnings: list[str] = []
    holidays = load_settings(folders.config_data, warnings).holidays
    for warning in warnings:
        if "holidays" in warning:
            _say_err(f"iisession requests: {warning}")
    everything = [(f, s) for f, s in _read_all(folders, "requests") if not s.practice]
    by_file = dict(everything)
    now = utc_now()
    steps: dict[str, Due] = {}
    # Over the whole folder: whom to ask next may be a referral in a call held.
    for item in due_items(everything, holidays=holidays):
        if item.kind in REQUEST_KINDS:
            steps.setdefault(item.file, item)

    def newest(item: tuple[str, Session]) -> tuple[dt.datetime, str]:
        file, s = item
        sent = s.request.sent_at if s.request is not None else None
        return (sent or s.created, file)

    asked = [
        (f, s) for f, s in everything if s.request is not None or s.state is SessionState.REQUESTED
    ]
    ordered = sorted(asked, key=newest, reverse=True)
    records = [_request_row(f, s, steps, by_file, now) for f, s in ordered]
    if form == "json":
        text = to_json(records)
    elif form == "csv":
        text = _csv(REQUEST_FIELDS, records)
    elif not records:
        text = "No requests yet: `iisession ask NAME` records one.\n"
    else:
        # The reply is left to JSON and CSV: the stage says it (waiting, call planned, ...).
        header = ("SENT", "PERSON", "ORGANISATION", "STAGE", "NEXT", "DUE", "FILE")
        table = [header] + [
            (
                _local_date(r["sent"]),
                r["person"] or "(no name)",
                r["organisation"] or "-",
                r["stage"],
                r["next"] or "-",
                _local_date(r["due"]),
                r["file"],
            )
            for r in records
        ]
        text = "\n".join(_table(table, clippable=(1, 2), columns=_columns(output))) + "\n"
    count = len(records)
    return _emit("requests", text, output, f"Wrote {count} request{'' if count == 1 else 's'}")


ORGANISATION_FIELDS = (
    "name",
    "motivation",
    "postings",
    "advocate",
    "found",
    "asked",
    "waiting",
    "met",
    "notes",
)
"""The keys of each organisation in JSON, and the columns of the CSV, in this order."""

ORGANISATIONS_EXAMPLE = (
    "[[organisation]]\n"
    'name = "Harbour Health"\n'
    "motivation = 3      # 0-3; also advocate = true, postings = true\n"
)


@collector.held_off()
def cmd_organisations(folders: Folders, form: str, output: str) -> int:
    """The target organisations, sorted, with the people found, asked and met at each."""
    from .core.organisations import (
        OrganisationsError,
        load_organisations,
        organisations_path,
        people_at,
        sort_targets,
    )

    path = organisations_path(folders.sessions)
    try:
        targets = sort_targets(load_organisations(folders.sessions))
    except OrganisationsError as error:
        _say_err(f"iisession organisations: {error}")
        return 1
    people = people_at(_read_all(folders, "organisations")) if targets else {}
    records: list[dict[str, Any]] = []
    for t in targets:
        at = people.get(t.key)
        records.append(
            {
                "name": t.name,
                "motivation": t.motivation,
                "postings": t.postings,
                "advocate": t.advocate,
                "found": list(at.found) if at else [],
                "asked": at.asked if at else 0,
                "waiting": at.waiting if at else 0,
                "met": at.met if at else 0,
                "notes": t.notes,
            }
        )
    if form == "json":
        text = to_json({"file": str(path), "organisations": records})
    elif form == "csv":
        text = _csv(ORGANISATION_FIELDS, records)
    elif not records:
        where = "Write them in" if not path.exists() else "None listed yet in"
        example = "".join(f"    {line}\n" for line in ORGANISATIONS_EXAMPLE.splitlines())
        text = f"No target organisations yet. {where} {path}, for example:\n\n{example}"
    else:

        def yes(flag: bool) -> str:
            return "yes" if flag else "no"

        header = (
            "ORGANISATION",
            "MOTIVATION",
            "POSTINGS",
            "ADVOCATE",
            "FOUND",
            "ASKED",
            "WAITING",
            "MET",
            "PEOPLE",
        )
        table = [header] + [
            (
                r["name"],
                f"{r['motivation']}/3",
                yes(r["postings"]),
                yes(r["advocate"]),
                str(len(r["found"])),
                str(r["asked"]),
                str(r["waiting"]),
                str(r["met"]),
                ", ".join(r["found"]) or "-",
            )
            for r in records
        ]
        lines = _table(table, clippable=(0, 8), columns=_columns(output))
        text = "\n".join(lines) + f"\n\nEdit the list in {path}\n"
    count = len(records)
    return _emit(
        "organisations",
        text,
        output,
        f"Wrote {count} organisation{'' if count == 1 else 's'}",
    )


# --- your network: import, known ---------------------------------------------------

NAMES_SHOWN = 10
"""Names listed after an import's counts; the rest are counted."""
SKIPPED_SHOWN = 20
"""Left-out records named on stderr; the rest are counted."""
NETWORK_HINT = (
    "import your connections export with `iisession import connections FILE.csv`, "
    "or your address book with `iisession import vcard FILE.vcf`"
)


def _names(people: Sequence[Known]) -> str:
    names = [p.name for p in people[:NAMES_SHOWN]]
    more = len(people) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def cmd_import(folders: Folders, kind: str, file: str) -> int:
    """Bring the people of a connections export or a vCard file into the network
    file, merged with those there; all of the file or none of it."""
    from .core.connections import parse_connections
    from .core.people import (
        ImportProblem,
        PeopleError,
        load_network,
        merge,
        read_import,
        save_network,
    )
    from .core.vcard import parse_vcards

    command = f"iisession import {kind}"
    path = expand(file)
    try:
        data = read_import(path)
    except ImportProblem as problem:
        _say_err(f"{command}: {problem}")
        return 2
    try:
        parse = parse_connections if kind == "connections" else parse_vcards
        parsed = parse(data)
    except ImportProblem as problem:
        _say_err(f"{command}: {path}: {problem}")
        return 2
    for line in parsed.skipped[:SKIPPED_SHOWN]:
        _say_err(f"{command}: left out {line}")
    if len(parsed.skipped) > SKIPPED_SHOWN:
        _say_err(f"{command}: and {len(parsed.skipped) - SKIPPED_SHOWN} more left out")
    if not parsed.people:
        _say_err(f"{command}: {path}: no one in it has a name, so nothing was imported")
        return 2
    try:
        existing = load_network(folders.sessions)
    except PeopleError as error:
        _say_err(f"{command}: {error}; fix it, or move it away, and import again")
        return 2
    merged = merge(existing, parsed.people)
    try:
        where = save_network(folders.sessions, merged.people)
    except PeopleError as error:
        _say_err(f"{command}: {error}")
        return 2
    lines = [
        f"Added {len(merged.added)}, updated {len(merged.updated)}, "
        f"unchanged {len(merged.unchanged)} (from {path.name})"
    ]
    if merged.added:
        lines.append(f"  added: {_names(merged.added)}")
    if merged.updated:
        lines.append(f"  updated: {_names(merged.updated)}")
    count = len(merged.people)
    lines += [
        "",
        f"Your network: {count} {'person' if count == 1 else 'people'}, kept on this "
        f"computer only, in {where} (nothing is sent anywhere).",
        "Who you know at an organisation: iisession known ORG",
    ]
    sys.stdout.write(safe("\n".join(lines) + "\n"))
    return 0


_SHELL_PLAIN = re.compile(r"[\w@%+=:,./-]+", re.ASCII)


def shell_word(text: str) -> str:
    """``text`` as one word for a POSIX shell, quoted only when it needs it."""
    import shlex

    if _SHELL_PLAIN.fullmatch(text):
        return text
    if "!" in text:  # history expansion happens inside double quotes
        return shlex.quote(text)
    return '"' + re.sub(r'([\\"$`])', r"\\\1", text) + '"'


HOW_FOUND = {"connections": "we are connected", "vcard": "we know each other"}
"""The opening of a request to someone the user knows, by where they came from."""


def ask_command(folders: Folders, person: Known) -> str:
    """The command that records a request to someone of the network."""
    words = ["iisession"]
    if folders.sessions_source == "--sessions-dir":
        words += ["--sessions-dir", str(folders.sessions)]
    words += ["ask", person.name]
    for flag, value in (
        ("--org", person.organisation),
        ("--title", person.title),
        ("--contact", person.email or person.url),
        ("--how-found", HOW_FOUND.get(person.source, "")),
    ):
        if value:
            words += [flag, value]
    return " ".join(words[:1] + [shell_word(w) for w in words[1:]])


@collector.held_off()
def cmd_known(folders: Folders, organisation: str, form: str, output: str) -> int:
    """The people of the network at an organisation (matched loosely), each with
    the command that asks them; and the people of the sessions there."""
    from .core.organisations import organisation_key, people_at
    from .core.people import PeopleError, known_at, load_network, name_key, network_path

    path = network_path(folders.sessions)
    try:
        network = load_network(folders.sessions)
    except PeopleError as error:
        _say_err(f"iisession known: {error}")
        return 1
    found = known_at(network, organisation)
    at = people_at(_read_all(folders, "known")).get(organisation_key(organisation))
    has_network = path.exists()
    in_sessions = {name_key(n) for n in at.found} if at is not None else set()
    if form == "json":
        data = {
            "organisation": organisation,
            "file": str(path),
            "people": [
                {
                    "name": p.name,
                    "organisation": p.organisation,
                    "title": p.title,
                    "email": p.email,
                    "url": p.url,
                    "phone": p.phone,
                    "source": p.source,
                    "connected_on": p.connected_on,
                    "ask": ask_command(folders, p),
                    "in_sessions": name_key(p.name) in in_sessions,
                }
                for p in found
            ],
            "sessions": None
            if at is None
            else {"found": at.found, "asked": at.asked, "waiting": at.waiting, "met": at.met},
        }
        if not has_network:
            _say_err(f"iisession known: no network yet: {NETWORK_HINT}")
        return _emit("known", to_json(data), output, f"Wrote {len(found)} people")
    lines: list[str] = []
    if found:
        count = len(found)
        lines += [f"You know {count} {'person' if count == 1 else 'people'} at {organisation}:", ""]
        for p in found:
            role = " at ".join(x for x in (p.title, p.organisation) if x)
            lines.append(f"  {p.name}" + (f" ({role})" if role else ""))
            reach = " · ".join(x for x in (p.email, p.url, p.phone) if x)
            if reach:
                lines.append(f"    {reach}")
            if name_key(p.name) in in_sessions:
                lines.append("    in your sessions already: see `iisession requests`")
            lines += [f"    {ask_command(folders, p)}", ""]
        lines.append(
            "Ask them for a conversation, or for an introduction to someone there: "
            "each command records the request and prints its draft."
        )
    else:
        lines.append(f"Nobody you know at {organisation} yet.")
    if at is not None and at.found:
        lines += [
            "",
            f"From your sessions at {organisation}: {', '.join(at.found)} "
            f"({len(at.found)} found, {at.asked} asked, {at.waiting} waiting, {at.met} met).",
        ]
    lines.append("")
    if has_network:
        lines.append(f"Your network: {path}")
    else:
        lines.append(f"No network yet: {NETWORK_HINT}. It is kept in {path}.")
    return _emit("known", "\n".join(lines) + "\n", output, f"Wrote {len(found)} people")


def _marked(text: str, start: str, end: str, bold: bool) -> str:
    """The snippet made safe, its matched words in bold on a terminal."""
    parts = [safe(part) for part in text.replace(end, start).split(start)]
    if not bold:
        return "".join(parts)
    return "".join(f"\x1b[1m{part}\x1b[22m" if n % 2 else part for n, part in enumerate(parts))


def cmd_search(folders: Folders, words: Sequence[str], as_json: bool) -> int:
    from .core.index import MARK_END, MARK_START, IndexUnavailable, left_out

    query = " ".join(words).strip()
    if not query:
        print(
            "iisession search: give a word to search for, like: iisession search budget",
            file=sys.stderr,
        )
        return 2
    if symbols := left_out(query):
        print(
            safe(
                f"iisession search: {' '.join(symbols)} left out: with words, only the words "
                "are searched for; search for it alone to find it as typed"
            ),
            file=sys.stderr,
        )
    index = SessionIndex(folders.sessions, folders.cache)
    try:
        index.refresh(_progress(sys.stderr))
        hits, total = index.search(query)
    except IndexUnavailable as error:
        print(safe(f"iisession search: {error}"), file=sys.stderr)
        return 1
    if as_json:
        _dump(
            {
                "query": query,
                "total": total,
                "hits": [
                    {
                        **hit.summary.to_json(),
                        "matched_in": hit.field,
                        "snippet": hit.plain_snippet(),
                    }
                    for hit in hits
                ],
            }
        )
        return 0
    if not hits:
        print(safe(f"Nothing matches {query!r}."))
        return 0
    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for hit in hits:
        s = hit.summary
        who = s.person + (f", {s.organisation}" if s.organisation else "")
        print(safe(f"{_date(s)}  {who}  (in {FIELD_LABELS[hit.field]})  {s.file}"))
        print(f"    {_marked(hit.snippet, MARK_START, MARK_END, bold)}")
    if total > ranked_among(total):
        print(
            f"\n{total:,} sessions match; these are the best {len(hits)} of the latest "
            f"{ranked_among(total):,}."
        )
    elif total > len(hits):
        print(f"\n{total:,} sessions match; these are the best {len(hits)}.")
    return 0
