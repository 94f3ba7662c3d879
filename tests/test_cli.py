"""The command line, run as a user runs it: real processes."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from iisession.cli import _Command, build_parser, terminal_problem


def run(
    *args: str, env: dict[str, str] | None = None, stdin: int | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iisession", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL if stdin is None else stdin,
        timeout=60,
    )


def test_version_names_textual() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("iisession 0.1.0 (Textual 8.")
    assert "Python 3." in done.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("iisession")
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.startswith("iisession ")


def _commands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


def test_only_the_command_given_has_its_parser_made() -> None:
    """Starting the app makes no command's parser; a command makes its own only."""
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    choices: dict[str, _Command] = action.choices  # type: ignore[assignment]

    def made() -> list[str]:
        return sorted(name for name, command in choices.items() if command._made)

    args = parser.parse_args(["--sessions-dir", "/tmp/x"])
    assert args.command is None
    assert made() == []
    args = parser.parse_args(["list", "--json"])
    assert (args.command, args.json, made()) == ("list", True, ["list"])
    args = parser.parse_args(["import", "vcard", "cards.vcf"])
    assert (args.kind, args.file) == ("vcard", "cards.vcf")
    assert made() == ["import", "list"]


@pytest.mark.parametrize("command", ["", *_commands()])
def test_help_everywhere(command: str) -> None:
    done = run(*([command] if command else []), "-h")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: iisession")
    assert "--sessions-dir DIR" in done.stdout


def test_where_default_env_flag_and_config(tmp_path: Path) -> None:
    xdg_data = os.environ["XDG_DATA_HOME"]
    done = run("where")
    assert done.returncode == 0
    assert f"sessions  {xdg_data}/iisession   (from default)" in done.stdout
    assert f"config    {os.environ['XDG_CONFIG_HOME']}/iisession" in done.stdout
    assert f"cache     {os.environ['XDG_CACHE_HOME']}/iisession" in done.stdout
    assert f"locks     {os.environ['XDG_STATE_HOME']}/iisession/locks/sessions-" in done.stdout

    config = Path(os.environ["XDG_CONFIG_HOME"]) / "iisession"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(f'sessions_dir = "{tmp_path}/from-config"\n')
    assert f"{tmp_path}/from-config   (from {config}/config.toml)" in run("where").stdout

    env = {"IISESSION_SESSIONS_DIR": str(tmp_path / "from-env")}
    assert f"{tmp_path}/from-env   (from IISESSION_SESSIONS_DIR)" in run("where", env=env).stdout

    for args in (
        ["--sessions-dir", str(tmp_path / "flag"), "where"],
        ["where", "--sessions-dir", str(tmp_path / "flag")],
    ):
        out = run(*args, env=env).stdout
        assert f"{tmp_path}/flag   (from --sessions-dir)" in out
    assert not (tmp_path / "flag").exists()  # `where` creates nothing


def test_broken_config_is_reported_not_fatal() -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "iisession"
    config.mkdir(parents=True)
    (config / "config.toml").write_bytes(b"sessions_dir = [unclosed\n")
    done = run("where")
    assert done.returncode == 0
    assert "config.toml: ignored, it cannot be read" in done.stderr
    assert "(from default)" in done.stdout


def test_unknown_command_is_a_usage_error() -> None:
    done = run("frobnicate")
    assert done.returncode == 2
    assert "invalid choice" in done.stderr


def test_app_refuses_without_a_terminal() -> None:
    done = run()  # stdin is /dev/null, stdout a pipe
    assert done.returncode == 2
    assert "needs an interactive terminal" in done.stderr
    assert "standard input is not a terminal" in done.stderr
    assert "iisession where" in done.stderr
    assert done.stdout == ""  # no escape codes into the pipe


def test_app_refuses_when_output_is_a_pipe() -> None:
    primary, secondary = pty.openpty()
    try:
        done = run(stdin=secondary)
    finally:
        os.close(primary)
        os.close(secondary)
    assert done.returncode == 2
    assert "the output is not a terminal" in done.stderr
    assert done.stdout == ""


