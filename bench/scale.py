"""Scale benchmarks over a generated folder of 10,000 sessions of about 9 KB.

- cold index build (first run over the folder), with the progress reports it gave;
- `iisession list` with a warm index, against the bare Textual app's start-up;
- the review screen's first full frame (the table filled) with a warm index, in
  tmux at 80x24, against the bare app's first frame in the same run;
- full-text search: the median over a set of queries;
- peak memory of the review screen after loading, scrolling, filtering and a search;
- the views after the call with a warm index: the follow-ups and the network (every
  session's digest read and worked through) and the comparison (every question
  counted), against the bare app's start-up in the same run; and one question's
  answers, in milliseconds.

Run from the repository root: `python bench/scale.py` (or `python bench/run.py --only scale`).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.tmux import Tmux  # noqa: E402

from corpus import generate  # noqa: E402
from iisession.core import network, todo  # noqa: E402
from iisession.core.index import SessionIndex, read_comparison, read_sessions  # noqa: E402
from run import _peak_rss_mb, time_to_first_frame  # noqa: E402

TARGETS = {
    "cold_build_s": 10.0,
    "list_ratio": 1.5,
    "review_ratio": 1.5,
    "search_ms": 50.0,
    "review_peak_mb": 150.0,
    "follow_ups_ratio": 8.0,
    "network_ratio": 8.0,
    "compare_ratio": 3.0,
    "answers_ms": 100.0,
}

QUERIES = [
    "ana",
    "ruiz",
    "ana ruiz",
    "northwind",
    "contoso clinics",
    "research",
    "budget hiring",
    "accessibility",
    "apprenticeship",
    "portfolio mentoring",
    "person123",
    "xylophone",
    "grace",
    "museum",
    "volunteers",
    "statistics python",
    "lindqvist",
    "policy adviser",
    "fieldwork",
    "salary promotion",
]


def bench_cold_build(folder: Path, cache: Path, runs: int = 3) -> dict[str, float]:
    """Median of ``runs`` builds from nothing; the last one is kept for the rest."""
    times = []
    reports: list[tuple[int, int]] = []  # the last build's
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        reports.clear()
        index = SessionIndex(folder, cache)
        start = time.perf_counter()
        report = index.refresh(progress=lambda done, total: reports.append((done, total)))
        times.append(time.perf_counter() - start)
    return {
        "seconds": statistics.median(times),
        "runs": runs,
        "files": report.added,
        "progress_reports": len(reports),
    }


def bench_search(folder: Path, cache: Path, runs: int) -> dict[str, float]:
    index = SessionIndex(folder, cache)
    per_query = []
    matches = []
    for query in QUERIES:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            _, total = index.search(query)
            times.append((time.perf_counter() - start) * 1000)
        per_query.append(statistics.median(times))
        matches.append(total)
    return {
        "median_ms": statistics.median(per_query),
        "worst_ms": max(per_query),
        "queries": len(QUERIES),
        "most_matches": max(matches),
    }


def bench_list_and_review(
    folder: Path, env: dict[str, str], runs: int, count: int
) -> dict[str, float]:
    loaded = f"{count:,} sessions"  # the review screen's status line once the table is filled
    python = sys.executable
    bare = [python, str(ROOT / "bench" / "bare_app.py")]
    # respawn-pane does not keep the first command's environment: set it each time.
    with_env = ["env", *(f"{k}={v}" for k, v in env.items())]
    review = [*with_env, python, "-m", "iisession", "--sessions-dir", str(folder), "review"]
    listing = [python, "-m", "iisession", "--sessions-dir", str(folder), "list"]
    full_env = {**os.environ, **env}
    term = Tmux(80, 24)
    term.start(["true"], env={"TERM": "xterm-256color", **env})
    term.wait_dead()
    bare_s, review_s, list_s = [], [], []
    try:
        # Warm the file cache and the index for all of them.
        time_to_first_frame(term, bare, "bare", "palette")
        time_to_first_frame(term, review, loaded, "palette")
        subprocess.run(listing, stdout=subprocess.DEVNULL, env=full_env, check=True)
        for _ in range(runs):  # interleaved, so drift hits all alike
            bare_s.append(time_to_first_frame(term, bare, "bare", "palette"))
            review_s.append(time_to_first_frame(term, review, loaded, "palette"))
            start = time.perf_counter()
            subprocess.run(listing, stdout=subprocess.DEVNULL, env=full_env, check=True)
            list_s.append(time.perf_counter() - start)
        # Peak memory: load, page through, filter, search.
        term.respawn(review)
        term.wait_for(loaded, timeout=60)
        pid = term.pid()
        for _ in range(20):
            term.send("PageDown")
        term.send("s")
        term.send("/")
        for char in "ruiz":
            term.send("-l", char)
            time.sleep(0.05)
        term.wait_for("match the filter", timeout=30)
        term.send("Escape", "Escape")
        term.send("C-f")
        time.sleep(0.3)
        for char in "research":
            term.send("-l", char)
            time.sleep(0.05)
        term.wait_for("sessions match", timeout=30)
        peak = _peak_rss_mb(pid)
        term.send("C-q")
        term.wait_dead()
    finally:
        term.kill()
    bare_med = statistics.median(bare_s)
    return {
        "bare_s": bare_med,
        "review_s": statistics.median(review_s),
        "review_ratio": statistics.median(review_s) / bare_med,
        "list_s": statistics.median(list_s),
        "list_ratio": statistics.median(list_s) / bare_med,
        "review_peak_mb": peak,
    }


def bench_after_call(folder: Path, cache: Path, runs: int) -> dict[str, float]:
    """Medians of the work behind each view after the call, in this process."""
    index = SessionIndex(folder, cache)
    index.refresh()
    follow_ups, people, compared, answers = [], [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        items = todo.due_items(read_sessions(index).sessions)
        follow_ups.append(time.perf_counter() - start)
        start = time.perf_counter()
        network.forest(network.build(read_sessions(index).sessions))
        people.append(time.perf_counter() - start)
        start = time.perf_counter()
        comparison = read_comparison(index).comparison
        tallies = comparison.tally()
        compared.append(time.perf_counter() - start)
        most = max(tallies.values(), key=lambda t: t.prepared)
        start = time.perf_counter()
        comparison.answers(most.key)
        answers.append((time.perf_counter() - start) * 1000)
    return {
        "follow_ups_s": statistics.median(follow_ups),
        "network_s": statistics.median(people),
        "compare_s": statistics.median(compared),
        "answers_ms": statistics.median(answers),
        "items": len(items),
        "most_answers": most.prepared,
    }


def run(runs: int, count: int = 10_000) -> bool:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sessions"
        cache = Path(tmp) / "cache"
        start = time.perf_counter()
        made = generate(folder, count)
        size = sum(p.stat().st_size for p in made) / len(made) / 1024
        print(
            f"scale: generated {len(made):,} sessions of {size:.1f} KB on average "
            f"in {time.perf_counter() - start:.0f} s"
        )
        # The app keeps its index in the user cache folder; point it at ours.
        env = {"XDG_CACHE_HOME": str(cache)}
        index_cache = cache / "iisession"

        cold = bench_cold_build(folder, index_cache)
        passed = cold["seconds"] <= TARGETS["cold_build_s"]
        ok &= passed
        print(
            f"cold index build: median {cold['seconds']:.1f} s of {cold['runs']:.0f} for "
            f"{cold['files']:,.0f} files on "
            f"{os.cpu_count()} cores, {cold['progress_reports']:.0f} progress reports "
            f"(target <= {TARGETS['cold_build_s']:.0f} s: {'ok' if passed else 'MISSED'})"
        )

        search = bench_search(folder, index_cache, runs=max(5, runs // 2))
        passed = search["median_ms"] <= TARGETS["search_ms"]
        ok &= passed
        print(
            f"search: median {search['median_ms']:.1f} ms over {search['queries']:.0f} queries "
            f"(slowest {search['worst_ms']:.1f} ms; up to {search['most_matches']:,.0f} "
            f"matches) (target <= {TARGETS['search_ms']:.0f} ms: {'ok' if passed else 'MISSED'})"
        )

        screens = bench_list_and_review(folder, env, runs, count)
        for label, key, target in (
            ("review screen first frame (table filled)", "review", "review_ratio"),
            ("`iisession list`", "list", "list_ratio"),
        ):
            passed = screens[f"{key}_ratio"] <= TARGETS[target]
            ok &= passed
            print(
                f"{label}, warm index: {screens[f'{key}_s'] * 1000:.0f} ms, bare Textual app "
                f"start-up {screens['bare_s'] * 1000:.0f} ms, ratio {screens[f'{key}_ratio']:.2f}x "
                f"(target <= {TARGETS[target]}x: {'ok' if passed else 'MISSED'})"
            )
        passed = screens["review_peak_mb"] <= TARGETS["review_peak_mb"]
        ok &= passed
        print(
            f"review screen peak memory over {count:,} sessions: "
            f"{screens['review_peak_mb']:.0f} MB "
            f"(target <= {TARGETS['review_peak_mb']:.0f} MB: {'ok' if passed else 'MISSED'})"
        )

        after = bench_after_call(folder, index_cache, runs=max(3, runs // 3))
        for label, key in (
            (f"follow-ups ({after['items']:,.0f} items)", "follow_ups"),
            ("network", "network"),
            ("comparison (every question counted)", "compare"),
        ):
            ratio = after[f"{key}_s"] / screens["bare_s"]
            passed = ratio <= TARGETS[f"{key}_ratio"]
            ok &= passed
            print(
                f"{label}, warm index: {after[f'{key}_s'] * 1000:.0f} ms, "
                f"ratio {ratio:.2f}x the bare app's start-up "
                f"(target <= {TARGETS[f'{key}_ratio']}x: {'ok' if passed else 'MISSED'})"
            )
        passed = after["answers_ms"] <= TARGETS["answers_ms"]
        ok &= passed
        print(
            f"one question's answers ({after['most_answers']:,.0f} of them): "
            f"{after['answers_ms']:.1f} ms "
            f"(target <= {TARGETS['answers_ms']:.0f} ms: {'ok' if passed else 'MISSED'})"
        )
    return ok


def main() -> int:
    from run import compile_package

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per figure (median)")
    parser.add_argument("--count", type=int, default=10_000, help="sessions to generate")
    args = parser.parse_args()
    compile_package()
    return 0 if run(args.runs, args.count) else 1


if __name__ == "__main__":
    sys.exit(main())
