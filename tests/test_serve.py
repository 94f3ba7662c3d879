"""``iisession serve`` without a browser: its checks, the server as a real process,
and the app on the web driver as textual-serve runs it (on pipes)."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from iisession.cli import main
from iisession.core.store import SessionStore, read_session
from iisession.serve import WEB_DRIVER, app_command, host_problem, in_browser, is_loopback
from tests.browser import Served, process_ends


def iisession(sessions_dir: Path) -> list[str]:
    return [sys.executable, "-m", "iisession", "--sessions-dir", str(sessions_dir)]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.20.30.40", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LocalHost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("10.0.0.1", False),
        ("fe80::1", False),
        ("laptop.example.org", False),
        ("localhost.example.org", False),
    ],
)
def test_only_this_computers_own_address_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    assert host_problem(host) is None


def test_the_command_run_for_each_page_is_quoted_and_this_python() -> None:
    folder = Path('/home/ana/my sessions/it\'s "here"; rm -rf ~')
    assert shlex.split(app_command(folder)) == [
        "exec",
        sys.executable,
        "-m",
        "iisession",
        "--sessions-dir",
        str(folder),
    ]


def test_the_web_driver_is_known_by_textual_serves_environment() -> None:
    assert in_browser({"TEXTUAL_DRIVER": WEB_DRIVER})
    assert not in_browser({})
    assert not in_browser({"TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver"})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "0"], "'0': give a port number from 1 to 65535"),
        (["--port", "65536"], "give a port number from 1 to 65535"),
        (["--port", "eighty"], "'eighty': give a port number"),
        (["--host", ""], "give an address or host name to listen on"),
        (["--host", "http://example.org/"], "is not an address or host name"),
        (["--host", "my laptop"], "is not an address or host name"),
    ],
)
def test_a_bad_host_or_port_is_a_usage_error(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["serve", *args])
    assert done.value.code == 2
    assert message in capsys.readouterr().err


def test_without_the_web_extra_it_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert main(["--sessions-dir", str(tmp_path), "serve"]) == 2
    err = capsys.readouterr().err
    assert "iisession serve needs textual-serve" in err
    assert "pip install 'iisession[web]'" in err


def test_a_port_in_use_is_said_plainly(sessions_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*iisession(sessions_dir), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert f"cannot listen on http://127.0.0.1:{port}/: address already in use" in done.stderr
    assert "give another --port" in done.stderr


def request(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


UPGRADE = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def test_on_loopback_it_answers_its_own_page_only_and_ctrl_c_stops_it(
    sessions_dir: Path,
) -> None:
    served = Served(sessions_dir, os.environ)
    try:
        assert served.first_line == f"iisession in a browser: {served.url}\n"
        status, page = request(served.port, "/", {})
        assert status == 200
        assert "<title>iisession</title>" in page
        assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
        assert "googleapis" not in page  # nothing fetched from anywhere else
        # A web site whose name was pointed at this computer (DNS rebinding).
        status, _ = request(served.port, "/", {"Host": f"attacker.example:{served.port}"})
        assert status == 403
        # Another site's page, open in the same browser, connecting to the app.
        origin = {"Origin": "http://attacker.example"}
        status, said = request(served.port, "/ws", {**UPGRADE, **origin})
        assert status == 403
        assert "from its own page only" in said
        assert served.apps() == []  # no app was started for it
        status, out, err = served.ctrl_c()
    finally:
        served.kill()
    assert status == 0
    assert out.endswith("iisession serve: stopped\n")
    assert err == ""  # no warning, nothing gone wrong


def test_another_address_is_served_with_a_warning(sessions_dir: Path) -> None:
    served = Served(sessions_dir, os.environ, "--host", "0.0.0.0")
    try:
        assert served.first_line == f"iisession in a browser: http://0.0.0.0:{served.port}/\n"
        # Any of the computer's names will do, and the page says the one asked for.
        status, page = request(served.port, "/", {"Host": f"laptop.example:{served.port}"})
        assert status == 200
        assert f"ws://laptop.example:{served.port}/ws" in page
        status, _, err = served.ctrl_c()
    finally:
        served.kill()
    assert status == 0
    assert (
        "iisession serve: warning: listening on 0.0.0.0, not on this computer's own address: "
        "anyone who can reach it can open the app and read your sessions (there is no login)"
    ) in err


def packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def test_the_app_for_a_page_saves_everything_when_the_server_goes(sessions_dir: Path) -> None:
    """The app as textual-serve runs it (on pipes, the web driver named in its
    environment): a plain run refuses with no terminal, this one runs; and when
    its input ends (the server killed), it saves what was typed and ends."""
    app = subprocess.Popen(
        [*iisession(sessions_dir), "new", "--name", "Kim Ito"],
        env={**os.environ, "TEXTUAL_DRIVER": WEB_DRIVER, "COLUMNS": "80", "ROWS": "24"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert app.stdin is not None
    assert app.stdout is not None
    try:
        assert app.stdout.readline() == b"__GANGLION__\n"  # the web driver's greeting
        # The screen, drawn in packets: read, as the server does, so the app never waits.
        threading.Thread(target=app.stdout.read, daemon=True).start()
        resize = json.dumps({"type": "resize", "width": 80, "height": 24}).encode()
        app.stdin.write(packet(b"M", resize))
        [path] = list(sessions_dir.glob("*.toml"))
        time.sleep(0.5)
        app.stdin.write(packet(b"D", b"\x1bOR") + packet(b"D", b"Typed through the server."))
        app.stdin.flush()
        deadline = time.monotonic() + 10
        while read_session(path).session.notes != "Typed through the server.":
            assert time.monotonic() < deadline, read_session(path).session.notes
            time.sleep(0.1)
        app.stdin.write(packet(b"D", b" Then it died."))
        app.stdin.close()  # the server is gone: the app's input ends
        assert process_ends(app.pid), "the app still runs with no server"
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGKILL)
        app.wait(timeout=10)
    assert read_session(path).session.notes == "Typed through the server. Then it died."
    handle = SessionStore(sessions_dir).open(path)
    assert not handle.read_only
    handle.close()


def test_stopping_the_server_saves_the_open_pages_and_ends_their_apps(sessions_dir: Path) -> None:
    """SIGTERM to the server alone (as a service manager stops it), a page open
    with typing not yet saved: the server closes the page, its app saves and
    ends, and the server ends."""
    served = Served(sessions_dir, os.environ)
    try:
        app, closed_with = asyncio.run(_typed_then_stopped(served, "Typed, then stopped."))
        assert served.process.wait(timeout=15) == 0
        assert process_ends(app)
    finally:
        served.kill()
    assert closed_with == 1001  # going away: the server closed the page
    [path] = list(sessions_dir.glob("*.toml"))
    assert read_session(path).session.notes == "Typed, then stopped."
    handle = SessionStore(sessions_dir).open(path)
    assert not handle.read_only
    handle.close()


async def _typed_then_stopped(served: Served, notes: str) -> tuple[int, int | None]:
    """As a page does, on the app's connection: a new session, its call started,
    ``notes`` typed into its notes; then SIGTERM to the server. The app's
    process, and the code the server closed the connection with."""
    import aiohttp

    async with (
        aiohttp.ClientSession() as client,
        client.ws_connect(
            f"ws://127.0.0.1:{served.port}/ws?width=100&height=30",
            origin=served.url.rstrip("/"),
        ) as page,
    ):

        async def until(text: str) -> None:
            shown = b""
            async with asyncio.timeout(20):
                while text.encode() not in shown:
                    message = await page.receive()
                    assert message.type is aiohttp.WSMsgType.BINARY, message
                    shown += message.data

        async def press(keys: str) -> None:
            await page.send_json(["stdin", keys])

        await until("New session")
        await press("n")
        await until("set up a call")
        await press("Noor Haddad")
        await until("Noor Haddad")
        await press("\x1b[15~")  # F5: start the call
        await until("Notes (F3)")
        await press("\x1bOR")  # F3: to the notes
        await asyncio.sleep(0.3)
        await press(notes)
        await until(notes[-8:])
        [app] = served.apps()
        served.process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            while (await page.receive()).type is not aiohttp.WSMsgType.CLOSE:
                pass
        return app, page.close_code
