"""Text as the model stores it: kept apart from the model so that what reads the
config file at start-up (the profile) does not pay for importing every dataclass."""

from __future__ import annotations

import re

# Lone surrogates cannot be encoded in UTF-8 (or any UTF), so no file can hold them.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Return ``text`` as the model stores it.

    The only changes: CRLF and lone CR line endings become LF, and lone
    surrogates (which can come from a broken paste) become U+FFFD. Everything
    else (NUL, ESC, emoji, right-to-left text, U+2028) is kept as typed.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Only a string that cannot be encoded holds a lone surrogate; both checks
    # run in C, far faster than searching every string with the pattern.
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = _LONE_SURROGATE.sub("\ufffd", text)
    return text
