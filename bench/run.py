"""iisession benchmarks: `python bench/run.py` from the repository root.

Every figure is a median of several runs, and each is also given as a ratio
against a baseline measured in the same run, because shared machines are noisy:

- save (bench/save.py): a typical session (about 30 KB, 25 questions, 10
  referrals) and one with 1 MB of notes, through ``SessionFile.save``
  (serialise, parse-back check, temp file, fsync, rename, folder fsync) and as
  the app saves (the index updated too), against a bare atomic write of the
  same bytes (the cost of durability alone), with the check's parser and with
  the standard library's (before and after);
- start-up: time until the first full frame of ``iisession`` in a real
  terminal (tmux, 80x24), against a bare Textual app (Header, Static, Footer);
- a live call with the clock running, in tmux (bench/clock_cpu.py): CPU over
  a minute and peak memory, against a bare Textual app redrawing a Digits clock
  once a second and against termdown, all side by side, with the default clock
  and with the minutes clock;
- typing into notes that already hold 100 KB (headless, Pilot): time per
  keystroke, against a bare app with a TextArea holding the same text;
- the journal: a minute of steady typing (5 keys a second, the editor ticking
  once a second, saves as the autosave policy makes them) into notes of 10 KB
  and 100 KB, through ``SessionEditor`` and the real store: CPU time, bytes
  handed to ``write()`` and the time of a journaled tick, against the same
  minute with the journal off;
- scale (bench/scale.py): cost curves at 1,000 and 10,000 generated sessions
  (50,000 with `python bench/scale.py --big`): index build, search, `list`, the
  review screen, the follow-ups, the network, the comparison, peak memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.factories import make_session  # noqa: E402
from tests.tmux import Tmux  # noqa: E402

from iisession.core.store import SessionStore  # noqa: E402

TARGETS = {
    "startup_ratio": 1.15,
    "keystroke_p95_ms": 16.0,
}


def compile_package() -> None:
    """Byte-compile the package first, as an installer does: with an editable
    install and PYTHONDONTWRITEBYTECODE set, every start would compile it anew,
    a cost no user pays twice."""
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "iisession"), quiet=1)


def time_to_first_frame(term: Tmux, command: list[str], first: str, last: str) -> float:
    """Seconds from launch until ``first`` is on screen and ``last`` on its bottom line
    (the footer, in any case: "^p palette" or "^p Palette"): the whole first frame.

    The program is then quit with Ctrl+Q and waited for, so that no run shares
    the machine with the previous one's exit.
    """
    start = time.perf_counter()
    term.respawn(command)
    deadline = start + 60
    while True:
        shown = term.screen()
        lines = shown.splitlines()
        if lines and first in shown and last.casefold() in lines[-1].casefold():
            elapsed = time.perf_counter() - start
            break
        if time.perf_counter() > deadline:
            raise RuntimeError(f"no first frame for {command}:\n" + "\n".join(lines))
        time.sleep(0.005)
    term.send("C-q")
    term.wait_dead()
    return elapsed


def bench_startup(runs: int, folder: Path) -> dict[str, float]:
    for i in range(5):
        SessionStore(folder).create(make_session(name=f"Person {i}")).close()
    python = sys.executable
    bare = [python, str(ROOT / "bench" / "bare_app.py")]
    app = [python, "-m", "iisession", "--sessions-dir", str(folder)]
    term = Tmux(80, 24)
    term.start(["true"], env={"TERM": "xterm-256color"})
    term.wait_dead()
    try:
        # Warm the file cache for both before measuring.
        time_to_first_frame(term, bare, "bare", "palette")
        time_to_first_frame(term, app, "iisession", "palette")
        bare_s, app_s = [], []
        for _ in range(runs):  # interleaved, so drift hits both alike
            bare_s.append(time_to_first_frame(term, bare, "bare", "palette"))
            app_s.append(time_to_first_frame(term, app, "iisession", "palette"))
    finally:
        term.kill()
    bare_med, app_med = statistics.median(bare_s), statistics.median(app_s)
    return {"bare_s": bare_med, "app_s": app_med, "ratio": app_med / bare_med}


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def bench_typing(keys: int, folder: Path) -> dict[str, float]:
    import asyncio

    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    from iisession.core.clock import ManualClock
    from iisession.core.model import Person, Session
    from iisession.core.paths import resolve_folders
    from iisession.core.workspace import Workspace
    from iisession.tui.app import IISessionApp

    line = "Said the hardest part is scoping dashboards with clinicians, not the SQL.\n"
    notes = (line * (100_000 // len(line) + 1))[:100_000]
    text = "typing during the call " * (keys // 20 + 1)

    class BareEditor(App[None]):
        def compose(self) -> ComposeResult:
            yield TextArea(notes, id="notes")

    async def per_key(app: App[None], focus: str) -> tuple[list[float], list[float]]:
        """From the key reaching the app until the edit is made and handled.

        Pilot's own waits for idleness take far longer than the app, so keys are
        sent straight to the driver, as a terminal would. Between keys the app
        is let draw its next frame, as it would between a typist's keys.
        """
        from textual import events

        times, frames = [], []
        async with app.run_test(size=(80, 24)) as pilot:
            if focus:
                await pilot.press(focus)
            else:
                app.query_one("#notes").focus()
            await pilot.press("ctrl+end")
            await pilot.pause()
            area = app.screen.query_one("#notes", TextArea)
            driver = app._driver
            assert driver is not None
            for char in text[:keys]:
                before = len(area.text)
                refreshed = asyncio.Event()
                start = time.perf_counter()
                key = events.Key("space" if char == " " else char, char)
                key.set_sender(app)
                driver.send_message(key)
                while len(area.text) == before:
                    await asyncio.sleep(0)
                times.append((time.perf_counter() - start) * 1000)
                app.call_after_refresh(refreshed.set)
                await refreshed.wait()
                frames.append((time.perf_counter() - start) * 1000)
        return times, frames

    session = Session(person=Person(name="Bench"), notes=notes)
    handle = SessionStore(folder).create(session)
    app = IISessionApp(Workspace(resolve_folders(str(folder)), ManualClock()), handle)
    ours, our_frames = asyncio.run(per_key(app, "f3"))
    handle.close()
    bare, bare_frames = asyncio.run(per_key(BareEditor(), ""))

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1]

    return {
        "p95_ms": p95(ours),
        "bare_p95_ms": p95(bare),
        "ratio": p95(ours) / p95(bare),
        "median_ms": statistics.median(ours),
        "frame_p95_ms": p95(our_frames),
        "bare_frame_p95_ms": p95(bare_frames),
    }


def _bytes_written() -> int:
    """Bytes this process has handed to write() and the like, so far."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise RuntimeError("no wchar in /proc/self/io")


