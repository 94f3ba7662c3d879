"""Reading session files, end to end: `python bench/read.py [--files N] [--runs R]`.

``read_session`` (open, read, check, decode UTF-8, parse, migrate, build the
session) over N files of the bench corpus, as it is now, against the same
function reading the way it did before: tomllib for every file and every table
through the checking reader (``toml_read`` and ``codec`` switched in this
process). Runs alternate between the two so both see the same machine, and the
ratio is the median of each pair's. Parsing alone is given the same way.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import generate  # noqa: E402
from iisession.core import codec, toml_read  # noqa: E402
from iisession.core.store import read_session  # noqa: E402

TARGET_RATIO = 5.0
"""Reading at least this many times faster than before."""


@contextmanager
def reading_as_before() -> Iterator[None]:
    """tomllib for every text and the checking reader for every table."""
    fast, quick = toml_read._fast, codec.QUICK_TABLES
    toml_read._fast, codec.QUICK_TABLES = None, False
    try:
        yield
    finally:
        toml_read._fast, codec.QUICK_TABLES = fast, quick


def per_file_ms(fn: Callable[[Path], object], files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        fn(path)
    return (time.perf_counter() - start) * 1000 / len(files)


def pairs(
    fn_now: Callable[[], float], fn_before: Callable[[], float], runs: int
) -> dict[str, float]:
    now, before, ratios = [], [], []
    for _ in range(runs):
        with reading_as_before():
            b = fn_before()
        n = fn_now()
        now.append(n)
        before.append(b)
        ratios.append(b / n)
    return {
        "now_ms": statistics.median(now),
        "now_spread": max(now) - min(now),
        "before_ms": statistics.median(before),
        "before_spread": max(before) - min(before),
        "ratio": statistics.median(ratios),
        "ratio_min": min(ratios),
    }


def bench_read(files: int, runs: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="iisession-read-") as tmp:
        paths = generate(Path(tmp), files)
        texts = [p.read_text(encoding="utf-8") for p in paths]
        read_session(paths[0])  # imports and caches warm, for both
        whole = pairs(
            lambda: per_file_ms(read_session, paths),
            lambda: per_file_ms(read_session, paths),
            runs,
        )
        parse_now = lambda: _per_text_ms(toml_read.loads, texts)  # noqa: E731
        parse_before = lambda: _per_text_ms(tomllib.loads, texts)  # noqa: E731
        parse = pairs(parse_now, parse_before, runs)
    return {"read_session": whole, "parse": parse}


def _per_text_ms(fn: Callable[[str], object], texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        fn(text)
    return (time.perf_counter() - start) * 1000 / len(texts)


def report(results: dict[str, dict[str, float]]) -> bool:
    print(f"reading session files (parser now: {toml_read.parser_name()}; before: tomllib)")
    ok = True
    for name, r in results.items():
        line = (
            f"  {name:13s} now {r['now_ms']:.3f} ms/file (spread {r['now_spread']:.3f})  "
            f"before {r['before_ms']:.3f} ms (spread {r['before_spread']:.3f})  "
            f"{r['ratio']:.1f}x faster (lowest pair {r['ratio_min']:.1f}x)"
        )
        if name == "read_session":
            passed = r["ratio"] >= TARGET_RATIO
            ok = ok and passed
            line += f"  target >= {TARGET_RATIO:.0f}x: {'ok' if passed else 'MISSED'}"
        print(line)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    return 0 if report(bench_read(args.files, args.runs)) else 1


if __name__ == "__main__":
    sys.exit(main())
