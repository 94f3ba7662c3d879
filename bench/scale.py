"""Cost curves: what the user waits for at 1,000, 10,000 and (opt-in) 50,000 sessions.

For each size, over a generated folder of sessions of about 9 KB (bench/corpus.py,
made once and kept in the system's temporary folder):

- the cold index build (the first run over the folder), from nothing, with the
  session files in the system's file cache;
- a search: the median over a set of queries, each the median of its runs;
- `iisession list` with a warm index, in a terminal of its own;
- the review screen's first frame: headless, from the app's start until the
  table is filled (with how many rows it holds: a screenful, never all), and
  the whole table read behind it; and in tmux at 80x24, from launch to the
  full first frame, against the bare Textual app's in the same run;
- the follow-ups (every session's digest read, then what is due worked out, as
  `iisession todo` and the follow-ups view do), the network (the same read, then
  who led to whom, as `iisession referrals`), the comparison (every question
  counted and grouped by topic, as `iisession compare`) and one question's
  answers; and the three views in the app, from opening to filled;
- peak memory: of the review screen in tmux after loading, paging, filtering
  and a search, and of a fresh process per measure (the build, `list`, each
  view's work).

Every time is a median of several runs (fewer at the largest size), made in
three rounds that take the sizes in turn, so that a busy spell on a shared
machine hits every size alike. The table gives each figure at each size with
its spread (the lowest and highest run), then how it grew between sizes, with
a verdict: whatever scans the sessions may grow with their number (with 10 %
slack), the review's first frame and a search must stay nearly flat (at most
1 + k/5 times for k times the sessions). A plain pass over the digests is
timed beside them: memory gets slower per session as more of it is used (the
caches hold a thousand sessions' digests, not ten thousand), so a scan that
grew no faster than that pass is marked "ok*". The figures at 10,000 are also
held to the absolute targets below.

Run from the repository root: `python bench/scale.py` (1,000 and 10,000),
`python bench/scale.py --big` (and 50,000), `--sizes 2000,20000` for others;
`--profile follow-ups` prints where the time of one measure goes, at each size.
`python bench/run.py --only scale` runs the default sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

DEFAULT_SIZES = (1_000, 10_000)
BIG = 50_000

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
"""At 10,000 sessions; a ratio is against the bare Textual app's start-up."""

PLAIN_PASSES = 20
"""The plain pass is timed over this many passes, each figure their mean."""

SCAN_SLACK = 1.1
"""Whatever scans the sessions may grow up to this much faster than their number."""

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


# --- in a fresh process: one measure ---------------------------------------------------
#
# `python bench/scale.py --worker NAME --folder F --cache C --runs N` runs one
# measure and prints its figures as one line of JSON, with the process's peak
# memory: each measure in a process of its own, so no measure's memory is
# another's.


def _peak_self_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def _index(folder: Path, cache: Path) -> Any:
    from iisession.core.index import SessionIndex

    return SessionIndex(folder, cache)


def _read_every_file(folder: Path) -> None:
    """Every session file read once, untimed, so that each build finds them in
    the system's file cache, at every size alike. These machines keep about
    1.5 GB of it: the 50,000 sessions (565 MB) and their index (750 MB) hardly
    fit beside the rest, and reading those files took 4.0 s with them out of
    the cache against 1.1 s with them in, a cost of the disk that only the
    largest size paid (its build grew 6.8x from 10,000 in such a run)."""
    for entry in os.scandir(folder):
        with open(entry.path, "rb") as handle:
            handle.read()


def worker_build(folder: Path, cache: Path, runs: int) -> dict[str, Any]:
    """One cold build: the cache thrown away first (``runs`` is ignored: the
    parent starts a process per build, each starting cold)."""
    shutil.rmtree(cache, ignore_errors=True)
    _read_every_file(folder)
    index = _index(folder, cache)
    reports: list[tuple[int, int]] = []
    start = time.perf_counter()
    report = index.refresh(progress=lambda done, total: reports.append((done, total)))
    seconds = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "times": [seconds],
        "files": report.added,
        "progress_reports": len(reports),
        "children_peak_mb": children,
    }


