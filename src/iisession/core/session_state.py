"""Where a session stands: apart from the model (``model.py``), which re-exports it,
so that the lists can name the states without importing the whole model."""

from __future__ import annotations

import enum


class SessionState(enum.StrEnum):
    """Where a session stands."""

    REQUESTED = "requested"
    """Asked for, not yet agreed: the first stage of a contact (see ``Request``)."""
    PLANNED = "planned"
    LIVE = "live"
    ENDED = "ended"
