"""The command line: ``iisession`` starts the app; subcommands print plain text.

Textual is imported only when the full-screen app starts, so the plain
commands stay fast and work without a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from . import __version__
from .core.paths import Folders, resolve_folders

if TYPE_CHECKING:
    from .core.model import Question, Session
    from .core.store import SessionFile
    from .core.workspace import Workspace
    from .tui.app import IISessionApp

PLANNED_HINT_TEXT = "like 2026-11-24 14:00, tomorrow 14:00 or fri 10am"
SENT_HINT_TEXT = 'like "2026-11-24 14:00" or "today 9:30"'
PLAIN_COMMANDS_HINT = "Plain commands work anywhere: `iisession where`; see `iisession -h`."


def version_text() -> str:
    import platform
    from importlib.metadata import PackageNotFoundError, version

    try:
        textual = version("textual")
    except PackageNotFoundError:
        textual = "not installed"
    return f"iisession {__version__} (Textual {textual}, Python {platform.python_version()})"


def _say(text: str, file: TextIO | None = None) -> None:
    """Print a message made safe for a terminal: it may hold a file name or an argument."""
    from .plain import safe

    print(safe(text), file=file)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose error messages, which echo what was typed, are safe."""

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            from .plain import safe

            message = safe(message)
        super().exit(status, message)


