"""Parse time of the bundled guide and of a guide 20x larger, per MB: the cost should grow linearly.

Run: python benchmarks/bench_parse.py [--repeat N]
The 20x guide repeats the directions with renumbered areas, so every heading stays valid.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

from generator.parse import parse_text
from generator.paths import BUNDLED_GUIDE


def scaled_guide(text: str, factor: int) -> str:
    """The preamble once, then the 10 areas `factor` times with areas renumbered 1..10*factor."""
    start = text.index("\n1. 新能源")
    preamble, body = text[:start], text[start:]
    copies = []
    for copy in range(factor):
        offset = copy * 10

        def renumber(match: re.Match[str], offset: int = offset) -> str:
            return f"\n{int(match.group(1)) + offset}{match.group(2)}"

        copies.append(re.sub(r"\n(\d{1,2})(\.\s|\s*\.\s*\d)", renumber, body))
    total = 107 * factor
    return preamble.replace("共计 107 个", f"共计 {total} 个") + "".join(copies)


def seconds(text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        guide = parse_text(text)
        times.append(time.perf_counter() - started)
    assert guide.directions
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = BUNDLED_GUIDE.read_text(encoding="utf-8")
    parse_text(text)  # warm up: jieba's dictionary loads once per process
    big = scaled_guide(text, 20)
    assert len(parse_text(big).directions) == 107 * 20
    rows = []
    for name, sample, repeat in (("bundled", text, args.repeat), ("20x", big, max(1, args.repeat // 2))):
        megabytes = len(sample.encode("utf-8")) / 1_000_000
        elapsed = seconds(sample, repeat)
        rows.append((name, megabytes, elapsed, elapsed / megabytes))
    print(f"{'guide':<8} {'MB':>7} {'seconds':>9} {'s/MB':>8}")
    for name, megabytes, elapsed, per_mb in rows:
        print(f"{name:<8} {megabytes:7.2f} {elapsed:9.3f} {per_mb:8.3f}")
    ratio = rows[1][3] / rows[0][3]
    print(f"cost per MB, 20x guide / bundled guide: {ratio:.2f} (1.0 = linear)")


if __name__ == "__main__":
    main()
