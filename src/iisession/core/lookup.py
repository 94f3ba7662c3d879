"""Session IDs on the command line: a file name, a unique prefix of one, or `latest`."""

from __future__ import annotations

from collections.abc import Sequence

from .naming import SUFFIX
from .summary import Summary, SummaryState

LATEST = "latest"
SHOWN = 15
"""Candidates listed in a message at most."""


class UnknownSession(Exception):
    """No session, or more than one, answers to the ID; the message lists candidates."""


def _listing(files: Sequence[str]) -> str:
    lines = [f"  {name}" for name in files[:SHOWN]]
    if len(files) > SHOWN:
        lines.append(f"  … and {len(files) - SHOWN} more")
    return "\n".join(lines)


def resolve(ident: str, summaries: Sequence[Summary], unreadable: Sequence[str] = ()) -> str:
    """The file name ``ident`` stands for. ``summaries`` are newest first."""
    ident = ident.strip()
    files = [s.file for s in summaries]
    if not files and not unreadable:
        raise UnknownSession("There are no sessions yet: `iisession new` sets one up.")
    if ident.casefold() == LATEST:
        # The last call held (or left open); a call still to come only if
        # there has been none yet.
        not_held = (SummaryState.REQUESTED, SummaryState.PLANNED)
        held = [s.file for s in summaries if s.state not in not_held]
        if held or files:
            return (held or files)[0]
        raise UnknownSession("No readable session to show.")
    for name in (ident, ident + SUFFIX):
        if name in files:
            return name
        if name in unreadable:
            raise UnknownSession(f"{name} cannot be read: see `iisession list` for the reason.")
    matches = sorted(f for f in [*files, *unreadable] if f.startswith(ident)) if ident else []
    if len(matches) == 1:
        if matches[0] in unreadable:
            raise UnknownSession(
                f"{matches[0]} cannot be read: see `iisession list` for the reason."
            )
        return matches[0]
    if matches:
        raise UnknownSession(
            f"{ident!r} matches {len(matches)} sessions; give more of the name:\n"
            + _listing(matches)
        )
    # Not a prefix: offer what contains it (a surname, say), else the latest few.
    key = ident.casefold()
    near = [
        s.file
        for s in summaries
        if key and (key in s.file.casefold() or key in s.person.casefold())
    ]
    if near:
        raise UnknownSession(
            f"No session ID starts with {ident!r}. Did you mean:\n" + _listing(near)
        )
    return _fail_with_latest(ident, files)


def _fail_with_latest(ident: str, files: Sequence[str]) -> str:
    raise UnknownSession(
        f"No session matches {ident!r}. IDs are file names (or a unique start of one), "
        "or `latest`. The latest sessions:\n" + _listing(files[:5])
    )
