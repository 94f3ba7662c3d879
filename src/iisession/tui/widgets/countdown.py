"""The countdown panel: big digits when there is room, one line when not."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Digits, ProgressBar, Static

from ...core.countdown import format_call_time, format_clock


class CountdownPanel(Vertical):
    """Shows time left (or over) against the limit. Fed by its screen.

    State shows in text and style, never in colour alone: "PAUSED", the
    standing warning ("10-MINUTE WARNING", "WRAP UP NOW") in words, and "TIME
    IS UP" in bold reverse. The bar takes the warning colour from wrap-up and
    the error colour at time up (never the green of "done"). Below
    ``SHORT_SCREEN`` rows the big digits give way to the one clock line.
    """

    DEFAULT_CSS = """
    CountdownPanel {
        height: auto;
        padding: 0 1;
        #digits { width: auto; }
        #clock-line { height: 1; }
        #progress { width: 1fr; }
        #progress Bar { width: 1fr; }
        &.-short #digits { display: none; }
        &.-warning #clock-line { color: $warning; text-style: bold; }
        &.-paused #clock-line { text-style: italic; }
        &.-time-up #clock-line, &.-time-up #digits {
            color: $error;
            text-style: bold reverse;
        }
        #progress Bar > .bar--complete { color: $error; }
        &.-warning #progress Bar > .bar--bar { color: $warning; }
        &.-time-up #progress Bar > .bar--bar { color: $error; }
        &.-ended #progress Bar > .bar--complete { color: $primary; }
    }
    """

    SHORT_SCREEN = 22

    remaining: reactive[float] = reactive(0.0)
    """Seconds left; negative in overtime."""
    limit: reactive[float] = reactive(1.0)
    running: reactive[bool] = reactive(False)
    started: reactive[bool] = reactive(False)
    ended: reactive[bool] = reactive(False)
    """The call is over (the session is being edited afterwards): no alarm."""
    notice: reactive[str] = reactive("")
    """The warning that stands (the last point passed), kept on the clock line."""
    held: reactive[str] = reactive("")
    """Another window has the session, and no clock runs here: what that one's
    clock was doing when it last saved, said in place of this clock's state."""

    practice = False
    """A rehearsal: said on the clock line, so it is never mistaken for the real call."""
    wrap_up = 300.0
    """Seconds before the limit that wrap-up starts: the clock line is marked from then."""

    _line = ""
    _step = -1

    def compose(self) -> ComposeResult:
        yield Digits("", id="digits")
        yield Static("", id="clock-line", markup=False)
        yield ProgressBar(total=100, show_eta=False, show_percentage=False, id="progress")

    def _refresh_view(self) -> None:
        over = self.remaining < 0
        text = format_clock(self.remaining)
        digits = self.query_one("#digits", Digits)
        # With the big digits on screen the line names only the state, so it
        # changes rarely; on short screens it carries the time too.
        shown = "" if digits.display else f"{text} "
        big = text.replace(" over", "") if over else text
        if self.ended:
            big = format_call_time(self.limit - self.remaining)  # the time it took
            line = f"CALL ENDED  {big} of {format_clock(self.limit)}"
            over = False  # nothing to warn about any more
        elif over:
            line = f"TIME IS UP  {text}"
        elif not self.started:
            line = f"{shown}not started: F5 starts the clock"
        elif not self.running:
            line = f"{shown}PAUSED (F5 resumes)"
        else:
            line = f"{shown}left of {format_clock(self.limit)}"
        if self.notice and self.started and not self.ended and not over:
            line = f"{line}  ·  {self.notice}"
        if self.held:
            line = f"READ-ONLY  {shown}{self.held}"
        if self.practice:
            line = f"PRACTICE  {line}"
        digits.update(big)
        # One line of fixed height: no layout pass needed, and none if unchanged.
        clock_line = self.query_one("#clock-line", Static)
        if line != self._line:
            self._line = line
            clock_line.update(line, layout=False)
        # The bar moves one cell every half a minute or so: redraw it only then.
        elapsed = max(0.0, self.limit - self.remaining)
        step = round(400 * min(elapsed, self.limit) / max(self.limit, 1.0))
        if step != self._step:
            self._step = step
            self.query_one("#progress", ProgressBar).update(total=400, progress=step)
        self.set_class(over, "-time-up")
        warning = not over and self.remaining <= self.wrap_up and self.started
        self.set_class(warning, "-warning")
        self.set_class(self.started and not self.running and not over, "-paused")
        self.set_class(self.ended, "-ended")

    def on_resize(self) -> None:
        self.set_class(self.screen.size.height < self.SHORT_SCREEN, "-short")
        self._refresh_view()  # the big digits may have been hidden or shown

    def watch_remaining(self) -> None:
        self._refresh_view()

    def watch_running(self) -> None:
        self._refresh_view()

    def watch_ended(self) -> None:
        self._refresh_view()

    def watch_started(self) -> None:
        self._refresh_view()

    def watch_limit(self) -> None:
        self._refresh_view()

    def watch_notice(self) -> None:
        self._refresh_view()

    def watch_held(self) -> None:
        self._refresh_view()
