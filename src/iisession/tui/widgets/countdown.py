"""The countdown panel: big digits, or the time left in whole minutes in words.

Two clocks (``[live] clock`` in the config file, switched on the live screen):

- ``digits``: the time left in big digits (one line on short screens), a line
  for the state, and a bar;
- ``minutes``: the calm clock. The time left in plain words ("23 min left"),
  which change once a minute, and every point passed (the warnings, wrap-up,
  time up) as a line of its own that stays on screen: text a screen reader
  reads as it is, and nothing that moves in between.

The panel is fed a ``ClockView`` by its screen once a second; only the parts
whose text changed are redrawn, so the minutes clock draws nothing at all
between one minute and the next.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from rich.style import Style
from textual.app import ComposeResult, RenderResult
from textual.containers import Vertical
from textual.renderables.bar import Bar
from textual.widget import Widget
from textual.widgets import Digits, Static

from ...core.call_time import format_call_time
from ...core.countdown import format_clock, format_minutes_left


class ClockView(NamedTuple):
    """Where the call's clock stands, as the panel shows it (a tuple: made and
    compared once a second all through a call, so it had better be cheap)."""

    remaining: float = 0.0
    """Seconds left; negative in overtime."""
    limit: float = 1.0
    started: bool = False
    running: bool = False
    ended: bool = False
    """The call is over (the session is being edited afterwards): no alarm."""
    notice: str = ""
    """The warning that stands (the last point passed), kept on the clock line."""
    passed: tuple[str, ...] = ()
    """Every point passed so far, in words: the minutes clock keeps them all."""
    held: str = ""
    """Another window has the session, and no clock runs here: what that one's
    clock was doing when it last saved, said in place of this clock's state."""
    wrap_up: float = 300.0
    """Seconds before the limit that wrap-up starts: the clock line is marked from then."""


