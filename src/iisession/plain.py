"""The plain commands: `list`, `show` and `search`, for scripts and screen readers.

They print to stdout (text, or JSON with ``--json``) and messages to stderr,
and read the folder through the same index as the app.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .core.document import json_document, to_markdown
from .core.index import Listing, Problem, Progress, SessionIndex, read_listing
from .core.lookup import UnknownSession, resolve
from .core.paths import Folders, expand
from .core.store import SessionFileError, read_session
from .core.summary import FIELD_LABELS, Summary

if TYPE_CHECKING:
    from .core.model import Session


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
    return f"{summary.moment.astimezone():%Y-%m-%d %H:%M}"


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
    widths = [max(_width(row[n]) for row in rows) for n in range(len(rows[0]))]
    if columns and clippable:
        narrowest = [min(w, MIN_CLIPPED) if n in clippable else w for n, w in enumerate(widths)]
        room = columns - sum(narrowest[:-1]) - len(GAP) * (len(widths) - 1)
        last = [_width(row[-1]) for row in rows[1:] or rows]
        fitting = [w for w in last if w <= room]
        widths = _fit([*widths[:-1], max(fitting, default=min(last))], clippable, columns)
    lines = []
    for row in rows:
        cells = [
            _clip(cell, w) if n in clippable else cell
            for n, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        padded = (c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))
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
                safe(s.person) or "(no name)",
                safe(s.organisation) or "-",
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


def cmd_referrals(folders: Folders, form: str, output: str) -> int:
    """The referral network: each person, who referred them, whom they referred."""
    from .core.network import as_csv, as_text, build

    network = build(_read_all(folders, "referrals"))
    if form == "json":
        data = {
            "people": [c.to_json() for c in network.contacts],
            "counts": {"met": network.met, "waiting": network.waiting},
        }
        text = to_json(data)
    elif form == "csv":
        text = as_csv(network)
    else:
        text = as_text(network)
    return _emit("referrals", text, output, f"Wrote {len(network.contacts)} people")


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


def cmd_todo(folders: Folders, form: str, output: str, weeks: int | None) -> int:
    """What is due: thank-yous, outreach, confirmations, keeping in touch."""
    from .core.model import utc_now
    from .core.settings import load_settings
    from .core.todo import due_items, to_ics

    if weeks is None:  # from the config file, as the app does
        warnings: list[str] = []
        weeks = load_settings(folders.config_data, warnings).keep_in_touch_weeks
        for warning in warnings:
            if "follow_up" in warning:
                print(safe(f"iisession todo: {warning}"), file=sys.stderr)

    sessions = _read_all(folders, "todo")
    now = utc_now()
    items = due_items(sessions, weeks)
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
    if total > len(hits):
        print(f"\n{total:,} sessions match; these are the best {len(hits)}.")
    return 0