def worker_search(folder: Path, cache: Path, runs: int) -> dict[str, Any]:
    index = _index(folder, cache)
    index.refresh()
    per_query, matches = [], []
    for query in QUERIES:
        times, (_, total) = _timed(lambda q=query: index.search(q), runs)  # type: ignore[misc]
        per_query.append(statistics.median(times))
        matches.append(total)
    return {
        # The median query's median, with the spread over queries.
        "times": per_query,
        "most_matches": max(matches),
        "slowest_query": QUERIES[per_query.index(max(per_query))],
    }


def worker_follow_ups(folder: Path, cache: Path, runs: int) -> dict[str, Any]:
    from iisession.core import collector, todo
    from iisession.core.index import read_sessions
    from iisession.core.model import Session

    index = _index(folder, cache)

    @collector.held_off()  # as `iisession todo` and the view hold it, read and work
    def work() -> int:
        return len(todo.due_items(read_sessions(index).sessions))

    def plain_pass(found: list[tuple[str, Session]]) -> int:
        # Every digest touched once, as any pass over them does: how the memory
        # of this machine alone makes a pass cost more per session as they grow.
        return sum(1 for _, s in found if s.person.name and s.ended_at is not None)

    # The reads' last result let go before the work is timed: kept, it doubled
    # the memory the work ran in (at 50,000 sessions, 6.3x its time at 10,000).
    read_times = _timed(lambda: read_sessions(index), runs)[0]
    times, items = _timed(work, runs)
    found = read_sessions(index).sessions
    compute, _ = _timed(lambda: todo.due_items(found), runs)
    # Over several passes in each timing: one pass at 1,000 sessions takes under
    # a millisecond, too short to time alike on a shared machine.
    many, _ = _timed(lambda: [plain_pass(found) for _ in range(PLAIN_PASSES)], runs)
    plain = [seconds / PLAIN_PASSES for seconds in many]
    return {"times": times, "read": read_times, "compute": compute, "plain": plain, "items": items}


def worker_network(folder: Path, cache: Path, runs: int) -> dict[str, Any]:
    from iisession.core import collector, network
    from iisession.core.index import read_sessions

    index = _index(folder, cache)

    @collector.held_off()  # as `iisession referrals` and the view hold it
    def work() -> int:
        built = network.build(read_sessions(index).sessions)
        network.as_text(built)
        return len(built.contacts)

    times, people = _timed(work, runs)
    found = read_sessions(index).sessions
    compute, _ = _timed(lambda: network.as_text(network.build(found)), runs)
    return {"times": times, "compute": compute, "people": people}


def worker_compare(folder: Path, cache: Path, runs: int) -> dict[str, Any]:
    from iisession.core import collector
    from iisession.core.bank import OWN_TOPIC, TOPICS, load_bank
    from iisession.core.compare import coverage_markdown
    from iisession.core.index import read_comparison

    index = _index(folder, cache)
    bank = load_bank(cache / "no-config", [])

    @collector.held_off()  # as `iisession compare` holds it
    def work() -> Any:
        compared = read_comparison(index)
        coverage_markdown(compared.tallies, bank, [*TOPICS, OWN_TOPIC])
        return compared

    times, compared = _timed(work, runs)
    most = max(compared.tallies.values(), key=lambda t: t.prepared)
    answers, _ = _timed(lambda: compared.comparison.answers(most.key), runs)
    return {
        "times": times,
        "answers": answers,
        "questions": len(compared.tallies),
        "most_answers": most.prepared,
    }


def worker_app(folder: Path, cache: Path, runs: int) -> dict[str, Any]:
    """Headless (Pilot) at 80x24: the review's first frame, the whole table read,
    and each view over every session from opening to filled."""
    return asyncio.run(_app_measures(folder, runs))


