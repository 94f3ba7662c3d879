"""The user's keys and theme read from the config file, and one key written back into it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iisession.core.config_file import ConfigError, set_in_config
from iisession.core.preferences import KeyProblem, known_ids, read_key, read_keys, read_theme

NAMED = frozenset({"f5", "f12", "escape", "enter", "delete", "pageup", "space", "home", "slash"})


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("f12", "f12"),
        ("F12", "f12"),
        ("Ctrl+N", "ctrl+n"),
        ("ctrl-n", "ctrl+n"),
        ("Control+Shift+Home", "ctrl+shift+home"),
        ("shift+ctrl+home", "ctrl+shift+home"),  # modifiers in the terminal's order
        ("Esc", "escape"),
        ("Return", "enter"),
        ("PgUp", "pageup"),
        ("Del", "delete"),
        (" n ", "n"),
        ("N", "N"),  # a capital is the shifted letter, as the terminal sends it
        ("shift+n", "N"),
        ("?", "?"),
        ("question_mark", "question_mark"),
        ("ctrl+?", "ctrl+?"),
        ("-", "-"),
        ("ctrl+-", "ctrl+-"),
    ],
)
def test_a_key_is_read_in_the_spellings_people_use(typed: str, read: str) -> None:
    assert read_key(typed, NAMED) == read


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "an empty key"),
        ("  ", "an empty key"),
        ("ctrl n", "has a space in it"),
        ("f99", "is not a key this app knows"),
        ("escpe", "is not a key this app knows"),
        ("hyperspace+x", "is not a key this app knows"),
    ],
)
def test_a_key_that_cannot_be_read_says_why(typed: str, reason: str) -> None:
    with pytest.raises(KeyProblem, match=reason):
        read_key(typed, NAMED)


def test_the_keys_table_keeps_what_reads_and_reports_the_rest() -> None:
    warnings: list[str] = []
    keymap = read_keys(
        {
            "keys": {
                "live.next": "F12",
                "app.quit": "ctrl+q, Ctrl+X,ctrl+q",
                "live.end": 10,
                "live.extend": "f5,",
                "live.clock": "ctrl k",
            }
        },
        NAMED,
        warnings,
    )
    assert keymap == {"live.next": "f12", "app.quit": "ctrl+q,ctrl+x"}
    assert warnings == [
        'config: `keys."live.end"` should be keys in quotes, like "f12" or "ctrl+n"; not used',
        'config: `keys."live.extend"`: an empty key (the space bar is `space`); not used',
        "config: `keys.\"live.clock\"`: 'ctrl k' has a space in it (join keys with +, like "
        "ctrl+n); not used",
    ]


def test_keys_that_are_not_a_table_are_reported() -> None:
    warnings: list[str] = []
    assert read_keys({"keys": "f12"}, NAMED, warnings) == {}
    assert warnings == ['config: `keys` should be a table ([keys], then "id" = "key"); not used']
    assert read_keys({}, NAMED, warnings) == {}
    assert len(warnings) == 1


def test_an_unknown_id_is_reported_with_the_nearest_one() -> None:
    warnings: list[str] = []
    kept = known_ids(
        {"live.next": "f12", "live.nxt": "f11", "zzz.q": "f9"},
        {"live.next", "live.end"},
        warnings,
    )
    assert kept == {"live.next": "f12"}
    assert warnings == [
        'config: `keys."live.nxt"`: no key has that id (did you mean `live.next`?); not used. '
        'The README\'s "Your keys" lists them',
        'config: `keys."zzz.q"`: no key has that id; not used. '
        'The README\'s "Your keys" lists them',
    ]


def test_the_theme_must_be_one_there_is() -> None:
    themes = ["nord", "dracula", "textual-dark"]
    warnings: list[str] = []
    assert read_theme({"theme": "nord"}, themes, warnings) == "nord"
    assert read_theme({}, themes, warnings) is None
    assert warnings == []
    assert read_theme({"theme": "solarised"}, themes, warnings) is None
    assert read_theme({"theme": 3}, themes, warnings) is None
    assert warnings == [
        'config: `theme` "solarised" is not a theme here; the default is used. '
        "The themes: dracula, nord, textual-dark",
        "config: `theme` it is not a theme here; the default is used. "
        "The themes: dracula, nord, textual-dark",
    ]


# --- one key written into the config file -------------------------------------------------

KEPT = """\
# my settings
sessions_dir = "~/calls"   # synced

[live]
bell = true   # I want it
"""


def test_a_top_level_key_goes_in_before_the_tables_keeping_the_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(KEPT, encoding="utf-8")
    set_in_config(path, "theme", "nord")
    assert path.read_text(encoding="utf-8") == KEPT.replace(
        "# synced\n", '# synced\ntheme = "nord"\n'
    )
    set_in_config(path, "theme", "dracula")  # changed where it is
    assert path.read_text(encoding="utf-8").count("theme") == 1
    assert 'theme = "dracula"' in path.read_text(encoding="utf-8")
    stamp = path.stat().st_mtime_ns
    set_in_config(path, "theme", "dracula")
    assert path.stat().st_mtime_ns == stamp  # the same: not written


def test_a_missing_config_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    set_in_config(path, "theme", "nord")
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\n'
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    "broken",
    [
        'sessions_dir = "~/calls\n',  # an unclosed string
        "[theme]\nname = 'nord'\n",  # a table where a text goes
        "\ufefftheme = 'x'\n",
    ],
)
def test_a_file_it_cannot_edit_is_left_as_it_is(tmp_path: Path, broken: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        set_in_config(path, "theme", "nord")
    assert str(path) in str(caught.value)
    assert path.read_text(encoding="utf-8") == broken


def test_a_linked_config_file_is_written_where_it_lives(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "iisession.toml"
    real.write_text("# from my dotfiles\n", encoding="utf-8")
    os.chmod(dotfiles, 0o755)
    link = tmp_path / "config" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(real)
    set_in_config(link, "theme", "nord")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == '# from my dotfiles\ntheme = "nord"\n'
    assert dotfiles.stat().st_mode & 0o777 == 0o755  # the user's folder, untouched
