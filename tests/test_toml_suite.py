"""The TOML test suite's 1.0.0 list through the project's own reading.

Every valid file must parse to the values the suite expects (and to what
tomllib gives, time zones included); every invalid one must be refused, by
``toml_read.loads`` with ``TOMLDecodeError`` and by ``read_session`` with a
reason, never a crash.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest

from iisession.core import toml_read
from iisession.core.store import SessionFileError, read_session

SUITE = Path(__file__).parent / "data" / "toml-test"
LISTED = [
    line.strip()
    for line in (SUITE / "files-toml-1.0.0").read_text(encoding="utf-8").splitlines()
    if line.strip().endswith(".toml")
]
VALID = [name for name in LISTED if name.startswith("valid/")]
INVALID = [name for name in LISTED if name.startswith("invalid/")]


def tagged(value: Any) -> Any:
    """A parsed value in the suite's tagged JSON form."""
    if isinstance(value, dict):
        return {k: tagged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [tagged(v) for v in value]
    if isinstance(value, bool):
        return {"type": "bool", "value": "true" if value else "false"}
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        return {"type": "float", "value": value}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, dt.datetime):
        kind = "datetime-local" if value.tzinfo is None else "datetime"
        return {"type": kind, "value": value}
    if isinstance(value, dt.date):
        return {"type": "date-local", "value": value}
    if isinstance(value, dt.time):
        return {"type": "time-local", "value": value}
    raise TypeError(type(value))


def expected_value(kind: str, text: str) -> Any:
    if kind == "float":
        return float(text.replace("+", "")) if "nan" not in text else math.nan
    if kind == "datetime":
        return dt.datetime.fromisoformat(text.replace("z", "Z").replace(" ", "T"))
    if kind == "datetime-local":
        return dt.datetime.fromisoformat(text.replace(" ", "T"))
    if kind == "date-local":
        return dt.date.fromisoformat(text)
    if kind == "time-local":
        return dt.time.fromisoformat(text)
    return text


def same(got: Any, want: Any) -> bool:
    if isinstance(want, dict) and set(want) == {"type", "value"} and not isinstance(got, dict):
        return False
    if isinstance(want, dict) and set(want) == {"type", "value"} and "type" not in got:
        return False
    if isinstance(want, dict) and set(want) == {"type", "value"} and isinstance(got, dict):
        if set(got) != {"type", "value"} or got["type"] != want["type"]:
            return False
        value = expected_value(want["type"], want["value"])
        if want["type"] == "float" and math.isnan(value):
            return math.isnan(got["value"])
        return bool(got["value"] == value)
    if isinstance(want, dict):
        return (
            isinstance(got, dict)
            and got.keys() == want.keys()
            and all(same(got[k], want[k]) for k in want)
        )
    if isinstance(want, list):
        return (
            isinstance(got, list)
            and len(got) == len(want)
            and all(same(g, w) for g, w in zip(got, want, strict=True))
        )
    return False


def identical(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down (a time's tzinfo class too)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(identical(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dt.datetime | dt.time):
        return a == b and type(a.tzinfo) is type(b.tzinfo) and a.utcoffset() == b.utcoffset()
    return bool(a == b)


def test_the_list_is_all_there() -> None:
    assert len(VALID) == 210
    assert len(INVALID) == 499
    for name in LISTED:
        assert (SUITE / name).is_file(), name


def test_every_valid_file_reads_to_the_values_the_suite_expects() -> None:
    wrong = []
    for name in VALID:
        text = (SUITE / name).read_bytes().decode("utf-8-sig")
        got = toml_read.loads(text)
        want = json.loads((SUITE / name).with_suffix(".json").read_text(encoding="utf-8"))
        if not same(tagged(got), want) or not identical(got, tomllib.loads(text)):
            wrong.append(name)
    assert wrong == []


def test_every_invalid_file_is_refused_with_a_reason(tmp_path: Path) -> None:
    accepted, crashed = [], []
    for name in INVALID:
        data = (SUITE / name).read_bytes()
        try:
            toml_read.loads(data.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            pass
        else:
            accepted.append(name)
        # The session reader: the same file saved as a session is refused with
        # a reason (not valid TOML, not UTF-8, ...), never an unexpected error.
        path = tmp_path / (name.replace("/", "-").removesuffix(".toml") + ".toml")
        path.write_bytes(data)
        try:
            read_session(path)
        except SessionFileError as error:
            if not error.reason:
                crashed.append(f"{name}: refused without a reason")
        except Exception as error:  # pragma: no cover - what the test is for
            crashed.append(f"{name}: {type(error).__name__}: {error}")
        else:
            accepted.append(f"{name} (read_session)")
    assert accepted == []
    assert crashed == []


@pytest.mark.parametrize(
    "name", ["invalid/string/bad-escape-01.toml", "invalid/table/duplicate-key-01.toml"]
)
def test_a_refusal_gives_the_reason_tomllib_gives(name: str) -> None:
    text = (SUITE / name).read_text(encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError) as theirs:
        tomllib.loads(text)
    with pytest.raises(tomllib.TOMLDecodeError) as ours:
        toml_read.loads(text)
    assert str(ours.value) == str(theirs.value)
