"""The command line: ``iisession`` starts the app; subcommands print plain text.

Textual is imported only when the full-screen app starts, so the plain
commands stay fast and work without a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from . import __version__
from .paths import Folders, resolve_folders

PLAIN_COMMANDS_HINT = "Plain commands work anywhere: `iisession where`; see `iisession -h`."


def version_text() -> str:
    import platform
    from importlib.metadata import PackageNotFoundError, version

    try:
        textual = version("textual")
    except PackageNotFoundError:
        textual = "not installed"
    return f"iisession {__version__} (Textual {textual}, Python {platform.python_version()})"


class _VersionAction(argparse.Action):
    """Like argparse's ``version`` action, but looks versions up only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        print(version_text())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--sessions-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the folder of session files (default: $IISESSION_SESSIONS_DIR, then "
        "the config file, then the user data folder; see `iisession where`)",
    )
    parser = argparse.ArgumentParser(
        prog="iisession",
        parents=[common],
        description="Run informational interviews: a countdown, your questions, notes "
        "and referrals, saved as you type. With no command, opens the full-screen app.",
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "where",
        parents=[common],
        help="print the sessions, config and cache folders",
        description="Print the folders iisession uses and where the sessions folder "
        "setting came from.",
    )
    new = commands.add_parser(
        "new",
        parents=[common],
        help="create a session and open the live screen",
        description="Create a session from the flags and open the live screen, ready to "
        "start the clock with F5.",
    )
    new.add_argument("--name", required=True, help="who the call is with")
    new.add_argument("--title", default="", help="their job title")
    new.add_argument("--org", default="", help="their organisation")
    new.add_argument("--referred-by", default="", help="who passed on the contact")
    new.add_argument(
        "--limit", type=_minutes, default=30, metavar="MINUTES", help="agreed length (30)"
    )
    return parser


def _minutes(text: str) -> int:
    from .starter import limit_problem

    try:
        minutes = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of minutes") from None
    problem = limit_problem(minutes)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return minutes


def terminal_problem(
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    term: str | None = None,
    stderr: TextIO | None = None,
) -> str | None:
    """Why the full-screen app cannot run here, or None if it can."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.__stderr__ if stderr is None else stderr
    term = os.environ.get("TERM", "") if term is None else term
    if stdin is None or not stdin.isatty():
        return "standard input is not a terminal"
    if stdout is None or not stdout.isatty():
        return "the output is not a terminal"
    if stderr is None or not stderr.isatty():
        # Textual draws on the error stream: redirecting it would fill a file.
        return "the error output is not a terminal (Textual draws the screen there)"
    if term == "dumb":
        return "TERM is 'dumb', which cannot draw the screen"
    return None


def cmd_where(folders: Folders) -> int:
    print(f"sessions  {folders.sessions}   (from {folders.sessions_source})")
    print(f"config    {folders.config}")
    print(f"cache     {folders.cache}")
    return 0


def _refuse_without_terminal() -> bool:
    problem = terminal_problem()
    if problem is not None:
        print(
            f"iisession: the full-screen app needs an interactive terminal, and {problem}.\n"
            + PLAIN_COMMANDS_HINT,
            file=sys.stderr,
        )
    return problem is not None


def run_app(folders: Folders) -> int:
    if _refuse_without_terminal():
        return 2
    from .app import IISessionApp

    app = IISessionApp(folders)
    app.run()
    return app.return_code or 0


def cmd_new(folders: Folders, args: argparse.Namespace) -> int:
    if _refuse_without_terminal():
        return 2
    from .app import IISessionApp
    from .model import Person, Session
    from .starter import starter_questions
    from .store import SaveError, SessionStore

    session = Session(
        person=Person(
            name=args.name, title=args.title, organisation=args.org, referred_by=args.referred_by
        ),
        limit_minutes=args.limit,
        questions=starter_questions(),
    )
    try:
        handle = SessionStore(folders.sessions).create(session)
    except SaveError as error:
        print(f"iisession: {error}", file=sys.stderr)
        return 1
    app = IISessionApp(folders, handle)
    try:
        app.run()
    finally:
        # The model lives outside the widgets: whatever ended the app, save it.
        try:
            handle.save()
        except SaveError as error:
            print(f"iisession: {error}; your session is in memory only", file=sys.stderr)
        handle.close()
    with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
        print(f"Saved: {handle.path}")
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    folders = resolve_folders(getattr(args, "sessions_dir", None))
    for warning in folders.warnings:
        print(f"iisession: {warning}", file=sys.stderr)
    if args.command == "where":
        return cmd_where(folders)
    if args.command == "new":
        return cmd_new(folders, args)
    return run_app(folders)
