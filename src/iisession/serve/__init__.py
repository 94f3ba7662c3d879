"""``iisession serve``: the full-screen app in a web browser, through textual-serve.

Every page opened runs its own ``iisession`` process, on Textual's web driver
(see ``tui.browser``), on the same sessions folder, config file and locks as in
a terminal: a session open in a terminal is open elsewhere for the page too,
and closing the page saves everything, as closing a terminal does.

textual-serve has no login: whoever can reach the address can open the app and
read every session. So the server listens on this computer's own (loopback)
address unless told otherwise, and says what it means when told otherwise.

textual-serve is in the ``web`` extra, so that the app itself needs no web
server: this module imports it only to serve (see ``server``).

The app imports this module on every start (``in_browser``): it imports only
what that needs at the top.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

Say = Callable[[str, TextIO], None]

WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
"""What textual-serve (and textual-web) put in ``TEXTUAL_DRIVER`` for the app they run."""

INSTALL_HINT = (
    "install the web extra: pip install 'iisession[web]' "
    "(from a clone of the repository: .venv/bin/pip install -e '.[web]')"
)


def in_browser(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this process is the app run for a web page (by textual-serve)."""
    env = os.environ if environ is None else environ
    return env.get("TEXTUAL_DRIVER", "") == WEB_DRIVER


def available() -> bool:
    """Whether textual-serve (and the web server under it) can be imported."""
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        return False
    return True


def host_problem(host: str) -> str | None:
    """What is wrong with ``--host`` as typed, or None."""
    if not host.strip():
        return "give an address or host name to listen on, like 127.0.0.1"
    if "/" in host or any(c.isspace() for c in host):
        return f"{host!r} is not an address or host name (give one like 127.0.0.1, not a URL)"
    return None


def bare_host(host: str) -> str:
    """``host`` without the brackets an IPv6 address may come in (``[::1]``)."""
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this computer's own address: only programs on this
    computer can reach it. 127.0.0.0/8, ::1 and the name localhost; anything
    else (0.0.0.0, a network address, any other name) is not."""
    import ipaddress

    name = bare_host(host)
    if name.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def exposed_warning(host: str) -> str:
    """What listening on an address that is not loopback means."""
    return (
        f"iisession serve: warning: listening on {host}, not on this computer's own "
        "address: anyone who can reach it can open the app and read your sessions "
        "(there is no login)"
    )


def page_url(host: str, port: int) -> str:
    name = bare_host(host)
    shown = f"[{name}]" if ":" in name else name
    return f"http://{shown}:{port}/"


def app_command(sessions_dir: Path) -> str:
    """The shell command textual-serve runs for each page: this Python, this
    iisession, the same sessions folder (the config and the locks come with the
    environment). ``exec``, so that the shell's process is the app's, and a
    signal reaches the app itself."""
    import shlex

    argv = [sys.executable, "-m", "iisession", "--sessions-dir", str(sessions_dir)]
    return "exec " + shlex.join(argv)


def _reason(error: OSError) -> str:
    """Why listening failed, in a few words: the event loop wraps the system's
    reason ("address already in use") in words of its own."""
    import socket

    if isinstance(error, socket.gaierror) or not error.errno:
        text = error.strerror or str(error)  # a name that does not resolve
    else:
        text = os.strerror(error.errno)
    return text[:1].lower() + text[1:]


def serve(sessions_dir: Path, host: str, port: int, say: Say) -> int:
    """Serve until Ctrl+C (SIGINT), SIGTERM or SIGHUP; the exit status.
    ``say(text, stream)`` prints a message (made safe for a terminal)."""
    from .server import AppServer

    server = AppServer(app_command(sessions_dir), host, port, loopback=is_loopback(host))

    def listening() -> None:
        say(f"iisession in a browser: {page_url(host, port)}", sys.stdout)
        say(f"Sessions folder: {sessions_dir}", sys.stdout)
        say(
            "Each page runs its own iisession; closing the page saves it. "
            "Ctrl+C stops (the open pages are saved first).",
            sys.stdout,
        )
        sys.stdout.flush()

    try:
        server.run(listening)
    except OSError as error:
        reason = _reason(error)
        say(
            f"iisession serve: cannot listen on {page_url(host, port)}: {reason}; "
            "give another --port or --host",
            sys.stderr,
        )
        return 2
    say("iisession serve: stopped", sys.stdout)
    return 0
