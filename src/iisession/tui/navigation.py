"""Where screens lead: the screens that open a session, for every screen that
leads to one (the start screen, the review, a session's page, the follow-ups,
the network, the requests). Each function takes the screen it is called from; the work on
the files is the workspace's, and its errors are shown here, in one way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.widget import Widget

from ..core.workspace import Gone, ReadOnly, WorkspaceError
from .screens import workspace_of

if TYPE_CHECKING:
    from pathlib import Path

    from ..core.bank import Bank
    from ..core.model import Person, Session
    from ..core.profile import Profile
    from ..core.store import SessionFile


def show_error(node: Widget, error: WorkspaceError, title: str = "") -> None:
    """Tell the user what could not be done, and why: a warning where nothing
    went wrong but it cannot be done (open elsewhere, gone meanwhile)."""
    warning = isinstance(error, (ReadOnly, Gone))
    node.notify(
        str(error),
        title=title or error.title,
        severity="warning" if warning else "error",
        timeout=10,
    )


def done(node: Widget, work: Callable[[], str], *, timeout: float = 4) -> bool:
    """Run a change to a session and say how it went; False if it failed."""
    try:
        message = work()
    except ReadOnly as error:
        show_error(node, error, "Not changed")
        return False
    except WorkspaceError as error:
        show_error(node, error)
        return False
    if message:
        node.notify(message, timeout=timeout)
    return True


def tell_recovered(node: Widget, handle: SessionFile | None) -> None:
    """Once per opening: typing a crash cut off before it was saved, and found in
    the session's journal, is back (or kept beside the file, or could not be used)."""
    if handle is None or handle.recovered is None or handle.recovery_told:
        return
    from ..core.journal import CLOCK_ONLY

    handle.recovery_told = True
    recovery = handle.recovered
    when = f" from {recovery.time.astimezone():%H:%M:%S}" if recovery.time is not None else ""
    if recovery.copy is not None:
        node.notify(
            f"Typing{when} had not been saved, and another program has changed "
            f"{handle.path.name} since: the version with it is kept as {recovery.copy.name}.",
            title="Recovered",
            severity="warning",
            timeout=20,
        )
    elif recovery.in_session and recovery.what != CLOCK_ONLY:
        # The clock alone (journaled while it ran) is the live screen's to tell.
        node.notify(
            f"Recovered typing{when} that had not been saved: {recovery.what}.",
            title="Recovered",
            timeout=12,
        )
    if recovery.unapplied is not None:
        node.notify(
            f"A record of unsaved typing could not all be used ({recovery.problem}); "
            f"it is kept, untouched, as {recovery.unapplied}.",
            title="Not recovered",
            severity="warning",
            timeout=20,
        )


def bank_of(node: Widget) -> Bank:
    """The question bank, with what loading it had to say shown once."""
    workspace = workspace_of(node)
    bank = workspace.bank
    while workspace.bank_warnings:
        warning = workspace.bank_warnings.pop(0)
        node.notify(warning, title="Question bank", severity="warning", timeout=15)
    return bank


# --- a session, live or in the setup form -------------------------------------------------


def live_screen(
    node: Widget, handle: SessionFile, *, replace: bool = False, start: bool = False
) -> None:
    """The live screen for a session already held by the workspace; with
    ``replace``, in place of the current screen; with ``start``, its clock
    running (the user asked to start the call now)."""
    from .screens.live import LiveScreen

    workspace = workspace_of(node)
    screen = LiveScreen(handle, workspace.clock, workspace.settings, start_clock=start)
    if replace:
        node.app.switch_screen(screen)
    else:
        node.app.push_screen(screen)
    tell_recovered(node, handle)


def open_live(node: Widget, path: Path) -> None:
    try:
        handle = workspace_of(node).open(path)
    except WorkspaceError as error:
        show_error(node, error)
        return
    live_screen(node, handle)


def setup_screen(
    node: Widget, session: Session, handle: SessionFile | None, *, replace: bool = False
) -> None:
    """The setup form; with ``replace``, in place of the current screen (a
    request agreed: the form takes its open file on)."""
    from .screens.setup import SetupScreen

    screen = SetupScreen(session, handle, workspace_of(node).clock)
    if replace:
        node.app.switch_screen(screen)
    else:
        node.app.push_screen(screen)
    tell_recovered(node, handle)


