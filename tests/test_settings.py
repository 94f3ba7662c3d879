"""Settings from the config file: good values used, bad ones reported and replaced."""

from __future__ import annotations

import os
from pathlib import Path

from iisession.core.paths import resolve_folders
from iisession.core.settings import LiveSettings, Settings, load_settings


def test_defaults_without_a_config() -> None:
    warnings: list[str] = []
    assert load_settings({}, warnings) == Settings()
    assert warnings == []
    assert Settings().live == LiveSettings(warnings=(10, 5), wrap_up=5)
    assert not Settings().bell


def test_config_file_values_are_used() -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "iisession"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(
        "[live]\nwarnings = [3, 15, 8]\nwrap_up = 4\nminutes_per_question = 1.5\nbell = true\n"
    )
    folders = resolve_folders(None)
    warnings: list[str] = []
    settings = load_settings(folders.config_data, warnings)
    assert warnings == []
    assert settings.live == LiveSettings(warnings=(15, 8, 3), wrap_up=4, minutes_per_question=1.5)
    assert settings.bell


def test_bad_values_are_reported_and_replaced() -> None:
    warnings: list[str] = []
    settings = load_settings(
        {
            "live": {
                "warnings": [10, "five"],
                "wrap_up": 0,
                "bell": "yes",
                "minutes_per_question": True,
            }
        },
        warnings,
    )
    assert settings == Settings()
    assert len(warnings) == 4
    assert any("live.warnings" in w and "[10, 5]" in w for w in warnings)
    warnings.clear()
    assert load_settings({"live": "loud"}, warnings) == Settings()
    assert "should be a table" in warnings[0]


def test_keep_in_touch_weeks_from_the_config_and_bad_values_replaced() -> None:
    warnings: list[str] = []
    assert (
        load_settings({"follow_up": {"keep_in_touch_weeks": 6}}, warnings).keep_in_touch_weeks == 6
    )
    assert warnings == []
    for bad in (0, 105, "six", 2.5, True):
        settings = load_settings({"follow_up": {"keep_in_touch_weeks": bad}}, warnings)
        assert settings.keep_in_touch_weeks == 12
        assert "follow_up.keep_in_touch_weeks" in warnings.pop()
    assert load_settings({"follow_up": [1]}, warnings).keep_in_touch_weeks == 12
    assert "should be a table" in warnings.pop()
    # A broken [live] table does not lose a good follow-up setting.
    weeks = load_settings({"live": "loud", "follow_up": {"keep_in_touch_weeks": 3}}, warnings)
    assert weeks.keep_in_touch_weeks == 3
