"""How much typing a kill -9 loses: the real app in tmux, killed mid-sentence, many times.

`python bench/kill9_typing.py [--runs 50]` from the repository root. Not part of
the test suite (it takes minutes). Each run starts `iisession new` in a tmux
pane at 80x24, starts the clock (F5), goes to the notes (F3) and types one word
at a time with `tmux send-keys` at a steady rate; at a random moment (1.5 to 7
seconds after the first word) the app is killed with SIGKILL. The session is
then opened with the real store, as the next start would, and the words found
are compared with those sent: the typing lost is the time from the first word
missing to the kill. It prints the median and the maximum, and how many runs
lost everything typed.

``--src`` runs the app from another source tree (an older checkout, say) to
compare; the session is always reopened with this tree's store.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tmux import Tmux  # noqa: E402

WORD_SECONDS = 0.2
"""One word sent every 0.2 s: a steady typist, and a fine measure of what is lost."""


def _folders(tmp: Path) -> dict[str, str]:
    """Private data, config, cache and state folders: the app and this script share them."""
    return {
        name: str(tmp / name.lower())
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
    }


def one_run(
    run: int, tmp: Path, rng: random.Random, src: Path | None
) -> tuple[float, bool, bool, bool]:
    """Seconds of typing lost, whether all of it was lost, whether a journal was
    left, whether typing was recovered from it."""
    from iisession.core.journal import journal_path_for
    from iisession.core.store import SessionStore

    sessions = tmp / f"sessions-{run}"
    env = {"TERM": "xterm-256color", **_folders(tmp)}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    command = [sys.executable, "-m", "iisession", "--sessions-dir", str(sessions)]
    term = Tmux(80, 24)
    try:
        term.start([*command, "new", "--name", f"Kill Nine {run}"], env=env)
        term.wait_for("F5 starts the clock")
        pid = term.pid()
        if b"iisession" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            raise RuntimeError(f"pane process {pid} is not the app")
        term.send("F5")
        term.wait_for("left")
        term.send("F3")
        time.sleep(0.3)
        sent: list[float] = []
        delay = rng.uniform(1.5, 7.0)
        start = time.time()
        while True:
            due = start + len(sent) * WORD_SECONDS
            kill_at = start + delay
            if kill_at <= due:
                time.sleep(max(0.0, kill_at - time.time()))
                break
            time.sleep(max(0.0, due - time.time()))
            term.send("-l", f"w{len(sent):04d} ")
            sent.append(time.time())
        killed = time.time()
        os.kill(pid, signal.SIGKILL)
        term.wait_dead()
    finally:
        term.kill()
    [path] = [p for p in sessions.glob("*.toml") if ".recovered-" not in p.name]
    journaled = journal_path_for(path).exists()
    handle = SessionStore(sessions).open(path)
    try:
        notes = handle.session.notes
        recovered = handle.recovered is not None and handle.recovered.changed
    finally:
        handle.close()
    kept = {word for word in notes.split() if word.startswith("w")}
    missing = [i for i in range(len(sent)) if f"w{i:04d}" not in kept]
    lost = killed - sent[missing[0]] if missing else 0.0
    shutil.rmtree(sessions, ignore_errors=True)
    return lost, bool(sent) and len(missing) == len(sent), journaled, recovered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--src", type=Path, default=None, help="run the app from this source tree")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        os.environ.update(_folders(tmp))  # reopen with the app's own state folder
        results = []
        for run in range(args.runs):
            lost, everything, journaled, recovered = one_run(run, tmp, rng, args.src)
            results.append((lost, everything, recovered))
            print(
                f"run {run + 1:3d}: lost {lost:4.2f} s"
                + (", everything" if everything else "")
                + (", no journal" if not journaled else "")
                + (", recovered from the journal" if recovered else ""),
                flush=True,
            )
    losses = [r[0] for r in results]
    print(
        f"kill -9 while typing, {len(results)} runs (seed {seed}): typing lost median "
        f"{statistics.median(losses):.2f} s, max {max(losses):.2f} s; everything typed lost "
        f"in {sum(r[1] for r in results)} runs; recovered from the journal in "
        f"{sum(r[2] for r in results)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
