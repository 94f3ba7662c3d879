"""Saving a session, against a bare atomic write of the same bytes.

Two sessions: a typical one (about 30 KB: 25 questions, 10 referrals, notes) and
one with 1 MB of notes. For each, interleaved in the same run (so the machine's
drift hits both alike):

- ``SessionFile.save`` through the store: serialise, parse the text back to
  check that it opens again, temporary file, fsync, rename, folder fsync;
- the same save as the app makes it, through the workspace: the index is
  brought up to date with the session as well;
- a bare atomic write of the same bytes: temporary file, write, fsync, rename,
  fsync of the folder (the cost of durability alone);

each as a median with its spread (the middle half of the runs, and the lowest
and highest), and the save as a ratio to the bare write. The parse-back check
alone is timed too. The measures run in processes of their own, three for each
parser, the parsers in turn.

Before and after: the check parses with the TOML parser that reads session
files (``core/toml_read``): the compiled one where it is installed, else the
standard library's. ``--parser tomllib`` forces the standard library's (the
parser every save used before), ``--parser toml-rs`` the compiled one, and
``--parser both`` (the default) measures each in a process of its own and
prints them side by side.

Run from the repository root: `python bench/save.py` (or `python bench/run.py
--only save`); `--dir DIR` measures on another file system (the figures depend
on what fsync costs there).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGETS = {"typical": 10.0, "1mb": 250.0}
"""The most a save through the store may take, in ms (the median)."""

PARSERS = ("toml-rs", "tomllib")
PARSER_ENV = "IISESSION_TOML_PARSER"
"""Read by ``core/toml_read`` when it is imported: "tomllib" forces the standard library."""


def typical_session_notes() -> str:
    paragraph = (
        "She moved from clinical work into analytics after a hospital project on "
        "readmissions. Day to day: SQL, dashboards, meetings with clinicians.\n"
    )
    return paragraph * 130


SIZES = {
    "typical": (typical_session_notes, 5),
    "1mb": (lambda: "x" * 1_000_000, 1),
}
"""Each session's notes, and how many times the run count it is measured."""


def bare_atomic_write(path: Path, data: bytes) -> None:
    """Durability alone: a temporary file beside ``path``, written and fsynced,
    renamed over it, and the folder fsynced (no checks, no mode, no locking)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".bare-")
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def parse_back(text: str) -> None:
    """What the save's check parses: the text as the next open reads it (the
    session file parser, then the session built from it)."""
    from iisession.core import codec

    codec.loads(text)


def _spread(times: list[float]) -> dict[str, float]:
    ms = sorted(t * 1000 for t in times)
    quartiles = statistics.quantiles(ms, n=4) if len(ms) > 1 else [ms[0]] * 3
    return {
        "median": statistics.median(ms),
        "p25": quartiles[0],
        "p75": quartiles[2],
        "min": ms[0],
        "max": ms[-1],
    }


def measure(label: str, notes: str, runs: int, folder: Path) -> dict[str, Any]:
    """One session's saves, its app saves and bare writes of the same bytes, interleaved."""
    from tests.factories import make_session

    from iisession.core.clock import ManualClock
    from iisession.core.paths import resolve_folders
    from iisession.core.store import SessionStore
    from iisession.core.workspace import Workspace

    plain_folder, app_folder = folder / f"{label}-store", folder / f"{label}-app"
    session = make_session(name=f"Bench {label}", questions=25, referrals=10, notes=notes)
    handle = SessionStore(plain_folder).create(session)
    app_session = make_session(name=f"Bench {label}", questions=25, referrals=10, notes=notes)
    workspace = Workspace(resolve_folders(str(app_folder)), ManualClock())
    app_handle = workspace.create(app_session)
    counter = 0

    def save() -> None:
        nonlocal counter
        counter += 1
        session.notes = notes + str(counter)  # a real change every time
        assert handle.save().written

    def app_save() -> None:
        nonlocal counter
        counter += 1
        app_session.notes = notes + str(counter)
        assert app_handle.save().written

    save()
    data = handle.path.read_bytes()  # the bytes a save writes
    text = data.decode("utf-8")
    target = plain_folder / "bare.bin"

    def bare() -> None:
        bare_atomic_write(target, data)

    def check() -> None:
        parse_back(text)

    steps: list[tuple[str, Callable[[], None]]] = [
        ("save", save),
        ("bare", bare),
        ("app_save", app_save),
        ("parse_back", check),
    ]
    times: dict[str, list[float]] = {name: [] for name, _ in steps}
    for _, warm in steps:  # once each first: the file cache, the index's tables
        warm()
    for run in range(runs):
        # Interleaved, in an order that turns: no step always follows the same one.
        for name, step in steps[run % len(steps) :] + steps[: run % len(steps)]:
            start = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - start)
    handle.close()
    workspace.close_all()
    workspace.release_locks()
    return {"size_kb": len(data) / 1024, "times": times}