def test_app_refuses_dumb_terminal() -> None:
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "dumb"
        os.execv(sys.executable, [sys.executable, "-m", "iisession"])
    output = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 2
    assert b"TERM is 'dumb'" in output
    assert b"\x1b[" not in output


def test_terminal_problem_accepts_a_real_terminal() -> None:
    primary, secondary = pty.openpty()
    try:
        with (
            open(secondary, closefd=False) as tty_in,
            open(secondary, "w", closefd=False) as tty_out,
        ):
            assert terminal_problem(tty_in, tty_out, "xterm-256color", tty_out) is None
            assert terminal_problem(tty_in, tty_out, "dumb", tty_out) is not None
            with open(os.devnull, "w") as devnull:
                problem = terminal_problem(tty_in, tty_out, "xterm-256color", devnull)
            assert problem is not None
            assert problem.startswith("the error output is not a terminal")
    finally:
        os.close(primary)
        os.close(secondary)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "'abc' is not a whole number of minutes, from 5 to 180"),
        ("", "enter a whole number of minutes, from 5 to 180"),
        ("4", "the limit must be 5 to 180 minutes"),
        ("181", "the limit must be 5 to 180 minutes"),
        ("-5", "the limit must be 5 to 180 minutes"),
        ("45.5", "is not a whole number"),
    ],
)
def test_new_refuses_a_bad_limit(sessions_dir: Path, value: str, message: str) -> None:
    done = run("--sessions-dir", str(sessions_dir), "new", "--name", "Ana", f"--limit={value}")
    assert done.returncode == 2
    assert "--limit" in done.stderr
    assert message in done.stderr
    assert not sessions_dir.exists()


@pytest.mark.parametrize("value", ["tomorrow", "2026-11-24", "24/11/2026 14:00", "next week"])
def test_new_refuses_a_bad_time(sessions_dir: Path, value: str) -> None:
    done = run("--sessions-dir", str(sessions_dir), "new", "--name", "Ana", "--at", value)
    assert done.returncode == 2
    assert "--at" in done.stderr
    assert "YYYY-MM-DD HH:MM" in done.stderr
    assert not sessions_dir.exists()


def test_new_says_what_is_wrong_with_a_date_that_does_not_exist(sessions_dir: Path) -> None:
    done = run(
        "--sessions-dir", str(sessions_dir), "new", "--name", "Ana", "--at", "2026-02-31 10:00"
    )
    assert done.returncode == 2
    assert "'2026-02-31 10:00': no such date: February 2026 has 28 days" in done.stderr
    assert not sessions_dir.exists()


def test_new_takes_a_near_day_and_a_time() -> None:
    import datetime as dt

    from iisession.cli import _planned

    moment = _planned("fri 10am")
    local = moment.astimezone()
    assert (local.weekday(), local.hour, local.minute) == (4, 10, 0)
    assert dt.timedelta(0) < moment - dt.datetime.now(dt.UTC) <= dt.timedelta(days=7)
    assert (
        _planned("tomorrow 14:00").astimezone().date()
        == (dt.datetime.now().astimezone() + dt.timedelta(days=1)).date()
    )


def test_new_refuses_an_unknown_template_naming_the_ones_there(
    sessions_dir: Path, tmp_path: Path
) -> None:
    from iisession.core.templates import Template, TemplateItem, save_template

    config = tmp_path / "xdg" / "xdg_config_home" / "iisession"
    save_template(config, Template("Alumni", [TemplateItem("One?")]))
    broken = config / "templates" / "broken.toml"
    broken.write_text("name = [", encoding="utf-8")
    done = run("--sessions-dir", str(sessions_dir), "new", "--name", "Ana", "--template", "nope")
    assert done.returncode == 2
    assert "no template named 'nope'; yours: 'Alumni'" in done.stderr
    assert f"template {broken}: not valid TOML" in done.stderr
    assert not sessions_dir.exists()