async def _app_measures(folder: Path, runs: int) -> dict[str, Any]:
    from textual.message import Message
    from textual.pilot import Pilot, WaitForScreenTimeout
    from textual.widgets import Markdown

    from iisession.core.clock import SystemClock
    from iisession.core.paths import resolve_folders
    from iisession.core.workspace import Workspace
    from iisession.tui.app import IISessionApp
    from iisession.tui.screens.compare import CompareScreen
    from iisession.tui.screens.folder_view import FolderView
    from iisession.tui.screens.follow_ups import FollowUpsScreen
    from iisession.tui.screens.network import NetworkScreen
    from iisession.tui.screens.review import ReviewScreen
    from iisession.tui.widgets.session_table import SessionTable

    async def until(check: Callable[[], bool], timeout: float = 300) -> None:
        deadline = time.perf_counter() + timeout
        while not check():
            if time.perf_counter() > deadline:
                raise RuntimeError("timed out")
            await asyncio.sleep(0.002)

    def filled(screen: ReviewScreen) -> bool:
        return bool(screen.query_one(SessionTable).rows)

    def read_once(view: FolderView) -> bool:
        return view.generation > 0

    contents_at: list[float] = []  # when a Markdown finished mounting its blocks

    def hook(message: Message) -> None:
        if isinstance(message, Markdown.TableOfContentsUpdated):
            contents_at.append(time.perf_counter())

    def has_overview(view: CompareScreen) -> bool:
        return bool(view.markdown)

    def mounted_since(moment: float) -> bool:
        return bool(contents_at) and contents_at[-1] > moment

    async def settled(pilot: Pilot[None]) -> None:
        with contextlib.suppress(WaitForScreenTimeout):  # busy past Pilot's patience
            await pilot.pause()

    first, full, rows = [], [], 0
    views: dict[str, list[float]] = {"follow_ups_view": [], "network_view": [], "compare_view": []}
    makers: dict[str, Callable[[], FolderView]] = {
        "follow_ups_view": lambda: FollowUpsScreen(folder, 12),
        "network_view": lambda: NetworkScreen(folder),
        "compare_view": CompareScreen,
    }
    warm_ups = 2  # imports, the file cache; the second start of an app is slower still
    for run in range(runs + warm_ups):
        measured = run >= warm_ups
        start = time.perf_counter()
        app = IISessionApp(Workspace(resolve_folders(str(folder)), SystemClock()), review=True)
        async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
            # The review's table is filled in its on_mount: ready means the first
            # frame is made.
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            await until(partial(filled, screen))
            shown = time.perf_counter() - start
            rows = len(screen.query_one(SessionTable).rows)
            await until(partial(getattr, screen, "loaded"))
            loaded = time.perf_counter() - start
            if measured:
                first.append(shown)
                full.append(loaded)
            for key, make in makers.items() if run != 1 else ():  # warmed up in the first
                view = make()
                start = time.perf_counter()
                await app.push_screen(view)
                await until(partial(read_once, view))
                if isinstance(view, CompareScreen):  # and its overview on screen:
                    await until(partial(has_overview, view))  # made, and then mounted
                    await until(partial(mounted_since, time.perf_counter()))
                await settled(pilot)  # and drawn
                if measured:
                    views[key].append(time.perf_counter() - start)
                app.pop_screen()
                await settled(pilot)
                # The review reads the folder again as it comes back: let it
                # finish, so that no measure shares the machine with it.
                await app.workers.wait_for_complete()
    return {"times": first, "review_loaded": full, "first_rows": rows, **views}


WORKERS: dict[str, Callable[[Path, Path, int], dict[str, Any]]] = {
    "build": worker_build,
    "search": worker_search,
    "follow-ups": worker_follow_ups,
    "network": worker_network,
    "compare": worker_compare,
    "app": worker_app,
}


