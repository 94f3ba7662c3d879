"""Fault loops: the real app on a pseudo-terminal, many times over.

    .venv/bin/python bench/fault_loops.py [--runs 50] [--only signals|keys]

- ``signals``: a paste of 1,800 characters into the notes, then, 0.05-0.5 s
  later, SIGTERM, SIGQUIT or the terminal closing (SIGHUP). Counts characters
  lost, processes still running 4 s after the signal, and the time to exit.
- ``keys``: six rounds of F2, Space, F3 and a word, all in one write, as over
  a laggy link. Counts words that did not land in the notes, in order.

Not part of the test suite (each run starts the real program); the suite has
one run of each.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.pty_app import F2, F3, F5, PtyApp

from iisession.core.store import read_session

ENDINGS = ("SIGTERM", "SIGQUIT", "terminal closed")


def notes_in(folder: Path) -> str:
    files = list(folder.glob("*.toml"))
    return read_session(files[0]).session.notes if files else ""


def started(root: Path) -> PtyApp:
    for name in ("config", "state", "cache"):
        os.environ[f"XDG_{name.upper()}_HOME"] = str(root / name)
    app = PtyApp(root / "sessions", "Loop Test")
    app.wait_for("starts the clock")
    app.write(F5)
    app.wait_for("left of")
    return app


def one_signal_run(root: Path, rng: random.Random) -> dict[str, float]:
    app = started(root)
    try:
        app.write(F3)
        app.wait_for("Notes (F3)")
        text = " ".join(f"w{i:04d}" for i in range(301))[:1800]
        ending = rng.choice(ENDINGS)
        delay = rng.uniform(0.05, 0.5)
        app.write(text)
        time.sleep(delay)
        if ending == "terminal closed":
            app.close_terminal()
        else:
            app.signal(getattr(signal, ending))
        seconds = app.wait_exit(timeout=4.0)
    finally:
        app.kill()
    notes = notes_in(root / "sessions")
    lost = len(text) - len(notes) if text.startswith(notes) else len(text)
    return {"lost": lost, "running": float(seconds is None), "exit": seconds or 4.0}


def one_keys_run(root: Path, rng: random.Random) -> dict[str, float]:
    app = started(root)
    words = [f"word{rng.randrange(10**6):06d}" for _ in range(6)]
    expected = "".join(f"{word} " for word in words)
    try:
        app.write("".join(f"{F2} {F3}{word} " for word in words))
        deadline = time.monotonic() + 15
        while notes_in(root / "sessions") != expected and time.monotonic() < deadline:
            time.sleep(0.1)
        app.signal(signal.SIGTERM)
        app.wait_exit(timeout=4.0)
    finally:
        app.kill()
    notes = notes_in(root / "sessions")
    landed = notes.split()
    in_order = 0
    for word, got in zip(words, landed, strict=False):
        if word != got:
            break
        in_order += 1
    return {"lost": len(words) - in_order, "exact": float(notes == expected)}


def loop(kind: str, runs: int, seed: int) -> None:
    rng = random.Random(seed)
    run = one_signal_run if kind == "signals" else one_keys_run
    results = []
    for number in range(runs):
        root = Path(tempfile.mkdtemp(prefix=f"iisession-{kind}-"))
        try:
            results.append(run(root, rng))
        finally:
            shutil.rmtree(root, ignore_errors=True)
        print(f"  {kind} run {number + 1}/{runs}: {results[-1]}", file=sys.stderr)
    if kind == "signals":
        lost = [r["lost"] for r in results]
        exits = [r["exit"] for r in results]
        print(
            f"signals: {runs} runs, {sum(lost):.0f} of {runs * 1800} characters lost "
            f"(runs losing any: {sum(1 for n in lost if n)}), "
            f"{sum(r['running'] for r in results):.0f} left running after 4 s, "
            f"exit after the signal median {statistics.median(exits):.2f} s, "
            f"max {max(exits):.2f} s"
        )
    else:
        print(
            f"keys: {runs} runs, {sum(r['lost'] for r in results):.0f} of {runs * 6} words "
            f"lost or out of place, {sum(r['exact'] for r in results):.0f} runs exact"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--only", choices=("signals", "keys"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for kind in ("signals", "keys"):
        if args.only in (None, kind):
            loop(kind, args.runs, args.seed)


if __name__ == "__main__":
    main()
