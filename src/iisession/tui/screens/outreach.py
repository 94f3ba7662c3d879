"""Reaching out to someone a person suggested: the request, and where it stands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from ...core.model import Outreach
from . import workspace_of
from .draft import DraftScreen

if TYPE_CHECKING:
    from ...core.model import Referral
    from ...core.store import SessionFile

STATUS_KEYS = [
    ("t", Outreach.TO_CONTACT),
    ("c", Outreach.CONTACTED),
    ("p", Outreach.MEETING_PLANNED),
    ("m", Outreach.MET),
    ("d", Outreach.DECLINED),
]
"""The key for each outreach status in the F5 chooser, in the order things happen."""


class OutreachScreen(DraftScreen):
    """The request to one referred person: edit, send, and say where it stands."""

    BINDINGS = [
        *DraftScreen.BINDINGS,
        Binding(
            "f5",
            "status",
            "Status",
            priority=True,
            tooltip="Change where this outreach stands",
            id="outreach.status",
        ),
    ]

    HELP = """
## Reaching out to a referral
A request made from the session: it names who suggested them only if you may
mention them, says you are asking for information and not a job, and asks for
30 minutes at a time that suits them. Edit it here (or **F6** in your own
editor); it is kept with the referral as you type.

Send it your way: **F2** copies it, **F3** opens it in your e-mail program,
**F4** writes it to a file. **F5** records where it stands: to contact,
contacted, meeting planned, met or declined.
"""

    def __init__(self, handle: SessionFile, referral_id: str) -> None:
        self.referral_id = referral_id
        super().__init__(handle)

    @property
    def referral(self) -> Referral:
        # The session is held open (and locked) by this screen: the referral stays.
        return next(r for r in self.handle.session.referrals if r.id == self.referral_id)

    def mail_subject(self) -> str:
        from ...core.model import MayMention

        referrer = self.handle.session.person.name.strip()
        if self.referral.may_mention is MayMention.YES and referrer:
            return f"Introduction from {referrer}"
        return "A short conversation about your work"

    def on_mount(self) -> None:  # DraftScreen.on_mount runs as well (Textual calls both)
        self.sub_title = f"outreach to {self.referral.name}"

    @property
    def recipient(self) -> tuple[str, str]:
        return self.referral.name, self.referral.contact

    @property
    def stored(self) -> str:
        from ...core.followup import outreach_draft

        # Until edited, the request is made afresh, so it follows the referral's details.
        return self.referral.draft or outreach_draft(self.referral, self.handle.session)

    def store_text(self, text: str) -> None:
        self.referral.draft = text

    def about(self) -> str:
        from ...core.document import MENTION_WORDS

        r = self.referral
        source = self.handle.session.person
        by = source.name + (f" ({source.organisation})" if source.organisation else "")
        lines = [f"Suggested by {by}: {MENTION_WORDS[r.may_mention]}."]
        if r.why:
            lines.append(f"Why: {r.why}")
        return "\n".join(lines)

    def status(self) -> str:
        from ...core.document import OUTREACH_WORDS

        r = self.referral
        when = (
            f" (since {r.outreach_updated.astimezone():%Y-%m-%d %H:%M})"
            if r.outreach_updated
            else ""
        )
        return f"Outreach: {OUTREACH_WORDS[r.outreach]}{when}. F5 changes it."

    def file_stem(self) -> str:
        from ...core.naming import slugify

        return f"request-{slugify(self.referral.name)}"

    def action_status(self) -> None:
        from ...core.document import OUTREACH_WORDS
        from .prompts import ChoiceModal

        current = self.referral.outreach

        def chosen(value: str | None) -> None:
            if value:
                self.set_status(Outreach(value))

        choices: list[tuple[str, str, str]] = [
            (key, OUTREACH_WORDS[value] + (" (now)" if value is current else ""), value)
            for key, value in STATUS_KEYS
        ]
        self.app.push_screen(ChoiceModal(f"Outreach to {self.referral.name}", "", choices), chosen)

    def set_status(self, outreach: Outreach) -> None:
        r = self.referral
        if r.outreach is outreach:
            return
        before = (r.outreach, r.outreach_updated)
        r.outreach = outreach
        r.outreach_updated = workspace_of(self).clock.wall()
        if not self.save():
            r.outreach, r.outreach_updated = before  # shown as it stands on disk
        self.show_status()
