"""textual-serve's server, made to answer only the page it serves.

A browser is not a login either, so the server answers only:

- requests made to a loopback name (127.0.0.1, [::1], localhost) when it
  listens on one, so that a web site whose name was pointed at this computer
  (DNS rebinding) gets nothing from it;
- connections to the app from its own page (the connection's Origin is the
  address asked for): any site open in the same browser could otherwise
  connect, drive the app and read what it shows.

The page is textual-serve's own, less its one outside reference (a web font),
so that opening it sends nothing anywhere. Stopping the server closes every
open page first, which ends each page's app as closing its tab does (saved).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import jinja2
import textual_serve
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from . import bare_host, is_loopback

SHUTDOWN_SECONDS = 10.0
"""The most stopping waits for the pages' apps to end (each ends within seconds)."""

_OUTSIDE_FONT = re.compile(r"<link\b[^>]*fonts\.googleapis\.com[^>]*>\s*", re.DOTALL)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def page_template() -> jinja2.Template:
    """textual-serve's page, with no reference outside this server."""
    source = Path(textual_serve.__file__).with_name("templates") / "app_index.html"
    text = _OUTSIDE_FONT.sub("", source.read_text(encoding="utf-8"))
    text = text.replace("<head>", "<head>\n    <title>iisession</title>", 1)
    return jinja2.Environment(autoescape=True).from_string(text)


async def _ended(service: AppService) -> None:
    process = service._process
    if process is not None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), SHUTDOWN_SECONDS)


class AppServer(Server):
    """Serves the app's page and runs one app per page connected."""

    def __init__(self, command: str, host: str, port: int, *, loopback: bool) -> None:
        super().__init__(command, host=bare_host(host), port=port, title="iisession")
        self.loopback = loopback
        """Listening on a loopback address: requests must name one too."""
        self.pages: set[web.WebSocketResponse] = set()
        """The pages connected now, each with its app."""
        self._page = page_template()

    # --- what is answered ----------------------------------------------------------

    def refused(self, request: web.Request) -> str | None:
        """Why ``request`` is not answered, or None."""
        if self.loopback and not is_loopback(request.url.host or ""):
            return "this server answers only to this computer's own address"
        if request.path == "/ws":
            origin = request.headers.get("Origin", "")
            if origin.casefold() != f"{request.scheme}://{request.host}".casefold():
                return "connections to the app are taken from its own page only"
        return None

    @web.middleware
    async def only_own_page(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        problem = self.refused(request)
        if problem is not None:
            raise web.HTTPForbidden(text=problem + "\n")
        return await handler(request)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.only_own_page)
        return app

    async def handle_index(self, request: web.Request) -> web.Response:
        # The addresses in the page are the one it was asked for, so that it
        # works by any of the computer's names (textual-serve puts the address
        # it listens on, and 0.0.0.0 or [::1] would not do).
        base = request.host
        websocket = "wss" if request.scheme == "https" else "ws"
        html = self._page.render(
            font_size=to_int(request.query.get("fontsize", "16"), 16),
            app_websocket_url=f"{websocket}://{base}/ws",
            config={"static": {"url": f"{request.scheme}://{base}/static/"}},
            application={"name": "iisession"},
        )
        return web.Response(text=html, content_type="text/html")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        await websocket.prepare(request)

        async def close() -> None:
            await websocket.close()

        service = AppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
        )
        self.pages.add(websocket)
        try:
            await service.start(width, height)
            try:
                await self._process_messages(websocket, service)
            finally:
                # Tells the app that its page has gone ("quit"), and waits until
                # its output ends; then until it has ended (saved, within seconds).
                await service.stop()
                await _ended(service)
        finally:
            self.pages.discard(websocket)
        return websocket

    # --- starting and stopping ------------------------------------------------------------

    async def on_startup(self, app: web.Application) -> None:
        pass  # said once listening (textual-serve would print its logo)

    async def on_shutdown(self, app: web.Application) -> None:
        # Each page's app ends (saving) when its page is closed.
        await asyncio.gather(
            *(page.close(code=WSCloseCode.GOING_AWAY) for page in list(self.pages)),
            return_exceptions=True,
        )

    def run(self, listening: Callable[[], None]) -> None:
        """Serve until SIGINT, SIGTERM or SIGHUP, calling ``listening`` once
        listening; OSError if it cannot listen (the port taken, no such host)."""
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("iisession serve: %(message)s"))
        served = logging.getLogger("textual-serve")
        served.addHandler(handler)
        served.setLevel(logging.WARNING)
        asyncio.run(self._serve(listening))

    async def _serve(self, listening: Callable[[], None]) -> None:
        runner = web.AppRunner(
            await self._make_app(), access_log=None, shutdown_timeout=SHUTDOWN_SECONDS
        )
        await runner.setup()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(number, stop.set)
        try:
            await web.TCPSite(runner, self.host, self.port).start()
            listening()
            await stop.wait()
        finally:
            await runner.cleanup()
