"""The referrals captured during the call."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...core.model import MayMention, Referral


def referral_line(referral: Referral) -> Text:
    line = Text(referral.name, style="bold")
    details = ", ".join(x for x in (referral.role, referral.organisation) if x)
    if details:
        line.append(f" - {details}")
    if referral.may_mention is MayMention.NO:
        line.append(" (do not mention)", style="italic")
    return line


class ReferralList(OptionList):
    """Enter edits the highlighted referral; Delete removes it (after asking)."""

    BINDINGS = [
        Binding("delete", "screen.remove_referral", "Remove", id="referrals.remove"),
    ]

    def show(self, referrals: list[Referral], empty: str = "none yet: F4 adds one") -> None:
        """``empty`` is said when there are none."""
        highlighted = self.highlighted
        self.clear_options()
        if not referrals:
            self.add_option(Option(Text(empty, style="dim"), disabled=True))
            return
        self.add_options(Option(referral_line(r), id=r.id) for r in referrals)
        self.highlighted = min(highlighted or 0, len(referrals) - 1)
