"""How a screen tells the user what a save did: a failure once per run of them
(the indicator says the rest), another program's version kept."""

from __future__ import annotations

from textual.widget import Widget

from ..core.editor import Outcome


def report(node: Widget, outcome: Outcome | None, kept: str) -> None:
    """``kept`` says where what was typed is meanwhile, and what to do."""
    if outcome is None:
        return
    if outcome.error is not None and outcome.first_failure:
        node.notify(f"{outcome.error}. {kept}", title="Not saved", severity="error", timeout=15)
    if outcome.notice:
        # Not .capitalize(): that would lower-case the file's name.
        node.notify(
            outcome.notice[:1].upper() + outcome.notice[1:],
            title="Changed outside iisession",
            severity="warning",
            timeout=15,
        )
    if outcome.conflict_copy is not None:
        node.notify(
            "Another program changed the file; its version was kept as "
            f"{outcome.conflict_copy.name}",
            severity="warning",
            timeout=15,
        )
