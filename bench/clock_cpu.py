"""Idle CPU of a running clock, side by side in tmux at 80x24.

    python bench/clock_cpu.py [--rounds N] [--seconds S] [--quick]

Four programs count down an hour, each left untouched:

1. a bare Textual app redrawing a ``Digits`` clock once a second
   (``bench/bare_digits_app.py``), the baseline;
2. termdown, the terminal countdown program, with its defaults;
3. iisession's live screen with the default clock (``[live] clock = "digits"``);
4. iisession's live screen with the calm clock (``[live] clock = "minutes"``).

On the live screens the clock is started (F5) and the notes take the focus
(F3), where it stays during a call. Each round starts all four at once, each
in its own tmux server, lets them settle, then reads each one's CPU time (user
plus system, from ``/proc/PID/stat``, all its threads) over the same window:
drift on the machine hits all four alike. The rounds start them in turn in a
different order. Figures are medians over the rounds, with the lowest and
highest, as a percentage of one core and as a ratio to the bare app.

The targets, for both live screens: at most 1.25 times the bare app, and
below termdown. termdown is looked for on PATH and beside this Python; failing
that it is installed with pip into a virtual environment in the run's
temporary folder, never into the project. Without it, that target is reported
as not measured.

The live screens read a config file of their own (their XDG folders are in the
temporary folder), so no user setting changes what is measured.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tmux import Tmux  # noqa: E402

RATIO_TARGET = 1.25
"""A live screen's CPU, at most this many times the bare app's."""


SETTLE_SECONDS = 8.0
"""After a program is drawn (and its clock started): start-up work is over."""

LIMIT_MINUTES = 60

BARE, TERMDOWN, DIGITS, MINUTES = "bare", "termdown", "digits", "minutes"


@dataclass
class Subject:
    """One program measured: how to start it and how to tell it is running."""

    key: str
    label: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    ready: str = ""
    """Text on screen once it is drawn (empty: any text)."""
    keys: list[str] = field(default_factory=list)
    """Keys sent once it is drawn, each followed by a wait for ``running``."""
    running: str = ""
    """Text on screen once its clock runs."""


@dataclass
class Sample:
    cpu_percent: float
    peak_mb: float


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, all its threads, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def find_termdown(folder: Path) -> tuple[list[str] | None, str]:
    """The termdown command and where it came from; None with the reason when
    it cannot be had."""
    found = shutil.which("termdown") or shutil.which(
        "termdown", path=str(Path(sys.executable).parent)
    )
    if found:
        return [found], found
    venv = folder / "termdown-venv"
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "termdown"],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        return None, f"not measured: termdown could not be installed ({error})"
    return [str(venv / "bin" / "termdown")], "installed for this run"


def subjects(folder: Path, termdown: list[str] | None) -> list[Subject]:
    python = sys.executable
    found = [
        Subject(
            BARE,
            "bare Textual app, Digits clock",
            [python, str(ROOT / "bench" / "bare_digits_app.py")],
            ready="bare digits",
        )
    ]
    if termdown is not None:
        found.append(Subject(TERMDOWN, "termdown", [*termdown, f"{LIMIT_MINUTES}m"]))
    for key, label, running in (
        (DIGITS, "iisession live screen, default clock", "left of"),
        (MINUTES, "iisession live screen, minutes clock", "min left"),
    ):
        home = folder / key
        config = home / "config" / "iisession"
        config.mkdir(parents=True)
        (config / "config.toml").write_text(f'[live]\nclock = "{key}"\n')
        found.append(
            Subject(
                key,
                label,
                [
                    python,
                    "-m",
                    "iisession",
                    "--sessions-dir",
                    str(home / "sessions"),
                    "new",
                    "--name",
                    "Bench Person",
                    "--limit",
                    str(LIMIT_MINUTES),
                ],
                env={
                    "XDG_CONFIG_HOME": str(home / "config"),
                    "XDG_STATE_HOME": str(home / "state"),
                    "XDG_CACHE_HOME": str(home / "cache"),
                    "XDG_DATA_HOME": str(home / "data"),
                },
                ready="F5 starts the clock",
                keys=["F5", "F3"],
                running=running,
            )
        )
    return found


def _wait_drawn(term: Tmux, text: str) -> None:
    if text:
        term.wait_for(text, timeout=60)
        return
    deadline = time.monotonic() + 60
    while not term.screen().strip():
        if time.monotonic() > deadline:
            raise AssertionError("nothing on screen")
        time.sleep(0.05)


def one_round(chosen: Sequence[Subject], seconds: float, settle: float) -> dict[str, Sample]:
    """All of ``chosen`` at once, in that order, over the same ``seconds``."""
    terms: dict[str, Tmux] = {}
    try:
        for subject in chosen:
            term = Tmux(80, 24)
            terms[subject.key] = term
            term.start(subject.command, env={"TERM": "xterm-256color", **subject.env})
        for subject in chosen:
            term = terms[subject.key]
            _wait_drawn(term, subject.ready)
            for key in subject.keys:
                term.send(key)
                term.wait_for(subject.running, timeout=30)
        time.sleep(settle)
        pids = {key: term.pid() for key, term in terms.items()}
        start = {key: cpu_seconds(pid) for key, pid in pids.items()}
        began = time.monotonic()
        time.sleep(seconds)
        used = {key: cpu_seconds(pid) - start[key] for key, pid in pids.items()}
        took = time.monotonic() - began
        for key, term in terms.items():
            if term.pane_dead():
                raise AssertionError(f"{key} exited during the measurement:\n{term.screen()}")
        return {key: Sample(100 * used[key] / took, peak_rss_mb(pids[key])) for key in used}
    finally:
        running = []
        for term in terms.values():
            if not term.pane_dead():
                running.append(term.pid())
            term.kill()
        _wait_gone(running)  # a live screen saves on its way out: not into the next round


def _wait_gone(pids: list[int], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while any(Path(f"/proc/{pid}").exists() for pid in pids):
        if time.monotonic() > deadline:
            raise AssertionError(f"still running after {timeout:.0f} s: {pids}")
        time.sleep(0.05)


@dataclass
class Figure:
    label: str
    samples: list[Sample]

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu_percent for s in self.samples)

    @property
    def low(self) -> float:
        return min(s.cpu_percent for s in self.samples)

    @property
    def high(self) -> float:
        return max(s.cpu_percent for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return statistics.median(s.peak_mb for s in self.samples)


def measure(
    rounds: int, seconds: float, settle: float = SETTLE_SECONDS
) -> tuple[dict[str, Figure], str]:
    """The figures of every subject over ``rounds``, and where termdown came from."""
    with tempfile.TemporaryDirectory(prefix="iisession-clock-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        termdown, origin = find_termdown(folder)
        every = subjects(folder, termdown)
        figures = {s.key: Figure(s.label, []) for s in every}
        for turn in range(rounds):
            shift = turn % len(every)
            order = every[shift:] + every[:shift]  # no program always starts first
            for key, sample in one_round(order, seconds, settle).items():
                figures[key].samples.append(sample)
    return figures, origin


def report(figures: dict[str, Figure], origin: str, rounds: int, seconds: float) -> bool:
    """Print the table and the memory; True if every target is met."""
    bare = figures[BARE].cpu
    termdown = figures.get(TERMDOWN)
    print(
        f"clock idle CPU, tmux 80x24, {rounds} rounds of {seconds:.0f} s, all four at once "
        "in each; % of a core, median (lowest to highest), ratio to the bare app:"
    )
    ok = True
    for key, figure in figures.items():
        ratio = figure.cpu / bare if bare > 0 else float("inf")
        line = (
            f"  {figure.label:<38} {figure.cpu:5.2f} % ({figure.low:.2f} to {figure.high:.2f})"
            f"  {ratio:5.2f}x"
        )
        if key in (DIGITS, MINUTES):
            ratio_ok = figure.cpu <= RATIO_TARGET * bare
            verdicts = [f"<= {RATIO_TARGET}x bare: {'ok' if ratio_ok else 'MISSED'}"]
            if termdown is not None:
                below = figure.cpu < termdown.cpu
                verdicts.append(f"below termdown: {'ok' if below else 'MISSED'}")
                ratio_ok &= below
            else:
                verdicts.append("below termdown: not measured")
            ok &= ratio_ok
            line += "  (" + "; ".join(verdicts) + ")"
        print(line)
    print(f"  termdown: {origin}")
    # A figure, not a target: the live screen holds a notes editor, two lists
    # and the session, and its modules alone are some 10 MB over the bare app's.
    memory = figures[DIGITS].peak_mb / figures[BARE].peak_mb
    print(
        f"live screen peak memory: {figures[DIGITS].peak_mb:.1f} MB, bare app "
        f"{figures[BARE].peak_mb:.1f} MB, ratio {memory:.2f}x"
    )
    return ok


def run(rounds: int, seconds: float) -> bool:
    """Measure and print (for bench/run.py); True if every target is met."""
    figures, origin = measure(rounds, seconds)
    return report(figures, origin, rounds, seconds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds (median over them)")
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds a round")
    parser.add_argument(
        "--quick", action="store_true", help="to try it out: 2 rounds of 15 s (not a figure)"
    )
    args = parser.parse_args(argv)
    rounds, seconds = (2, 15.0) if args.quick else (args.rounds, args.seconds)
    return 0 if run(rounds, seconds) else 1


if __name__ == "__main__":
    raise SystemExit(main())
