"""The cyclic garbage collector held off while every session is read at once.

The follow-ups, the network and the comparison read every session's digest
together: millions of small objects made at once and kept until the work on
them is done. Python's cyclic collector makes a full pass over every object
each time the long-lived ones grow by a quarter, and a young pass every few
hundred objects made, so it walks those objects again and again while they
are made and used: at 50,000 sessions that was 2.4 of the 5 s the follow-ups
took, and why they grew faster than the sessions. The digests hold no cycles
(reference counting frees them as soon as the work lets them go).

At the last exit, what the block made goes straight to the oldest generation
(``gc.freeze()`` then ``gc.unfreeze()``: two list splices, no pass) before the
collector is let run again. Left young, the first allocation after the block
started a young pass over all of it at once, millions of objects spread over
memory: at 50,000 sessions 0.7 s (0.1 s at 10,000), the one part of a read of
every digest that still grew faster than the sessions. The little the work
leaves in cycles (the network's recursive drawing, say) is collected by the
collector's next full pass, which runs as it always does. Nothing else in the
program freezes objects, so the ``unfreeze`` frees only what this froze.

``held_off()`` nests and may be entered from several threads at once (the
app reads in worker threads): the collector is held off from the first entry
to the last exit, and left as it was found (off stays off).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextlib.contextmanager
def held_off() -> Iterator[None]:
    """The cyclic collector off for the block (and every block that overlaps it)."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.freeze()  # every tracked object (what the block made too) to the oldest
                gc.unfreeze()
                gc.enable()


def holders() -> int:
    """How many blocks hold the collector off now (for the tests)."""
    return _holders
