"""The user's own keys (``[keys]``) and theme (``theme``) from the config file.

Run as a script, this rewrites the README's list of key ids from the code:
``.venv/bin/python -m tests.test_keymap``.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Markdown
from textual.widgets._footer import FooterKey

from iisession.core.clock import ManualClock
from iisession.core.paths import resolve_folders
from iisession.core.workspace import Workspace
from iisession.tui import keymap
from iisession.tui.app import IISessionApp
from iisession.tui.palette import screen_commands
from iisession.tui.screens.help import HelpScreen
from iisession.tui.screens.live import LiveScreen
from iisession.tui.screens.setup import SetupScreen
from iisession.tui.screens.start import StartScreen
from tests.pilot_helpers import current_screen

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- key ids: start -->", "<!-- key ids: end -->"


def config_file() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "iisession" / "config.toml"


def write_config(text: str) -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- every key has an id, and the ids are the ones users can name ------------------------


def test_every_list_of_keys_holds_bindings_each_id_once() -> None:
    # Tuples ("f5", "start", "Start") would have no id: every key is a Binding.
    classes = keymap.package_classes()
    assert IISessionApp in classes
    assert LiveScreen in classes
    for cls in classes:
        for name in ("BINDINGS", "COMMAND_BINDINGS"):
            listed = vars(cls).get(name, [])
            where = f"{cls.__qualname__}.{name}"
            assert all(isinstance(item, Binding) for item in listed), where
            ids = [item.id for item in listed if isinstance(item, Binding)]
            assert len(ids) == len(set(ids)), f"{where}: an id twice"


def test_the_known_ids_are_those_bound_and_include_textuals_own_keys() -> None:
    ids = keymap.known_ids(keymap.package_classes())
    assert {"app.quit", "app.palette", "app.help", "live.next", "text.start"} <= set(ids)
    for binding_id in ids:
        assert re.fullmatch(r"[a-z]+(\.[a-z0-9-]+)+", binding_id), binding_id


def test_bindings_are_merged_as_textual_merges_them() -> None:
    # What the clash check reads must be what Textual binds (its merge is private).
    for cls in keymap.package_classes():
        textual = {(key, b.id, b.action) for key, b in cls._merged_bindings or []}
        ours = {(b.key, b.id, b.action) for b in keymap.bindings_of(cls)}
        assert ours == textual, cls.__qualname__


def test_a_sign_after_modifiers_is_named_as_textual_names_the_key_pressed() -> None:
    # Textual names a key by its character's name (ctrl+/ is "ctrl+slash"): a
    # binding on "ctrl+/" would never fire.
    assert keymap.normalised("ctrl+/,ctrl+],ctrl+-,ctrl++,alt+?") == [
        "ctrl+slash",
        "ctrl+right_square_bracket",
        "ctrl+minus",
        "ctrl+plus",
        "alt+question_mark",
    ]
    for sign in "/]-+?!@_\\":
        [alone] = keymap.normalised(sign)  # as Textual itself names the sign alone
        assert keymap.normalised(f"ctrl+shift+{sign}") == [f"ctrl+shift+{alone}"]
    assert keymap.normalised("ctrl+a,f12,ctrl+home,?") == [
        "ctrl+a",
        "f12",
        "ctrl+home",
        "question_mark",
    ]


# --- clashes -------------------------------------------------------------------------------


def settled(asked: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    return keymap.checked_keymap(IISessionApp, asked)


def test_keys_swapped_or_moved_to_a_free_key_are_kept() -> None:
    asked = {"live.next": "f7", "live.key-point": "f6", "live.end": "f11,ctrl+o"}
    assert settled(asked) == (asked, [])
    # F5 starts or reopens a call: two actions on one key by design, not a clash.
    assert settled({"live.clock": "f5"}) == ({"live.clock": "f5"}, [])


def test_a_key_another_action_has_on_the_same_screen_is_not_used() -> None:
    kept, warnings = settled({"live.next": "f7", "start.new": "ctrl+n"})
    assert kept == {"start.new": "ctrl+n"}
    assert warnings == [
        'config: `keys."live.next"`: f7 is taken (by `live.key-point` on the live screen); '
        "not used, it keeps f6"
    ]


def test_the_apps_keys_clash_with_each_screens_and_with_textuals_own() -> None:
    kept, warnings = settled({"app.help": "f2", "live.end": "tab"})
    assert kept == {}
    assert warnings[0].startswith('config: `keys."app.help"`: f2 is taken (by `draft.copy`')
    assert "`live.questions` on the live screen" in warnings[0]
    assert warnings[1] == (
        'config: `keys."live.end"`: tab is taken (by the built-in "Focus Next" on the live '
        "screen); not used, it keeps f10"
    )


def test_a_key_given_back_its_default_can_clash_in_turn() -> None:
    # live.next loses f7 and goes back to f6, where live.extend was moved.
    kept, warnings = settled({"live.next": "f7", "live.extend": "f6"})
    assert kept == {}
    assert [w.split(":")[1] for w in warnings] == [' `keys."live.next"`', ' `keys."live.extend"`']


# --- in the app: footer, help and palette ----------------------------------------------------


def make_app(sessions_dir: Path) -> IISessionApp:
    return IISessionApp(Workspace(resolve_folders(str(sessions_dir)), ManualClock()))


async def keys_checked(app: IISessionApp, pilot: Pilot[None]) -> None:
    """The keys are checked against every screen shortly after the first frame."""
    for _ in range(200):
        if app.keys_checked:
            await pilot.pause()  # what it had to say
            return
        await app.workers.wait_for_complete()
        await asyncio.sleep(0.02)
    raise AssertionError("the keys were never checked")


def said(app: IISessionApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def footer_text(app: IISessionApp) -> list[str]:
    return [str(key.render()).strip() for key in app.screen.query(FooterKey)]


async def test_own_keys_show_in_the_footer_help_and_palette_and_act(sessions_dir: Path) -> None:
    write_config(
        "[keys]\n"
        '"start.new" = "Ctrl+N"\n'
        '"setup.start" = "F12"\n'
        '"setup.practice" = "f2"\n'  # the questions' key there: not used
        '"live.nxt" = "f11"\n'
        '"app.palette" = "ctrl+g"\n'
    )
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await keys_checked(app, pilot)
        assert app.user_keys == {
            "start.new": "ctrl+n",
            "setup.start": "f12",
            "app.palette": "ctrl+g",
        }
        notes = said(app)
        assert any(
            '`keys."live.nxt"`: no key has that id (did you mean `live.next`?)' in n for n in notes
        )
        assert any(
            n.startswith('config: `keys."setup.practice"`: f2 is taken (by `setup.questions`')
            for n in notes
        )
        await pilot.press("n")  # no longer the key for a new session
        assert isinstance(current_screen(app), StartScreen)
        await pilot.press("ctrl+n")
        setup = current_screen(app)
        assert isinstance(setup, SetupScreen)
        await pilot.press(*"Ana")
        await pilot.pause()

        shown = footer_text(app)
        assert "f12 Start call" in shown
        assert "f6 Practice" in shown  # its own key: the f2 asked for was taken
        assert "f2 Questions" in shown
        assert not any(key.startswith("f5") for key in shown)
        assert "^g palette" in shown, repr(shown)
        active = app.screen.active_bindings
        assert active["f12"].binding.id == "setup.start"
        assert "f5" not in active

        commands = {c.title: c.help for c in screen_commands(app, setup)}
        assert commands["Start the call now: the live screen, clock running"] == "Key: f12"

        await pilot.press("f1")
        help_screen = current_screen(app)
        assert isinstance(help_screen, HelpScreen)
        text = help_screen.query_one(Markdown).source
        assert text.startswith("Your own keys are in use here: **F12** for **F5**.")
        assert "- **f12** Start the call now" in text
        assert "**Ctrl+G** finds any action by name" in text
        await pilot.press("escape", "ctrl+g")
        assert isinstance(current_screen(app), CommandPalette)
        await pilot.press("escape", "f5")
        assert current_screen(app) is setup  # F5 does nothing now
        await pilot.press("f12")
        assert isinstance(current_screen(app), LiveScreen)


async def test_a_clash_met_only_with_a_widget_focused_is_reported_once(sessions_dir: Path) -> None:
    # Space ticks the highlighted question in the list the live screen opens on.
    write_config('[keys]\n"live.next" = "space"\n"live.end" = "f11"\n')
    from tests.test_live_screen import make

    app, _, _ = make(sessions_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await keys_checked(app, pilot)
        await pilot.pause()
        assert app.user_keys == {"live.end": "f11"}
        clashes = [n for n in said(app) if "live.next" in n]
        assert clashes == [
            'config: `keys."live.next"`: space is taken (by `questions.tick` on the live '
            "screen, in the checklist); not used, it keeps f6"
        ]
        await pilot.press("f3", "f2")  # away and back: said once
        assert [n for n in said(app) if "live.next" in n] == clashes
        assert "f6 Next" in footer_text(app)
        assert "f11 End" in footer_text(app)


async def test_what_the_config_file_says_is_shown_as_text_never_as_markup(
    sessions_dir: Path,
) -> None:
    # Brackets in an id, a key or a theme are the user's text: read as markup
    # they would end the app ("[/]" closes nothing).
    write_config('theme = "[/]"\n[keys]\n"[/x]" = "f12"\n"live.next" = "[/]"\n')
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await keys_checked(app, pilot)
        await pilot.pause()
        assert app.is_running
        notes = said(app)
        assert any(n.startswith('config: `theme` "[/]" is not a theme here') for n in notes)
        assert any(n.startswith('config: `keys."[/x]"`: no key has that id') for n in notes)
        assert any(n.startswith("config: `keys.\"live.next\"`: '[/]' is not") for n in notes)


async def test_quit_on_a_key_of_ones_own(sessions_dir: Path) -> None:
    write_config('[keys]\n"app.quit" = "ctrl+b"\n')
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await keys_checked(app, pilot)
        assert app.user_keys == {"app.quit": "ctrl+b"}
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert not app.is_running


# --- the theme -------------------------------------------------------------------------------


async def test_the_theme_chosen_in_the_palette_is_kept_for_next_time(sessions_dir: Path) -> None:
    path = write_config('# mine\nsessions_dir = "~/calls"  # synced\n\n[live]\nbell = true\n')
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+p", *"theme")
        await pilot.pause(0.3)
        await pilot.press("enter")  # Change theme
        await pilot.pause(0.3)
        await pilot.press(*"nord")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "nord"
    assert path.read_text(encoding="utf-8") == (
        '# mine\nsessions_dir = "~/calls"  # synced\ntheme = "nord"\n\n[live]\nbell = true\n'
    )
    stamp = path.stat().st_mtime_ns
    again = make_app(sessions_dir)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"
    assert path.stat().st_mtime_ns == stamp  # read at start, not written


async def test_an_unknown_theme_is_reported_and_the_default_used(sessions_dir: Path) -> None:
    path = write_config('theme = "solarised"\n')
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        [note] = [n for n in said(app) if "theme" in n]
        assert note.startswith('config: `theme` "solarised" is not a theme here; the default')
        assert "nord" in note
        assert "textual-light" in note
    assert path.read_text(encoding="utf-8") == 'theme = "solarised"\n'


def colours(svg: str) -> set[str]:
    """The colours of what is drawn: Rich's window frame around it, and the
    colour it gives text with none, left out."""
    frame = {"#ff5f57", "#febc2e", "#28c840", "#c5c8c6"}
    return {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", svg)} - frame


def grey(colour: str) -> bool:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return max(red, green, blue) - min(red, green, blue) <= 2


@pytest.mark.parametrize("no_color", [False, True])
async def test_no_color_turns_any_theme_grey(
    sessions_dir: Path, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    write_config('theme = "dracula"\n')
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")  # the setup form: fields, a footer, the header
        await pilot.pause()
        assert app.theme == "dracula"
        assert isinstance(app.focused, Input)
        drawn = colours(app.export_screenshot())
    assert len(drawn) > 3
    assert all(grey(c) for c in drawn) == no_color, sorted(drawn)


# --- the README lists every id -----------------------------------------------------------------


def id_rows() -> list[str]:
    ids = keymap.known_ids(keymap.package_classes())
    rows = ["| id | key | what it does |", "|---|---|---|"]
    for binding_id in sorted(ids):
        bindings = ids[binding_id]
        keys = keymap.key_words(",".join(dict.fromkeys(b.key for b in bindings)))
        what = next((b.tooltip for b in bindings if b.tooltip), "") or bindings[0].description
        rows.append(f"| `{binding_id}` | {keys} | {what.replace('|', '/')} |")
    return rows


def readme_block(text: str) -> list[str]:
    start, end = text.index(START), text.index(END)
    return text[start + len(START) : end].strip().splitlines()


def test_the_readme_lists_every_key_id() -> None:
    assert readme_block(README.read_text(encoding="utf-8")) == id_rows(), (
        "the README's list of key ids is not the code's: `python -m tests.test_keymap` rewrites it"
    )


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    start, end = text.index(START) + len(START), text.index(END)
    README.write_text(text[:start] + "\n" + "\n".join(id_rows()) + "\n" + text[end:], "utf-8")