def worker_main(name: str, folder: Path, cache: Path, runs: int, profile: bool) -> int:
    # The app keeps its index in the user cache folder, which the parent has
    # pointed at ``cache`` (with the config and state folders beside it).
    index_cache = cache / "iisession"
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        figures = WORKERS[name](folder, index_cache, runs)
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)
    else:
        figures = WORKERS[name](folder, index_cache, runs)
    figures["peak_mb"] = _peak_self_mb()
    print(json.dumps(figures))
    return 0


# --- the parent: starting the measures ---------------------------------------------------


def _bench_env(cache: Path) -> dict[str, str]:
    return {
        "XDG_CACHE_HOME": str(cache),
        "XDG_CONFIG_HOME": str(cache / "config"),
        "XDG_STATE_HOME": str(cache / "state"),
    }


def _run_worker(
    name: str, folder: Path, cache: Path, runs: int, *, profile: bool = False
) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", name, "--folder", str(folder)]
    command += ["--cache", str(cache), "--runs", str(runs)] + (["--profile-worker"] * profile)
    done = subprocess.run(
        command,
        env={**os.environ, **_bench_env(cache)},
        stdout=subprocess.PIPE,
        stderr=None if profile else subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"worker {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _wait_with_peak(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``command`` (output thrown away): seconds, and its peak memory in MB."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"{command} exited with {child.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def bench_terminal(folder: Path, cache: Path, runs: int, count: int) -> dict[str, Any]:
    """In tmux at 80x24: the bare app's and the review's first frames and `list`,
    interleaved; then the review's peak memory after a session of use."""
    from tests.tmux import Tmux

    from run import _peak_rss_mb, time_to_first_frame

    env = _bench_env(cache)
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
    bare_s, review_s, list_s, list_mb = [], [], [], []
    try:
        # Warm the file cache and the index for all of them.
        time_to_first_frame(term, bare, "bare", "palette")
        time_to_first_frame(term, review, loaded, "palette")
        _wait_with_peak(listing, full_env)
        for _ in range(runs):  # interleaved, so drift hits all alike
            bare_s.append(time_to_first_frame(term, bare, "bare", "palette"))
            review_s.append(time_to_first_frame(term, review, loaded, "palette"))
            seconds, peak = _wait_with_peak(listing, full_env)
            list_s.append(seconds)
            list_mb.append(peak)
        # Peak memory: load, page through, filter, search.
        term.respawn(review)
        term.wait_for(loaded, timeout=60)
        pid = term.pid()
        term.wait_for("s sorts", timeout=120)
        for _ in range(20):
            term.send("PageDown")
        term.send("s")
        term.send("/")
        for char in "ruiz":
            term.send("-l", char)
            time.sleep(0.05)
        term.wait_for("match the filter", timeout=60)
        term.send("Escape", "Escape")
        term.send("C-f")
        time.sleep(0.3)
        for char in "research":
            term.send("-l", char)
            time.sleep(0.05)
        term.wait_for("sessions match", timeout=60)
        time.sleep(1)  # the whole table read behind the first frame, too
        peak = _peak_rss_mb(pid)
        term.send("C-q")
        term.wait_dead()
    finally:
        term.kill()
    return {
        "bare": bare_s,
        "review_tmux": review_s,
        "list": list_s,
        "list_mb": max(list_mb),
        "review_mb": peak,
    }


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    kind: str
    """"scan" (may grow with the sessions), "flat" (nearly flat), "memory"
    (grows with them: held as "scan"), or "info" (shown, not judged)."""
    unit: str = "ms"


MEASURES = [
    Measure("build", "cold index build", "scan", "s"),
    Measure("list", "`iisession list`, warm (terminal)", "scan"),
    Measure("search", "search (median query; fastest-slowest query)", "flat"),
    Measure("review", "review first frame (headless)", "flat"),
    Measure("review_tmux", "review first frame (tmux 80x24)", "flat"),
    Measure("review_loaded", "review: whole table read", "scan"),
    Measure("follow_ups", "follow-ups (read + due_items)", "scan"),
    Measure("follow_ups_read", "  of which: digests read", "scan"),
    Measure("follow_ups_compute", "  of which: due_items alone", "scan"),
    Measure("network", "network (read + build + tree)", "scan"),
    Measure("network_compute", "  of which: build + tree alone", "scan"),
    Measure("compare", "comparison (counted + by topic)", "scan"),
    Measure("answers", "one question's answers", "scan"),
    Measure("follow_ups_view", "follow-ups view, open to filled", "scan"),
    Measure("network_view", "network view, open to filled", "scan"),
    Measure("compare_view", "comparison view, open to filled", "scan"),
    Measure("bare", "bare Textual app start-up (tmux)", "info"),
    Measure("plain_pass", "reference: a plain pass over the digests", "info"),
    Measure("build_mb", "peak memory: cold build", "memory", "MB"),
    Measure("list_mb", "peak memory: `list`", "memory", "MB"),
    Measure("review_mb", "peak memory: review in use (tmux)", "memory", "MB"),
    Measure("follow_ups_mb", "peak memory: follow-ups", "memory", "MB"),
    Measure("network_mb", "peak memory: network", "memory", "MB"),
    Measure("compare_mb", "peak memory: comparison", "memory", "MB"),
    Measure("app_mb", "peak memory: app, review + views", "memory", "MB"),
]


def runs_for(runs: int, count: int) -> int:
    """Fewer runs at large sizes: a 50,000-session figure takes five times as long."""
    return max(3, runs * 10_000 // max(count, 10_000))


def builds_for(count: int) -> int:
    return 5 if count <= 1_000 else 3 if count <= 10_000 else 2


ROUNDS = 3
"""Every size is measured in turn, this many times over: drift on a shared machine
hits every size alike instead of one."""


def _extend(results: dict[str, Any], key: str, value: Any) -> None:
    if isinstance(value, list):
        results.setdefault(key, []).extend(value)
    else:
        results[key] = max(results.get(key, value), value)  # a peak: the highest


def _one_round(
    count: int, folder: Path, cache: Path, runs: int, builds: int, results: dict[str, Any]
) -> None:
    """One round of every measure at one size: ``builds`` cold builds (a process
    each), then ``runs`` of each measure."""
    for _ in range(builds):
        built = _run_worker("build", folder, cache, 1)
        _extend(results, "build", built["times"])
        _extend(results, "build_mb", max(built["peak_mb"], built["children_peak_mb"]))
    search = _run_worker("search", folder, cache, runs)
    _extend(results, "search", search["times"])
    results["search_info"] = (
        f"up to {search['most_matches']:,} matches; slowest {search['slowest_query']!r}"
    )
    follow = _run_worker("follow-ups", folder, cache, runs)
    for key, got in (
        ("follow_ups", "times"),
        ("follow_ups_read", "read"),
        ("follow_ups_compute", "compute"),
        ("plain_pass", "plain"),
        ("follow_ups_mb", "peak_mb"),
    ):
        _extend(results, key, follow[got])
    results["items"] = follow["items"]
    people = _run_worker("network", folder, cache, runs)
    for key, got in (
        ("network", "times"),
        ("network_compute", "compute"),
        ("network_mb", "peak_mb"),
    ):
        _extend(results, key, people[got])
    results["people"] = people["people"]
    compared = _run_worker("compare", folder, cache, runs)
    for key, got in (("compare", "times"), ("answers", "answers"), ("compare_mb", "peak_mb")):
        _extend(results, key, compared[got])
    results["questions"] = compared["questions"]
    app = _run_worker("app", folder, cache, max(1, runs // 2))
    for key, got in (
        ("review", "times"),
        ("review_loaded", "review_loaded"),
        ("follow_ups_view", "follow_ups_view"),
        ("network_view", "network_view"),
        ("compare_view", "compare_view"),
        ("app_mb", "peak_mb"),
    ):
        _extend(results, key, app[got])
    results["first_rows"] = app["first_rows"]
    for key, value in bench_terminal(folder, cache, runs, count).items():
        _extend(results, key, value)


def measure_all(
    sizes: tuple[int, ...], runs: int, log: Callable[[str], None], rounds: int = ROUNDS
) -> dict[int, dict[str, Any]]:
    """Every measure at every size, the sizes taken in turn in each round: lists
    of seconds, and peaks in MB."""
    folders = {}
    for count in sizes:
        folder, made = corpus.cached(count)
        state = "generated" if made else "kept from an earlier run"
        log(f"{count:,} sessions: {state} in {folder}")
        folders[count] = folder
    results: dict[int, dict[str, Any]] = {count: {} for count in sizes}
    with tempfile.TemporaryDirectory(prefix="iisession-scale-") as tmp:
        for round_ in range(rounds):
            for count in sizes:
                cache = Path(tmp) / str(count)
                per_round = -(-runs_for(runs, count) // rounds)
                builds = len(range(round_, builds_for(count), rounds))
                _one_round(count, folders[count], cache, per_round, builds, results[count])
                log(f"round {round_ + 1} of {rounds} at {count:,} sessions done")
    return results


# --- the table -------------------------------------------------------------------------------


def _median(value: Any) -> float:
    return statistics.median(value) if isinstance(value, list) else float(value)


def _figure(measure: Measure, value: Any) -> str:
    if measure.unit == "MB":
        return f"{value:.0f} MB"
    scale = 1 if measure.unit == "s" else 1000
    digits = 2 if measure.unit == "s" else (1 if _median(value) * scale < 100 else 0)
    text = f"{_median(value) * scale:.{digits}f}"
    if isinstance(value, list) and len(value) > 1:
        text += f" ({min(value) * scale:.{digits}f}-{max(value) * scale:.{digits}f})"
    return f"{text} {measure.unit}"


def limit(kind: str, times_more: float) -> float:
    """The most a measure may grow for ``times_more`` sessions."""
    return 1 + times_more / 5 if kind == "flat" else times_more * SCAN_SLACK


def _short(count: int) -> str:
    return f"{count // 1000}k" if count % 1000 == 0 else f"{count:,}"


def table(results: dict[int, dict[str, Any]]) -> tuple[list[str], bool]:
    sizes = sorted(results)
    steps = list(itertools.pairwise(sizes))
    header = [
        "measure",
        *(f"{n:,}" for n in sizes),
        *(f"{_short(b)}/{_short(a)}" for a, b in steps),
    ]
    rows = [header]
    ok = True
    failures = []
    for m in MEASURES:
        if not all(m.key in results[n] for n in sizes):
            continue
        row = [m.label, *(_figure(m, results[n][m.key]) for n in sizes)]
        for a, b in steps:
            before, after = _median(results[a][m.key]), _median(results[b][m.key])
            ratio = after / before if before else float("inf")
            if m.kind == "info":
                row.append(f"{ratio:.2f}x")
                continue
            allowed = limit(m.kind, b / a)
            passed = ratio <= allowed
            verdict = "ok" if passed else "FASTER"
            if not passed and m.kind == "scan" and "plain_pass" in results[a]:
                # No faster than a plain pass grew on this machine: the memory's doing.
                plain = _median(results[b]["plain_pass"]) / _median(results[a]["plain_pass"])
                passed = ratio <= allowed * plain / (b / a)
                verdict = "ok*" if passed else verdict
            row.append(f"{ratio:.2f}x {verdict} (<= {allowed:.1f})")
            if not passed:
                ok = False
                failures.append(f"{m.label} grew {ratio:.2f}x from {a:,} to {b:,}")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += [
        "",
        "ok*: more than the sessions grew, but no more than a plain pass over them did",
        "(what the memory of this machine costs as more of it is used).",
    ]
    lines += [f"grew faster than allowed: {f}" for f in failures]
    return lines, ok


def targets_at_10k(r: dict[str, Any]) -> tuple[list[str], bool]:
    """The absolute targets, for the figures at 10,000 sessions."""
    bare = _median(r["bare"])
    checks = [
        ("cold index build", _median(r["build"]), TARGETS["cold_build_s"], "s"),
        ("search, median query", _median(r["search"]) * 1000, TARGETS["search_ms"], "ms"),
        ("`list` / bare app", _median(r["list"]) / bare, TARGETS["list_ratio"], "x"),
        ("review first frame / bare app", _median(r["review_tmux"]) / bare,
         TARGETS["review_ratio"], "x"),
        ("review peak memory", r["review_mb"], TARGETS["review_peak_mb"], "MB"),
        ("follow-ups / bare app", _median(r["follow_ups"]) / bare, TARGETS["follow_ups_ratio"],
         "x"),
        ("network / bare app", _median(r["network"]) / bare, TARGETS["network_ratio"], "x"),
        ("comparison / bare app", _median(r["compare"]) / bare, TARGETS["compare_ratio"], "x"),
        ("one question's answers", _median(r["answers"]) * 1000, TARGETS["answers_ms"], "ms"),
    ]  # fmt: skip
    lines, ok = [], True
    for label, value, target, unit in checks:
        passed = value <= target
        ok &= passed
        lines.append(
            f"  {label}: {value:.2f} {unit} (target <= {target:g} {unit}: "
            f"{'ok' if passed else 'MISSED'})"
        )
    return lines, ok


def run(runs: int, sizes: tuple[int, ...] = DEFAULT_SIZES) -> bool:
    began = time.perf_counter()

    def log(text: str) -> None:
        print(f"scale [{time.perf_counter() - began:4.0f} s]: {text}", flush=True)

    results = measure_all(sizes, runs, log)
    print()
    print(f"Cost curves ({os.cpu_count()} cores; medians, lowest-highest run in brackets):")
    lines, ok = table(results)
    print("\n".join(lines))
    for count in sizes:
        r = results[count]
        print(
            f"at {count:,}: the review's first frame held {r['first_rows']} rows; "
            f"{r['items']:,} follow-ups, {r['people']:,} people, {r['questions']:,} questions; "
            f"search {r['search_info']}"
        )
    if 10_000 in results:
        print("Targets at 10,000 sessions:")
        lines, met = targets_at_10k(results[10_000])
        print("\n".join(lines))
        ok &= met
    return ok


def profile(measure: str, sizes: tuple[int, ...], runs: int) -> None:
    """Where one measure's time goes, at each size (cProfile, to stderr)."""
    for count in sizes:
        folder, _ = corpus.cached(count)
        with tempfile.TemporaryDirectory(prefix="iisession-scale-") as tmp:
            if measure != "build":
                _run_worker("build", folder, Path(tmp), 1)
            print(f"--- {measure} at {count:,} sessions", file=sys.stderr, flush=True)
            _run_worker(measure, folder, Path(tmp), runs, profile=True)


def _sizes(text: str) -> tuple[int, ...]:
    return tuple(sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per figure (median)")
    parser.add_argument(
        "--sizes", type=_sizes, default=DEFAULT_SIZES, help="numbers of sessions, e.g. 1000,10000"
    )
    parser.add_argument("--big", action="store_true", help=f"add {BIG:,} sessions to the sizes")
    parser.add_argument("--profile", choices=sorted(WORKERS), help="profile one measure")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker_main(args.worker, args.folder, args.cache, args.runs, args.profile_worker)
    from run import compile_package

    compile_package()
    sizes = tuple(sorted({*args.sizes, *((BIG,) if args.big else ())}))
    if args.profile:
        profile(args.profile, sizes, max(1, args.runs // 5))
        return 0
    return 0 if run(args.runs, sizes) else 1


if __name__ == "__main__":
    sys.exit(main())
