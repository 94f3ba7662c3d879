"""The app in a real browser: ``iisession serve`` as a real process, its page in
headless Chromium (driven by Playwright), the sessions on disk."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from iisession.core.model import Session
from iisession.core.store import SessionStore, read_session
from tests.browser import CAPTURE_TERMINAL, Served, find_chromium, process_ends, wait_for

CHROMIUM = find_chromium()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium found (install the chromium package, or set IISESSION_CHROMIUM)",
    ),
]


# What the page opens (the app's "open in e-mail" comes to the page as a URL to
# open): recorded, then opened as the page would.
RECORD_OPENED = """
window.__opened = [];
const open = window.open.bind(window);
window.open = (url, ...rest) => { window.__opened.push(String(url)); return open(url, ...rest); };
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def sessions_dir(tmp_path: Path) -> Path:
    # A path the shell command that runs each page's app must quote.
    return tmp_path / "my sessions 'n' notes"


@pytest.fixture
def served(sessions_dir: Path) -> Iterator[Served]:
    server = Served(sessions_dir, os.environ)
    assert server.first_line.startswith("iisession in a browser: "), server.first_line
    yield server
    server.kill()


def open_page(browser: Browser, served: Served, outside: list[str]) -> Page:
    """A page on the app, at the start screen, allowed the clipboard as a person
    allows it; ``outside`` collects any request the page makes elsewhere than
    the server."""
    context = browser.new_context(viewport={"width": 1100, "height": 700})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.url[:-1])
    page = context.new_page()
    page.add_init_script(CAPTURE_TERMINAL + RECORD_OPENED)
    page.on(
        "request",
        lambda request: None if request.url.startswith(served.url) else outside.append(request.url),
    )
    page.goto(served.url)
    wait_for(page, "New session", timeout=20)
    page.focus(".xterm-helper-textarea")  # where xterm.js takes the keys
    return page


def live_call(page: Page, name: str) -> None:
    """From the start screen: a new session with ``name``, its call started, in the notes."""
    page.keyboard.press("n")
    wait_for(page, "set up a call")
    page.keyboard.type(name)
    wait_for(page, name)
    page.keyboard.press("F5")  # start the call now: the live screen
    wait_for(page, "Notes (F3)")
    page.keyboard.press("F3")
    time.sleep(0.2)


def the_session(sessions_dir: Path, name: str) -> Path:
    [path] = [p for p in sessions_dir.glob("*.toml") if read_session(p).session.person.name == name]
    return path


def notes_become(path: Path, text: str, within: float = 10.0) -> Session:
    deadline = time.monotonic() + within
    while True:
        session = read_session(path).session
        if session.notes == text or time.monotonic() > deadline:
            return session
        time.sleep(0.1)


def test_a_call_in_the_browser_is_on_disk_and_closing_the_page_loses_nothing(
    browser: Browser, served: Served, sessions_dir: Path
) -> None:
    outside: list[str] = []
    page = open_page(browser, served, outside)
    [app] = served.apps()
    live_call(page, "Ada Lovelace")
    page.keyboard.type("Typed in the browser.")
    wait_for(page, "Typed in the browser.")
    path = the_session(sessions_dir, "Ada Lovelace")
    # Saved as typing is in a terminal: once typing pauses.
    assert notes_become(path, "Typed in the browser.").notes == "Typed in the browser."

    page.keyboard.type(" And just before closing.")
    wait_for(page, "just before closing.")
    page.keyboard.press("F4")  # a referral, its form still open when the page closes
    wait_for(page, "New referral")
    page.keyboard.type("Priya Raman")
    wait_for(page, "Priya Raman")
    page.context.close()  # well inside the 2 s pause before typing is saved
    assert process_ends(app), "the page's app still runs after the page closed"
    session = read_session(path).session
    assert session.notes == "Typed in the browser. And just before closing."
    assert [referral.name for referral in session.referrals] == ["Priya Raman"]
    assert session.state.value == "live"  # the call left running, to resume, as in a terminal
    assert outside == []  # the page asked nothing of anywhere else

    # Held by another iisession (this test, as a terminal would): a new page
    # offers the call left running, and shows it read-only, open elsewhere.
    held = SessionStore(sessions_dir).open(path)
    assert not held.read_only  # no lock left behind by the page's app
    page = open_page(browser, served, outside)
    wait_for(page, "A call was left open")
    page.keyboard.press("r")
    wait_for(page, f"open in another iisession (pid {os.getpid()}")
    # Let go there: taken over in the page, typed in, then Ctrl+C where the
    # server runs: saved, and everything stops.
    held.close()
    page.keyboard.press("Control+t")
    wait_for(page, "Taken over")
    page.keyboard.press("F3")
    time.sleep(0.2)
    page.keyboard.press("Control+End")
    page.keyboard.type(" Resumed.")
    wait_for(page, "closing. Resumed.")
    [app] = served.apps()
    status, out, err = served.ctrl_c()
    assert status == 0, err
    assert err == ""
    assert out.endswith("iisession serve: stopped\n")
    assert process_ends(app)
    session = read_session(path).session
    assert session.notes == "Typed in the browser. And just before closing. Resumed."
    lock_is_free(sessions_dir, path)
    assert outside == []
    page.context.close()


def lock_is_free(sessions_dir: Path, path: Path) -> None:
    handle = SessionStore(sessions_dir).open(path)
    try:
        assert not handle.read_only, handle.read_only_reason
    finally:
        handle.close()


def test_copy_and_open_in_e_mail_work_from_the_browser(
    browser: Browser, served: Served, sessions_dir: Path
) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "iisession" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[profile]\nname = "Clara Whitfield"\nemail = "clara@example.org"\n')
    ask = ["ask", "Ana Lima", "--org", "Acme", "--contact", "ana@example.org"]
    asked = subprocess.run(
        [sys.executable, "-m", "iisession", "--sessions-dir", str(sessions_dir), *ask],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Saved as" in asked.stdout
    outside: list[str] = []
    page = open_page(browser, served, outside)
    page.keyboard.press("q")  # requests and replies
    wait_for(page, "Ana Lima")
    page.keyboard.press("Enter")
    wait_for(page, "request to Ana Lima")
    page.keyboard.press("F2")
    wait_for(page, "Copied, where your browser allows it")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Dear Ana,")
    assert "Clara Whitfield" in copied
    page.keyboard.press("F3")
    wait_for(page, "to ana@example.org")
    deadline = time.monotonic() + 5
    while not page.evaluate("window.__opened") and time.monotonic() < deadline:
        time.sleep(0.05)
    [opened] = page.evaluate("window.__opened")
    assert opened.startswith("mailto:ana@example.org?subject=A%20short%20conversation")
    assert "body=Dear%20Ana%2C" in opened
    assert outside == []
    page.context.close()
