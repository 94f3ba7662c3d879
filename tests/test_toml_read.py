"""``toml_read.loads``: the compiled parser where it is safe, tomllib's rules everywhere."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from iisession.core import toml_read
from iisession.core.store import SessionFileError, read_session
from tests.factories import make_session


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def test_the_compiled_parser_is_used_here() -> None:
    # The project depends on it on this platform: a silent fall back to tomllib
    # everywhere would pass every other test and lose the speed.
    assert toml_read.parser_name() == "toml-rs"


def test_a_byte_order_mark_is_refused_as_tomllib_refuses_it() -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as theirs:
        tomllib.loads("\ufeffa = 1")
    with pytest.raises(tomllib.TOMLDecodeError) as ours:
        toml_read.loads("\ufeffa = 1")
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "text",
    [
        "a = 2026-01-01T10:00:60Z",  # a leap second: toml-rs fails, tomllib refuses
        "a = 1\r",  # a lone carriage return
        "a = 1\na = 2",
        "a = 2026-02-30",
        "[a]\nb = 'unterminated\n",
        # A dotted key into an array of tables: toml-rs alone accepts these.
        "[[t.a]]\n[t]\na.b.c = 1\n",
        "[[ t . a . b ]]\n[t]\na.b.c.d = 1\n",
        "[['t'.a]]\n[t]\na.b.c = 1\n",
    ],
)
def test_a_refused_text_gives_tomllibs_reason(text: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as theirs:
        tomllib.loads(text)
    with pytest.raises(tomllib.TOMLDecodeError) as ours:
        toml_read.loads(text)
    assert str(ours.value) == str(theirs.value)


def test_a_text_only_tomllib_reads_is_read() -> None:
    # A lone surrogate cannot reach Rust; tomllib reads it (no file can hold one).
    assert toml_read.loads("a = '\ud800'") == {"a": "\ud800"}


def test_values_come_out_as_tomllibs() -> None:
    text = (
        "z = 2026-06-18T13:00:00Z\nplus = 2026-06-18T13:00:00+01:00\n"
        "local = 2026-06-18T13:00:00\nday = 2026-06-18\nfrac = 2026-06-18T13:00:00.1234567Z\n"
        "big = 1e400\nhuge = 99999999999999999999\nnan = nan\n"
    )
    ours, theirs = toml_read.loads(text), tomllib.loads(text)
    assert ours == {k: v for k, v in theirs.items() if k != "nan"} | {"nan": ours["nan"]}
    assert math.isnan(ours["nan"])
    assert ours["z"].tzinfo is dt.UTC
    assert type(ours["plus"].tzinfo) is type(theirs["plus"].tzinfo)
    assert ours["plus"].utcoffset() == dt.timedelta(hours=1)
    assert ours["local"].tzinfo is None
    assert ours["big"] == math.inf
    assert ours["frac"].microsecond == 123456


@pytest.mark.parametrize("opener", ["[", "{b = "])
def test_deep_nesting_never_crashes_the_process(opener: str) -> None:
    # toml-rs alone crashes on this (a segmentation fault): it must never see it.
    closer = "]" if opener == "[" else "}"
    result = run_python(
        f"""
        import sys
        from iisession.core import toml_read
        text = "a = " + {opener!r} * 100_000 + "1" + {closer!r} * 100_000
        try:
            toml_read.loads(text)
        except (toml_read.TOMLDecodeError, RecursionError) as error:
            print("refused", type(error).__name__)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused")


def test_the_deepest_text_the_fast_path_takes_fits_the_smallest_thread_stack() -> None:
    # MAX_DEPTH levels of arrays and of inline tables, parsed in a thread with
    # musl's 128 KB stack: no crash, the same values as tomllib's.
    depth = toml_read.MAX_DEPTH
    result = run_python(
        f"""
        import threading, tomllib
        from iisession.core import toml_read
        d = {depth}
        texts = ["a = " + "[" * d + "1" + "]" * d, "a = " + "{{b = " * d + "1" + "}}" * d]
        assert not any(toml_read._may_nest_deeply(t) for t in texts)
        out = []
        threading.stack_size(128 * 1024)
        def work():
            out.extend(toml_read.loads(t) == tomllib.loads(t) for t in texts)
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        print(out)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[True, True]"


def test_what_may_nest_deeply_goes_to_tomllib() -> None:
    deep = toml_read.MAX_DEPTH + 1
    assert toml_read._may_nest_deeply("a = " + "[" * deep + "]" * deep)
    # Headers on their own lines do not nest, however many there are...
    assert not toml_read._may_nest_deeply("x = 1\n" + "[[questions]]\nid = 'a'\n" * 200)
    assert not toml_read._may_nest_deeply("x = 1\n" + "[t.u]\n" * 200)
    # ...but a line that only looks like one, leaving a bracket open, counts.
    assert toml_read._may_nest_deeply("a = [\n" + "[[x]\n" * 50)
    assert toml_read._may_nest_deeply("a = [\n" + "[\n" * 50)
    # Brackets in a string count too: such a text is only read more slowly.
    assert toml_read._may_nest_deeply("notes = '" + "[link]" * 50 + "'")


def test_a_deeply_nested_session_file_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "2026-06-18-1300-deep.toml"
    path.write_text("schema_version = 1\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(SessionFileError) as error:
        read_session(path)
    assert error.value.reason


def test_a_deeply_nested_config_file_is_ignored_with_a_reason(tmp_path: Path) -> None:
    from iisession.core.paths import CONFIG_FILE, read_config

    (tmp_path / CONFIG_FILE).write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    warnings: list[str] = []
    assert read_config(tmp_path, warnings) == {}
    assert warnings == [
        f"{tmp_path / CONFIG_FILE}: ignored, it cannot be read "
        "(nested too deeply: arrays or tables inside one another)"
    ]


def test_a_session_with_a_megabyte_of_notes_reads_as_with_tomllib(tmp_path: Path) -> None:
    from iisession.core.codec import dumps

    session = make_session(notes="Notes [with brackets] {and braces} é\n" * 28_000)
    text = dumps(session)
    assert len(text) > 1_000_000
    assert toml_read.loads(text) == tomllib.loads(text)


def test_without_the_compiled_parser_tomllib_reads_everything() -> None:
    # As on a platform with no wheel for it: the import fails, nothing else does.
    result = run_python(
        """
        import sys
        sys.modules["toml_rs"] = None  # import toml_rs raises ImportError
        from iisession.core import toml_read
        print(toml_read.parser_name(), toml_read.loads("a = 2026-06-18T13:00:00Z"))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("tomllib {'a': datetime.datetime(2026, 6, 18, 13, 0, tzinfo=")


def test_the_standard_library_can_be_chosen_to_compare() -> None:
    result = run_python(
        "from iisession.core import toml_read; print(toml_read.parser_name())",
        IISESSION_TOML_PARSER="tomllib",
    )
    assert result.stdout.strip() == "tomllib"


def test_nesting_past_the_recursion_limit_is_a_decode_error_with_a_reason() -> None:
    # Every reader here catches TOMLDecodeError: none has to know of RecursionError.
    with pytest.raises(toml_read.NestedTooDeeply) as error:
        toml_read.loads("a = " + "[" * 5000 + "]" * 5000)
    assert isinstance(error.value, tomllib.TOMLDecodeError)
    assert "nested too deeply" in str(error.value)


def test_a_deeply_nested_list_file_is_reported_not_a_crash() -> None:
    from iisession.core.organisations import OrganisationsError, parse_organisations

    with pytest.raises(OrganisationsError) as error:
        parse_organisations("x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested too deeply" in str(error.value)
