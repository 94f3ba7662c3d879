"""When typed text is saved, and what the save indicator says.

Typing is saved 2 s after the last keystroke, and at least every 5 s while
typing goes on; a failed save is retried every few seconds until one works.
The decisions live here, free of any UI, so they can be tested with a clock.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AutosavePolicy:
    idle_seconds: float = 2.0
    max_wait_seconds: float = 5.0
    retry_seconds: float = 3.0


class SaveTracker:
    """Tracks unsaved changes, save results and the indicator text."""

    def __init__(self, policy: AutosavePolicy | None = None) -> None:
        self.policy = policy or AutosavePolicy()
        self.first_unsaved: float | None = None
        self.last_change: float | None = None
        self.last_saved: float | None = None
        self.error = ""
        self.next_retry = 0.0

    @property
    def dirty(self) -> bool:
        return self.first_unsaved is not None or bool(self.error)

    def changed(self, now: float) -> None:
        if self.first_unsaved is None:
            self.first_unsaved = now
        self.last_change = now

    def due(self, now: float) -> bool:
        """Is it time to save the typing?"""
        if self.error:
            return now >= self.next_retry
        if self.first_unsaved is None or self.last_change is None:
            return False
        return (
            now - self.last_change >= self.policy.idle_seconds
            or now - self.first_unsaved >= self.policy.max_wait_seconds
        )

    def succeeded(self, now: float) -> None:
        self.first_unsaved = None
        self.last_change = None
        self.error = ""
        self.last_saved = now

    def failed(self, now: float, reason: str) -> None:
        self.error = reason
        self.next_retry = now + self.policy.retry_seconds
        if self.first_unsaved is None:
            self.first_unsaved = now

    def status(self, now: float) -> str:
        """The indicator: always says whether what is on screen is on disk."""
        if self.error:
            return f"NOT SAVED: {self.error}, retrying"
        if self.last_saved is None:
            return "not saved yet" if self.first_unsaved is not None else "saved"
        # Coarse steps, so the line is redrawn about once a minute in a quiet
        # call (each redraw is a frame, and a change a screen reader may read).
        ago = int(now - self.last_saved)
        if ago < 10:
            text = "saved just now"
        elif ago < 60:
            text = "saved under a minute ago"
        else:
            text = f"saved {ago // 60} min ago"
        if self.first_unsaved is not None:
            text += ", typing"
        return text
