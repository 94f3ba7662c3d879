"""Call times as text: the one rounding rule for every call length shown or kept.

Apart from the countdown (``countdown.py``) so that the lists, which show call
lengths, need not import the session model with it.
"""

from __future__ import annotations

import math


def call_seconds(seconds: float) -> int:
    """A call time in whole seconds: the seconds completed (rounded down).

    The one rounding rule for every call length and time into the call that is
    shown or kept (the end-of-call summary, the lists, the documents, key
    points). Rounding down is what a stopwatch does, what the files do (times
    are kept to the second by dropping the fraction), and it adds up with the
    countdown, which rounds the time left up: ``12:34`` left of 30 minutes is
    ``17:26`` used.
    """
    return max(0, math.floor(seconds))


def format_call_time(seconds: float) -> str:
    """A call length or a time into the call: ``51:49``, ``1:02:03`` past an hour.

    Rounded down (``call_seconds``), wherever it is shown.
    """
    return clock_text(call_seconds(seconds))


def clock_text(whole: int) -> str:
    """Whole seconds as a clock: ``2:15``, ``1:02:03``."""
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