def _typing_minute(folder: Path, notes: str, journal: bool) -> tuple[float, float, list[float]]:
    """One minute of typing, simulated: CPU seconds, bytes written, and the wall
    time of each tick that did not save (with the journal on, each one records)."""
    from iisession.core.clock import ManualClock
    from iisession.core.editor import SessionEditor

    session = make_session(name="Bench Journal", notes=notes)
    handle = SessionStore(folder).create(session)
    clock = ManualClock()
    editor = SessionEditor(session, clock, handle, journal=journal)
    text = "asked about the first year on the team and how reviews work " * 8
    ticks: list[float] = []
    cpu, written = time.process_time(), _bytes_written()
    for second in range(60):
        for key in range(5):
            session.notes += text[(second * 5 + key) % len(text)]
            editor.typed()
            clock.advance(0.2)
        start = time.perf_counter()
        if editor.tick() is None:
            ticks.append((time.perf_counter() - start) * 1000)
    cpu, written = time.process_time() - cpu, _bytes_written() - written
    handle.close()
    return cpu, written, ticks


def bench_journal(runs: int, folder: Path) -> dict[str, dict[str, float]]:
    """Interleaved runs, journal off and on, so drift hits both alike."""
    previous = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(folder / "state")  # journals and locks stay in here
    results: dict[str, dict[str, float]] = {}
    try:
        for kb in (10, 100):
            line = "Said the hardest part is scoping dashboards with clinicians, not SQL.\n"
            notes = (line * (kb * 1000 // len(line) + 1))[: kb * 1000]
            figures: dict[bool, list[tuple[float, float, list[float]]]] = {False: [], True: []}
            for run in range(runs):
                for journal in (False, True):
                    figures[journal].append(
                        _typing_minute(folder / f"{kb}-{run}-{journal}", notes, journal)
                    )
            off, on = figures[False], figures[True]
            results[f"{kb} KB"] = {
                "off_cpu_ms": statistics.median(r[0] for r in off) * 1000,
                "on_cpu_ms": statistics.median(r[0] for r in on) * 1000,
                "off_kb": statistics.median(r[1] for r in off) / 1024,
                "on_kb": statistics.median(r[1] for r in on) / 1024,
                "off_tick_ms": statistics.median(t for r in off for t in r[2]),
                "on_tick_ms": statistics.median(t for r in on for t in r[2]),
                "on_tick_max_ms": max(t for r in on for t in r[2]),
            }
    finally:
        if previous is None:
            os.environ.pop("XDG_STATE_HOME", None)
        else:
            os.environ["XDG_STATE_HOME"] = previous
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per figure (median)")
    parser.add_argument(
        "--only",
        choices=["read", "build", "save", "startup", "live", "typing", "journal", "scale"],
        help="run one group",
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=60, help="how long each live call round is measured"
    )
    args = parser.parse_args()
    compile_package()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.only in (None, "read"):
            import read  # bench/read.py: reading session files, now against before

            ok &= read.report(read.bench_read(1000, max(7, args.runs // 3)))
        if args.only in (None, "build"):
            import index_build  # bench/index_build.py: the first index build, 2 cores and 1

            builds = index_build.bench_index_build(10_000, 5, index_build.BEFORE)
            ok &= index_build.report(builds, 10_000, index_build.BEFORE)
        if args.only in (None, "save"):
            import save  # bench/save.py: the store's save against a bare atomic write

            ok &= save.run(args.runs)
        if args.only in (None, "startup"):
            start = bench_startup(args.runs, folder / "c")
            passed = start["ratio"] <= TARGETS["startup_ratio"]
            ok &= passed
            print(
                f"start-up (tmux 80x24): iisession {start['app_s'] * 1000:.0f} ms, bare Textual "
                f"app {start['bare_s'] * 1000:.0f} ms, ratio {start['ratio']:.2f}x "
                f"(target <= {TARGETS['startup_ratio']}x: {'ok' if passed else 'MISSED'})"
            )
        if args.only in (None, "live"):
            import clock_cpu  # bench/clock_cpu.py: the clock's idle CPU, side by side

            ok &= clock_cpu.run(max(3, args.runs // 4), args.idle_seconds)
        if args.only in (None, "typing"):
            typing = bench_typing(300, folder / "e")
            passed = typing["p95_ms"] <= TARGETS["keystroke_p95_ms"]
            ok &= passed
            print(
                f"typing into 100 KB of notes: p95 {typing['p95_ms']:.1f} ms per key "
                f"(median {typing['median_ms']:.1f} ms), bare TextArea p95 "
                f"{typing['bare_p95_ms']:.1f} ms, ratio {typing['ratio']:.2f}x "
                f"(target <= {TARGETS['keystroke_p95_ms']:.0f} ms: "
                f"{'ok' if passed else 'MISSED'}); "
                f"key to next frame p95 {typing['frame_p95_ms']:.1f} ms, bare "
                f"{typing['bare_frame_p95_ms']:.1f} ms"
            )
        if args.only in (None, "journal"):
            for size, r in bench_journal(max(5, args.runs // 3), folder / "f").items():
                print(
                    f"journal, a minute of typing into {size} of notes: CPU "
                    f"{r['on_cpu_ms']:.0f} ms, journal off {r['off_cpu_ms']:.0f} ms, ratio "
                    f"{r['on_cpu_ms'] / r['off_cpu_ms']:.2f}x; written {r['on_kb']:.0f} KB, "
                    f"journal off {r['off_kb']:.0f} KB, ratio {r['on_kb'] / r['off_kb']:.2f}x; "
                    f"a tick between saves {r['on_tick_ms']:.2f} ms (max "
                    f"{r['on_tick_max_ms']:.1f} ms), journal off {r['off_tick_ms']:.3f} ms"
                )
    if args.only in (None, "scale"):
        import scale  # bench/scale.py: 10,000 generated sessions

        ok &= scale.run(max(7, args.runs // 2))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
