"""Keys in the order a person reads them: F1 to F10, then every other key."""

from __future__ import annotations


def key_order(key: str) -> tuple[int, int]:
    """Sort key for a binding's key: F-keys first by number, the rest after them
    (a stable sort keeps those as bound)."""
    first = key.split(",")[0].strip()
    number = first[1:]
    if first.startswith("f") and number.isdigit():
        return (0, int(number))
    return (1, 0)