class CallBar(Widget, can_focus=False):
    """The time used against the limit, as a bar: redrawn only when it grows by
    a half cell (every half a minute or so), never on a timer of its own."""

    COMPONENT_CLASSES = {"bar--bar", "bar--complete"}
    DEFAULT_CSS = """
    CallBar {
        height: 1;
        width: 1fr;
        & > .bar--bar { color: $primary; background: $surface; }
        & > .bar--complete { color: $error; background: $surface; }
    }
    """

    _fraction = 0.0
    _cells = -1

    def show(self, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        cells = round(fraction * 2 * max(self.size.width, 1))  # half cells drawn
        self._fraction = fraction
        if cells != self._cells:
            self._cells = cells
            self.refresh()

    def on_resize(self) -> None:
        self._cells = -1
        self.show(self._fraction)

    def render(self) -> RenderResult:
        part = "bar--complete" if self._fraction >= 1 else "bar--bar"
        style = self.get_component_rich_style(part)
        return Bar(
            highlight_range=(0, self.size.width * self._fraction),
            highlight_style=Style.from_color(style.color),
            background_style=Style.from_color(style.bgcolor),
        )


class BigDigits(Digits):
    """The time left in big digits, placed by the screen above the panel (see
    ``CountdownPanel.digits``); its looks follow the panel's state."""

    DEFAULT_CSS = """
    BigDigits {
        width: auto;
        padding: 0 1;
        &.-hidden { display: none; }
        &.-time-up { color: $error; text-style: bold reverse; }
    }
    """


class CountdownPanel(Vertical):
    """Shows time left (or over) against the limit. Fed by its screen (``show``).

    State shows in text and style, never in colour alone: "PAUSED", the
    standing warning ("10-MINUTE WARNING", "WRAP UP NOW") in words, and "TIME
    IS UP" in bold reverse. The bar takes the warning colour from wrap-up and
    the error colour at time up (never the green of "done"). Below
    ``SHORT_SCREEN`` rows the big digits give way to the one clock line. The
    minutes clock (``use("minutes")``) has neither digits nor bar.

    The big digits, ``digits``, are the panel's but placed by its screen, as a
    widget of their own beside the rest of the screen (the panel below them):
    the frame that redraws them each second then redraws nothing else.
    """

    DEFAULT_CSS = """
    CountdownPanel {
        height: auto;
        padding: 0 1;
        #clock-line { height: 1; }
        #clock-notes { height: auto; }
        &.-minutes #progress { display: none; }
        &.-warning #clock-line { color: $warning; text-style: bold; }
        &.-paused #clock-line { text-style: italic; }
        &.-time-up #clock-line {
            color: $error;
            text-style: bold reverse;
        }
        &.-warning #progress > .bar--bar { color: $warning; }
        &.-time-up #progress > .bar--bar { color: $error; }
        &.-ended #progress > .bar--complete { color: $primary; }
    }
    """

    SHORT_SCREEN = 22
    STYLES = ("digits", "minutes")

    practice = False
    """A rehearsal: said on the clock line, so it is never mistaken for the real call."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.digits = BigDigits("", id="digits")
        """The big digits: for the screen to place, above the panel."""
        self.view = ClockView()
        self.clock_style = "digits"
        self._shown: dict[str, str] = {}
        """What each part shows now: a part is redrawn only when this changes."""
        self._state: tuple[bool, ...] = ()
        """The classes set now (time up, warning, paused, ended)."""

    # What the screen last said, for whoever asks (tests, the screen itself).
    @property
    def remaining(self) -> float:
        return self.view.remaining

    @property
    def started(self) -> bool:
        return self.view.started

    @property
    def running(self) -> bool:
        return self.view.running

    def compose(self) -> ComposeResult:
        yield Static("", id="clock-line", markup=False)
        yield Static("", id="clock-notes", markup=False)
        yield CallBar(id="progress")

    def show(self, view: ClockView) -> None:
        """The clock as it stands now: what changed is redrawn, nothing else."""
        if view != self.view:
            self.view = view
            self._paint()

    def use(self, style: str) -> None:
        """Show the clock as ``style``: "digits" or "minutes"."""
        if style not in self.STYLES:
            raise ValueError(f"unknown clock style {style!r}")
        if style != self.clock_style:
            self.clock_style = style
            self.set_class(style == "minutes", "-minutes")
            self._place_digits()
            self._paint()

    def fit(self, screen_height: int) -> None:
        """The screen's height: below ``SHORT_SCREEN`` rows the big digits give
        way to the clock line (the screen says, as the panel's own size may not
        change when the screen's does)."""
        short = screen_height < self.SHORT_SCREEN
        if short != self.has_class("-short"):
            self.set_class(short, "-short")
            self._place_digits()
            self._paint()  # the line carries the time, or no longer

    def on_mount(self) -> None:
        self._line = self.query_one("#clock-line", Static)
        self._notes = self.query_one("#clock-notes", Static)
        self._bar = self.query_one("#progress", CallBar)
        self.fit(self.screen.size.height)
        self._paint()

    def _place_digits(self) -> None:
        self.digits.set_class(self.clock_style == "minutes" or self.has_class("-short"), "-hidden")

    # --- drawing -----------------------------------------------------------------

    def _paint(self) -> None:
        if not self.is_mounted:
            return
        view = self.view
        if self.clock_style == "minutes":
            over = view.remaining <= 0 and view.started
            self._put(self._line, "line", self._minutes_line(view, over))
            notes = "\n".join(self._notes_shown(view))
            self._put(self._notes, "notes", notes, layout=True)
            self._show_notes(bool(notes))
        else:
            over = view.remaining < 0
            self._show_notes(False)
            big, line = self._digits_line(view, over)
            if self._shown.get("digits") != big:
                self._shown["digits"] = big
                self.digits.update(big)
            self._put(self._line, "line", line)
            elapsed = max(0.0, view.limit - view.remaining)
            self._bar.show(min(elapsed, view.limit) / max(view.limit, 1.0))
        over = over and not view.ended  # nothing to warn about any more
        warning = not over and view.remaining <= view.wrap_up and view.started
        paused = view.started and not view.running and not over
        state = (over, warning, paused, view.ended)
        if state != self._state:
            self._state = state
            self.set_class(over, "-time-up")
            self.digits.set_class(over, "-time-up")
            self.set_class(warning, "-warning")
            self.set_class(paused, "-paused")
            self.set_class(view.ended, "-ended")

    def _show_notes(self, shown: bool) -> None:
        """The lines of the points passed take room only when there are some."""
        if self._notes.display != shown:
            self._notes.display = shown

    def _put(self, widget: Static, part: str, text: str, *, layout: bool = False) -> None:
        # One line of fixed height: no layout pass needed, and no redraw if unchanged.
        if self._shown.get(part) != text:
            self._shown[part] = text
            widget.update(text, layout=layout)

    def _digits_line(self, view: ClockView, over: bool) -> tuple[str, str]:
        text = format_clock(view.remaining)
        # With the big digits on screen the line names only the state, so it
        # changes rarely; on short screens it carries the time too.
        shown = f"{text} " if self.has_class("-short") else ""
        big = text.replace(" over", "") if over else text
        if view.ended:
            big = format_call_time(view.limit - view.remaining)  # the time it took
            line = f"CALL ENDED  {big} of {format_clock(view.limit)}"
            over = False
        elif over:
            line = f"TIME IS UP  {text}"
        elif not view.started:
            line = f"{shown}not started: F5 starts the clock"
        elif not view.running:
            line = f"{shown}PAUSED (F5 resumes)"
        else:
            line = f"{shown}left of {format_clock(view.limit)}"
        if view.notice and view.started and not view.ended and not over:
            line = f"{line}  ·  {view.notice}"
        if view.held:
            line = f"READ-ONLY  {shown}{view.held}"
        if self.practice:
            line = f"PRACTICE  {line}"
        return big, line

    def _minutes_line(self, view: ClockView, over: bool) -> str:
        """The calm clock's line, in whole minutes: it changes once a minute."""
        limit = math.floor(view.limit / 60)
        if view.ended:
            took = math.floor(max(0.0, view.limit - view.remaining) / 60)
            line = f"call ended after {took} min, of {limit} min"
        elif not view.started:
            line = f"{limit} min call, not started: F5 starts the clock"
        else:
            line = format_minutes_left(view.remaining)
            if not view.running:
                line += ", paused: F5 resumes"
        if view.held:
            line = f"READ-ONLY: {format_minutes_left(view.remaining)}; {view.held}"
        if self.practice:
            line = f"PRACTICE: {line}"
        return line

    def _notes_shown(self, view: ClockView) -> tuple[str, ...]:
        if not view.started or view.ended or view.held:
            return ()
        return view.passed