class _VersionAction(argparse.Action):
    """Like argparse's ``version`` action, but looks versions up only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        print(version_text())
        parser.exit()


class _Command(_Parser):
    """A command's parser, made only when that command is given.

    Making the parsers of all the commands took longer than the rest of the
    command line at each start of the app, which needs none of them. argparse
    asks a command's parser for nothing but ``parse_known_args`` (the list of
    commands in ``-h`` comes from the help given to ``add_parser``).
    """

    def __init__(
        self, *, fill: Callable[[argparse.ArgumentParser], None] | None = None, **kwargs: Any
    ) -> None:
        self._pending: tuple[Callable[[argparse.ArgumentParser], None] | None, dict[str, Any]]
        self._pending = (fill, kwargs)
        self._made = False

    def _make(self) -> None:
        if not self._made:
            self._made = True
            fill, kwargs = self._pending
            super().__init__(**kwargs)
            if fill is not None:
                fill(self)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._make()
        return super().parse_known_args(args, namespace)


def _common_options() -> argparse.ArgumentParser:
    """The options every command takes, as a parent parser."""
    common = _Parser(add_help=False)
    common.add_argument(
        "--sessions-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the folder of session files (default: $IISESSION_SESSIONS_DIR, then "
        "the config file, then the user data folder; see `iisession where`)",
    )
    return common


def _new_arguments(new: argparse.ArgumentParser) -> None:
    new.add_argument("--name", default="", help="who the call is with")
    new.add_argument("--title", default="", help="their job title")
    new.add_argument("--org", default="", help="their organisation")
    new.add_argument("--referred-by", default="", help="who passed on the contact")
    new.add_argument(
        "--limit", type=_minutes, default=None, metavar="MINUTES", help="agreed length (30)"
    )
    new.add_argument(
        "--template",
        default="",
        metavar="NAME",
        help="take the questions from this saved template (default: the bank's default set)",
    )
    new.add_argument(
        "--at",
        type=_planned,
        default=None,
        metavar='"WHEN"',
        help='plan the call for this local date and time: "YYYY-MM-DD HH:MM", or a day '
        'and a time, like "tomorrow 14:00", "today 9:30", "friday 10:00" or "fri 10am" '
        "(the next such day); opens the setup form",
    )
    new.add_argument(
        "--from-ics",
        default="",
        metavar="INVITE.ics",
        help="fill the session from a calendar invite (one event); an invite imported "
        "before (the same UID) updates its session",
    )
    new.add_argument(
        "--no-open",
        action="store_true",
        help="only write (or update) the session file and print its name: for scripts, "
        "no terminal needed (needs a name: --name, or an invite that gives one)",
    )


def _list_arguments(listing: argparse.ArgumentParser) -> None:
    listing.add_argument("--json", action="store_true", help="print JSON")


def _show_arguments(show: argparse.ArgumentParser) -> None:
    show.add_argument("id", metavar="ID", help="file name, a unique start of one, or latest")
    show.add_argument("--json", action="store_true", help="print every field as JSON")


def _search_arguments(search: argparse.ArgumentParser) -> None:
    search.add_argument("query", nargs="+", metavar="WORD", help="words to look for")
    search.add_argument("--json", action="store_true", help="print JSON")


def _export_arguments(export: argparse.ArgumentParser) -> None:
    export.add_argument("id", metavar="ID", help="file name, a unique start of one, or latest")
    export.add_argument(
        "--format", choices=["md", "json"], default="md", help="md (the default) or json"
    )


def _referrals_arguments(referrals: argparse.ArgumentParser) -> None:
    referrals.add_argument(
        "--format", choices=["text", "json", "csv"], default="text", help="text, json or csv"
    )


def _compare_arguments(compare: argparse.ArgumentParser) -> None:
    compare.add_argument("question", nargs="*", metavar="WORD", help="a bank id or words")


def _todo_arguments(todo: argparse.ArgumentParser) -> None:
    todo.add_argument(
        "--format", choices=["text", "json", "ics"], default="text", help="text, json or ics"
    )
    todo.add_argument(
        "--weeks",
        type=_weeks,
        default=None,
        metavar="N",
        help="weeks after the last contact before keeping in touch is due "
        "(default: follow_up.keep_in_touch_weeks in the config file, else 12)",
    )


def _ask_arguments(ask: argparse.ArgumentParser) -> None:
    ask.add_argument("name", type=_name, metavar="NAME", help="who you are asking")
    ask.add_argument("--org", default="", help="their organisation")
    ask.add_argument("--title", default="", help="their job title")
    ask.add_argument("--contact", default="", help="how to reach them (an e-mail, a profile)")
    ask.add_argument(
        "--referred-by",
        default="",
        metavar="WHO",
        help="who suggested them (named first in the draft)",
    )
    ask.add_argument(
        "--how-found",
        default="",
        metavar="HOW",
        help='how you found them, like "the alumni directory" (the opening line when '
        "nobody referred you)",
    )
    ask.add_argument(
        "--sent-at",
        type=_sent_at,
        default=None,
        metavar='"WHEN"',
        help=f"when you sent it, in local time, {SENT_HINT_TEXT} (default: now)",
    )
    ask.add_argument(
        "--limit",
        type=_minutes,
        default=None,
        metavar="MINUTES",
        help="how long a call to ask for (30)",
    )


def _requests_arguments(requests: argparse.ArgumentParser) -> None:
    requests.add_argument(
        "--format", choices=["text", "json", "csv"], default="text", help="text, json or csv"
    )


def _organisations_arguments(organisations: argparse.ArgumentParser) -> None:
    organisations.add_argument(
        "--format", choices=["text", "json", "csv"], default="text", help="text, json or csv"
    )


def _import_arguments(importing: argparse.ArgumentParser) -> None:
    common = _common_options()
    kinds: argparse._SubParsersAction[argparse.ArgumentParser] = importing.add_subparsers(
        dest="kind", metavar="KIND", required=True, parser_class=_Parser
    )
    connections = kinds.add_parser(
        "connections",
        parents=[common],
        help="your professional network's connections export (CSV)",
        description="Import the connections export (a CSV file with the columns First "
        "Name, Last Name, URL, Email Address, Company, Position, Connected On; the notes "
        "before the header are passed over). Rows with no name are named on stderr.",
    )
    connections.add_argument("file", metavar="FILE.csv", help="the export's CSV file")
    vcard = kinds.add_parser(
        "vcard",
        parents=[common],
        help="contact cards from your address book (vCard 2.1, 3.0, 4.0)",
        description="Import contact cards (a .vcf file of one or many cards): their "
        "names, organisations, titles, e-mails, web addresses and phone numbers. Cards "
        "with no name, and those of groups and organisations, are named on stderr.",
    )
    vcard.add_argument(
        "file", metavar="FILE.vcf", help="the cards, as your address book exports them"
    )


def _known_arguments(known: argparse.ArgumentParser) -> None:
    known.add_argument("organisation", type=_organisation, metavar="ORG", help="the organisation")
    known.add_argument("--format", choices=["text", "json"], default="text", help="text or json")


def _serve_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "--host",
        type=_host,
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this computer only; any "
        "other address is reachable by others, with no login)",
    )
    serve.add_argument(
        "--port", type=_port, default=8000, help="the port to listen on (default: 8000)"
    )


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    to_file = _Parser(add_help=False)
    to_file.add_argument(
        "-o", "--output", default="", metavar="FILE", help="write to FILE (default: stdout)"
    )
    parser = _Parser(
        prog="iisession",
        parents=[common],
        description="Run informational interviews: a countdown, your questions, notes "
        "and referrals, saved as you type. With no command, opens the full-screen app.",
    )
    parser.add_argument("--version", action=_VersionAction)
    # Typed with plain parsers, as the parents given are (the stubs would want _Command).
    commands: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Command
    )
    commands.add_parser(
        "where",
        parents=[common],
        help="print the sessions, config, cache and locks folders",
        description="Print the folders iisession uses and where the sessions folder "
        "setting came from.",
    )
    commands.add_parser(
        "new",
        parents=[common],
        help="set up a session; with --name, go straight to the live screen",
        description="Create a session from the flags. With --name (and no --at) it opens "
        "the live screen, ready to start the clock with F5; otherwise it opens the setup "
        "form with the flags filled in. With --from-ics, a calendar invite fills in the "
        "person, the planned time, the limit and the meeting link (the flags win over "
        "it); importing an updated invite again updates the session made from it.",
        fill=_new_arguments,
    )
    commands.add_parser(
        "review",
        parents=[common],
        help="open the app on the review of past sessions",
        description="Open the full-screen app on the review screen: every session, "
        "to sort, filter, search, reread and edit.",
    )
    commands.add_parser(
        "list",
        parents=[common],
        help="list every session",
        description="List every session, newest first: date, person, organisation, "
        "length against the limit, questions asked, referrals, state and ID. "
        "On a terminal, long names and organisations are cut short to fit its width; "
        "into a pipe or a file, nothing is cut. "
        "Unreadable files are listed on stderr with the reason.",
        fill=_list_arguments,
    )
    commands.add_parser(
        "show",
        parents=[common],
        help="print one session",
        description="Print one session in full. ID is a file name (the .toml may be "
        "left off), a unique start of one, or `latest`.",
        fill=_show_arguments,
    )
    commands.add_parser(
        "search",
        parents=[common],
        help="search the text of every session",
        description="Search names, organisations, notes, answers, key points, referrals, "
        "preparation and requests. Every word must appear (as a word or the start of one); "
        "case and accents do not matter. A search with no letter or digit (an emoji, "
        "a sign) looks for that text as typed. The best 200 matches are printed, best first "
        "(for a word in more than 2,000 sessions, the best of the latest 2,000).",
        fill=_search_arguments,
    )
    commands.add_parser(
        "export",
        parents=[common, to_file],
        help="write one session as Markdown or JSON",
        description="Write one session as a Markdown document (md) or as JSON with every "
        "field (json), to stdout or to a file. ID as for `show`.",
        fill=_export_arguments,
    )
    commands.add_parser(
        "referrals",
        parents=[common, to_file],
        help="who led to whom: the people met and the people they suggested",
        description="The referral network across all sessions: each person, who referred "
        "them, whom they referred and where each stands (met, call planned, to contact, "
        "contacted, meeting planned, declined), with the number of people met and of "
        "referrals waiting. As a tree (text), JSON or CSV.",
        fill=_referrals_arguments,
    )
    commands.add_parser(
        "compare",
        parents=[common, to_file],
        help="answers to one question across interviews, as Markdown",
        description="With a question (its bank id, like day.typical-week, or words from "
        "its text): every answer given across the calls, with person, organisation and "
        "date. Without: per topic, the questions asked most and least, and bank questions "
        "never asked yet. Markdown, to stdout or a file.",
        fill=_compare_arguments,
    )
    commands.add_parser(
        "todo",
        parents=[common, to_file],
        help="what is due: requests, follow-ups, thank-yous, confirmations, keeping in touch",
        description="List what is due, earliest first: requests to send and to follow up "
        "(with no reply after 3 business days, ask the next person at the organisation; "
        "after 7, follow up once; 7 more after that, mark it no reply and move on), "
        "thank-you notes not sent (due 24 hours after the call), referrals not contacted "
        "(within a week), planned calls to confirm (48 hours before), telling whoever "
        "referred you that you met the person (within 2 days), and a keep-in-touch note "
        "some weeks after the last contact. Business days skip weekends and the holidays "
        "in the config file (follow_up.holidays). As text, JSON, or an RFC 5545 calendar "
        "(ics) to import.",
        fill=_todo_arguments,
    )
    commands.add_parser(
        "ask",
        parents=[common],
        help="record a request for a conversation and print its draft",
        description="Record that you asked someone for an informational interview (sent "
        "now, or at --sent-at) and print the request drafted from your profile "
        "([profile] in the config file) with its subject, the checks it meets, and when "
        "to follow up. One request at a time per organisation: asking a second person "
        "where someone was asked less than 3 business days ago is recorded all the same, "
        "with a warning naming them.",
        fill=_ask_arguments,
    )
    commands.add_parser(
        "requests",
        parents=[common, to_file],
        help="every request for a conversation: where it stands and what is next",
        description="List every request for a conversation, newest first: person, "
        "organisation, stage (to ask, waiting, followed up, call planned, met, declined, "
        "no reply), when it was sent, the reply, and the next step with its due date "
        "(in business days, as `iisession todo` counts them). On a terminal, long names "
        "and steps are cut short to fit its width; into a pipe or a file, nothing is "
        "cut. As text, JSON or CSV.",
        fill=_requests_arguments,
    )
    commands.add_parser(
        "organisations",
        parents=[common, to_file],
        help="your target organisations, and the people found, asked and met at each",
        description="List your target organisations (lists/organisations.toml in the "
        "sessions folder), sorted the way The 2-Hour Job Search sorts them: your "
        "motivation (0-3), then relevant postings, then an advocate (someone you know "
        "there); with the people found, asked, waiting for a reply and met at each, from "
        "the sessions. The text ends with the file's path, for editing it. As text, JSON "
        "or CSV.",
        fill=_organisations_arguments,
    )
    commands.add_parser(
        "import",
        parents=[common],
        help="bring people you know into your network: a connections export or vCards",
        description="Merge the people of a file into your network, the plain file "
        "lists/network.toml in the sessions folder: the same person (the same profile "
        "address, else e-mail, else name and organisation) is updated, never doubled, "
        "so importing again is safe. All of the file or none of it. Nothing is sent "
        "anywhere.",
        fill=_import_arguments,
    )
    commands.add_parser(
        "known",
        parents=[common, to_file],
        help="who you know at an organisation, and the command to ask each of them",
        description="The people of your network (see `iisession import`) at an "
        'organisation, matched loosely (case, accents, punctuation, "The", "Inc.", '
        '"Ltd" and the like do not matter), with their title, e-mail or profile, and '
        "the `iisession ask` command that asks them for a conversation or for an "
        "introduction; then the people of your sessions there. As text or JSON.",
        fill=_known_arguments,
    )
    commands.add_parser(
        "serve",
        parents=[common],
        help="the full-screen app in a web browser (needs the web extra)",
        description="Serve the full-screen app to a web browser, through textual-serve: "
        "each page opened runs its own iisession on the same sessions, with the same "
        "locks and saving as in a terminal; closing the page saves everything. There is "
        "no login: whoever can reach the address can read your sessions, so it listens "
        "on this computer's own address unless --host says otherwise. Ctrl+C stops.",
        fill=_serve_arguments,
    )
    return parser


def _host(text: str) -> str:
    from .serve import host_problem

    problem = host_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: give a port number from 1 to 65535")
    return port


def _organisation(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise argparse.ArgumentTypeError(
            'give the organisation, like: iisession known "Harbour Health"'
        )
    return name


def _weeks(text: str) -> int:
    try:
        weeks = int(text)
    except ValueError:
        weeks = 0
    from .core.settings import MAX_WEEKS

    if not 1 <= weeks <= MAX_WEEKS:
        raise argparse.ArgumentTypeError(f"{text!r}: give whole weeks from 1 to {MAX_WEEKS}")
    return weeks


def _minutes(text: str) -> int:
    from .core.planning import check_limit

    minutes, problem = check_limit(text)
    if minutes is None:
        raise argparse.ArgumentTypeError(problem)
    return minutes


def _name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise argparse.ArgumentTypeError(
            'give the name of the person you asked, like: iisession ask "Ana Lima" --org Acme'
        )
    return name


SENT_AHEAD = dt.timedelta(days=1)
"""A --sent-at this far ahead is still taken: a clock or a time zone may be off."""


def _sent_at(text: str) -> dt.datetime:
    from .core.model import utc_now

    moment = _planned(text)
    if moment > utc_now() + SENT_AHEAD:
        raise argparse.ArgumentTypeError(
            f"{text!r} is in the future; give when it was sent (at most a day ahead, "
            f"for a clock that is off), {SENT_HINT_TEXT}"
        )
    return moment


def _planned(text: str) -> dt.datetime:
    from .core.planning import parse_planned

    try:
        moment = parse_planned(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r}: {error}") from None
    if moment is None:
        raise argparse.ArgumentTypeError(f"give a date and time, {PLANNED_HINT_TEXT}")
    return moment


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
    from .core.locking import locks_folder

    _say(f"sessions  {folders.sessions}   (from {folders.sessions_source})")
    _say(f"config    {folders.config}")
    _say(f"cache     {folders.cache}")
    _say(f"locks     {locks_folder(folders.sessions)}")
    return 0


def _refuse_without_terminal() -> bool:
    from .serve import in_browser

    # Run for a web page (iisession serve): the page draws the screen.
    problem = None if in_browser() else terminal_problem()
    if problem is not None:
        print(
            f"iisession: the full-screen app needs an interactive terminal, and {problem}.\n"
            + PLAIN_COMMANDS_HINT,
            file=sys.stderr,
        )
    return problem is not None


def _run(app: IISessionApp) -> int:
    """Run the app; whatever ended it, save and close every session it had open."""
    try:
        app.run()
    finally:
        # The model lives outside the widgets: save after a crash too.
        files = list(app.workspace.open_files)
        problems = app.workspace.close_all()
    for problem in problems:
        _say(f"iisession: {problem}", sys.stderr)
    from .serve import in_browser

    # For a web page, standard output carries the screen: the server shows stderr.
    out = sys.stderr if in_browser() else sys.stdout
    with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
        for handle in files:
            # Only what is on disk as it was left: a failed save was said above.
            if handle.path.exists() and not handle.read_only and not handle.has_unsaved_changes():
                _say(f"Saved: {handle.path}", out)
    return app.return_code or (1 if problems else 0)


def run_app(folders: Folders, *, review: bool = False) -> int:
    if _refuse_without_terminal():
        return 2
    from .tui.app import IISessionApp

    return _run(IISessionApp(_workspace(folders), review=review))


def _workspace(folders: Folders) -> Workspace:
    """The sessions folder as the full-screen app holds it, on the real clock."""
    from .core.clock import SystemClock
    from .core.workspace import Workspace

    return Workspace(folders, SystemClock())


def _questions(folders: Folders, template_name: str) -> list[Question] | None:
    """The questions of ``--template`` (the bank's default set without one), the
    loading's warnings said; None, said why, for a template not found."""
    from .core.bank import load_bank
    from .core.templates import find_template, load_templates, templates_folder

    warnings: list[str] = []
    bank = load_bank(folders.config, warnings)
    if not template_name:
        for warning in warnings:
            _say(f"iisession: {warning}", sys.stderr)
        return bank.defaults()
    templates = load_templates(folders.config, bank, warnings)
    template = find_template(templates, template_name)
    for warning in warnings:
        _say(f"iisession: {warning}", sys.stderr)
    if template is None:
        names = ", ".join(repr(t.name) for t in templates) or "none yet"
        _say(
            f"iisession new: no template named {template_name!r}; yours: {names} "
            f"(in {templates_folder(folders.config)})",
            sys.stderr,
        )
        return None
    return template.questions()


def cmd_new(folders: Folders, args: argparse.Namespace) -> int:
    from .core.model import DEFAULT_LIMIT_MINUTES, Person, Session

    questions = _questions(folders, args.template)
    if questions is None:
        return 2
    if args.from_ics:
        return _new_from_invite(folders, args, questions)
    if not args.no_open and _refuse_without_terminal():
        return 2
    from .core.store import SaveError

    session = Session(
        person=Person(
            name=args.name.strip(),
            title=args.title.strip(),
            organisation=args.org.strip(),
            referred_by=args.referred_by.strip(),
        ),
        limit_minutes=args.limit or DEFAULT_LIMIT_MINUTES,
        planned_at=args.at,
        questions=questions,
    )
    if args.no_open:
        if not session.person.name:
            _say("iisession new: --no-open needs a name: give --name", sys.stderr)
            return 2
        return _write_new(_workspace(folders), session)
    from .tui.app import IISessionApp

    if not session.person.name or session.planned_at is not None:
        return _run(IISessionApp(_workspace(folders), setup=session))
    workspace = _workspace(folders)
    try:
        handle = workspace.create(session)
    except SaveError as error:
        _say(f"iisession: {error}", sys.stderr)
        return 1
    return _run(IISessionApp(workspace, handle))


def _write_new(workspace: Workspace, session: Session) -> int:
    """Write a new session and let it go: ``new --no-open``."""
    from .core.store import SaveError

    try:
        handle = workspace.create(session)
    except SaveError as error:
        _say(f"iisession new: {error}", sys.stderr)
        return 1
    name = handle.path.name
    workspace.release(handle)
    _say(f"Saved as {name}")
    _say(_described(session))
    return 0


def _when(moment: dt.datetime | None) -> str:
    return "no time set" if moment is None else f"{moment.astimezone():%a %d %b %Y %H:%M}"


def _described(session: Session) -> str:
    """What a session set up from the command line holds, a line each."""
    person = session.person
    who = person.name + (f" ({person.contact})" if person.contact else "")
    where = ", ".join(x for x in (person.title, person.organisation) if x)
    lines = [f"  with     {who}" + (f", {where}" if where else "")]
    lines.append(f"  planned  {_when(session.planned_at)}")
    lines.append(f"  limit    {session.limit_minutes} minutes")
    first = session.preparation.research.partition("\n")[0]
    if first.startswith("Meeting link: "):
        lines.append(f"  link     {first.removeprefix('Meeting link: ')}")
    return "\n".join(lines)


def _changes(before: Session, after: Session) -> list[str]:
    """What an invite imported again changed in its session, in words."""
    changed: list[str] = []
    if before.state is not after.state:
        changed.append("agreed: now the planned call")
    if before.planned_at != after.planned_at:
        changed.append(f"planned {_when(before.planned_at)} -> {_when(after.planned_at)}")
    if before.limit_minutes != after.limit_minutes:
        changed.append(f"limit {before.limit_minutes} -> {after.limit_minutes} minutes")
    for label, key in (
        ("name", "name"),
        ("title", "title"),
        ("organisation", "organisation"),
        ("referred by", "referred_by"),
        ("contact", "contact"),
    ):
        value = getattr(after.person, key)
        if getattr(before.person, key) != value:
            changed.append(f"{label} {value}")
    if before.preparation.research != after.preparation.research:
        changed.append("meeting link")
    return changed


def _with_flags(session: Session, args: argparse.Namespace) -> None:
    """The flags given to ``new`` win over what the invite says."""
    person = session.person
    for flag, key in (
        ("name", "name"),
        ("title", "title"),
        ("org", "organisation"),
        ("referred_by", "referred_by"),
    ):
        value = getattr(args, flag).strip()
        if value:
            setattr(person, key, value)
    if args.limit is not None:
        session.limit_minutes = args.limit
    if args.at is not None:
        session.planned_at = args.at


def _new_from_invite(folders: Folders, args: argparse.Namespace, questions: list[Question]) -> int:
    """``new --from-ics``: a session filled from a calendar invite, or the one an
    earlier import of it made, updated."""
    from .core.invite import InviteProblem, limit_from, read_invite_file
    from .core.paths import expand
    from .core.store import SaveError
    from .core.workspace import NotApplicable, NotSaved, WorkspaceError

    try:
        invite = read_invite_file(expand(args.from_ics))
    except InviteProblem as problem:
        _say(f"iisession new: {problem}", sys.stderr)
        return 2
    workspace = _workspace(folders)
    for warning in workspace.settings_warnings:
        if "profile" in warning:
            _say(f"iisession new: {warning}", sys.stderr)
    if invite.cancelled:
        existing = workspace.invite_file(invite.uid)
        what = f" ({invite.summary})" if invite.summary else ""
        kept = (
            f" Its session, {existing.name}, is left as it is: remove it, or keep its notes."
            if existing is not None
            else ""
        )
        _say(f"This invite cancels the call{what} on {_when(invite.start)}: nothing changed.{kept}")
        return 0
    if not args.no_open and _refuse_without_terminal():
        return 2
    try:
        session, path = workspace.from_invite(invite)
    except NotApplicable as error:
        _say(str(error))
        return 0
    except WorkspaceError as error:
        _say(f"iisession new: {error}", sys.stderr)
        return 1
    minutes, note = limit_from(invite)
    _with_flags(session, args)
    if note and args.limit is None:
        now = "" if minutes is not None else f"; the limit is {session.limit_minutes} minutes"
        _say(f"iisession new: {note}{now}", sys.stderr)
    organiser = invite.organiser
    if not workspace.profile.email and any(organiser) and invite.attendees and not args.name:
        who = organiser[0] or organiser[1]
        _say(
            f"iisession new: the call is taken to be with the organiser, {who}; if that is "
            f"you, add your e-mail to [profile] in {workspace.config_file} and import the "
            "invite again",
            sys.stderr,
        )
    if path is None:
        if args.template:
            session.questions = questions
        if not args.no_open:
            from .tui.app import IISessionApp

            return _run(IISessionApp(workspace, setup=session))
        if not session.person.name:
            _say(
                "iisession new: the invite names no one but you: give their name with --name",
                sys.stderr,
            )
            return 2
        return _write_new(workspace, session)
    if args.template:
        _say(
            "iisession new: the session has its questions already; --template left out", sys.stderr
        )
    try:
        handle = workspace.open_writable(path)
    except WorkspaceError as error:
        _say(f"iisession new: {error}", sys.stderr)
        return 1
    if (handle.session.id, handle.session.revision) != (session.id, session.revision):
        workspace.forget(handle)
        _say(f"iisession new: {path.name} changed just now: import the invite again", sys.stderr)
        return 1
    changes = _changes(handle.session, session)
    handle.session = session
    if handle.has_unsaved_changes():
        try:
            handle.save(now=workspace.clock.wall())
        except SaveError as error:
            workspace.forget(handle)
            _say(f"iisession new: {error}", sys.stderr)
            return 1
    try:
        workspace.name_after_plan(handle)
    except NotSaved as error:
        _say(f"iisession new: {error}", sys.stderr)
    name = handle.path.name
    if changes:
        _say(f"Updated {name}, made from this invite before: {'; '.join(changes)}")
    else:
        _say(f"{name}, made from this invite before, is up to date: nothing changed")
    if args.no_open:
        workspace.release(handle)
        return 0
    return _run(_app_on_setup(workspace, handle))


def _app_on_setup(workspace: Workspace, handle: SessionFile) -> IISessionApp:
    """The app opened on the setup form of a session already on file, held by
    the workspace (as the start screen opens a planned call)."""
    from .tui import navigation
    from .tui.app import IISessionApp

    class OnSetup(IISessionApp):
        def on_mount(self) -> None:
            # Textual runs IISessionApp's own on_mount as well: this comes after it.
            self.call_later(navigation.setup_screen, self.screen, handle.session, handle)

    return OnSetup(workspace, offer_resume=False)


def cmd_serve(folders: Folders, args: argparse.Namespace) -> int:
    """The full-screen app in a web browser, one app per page, through textual-serve."""
    from . import serve

    if not serve.available():
        _say(f"iisession serve needs textual-serve: {serve.INSTALL_HINT}", sys.stderr)
        return 2
    if not serve.is_loopback(args.host):
        _say(serve.exposed_warning(args.host), sys.stderr)
    return serve.serve(folders.sessions, args.host, args.port, _say)


def cmd_ask(folders: Folders, args: argparse.Namespace) -> int:
    """Record a request and print its draft: plain text, never the full-screen app,
    so that it can be scripted."""
    from .core.model import Person
    from .plain import cmd_ask as ask

    person = Person(
        name=args.name,
        title=args.title.strip(),
        organisation=args.org.strip(),
        how_found=args.how_found.strip(),
        referred_by=args.referred_by.strip(),
        contact=args.contact.strip(),
    )
    return ask(_workspace(folders), person, limit_minutes=args.limit, sent_at=args.sent_at)


PLAIN_COMMANDS = (
    "import",
    "known",
    "list",
    "show",
    "search",
    "export",
    "todo",
    "referrals",
    "compare",
    "ask",
    "requests",
    "organisations",
)
"""Commands that print and end, never opening the full-screen app."""


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    folders = resolve_folders(getattr(args, "sessions_dir", None))
    for warning in folders.warnings:
        _say(f"iisession: {warning}", sys.stderr)
    if args.command == "where":
        return cmd_where(folders)
    if args.command == "new":
        return cmd_new(folders, args)
    if args.command == "serve":
        return cmd_serve(folders, args)
    if args.command in PLAIN_COMMANDS:
        from . import plain as plain
        from .core.index_reading import FolderUnreadable

        try:
            if args.command == "ask":
                return cmd_ask(folders, args)
            if args.command == "import":
                return plain.cmd_import(folders, args.kind, args.file)
            if args.command == "known":
                return plain.cmd_known(folders, args.organisation, args.format, args.output)
            if args.command == "requests":
                return plain.cmd_requests(folders, args.format, args.output)
            if args.command == "organisations":
                return plain.cmd_organisations(folders, args.format, args.output)
            if args.command == "list":
                return plain.cmd_list(folders, args.json)
            if args.command == "show":
                return plain.cmd_show(folders, args.id, args.json)
            if args.command == "compare":
                return plain.cmd_compare(folders, " ".join(args.question), args.output)
            if args.command == "referrals":
                return plain.cmd_referrals(folders, args.format, args.output)
            if args.command == "todo":
                return plain.cmd_todo(folders, args.format, args.output, args.weeks)
            if args.command == "export":
                return plain.cmd_export(folders, args.id, args.format, args.output)
            return plain.cmd_search(folders, args.query, args.json)
        except FolderUnreadable as error:
            _say(f"iisession {args.command}: {error}", sys.stderr)
            return 1
        except BrokenPipeError:
            # `iisession list | head`: the reader has all it wants. Point stdout
            # at /dev/null so the flush at exit does not fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0
    return run_app(folders, review=args.command == "review")
