"""iisession benchmarks: `python bench/run.py` from the repository root.

Every figure is a median of several runs, and each is also given as a ratio
against a baseline measured in the same run, because shared machines are noisy:

- save: a typical session (about 30 KB, 25 questions, 10 referrals) and one with
  1 MB of notes, through ``SessionFile.save`` (serialise, parse-back check,
  temp file, fsync, rename, folder fsync), against a bare atomic write of the
  same bytes (the cost of durability alone);
- start-up: time until the first full frame of ``iisession`` in a real
  terminal (tmux, 80x24), against a bare Textual app (Header, Static, Footer).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.factories import make_session  # noqa: E402
from tests.tmux import Tmux  # noqa: E402

from iisession import atomic  # noqa: E402
from iisession.codec import dumps  # noqa: E402
from iisession.store import SessionStore  # noqa: E402

TARGETS = {"save_typical_ms": 10.0, "save_1mb_ms": 250.0, "startup_ratio": 1.15}


def typical_session_notes() -> str:
    paragraph = (
        "She moved from clinical work into analytics after a hospital project on "
        "readmissions. Day to day: SQL, dashboards, meetings with clinicians.\n"
    )
    return paragraph * 130


def median_ms(fn: Callable[[], None], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_save(label: str, notes: str, runs: int, folder: Path) -> dict[str, float]:
    session = make_session(name=f"Bench {label}", questions=25, referrals=10, notes=notes)
    handle = SessionStore(folder).create(session)
    size = len(dumps(session).encode())
    counter = 0

    def save() -> None:
        nonlocal counter
        counter += 1
        session.notes = notes + str(counter)  # a real change every time
        assert handle.save().written

    data = handle.path.read_bytes()
    raw_target = folder / f"raw-{label}.bin"

    def raw() -> None:
        atomic.write_atomic(raw_target, data)

    save_ms = median_ms(save, runs)
    raw_ms = median_ms(raw, runs)
    handle.close()
    return {"size_kb": size / 1024, "ms": save_ms, "raw_ms": raw_ms, "ratio": save_ms / raw_ms}


def time_to_first_frame(term: Tmux, command: list[str], first: str, last: str) -> float:
    """Seconds from launch until the title line and the footer are both on screen.

    The program is then quit with Ctrl+Q and waited for, so that no run shares
    the machine with the previous one's exit.
    """
    start = time.perf_counter()
    term.respawn(command)
    deadline = start + 30
    while True:
        lines = term.screen().splitlines()
        if lines and first in lines[0] and last in lines[-1]:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per figure (median)")
    parser.add_argument("--only", choices=["save", "startup"], help="run one group")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.only in (None, "save"):
            typical = bench_save("typical", typical_session_notes(), args.runs * 5, folder / "a")
            big = bench_save("1mb", "x" * 1_000_000, args.runs, folder / "b")
            for name, result, target in (
                ("save typical", typical, TARGETS["save_typical_ms"]),
                ("save 1 MB notes", big, TARGETS["save_1mb_ms"]),
            ):
                passed = result["ms"] <= target
                ok &= passed
                print(
                    f"{name:<18} {result['size_kb']:8.0f} KB  median {result['ms']:7.2f} ms "
                    f"(target <= {target:.0f} ms: {'ok' if passed else 'MISSED'});  "
                    f"bare atomic write {result['raw_ms']:.2f} ms, ratio {result['ratio']:.2f}x"
                )
        if args.only in (None, "startup"):
            start = bench_startup(args.runs, folder / "c")
            passed = start["ratio"] <= TARGETS["startup_ratio"]
            ok &= passed
            print(
                f"start-up (tmux 80x24): iisession {start['app_s'] * 1000:.0f} ms, bare Textual "
                f"app {start['bare_s'] * 1000:.0f} ms, ratio {start['ratio']:.2f}x "
                f"(target <= {TARGETS['startup_ratio']}x: {'ok' if passed else 'MISSED'})"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
