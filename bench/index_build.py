"""The first index build, now and before: `python bench/index_build.py [--before REV]`.

A fresh process builds the index of a generated folder of 10,000 sessions from
nothing, on two cores and on one (``taskset``), with this tree's code and with
the code of ``--before`` (a git revision, unpacked with ``git archive``; by
default the last one before the faster reading). Runs alternate between the
two, so both see the same machine. Targets: at most 5 s on two cores, and on
one core no slower than before.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from corpus import generate  # noqa: E402

BEFORE = "871048d"
"""The last revision that read every file with tomllib and the checking reader."""

TARGET_TWO_CORES_S = 5.0

_BUILD = """
import json, sys, time
from pathlib import Path
from iisession.core.index import SessionIndex
index = SessionIndex(Path(sys.argv[1]), Path(sys.argv[2]))
start = time.perf_counter()
report = index.refresh()
print(json.dumps({"seconds": time.perf_counter() - start, "added": report.added}))
"""


def unpack(revision: str, into: Path) -> Path:
    """The package's source at ``revision``, for PYTHONPATH."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "src"], capture_output=True, check=True
    ).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def build_once(src: Path, folder: Path, cache: Path, cores: str) -> float:
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, "-c", _BUILD, str(folder), str(cache)]
    if shutil.which("taskset"):
        command = ["taskset", "-c", cores, *command]
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    result = json.loads(out)
    if result["added"] < 1:
        raise RuntimeError(f"nothing was indexed: {out}")
    return float(result["seconds"])


def bench_index_build(count: int, runs: int, before: str) -> dict[str, dict[str, list[float]]]:
    cpus = sorted(os.sched_getaffinity(0))
    two, one = ",".join(str(c) for c in cpus[:2]), str(cpus[0])
    with tempfile.TemporaryDirectory(prefix="iisession-build-") as tmp:
        base = Path(tmp)
        folder = base / "sessions"
        generate(folder, count)
        sources = {"now": ROOT / "src", "before": unpack(before, base / "before")}
        results: dict[str, dict[str, list[float]]] = {
            cores: {name: [] for name in sources} for cores in ("2 cores", "1 core")
        }
        for _ in range(runs):
            for cores, mask in (("2 cores", two), ("1 core", one)):
                for name, src in sources.items():
                    results[cores][name].append(build_once(src, folder, base / "cache", mask))
    return results


def report(results: dict[str, dict[str, list[float]]], count: int, before: str) -> bool:
    print(f"first index build, {count:,} sessions (before: {before})")
    ok = True
    for cores, by_code in results.items():
        now, then = by_code["now"], by_code["before"]
        line = (
            f"  {cores:8s} now {statistics.median(now):.2f} s (spread {max(now) - min(now):.2f})"
            f"  before {statistics.median(then):.2f} s (spread {max(then) - min(then):.2f})"
            f"  {statistics.median(then) / statistics.median(now):.1f}x faster"
        )
        if cores == "2 cores":
            passed = statistics.median(now) <= TARGET_TWO_CORES_S
            line += f"  target <= {TARGET_TWO_CORES_S:.0f} s: {'ok' if passed else 'MISSED'}"
        else:
            passed = statistics.median(now) <= statistics.median(then)
            line += f"  target: no slower than before: {'ok' if passed else 'MISSED'}"
        ok = ok and passed
        print(line)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", default=BEFORE)
    args = parser.parse_args()
    results = bench_index_build(args.sessions, args.runs, args.before)
    return 0 if report(results, args.sessions, args.before) else 1


if __name__ == "__main__":
    sys.exit(main())