def _file_system(folder: Path) -> str:
    """The type of the file system ``folder`` is on (fsync costs differ widely)."""
    best, kind = "", "unknown"
    with open("/proc/mounts", encoding="utf-8") as mounts:
        for line in mounts:
            parts = line.split()
            inside = len(parts) > 2 and str(folder.resolve()).startswith(parts[1])
            if inside and len(parts[1]) > len(best):
                best, kind = parts[1], parts[2]
    return kind


def worker(runs: int, folder: Path) -> dict[str, Any]:
    from iisession.core import toml_read

    results: dict[str, Any] = {"parser": toml_read.parser_name()}
    for label, (notes, times) in SIZES.items():
        results[label] = measure(label, notes(), runs * times, folder)
    return results


def run_parser(parser: str, runs: int, folder: Path) -> dict[str, Any]:
    """The measures in a process of its own, with ``parser`` reading the checks."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        PARSER_ENV: parser,
        # The workspace's index, locks and config: inside the bench's folder.
        "XDG_CACHE_HOME": str(folder / "cache"),
        "XDG_STATE_HOME": str(folder / "state"),
        "XDG_CONFIG_HOME": str(folder / "config"),
    }
    command = [sys.executable, __file__, "--worker", "--runs", str(runs), "--dir", str(folder)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"the save bench failed ({parser}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _ms(f: dict[str, float]) -> str:
    return (
        f"{f['median']:7.2f} ms (middle half {f['p25']:.2f}-{f['p75']:.2f}, "
        f"all {f['min']:.2f}-{f['max']:.2f})"
    )


def report(by_parser: dict[str, dict[str, Any]], fs: str) -> tuple[list[str], bool]:
    lines = [f"save (the folder is on {fs}; medians, the middle half and all runs):"]
    ok = True
    # The targets hold for the parser the app reads with.
    judged = "toml-rs" if "toml-rs" in by_parser else next(iter(by_parser))
    for label in SIZES:
        for parser, results in by_parser.items():
            r = results[label]
            ratio = r["save"]["median"] / r["bare"]["median"]
            app_ratio = r["app_save"]["median"] / r["bare"]["median"]
            target = TARGETS[label]
            passed = r["save"]["median"] <= target
            if parser == judged:
                ok &= passed
            name = "typical session" if label == "typical" else "1 MB of notes"
            lines += [
                f"  {name}, {r['size_kb']:.0f} KB, {r['runs']} runs, parser {results['parser']}:",
                f"    store save        {_ms(r['save'])}  ratio {ratio:.2f}x "
                f"(target <= {target:.0f} ms: {'ok' if passed else 'MISSED'})",
                f"    bare atomic write {_ms(r['bare'])}",
                f"    app save + index  {_ms(r['app_save'])}  ratio {app_ratio:.2f}x",
                f"    parse-back alone  {_ms(r['parse_back'])}",
            ]
        if len(by_parser) == 2:
            after, before = (by_parser[p][label] for p in PARSERS)
            lines.append(
                f"    before (tomllib) / after (toml-rs): store save "
                f"{before['save']['median'] / after['save']['median']:.2f}x, ratio to the "
                f"bare write {before['save']['median'] / before['bare']['median']:.2f}x -> "
                f"{after['save']['median'] / after['bare']['median']:.2f}x; parse-back "
                f"{before['parse_back']['median'] / after['parse_back']['median']:.1f}x faster"
            )
    return lines, ok


ROUNDS = 3
"""Each parser's process is run this many times, the parsers in turn: the disk's
moods (fsync costs what the rest of the machine is writing) hit both alike."""


def run(runs: int, parser: str = "both", folder: Path | None = None) -> bool:
    with tempfile.TemporaryDirectory(prefix="iisession-save-", dir=folder) as tmp:
        chosen = PARSERS if parser == "both" else (parser,)
        by_parser: dict[str, dict[str, Any]] = {}
        for round_ in range(ROUNDS):
            for p in chosen:
                got = run_parser(p, -(-runs // ROUNDS), Path(tmp) / f"{p}-{round_}")
                merged = by_parser.setdefault(p, {"parser": got["parser"]})
                for label in SIZES:
                    into = merged.setdefault(label, {"size_kb": got[label]["size_kb"]})
                    for step, values in got[label]["times"].items():
                        into.setdefault(step, []).extend(values)
        for merged in by_parser.values():
            for label in SIZES:
                r = merged[label]
                r["runs"] = len(r["save"])
                for step in ("save", "bare", "app_save", "parse_back"):
                    r[step] = _spread(r[step])
        if len(chosen) == 2 and by_parser["toml-rs"]["parser"] != "toml-rs":
            print("save: the compiled parser is not installed here; both runs used tomllib")
        lines, ok = report(by_parser, _file_system(Path(tmp)))
    print("\n".join(lines))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs (x5 for the typical session)")
    parser.add_argument("--parser", choices=[*PARSERS, "both"], default="both")
    parser.add_argument("--dir", type=Path, help="where to save (default: a temporary folder)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.runs, args.dir)))
        return 0
    from run import compile_package

    compile_package()
    return 0 if run(args.runs, args.parser, args.dir) else 1


if __name__ == "__main__":
    sys.exit(main())
