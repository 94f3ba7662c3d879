"""Parsing TOML text: a compiled parser where it is safe, with tomllib's rules.

Reading the sessions folder is mostly parsing, and the standard library's
parser is pure Python. ``toml-rs`` (Rust, told to read TOML 1.0.0 as tomllib
does) parses the same files about fifteen times faster and agrees with tomllib
on every file of the TOML test suite's 1.0 list (``tests/test_toml_suite.py``).
Where the two could differ, tomllib decides:

- a text that starts with a byte-order mark (tomllib refuses it, toml-rs reads it);
- a text that may nest deeply: toml-rs recurses on the machine stack, and a few
  thousand levels crash the process (a small thread stack, under a hundred), so
  a text that could nest deeper than ``MAX_DEPTH`` goes to tomllib, which stops
  at Python's recursion limit with an error instead;
- a text with an array of tables under another table, where toml-rs accepts
  what tomllib refuses (a dotted key reaching into that array);
- anything toml-rs refuses or fails on (a lone surrogate, a leap second, ...):
  tomllib parses it again, so a refused text is refused with tomllib's reason,
  the one the user has always seen, and a text tomllib reads is read.

Without toml-rs (a platform with no wheel for it) everything goes to tomllib:
slower, the same results. ``IISESSION_TOML_PARSER=tomllib`` forces that, to
compare the two.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from typing import Any

TOMLDecodeError = tomllib.TOMLDecodeError
"""What a refused text raises, whichever parser read it."""

MAX_DEPTH = 40
"""A text whose brackets and braces could nest deeper than this goes to tomllib.
toml-rs takes about 1.7 KB of stack a level: 42 levels fit in the smallest thread
stacks there are (128 KB, musl's), with room to spare."""

# A table header written at the start of a line, with no bracket inside and its
# closing bracket(s) on that line, adds at most two levels while it is read: its
# brackets are not counted. Every other bracket or brace may nest, even one in
# a string (counting it only sends a text to tomllib). The pattern starts with a
# literal ("\n["), so it is searched for at C speed; its group holds the second
# bracket of an array's header.
_HEADER = re.compile(r"\n\[(?:(\[)[^\[\]\n]*\]\]|[^\[\]\n]*\])")


# toml-rs lets a dotted key of three parts or more reach into an array of
# tables that a later header reopened (`[[t.a]]`, `[t]`, `a.b.c = 1`), which
# tomllib refuses. Only an array of tables under another table can be reached
# so (a later `[t]` must be a proper prefix of its name), and its header then
# has a dot in it: such a text goes to tomllib. Session files have none. (A
# dot in a quoted name, or in a string, only costs speed.)
_DOTTED_ARRAY_HEADER = re.compile(r"\[\[[^\]\n]*\.")


def may_nest_arrays_of_tables(text: str) -> bool:
    """Whether the text may hold an array of tables under another table, which
    toml-rs and tomllib may read differently (see ``loads``)."""
    return _DOTTED_ARRAY_HEADER.search(text) is not None


def _may_nest_deeply(text: str) -> bool:
    openers = text.count("[") + text.count("{")
    if openers <= MAX_DEPTH:
        return False
    headers = _HEADER.findall(text)
    in_headers = len(headers) + headers.count("[")
    return openers - in_headers > MAX_DEPTH


_fast: Callable[[str], dict[str, Any]] | None

# Imported here, as the program starts, on its main thread: imported first in a
# worker thread at the first parse instead, it crashed the process (a
# segmentation fault, every run of tests/test_after_call_views.py).
try:
    import toml_rs as _toml_rs
except ImportError:  # no wheel for this platform: the standard library reads everything
    _fast = None
else:

    def _read_1_0(text: str) -> dict[str, Any]:
        return _toml_rs.loads(text, toml_version="1.0.0")

    _fast = _read_1_0

if os.environ.get("IISESSION_TOML_PARSER") == "tomllib":
    _fast = None


def parser_name() -> str:
    """Which parser reads the common case, for the benchmarks and ``--version``."""
    return "tomllib" if _fast is None else "toml-rs"


class NestedTooDeeply(tomllib.TOMLDecodeError):
    """Nested deeper than tomllib reads (it stops at Python's recursion limit)."""

    def __init__(self) -> None:
        # Not tomllib's (msg, doc, pos): there is no one place to point at.
        ValueError.__init__(self, "nested too deeply: arrays or tables inside one another")


def loads(text: str, *, arrays_checked_after: bool = False) -> dict[str, Any]:
    """Parse TOML 1.0 text as ``tomllib.loads`` does. Raises ``TOMLDecodeError``
    (``NestedTooDeeply`` where tomllib would hit the recursion limit).

    ``arrays_checked_after``: the caller makes sure the result holds no array
    of tables inside another table, and otherwise parses again without this if
    ``may_nest_arrays_of_tables``, so the text is not searched for one here (a
    session file's reading saves that search)."""
    try:
        if (
            _fast is None
            or text.startswith("\ufeff")
            or _may_nest_deeply(text)
            or (not arrays_checked_after and may_nest_arrays_of_tables(text))
        ):
            return tomllib.loads(text)
        try:
            return _fast(text)
        except Exception:
            # Refused or failed: tomllib has the last word, and its reason.
            return tomllib.loads(text)
    except RecursionError:
        raise NestedTooDeeply() from None