def new_session(node: Widget) -> None:
    from ..core.model import Session

    session = Session(questions=bank_of(node).defaults(), created=workspace_of(node).clock.wall())
    setup_screen(node, session, None)


def open_setup(node: Widget, path: Path) -> None:
    try:
        handle = workspace_of(node).open(path)
    except WorkspaceError as error:
        show_error(node, error)
        return
    setup_screen(node, handle.session, handle)


def edit_session(node: Widget, path: Path, planned: bool) -> None:
    """A planned call opens in the setup form; any other on the live screen
    (a call left open resumes with its clock paused; an ended one is edited)."""
    (open_setup if planned else open_live)(node, path)


def open_detail(node: Widget, path: Path, *, replace: bool = False) -> None:
    """A session's page; with ``replace``, in place of the current screen."""
    from .screens.detail import DetailScreen

    screen = DetailScreen(path)
    if replace:
        node.app.switch_screen(screen)
    else:
        node.app.push_screen(screen)


# --- practice runs ------------------------------------------------------------------------


def practise_session(node: Widget, session: Session) -> None:
    """A rehearsal of ``session`` on the live screen, kept out of the history."""
    try:
        handle = workspace_of(node).start_practice(session)
    except WorkspaceError as error:
        node.notify(str(error), title="Practice run not started", severity="error")
        return
    live_screen(node, handle)


def practise(node: Widget, path: Path) -> None:
    try:
        session = workspace_of(node).read(path)
    except WorkspaceError as error:
        show_error(node, error)
        return
    practise_session(node, session)


# --- after the call -----------------------------------------------------------------------


def open_thank_you(node: Widget, path: Path) -> None:
    from .screens.thank_you import ThankYouScreen

    try:
        handle = workspace_of(node).open_thank_you(path)
    except WorkspaceError as error:
        show_error(node, error)
        return
    node.app.push_screen(ThankYouScreen(handle))
    tell_recovered(node, handle)


def open_outreach(node: Widget, path: Path, referral_id: str) -> None:
    """The request to one referred person: made the first time (linked both
    ways), and the same one after."""
    try:
        handle = workspace_of(node).ask_referral(path, referral_id)
    except WorkspaceError as error:
        show_error(node, error)
        return
    request_screen(node, handle)


# --- requests: asking for the conversation ---------------------------------------------


def request_screen(node: Widget, handle: SessionFile) -> None:
    """The request screen on a session held writable by the workspace: a
    request still open is given one drafted from the profile if it has none.
    A call planned, live or held keeps its request as history: shown read
    only, and none is made for it (with none, the call itself opens: the
    setup form, or the page of one under way or held)."""
    from ..core.model import SessionState
    from .screens.request import RequestScreen

    workspace = workspace_of(node)
    session = handle.session
    if session.request is None and session.state is not SessionState.REQUESTED:
        if session.state is SessionState.PLANNED:
            setup_screen(node, session, handle)
        else:
            path = handle.path
            workspace.release(handle)
            open_detail(node, path)
        return
    may_name_referrer = _may_name_referrer(node, session)
    if session.request is None:
        made = workspace.new_request(
            session.person,
            limit_minutes=session.limit_minutes,
            may_name_referrer=may_name_referrer,
        )
        session.request = made.request
    node.app.push_screen(RequestScreen(handle, may_name_referrer=may_name_referrer))
    tell_recovered(node, handle)


def _may_name_referrer(node: Widget, session: Session) -> bool:
    """Whether the person who suggested them said they may be named: as the
    referral in the source session says (anyone named by hand may be)."""
    from ..core.model import MayMention

    if not session.source_session or not session.source_referral:
        return True
    workspace = workspace_of(node)
    try:
        source = workspace.file_of(session.source_session)
        if source is None:
            return True
        referrals = workspace.read(source).referrals
    except WorkspaceError:
        return True
    referral = next((r for r in referrals if r.id == session.source_referral), None)
    return referral is None or referral.may_mention is MayMention.YES


def open_request(node: Widget, path: Path) -> None:
    """The request screen on a session file, held writable."""
    try:
        handle = workspace_of(node).open_writable(path)
    except WorkspaceError as error:
        show_error(node, error)
        return
    request_screen(node, handle)


def new_request(
    node: Widget,
    organisation: str = "",
    name: str = "",
    *,
    person: Person | None = None,
    drafted: Callable[[Session], None] | None = None,
) -> None:
    """The form for a new request (prefilled: the names, or all of ``person``),
    then the request screen on its file. ``drafted`` rewrites the request the
    form made (one asking for an introduction, say), saved before it opens."""
    from ..core.store import SaveError
    from .screens.request_form import RequestForm

    def made(handle: SessionFile | None) -> None:
        if handle is None:
            return
        if drafted is not None:
            drafted(handle.session)
            try:
                handle.save(now=workspace_of(node).clock.wall())
            except SaveError as error:
                # On screen all the same: the request screen saves it as typing is saved.
                node.notify(f"Not saved yet: {error}", severity="warning", timeout=10)
        request_screen(node, handle)

    form = RequestForm(organisation=organisation, name=name)
    if person is not None:
        form.person = person  # every field of the form, as the form shows them
    node.app.push_screen(form, made)


def edit_profile(node: Widget, *, first_time: bool = False) -> None:
    """The profile form; once saved, a draft on screen that is still as it was
    made is signed afresh."""
    from .screens.draft import DraftScreen
    from .screens.profile import ProfileScreen

    workspace = workspace_of(node)
    before = workspace.profile
    under: object = node.screen  # the screen asked from, whatever is on top later

    def saved(profile: Profile | None) -> None:
        if profile is None:
            return
        node.notify(f"Your profile is saved in {workspace.config_file}.", timeout=6)
        if under in node.app.screen_stack and isinstance(under, DraftScreen):
            under.profile_changed(before)

    node.app.push_screen(ProfileScreen(before, first_time=first_time), saved)


def set_up_referral(node: Widget, path: Path, referral_id: str) -> None:
    """The setup form for a call with a referral, linked both ways."""
    try:
        made = workspace_of(node).from_referral(path, referral_id)
    except WorkspaceError as error:
        show_error(node, error)
        return
    if made.existing is not None:
        # Asked (or met) before: that file, not a second session with them.
        from ..core.model import SessionState

        if made.session.state is SessionState.PLANNED:
            node.notify(f"{made.session.person.name} was asked already: this is that call.")
            open_setup(node, made.existing)
        else:
            open_detail(node, made.existing)
        return
    if made.not_linked:
        node.notify(f"{made.not_linked}; the link back is not recorded", severity="warning")
    setup_screen(node, made.session, None)


def call_referral(node: Widget, path: Path) -> None:
    """Set up a call with someone this session's person suggested."""
    _choose_referral(node, path, "Set up a call with", partial(set_up_referral, node, path))


def outreach_for(node: Widget, path: Path) -> None:
    """Reach out to one of the people this session's person suggested."""
    _choose_referral(node, path, "Reach out to", partial(open_outreach, node, path))


def _choose_referral(node: Widget, path: Path, title: str, then: Callable[[str], None]) -> None:
    from ..core.document import OUTREACH_WORDS
    from ..core.requests import stage_of
    from .screens.prompts import ListChooser

    workspace = workspace_of(node)
    try:
        referrals = workspace.referrals(path)
    except WorkspaceError as error:
        show_error(node, error)
        return
    if not referrals:
        node.notify("No referrals in this session.", timeout=4)
        return
    # Someone asked (or met) since: where that stands, from their own session.
    linked = {r.session_id for r in referrals if r.session_id}
    stages = {}
    if linked:
        stages = {
            s.id: stage_of(s).value for _, s in workspace.read_sessions().sessions if s.id in linked
        }
    choices = []
    for r in referrals:
        where = ", ".join(x for x in (r.role, r.organisation) if x)
        status = stages.get(r.session_id) or OUTREACH_WORDS[r.outreach]
        choices.append((f"{r.name}" + (f" ({where})" if where else "") + f": {status}", r.id))

    def chosen(referral_id: str | None) -> None:
        if referral_id:
            then(referral_id)

    node.app.push_screen(ListChooser(title, choices), chosen)


def export_text(node: Widget, where: str, text: str, what: str) -> bool:
    """Write ``text`` (a note, a calendar, a comparison) to the file the user
    typed, and say where it went or why it did not."""
    if not where.strip():
        return False
    try:
        target = workspace_of(node).export_text(where, text)
    except WorkspaceError as error:
        show_error(node, error)
        return False
    node.notify(f"Wrote {what} to {target}", timeout=6)
    return True
